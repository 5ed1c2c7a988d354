//! The command line: readable output, JSON output, and one clear sentence with
//! exit code 2 on bad input.

mod common;

use common::{assert_clear_error, json_stdout, polyclust};
use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn help_lists_the_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    let out = polyclust(&["--help"], dir.path());
    let text = String::from_utf8_lossy(&out.stdout);
    for sub in ["instances", "score", "kmeans"] {
        assert!(text.contains(sub), "{text}");
    }
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = polyclust(&["kmeans", "--data", "nope.csv", "--k", "2"], dir.path());
    assert_clear_error(&out, &["nope.csv"]);
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.csv", "");
    let out = polyclust(&["kmeans", "--data", "empty.csv", "--k", "2"], dir.path());
    assert_clear_error(&out, &["empty.csv", "empty"]);
}

#[test]
fn ragged_row() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ragged.csv", "a,b,label\n1,2,0\n3,4\n5,6,1\n");
    let out = polyclust(&["kmeans", "--data", "ragged.csv", "--k", "2"], dir.path());
    assert_clear_error(&out, &["ragged.csv", "row 2", "line 3"]);
}

#[test]
fn nan_cell() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nan.csv", "a,b,label\n1,2,0\n3,NaN,1\n5,6,1\n");
    let out = polyclust(&["kmeans", "--data", "nan.csv", "--k", "2"], dir.path());
    assert_clear_error(&out, &["nan.csv", "row 2", "'b'", "NaN"]);
}

#[test]
fn all_rows_identical() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "same.csv", "a,b\n1,2\n1,2\n1,2\n");
    let out = polyclust(
        &["kmeans", "--data", "same.csv", "--no-label", "--k", "2"],
        dir.path(),
    );
    assert_clear_error(&out, &["identical"]);
}

#[test]
fn k_below_two_and_above_n() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "small.csv", "a,b\n1,2\n3,4\n5,7\n");
    let out = polyclust(
        &["kmeans", "--data", "small.csv", "--no-label", "--k", "1"],
        dir.path(),
    );
    assert_clear_error(&out, &["k = 1"]);
    let out = polyclust(
        &["kmeans", "--data", "small.csv", "--no-label", "--k", "4"],
        dir.path(),
    );
    assert_clear_error(&out, &["k = 4", "n = 3"]);
}

#[test]
fn missing_label_column_is_named() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nolabel.csv", "a,b\n1,2\n3,4\n5,7\n");
    let out = polyclust(&["score", "--data", "nolabel.csv"], dir.path());
    assert_clear_error(&out, &["nolabel.csv", "'label'"]);
}

#[test]
fn score_fixture_matches_sklearn() {
    let dir = tempfile::tempdir().unwrap();
    let file = common::fixture("blobs60.csv");
    let out = polyclust(
        &["score", "--data", file.to_str().unwrap(), "--json"],
        dir.path(),
    );
    let v = json_stdout(&out);
    let s = v["silhouette"].as_f64().unwrap();
    assert!((s - common::sklearn_reference("blobs60")).abs() < 1e-9);
    assert_eq!(v["n"], 60);
    assert_eq!(v["k"], 4);
}

#[test]
fn score_other_column_reports_ari() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "two.csv",
        "a,guess,label\n0,x,0\n0.1,x,0\n5,y,1\n5.1,y,1\n5.2,x,1\n",
    );
    let out = polyclust(
        &[
            "score",
            "--data",
            "two.csv",
            "--labels-from",
            "guess",
            "--json",
        ],
        dir.path(),
    );
    let v = json_stdout(&out);
    assert_eq!(v["d"], 1, "neither label column is a feature");
    assert!(v["ari"].as_f64().unwrap() < 1.0);
}

#[test]
fn kmeans_on_generated_blobs() {
    let dir = tempfile::tempdir().unwrap();
    let out = polyclust(
        &["kmeans", "--generate", "blobs", "--k", "5", "--json"],
        dir.path(),
    );
    let v = json_stdout(&out);
    assert_eq!(v["n"], 600);
    assert!(v["silhouette"].as_f64().unwrap() > 0.5);
    assert!(v["ari"].as_f64().unwrap() > 0.9);
}

#[test]
fn instance_commands() {
    let Some(instances) = common::instances_dir() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_polyclust"))
            .args(args)
            .env("POLYCLUST_INSTANCES", &instances)
            .current_dir(dir.path())
            .output()
            .unwrap();
        json_stdout(&out)
    };
    let list = run(&["instances", "list", "--json"]);
    assert_eq!(list["instances"].as_array().unwrap().len(), 17);
    for name in ["hepta", "iris", "spam"] {
        let v = run(&["score", "--instance", name, "--json"]);
        let s = v["silhouette"].as_f64().unwrap();
        assert!((s - common::sklearn_reference(name)).abs() < 1e-9, "{name}");
    }
    let v = run(&[
        "kmeans",
        "--instance",
        "hepta",
        "--k",
        "7",
        "--restarts",
        "10",
        "--json",
    ]);
    assert!(v["silhouette"].as_f64().unwrap() >= 0.70);
    assert_eq!(v["k"], 7);
    let unknown = std::process::Command::new(env!("CARGO_BIN_EXE_polyclust"))
        .args(["score", "--instance", "nosuch"])
        .env("POLYCLUST_INSTANCES", &instances)
        .output()
        .unwrap();
    assert_clear_error(&unknown, &["nosuch"]);
}

#[test]
fn cluster_parameter_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pts.csv", "a,b\n0,0\n1,0\n0,1\n1,1\n0.5,0.5\n");
    let base = ["cluster", "--data", "pts.csv", "--no-label"];
    let run = |extra: &[&str]| {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        polyclust(&args, dir.path())
    };
    assert_clear_error(&run(&["--k", "2", "--beta", "3"]), &["beta = 3", "d = 2"]);
    assert_clear_error(&run(&["--k", "2", "--m", "0"]), &["M = 0"]);
    assert_clear_error(&run(&["--k", "2", "--lambda", "-1"]), &["lambda = -1"]);
    assert_clear_error(&run(&["--k", "2", "--n-min", "3"]), &["n-min = 3"]);
    assert_clear_error(&run(&["--k", "6"]), &["k = 6", "n = 5"]);
}

#[test]
fn cluster_writes_outputs_and_explains() {
    let dir = tempfile::tempdir().unwrap();
    let out = polyclust(
        &[
            "cluster",
            "--generate",
            "blobs",
            "--k",
            "5",
            "--out",
            "run",
            "--plot-columns",
            "x1,x2",
            "--plot",
            "run/plot.svg",
            "--json",
        ],
        dir.path(),
    );
    let v = json_stdout(&out);
    for key in [
        "n",
        "d",
        "k",
        "silhouette",
        "fidelity",
        "hyperplanes",
        "seconds",
        "backend",
        "status",
    ] {
        assert!(v.get(key).is_some(), "{key} missing from {v}");
    }
    for file in [
        "assignments.csv",
        "model.json",
        "rules.txt",
        "rules.sql",
        "plot.svg",
    ] {
        assert!(dir.path().join("run").join(file).is_file(), "{file}");
    }
    let svg = std::fs::read_to_string(dir.path().join("run/plot.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.contains("cluster 0"));
    let rules = polyclust(
        &["explain", "--model", "run/model.json", "--format", "text"],
        dir.path(),
    );
    let text = String::from_utf8_lossy(&rules.stdout);
    assert!(
        text.contains("Cluster 0") && text.contains("Pairwise comparisons"),
        "{text}"
    );
    let sql = polyclust(
        &["explain", "--model", "run/model.json", "--format", "sql"],
        dir.path(),
    );
    let sql = String::from_utf8_lossy(&sql.stdout);
    assert!(sql.starts_with("CASE") && sql.trim_end().ends_with("END"));
    let json = polyclust(
        &["explain", "--model", "run/model.json", "--format", "json"],
        dir.path(),
    );
    let parsed: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        parsed["clusters"].as_array().unwrap().len(),
        v["k"].as_u64().unwrap() as usize
    );
    let bad = polyclust(&["explain", "--model", "run/rules.txt"], dir.path());
    assert_clear_error(&bad, &["rules.txt"]);
}

#[test]
fn explain_writes_sql_per_dialect_and_a_select() {
    let dir = tempfile::tempdir().unwrap();
    let out = polyclust(
        &["cluster", "--generate", "blobs", "--k", "3", "--out", "run"],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let explain = |args: &[&str]| {
        let mut all = vec!["explain", "--model", "run/model.json", "--format", "sql"];
        all.extend_from_slice(args);
        let out = polyclust(&all, dir.path());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    // rules.sql is the ANSI expression, the default of explain.
    let rules = std::fs::read_to_string(dir.path().join("run/rules.sql")).unwrap();
    assert_eq!(explain(&[]), rules);
    assert_eq!(explain(&["--dialect", "ansi"]), rules);
    assert!(
        rules.contains("CAST(\"x1\" AS DOUBLE PRECISION)"),
        "{rules}"
    );
    let duckdb = explain(&["--dialect", "duckdb"]);
    assert!(duckdb.contains("CAST(\"x1\" AS DOUBLE)"), "{duckdb}");
    let sqlite = explain(&["--dialect", "sqlite"]);
    assert!(sqlite.contains("CAST(\"x1\" AS REAL)"), "{sqlite}");
    let spark = explain(&[
        "--dialect",
        "spark",
        "--table",
        "sales.customers",
        "--keep",
        "id,x1",
    ]);
    assert!(spark.starts_with("SELECT `id`, `x1`,\nCASE\n"), "{spark}");
    assert!(
        spark.ends_with("END AS `cluster`\nFROM sales.customers\n"),
        "{spark}"
    );
    assert!(!spark.contains('"'), "{spark}");
    let all = explain(&["--dialect", "postgres", "--table", "customers"]);
    assert!(all.starts_with("SELECT *,\nCASE\n"), "{all}");
    assert!(all.contains("CAST(\"x1\" AS DOUBLE PRECISION)"), "{all}");

    let text_with_dialect = polyclust(
        &[
            "explain",
            "--model",
            "run/model.json",
            "--dialect",
            "duckdb",
        ],
        dir.path(),
    );
    assert_clear_error(&text_with_dialect, &["--format sql"]);
    let bad = polyclust(
        &[
            "explain",
            "--model",
            "run/model.json",
            "--format",
            "sql",
            "--dialect",
            "mysql",
        ],
        dir.path(),
    );
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    for d in ["ansi", "sqlite", "duckdb", "postgres", "spark"] {
        assert!(stderr.contains(d), "{stderr}");
    }
}
