//! The page skeleton: head (style, script and its Content-Security-Policy hash), header,
//! the overview heat table, the charts, and the order of the sections; policy views and the
//! timeline come from their own files.

use super::format::{base64, escape, rgb, script_json};
use super::timeline::timeline_html;
use super::views::{first_with_label, policy_view};
use super::{ReportPage, MAX_POLICY_VIEWS};
use crate::model::Model;
use crate::predict::TaggedDocument;
use crate::report::charts::{self, label_colour, percent, share_colour};
use crate::report::{Coverage, FileStatus};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;

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
pub(super) struct PolicyRow<'a> {
    /// Its coverage rows, one per label.
    pub(super) cov: &'a [Coverage],
    /// The document id of its first policy view, if any.
    pub(super) doc: Option<usize>,
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

/// The report page.
pub fn report_html(model: &Model, page: &ReportPage) -> String {
    let (cov, files, charts) = (page.coverage, page.files, &page.charts);
    let nl = model.labels().len();
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
        escape(model.written_by()),
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
    for (l, name) in model.labels().iter().enumerate() {
        let _ = write!(
            h,
            "<th class=\"lab\"><span class=\"sw k{l}\"></span>{}</th>",
            escape(name)
        );
    }
    h.push_str("<th class=\"num\">Stated</th></tr></thead>\n<tbody>\n");
    let max = cov.iter().map(|c| c.share).fold(0.0, f64::max);
    let mut foreign = false;
    for r in &rows {
        let c0 = &r.cov[0];
        let mut name = match r.doc {
            Some(i) => format!("<a href=\"#p{i}\">{}</a>", escape(&c0.company)),
            None => escape(&c0.company),
        };
        if c0.foreign() {
            foreign = true;
            let _ = write!(
                name,
                " <span class=\"lang\" title=\"written in another language than English: the model reads English only\">⚠ {}</span>",
                escape(&c0.language)
            );
        }
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
    h.push_str("</tbody></table></div>");
    if foreign {
        h.push_str("<p class=\"note\">⚠ marks a policy written in another language than English (ISO 639-3 code): the model reads English only, so its row means little. <code>--skip-non-english</code> leaves such files out.</p>");
    }
    h.push_str("</section>\n");

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
        "labels": model.labels(),
        "thresholds": model.thresholds().as_slice().iter().map(|&t| (t as f64 * 1000.0).round() / 1000.0).collect::<Vec<_>>(),
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

/// The practice legend (click a practice to highlight only its sentences).
fn legend(model: &Model) -> String {
    let mut s = String::from(
        "<ul class=\"legend\" title=\"click a practice to highlight only its sentences\">",
    );
    for (l, name) in model.labels().iter().enumerate() {
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
pub(super) fn heat_cell(
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

/// The input accounting section: the summary line and every file not tagged cleanly.
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
