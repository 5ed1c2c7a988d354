//! A chart as the page holds it: inline SVG with its text alternative, and
//! a caption.

use crate::report::charts;
use serde::Serialize;

/// A chart of the page.
#[derive(Serialize)]
pub(super) struct Chart {
    id: String,
    svg: String,
    caption: String,
}

impl Chart {
    /// The chart `svg` with the element id `id`, titled `title` and
    /// described by `desc` for a reader who cannot see it.
    pub(super) fn new(id: &str, svg: &str, title: &str, desc: &str, caption: String) -> Self {
        Self {
            id: id.into(),
            svg: charts::accessible(svg, id, title, desc),
            caption,
        }
    }
}
