//! Reading policies: files, directories and stdin → [`Document`]s with text and metadata.
//!
//! `.txt` and `.md` files are read as they are (Markdown structure is handled by the
//! splitter); `.html`/`.htm` files are parsed with `scraper` (html5ever) and their main content
//! is turned into text: block elements become line breaks, page chrome (scripts, menus, cookie
//! banners, footers, …) is dropped, and the page's site name (`og:site_name`, canonical URL,
//! `<title>`) is the company when there is no corpus header. Text that is not valid UTF-8 is
//! decoded as Windows-1252 (which maps every byte) and a warning names the file; UTF-8 that was
//! once read as Windows-1252 ("â€“" for "–") is repaired ([`repair_mojibake`], only where the
//! repair is exact) with a warning. The language of every document is detected
//! ([`detect_language`]); a policy in another language is read and flagged with a warning. The
//! Princeton-Leuven corpus header line is recognised: the
//! company is its domain, the archive date and snapshot URL are kept, and the header is not
//! classified. PDF bytes (by their `%PDF-` magic, under any name and on stdin) are read by
//! `pdf.rs`.

use crate::error::{Error, Result};

mod html;
mod language;
mod metadata;
mod pdf;
mod repair;
mod truncate;

pub use html::{html_page, html_to_text, HtmlPage};
pub use language::{detect_language, Language};
pub use metadata::{company_from_path, parse_header, Archive, PolicyVersion};
pub use pdf::{is_pdf, pdf_to_text, PdfProblem};
pub use repair::{repair_mojibake, Repaired};
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};
pub use truncate::truncate_chars;

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
    /// PDF, its text layer laid out again (`pdf.rs`).
    Pdf,
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
    /// The policy and date this document is a version of (derived once, here).
    pub version: PolicyVersion,
    /// The document text: the file's text, or the text extracted from HTML. Sentence spans are
    /// byte offsets into this string.
    pub text: String,
    /// Byte offset where the policy body starts (after a corpus header line, else 0).
    pub body_start: usize,
    /// The source format.
    pub format: Format,
    /// The language the policy body is written in.
    pub language: Language,
    /// Number of mojibake runs repaired while reading (0 for most files).
    pub repaired: usize,
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

const EXTENSIONS: &[&str] = &["txt", "md", "markdown", "html", "htm", "xhtml", "pdf"];

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
                                    "not a policy file (expected .txt, .md, .html or .pdf)".into(),
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
    // PDF bytes, whatever the name: their text replaces the bytes for everything below.
    let pdf_text = is_pdf(bytes)
        .then(|| pdf_to_text(bytes).map_err(|p| p.into_error(path)))
        .transpose()?;
    let bytes: &[u8] = if pdf_text.is_some() { b"" } else { bytes };
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
    let (raw, repaired) = match repair_mojibake(&raw) {
        Some(r) => {
            let (before, after) = r.example.unwrap_or_default();
            warnings.push(format!(
                "repaired {} mojibake sequence{} (UTF-8 that was read as Windows-1252), e.g. \"{before}\" → \"{after}\"",
                r.runs,
                if r.runs == 1 { "" } else { "s" }
            ));
            (r.text, r.runs)
        }
        None => (raw, 0),
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
    let (text, format, site_name) = if let Some(text) = pdf_text {
        (text, Format::Pdf, None)
    } else if looks_html {
        let page = html_page(&raw);
        (page.text, Format::Html, page.site_name)
    } else if matches!(ext.as_str(), "md" | "markdown") {
        (raw, Format::Markdown, None)
    } else {
        (raw, Format::Text, None)
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
        .or(site_name)
        .unwrap_or_else(|| company_from_path(path));
    let version = PolicyVersion::of(path, &company, archive.as_ref());
    let language = detect_language(&text[body_start..]);
    if language.is_foreign() {
        warnings.push(format!(
            "written in {language}, not English: the model reads English only, so its tags mean little here (--skip-non-english skips such files)"
        ));
    }
    Ok(Document {
        path: path.to_path_buf(),
        company,
        archive,
        version,
        text,
        body_start,
        format,
        language,
        repaired,
        warnings,
    })
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
        let e = document_from_bytes(Path::new("a.txt"), b"%PDF-1.4 ...", &o).unwrap_err();
        assert!(e.to_string().contains("cannot read this PDF"), "{e}");
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
