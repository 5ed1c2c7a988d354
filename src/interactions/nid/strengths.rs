//! Interaction strengths off the weights of trained networks (NID §3–4.2):
//! the units' influence, pairwise strengths, the greedy higher-order
//! ranking, and an ensemble's weighted strengths.

use crate::interactions::mlp::{AdditiveNet, Mlp};
use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Aggregated influence of the first-hidden-layer units (NID §3.2):
/// `z⁽¹⁾ = |w_y|ᵀ |W⁽ᴸ⁾| ⋯ |W⁽²⁾|`, one value per first-layer unit.
pub fn unit_influence(mlp: &Mlp) -> Array1<f64> {
    let k = mlp.layers.len();
    // Weights are stored in × out, so z = |W2|·|W3|⋯|w_y| as a column.
    let mut z: Array1<f64> = mlp.layers[k - 1].w.column(0).mapv(f64::abs);
    for l in mlp.layers[1..k - 1].iter().rev() {
        z = l.w.mapv(f64::abs).dot(&z);
    }
    z
}

/// Pairwise strengths (NID §4.4, eq. (1) with µ = min):
/// `ω({i,j}) = Σ_s z_s · min(|W1_{s,i}|, |W1_{s,j}|)`, with `w1` stored
/// `p × units`. Returns a symmetric p × p matrix with zero diagonal.
pub fn pairwise_strengths(w1: ArrayView2<f64>, z: ArrayView1<f64>) -> Vec<Vec<f64>> {
    let p = w1.nrows();
    let a = w1.mapv(f64::abs);
    let mut out = vec![vec![0.0; p]; p];
    for i in 0..p {
        for j in i + 1..p {
            let s: f64 = (0..z.len()).map(|u| z[u] * a[[i, u]].min(a[[j, u]])).sum();
            out[i][j] = s;
            out[j][i] = s;
        }
    }
    out
}

/// NID Algorithm 1 (greedy ranking, µ = min): for each first-layer unit s,
/// sort the incoming weights |W1_{s,·}| descending and, for j = 2…`max_order`
/// (at most p), add `z_s · min(top-j weights)` to the set of the top-j
/// features. Returns (set, strength) sorted by strength descending (ties by
/// size, then indices). O(units · p · (log p + p)).
pub fn greedy_ranking(
    w1: ArrayView2<f64>,
    z: ArrayView1<f64>,
    max_order: usize,
) -> Vec<(Vec<usize>, f64)> {
    let p = w1.nrows();
    let top = max_order.min(p);
    let mut d: HashMap<Vec<usize>, f64> = HashMap::new();
    for u in 0..w1.ncols() {
        let col = w1.column(u);
        let mut idx: Vec<usize> = (0..p).collect();
        idx.sort_by(|&a, &b| col[b].abs().total_cmp(&col[a].abs()).then(a.cmp(&b)));
        for j in 2..=top {
            let mut set = idx[..j].to_vec();
            set.sort_unstable();
            let w = col[idx[j - 1]].abs();
            *d.entry(set).or_insert(0.0) += z[u] * w;
        }
    }
    let mut v: Vec<(Vec<usize>, f64)> = d.into_iter().collect();
    sort_ranking(&mut v);
    v
}

/// Strongest first; ties by size, then indices.
pub(super) fn sort_ranking(v: &mut [(Vec<usize>, f64)]) {
    v.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(a.0.len().cmp(&b.0.len()))
            .then(a.0.cmp(&b.0))
    });
}

/// Interaction strengths read off a trained MLP-M (its `nets[0]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NidStrengths {
    /// Symmetric p × p pairwise strengths ω.
    pub pairwise: Vec<Vec<f64>>,
    /// Algorithm 1 ranking of sets of every order, strongest first.
    pub ranking: Vec<(Vec<usize>, f64)>,
}

/// Strengths of the main MLP `net.nets[0]` (see module doc, steps 2–4).
pub fn interaction_strengths(net: &AdditiveNet, max_order: usize) -> NidStrengths {
    let main = &net.nets[0].mlp;
    let z = unit_influence(main);
    let w1 = main.layers[0].w.view();
    NidStrengths {
        pairwise: pairwise_strengths(w1, z.view()),
        ranking: greedy_ranking(w1, z.view(), max_order),
    }
}

/// Weights of ensemble members from their validation losses:
/// `loss^(−power)`, scaled to sum to 1. Losses are floored at 1e-12 (a
/// perfect fit would otherwise take all the weight as infinity); a
/// non-finite loss gets weight 0 unless every loss is non-finite, when the
/// members count equally.
pub fn member_weights(valid_losses: &[f64], power: f64) -> Vec<f64> {
    let raw: Vec<f64> = valid_losses
        .iter()
        .map(|&l| {
            if l.is_finite() {
                l.max(1e-12).powf(-power)
            } else {
                0.0
            }
        })
        .collect();
    let total: f64 = raw.iter().sum();
    if total > 0.0 && total.is_finite() {
        raw.iter().map(|w| w / total).collect()
    } else {
        vec![1.0 / valid_losses.len().max(1) as f64; valid_losses.len()]
    }
}
