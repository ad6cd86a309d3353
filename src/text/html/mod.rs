//! HTML → text: block elements become line breaks, page furniture (scripts, styles,
//! navigation, forms) is dropped, and pathologically deep markup is flattened first.
//!
//! [`html_to_text`] converts a whole page; [`html_page`] keeps the page's main content only
//! (the policy, without banners, menus, footers and the like: `main_content.rs`) and reads
//! the site's name from the page's metadata (`site.rs`).

use ego_tree::NodeRef;
use scraper::Node;

mod main_content;
mod site;

pub use main_content::{html_page, HtmlPage};

/// Converts a whole HTML page to text: block elements become line breaks (headings and list
/// items become their own lines), `script`, `style`, `noscript`, `template`, `nav`, `svg`,
/// `iframe`, `head` and form controls are dropped, and runs of whitespace inside text collapse
/// to one space. Markup nested deeper than 512 elements is flattened first (see
/// `flatten_deep_markup`). Page chrome other than `nav` is kept: [`html_page`] drops it.
pub fn html_to_text(html: &str) -> String {
    let doc = parse(html);
    render(doc.tree.root(), &mut |_, _| true)
}

/// Parses a page, flattening pathologically deep markup first.
fn parse(html: &str) -> scraper::Html {
    let flat = flatten_deep_markup(html);
    scraper::Html::parse_document(flat.as_deref().unwrap_or(html))
}

/// Renders the subtree at `root` as text. Elements in [`SKIP`] are dropped with their content;
/// any other element is dropped with its content when `keep(element, in_content)` is false,
/// where `in_content` says whether an ancestor inside `root` (or the element itself) is content
/// sectioning: `main`, `article`, `section` or an element with role `main` or `article`.
///
/// The walk finds nodes through child lists only, never parent links: ego-tree 0.10's
/// `reparent_from_id_append` (used by html5ever's adoption agency for misnested formatting
/// tags such as `<b><div>x<!---->y<ul></b>z`) updates the parent link of only the first and last
/// child it moves, and `NodeRef::traverse` climbs parent links: from a stale one it jumped past
/// the rest of the document, silently dropping its text (ego-tree issue #44).
fn render(
    root: NodeRef<'_, Node>,
    keep: &mut dyn FnMut(NodeRef<'_, Node>, bool) -> bool,
) -> String {
    enum Step<'a> {
        Open(NodeRef<'a, Node>, bool),
        Close(NodeRef<'a, Node>),
    }
    let mut out = String::new();
    let mut stack = vec![Step::Open(root, false)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Open(node, in_content) => {
                let mut in_content = in_content;
                match node.value() {
                    Node::Element(e) => {
                        let name = e.name();
                        in_content |= is_content(e);
                        if SKIP.contains(&name) || !keep(node, in_content) {
                            continue;
                        }
                        if BLOCK.contains(&name) {
                            newline(&mut out);
                            if matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
                                out.push_str("## ");
                            } else if name == "li" {
                                out.push_str("- ");
                            }
                        }
                    }
                    Node::Text(t) => push_text(&mut out, t),
                    _ => {}
                }
                stack.push(Step::Close(node));
                let children: Vec<_> = node.children().collect();
                stack.extend(
                    children
                        .into_iter()
                        .rev()
                        .map(|c| Step::Open(c, in_content)),
                );
            }
            Step::Close(node) => {
                if let Node::Element(e) = node.value() {
                    if BLOCK.contains(&e.name()) {
                        newline(&mut out);
                    }
                }
            }
        }
    }
    out.trim().to_string() + "\n"
}

/// Whether an element is content sectioning (see [`render`]).
fn is_content(e: &scraper::node::Element) -> bool {
    matches!(e.name(), "main" | "article" | "section")
        || matches!(e.attr("role"), Some(r) if r.eq_ignore_ascii_case("main") || r.eq_ignore_ascii_case("article"))
}

/// Appends a text node: runs of whitespace become one space, none at the start of a line.
fn push_text(out: &mut String, t: &str) {
    for (i, w) in t.split_whitespace().enumerate() {
        if (i > 0 || t.starts_with(char::is_whitespace))
            && !out.ends_with([' ', '\n'])
            && !out.is_empty()
        {
            out.push(' ');
        }
        out.push_str(w);
    }
    if t.ends_with(char::is_whitespace) && !out.ends_with([' ', '\n']) {
        out.push(' ');
    }
}

fn newline(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

/// Markup nested deeper than this is flattened before parsing (see [`flatten_deep_markup`]).
const MAX_HTML_DEPTH: usize = 512;
/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
/// Elements that an unclosed sibling of the same name implicitly closes (`<p>a<p>b`).
const SIBLING_CLOSED: &[&str] = &["p", "li", "dt", "dd", "tr", "td", "th", "option"];

/// html5ever finds an element's scope by walking the stack of open elements, so every block
/// start tag costs O(depth) and pathologically deep markup is quadratic: 100,000 nested
/// `<div>`s (600 KB) took over a minute. This linear pre-pass tracks nesting approximately and
/// rewrites the tags nested deeper than [`MAX_HTML_DEPTH`]: block elements become `<br>` (still
/// a line break), other elements are dropped, and all text is kept. Returns `None` when nothing
/// is that deep, so ordinary documents are parsed exactly as they are.
fn flatten_deep_markup(html: &str) -> Option<String> {
    let b = html.as_bytes();
    let find = |from: usize, pat: &str| html[from..].find(pat).map(|k| from + k);
    let mut out = String::new();
    let mut stack: Vec<(String, bool)> = Vec::new(); // (name, tag kept)
    let (mut i, mut copied, mut flattened) = (0, 0, false);
    while let Some(lt) = find(i, "<") {
        i = lt + 1;
        let (is_end, name_at) = match b.get(lt + 1) {
            Some(b'/') => (true, lt + 2),
            Some(c) if c.is_ascii_alphabetic() => (false, lt + 1),
            Some(b'!' | b'?') => {
                let close = if html[lt..].starts_with("<!--") {
                    "-->"
                } else {
                    ">"
                };
                i = find(lt + 2, close).map_or(b.len(), |k| k + close.len());
                continue;
            }
            _ => continue,
        };
        let name_len = b[name_at..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
            .count();
        if name_len == 0 {
            continue;
        }
        let name = html[name_at..name_at + name_len].to_ascii_lowercase();
        // The tag ends at the first `>` outside a quoted attribute value.
        let mut j = name_at + name_len;
        let (mut quote, mut after_eq) = (None, false);
        while j < b.len() {
            let c = b[j];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == b'>' => break,
                None if after_eq && (c == b'"' || c == b'\'') => quote = Some(c),
                None => {}
            }
            if quote.is_none() && !c.is_ascii_whitespace() {
                after_eq = c == b'=';
            }
            j += 1;
        }
        let tag_end = (j + 1).min(b.len());
        i = tag_end;
        let block = BLOCK.contains(&name.as_str());
        let replacement = |kept: bool| match (kept, block) {
            (true, _) => None,
            (false, true) => Some("<br>"),
            (false, false) => Some(""),
        };
        let in_foreign = || {
            let top = stack.len().saturating_sub(64);
            stack[top..].iter().any(|(n, _)| n == "svg" || n == "math")
        };
        let rewrite = if is_end {
            // Close the nearest open element of that name (looking a bounded way down, so this
            // pass stays linear); unmatched end tags are left to the parser.
            let top = stack.len().saturating_sub(64);
            match stack[top..].iter().rposition(|(n, _)| *n == name) {
                Some(k) => {
                    let kept = stack[top + k].1;
                    stack.truncate(top + k);
                    replacement(kept)
                }
                None => None,
            }
        } else if RAW_TEXT.contains(&name.as_str()) {
            i = find_ascii_ci(html, tag_end, &format!("</{name}")).unwrap_or(b.len());
            None
        } else if name == "plaintext" {
            break;
        } else if VOID.contains(&name.as_str()) || (b[..tag_end].ends_with(b"/>") && in_foreign()) {
            None
        } else {
            if SIBLING_CLOSED.contains(&name.as_str()) {
                let top = stack.len().saturating_sub(4);
                if let Some(k) = stack[top..].iter().rposition(|(n, _)| *n == name) {
                    stack.truncate(top + k);
                }
            }
            let keep = stack.len() < MAX_HTML_DEPTH;
            stack.push((name, keep));
            replacement(keep)
        };
        if let Some(r) = rewrite {
            out.push_str(&html[copied..lt]);
            out.push_str(r);
            copied = tag_end;
            flattened = true;
        }
    }
    if !flattened {
        return None;
    }
    out.push_str(&html[copied..]);
    Some(out)
}

/// Byte offset of the first ASCII-case-insensitive occurrence of `pat` at or after `from`.
fn find_ascii_ci(hay: &str, from: usize, pat: &str) -> Option<usize> {
    let (h, p) = (hay.as_bytes(), pat.as_bytes());
    (from..=h.len().checked_sub(p.len())?).find(|&k| h[k..k + p.len()].eq_ignore_ascii_case(p))
}

const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "svg", "iframe", "head", "button", "select",
    "input", "textarea", "object", "canvas",
];
const BLOCK: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "main",
    "table",
    "tr",
    "td",
    "th",
    "blockquote",
    "pre",
    "hr",
    "address",
    "figure",
    "figcaption",
    "form",
    "fieldset",
    "details",
    "summary",
    "caption",
    "body",
    "html",
];
