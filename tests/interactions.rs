//! Scenario tests of the interaction screeners (lasso, NID) and the NID
//! synthetic suite.

use ndarray::{array, s, Array1, Array2};
use polyclust::interactions::auc::{pairwise_auc, roc_auc, top_rank_recall, true_pairs};
use polyclust::interactions::lasso::{
    lasso_path, lasso_screen, soft_threshold, Lasso, LassoScreenOptions,
};
use polyclust::interactions::mlp::{AdditiveNet, Init, Loss, TrainReport};
use polyclust::interactions::nid::{
    ensemble_strengths, greedy_ranking, member_weights, nid_screen, pairwise_strengths, select_l1,
    unit_influence, NidParams, ValidNidParams,
};
use polyclust::interactions::synthetic::{feature_names, SyntheticFunction};
use polyclust::interactions::{
    screen_against_labels, Interaction, ScreenMethod, ScreenOptions, Screening,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// IBC §8.1: Y = 0.5 + 0.1·Xi + 0.1·Xj + 3·Xi·Xj + N(0,1), n = 1000, plus
/// three pure-noise features.
fn ibc_simulation(seed: u64) -> (Array2<f64>, Array1<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = 1000;
    let mut x = Array2::zeros((n, 5));
    let mut y = Array1::zeros(n);
    for t in 0..n {
        for j in 0..5 {
            x[[t, j]] = StandardNormal.sample(&mut rng);
        }
        let e: f64 = StandardNormal.sample(&mut rng);
        y[t] = 0.5 + 0.1 * x[[t, 0]] + 0.1 * x[[t, 1]] + 3.0 * x[[t, 0]] * x[[t, 1]] + e;
    }
    (x, y)
}

#[test]
fn lasso_screen_ranks_xi_xj_first_on_ibc_simulation() {
    let (x, y) = ibc_simulation(42);
    let nm = names(&["Xi", "Xj", "N1", "N2", "N3"]);
    for degree in [2, 3] {
        let opts = LassoScreenOptions {
            degree,
            ..Default::default()
        };
        let s = lasso_screen(x.view(), y.view(), &nm, &opts).unwrap();
        assert_eq!(s.interactions[0].name, "Xi×Xj");
        assert_eq!(s.interactions[0].features, vec![0, 1]);
        // The dominant coefficient is near 3 (per standardized product: 3·sd).
        assert!(s.interactions[0].strength > 2.0);
        assert!(s.interactions[1].strength < 0.3 * s.interactions[0].strength);
        assert!(s.alpha.unwrap() > 0.0);
        let n_terms = if degree == 2 { 10 } else { 20 };
        assert_eq!(s.interactions.len(), n_terms);
    }
}

#[test]
fn lasso_orthonormal_design_matches_soft_thresholding() {
    // Columns orthogonal with xᵀx = n: w_j = S(x_jᵀy/n, α).
    let x = array![
        [1.0, 1.0, 1.0],
        [1.0, -1.0, -1.0],
        [-1.0, 1.0, -1.0],
        [-1.0, -1.0, 1.0]
    ];
    let y = array![3.0, -1.0, 0.5, 2.0];
    let n = 4.0;
    for alpha in [0.0, 0.1, 0.5, 1.0, 2.0] {
        let mut l = Lasso::new(alpha);
        l.fit_intercept = false;
        l.tol = 1e-12;
        let f = l.fit(x.view(), y.view()).unwrap();
        assert!(f.converged);
        for j in 0..3 {
            let c = x.column(j).dot(&y) / n;
            let want = soft_threshold(c, alpha);
            assert!(
                (f.coef[j] - want).abs() < 1e-9,
                "alpha {alpha} j {j}: {} vs {want}",
                f.coef[j]
            );
        }
    }
}

#[test]
fn lasso_matches_hand_derived_correlated_solution() {
    // XᵀX/n = [[2,1],[1,2]]/3, Xᵀy/n = [5,4]/3. Both active (α = 0.1):
    // w = G⁻¹(c − α) = [[2,−1],[−1,2]]·[1.5667, 1.2333] = [1.9, 0.9].
    // Only w1 active (α = 1.2): (2/3)w1 = 5/3 − 1.2 → w1 = 0.7, and
    // |c2 − w1/3| = 1.1 ≤ 1.2 keeps w2 = 0.
    let x = array![[1.0, 1.0], [1.0, 0.0], [0.0, 1.0]];
    let y = array![3.0, 2.0, 1.0];
    for (alpha, want) in [(0.1, [1.9, 0.9]), (1.2, [0.7, 0.0])] {
        let mut l = Lasso::new(alpha);
        l.fit_intercept = false;
        l.tol = 1e-14;
        l.max_iter = 100_000;
        let f = l.fit(x.view(), y.view()).unwrap();
        for (c, w) in f.coef.iter().zip(want) {
            assert!((c - w).abs() < 1e-6, "alpha {alpha}: {:?}", f.coef);
        }
    }
}

#[test]
fn lasso_path_satisfies_kkt_conditions() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let (n, p) = (60, 6);
    let x = Array2::from_shape_fn((n, p), |_| rng.random_range(-1.0..1.0));
    let mut y: Array1<f64> = x.column(0).to_owned() * 2.0 - x.column(3);
    y.mapv_inplace(|v| v + 0.1);
    let y = &y - y.mean().unwrap();
    let xc = &x - &x.mean_axis(ndarray::Axis(0)).unwrap();
    let alphas = [0.5, 0.1, 0.01];
    let path = lasso_path(xc.view(), y.view(), &alphas, 1e-12, 10_000);
    for (w, &a) in path.iter().zip(&alphas) {
        let r = &y - &xc.dot(w);
        for j in 0..p {
            let g = xc.column(j).dot(&r) / n as f64;
            if w[j] != 0.0 {
                assert!((g - a * w[j].signum()).abs() < 1e-5);
            } else {
                assert!(g.abs() <= a + 1e-5);
            }
        }
    }
}

#[test]
fn auc_on_hand_made_rankings() {
    let labels = [true, true, false, false, false];
    assert_eq!(roc_auc(&[5.0, 4.0, 3.0, 2.0, 1.0], &labels), 1.0);
    assert_eq!(roc_auc(&[1.0, 2.0, 3.0, 4.0, 5.0], &labels), 0.0);
    assert_eq!(roc_auc(&[1.0; 5], &labels), 0.5);
    // One positive below one negative: 5 of 6 ordered pairs correct.
    assert!((roc_auc(&[5.0, 2.5, 3.0, 2.0, 1.0], &labels) - 5.0 / 6.0).abs() < 1e-12);

    let truth = vec![vec![0, 1, 2]];
    assert_eq!(true_pairs(&truth).len(), 3);
    let mut s = vec![vec![0.0; 4]; 4];
    for (i, j, v) in [
        (0, 1, 3.0),
        (0, 2, 2.0),
        (1, 2, 2.5),
        (0, 3, 0.1),
        (1, 3, 0.2),
        (2, 3, 0.3),
    ] {
        s[i][j] = v;
        s[j][i] = v;
    }
    assert_eq!(pairwise_auc(&s, &truth), 1.0);

    let ranking = vec![vec![0, 1], vec![0, 1, 2], vec![2, 3], vec![4, 5]];
    // {0,1} is a redundant subset of {0,1,2}: skipped; top-2 = {0,1,2}, {2,3}.
    assert_eq!(top_rank_recall(&ranking, &[vec![0, 1, 2], vec![4, 5]]), 0.5);
    assert_eq!(top_rank_recall(&ranking, &[vec![0, 1, 2], vec![2, 3]]), 1.0);
}

#[test]
fn synthetic_generators_have_right_shapes_ranges_and_truth() {
    for f in SyntheticFunction::ALL {
        let (x, y) = f.generate(500, 3);
        assert_eq!(x.dim(), (500, 10));
        assert_eq!(y.len(), 500);
        assert!(y.iter().all(|v| v.is_finite()), "{} non-finite", f.name());
        for j in 0..10 {
            let (lo, hi) = f.range(j);
            assert!(x.column(j).iter().all(|&v| v >= lo && v < hi));
        }
        for t in f.ground_truth() {
            assert!(t.len() >= 2 && t.windows(2).all(|w| w[0] < w[1]) && t[t.len() - 1] < 10);
        }
        assert_eq!(SyntheticFunction::parse(f.name()), Some(f));
    }
    assert_eq!(SyntheticFunction::F1.range(3), (0.6, 1.0));
    assert_eq!(SyntheticFunction::F1.range(0), (0.0, 1.0));
    assert_eq!(SyntheticFunction::F2.range(3), (-1.0, 1.0));
    assert_eq!(
        SyntheticFunction::F1.ground_truth(),
        vec![vec![0, 1, 2], vec![2, 4], vec![6, 7, 8, 9], vec![1, 6]]
    );
    assert_eq!(
        SyntheticFunction::F9.ground_truth(),
        vec![vec![0, 1, 2, 3, 4], vec![4, 5], vec![5, 6, 7], vec![8, 9]]
    );
    assert_eq!(SyntheticFunction::F4.ground_truth().len(), 5);
    // Spot values: F5 at 0 = 1 + 1 + 0 + 0; F8 at 0 = 1 + 1 + 0 + π/2.
    let zero = [0.0; 10];
    assert!((SyntheticFunction::F5.eval(&zero) - 2.0).abs() < 1e-12);
    assert!(
        (SyntheticFunction::F8.eval(&zero) - (2.0 + std::f64::consts::FRAC_PI_2)).abs() < 1e-12
    );
    // Same seed, same data.
    assert_eq!(
        SyntheticFunction::F3.generate(50, 9),
        SyntheticFunction::F3.generate(50, 9)
    );
}

#[test]
fn nid_strengths_follow_their_definitions() {
    // Two first-layer units over 3 inputs; z from a 2→1 output.
    let w1 = array![[1.0, 0.0], [-0.5, 2.0], [0.0, -1.0]]; // p × units
    let z = array![2.0, 1.0];
    let s = pairwise_strengths(w1.view(), z.view());
    assert!((s[0][1] - 2.0 * 0.5).abs() < 1e-12);
    assert!((s[1][2] - 1.0 * 1.0).abs() < 1e-12);
    assert_eq!(s[0][2], 0.0);
    let r = greedy_ranking(w1.view(), z.view(), 3);
    // Unit 0: order 0,1,2 → {0,1} += 2·0.5, {0,1,2} += 0; unit 1: {1,2} += 1, {0,1,2} += 0.
    assert_eq!(r[0], (vec![0, 1], 1.0));
    assert_eq!(r[1], (vec![1, 2], 1.0));
    let net = AdditiveNet::mlp_m(3, &[4, 3], &[], 0.0, Init::He, 1);
    let z = unit_influence(&net.nets[0].mlp);
    assert_eq!(z.len(), 4);
    let main = &net.nets[0].mlp;
    let manual = main.layers[1]
        .w
        .mapv(f64::abs)
        .dot(&main.layers[2].w.column(0).mapv(f64::abs));
    assert!((&z - &manual).iter().all(|d| d.abs() < 1e-12));
}

#[test]
fn mlp_gradient_matches_finite_differences() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let x = Array2::from_shape_fn((7, 3), |_| rng.random_range(-1.0..1.0));
    let y = Array1::from_shape_fn(7, |_| rng.random_range(-1.0..1.0));
    let yb = y.mapv(|v| if v > 0.0 { 1.0 } else { 0.0 });
    let mut nets = vec![AdditiveNet::mlp_m(3, &[5, 4], &[3, 2], 1e-3, Init::He, 5)];
    nets.push(AdditiveNet::gam(3, &[3], &[vec![0, 2]], &[4], 1e-2, 6));
    for mut net in nets {
        net.bias = 0.3;
        for (loss, target) in [(Loss::Mse, &y), (Loss::BinaryCrossEntropy, &yb)] {
            let (_, g) = net.objective_and_gradient(x.view(), target.view(), loss);
            let theta = net.to_vec();
            let grad = g.to_vec();
            let h = 1e-6;
            let mut probe = net.clone();
            for k in 0..theta.len() {
                let mut tp = theta.clone();
                tp[k] += h;
                probe.set_from_slice(&tp);
                let fp = probe
                    .objective_and_gradient(x.view(), target.view(), loss)
                    .0;
                tp[k] -= 2.0 * h;
                probe.set_from_slice(&tp);
                let fm = probe
                    .objective_and_gradient(x.view(), target.view(), loss)
                    .0;
                let fd = (fp - fm) / (2.0 * h);
                assert!(
                    (fd - grad[k]).abs() < 1e-5 * (1.0 + fd.abs()),
                    "param {k}: finite difference {fd} vs backprop {}",
                    grad[k]
                );
            }
        }
    }
}

fn small_nid_params(seed: u64) -> NidParams {
    NidParams::new()
        .main_hidden(&[30, 20, 10])
        .uni_hidden(&[5, 5])
        // Few rows and epochs: a stronger L1 than the paper's 5e-5 prunes the
        // paths of non-interacting inputs in time.
        .l1(3e-3)
        .learning_rate(1e-2)
        .batch_size(50)
        .max_epochs(25)
        .patience(5)
        .init(Init::Normal(0.1))
        .lr_decay(0.5)
        .ensemble(1)
        .seed(seed)
}

fn small_nid_options(seed: u64) -> ValidNidParams {
    small_nid_params(seed).check().unwrap()
}

/// y = x1·x2 + x3 on U(−1,1)⁴.
fn product_plus_main(n: usize, seed: u64) -> (Array2<f64>, Array1<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let x = Array2::from_shape_fn((n, 4), |_| rng.random_range(-1.0..1.0));
    let y = x.outer_iter().map(|r| r[0] * r[1] + r[2]).collect();
    (x, y)
}

#[test]
fn ensemble_averages_normalized_strengths_and_finds_the_pair() {
    let (x, y) = product_plus_main(1500, 2);
    let nm = feature_names(4);
    let one = small_nid_options(5);
    let three = small_nid_params(5).ensemble(3).check().unwrap();
    let a = nid_screen(x.view(), y.view(), &nm, &one).unwrap();
    let b = nid_screen(x.view(), y.view(), &nm, &three).unwrap();
    assert_eq!(b.interactions[0].features, vec![0, 1]);
    // Each member's pairwise matrix is scaled to a maximum of 1, so the
    // average is at most 1, and 1 only when every member ranks it first.
    assert!(b.interactions[0].strength <= 1.0 + 1e-12);
    assert!(b.interactions[0].strength > 0.5);
    // The first member is the single network of the same seed.
    assert_ne!(a.interactions[0].strength, b.interactions[0].strength);
    let again = nid_screen(x.view(), y.view(), &nm, &three).unwrap();
    assert_eq!(b, again);
}

#[test]
fn member_weights_follow_the_inverse_validation_loss() {
    let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12);
    // Losses 1 and 2 at power 2: raw weights 1 and 1/4.
    assert!(close(&member_weights(&[1.0, 2.0], 2.0), &[0.8, 0.2]));
    assert!(close(
        &member_weights(&[1.0, 2.0, 4.0], 0.0),
        &[1.0 / 3.0; 3]
    ));
    assert!(close(&member_weights(&[0.5, f64::NAN], 2.0), &[1.0, 0.0]));
    assert!(close(
        &member_weights(&[f64::INFINITY, f64::NAN], 2.0),
        &[0.5, 0.5]
    ));
    // A perfect fit is floored instead of taking an infinite weight.
    let w = member_weights(&[0.0, 1.0], 1.0);
    assert!(w.iter().all(|v| v.is_finite() && *v > 0.0));
    assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
}

#[test]
fn ensemble_is_the_loss_weighted_mean_of_its_members() {
    let (x, y) = product_plus_main(1200, 4);
    let (xt, xv) = (x.slice(s![..900, ..]), x.slice(s![900.., ..]));
    let (yt, yv) = (y.slice(s![..900]), y.slice(s![900..]));
    let three_params = small_nid_params(11).ensemble(3).member_weight_power(2.0);
    let three = three_params.clone().check().unwrap();
    let (ens, first) = ensemble_strengths(xt, yt, xv, yv, &three, 2);
    // Each member alone: ensemble of one with the member's seed.
    let members: Vec<_> = (0..3u64)
        .map(|m| {
            let one = three_params
                .clone()
                .ensemble(1)
                .seed(11 + 7919 * m)
                .check()
                .unwrap();
            ensemble_strengths(xt, yt, xv, yv, &one, 2)
        })
        .collect();
    assert_eq!(first, members[0].1);
    let losses: Vec<f64> = members.iter().map(|m| m.1.best_valid_loss).collect();
    let w = member_weights(&losses, 2.0);
    for i in 0..4 {
        for j in 0..4 {
            // A lone member's matrix is already scaled to a maximum of 1.
            let expect: f64 = (0..3).map(|m| w[m] * members[m].0.pairwise[i][j]).sum();
            assert!((ens.pairwise[i][j] - expect).abs() < 1e-12);
        }
    }
    // Weights that differ from the plain mean change the result.
    assert!(w.iter().any(|v| (v - 1.0 / 3.0).abs() > 1e-3));
    let plain = three_params.member_weight_power(0.0).check().unwrap();
    assert_ne!(ensemble_strengths(xt, yt, xv, yv, &plain, 2).0, ens);
}

#[test]
fn small_nid_run_ranks_the_true_pair_first_and_is_deterministic() {
    let (x, y) = product_plus_main(1500, 1);
    let nm = feature_names(4);
    let opts = small_nid_options(3);
    let s = nid_screen(x.view(), y.view(), &nm, &opts).unwrap();
    assert_eq!(s.interactions[0].name, "x1×x2");
    assert_eq!(s.interactions.len(), 6);
    let again = nid_screen(x.view(), y.view(), &nm, &opts).unwrap();
    assert_eq!(s, again, "same seed must give the same strengths");

    let o3 = small_nid_params(3).degree(3).check().unwrap();
    let s3 = nid_screen(x.view(), y.view(), &nm, &o3).unwrap();
    assert!(s3.interactions.iter().any(|i| i.features.len() == 3));
    assert!(s3.interactions.iter().all(|i| i.features.len() <= 3));
}

fn report(loss: f64) -> TrainReport {
    TrainReport {
        epochs: 1,
        best_epoch: 1,
        best_valid_loss: loss,
        valid_history: vec![loss],
    }
}

#[test]
fn l1_selection_follows_the_validation_loss() {
    let net = |l1: f64| AdditiveNet::mlp_m(3, &[4], &[], l1, Init::He, 0);
    let fits = |losses: &[(f64, f64)]| -> Vec<_> {
        losses
            .iter()
            .map(|&(l1, loss)| (net(l1), report(loss), l1))
            .collect()
    };
    let grid = [(1e-5, 0.30), (1e-4, 0.20), (1e-3, 0.25)];
    // Tolerance 0: the lowest validation loss.
    assert_eq!(select_l1(fits(&grid), 0.0).2, 1e-4);
    // Tolerance 0.3: the largest L1 within 30% of the lowest loss.
    assert_eq!(select_l1(fits(&grid), 0.3).2, 1e-3);
    assert_eq!(select_l1(fits(&[(5e-5, 1.0)]), 0.0).2, 5e-5);
}

#[test]
fn nid_screen_with_an_l1_grid_keeps_the_best_validation_fit() {
    let (x, y) = product_plus_main(1500, 1);
    let nm = feature_names(4);
    let opts = small_nid_params(3).l1_grid(&[3e-3, 1e-1]).check().unwrap();
    let s = nid_screen(x.view(), y.view(), &nm, &opts).unwrap();
    // 1e-1 underfits, so the grid keeps the 3e-3 fit of the fixed-L1 run.
    let fixed = nid_screen(x.view(), y.view(), &nm, &small_nid_options(3)).unwrap();
    assert_eq!(s, fixed);
    let bad = small_nid_params(3).l1_grid(&[-1.0]).check().unwrap_err();
    assert_eq!(bad.field, "l1-grid");
}

#[test]
fn mlp_cutoff_keeps_the_true_interaction() {
    let (x, y) = product_plus_main(1200, 2);
    let nm = feature_names(4);
    let opts = small_nid_params(4)
        .cutoff(true)
        .cutoff_max(2)
        .cutoff_hidden(&[8])
        .check()
        .unwrap();
    let s = nid_screen(x.view(), y.view(), &nm, &opts).unwrap();
    let k = s.cutoff.unwrap();
    assert!(k >= 1, "the x1×x2 term lowers the GAM's validation loss");
    assert_eq!(s.selected()[0].name, "x1×x2");
}

#[test]
fn screening_against_cluster_labels_finds_the_product() {
    // Labels from the sign of x1·x2 (an XOR pattern) with three regimes.
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let n = 600;
    let x = Array2::from_shape_fn((n, 3), |_| rng.random_range(-1.0..1.0));
    let labels: Vec<usize> = x
        .outer_iter()
        .map(|r| {
            if r[2] > 0.6 {
                2
            } else if r[0] * r[1] > 0.0 {
                1
            } else {
                0
            }
        })
        .collect();
    let nm = names(&["a", "b", "c"]);
    let s = screen_against_labels(
        x.view(),
        &labels,
        &nm,
        ScreenMethod::Lasso,
        &ScreenOptions::default(),
    )
    .unwrap();
    assert_eq!(s.interactions[0].name, "a×b");
    assert_eq!(s.method, "lasso");
    assert!(screen_against_labels(
        x.view(),
        &vec![0; n],
        &nm,
        ScreenMethod::Lasso,
        &ScreenOptions::default()
    )
    .is_err());
}

#[test]
fn screening_serializes_to_the_cli_shape() {
    let nm = names(&["Xi", "Xj", "Z"]);
    let s = Screening {
        interactions: vec![Interaction::new(vec![1, 0], &nm, 2.5)],
        method: "lasso".into(),
        alpha: None,
        cutoff: None,
    };
    let v = serde_json::to_value(&s).unwrap();
    assert_eq!(
        v["interactions"][0],
        serde_json::json!({"name": "Xi×Xj", "features": ["Xi", "Xj"], "strength": 2.5})
    );
    let mut back: Screening = serde_json::from_value(v).unwrap();
    back.resolve_indices(&nm).unwrap();
    assert_eq!(back, s);
}

#[test]
fn bad_inputs_are_errors() {
    let x = Array2::<f64>::zeros((20, 3));
    let y = Array1::<f64>::zeros(19);
    let nm = names(&["a", "b", "c"]);
    assert!(lasso_screen(x.view(), y.view(), &nm, &LassoScreenOptions::default()).is_err());
    let y = Array1::<f64>::zeros(20);
    assert!(lasso_screen(x.view(), y.view(), &nm[..2], &LassoScreenOptions::default()).is_err());
    let bad = LassoScreenOptions {
        degree: 4,
        ..Default::default()
    };
    assert!(lasso_screen(x.view(), y.view(), &nm, &bad).is_err());
    let mut xn = x.clone();
    xn[[3, 1]] = f64::NAN;
    assert!(nid_screen(xn.view(), y.view(), &nm, &ValidNidParams::default()).is_err());
}
