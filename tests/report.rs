//! The HTML report: `polyclust report`, `cluster --report`, and the
//! library's page (structure, self-containment, size, errors). The page in
//! a real browser and through an HTML validator: `tests/report_browser.rs`.

mod common;

use common::polyclust;
use polyclust::report::{KStudyRow, Report, ReportOptions, SIGNATURE};
use std::path::Path;

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "command failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The one sentence of a refused command (exit code 2, no panic).
fn refused(out: &std::process::Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "expected exit code 2: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one sentence: {err}");
    err
}

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

/// Nothing in the page is fetched: no external script, style sheet, image,
/// font or frame, no URL but the SVG namespace.
fn assert_self_contained(html: &str) {
    assert!(html.starts_with(SIGNATURE));
    for banned in [
        "<link",
        "<img",
        "<iframe",
        "src=",
        "@import",
        "url(",
        "@font-face",
    ] {
        assert!(!html.contains(banned), "the page holds {banned}");
    }
    let urls = html.matches("http://").count() + html.matches("https://").count();
    let namespaces = html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count();
    assert_eq!(urls, namespaces, "only SVG namespaces name a URL");
}

fn attr(html: &str, name: &str) -> usize {
    let key = format!("{name}=\"");
    let start = html.find(&key).expect("attribute present") + key.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].parse().unwrap()
}

fn generate(dir: &Path, args: &[&str]) {
    let mut all = vec!["generate", "blobs"];
    all.extend_from_slice(args);
    ok(&polyclust(&all, dir));
}

#[test]
fn cluster_writes_a_self_contained_page_with_a_card_per_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let out = polyclust(
        &[
            "cluster",
            "--generate",
            "blobs",
            "--dims",
            "2",
            "--clusters",
            "4",
            "--k",
            "4",
            "--preset",
            "mpc1",
            "--report",
            "r.html",
            "--out",
            "run",
        ],
        dir.path(),
    );
    ok(&out);
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert_self_contained(&html);
    let k = attr(&html, "data-clusters");
    assert!(k >= 2);
    assert_eq!(count(&html, "class=\"cluster-card\""), k);
    // Sizes and scatter; no choice of k without --k-range.
    assert_eq!(attr(&html, "data-charts"), 2);
    assert_eq!(count(&html, "class=\"chart\" role=\"img\""), 2);
    assert_eq!(count(&html, "<title id=\"chart-"), 2);
    assert_eq!(count(&html, "<desc id=\"chart-"), 2);
    assert!(
        html.contains("ARI") && html.contains("NCA"),
        "labels of the generated data"
    );
    assert!(
        html.contains("polyclust cluster --generate blobs"),
        "the command"
    );
    assert!(html.contains("CASE"), "the SQL");
    assert!(!html.contains("class=\"outlier-card\""));
    // The same page from the saved model on the same rows.
    ok(&polyclust(
        &[
            "generate",
            "blobs",
            "--dims",
            "2",
            "--clusters",
            "4",
            "--out",
            "b.csv",
        ],
        dir.path(),
    ));
    let stdout = ok(&polyclust(
        &[
            "report",
            "--model",
            "run/model.json",
            "--data",
            "b.csv",
            "--out",
            "again.html",
            "--json",
        ],
        dir.path(),
    ));
    let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(summary["clusters"], k);
    assert_eq!(summary["labels"], "label");
    let again = std::fs::read_to_string(dir.path().join("again.html")).unwrap();
    assert_self_contained(&again);
    assert_eq!(count(&again, "class=\"cluster-card\""), k);
    // Without labels: no ARI or NCA.
    ok(&polyclust(
        &[
            "report",
            "--model",
            "run/model.json",
            "--data",
            "b.csv",
            "--out",
            "nolabel.html",
            "--no-label",
        ],
        dir.path(),
    ));
    let nolabel = std::fs::read_to_string(dir.path().join("nolabel.html")).unwrap();
    assert!(!nolabel.contains(">ARI<") && !nolabel.contains(">NCA<"));
    // A second write replaces polyclust's own page.
    ok(&polyclust(
        &[
            "report",
            "--model",
            "run/model.json",
            "--data",
            "b.csv",
            "--out",
            "again.html",
            "--dialect",
            "spark",
        ],
        dir.path(),
    ));
    let spark = std::fs::read_to_string(dir.path().join("again.html")).unwrap();
    assert!(spark.contains("(spark)"));
}

#[test]
fn k_range_and_outliers_add_the_choice_of_k_and_the_rows_in_no_cluster() {
    let dir = tempfile::tempdir().unwrap();
    ok(&polyclust(
        &[
            "cluster",
            "--generate",
            "blobs",
            "--dims",
            "3",
            "--k-range",
            "2..4",
            "--preset",
            "mpc1",
            "--outliers",
            "--report",
            "r.html",
            "--columns",
            "x3,x1",
        ],
        dir.path(),
    ));
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert_self_contained(&html);
    assert_eq!(attr(&html, "data-charts"), 4);
    assert!(html.contains("id=\"chart-k-silhouette\"") && html.contains("id=\"chart-k-smallest\""));
    assert!(html.contains("Horizontal: x3; vertical: x1."));
    let k = attr(&html, "data-clusters");
    assert_eq!(count(&html, "class=\"cluster-card\""), k);
    if attr(&html, "data-outliers") > 0 {
        assert_eq!(count(&html, "class=\"outlier-card\""), 1);
        assert!(html.contains("belong to no cluster"));
    }
}

#[test]
fn a_large_file_makes_a_small_page_drawing_a_sample() {
    let dir = tempfile::tempdir().unwrap();
    generate(
        dir.path(),
        &[
            "--rows",
            "30000",
            "--dims",
            "4",
            "--clusters",
            "3",
            "--out",
            "big.csv",
        ],
    );
    ok(&polyclust(
        &[
            "cluster", "--data", "big.csv", "--k", "3", "--preset", "mpc1", "--out", "run",
        ],
        dir.path(),
    ));
    ok(&polyclust(
        &[
            "report",
            "--model",
            "run/model.json",
            "--data",
            "big.csv",
            "--out",
            "r.html",
        ],
        dir.path(),
    ));
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert_self_contained(&html);
    assert!(html.len() < 1_000_000, "{} bytes", html.len());
    assert!(
        html.contains("4,000 of 30,000 rows"),
        "the scatter says it draws a sample"
    );
    assert!(html.contains("estimated: mean of 10 samples of 5,000 rows"));
}

#[test]
fn bad_input_gets_one_sentence_naming_the_file_and_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    generate(d, &["--dims", "2", "--out", "b.csv"]);
    ok(&polyclust(
        &[
            "cluster", "--data", "b.csv", "--k", "3", "--preset", "mpc1", "--out", "run",
        ],
        d,
    ));
    // A model that is not there.
    let err = refused(&polyclust(
        &[
            "report",
            "--model",
            "nope/model.json",
            "--data",
            "b.csv",
            "--out",
            "r.html",
        ],
        d,
    ));
    assert!(err.contains("--model nope/model.json"), "{err}");
    // A file that is not a model.
    let err = refused(&polyclust(
        &[
            "report", "--model", "b.csv", "--data", "b.csv", "--out", "r.html",
        ],
        d,
    ));
    assert!(
        err.contains("--model b.csv is not a polyclust model"),
        "{err}"
    );
    // Data without the model's columns.
    std::fs::write(d.join("other.csv"), "a,b\n1,2\n3,4\n").unwrap();
    let err = refused(&polyclust(
        &[
            "report",
            "--model",
            "run/model.json",
            "--data",
            "other.csv",
            "--out",
            "r.html",
        ],
        d,
    ));
    assert!(
        err.contains("--data other.csv") && err.contains("'x1'"),
        "{err}"
    );
    // A label column that is not there.
    let err = refused(&polyclust(
        &[
            "report",
            "--model",
            "run/model.json",
            "--data",
            "b.csv",
            "--label-column",
            "segment",
            "--out",
            "r.html",
        ],
        d,
    ));
    assert!(
        err.contains("--label-column") && err.contains("'segment'"),
        "{err}"
    );
    // A feature to plot that is not there, before any fit.
    let err = refused(&polyclust(
        &[
            "report",
            "--model",
            "run/model.json",
            "--data",
            "b.csv",
            "--columns",
            "x1,height",
            "--out",
            "r.html",
        ],
        d,
    ));
    assert!(
        err.contains("--columns") && err.contains("'height'"),
        "{err}"
    );
    let err = refused(&polyclust(
        &[
            "cluster",
            "--data",
            "b.csv",
            "--k",
            "3",
            "--report",
            "r.html",
            "--columns",
            "x1,height",
        ],
        d,
    ));
    assert!(
        err.contains("--columns") && err.contains("'height'"),
        "{err}"
    );
    assert!(!d.join("r.html").exists());
    // Never the data file, nor a file polyclust did not write.
    let err = refused(&polyclust(
        &[
            "report",
            "--model",
            "run/model.json",
            "--data",
            "b.csv",
            "--out",
            "b.csv",
        ],
        d,
    ));
    assert!(err.contains("--out b.csv"), "{err}");
    std::fs::write(d.join("notes.html"), "<!DOCTYPE html>\n<p>mine</p>\n").unwrap();
    let err = refused(&polyclust(
        &[
            "report",
            "--model",
            "run/model.json",
            "--data",
            "b.csv",
            "--out",
            "notes.html",
        ],
        d,
    ));
    assert!(err.contains("--out notes.html"), "{err}");
    assert_eq!(
        std::fs::read_to_string(d.join("notes.html")).unwrap(),
        "<!DOCTYPE html>\n<p>mine</p>\n"
    );
    let err = refused(&polyclust(
        &[
            "cluster",
            "--data",
            "b.csv",
            "--k",
            "3",
            "--report",
            "notes.html",
        ],
        d,
    ));
    assert!(err.contains("--report notes.html"), "{err}");
}

#[test]
fn the_library_page_escapes_names_and_counts_its_parts() {
    use polyclust::{data, mpc};
    let mut ds = data::gaussian_blobs(240, 2, 3, 0.3, 3).into_dataset();
    ds.name = "<b>shop</b> & co".into();
    let space = mpc::ExplanationSpace::identity(ds.d());
    let params = mpc::MpcParams::new(3)
        .preset(mpc::Preset::Mpc1)
        .seed(1)
        .check(ds.x.view(), space.dim())
        .unwrap();
    let fit = mpc::fit(ds.x.view(), &ds.map, space, &params, &()).unwrap();
    let html = Report::new(&fit.model, &ds)
        .unwrap()
        .render(&ReportOptions::default())
        .unwrap();
    assert_self_contained(&html);
    assert!(
        html.contains("&lt;b&gt;shop&lt;&#x2f;b&gt; &amp; co")
            || html.contains("&lt;b&gt;shop&lt;/b&gt; &amp; co")
    );
    assert!(!html.contains("<b>shop</b>"));
    assert_eq!(count(&html, "class=\"cluster-card\""), fit.model.k());
    // Computed from the model on the rows: the fit's silhouette, exactly.
    let fitted = format!("{:.4}", fit.silhouette.unwrap());
    assert!(html.contains(&fitted), "silhouette {fitted}");
    // A scatter of a feature that does not exist is refused by name.
    let options = ReportOptions {
        columns: Some(("x1".into(), "nope".into())),
        ..ReportOptions::default()
    };
    let err = Report::new(&fit.model, &ds)
        .unwrap()
        .render(&options)
        .unwrap_err();
    assert!(err.to_string().contains("'nope'"), "{err}");
    // The notebook table: one row per cluster, escaped.
    let table = polyclust::report::clusters_table_html(&fit.model).unwrap();
    assert_eq!(count(&table, "<tr>"), fit.model.k() + 1);
}

#[test]
fn the_choice_of_k_is_the_protocols() {
    use polyclust::{data, mpc};
    let ds = data::gaussian_blobs(150, 2, 3, 0.4, 5).into_dataset();
    let space = mpc::ExplanationSpace::identity(ds.d());
    for objective in [mpc::Objective::Silhouette, mpc::Objective::KMeans] {
        let params = mpc::MpcParams::new(2)
            .preset(mpc::Preset::Mpc1)
            .objective(objective)
            .check(ds.x.view(), space.dim())
            .unwrap();
        let result = mpc::protocol(
            ds.x.view(),
            &ds.map,
            &space,
            &params,
            &mpc::ProtocolPlan::new(2..=4, 3),
            &(),
            &|_| {},
        )
        .unwrap();
        let runs: Vec<KStudyRow> = result.runs.iter().map(Into::into).collect();
        // Through JSON, as the Python package hands the runs over.
        let json = serde_json::to_string(&result.runs).unwrap();
        let parsed: Vec<KStudyRow> = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed, runs);
        let expected: Vec<KStudyRow> = result.best_per_k().into_iter().map(Into::into).collect();
        assert_eq!(KStudyRow::best_per_k(&runs, objective), expected);
    }
}
