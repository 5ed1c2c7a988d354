//! The solver backends and how a solve is run.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// A solver backend, chosen at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// The MILP (1)–(12) on HiGHS (time limit and MIP gap supported).
    Highs,
    /// The MILP (1)–(12) on microlp, a pure-Rust branch and bound (slow
    /// beyond a few dozen points; honours the time limit through good_lp).
    Microlp,
    /// Exact enumeration of integer directions (integer mode; general mode
    /// only with `β = 1`, where it coincides with integer `M = 1`).
    #[default]
    Enumerate,
}

impl Backend {
    /// Every backend, in a fixed order.
    pub const ALL: [Backend; 3] = [Backend::Highs, Backend::Microlp, Backend::Enumerate];

    /// The backend's name: `"highs"`, `"microlp"` or `"enumerate"`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Highs => "highs",
            Backend::Microlp => "microlp",
            Backend::Enumerate => "enumerate",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown backend name.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown backend {0:?}; expected one of highs, microlp, enumerate")]
pub struct UnknownBackend(pub String);

impl FromStr for Backend {
    type Err = UnknownBackend;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Backend::ALL
            .into_iter()
            .find(|b| b.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownBackend(s.to_string()))
    }
}

/// How to solve: backend, time limit and relative MIP gap.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct SolveOptions {
    /// The backend.
    pub backend: Backend,
    /// Time limit in seconds for the MILP backends (`None`: no limit).
    /// Enumeration is exact and ignores it.
    pub time_limit: Option<f64>,
    /// Relative MIP gap at which the MILP backends may stop (`None`: prove
    /// optimality, i.e. gap 0 and an absolute gap of 1e-9).
    pub mip_gap: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_names_round_trip() {
        for b in Backend::ALL {
            assert_eq!(b.name().parse::<Backend>().unwrap(), b);
            assert_eq!(b.to_string(), b.name());
            let json = serde_json::to_string(&b).unwrap();
            assert_eq!(json, format!("\"{}\"", b.name()));
        }
        assert!("cplex".parse::<Backend>().is_err());
    }
}
