//! Screening with either screener: against a numeric target, or one
//! cluster against the rest.

use super::lasso::{self, LassoScreenOptions};
use super::nid::{self, ValidNidParams};
use super::screening::{sort_interactions, Interaction, InteractionError, Screening};
use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The interaction screener, for [`screen_against_labels`], the IBC
/// pipeline and the command line (`lasso`, `nid`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum ScreenMethod {
    /// Lasso-CV on interaction products.
    ///
    /// See [`lasso::lasso_screen`].
    Lasso,
    /// Neural Interaction Detection on an MLP.
    ///
    /// See [`nid::nid_screen`].
    Nid,
}

impl ScreenMethod {
    /// `"lasso"` or `"nid"`, as on the command line and in [`Screening::method`].
    pub fn name(self) -> &'static str {
        match self {
            ScreenMethod::Lasso => "lasso",
            ScreenMethod::Nid => "nid",
        }
    }
}

/// Options of both screeners, for [`screen_against_labels`].
#[derive(Debug, Clone, Default)]
pub struct ScreenOptions {
    /// Used with [`ScreenMethod::Lasso`].
    pub lasso: LassoScreenOptions,
    /// Used with [`ScreenMethod::Nid`] (binary target and no cutoff are set
    /// per label).
    pub nid: ValidNidParams,
}

/// Screens interactions against a numeric target `y` with `method`:
/// products up to `degree`, seeded (the lasso's folds, NID's networks), each
/// screener with its defaults otherwise. The one entry point the command
/// line, the explanation space and the Python package share.
pub fn screen_target(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    names: &[String],
    method: ScreenMethod,
    degree: usize,
    seed: u64,
) -> Result<Screening, InteractionError> {
    match method {
        ScreenMethod::Lasso => lasso::lasso_screen(
            x,
            y,
            names,
            &LassoScreenOptions {
                degree,
                seed,
                ..Default::default()
            },
        ),
        ScreenMethod::Nid => {
            let params = nid::NidParams::new()
                .degree(degree)
                .seed(seed)
                .check()
                .map_err(|e| InteractionError::InvalidOption(e.to_string()))?;
            nid::nid_screen(x, y, names, &params)
        }
    }
}

/// Screens interactions without a target: for every cluster label c, a
/// one-vs-rest target (1 if `labels[t] == c`, else 0) is screened — the lasso
/// regresses the 0/1 indicator, NID trains with binary cross-entropy — and
/// the rankings are merged, keeping for each interaction its maximum strength
/// over the labels. With two labels only one side is screened (the other is
/// its complement).
pub fn screen_against_labels(
    x: ArrayView2<f64>,
    labels: &[usize],
    names: &[String],
    method: ScreenMethod,
    opts: &ScreenOptions,
) -> Result<Screening, InteractionError> {
    if labels.len() != x.nrows() {
        return Err(InteractionError::LengthMismatch {
            x_rows: x.nrows(),
            y_len: labels.len(),
        });
    }
    let mut distinct: Vec<usize> = labels.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 2 {
        return Err(InteractionError::TooSmall(
            "one-vs-rest screening needs at least two cluster labels".into(),
        ));
    }
    let classes: &[usize] = if distinct.len() == 2 {
        &distinct[..1]
    } else {
        &distinct
    };
    let mut best: BTreeMap<Vec<usize>, Interaction> = BTreeMap::new();
    let mut alpha = None;
    for &c in classes {
        let y: Array1<f64> = labels
            .iter()
            .map(|&l| if l == c { 1.0 } else { 0.0 })
            .collect();
        let s = match method {
            ScreenMethod::Lasso => lasso::lasso_screen(x, y.view(), names, &opts.lasso)?,
            ScreenMethod::Nid => {
                let o = opts.nid.clone().with_binary(true).with_cutoff(false);
                nid::nid_screen(x, y.view(), names, &o)?
            }
        };
        alpha = alpha.or(s.alpha);
        for inter in s.interactions {
            match best.get_mut(&inter.features) {
                Some(b) if b.strength >= inter.strength => {}
                Some(b) => b.strength = inter.strength,
                None => {
                    best.insert(inter.features.clone(), inter);
                }
            }
        }
    }
    let mut interactions: Vec<Interaction> = best.into_values().collect();
    sort_interactions(&mut interactions);
    Ok(Screening {
        interactions,
        method: method.name().into(),
        alpha: if classes.len() == 1 { alpha } else { None },
        cutoff: None,
    })
}
