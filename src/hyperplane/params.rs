//! Parameters of the separating-hyperplane problem and their validation.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Default separation margin ε for points of `Cj` (see [`HyperplaneParams::epsilon`]).
pub const DEFAULT_EPSILON: f64 = 1e-3;

/// Which coefficients a hyperplane may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Coefficients {
    /// Integer coefficients `w_d ∈ {−M, …, M}` (paper equations (8)–(10)).
    #[default]
    Integer,
    /// Real coefficients `w_d ∈ [−1, 1]` (the SVM-like case of the paper); `M` is ignored.
    General,
}

/// Parameters of the separating-hyperplane problem (paper equations (1)–(12)).
///
/// Defaults: `m = 1`, `beta = 1`, `epsilon = 1e-3`, integer coefficients (the
/// paper's MPC-1 setting; MPC-2 is `m = 3`, `beta = 2`).
///
/// The fields are plain data; algorithms accept only [`ValidHyperplaneParams`],
/// obtained with [`HyperplaneParams::check`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct HyperplaneParams {
    /// Largest absolute integer coefficient `M ≥ 1`.
    pub m: u32,
    /// Largest number of non-zero coefficients `β ≥ 1` (and `β ≤ d`).
    pub beta: usize,
    /// Margin `ε > 0`: a point of `Cj` is on the correct side only if
    /// `w·x + b ≤ −ε`. With features in `[0, 1]` and small integer weights,
    /// `1e-3` is below the gap between distinct projections of typical data
    /// while staying far above floating-point noise.
    pub epsilon: f64,
    /// Integer or general (real) coefficients.
    pub coefficients: Coefficients,
}

impl Default for HyperplaneParams {
    fn default() -> Self {
        Self {
            m: 1,
            beta: 1,
            epsilon: DEFAULT_EPSILON,
            coefficients: Coefficients::Integer,
        }
    }
}

impl HyperplaneParams {
    /// Default parameters (`M = β = 1`, `ε = 1e-3`, integer coefficients).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the coefficient bound `M`.
    pub fn m(mut self, m: u32) -> Self {
        self.m = m;
        self
    }

    /// Sets the sparsity bound `β`.
    pub fn beta(mut self, beta: usize) -> Self {
        self.beta = beta;
        self
    }

    /// Sets the margin `ε`.
    pub fn epsilon(mut self, epsilon: f64) -> Self {
        self.epsilon = epsilon;
        self
    }

    /// Sets the coefficient kind.
    pub fn coefficients(mut self, coefficients: Coefficients) -> Self {
        self.coefficients = coefficients;
        self
    }

    /// Validates the data-independent fields (`m ≥ 1`, `beta ≥ 1`, finite `epsilon > 0`).
    ///
    /// The data-dependent checks (`beta ≤ d`, non-empty disjoint `Ci`, `Cj`)
    /// are done by [`HyperplaneProblem::validate`](super::HyperplaneProblem::validate)
    /// and again by [`solve`](super::solve).
    pub fn check(&self) -> Result<ValidHyperplaneParams, HyperplaneError> {
        if self.m < 1 {
            return Err(HyperplaneError::M(self.m));
        }
        if self.beta < 1 {
            return Err(HyperplaneError::Beta(self.beta));
        }
        if !(self.epsilon.is_finite() && self.epsilon > 0.0) {
            return Err(HyperplaneError::Epsilon(self.epsilon));
        }
        Ok(ValidHyperplaneParams(*self))
    }
}

impl HyperplaneParams {
    /// [`check`](Self::check) plus the check against the data: `beta ≤ d`
    /// for `d` features. (The row sets are checked by
    /// [`HyperplaneProblem::new`](super::HyperplaneProblem::new).)
    pub fn check_for(&self, d: usize) -> Result<ValidHyperplaneParams, HyperplaneError> {
        let valid = self.check()?;
        if self.beta > d {
            return Err(HyperplaneError::BetaExceedsDimension { beta: self.beta, d });
        }
        Ok(valid)
    }
}

/// Parameters that passed [`HyperplaneParams::check`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ValidHyperplaneParams(HyperplaneParams);

impl ValidHyperplaneParams {
    /// Coefficient bound `M` (1 in general mode, where `|w_d| ≤ 1`).
    pub fn m(&self) -> u32 {
        match self.0.coefficients {
            Coefficients::Integer => self.0.m,
            Coefficients::General => 1,
        }
    }

    /// Sparsity bound `β`.
    pub fn beta(&self) -> usize {
        self.0.beta
    }

    /// Margin `ε`.
    pub fn epsilon(&self) -> f64 {
        self.0.epsilon
    }

    /// Coefficient kind.
    pub fn coefficients(&self) -> Coefficients {
        self.0.coefficients
    }

    /// The parameters as given.
    pub fn params(&self) -> &HyperplaneParams {
        &self.0
    }
}

/// Invalid parameters or problem data.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum HyperplaneError {
    /// `M` must be at least 1.
    #[error("M = {0}; the coefficient bound must be at least 1")]
    M(u32),
    /// `β` must be at least 1.
    #[error("beta = {0}; at least one non-zero coefficient is needed")]
    Beta(usize),
    /// `β` cannot exceed the number of features.
    #[error("beta = {beta} exceeds the number of features d = {d}")]
    BetaExceedsDimension {
        /// The requested `β`.
        beta: usize,
        /// The number of features.
        d: usize,
    },
    /// `ε` must be finite and positive.
    #[error("epsilon = {0}; the margin must be a finite number above 0")]
    Epsilon(f64),
    /// A time limit must be a finite number of seconds, at least 0.
    #[error("time limit {0} is not a finite number of seconds ≥ 0")]
    TimeLimit(f64),
    /// `Ci` is empty.
    #[error("cluster Ci is empty")]
    EmptyCi,
    /// `Cj` is empty.
    #[error("cluster Cj is empty")]
    EmptyCj,
    /// The data matrix has no columns.
    #[error("the data matrix has no features")]
    NoFeatures,
    /// A row index is out of range.
    #[error("row index {index} is out of range for a data matrix with {rows} rows")]
    RowOutOfRange {
        /// The offending index.
        index: usize,
        /// The number of rows of the data matrix.
        rows: usize,
    },
    /// A row appears twice in `Ci ∪ Cj`.
    #[error("row {0} appears more than once in Ci and Cj")]
    DuplicateRow(usize),
    /// A data value is NaN or infinite.
    #[error("data value at row {row}, column {col} is not finite")]
    NonFinite {
        /// Row of the value.
        row: usize,
        /// Column of the value.
        col: usize,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_params_are_valid() {
        let p = HyperplaneParams::new().check().unwrap();
        assert_eq!((p.m(), p.beta(), p.epsilon()), (1, 1, DEFAULT_EPSILON));
    }

    #[test]
    fn rejects_m_zero() {
        assert_eq!(
            HyperplaneParams::new().m(0).check(),
            Err(HyperplaneError::M(0))
        );
    }

    #[test]
    fn rejects_beta_zero() {
        assert_eq!(
            HyperplaneParams::new().beta(0).check(),
            Err(HyperplaneError::Beta(0))
        );
    }

    #[test]
    fn rejects_non_positive_epsilon() {
        for eps in [0.0, -1e-3, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                HyperplaneParams::new().epsilon(eps).check(),
                Err(HyperplaneError::Epsilon(_))
            ));
        }
    }

    #[test]
    fn check_for_rejects_beta_above_dimension() {
        assert_eq!(
            HyperplaneParams::new().beta(3).check_for(2),
            Err(HyperplaneError::BetaExceedsDimension { beta: 3, d: 2 })
        );
        assert!(HyperplaneParams::new().beta(2).check_for(2).is_ok());
        assert_eq!(
            HyperplaneParams::new().m(0).check_for(2),
            Err(HyperplaneError::M(0))
        );
    }

    #[test]
    fn general_mode_uses_unit_bound() {
        let p = HyperplaneParams::new()
            .m(5)
            .coefficients(Coefficients::General)
            .check()
            .unwrap();
        assert_eq!(p.m(), 1);
    }
}
