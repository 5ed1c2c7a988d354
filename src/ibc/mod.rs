//! Interaction-based regimes (IBC article §7–11 and the §13 extension): a
//! dominant interaction `Xi·Xj` makes the slope of `Xi` depend on `Xj` (§3),
//! so splitting the rows on `Xj` and fitting a linear model per regime turns
//! the product into locally linear pieces.
//!
//! [`run`] compares four models under k-fold cross-validation:
//!
//! * **A** — least squares on X (no interaction);
//! * **B** — the IBC model: least squares on X inside each regime;
//! * **C** — least squares on X plus the top interaction products;
//! * **D** — least squares on X plus the products inside each regime (§9).
//!
//! Pipeline on every training set ([`pipeline::fit`]): screen interactions by
//! lasso-CV on interaction products ([`crate::interactions::lasso`], default)
//! or NID ([`crate::interactions::nid`]); take the variables of the top
//! interactions as candidate clustering variables; try the split rules of
//! [`regimes`] (sign, median, tertiles, model trees of depth 1–2, and for
//! pairs of variables inside one interaction the sign quadrants and an MPC
//! polytope split); keep the one whose model B scores best on a hold-out of
//! the training rows (§11); fit A/B/C/D by Householder QR ([`ols`]) with a
//! ridge fallback for rank-deficient or tiny regimes. [`cv`] runs it on each
//! fold so that screening and regimes never see the held-out rows.
//!
//! ```
//! use polyclust::ibc::{self, simulate, IbcOptions};
//!
//! let data = simulate::article(400, 0, 7);
//! let opts = IbcOptions { folds: 3, polytope_k: vec![], ..IbcOptions::default() };
//! let report = ibc::run(data.x.view(), data.y.view(), &data.names, &opts).unwrap();
//! assert_eq!(report.top_interactions[0], "Xi×Xj");
//! assert!(report.models.c.r2_cv > report.models.b.r2_cv);
//! assert!(report.models.b.r2_cv > report.models.a.r2_cv + 0.3);
//! ```

mod compare;
pub mod cv;
pub mod ols;
mod options;
pub mod pipeline;
pub mod regimes;
mod report;
pub mod simulate;

pub use compare::run;
pub use ols::{fit_linear, r2_score, rmse, LinearFit, Solver};
pub use options::{IbcError, IbcOptions, MIN_ROWS_PER_FOLD};
pub use pipeline::{CandidateScore, IbcFit};
pub use regimes::{Split, SplitRule, SplitSummary};
pub use report::{IbcReport, ModelScores, ModelTable};
