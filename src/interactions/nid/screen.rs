//! NID on a dataset: MLP-M trained (with an L1 grid on request), the
//! strengths ranked, and the MLP-Cutoff (NID §4.3).

use super::params::ValidNidParams;
use super::strengths::{interaction_strengths, member_weights, sort_ranking, NidStrengths};
use crate::interactions::lasso::standardize_columns;
use crate::interactions::mlp::{train, AdditiveNet, TrainReport};
use crate::interactions::screening::{
    check_inputs, is_pos, sort_interactions, Interaction, InteractionError, Screening,
};
use ndarray::{Array1, ArrayView1, ArrayView2, Axis};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Strengths of an ensemble of `opts.ensemble` MLP-M networks trained with
/// the seeds `opts.seed + m·7919` (each tuned by [`train_mlp_m_tuned`]),
/// trained side by side on the rayon pool. Each network's pairwise matrix
/// and Algorithm 1 ranking are divided by their largest entry, so every
/// network counts on the same scale whatever the size its weights settled
/// at, and then combined with the weights of [`member_weights`] (validation
/// loss to the power `−opts.member_weight_power`). Members are summed in
/// their index order, so the result does not depend on the thread count.
/// Returns the strengths and the first network's training report (its
/// validation loss is the reference of MLP-Cutoff).
pub fn ensemble_strengths(
    x_train: ArrayView2<f64>,
    y_train: ArrayView1<f64>,
    x_valid: ArrayView2<f64>,
    y_valid: ArrayView1<f64>,
    opts: &ValidNidParams,
    max_order: usize,
) -> (NidStrengths, TrainReport) {
    let grid: Vec<Option<f64>> = if opts.average_l1_grid && !opts.l1_grid.is_empty() {
        opts.l1_grid.iter().map(|&l| Some(l)).collect()
    } else {
        vec![None]
    };
    let members = opts.ensemble * grid.len();
    let fits: Vec<(NidStrengths, TrainReport)> = (0..members)
        .into_par_iter()
        .map(|m| {
            let mut o = opts
                .clone()
                .with_seed(opts.seed.wrapping_add(7919 * (m / grid.len()) as u64));
            if let Some(l1) = grid[m % grid.len()] {
                o = o.with_l1(l1);
            }
            let (net, rep, _) = train_mlp_m_tuned(x_train, y_train, x_valid, y_valid, &o);
            (interaction_strengths(&net, max_order), rep)
        })
        .collect();
    let (strengths, reports): (Vec<NidStrengths>, Vec<TrainReport>) = fits.into_iter().unzip();
    let losses: Vec<f64> = reports.iter().map(|r| r.best_valid_loss).collect();
    let weights = member_weights(&losses, opts.member_weight_power);
    let p = x_train.ncols();
    let mut pairwise = vec![vec![0.0; p]; p];
    let mut sets: HashMap<Vec<usize>, f64> = HashMap::new();
    let scale_of = |top: f64, weight: f64| if top > 0.0 { weight / top } else { 0.0 };
    for (st, &weight) in strengths.into_iter().zip(&weights) {
        let top = st.pairwise.iter().flatten().fold(0.0f64, |a, &b| a.max(b));
        let scale = scale_of(top, weight);
        for (acc, row) in pairwise.iter_mut().zip(&st.pairwise) {
            for (a, v) in acc.iter_mut().zip(row) {
                *a += v * scale;
            }
        }
        let scale = scale_of(st.ranking.first().map_or(0.0, |r| r.1), weight);
        for (set, v) in st.ranking {
            *sets.entry(set).or_insert(0.0) += v * scale;
        }
    }
    let mut ranking: Vec<(Vec<usize>, f64)> = sets.into_iter().collect();
    sort_ranking(&mut ranking);
    let first = reports.into_iter().next().expect("at least one member");
    (NidStrengths { pairwise, ranking }, first)
}

/// Trains MLP-M on a train/validation split (inputs expected standardized).
pub fn train_mlp_m(
    x_train: ArrayView2<f64>,
    y_train: ArrayView1<f64>,
    x_valid: ArrayView2<f64>,
    y_valid: ArrayView1<f64>,
    opts: &ValidNidParams,
) -> (AdditiveNet, TrainReport) {
    let mut net = AdditiveNet::mlp_m(
        x_train.ncols(),
        &opts.main_hidden,
        &opts.uni_hidden,
        opts.l1,
        opts.init,
        opts.seed,
    );
    let rep = train(
        &mut net,
        x_train,
        y_train,
        x_valid,
        y_valid,
        &opts.train_options(opts.seed.wrapping_add(1)),
    );
    (net, rep)
}

/// Trains MLP-M once per L1 constant of `opts.l1_grid` (or once with
/// `opts.l1` if the grid is empty), all with the same seed, and keeps the
/// network chosen on the validation loss (see [`NidParams::l1_tolerance`](super::NidParams::l1_tolerance)).
/// Returns the network, its training report and its L1 constant.
pub fn train_mlp_m_tuned(
    x_train: ArrayView2<f64>,
    y_train: ArrayView1<f64>,
    x_valid: ArrayView2<f64>,
    y_valid: ArrayView1<f64>,
    opts: &ValidNidParams,
) -> (AdditiveNet, TrainReport, f64) {
    let fits = train_l1_grid(x_train, y_train, x_valid, y_valid, opts);
    select_l1(fits, opts.l1_tolerance)
}

/// One MLP-M per L1 constant of `opts.l1_grid` (or `[opts.l1]`).
pub fn train_l1_grid(
    x_train: ArrayView2<f64>,
    y_train: ArrayView1<f64>,
    x_valid: ArrayView2<f64>,
    y_valid: ArrayView1<f64>,
    opts: &ValidNidParams,
) -> Vec<(AdditiveNet, TrainReport, f64)> {
    let grid = if opts.l1_grid.is_empty() {
        vec![opts.l1]
    } else {
        opts.l1_grid.clone()
    };
    grid.iter()
        .map(|&l1| {
            let o = opts.clone().with_l1(l1);
            let (net, rep) = train_mlp_m(x_train, y_train, x_valid, y_valid, &o);
            (net, rep, l1)
        })
        .collect()
}

/// The fit chosen by the rule of [`NidParams::l1_tolerance`](super::NidParams::l1_tolerance).
pub fn select_l1(
    fits: Vec<(AdditiveNet, TrainReport, f64)>,
    l1_tolerance: f64,
) -> (AdditiveNet, TrainReport, f64) {
    let lowest = fits
        .iter()
        .map(|f| f.1.best_valid_loss)
        .fold(f64::INFINITY, f64::min);
    let bound = lowest * (1.0 + l1_tolerance);
    let pick = fits
        .iter()
        .enumerate()
        .filter(|(_, f)| f.1.best_valid_loss <= bound || !lowest.is_finite())
        .max_by(|a, b| a.1 .2.total_cmp(&b.1 .2).then(b.0.cmp(&a.0)))
        .map_or(0, |(k, _)| k);
    fits.into_iter().nth(pick).expect("non-empty grid")
}

/// Outcome of [`mlp_cutoff`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CutoffReport {
    /// Number K of top interactions kept.
    pub k: usize,
    /// Validation loss of MLP-Cutoff with the top 0, 1, 2, … interactions.
    pub valid_losses: Vec<f64>,
}

/// MLP-Cutoff (NID §4.3): trains `c_K(x) = Σ_i g_i(x_i) + Σ_{k≤K} g'_k(x_{I_k})`
/// for K = 0, 1, … over `ranking` and stops when adding the next interaction
/// no longer lowers the validation loss by at least 1% (relative), or when
/// the loss reaches `reference_loss` (the MLP-M validation loss, the paper's
/// heuristic), or at `opts.cutoff_max`. Returns the cutoff K.
pub fn mlp_cutoff(
    x_train: ArrayView2<f64>,
    y_train: ArrayView1<f64>,
    x_valid: ArrayView2<f64>,
    y_valid: ArrayView1<f64>,
    ranking: &[Vec<usize>],
    reference_loss: Option<f64>,
    opts: &ValidNidParams,
) -> CutoffReport {
    let p = x_train.ncols();
    let uni = if opts.uni_hidden.is_empty() {
        vec![10, 10, 10]
    } else {
        opts.uni_hidden.clone()
    };
    let kmax = opts.cutoff_max.min(ranking.len());
    let mut losses = Vec::new();
    let mut k_best = 0;
    for k in 0..=kmax {
        let mut net = AdditiveNet::gam(
            p,
            &uni,
            &ranking[..k],
            &opts.cutoff_hidden,
            opts.cutoff_l2,
            opts.seed.wrapping_add(100 + k as u64),
        );
        let rep = train(
            &mut net,
            x_train,
            y_train,
            x_valid,
            y_valid,
            &opts.train_options(opts.seed.wrapping_add(200 + k as u64)),
        );
        let loss = rep.best_valid_loss;
        if let Some(&prev) = losses.last() {
            if loss > prev * 0.99 {
                losses.push(loss);
                break;
            }
        }
        losses.push(loss);
        k_best = k;
        if reference_loss.is_some_and(|r| loss <= r) {
            break;
        }
    }
    CutoffReport {
        k: k_best,
        valid_losses: losses,
    }
}

/// Standardizes y to mean 0, std 1 (returns an error for a constant target).
fn standardize_target(y: ArrayView1<f64>) -> Result<Array1<f64>, InteractionError> {
    let n = y.len() as f64;
    let m = y.sum() / n;
    let sd = (y.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n).sqrt();
    if !is_pos(sd) {
        return Err(InteractionError::TooSmall("the target is constant".into()));
    }
    Ok(y.mapv(|v| (v - m) / sd))
}

/// NID screening of a dataset: standardizes the columns of x (and y unless
/// binary), holds out a seeded `valid_fraction` of rows for early stopping,
/// trains MLP-M and returns the pairs ranked by ω ({i,j} named `a×b`), plus
/// for `degree ≥ 3` the sets of size 3…degree from Algorithm 1 with their
/// greedy strengths, all sorted by strength. With `opts.cutoff`, MLP-Cutoff
/// sets [`Screening::cutoff`] over that ranking.
pub fn nid_screen(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    names: &[String],
    opts: &ValidNidParams,
) -> Result<Screening, InteractionError> {
    check_inputs(x, Some(y), names)?;
    let n = x.nrows();
    let n_valid = ((n as f64 * opts.valid_fraction).round() as usize).max(1);
    if n < 10 || n_valid >= n {
        return Err(InteractionError::TooSmall(format!(
            "{n} rows are too few for NID"
        )));
    }
    if opts.binary && y.iter().any(|&v| v != 0.0 && v != 1.0) {
        return Err(InteractionError::InvalidOption(
            "binary NID needs a 0/1 target".into(),
        ));
    }
    let xs = standardize_columns(x);
    let ys = if opts.binary {
        y.to_owned()
    } else {
        standardize_target(y)?
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(opts.seed ^ 0x5eed));
    let (va, tr) = order.split_at(n_valid);
    let (xtr, ytr) = (xs.select(Axis(0), tr), ys.select(Axis(0), tr));
    let (xva, yva) = (xs.select(Axis(0), va), ys.select(Axis(0), va));
    let (st, rep) = ensemble_strengths(
        xtr.view(),
        ytr.view(),
        xva.view(),
        yva.view(),
        opts,
        opts.degree,
    );
    let p = x.ncols();
    let mut interactions = Vec::new();
    for i in 0..p {
        for j in i + 1..p {
            interactions.push(Interaction::new(vec![i, j], names, st.pairwise[i][j]));
        }
    }
    for (set, s) in &st.ranking {
        if set.len() >= 3 && set.len() <= opts.degree {
            interactions.push(Interaction::new(set.clone(), names, *s));
        }
    }
    sort_interactions(&mut interactions);
    let cutoff = if opts.cutoff {
        let ranking: Vec<Vec<usize>> = interactions.iter().map(|i| i.features.clone()).collect();
        let c = mlp_cutoff(
            xtr.view(),
            ytr.view(),
            xva.view(),
            yva.view(),
            &ranking,
            Some(rep.best_valid_loss),
            opts,
        );
        Some(c.k)
    } else {
        None
    };
    Ok(Screening {
        interactions,
        method: "nid".into(),
        alpha: None,
        cutoff,
    })
}
