//! One IBC fit on a set of training rows (article §7): screen interactions,
//! choose the clustering variable(s) and the split rule by validation gain
//! (§11), then fit models A, B, C and D.
//!
//! The choice of split uses a seeded hold-out of the training rows (a share
//! `validation_fraction`, default 30 %): every candidate split is fitted on
//! the remaining rows, model B is fitted per regime there, and the candidate
//! with the highest R² of B on the hold-out wins (the article's "cross-
//! validated gain in R²" of the clustered model over the unclustered one: A
//! does not depend on the split, so the largest B is the largest gain). A
//! hold-out rather than inner k-fold keeps the cost at one fit per candidate,
//! which matters for the polytope candidates; nothing outside the training
//! rows is read, so the outer cross-validation stays leak-free.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::ols::{fit_linear, r2_score, LinearFit};
use super::options::{IbcError, IbcOptions};
use super::regimes::{Split, SplitOptions, SplitRule};
use crate::interactions::{
    lasso::lasso_screen, nid::nid_screen, Interaction, LassoScreenOptions, ScreenMethod,
};

/// The score of one candidate split on the hold-out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateScore {
    /// Split variables.
    pub variables: Vec<String>,
    /// Rule name.
    pub rule: String,
    /// Hold-out R² of model B (`None`: a regime had too few rows, skipped).
    pub r2_valid: Option<f64>,
}

/// Per-regime linear models, with the pooled model for empty regimes.
#[derive(Debug, Clone)]
pub struct RegimeModels {
    /// One fit per regime (`None`: fewer than two training rows; the pooled
    /// model predicts those rows).
    pub fits: Vec<Option<LinearFit>>,
    /// The model on all training rows.
    pub pooled: LinearFit,
}

impl RegimeModels {
    /// Fits one linear model per regime of `labels` on `design`.
    pub fn fit(
        design: ArrayView2<f64>,
        y: ArrayView1<f64>,
        labels: &[usize],
        regimes: usize,
        ridge: f64,
    ) -> Self {
        let pooled = fit_linear(design, y, ridge);
        let fits = (0..regimes)
            .map(|r| {
                let rows: Vec<usize> = (0..labels.len()).filter(|&t| labels[t] == r).collect();
                (rows.len() >= 2).then(|| {
                    fit_linear(
                        design.select(Axis(0), &rows).view(),
                        y.select(Axis(0), &rows).view(),
                        ridge,
                    )
                })
            })
            .collect();
        RegimeModels { fits, pooled }
    }

    /// Predictions, each row by its regime's model.
    pub fn predict(&self, design: ArrayView2<f64>, labels: &[usize]) -> Array1<f64> {
        design
            .rows()
            .into_iter()
            .zip(labels)
            .map(|(row, &r)| {
                match self.fits.get(r).and_then(Option::as_ref) {
                    Some(f) => f,
                    None => &self.pooled,
                }
                .predict_row(row)
            })
            .collect()
    }

    /// Whether any regime used the ridge/constant fallback or the pooled model.
    pub fn fallback(&self) -> bool {
        self.fits
            .iter()
            .any(|f| f.as_ref().is_none_or(LinearFit::is_fallback))
    }
}

/// A fitted IBC pipeline: interactions, split and the four models.
#[derive(Debug, Clone)]
pub struct IbcFit {
    /// Interactions kept for models C and D, strongest first.
    pub top: Vec<Interaction>,
    /// The chosen split.
    pub split: Split,
    /// Hold-out scores of all candidates, in the order tried.
    pub candidates: Vec<CandidateScore>,
    /// A: linear on X.
    pub a: LinearFit,
    /// B: per-regime linear on X.
    pub b: RegimeModels,
    /// C: linear on X plus the interaction products.
    pub c: LinearFit,
    /// D: per-regime linear on X plus the interaction products.
    pub d: RegimeModels,
}

/// Predictions of the four models.
#[derive(Debug, Clone)]
pub struct Predictions {
    /// Model A.
    pub a: Array1<f64>,
    /// Model B.
    pub b: Array1<f64>,
    /// Model C.
    pub c: Array1<f64>,
    /// Model D.
    pub d: Array1<f64>,
}

/// `[X, products of the interactions' columns]`.
pub fn with_products(x: ArrayView2<f64>, top: &[Interaction]) -> Array2<f64> {
    let (n, p) = x.dim();
    let mut out = Array2::zeros((n, p + top.len()));
    out.slice_axis_mut(Axis(1), ndarray::Slice::from(0..p))
        .assign(&x);
    for (k, inter) in top.iter().enumerate() {
        for t in 0..n {
            out[[t, p + k]] = inter.features.iter().map(|&j| x[[t, j]]).product();
        }
    }
    out
}

/// Screens interactions on the rows given (lasso-CV or NID) and keeps the
/// top ones: the strongest always, then up to `top_k` with strength > 0 and
/// at least `min_relative_strength` × the strongest.
pub fn screen_top(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    names: &[String],
    opts: &IbcOptions,
) -> Result<Vec<Interaction>, IbcError> {
    let s = match opts.method {
        ScreenMethod::Lasso => {
            let o = LassoScreenOptions {
                degree: opts.degree,
                folds: opts.screen_folds,
                seed: opts.seed,
                ..LassoScreenOptions::default()
            };
            lasso_screen(x, y, names, &o)?
        }
        ScreenMethod::Nid => {
            let o = opts
                .nid
                .clone()
                .with_degree(opts.degree)?
                .with_seed(opts.seed)
                .with_cutoff(false);
            nid_screen(x, y, names, &o)?
        }
    };
    let first = s.interactions.first().map_or(0.0, |i| i.strength);
    let mut top: Vec<Interaction> = Vec::new();
    for (k, inter) in s.interactions.into_iter().enumerate() {
        if k == 0
            || (top.len() < opts.top_k
                && inter.strength > 0.0
                && inter.strength >= opts.min_relative_strength * first)
        {
            top.push(inter);
        }
        if top.len() >= opts.top_k {
            break;
        }
    }
    Ok(top)
}

/// Candidate splits (§7 and §11): for every variable of the top interactions
/// the one-variable rules, and for every pair of variables inside one top
/// interaction the quadrant rule and (when enabled) the polytope rule.
pub fn candidates(top: &[Interaction], opts: &IbcOptions) -> Vec<(SplitRule, Vec<usize>)> {
    let mut vars: Vec<usize> = Vec::new();
    for inter in top {
        for &v in &inter.features {
            if !vars.contains(&v) {
                vars.push(v);
            }
        }
    }
    let mut out = Vec::new();
    for &v in &vars {
        for rule in [
            SplitRule::Sign,
            SplitRule::Median,
            SplitRule::Quantiles(3),
            SplitRule::Tree(1),
            SplitRule::Tree(2),
        ] {
            out.push((rule, vec![v]));
        }
    }
    let mut pairs: Vec<Vec<usize>> = Vec::new();
    for inter in top {
        let f = &inter.features;
        for i in 0..f.len() {
            for j in i + 1..f.len() {
                let pair = vec![f[i], f[j]];
                if !pairs.contains(&pair) {
                    pairs.push(pair);
                }
            }
        }
    }
    for pair in &pairs {
        out.push((SplitRule::Quadrant, pair.clone()));
        for &k in &opts.polytope_k {
            out.push((SplitRule::Polytope(k), pair.clone()));
        }
    }
    out
}

fn split_options(n: usize, design_cols: usize, opts: &IbcOptions) -> SplitOptions {
    SplitOptions {
        min_leaf: (design_cols + 3).max(n / 20),
        seed: opts.seed,
        ridge_lambda: opts.ridge_lambda,
    }
}

/// Fits the pipeline on `x`, `y` (all rows are training rows).
pub fn fit(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    names: &[String],
    opts: &IbcOptions,
) -> Result<IbcFit, IbcError> {
    let n = x.nrows();
    let top = screen_top(x, y, names, opts)?;
    let xd = with_products(x, &top);
    let cands = candidates(&top, opts);

    // Hold-out for the choice of split.
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(opts.seed ^ 0x1bc));
    let n_valid = ((n as f64 * opts.validation_fraction).round() as usize).clamp(1, n - 1);
    let (valid, train) = order.split_at(n_valid);
    let (xt, yt, xv, yv) = (
        x.select(Axis(0), train),
        y.select(Axis(0), train),
        x.select(Axis(0), valid),
        y.select(Axis(0), valid),
    );
    let sopts = split_options(train.len(), xd.ncols(), opts);
    // A regime must hold enough rows for model D's design with a margin.
    let min_regime = (xd.ncols() + 3).max(train.len() / 20);
    let mut scores = Vec::with_capacity(cands.len());
    let mut best: Option<(usize, f64)> = None;
    for (ci, (rule, vars)) in cands.iter().enumerate() {
        let r2 = match Split::fit(*rule, vars, xt.view(), yt.view(), xt.view(), names, &sopts) {
            Ok(split) => {
                let lt = split.assign(xt.view());
                let sizes = (0..split.regimes).map(|r| lt.iter().filter(|&&l| l == r).count());
                if split.regimes < 2 || sizes.clone().any(|s| s < min_regime) {
                    None
                } else {
                    let m = RegimeModels::fit(
                        xt.view(),
                        yt.view(),
                        &lt,
                        split.regimes,
                        opts.ridge_lambda,
                    );
                    let lv = split.assign(xv.view());
                    Some(r2_score(yv.view(), m.predict(xv.view(), &lv).view()))
                }
            }
            // A polytope fit can fail on degenerate data: skip the candidate.
            Err(IbcError::Polytope(_)) => None,
            Err(e) => return Err(e),
        };
        if let Some(v) = r2 {
            if best.is_none_or(|(_, b)| v > b + 1e-12) {
                best = Some((ci, v));
            }
        }
        scores.push(CandidateScore {
            variables: vars.iter().map(|&v| names[v].clone()).collect(),
            rule: rule.name(),
            r2_valid: r2,
        });
    }
    // Without a usable candidate, fall back to the median of the first variable.
    let (rule, vars) = match best {
        Some((ci, _)) => cands[ci].clone(),
        None => (SplitRule::Median, vec![top[0].features[0]]),
    };
    let sopts = split_options(n, xd.ncols(), opts);
    let split = Split::fit(rule, &vars, x, y, x, names, &sopts)?;
    let labels = split.assign(x);
    let a = fit_linear(x, y, opts.ridge_lambda);
    let b = RegimeModels::fit(x, y, &labels, split.regimes, opts.ridge_lambda);
    let c = fit_linear(xd.view(), y, opts.ridge_lambda);
    let d = RegimeModels::fit(xd.view(), y, &labels, split.regimes, opts.ridge_lambda);
    Ok(IbcFit {
        top,
        split,
        candidates: scores,
        a,
        b,
        c,
        d,
    })
}

impl IbcFit {
    /// Predictions of A, B, C, D for the rows of `x`.
    pub fn predict(&self, x: ArrayView2<f64>) -> Predictions {
        let labels = self.split.assign(x);
        let xd = with_products(x, &self.top);
        Predictions {
            a: self.a.predict(x),
            b: self.b.predict(x, &labels),
            c: self.c.predict(xd.view()),
            d: self.d.predict(xd.view(), &labels),
        }
    }

    /// Whether any of the four models used the ridge fallback (or a pooled
    /// model for an empty regime).
    pub fn ridge_fallback(&self) -> bool {
        self.a.is_fallback() || self.c.is_fallback() || self.b.fallback() || self.d.fallback()
    }
}
