//! MPC parameters and their validation.

use crate::assign::CardinalityBounds;
use crate::hyperplane::{Backend, Coefficients, HyperplaneParams, ValidHyperplaneParams};
use crate::params::{check_k, ParamsError};
use ndarray::ArrayView2;

/// The paper's two settings (§4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// MPC-1: M = β = 1, axis-parallel hyperplanes (every polytope is a box rule).
    Mpc1,
    /// MPC-2: M = 3, β = 2.
    Mpc2,
}

impl Preset {
    /// (M, β) of the preset.
    pub fn m_beta(self) -> (u32, usize) {
        match self {
            Preset::Mpc1 => (1, 1),
            Preset::Mpc2 => (3, 2),
        }
    }
}

/// Settings of Multi-Polytope Clustering (Algorithms 1 and 2).
///
/// Defaults: M = 3, β = 2 (the paper's MPC-2), integer coefficients, λ = 1,
/// ε = 1e-3, no cardinality bounds, enumeration backend, 10 k-means restarts,
/// at most 50 outer iterations of Algorithm 1, both starts (own and
/// axis-parallel, see [`CoarseStart`]).
#[derive(Debug, Clone, PartialEq)]
pub struct MpcParams {
    /// Initial number of clusters K.
    pub k: usize,
    /// Largest absolute integer coefficient M (8)–(9).
    pub m: u32,
    /// Largest number of non-zero coefficients β (7).
    pub beta: usize,
    /// Integer or general coefficients.
    pub coefficients: Coefficients,
    /// Weight λ of the representation error in (25)–(26) and (31).
    pub lambda: f64,
    /// Margin ε of constraint (3).
    pub epsilon: f64,
    /// Smallest cluster size N_min of (15).
    pub n_min: Option<usize>,
    /// Largest cluster size N_max of (15).
    pub n_max: Option<usize>,
    /// Hyperplane solver.
    pub backend: Backend,
    /// Time limit per hyperplane MILP, seconds (MILP backends only).
    pub solver_time_limit: Option<f64>,
    /// Seed of every random choice.
    pub seed: u64,
    /// k-means restarts of the initial clustering (Algorithm 1 line 2).
    pub kmeans_restarts: usize,
    /// Outer iterations of Algorithm 1.
    pub max_outer: usize,
    /// Assignment/centre iterations inside one outer iteration (lines 5–8).
    pub max_inner: usize,
    /// Wall-clock limit of the whole run, seconds.
    pub time_limit: Option<f64>,
    /// Largest number of clusters Algorithm 2 may create (K_max); default K
    /// for a single run, the largest k of the range in [`crate::mpc::protocol`].
    pub k_max: Option<usize>,
    /// Run the silhouette coordinate descent (Algorithm 2) after initialisation.
    pub local_search: bool,
    /// When runs start from axis-parallel hyperplanes (see [`CoarseStart`]).
    pub coarse_start: CoarseStart,
}

/// Coarse-to-fine starts for settings beyond axis-parallel (M > 1 or β > 1).
///
/// A coarse start runs Algorithms 1 and 2 with M = β = 1 (the MPC-1 setting)
/// and then continues Algorithm 2 with the run's own M and β from that
/// result. Every axis-parallel model is also a model of the larger setting
/// and Algorithm 2 never increases its loss, so a coarse-started run ends at
/// least as well as the MPC-1 run of the same seed, while the run's own start
/// (Algorithm 1 in the full setting) reaches optima the axis-parallel path
/// does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoarseStart {
    /// Every run starts from its own setting.
    Never,
    /// Every run starts coarse.
    Always,
    /// Every run tries both starts and keeps the better result (full
    /// fidelity first, then silhouette), at about twice the cost.
    Both,
}

impl CoarseStart {
    /// Which starts a run in setting (`m`, `beta`) makes: (its own setting,
    /// coarse). Axis-parallel settings only have their own.
    pub fn starts(self, m: u32, beta: usize) -> (bool, bool) {
        if m <= 1 && beta <= 1 {
            return (true, false);
        }
        match self {
            CoarseStart::Never => (true, false),
            CoarseStart::Always => (false, true),
            CoarseStart::Both => (true, true),
        }
    }
}

impl MpcParams {
    /// Defaults for `k` initial clusters.
    pub fn new(k: usize) -> Self {
        Self {
            k,
            m: 3,
            beta: 2,
            coefficients: Coefficients::Integer,
            lambda: 1.0,
            epsilon: crate::hyperplane::DEFAULT_EPSILON,
            n_min: None,
            n_max: None,
            backend: Backend::Enumerate,
            solver_time_limit: Some(60.0),
            seed: 0,
            kmeans_restarts: 10,
            max_outer: 50,
            max_inner: 100,
            time_limit: None,
            k_max: None,
            local_search: true,
            coarse_start: CoarseStart::Both,
        }
    }

    /// Apply a preset's M and β.
    pub fn preset(self, preset: Preset) -> Self {
        let (m, beta) = preset.m_beta();
        self.m(m).beta(beta)
    }

    /// Set M.
    pub fn m(mut self, m: u32) -> Self {
        self.m = m;
        self
    }

    /// Set β.
    pub fn beta(mut self, beta: usize) -> Self {
        self.beta = beta;
        self
    }

    /// Set λ.
    pub fn lambda(mut self, lambda: f64) -> Self {
        self.lambda = lambda;
        self
    }

    /// Set the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Set the backend.
    pub fn backend(mut self, backend: Backend) -> Self {
        self.backend = backend;
        self
    }

    /// Set the coefficient kind.
    pub fn coefficients(mut self, coefficients: Coefficients) -> Self {
        self.coefficients = coefficients;
        self
    }

    /// Set cardinality bounds.
    pub fn bounds(mut self, n_min: Option<usize>, n_max: Option<usize>) -> Self {
        self.n_min = n_min;
        self.n_max = n_max;
        self
    }

    /// Set when runs start from axis-parallel hyperplanes.
    pub fn coarse_start(mut self, coarse_start: CoarseStart) -> Self {
        self.coarse_start = coarse_start;
        self
    }

    /// Enable or disable Algorithm 2.
    pub fn local_search(mut self, on: bool) -> Self {
        self.local_search = on;
        self
    }

    /// Validate against the clustering matrix `x` (n × d) and the explanation
    /// space dimension `d_z`.
    pub fn check(self, x: ArrayView2<f64>, d_z: usize) -> Result<ValidMpcParams, ParamsError> {
        let n = x.nrows();
        if self.m < 1 {
            return Err(ParamsError::new(
                "m",
                format!("M = {}; the coefficient bound must be at least 1", self.m),
            ));
        }
        if self.beta < 1 {
            return Err(ParamsError::new(
                "beta",
                "beta = 0; at least one non-zero coefficient is needed",
            ));
        }
        if self.beta > d_z {
            return Err(ParamsError::new(
                "beta",
                format!(
                    "beta = {} exceeds the number of explanation features d = {d_z}",
                    self.beta
                ),
            ));
        }
        if !(self.lambda >= 0.0 && self.lambda.is_finite()) {
            return Err(ParamsError::new(
                "lambda",
                format!("lambda = {}; it must be a finite number ≥ 0", self.lambda),
            ));
        }
        if !(self.epsilon > 0.0 && self.epsilon.is_finite()) {
            return Err(ParamsError::new(
                "epsilon",
                format!("epsilon = {}; it must be a finite number > 0", self.epsilon),
            ));
        }
        check_k(self.k, x)?;
        if let Some(k_max) = self.k_max {
            if k_max < self.k {
                return Err(ParamsError::new(
                    "k-max",
                    format!("k-max = {k_max} is below k = {}", self.k),
                ));
            }
        }
        let n_min = self.n_min.unwrap_or(0);
        let n_max = self.n_max.unwrap_or(n);
        if n_min * self.k > n {
            return Err(ParamsError::new(
                "n-min",
                format!(
                    "n-min = {n_min} times k = {} exceeds the number of rows n = {n}",
                    self.k
                ),
            ));
        }
        if n_max * self.k < n {
            return Err(ParamsError::new(
                "n-max",
                format!(
                    "n-max = {n_max} times k = {} is below the number of rows n = {n}",
                    self.k
                ),
            ));
        }
        if n_min > n_max {
            return Err(ParamsError::new(
                "n-min",
                format!("n-min = {n_min} exceeds n-max = {n_max}"),
            ));
        }
        if self.kmeans_restarts == 0 {
            return Err(ParamsError::new(
                "restarts",
                "at least one k-means restart is needed",
            ));
        }
        if self.coefficients == Coefficients::General && self.backend == Backend::Enumerate {
            return Err(ParamsError::new(
                "backend",
                "general (real) coefficients need a MILP backend: use --backend highs",
            ));
        }
        let hyperplane = HyperplaneParams::new()
            .m(self.m)
            .beta(self.beta)
            .epsilon(self.epsilon)
            .coefficients(self.coefficients)
            .check()
            .map_err(|e| ParamsError::new("hyperplane", e.to_string()))?;
        let bounds = (self.n_min.is_some() || self.n_max.is_some())
            .then_some(CardinalityBounds { n_min, n_max });
        Ok(ValidMpcParams {
            params: self,
            hyperplane,
            bounds,
        })
    }
}

/// Validated MPC settings.
#[derive(Debug, Clone)]
pub struct ValidMpcParams {
    params: MpcParams,
    /// Hyperplane settings derived from M, β, ε.
    pub hyperplane: ValidHyperplaneParams,
    /// Cardinality bounds, when given.
    pub bounds: Option<CardinalityBounds>,
}

impl std::ops::Deref for ValidMpcParams {
    type Target = MpcParams;
    fn deref(&self) -> &MpcParams {
        &self.params
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn x() -> ndarray::Array2<f64> {
        array![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    }

    fn field(p: MpcParams) -> &'static str {
        p.check(x().view(), 2).unwrap_err().field
    }

    #[test]
    fn each_rejected_field() {
        assert_eq!(field(MpcParams::new(2).m(0)), "m");
        assert_eq!(field(MpcParams::new(2).beta(0)), "beta");
        assert_eq!(field(MpcParams::new(2).beta(3)), "beta");
        assert_eq!(field(MpcParams::new(2).lambda(-1.0)), "lambda");
        assert_eq!(field(MpcParams::new(1)), "k");
        assert_eq!(field(MpcParams::new(5)), "k");
        assert_eq!(field(MpcParams::new(2).bounds(Some(3), None)), "n-min");
        assert_eq!(field(MpcParams::new(2).bounds(None, Some(1))), "n-max");
        assert_eq!(
            field(MpcParams::new(2).coefficients(Coefficients::General)),
            "backend"
        );
        let mut p = MpcParams::new(2);
        p.epsilon = 0.0;
        assert_eq!(field(p), "epsilon");
        assert!(MpcParams::new(2).check(x().view(), 2).is_ok());
    }
}
