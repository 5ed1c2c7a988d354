//! MPC parameters and their validation.

use super::deadline::Deadline;
use crate::assign::CardinalityBounds;
use crate::hyperplane::{
    direction_count, enumeration_bytes, search_candidate_bytes, MAX_CANDIDATE_BYTES,
    MAX_ENUMERATION_BYTES,
};
use crate::hyperplane::{
    Backend, Coefficients, HyperplaneParams, SolveOptions, ValidHyperplaneParams,
};
use crate::params::{check_k, check_seconds, ParamsError};
use ndarray::ArrayView2;

pub use super::settings::{MinClusterSize, Objective, Preset};

/// Default of [`MpcParams::sample_size`]: up to 5,000 rows the silhouette is
/// exact (the paper's instances have at most 4,601); a sample of 5,000 rows
/// estimates it within 0.01 (measured by `bench scale`) while its distance
/// matrix (50 MB in 16 bits) fits comfortably.
pub const DEFAULT_SAMPLE_SIZE: usize = 5_000;

/// Most pieces one cluster may have (the `pieces` setting).
pub const MAX_PIECES: usize = 16;

/// Settings of Multi-Polytope Clustering (Algorithms 1 and 2).
///
/// Defaults: M = 3, β = 2 (the paper's MPC-2), integer coefficients, λ = 1,
/// ε = 1e-3, no cardinality bounds, enumeration backend, 60 s per MILP solve,
/// 10 k-means restarts, at most 50 outer iterations of Algorithm 1 (100
/// assignment passes each), at most 200 accepted moves of Algorithm 2, no
/// time limit, both starts (own and axis-parallel, see [`CoarseStart`]).
///
/// Built with the setters and validated by [`MpcParams::check`]; the
/// algorithms accept only [`ValidMpcParams`].
#[derive(Debug, Clone, PartialEq)]
pub struct MpcParams {
    /// Initial number of clusters K.
    pub(crate) k: usize,
    /// Largest absolute integer coefficient M (8)–(9).
    pub(crate) m: u32,
    /// Largest number of non-zero coefficients β (7).
    pub(crate) beta: usize,
    /// Integer or general coefficients.
    pub(crate) coefficients: Coefficients,
    /// Weight λ of the representation error in (25)–(26) and (31).
    pub(crate) lambda: f64,
    /// Margin ε of constraint (3).
    pub(crate) epsilon: f64,
    /// Smallest cluster size N_min of (15), in rows or as a share of them.
    pub(crate) min_cluster_size: MinClusterSize,
    /// Largest cluster size N_max of (15).
    pub(crate) n_max: Option<usize>,
    /// Hyperplane solver.
    pub(crate) backend: Backend,
    /// Time limit per hyperplane MILP, seconds (MILP backends only).
    pub(crate) solver_time_limit: Option<f64>,
    /// Seed of every random choice.
    pub(crate) seed: u64,
    /// k-means restarts of the initial clustering (Algorithm 1 line 2).
    pub(crate) kmeans_restarts: usize,
    /// Outer iterations of Algorithm 1.
    pub(crate) max_outer: usize,
    /// Assignment/centre iterations inside one outer iteration (lines 5–8).
    pub(crate) max_inner: usize,
    /// Wall-clock limit of the whole run, seconds.
    pub(crate) time_limit: Option<f64>,
    /// Largest number of clusters Algorithm 2 may create (K_max); default K
    /// for a single run, the largest k of the range in [`crate::mpc::protocol`].
    pub(crate) k_max: Option<usize>,
    /// Fewest clusters Algorithm 2 may reach by merges (K_min); default K:
    /// a run asked for K clusters keeps K.
    pub(crate) k_min: Option<usize>,
    /// What Algorithm 2 minimises.
    pub(crate) objective: Objective,
    /// Run the silhouette coordinate descent (Algorithm 2) after initialisation.
    pub(crate) local_search: bool,
    /// When runs start from axis-parallel hyperplanes (see [`CoarseStart`]).
    pub(crate) coarse_start: CoarseStart,
    /// Largest number of moves Algorithm 2 accepts before it stops with
    /// [`crate::mpc::RunStatus::IterationLimit`].
    pub(crate) max_moves: usize,
    /// Rows on which Algorithm 2 scores the silhouette above this many rows
    /// (see [`crate::mpc::SearchRows`]); also the size of each sample of the
    /// final silhouette estimate there.
    pub(crate) sample_size: usize,
    /// Most polytopes (pieces) per cluster: 1 is one convex polytope per
    /// cluster; more lets a cluster be a union of pieces
    /// ([`crate::mpc::union`]).
    pub(crate) pieces: usize,
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
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
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
            min_cluster_size: MinClusterSize::DEFAULT,
            n_max: None,
            backend: Backend::Enumerate,
            solver_time_limit: Some(60.0),
            seed: 0,
            kmeans_restarts: 10,
            max_outer: 50,
            max_inner: 100,
            time_limit: None,
            k_max: None,
            k_min: None,
            objective: Objective::Silhouette,
            local_search: true,
            coarse_start: CoarseStart::Both,
            max_moves: 200,
            pieces: 1,
            sample_size: DEFAULT_SAMPLE_SIZE,
        }
    }

    /// Set the sample size (the silhouette is sampled above it).
    pub fn sample_size(mut self, rows: usize) -> Self {
        self.sample_size = rows;
        self
    }

    /// Set the initial number of clusters K.
    pub fn k(mut self, k: usize) -> Self {
        self.k = k;
        self
    }

    /// Set the margin ε of constraint (3).
    pub fn epsilon(mut self, epsilon: f64) -> Self {
        self.epsilon = epsilon;
        self
    }

    /// Set the time limit of every hyperplane MILP, seconds (`None`: none).
    pub fn solver_time_limit(mut self, seconds: Option<f64>) -> Self {
        self.solver_time_limit = seconds;
        self
    }

    /// Set the k-means restarts of the initial clustering.
    pub fn kmeans_restarts(mut self, restarts: usize) -> Self {
        self.kmeans_restarts = restarts;
        self
    }

    /// Set the outer iterations of Algorithm 1.
    pub fn max_outer(mut self, iterations: usize) -> Self {
        self.max_outer = iterations;
        self
    }

    /// Set the assignment passes inside one outer iteration of Algorithm 1.
    pub fn max_inner(mut self, iterations: usize) -> Self {
        self.max_inner = iterations;
        self
    }

    /// Set the wall-clock limit of the whole run, seconds (`None`: none).
    pub fn time_limit(mut self, seconds: Option<f64>) -> Self {
        self.time_limit = seconds;
        self
    }

    /// Set K_max, the most clusters Algorithm 2 may reach by splits (`None`:
    /// the run's K).
    pub fn k_max(mut self, k_max: Option<usize>) -> Self {
        self.k_max = k_max;
        self
    }

    /// Set K_min, the fewest clusters Algorithm 2 may reach by merges
    /// (`None`: the run's K, so a run keeps the clusters asked for; the
    /// paper's protocol lets merges go down to 2).
    pub fn k_min(mut self, k_min: Option<usize>) -> Self {
        self.k_min = k_min;
        self
    }

    /// Set what Algorithm 2 minimises.
    pub fn objective(mut self, objective: Objective) -> Self {
        self.objective = objective;
        self
    }

    /// Set the most moves Algorithm 2 accepts.
    pub fn max_moves(mut self, moves: usize) -> Self {
        self.max_moves = moves;
        self
    }

    /// Set the most polytopes (pieces) a cluster may be the union of.
    pub fn pieces(mut self, pieces: usize) -> Self {
        self.pieces = pieces;
        self
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

    /// Set the smallest cluster size (N_min of (15)); `Rows(1)` is the
    /// paper's unconstrained protocol.
    pub fn min_cluster_size(mut self, size: MinClusterSize) -> Self {
        self.min_cluster_size = size;
        self
    }

    /// Set the largest cluster size (N_max of (15); `None`: no bound).
    pub fn max_cluster_size(mut self, rows: Option<usize>) -> Self {
        self.n_max = rows;
        self
    }

    /// Set both cardinality bounds in rows (`None` keeps the smallest size as
    /// it is, or leaves the largest unbounded).
    pub fn bounds(mut self, n_min: Option<usize>, n_max: Option<usize>) -> Self {
        if let Some(rows) = n_min {
            self.min_cluster_size = MinClusterSize::Rows(rows);
        }
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
        let hyperplane = HyperplaneParams::new()
            .m(self.m)
            .beta(self.beta)
            .epsilon(self.epsilon)
            .coefficients(self.coefficients)
            .check_for(d_z)
            .map_err(|e| ParamsError::from_hyperplane(&e))?;
        if !(self.lambda >= 0.0 && self.lambda.is_finite()) {
            return Err(ParamsError::new(
                "lambda",
                format!("lambda = {}; it must be a finite number ≥ 0", self.lambda),
            ));
        }
        check_k(self.k, x)?;
        check_seconds("time-limit", self.time_limit)?;
        check_seconds("solver-time-limit", self.solver_time_limit)?;
        if self.backend == Backend::Enumerate {
            let bytes = enumeration_bytes(direction_count(d_z, self.m, self.beta));
            if bytes > MAX_ENUMERATION_BYTES {
                return Err(ParamsError::new(
                    "m",
                    format!(
                        "M = {} with beta = {} on {d_z} features needs {bytes} bytes of integer directions for the enumeration (limit {MAX_ENUMERATION_BYTES}); use a smaller M or beta, or a MILP backend",
                        self.m, self.beta
                    ),
                ));
            }
        }
        if self.local_search {
            let bytes = search_candidate_bytes(d_z, self.m, self.beta, self.beta.min(d_z));
            if bytes > MAX_CANDIDATE_BYTES {
                return Err(ParamsError::new(
                    "m",
                    format!(
                        "M = {} with beta = {} on {d_z} features needs {bytes} bytes of candidate directions for the coordinate descent (limit {MAX_CANDIDATE_BYTES}); use a smaller M or beta",
                        self.m, self.beta
                    ),
                ));
            }
        }
        if let Some(k_min) = self.k_min {
            if k_min < 2 || k_min > self.k {
                return Err(ParamsError::new(
                    "k-min",
                    format!("k-min = {k_min}; it must be between 2 and k = {}", self.k),
                ));
            }
        }
        if let Some(k_max) = self.k_max {
            if k_max < self.k {
                return Err(ParamsError::new(
                    "k-max",
                    format!("k-max = {k_max} is below k = {}", self.k),
                ));
            }
        }
        let n_min = self.min_cluster_size.rows(n)?;
        let n_max = self.n_max.unwrap_or(n);
        if n_min * self.k > n {
            return Err(ParamsError::new(
                "min-cluster-size",
                format!(
                    "n-min = {n_min}{} times k = {} exceeds the number of rows n = {n}",
                    match self.min_cluster_size {
                        MinClusterSize::Share(_) =>
                            format!(" ({} of the rows)", self.min_cluster_size),
                        MinClusterSize::Rows(_) => String::new(),
                    },
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
        if self.max_moves == 0 && self.local_search {
            return Err(ParamsError::new(
                "max-moves",
                "0; the coordinate descent needs room for at least one move (or skip it)",
            ));
        }
        if self.sample_size < 100 {
            return Err(ParamsError::new(
                "sample-size",
                format!(
                    "{}; the silhouette sample needs at least 100 rows",
                    self.sample_size
                ),
            ));
        }
        if !(1..=MAX_PIECES).contains(&self.pieces) {
            return Err(ParamsError::new(
                "pieces",
                format!(
                    "{}; a cluster is the union of 1 to {} polytopes",
                    self.pieces, MAX_PIECES
                ),
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
                "general (real) coefficients need a MILP backend: use `backend highs`",
            ));
        }
        if self.max_outer == 0 || self.max_inner == 0 {
            return Err(ParamsError::new(
                "max-outer",
                "Algorithm 1 needs at least one outer iteration and one assignment pass",
            ));
        }
        // A floor of one row is no floor (the paper's protocol): Algorithm 1
        // then keeps its unbounded assignment.
        let bounds =
            (n_min > 1 || self.n_max.is_some()).then_some(CardinalityBounds { n_min, n_max });
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

impl ValidMpcParams {
    /// These settings for Algorithm 2 on a sample of `sample_rows` of the
    /// `rows` rows: the cardinality bounds scaled to the sample (a cluster of
    /// 1 % of the rows is 1 % of the sample), everything else unchanged.
    pub fn on_sample(&self, sample_rows: usize, rows: usize) -> ValidMpcParams {
        let scale = |size: usize, up: bool| {
            let v = size as f64 * sample_rows as f64 / rows as f64;
            (if up { v.ceil() } else { v.floor() }) as usize
        };
        let mut scaled = self.clone();
        if let Some(b) = &mut scaled.bounds {
            b.n_min = scale(b.n_min, true).max(1);
            b.n_max = scale(b.n_max, false).max(b.n_min);
        }
        scaled
    }

    /// The smallest cluster size in rows (1: no floor).
    pub fn min_cluster_rows(&self) -> usize {
        self.bounds.map_or(1, |b| b.n_min.max(1))
    }
}

impl ValidMpcParams {
    /// Options of one hyperplane solve: the backend, and the MILP time limit
    /// cut to what remains of the run's `deadline`.
    pub fn solve_options(&self, deadline: &Deadline) -> SolveOptions {
        let time_limit = match (self.solver_time_limit, deadline.remaining()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        SolveOptions {
            backend: self.backend,
            time_limit,
            mip_gap: None,
        }
    }
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
    fn min_cluster_size_reads_rows_and_shares() {
        use std::str::FromStr;
        assert_eq!(
            MinClusterSize::from_str("15").unwrap(),
            MinClusterSize::Rows(15)
        );
        assert_eq!(
            MinClusterSize::from_str("1%").unwrap(),
            MinClusterSize::Share(0.01)
        );
        assert_eq!(MinClusterSize::DEFAULT.rows(4601).unwrap(), 47);
        assert_eq!(MinClusterSize::DEFAULT.rows(150).unwrap(), 2);
        assert_eq!(MinClusterSize::Share(0.05).rows(150).unwrap(), 8);
        for bad in ["0", "abc", "150%", "0%", "-1", "x%"] {
            assert_eq!(
                MinClusterSize::from_str(bad).unwrap_err().field,
                "min-cluster-size",
                "{bad}"
            );
        }
        let x = ndarray::Array2::from_shape_fn((100, 2), |(t, f)| (t * (f + 1)) as f64);
        let floor = |m| {
            MpcParams::new(2)
                .min_cluster_size(m)
                .check(x.view(), 2)
                .unwrap()
                .min_cluster_rows()
        };
        assert_eq!(floor(MinClusterSize::Rows(1)), 1);
        assert_eq!(floor(MinClusterSize::DEFAULT), 2);
        assert!(MpcParams::new(2)
            .min_cluster_size(MinClusterSize::Rows(1))
            .check(x.view(), 2)
            .unwrap()
            .bounds
            .is_none());
    }

    #[test]
    fn each_rejected_field() {
        assert_eq!(field(MpcParams::new(2).m(0)), "m");
        assert_eq!(field(MpcParams::new(2).beta(0)), "beta");
        assert_eq!(field(MpcParams::new(2).beta(3)), "beta");
        assert_eq!(field(MpcParams::new(2).lambda(-1.0)), "lambda");
        assert_eq!(field(MpcParams::new(1)), "k");
        assert_eq!(field(MpcParams::new(5)), "k");
        assert_eq!(
            field(MpcParams::new(2).bounds(Some(3), None)),
            "min-cluster-size"
        );
        assert_eq!(
            field(MpcParams::new(2).min_cluster_size(MinClusterSize::Rows(0))),
            "min-cluster-size"
        );
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
