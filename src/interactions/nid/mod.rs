//! Neural Interaction Detection (Tsang, Cheng & Liu, ICLR 2018).
//!
//! 1. Train MLP-M (§4.1, [`AdditiveNet::mlp_m`](crate::interactions::mlp::AdditiveNet::mlp_m)): main MLP 140-100-60-20 with
//!    L1 (5e-5) on its weights plus univariate nets 10-10-10, summed.
//! 2. Aggregated influence of first-layer units (§3.2):
//!    `z = |w_y|ᵀ |W_L| ⋯ |W_2|` ([`unit_influence`]).
//! 3. Pairwise strengths (§4.4, eq. (1) with µ = min):
//!    `ω({i,j}) = Σ_s z_s · min(|W1_{s,i}|, |W1_{s,j}|)` ([`pairwise_strengths`]).
//! 4. Higher-order ranking (§4.2, Algorithm 1, µ = min): for each first-layer
//!    unit s, sort its incoming |W1| descending and add `z_s · (j-th largest)`
//!    to the top-j set, j = 2…p ([`greedy_ranking`]).
//! 5. Cutoff (§4.3, MLP-Cutoff): add the top-ranked interactions one at a time
//!    to a GAM of small nets until the validation error stops improving
//!    (`mlp_cutoff`).
//!
//! [`nid_screen`] runs steps 1–4 (and 5 on request) on a dataset;
//! [`evaluate_synthetic`] reproduces the F1–F10 protocol of §5 (30k points
//! split 1/3 train/valid/test, pairwise AUC as Table 2, top-rank recall as
//! §5.3).
//!
//! Defaults ([`NidParams::new`]): the paper's MLP-M sizes and L1 5e-5,
//! initialization uniform in ±1/√fan_in as PyTorch's `nn.Linear` (the NID
//! reference implementation), Adam step 1e-2 halved after 2 epochs without
//! improvement, early-stopping patience 8, batch 100, at most 100 epochs,
//! and an ensemble of 6 networks whose normalized strengths are weighted by
//! validation loss⁻² ([`ensemble_strengths`]). Runs are deterministic: the
//! same seeds reproduce every digit, on any thread count.
//!
//! The measurements behind these defaults, with the commands that rerun
//! them, are in `docs/nid-tuning.md`.

mod eval;
mod params;
mod screen;
mod strengths;

pub use eval::{
    evaluate_synthetic, evaluate_synthetic_with_progress, EvalOptions, FunctionReport,
    SyntheticSuiteReport,
};
pub use params::{NidParams, ValidNidParams};
pub use screen::{ensemble_strengths, nid_screen, select_l1, train_mlp_m_tuned};
pub use strengths::{greedy_ranking, member_weights, pairwise_strengths, unit_influence};
