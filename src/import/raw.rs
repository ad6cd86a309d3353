//! Reading the OPP-115 release files: finding the pairs of `sanitized_policies/*.html` and
//! `annotations/*.csv` files, reading a policy file's text, and reading the annotation rows
//! (one practice entered by one annotator) with the highlighted spans of their attribute JSON.
//!
//! Everything here is checked as it is read: the errors and warnings of the import come from
//! this file (see [`super::import_opp115`]). A [`Practice`] is the one record of who entered
//! what: its [`Attribute`]s carry each attribute's family, value and highlighted span, read
//! together from the same JSON object by [`parse_attributes`]. Which values count as labels is
//! decided later ([`super::attributes`]); this file keeps them as written.

use crate::error::{Error, Result};
use crate::labels::OPP115;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The columns an annotation row must have (the official files have 9).
const MIN_COLUMNS: usize = 7;

/// One policy of the release: its two files and the names taken from them.
pub(super) struct PolicyFiles {
    /// The policy id as a number, for ordering (`u64::MAX` when it does not fit).
    num: u64,
    /// The policy id: the number at the start of the file name.
    pub(super) id: String,
    /// The domain after the first `_` of the file name.
    pub(super) company: String,
    /// `sanitized_policies/<id>_<domain>.html`.
    pub(super) html: PathBuf,
    /// `annotations/<id>_<domain>.csv`.
    pub(super) csv: PathBuf,
}

/// The policies of the release at `dir` that have both a policy and an annotation file,
/// ordered by numeric policy id (then path). Files without a partner, or whose name does not
/// start with a numeric id, are skipped with a warning in `warnings`.
///
/// # Errors
///
/// [`Error::Input`] when a folder is missing or cannot be read, or no policy is found.
pub(super) fn find_policies(dir: &Path, warnings: &mut Vec<String>) -> Result<Vec<PolicyFiles>> {
    let policies_dir = dir.join("sanitized_policies");
    let annotations_dir = dir.join("annotations");
    for d in [&policies_dir, &annotations_dir] {
        if !d.is_dir() {
            return Err(Error::Input {
                path: d.clone(),
                message: format!(
                    "folder not found; pass the root of the OPP-115 v1.0 release (the folder that \
                     holds sanitized_policies/ and annotations/), not {}",
                    dir.display()
                ),
            });
        }
    }

    let html_files = list_files(&policies_dir, "html")?;
    let csv_files = list_files(&annotations_dir, "csv")?;
    let csv_by_stem: HashMap<String, PathBuf> = csv_files
        .iter()
        .filter_map(|p| Some((file_stem(p)?, p.clone())))
        .collect();

    let mut policies: Vec<PolicyFiles> = Vec::new();
    let html_stems: BTreeSet<String> = html_files.iter().filter_map(|p| file_stem(p)).collect();
    for html in &html_files {
        let Some(stem) = file_stem(html) else {
            continue;
        };
        let Some((id, company)) = parse_policy_name(&stem) else {
            warnings.push(format!(
                "{}: skipped: the file name does not start with a numeric policy id and `_` \
                 (expected e.g. 1017_sci-news.com.html)",
                html.display()
            ));
            continue;
        };
        let Some(csv) = csv_by_stem.get(&stem) else {
            warnings.push(format!(
                "{}: skipped: no annotation file {stem}.csv in {}",
                html.display(),
                annotations_dir.display()
            ));
            continue;
        };
        let num: u64 = id.parse().unwrap_or(u64::MAX);
        policies.push(PolicyFiles {
            num,
            id,
            company,
            html: html.clone(),
            csv: csv.clone(),
        });
    }
    for csv in &csv_files {
        if file_stem(csv).is_some_and(|s| !html_stems.contains(&s)) {
            warnings.push(format!(
                "{}: ignored: no policy file with the same name in {}",
                csv.display(),
                policies_dir.display()
            ));
        }
    }
    if policies.is_empty() {
        return Err(Error::Input {
            path: policies_dir,
            message: "no policy to import: expected <id>_<domain>.html files with matching \
                      annotations/<id>_<domain>.csv files"
                .into(),
        });
    }
    policies.sort_by(|a, b| (a.num, &a.html).cmp(&(b.num, &b.html)));

    Ok(policies)
}

/// The files of `dir` whose extension is `ext` (case-insensitive), sorted by path.
pub(super) fn list_files(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let unreadable = |e: std::io::Error| Error::Input {
        path: dir.to_path_buf(),
        message: format!("cannot list the folder ({e}); check that it is readable"),
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        let matches = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case(ext));
        if matches && path.is_file() {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// The file name of `p` without its extension.
fn file_stem(p: &Path) -> Option<String> {
    p.file_stem().and_then(|s| s.to_str()).map(str::to_string)
}

/// `1017_sci-news.com` → (`1017`, `sci-news.com`).
pub(super) fn parse_policy_name(stem: &str) -> Option<(String, String)> {
    let (id, company) = stem.split_once('_')?;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) || company.is_empty() {
        return None;
    }
    Some((id.to_string(), company.to_string()))
}

/// Reads a text file as UTF-8 (without BOM); a file that is not UTF-8 is decoded as
/// Windows-1252 with a warning.
pub(super) fn read_text(path: &Path, warnings: &mut Vec<String>) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        message: format!("cannot read the file ({e}); check that it exists and is readable"),
    })?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => {
            warnings.push(format!(
                "{}: not valid UTF-8, decoded as Windows-1252",
                path.display()
            ));
            Ok(encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned())
        }
    }
}

/// One highlighted span of a practice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Span {
    /// The highlighted text (`selectedText`).
    pub(super) text: String,
    /// `startIndexInSegment`: a character offset into the raw segment HTML, if given.
    pub(super) start: Option<i64>,
    /// `endIndexInSegment` (exclusive), if given.
    pub(super) end: Option<i64>,
}

/// One attribute of a practice, as the annotator entered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Attribute {
    /// The attribute family: the key of the JSON object, e.g. `Personal Information Type`
    /// (trimmed).
    pub(super) family: String,
    /// The `value` string, trimmed; `None` when it is missing or not a string.
    pub(super) value: Option<String>,
    /// The highlighted span, when the attribute has a usable `selectedText`.
    pub(super) span: Option<Span>,
}

/// One practice entered by one annotator.
#[derive(Debug, Clone)]
pub(super) struct Practice {
    /// The annotator id (column 3).
    pub(super) annotator: String,
    /// The 0-based segment id (column 5), checked to be a segment of the policy.
    pub(super) segment: usize,
    /// The category as an index into [`OPP115`].
    pub(super) category: usize,
    /// The practice's attributes, with their highlighted spans.
    pub(super) attributes: Vec<Attribute>,
    /// The 1-based line of the row in its file, for messages.
    pub(super) line: u64,
}

/// Reads and checks one annotation file.
pub(super) fn read_annotations(path: &Path, n_segments: usize) -> Result<Vec<Practice>> {
    let file = std::fs::File::open(path).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        message: format!("cannot read the file ({e}); check that it exists and is readable"),
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::BufReader::new(file));
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line_before = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line_before, |p| p.line());
                return Err(Error::Csv {
                    path: path.to_path_buf(),
                    line,
                    message: format!("cannot read the annotation row ({e})"),
                });
            }
        }
        let line = record.position().map_or(line_before, |p| p.line());
        if record.len() == 1 && record[0].trim().is_empty() {
            continue;
        }
        let bad = |message: String| Error::Csv {
            path: path.to_path_buf(),
            line,
            message,
        };
        if record.len() < MIN_COLUMNS {
            return Err(bad(format!(
                "{} columns, expected 9 (annotation id, batch id, annotator id, policy id, \
                 segment id, category, attribute JSON, date, url); is this an OPP-115 \
                 annotations/ file?",
                record.len()
            )));
        }
        let annotator = record[2].trim();
        if annotator.is_empty() {
            return Err(bad("empty annotator id (column 3)".into()));
        }
        let segment: usize = record[4].trim().parse().map_err(|_| {
            bad(format!(
                "segment id (column 5) `{}` is not a non-negative integer",
                &record[4]
            ))
        })?;
        if segment >= n_segments {
            return Err(bad(format!(
                "segment id {segment} but the policy has {n_segments} segments; check that the \
                 annotation file belongs to the policy file of the same name"
            )));
        }
        let name = record[5].trim();
        let Some(category) = OPP115.iter().position(|c| *c == name) else {
            let hint = crate::labels::closest(name, OPP115)
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            return Err(bad(format!(
                "unknown category `{name}` (column 6){hint}; expected one of the 10 OPP-115 \
                 categories"
            )));
        };
        let attributes = parse_attributes(&record[6])
            .map_err(|m| bad(format!("attribute-value JSON (column 7): {m}")))?;
        out.push(Practice {
            annotator: annotator.to_string(),
            segment,
            category,
            attributes,
            line,
        });
    }
    Ok(out)
}

/// The attributes of a practice's attribute-value JSON. An entry that is not a
/// JSON object is skipped. An attribute without a `selectedText`, or with one of the corpus's
/// placeholders (see [`is_placeholder`]), has no span.
pub(super) fn parse_attributes(json: &str) -> std::result::Result<Vec<Attribute>, String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("not valid JSON ({e})"))?;
    let obj = value
        .as_object()
        .ok_or_else(|| "expected a JSON object of attributes".to_string())?;
    let index = |v: Option<&serde_json::Value>| -> Option<i64> {
        match v? {
            serde_json::Value::Number(n) => n.as_i64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    };
    let mut attributes = Vec::new();
    for (family, attr) in obj {
        let Some(attr) = attr.as_object() else {
            continue;
        };
        let span = attr
            .get("selectedText")
            .and_then(|t| t.as_str())
            .filter(|t| !is_placeholder(t))
            .map(|text| Span {
                text: text.to_string(),
                start: index(attr.get("startIndexInSegment")),
                end: index(attr.get("endIndexInSegment")),
            });
        attributes.push(Attribute {
            family: family.trim().to_string(),
            value: attr
                .get("value")
                .and_then(|v| v.as_str())
                .map(|v| v.trim().to_string()),
            span,
        });
    }
    Ok(attributes)
}

/// The corpus's stand-ins for "no span": empty text, `null`, `Not selected`.
fn is_placeholder(text: &str) -> bool {
    let t = text.trim();
    t.is_empty()
        || t.eq_ignore_ascii_case("null")
        || t.eq_ignore_ascii_case("not selected")
        || t.eq_ignore_ascii_case("not-selected")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_json_keeps_values_and_skips_null_and_missing_text() {
        let attrs = parse_attributes(
            r#"{"A": {"selectedText": "x", "startIndexInSegment": 1, "endIndexInSegment": 2, "value": " v "},
                "B": {"selectedText": "null", "startIndexInSegment": -1, "endIndexInSegment": -1, "value": "not-selected"},
                "C": {"value": "no text"},
                "D": {"selectedText": "Not selected", "startIndexInSegment": -1, "endIndexInSegment": -1, "value": 3},
                "E": "not an object"}"#,
        )
        .unwrap();
        let attr = |family: &str, value: Option<&str>, span: Option<Span>| Attribute {
            family: family.into(),
            value: value.map(String::from),
            span,
        };
        assert_eq!(
            attrs,
            [
                attr(
                    "A",
                    Some("v"),
                    Some(Span {
                        text: "x".into(),
                        start: Some(1),
                        end: Some(2)
                    })
                ),
                attr("B", Some("not-selected"), None),
                attr("C", Some("no text"), None),
                attr("D", None, None),
            ]
        );
        assert!(parse_attributes("[1]").is_err());
        assert!(parse_attributes("{").is_err());
    }

    #[test]
    fn policy_names() {
        assert_eq!(
            parse_policy_name("1017_sci-news.com"),
            Some(("1017".into(), "sci-news.com".into()))
        );
        assert_eq!(parse_policy_name("abc_x.com"), None);
        assert_eq!(parse_policy_name("1017"), None);
    }
}
