//! The choice of k, when several were tried: the best run's silhouette and
//! smallest cluster against the initial k, and the table of those runs
//! with the options that reproduce each.

use super::chart::Chart;
use crate::report::charts::{self, KPoint};
use crate::report::error::ReportError;
use crate::report::format::count;
use crate::report::inputs::KStudyRow;
use serde::Serialize;

/// A run of the table.
#[derive(Serialize)]
struct KRow {
    k: usize,
    seed: u64,
    clusters: usize,
    silhouette: String,
    smallest: String,
    fidelity: String,
    meets: bool,
    reproduce: String,
}

/// The section: two charts and the table.
#[derive(Serialize)]
pub(super) struct KStudy {
    silhouette: Chart,
    smallest: Chart,
    rows: Vec<KRow>,
    chosen_k: usize,
}

/// The section of the best run of each k tried (`rows`), of a report whose
/// model has `k` clusters; none when fewer than two k were tried.
pub(super) fn k_study(rows: &[KStudyRow], k: usize) -> Result<Option<KStudy>, ReportError> {
    if rows.len() <= 1 {
        return Ok(None);
    }
    let sil: Vec<KPoint> = rows
        .iter()
        .filter_map(|r| {
            r.silhouette.map(|s| KPoint {
                k: r.k,
                value: s,
                meets: r.meets_min_cluster_size,
            })
        })
        .collect();
    let small: Vec<KPoint> = rows
        .iter()
        .map(|r| KPoint {
            k: r.k,
            value: r.smallest as f64,
            meets: r.meets_min_cluster_size,
        })
        .collect();
    Ok(Some(KStudy {
        silhouette: silhouette_chart(&sil)?,
        smallest: smallest_chart(&small)?,
        rows: table(rows, k),
        chosen_k: k,
    }))
}

/// The runs as the table shows them, with the options that reproduce each:
/// its bounds as recorded; in a study saved without them, the range's
/// (the smallest and largest k tried).
fn table(rows: &[KStudyRow], k: usize) -> Vec<KRow> {
    let range_min = rows.iter().map(|r| r.k).min().unwrap_or(k);
    let range_max = rows.iter().map(|r| r.k).max().unwrap_or(k);
    rows.iter()
        .map(|r| KRow {
            k: r.k,
            seed: r.seed,
            clusters: r.clusters,
            silhouette: r.silhouette.map_or("—".into(), |s| format!("{s:.4}")),
            smallest: count(r.smallest),
            fidelity: format!("{:.4}", r.fidelity),
            meets: r.meets_min_cluster_size,
            reproduce: format!(
                "--k {} --seed {} --k-min {} --k-max {}",
                r.k,
                r.seed,
                r.k_min.unwrap_or(range_min),
                r.k_max.unwrap_or(range_max)
            ),
        })
        .collect()
}

/// The text alternative of a line over k: `k = 2: what 0.5; …`.
fn describe(what: &str, points: &[KPoint], fmt: impl Fn(f64) -> String) -> String {
    points
        .iter()
        .map(|p| format!("k = {}: {what} {}", p.k, fmt(p.value)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The best silhouette against k.
fn silhouette_chart(points: &[KPoint]) -> Result<Chart, ReportError> {
    let svg = charts::k_line(points, "silhouette", "silhouette against k", false)?;
    let title = "Best silhouette for each initial k";
    Ok(Chart::new(
        "chart-k-silhouette",
        &svg,
        title,
        &describe("silhouette", points, |v| format!("{v:.4}")),
        title.into(),
    ))
}

/// The rows of the smallest cluster of the best run against k.
fn smallest_chart(points: &[KPoint]) -> Result<Chart, ReportError> {
    let svg = charts::k_line(
        points,
        "rows of the smallest cluster",
        "smallest cluster against k",
        true,
    )?;
    Ok(Chart::new(
        "chart-k-smallest",
        &svg,
        "Rows of the smallest cluster of the best run for each initial k",
        &describe("smallest cluster", points, |v| count(v as usize)),
        "Rows of the smallest cluster of that run".into(),
    ))
}
