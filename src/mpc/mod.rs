//! Multi-Polytope Clustering (MPC paper §3): Algorithm 1 (alternating
//! minimisation, `init`), Algorithm 2 (silhouette coordinate descent), and
//! the fitted [`PolytopeModel`] whose polytopes explain every cluster.

mod build;
mod deadline;
mod error;
mod fit;
mod fitted;
mod getters;
pub(crate) mod init;
pub(crate) mod model;
mod model_check;
pub(crate) mod outliers;
mod pair;
pub(crate) mod params;
mod progress;
pub(crate) mod protocol;
mod redundancy;
mod rows;
mod sample;
pub(crate) mod search;
mod settings;
pub(crate) mod space;
mod tournament;
pub(crate) mod union;

pub use error::MpcError;
pub use fit::{explain_labels, fit, fit_with, FitOptions};
pub use fitted::{MpcFit, ESTIMATE_REPEATS};
pub use model::{HalfSpace, ModelError, ModelSettings, Polytope, PolytopeModel, SCHEMA_VERSION};
pub use outliers::{OutlierRule, OUTLIER_LABEL, OUTLIER_MULTIPLE};
pub use pair::{PairHyperplane, SolveStats};
pub use params::{
    CoarseStart, MinClusterSize, MpcParams, Objective, Preset, ValidMpcParams, DEFAULT_SAMPLE_SIZE,
    MAX_PIECES,
};
pub use progress::{Observer, Progress, RunStatus};
pub use protocol::{protocol, ProtocolPlan, ProtocolResult, ProtocolRun};
pub(crate) use sample::SearchRows;
pub use space::{screen_for_explanation, ExplanationFeature, ExplanationSpace, ScreeningTarget};
