//! Property: the exported rules are exact. On random data (numeric and
//! categorical columns, with and without binarized thresholds), the model's
//! decision rule, `predict` through the saved JSON, and the SQL expression
//! evaluated by SQLite all reproduce the fitted assignment.

use polyclust::data::{load_csv, LoadOptions};
use polyclust::explain;
use polyclust::mpc::{self, ExplanationSpace, MpcParams, PolytopeModel};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::Write;

/// Random CSV: `d` numeric columns around `k` centres plus a categorical column.
fn random_csv(seed: u64, n: usize, d: usize, k: usize) -> tempfile::NamedTempFile {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let centres: Vec<Vec<f64>> = (0..k)
        .map(|_| (0..d).map(|_| rng.random_range(-50.0..50.0)).collect())
        .collect();
    let mut f = tempfile::NamedTempFile::new().unwrap();
    let header: Vec<String> = (0..d)
        .map(|j| format!("v{j}"))
        .chain(["colour".into()])
        .collect();
    writeln!(f, "{}", header.join(",")).unwrap();
    for i in 0..n {
        let c = i % k;
        let mut cells: Vec<String> = (0..d)
            .map(|j| format!("{}", centres[c][j] + rng.random_range(-20.0..20.0)))
            .collect();
        let colour = ["red", "green", "blue"][(c + usize::from(rng.random_bool(0.2))) % 3];
        cells.push(colour.into());
        writeln!(f, "{}", cells.join(",")).unwrap();
    }
    f
}

fn sql_labels(csv: &std::path::Path, d: usize, expr: &str) -> Vec<usize> {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    let cols: Vec<String> = (0..d).map(|j| format!("\"v{j}\" REAL")).collect();
    conn.execute(
        &format!(
            "CREATE TABLE t (id INTEGER, {}, \"colour\" TEXT)",
            cols.join(", ")
        ),
        [],
    )
    .unwrap();
    let mut reader = csv::Reader::from_path(csv).unwrap();
    for (id, rec) in reader.records().enumerate() {
        let rec = rec.unwrap();
        let mut values: Vec<rusqlite::types::Value> = vec![(id as i64).into()];
        for j in 0..d {
            values.push(rec[j].parse::<f64>().unwrap().into());
        }
        values.push(rec[d].to_string().into());
        let marks: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
        conn.execute(
            &format!("INSERT INTO t VALUES ({})", marks.join(",")),
            rusqlite::params_from_iter(values),
        )
        .unwrap();
    }
    let mut stmt = conn
        .prepare(&format!("SELECT {expr} FROM t ORDER BY id"))
        .unwrap();
    let rows = stmt.query_map([], |r| r.get::<_, i64>(0)).unwrap();
    rows.map(|r| r.unwrap() as usize).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn rules_reproduce_assignments(
        seed in 0u64..10_000,
        d in 1usize..4,
        k in 2usize..5,
        m in 1u32..4,
        beta in 1usize..3,
        binarize in prop::option::of(2usize..5),
        product in any::<bool>(),
    ) {
        let n = 60 + (seed % 60) as usize;
        let file = random_csv(seed, n, d, k);
        let ds = load_csv(file.path(), &LoadOptions { label_column: None, ..Default::default() }).unwrap();
        let mut space = ExplanationSpace::identity(ds.d());
        if let Some(q) = binarize {
            space.add_quantile_thresholds(ds.x.view(), q);
        }
        if product && ds.d() >= 2 {
            space.add_products(ds.x.view(), &[vec![0, ds.d() - 1]]);
        }
        let params = MpcParams::new(k)
            .m(m)
            .beta(beta.min(space.dim()))
            .seed(seed)
            .check(ds.x.view(), space.dim())
            .unwrap();
        let fit = mpc::fit(ds.x.view(), &ds.map, space, &params, &()).unwrap();
        // The saved model decides as the fitted one.
        let model = PolytopeModel::from_json(&fit.model.to_json()).unwrap();
        let (again, _) = model.assign(ds.x.view());
        prop_assert_eq!(&again, &fit.labels);
        // So does SQLite on the original columns.
        let from_sql = sql_labels(file.path(), d, &explain::rules_sql(&model, explain::Dialect::Ansi));
        prop_assert_eq!(&from_sql, &fit.labels);
        // Fidelity counts rows inside their own polytope.
        let fidelity = model.fidelity(ds.x.view(), &fit.labels);
        prop_assert!((fidelity - fit.fidelity).abs() < 1e-12);
    }
}
