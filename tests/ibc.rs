//! IBC (article §7–11, §13): least squares against an independent solve, the
//! article's A/B/C/D figures, the automatic choice of split, degree 3, and a
//! regime-dependent simulation where D beats C out of sample.

use ndarray::{Array1, Array2, Axis};
use polyclust::ibc::pipeline::{with_products, RegimeModels};
use polyclust::ibc::regimes::SplitOptions;
use polyclust::ibc::{self, cv, ols, simulate, IbcError, IbcOptions, Solver, Split, SplitRule};
use polyclust::interactions::Interaction;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

#[allow(clippy::needless_range_loop)] // index form mirrors the textbook elimination
/// Solves the normal equations `[1 X]ᵀ[1 X] β = [1 X]ᵀ y` by Gaussian
/// elimination with partial pivoting: independent of the QR code path.
fn normal_equations(x: &Array2<f64>, y: &Array1<f64>) -> Vec<f64> {
    let (n, p) = x.dim();
    let m = p + 1;
    let col = |t: usize, j: usize| if j == 0 { 1.0 } else { x[[t, j - 1]] };
    let mut a = vec![vec![0.0; m + 1]; m];
    for t in 0..n {
        for i in 0..m {
            for j in 0..m {
                a[i][j] += col(t, i) * col(t, j);
            }
            a[i][m] += col(t, i) * y[t];
        }
    }
    for k in 0..m {
        let piv = (k..m)
            .max_by(|&i, &j| a[i][k].abs().total_cmp(&a[j][k].abs()))
            .unwrap();
        a.swap(k, piv);
        for i in k + 1..m {
            let f = a[i][k] / a[k][k];
            for j in k..=m {
                a[i][j] -= f * a[k][j];
            }
        }
    }
    let mut b = vec![0.0; m];
    for k in (0..m).rev() {
        let s: f64 = (k + 1..m).map(|j| a[k][j] * b[j]).sum();
        b[k] = (a[k][m] - s) / a[k][k];
    }
    b
}

#[test]
fn qr_agrees_with_normal_equations() {
    let data = simulate::article(1000, 4, 11);
    let inter = Interaction::new(vec![0, 1], &data.names, 1.0);
    let xd = with_products(data.x.view(), &[inter]);
    let fit = ols::fit_linear(xd.view(), data.y.view(), ols::DEFAULT_RIDGE);
    assert_eq!(fit.solver, Solver::Qr);
    let beta = normal_equations(&xd, &data.y);
    assert!((fit.intercept - beta[0]).abs() < 1e-9);
    for (c, b) in fit.coef.iter().zip(&beta[1..]) {
        assert!((c - b).abs() < 1e-9, "{c} vs {b}");
    }
    // The generating coefficients are recovered to sampling precision.
    assert!((fit.coef[6] - 3.0).abs() < 0.1, "{}", fit.coef[6]);
}

#[test]
fn qr_recovers_an_exact_fit_with_badly_scaled_columns() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let x = Array2::from_shape_fn((50, 3), |(_, j)| {
        let v: f64 = StandardNormal.sample(&mut rng);
        v * [1e-4, 1.0, 1e4][j]
    });
    let y: Array1<f64> = x
        .rows()
        .into_iter()
        .map(|r| -2.0 + 5e3 * r[0] + 0.5 * r[1] - 2e-4 * r[2])
        .collect();
    let fit = ols::ols_qr(x.view(), y.view()).expect("full rank");
    assert!((fit.intercept + 2.0).abs() < 1e-9);
    for (c, want) in fit.coef.iter().zip([5e3, 0.5, -2e-4]) {
        assert!(((c - want) / want).abs() < 1e-9, "{c} vs {want}");
    }
}

#[test]
fn rank_deficient_regime_uses_ridge_and_is_reported() {
    // A regime where one feature is constant (zero): [1, X] is rank-deficient.
    let n = 40;
    let x = Array2::from_shape_fn((n, 2), |(t, j)| {
        if j == 0 {
            t as f64
        } else if t < 20 {
            0.0
        } else {
            t as f64 * 0.5
        }
    });
    let y: Array1<f64> = (0..n).map(|t| 1.0 + t as f64).collect();
    let labels: Vec<usize> = (0..n).map(|t| usize::from(t >= 20)).collect();
    let m = RegimeModels::fit(x.view(), y.view(), &labels, 2, ols::DEFAULT_RIDGE);
    assert!(matches!(
        m.fits[0].as_ref().unwrap().solver,
        Solver::Ridge { .. }
    ));
    assert!(m.fallback());
    let pred = m.predict(x.view(), &labels);
    assert!(ols::r2_score(y.view(), pred.view()) > 0.999);
}

/// In-sample figures of the article's §8.2–8.3 code (split Xj ≥ 0).
#[test]
fn article_in_sample_figures_with_the_sign_split() {
    let data = simulate::article(1000, 0, 42);
    let (x, y) = (data.x.view(), data.y.view());
    let split = Split::fit(
        SplitRule::Sign,
        &[1],
        x,
        y,
        x,
        &data.names,
        &SplitOptions {
            min_leaf: 10,
            seed: 0,
            ridge_lambda: ols::DEFAULT_RIDGE,
        },
    )
    .unwrap();
    let labels = split.assign(x);
    let xd = with_products(x, &[Interaction::new(vec![0, 1], &data.names, 1.0)]);
    let r2 = |p: Array1<f64>| ols::r2_score(y, p.view());
    let a = r2(ols::fit_linear(x, y, 1e-3).predict(x));
    let b = r2(RegimeModels::fit(x, y, &labels, 2, 1e-3).predict(x, &labels));
    let c = r2(ols::fit_linear(xd.view(), y, 1e-3).predict(xd.view()));
    let d = r2(RegimeModels::fit(xd.view(), y, &labels, 2, 1e-3).predict(xd.view(), &labels));
    eprintln!("in-sample sign split: A {a:.3} B {b:.3} C {c:.3} D {d:.3}");
    // scikit-learn on NumPy's draw: A 0.021, B 0.609, C 0.901, D 0.901.
    assert!(a < 0.06, "A {a}");
    assert!((0.52..0.70).contains(&b), "B {b}");
    assert!((0.87..0.93).contains(&c), "C {c}");
    assert!(d >= c && d - c < 0.01, "D {d} C {c}");
}

#[test]
fn article_cross_validated_figures_and_chosen_variable() {
    let data = simulate::article(1000, 2, 42);
    let opts = IbcOptions {
        seed: 1,
        ..IbcOptions::default()
    };
    let r = ibc::run(data.x.view(), data.y.view(), &data.names, &opts).unwrap();
    eprintln!("{}", serde_json::to_string(&r.models).unwrap());
    assert_eq!(r.top_interactions[0], "Xi×Xj");
    assert!(
        r.split.variables.iter().all(|v| v == "Xi" || v == "Xj"),
        "{:?}",
        r.split
    );
    for s in &r.fold_splits {
        assert!(s.variables.iter().all(|v| v == "Xi" || v == "Xj"), "{s:?}");
    }
    let m = &r.models;
    // scikit-learn 5-fold: A 0.003, B 0.591 (sign split), C 0.897, D 0.896.
    assert!(m.a.r2_cv < 0.05, "{m:?}");
    assert!(m.b.r2_cv > 0.5, "{m:?}");
    assert!(m.c.r2_cv > 0.86 && m.d.r2_cv > 0.85, "{m:?}");
    assert!(m.c.r2_in >= m.c.r2_cv - 0.02);
    assert_eq!(m.a.r2_folds.len(), 5);
    assert!(m.c.rmse_cv < 1.15 && m.a.rmse_cv > 2.5, "{m:?}");
}

#[test]
fn degree3_split_uses_the_interacting_variables() {
    let data = simulate::degree3(1000, 2, 5);
    let opts = IbcOptions {
        degree: 3,
        polytope_k: vec![],
        seed: 2,
        ..IbcOptions::default()
    };
    let r = ibc::run(data.x.view(), data.y.view(), &data.names, &opts).unwrap();
    eprintln!(
        "{} {:?} {}",
        r.top_interactions[0],
        r.split,
        serde_json::to_string(&r.models).unwrap()
    );
    assert_eq!(r.top_interactions[0], "X1×X2×X3");
    let interacting = ["X1", "X2", "X3"];
    assert!(r
        .split
        .variables
        .iter()
        .all(|v| interacting.contains(&v.as_str())));
    // One variable cannot linearise x1·x2·x3; two can, partly (§13).
    assert_eq!(r.split.variables.len(), 2, "{:?}", r.split);
    assert!(r.models.b.r2_cv > r.models.a.r2_cv + 0.15, "{:?}", r.models);
    assert!(r.models.c.r2_cv > 0.85 && r.models.d.r2_cv > 0.85);
}

#[test]
fn regime_dependent_interaction_d_beats_c_out_of_sample() {
    let data = simulate::regimes(1000, 1, 9);
    let opts = IbcOptions {
        polytope_k: vec![],
        seed: 3,
        ..IbcOptions::default()
    };
    let r = ibc::run(data.x.view(), data.y.view(), &data.names, &opts).unwrap();
    eprintln!(
        "{:?} {}",
        r.split,
        serde_json::to_string(&r.models).unwrap()
    );
    assert!(r.models.d.r2_cv > r.models.c.r2_cv + 0.05, "{:?}", r.models);
    assert!(r.models.d.rmse_cv < r.models.c.rmse_cv);
    assert!(
        r.split.variables.contains(&"Xj".to_string()),
        "{:?}",
        r.split
    );
}

#[test]
fn polytope_split_assigns_held_out_rows() {
    let data = simulate::article(400, 0, 4);
    let (train, test) = (
        data.x.slice_axis(Axis(0), (0..300).into()),
        data.x.slice_axis(Axis(0), (300..400).into()),
    );
    let split = Split::fit(
        SplitRule::Polytope(4),
        &[0, 1],
        train,
        data.y.slice_axis(Axis(0), (0..300).into()),
        train,
        &data.names,
        &SplitOptions {
            min_leaf: 10,
            seed: 0,
            ridge_lambda: 1e-3,
        },
    )
    .unwrap();
    assert!((2..=4).contains(&split.regimes));
    let labels = split.assign(test);
    assert_eq!(labels.len(), 100);
    assert!(labels.iter().all(|&l| l < split.regimes));
    // Assignment is deterministic.
    assert_eq!(labels, split.assign(test));
}

#[test]
fn folds_partition_the_rows() {
    let f = cv::kfold(103, 5, 7);
    let mut all: Vec<usize> = f.iter().flatten().copied().collect();
    all.sort_unstable();
    assert_eq!(all, (0..103).collect::<Vec<_>>());
    assert!(f.iter().all(|v| v.len() == 20 || v.len() == 21));
}

#[test]
fn too_few_rows_is_an_error() {
    let data = simulate::article(30, 0, 1);
    let err = ibc::run(
        data.x.view(),
        data.y.view(),
        &data.names,
        &IbcOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            IbcError::TooFewRows {
                n: 30,
                folds: 5,
                ..
            }
        ),
        "{err}"
    );
}
