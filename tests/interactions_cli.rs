//! Interaction screening from the command line, and screened products
//! feeding the polytopes (MPC paper, Remark 1).

mod common;

use common::{json_stdout, polyclust};
use polyclust::data::quadrants;
use polyclust::mpc::{self, ExplanationSpace, MpcParams};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use std::io::Write;

/// The IBC article's §8.1 model with three pure-noise features.
fn write_article_data(path: &std::path::Path, seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let normal = Normal::new(0.0, 1.0).unwrap();
    let mut f = std::fs::File::create(path).unwrap();
    writeln!(f, "Xi,Xj,noise1,noise2,noise3,Y").unwrap();
    for _ in 0..1000 {
        let v: Vec<f64> = (0..5).map(|_| normal.sample(&mut rng)).collect();
        let y = 0.5 + 0.1 * v[0] + 0.1 * v[1] + 3.0 * v[0] * v[1] + normal.sample(&mut rng);
        let cells: Vec<String> = v.iter().chain([y].iter()).map(|x| x.to_string()).collect();
        writeln!(f, "{}", cells.join(",")).unwrap();
    }
}

#[test]
fn lasso_ranks_the_true_interaction_first() {
    let dir = tempfile::tempdir().unwrap();
    write_article_data(&dir.path().join("article.csv"), 42);
    let out = polyclust(
        &[
            "interactions",
            "--data",
            "article.csv",
            "--target",
            "Y",
            "--method",
            "lasso",
            "--json",
        ],
        dir.path(),
    );
    let v = json_stdout(&out);
    let first = &v["interactions"][0];
    assert_eq!(first["name"], "Xi×Xj", "{v}");
    assert_eq!(first["features"], serde_json::json!(["Xi", "Xj"]));
    assert!(first["strength"].as_f64().unwrap() > 0.0);
}

#[test]
fn interactions_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    write_article_data(&dir.path().join("article.csv"), 1);
    let out = polyclust(
        &[
            "interactions",
            "--data",
            "article.csv",
            "--target",
            "nosuch",
            "--json",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nosuch") && err.lines().count() == 1, "{err}");
    let out = polyclust(
        &["interactions", "--synthetic", "f42", "--method", "nid"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
}

/// Quadrant regimes sign(x1·x2): a single hyperplane on the screened product
/// explains them exactly; axis-parallel (and M = 3, β = 2) polytopes on x1, x2 cannot.
#[test]
fn product_feature_explains_quadrant_regimes() {
    let ds = quadrants(800, 0.02, 3).into_dataset();
    let (labels, _) = ds.label_ids().unwrap();
    let fit_with = |space: ExplanationSpace, m: u32, beta: usize| {
        let params = MpcParams::new(2)
            .m(m)
            .beta(beta)
            .check(ds.x.view(), space.dim())
            .unwrap();
        mpc::explain_labels(ds.x.view(), &ds.map, space, &labels, &params).unwrap()
    };
    let plain = fit_with(ExplanationSpace::identity(2), 1, 1);
    assert!(plain.fidelity < 0.8, "{}", plain.fidelity);
    let plain2 = fit_with(ExplanationSpace::identity(2), 3, 2);
    assert!(plain2.fidelity < 0.8, "{}", plain2.fidelity);
    let mut space = ExplanationSpace::identity(2);
    space.add_products(ds.x.view(), &[vec![0, 1]]);
    let with_product = fit_with(space, 1, 1);
    assert_eq!(with_product.fidelity, 1.0);
    assert_eq!(with_product.model.hyperplanes.len(), 1);
    let hp = &with_product.model.hyperplanes[0].hyperplane;
    assert_eq!(
        hp.w[..2],
        [0.0, 0.0],
        "the product alone separates: {:?}",
        hp.w
    );
}

#[test]
fn cluster_screens_and_adds_products_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let out = polyclust(
        &[
            "cluster",
            "--generate",
            "quadrants",
            "--labels-from",
            "label",
            "--interactions",
            "1",
            "--axis-parallel",
            "--out",
            "run",
            "--json",
        ],
        dir.path(),
    );
    let v = json_stdout(&out);
    assert_eq!(v["interactions"], serde_json::json!(["x1×x2"]));
    assert_eq!(v["fidelity"], 1.0);
    let rules = std::fs::read_to_string(dir.path().join("run/rules.txt")).unwrap();
    assert!(rules.contains("×"), "{rules}");
}
