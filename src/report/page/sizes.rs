//! The sizes section: a bar chart of the rows per cluster (and in no
//! cluster) beside the table of the same numbers.

use super::chart::Chart;
use super::context::Context;
use crate::report::charts;
use crate::report::error::ReportError;
use crate::report::format::count;
use serde::Serialize;

/// A row of the sizes table.
#[derive(Serialize)]
pub(super) struct SizeRow {
    name: String,
    rows: String,
    share: String,
}

/// The sizes chart and its table.
pub(super) fn sizes(ctx: &Context) -> Result<(Chart, Vec<SizeRow>), ReportError> {
    let k = ctx.k;
    let mut bars: Vec<(String, usize, Option<usize>)> = (0..k)
        .map(|c| (format!("{c}"), ctx.members[c].len(), Some(c)))
        .collect();
    let outliers = ctx.outliers();
    if outliers > 0 {
        bars.push(("none".into(), outliers, None));
    }
    let size_rows: Vec<SizeRow> = bars
        .iter()
        .map(|(_, rows, c)| SizeRow {
            name: c.map_or("No cluster".into(), |c| format!("Cluster {c}")),
            rows: count(*rows),
            share: ctx.share(*rows),
        })
        .collect();
    let desc = size_rows
        .iter()
        .map(|r| format!("{}: {} rows ({})", r.name, r.rows, r.share))
        .collect::<Vec<_>>()
        .join("; ");
    let svg = charts::sizes(&bars)?;
    let chart = Chart::new(
        "chart-sizes",
        &svg,
        &format!("Rows per cluster, {k} clusters"),
        &desc,
        "Rows per cluster (bar labels: cluster id; \"none\": rows in no cluster). The same numbers are in the table beside it.".into(),
    );
    Ok((chart, size_rows))
}
