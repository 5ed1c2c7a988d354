//! The scatter section: two features of the rows (a seeded sample above
//! the limit), coloured by cluster, with the boundaries of the conditions
//! on those two features, and the rows drawn per cluster as its key.

use super::chart::Chart;
use super::context::Context;
use crate::report::charts::{self, hex, style_of, ScatterInput};
use crate::report::error::ReportError;
use crate::report::figures;
use crate::report::format::count;
use crate::report::options::ReportOptions;
use serde::Serialize;

/// A cluster in the scatter's key: name, rows drawn, colour, marker.
type KeyRow = (String, String, String, charts::Shape);

/// The scatter and what the page says of it.
#[derive(Serialize)]
pub(super) struct Scatter {
    chart: Chart,
    x: String,
    y: String,
    drawn: String,
    total: String,
    sampled: bool,
    lines: usize,
    counts: Vec<KeyRow>,
    planar_only: bool,
}

/// The scatter of the named features or of the two the rules read most;
/// with one feature there is none, and a note says why.
pub(super) fn scatter(
    ctx: &Context,
    options: &ReportOptions,
) -> Result<(Option<Scatter>, Option<String>), ReportError> {
    let columns = figures::scatter_columns(
        ctx.model,
        options.columns.as_ref(),
        &ctx.size.uses,
        &ctx.moments.sd_all,
    )?;
    Ok(match columns {
        None => (
            None,
            Some("The data have one feature: there is no pair of features to plot.".to_string()),
        ),
        Some(columns) => (Some(scatter_of(ctx, options, columns)?), None),
    })
}

/// The scatter of features `(a, b)`.
fn scatter_of(
    ctx: &Context,
    options: &ReportOptions,
    (a, b): (usize, usize),
) -> Result<Scatter, ReportError> {
    let n = ctx.n;
    let rows = figures::plot_rows(n, options.plot_rows, options.seed);
    let (svg, lines) = charts::scatter(&ScatterInput {
        model: ctx.model,
        x: ctx.x.view(),
        segments: &ctx.segments,
        rows: &rows,
        columns: (a, b),
    })?;
    let counts = key(ctx, &rows);
    let (xa, yb) = (
        ctx.model.map.columns[a].name(),
        ctx.model.map.columns[b].name(),
    );
    let sampled = rows.len() < n;
    let title = format!("Scatter of {yb} against {xa}, coloured by cluster");
    let desc = format!(
        "{} of {} rows drawn{}; {} boundary lines of the conditions on {xa} and {yb}. Rows drawn per cluster: {}.",
        count(rows.len()),
        count(n),
        if sampled { " (a seeded random sample)" } else { "" },
        lines,
        counts
            .iter()
            .map(|(name, c, _, _)| format!("{name} {c}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(Scatter {
        chart: Chart::new("chart-scatter", &svg, &title, &desc, title.clone()),
        x: xa,
        y: yb,
        drawn: count(rows.len()),
        total: count(n),
        sampled,
        lines,
        counts,
        planar_only: ctx.ds.d() > 2,
    })
}

/// The scatter's key: every cluster, and the rows in no cluster when some
/// are drawn, with the rows of `rows` drawn in each.
fn key(ctx: &Context, rows: &[usize]) -> Vec<KeyRow> {
    let k = ctx.k;
    let mut drawn = vec![0usize; k + 1];
    for &r in rows {
        drawn[ctx.segments[r].unwrap_or(k)] += 1;
    }
    (0..=k)
        .filter(|&g| g < k || drawn[g] > 0)
        .map(|g| {
            let c = (g < k).then_some(g);
            let (colour, shape) = style_of(c);
            (
                c.map_or("No cluster".into(), |c| format!("Cluster {c}")),
                count(drawn[g]),
                hex(colour),
                shape,
            )
        })
        .collect()
}
