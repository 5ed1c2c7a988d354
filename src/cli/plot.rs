//! `--plot FILE.svg`: points coloured by cluster with the polytope boundaries,
//! in original units, for two columns of the data.

use anyhow::{bail, Context, Result};
use plotters::prelude::*;
use polyclust::data::Dataset;
use polyclust::hyperplane::Side;
use polyclust::mpc::{ExplanationFeature, PolytopeModel};
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

/// Segment of the boundary of half-space `h` of `polytope` inside the unit box
/// and the polytope's other plotted half-spaces, in scaled coordinates of
/// columns `(a, b)`. `None` when the hyperplane uses other columns or the
/// segment is empty.
fn boundary_segment(
    model: &PolytopeModel,
    cluster: usize,
    h_idx: usize,
    a: usize,
    b: usize,
) -> Option<[(f64, f64); 2]> {
    // Coefficients of a hyperplane on (a, b), if it uses only those base columns.
    let planar = |hp: usize| -> Option<(f64, f64, f64)> {
        let h = &model.hyperplanes[hp].hyperplane;
        let (mut wa, mut wb) = (0.0, 0.0);
        for (j, w) in h.w.iter().enumerate() {
            if *w == 0.0 {
                continue;
            }
            match model.space.features[j] {
                ExplanationFeature::Base { index } if index == a => wa = *w,
                ExplanationFeature::Base { index } if index == b => wb = *w,
                _ => return None,
            }
        }
        Some((wa, wb, h.b))
    };
    let polytope = &model.polytopes[cluster];
    let target = polytope.halfspaces[h_idx];
    let (wa, wb, c) = planar(target.hyperplane)?;
    let norm2 = wa * wa + wb * wb;
    if norm2 == 0.0 {
        return None;
    }
    // p(t) = p0 + t·dir, with p0 the point of the line nearest the origin.
    let p0 = (-c * wa / norm2, -c * wb / norm2);
    let dir = (-wb, wa);
    let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
    // Constraint g(t) = g0 + t·g1 ≥ 0.
    let mut clip = |g0: f64, g1: f64| {
        if g1.abs() < 1e-15 {
            if g0 < -1e-12 {
                lo = f64::INFINITY;
            }
        } else if g1 > 0.0 {
            lo = lo.max(-g0 / g1);
        } else {
            hi = hi.min(-g0 / g1);
        }
    };
    for (coord, d) in [(p0.0, dir.0), (p0.1, dir.1)] {
        clip(coord, d); // coord ≥ 0
        clip(1.0 - coord, -d); // coord ≤ 1
    }
    for (o, other) in polytope.halfspaces.iter().enumerate() {
        if o == h_idx {
            continue;
        }
        if let Some((ga, gb, gc)) = planar(other.hyperplane) {
            let g0 = ga * p0.0 + gb * p0.1 + gc;
            let g1 = ga * dir.0 + gb * dir.1;
            match other.side {
                Side::I => clip(g0, g1),
                Side::J => clip(-g0, -g1),
            }
        }
    }
    (lo < hi).then_some([
        (p0.0 + lo * dir.0, p0.1 + lo * dir.1),
        (p0.0 + hi * dir.0, p0.1 + hi * dir.1),
    ])
}

/// Write the SVG.
pub(crate) fn plot_clusters(
    path: &Path,
    ds: &Dataset,
    model: &PolytopeModel,
    labels: &[usize],
    columns: Option<&[String]>,
) -> Result<()> {
    let names = ds.feature_names();
    let (a, b) = match columns {
        Some([ca, cb]) => {
            let find = |c: &String| {
                names.iter().position(|n| n == c).with_context(|| {
                    format!(
                        "--plot-columns: no feature named '{c}' (features: {})",
                        names.join(", ")
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
    };
    let ca = &ds.map.columns[a];
    let cb = &ds.map.columns[b];
    let orig = |u: f64, v: f64| (ca.unscale(u), cb.unscale(v));
    let (x0, y0) = orig(0.0, 0.0);
    let (x1, y1) = orig(1.0, 1.0);
    let pad = |lo: f64, hi: f64| {
        let p = ((hi - lo) * 0.03).max(1e-9);
        (lo - p)..(hi + p)
    };
    let root = SVGBackend::new(path, (800, 700)).into_drawing_area();
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
    Ok(())
}
