//! Neural Interaction Detection (Tsang, Cheng & Liu, ICLR 2018).
//!
//! 1. Train MLP-M (§4.1, [`AdditiveNet::mlp_m`]): main MLP 140-100-60-20 with
//!    L1 (5e-5) on its weights plus univariate nets 10-10-10, summed.
//! 2. Aggregated influence of first-layer units (§3.2):
//!    `z = |w_y|ᵀ |W_L| ⋯ |W_2|` ([`unit_influence`]).
//! 3. Pairwise strengths (§4.4, eq. (1) with µ = min):
//!    `ω({i,j}) = Σ_s z_s · min(|W1_{s,i}|, |W1_{s,j}|)` ([`pairwise_strengths`]).
//! 4. Higher-order ranking (§4.2, Algorithm 1, µ = min): for each first-layer
//!    unit s, sort its incoming |W1| descending and add `z_s · (j-th largest)`
//!    to the top-j set, j = 2…p ([`greedy_ranking`]).
//! 5. Cutoff (§4.3, MLP-Cutoff): add the top-ranked interactions one at a time
//!    to a GAM of small nets until the validation error stops improving
//!    ([`mlp_cutoff`]).
//!
//! [`nid_screen`] runs steps 1–4 (and 5 on request) on a dataset;
//! [`evaluate_synthetic`] reproduces the F1–F10 protocol of §5 (30k points
//! split 1/3 train/valid/test, pairwise AUC as Table 2, top-rank recall as
//! §5.3).
//!
//! Defaults ([`NidParams::new`]): the paper's MLP-M sizes and L1 5e-5,
//! initialization uniform in ±1/√fan_in as PyTorch's `nn.Linear` (the NID
//! reference implementation), Adam step 1e-2 halved after 2 epochs without
//! improvement, early-stopping patience 8, batch 100, at most 100 epochs,
//! and an ensemble of 6 networks whose normalized strengths are weighted by
//! validation loss⁻² ([`ensemble_strengths`]). Runs are deterministic: the
//! same seeds reproduce every digit, on any thread count.
//!
//! The measurements behind these defaults, with the commands that rerun
//! them, are in `docs/nid-tuning.md`.

use std::collections::HashMap;
use std::time::Instant;

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, Slice};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::auc::{pairwise_auc, top_rank_recall};
use super::lasso::standardize_columns;
use super::mlp::{train, AdditiveNet, Init, Loss, Mlp, TrainOptions, TrainReport};
use super::synthetic::SyntheticFunction;
use super::{check_inputs, is_pos, sort_interactions, Interaction, InteractionError, Screening};
use crate::params::ParamsError;

/// Settings of NID (network sizes, regularization, training, ranking).
///
/// Built with [`NidParams::new`] and one setter per setting, then validated
/// once by [`NidParams::check`]; the algorithms accept only the
/// [`ValidNidParams`] it returns. Defaults: main MLP 140-100-60-20 and
/// univariate nets 10-10-10 (paper §4.1), L1 5e-5 and no L1 grid,
/// [`Init::UniformFanIn`], Adam step 1e-2, batch 100, at most 100 epochs,
/// patience 8, step halved after 2 epochs without improvement, an ensemble of
/// 6 networks weighted by validation loss⁻², 20% of the rows held out for
/// validation, degree 2, regression target, no MLP-Cutoff (when on: at most
/// 10 interactions, nets 20-10, L2 1e-4), seed 0.
#[derive(Debug, Clone, PartialEq)]
pub struct NidParams {
    /// Hidden sizes of the main MLP (paper: 140, 100, 60, 20).
    pub main_hidden: Vec<usize>,
    /// Hidden sizes of each univariate net (paper: 10, 10, 10); empty = plain
    /// MLP without univariate nets.
    pub uni_hidden: Vec<usize>,
    /// L1 constant on the main MLP's weights (paper: 5e-5); used when
    /// `l1_grid` is empty.
    pub l1: f64,
    /// L1 constants tried per dataset (NID §5.1: "L1 constants in the range
    /// of 5e-6 to 5e-4, based on parameter tuning on a validation set"): one
    /// MLP-M is trained per value and the one chosen by `l1_tolerance` on the
    /// validation loss is kept. Empty = the fixed `l1`.
    pub l1_grid: Vec<f64>,
    /// Selection rule over `l1_grid`: keep the largest L1 whose validation
    /// loss is at most `(1 + l1_tolerance)` × the lowest one (0 = the lowest
    /// validation loss; a positive value prefers sparser networks while the
    /// fit does not worsen, as in the paper's Appendix G tuning).
    pub l1_tolerance: f64,
    /// Initialization of every net (see [`Init`]). Default
    /// [`Init::UniformFanIn`], as the NID reference implementation (PyTorch
    /// `nn.Linear`); He-normal weights blur ω, because the random initial
    /// weights of non-interacting inputs survive the weak L1
    /// (`docs/nid-tuning.md` has the measurements).
    pub init: Init,
    /// Adam step size.
    pub learning_rate: f64,
    /// Minibatch size.
    pub batch_size: usize,
    /// Maximum epochs.
    pub max_epochs: usize,
    /// Early-stopping patience in epochs (0 = stop at the first epoch without
    /// improvement).
    pub patience: usize,
    /// Step-size factor applied on validation plateaus, in (0, 1] (1 = none).
    pub lr_decay: f64,
    /// Epochs without improvement before the step size decays.
    pub decay_patience: usize,
    /// Number of MLP-M networks trained with different seeds whose
    /// normalized strengths are averaged ([`ensemble_strengths`]); 1 = one
    /// network, as in the paper. Default 6: the weak high-order terms (F7,
    /// F2, F6) are read more reliably from the average than from any one
    /// network.
    pub ensemble: usize,
    /// Ensemble members are weighted by `validation loss^(−power)`
    /// ([`member_weights`]): networks that fit the held-out rows better
    /// speak louder, a soft form of the paper's choice of network on the
    /// validation set. 0 = plain average. Default 2.
    pub member_weight_power: f64,
    /// With a non-empty `l1_grid`: train one network per L1 constant (and
    /// per ensemble member) and average their normalized strengths instead of
    /// keeping the one chosen on the validation loss.
    pub average_l1_grid: bool,
    /// Share of rows held out for validation in [`nid_screen`], in (0, 1).
    pub valid_fraction: f64,
    /// Highest interaction order reported by [`nid_screen`]: 2 = pairs only,
    /// d ≥ 3 adds Algorithm 1's sets of size 3…d.
    pub degree: usize,
    /// Binary 0/1 target: cross-entropy loss, y not standardized.
    pub binary: bool,
    /// Run MLP-Cutoff in [`nid_screen`] and report K.
    pub cutoff: bool,
    /// Largest K tried by the cutoff (≥ 1).
    pub cutoff_max: usize,
    /// Hidden sizes of each interaction net of MLP-Cutoff.
    pub cutoff_hidden: Vec<usize>,
    /// L2 constant of MLP-Cutoff (paper: 1e-4).
    pub cutoff_l2: f64,
    /// Seed of the split, initialization and shuffling.
    pub seed: u64,
}

impl Default for NidParams {
    fn default() -> Self {
        NidParams {
            main_hidden: vec![140, 100, 60, 20],
            uni_hidden: vec![10, 10, 10],
            l1: 5e-5,
            l1_grid: Vec::new(),
            l1_tolerance: 0.0,
            init: Init::UniformFanIn,
            learning_rate: 1e-2,
            batch_size: 100,
            max_epochs: 100,
            patience: 8,
            lr_decay: 0.5,
            decay_patience: 2,
            ensemble: 6,
            member_weight_power: 2.0,
            average_l1_grid: false,
            valid_fraction: 0.2,
            degree: 2,
            binary: false,
            cutoff: false,
            cutoff_max: 10,
            cutoff_hidden: vec![20, 10],
            cutoff_l2: 1e-4,
            seed: 0,
        }
    }
}

impl NidParams {
    /// The defaults (see the type's doc).
    pub fn new() -> Self {
        Self::default()
    }

    /// Set the hidden sizes of the main MLP.
    pub fn main_hidden(mut self, sizes: &[usize]) -> Self {
        self.main_hidden = sizes.to_vec();
        self
    }

    /// Set the hidden sizes of each univariate net (empty: none).
    pub fn uni_hidden(mut self, sizes: &[usize]) -> Self {
        self.uni_hidden = sizes.to_vec();
        self
    }

    /// Set the L1 constant of the main MLP.
    pub fn l1(mut self, l1: f64) -> Self {
        self.l1 = l1;
        self
    }

    /// Set the L1 constants tried per dataset (empty: the fixed `l1`).
    pub fn l1_grid(mut self, grid: &[f64]) -> Self {
        self.l1_grid = grid.to_vec();
        self
    }

    /// Set the tolerance of the selection over `l1_grid`.
    pub fn l1_tolerance(mut self, tolerance: f64) -> Self {
        self.l1_tolerance = tolerance;
        self
    }

    /// Set the initialization of every net.
    pub fn init(mut self, init: Init) -> Self {
        self.init = init;
        self
    }

    /// Set the Adam step size.
    pub fn learning_rate(mut self, rate: f64) -> Self {
        self.learning_rate = rate;
        self
    }

    /// Set the minibatch size.
    pub fn batch_size(mut self, size: usize) -> Self {
        self.batch_size = size;
        self
    }

    /// Set the maximum number of epochs.
    pub fn max_epochs(mut self, epochs: usize) -> Self {
        self.max_epochs = epochs;
        self
    }

    /// Set the early-stopping patience in epochs.
    pub fn patience(mut self, epochs: usize) -> Self {
        self.patience = epochs;
        self
    }

    /// Set the step-size factor applied on validation plateaus.
    pub fn lr_decay(mut self, factor: f64) -> Self {
        self.lr_decay = factor;
        self
    }

    /// Set the epochs without improvement before the step size decays.
    pub fn decay_patience(mut self, epochs: usize) -> Self {
        self.decay_patience = epochs;
        self
    }

    /// Set the number of networks of the ensemble.
    pub fn ensemble(mut self, networks: usize) -> Self {
        self.ensemble = networks;
        self
    }

    /// Set the power of the validation-loss weights of ensemble members.
    pub fn member_weight_power(mut self, power: f64) -> Self {
        self.member_weight_power = power;
        self
    }

    /// Average over `l1_grid` instead of keeping one L1 constant.
    pub fn average_l1_grid(mut self, on: bool) -> Self {
        self.average_l1_grid = on;
        self
    }

    /// Set the share of rows held out for validation.
    pub fn valid_fraction(mut self, fraction: f64) -> Self {
        self.valid_fraction = fraction;
        self
    }

    /// Set the highest interaction order reported.
    pub fn degree(mut self, degree: usize) -> Self {
        self.degree = degree;
        self
    }

    /// Treat the target as binary 0/1 (cross-entropy loss).
    pub fn binary(mut self, on: bool) -> Self {
        self.binary = on;
        self
    }

    /// Run MLP-Cutoff.
    pub fn cutoff(mut self, on: bool) -> Self {
        self.cutoff = on;
        self
    }

    /// Set the largest K tried by MLP-Cutoff.
    pub fn cutoff_max(mut self, k: usize) -> Self {
        self.cutoff_max = k;
        self
    }

    /// Set the hidden sizes of each interaction net of MLP-Cutoff.
    pub fn cutoff_hidden(mut self, sizes: &[usize]) -> Self {
        self.cutoff_hidden = sizes.to_vec();
        self
    }

    /// Set the L2 constant of MLP-Cutoff.
    pub fn cutoff_l2(mut self, l2: f64) -> Self {
        self.cutoff_l2 = l2;
        self
    }

    /// Set the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Validate every setting: layer sizes ≥ 1 (the main MLP needs a layer),
    /// penalties, tolerances and the weight power finite and ≥ 0, step size
    /// finite and > 0, batch, epochs, ensemble and cutoff K ≥ 1, `lr_decay`
    /// in (0, 1], `valid_fraction` in (0, 1), degree ≥ 2, a normal
    /// initialization with a finite std > 0.
    pub fn check(self) -> Result<ValidNidParams, ParamsError> {
        if self.main_hidden.is_empty() {
            return Err(ParamsError::new(
                "main-hidden",
                "main-hidden is empty; the main MLP needs at least one hidden layer",
            ));
        }
        layer_sizes("main-hidden", &self.main_hidden)?;
        layer_sizes("uni-hidden", &self.uni_hidden)?;
        layer_sizes("cutoff-hidden", &self.cutoff_hidden)?;
        non_negative("l1", self.l1)?;
        if let Some(&v) = self.l1_grid.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
            return Err(ParamsError::new(
                "l1-grid",
                format!("l1-grid holds {v}; every L1 constant must be a finite number ≥ 0"),
            ));
        }
        non_negative("l1-tolerance", self.l1_tolerance)?;
        if let Init::Normal(std) = self.init {
            if !(std.is_finite() && std > 0.0) {
                return Err(ParamsError::new(
                    "init",
                    format!("init is N(0, {std}²); the std must be a finite number > 0"),
                ));
            }
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(ParamsError::new(
                "learning-rate",
                format!(
                    "learning-rate = {}; it must be a finite number > 0",
                    self.learning_rate
                ),
            ));
        }
        at_least_one("batch-size", self.batch_size)?;
        at_least_one("max-epochs", self.max_epochs)?;
        if !(self.lr_decay > 0.0 && self.lr_decay <= 1.0) {
            return Err(ParamsError::new(
                "lr-decay",
                format!("lr-decay = {}; it must lie in (0, 1]", self.lr_decay),
            ));
        }
        at_least_one("ensemble", self.ensemble)?;
        non_negative("member-weight-power", self.member_weight_power)?;
        if !(self.valid_fraction > 0.0 && self.valid_fraction < 1.0) {
            return Err(ParamsError::new(
                "valid-fraction",
                format!(
                    "valid-fraction = {}; it must lie in (0, 1)",
                    self.valid_fraction
                ),
            ));
        }
        check_degree(self.degree)?;
        at_least_one("cutoff-max", self.cutoff_max)?;
        non_negative("cutoff-l2", self.cutoff_l2)?;
        Ok(ValidNidParams(self))
    }
}

fn layer_sizes(field: &'static str, sizes: &[usize]) -> Result<(), ParamsError> {
    if sizes.contains(&0) {
        return Err(ParamsError::new(
            field,
            format!("{field} = {sizes:?}; every layer needs at least one unit"),
        ));
    }
    Ok(())
}

fn non_negative(field: &'static str, v: f64) -> Result<(), ParamsError> {
    if !(v.is_finite() && v >= 0.0) {
        return Err(ParamsError::new(
            field,
            format!("{field} = {v}; it must be a finite number ≥ 0"),
        ));
    }
    Ok(())
}

fn at_least_one(field: &'static str, v: usize) -> Result<(), ParamsError> {
    if v == 0 {
        return Err(ParamsError::new(
            field,
            format!("{field} = 0; it must be at least 1"),
        ));
    }
    Ok(())
}

fn check_degree(degree: usize) -> Result<(), ParamsError> {
    if degree < 2 {
        return Err(ParamsError::new(
            "degree",
            format!("degree = {degree}; an interaction has at least 2 features"),
        ));
    }
    Ok(())
}

/// NID settings that passed [`NidParams::check`]; read them through `Deref`.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidNidParams(NidParams);

impl Default for ValidNidParams {
    /// The defaults, which pass the check (tested).
    fn default() -> Self {
        ValidNidParams(NidParams::default())
    }
}

impl std::ops::Deref for ValidNidParams {
    type Target = NidParams;
    fn deref(&self) -> &NidParams {
        &self.0
    }
}

impl ValidNidParams {
    /// The same settings with another seed (every seed is valid).
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.0.seed = seed;
        self
    }

    /// The same settings for a binary (`true`) or real target.
    pub fn with_binary(mut self, binary: bool) -> Self {
        self.0.binary = binary;
        self
    }

    /// The same settings with MLP-Cutoff on or off.
    pub fn with_cutoff(mut self, cutoff: bool) -> Self {
        self.0.cutoff = cutoff;
        self
    }

    /// The same settings with another degree, which must be at least 2.
    pub fn with_degree(mut self, degree: usize) -> Result<Self, ParamsError> {
        check_degree(degree)?;
        self.0.degree = degree;
        Ok(self)
    }

    /// The same settings with the fixed L1 constant `l1`, taken from the
    /// validated `l1_grid`, and no grid.
    fn with_l1(mut self, l1: f64) -> Self {
        self.0.l1 = l1;
        self.0.l1_grid.clear();
        self
    }

    fn train_options(&self, seed: u64) -> TrainOptions {
        TrainOptions {
            learning_rate: self.learning_rate,
            batch_size: self.batch_size,
            max_epochs: self.max_epochs,
            patience: self.patience,
            min_rel_improvement: 1e-4,
            lr_decay: self.lr_decay,
            decay_patience: self.decay_patience,
            loss: if self.binary {
                Loss::BinaryCrossEntropy
            } else {
                Loss::Mse
            },
            seed,
        }
    }
}

/// Aggregated influence of the first-hidden-layer units (NID §3.2):
/// `z⁽¹⁾ = |w_y|ᵀ |W⁽ᴸ⁾| ⋯ |W⁽²⁾|`, one value per first-layer unit.
pub fn unit_influence(mlp: &Mlp) -> Array1<f64> {
    let k = mlp.layers.len();
    // Weights are stored in × out, so z = |W2|·|W3|⋯|w_y| as a column.
    let mut z: Array1<f64> = mlp.layers[k - 1].w.column(0).mapv(f64::abs);
    for l in mlp.layers[1..k - 1].iter().rev() {
        z = l.w.mapv(f64::abs).dot(&z);
    }
    z
}

/// Pairwise strengths (NID §4.4, eq. (1) with µ = min):
/// `ω({i,j}) = Σ_s z_s · min(|W1_{s,i}|, |W1_{s,j}|)`, with `w1` stored
/// `p × units`. Returns a symmetric p × p matrix with zero diagonal.
pub fn pairwise_strengths(w1: ArrayView2<f64>, z: ArrayView1<f64>) -> Vec<Vec<f64>> {
    let p = w1.nrows();
    let a = w1.mapv(f64::abs);
    let mut out = vec![vec![0.0; p]; p];
    for i in 0..p {
        for j in i + 1..p {
            let s: f64 = (0..z.len()).map(|u| z[u] * a[[i, u]].min(a[[j, u]])).sum();
            out[i][j] = s;
            out[j][i] = s;
        }
    }
    out
}

/// NID Algorithm 1 (greedy ranking, µ = min): for each first-layer unit s,
/// sort the incoming weights |W1_{s,·}| descending and, for j = 2…`max_order`
/// (at most p), add `z_s · min(top-j weights)` to the set of the top-j
/// features. Returns (set, strength) sorted by strength descending (ties by
/// size, then indices). O(units · p · (log p + p)).
pub fn greedy_ranking(
    w1: ArrayView2<f64>,
    z: ArrayView1<f64>,
    max_order: usize,
) -> Vec<(Vec<usize>, f64)> {
    let p = w1.nrows();
    let top = max_order.min(p);
    let mut d: HashMap<Vec<usize>, f64> = HashMap::new();
    for u in 0..w1.ncols() {
        let col = w1.column(u);
        let mut idx: Vec<usize> = (0..p).collect();
        idx.sort_by(|&a, &b| col[b].abs().total_cmp(&col[a].abs()).then(a.cmp(&b)));
        for j in 2..=top {
            let mut set = idx[..j].to_vec();
            set.sort_unstable();
            let w = col[idx[j - 1]].abs();
            *d.entry(set).or_insert(0.0) += z[u] * w;
        }
    }
    let mut v: Vec<(Vec<usize>, f64)> = d.into_iter().collect();
    sort_ranking(&mut v);
    v
}

/// Strongest first; ties by size, then indices.
fn sort_ranking(v: &mut [(Vec<usize>, f64)]) {
    v.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(a.0.len().cmp(&b.0.len()))
            .then(a.0.cmp(&b.0))
    });
}

/// Interaction strengths read off a trained MLP-M (its `nets[0]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NidStrengths {
    /// Symmetric p × p pairwise strengths ω.
    pub pairwise: Vec<Vec<f64>>,
    /// Algorithm 1 ranking of sets of every order, strongest first.
    pub ranking: Vec<(Vec<usize>, f64)>,
}

/// Strengths of the main MLP `net.nets[0]` (see module doc, steps 2–4).
pub fn interaction_strengths(net: &AdditiveNet, max_order: usize) -> NidStrengths {
    let main = &net.nets[0].mlp;
    let z = unit_influence(main);
    let w1 = main.layers[0].w.view();
    NidStrengths {
        pairwise: pairwise_strengths(w1, z.view()),
        ranking: greedy_ranking(w1, z.view(), max_order),
    }
}

/// Weights of ensemble members from their validation losses:
/// `loss^(−power)`, scaled to sum to 1. Losses are floored at 1e-12 (a
/// perfect fit would otherwise take all the weight as infinity); a
/// non-finite loss gets weight 0 unless every loss is non-finite, when the
/// members count equally.
pub fn member_weights(valid_losses: &[f64], power: f64) -> Vec<f64> {
    let raw: Vec<f64> = valid_losses
        .iter()
        .map(|&l| {
            if l.is_finite() {
                l.max(1e-12).powf(-power)
            } else {
                0.0
            }
        })
        .collect();
    let total: f64 = raw.iter().sum();
    if total > 0.0 && total.is_finite() {
        raw.iter().map(|w| w / total).collect()
    } else {
        vec![1.0 / valid_losses.len().max(1) as f64; valid_losses.len()]
    }
}

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
/// network chosen on the validation loss (see [`NidParams::l1_tolerance`]).
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

/// The fit chosen by the rule of [`NidParams::l1_tolerance`].
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

/// Options of [`evaluate_synthetic`].
#[derive(Debug, Clone, PartialEq)]
pub struct EvalOptions {
    /// Points per dataset (paper: 30,000, split 1/3 train/valid/test).
    pub n: usize,
    /// Network and training settings (the seed is replaced per run, the
    /// target is real).
    pub nid: ValidNidParams,
    /// Run the (function, seed) jobs side by side on the rayon pool; each
    /// job is seeded, so results do not depend on this flag.
    pub parallel: bool,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            n: 30_000,
            nid: ValidNidParams::default(),
            parallel: false,
        }
    }
}

/// Result of one synthetic function, averaged over seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionReport {
    /// `f1` … `f10`.
    pub function: String,
    /// Mean pairwise ROC AUC (NID Table 2).
    pub auc: f64,
    /// Mean top-rank recall of Algorithm 1's ranking (NID §5.3).
    pub top_rank_recall: f64,
    /// Mean wall-clock seconds per run (generation, training, ranking).
    pub seconds: f64,
}

/// A serializable list of reports: `{"functions": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyntheticSuiteReport {
    /// One entry per function.
    pub functions: Vec<FunctionReport>,
}

impl SyntheticSuiteReport {
    /// Mean AUC over the functions.
    pub fn average_auc(&self) -> f64 {
        self.functions.iter().map(|f| f.auc).sum::<f64>() / self.functions.len().max(1) as f64
    }
}

/// One run of the §5 protocol; returns (AUC, top-rank recall, seconds).
pub fn evaluate_run(f: SyntheticFunction, seed: u64, opts: &EvalOptions) -> (f64, f64, f64) {
    let start = Instant::now();
    let (x, y) = f.generate(opts.n, seed);
    let third = opts.n / 3;
    // Rows are i.i.d., so consecutive thirds are random splits; the test
    // third is not needed for the ranking.
    let (xtr, xva) = (
        x.slice_axis(Axis(0), Slice::from(0..third)),
        x.slice_axis(Axis(0), Slice::from(third..2 * third)),
    );
    let (mean, sd) = col_stats(xtr);
    let scale = |a: ArrayView2<f64>| -> Array2<f64> {
        let mut b = a.to_owned();
        for (j, mut c) in b.axis_iter_mut(Axis(1)).enumerate() {
            c.mapv_inplace(|v| (v - mean[j]) / sd[j]);
        }
        b
    };
    let (xtr, xva) = (scale(xtr), scale(xva));
    let ytr = y.slice_axis(Axis(0), Slice::from(0..third));
    let ym = ytr.mean().unwrap_or(0.0);
    let ysd = ytr.std(0.0).max(1e-12);
    let ytr = ytr.mapv(|v| (v - ym) / ysd);
    let yva = y
        .slice_axis(Axis(0), Slice::from(third..2 * third))
        .mapv(|v| (v - ym) / ysd);
    let nid = opts.nid.clone().with_seed(seed).with_binary(false);
    let (st, _) = ensemble_strengths(
        xtr.view(),
        ytr.view(),
        xva.view(),
        yva.view(),
        &nid,
        f.n_features(),
    );
    let truth = f.ground_truth();
    let auc = pairwise_auc(&st.pairwise, &truth);
    let ranking: Vec<Vec<usize>> = st.ranking.iter().map(|(s, _)| s.clone()).collect();
    let recall = top_rank_recall(&ranking, &truth);
    (auc, recall, start.elapsed().as_secs_f64())
}

fn col_stats(x: ArrayView2<f64>) -> (Vec<f64>, Vec<f64>) {
    x.axis_iter(Axis(1))
        .map(|c| {
            let m = c.mean().unwrap_or(0.0);
            let sd = c.std(0.0);
            (m, if sd > 0.0 { sd } else { 1.0 })
        })
        .unzip()
}

/// Runs the NID §5 protocol on each function for each seed (generate
/// `opts.n` points, train MLP-M on the first third with early stopping on
/// the second, pairwise AUC and top-rank recall) and averages over seeds.
pub fn evaluate_synthetic(
    functions: &[SyntheticFunction],
    seeds: &[u64],
    opts: &EvalOptions,
) -> Vec<FunctionReport> {
    evaluate_synthetic_with_progress(functions, seeds, opts, &|| {})
}

/// [`evaluate_synthetic`], calling `run_done` after each (function, seed)
/// run (from the worker thread that finished it) so a caller can count them.
pub fn evaluate_synthetic_with_progress(
    functions: &[SyntheticFunction],
    seeds: &[u64],
    opts: &EvalOptions,
    run_done: &(dyn Fn() + Sync),
) -> Vec<FunctionReport> {
    let jobs: Vec<(SyntheticFunction, u64)> = functions
        .iter()
        .flat_map(|&f| seeds.iter().map(move |&s| (f, s)))
        .collect();
    let run = |&(f, s): &(SyntheticFunction, u64)| {
        let r = evaluate_run(f, s, opts);
        run_done();
        r
    };
    let results: Vec<(f64, f64, f64)> = if opts.parallel {
        jobs.par_iter().map(run).collect()
    } else {
        jobs.iter().map(run).collect()
    };
    functions
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let rs = &results[k * seeds.len()..(k + 1) * seeds.len()];
            let m = rs.len().max(1) as f64;
            FunctionReport {
                function: f.name().to_string(),
                auc: rs.iter().map(|r| r.0).sum::<f64>() / m,
                top_rank_recall: rs.iter().map(|r| r.1).sum::<f64>() / m,
                seconds: rs.iter().map(|r| r.2).sum::<f64>() / m,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The field named by the rejection of `p`.
    fn rejected(p: NidParams) -> &'static str {
        p.check().expect_err("the setting must be rejected").field
    }

    #[test]
    fn defaults_are_valid() {
        assert_eq!(NidParams::new().check().unwrap(), ValidNidParams::default());
    }

    #[test]
    fn rejects_main_hidden() {
        assert_eq!(rejected(NidParams::new().main_hidden(&[])), "main-hidden");
        assert_eq!(
            rejected(NidParams::new().main_hidden(&[4, 0])),
            "main-hidden"
        );
    }

    #[test]
    fn rejects_uni_hidden() {
        assert_eq!(rejected(NidParams::new().uni_hidden(&[0])), "uni-hidden");
        assert!(NidParams::new().uni_hidden(&[]).check().is_ok());
    }

    #[test]
    fn rejects_l1() {
        assert_eq!(rejected(NidParams::new().l1(-1e-5)), "l1");
        assert_eq!(rejected(NidParams::new().l1(f64::INFINITY)), "l1");
        assert_eq!(rejected(NidParams::new().l1(f64::NAN)), "l1");
    }

    #[test]
    fn rejects_l1_grid() {
        assert_eq!(rejected(NidParams::new().l1_grid(&[1e-5, -1.0])), "l1-grid");
        assert_eq!(rejected(NidParams::new().l1_grid(&[f64::NAN])), "l1-grid");
    }

    #[test]
    fn rejects_l1_tolerance() {
        assert_eq!(
            rejected(NidParams::new().l1_tolerance(-0.1)),
            "l1-tolerance"
        );
    }

    #[test]
    fn rejects_init() {
        assert_eq!(rejected(NidParams::new().init(Init::Normal(0.0))), "init");
        assert_eq!(rejected(NidParams::new().init(Init::Normal(-0.1))), "init");
        assert!(NidParams::new().init(Init::He).check().is_ok());
    }

    #[test]
    fn rejects_learning_rate() {
        assert_eq!(
            rejected(NidParams::new().learning_rate(0.0)),
            "learning-rate"
        );
        assert_eq!(
            rejected(NidParams::new().learning_rate(f64::INFINITY)),
            "learning-rate"
        );
    }

    #[test]
    fn rejects_batch_size() {
        assert_eq!(rejected(NidParams::new().batch_size(0)), "batch-size");
    }

    #[test]
    fn rejects_max_epochs() {
        assert_eq!(rejected(NidParams::new().max_epochs(0)), "max-epochs");
    }

    #[test]
    fn rejects_lr_decay() {
        assert_eq!(rejected(NidParams::new().lr_decay(0.0)), "lr-decay");
        assert_eq!(rejected(NidParams::new().lr_decay(1.5)), "lr-decay");
        assert!(NidParams::new().lr_decay(1.0).check().is_ok());
    }

    #[test]
    fn rejects_ensemble() {
        assert_eq!(rejected(NidParams::new().ensemble(0)), "ensemble");
    }

    #[test]
    fn rejects_member_weight_power() {
        assert_eq!(
            rejected(NidParams::new().member_weight_power(-1.0)),
            "member-weight-power"
        );
    }

    #[test]
    fn rejects_valid_fraction() {
        assert_eq!(
            rejected(NidParams::new().valid_fraction(0.0)),
            "valid-fraction"
        );
        assert_eq!(
            rejected(NidParams::new().valid_fraction(1.0)),
            "valid-fraction"
        );
    }

    #[test]
    fn rejects_degree() {
        assert_eq!(rejected(NidParams::new().degree(1)), "degree");
        let valid = ValidNidParams::default();
        assert_eq!(valid.clone().with_degree(1).unwrap_err().field, "degree");
        assert_eq!(valid.with_degree(3).unwrap().degree, 3);
    }

    #[test]
    fn rejects_cutoff_max() {
        assert_eq!(rejected(NidParams::new().cutoff_max(0)), "cutoff-max");
    }

    #[test]
    fn rejects_cutoff_hidden() {
        assert_eq!(
            rejected(NidParams::new().cutoff_hidden(&[8, 0])),
            "cutoff-hidden"
        );
    }

    #[test]
    fn rejects_cutoff_l2() {
        assert_eq!(rejected(NidParams::new().cutoff_l2(-1e-4)), "cutoff-l2");
    }

    #[test]
    fn a_rejection_is_one_sentence_naming_the_field() {
        let e = NidParams::new().learning_rate(-0.5).check().unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid learning-rate: learning-rate = -0.5; it must be a finite number > 0"
        );
    }
}
