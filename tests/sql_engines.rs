//! The rules SQL inside real engines. For models fitted on generated data
//! (blobs; quadrant regimes explained by an interaction product; integer,
//! decimal and one-hot categorical columns with names and values that need
//! quoting; integer ages in a binarized space, with rows exactly on the
//! thresholds; a model that needs the nearest-centre fallback), the rows are
//! loaded into the engine with typed columns, `select_sql` labels them there,
//! and every row's cluster must equal `PolytopeModel::assign` on the same
//! rows read back through the model's feature map (the `predict` path). The
//! rows are the training rows plus probes beyond the training range, where
//! the polytopes extrapolate and the fallback decides, plus rows with empty
//! cells (NULL in the engine), which the engine must decide as `predict`
//! does on the cells present; one model imputes its missing cells
//! (`--missing impute`), which the SQL reads with COALESCE.
//!
//! Engines: SQLite, bundled with rusqlite; PostgreSQL, a server from the
//! machine's packages that the test starts on a Unix socket; DuckDB and Spark
//! (local mode, Java), their Python packages driven by the scripts in
//! `tests/engines/` through the interpreters named by
//! `POLYCLUST_DUCKDB_PYTHON` and `POLYCLUST_SPARK_PYTHON` (default `python3`;
//! `.ci/run` installs both packages in a virtual environment). A test whose
//! engine is missing fails when `CI` is `true` or `1`, and is skipped with a
//! note otherwise.

use polyclust::data::{self, LoadOptions, MissingPolicy, RawTable};
use polyclust::explain::{self, Dialect};
use polyclust::mpc::{self, ExplanationFeature, ExplanationSpace, MpcParams, PolytopeModel};
use polyclust::predict;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// How a column is stored in the engine.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Double,
    Integer,
    /// A fixed-point column with two decimals (DECIMAL(12,2) in DuckDB).
    Money,
    Text,
}

/// A table of generated rows, fitted and then scored.
struct Case {
    name: &'static str,
    /// Column names and storage, `row_id` (INTEGER) first.
    columns: Vec<(String, Kind)>,
    /// The rows scored in the engines, as CSV (training rows and probes).
    csv: PathBuf,
    model: PolytopeModel,
    /// The library's cluster of every scored row (−1: an outlier).
    expected: Vec<i64>,
    /// Scored rows in no polytope (decided by the nearest centre).
    fallback_rows: usize,
    _dir: tempfile::TempDir,
}

/// A generated table: header and cells as text.
struct Table {
    header: Vec<String>,
    kinds: Vec<Kind>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn write(&self, path: &Path, rows: &[Vec<String>]) {
        let mut w = csv::Writer::from_path(path).unwrap();
        let mut header = vec!["row_id".to_string()];
        header.extend(self.header.iter().cloned());
        w.write_record(&header).unwrap();
        for (id, row) in rows.iter().enumerate() {
            let mut rec = vec![id.to_string()];
            rec.extend(row.iter().cloned());
            w.write_record(&rec).unwrap();
        }
        w.flush().unwrap();
    }
}

/// Numbers as text, in a form every engine and the library read alike.
fn cell(v: f64) -> String {
    format!("{v}")
}

/// Rows beyond the training range: each numeric value drawn from up to twice
/// the column's range beyond either end, categories shuffled between rows.
fn probes(table: &Table, count: usize, seed: u64) -> Vec<Vec<String>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let ranges: Vec<(f64, f64)> = (0..table.header.len())
        .map(|j| {
            table
                .rows
                .iter()
                .filter_map(|r| r[j].parse::<f64>().ok())
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                    (a.min(v), b.max(v))
                })
        })
        .collect();
    (0..count)
        .map(|_| {
            table
                .kinds
                .iter()
                .enumerate()
                .map(|(j, kind)| {
                    if *kind == Kind::Text {
                        // A category of another row (`predict` refuses unseen ones).
                        return table.rows[rng.random_range(0..table.rows.len())][j].clone();
                    }
                    let (lo, hi) = ranges[j];
                    let v = rng.random_range(lo - 2.0 * (hi - lo)..hi + 2.0 * (hi - lo));
                    match kind {
                        Kind::Integer => format!("{}", v.round() as i64),
                        Kind::Money => format!("{v:.2}"),
                        _ => cell(v),
                    }
                })
                .collect()
        })
        .collect()
}

/// Rows of the table with one or two cells emptied (NULL in the engines).
fn gaps(table: &Table, count: usize, seed: u64) -> Vec<Vec<String>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|_| {
            let mut row = table.rows[rng.random_range(0..table.rows.len())].clone();
            for _ in 0..rng.random_range(1..=2) {
                let j = rng.random_range(0..row.len());
                row[j] = String::new();
            }
            row
        })
        .collect()
}

/// Fit a model on `table` and score the training rows plus probes with it.
/// What the model is fitted to.
enum Target {
    /// MPC with k clusters.
    Clusters(usize),
    /// MPC with k clusters and outliers set apart.
    ClustersAndOutliers(usize),
    /// Polytopes that explain these labels (`cluster --labels-from`).
    Labels(Vec<usize>),
    /// MPC with k clusters, each a union of up to 8 polytopes (`--pieces 8`).
    Pieces(usize),
}

fn case(
    name: &'static str,
    table: Table,
    target: Target,
    space: impl Fn(&data::Dataset) -> ExplanationSpace,
    m_beta: (u32, usize),
    seed: u64,
) -> Case {
    case_with(
        name,
        table,
        target,
        space,
        m_beta,
        seed,
        MissingPolicy::Drop,
    )
}

fn case_with(
    name: &'static str,
    mut table: Table,
    target: Target,
    space: impl Fn(&data::Dataset) -> ExplanationSpace,
    m_beta: (u32, usize),
    seed: u64,
    missing: MissingPolicy,
) -> Case {
    let dir = tempfile::tempdir().unwrap();
    let train = dir.path().join("train.csv");
    if missing == MissingPolicy::Impute {
        // Training rows with gaps, imputed at fit.
        let holes = gaps(&table, table.rows.len() / 10, seed + 3);
        table.rows.extend(holes);
    }
    table.write(&train, &table.rows);
    let options = LoadOptions {
        label_column: None,
        drop: vec!["row_id".into()],
        categorical: Vec::new(),
        missing,
        ..LoadOptions::default()
    };
    let ds = data::load_csv(&train, &options).unwrap();
    let space = space(&ds);
    let k = match &target {
        Target::Clusters(k) | Target::ClustersAndOutliers(k) | Target::Pieces(k) => *k,
        Target::Labels(labels) => labels.iter().max().unwrap() + 1,
    };
    let params = MpcParams::new(k)
        .m(m_beta.0)
        .beta(m_beta.1)
        .seed(seed)
        .pieces(if let Target::Pieces(_) = target { 8 } else { 1 })
        .check(ds.x.view(), space.dim())
        .unwrap();
    let mut fit = match &target {
        Target::Clusters(_) | Target::ClustersAndOutliers(_) | Target::Pieces(_) => {
            mpc::fit(ds.x.view(), &ds.map, space, &params, &())
        }
        Target::Labels(labels) => mpc::explain_labels(ds.x.view(), &ds.map, space, labels, &params),
    }
    .unwrap();
    if let Target::ClustersAndOutliers(_) = target {
        fit.set_outliers_apart(ds.x.view(), mpc::OUTLIER_MULTIPLE);
        assert!(fit.outlier_count() > 0, "{name}: some outliers");
    }
    if let Target::Pieces(_) = target {
        assert!(fit.model.is_union(), "{name}: a union of polytopes");
    }
    let model = PolytopeModel::from_json(&fit.model.to_json()).unwrap();

    let mut scored = table.rows.clone();
    scored.extend(probes(&table, table.rows.len() / 2, seed + 1));
    scored.extend(gaps(&table, 40, seed + 2));
    let csv = dir.path().join("scored.csv");
    table.write(&csv, &scored);
    // The library's labels through the model's feature map, as `predict` reads a file.
    let raw = RawTable::read(&csv).unwrap();
    let read = LoadOptions {
        label_column: None,
        missing: MissingPolicy::Keep,
        ..LoadOptions::default()
    };
    let encoded = data::prepare(&raw, &read, Some(&model.map)).unwrap();
    assert_eq!(encoded.n(), scored.len(), "{name}: no row dropped");
    let (_, inside) = model.assign(encoded.x.view());
    let expected: Vec<i64> = predict::segments(&model, encoded.x.view())
        .iter()
        .map(|s| s.map_or(mpc::OUTLIER_LABEL, |c| c as i64))
        .collect();
    // Complete rows are decided as `segments` decides them.
    let complete: Vec<usize> = (0..encoded.n())
        .filter(|&t| encoded.x.row(t).iter().all(|v| !v.is_nan()))
        .collect();
    let segments = model.segments(encoded.x.view());
    for &t in &complete {
        assert_eq!(
            expected[t],
            segments[t].map_or(mpc::OUTLIER_LABEL, |c| c as i64)
        );
    }
    let mut columns = vec![("row_id".to_string(), Kind::Integer)];
    columns.extend(table.header.into_iter().zip(table.kinds));
    Case {
        name,
        columns,
        csv,
        model,
        expected,
        fallback_rows: inside.iter().filter(|i| !**i).count(),
        _dir: dir,
    }
}

fn numeric_table(inst: polyclust::data::SyntheticInstance) -> Table {
    Table {
        header: inst.columns.clone(),
        kinds: vec![Kind::Double; inst.columns.len()],
        rows: inst
            .x
            .rows()
            .into_iter()
            .map(|r| r.iter().map(|v| cell(*v)).collect())
            .collect(),
    }
}

/// Customers: age (integer), income with cents in a column whose name needs
/// quoting, and a segment whose categories need quoting.
fn customers(n: usize, seed: u64) -> Table {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let segments = ["O'Brien & Co", r"back\slash", "two words", "Ünïcode"];
    let rows = (0..n)
        .map(|i| {
            let g = i % 3;
            let age: f64 = [25.0, 45.0, 65.0][g] + rng.random_range(-8.0..8.0);
            let income = [1800.0, 5200.0, 3100.0][g] + rng.random_range(-900.0..900.0);
            // The group's segment half of the time, so ages and incomes matter too.
            let segment = if rng.random_bool(0.5) {
                segments[g]
            } else {
                segments[rng.random_range(0..segments.len())]
            };
            vec![
                format!("{}", age.round() as i64),
                format!("{income:.2}"),
                segment.to_string(),
            ]
        })
        .collect();
    Table {
        header: vec!["age".into(), "income \"eur\"".into(), "segment".into()],
        kinds: vec![Kind::Integer, Kind::Money, Kind::Text],
        rows,
    }
}

/// Five age groups (integer ages) with incomes that tell them not apart.
fn ages(n: usize, seed: u64) -> Table {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let rows = (0..n)
        .map(|i| {
            let age = [20, 32, 44, 56, 68][i % 5] + rng.random_range(-3..=3);
            let income: f64 = rng.random_range(1000.0..5000.0);
            vec![age.to_string(), format!("{income:.2}")]
        })
        .collect();
    Table {
        header: vec!["age".into(), "income \"eur\"".into()],
        kinds: vec![Kind::Integer, Kind::Money],
        rows,
    }
}

/// A core inside a ring: groups that do not touch, the ring not convex.
fn ring(n: usize, seed: u64) -> Table {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let rows = (0..n)
        .map(|i| {
            let (lo, hi) = if i % 2 == 0 { (0.0, 1.0) } else { (3.0, 3.6) };
            let (r, phi): (f64, f64) = (rng.random_range(lo..hi), rng.random_range(0.0..6.3));
            vec![cell(10.0 * r * phi.cos()), cell(10.0 * r * phi.sin())]
        })
        .collect();
    Table {
        header: vec!["a".into(), "b".into()],
        kinds: vec![Kind::Double, Kind::Double],
        rows,
    }
}

/// Z = X.
fn identity(ds: &data::Dataset) -> ExplanationSpace {
    ExplanationSpace::identity(ds.d())
}

/// Z = X and the product of the two features, as `cluster --interactions` adds it.
fn with_product(ds: &data::Dataset) -> ExplanationSpace {
    let mut space = ExplanationSpace::identity(ds.d());
    space.add_products(ds.x.view(), &[vec![0, 1]]);
    space
}

/// Ages only as quantile indicators `[age ≥ q]` (a binarized space): every
/// threshold is an age that rows have, so those rows lie exactly on it and
/// an engine that scales the integer column in decimal arithmetic, not in
/// doubles, puts them on the other side.
fn binarized_age(ds: &data::Dataset) -> ExplanationSpace {
    let mut space = ExplanationSpace::identity(ds.d());
    space
        .features
        .retain(|f| !matches!(f, ExplanationFeature::Base { index: 0 }));
    let mut age = ExplanationSpace {
        features: Vec::new(),
    };
    age.add_quantile_thresholds(ds.x.view(), 12);
    age.features
        .retain(|f| matches!(f, ExplanationFeature::Threshold { index: 0, .. }));
    space.features.extend(age.features);
    space
}

/// Every case, fitted once for all the tests of this file.
fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        let blobs = data::gaussian_blobs(240, 3, 4, 0.8, 11);
        // Axis-parallel cuts between seven overlapping blobs in 4-D leave
        // rows in no polytope: the nearest centre decides them.
        let crowded = data::gaussian_blobs(300, 4, 7, 2.5, 0);
        // The regimes sign(x1·x2) explained by one product hyperplane.
        let quadrants = data::quadrants(240, 0.05, 3);
        let regimes = Target::Labels(quadrants.labels.clone());
        let all = vec![
            case(
                "blobs",
                numeric_table(blobs),
                Target::Clusters(4),
                identity,
                (2, 2),
                1,
            ),
            case(
                "quadrants, x1*x2",
                numeric_table(quadrants),
                regimes,
                with_product,
                (1, 1),
                2,
            ),
            case(
                "customers",
                customers(180, 7),
                Target::Clusters(3),
                identity,
                (2, 2),
                3,
            ),
            case(
                "binarized ages",
                ages(200, 8),
                Target::Clusters(5),
                binarized_age,
                (1, 1),
                4,
            ),
            case(
                "fallback",
                numeric_table(crowded),
                Target::Clusters(7),
                identity,
                (1, 1),
                0,
            ),
            case(
                "outliers",
                numeric_table(data::gaussian_blobs(240, 3, 3, 1.2, 21)),
                Target::ClustersAndOutliers(3),
                identity,
                (2, 2),
                5,
            ),
            case(
                "ring, pieces",
                ring(220, 12),
                Target::Pieces(2),
                identity,
                (3, 2),
                7,
            ),
            case_with(
                "imputed customers",
                customers(150, 9),
                Target::Clusters(3),
                identity,
                (2, 2),
                6,
                MissingPolicy::Impute,
            ),
        ];
        for c in &all {
            eprintln!(
                "{}: {} rows, {} decided by the nearest centre",
                c.name,
                c.expected.len(),
                c.fallback_rows
            );
        }
        let fallback = all.iter().find(|c| c.name == "fallback").unwrap();
        assert!(
            fallback.fallback_rows > 0,
            "the fallback case has rows in no polytope"
        );
        all
    })
}

/// The query each engine runs: every row's id and cluster, in id order.
fn query(case: &Case, dialect: Dialect, table: &str) -> String {
    format!(
        "{}\nORDER BY {}",
        explain::select_sql(&case.model, dialect, table, &["row_id"]),
        dialect.quote_ident("row_id")
    )
}

fn assert_labels(case: &Case, engine: &str, dialect: Dialect, rows: &[(i64, i64)]) {
    let ids: Vec<i64> = (0..case.expected.len() as i64).collect();
    let got_ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    assert_eq!(got_ids, ids, "{engine}/{dialect}/{}: every row", case.name);
    let got: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let differing = got
        .iter()
        .zip(&case.expected)
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(
        differing, 0,
        "{engine}/{dialect}/{}: {differing} rows differ from the library",
        case.name
    );
}

fn sqlite_rows(case: &Case, dialect: Dialect) -> Vec<(i64, i64)> {
    use rusqlite::types::Value;
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    let columns: Vec<String> = case
        .columns
        .iter()
        .map(|(name, kind)| {
            let ty = match kind {
                Kind::Double | Kind::Money => "REAL",
                Kind::Integer => "INTEGER",
                Kind::Text => "TEXT",
            };
            format!("{} {ty}", Dialect::Sqlite.quote_ident(name))
        })
        .collect();
    conn.execute(&format!("CREATE TABLE t ({})", columns.join(", ")), [])
        .unwrap();
    let marks: Vec<String> = (1..=case.columns.len()).map(|i| format!("?{i}")).collect();
    let tx = conn.unchecked_transaction().unwrap();
    {
        let mut insert = tx
            .prepare(&format!("INSERT INTO t VALUES ({})", marks.join(", ")))
            .unwrap();
        for rec in csv::Reader::from_path(&case.csv).unwrap().records() {
            let rec = rec.unwrap();
            let values: Vec<Value> = case
                .columns
                .iter()
                .zip(rec.iter())
                .map(|((_, kind), text)| match kind {
                    _ if text.is_empty() => Value::Null,
                    Kind::Double | Kind::Money => text.parse::<f64>().unwrap().into(),
                    Kind::Integer => text.parse::<i64>().unwrap().into(),
                    Kind::Text => text.to_string().into(),
                })
                .collect();
            insert.execute(rusqlite::params_from_iter(values)).unwrap();
        }
    }
    tx.commit().unwrap();
    let mut stmt = conn
        .prepare(&query(case, dialect, "t"))
        .unwrap_or_else(|e| panic!("SQLite reads the {dialect} SQL of {}: {e}", case.name));
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn sqlite_labels_every_row_as_the_library() {
    // Ansi and sqlite are meant for SQLite; DuckDB's and PostgreSQL's double
    // types are REAL in SQLite too.
    let dialects = [
        Dialect::Ansi,
        Dialect::Sqlite,
        Dialect::Duckdb,
        Dialect::Postgres,
    ];
    for case in cases() {
        for dialect in dialects {
            let rows = sqlite_rows(case, dialect);
            assert_labels(case, "sqlite", dialect, &rows);
        }
    }
}

/// True when the environment variable CI says this is a CI run.
fn in_ci() -> bool {
    matches!(std::env::var("CI").as_deref(), Ok("true") | Ok("1"))
}

/// An engine driven through Python: the interpreter, the script in
/// `tests/engines/`, and how the script's table declares a column.
struct PyEngine {
    name: &'static str,
    python: PathBuf,
    script: &'static str,
    quote: Dialect,
    column_type: fn(Kind) -> &'static str,
}

impl PyEngine {
    /// The interpreter named by `env_var`, else `python3`, when it imports
    /// `module` (and `java` runs, for Spark); `None` (a failure in CI) otherwise.
    fn find(
        name: &'static str,
        env_var: &str,
        module: &str,
        script: &'static str,
        quote: Dialect,
        column_type: fn(Kind) -> &'static str,
    ) -> Option<PyEngine> {
        let python = std::env::var_os(env_var)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("python3"));
        let runs = |program: &Path, args: &[&str]| {
            std::process::Command::new(program)
                .args(args)
                .output()
                .is_ok_and(|o| o.status.success())
        };
        let mut missing = Vec::new();
        if !runs(&python, &["-c", &format!("import {module}")]) {
            missing.push(format!("{} cannot import {module}", python.display()));
        }
        if module == "pyspark" && !runs(Path::new("java"), &["-version"]) {
            missing.push("no java".to_string());
        }
        if missing.is_empty() {
            return Some(PyEngine {
                name,
                python,
                script,
                quote,
                column_type,
            });
        }
        let note = format!(
            "no {name}: {} (set {env_var} to a Python with the {module} package; \
             .ci/run installs one)",
            missing.join(", ")
        );
        assert!(!in_ci(), "{note}");
        eprintln!("{note}: {name} test skipped");
        None
    }

    /// Load every case's rows into the engine with typed columns and run the
    /// queries of `dialects`, all in one process: per case, per dialect, the rows.
    fn rows(&self, cases: &[Case], dialects: &[Dialect]) -> Vec<Vec<Vec<(i64, i64)>>> {
        let jobs: Vec<serde_json::Value> = cases
            .iter()
            .map(|case| {
                let columns: Vec<serde_json::Value> = case
                    .columns
                    .iter()
                    .map(|(name, kind)| {
                        serde_json::json!([self.quote.quote_ident(name), (self.column_type)(*kind)])
                    })
                    .collect();
                let queries: Vec<String> = dialects.iter().map(|d| query(case, *d, "t")).collect();
                serde_json::json!({
                    "csv": case.csv,
                    "table": "t",
                    "columns": columns,
                    "queries": queries,
                })
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let spec_path = dir.path().join("spec.json");
        std::fs::write(&spec_path, serde_json::json!({ "jobs": jobs }).to_string()).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/engines")
            .join(self.script);
        let out = std::process::Command::new(&self.python)
            .arg(&script)
            .arg(&spec_path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{} failed: {}",
            self.script,
            String::from_utf8_lossy(&out.stderr)
        );
        let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        eprintln!("{} {}", self.name, answer["version"]);
        answer["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .zip(cases)
            .map(|(job, case)| {
                job.as_array()
                    .unwrap()
                    .iter()
                    .zip(dialects)
                    .map(|(result, dialect)| {
                        if let Some(e) = result.get("error") {
                            panic!(
                                "{} reads the {dialect} SQL of {}: {e}",
                                self.name, case.name
                            );
                        }
                        result["rows"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|r| (r[0].as_i64().unwrap(), r[1].as_i64().unwrap()))
                            .collect()
                    })
                    .collect()
            })
            .collect()
    }

    fn assert_labels(&self, dialects: &[Dialect]) {
        let results = self.rows(cases(), dialects);
        for (case, per_dialect) in cases().iter().zip(&results) {
            for (dialect, rows) in dialects.iter().zip(per_dialect) {
                assert_labels(case, self.name, *dialect, rows);
            }
        }
    }
}

#[test]
fn duckdb_labels_every_row_as_the_library() {
    let column_type = |kind| match kind {
        Kind::Double => "DOUBLE",
        Kind::Money => "DECIMAL(12,2)",
        Kind::Integer => "INTEGER",
        Kind::Text => "VARCHAR",
    };
    let Some(duckdb) = PyEngine::find(
        "DuckDB",
        "POLYCLUST_DUCKDB_PYTHON",
        "duckdb",
        "duckdb_query.py",
        Dialect::Duckdb,
        column_type,
    ) else {
        return;
    };
    // DuckDB's parser is PostgreSQL's: ansi, duckdb and postgres all run.
    // (The sqlite dialect does not belong there: REAL is a 4-byte float in DuckDB.)
    duckdb.assert_labels(&[Dialect::Ansi, Dialect::Duckdb, Dialect::Postgres]);
}

#[test]
fn spark_labels_every_row_as_the_library() {
    let column_type = |kind| match kind {
        Kind::Double => "DOUBLE",
        Kind::Money => "DECIMAL(12,2)",
        Kind::Integer => "INT",
        Kind::Text => "STRING",
    };
    let Some(spark) = PyEngine::find(
        "Spark",
        "POLYCLUST_SPARK_PYTHON",
        "pyspark",
        "spark_query.py",
        Dialect::Spark,
        column_type,
    ) else {
        return;
    };
    // Double quotes delimit strings in Spark SQL: only the spark dialect runs.
    spark.assert_labels(&[Dialect::Spark]);
}

/// A throw-away PostgreSQL server on a Unix socket in a temporary directory,
/// stopped when dropped.
struct Postgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    /// Run the server's programs as this user (the server refuses root).
    user: Option<&'static str>,
}

impl Postgres {
    /// The server programs' directory: `pg_config --bindir`, or the newest
    /// Debian `/usr/lib/postgresql/N/bin`.
    fn bin_dir() -> Option<PathBuf> {
        let from_config = std::process::Command::new("pg_config")
            .arg("--bindir")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
        let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path().join("bin"))
            .collect();
        debian.sort_by_key(|p| {
            p.parent()
                .and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())
        });
        from_config
            .into_iter()
            .chain(debian.into_iter().rev())
            .find(|b| b.join("initdb").is_file() && b.join("postgres").is_file())
    }

    fn start() -> Option<Postgres> {
        let Some(bin) = Self::bin_dir() else {
            let note =
                "no PostgreSQL server (initdb, postgres): .ci/run installs Debian's postgresql";
            assert!(!in_ci(), "{note}");
            eprintln!("{note}: PostgreSQL test skipped");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        let user = root.then_some("postgres");
        if let Some(user) = user {
            let chown = std::process::Command::new("chown")
                .args([&format!("{user}:"), dir.path().to_str().unwrap()])
                .status()
                .unwrap();
            assert!(chown.success(), "chown the server's directory to {user}");
        }
        let pg = Postgres { bin, dir, user };
        let data = pg.dir.path().join("data");
        pg.server_command(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        let options = format!(
            "-c listen_addresses='' -k {} -c fsync=off",
            pg.dir.path().display()
        );
        pg.server_command(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-o",
                &options,
                "-w",
                "-s",
                "-l",
                pg.dir.path().join("log").to_str().unwrap(),
                "start",
            ],
        );
        Some(pg)
    }

    fn server_command(&self, program: &str, args: &[&str]) {
        let exe = self.bin.join(program);
        let mut cmd = match self.user {
            Some(user) => {
                let mut c = std::process::Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&exe);
                c
            }
            None => std::process::Command::new(&exe),
        };
        let out = cmd
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{program} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Run a script with psql; its unaligned, comma-separated output.
    fn psql(&self, script: &str) -> Result<String, String> {
        let psql = if self.bin.join("psql").is_file() {
            self.bin.join("psql")
        } else {
            PathBuf::from("psql")
        };
        let out = std::process::Command::new(psql)
            .args(["-X", "-q", "-A", "-t", "-F", ",", "-v", "ON_ERROR_STOP=1"])
            .args([
                "-h",
                self.dir.path().to_str().unwrap(),
                "-U",
                "postgres",
                "-d",
                "postgres",
            ])
            .args(["-c", script])
            .output()
            .unwrap();
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let exe = self.bin.join("pg_ctl");
        let mut cmd = match self.user {
            Some(user) => {
                let mut c = std::process::Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&exe);
                c
            }
            None => std::process::Command::new(&exe),
        };
        let _ = cmd
            .args([
                "-D",
                data.to_str().unwrap(),
                "-m",
                "immediate",
                "-s",
                "stop",
            ])
            .output();
    }
}

fn postgres_rows(pg: &Postgres, case: &Case, dialect: Dialect) -> Vec<(i64, i64)> {
    let columns: Vec<String> = case
        .columns
        .iter()
        .map(|(name, kind)| {
            let ty = match kind {
                Kind::Double => "DOUBLE PRECISION",
                Kind::Money => "NUMERIC(12,2)",
                Kind::Integer => "INTEGER",
                Kind::Text => "TEXT",
            };
            format!("{} {ty}", Dialect::Postgres.quote_ident(name))
        })
        .collect();
    pg.psql(&format!(
        "DROP TABLE IF EXISTS t; CREATE TABLE t ({})",
        columns.join(", ")
    ))
    .unwrap();
    // \copy reads the file on the client side, so the server needs no access to it.
    let path = case.csv.to_str().unwrap().replace('\'', "''");
    pg.psql(&format!(
        "\\copy t FROM '{path}' WITH (FORMAT csv, HEADER true)"
    ))
    .unwrap();
    let out = pg
        .psql(&query(case, dialect, "t"))
        .unwrap_or_else(|e| panic!("PostgreSQL reads the {dialect} SQL of {}: {e}", case.name));
    out.lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (id, cluster) = l.split_once(',').unwrap();
            (id.parse().unwrap(), cluster.parse().unwrap())
        })
        .collect()
}

#[test]
fn postgres_labels_every_row_as_the_library() {
    let Some(pg) = Postgres::start() else {
        return;
    };
    let version = pg.psql("SHOW server_version").unwrap();
    eprintln!("PostgreSQL {}", version.trim());
    for case in cases() {
        for dialect in [Dialect::Ansi, Dialect::Postgres] {
            let rows = postgres_rows(&pg, case, dialect);
            assert_labels(case, "postgres", dialect, &rows);
        }
    }
}
