//! `--plot FILE.svg`: points coloured by cluster with the polytope boundaries,
//! in original units, for two columns of the data.

use anyhow::{bail, Context, Result};
use plotters::prelude::*;
use polyclust::data::Dataset;
use polyclust::explain::boundary_segment;
use polyclust::mpc::{PolytopeModel, ProtocolRun};
use std::path::Path;

/// Colours that stay distinct for up to ten clusters.
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// The two features `--plot` draws: the named ones, or the only two.
/// Checked before any work, so a wrong name fails before outputs are written.
pub(crate) fn plot_columns(ds: &Dataset, columns: Option<&[String]>) -> Result<(usize, usize)> {
    let names = ds.feature_names();
    Ok(match columns {
        Some([ca, cb]) => {
            let find = |c: &String| {
                names.iter().position(|n| n == c).with_context(|| {
                    format!(
                        "--plot-columns: no feature named '{c}' (features: {})",
                        polyclust::data::name_list(&names)
                    )
                })
            };
            (find(ca)?, find(cb)?)
        }
        Some(_) => bail!("--plot-columns takes exactly two feature names"),
        None if ds.d() == 2 => (0, 1),
        None => bail!(
            "--plot needs two columns: the data have {} features, name two with --plot-columns A,B",
            ds.d()
        ),
    })
}

/// The SVG of the clusters and their polytope boundaries on features
/// `(a, b)` (from [`plot_columns`]), written to `path`.
pub(crate) fn plot_clusters(
    path: &Path,
    ds: &Dataset,
    model: &PolytopeModel,
    labels: &[usize],
    (a, b): (usize, usize),
) -> Result<()> {
    let names = ds.feature_names();
    let ca = &ds.map.columns[a];
    let cb = &ds.map.columns[b];
    let orig = |u: f64, v: f64| (ca.unscale(u), cb.unscale(v));
    let (x0, y0) = orig(0.0, 0.0);
    let (x1, y1) = orig(1.0, 1.0);
    let pad = |lo: f64, hi: f64| {
        let p = ((hi - lo) * 0.03).max(1e-9);
        (lo - p)..(hi + p)
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 700)).into_drawing_area();
        let draw_err =
            |e: &dyn std::fmt::Display| anyhow::anyhow!("cannot draw {}: {e}", path.display());
        root.fill(&WHITE).map_err(|e| draw_err(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!(
                    "{}: {} clusters (M = {}, beta = {})",
                    ds.name,
                    model.k(),
                    model.settings.m,
                    model.settings.beta
                ),
                ("sans-serif", 22),
            )
            .margin(15)
            .x_label_area_size(40)
            .y_label_area_size(55)
            .build_cartesian_2d(pad(x0, x1), pad(y0, y1))
            .map_err(|e| draw_err(&e))?;
        chart
            .configure_mesh()
            .x_desc(names[a].as_str())
            .y_desc(names[b].as_str())
            .draw()
            .map_err(|e| draw_err(&e))?;
        for (c, colour) in (0..model.k()).map(|c| (c, PALETTE[c % PALETTE.len()])) {
            let points =
                ds.x.rows()
                    .into_iter()
                    .zip(labels)
                    .filter(|(_, l)| **l == c)
                    .map(|(r, _)| orig(r[a], r[b]));
            chart
                .draw_series(points.map(|p| Circle::new(p, 3, colour.mix(0.75).filled())))
                .map_err(|e| draw_err(&e))?
                .label(format!("cluster {c}"))
                .legend(move |(x, y)| Circle::new((x, y), 4, colour.filled()));
            for h in 0..model.polytopes[c].halfspaces.len() {
                if let Some([p, q]) = boundary_segment(model, c, h, a, b) {
                    chart
                        .draw_series(LineSeries::new(
                            [orig(p.0, p.1), orig(q.0, q.1)],
                            colour.stroke_width(2),
                        ))
                        .map_err(|e| draw_err(&e))?;
                }
            }
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| draw_err(&e))?;
        root.present().map_err(|e| draw_err(&e))?;
    }
    super::output::write_file("--plot", path, svg.as_bytes())?;
    Ok(())
}

/// `--plot-k FILE.svg`: the best silhouette of each initial k of a
/// `--k-range` study, each point labelled with its smallest cluster, so a
/// person sees when a k wins only by a small group.
pub(crate) fn plot_k_study(
    path: &Path,
    name: &str,
    per_k: &[&ProtocolRun],
    min_cluster_size: usize,
) -> Result<()> {
    let points: Vec<(usize, f64, usize, bool)> = per_k
        .iter()
        .filter_map(|r| {
            r.silhouette
                .map(|s| (r.k, s, r.smallest, r.meets_min_cluster_size))
        })
        .collect();
    let (k_lo, k_hi) = (
        per_k.first().map_or(2, |r| r.k),
        per_k.last().map_or(2, |r| r.k),
    );
    let (s_lo, s_hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.1), b.max(p.1))
        });
    let (s_lo, s_hi) = if s_lo.is_finite() {
        (s_lo - 0.05, s_hi + 0.05)
    } else {
        (0.0, 1.0)
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 500)).into_drawing_area();
        let draw_err =
            |e: &dyn std::fmt::Display| anyhow::anyhow!("cannot draw {}: {e}", path.display());
        root.fill(&WHITE).map_err(|e| draw_err(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("{name}: best silhouette per k (labels: smallest cluster, floor {min_cluster_size})"),
                ("sans-serif", 20),
            )
            .margin(15)
            .x_label_area_size(40)
            .y_label_area_size(55)
            .build_cartesian_2d(
                (k_lo as f64 - 0.5)..(k_hi as f64 + 0.5),
                s_lo..s_hi,
            )
            .map_err(|e| draw_err(&e))?;
        chart
            .configure_mesh()
            .x_desc("initial k")
            .y_desc("silhouette")
            .draw()
            .map_err(|e| draw_err(&e))?;
        chart
            .draw_series(LineSeries::new(
                points.iter().map(|p| (p.0 as f64, p.1)),
                PALETTE[0].stroke_width(2),
            ))
            .map_err(|e| draw_err(&e))?;
        for &(k, s, smallest, meets) in &points {
            let colour = if meets { PALETTE[0] } else { PALETTE[3] };
            chart
                .draw_series(std::iter::once(Circle::new(
                    (k as f64, s),
                    5,
                    colour.filled(),
                )))
                .map_err(|e| draw_err(&e))?;
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("{smallest}"),
                    (k as f64, s + 0.01),
                    ("sans-serif", 14),
                )))
                .map_err(|e| draw_err(&e))?;
        }
        root.present().map_err(|e| draw_err(&e))?;
    }
    super::output::write_file("--plot-k", path, svg.as_bytes())?;
    Ok(())
}
