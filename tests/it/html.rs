//! The HTML report: always written by `classify report`, self-contained, with every piece of
//! policy text escaped; rendered in headless Chromium when it is installed.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

/// A policy full of markup that must show as text and never run.
const INJECTED: &str = "Injected Example privacy notice\n\n\
We collect your name and e-mail address when you create an account \
<script>window.pwned=1</script> and we use it to run the service.\n\n\
We share your address with delivery partners <img src=x onerror=alert(1)> so they can bring \
your order.\n\n\
We keep your data for two years after you close your account <img src=y \
onerror=\"document.body.setAttribute('data-pwned','2')\">.\n\n\
<script>document.body.setAttribute('data-pwned','1')</script>\n";

fn write_injected(dir: &Path) -> PathBuf {
    let p = dir.join("injected.example.txt");
    std::fs::write(&p, INJECTED).unwrap();
    p
}

fn report(inputs: &[&Path], out: &Path) -> String {
    let mut cmd = classify();
    cmd.args(["report", "--out"]).arg(out);
    for i in inputs {
        cmd.arg(i);
    }
    stdout_of(&mut cmd);
    std::fs::read_to_string(out.join("report.html")).expect("report.html written")
}

#[test]
fn report_html_is_self_contained_and_escapes_policy_text() {
    let dir = tempfile::tempdir().unwrap();
    let inj = write_injected(dir.path());
    // Markup in a file name (the company) is escaped too, in the page and in the charts.
    let named = dir.path().join("x<svg onload=alert(1)>.txt");
    std::fs::write(&named, INJECTED).unwrap();
    let out = dir.path().join("r");
    let html = report(&[&inj, &named], &out);
    assert!(html.contains("x&lt;svg onload=alert(1)&gt;"));
    assert!(!html.contains("<svg onload"));
    let chart = std::fs::read_to_string(out.join("coverage.svg")).unwrap();
    assert!(chart.contains("x&lt;svg onload=alert(1)&gt;") && !chart.contains("<svg onload"));
    for f in ["coverage.svg", "practices.svg", "report.html"] {
        assert!(out.join(f).is_file(), "{f} not written");
    }
    // The policy text is there, escaped; no markup from it survives.
    assert!(html.contains("&lt;script&gt;window.pwned=1&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!html.contains("<script>window"));
    assert!(!html.contains("<img"));
    assert!(!html.contains("<script>document"));
    // Exactly the report's own two script elements: the JSON data block and the code.
    assert_eq!(html.matches("<script").count(), 2);
    // Nothing is loaded from elsewhere, and the CSP only runs the report's script.
    for bad in [
        "src=\"http",
        "href=\"http://fonts",
        "@import",
        "url(http",
        "<link",
    ] {
        assert!(
            !html.contains(bad),
            "report loads an external resource: {bad}"
        );
    }
    assert!(html.contains("script-src 'sha256-"));
    // The charts are embedded inline and also written as files.
    let svg = std::fs::read_to_string(out.join("coverage.svg")).unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(html.contains("<figure id=\"chart-coverage\"><svg"));
    assert!(html.contains("<figure id=\"chart-practices\"><svg"));
    // Sentences are highlighted with their practices and explanations.
    assert!(html.contains("class=\"s t b"));
    assert!(html.contains("data-t=\""));
    assert!(html.contains("href=\"#p0\">injected.example</a>"));
}

#[test]
fn report_over_dated_versions_shows_coverage_over_time() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("versions");
    std::fs::create_dir(&v).unwrap();
    std::fs::write(
        v.join("acme_2019-03-01.txt"),
        "Acme privacy policy.\n\nWe collect your name and e-mail address to run your account.\n",
    )
    .unwrap();
    std::fs::write(
        v.join("acme_2021-07-15.txt"),
        "Acme privacy policy.\n\nWe collect your name and e-mail address to run your account.\n\n\
         We keep your order history for seven years and delete inactive accounts after two years.\n\n\
         We share your address with the courier that delivers your order.\n",
    )
    .unwrap();
    let out = dir.path().join("r");
    let html = report(&[&v], &out);
    // Both versions are one company with two dates.
    let (header, rows) = read_csv(&out.join("coverage.csv"));
    assert_eq!(&header[..3], ["company", "date", "label"]);
    let mut keys: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    keys.dedup();
    assert_eq!(keys, [("acme", "2019-03-01"), ("acme", "2021-07-15")]);
    assert!(html.contains("<section id=\"timeline\">"));
    assert!(html.contains("2019-03-01"));
    // The newer version adds data retention; the change is marked and evidenced.
    let retention = rows
        .iter()
        .filter(|r| r[2] == "Data Retention")
        .map(|r| r[7].as_str())
        .collect::<Vec<_>>();
    assert_eq!(retention, ["false", "true"]);
    assert!(html.contains("class=\"cell gain\""));
    assert!(html.contains("practices added:"));
    assert!(html.contains("<li class=\"add\">We keep your order history"));
}

fn chromium() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(out) = Process::new("which").arg(name).output() {
            if out.status.success() {
                let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
                if !p.is_empty() {
                    return Some(PathBuf::from(p));
                }
            }
        }
    }
    if std::env::var_os("CI").is_some() {
        panic!("chromium is not installed but CI is set: .ci/run installs it");
    }
    eprintln!("SKIPPED: chromium is not installed (apt-get install -y chromium); the browser test needs it");
    None
}

fn headless(browser: &Path, profile: &Path) -> Process {
    let mut c = Process::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn seeds_report_renders_in_chromium_and_injected_markup_stays_text() {
    let Some(shared) = shared() else { return };
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    std::fs::create_dir(&inputs).unwrap();
    for e in std::fs::read_dir(shared.join("seeds")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, inputs.join(p.file_name().unwrap())).unwrap();
    }
    write_injected(&inputs);
    let out = dir.path().join("r");
    report(&[&inputs], &out);
    let page = format!("file://{}", out.join("report.html").display());

    // Open a sentence link: the report's script fills the inspector from the URL fragment.
    let run = headless(&browser, &dir.path().join("profile"))
        .args(["--enable-logging=stderr", "--v=0", "--dump-dom"])
        .arg(format!("{page}#p0-s3"))
        .output()
        .expect("run chromium");
    let log = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "chromium failed: {log}");
    assert!(
        !log.contains("Uncaught"),
        "script error in the report: {log}"
    );
    assert!(
        !log.contains("Content Security Policy"),
        "CSP violation: {log}"
    );
    let dom = String::from_utf8(run.stdout).expect("utf-8 DOM");
    let inspector = &dom[dom.find("<aside id=\"inspector\"").expect("inspector")..];
    assert!(
        inspector.starts_with("<aside id=\"inspector\">"),
        "inspector still hidden"
    );
    assert_eq!(
        inspector[..inspector.find("</aside>").unwrap()]
            .matches("<td class=\"num\">")
            .count(),
        10,
        "inspector lists the ten practices' probabilities"
    );
    assert!(
        dom.contains("<section id=\"overview\">"),
        "no report in the DOM"
    );
    for c in SEED_COMPANIES {
        assert!(
            dom.contains(&format!(">{c}</a>")),
            "{c} not linked in the overview"
        );
        assert!(
            dom.contains(&format!("data-name=\"{c} (")),
            "{c} has no policy view"
        );
    }
    // Highlighted sentences with their practice chips, and both charts as inline SVG.
    let highlighted = dom.matches("class=\"s t b").count();
    assert!(
        highlighted >= 100,
        "only {highlighted} highlighted sentences"
    );
    // Each policy's data profile, every item a link to its evidence sentence in the view.
    let profiles: Vec<&str> = dom
        .match_indices("<p class=\"profile\">")
        .map(|(at, _)| &dom[at..at + dom[at..].find("</p>").unwrap()])
        .collect();
    assert!(profiles.len() >= 4, "{} policy profiles", profiles.len());
    assert!(profiles.iter().any(|p| p.contains("<b>Collects:</b>")));
    for p in &profiles {
        for (at, _) in p.match_indices("href=\"#") {
            let id = &p[at + 7..at + 7 + p[at + 7..].find('"').unwrap()];
            assert!(
                dom.contains(&format!("id=\"{id}\"")),
                "profile link #{id} has no target"
            );
        }
    }
    assert!(dom.contains("<figure id=\"chart-coverage\"><svg"));
    assert!(dom.contains("<figure id=\"chart-practices\"><svg"));
    // The injected markup is text in the rendered page and none of it ran.
    assert!(dom.contains("&lt;script&gt;window.pwned=1&lt;/script&gt;"));
    assert!(dom.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!dom.contains("data-pwned=\""), "injected script ran");
    assert!(!dom.contains("<img"), "injected img element exists");
    assert_eq!(
        dom.matches("<script").count(),
        2,
        "unexpected script elements"
    );

    // A screenshot for people to look at (not committed).
    let artefacts = repo().join("target/test-artifacts");
    std::fs::create_dir_all(&artefacts).unwrap();
    let shot = artefacts.join("report-seeds.png");
    let _ = std::fs::remove_file(&shot);
    let run = headless(&browser, &dir.path().join("profile2"))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1400,2000")
        .arg(&page)
        .output()
        .expect("run chromium");
    assert!(run.status.success(), "screenshot failed");
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 50_000,
        "screenshot is empty"
    );
    eprintln!("screenshot: {}", shot.display());
}
