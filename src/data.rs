//! Labelled data: CSV files with `text` and `labels` columns (optional `company`, `policy_id`,
//! `segment_id`) → [`LabelledData`].

use crate::error::{Error, Result};
use crate::labels;
use crate::sentences::paragraph::Paragraphs;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Labelled rows from one or more CSV files.
#[derive(Debug, Clone, Default)]
pub struct LabelledData {
    /// Row texts.
    pub texts: Vec<String>,
    /// Row labels as names, in file order.
    pub labels: Vec<Vec<String>>,
    /// Row attribute values (`Family: Value` items), when the files have an `attributes`
    /// column (every file has it, or none: see [`LabelledData::has_attributes`]).
    pub attributes: Vec<Vec<String>>,
    /// Whether the files carry an `attributes` column (`None` before the first file).
    pub attribute_column: Option<bool>,
    /// Company column (empty when absent).
    pub company: Vec<String>,
    /// The fold group of each row (rows of one group always share a fold, in the threshold
    /// folds of training and in cross-validation): `policy_id`, else company, else the row
    /// itself (named by the file's content hash and the row number, never by the path).
    /// Not a paragraph: see [`LabelledData::paragraphs`].
    pub fold_group: Vec<String>,
    /// `policy_id` column, when present.
    pub policy_id: Vec<Option<String>>,
    /// `segment_id` column, when present.
    pub segment_id: Vec<Option<String>>,
    /// Where each file came from: path, size and SHA-256.
    pub sources: Vec<SourceInfo>,
}

/// The distinct values (lower case) of the `company` column of a CSV file, e.g. to leave a
/// test set's companies out of self-training. Errors name the file and line.
pub fn companies_in(path: &Path) -> Result<std::collections::BTreeSet<String>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(&bytes[..]);
    let csv_error = |line: u64, message: String| Error::Csv {
        path: path.into(),
        line,
        message,
    };
    let headers = r
        .headers()
        .map_err(|e| csv_error(1, format!("cannot read the header: {e}")))?;
    let Some(col) = headers.iter().position(|h| h.trim() == "company") else {
        return Err(csv_error(
            1,
            "no `company` column: give a CSV whose `company` column names the companies to leave out".into(),
        ));
    };
    let mut out = std::collections::BTreeSet::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| csv_error(i as u64 + 2, format!("not valid CSV: {e}")))?;
        if let Some(c) = rec.get(col).map(str::trim).filter(|c| !c.is_empty()) {
            out.insert(c.to_lowercase());
        }
    }
    Ok(out)
}

/// Provenance of a training or evaluation file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// The file path as given.
    pub path: String,
    /// File size in bytes.
    pub bytes: u64,
    /// Number of data rows.
    pub rows: usize,
    /// Hex SHA-256 of the file contents.
    pub sha256: String,
}

impl LabelledData {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// The distinct label names, in conventional order (OPP-115 first).
    pub fn label_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.labels.iter().flatten().cloned().collect();
        v.sort();
        v.dedup();
        labels::sort_labels(&mut v);
        v
    }

    /// Whether the rows carry attribute values (an `attributes` column in every file).
    pub fn has_attributes(&self) -> bool {
        self.attribute_column == Some(true)
    }

    /// The distinct attribute values with their row counts, sorted by name.
    pub fn attribute_counts(&self) -> Vec<(String, usize)> {
        let mut m: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for a in self.attributes.iter().flatten() {
            *m.entry(a.as_str()).or_default() += 1;
        }
        m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    /// Whether `policy_id` is present for every row.
    pub fn has_policy_ids(&self) -> bool {
        !self.is_empty() && self.policy_id.iter().all(Option::is_some)
    }

    /// The context of every row: its segment (`policy_id` + `segment_id`, rows in file order)
    /// through [`Paragraphs::contexts`], or the row's own text when the ids are missing.
    pub fn contexts(&self) -> Vec<std::sync::Arc<str>> {
        let texts: Vec<&str> = self.texts.iter().map(String::as_str).collect();
        self.paragraphs().contexts(&texts)
    }

    /// The rows of each paragraph (segment: same `policy_id` and `segment_id`), in file
    /// order, paragraphs ordered by their first row; a row without both ids is a paragraph of
    /// its own. Every row is in exactly one.
    pub fn paragraphs(&self) -> Paragraphs {
        Paragraphs::by_key(self.len(), |i| {
            match (&self.policy_id[i], &self.segment_id[i]) {
                (Some(p), Some(s)) => Some((p.as_str(), s.as_str())),
                _ => None,
            }
        })
    }

    /// The rows of each document (same `policy_id`), in file order, documents ordered by
    /// their first row; a row without a `policy_id` is a document of its own.
    pub fn documents(&self) -> Paragraphs {
        Paragraphs::by_key(self.len(), |i| self.policy_id[i].as_deref())
    }

    /// The rows at `idx`, in that order (provenance is kept as it is).
    pub fn subset(&self, idx: &[usize]) -> LabelledData {
        LabelledData {
            texts: idx.iter().map(|&i| self.texts[i].clone()).collect(),
            labels: idx.iter().map(|&i| self.labels[i].clone()).collect(),
            attributes: if self.has_attributes() {
                idx.iter().map(|&i| self.attributes[i].clone()).collect()
            } else {
                Vec::new()
            },
            attribute_column: self.attribute_column,
            company: idx.iter().map(|&i| self.company[i].clone()).collect(),
            fold_group: idx.iter().map(|&i| self.fold_group[i].clone()).collect(),
            policy_id: idx.iter().map(|&i| self.policy_id[i].clone()).collect(),
            segment_id: idx.iter().map(|&i| self.segment_id[i].clone()).collect(),
            sources: self.sources.clone(),
        }
    }

    /// Reads and appends one CSV file.
    pub fn read_csv(&mut self, path: &Path) -> Result<()> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        self.read_csv_bytes(path, &bytes)
    }

    /// Parses and appends CSV `bytes` as if read from `path` (used only in error messages and
    /// provenance): the in-memory counterpart of [`LabelledData::read_csv`], e.g. for fuzzing.
    pub fn read_csv_bytes(&mut self, path: &Path, bytes: &[u8]) -> Result<()> {
        let sha = Sha256::digest(bytes);
        let before = self.len();
        parse_csv(path, bytes, self)?;
        self.sources.push(SourceInfo {
            path: path.display().to_string(),
            bytes: bytes.len() as u64,
            rows: self.len() - before,
            sha256: sha.iter().map(|b| format!("{b:02x}")).collect(),
        });
        Ok(())
    }

    /// Reads several CSV files into one data set.
    pub fn read_all(paths: &[PathBuf]) -> Result<LabelledData> {
        let mut d = LabelledData::default();
        for p in paths {
            d.read_csv(p)?;
        }
        Ok(d)
    }

    /// Checks every label against a known set; the error names the file, line, the known
    /// labels and the closest match.
    pub fn check_labels(&self, known: &[String]) -> Result<()> {
        for (i, labs) in self.labels.iter().enumerate() {
            for l in labs {
                if !known.contains(l) {
                    let (path, line) = self.locate(i);
                    return Err(Error::Csv {
                        path,
                        line,
                        message: unknown_label_message(l, known),
                    });
                }
            }
        }
        Ok(())
    }

    /// Flags labels that look like misspellings of OPP-115 categories when the data otherwise
    /// uses the OPP-115 taxonomy (other taxonomies are accepted as they are).
    pub fn check_typos(&self) -> Result<()> {
        let names = self.label_names();
        let opp = names
            .iter()
            .filter(|n| labels::OPP115.contains(&n.as_str()))
            .count();
        if opp == 0 {
            return Ok(());
        }
        for n in &names {
            if labels::OPP115.contains(&n.as_str()) {
                continue;
            }
            if labels::closest(n, labels::OPP115).is_some() {
                let i = self.labels.iter().position(|l| l.contains(n)).unwrap_or(0);
                let (path, line) = self.locate(i);
                let known: Vec<String> = labels::OPP115.iter().map(|s| s.to_string()).collect();
                return Err(Error::Csv {
                    path,
                    line,
                    message: unknown_label_message(n, &known),
                });
            }
        }
        Ok(())
    }

    /// File and 1-based line of data row `i` (approximate when rows contain quoted newlines).
    fn locate(&self, mut i: usize) -> (PathBuf, u64) {
        for s in &self.sources {
            if i < s.rows {
                return (PathBuf::from(&s.path), i as u64 + 2);
            }
            i -= s.rows;
        }
        (PathBuf::from("<data>"), i as u64 + 2)
    }
}

/// The `Family: Value` items of an `attributes` field (`;`-joined), trimmed, deduplicated and
/// sorted; an item without a family is an error naming the line.
fn parse_attributes(
    field: &str,
    line: u64,
    csv_err: &dyn Fn(u64, String) -> Error,
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for item in labels::split_labels(field) {
        match item.split_once(':') {
            Some((f, v)) if !f.trim().is_empty() && !v.trim().is_empty() => {
                out.push(format!("{}: {}", f.trim(), v.trim()));
            }
            _ => {
                return Err(csv_err(
                    line,
                    format!("attribute \"{item}\" is not `Family: Value` (e.g. `Purpose: Advertising`): fix the `attributes` field"),
                ))
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn unknown_label_message(label: &str, known: &[String]) -> String {
    let hint = labels::closest(label, known.iter().map(String::as_str))
        .map(|c| format!(" (did you mean \"{c}\"?)"))
        .unwrap_or_default();
    format!(
        "unknown label \"{label}\"{hint}; known labels: {}",
        known.join(" | ")
    )
}

/// The 1-based physical line of the record that starts at byte `pos`. The csv crate's own
/// `Position::line` lags one line behind after CRLF line ends (rust-csv issue #395), so the
/// line is counted here; the record start may sit on the previous line's terminator.
fn line_at(bytes: &[u8], pos: u64) -> u64 {
    let mut p = usize::try_from(pos).map_or(bytes.len(), |p| p.min(bytes.len()));
    while p < bytes.len() && matches!(bytes[p], b'\r' | b'\n') {
        p += 1;
    }
    1 + bytes[..p].iter().filter(|&&b| b == b'\n').count() as u64
}

fn parse_csv(path: &Path, bytes: &[u8], out: &mut LabelledData) -> Result<()> {
    let csv_err = |line: u64, message: String| Error::Csv {
        path: path.into(),
        line,
        message,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(csv_err(
            1,
            "empty file: expected a header row with `text` and `labels` columns".into(),
        ));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let headers = rdr
        .headers()
        .map_err(|e| csv_err(1, format!("cannot read the header row: {e}")))?
        .clone();
    let col = |name: &str| {
        headers.iter().position(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .eq_ignore_ascii_case(name)
        })
    };
    let text_col = col("text").ok_or_else(|| {
        csv_err(
            1,
            format!(
                "no `text` column (header is: {}); add a `text` column",
                headers.iter().collect::<Vec<_>>().join(",")
            ),
        )
    })?;
    let labels_col = col("labels").ok_or_else(|| {
        csv_err(1, format!("no `labels` column (header is: {}); add a `labels` column with `;`-joined label names", headers.iter().collect::<Vec<_>>().join(",")))
    })?;
    let company_col = col("company");
    let attributes_col = col("attributes");
    match (out.attribute_column, attributes_col.is_some()) {
        (Some(before), now) if before != now => {
            return Err(csv_err(
                1,
                format!(
                    "{} `attributes` column but the files before it {}: give every file the column (it may be empty) or none",
                    if now { "has an" } else { "has no" },
                    if before { "have one" } else { "do not" }
                ),
            ))
        }
        _ => out.attribute_column = Some(attributes_col.is_some()),
    }
    let policy_col = col("policy_id");
    let segment_col = col("segment_id");
    // Rows without a policy or company are groups of their own, named by the file's content
    // (not its path), so that the same bytes give the same folds under any name.
    let file_key = format!("{:016x}", crate::hash::fnv1a(bytes));
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| {
            let line = e
                .position()
                .map_or(i as u64 + 2, |p| line_at(bytes, p.byte()));
            let msg = match e.kind() {
                csv::ErrorKind::UnequalLengths { expected_len, len, .. } => format!(
                    "row has {len} fields but the header has {expected_len}: quote fields that contain commas"
                ),
                csv::ErrorKind::Utf8 { .. } => "not valid UTF-8: save the file as UTF-8".into(),
                _ => e.to_string(),
            };
            csv_err(line, msg)
        })?;
        let text = rec.get(text_col).unwrap_or("").trim();
        if text.is_empty() {
            return Err(csv_err(
                rec.position()
                    .map_or(i as u64 + 2, |p| line_at(bytes, p.byte())),
                "empty `text`: remove the row or fill in the sentence".into(),
            ));
        }
        let labs: Vec<String> = labels::split_labels(rec.get(labels_col).unwrap_or(""))
            .map(String::from)
            .collect();
        let get = |c: Option<usize>| {
            c.and_then(|c| rec.get(c))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        let company = get(company_col).unwrap_or_default();
        let policy = get(policy_col);
        let group = policy
            .clone()
            .or_else(|| (!company.is_empty()).then(|| company.clone()))
            .unwrap_or_else(|| format!("{file_key}:{i}"));
        if let Some(c) = attributes_col {
            let line = rec
                .position()
                .map_or(i as u64 + 2, |p| line_at(bytes, p.byte()));
            out.attributes
                .push(parse_attributes(rec.get(c).unwrap_or(""), line, &csv_err)?);
        }
        out.texts.push(text.to_string());
        out.labels.push(labs);
        out.company.push(company);
        out.fold_group.push(group);
        out.policy_id.push(policy);
        out.segment_id.push(get(segment_col));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<LabelledData> {
        let mut d = LabelledData::default();
        parse_csv(Path::new("t.csv"), s.as_bytes(), &mut d)?;
        Ok(d)
    }

    #[test]
    fn attributes_are_read_normalised_and_checked() {
        let d = parse(
            "text,labels,attributes\n\
             a,x,\"Purpose:Advertising ; Personal Information Type: Location;Purpose: Advertising\"\n\
             b,,\n",
        )
        .unwrap();
        assert!(d.has_attributes());
        assert_eq!(
            d.attributes[0],
            [
                "Personal Information Type: Location",
                "Purpose: Advertising"
            ]
        );
        assert!(d.attributes[1].is_empty());
        assert_eq!(
            d.attribute_counts(),
            [
                ("Personal Information Type: Location".to_string(), 1),
                ("Purpose: Advertising".to_string(), 1)
            ]
        );
        let e = parse("text,labels,attributes\na,x,\nb,x,Advertising\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("t.csv:3: attribute \"Advertising\" is not `Family: Value`"),
            "{e}"
        );
        // Without the column: no attributes.
        assert!(!parse("text,labels\na,x\n").unwrap().has_attributes());
    }

    #[test]
    fn files_with_and_without_attributes_do_not_mix() {
        let mut d = LabelledData::default();
        parse_csv(
            Path::new("a.csv"),
            b"text,labels,attributes\na,x,\n",
            &mut d,
        )
        .unwrap();
        let e = parse_csv(Path::new("b.csv"), b"text,labels\nb,x\n", &mut d).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("b.csv:1: has no `attributes` column"),
            "{e}"
        );
    }

    #[test]
    fn reads_bom_crlf_quoted_newlines() {
        let d = parse("\u{feff}text,labels,policy_id\r\n\"We collect\nnames.\",First Party Collection/Use,p1\r\nHello,,p1\r\n").unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d.texts[0], "We collect\nnames.");
        assert_eq!(d.labels[1], Vec::<String>::new());
        assert!(d.has_policy_ids());
    }

    #[test]
    fn paragraphs_and_documents_group_rows_in_file_order() {
        let d = parse(
            "text,labels,policy_id,segment_id\n\
             a,,p1,0\nb,,p1,1\nc,,p1,0\nd,,p2,0\ne,,,\nf,,p2,0\n",
        )
        .unwrap();
        // Row 4 has no ids: alone in both groupings; a segment id is per policy.
        assert_eq!(
            d.paragraphs().groups(),
            vec![vec![0, 2], vec![1], vec![3, 5], vec![4]]
        );
        assert_eq!(
            d.documents().groups(),
            vec![vec![0, 1, 2], vec![3, 5], vec![4]]
        );
        let c = d.contexts();
        assert_eq!(&*c[0], "a c");
        assert_eq!(&*c[2], "a c");
        assert_eq!(&*c[4], "e");
    }

    #[test]
    fn errors_name_line() {
        let e = parse("text,labels\na,b\nc,d,e\n").unwrap_err().to_string();
        assert!(e.starts_with("t.csv:3:"), "{e}");
        let e = parse("txt,labels\na,b\n").unwrap_err().to_string();
        assert!(e.contains("no `text` column"), "{e}");
        let e = parse("text,label\na,b\n").unwrap_err().to_string();
        assert!(e.contains("no `labels` column"), "{e}");
    }

    #[test]
    fn typo_is_flagged_but_new_taxonomy_is_not() {
        let d = parse("text,labels\na,Data Retension\nb,Other\n").unwrap();
        let e = d.check_typos().unwrap_err().to_string();
        assert!(e.contains("did you mean \"Data Retention\""), "{e}");
        let d = parse("text,labels\na,Spam\nb,Ham\n").unwrap();
        assert!(d.check_typos().is_ok());
    }
}
