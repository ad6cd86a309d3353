//! The self-contained HTML report (`report.html`).
//!
//! One file with inline CSS, SVG and a small script; it loads nothing from the network (no
//! fonts, scripts or images) and its Content-Security-Policy allows no other resource and
//! runs only the report's own script (by its SHA-256 hash). It has:
//!
//! * an overview: a coverage heatmap (policies × practices, share of sentences; practices a
//!   policy is silent on are marked "—"), each company linking to its policy view and each
//!   cell to the first sentence stating the practice;
//! * the charts (`coverage.svg`, `practices.svg`, see [`crate::report::charts`]) inline;
//! * for companies with several dated versions, their coverage over time and the practices
//!   each version added or dropped (with evidence sentences, see [`crate::diff`]);
//! * one policy view per document: every sentence highlighted by its practices, with the
//!   probabilities and the terms that contributed most ([`Model::explain`]) on hover (title)
//!   and, on click, in an inspector panel (also opened by a `#p<doc>-s<sentence>` link, as
//!   from the heatmap cells); a legend that filters by practice.
//!
//! Every piece of text that comes from a policy, a file name or the model is HTML-escaped
//! ([`escape`]): a policy containing `<script>` or `onerror=` shows as text.

use crate::diff::{self, PolicyDiff};
use crate::features::SparseRow;
use crate::model::Model;
use crate::predict::{TaggedDocument, TaggedSentence};
use crate::report::charts::{self, label_colour, percent, policy_name, share_colour};
use crate::report::{Coverage, FileStatus};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The SVG charts embedded in the report.
#[derive(Debug, Clone, Copy)]
pub struct Charts<'a> {
    /// The coverage heatmap.
    pub coverage: &'a str,
    /// The per-practice bar chart.
    pub practices: &'a str,
}

/// What the report page shows.
pub struct ReportPage<'a> {
    /// The documents with a policy view: at most [`MAX_POLICY_VIEWS`], the first in company,
    /// date, path order (extra ones are ignored).
    pub views: &'a [&'a TaggedDocument],
    /// Number of documents tagged in all.
    pub tagged: usize,
    /// Number of sentences tagged in all.
    pub sentences: usize,
    /// Coverage of every company × date.
    pub coverage: &'a [Coverage],
    /// Accounting of every input.
    pub files: &'a [FileStatus],
    /// The SVG charts.
    pub charts: Charts<'a>,
}

/// Policy views are written for at most this many documents (the overview lists them all).
pub const MAX_POLICY_VIEWS: usize = 300;

/// Terms shown per predicted label.
const TOP_TERMS: usize = 5;

/// What explanations show for a predicted practice that no word of the sentence itself pushed
/// up: the neighbour stage assigned it from the sentence's paragraph.
pub const FROM_PARAGRAPH: &str = "(from its paragraph)";

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    escape_into(&mut out, s);
    out
}

/// [`escape`] appended to `out`: runs of ordinary text are copied whole (the characters
/// escaped are all ASCII, so a byte scan finds them and never splits a UTF-8 sequence).
pub fn escape_into(out: &mut String, s: &str) {
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        out.push_str(entity);
        run = i + 1;
    }
    out.push_str(&s[run..]);
}

/// Appends `p` with three decimals, exactly as `format!("{p:.3}")` writes it, for a
/// probability in [0, 1] (anything else, −0 included, goes through `format!`): the page carries ten of
/// them per sentence and the general float formatter was a tenth of building it.
fn push_prob3(out: &mut String, p: f32) {
    if !(0.0..=1.0).contains(&p) || p.is_sign_negative() {
        let _ = write!(out, "{p:.3}");
        return;
    }
    // An f32 times 1000 is exact in f64 (24 + 10 bits of mantissa), so this rounds the
    // exact value, half to even as the formatter does.
    let m = f64::from(p) * 1000.0;
    let mut k = m.floor();
    let frac = m - k;
    if frac > 0.5 || (frac == 0.5 && k % 2.0 == 1.0) {
        k += 1.0;
    }
    let k = k as u32;
    let digits = [
        b'0' + (k / 1000) as u8,
        b'.',
        b'0' + (k / 100 % 10) as u8,
        b'0' + (k / 10 % 10) as u8,
        b'0' + (k % 10) as u8,
    ];
    out.push_str(std::str::from_utf8(&digits).expect("ASCII digits"));
}

/// JSON that is safe inside a `<script type="application/json">` element.
fn script_json(v: &serde_json::Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn rgb((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

const STYLE: &str = r#"
:root{--fg:#212121;--muted:#666;--line:#ddd;--bg:#fff;--accent:#08306b}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header.top{padding:18px 28px 10px;border-bottom:1px solid var(--line);background:#f7f9fc}
header.top h1{margin:0 0 4px;font-size:24px}
header.top p{margin:0;color:var(--muted)}
nav.toc{margin-top:8px}
nav.toc a{margin-right:16px}
main{padding:8px 28px 80px;max-width:1500px}
a{color:#1f5fa8;text-decoration:none}
a:hover{text-decoration:underline}
h2{margin:28px 0 8px;font-size:20px;border-bottom:2px solid var(--line);padding-bottom:4px}
.note{color:var(--muted);font-size:13px}
.legend{display:flex;flex-wrap:wrap;gap:6px 14px;margin:8px 0 12px;padding:0;list-style:none}
.legend li{cursor:pointer;font-size:13px;padding:2px 8px;border:1px solid var(--line);border-radius:12px;user-select:none}
.legend li:hover{border-color:#999}
.sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.scroll{overflow-x:auto}
table.heat{border-collapse:separate;border-spacing:2px;font-size:13px}
table.heat th{text-align:left;font-weight:600;padding:2px 6px;white-space:nowrap}
table.heat thead th.lab{white-space:normal;width:82px;min-width:82px;vertical-align:bottom;font-weight:500;font-size:12px;line-height:1.25}
table.heat td{padding:2px 6px;white-space:nowrap}
table.heat td.cell{text-align:center;width:82px;border-radius:3px}
table.heat td.cell a{color:inherit;display:block}
table.heat td.miss{background:repeating-linear-gradient(45deg,#eee,#eee 4px,#f7f7f7 4px,#f7f7f7 8px);color:#999}
table.heat td.gain{outline:2px solid #2e7d32;outline-offset:-2px}
table.heat td.loss{outline:2px solid #c62828;outline-offset:-2px}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:12px 0 24px}
figure svg{max-width:100%;height:auto;border:1px solid var(--line)}
figcaption{font-size:13px;color:var(--muted)}
article.policy{border-top:1px solid var(--line);margin-top:28px;padding-top:4px}
article.policy h3{font-size:19px;margin:10px 0 2px}
article.policy h3 .date{color:var(--muted);font-weight:400;font-size:15px}
.meta{font-size:13px;color:var(--muted);margin:2px 0 8px;overflow-wrap:anywhere}
.stated{font-size:13px;margin:4px 0 12px}
.stated a{display:inline-block;border:1px solid var(--line);border-radius:10px;padding:0 7px;margin:2px 3px 2px 0;color:var(--fg)}
.stated .silent{color:#999}
.text{max-width:920px;line-height:1.75}
.text p{margin:0 0 .7em}
.text h4{font-size:16px;margin:1.1em 0 .3em}
.s{border-radius:3px;padding:1px 0;cursor:pointer}
.s:hover{outline:1px solid #888}
.s.sel{outline:2px solid var(--accent)}
.chips{white-space:nowrap}
.chips i{display:inline-block;width:8px;height:8px;border-radius:50%;margin-left:2px;vertical-align:1px}
#inspector{position:fixed;right:16px;bottom:16px;width:420px;max-height:70vh;overflow:auto;background:#fff;border:1px solid #bbb;border-radius:6px;box-shadow:0 4px 18px rgba(0,0,0,.18);padding:10px 14px;font-size:13px;z-index:10}
#inspector .close{float:right;border:0;background:none;font-size:18px;cursor:pointer;line-height:1}
#inspector .quote{font-style:italic;margin:4px 0 8px;max-height:9em;overflow:auto}
table.probs{width:100%;border-collapse:collapse}
table.probs th{text-align:left;font-weight:400;white-space:nowrap;padding:1px 6px 1px 0}
table.probs tr.on th{font-weight:700}
table.probs td.bar{width:40%;position:relative}
table.probs td.bar .b{display:block;height:9px;border-radius:2px}
table.probs td.bar .thr{position:absolute;top:2px;bottom:2px;width:2px;background:#222}
table.probs tr.terms td{color:var(--muted);padding:0 0 4px 17px}
table.files{border-collapse:collapse;font-size:13px}
table.files td,table.files th{border-bottom:1px solid var(--line);padding:2px 8px;text-align:left}
details{margin:4px 0 10px}
details summary{cursor:pointer}
ul.evidence{margin:4px 0;padding-left:18px;font-size:13px}
ul.evidence li.add::marker{content:"+ ";color:#2e7d32}
ul.evidence li.del::marker{content:"− ";color:#c62828}
ul.evidence li.rew::marker{content:"~ ";color:#a66b00}
.plus{color:#2e7d32}.minus{color:#c62828}
"#;

const SCRIPT: &str = r#"(function(){
var meta=JSON.parse(document.getElementById('meta').textContent);
var panel=document.getElementById('inspector');
function el(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;if(text!=null)e.textContent=text;return e;}
function show(s){
var cur=document.querySelector('.s.sel');if(cur)cur.classList.remove('sel');s.classList.add('sel');
var body=panel.querySelector('.body');body.textContent='';
body.appendChild(el('div','where',s.closest('article').getAttribute('data-name')));
body.appendChild(el('p','quote',s.textContent));
var p=(s.getAttribute('data-p')||'').split(' ').map(Number);
var t=s.hasAttribute('data-t')?JSON.parse(s.getAttribute('data-t')):{};
var order=p.map(function(v,i){return i;}).sort(function(a,b){return p[b]-p[a];});
var tbl=el('table','probs');
order.forEach(function(i){
var tr=el('tr',t[i]?'on':'');var th=el('th');th.appendChild(el('span','sw k'+i));
th.appendChild(document.createTextNode((t[i]?'\u2713 ':'')+meta.labels[i]));tr.appendChild(th);
var td=el('td','bar');var b=el('span','b k'+i);b.style.width=Math.round(p[i]*100)+'%';td.appendChild(b);
var thr=el('span','thr');thr.style.left=Math.round(meta.thresholds[i]*100)+'%';thr.title='threshold '+meta.thresholds[i].toFixed(2);td.appendChild(thr);tr.appendChild(td);
tr.appendChild(el('td','num',p[i].toFixed(2)));tbl.appendChild(tr);
if(t[i]){var tr2=el('tr','terms');var td2=el('td',null,'top terms: '+t[i].join(', '));td2.colSpan=3;tr2.appendChild(td2);tbl.appendChild(tr2);}
});
body.appendChild(tbl);panel.hidden=false;
}
function only(n){var c='only-'+n,on=document.body.classList.contains(c);
Array.prototype.slice.call(document.body.classList).forEach(function(x){if(x.indexOf('only-')===0)document.body.classList.remove(x);});
if(!on)document.body.classList.add(c);}
document.addEventListener('click',function(ev){
if(ev.target.closest('#inspector .close')){panel.hidden=true;return;}
var s=ev.target.closest('.s');if(s){show(s);return;}
var lg=ev.target.closest('[data-only]');if(lg){only(lg.getAttribute('data-only'));}
});
document.addEventListener('keydown',function(ev){
if(ev.key==='Escape'){panel.hidden=true;return;}
if(ev.key==='Enter'&&ev.target.closest){var s=ev.target.closest('.s');if(s)show(s);}
});
function fromHash(){var id=decodeURIComponent(location.hash.slice(1));
if(/^p[0-9]+-s[0-9]+$/.test(id)){var s=document.getElementById(id);if(s)show(s);}}
window.addEventListener('hashchange',fromHash);fromHash();
})();"#;

/// Per-label CSS: colours, highlight backgrounds and the legend filter.
fn label_css(n: usize) -> String {
    let mut css = String::new();
    for i in 0..n {
        let (r, g, b) = label_colour(i);
        let _ = writeln!(
            css,
            ".k{i}{{background:rgb({r},{g},{b})}}.b{i}{{background:rgba({r},{g},{b},.26)}}\
             body.only-{i} .s.t:not(.h{i}){{background:none}}\
             body.only-{i} .s:not(.h{i}) .chips{{display:none}}\
             body.only-{i} .s.h{i}{{background:rgba({r},{g},{b},.42)}}\
             body.only-{i} .legend li[data-only=\"{i}\"]{{border-color:rgb({r},{g},{b});background:rgba({r},{g},{b},.15)}}"
        );
    }
    css
}

/// One policy (a company at a date) in the overview.
struct PolicyRow<'a> {
    cov: &'a [Coverage],
    /// The document id of its first policy view, if any.
    doc: Option<usize>,
}

/// Documents sorted by company, date and path, with their company and date.
fn sorted_docs<'a>(
    docs: &[&'a TaggedDocument],
) -> Vec<(&'a TaggedDocument, String, Option<String>)> {
    let mut v: Vec<(&TaggedDocument, String, Option<String>)> = docs
        .iter()
        .map(|d| {
            let (c, t) = d.version.key();
            (*d, c, t)
        })
        .collect();
    v.sort_by(|a, b| (&a.1, &a.2, &a.0.path).cmp(&(&b.1, &b.2, &b.0.path)));
    v
}

fn first_with_label(d: &TaggedDocument, l: usize) -> Option<usize> {
    d.sentences
        .iter()
        .find(|s| s.labels.contains(&l))
        .map(|s| s.index)
}

/// The report page.
pub fn report_html(model: &Model, page: &ReportPage) -> String {
    let (cov, files, charts) = (page.coverage, page.files, &page.charts);
    let nl = model.labels.len();
    let mut sorted = sorted_docs(page.views);
    sorted.truncate(MAX_POLICY_VIEWS);
    let viewed = sorted.len();
    let mut first_doc: BTreeMap<(&str, Option<&str>), usize> = BTreeMap::new();
    for (i, (_, c, t)) in sorted.iter().enumerate().take(viewed) {
        first_doc.entry((c.as_str(), t.as_deref())).or_insert(i);
    }
    let rows: Vec<PolicyRow> = charts::policy_rows(cov)
        .into_iter()
        .map(|r| PolicyRow {
            cov: r,
            doc: first_doc
                .get(&(r[0].company.as_str(), r[0].date.as_deref()))
                .copied(),
        })
        .collect();
    let companies = {
        let mut v: Vec<&str> = cov.iter().map(|c| c.company.as_str()).collect();
        v.dedup();
        v.len()
    };
    let total_sentences = page.sentences;

    let script_hash = base64(&Sha256::digest(SCRIPT.as_bytes()));
    let mut h = String::with_capacity(64 * 1024 + total_sentences * 300);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{script_hash}'\">\n\
         <title>Privacy-policy practice coverage</title>\n<style>{STYLE}{}</style>\n</head>\n<body>\n",
        label_css(nl)
    );
    let _ = write!(
        h,
        "<header class=\"top\" id=\"top\"><h1>Privacy-policy practice coverage</h1>\
         <p>{} {} from {} {} · {} sentences · {} practices · {}</p>\
         <nav class=\"toc\"><a href=\"#overview\">Overview</a><a href=\"#charts\">Charts</a>",
        rows.len(),
        if rows.len() == 1 {
            "policy"
        } else {
            "policies"
        },
        companies,
        if companies == 1 {
            "company"
        } else {
            "companies"
        },
        total_sentences,
        nl,
        escape(&model.written_by),
    );
    let timeline = timeline_html(model, &sorted, &rows);
    if !timeline.is_empty() {
        h.push_str("<a href=\"#timeline\">Over time</a>");
    }
    h.push_str(
        "<a href=\"#policies\">Policies</a><a href=\"#inputs\">Inputs</a></nav></header>\n<main>\n",
    );

    // Overview.
    h.push_str("<section id=\"overview\"><h2>Coverage</h2>\n<p class=\"note\">Each cell is the share of the policy's sentences that state the practice; \
                 <span class=\"sw\" style=\"background:#eee\"></span>— marks a practice the policy is silent on. \
                 Click a company to read its policy, a cell to jump to the first sentence stating the practice.</p>\n");
    h.push_str(&legend(model));
    h.push_str("<div class=\"scroll\"><table class=\"heat\"><thead><tr><th>Company</th><th>Date</th><th class=\"num\">Sentences</th>");
    for (l, name) in model.labels.iter().enumerate() {
        let _ = write!(
            h,
            "<th class=\"lab\"><span class=\"sw k{l}\"></span>{}</th>",
            escape(name)
        );
    }
    h.push_str("<th class=\"num\">Stated</th></tr></thead>\n<tbody>\n");
    let max = cov.iter().map(|c| c.share).fold(0.0, f64::max);
    for r in &rows {
        let c0 = &r.cov[0];
        let name = match r.doc {
            Some(i) => format!("<a href=\"#p{i}\">{}</a>", escape(&c0.company)),
            None => escape(&c0.company),
        };
        let _ = write!(
            h,
            "<tr><th>{name}</th><td>{}</td><td class=\"num\">{}</td>",
            escape(c0.date.as_deref().unwrap_or("")),
            c0.total
        );
        for (l, c) in r.cov.iter().enumerate() {
            h.push_str(&heat_cell(c, max, r.doc.map(|i| (i, sorted[i].0)), l, ""));
        }
        let stated = r.cov.iter().filter(|c| c.covered).count();
        let _ = writeln!(h, "<td class=\"num\">{stated}/{}</td></tr>", r.cov.len());
    }
    h.push_str("</tbody></table></div></section>\n");

    // Charts.
    let _ = write!(
        h,
        "<section id=\"charts\"><h2>Charts</h2>\n<figure id=\"chart-coverage\">{}\
         <figcaption>coverage.svg: share of each policy's sentences per practice.</figcaption></figure>\n\
         <figure id=\"chart-practices\">{}\
         <figcaption>practices.svg: share of companies whose (latest) policy states each practice.</figcaption></figure>\n</section>\n",
        strip_xml_decl(charts.coverage),
        strip_xml_decl(charts.practices)
    );

    h.push_str(&timeline);

    // Policy views.
    h.push_str("<section id=\"policies\"><h2>Policies</h2>\n");
    if page.tagged > viewed {
        let _ = writeln!(
            h,
            "<p class=\"note\">Policy views for the first {viewed} of {} documents; report on fewer files to read the others.</p>",
            page.tagged
        );
    }
    h.push_str(&legend(model));
    // The views are independent: render them in parallel, join in order.
    let views: Vec<String> = sorted[..viewed]
        .par_iter()
        .enumerate()
        .map(|(i, (d, company, date))| {
            let mut v = String::new();
            policy_view(&mut v, model, i, d, company, date.as_deref());
            v
        })
        .collect();
    for v in views {
        h.push_str(&v);
    }
    h.push_str("</section>\n");

    // Inputs.
    h.push_str(&inputs_html(files));
    h.push_str("</main>\n<aside id=\"inspector\" hidden><button class=\"close\" type=\"button\" aria-label=\"close\">×</button><div class=\"body\"></div></aside>\n");
    let meta = serde_json::json!({
        "labels": model.labels,
        "thresholds": model.thresholds.as_slice().iter().map(|&t| (t as f64 * 1000.0).round() / 1000.0).collect::<Vec<_>>(),
    });
    let _ = write!(
        h,
        "<script type=\"application/json\" id=\"meta\">{}</script>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        script_json(&meta)
    );
    h
}

/// The SVG element without an XML declaration (plotters writes none, but be safe).
fn strip_xml_decl(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => "",
    }
}

fn legend(model: &Model) -> String {
    let mut s = String::from(
        "<ul class=\"legend\" title=\"click a practice to highlight only its sentences\">",
    );
    for (l, name) in model.labels.iter().enumerate() {
        let _ = write!(
            s,
            "<li data-only=\"{l}\"><span class=\"sw k{l}\"></span>{}</li>",
            escape(name)
        );
    }
    s.push_str("</ul>\n");
    s
}

/// One heatmap cell; `doc` is the policy view to link to.
fn heat_cell(
    c: &Coverage,
    max: f64,
    doc: Option<(usize, &TaggedDocument)>,
    l: usize,
    extra_class: &str,
) -> String {
    if !c.covered {
        return format!(
            "<td class=\"cell miss {extra_class}\" title=\"{}: not stated\">—</td>",
            escape(&c.label)
        );
    }
    let bg = rgb(share_colour(c.share, max));
    let fg = if charts::dark_cell(c.share, max) {
        "#fff"
    } else {
        "#212121"
    };
    let title = format!(
        "{}: {} of {} sentences ({}), highest probability {:.2}",
        c.label,
        c.sentences,
        c.total,
        percent(c.share),
        c.max_probability
    );
    let text = match doc.and_then(|(i, d)| first_with_label(d, l).map(|s| (i, s))) {
        Some((i, s)) => format!("<a href=\"#p{i}-s{s}\">{}</a>", percent(c.share)),
        None => percent(c.share),
    };
    format!(
        "<td class=\"cell {extra_class}\" style=\"background:{bg};color:{fg}\" title=\"{}\">{text}</td>",
        escape(&title)
    )
}

/// The hover text of a sentence: each predicted practice with its probability and top terms,
/// else the most likely practice.
fn sentence_info(
    model: &Model,
    s: &TaggedSentence,
    row: &SparseRow,
) -> (String, serde_json::Value) {
    let mut title = Vec::new();
    let mut terms = serde_json::Map::new();
    let explained = model.explain_row(row, &s.labels, TOP_TERMS);
    for (&l, e) in s.labels.iter().zip(explained) {
        let t: Vec<String> = e.iter().map(ToString::to_string).collect();
        title.push(format!(
            "{} {:.2} · {}",
            model.labels[l],
            s.probs[l],
            if t.is_empty() {
                FROM_PARAGRAPH.to_string()
            } else {
                t.join(", ")
            }
        ));
        terms.insert(l.to_string(), serde_json::json!(t));
    }
    if title.is_empty() {
        if let Some((l, p)) = s.probs.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)) {
            title.push(format!(
                "no practice (most likely: {} {p:.2})",
                model.labels[l]
            ));
        }
    }
    (title.join("\n"), serde_json::Value::Object(terms))
}

fn sentence_html(model: &Model, doc_id: usize, s: &TaggedSentence, row: &SparseRow) -> String {
    let (title, terms) = sentence_info(model, s, row);
    let mut probs = String::with_capacity(6 * s.probs.len());
    for (i, &p) in s.probs.iter().enumerate() {
        if i > 0 {
            probs.push(' ');
        }
        push_prob3(&mut probs, p);
    }
    let mut class = String::from("s");
    let mut labels = s.labels.clone();
    labels.sort_by(|&a, &b| s.probs[b].total_cmp(&s.probs[a]));
    if let Some(&top) = labels.first() {
        let _ = write!(class, " t b{top}");
        for l in &labels {
            let _ = write!(class, " h{l}");
        }
    }
    let mut out = format!(
        "<span class=\"{class}\" id=\"p{doc_id}-s{}\" data-p=\"{}\" title=\"{}\"",
        s.index,
        probs,
        escape(&title)
    );
    if !labels.is_empty() {
        let _ = write!(
            out,
            " data-t=\"{}\" tabindex=\"0\"",
            escape(&terms.to_string())
        );
    }
    out.push('>');
    escape_into(&mut out, &s.text);
    if !labels.is_empty() {
        out.push_str("<span class=\"chips\" aria-hidden=\"true\">");
        for l in &labels {
            let _ = write!(out, "<i class=\"k{l}\"></i>");
        }
        out.push_str("</span>");
    }
    out.push_str("</span>");
    out
}

fn policy_view(
    h: &mut String,
    model: &Model,
    i: usize,
    d: &TaggedDocument,
    company: &str,
    date: Option<&str>,
) {
    let name = match date {
        Some(t) => format!("{company} ({t})"),
        None => company.to_string(),
    };
    let _ = write!(
        h,
        "<article class=\"policy\" id=\"p{i}\" data-name=\"{}\"><h3>{}",
        escape(&name),
        escape(company)
    );
    if let Some(t) = date {
        let _ = write!(h, " <span class=\"date\">{}</span>", escape(t));
    }
    let _ = write!(
        h,
        "</h3>\n<p class=\"meta\"><a href=\"#overview\">↑ Overview</a> · {} · {} sentences",
        escape(&d.path.display().to_string()),
        d.sentences.len()
    );
    if let Some(url) = d.archive.as_ref().and_then(|a| a.url.as_deref()) {
        if url.starts_with("https://") || url.starts_with("http://") {
            let _ = write!(
                h,
                " · <a href=\"{}\" rel=\"noreferrer noopener\">archived snapshot</a>",
                escape(url)
            );
        }
    }
    h.push_str("</p>\n<p class=\"stated\">States: ");
    let mut silent = Vec::new();
    for (l, name) in model.labels.iter().enumerate() {
        let n = d.sentences.iter().filter(|s| s.labels.contains(&l)).count();
        match first_with_label(d, l) {
            Some(s) => {
                let _ = write!(
                    h,
                    "<a href=\"#p{i}-s{s}\"><span class=\"sw k{l}\"></span>{} ({n})</a>",
                    escape(name)
                );
            }
            None => silent.push(escape(name)),
        }
    }
    if !silent.is_empty() {
        let _ = write!(
            h,
            "<br><span class=\"silent\">Silent on: {}</span>",
            silent.join(", ")
        );
    }
    h.push_str("</p>\n<div class=\"text\">\n");
    let mut open: Option<&str> = None;
    let mut prev_end: Option<usize> = None;
    let rows = d.rows(model);
    for (si, s) in d.sentences.iter().enumerate() {
        let gap = prev_end.and_then(|e| d.text.get(e..s.span.start));
        let new_block = s.heading || open == Some("h4") || gap.is_none_or(|g| g.contains('\n'));
        if new_block {
            if let Some(tag) = open.take() {
                let _ = writeln!(h, "</{tag}>");
            }
            let tag = if s.heading { "h4" } else { "p" };
            let _ = write!(h, "<{tag}>");
            open = Some(tag);
        } else {
            h.push(' ');
        }
        h.push_str(&sentence_html(model, i, s, &rows[si]));
        prev_end = Some(s.span.end);
    }
    if let Some(tag) = open {
        let _ = writeln!(h, "</{tag}>");
    }
    h.push_str("</div></article>\n");
}

/// Coverage over time for companies with several dated policies, with the practices each
/// version added or dropped.
fn timeline_html(
    model: &Model,
    sorted: &[(&TaggedDocument, String, Option<String>)],
    rows: &[PolicyRow],
) -> String {
    let mut by_company: BTreeMap<&str, Vec<&PolicyRow>> = BTreeMap::new();
    for r in rows {
        if r.cov[0].date.is_some() {
            by_company.entry(&r.cov[0].company).or_default().push(r);
        }
    }
    by_company.retain(|_, v| v.len() >= 2);
    if by_company.is_empty() {
        return String::new();
    }
    let max = rows
        .iter()
        .flat_map(|r| r.cov.iter())
        .map(|c| c.share)
        .fold(0.0, f64::max);
    let mut h = String::from(
        "<section id=\"timeline\"><h2>Coverage over time</h2>\n<p class=\"note\">One row per dated version; \
         a green outline marks a practice the version states and the previous one did not, a red one a practice it dropped.</p>\n",
    );
    for (company, versions) in by_company {
        let _ = write!(
            h,
            "<h3>{}</h3>\n<div class=\"scroll\"><table class=\"heat\"><thead><tr><th>Date</th><th class=\"num\">Sentences</th>",
            escape(company)
        );
        for (l, name) in model.labels.iter().enumerate() {
            let _ = write!(
                h,
                "<th class=\"lab\"><span class=\"sw k{l}\"></span>{}</th>",
                escape(name)
            );
        }
        h.push_str("<th>Changes</th></tr></thead><tbody>\n");
        let mut prev: Option<&PolicyRow> = None;
        for r in &versions {
            let date = r.cov[0].date.as_deref().unwrap_or("");
            let link = match r.doc {
                Some(i) => format!("<a href=\"#p{i}\">{}</a>", escape(date)),
                None => escape(date),
            };
            let _ = write!(
                h,
                "<tr><th>{link}</th><td class=\"num\">{}</td>",
                r.cov[0].total
            );
            let (mut plus, mut minus) = (Vec::new(), Vec::new());
            for (l, c) in r.cov.iter().enumerate() {
                let before = prev.map(|p| p.cov[l].covered);
                let class = match before {
                    Some(false) if c.covered => {
                        plus.push(escape(&c.label));
                        "gain"
                    }
                    Some(true) if !c.covered => {
                        minus.push(escape(&c.label));
                        "loss"
                    }
                    _ => "",
                };
                h.push_str(&heat_cell(
                    c,
                    max,
                    r.doc.map(|i| (i, sorted[i].0)),
                    l,
                    class,
                ));
            }
            let mut changes = Vec::new();
            if !plus.is_empty() {
                changes.push(format!("<span class=\"plus\">+ {}</span>", plus.join(", ")));
            }
            if !minus.is_empty() {
                changes.push(format!(
                    "<span class=\"minus\">− {}</span>",
                    minus.join(", ")
                ));
            }
            let _ = writeln!(h, "<td>{}</td></tr>", changes.join("<br>"));
            prev = Some(r);
        }
        h.push_str("</tbody></table></div>\n");
        // Evidence: diff each version against the previous one (first document of each).
        for pair in versions.windows(2) {
            let (Some(a), Some(b)) = (pair[0].doc, pair[1].doc) else {
                continue;
            };
            let d = diff::diff_documents(model, sorted[a].0, sorted[b].0);
            h.push_str(&diff_details(&d, &pair[0].cov[0], &pair[1].cov[0]));
        }
    }
    h.push_str("</section>\n");
    h
}

/// A collapsible account of one version change: practices added and removed with their
/// evidence sentences, and sentences reworded.
pub fn diff_details(d: &PolicyDiff, old: &Coverage, new: &Coverage) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<details><summary>{} → {}: {} sentences unchanged, {} reworded, {} removed, {} added",
        escape(&policy_name(old)),
        escape(&policy_name(new)),
        d.alignment.unchanged,
        d.alignment.reworded,
        d.alignment.removed,
        d.alignment.added
    );
    if !d.practices_added.is_empty() {
        let _ = write!(
            h,
            "; <span class=\"plus\">practices added: {}</span>",
            escape(&d.practices_added.join(", "))
        );
    }
    if !d.practices_removed.is_empty() {
        let _ = write!(
            h,
            "; <span class=\"minus\">practices removed: {}</span>",
            escape(&d.practices_removed.join(", "))
        );
    }
    h.push_str("</summary>\n");
    for p in d.practices.iter().filter(|p| p.changed()) {
        let _ = write!(
            h,
            "<p><b>{}</b> ({}: {} → {} sentences)</p><ul class=\"evidence\">",
            escape(&p.label),
            p.status.as_str(),
            p.old_sentences,
            p.new_sentences
        );
        for e in &p.added {
            let _ = write!(h, "<li class=\"add\">{}</li>", escape(&e.text));
        }
        for e in &p.removed {
            let _ = write!(h, "<li class=\"del\">{}</li>", escape(&e.text));
        }
        for r in &p.reworded {
            let _ = write!(
                h,
                "<li class=\"rew\">{} <br>→ {}</li>",
                escape(&r.old.text),
                escape(&r.new.text)
            );
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</details>\n");
    h
}

fn inputs_html(files: &[FileStatus]) -> String {
    let mut h = format!(
        "<section id=\"inputs\"><h2>Inputs</h2>\n<p>{}</p>\n",
        crate::report::accounting_line(files)
    );
    let problems = crate::report::problem_files(files);
    if !problems.is_empty() {
        h.push_str("<table class=\"files\"><thead><tr><th>file</th><th>status</th><th>message</th></tr></thead><tbody>\n");
        for f in problems {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&f.file),
                f.status,
                escape(&f.message)
            );
        }
        h.push_str("</tbody></table>\n");
    }
    h.push_str("<p><a href=\"#top\">↑ Top</a></p></section>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prob3(p: f32) -> String {
        let mut s = String::new();
        push_prob3(&mut s, p);
        s
    }

    #[test]
    fn prob3_writes_what_the_formatter_writes() {
        // Every 61st f32 in [0, 1] (≈ 17 million values, all magnitudes), the ties (values
        // whose thousandfold is exactly k + ½, where the rounding direction shows), the ends,
        // and values out of range.
        let one = 1.0f32.to_bits();
        let mut values: Vec<f32> = (0..=one).step_by(61).map(f32::from_bits).collect();
        values.extend((0..=2000u32).filter_map(|j| {
            let p = j as f32 / 2000.0;
            (f64::from(p) * 1000.0).fract().eq(&0.5).then_some(p)
        }));
        values.extend([
            0.0,
            1.0,
            0.0005,
            0.9995,
            0.0625,
            0.1875,
            -0.0,
            1.5,
            -0.25,
            f32::NAN,
        ]);
        for p in values {
            assert_eq!(prob3(p), format!("{p:.3}"), "bits {:#x}", p.to_bits());
        }
    }

    #[test]
    fn escape_into_matches_a_char_by_char_escape() {
        for s in [
            "",
            "plain",
            "<a href=\"x\">Tom & Jerry's</a>",
            "é<ü>&",
            "&&''\"\"<<>>",
            "ends <",
        ] {
            let want: String = s
                .chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    c => c.to_string(),
                })
                .collect();
            assert_eq!(escape(s), want);
            let mut out = String::from("x");
            escape_into(&mut out, s);
            assert_eq!(out, format!("x{want}"));
        }
    }

    #[test]
    fn a_practice_without_its_own_terms_is_explained_by_its_paragraph() {
        let model = Model::from_bytes(
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/models/default.model")),
            std::path::Path::new("default.model"),
        )
        .unwrap();
        let nl = model.labels.len();
        // A sentence with no known word, tagged with label 0 as the neighbour stage can.
        let s = TaggedSentence {
            index: 0,
            span: 0..4,
            text: "zzqx".into(),
            heading: false,
            block: 0,
            probs: vec![0.7; nl],
            labels: vec![0],
        };
        let row = model.rows_of_blocks(&[(0, "zzqx")]).pop().unwrap();
        let (title, _) = sentence_info(&model, &s, &row);
        assert_eq!(
            title,
            format!("{} 0.70 · {FROM_PARAGRAPH}", model.labels[0])
        );
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<img src=x onerror='a(1)'> & \"q\""),
            "&lt;img src=x onerror=&#39;a(1)&#39;&gt; &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let v = serde_json::json!({"a": "</script><b>&"});
        let s = script_json(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
