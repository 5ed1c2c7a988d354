//! polyclust: interpretable clustering with polytopes, interaction screening
//! and interaction-based regimes.
//!
//! This crate currently exposes the [`interactions`] module: lasso screening
//! of interaction products (IBC article §7) and Neural Interaction Detection
//! (NID, Tsang et al. 2018).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod interactions;
