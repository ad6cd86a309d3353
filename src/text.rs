//! Reading policies: files, directories and stdin → [`Document`]s with text and metadata.
//!
//! `.txt` and `.md` files are read as they are (Markdown structure is handled by the
//! splitter); `.html`/`.htm` files are parsed with `scraper` (html5ever) and turned into text:
//! block elements become line breaks, `script`, `style`, `nav` and similar elements are
//! dropped. Text that is not valid UTF-8 is decoded as Windows-1252 (which maps every byte) and
//! a warning names the file. The Princeton-Leuven corpus header line is recognised: the
//! company is its domain, the archive date and snapshot URL are kept, and the header is not
//! classified.

use crate::error::{Error, Result};
use regex::Regex;
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The kind of source a document was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text.
    Text,
    /// Markdown.
    Markdown,
    /// HTML, converted to text.
    Html,
}

/// Archive metadata from a Princeton-Leuven corpus header line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Archive {
    /// The policy's domain, e.g. `wowza.com`.
    pub domain: String,
    /// The archive date, `YYYY-MM-DD`.
    pub date: String,
    /// The Wayback Machine snapshot URL, when the header has one.
    pub url: Option<String>,
}

/// A policy ready to be split: its text, where classification starts, and its metadata.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file it came from (`-` for stdin).
    pub path: PathBuf,
    /// The company the policy belongs to.
    pub company: String,
    /// Archive metadata when the file has a corpus header line.
    pub archive: Option<Archive>,
    /// The document text: the file's text, or the text extracted from HTML. Sentence spans are
    /// byte offsets into this string.
    pub text: String,
    /// Byte offset where the policy body starts (after a corpus header line, else 0).
    pub body_start: usize,
    /// The source format.
    pub format: Format,
    /// Non-fatal problems met while reading (e.g. the encoding was not UTF-8).
    pub warnings: Vec<String>,
}

/// Options for reading policies.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Company name for every document, overriding headers and file names.
    pub company: Option<String>,
    /// Files larger than this many bytes are refused (0 = no limit).
    pub max_file_bytes: u64,
}

/// Default maximum policy file size: 64 MiB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 << 20;

/// One input found while expanding the command-line paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A policy file to read (or `-` for stdin).
    File(PathBuf),
    /// A path that was found but will not be read, with the reason.
    Skipped(PathBuf, String),
    /// A path that could not be listed or does not exist.
    Failed(PathBuf, String),
}

const EXTENSIONS: &[&str] = &["txt", "md", "markdown", "html", "htm", "xhtml"];

/// Expands files and directories (recursively, sorted) into inputs. Files given by name are
/// always read; files found in directories are read when their extension is a policy format
/// and listed as skipped otherwise, so every path is accounted for.
pub fn expand_inputs(paths: &[PathBuf]) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input::File(p.clone()));
            continue;
        }
        match std::fs::metadata(p) {
            Err(e) => out.push(Input::Failed(p.clone(), describe_io(&e))),
            Ok(m) if m.is_dir() => {
                for entry in walkdir::WalkDir::new(p)
                    .follow_links(true)
                    .sort_by_file_name()
                {
                    match entry {
                        Err(e) => {
                            let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| p.clone());
                            let msg = e
                                .io_error()
                                .map(describe_io)
                                .unwrap_or_else(|| e.to_string());
                            out.push(Input::Failed(path, msg));
                        }
                        Ok(e) if e.file_type().is_dir() => {}
                        Ok(e) => {
                            let path = e.into_path();
                            if has_policy_extension(&path) {
                                out.push(Input::File(path));
                            } else {
                                out.push(Input::Skipped(
                                    path,
                                    "not a policy file (expected .txt, .md or .html)".into(),
                                ));
                            }
                        }
                    }
                }
            }
            Ok(_) => out.push(Input::File(p.clone())),
        }
    }
    out
}

fn has_policy_extension(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory (a broken symlink?)".into(),
        std::io::ErrorKind::PermissionDenied => {
            "permission denied: check the file's permissions".into()
        }
        _ => e.to_string(),
    }
}

/// Reads one policy file (`-` reads stdin).
pub fn read_document(path: &Path, opts: &ReadOptions) -> Result<Document> {
    let bytes = if path.as_os_str() == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .lock()
            .take(if opts.max_file_bytes > 0 {
                opts.max_file_bytes + 1
            } else {
                u64::MAX
            })
            .read_to_end(&mut b)
            .map_err(|e| Error::io(path, e))?;
        b
    } else {
        let meta = std::fs::metadata(path).map_err(|e| Error::Input {
            path: path.into(),
            message: describe_io(&e),
        })?;
        if meta.is_dir() {
            return Err(Error::Input {
                path: path.into(),
                message: "is a directory, not a policy file".into(),
            });
        }
        if opts.max_file_bytes > 0 && meta.len() > opts.max_file_bytes {
            return Err(too_large(path, meta.len(), opts.max_file_bytes));
        }
        std::fs::read(path).map_err(|e| Error::Input {
            path: path.into(),
            message: describe_io(&e),
        })?
    };
    if opts.max_file_bytes > 0 && bytes.len() as u64 > opts.max_file_bytes {
        return Err(too_large(path, bytes.len() as u64, opts.max_file_bytes));
    }
    document_from_bytes(path, &bytes, opts)
}

fn too_large(path: &Path, len: u64, max: u64) -> Error {
    Error::Input {
        path: path.into(),
        message: format!(
            "file is {} MiB, over the {} MiB limit: raise --max-file-mib if it really is one policy",
            len >> 20,
            max >> 20
        ),
    }
}

/// Builds a document from raw bytes (the file's name decides the format and default company).
pub fn document_from_bytes(path: &Path, bytes: &[u8], opts: &ReadOptions) -> Result<Document> {
    let mut warnings = Vec::new();
    if let Some(kind) = binary_kind(bytes) {
        return Err(Error::Input {
            path: path.into(),
            message: format!("looks like a {kind}, not text: convert it to text or HTML first"),
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let raw = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(e) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            warnings.push(format!(
                "not valid UTF-8 (first bad byte at offset {}): decoded as Windows-1252",
                e.valid_up_to()
            ));
            text.into_owned()
        }
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let looks_html = matches!(ext.as_str(), "html" | "htm" | "xhtml")
        || (path.as_os_str() == "-" && {
            let head = raw
                .trim_start()
                .get(..200)
                .unwrap_or(raw.trim_start())
                .to_ascii_lowercase();
            head.starts_with("<!doctype html") || head.starts_with("<html")
        });
    let (text, format) = if looks_html {
        (html_to_text(&raw), Format::Html)
    } else if matches!(ext.as_str(), "md" | "markdown") {
        (raw, Format::Markdown)
    } else {
        (raw, Format::Text)
    };
    if text.trim().is_empty() {
        return Err(Error::Input {
            path: path.into(),
            message: "empty: the file has no text to classify".into(),
        });
    }
    let (archive, body_start) = match parse_header(&text) {
        Some((a, end)) => (Some(a), end),
        None => (None, 0),
    };
    // The seeds carry Markdown structure even though their extension is .txt.
    let format = if format == Format::Text && archive.is_some() {
        Format::Markdown
    } else {
        format
    };
    let company = opts
        .company
        .clone()
        .or_else(|| archive.as_ref().map(|a| a.domain.clone()))
        .unwrap_or_else(|| company_from_path(path));
    Ok(Document {
        path: path.to_path_buf(),
        company,
        archive,
        text,
        body_start,
        format,
        warnings,
    })
}

/// The default company of a file: its stem (`-` → `stdin`).
pub fn company_from_path(path: &Path) -> String {
    if path.as_os_str() == "-" {
        return "stdin".into();
    }
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF", "PDF file"),
        (b"\x89PNG", "PNG image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"PK\x03\x04", "ZIP archive (or .docx/.xlsx)"),
        (b"\x1F\x8B", "gzip archive"),
        (b"\xD0\xCF\x11\xE0", "legacy Office document"),
        (b"\x7FELF", "executable"),
    ];
    for (m, kind) in MAGIC {
        if bytes.starts_with(m) {
            return Some(kind);
        }
    }
    let head = &bytes[..bytes.len().min(8192)];
    // UTF-16 text has NULs too; it is rare for policies and refused with the same message.
    if head.contains(&0) {
        return Some("binary file (it contains NUL bytes)");
    }
    None
}

fn header_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^\s*>\s*\*?\s*The following text is extracted and transformed from the (\S+?) privacy policy that was archived on (\d{4}-\d{2}-\d{2})\.(?:[^\n]*?\]\((\S+?)\))?[^\n]*(?:\n|$)",
        )
        .expect("valid header regex")
    })
}

/// Recognises a Princeton-Leuven corpus header on the first line; returns the metadata and the
/// byte offset just after the header line.
pub fn parse_header(text: &str) -> Option<(Archive, usize)> {
    let c = header_regex().captures(text)?;
    let end = c.get(0)?.end();
    Some((
        Archive {
            domain: c[1].to_string(),
            date: c[2].to_string(),
            url: c.get(3).map(|m| m.as_str().to_string()),
        },
        end,
    ))
}

/// Converts HTML to text: block elements become line breaks (headings and list items become
/// their own lines), `script`, `style`, `noscript`, `template`, `nav`, `svg`, `iframe`, `head`
/// and form controls are dropped, and runs of whitespace inside text collapse to one space.
/// Markup nested deeper than 512 elements is flattened first (see `flatten_deep_markup`).
pub fn html_to_text(html: &str) -> String {
    use ego_tree::iter::Edge;
    use scraper::Node;
    let flat = flatten_deep_markup(html);
    let doc = scraper::Html::parse_document(flat.as_deref().unwrap_or(html));
    let mut out = String::with_capacity(html.len() / 2);
    let mut skip_depth = 0usize;
    for edge in edges(doc.tree.root()) {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) => {
                    let name = e.name();
                    if SKIP.contains(&name) {
                        skip_depth += 1;
                    } else if skip_depth == 0 && BLOCK.contains(&name) {
                        newline(&mut out);
                        if matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
                            out.push_str("## ");
                        } else if name == "li" {
                            out.push_str("- ");
                        }
                    }
                }
                Node::Text(t) if skip_depth == 0 => {
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
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    let name = e.name();
                    if SKIP.contains(&name) {
                        skip_depth = skip_depth.saturating_sub(1);
                    } else if skip_depth == 0 && BLOCK.contains(&name) {
                        newline(&mut out);
                    }
                }
            }
        }
    }
    out.trim().to_string() + "\n"
}

fn newline(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

/// Depth-first open/close edges, like `NodeRef::traverse`, but found through child lists only.
/// ego-tree 0.10's `reparent_from_id_append` (used by html5ever's adoption agency for
/// misnested formatting tags such as `<b><div>x<!---->y<ul></b>z`) updates the parent link of
/// only the first and last child it moves, and `traverse` climbs parent links: from a stale one
/// it jumped past the rest of the document, silently dropping its text (ego-tree issue #44).
fn edges(
    root: ego_tree::NodeRef<'_, scraper::Node>,
) -> impl Iterator<Item = ego_tree::iter::Edge<'_, scraper::Node>> {
    use ego_tree::iter::Edge;
    let mut stack = vec![Edge::Open(root)];
    std::iter::from_fn(move || {
        let edge = stack.pop()?;
        if let Edge::Open(node) = edge {
            stack.push(Edge::Close(node));
            let children: Vec<_> = node.children().collect();
            stack.extend(children.into_iter().rev().map(Edge::Open));
        }
        Some(edge)
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_recognised() {
        let t = "> *The following text is extracted and transformed from the wowza.com privacy policy that was archived on 2014-12-16. Please check the [original snapshot on the Wayback Machine](https://web.archive.org/web/2014/http://x/privacy) for the most accurate reproduction.*\n\n# Privacy\n";
        let (a, end) = parse_header(t).unwrap();
        assert_eq!(a.domain, "wowza.com");
        assert_eq!(a.date, "2014-12-16");
        assert_eq!(
            a.url.as_deref(),
            Some("https://web.archive.org/web/2014/http://x/privacy")
        );
        assert!(t[end..].trim_start().starts_with("# Privacy"));
        let d = document_from_bytes(
            Path::new("000_x.txt"),
            t.as_bytes(),
            &ReadOptions::default(),
        )
        .unwrap();
        assert_eq!(d.company, "wowza.com");
        assert_eq!(d.format, Format::Markdown);
        assert!(parse_header("# Just a policy\n").is_none());
    }

    #[test]
    fn html_blocks_and_dropped_elements() {
        let h = "<html><head><title>T</title><style>p{}</style></head><body><nav>Home | About</nav>\
                 <h1>Privacy</h1><p>We collect <b>data</b>.<br>Second line.</p><ul><li>one</li><li>two</li></ul>\
                 <script>alert(1)</script><p>End &amp; more</p></body></html>";
        let t = html_to_text(h);
        assert_eq!(
            t,
            "## Privacy\nWe collect data.\nSecond line.\n- one\n- two\nEnd & more\n"
        );
    }

    #[test]
    fn invalid_utf8_is_decoded_with_warning() {
        let d = document_from_bytes(
            Path::new("x.txt"),
            b"Caf\xe9 policy text.",
            &ReadOptions::default(),
        )
        .unwrap();
        assert_eq!(d.text, "Café policy text.");
        assert_eq!(d.warnings.len(), 1);
        assert_eq!(d.company, "x");
    }

    #[test]
    fn binary_and_empty_are_refused() {
        let o = ReadOptions::default();
        assert!(document_from_bytes(Path::new("a.txt"), b"%PDF-1.4 ...", &o).is_err());
        assert!(document_from_bytes(Path::new("a.txt"), b"ab\0cd", &o).is_err());
        assert!(document_from_bytes(Path::new("a.txt"), b" \n\t ", &o).is_err());
    }

    #[test]
    fn company_override() {
        let o = ReadOptions {
            company: Some("Acme".into()),
            ..Default::default()
        };
        let d = document_from_bytes(Path::new("a.txt"), b"We collect data.", &o).unwrap();
        assert_eq!(d.company, "Acme");
    }
}
