//! The report in a real browser: pages of a 2-D instance, of one with a
//! choice of k and rows in no cluster, and (with `POLYCLUST_INSTANCES`) of
//! lsun and bank, opened in headless Chromium by
//! `tests/browser/check_report.mjs` (playwright-core driving Debian's
//! `chromium`): no console error, no request leaving the file, every
//! cluster card and chart in the rendered DOM, with and without JavaScript;
//! a full-page screenshot of each is saved under
//! `target/tmp/report-browser/`. Then the Nu HTML checker (`vnu.jar`, from
//! the npm package `vnu-jar`) validates every page.
//!
//! Needs `node`, `tests/browser/node_modules` (`npm ci` there), `chromium`
//! (or `CHROMIUM=path`) and `java`: without them the test skips with a
//! note, and under CI (`CI=true`) it fails; `.ci/run` installs them.

mod common;

use common::{instances_dir, polyclust_with_instances, under_ci};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the check needs, or why it cannot run.
fn tools() -> Result<(PathBuf, PathBuf), String> {
    let browser_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let found = |cmd: &str, arg: &str| {
        Command::new(cmd)
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !found("node", "--version") {
        return Err("node is not installed".into());
    }
    if !browser_dir.join("node_modules/playwright-core").is_dir() {
        return Err("tests/browser/node_modules is missing: run `npm ci` in tests/browser".into());
    }
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.is_file() {
        return Err(format!(
            "no browser at {}: apt-get install -y chromium (or set CHROMIUM)",
            chromium.display()
        ));
    }
    if !found("java", "-version") {
        return Err("java is not installed (the HTML checker needs it)".into());
    }
    let vnu = browser_dir.join("node_modules/vnu-jar/build/dist/vnu.jar");
    if !vnu.is_file() {
        return Err(format!(
            "{} is missing: run `npm ci` in tests/browser",
            vnu.display()
        ));
    }
    Ok((browser_dir, vnu))
}

fn run(dir: &Path, args: &[&str], instances: Option<&Path>) {
    let out = polyclust_with_instances(args, dir, instances);
    assert!(
        out.status.success(),
        "polyclust {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn reports_render_in_chromium_without_errors_and_validate() {
    let (browser_dir, vnu) = match tools() {
        Ok(t) => t,
        Err(why) if under_ci() => panic!("the browser check must run under CI: {why}"),
        Err(why) => {
            eprintln!("browser check skipped: {why}");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut pages = vec!["blobs2d.html", "blobs-k-outliers.html"];
    run(
        d,
        &[
            "cluster",
            "--generate",
            "blobs",
            "--dims",
            "2",
            "--k",
            "5",
            "--report",
            "blobs2d.html",
        ],
        None,
    );
    run(
        d,
        &[
            "cluster",
            "--generate",
            "blobs",
            "--dims",
            "4",
            "--clusters",
            "9",
            "--rows",
            "900",
            "--k-range",
            "7..9",
            "--preset",
            "mpc1",
            "--outliers",
            "--report",
            "blobs-k-outliers.html",
        ],
        None,
    );
    let instances = instances_dir();
    if let Some(inst) = &instances {
        run(
            d,
            &[
                "cluster",
                "--instance",
                "lsun",
                "--k",
                "4",
                "--report",
                "lsun.html",
            ],
            Some(inst),
        );
        run(
            d,
            &[
                "cluster",
                "--instance",
                "bank",
                "--k-range",
                "2..4",
                "--preset",
                "mpc1",
                "--outliers",
                "--report",
                "bank.html",
            ],
            Some(inst),
        );
        pages.extend(["lsun.html", "bank.html"]);
    }
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-browser");
    let files: Vec<PathBuf> = pages.iter().map(|p| d.join(p)).collect();
    let out = Command::new("node")
        .arg(browser_dir.join("check_report.mjs"))
        .arg("--screenshots")
        .arg(&shots)
        .args(&files)
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the browser check failed:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = report
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON line per page"))
        .collect();
    assert_eq!(lines.len(), pages.len());
    for line in &lines {
        assert_eq!(line["ok"], true, "{line}");
        assert_eq!(
            line["with_js"]["cards"], line["with_js"]["clusters"],
            "{line}"
        );
        let png = PathBuf::from(line["screenshot"].as_str().unwrap());
        assert!(
            std::fs::metadata(&png).unwrap().len() > 10_000,
            "{}",
            png.display()
        );
    }
    eprintln!("screenshots in {}", shots.display());
    // The Nu HTML checker: no error in any page.
    let out = Command::new("java")
        .arg("-jar")
        .arg(&vnu)
        .arg("--errors-only")
        .args(&files)
        .output()
        .expect("java runs");
    assert!(
        out.status.success(),
        "the HTML checker found errors:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
