//! `bench paper`, `bench speed` and `bench solvers --mpc`: files, rows, the
//! paper's figures beside ours, and one clear sentence with exit code 2 on
//! bad input.

mod common;

use common::{assert_clear_error, instances_dir, json_stdout, polyclust, polyclust_with_instances};
use std::path::Path;

const HEADER: &str = "instance,method,silhouette,k,fidelity,hyperplanes,median_run_seconds,paper_silhouette,paper_seconds,smallest_cluster,min_cluster_size";
const METHODS: [&str; 3] = ["kmeans++", "mpc1", "mpc2"];

/// One parsed line of results.csv (empty cells as `None`).
struct CsvRow {
    instance: String,
    method: String,
    silhouette: f64,
    k: usize,
    fidelity: Option<f64>,
    hyperplanes: Option<usize>,
    median_run_seconds: f64,
    paper_silhouette: Option<f64>,
    paper_seconds: Option<f64>,
    smallest_cluster: usize,
    min_cluster_size: usize,
}

fn read_results(out: &Path) -> Vec<CsvRow> {
    let text = std::fs::read_to_string(out.join("results.csv")).expect("results.csv written");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(HEADER));
    let opt = |c: &str| (!c.is_empty()).then(|| c.parse::<f64>().expect("a number"));
    lines
        .map(|line| {
            let c: Vec<&str> = line.split(',').collect();
            assert_eq!(c.len(), 11, "{line}");
            CsvRow {
                instance: c[0].into(),
                method: c[1].into(),
                silhouette: c[2].parse().expect("a silhouette"),
                k: c[3].parse().expect("a cluster count"),
                fidelity: opt(c[4]),
                hyperplanes: (!c[5].is_empty()).then(|| c[5].parse().expect("a count")),
                median_run_seconds: c[6].parse().expect("seconds"),
                paper_silhouette: opt(c[7]),
                paper_seconds: opt(c[8]),
                smallest_cluster: c[9].parse().expect("a cluster size"),
                min_cluster_size: c[10].parse().expect("a cluster size"),
            }
        })
        .collect()
}

/// Rows are one per instance and method, in the order asked, with values in range.
fn check_rows(rows: &[CsvRow], instances: &[&str]) {
    let order: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r.instance.as_str(), r.method.as_str()))
        .collect();
    let expected: Vec<(&str, &str)> = instances
        .iter()
        .flat_map(|i| METHODS.iter().map(move |m| (*i, *m)))
        .collect();
    assert_eq!(order, expected);
    for r in rows {
        assert!((-1.0..=1.0).contains(&r.silhouette), "{}", r.silhouette);
        assert!(r.k >= 2, "{} {}", r.instance, r.method);
        // The default floor, 1 % of the rows and at least 2, holds.
        assert!(r.min_cluster_size >= 2, "{} {}", r.instance, r.method);
        assert!(
            r.smallest_cluster >= r.min_cluster_size,
            "{} {}: smallest cluster {} under the floor {}",
            r.instance,
            r.method,
            r.smallest_cluster,
            r.min_cluster_size
        );
        assert!(r.median_run_seconds >= 0.0);
        if r.method == "kmeans++" {
            assert!(r.fidelity.is_none() && r.hyperplanes.is_none());
        } else {
            let f = r.fidelity.expect("MPC rows report fidelity");
            assert!((0.0..=1.0).contains(&f));
            assert!(r.hyperplanes.expect("MPC rows count hyperplanes") >= 1);
        }
    }
}

#[test]
fn bench_paper_on_hepta_and_iris_writes_our_figures_beside_the_papers() {
    let Some(instances) = instances_dir() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let out = polyclust_with_instances(
        &[
            "bench",
            "paper",
            "--instances",
            "hepta,iris",
            "--restarts",
            "1",
            "--out",
            out_dir.to_str().unwrap(),
            "--json",
        ],
        dir.path(),
        Some(&instances),
    );
    let json = json_stdout(&out);
    let rows = read_results(&out_dir);
    check_rows(&rows, &["hepta", "iris"]);
    let json_rows = json["rows"].as_array().expect("rows");
    assert_eq!(json_rows.len(), rows.len());
    for (j, r) in json_rows.iter().zip(&rows) {
        assert_eq!(j["instance"], r.instance.as_str());
        assert_eq!(j["method"], r.method.as_str());
        assert_eq!(j["silhouette"].as_f64(), Some(r.silhouette));
        assert_eq!(j["runs"], 9, "k = 2..10, one seed");
    }
    for r in &rows {
        // Tables 1–4 list every method on both instances.
        let paper = r
            .paper_silhouette
            .expect("paper silhouette for hepta and iris");
        assert!(r.paper_seconds.is_some(), "{} {}", r.instance, r.method);
        // The paper's best runs are within reach of one seed per k here:
        // hepta's seven blobs, and iris's two groups.
        assert!(
            r.silhouette >= paper - 0.005,
            "{} {}: {} vs the paper's {paper}",
            r.instance,
            r.method,
            r.silhouette
        );
    }
    let hepta_mpc2 = rows
        .iter()
        .find(|r| r.instance == "hepta" && r.method == "mpc2")
        .unwrap();
    assert_eq!(
        (hepta_mpc2.paper_silhouette, hepta_mpc2.paper_seconds),
        (Some(0.702), Some(133.67))
    );
    let md = std::fs::read_to_string(out_dir.join("results.md")).expect("results.md written");
    for needle in [
        "hepta (212, 3)",
        "iris (150, 4)",
        "paper Table 1",
        "paper Table 2",
        "paper Table 3",
        "paper Table 4",
        "MPC-2",
    ] {
        assert!(
            md.contains(needle),
            "'{needle}' missing from results.md:\n{md}"
        );
    }
}

/// A registry with one generated instance the paper does not list.
fn synthetic_registry(dir: &Path) {
    polyclust::data::gaussian_blobs(150, 2, 3, 0.4, 11)
        .write_csv(&dir.join("blobs.csv"))
        .unwrap();
    std::fs::write(
        dir.join("manifest.json"),
        r#"[{"name": "blobs", "file": "blobs.csv", "suite": "synthetic", "n_rows": 150, "n_features": 2}]"#,
    )
    .unwrap();
}

#[test]
fn bench_paper_leaves_the_paper_columns_empty_for_an_instance_it_does_not_list() {
    let dir = tempfile::tempdir().unwrap();
    synthetic_registry(dir.path());
    let out = polyclust_with_instances(
        &[
            "bench",
            "paper",
            "--restarts",
            "2",
            "--k-range",
            "2..4",
            "--out",
            "out",
        ],
        dir.path(),
        Some(dir.path()),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("wrote out/results.csv"), "{stdout}");
    let rows = read_results(&dir.path().join("out"));
    check_rows(&rows, &["blobs"]);
    for r in &rows {
        assert_eq!((r.paper_silhouette, r.paper_seconds), (None, None));
        assert_eq!(r.k, 3, "three blobs: {}", r.method);
    }
    let md = std::fs::read_to_string(dir.path().join("out/results.md")).unwrap();
    assert!(md.contains("| blobs (150, 2) |"), "{md}");
    assert!(md.contains("2 seeds per k"), "{md}");
}

/// `bench speed` without a peer interpreter: polyclust's columns only, the
/// same clusterings whatever the repeats (only the timing is repeated).
#[test]
fn bench_speed_times_both_presets_and_repeats_each_run() {
    let dir = tempfile::tempdir().unwrap();
    synthetic_registry(dir.path());
    let run = |repeats: &str| {
        json_stdout(&polyclust_with_instances(
            &[
                "bench",
                "speed",
                "--instances",
                "blobs",
                "--k-range",
                "2..4",
                "--repeats",
                repeats,
                "--json",
            ],
            dir.path(),
            Some(dir.path()),
        ))
    };
    let (once, thrice) = (run("1"), run("3"));
    for out in [&once, &thrice] {
        let rows = out["rows"].as_array().expect("rows");
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(row["instance"], "blobs");
        assert_eq!((row["n"].as_u64(), row["d"].as_u64()), (Some(150), Some(2)));
        for preset in ["mpc1", "mpc2"] {
            let seconds = row[preset].as_f64().expect("seconds");
            assert!(seconds > 0.0 && seconds < 60.0, "{preset}: {seconds}");
        }
        // No peer interpreter: no peer column, no ratio.
        assert!(row["exkmc1"].is_null() && row["mpc1_over_exkmc1"].is_null());
    }
    for preset in ["mpc1_silhouette", "mpc2_silhouette"] {
        assert_eq!(
            once["rows"][0][preset], thrice["rows"][0][preset],
            "{preset}"
        );
        assert!(once["rows"][0][preset].as_f64().expect("a silhouette") > 0.5);
    }
    assert_clear_error(
        &polyclust_with_instances(
            &["bench", "speed", "--instances", "blobs", "--repeats", "0"],
            dir.path(),
            Some(dir.path()),
        ),
        &["repeats"],
    );
}

#[test]
fn bench_paper_rejects_bad_input_with_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    synthetic_registry(dir.path());
    let registry = Some(dir.path());
    let run = |args: &[&str], instances| {
        let mut all = vec!["bench", "paper"];
        all.extend_from_slice(args);
        polyclust_with_instances(&all, dir.path(), instances)
    };
    assert_clear_error(&run(&["--restarts", "1"], None), &["POLYCLUST_INSTANCES"]);
    assert_clear_error(
        &run(&["--instances", "blobs,nope", "--restarts", "1"], registry),
        &["nope", "blobs"],
    );
    assert_clear_error(
        &run(&["--suite", "fcps", "--restarts", "1"], registry),
        &["no instance of the selected suite"],
    );
    assert_clear_error(
        &run(&["--instances", "blobs", "--restarts", "0"], registry),
        &["restarts"],
    );
    std::fs::write(dir.path().join("taken"), "a file, not a directory").unwrap();
    assert_clear_error(
        &run(
            &[
                "--instances",
                "blobs",
                "--restarts",
                "1",
                "--out",
                "taken/out",
            ],
            registry,
        ),
        &["cannot create output directory", "taken"],
    );
}

#[test]
fn bench_solvers_mpc_backends_reach_the_same_clustering_of_hepta() {
    let Some(_) = instances_dir() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "bench",
        "solvers",
        "--instance",
        "hepta",
        "--mpc",
        "--preset",
        "mpc2",
        "--k",
        "7",
    ];
    let json = json_stdout(&polyclust(&[&args[..], &["--json"]].concat(), dir.path()));
    let rows = json["rows"].as_array().expect("rows");
    let backends: Vec<&str> = rows
        .iter()
        .map(|r| r["backend"].as_str().unwrap())
        .collect();
    assert_eq!(backends, ["highs", "microlp", "enumerate"]);
    assert_eq!(
        (json["m"].as_u64(), json["beta"].as_u64()),
        (Some(3), Some(2))
    );
    let first = rows[0]["silhouette"].as_f64().unwrap();
    assert!(first > 0.70, "hepta's seven blobs: {first}");
    for r in rows {
        // Every hyperplane problem is solved exactly, so the backends agree.
        assert!(
            (r["silhouette"].as_f64().unwrap() - first).abs() < 1e-9,
            "{r}"
        );
        assert_eq!(r["optimal_share"], 1.0, "{r}");
        assert_eq!(r["solves"], r["solves_optimal"]);
        assert!(
            r["solves"].as_u64().unwrap() >= 21,
            "one problem per pair of 7 clusters"
        );
        assert_eq!(r["clusters"], 7);
        assert_eq!(r["fidelity"], 1.0);
    }
    assert_eq!(json["same_silhouette"], true);
    let text = polyclust(&args, dir.path());
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    for backend in backends {
        let line = text
            .lines()
            .find(|l| l.starts_with(backend))
            .unwrap_or_else(|| panic!("no line for {backend}: {text}"));
        assert!(line.contains("(100.0%)"), "{line}");
    }
    assert!(
        text.contains("all backends reach the same silhouette: yes"),
        "{text}"
    );
}

#[test]
fn bench_solvers_mpc_needs_k() {
    let dir = tempfile::tempdir().unwrap();
    let out = polyclust(
        &["bench", "solvers", "--generate", "blobs", "--mpc"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--k"));
}
