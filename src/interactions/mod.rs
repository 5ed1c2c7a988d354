//! Interaction screening: which products of features matter for a target?
//!
//! Two screeners share one output type, [`Screening`], a list of
//! [`Interaction`]s sorted by strength:
//!
//! * [`lasso::lasso_screen`] — the IBC article §7 pipeline: standardize,
//!   build interaction-only products up to a degree, fit a lasso path with
//!   k-fold cross-validation (as scikit-learn's `LassoCV`), refit at the chosen
//!   alpha and rank the product terms by |coefficient|.
//! * [`nid::nid_screen`] — Neural Interaction Detection (Tsang, Cheng & Liu,
//!   ICLR 2018, §3–4): train the MLP-M network ([`mlp`]), read pairwise
//!   strengths ω({i,j}) and higher-order candidates (Algorithm 1) off its
//!   weights.
//!
//! [`screen_against_labels`] screens without a target, one-vs-rest against a
//! clustering, so the top products can feed the polytopes' explanation space.
//! [`synthetic`] holds the NID test suite F1–F10 (Table 1) with ground truth,
//! [`auc`] the evaluation measures of NID Table 2 and §5.3, and
//! [`nid::evaluate_synthetic`] the whole benchmark.
//!
//! ```
//! use ndarray::{Array1, Array2};
//! use polyclust::interactions::lasso::{lasso_screen, LassoScreenOptions};
//!
//! // y = 3·a·b on a small grid: the a×b product is ranked first.
//! let mut x = Array2::zeros((64, 3));
//! let mut y = Array1::zeros(64);
//! for t in 0..64 {
//!     let (a, b, c) = ((t % 4) as f64 - 1.5, ((t / 4) % 4) as f64 - 1.5, (t / 16) as f64);
//!     x[[t, 0]] = a;
//!     x[[t, 1]] = b;
//!     x[[t, 2]] = c;
//!     y[t] = 3.0 * a * b;
//! }
//! let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
//! let s = lasso_screen(x.view(), y.view(), &names, &LassoScreenOptions::default()).unwrap();
//! assert_eq!(s.interactions[0].name, "a×b");
//! ```

pub mod auc;
pub mod lasso;
pub mod mlp;
pub mod nid;
mod screening;
pub mod synthetic;
mod target;

pub use lasso::{lasso_screen, Lasso, LassoFit, LassoScreenOptions};
pub use nid::{
    evaluate_synthetic, nid_screen, EvalOptions, FunctionReport, NidParams, ValidNidParams,
};
pub use screening::{Interaction, InteractionError, Screening};
pub use synthetic::SyntheticFunction;
pub use target::{screen_against_labels, screen_target, ScreenMethod, ScreenOptions};
