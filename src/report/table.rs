//! The notebook's table of a model's clusters (`clusters_table.html`): a
//! compact summary of the clusters for a rich display, apart from the page.

use super::charts::{self, hex, style_of};
use super::error::ReportError;
use super::format::{count, percent};
use super::template;
use crate::explain;
use crate::mpc::PolytopeModel;
use serde::Serialize;

const TABLE_TEMPLATE: &str = include_str!("clusters_table.html");

/// One cluster of the table.
#[derive(Serialize)]
struct TableRow {
    name: String,
    colour: String,
    shape: charts::Shape,
    size: String,
    share: String,
    silhouette: String,
    conditions: Vec<String>,
}

/// A compact HTML table of a model's clusters (size, share, rule) for a
/// notebook's rich display; escaped, with no script or style sheet.
pub fn clusters_table_html(model: &PolytopeModel) -> Result<String, ReportError> {
    let rows: Vec<TableRow> = model.polytopes[..model.k()]
        .iter()
        .map(|p| {
            let (colour, shape) = style_of(Some(p.cluster));
            TableRow {
                name: format!("Cluster {}", p.cluster),
                colour: hex(colour),
                shape,
                size: count(p.size),
                share: percent(p.share),
                silhouette: p.silhouette.map_or("—".into(), |s| format!("{s:.3}")),
                conditions: p
                    .halfspaces
                    .iter()
                    .map(|h| explain::halfspace_text(model, h))
                    .collect(),
            }
        })
        .collect();
    template::render(
        "clusters_table.html",
        TABLE_TEMPLATE,
        minijinja::context! {
            rows => minijinja::Value::from(minijinja::value::Serde(&rows)),
            k => model.k(),
            outliers => model.outliers.is_some(),
            features => model.map.columns.len(),
        },
    )
}
