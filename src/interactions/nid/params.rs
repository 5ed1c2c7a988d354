//! The settings of NID, validated once.

use crate::interactions::mlp::{Init, Loss, TrainOptions};
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
    /// normalized strengths are averaged ([`ensemble_strengths`](super::ensemble_strengths)); 1 = one
    /// network, as in the paper. Default 6: the weak high-order terms (F7,
    /// F2, F6) are read more reliably from the average than from any one
    /// network.
    pub ensemble: usize,
    /// Ensemble members are weighted by `validation loss^(−power)`
    /// ([`member_weights`](super::member_weights)): networks that fit the held-out rows better
    /// speak louder, a soft form of the paper's choice of network on the
    /// validation set. 0 = plain average. Default 2.
    pub member_weight_power: f64,
    /// With a non-empty `l1_grid`: train one network per L1 constant (and
    /// per ensemble member) and average their normalized strengths instead of
    /// keeping the one chosen on the validation loss.
    pub average_l1_grid: bool,
    /// Share of rows held out for validation in [`nid_screen`](super::nid_screen), in (0, 1).
    pub valid_fraction: f64,
    /// Highest interaction order reported by [`nid_screen`](super::nid_screen): 2 = pairs only,
    /// d ≥ 3 adds Algorithm 1's sets of size 3…d.
    pub degree: usize,
    /// Binary 0/1 target: cross-entropy loss, y not standardized.
    pub binary: bool,
    /// Run MLP-Cutoff in [`nid_screen`](super::nid_screen) and report K.
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
    pub(super) fn with_l1(mut self, l1: f64) -> Self {
        self.0.l1 = l1;
        self.0.l1_grid.clear();
        self
    }

    pub(super) fn train_options(&self, seed: u64) -> TrainOptions {
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
