//! MPC end to end: quality on hepta, Algorithm 1 monotone, and exactness of
//! the exported model: `predict` and the SQL rules (through SQLite) reproduce
//! the assignments on the input data.

mod common;

use polyclust::data::{gaussian_blobs, quadrants, Registry};
use polyclust::mpc::{self, ExplanationSpace, MpcParams};
use std::path::Path;

fn fit_dataset(ds: &polyclust::data::Dataset, k: usize, m: u32, beta: usize) -> mpc::MpcFit {
    let space = ExplanationSpace::identity(ds.d());
    let params = MpcParams::new(k)
        .m(m)
        .beta(beta.min(ds.d()))
        .seed(3)
        .check(ds.x.view(), space.dim())
        .unwrap();
    mpc::fit(ds.x.view(), &ds.map, space, &params, &()).unwrap()
}

#[test]
fn algorithm_one_is_monotone() {
    for seed in 0..4 {
        let ds = gaussian_blobs(240, 3, 4, 2.0, seed).into_dataset();
        for (m, beta) in [(1, 1), (3, 2)] {
            let space = ExplanationSpace::identity(ds.d());
            let params = MpcParams::new(4)
                .m(m)
                .beta(beta)
                .lambda(5.0)
                .seed(seed)
                .check(ds.x.view(), 3)
                .unwrap();
            let fit = mpc::fit(ds.x.view(), &ds.map, space, &params, &()).unwrap();
            let h = &fit.init_history;
            assert!(!h.is_empty());
            for w in h.windows(2) {
                assert!(
                    w[1] <= w[0] + 1e-9 * w[0].abs().max(1.0),
                    "objective rose: {h:?}"
                );
            }
        }
    }
}

#[test]
fn model_roundtrips_through_json_and_predicts_its_assignment() {
    let ds = gaussian_blobs(300, 2, 3, 1.0, 5).into_dataset();
    let fit = fit_dataset(&ds, 3, 3, 2);
    let text = fit.model.to_json();
    let back = mpc::PolytopeModel::from_json(&text).unwrap();
    assert_eq!(back, fit.model);
    let (labels, _) = back.assign(ds.x.view());
    assert_eq!(labels, fit.labels);
    let broken = text.replace("\"schema_version\": 1", "\"schema_version\": 99");
    assert!(mpc::PolytopeModel::from_json(&broken)
        .unwrap_err()
        .to_string()
        .contains("99"));
}

#[test]
fn separable_quadrants_axis_parallel_have_full_fidelity() {
    let ds = quadrants(400, 0.05, 2).into_dataset();
    let fit = fit_dataset(&ds, 4, 1, 1);
    assert_eq!(fit.fidelity, 1.0);
    assert_eq!(fit.model.k(), 4);
}

/// Load `dir/assignments.csv` as a vector of (row, cluster).
fn read_assignments(path: &Path) -> Vec<(usize, usize)> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].parse().unwrap(), r[1].parse().unwrap())
        })
        .collect()
}

/// Evaluate `rules.sql` with SQLite over the input CSV; returns (row, cluster).
fn sqlite_assignments(
    csv_path: &Path,
    sql_expr: &str,
    categorical: &[String],
) -> Vec<(usize, usize)> {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    let mut reader = csv::Reader::from_path(csv_path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let columns: Vec<String> = header
        .iter()
        .map(|h| {
            let kind = if categorical.contains(h) || h == "label" {
                "TEXT"
            } else {
                "REAL"
            };
            format!("\"{h}\" {kind}")
        })
        .collect();
    conn.execute(
        &format!("CREATE TABLE t (row_id INTEGER, {})", columns.join(", ")),
        [],
    )
    .unwrap();
    let placeholders: Vec<String> = (0..=header.len()).map(|i| format!("?{}", i + 1)).collect();
    let insert = format!("INSERT INTO t VALUES ({})", placeholders.join(", "));
    let tx = conn.unchecked_transaction().unwrap();
    {
        let mut stmt = tx.prepare(&insert).unwrap();
        for (row, record) in reader.records().enumerate() {
            let record = record.unwrap();
            let mut values: Vec<rusqlite::types::Value> = vec![(row as i64).into()];
            for (h, cell) in header.iter().zip(record.iter()) {
                let v = if cell.trim().is_empty() {
                    rusqlite::types::Value::Null
                } else if categorical.contains(h) || h == "label" {
                    cell.to_string().into()
                } else {
                    cell.trim().parse::<f64>().unwrap().into()
                };
                values.push(v);
            }
            stmt.execute(rusqlite::params_from_iter(values)).unwrap();
        }
    }
    tx.commit().unwrap();
    let mut stmt = conn
        .prepare(&format!("SELECT row_id, {sql_expr} FROM t ORDER BY row_id"))
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize))
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn predict_and_sql_reproduce_assignments_on_instances() {
    let Some(instances) = common::instances_dir() else {
        return;
    };
    let registry = Registry::open(&instances).unwrap();
    let names = [
        "atom",
        "chainlink",
        "engytime",
        "hepta",
        "lsun",
        "target",
        "tetra",
        "twodiamonds",
        "wingnut",
        "iris",
        "wine",
        "zoo",
        "seeds",
    ];
    for name in names {
        let info = registry.info(name).unwrap();
        let csv_path = registry.path(info);
        let out = tempfile::tempdir().unwrap();
        let run = |args: &[&str]| {
            std::process::Command::new(env!("CARGO_BIN_EXE_polyclust"))
                .args(args)
                .env("POLYCLUST_INSTANCES", &instances)
                .output()
                .unwrap()
        };
        let out_dir = out.path().to_str().unwrap();
        let fitted = run(&[
            "cluster",
            "--instance",
            name,
            "--k",
            "3",
            "--seed",
            "1",
            "--out",
            out_dir,
            "--json",
        ]);
        let summary = common::json_stdout(&fitted);
        assert!(
            summary["fidelity"].as_f64().unwrap() > 0.9,
            "{name}: {summary}"
        );
        let assignments = read_assignments(&out.path().join("assignments.csv"));
        let predicted = run(&[
            "predict",
            "--model",
            out.path().join("model.json").to_str().unwrap(),
            "--data",
            csv_path.to_str().unwrap(),
        ]);
        assert!(
            predicted.status.success(),
            "{}",
            String::from_utf8_lossy(&predicted.stderr)
        );
        let mut reader = csv::Reader::from_reader(predicted.stdout.as_slice());
        let predicted: Vec<(usize, usize)> = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                (r[0].parse().unwrap(), r[1].parse().unwrap())
            })
            .collect();
        assert_eq!(
            predicted, assignments,
            "{name}: predict differs from assignments.csv"
        );
        let sql = std::fs::read_to_string(out.path().join("rules.sql")).unwrap();
        let from_sql = sqlite_assignments(&csv_path, &sql, &info.categorical_columns);
        assert_eq!(
            from_sql, assignments,
            "{name}: rules.sql differs from assignments.csv"
        );
    }
}

#[test]
fn hepta_mpc2_quality() {
    let Some(instances) = common::instances_dir() else {
        return;
    };
    let ds = Registry::open(&instances).unwrap().load("hepta").unwrap();
    let fit = fit_dataset(&ds, 7, 3, 2);
    assert!(fit.silhouette.unwrap() >= 0.70, "{:?}", fit.silhouette);
    assert_eq!(fit.fidelity, 1.0);
}

/// Rows whose pairwise duels are cyclic are held by extension polytopes of
/// their cluster: fidelity 1 on the training rows, the decisions of the
/// clusters' own polytopes unchanged, and the rules reproduce the labels.
#[test]
fn every_training_row_lies_in_a_polytope() {
    let ds = gaussian_blobs(300, 4, 7, 2.5, 0).into_dataset();
    let space = ExplanationSpace::identity(ds.d());
    let params = MpcParams::new(7)
        .m(1)
        .beta(1)
        .local_search(false)
        .check(ds.x.view(), ds.d())
        .unwrap();
    let fit = mpc::fit(ds.x.view(), &ds.map, space, &params, &()).unwrap();
    assert_eq!(fit.fidelity, 1.0);
    assert_eq!(fit.uncovered, 0);
    let model = &fit.model;
    assert!(
        !model.extensions().is_empty(),
        "this start leaves cyclic rows"
    );
    let k = model.k();
    let z = model.space.transform(ds.x.view());
    let own = |t: usize| {
        model.polytopes[..k].iter().position(|p| {
            p.halfspaces
                .iter()
                .all(|h| h.contains(&model.hyperplanes, z.row(t)))
        })
    };
    let (labels, inside) = model.assign(ds.x.view());
    assert!(inside.iter().all(|&i| i));
    assert_eq!(labels, fit.labels);
    for (t, &label) in labels.iter().enumerate() {
        if let Some(c) = own(t) {
            assert_eq!(label, c, "row {t}: its own cluster's polytope decides it");
        }
    }
    let held_by_extensions = (0..ds.n()).filter(|&t| own(t).is_none()).count();
    assert_eq!(
        held_by_extensions,
        model.extensions().iter().map(|p| p.size).sum::<usize>()
    );
    let back = mpc::PolytopeModel::from_json(&model.to_json()).unwrap();
    assert_eq!(back.assign(ds.x.view()).0, fit.labels);
    assert!(polyclust::explain::rules_text(model).contains("extended"));
}
