//! PDF → text: the glyphs of each page (with their positions, from `pdf-extract`) are laid out
//! again so that the splitter sees whole sentences in reading order.
//!
//! * Glyphs on one baseline with no wide gap form a *fragment*; a gap wider than a space
//!   between two glyphs becomes a space (so letters drawn one by one, or a word split into
//!   runs at its soft hyphens, come out as one word).
//! * A page whose fragments leave a vertical gutter in its middle is read column by column:
//!   fragments that cross the gutter (a title) stay where they are, the fragments between two
//!   of them are read left column first, then right column.
//! * Running headers and footers (the same text, digits aside, on the first or last two
//!   baselines of at least half the pages, two pages at least, within the top or bottom
//!   tenth of the page) and page numbers (`3`, `Page 3 of 7`, `- 3 -`, `iv`) there are
//!   dropped.
//! * Lines closer than the page's usual line spacing, in the same font size, join into one
//!   paragraph line; paragraphs are separated by a blank line; a line in a larger font than
//!   the body is a heading (`## `, as HTML headings are).
//! * A line that ends in a hyphen joins the next one (see [`join_hyphen`] for which hyphens
//!   are kept).
//!
//! `pdf-extract` (and `lopdf` below it) may panic on malformed files: the extraction runs
//! under `catch_unwind`, and a panic becomes an error for that file.

use crate::error::Error;
use std::collections::HashSet;
use std::panic::AssertUnwindSafe;
use std::path::Path;

/// Why a PDF gave no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfProblem {
    /// The pages have no text layer (a scanned image).
    NoTextLayer,
    /// The file is encrypted with a password.
    Encrypted,
    /// The file could not be parsed (truncated, corrupt, or beyond the reader).
    Malformed(String),
}

impl PdfProblem {
    /// The library error for `path`: no text layer is [`Error::NothingToRead`] (a skip in a
    /// batch), the rest [`Error::Input`].
    pub fn into_error(self, path: &Path) -> Error {
        let message = self.message();
        match self {
            PdfProblem::NoTextLayer => Error::NothingToRead {
                path: path.into(),
                message,
            },
            _ => Error::Input {
                path: path.into(),
                message,
            },
        }
    }

    /// The one-line message for the user.
    pub fn message(&self) -> String {
        match self {
            PdfProblem::NoTextLayer => {
                "no text layer: it looks like a scanned image; run OCR (e.g. ocrmypdf) first".into()
            }
            PdfProblem::Encrypted => {
                "the PDF is encrypted with a password: save an unencrypted copy (e.g. qpdf --decrypt) first"
                    .into()
            }
            PdfProblem::Malformed(why) => {
                format!("cannot read this PDF ({why}): it may be truncated or corrupt; re-export it or convert it to text first")
            }
        }
    }
}

/// True when the bytes are a PDF file: they start with the `%PDF-` magic (after a UTF-8 BOM
/// or whitespace, if any). A text that merely mentions `%PDF-` is not one.
pub fn is_pdf(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    b[start..].starts_with(b"%PDF-")
}

/// Extracts the text of a PDF: reading order, columns, headers and footers, hyphenation and
/// paragraphs handled as the module documentation describes.
pub fn pdf_to_text(bytes: &[u8]) -> Result<String, PdfProblem> {
    let pages = extract_pages(bytes)?;
    let text = layout(&pages);
    if text.trim().is_empty() {
        return Err(PdfProblem::NoTextLayer);
    }
    Ok(text)
}

/// One glyph: its text, left edge, baseline (from the top of the page), advance width and
/// font size, all in points, and whether it starts a text-showing operation (`fresh`: its
/// position comes straight from the file; later glyphs of the same operation are placed by
/// adding up advance widths, which `pdf-extract` does not always know exactly).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Glyph {
    pub text: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub size: f64,
    pub fresh: bool,
}

/// One page's glyphs in drawing order, and the page's width and height.
#[derive(Debug, Clone, Default)]
pub(crate) struct Page {
    pub glyphs: Vec<Glyph>,
    pub width: f64,
    pub height: f64,
}

struct Collector {
    pages: Vec<Page>,
    fresh: bool,
}

impl pdf_extract::OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &pdf_extract::MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), pdf_extract::OutputError> {
        self.pages.push(Page {
            glyphs: Vec::new(),
            width: media_box.urx - media_box.llx,
            height: media_box.ury - media_box.lly,
        });
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
    fn output_character(
        &mut self,
        trm: &pdf_extract::Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), pdf_extract::OutputError> {
        let Some(page) = self.pages.last_mut() else {
            return Ok(());
        };
        // The same size estimate as pdf-extract's own text output: the side of the square
        // with the area of the transformed font-size vector.
        let vx = font_size * (trm.m11 + trm.m21);
        let vy = font_size * (trm.m12 + trm.m22);
        let size = (vx * vy).abs().sqrt();
        if !size.is_finite() || size <= 0.0 {
            return Ok(());
        }
        page.glyphs.push(Glyph {
            text: text.to_string(),
            x: trm.m31,
            y: page.height - trm.m32,
            w: width * size,
            size,
            fresh: std::mem::take(&mut self.fresh),
        });
        Ok(())
    }
    fn begin_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        self.fresh = true;
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
}

fn extract_pages(bytes: &[u8]) -> Result<Vec<Page>, PdfProblem> {
    let run = || -> Result<Vec<Page>, PdfProblem> {
        let mut doc = pdf_extract::Document::load_mem(bytes).map_err(|e| {
            if matches!(e, pdf_extract::Error::Decryption(_)) {
                PdfProblem::Encrypted
            } else {
                PdfProblem::Malformed(e.to_string())
            }
        })?;
        if doc.is_encrypted() && doc.decrypt("").is_err() {
            // Only an owner password (printing/copying restrictions) opens with "".
            return Err(PdfProblem::Encrypted);
        }
        let mut out = Collector {
            pages: Vec::new(),
            fresh: false,
        };
        pdf_extract::output_doc(&doc, &mut out)
            .map_err(|e| PdfProblem::Malformed(e.to_string()))?;
        Ok(out.pages)
    };
    match quiet_catch_unwind(run) {
        Ok(r) => r,
        Err(msg) => Err(PdfProblem::Malformed(format!(
            "the PDF reader failed: {msg}"
        ))),
    }
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into its message. The panic hook is wrapped once so that a panic
/// inside `f` prints nothing (the library never prints); panics elsewhere print as before.
fn quiet_catch_unwind<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let r = std::panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    r.map_err(|p| {
        p.downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into())
            .lines()
            .next()
            .unwrap_or_default()
            .chars()
            .take(160)
            .collect()
    })
}

/// A run of glyphs on one baseline, with no gap wider than a few spaces.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fragment {
    pub text: String,
    pub x0: f64,
    pub x1: f64,
    pub y: f64,
    pub size: f64,
}

/// Glyphs (drawing order) → fragments. Within a line the drawing order is kept (positions
/// inside one text-showing operation can drift); a glyph starts a new fragment when it leaves
/// the baseline, jumps more than 1.5 em to the right, or goes back left of the fragment's
/// start. A space glyph is a space unless it has no width (Chromium draws a soft hyphen that
/// does not break the line that way); a gap of a quarter em before an exactly placed glyph is
/// a space too.
pub(crate) fn fragments(glyphs: &[Glyph]) -> Vec<Fragment> {
    let mut out: Vec<Fragment> = Vec::new();
    let mut cur: Option<Fragment> = None;
    let mut pending_space: Option<&Glyph> = None;
    for g in glyphs {
        let is_space = g.text.chars().all(char::is_whitespace);
        if let Some(f) = cur.as_mut() {
            let em = f.size.max(g.size);
            let same_line = (g.y - f.y).abs() < 0.4 * em;
            let gap = g.x - f.x1;
            if same_line && g.x >= f.x0 - 0.5 * em && gap < 1.5 * em {
                if is_space {
                    pending_space = pending_space.or(Some(g));
                    continue;
                }
                let space = match pending_space.take() {
                    Some(sp) => !(sp.fresh && g.fresh && (g.x - sp.x).abs() < 0.05 * em),
                    None => g.fresh && gap > 0.25 * em,
                };
                if space && !f.text.ends_with(' ') {
                    f.text.push(' ');
                }
                f.text.push_str(&g.text);
                f.x1 = f.x1.max(g.x + g.w);
                f.size = f.size.max(g.size);
                continue;
            }
            out.extend(cur.take().filter(|f| !f.text.trim().is_empty()));
        }
        pending_space = None;
        if is_space {
            continue;
        }
        cur = Some(Fragment {
            text: g.text.clone(),
            x0: g.x,
            x1: g.x + g.w,
            y: g.y,
            size: g.size,
        });
    }
    out.extend(cur.filter(|f| !f.text.trim().is_empty()));
    for f in &mut out {
        f.text = f.text.trim().to_string();
    }
    out
}

/// Orders a page's fragments for reading: top to bottom, and column by column where the page
/// has a gutter (see the module documentation).
pub(crate) fn reading_order(mut frags: Vec<Fragment>, width: f64) -> Vec<Fragment> {
    frags.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    let Some(gutter) = find_gutter(&frags, width) else {
        return frags;
    };
    let mut out = Vec::with_capacity(frags.len());
    let mut left = Vec::new();
    let mut right = Vec::new();
    for f in frags {
        if f.x1 <= gutter {
            left.push(f);
        } else if f.x0 >= gutter {
            right.push(f);
        } else {
            out.append(&mut left);
            out.append(&mut right);
            out.push(f);
        }
    }
    out.append(&mut left);
    out.append(&mut right);
    out
}

/// An x in the middle of the page that no fragment crosses, with at least three fragments on
/// each side, if there is one.
fn find_gutter(frags: &[Fragment], width: f64) -> Option<f64> {
    if width <= 0.0 {
        return None;
    }
    let (lo, hi) = (0.3 * width, 0.7 * width);
    let mut best: Option<(usize, f64)> = None;
    for f in frags {
        let x = f.x1 + 1.0;
        if !(lo..=hi).contains(&x) {
            continue;
        }
        let crossing = frags.iter().filter(|g| g.x0 < x && g.x1 > x).count();
        let left = frags.iter().filter(|g| g.x1 <= x).count();
        let right = frags.iter().filter(|g| g.x0 >= x).count();
        // Crossing fragments are allowed (titles), but far fewer than the column lines.
        if left >= 3 && right >= 3 && crossing * 4 <= left.min(right) {
            let score = crossing;
            if best.is_none_or(|(s, _)| score < s) {
                best = Some((score, x));
            }
        }
    }
    best.map(|(_, x)| x)
}

/// The text of a fragment with its digits replaced, so "Page 2 of 7" and "Page 3 of 7" match.
fn furniture_key(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// True for a page number on its own: `3`, `Page 3`, `Page 3 of 7`, `3 / 7`, `- 3 -`, `iv`.
pub(crate) fn is_page_number(text: &str) -> bool {
    let t = text
        .trim()
        .trim_matches(|c: char| matches!(c, '-' | '–' | '—' | '|' | '[' | ']' | '(' | ')'))
        .trim()
        .to_lowercase();
    let t = t
        .strip_prefix("page")
        .or_else(|| t.strip_prefix("p."))
        .unwrap_or(&t)
        .trim();
    let mut parts = t.split_whitespace().filter(|w| !matches!(*w, "of" | "/"));
    let Some(first) = parts.next() else {
        return false;
    };
    let number = |w: &str| {
        (!w.is_empty() && w.len() <= 5 && w.chars().all(|c| c.is_ascii_digit()))
            || (!w.is_empty()
                && w.len() <= 6
                && w.chars().all(|c| matches!(c, 'i' | 'v' | 'x' | 'l')))
    };
    let parts: Vec<&str> = std::iter::once(first).chain(parts).collect();
    if parts.len() == 1 {
        if let Some((a, b)) = parts[0].split_once('/') {
            return number(a) && number(b);
        }
    }
    parts.len() <= 2 && parts.iter().all(|w| number(w))
}

/// Drops running headers/footers and page numbers from the pages' ordered fragments
/// (`heights`: each page's height).
pub(crate) fn drop_furniture(pages: &mut [Vec<Fragment>], heights: &[f64]) {
    // Furniture sits on the first and last two baselines of a page, in its top or bottom
    // tenth (the margins).
    let edges: Vec<Vec<usize>> = pages
        .iter()
        .zip(heights)
        .map(|(frags, &height)| {
            let mut ys: Vec<f64> = frags.iter().map(|f| f.y).collect();
            ys.sort_by(f64::total_cmp);
            ys.dedup_by(|a, b| (*a - *b).abs() < 1.0);
            let n = ys.len();
            let edge_ys: Vec<f64> = ys
                .iter()
                .enumerate()
                .filter(|(i, y)| {
                    (*i < 2 && **y < 0.1 * height) || (*i + 2 >= n && **y > 0.9 * height)
                })
                .map(|(_, y)| *y)
                .collect();
            frags
                .iter()
                .enumerate()
                .filter(|(_, f)| edge_ys.iter().any(|y| (f.y - y).abs() < 1.0))
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    for (frags, idx) in pages.iter().zip(&edges) {
        let keys: HashSet<String> = idx.iter().map(|&i| furniture_key(&frags[i].text)).collect();
        for k in keys {
            *counts.entry(k).or_default() += 1;
        }
    }
    let n_pages = pages.len();
    let running =
        |k: &str| n_pages >= 2 && counts.get(k).is_some_and(|&c| c >= 2 && c * 2 >= n_pages);
    for (frags, idx) in pages.iter_mut().zip(&edges) {
        let drop: HashSet<usize> = idx
            .iter()
            .copied()
            .filter(|&i| is_page_number(&frags[i].text) || running(&furniture_key(&frags[i].text)))
            .collect();
        let mut i = 0;
        frags.retain(|_| {
            let keep = !drop.contains(&i);
            i += 1;
            keep
        });
    }
}

/// Ordered fragments of all pages → paragraphs (each a list of lines) and headings.
fn paragraphs(pages: &[Vec<Fragment>]) -> Vec<(bool, Vec<String>)> {
    // The body size: the most common font size, by characters.
    let mut by_size: std::collections::BTreeMap<i64, usize> = Default::default();
    for f in pages.iter().flatten() {
        *by_size.entry((f.size * 4.0).round() as i64).or_default() += f.text.len();
    }
    let body = by_size
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(s, _)| *s as f64 / 4.0)
        .unwrap_or(10.0);
    let mut out: Vec<(bool, Vec<String>)> = Vec::new();
    for frags in pages {
        // The usual distance between two lines of the same size on this page.
        let mut steps: Vec<f64> = frags
            .windows(2)
            .filter(|w| (w[0].size - w[1].size).abs() < 0.5 && w[1].y > w[0].y)
            .map(|w| w[1].y - w[0].y)
            .collect();
        steps.sort_by(f64::total_cmp);
        let usual = steps.get(steps.len() / 3).copied();
        let mut prev: Option<&Fragment> = None;
        for f in frags {
            let heading = f.size > body * 1.08;
            let new_para = match prev {
                None => true,
                Some(p) => {
                    let step = f.y - p.y;
                    let limit = usual.map_or(1.6 * p.size, |u| (u * 1.3).min(2.0 * p.size));
                    heading
                        || (p.size > body * 1.08)
                        || (p.size - f.size).abs() > 0.5
                        || step <= 0.2 * p.size // moved up or sideways: a new column
                        || step > limit
                }
            };
            match out.last_mut() {
                Some((h, lines)) if !new_para && *h == heading => lines.push(f.text.clone()),
                _ => out.push((heading, vec![f.text.clone()])),
            }
            prev = Some(f);
        }
        // A paragraph may go on across the page break: the next page starts a new
        // paragraph only when its first line says so, which we cannot see; keep them apart
        // unless the last line does not end a sentence (see below).
        if let Some((false, _)) = out.last() {
            out.push((false, Vec::new()));
        }
    }
    // Join a paragraph cut by a page break: the paragraph before the break does not end with
    // sentence punctuation and the next one starts in lower case.
    let mut merged: Vec<(bool, Vec<String>)> = Vec::new();
    let mut glue = false;
    for (h, lines) in out {
        if lines.is_empty() {
            glue = true;
            continue;
        }
        let continues = glue
            && !h
            && lines[0].chars().next().is_some_and(char::is_lowercase)
            && merged.last().is_some_and(|(ph, pl)| {
                !*ph && pl
                    .last()
                    .is_some_and(|l| !l.trim_end().ends_with(['.', '!', '?', ':', ';']))
            });
        glue = false;
        if continues {
            merged.last_mut().expect("checked").1.extend(lines);
        } else {
            merged.push((h, lines));
        }
    }
    merged
}

/// How a line that ends in a hyphen joins the next line, given the words of the whole
/// document (`words`: every whitespace-separated word, punctuation trimmed, lower case).
///
/// * A soft hyphen (U+00AD) or a hyphen character (U+2010, which Chromium draws where it
///   breaks a word at a soft hyphen) is the typesetter's: the word is joined without it
///   (`infor‐` + `mation` → `information`).
/// * A hyphen-minus (`-`) may be either: `opt-` + `out` keeps it (`opt-out`) unless the
///   document spells the joined word without a hyphen elsewhere (`infor-` + `mation` →
///   `information` when `information` occurs); so a real compound broken at its hyphen is
///   never glued into a non-word.
/// * A next line starting with anything but a lower-case letter keeps the hyphen and no
///   space (`COVID-` + `19` → `COVID-19`).
///
/// Returns `None` when the line does not end in a hyphen (join with a space).
pub(crate) fn join_hyphen(line: &str, next: &str, words: &HashSet<String>) -> Option<String> {
    let line = line.trim_end();
    let (stem, hyphen) = ['\u{AD}', '\u{2010}', '-']
        .iter()
        .find_map(|h| line.strip_suffix(*h).map(|s| (s, *h)))?;
    if !stem.chars().last().is_some_and(char::is_alphabetic) {
        return None;
    }
    let next = next.trim_start();
    let lower = next.chars().next().is_some_and(char::is_lowercase);
    if hyphen != '-' && lower {
        return Some(format!("{stem}{next}"));
    }
    if hyphen == '-' && lower {
        let head = stem
            .rsplit(char::is_whitespace)
            .next()
            .unwrap_or(stem)
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        let tail: String = next
            .split(char::is_whitespace)
            .next()
            .unwrap_or(next)
            .trim_end_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        let joined = format!("{head}{tail}");
        let hyphenated = format!("{head}-{tail}");
        if words.contains(&joined) && !words.contains(&hyphenated) {
            return Some(format!("{stem}{next}"));
        }
    }
    Some(format!("{stem}-{next}"))
}

/// The words of the lines, for [`join_hyphen`].
fn word_set<'a>(lines: impl Iterator<Item = &'a String>) -> HashSet<String> {
    lines
        .flat_map(|l| l.split_whitespace())
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .replace('\u{AD}', "")
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Joins the soft-wrapped lines of a paragraph into one line.
pub(crate) fn join_lines(lines: &[String], words: &HashSet<String>) -> String {
    let mut out = String::new();
    for l in lines {
        let l = l.trim();
        if l.is_empty() {
            continue;
        }
        if out.is_empty() {
            out.push_str(l);
        } else if let Some(j) = join_hyphen(&out, l, words) {
            out = j;
        } else {
            out.push(' ');
            out.push_str(l);
        }
    }
    out.replace('\u{AD}', "")
}

/// Pages of glyphs → the document text.
pub(crate) fn layout(pages: &[Page]) -> String {
    let mut ordered: Vec<Vec<Fragment>> = pages
        .iter()
        .map(|p| reading_order(fragments(&p.glyphs), p.width))
        .collect();
    let heights: Vec<f64> = pages.iter().map(|p| p.height).collect();
    drop_furniture(&mut ordered, &heights);
    let paras = paragraphs(&ordered);
    let words = word_set(paras.iter().flat_map(|(_, l)| l.iter()));
    let mut out = String::new();
    for (heading, lines) in &paras {
        let text = join_lines(lines, &words);
        if text.trim().is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        if *heading {
            out.push_str("## ");
        }
        out.push_str(&text);
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frag(text: &str, x0: f64, x1: f64, y: f64, size: f64) -> Fragment {
        Fragment {
            text: text.into(),
            x0,
            x1,
            y,
            size,
        }
    }

    /// Glyphs of `text` drawn one by one from (x, y), each 5 pt wide, size 10.
    fn glyphs(text: &str, x: f64, y: f64) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                text: c.to_string(),
                x: x + 5.0 * i as f64,
                y,
                w: 5.0,
                size: 10.0,
                fresh: true,
            })
            .collect()
    }

    #[test]
    fn page_numbers_are_recognised_and_sentences_are_not() {
        for yes in [
            "3",
            "Page 3",
            "Page 3 of 7",
            "- 3 -",
            "— 12 —",
            "3 / 7",
            "3/7",
            "iv",
            "[4]",
        ] {
            assert!(is_page_number(yes), "{yes}");
        }
        for no in [
            "",
            "Page",
            "Contact",
            "3 ways to opt out",
            "2024 update",
            "We keep logs.",
        ] {
            assert!(!is_page_number(no), "{no}");
        }
    }

    #[test]
    fn hyphens_at_line_ends() {
        let words: HashSet<String> = ["information", "opt-out", "data"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let j = |a: &str, b: &str| join_hyphen(a, b, &words);
        // The typesetter's hyphens go.
        assert_eq!(j("in\u{2010}", "formation we").unwrap(), "information we");
        assert_eq!(j("in\u{AD}", "formation").unwrap(), "information");
        // A hyphen-minus stays unless the document writes the word without it.
        assert_eq!(
            j("use the opt-", "out page").unwrap(),
            "use the opt-out page"
        );
        assert_eq!(j("your e-", "mail address").unwrap(), "your e-mail address");
        assert_eq!(j("our infor-", "mation is").unwrap(), "our information is");
        assert_eq!(j("COVID-", "19 rules").unwrap(), "COVID-19 rules");
        // Not a hyphenated break.
        assert_eq!(j("we collect", "data"), None);
        assert_eq!(j("pages 3 -", "7"), None);
        assert_eq!(
            join_lines(
                &[
                    "We send a".into(),
                    "news\u{AD}letter with an opt-".into(),
                    "out link.".into()
                ],
                &words
            ),
            "We send a newsletter with an opt-out link."
        );
    }

    #[test]
    fn glyphs_become_words_with_spaces_from_gaps_and_space_glyphs() {
        let mut g = glyphs("in", 10.0, 50.0);
        // The next run starts right where the last glyph ends: same word.
        g.extend(glyphs("form", 20.0, 50.0));
        g.extend(glyphs(" we", 40.0, 50.0));
        // A gap of one em: a space.
        g.extend(glyphs("keep", 65.0, 50.0));
        // A zero-width space glyph (an unbroken soft hyphen) inside a word: no space.
        g.extend(glyphs("au", 90.0, 50.0));
        g.extend(glyphs(" ", 100.0, 50.0));
        g.extend(glyphs("thor", 100.0, 50.0));
        // Drifted positions inside one operation: a glyph drawn a little left of where the
        // previous one ended still joins the fragment, in drawing order.
        let mut dot = glyphs(".", 112.0, 50.0);
        dot[0].fresh = false;
        g.extend(dot);
        // Far away on the same baseline: another fragment (a footer's two ends).
        g.extend(glyphs("Page 2", 300.0, 50.0));
        let f = fragments(&g);
        let texts: Vec<&str> = f.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, ["inform we keep author.", "Page 2"]);
    }

    #[test]
    fn two_columns_are_read_one_after_the_other() {
        let mut frags = vec![frag("Title across both columns", 50.0, 500.0, 40.0, 16.0)];
        for i in 0..4 {
            let y = 80.0 + 14.0 * i as f64;
            frags.push(frag(&format!("left {i}"), 50.0, 270.0, y, 10.0));
            frags.push(frag(&format!("right {i}"), 310.0, 540.0, y, 10.0));
        }
        let order: Vec<String> = reading_order(frags, 595.0)
            .into_iter()
            .map(|f| f.text)
            .collect();
        assert_eq!(
            order,
            [
                "Title across both columns",
                "left 0",
                "left 1",
                "left 2",
                "left 3",
                "right 0",
                "right 1",
                "right 2",
                "right 3"
            ]
        );
        // One column: top to bottom.
        let one = vec![
            frag("b", 50.0, 500.0, 60.0, 10.0),
            frag("a", 50.0, 500.0, 40.0, 10.0),
        ];
        let order: Vec<String> = reading_order(one, 595.0)
            .into_iter()
            .map(|f| f.text)
            .collect();
        assert_eq!(order, ["a", "b"]);
    }

    #[test]
    fn running_headers_footers_and_page_numbers_are_dropped() {
        let page = |n: usize, body: &str| {
            vec![
                frag("Acme Ltd. privacy notice", 200.0, 400.0, 20.0, 9.0),
                frag(body, 50.0, 500.0, 100.0, 10.0),
                frag("We collect data.", 50.0, 500.0, 114.0, 10.0),
                frag("Acme Ltd. – Version 2", 50.0, 200.0, 780.0, 9.0),
                frag(&format!("Page {n} of 3"), 450.0, 520.0, 780.0, 9.0),
            ]
        };
        let mut pages = vec![page(1, "First."), page(2, "Second."), page(3, "Third.")];
        drop_furniture(&mut pages, &[842.0; 3]);
        for (p, body) in pages.iter().zip(["First.", "Second.", "Third."]) {
            let t: Vec<&str> = p.iter().map(|f| f.text.as_str()).collect();
            // "We collect data." repeats too, but in the body, not on an edge baseline.
            assert_eq!(t, [body, "We collect data."]);
        }
        // One page: nothing repeats, but a lone page number still goes.
        let mut one = vec![vec![
            frag("Privacy", 50.0, 300.0, 20.0, 14.0),
            frag("We collect data.", 50.0, 300.0, 60.0, 10.0),
            frag("- 1 -", 290.0, 310.0, 780.0, 9.0),
        ]];
        drop_furniture(&mut one, &[842.0]);
        assert_eq!(one[0].len(), 2);
    }

    #[test]
    fn lines_join_into_paragraphs_headings_stay_apart() {
        let mut g = Vec::new();
        for (i, (t, size)) in [
            ("Sharing", 14.0),
            ("We share your address with", 10.0),
            ("the courier.", 10.0),
        ]
        .iter()
        .enumerate()
        {
            for mut x in glyphs(t, 50.0, 40.0 + 14.0 * i as f64) {
                x.size = *size;
                g.push(x);
            }
        }
        // A paragraph gap: twice the line step.
        g.extend(glyphs("We keep logs.", 50.0, 40.0 + 14.0 * 4.0));
        let page = Page {
            glyphs: g,
            width: 595.0,
            height: 842.0,
        };
        assert_eq!(
            layout(&[page]),
            "## Sharing\n\nWe share your address with the courier.\n\nWe keep logs.\n"
        );
    }

    #[test]
    fn not_a_pdf_or_broken_pdfs_are_errors_not_panics() {
        assert!(is_pdf(b"%PDF-1.7\n"));
        assert!(is_pdf(b"\n %PDF-1.4"));
        assert!(!is_pdf(b"We collect data."));
        assert!(!is_pdf(b"Our archive holds %PDF-1.4 files."));
        assert!(matches!(
            pdf_to_text(b"%PDF-1.7\n1 0 obj <<>> endobj\n"),
            Err(PdfProblem::Malformed(_))
        ));
        assert!(PdfProblem::NoTextLayer
            .message()
            .starts_with("no text layer"));
    }
}
