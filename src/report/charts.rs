//! SVG charts of practice coverage, drawn with plotters' SVG backend.
//!
//! * [`coverage_svg`]: a heatmap of policies (company and date) × practices; each cell is the
//!   share of the policy's sentences that state the practice, and practices a policy is
//!   silent on are marked with a grey "—".
//! * [`practices_svg`]: one bar per practice, the share of companies whose (latest) policy
//!   states it.
//!
//! plotters escapes every text it writes into the SVG, so company names taken from file names
//! cannot inject markup.

use crate::report::Coverage;
use crate::text::truncate_chars;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A qualitative palette (Tableau 10) used for practices in charts and in the HTML report.
pub const PALETTE: [(u8, u8, u8); 10] = [
    (78, 121, 167),
    (242, 142, 43),
    (225, 87, 89),
    (118, 183, 178),
    (89, 161, 79),
    (237, 201, 72),
    (176, 122, 161),
    (255, 157, 167),
    (156, 117, 95),
    (186, 176, 172),
];

/// The colour of label `i` (the palette repeats after ten labels).
pub fn label_colour(i: usize) -> (u8, u8, u8) {
    PALETTE[i % PALETTE.len()]
}

/// At most this many policies are drawn in the heatmap (the HTML table shows them all).
pub const MAX_HEATMAP_ROWS: usize = 60;

/// The coverage rows grouped per policy (one company at one date), in coverage order.
pub fn policy_rows(cov: &[Coverage]) -> Vec<&[Coverage]> {
    cov.chunk_by(|a, b| a.company == b.company && a.date == b.date)
        .collect()
}

/// The display name of a policy: `company (date)`, or the company when undated.
pub fn policy_name(c: &Coverage) -> String {
    match &c.date {
        Some(d) => format!("{} ({d})", c.company),
        None => c.company.clone(),
    }
}

/// The latest policy of each company (coverage rows are sorted by company, then date).
pub fn latest_per_company(cov: &[Coverage]) -> Vec<&[Coverage]> {
    let rows = policy_rows(cov);
    let mut out: Vec<&[Coverage]> = Vec::new();
    for r in rows {
        match out.last_mut() {
            Some(last) if last[0].company == r[0].company => *last = r,
            _ => out.push(r),
        }
    }
    out
}

/// The heatmap colour of a share: white for nothing, dark blue for the largest share in the
/// chart (square-root scale, so small shares stay visible).
pub fn share_colour(share: f64, max: f64) -> (u8, u8, u8) {
    let t = if max > 0.0 {
        (share / max).clamp(0.0, 1.0).sqrt()
    } else {
        0.0
    };
    let t = if share > 0.0 { 0.12 + 0.88 * t } else { 0.0 };
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
    (mix(239, 8), mix(243, 48), mix(255, 107))
}

/// Whether text on a cell of this share should be white (dark background).
pub fn dark_cell(share: f64, max: f64) -> bool {
    max > 0.0 && share > 0.0 && (share / max).sqrt() > 0.5
}

/// A rough width in pixels of `s` at 12 px sans-serif.
fn text_width(s: &str) -> i32 {
    (s.chars().count() as f64 * 6.8).ceil() as i32
}

/// Percent text of a share: `12%`, `<1%` for shares that round to zero.
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p > 0.0 && p < 0.5 {
        "<1%".into()
    } else {
        format!("{p:.0}%")
    }
}

fn font(size: f64) -> TextStyle<'static> {
    TextStyle::from(("sans-serif", size).into_font())
}

/// The coverage heatmap as an SVG document.
pub fn coverage_svg(labels: &[String], cov: &[Coverage]) -> Result<String, String> {
    let rows = policy_rows(cov);
    let shown = &rows[..rows.len().min(MAX_HEATMAP_ROWS)];
    let names: Vec<String> = shown
        .iter()
        .map(|r| truncate_chars(&policy_name(&r[0]), 44))
        .collect();
    let short: Vec<String> = labels.iter().map(|l| truncate_chars(l, 40)).collect();
    let (cell_w, cell_h) = (64, 24);
    let left = names
        .iter()
        .map(|n| text_width(n))
        .max()
        .unwrap_or(60)
        .max(60)
        + 16;
    let top = 34 + short.iter().map(|l| text_width(l)).max().unwrap_or(40) + 10;
    let width = left + cell_w * labels.len() as i32 + 20;
    let height = top + cell_h * shown.len().max(1) as i32 + 56;
    let max = cov.iter().map(|c| c.share).fold(0.0, f64::max);
    let mut buf = String::new();
    {
        let root =
            SVGBackend::with_string(&mut buf, (width as u32, height as u32)).into_drawing_area();
        let e = |e: DrawingAreaErrorKind<_>| e.to_string();
        root.fill(&WHITE).map_err(e)?;
        let mut title = String::from("Practice coverage: share of each policy's sentences");
        if rows.len() > shown.len() {
            title.push_str(&format!(
                " (first {} of {} policies)",
                shown.len(),
                rows.len()
            ));
        }
        let black = RGBColor(33, 33, 33);
        let grey = RGBColor(120, 120, 120);
        root.draw(&Text::new(
            title,
            (10, 10),
            font(17.0)
                .color(&black)
                .pos(Pos::new(HPos::Left, VPos::Top)),
        ))
        .map_err(e)?;
        let vertical = font(15.0)
            .color(&black)
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Left, VPos::Center));
        for (j, l) in short.iter().enumerate() {
            let x = left + cell_w * j as i32 + cell_w / 2;
            root.draw(&Text::new(l.clone(), (x, top - 8), vertical.clone()))
                .map_err(e)?;
        }
        let name_style = font(15.0)
            .color(&black)
            .pos(Pos::new(HPos::Right, VPos::Center));
        for (i, (row, name)) in shown.iter().zip(&names).enumerate() {
            let y = top + cell_h * i as i32;
            root.draw(&Text::new(
                name.clone(),
                (left - 8, y + cell_h / 2),
                name_style.clone(),
            ))
            .map_err(e)?;
            for (j, c) in row.iter().enumerate() {
                let x = left + cell_w * j as i32;
                let (fill, text, colour) = if c.covered {
                    let (r, g, b) = share_colour(c.share, max);
                    let fg = if dark_cell(c.share, max) {
                        RGBColor(255, 255, 255)
                    } else {
                        black
                    };
                    (RGBColor(r, g, b), percent(c.share), fg)
                } else {
                    (RGBColor(236, 236, 236), "—".to_string(), grey)
                };
                root.draw(&Rectangle::new(
                    [(x + 1, y + 1), (x + cell_w - 1, y + cell_h - 1)],
                    fill.filled(),
                ))
                .map_err(e)?;
                root.draw(&Text::new(
                    text,
                    (x + cell_w / 2, y + cell_h / 2),
                    font(14.0)
                        .color(&colour)
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                ))
                .map_err(e)?;
            }
        }
        // Legend: the colour scale and the "not stated" mark.
        let y = top + cell_h * shown.len().max(1) as i32 + 16;
        let small = font(14.0)
            .color(&black)
            .pos(Pos::new(HPos::Left, VPos::Center));
        root.draw(&Text::new("share:", (10, y + 8), small.clone()))
            .map_err(e)?;
        for k in 0..=10 {
            let s = max * k as f64 / 10.0;
            let (r, g, b) = share_colour(s, max);
            let x = 60 + 16 * k;
            root.draw(&Rectangle::new(
                [(x, y), (x + 16, y + 16)],
                RGBColor(r, g, b).filled(),
            ))
            .map_err(e)?;
        }
        root.draw(&Text::new(
            format!("0 … {}", percent(max)),
            (60 + 16 * 11 + 8, y + 8),
            small.clone(),
        ))
        .map_err(e)?;
        let x = 60 + 16 * 11 + 90;
        root.draw(&Rectangle::new(
            [(x, y), (x + 28, y + 16)],
            RGBColor(236, 236, 236).filled(),
        ))
        .map_err(e)?;
        root.draw(&Text::new(
            "—",
            (x + 14, y + 8),
            font(14.0)
                .color(&grey)
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(e)?;
        root.draw(&Text::new("not stated", (x + 36, y + 8), small))
            .map_err(e)?;
        root.present().map_err(e)?;
    }
    Ok(buf)
}

/// Per practice: (companies whose latest policy states it, companies).
pub fn practice_counts(labels: &[String], cov: &[Coverage]) -> (Vec<usize>, usize) {
    let latest = latest_per_company(cov);
    let counts = (0..labels.len())
        .map(|j| {
            latest
                .iter()
                .filter(|r| r.get(j).is_some_and(|c| c.covered))
                .count()
        })
        .collect();
    (counts, latest.len())
}

/// The per-practice bar chart as an SVG document: the share of companies whose latest policy
/// states each practice.
pub fn practices_svg(labels: &[String], cov: &[Coverage]) -> Result<String, String> {
    let (counts, n) = practice_counts(labels, cov);
    let short: Vec<String> = labels.iter().map(|l| truncate_chars(l, 40)).collect();
    let left = short.iter().map(|l| text_width(l)).max().unwrap_or(60) + 16;
    let (bar_w, row_h, top) = (420, 26, 44);
    let width = left + bar_w + 110;
    let height = top + row_h * labels.len().max(1) as i32 + 40;
    let mut buf = String::new();
    {
        let root =
            SVGBackend::with_string(&mut buf, (width as u32, height as u32)).into_drawing_area();
        let e = |e: DrawingAreaErrorKind<_>| e.to_string();
        root.fill(&WHITE).map_err(e)?;
        let black = RGBColor(33, 33, 33);
        let grid = RGBColor(220, 220, 220);
        root.draw(&Text::new(
            format!(
                "Share of companies whose policy states each practice ({n} {}, latest version)",
                if n == 1 { "company" } else { "companies" }
            ),
            (10, 10),
            font(17.0)
                .color(&black)
                .pos(Pos::new(HPos::Left, VPos::Top)),
        ))
        .map_err(e)?;
        let bottom = top + row_h * labels.len().max(1) as i32;
        let tick = font(13.0)
            .color(&black)
            .pos(Pos::new(HPos::Center, VPos::Top));
        for k in 0..=4 {
            let x = left + bar_w * k / 4;
            root.draw(&PathElement::new(
                vec![(x, top - 4), (x, bottom)],
                grid.stroke_width(1),
            ))
            .map_err(e)?;
            root.draw(&Text::new(
                format!("{}%", 25 * k),
                (x, bottom + 6),
                tick.clone(),
            ))
            .map_err(e)?;
        }
        let name_style = font(15.0)
            .color(&black)
            .pos(Pos::new(HPos::Right, VPos::Center));
        let value_style = font(14.0)
            .color(&black)
            .pos(Pos::new(HPos::Left, VPos::Center));
        for (j, (l, &k)) in short.iter().zip(&counts).enumerate() {
            let y = top + row_h * j as i32;
            let share = if n == 0 { 0.0 } else { k as f64 / n as f64 };
            root.draw(&Text::new(
                l.clone(),
                (left - 8, y + row_h / 2),
                name_style.clone(),
            ))
            .map_err(e)?;
            let (r, g, b) = label_colour(j);
            let w = (bar_w as f64 * share).round() as i32;
            if w > 0 {
                root.draw(&Rectangle::new(
                    [(left, y + 4), (left + w, y + row_h - 4)],
                    RGBColor(r, g, b).filled(),
                ))
                .map_err(e)?;
            }
            root.draw(&Text::new(
                format!("{k}/{n} · {}", percent(share)),
                (left + w + 6, y + row_h / 2),
                value_style.clone(),
            ))
            .map_err(e)?;
        }
        root.present().map_err(e)?;
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cov(company: &str, date: Option<&str>, label: &str, share: f64) -> Coverage {
        Coverage {
            company: company.into(),
            date: date.map(String::from),
            total: 10,
            label: label.into(),
            sentences: (share * 10.0) as usize,
            share,
            max_probability: 0.9,
            mean_probability: 0.2,
            covered: share > 0.0,
            language: "eng".into(),
        }
    }

    #[test]
    fn heatmap_escapes_names_and_marks_missing() {
        let labels = vec!["A".to_string(), "B".to_string()];
        let c = vec![
            cov("<script>x</script>", None, "A", 0.5),
            cov("<script>x</script>", None, "B", 0.0),
        ];
        let svg = coverage_svg(&labels, &c).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("50%"));
        assert!(svg.contains("—"));
    }

    #[test]
    fn practices_use_latest_version_per_company() {
        let labels = vec!["A".to_string()];
        let c = vec![
            cov("x", Some("2019-01-01"), "A", 0.5),
            cov("x", Some("2020-01-01"), "A", 0.0),
            cov("y", None, "A", 0.1),
        ];
        assert_eq!(practice_counts(&labels, &c), (vec![1], 2));
        let svg = practices_svg(&labels, &c).unwrap();
        assert!(svg.contains("1/2 · 50%"), "{svg}");
    }

    #[test]
    fn colours_grow_with_share() {
        assert_eq!(share_colour(0.0, 0.5), (239, 243, 255));
        assert!(share_colour(0.5, 0.5).0 < share_colour(0.1, 0.5).0);
        assert_eq!(percent(0.001), "<1%");
        assert_eq!(percent(0.25), "25%");
    }
}
