//! Split rules that turn one or two interaction variables into regimes (IBC
//! article §7 "Define split rule: sign/median/quantile/tree split on selected
//! variable(s)", §10 "multivariate cluster rules", §13's degree-3 extension).
//!
//! Every rule is fitted on training rows only and then assigns any row:
//!
//! | rule | variables | regimes |
//! |---|---|---|
//! | [`SplitRule::Sign`] | 1 | `x < 0`, `x ≥ 0` |
//! | [`SplitRule::Median`] | 1 | below / at or above the training median |
//! | [`SplitRule::Quantiles`]`(q)` | 1 | q groups cut at training quantiles |
//! | [`SplitRule::Tree`]`(d)` | 1 | leaves of a regression tree of depth d ≤ 2 |
//! | [`SplitRule::Quadrant`] | 2 | `sign(x_a) × sign(x_b)`: four quadrants |
//! | [`SplitRule::Polytope`]`(k)` | 1–3 | the k polytopes of an MPC fit |
//!
//! The tree's splits minimise the SSE of Y under a *linear* model of Y on the
//! features within each leaf (a model tree), not under a leaf constant: with
//! `Y ≈ β·Xi·Xj` the mean of Y is the same on both sides of `Xj = 0`, so a
//! constant-leaf tree cannot see the slope change that IBC exploits (§3).
//! Thresholds are tried at the 5 %, 10 %, …, 95 % training quantiles.

use ndarray::{Array2, ArrayView1, ArrayView2, Axis};
use serde::Serialize;

use super::ols::fit_linear;
use super::options::IbcError;
use crate::data::{FeatureColumn, FeatureMap};
use crate::mpc::{self, ExplanationSpace, MpcParams, PolytopeModel};

/// A rule that maps rows to regimes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SplitRule {
    /// `x ≥ 0` versus `x < 0` (article §8.2).
    Sign,
    /// At or above the training median versus below (article §13).
    Median,
    /// `q` groups cut at the training quantiles `1/q, …, (q−1)/q`.
    Quantiles(usize),
    /// A regression (model) tree of the given depth (1 or 2) on one variable.
    Tree(usize),
    /// Quadrants of two variables: regime `2·[x_a ≥ 0] + [x_b ≥ 0]`.
    Quadrant,
    /// Multi-Polytope Clustering with k clusters on the min-max scaled
    /// variables (MPC-1: M = β = 1, axis-parallel half-spaces).
    Polytope(usize),
}

impl SplitRule {
    /// Short name used in output: `sign`, `median`, `quantile3`, `tree2`,
    /// `quadrant`, `polytope4`.
    pub fn name(&self) -> String {
        match self {
            SplitRule::Sign => "sign".into(),
            SplitRule::Median => "median".into(),
            SplitRule::Quantiles(q) => format!("quantile{q}"),
            SplitRule::Tree(d) => format!("tree{d}"),
            SplitRule::Quadrant => "quadrant".into(),
            SplitRule::Polytope(k) => format!("polytope{k}"),
        }
    }
}

/// What a fitted rule stores.
#[derive(Debug, Clone)]
enum Fitted {
    /// One variable; regime = number of thresholds `t` with `x ≥ t`.
    Thresholds(Vec<f64>),
    /// Two variables, cut at 0.
    Quadrant,
    /// An MPC model on the variables min-max scaled with the training range.
    Polytope {
        model: Box<PolytopeModel>,
        min: Vec<f64>,
        max: Vec<f64>,
    },
}

/// A fitted split: variables, rule and what the rule learned on training rows.
#[derive(Debug, Clone)]
pub struct Split {
    /// Column indices of the split variables.
    pub variables: Vec<usize>,
    /// Their names.
    pub names: Vec<String>,
    /// The rule.
    pub rule: SplitRule,
    /// Number of regimes the rule can produce.
    pub regimes: usize,
    fitted: Fitted,
}

/// A serializable description of a split.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SplitSummary {
    /// Names of the split variables.
    pub variables: Vec<String>,
    /// Rule name ([`SplitRule::name`]).
    pub rule: String,
    /// Number of regimes.
    pub regimes: usize,
    /// Thresholds of a one-variable rule, ascending (sign: `[0]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thresholds: Option<Vec<f64>>,
}

/// Options of [`Split::fit`].
#[derive(Debug, Clone, PartialEq)]
pub struct SplitOptions {
    /// Smallest leaf of a tree split (rows).
    pub min_leaf: usize,
    /// Seed of the MPC fit.
    pub seed: u64,
    /// Ridge penalty of the leaf models of a tree split.
    pub ridge_lambda: f64,
}

impl Split {
    /// Fits `rule` on `variables` of the training rows `x` (original units);
    /// a tree split also reads the target `y` and the leaf design `design`
    /// (the features of model B, one row per row of x).
    pub fn fit(
        rule: SplitRule,
        variables: &[usize],
        x: ArrayView2<f64>,
        y: ArrayView1<f64>,
        design: ArrayView2<f64>,
        names: &[String],
        opts: &SplitOptions,
    ) -> Result<Split, IbcError> {
        let need = match rule {
            SplitRule::Quadrant => 2,
            SplitRule::Polytope(_) => variables.len().max(1),
            _ => 1,
        };
        if variables.len() != need || variables.iter().any(|&v| v >= x.ncols()) {
            return Err(IbcError::InvalidOption(format!(
                "rule {} needs {need} variable(s), got {}",
                rule.name(),
                variables.len()
            )));
        }
        let col = x.column(variables[0]);
        let (fitted, regimes) = match rule {
            SplitRule::Sign => (Fitted::Thresholds(vec![0.0]), 2),
            SplitRule::Median => (Fitted::Thresholds(vec![quantile(col, 0.5)]), 2),
            SplitRule::Quantiles(q) => {
                if q < 2 {
                    return Err(IbcError::InvalidOption(
                        "quantile groups need q >= 2".into(),
                    ));
                }
                let mut t: Vec<f64> = (1..q).map(|i| quantile(col, i as f64 / q as f64)).collect();
                t.dedup();
                let r = t.len() + 1;
                (Fitted::Thresholds(t), r)
            }
            SplitRule::Tree(depth) => {
                if !(1..=2).contains(&depth) {
                    return Err(IbcError::InvalidOption("tree depth must be 1 or 2".into()));
                }
                let t = tree_thresholds(col, y, design, depth, opts);
                let r = t.len() + 1;
                (Fitted::Thresholds(t), r)
            }
            SplitRule::Quadrant => (Fitted::Quadrant, 4),
            SplitRule::Polytope(k) => {
                let (model, min, max) = fit_polytope(x, variables, names, k, opts.seed)?;
                let r = model.k();
                (
                    Fitted::Polytope {
                        model: Box::new(model),
                        min,
                        max,
                    },
                    r,
                )
            }
        };
        Ok(Split {
            variables: variables.to_vec(),
            names: variables.iter().map(|&v| names[v].clone()).collect(),
            rule,
            regimes,
            fitted,
        })
    }

    /// Regime of every row of `x` (same columns as at fit time).
    pub fn assign(&self, x: ArrayView2<f64>) -> Vec<usize> {
        match &self.fitted {
            Fitted::Thresholds(t) => x
                .column(self.variables[0])
                .iter()
                .map(|&v| t.iter().filter(|&&c| v >= c).count())
                .collect(),
            Fitted::Quadrant => {
                let (a, b) = (self.variables[0], self.variables[1]);
                x.rows()
                    .into_iter()
                    .map(|r| 2 * usize::from(r[a] >= 0.0) + usize::from(r[b] >= 0.0))
                    .collect()
            }
            Fitted::Polytope { model, min, max } => {
                let xs = scale_columns(x, &self.variables, min, max);
                model.assign(xs.view()).0
            }
        }
    }

    /// A serializable description.
    pub fn summary(&self) -> SplitSummary {
        SplitSummary {
            variables: self.names.clone(),
            rule: self.rule.name(),
            regimes: self.regimes,
            thresholds: match &self.fitted {
                Fitted::Thresholds(t) => Some(t.clone()),
                _ => None,
            },
        }
    }

    /// One line for people: `Xj ≥ 0`, `Xj: cuts at -0.43, 0.41`, …
    pub fn describe(&self) -> String {
        match (&self.fitted, self.rule) {
            (Fitted::Thresholds(_), SplitRule::Sign) => format!("{} ≥ 0 (sign)", self.names[0]),
            (Fitted::Thresholds(t), _) => {
                let cuts: Vec<String> = t.iter().map(|v| format!("{v:.4}")).collect();
                format!(
                    "{} cut at {} ({}, {} regimes)",
                    self.names[0],
                    cuts.join(", "),
                    self.rule.name(),
                    self.regimes
                )
            }
            (Fitted::Quadrant, _) => format!(
                "sign({}) × sign({}) (quadrant, 4 regimes)",
                self.names[0], self.names[1]
            ),
            (Fitted::Polytope { .. }, _) => format!(
                "MPC polytopes on {} ({}, {} regimes)",
                self.names.join(", "),
                self.rule.name(),
                self.regimes
            ),
        }
    }
}

/// Quantile with linear interpolation (NumPy's default method).
pub fn quantile(v: ArrayView1<f64>, q: f64) -> f64 {
    let mut s: Vec<f64> = v.to_vec();
    s.sort_by(f64::total_cmp);
    quantile_sorted(&s, q)
}

fn quantile_sorted(s: &[f64], q: f64) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let pos = q.clamp(0.0, 1.0) * (s.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    s[lo] + (s[hi] - s[lo]) * (pos - lo as f64)
}

/// SSE of a linear fit of y on the design restricted to `rows`.
fn leaf_sse(design: ArrayView2<f64>, y: ArrayView1<f64>, rows: &[usize], ridge: f64) -> f64 {
    let xs = design.select(Axis(0), rows);
    let ys = y.select(Axis(0), rows);
    let f = fit_linear(xs.view(), ys.view(), ridge);
    let pred = f.predict(xs.view());
    ys.iter().zip(&pred).map(|(a, b)| (a - b) * (a - b)).sum()
}

/// Best threshold on `col` among `rows` (5 %…95 % quantiles), by the summed
/// leaf SSE; `None` when no threshold leaves `min_leaf` rows on both sides.
fn best_threshold(
    col: ArrayView1<f64>,
    y: ArrayView1<f64>,
    design: ArrayView2<f64>,
    rows: &[usize],
    opts: &SplitOptions,
) -> Option<(f64, f64)> {
    let mut vals: Vec<f64> = rows.iter().map(|&t| col[t]).collect();
    vals.sort_by(f64::total_cmp);
    let mut cands: Vec<f64> = (1..20)
        .map(|i| quantile_sorted(&vals, i as f64 / 20.0))
        .collect();
    cands.dedup();
    let mut best: Option<(f64, f64)> = None;
    for c in cands {
        let (left, right): (Vec<usize>, Vec<usize>) = rows.iter().partition(|&&t| col[t] < c);
        if left.len() < opts.min_leaf || right.len() < opts.min_leaf {
            continue;
        }
        let sse = leaf_sse(design, y, &left, opts.ridge_lambda)
            + leaf_sse(design, y, &right, opts.ridge_lambda);
        if best.is_none_or(|(_, b)| sse < b) {
            best = Some((c, sse));
        }
    }
    best
}

/// Thresholds of a model tree of depth ≤ 2 on one variable (sorted).
fn tree_thresholds(
    col: ArrayView1<f64>,
    y: ArrayView1<f64>,
    design: ArrayView2<f64>,
    depth: usize,
    opts: &SplitOptions,
) -> Vec<f64> {
    let all: Vec<usize> = (0..col.len()).collect();
    let Some((t, _)) = best_threshold(col, y, design, &all, opts) else {
        return Vec::new();
    };
    let mut out = vec![t];
    if depth >= 2 {
        let (left, right): (Vec<usize>, Vec<usize>) = all.iter().partition(|&&r| col[r] < t);
        for leaf in [left, right] {
            let parent = leaf_sse(design, y, &leaf, opts.ridge_lambda);
            if let Some((c, sse)) = best_threshold(col, y, design, &leaf, opts) {
                if sse < parent {
                    out.push(c);
                }
            }
        }
    }
    out.sort_by(f64::total_cmp);
    out
}

fn scale_columns(x: ArrayView2<f64>, vars: &[usize], min: &[f64], max: &[f64]) -> Array2<f64> {
    Array2::from_shape_fn((x.nrows(), vars.len()), |(t, a)| {
        let span = max[a] - min[a];
        if span > 0.0 {
            (x[[t, vars[a]]] - min[a]) / span
        } else {
            0.0
        }
    })
}

/// MPC-1 on the min-max scaled variables (MPC paper §3 via [`mpc::fit`]).
fn fit_polytope(
    x: ArrayView2<f64>,
    vars: &[usize],
    names: &[String],
    k: usize,
    seed: u64,
) -> Result<(PolytopeModel, Vec<f64>, Vec<f64>), IbcError> {
    let (min, max): (Vec<f64>, Vec<f64>) = vars
        .iter()
        .map(|&v| {
            x.column(v)
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &c| {
                    (a.min(c), b.max(c))
                })
        })
        .unzip();
    let xs = scale_columns(x, vars, &min, &max);
    let map = FeatureMap {
        columns: vars
            .iter()
            .zip(min.iter().zip(&max))
            .map(|(&v, (&lo, &hi))| FeatureColumn::Numeric {
                source: names[v].clone(),
                min: lo,
                max: hi,
            })
            .collect(),
        ..FeatureMap::default()
    };
    let params = MpcParams::new(k)
        .m(1)
        .beta(1)
        .seed(seed)
        .check(xs.view(), vars.len())
        .map_err(|e| IbcError::Polytope(e.to_string()))?;
    let fit = mpc::fit(
        xs.view(),
        &map,
        ExplanationSpace::identity(vars.len()),
        &params,
        &(),
    )
    .map_err(|e| IbcError::Polytope(e.to_string()))?;
    Ok((fit.model, min, max))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn quantile_matches_numpy_linear() {
        let v = array![3.0, 1.0, 2.0, 4.0];
        assert_eq!(quantile(v.view(), 0.5), 2.5);
        assert!((quantile(v.view(), 1.0 / 3.0) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn names_are_stable() {
        assert_eq!(SplitRule::Quantiles(3).name(), "quantile3");
        assert_eq!(SplitRule::Polytope(4).name(), "polytope4");
    }
}
