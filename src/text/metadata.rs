//! Who and when a policy is: the corpus header's archive metadata, the company and the
//! version date, derived once when a document is read ([`PolicyVersion`]) so that coverage,
//! the HTML report and `diff` never re-derive them.

use regex::Regex;
use serde::Serialize;
use std::path::Path;
use std::sync::OnceLock;

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

/// The default company of a file: its stem (`-` → `stdin`).
pub fn company_from_path(path: &Path) -> String {
    if path.as_os_str() == "-" {
        return "stdin".into();
    }
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
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

fn date_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(.*?)[_\- .]*((?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))$")
            .expect("valid regex")
    })
}

/// The policy a document is a version of, and the version's date: the key of coverage rows
/// and of `diff`'s labels.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct PolicyVersion {
    /// The company: the document's company, without a trailing date when that company is the
    /// file stem (so all dated versions of one policy share it).
    pub company: String,
    /// The corpus header's archive date, else a `YYYY-MM-DD` at the end of the file stem.
    pub date: Option<String>,
}

impl PolicyVersion {
    /// The version of a document read from `path` whose company is `company`: the corpus
    /// header's archive date, else a `YYYY-MM-DD` at the end of the file name
    /// (`<service>_<date>.txt`, `<company>-<date>.txt`). When the company is the file stem,
    /// the date is stripped from it.
    pub fn of(path: &Path, company: &str, archive: Option<&Archive>) -> PolicyVersion {
        if let Some(a) = archive {
            return PolicyVersion {
                company: company.to_string(),
                date: Some(a.date.clone()),
            };
        }
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match date_regex().captures(&stem) {
            Some(c) => {
                let date = c[2].to_string();
                let company = if company == stem && !c[1].is_empty() {
                    c[1].to_string()
                } else {
                    company.to_string()
                };
                PolicyVersion {
                    company,
                    date: Some(date),
                }
            }
            None => PolicyVersion {
                company: company.to_string(),
                date: None,
            },
        }
    }

    /// `(company, date)`, owned.
    pub fn key(&self) -> (String, Option<String>) {
        (self.company.clone(), self.date.clone())
    }
}
