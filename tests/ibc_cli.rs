//! `polyclust ibc`: simulate → CSV → `ibc --json`, and one-sentence errors.

mod common;

use common::{json_stdout, polyclust};

fn assert_one_line_error(out: &std::process::Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "'{n}' missing from: {stderr}");
    }
    assert!(out.stdout.is_empty());
}

#[test]
fn simulate_then_ibc_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = polyclust(
        &[
            "ibc",
            "--simulate",
            "article",
            "--seed",
            "42",
            "--noise-features",
            "2",
            "--write",
            "art.csv",
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("art.csv")).unwrap();
    assert_eq!(text.lines().next().unwrap(), "Xi,Xj,noise1,noise2,Y");
    assert_eq!(text.lines().count(), 1001);

    let out = polyclust(
        &[
            "ibc", "--data", "art.csv", "--target", "Y", "--json", "--seed", "1",
        ],
        dir.path(),
    );
    let v = json_stdout(&out);
    assert_eq!(v["top_interactions"][0], "Xi×Xj");
    let vars = v["split"]["variables"].as_array().unwrap();
    assert!(vars.iter().all(|s| s == "Xi" || s == "Xj"), "{v}");
    assert!(v["split"]["rule"].is_string());
    for m in ["A", "B", "C", "D"] {
        for k in ["r2_in", "r2_cv", "rmse_cv"] {
            assert!(v["models"][m][k].is_f64(), "{m}.{k} in {v}");
        }
    }
    let r2 = |m: &str| v["models"][m]["r2_cv"].as_f64().unwrap();
    assert!(
        r2("A") < 0.05 && r2("B") > 0.5 && r2("C") > 0.85 && r2("D") > 0.85,
        "{v}"
    );
    assert!(v["ridge_fallback"].is_boolean() && v["seconds"].is_f64());
}

#[test]
fn text_output_has_the_table() {
    let dir = tempfile::tempdir().unwrap();
    polyclust(
        &[
            "ibc",
            "--simulate",
            "degree3",
            "--rows",
            "400",
            "--write",
            "d3.csv",
        ],
        dir.path(),
    );
    let out = polyclust(
        &[
            "ibc",
            "--data",
            "d3.csv",
            "--target",
            "Y",
            "--degree",
            "3",
            "--folds",
            "3",
            "--no-polytope",
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in ["X1×X2×X3", "split:", "A  linear", "D  per-regime"] {
        assert!(text.contains(needle), "{needle} missing: {text}");
    }
}

#[test]
fn missing_target_column() {
    let dir = tempfile::tempdir().unwrap();
    polyclust(
        &[
            "ibc",
            "--simulate",
            "article",
            "--rows",
            "100",
            "--write",
            "a.csv",
        ],
        dir.path(),
    );
    let out = polyclust(&["ibc", "--data", "a.csv", "--target", "Z"], dir.path());
    assert_one_line_error(&out, &["a.csv", "'Z'"]);
}

#[test]
fn non_numeric_target() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("a,b,Y\n");
    for t in 0..60 {
        text.push_str(&format!(
            "{},{},{}\n",
            t,
            t % 7,
            if t == 5 { "high".into() } else { t.to_string() }
        ));
    }
    std::fs::write(dir.path().join("bad.csv"), text).unwrap();
    let out = polyclust(&["ibc", "--data", "bad.csv", "--target", "Y"], dir.path());
    assert_one_line_error(
        &out,
        &["error: data file bad.csv, row 6, column 'Y': value 'high' is not a finite number"],
    );
    // `interactions` reads its target the same way and says the same.
    let screening = polyclust(
        &["interactions", "--data", "bad.csv", "--target", "Y"],
        dir.path(),
    );
    assert_eq!(
        String::from_utf8_lossy(&screening.stderr),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn too_few_rows_for_the_folds() {
    let dir = tempfile::tempdir().unwrap();
    polyclust(
        &[
            "ibc",
            "--simulate",
            "article",
            "--rows",
            "30",
            "--write",
            "s.csv",
        ],
        dir.path(),
    );
    let out = polyclust(
        &["ibc", "--data", "s.csv", "--target", "Y", "--folds", "5"],
        dir.path(),
    );
    assert_one_line_error(&out, &["s.csv", "30 rows", "5-fold"]);
}
