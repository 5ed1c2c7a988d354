//! `bench reference` on a small generated registry: the files, their
//! columns, figures that agree with each other, and `score`'s NCA and price
//! of explainability.

mod common;

use common::{assert_clear_error, json_stdout, polyclust_with_instances};
use std::collections::HashMap;
use std::path::Path;

const HEADER: &str = "instance,n,d,k,method,runs,ari,nca,silhouette,price,conditions,terms,weighted_conditions,features,leaves,fidelity,smallest_cluster,clusters,seconds";
const POLYCLUST: [&str; 6] = [
    "default",
    "MPC-1 k-means",
    "MPC-2 k-means",
    "MPC-2 pieces",
    "MPC-1 silhouette",
    "MPC-2 silhouette",
];

/// A registry with three well-separated labelled blobs (150 rows, 2
/// features) and four (120 rows, 3 features).
fn registry(dir: &Path) {
    polyclust::data::gaussian_blobs(150, 2, 3, 0.3, 11)
        .write_csv(&dir.join("three.csv"))
        .unwrap();
    polyclust::data::gaussian_blobs(120, 3, 4, 0.3, 5)
        .write_csv(&dir.join("four.csv"))
        .unwrap();
    std::fs::write(
        dir.join("manifest.json"),
        r#"[{"name": "three", "file": "three.csv", "suite": "synthetic", "n_rows": 150, "n_features": 2},
            {"name": "four", "file": "four.csv", "suite": "synthetic", "n_rows": 120, "n_features": 3}]"#,
    )
    .unwrap();
}

/// results.csv as one map of column → cell per line.
fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).expect("results.csv written");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(HEADER));
    let names: Vec<&str> = HEADER.split(',').collect();
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), names.len(), "{line}");
            names
                .iter()
                .zip(cells)
                .map(|(n, c)| (n.to_string(), c.to_string()))
                .collect()
        })
        .collect()
}

fn num(row: &HashMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column} = '{}' is not a number", row[column]))
}

#[test]
fn bench_reference_measures_every_method_at_the_number_of_classes() {
    let dir = tempfile::tempdir().unwrap();
    registry(dir.path());
    let out = polyclust_with_instances(
        &[
            "bench",
            "reference",
            "--seeds",
            "2",
            "--out",
            "out",
            "--json",
        ],
        dir.path(),
        Some(dir.path()),
    );
    let json = json_stdout(&out);
    let rows = read_csv(&dir.path().join("out/results.csv"));
    let methods: Vec<&str> = POLYCLUST.iter().copied().chain(["k-means++"]).collect();
    // One line per instance and method in registry order, then the means.
    let order: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r["instance"].clone(), r["method"].clone()))
        .collect();
    let expected: Vec<(String, String)> = ["three", "four", "mean"]
        .iter()
        .flat_map(|i| methods.iter().map(move |m| (i.to_string(), m.to_string())))
        .collect();
    assert_eq!(order, expected);
    assert_eq!(json["rows"].as_array().unwrap().len(), 2 * methods.len());
    assert_eq!(json["means"].as_array().unwrap().len(), methods.len());
    for r in rows.iter().filter(|r| r["instance"] != "mean") {
        let what = format!("{} {}", r["instance"], r["method"]);
        let k = if r["instance"] == "three" { 3.0 } else { 4.0 };
        assert_eq!(num(r, "k"), k, "{what}");
        assert_eq!(num(r, "runs"), 2.0, "{what}");
        // Separated blobs: every method finds them, at the price of k-means.
        assert_eq!(num(r, "clusters"), k, "{what}");
        assert!((num(r, "ari") - 1.0).abs() < 1e-12, "{what}");
        assert!((num(r, "nca") - 1.0).abs() < 1e-12, "{what}");
        assert!((num(r, "price") - 1.0).abs() < 1e-9, "{what}");
        assert!(num(r, "silhouette") > 0.7, "{what}");
        assert!(num(r, "seconds") >= 0.0, "{what}");
        assert!(num(r, "smallest_cluster") >= 1.0, "{what}");
        if r["method"] == "k-means++" {
            for column in ["conditions", "terms", "weighted_conditions", "fidelity"] {
                assert_eq!(r[column], "", "{what} {column}");
            }
        } else {
            assert_eq!(num(r, "fidelity"), 1.0, "{what}");
            let conditions = num(r, "conditions");
            assert!(conditions >= k - 1.0, "{what}: {conditions} conditions");
            assert!(num(r, "terms") >= conditions, "{what}");
            let per_row = num(r, "weighted_conditions");
            assert!(per_row >= 1.0 && per_row <= conditions, "{what}");
            assert!(num(r, "features") >= 1.0 && num(r, "features") <= num(r, "d"));
            assert_eq!(r["leaves"], "", "{what}");
        }
    }
    // A mean row is the mean of the instances' rows.
    for m in &methods {
        let of = |i: &str| {
            rows.iter()
                .find(|r| r["instance"] == i && r["method"] == *m)
                .unwrap()
        };
        let mean = (num(of("three"), "silhouette") + num(of("four"), "silhouette")) / 2.0;
        assert!((num(of("mean"), "silhouette") - mean).abs() < 1e-9, "{m}");
    }
    let md = std::fs::read_to_string(dir.path().join("out/results.md")).unwrap();
    for needle in [
        "polyclust bench reference --seeds 2",
        "## ARI",
        "## NCA",
        "## Price of explainability",
        "| three | 3 |",
        "| **mean** |",
        "`polyclust cluster --k K --seed S --preset mpc1 --objective kmeans`",
    ] {
        assert!(md.contains(needle), "'{needle}' missing from:\n{md}");
    }
}

#[test]
fn bench_reference_refuses_zero_seeds_and_unknown_instances() {
    let dir = tempfile::tempdir().unwrap();
    registry(dir.path());
    let out = polyclust_with_instances(
        &["bench", "reference", "--seeds", "0"],
        dir.path(),
        Some(dir.path()),
    );
    assert_clear_error(&out, &["seeds"]);
    let out = polyclust_with_instances(
        &["bench", "reference", "--instances", "nowhere"],
        dir.path(),
        Some(dir.path()),
    );
    assert_clear_error(&out, &["nowhere"]);
    assert!(!dir.path().join("bench-reference").exists());
}

/// With the peers' interpreter (`POLYCLUST_PEERS_PYTHON`, e.g. the one
/// `benches/peers/setup.sh` prints), the peers' rows come in the same
/// command; skipped without it.
#[test]
fn bench_reference_runs_the_peers_with_python() {
    let Some(python) = std::env::var_os("POLYCLUST_PEERS_PYTHON") else {
        eprintln!("POLYCLUST_PEERS_PYTHON is not set: the peers' rows are not tested");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    registry(dir.path());
    let out = polyclust_with_instances(
        &[
            "bench",
            "reference",
            "--instances",
            "three",
            "--seeds",
            "1",
            "--python",
            python.to_str().unwrap(),
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
    let rows = read_csv(&dir.path().join("out/results.csv"));
    for peer in ["k-means", "GMM", "Ward", "ExKMC-1", "ExKMC-5"] {
        let r = rows
            .iter()
            .find(|r| r["instance"] == "three" && r["method"] == peer)
            .unwrap_or_else(|| panic!("no {peer} row"));
        assert!((num(r, "ari") - 1.0).abs() < 1e-12, "{peer}");
        assert_eq!(num(r, "clusters"), 3.0, "{peer}");
        if peer.starts_with("ExKMC") {
            // A tree of at least 3 leaves has at least 2 + 2 conditions on
            // its leaves' paths (3 leaves: depths 1, 2, 2).
            assert!(num(r, "leaves") >= 3.0, "{peer}");
            assert!(num(r, "conditions") >= 5.0, "{peer}");
            assert_eq!(num(r, "terms"), num(r, "conditions"));
        }
    }
}

#[test]
fn score_reports_nca_and_the_price_of_explainability() {
    let dir = tempfile::tempdir().unwrap();
    registry(dir.path());
    let json = json_stdout(&polyclust_with_instances(
        &["score", "--instance", "three", "--json"],
        dir.path(),
        Some(dir.path()),
    ));
    // The labels of separated blobs are the k-means partition.
    let price = json["price_of_explainability"].as_f64().unwrap();
    assert!((price - 1.0).abs() < 1e-9, "{price}");
    // Scoring the label column against itself (as another column).
    let csv = std::fs::read_to_string(dir.path().join("three.csv")).unwrap();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    let mut text = format!("{header},guess\n");
    for (t, line) in lines.enumerate() {
        let label = line.rsplit(',').next().unwrap();
        // Every tenth row moved to another cluster.
        let guess = if t % 10 == 0 {
            format!("x{label}")
        } else {
            label.to_string()
        };
        text.push_str(&format!("{line},{guess}\n"));
    }
    std::fs::write(dir.path().join("guess.csv"), text).unwrap();
    let json = json_stdout(&polyclust_with_instances(
        &[
            "score",
            "--data",
            "guess.csv",
            "--labels-from",
            "guess",
            "--json",
        ],
        dir.path(),
        None,
    ));
    let ari = json["ari"].as_f64().unwrap();
    let nca = json["nca"].as_f64().unwrap();
    assert!(ari < 1.0 && nca < 1.0 && nca > 0.5, "ari {ari}, nca {nca}");
    assert!(json["price_of_explainability"].as_f64().unwrap() > 1.0);
}
