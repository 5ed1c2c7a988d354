//! The page: one section builder per file, each reading the shared
//! [`context::Context`], and the whole page assembled and rendered in
//! `document` (which holds `Report::render`).

mod cards;
mod chart;
mod context;
mod document;
mod k_study;
mod profiles;
mod scatter;
mod sizes;
mod summary;
