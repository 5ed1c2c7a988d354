//! [`ClusterSpec`]: every user-facing setting of a clustering job, with its
//! default and its checks. The command line converts its flags into one, the
//! Python package its keyword arguments; neither repeats a default or a check.

use crate::data::Dataset;
use crate::hyperplane::{Backend, Coefficients};
use crate::interactions::ScreenMethod;
use crate::mpc::{
    CoarseStart, ExplanationSpace, MinClusterSize, MpcParams, Objective, Preset,
    DEFAULT_SAMPLE_SIZE,
};
use crate::params::{check_k, check_k_range, check_seconds, ParamsError};
use serde::{Deserialize, Serialize};

/// A clustering job: what to cluster into how many groups, with which
/// polytopes, under which limits.
///
/// Defaults (`ClusterSpec::default()`) are those of `polyclust cluster` and
/// of `polyclust.PolytopeClustering`: k = 2, one seed (0), MPC-2 polytopes
/// (M = 3, β = 2, integer coefficients), λ = 1, a 1 % floor on cluster
/// sizes, the exact enumeration backend, Algorithm 2 on, both starts, the
/// silhouette scored on every row up to 5,000 rows.
///
/// It (de)serialises with these field names (unknown names are refused), so
/// a front end can hand one over as JSON; [`ClusterSpec::FIELDS`] lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterSpec {
    /// Number of clusters asked for (ignored when `k_range` is given).
    pub k: usize,
    /// Try every k of `lo..=hi` and keep the best run.
    pub k_range: Option<(usize, usize)>,
    /// Fewest clusters Algorithm 2 may reach by merging (default: k, or the
    /// bottom of `k_range`, so a run keeps the clusters asked for).
    pub k_min: Option<usize>,
    /// What Algorithm 2 minimises: the silhouette or the k-means cost.
    pub objective: Objective,
    /// Seeds per k, from `seed`: `seed`, `seed + 1`, …
    pub restarts: usize,
    /// The paper's setting (M, β); `m` and `beta` override it. Without
    /// either, MPC-2.
    pub preset: Option<Preset>,
    /// Largest absolute integer coefficient M of a hyperplane (8)–(9).
    pub m: Option<u32>,
    /// Largest number of non-zero coefficients β of a hyperplane (7).
    pub beta: Option<usize>,
    /// Integer coefficients, or general ones in [−1, 1] (MILP backends).
    pub coefficients: Coefficients,
    /// Weight λ of the representation error in (25)–(26) and (31).
    pub lambda: f64,
    /// Smallest cluster: rows or a share of them (at least 2 rows); `1` is
    /// the paper's unconstrained protocol.
    pub min_cluster_size: MinClusterSize,
    /// Largest cluster, in rows.
    pub n_max: Option<usize>,
    /// Hyperplane solver.
    pub backend: Backend,
    /// Limit of one hyperplane MILP, seconds (MILP backends).
    pub solver_time_limit: f64,
    /// k-means restarts of the initial clustering (Algorithm 1 line 2).
    pub kmeans_restarts: usize,
    /// Run Algorithm 2, the coordinate descent.
    pub local_search: bool,
    /// Which runs start from the axis-parallel result.
    pub coarse_start: CoarseStart,
    /// Wall-clock limit of one run, seconds.
    pub time_limit: Option<f64>,
    /// Wall-clock budget of every run together, seconds.
    pub budget: Option<f64>,
    /// Most clusters Algorithm 2 may reach by splits (default: k, or the
    /// top of `k_range`).
    pub k_max: Option<usize>,
    /// Above this many rows Algorithm 2 scores the silhouette on a fixed
    /// sample of this size, and the reported silhouette is an estimate.
    pub sample_size: usize,
    /// Seed of every random choice.
    pub seed: u64,
    /// Set rows far from their cluster's centre apart as outliers (label −1).
    pub outliers: bool,
    /// Add `x ≥ q-quantile` indicators with this many bins to the
    /// explanation space.
    pub binarize: Option<usize>,
    /// Add the top screened interaction products to the explanation space.
    pub interactions: Option<usize>,
    /// How interactions are screened.
    pub interaction_method: ScreenMethod,
    /// Most polytopes per cluster: 1, one convex polytope per cluster; more
    /// lets a cluster be a union of pieces when the rows fall into groups
    /// that do not touch (single linkage, docs/shapes.md).
    pub pieces: usize,
}

impl Default for ClusterSpec {
    fn default() -> Self {
        Self {
            k: 2,
            k_range: None,
            k_min: None,
            objective: Objective::KMeans,
            restarts: 1,
            preset: None,
            m: None,
            beta: None,
            coefficients: Coefficients::Integer,
            lambda: 1.0,
            min_cluster_size: MinClusterSize::DEFAULT,
            n_max: None,
            backend: Backend::Enumerate,
            solver_time_limit: 60.0,
            kmeans_restarts: 10,
            local_search: true,
            // Measured at the reference k (17 instances, 3 seeds, the
            // k-means objective, one thread): from the axis-parallel start
            // only, mean ARI 0.540 and 14.8 conditions in a median of
            // 0.010 s a job, against 0.541, 15.8 and 0.038 s with both
            // starts (about twice the work, for no measurable gain).
            coarse_start: CoarseStart::Always,
            time_limit: None,
            budget: None,
            k_max: None,
            sample_size: DEFAULT_SAMPLE_SIZE,
            seed: 0,
            outliers: false,
            binarize: None,
            interactions: None,
            interaction_method: ScreenMethod::Lasso,
            pieces: 1,
        }
    }
}

impl ClusterSpec {
    /// The settings' names, as they (de)serialise.
    pub const FIELDS: [&'static str; 27] = [
        "k",
        "k_range",
        "k_min",
        "objective",
        "restarts",
        "preset",
        "m",
        "beta",
        "coefficients",
        "lambda",
        "min_cluster_size",
        "n_max",
        "backend",
        "solver_time_limit",
        "kmeans_restarts",
        "local_search",
        "coarse_start",
        "time_limit",
        "budget",
        "k_max",
        "sample_size",
        "seed",
        "outliers",
        "binarize",
        "interactions",
        "interaction_method",
        "pieces",
    ];

    /// A job for `k` clusters with every other setting at its default.
    pub fn new(k: usize) -> Self {
        Self {
            k,
            ..Self::default()
        }
    }

    /// A job from its JSON form (field names of [`ClusterSpec::FIELDS`];
    /// absent fields take their defaults).
    pub fn from_json(text: &str) -> Result<Self, ParamsError> {
        // Without its position in the text: the field is named instead.
        let reason = |e: serde_json::Error| {
            let text = e.to_string();
            match text.find(" at line ") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ParamsError::new("settings", reason(e)))?;
        let Some(fields) = value.as_object() else {
            return Err(ParamsError::new(
                "settings",
                "not a JSON object of named settings",
            ));
        };
        // Each setting alone first, so an error names its field.
        for (name, given) in fields {
            let Some(field) = Self::FIELDS.iter().find(|f| **f == name) else {
                return Err(ParamsError::new(
                    "settings",
                    format!(
                        "unknown setting '{}'; the settings are {}",
                        crate::data::excerpt(name),
                        Self::FIELDS.join(", ")
                    ),
                ));
            };
            // The backend's own sentence lists the backends compiled in.
            if let (&"backend", Some(text)) = (field, given.as_str()) {
                text.parse::<Backend>()
                    .map_err(|e| ParamsError::new("backend", e.to_string()))?;
            }
            let alone = serde_json::json!({ name.as_str(): given });
            serde_json::from_value::<Self>(alone)
                .map_err(|e| ParamsError::new(error_name(field), reason(e)))?;
        }
        serde_json::from_value(value).map_err(|e| ParamsError::new("settings", reason(e)))
    }

    /// (M, β) of the job: `m`/`beta` over the preset over MPC-2.
    pub fn m_beta(&self) -> (u32, usize) {
        let (m, beta) = self.preset.unwrap_or(Preset::Mpc2).m_beta();
        (self.m.unwrap_or(m), self.beta.unwrap_or(beta))
    }

    /// The range of k the job runs (`k..=k` without `k_range`).
    pub fn ks(&self) -> (usize, usize) {
        self.k_range.unwrap_or((self.k, self.k))
    }

    /// The MPC settings of one run with `k` initial clusters.
    pub fn params(&self, k: usize) -> MpcParams {
        let (m, beta) = self.m_beta();
        MpcParams::new(k)
            .m(m)
            .beta(beta)
            .coefficients(self.coefficients)
            .lambda(self.lambda)
            .seed(self.seed)
            .backend(self.backend)
            .solver_time_limit(Some(self.solver_time_limit))
            .min_cluster_size(self.min_cluster_size)
            .max_cluster_size(self.n_max)
            .kmeans_restarts(self.kmeans_restarts)
            .local_search(self.local_search)
            .coarse_start(self.coarse_start)
            .time_limit(self.time_limit)
            .k_max(self.k_max)
            .k_min(self.k_min)
            .objective(self.objective)
            .sample_size(self.sample_size)
            .pieces(self.pieces)
    }

    /// The explanation space before screening: the features, and the
    /// quantile indicators of `binarize`.
    pub fn base_space(&self, ds: &Dataset) -> Result<ExplanationSpace, ParamsError> {
        let mut space = ExplanationSpace::identity(ds.d());
        if let Some(q) = self.binarize {
            if q < 2 {
                return Err(ParamsError::new(
                    "binarize",
                    format!("Q = {q}; at least 2 quantile bins are needed"),
                ));
            }
            space.add_quantile_thresholds(ds.x.view(), q);
        }
        Ok(space)
    }

    /// Check the settings that do not depend on the data.
    fn check_settings(&self) -> Result<(), ParamsError> {
        if self.restarts == 0 {
            return Err(ParamsError::new(
                "restarts",
                "0; at least one seed per k is needed",
            ));
        }
        check_seconds("budget", self.budget)?;
        Ok(())
    }

    /// Check the interaction settings against the data.
    fn check_interactions(&self, ds: &Dataset) -> Result<(), ParamsError> {
        if self.interactions.is_some() && ds.d() < 2 {
            return Err(ParamsError::new(
                "interactions",
                format!(
                    "the data have {} feature; screening products of features needs at least two",
                    ds.d()
                ),
            ));
        }
        Ok(())
    }

    /// Check every setting against the data before any work (screening and
    /// the runs can take minutes): the range of k, the seeds, the budget and
    /// the MPC settings of the first run.
    pub fn check(&self, ds: &Dataset) -> Result<(), ParamsError> {
        let x = ds.x.view();
        let (lo, hi) = self.ks();
        match self.k_range {
            Some(_) => check_k_range(lo, hi, x)?,
            None => check_k(lo, x)?,
        }
        self.check_settings()?;
        let space = self.base_space(ds)?;
        self.params(lo).check(x, space.dim())?;
        self.check_interactions(ds)
    }

    /// Check the settings for explaining `k` given clusters of `ds`: the
    /// cluster-count and floor settings do not apply.
    pub fn check_explaining(&self, ds: &Dataset, k: usize) -> Result<(), ParamsError> {
        let space = self.base_space(ds)?;
        self.params(k)
            .min_cluster_size(MinClusterSize::Rows(1))
            .check(ds.x.view(), space.dim())?;
        self.check_interactions(ds)
    }
}

/// The name a setting has in the library's errors (as elsewhere in the
/// library: words joined by `-`).
fn error_name(field: &str) -> &'static str {
    match field {
        "k_range" => "k-range",
        "min_cluster_size" => "min-cluster-size",
        "n_max" => "n-max",
        "solver_time_limit" => "solver-time-limit",
        "kmeans_restarts" => "kmeans-restarts",
        "local_search" => "local-search",
        "coarse_start" => "coarse-start",
        "time_limit" => "time-limit",
        "k_max" => "k-max",
        "k_min" => "k-min",
        "sample_size" => "sample-size",
        "interaction_method" => "interaction-method",
        other => ClusterSpec::FIELDS
            .iter()
            .find(|f| **f == other)
            .copied()
            .unwrap_or("settings"),
    }
}

/// Serialise the enums of the job as the names the command line takes.
mod names {
    use super::*;
    use serde::{Deserializer, Serializer};

    macro_rules! by_name {
        ($type:ty, $($name:literal => $value:expr),+ $(,)?) => {
            impl Serialize for $type {
                fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    $(if *self == $value { return s.serialize_str($name); })+
                    unreachable!("every value has a name")
                }
            }
            impl<'de> Deserialize<'de> for $type {
                fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    let text = String::deserialize(d)?;
                    $(if text == $name { return Ok($value); })+
                    Err(serde::de::Error::custom(format!(
                        "'{}' is not one of {}",
                        crate::data::excerpt(&text),
                        [$($name),+].join(", ")
                    )))
                }
            }
        };
    }

    by_name!(Preset, "mpc1" => Preset::Mpc1, "mpc2" => Preset::Mpc2);
    by_name!(
        Objective,
        "silhouette" => Objective::Silhouette,
        "kmeans" => Objective::KMeans,
    );
    by_name!(
        CoarseStart,
        "both" => CoarseStart::Both,
        "always" => CoarseStart::Always,
        "never" => CoarseStart::Never,
    );

    impl Serialize for MinClusterSize {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(&self.to_string())
        }
    }

    /// `"15"`, `15` or `"1%"`.
    impl<'de> Deserialize<'de> for MinClusterSize {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            #[derive(Deserialize)]
            #[serde(untagged)]
            enum Given {
                Rows(usize),
                Text(String),
            }
            match Given::deserialize(d)? {
                Given::Rows(rows) => Ok(MinClusterSize::Rows(rows)),
                // The reason alone: the caller names the setting.
                Given::Text(text) => text
                    .parse()
                    .map_err(|e: ParamsError| serde::de::Error::custom(e.reason)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_the_serialised_names() {
        let value = serde_json::to_value(ClusterSpec::default()).unwrap();
        let names: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut listed = ClusterSpec::FIELDS.to_vec();
        listed.sort_unstable();
        let mut names = names;
        names.sort_unstable();
        assert_eq!(names, listed);
    }

    #[test]
    fn json_round_trips_and_refuses_unknown_names() {
        let spec = ClusterSpec {
            k_range: Some((2, 5)),
            preset: Some(Preset::Mpc1),
            min_cluster_size: MinClusterSize::Rows(7),
            coarse_start: CoarseStart::Never,
            interaction_method: ScreenMethod::Nid,
            backend: Backend::Highs,
            ..ClusterSpec::new(4)
        };
        let text = serde_json::to_string(&spec).unwrap();
        assert_eq!(ClusterSpec::from_json(&text).unwrap(), spec);
        assert_eq!(
            ClusterSpec::from_json(r#"{"min_cluster_size": "2%"}"#)
                .unwrap()
                .min_cluster_size,
            MinClusterSize::Share(0.02)
        );
        let err = ClusterSpec::from_json(r#"{"kk": 3}"#).unwrap_err();
        assert!(err.to_string().contains("unknown setting 'kk'"), "{err}");
        let err = ClusterSpec::from_json(r#"{"preset": "mpc3"}"#).unwrap_err();
        assert_eq!(err.field, "preset");
        assert!(err.to_string().contains("mpc1, mpc2"), "{err}");
        let err = ClusterSpec::from_json(r#"{"restarts": -1}"#).unwrap_err();
        assert_eq!(err.field, "restarts");
        let err = ClusterSpec::from_json(r#"{"min_cluster_size": "0"}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid min-cluster-size: 0; a cluster holds at least one row (1 means no floor)"
        );
        assert!(!err.to_string().contains("line 1"), "{err}");
    }

    #[test]
    fn m_and_beta_override_the_preset_over_mpc2() {
        assert_eq!(ClusterSpec::default().m_beta(), (3, 2));
        let mpc1 = ClusterSpec {
            preset: Some(Preset::Mpc1),
            ..ClusterSpec::default()
        };
        assert_eq!(mpc1.m_beta(), (1, 1));
        let mixed = ClusterSpec {
            beta: Some(3),
            ..mpc1
        };
        assert_eq!(mixed.m_beta(), (1, 3));
    }
}
