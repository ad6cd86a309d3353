//! Main-content extraction: the policy on a saved web page, without its chrome (cookie
//! banners, headers, menus, footers, sidebars, newsletter forms, link lists).
//!
//! The rules, measured against two readability ports in `docs/reliability.md` ("HTML pages"):
//!
//! 1. **Root.** The largest `main` (or `role=main`) element, else the largest `article`, is the
//!    root when its text is at least half of the page's (both after the rules below); else the
//!    `body` is.
//! 2. **Always dropped**, anywhere: what [`html_to_text`](super::html_to_text) drops (scripts,
//!    `nav`, form controls, …), `menu`, `dialog`, and elements with role `navigation`, `menu`,
//!    `menubar`, `search`, `dialog` or `alertdialog`.
//! 3. **Outside content** (no `main`, `article`, `section` or `role=main|article` ancestor):
//!    `header`, `footer`, `aside`, small `form`s (under [`FORM_TEXT`] letters: a page-wide
//!    ASP.NET form is kept) and roles `banner`, `contentinfo`, `complementary`; elements whose
//!    id, class or aria-label names chrome ([`STRONG`]: menus, sidebars, breadcrumbs, popups, …
//!    always; [`WEAK`]: cookie, consent, banner, footer, social, share, … unless they hold a
//!    heading without an accept button), hidden elements (`hidden`, `aria-hidden=true`,
//!    `display:none`, `visibility:hidden`) without a heading, link lists (at least three links
//!    of at most [`SHORT_LINK_WORDS`] words holding 90 % of the letters) and short copyright
//!    lines (`©`, `Copyright`, `(c)`).
//! 4. **Inside content** the policy is trusted: a `<header>` holding the h1, a
//!    `<section id="cookies">`, an accordion panel hidden until clicked all stay. Only a named or
//!    hidden block with a button and no heading (a consent reminder) is dropped there.
//!
//! An element holding more than half of the page's letters is not chrome by the rules after
//! the landmarks (a `<div class="has-sidebar">` or an ASP.NET `<form>` wrapping the page). A page without any of these elements
//! comes out exactly as `html_to_text` gives it.

use super::site::site_name;
use super::{parse, render, BLOCK, SKIP};
use ego_tree::{NodeId, NodeRef};
use rustc_hash::FxHashMap;
use scraper::node::Element;
use scraper::Node;

/// A web page read for classification: its main content as text, and the site's name from its
/// metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlPage {
    /// The main content as text (the same layout as [`html_to_text`](super::html_to_text)).
    pub text: String,
    /// The site's name: `og:site_name`, else the canonical URL's host without `www.`, else the
    /// site's part of `<title>` (see [`site_name`]).
    pub site_name: Option<String>,
}

/// Reads a saved web page: its main content without page chrome (the module's rules) and the
/// site's name.
pub fn html_page(html: &str) -> HtmlPage {
    let doc = parse(html);
    let site_name = site_name(&doc);
    let stats = Stats::of(doc.tree.root());
    let body = find(doc.tree.root(), |e| e.name() == "body").unwrap_or(doc.tree.root());
    let total = stats.get(body).letters;
    let page_text = render(doc.tree.root(), &mut |n, c| keep(n, c, &stats, total));
    let root = largest(body, &stats, |e| {
        e.name() == "main"
            || e.attr("role")
                .is_some_and(|r| r.eq_ignore_ascii_case("main"))
    })
    .or_else(|| largest(body, &stats, |e| e.name() == "article"));
    let text = root
        .map(|r| render(r, &mut |n, c| keep(n, c, &stats, total)))
        .filter(|t| 2 * letters(t) >= letters(&page_text))
        .unwrap_or(page_text);
    HtmlPage { text, site_name }
}

/// Letters and digits in a text (what the size rules count).
fn letters(t: &str) -> usize {
    t.chars().filter(|c| c.is_alphanumeric()).count()
}

/// Forms with fewer letters than this are page furniture (newsletter, search, login).
pub const FORM_TEXT: usize = 500;
/// A link of at most this many words is a short link (a menu or footer entry).
pub const SHORT_LINK_WORDS: usize = 6;
/// Copyright lines longer than this (in letters) are kept.
const COPYRIGHT_TEXT: usize = 160;
/// Id/class/aria-label words that always name chrome, outside content.
pub const STRONG: &[&str] = &[
    "breadcrumb",
    "breadcrumbs",
    "branding",
    "colophon",
    "dialog",
    "masthead",
    "menu",
    "menus",
    "modal",
    "nav",
    "navbar",
    "navigation",
    "popup",
    "sidebar",
    "skip",
    "skiplink",
    "toolbar",
    "topbar",
    "widget",
    "widgets",
];
/// Id/class/aria-label words that name chrome unless the element holds a heading (a policy
/// section may be `<div id="cookies"><h2>Cookies</h2>…`); a word starting with one of these
/// counts (`cookiebot`, `newsletter-signup`).
pub const WEAK: &[&str] = &[
    "banner",
    "consent",
    "cookie",
    "copyright",
    "footer",
    "gdpr",
    "header",
    "newsletter",
    "share",
    "sharing",
    "social",
    "subscribe",
];

/// What the rules need to know of a subtree, computed once, bottom-up.
#[derive(Debug, Clone, Copy, Default)]
struct Stat {
    /// Letters and digits of rendered text (not inside [`SKIP`] elements).
    letters: usize,
    /// Of those, inside links.
    link_letters: usize,
    /// Links, and links longer than [`SHORT_LINK_WORDS`].
    links: u32,
    long_links: u32,
    /// An h1–h6 inside (or the element is one).
    heading: bool,
    /// A button (or a submit/button input) inside.
    button: bool,
}

struct Stats(FxHashMap<NodeId, Stat>);

impl Stats {
    /// Every element's [`Stat`], in one pass over child lists (see [`render`]).
    fn of(root: NodeRef<'_, Node>) -> Stats {
        let mut map = FxHashMap::default();
        // (node, children still to visit) frames; a node's stat is added to its parent's on
        // the way up.
        let mut stack: Vec<(NodeRef<'_, Node>, Stat, Vec<NodeRef<'_, Node>>)> =
            vec![(root, Stat::default(), root.children().rev().collect())];
        while let Some((_, _, todo)) = stack.last_mut() {
            if let Some(child) = todo.pop() {
                match child.value() {
                    Node::Text(t) => {
                        let top = &mut stack.last_mut().expect("frame").1;
                        top.letters += letters(t);
                    }
                    Node::Element(e) => {
                        let name = e.name();
                        let mut s = Stat {
                            heading: matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6"),
                            button: name == "button"
                                || (name == "input"
                                    && e.attr("type").is_some_and(|t| {
                                        t.eq_ignore_ascii_case("submit")
                                            || t.eq_ignore_ascii_case("button")
                                    })),
                            ..Stat::default()
                        };
                        if SKIP.contains(&name) {
                            map.insert(child.id(), s);
                            let top = &mut stack.last_mut().expect("frame").1;
                            top.button |= s.button;
                        } else {
                            s.button |= e.attr("role").is_some_and(|r| r == "button");
                            stack.push((child, s, child.children().rev().collect()));
                        }
                    }
                    _ => {}
                }
                continue;
            }
            let (node, mut s, _) = stack.pop().expect("frame");
            if let Node::Element(e) = node.value() {
                if e.name() == "a" && s.letters > 0 {
                    s.link_letters = s.letters;
                    s.links += 1;
                    let words = collect_text(node).split_whitespace().count();
                    if words > SHORT_LINK_WORDS {
                        s.long_links += 1;
                    }
                }
            }
            map.insert(node.id(), s);
            if let Some((_, parent, _)) = stack.last_mut() {
                parent.letters += s.letters;
                parent.link_letters += s.link_letters;
                parent.links += s.links;
                parent.long_links += s.long_links;
                parent.heading |= s.heading;
                parent.button |= s.button;
            }
        }
        Stats(map)
    }

    fn get(&self, node: NodeRef<'_, Node>) -> Stat {
        self.0.get(&node.id()).copied().unwrap_or_default()
    }
}

/// The text of a (small) subtree, through child lists.
fn collect_text(node: NodeRef<'_, Node>) -> String {
    let mut out = String::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match n.value() {
            Node::Text(t) => {
                out.push_str(t);
                out.push(' ');
            }
            Node::Element(e) if SKIP.contains(&e.name()) => {}
            _ => stack.extend(n.children().collect::<Vec<_>>().into_iter().rev()),
        }
    }
    out
}

/// The first element in document order (through child lists) that `pred` accepts.
fn find<'a>(root: NodeRef<'a, Node>, pred: impl Fn(&Element) -> bool) -> Option<NodeRef<'a, Node>> {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if let Node::Element(e) = n.value() {
            if pred(e) {
                return Some(n);
            }
            if SKIP.contains(&e.name()) {
                continue;
            }
        }
        stack.extend(n.children().collect::<Vec<_>>().into_iter().rev());
    }
    None
}

/// The element under `root` that `pred` accepts with the most letters (the first of equals).
fn largest<'a>(
    root: NodeRef<'a, Node>,
    stats: &Stats,
    pred: impl Fn(&Element) -> bool,
) -> Option<NodeRef<'a, Node>> {
    let mut best: Option<(usize, NodeRef<'a, Node>)> = None;
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if let Node::Element(e) = n.value() {
            if SKIP.contains(&e.name()) {
                continue;
            }
            if pred(e) {
                let l = stats.get(n).letters;
                if best.is_none_or(|(b, _)| l > b) {
                    best = Some((l, n));
                }
            }
        }
        stack.extend(n.children().collect::<Vec<_>>().into_iter().rev());
    }
    best.map(|(_, n)| n)
}

/// Roles that are chrome wherever they are.
const HARD_ROLES: &[&str] = &[
    "navigation",
    "menu",
    "menubar",
    "search",
    "dialog",
    "alertdialog",
];
/// Landmark roles that are chrome outside content.
const LANDMARK_ROLES: &[&str] = &["banner", "contentinfo", "complementary"];

/// How an element's id, class or aria-label names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Named {
    No,
    Weak,
    Strong,
}

/// The strongest chrome word among an element's id, class and aria-label words (split at
/// anything not a letter or digit, and at lower → upper case changes: `CookieBanner`).
fn named(e: &Element) -> Named {
    let mut best = Named::No;
    for value in ["id", "class", "aria-label"]
        .iter()
        .filter_map(|a| e.attr(a))
    {
        for word in words(value) {
            let w = word.to_ascii_lowercase();
            if STRONG.contains(&w.as_str()) {
                return Named::Strong;
            }
            if WEAK.iter().any(|p| w.starts_with(p)) {
                best = Named::Weak;
            }
        }
    }
    best
}

/// Splits an attribute value into words (see [`named`]): runs of ASCII letters and digits, cut
/// again where a lower-case letter meets an upper-case one.
fn words(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut prev_lower) = (None, false);
    for (i, c) in value.char_indices() {
        if c.is_ascii_alphanumeric() {
            match start {
                Some(s) if prev_lower && c.is_ascii_uppercase() => {
                    out.push(&value[s..i]);
                    start = Some(i);
                }
                None => start = Some(i),
                _ => {}
            }
            prev_lower = c.is_ascii_lowercase();
        } else {
            if let Some(s) = start.take() {
                out.push(&value[s..i]);
            }
            prev_lower = false;
        }
    }
    if let Some(s) = start {
        out.push(&value[s..]);
    }
    out
}

/// Hidden by an attribute or an inline style.
fn hidden(e: &Element) -> bool {
    e.attr("hidden").is_some()
        || e.attr("aria-hidden")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        || e.attr("style").is_some_and(|s| {
            let s: String = s
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            s.contains("display:none") || s.contains("visibility:hidden")
        })
}

fn has_role(e: &Element, roles: &[&str]) -> bool {
    e.attr("role").is_some_and(|r| {
        r.split_whitespace()
            .any(|r| roles.iter().any(|x| r.eq_ignore_ascii_case(x)))
    })
}

/// Whether an element stays (the module's rules 2–4); `total` is the page's letters.
fn keep(node: NodeRef<'_, Node>, in_content: bool, stats: &Stats, total: usize) -> bool {
    let Node::Element(e) = node.value() else {
        return true;
    };
    let name = e.name();
    if matches!(name, "menu" | "dialog") || has_role(e, HARD_ROLES) {
        return false;
    }
    let heading = matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
    if heading || matches!(name, "body" | "html") {
        return true;
    }
    let s = stats.get(node);
    let named = named(e);
    let hidden = hidden(e);
    if in_content {
        // A consent reminder or similar widget inside the policy.
        return !((named != Named::No || hidden) && s.button && !s.heading);
    }
    if matches!(name, "header" | "footer" | "aside") || has_role(e, LANDMARK_ROLES) {
        return false;
    }
    if 2 * s.letters > total {
        // A wrapper of most of the page (`<div class="sidebar-layout">`) is not chrome.
        return true;
    }
    if name == "form" && s.letters < FORM_TEXT {
        return false;
    }
    match named {
        Named::Strong => return false,
        Named::Weak if !s.heading || (s.button && s.letters < FORM_TEXT) => return false,
        _ => {}
    }
    if hidden && !s.heading {
        return false;
    }
    if BLOCK.contains(&name) {
        if s.links >= 3 && s.long_links == 0 && s.link_letters * 10 >= s.letters * 9 {
            return false;
        }
        if s.letters <= COPYRIGHT_TEXT && s.links == 0 {
            let t = collect_text(node);
            let t = t.trim_start();
            if t.starts_with('©')
                || t.starts_with("(c)")
                || t.starts_with("(C)")
                || t.get(..9)
                    .is_some_and(|w| w.eq_ignore_ascii_case("copyright"))
            {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::html_to_text;

    fn text(h: &str) -> String {
        html_page(h).text
    }

    #[test]
    fn chrome_free_pages_are_unchanged() {
        for h in [
            "<h1>Privacy</h1><p>We collect data.</p><ul><li>a</li><li>b</li></ul>",
            "<html><head><title>T</title></head><body><div><p>One.</p><table><tr><td>x</td></tr></table></div></body></html>",
            "<p>Only <a href=a>one</a> link and <b>bold</b>.</p><section id=s><p>Two.</p></section>",
        ] {
            assert_eq!(text(h), html_to_text(h), "{h}");
        }
    }

    #[test]
    fn main_is_the_root_when_it_holds_most_of_the_text() {
        let h = "<div class=promo>Free delivery this week only</div>\
                 <main><p>We collect your name and your address when you order.</p></main>";
        assert_eq!(
            text(h),
            "We collect your name and your address when you order.\n"
        );
        // A small main (a wrapper of one line) does not hide the rest of the page.
        let h = "<main><p>Hi.</p></main><div><p>We collect your name and your address when you \
                 order, and we keep it for two years.</p></div>";
        assert_eq!(text(h), html_to_text(h));
    }

    #[test]
    fn article_header_and_cookie_section_stay() {
        let h = "<div id=cookie-banner><p>We use cookies here.</p><button>OK</button></div>\
                 <article><header><h1>Privacy</h1></header><section id=cookies><h2>Cookies</h2>\
                 <p>We set one cookie.</p></section><footer><p>Updated 2026.</p></footer></article>\
                 <footer><p>© 2026 Example Ltd.</p></footer>";
        assert_eq!(
            text(h),
            "## Privacy\n## Cookies\nWe set one cookie.\nUpdated 2026.\n"
        );
    }

    #[test]
    fn chrome_outside_content_is_dropped() {
        let h = "<div class=site-header><a href=/>Example</a></div>\
                 <div class=CookieNotice>We use cookies. <a href=#>OK</a></div>\
                 <div id=policy><h2>Cookies</h2><p>We set one cookie.</p></div>\
                 <div class=links><a href=/t>Terms</a> | <a href=/p>Privacy</a> | <a href=/c>Careers</a></div>\
                 <p>See <a href=/a>our terms of sale</a>, <a href=/b>returns</a> and <a href=/c>shipping</a> for more.</p>\
                 <div hidden><p>Hidden offer.</p></div><div style='display: none'><h3>Panel</h3><p>Kept.</p></div>\
                 <form><p>Subscribe to news.</p><input type=email></form>\
                 <p>Copyright 2026 Example</p>";
        assert_eq!(
            text(h),
            "## Cookies\nWe set one cookie.\n\
             See our terms of sale, returns and shipping for more.\n## Panel\nKept.\n"
        );
    }

    #[test]
    fn dialogs_and_menus_are_dropped_inside_content_too() {
        let h =
            "<main><div role=dialog><p>Choose your cookies.</p></div><menu><li>Edit</li></menu>\
                 <p>We collect data.</p><div class=consent-reminder><p>Not chosen yet.</p>\
                 <button>Choose</button></div><div id=consent><h2>Consent</h2><p>We ask first.</p>\
                 </div><div aria-hidden=true><p>Accordion panel.</p></div></main>";
        assert_eq!(
            text(h),
            "We collect data.\n## Consent\nWe ask first.\nAccordion panel.\n"
        );
    }

    #[test]
    fn chrome_words() {
        assert_eq!(
            words("CookieBanner cc-window site_footer--dark"),
            ["Cookie", "Banner", "cc", "window", "site", "footer", "dark"]
        );
        // Non-ASCII letters end a word (and never split a character).
        assert_eq!(words("café-menü Überblick"), ["caf", "men", "berblick"]);
        let el = |h: &str| {
            let d = scraper::Html::parse_fragment(h);
            let sel = scraper::Selector::parse("div").unwrap();
            named(d.select(&sel).next().unwrap().value())
        };
        assert_eq!(el("<div class='menu-primary'></div>"), Named::Strong);
        assert_eq!(el("<div id=cookiebot-dialog></div>"), Named::Strong);
        assert_eq!(el("<div class=cookies-section></div>"), Named::Weak);
        assert_eq!(el("<div class=shareholders></div>"), Named::Weak);
        assert_eq!(el("<div class=entry-content></div>"), Named::No);
        assert_eq!(el("<div class=dataprotection></div>"), Named::No);
    }
}
