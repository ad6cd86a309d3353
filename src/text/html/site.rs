//! The site a saved page belongs to, from its metadata: `og:site_name`, else the canonical
//! URL's host, else the site's part of `<title>`.

use scraper::Node;

/// The site's name from a page's metadata, in this order:
///
/// 1. `<meta property="og:site_name" content="…">` (also with `name=`);
/// 2. the host of `<link rel="canonical" href="…">` (else of `og:url`), lower-cased, without
///    `www.` and port (`https://www.acme.example/privacy` → `acme.example`); relative URLs
///    have no host and are skipped;
/// 3. the site's part of `<title>` ([`site_from_title`]).
///
/// `None` when none of them names the site (the caller falls back to the file name).
pub fn site_name(doc: &scraper::Html) -> Option<String> {
    let (mut og_site, mut canonical, mut og_url, mut title) = (None, None, None, None);
    // Arena order is document order for a freshly parsed page; only head-like elements matter.
    for node in doc.tree.nodes() {
        let Node::Element(e) = node.value() else {
            continue;
        };
        match e.name() {
            "meta" => {
                let key = e.attr("property").or_else(|| e.attr("name"));
                let content = e.attr("content").map(clean).filter(|c| !c.is_empty());
                match key.map(str::to_ascii_lowercase).as_deref() {
                    Some("og:site_name") if og_site.is_none() => og_site = content,
                    Some("og:url") if og_url.is_none() => og_url = content,
                    _ => {}
                }
            }
            "link"
                if canonical.is_none()
                    && e.attr("rel").is_some_and(|r| {
                        r.split_whitespace()
                            .any(|r| r.eq_ignore_ascii_case("canonical"))
                    }) =>
            {
                canonical = e.attr("href").and_then(host);
            }
            "title" if title.is_none() => {
                let t: String = node
                    .children()
                    .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                    .collect();
                title = Some(clean(&t));
            }
            _ => {}
        }
    }
    og_site
        .or(canonical)
        .or_else(|| og_url.as_deref().and_then(host))
        .or_else(|| title.as_deref().and_then(site_from_title))
}

/// Whitespace runs → one space, trimmed.
fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The host of an absolute URL, lower-cased, without `www.`, user and port; `None` for a
/// relative URL or one without a dotted host.
pub fn host(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = match url.strip_prefix("//") {
        Some(rest) => rest,
        None => url.split_once("://")?.1,
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let host = authority.split(':').next()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let valid = host.contains('.')
        && !host.starts_with('.')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    valid.then(|| host.to_string())
}

/// Title separators between the page's and the site's names.
const SEPARATORS: &[&str] = &[
    " | ", " - ", " – ", " — ", " · ", " :: ", " » ", " / ", " • ",
];
/// Words that name the page (the policy), not the site.
const PAGE_WORDS: &[&str] = &[
    "privacy",
    "policy",
    "policies",
    "notice",
    "statement",
    "cookie",
    "cookies",
    "terms",
    "legal",
    "gdpr",
    "data protection",
];

/// The site's part of a page title: the title is cut at separators (` | `, ` - `, ` – `,
/// ` — `, ` · `, ` :: `, ` » `, ` / `, ` • `); the last part names the site unless it names
/// the page (contains privacy, policy, notice, statement, cookie, terms, legal, gdpr or data
/// protection), else the first part does under the same condition
/// (`Privacy Policy | Acme Ltd` → `Acme Ltd`, `Acme - Privacy notice` → `Acme`). A title
/// without a separator, or whose both ends name the page, gives `None`.
pub fn site_from_title(title: &str) -> Option<String> {
    let mut parts = vec![title];
    for sep in SEPARATORS {
        parts = parts.iter().flat_map(|p| p.split(sep)).collect();
    }
    let parts: Vec<&str> = parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 2 {
        return None;
    }
    let names_page = |p: &str| {
        let p = p.to_lowercase();
        PAGE_WORDS.iter().any(|w| p.contains(w))
    };
    [parts[parts.len() - 1], parts[0]]
        .into_iter()
        .find(|p| !names_page(p))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(head: &str) -> Option<String> {
        site_name(&scraper::Html::parse_document(&format!(
            "<html><head>{head}</head><body><p>x</p></body></html>"
        )))
    }

    #[test]
    fn site_name_order() {
        let og = "<meta property='og:site_name' content=' Acme  Books '>";
        let canon = "<link rel=canonical href='https://www.acme-books.example:443/privacy?x=1'>";
        let title = "<title>Privacy Policy | Acme Ltd</title>";
        assert_eq!(
            site(&format!("{title}{canon}{og}")).as_deref(),
            Some("Acme Books")
        );
        assert_eq!(
            site(&format!("{title}{canon}")).as_deref(),
            Some("acme-books.example")
        );
        assert_eq!(site(title).as_deref(), Some("Acme Ltd"));
        assert_eq!(
            site("<meta property=og:url content='http://shop.acme.example/p'><title>x</title>")
                .as_deref(),
            Some("shop.acme.example")
        );
        // A relative canonical URL has no host; the title decides.
        assert_eq!(
            site(&format!("<link rel=canonical href='/privacy'>{title}")).as_deref(),
            Some("Acme Ltd")
        );
        assert_eq!(site("<title>Privacy Policy</title>"), None);
        assert_eq!(site(""), None);
    }

    #[test]
    fn title_rule() {
        let t = |s| site_from_title(s);
        assert_eq!(t("Privacy Policy | Acme Ltd").as_deref(), Some("Acme Ltd"));
        assert_eq!(t("Acme - Privacy notice").as_deref(), Some("Acme"));
        assert_eq!(t("Privacy – Legal – Acme").as_deref(), Some("Acme"));
        assert_eq!(t("Privacy policy | Cookie notice"), None);
        assert_eq!(t("Acme Ltd"), None);
        assert_eq!(t("Acme-Privacy"), None);
    }

    #[test]
    fn hosts() {
        assert_eq!(
            host("https://user@WWW.Acme.example:8080/x").as_deref(),
            Some("acme.example")
        );
        assert_eq!(host("//acme.example/x").as_deref(), Some("acme.example"));
        assert_eq!(host("/privacy"), None);
        assert_eq!(host("https://localhost/"), None);
        assert_eq!(host("javascript:alert(1)"), None);
    }
}
