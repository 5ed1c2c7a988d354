//! Clusters as unions of polytopes (`--pieces`): on random rings around a
//! core, the fit's labels are what the model, `predict`, the saved JSON and
//! SQLite decide; every piece holds the rows it decides; removing redundant
//! half-spaces piece by piece decides every row (and every point of the
//! data's box) as the full pieces do; one piece per cluster is today's fit.

use polyclust::data::{load_csv, Dataset, LoadOptions};
use polyclust::explain;
use polyclust::hyperplane::Side;
use polyclust::mpc::{self, ExplanationSpace, HalfSpace, MpcFit, MpcParams, PolytopeModel};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::Write;

/// A core disk inside a ring (and, with `three`, a bar beside them), in
/// original units of random scale: groups that do not touch, none convex
/// but the core. The group of every row is returned beside the file.
fn rings_csv(seed: u64, n: usize, three: bool) -> (tempfile::NamedTempFile, Vec<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let scale = rng.random_range(0.5..50.0);
    let shift = rng.random_range(-100.0..100.0);
    let mut f = tempfile::NamedTempFile::new().unwrap();
    writeln!(f, "a,b").unwrap();
    let mut groups = Vec::new();
    for t in 0..n {
        let g = t % if three { 3 } else { 2 };
        let (x, y) = match g {
            0 => {
                let (r, phi) = (rng.random_range(0.0..1.0), rng.random_range(0.0..6.3));
                (r * f64::cos(phi), r * f64::sin(phi))
            }
            1 => {
                let (r, phi) = (rng.random_range(3.0..3.6), rng.random_range(0.0..6.3));
                (r * f64::cos(phi), r * f64::sin(phi))
            }
            _ => (rng.random_range(6.0..6.5), rng.random_range(-4.0..4.0)),
        };
        writeln!(f, "{},{}", shift + scale * x, shift + scale * y).unwrap();
        groups.push(g);
    }
    (f, groups)
}

fn load(file: &tempfile::NamedTempFile) -> Dataset {
    let options = LoadOptions {
        label_column: None,
        ..Default::default()
    };
    load_csv(file.path(), &options).unwrap()
}

fn fit(ds: &Dataset, k: usize, pieces: usize, seed: u64) -> MpcFit {
    let space = ExplanationSpace::identity(ds.d());
    let params = MpcParams::new(k)
        .seed(seed)
        .pieces(pieces)
        .check(ds.x.view(), space.dim())
        .unwrap();
    mpc::fit(ds.x.view(), &ds.map, space, &params, &()).unwrap()
}

/// The labels SQLite gives the rows of the two-column file.
fn sql_labels(ds_file: &std::path::Path, expr: &str) -> Vec<usize> {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute("CREATE TABLE t (id INTEGER, \"a\" REAL, \"b\" REAL)", [])
        .unwrap();
    let mut reader = csv::Reader::from_path(ds_file).unwrap();
    for (id, rec) in reader.records().enumerate() {
        let rec = rec.unwrap();
        conn.execute(
            "INSERT INTO t VALUES (?1, ?2, ?3)",
            rusqlite::params![
                id as i64,
                rec[0].parse::<f64>().unwrap(),
                rec[1].parse::<f64>().unwrap()
            ],
        )
        .unwrap();
    }
    let mut stmt = conn
        .prepare(&format!("SELECT {expr} FROM t ORDER BY id"))
        .unwrap();
    let rows = stmt.query_map([], |r| r.get::<_, i64>(0)).unwrap();
    rows.map(|r| r.unwrap() as usize).collect()
}

/// Whether two labelings are the same partition.
fn same_partition(a: &[usize], b: &[usize]) -> bool {
    let mut map = std::collections::HashMap::new();
    let mut back = std::collections::HashMap::new();
    a.iter()
        .zip(b)
        .all(|(x, y)| *map.entry(x).or_insert(y) == y && *back.entry(y).or_insert(x) == x)
}

/// Whether a polytope holds row `z`.
fn holds(model: &PolytopeModel, halfspaces: &[HalfSpace], z: ndarray::ArrayView1<f64>) -> bool {
    halfspaces.iter().all(|h| h.contains(&model.hyperplanes, z))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// predict = the fit's assignments = SQL, for union models, with the
    /// groups recovered exactly and every row inside one of its own
    /// cluster's pieces.
    #[test]
    fn union_rules_reproduce_assignments(seed in 0u64..10_000, three in any::<bool>()) {
        let n = 150 + (seed % 100) as usize;
        let (file, groups) = rings_csv(seed, n, three);
        let ds = load(&file);
        let k = if three { 3 } else { 2 };
        let fit = fit(&ds, k, 8, seed);
        prop_assert!(fit.model.is_union());
        prop_assert!(same_partition(&fit.labels, &groups));
        prop_assert_eq!(fit.fidelity, 1.0);
        let (decided, _) = fit.model.assign(ds.x.view());
        prop_assert_eq!(&decided, &fit.labels);
        let model = PolytopeModel::from_json(&fit.model.to_json()).unwrap();
        let predicted: Vec<usize> = polyclust::predict::segments(&model, ds.x.view())
            .into_iter()
            .map(|s| s.unwrap())
            .collect();
        prop_assert_eq!(&predicted, &fit.labels);
        let from_sql = sql_labels(file.path(), &explain::rules_sql(&model, explain::Dialect::Ansi));
        prop_assert_eq!(&from_sql, &fit.labels);
        for c in 0..k {
            prop_assert!(model.pieces_of(c).count() <= 8 + 8, "pieces and their extensions");
        }
    }
}

/// Every piece holds the rows it decides (the first polytope that holds
/// them), those rows are of the piece's cluster, and a piece after the
/// clusters' first ones records how many they are.
#[test]
fn every_piece_holds_its_rows() {
    let (file, _) = rings_csv(7, 240, true);
    let ds = load(&file);
    let fit = fit(&ds, 3, 8, 0);
    let model = &fit.model;
    assert!(model.is_union() && model.piece_count() > 3);
    let z = model.space.transform(ds.x.view());
    let mut decided = vec![0; model.polytopes.len()];
    for (t, zr) in z.rows().into_iter().enumerate() {
        let first = model
            .polytopes
            .iter()
            .position(|p| holds(model, &p.halfspaces, zr))
            .expect("every training row lies in a piece");
        let piece = &model.polytopes[first];
        assert_eq!(piece.cluster, fit.labels[t]);
        assert_eq!(model.cluster_of_piece(piece.piece.unwrap()), piece.cluster);
        decided[first] += 1;
    }
    for (index, p) in model.polytopes.iter().enumerate().skip(model.k()) {
        assert_eq!(p.size, decided[index], "polytope {index}");
    }
    for c in 0..model.k() {
        let own: usize = model
            .polytopes
            .iter()
            .enumerate()
            .filter(|(_, p)| p.cluster == c)
            .map(|(i, _)| decided[i])
            .sum();
        assert_eq!(own, fit.sizes[c]);
    }
}

/// Redundancy removal per piece: the full pieces (every hyperplane of the
/// piece against another cluster's piece) decide every training row and
/// every point of a grid over the data's box as the reduced pieces do.
#[test]
fn removing_redundant_conditions_keeps_every_decision() {
    let (file, _) = rings_csv(11, 200, false);
    let ds = load(&file);
    let fit = fit(&ds, 2, 8, 0);
    let reduced = &fit.model;
    assert!(reduced.is_union());
    let mut full = reduced.clone();
    for p in full.polytopes.iter_mut().take(reduced.piece_count()) {
        let piece = p.piece.unwrap();
        p.halfspaces = reduced
            .hyperplanes
            .iter()
            .enumerate()
            .filter(|(_, h)| h.i == piece || h.j == piece)
            .map(|(idx, h)| HalfSpace {
                hyperplane: idx,
                side: if h.i == piece { Side::I } else { Side::J },
            })
            .collect();
    }
    assert!(full.halfspace_count() > reduced.halfspace_count());
    assert_eq!(full.assign(ds.x.view()).0, fit.labels);
    let z = reduced.space.transform(ds.x.view());
    let (lo, hi) = (
        z.fold_axis(ndarray::Axis(0), f64::INFINITY, |a, b| a.min(*b)),
        z.fold_axis(ndarray::Axis(0), f64::NEG_INFINITY, |a, b| a.max(*b)),
    );
    let steps = 60;
    for i in 0..=steps {
        for j in 0..=steps {
            let point = ndarray::array![
                lo[0] + (hi[0] - lo[0]) * i as f64 / steps as f64,
                lo[1] + (hi[1] - lo[1]) * j as f64 / steps as f64
            ];
            let find = |m: &PolytopeModel| {
                m.polytopes[..m.piece_count()]
                    .iter()
                    .find(|p| holds(m, &p.halfspaces, point.view()))
                    .map(|p| p.cluster)
            };
            assert_eq!(find(&full), find(reduced), "at {point}");
        }
    }
}

/// One piece per cluster is today's fit, and so is a union run on groups
/// that touch (no clear single-linkage gap): the same model file.
#[test]
fn one_piece_and_touching_groups_fit_as_today() {
    let (file, _) = rings_csv(3, 180, false);
    let ds = load(&file);
    let space = ExplanationSpace::identity(ds.d());
    let plain = MpcParams::new(2).check(ds.x.view(), space.dim()).unwrap();
    let today = mpc::fit(ds.x.view(), &ds.map, space, &plain, &()).unwrap();
    let one = fit(&ds, 2, 1, 0);
    assert_eq!(today.model.to_json(), one.model.to_json());
    assert!(!one.model.to_json().contains("\"pieces\""));
    // Uniform rows touch everywhere: no clear gap, one polytope per cluster.
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut f = tempfile::NamedTempFile::new().unwrap();
    writeln!(f, "a,b").unwrap();
    for _ in 0..150 {
        let (a, b): (f64, f64) = (rng.random(), rng.random());
        writeln!(f, "{a},{b}").unwrap();
    }
    let ds = load(&f);
    let (with, without) = (fit(&ds, 3, 8, 2), fit(&ds, 3, 1, 2));
    assert!(!with.model.is_union());
    assert_eq!(with.model.to_json(), without.model.to_json());
}

/// A union model file whose pieces were edited is refused, naming the field.
#[test]
fn edited_pieces_are_refused() {
    let (file, _) = rings_csv(2, 160, false);
    let ds = load(&file);
    let fit = fit(&ds, 2, 8, 0);
    let mut value: serde_json::Value = serde_json::from_str(&fit.model.to_json()).unwrap();
    value.as_object_mut().unwrap().remove("digest");
    let pieces = value["pieces"].as_array().unwrap().len();
    value["pieces"][pieces - 1] = serde_json::json!(0);
    value["pieces"][0] = serde_json::json!(1);
    let err = PolytopeModel::from_json(&value.to_string()).unwrap_err();
    assert!(err.to_string().contains("pieces"), "{err}");
}

/// Pieces outside 1..=16 are refused, naming the setting.
#[test]
fn pieces_out_of_range_are_refused() {
    let (file, _) = rings_csv(1, 100, false);
    let ds = load(&file);
    for pieces in [0, 17] {
        let err = MpcParams::new(2)
            .pieces(pieces)
            .check(ds.x.view(), 2)
            .unwrap_err();
        assert!(err.to_string().contains("pieces"), "{err}");
    }
}
