//! The named settings of a run: the minimum cluster size, the objective
//! Algorithm 2 minimises and the paper's presets of (M, β).

use crate::params::ParamsError;

/// The smallest cluster a model may hold: a number of rows, or a share of
/// the rows (at least 2 rows). The default, 1 % of the rows, keeps a handful
/// of extreme rows from becoming a "segment" that wins on silhouette;
/// `Rows(1)` is the paper's unconstrained protocol.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MinClusterSize {
    /// At least this many rows (1: no floor).
    Rows(usize),
    /// At least this share of the rows, in (0, 1), and at least 2 rows.
    Share(f64),
}

impl MinClusterSize {
    /// 1 % of the rows.
    pub const DEFAULT: MinClusterSize = MinClusterSize::Share(0.01);

    /// The floor in rows for data of `n` rows.
    pub fn rows(self, n: usize) -> Result<usize, ParamsError> {
        match self {
            MinClusterSize::Rows(0) => Err(ParamsError::new(
                "min-cluster-size",
                "0; a cluster holds at least one row (1 means no floor)",
            )),
            MinClusterSize::Rows(rows) => Ok(rows),
            MinClusterSize::Share(p) if !(p > 0.0 && p < 1.0) => Err(ParamsError::new(
                "min-cluster-size",
                format!("{}%; a share of the rows is between 0% and 100%", p * 100.0),
            )),
            MinClusterSize::Share(p) => Ok(((p * n as f64).ceil() as usize).max(2)),
        }
    }
}

impl std::fmt::Display for MinClusterSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MinClusterSize::Rows(rows) => write!(f, "{rows}"),
            MinClusterSize::Share(p) => write!(f, "{}%", p * 100.0),
        }
    }
}

impl std::str::FromStr for MinClusterSize {
    type Err = ParamsError;

    /// `N` (rows) or `P%` (a share of the rows).
    fn from_str(text: &str) -> Result<Self, ParamsError> {
        let t = text.trim();
        let bad = || {
            ParamsError::new(
                "min-cluster-size",
                format!(
                    "'{}' is neither a number of rows (15) nor a share of them (1%)",
                    crate::data::excerpt(t)
                ),
            )
        };
        let size = match t.strip_suffix('%') {
            Some(p) => MinClusterSize::Share(p.trim().parse::<f64>().map_err(|_| bad())? / 100.0),
            None => MinClusterSize::Rows(t.parse().map_err(|_| bad())?),
        };
        size.rows(100)?;
        Ok(size)
    }
}

/// What Algorithm 2 (the coordinate descent over the polytopes) minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Objective {
    /// −silhouette (the MPC paper's loss, Definition 1): clusters that are
    /// tight and far apart; distances between rows, O(n) per moved row.
    #[default]
    Silhouette,
    /// The k-means cost of the polytope partition (within-cluster sum of
    /// squares), as a share of the total: MPC as explainable k-means, its
    /// price of explainability comparable with IMM/ExKMC's; O(d) per moved
    /// row, no distance matrix.
    #[cfg_attr(feature = "cli", value(name = "kmeans"))]
    KMeans,
}

impl Objective {
    /// `silhouette` or `kmeans`, as the command line and the JSON name it.
    pub fn name(self) -> &'static str {
        match self {
            Objective::Silhouette => "silhouette",
            Objective::KMeans => "kmeans",
        }
    }
}

/// The paper's two settings (§4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
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
