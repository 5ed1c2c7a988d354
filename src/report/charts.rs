//! The report's charts as inline SVG, drawn with plotters: the clusters'
//! sizes, a scatter of two features with the polytope boundaries, and the
//! choice of k. Each chart gets a `<title>` and a `<desc>` (the SVG's
//! accessible name and description) and a colour-blind-safe palette
//! (Okabe and Ito's), with marker shapes that repeat the colours' meaning
//! past seven clusters.

use super::ReportError;
use crate::data::FeatureColumn;
use crate::explain::boundary_segment;
use crate::mpc::PolytopeModel;
use ndarray::ArrayView2;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Okabe and Ito's palette without its black (kept for rows in no
/// cluster), in an order whose neighbours differ most.
pub(crate) const PALETTE: [(u8, u8, u8); 7] = [
    (0, 114, 178),   // blue
    (230, 159, 0),   // orange
    (0, 158, 115),   // bluish green
    (213, 94, 0),    // vermillion
    (204, 121, 167), // reddish purple
    (86, 180, 233),  // sky blue
    (240, 228, 66),  // yellow
];

/// Colour of rows in no cluster.
pub(crate) const NO_CLUSTER: (u8, u8, u8) = (0, 0, 0);

/// Marker shapes, one per run of seven clusters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Shape {
    Circle,
    Triangle,
    Square,
    Cross,
}

/// Colour and marker of cluster `c` (`None`: rows in no cluster).
pub(crate) fn style_of(c: Option<usize>) -> ((u8, u8, u8), Shape) {
    match c {
        None => (NO_CLUSTER, Shape::Cross),
        Some(c) => (
            PALETTE[c % PALETTE.len()],
            [Shape::Circle, Shape::Triangle, Shape::Square][(c / PALETTE.len()) % 3],
        ),
    }
}

/// `#rrggbb`.
pub(crate) fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn rgb((r, g, b): (u8, u8, u8)) -> RGBColor {
    RGBColor(r, g, b)
}

fn draw_error(chart: &str) -> impl Fn(&dyn std::fmt::Display) -> ReportError + '_ {
    move |e| ReportError::Draw {
        chart: chart.to_string(),
        reason: e.to_string(),
    }
}

/// Text escaped for XML character data and attribute values.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The SVG with an accessible name and description: `role="img"`,
/// `aria-labelledby` naming its `<title>` and `<desc>`, which are inserted
/// as its first children; its size left to the page's style sheet.
pub(crate) fn accessible(svg: &str, id: &str, title: &str, desc: &str) -> String {
    let body = svg.trim_start_matches(|c: char| c != '<');
    let Some(open_end) = body.find('>') else {
        return svg.to_string();
    };
    let (open, rest) = body.split_at(open_end);
    // `width`/`height` go: the viewBox keeps the proportions and CSS the size.
    let open = open
        .split(' ')
        .filter(|part| !part.starts_with("width=") && !part.starts_with("height="))
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "{open} id=\"{id}\" class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>{}",
        xml_escape(title),
        xml_escape(desc),
        &rest[1..]
    )
}

/// One bar per cluster (and one for rows in no cluster): its rows.
pub(crate) fn sizes(bars: &[(String, usize, Option<usize>)]) -> Result<String, ReportError> {
    let err = draw_error("cluster sizes");
    let m = bars.len().max(1);
    let top = bars.iter().map(|b| b.1).max().unwrap_or(1).max(1);
    let width = (160 + 70 * m as u32).clamp(420, 900);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(60)
            .build_cartesian_2d((0..m).into_segmented(), 0..(top + top / 8 + 1))
            .map_err(|e| err(&e))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .y_desc("rows")
            .x_labels(m)
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                    bars.get(*i).map_or_else(String::new, |b| b.0.clone())
                }
                SegmentValue::Last => String::new(),
            })
            .label_style(("sans-serif", 14))
            .axis_desc_style(("sans-serif", 14))
            .draw()
            .map_err(|e| err(&e))?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, (_, size, c))| {
                let (colour, _) = style_of(*c);
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), 0),
                        (SegmentValue::Exact(i + 1), *size),
                    ],
                    rgb(colour).filled(),
                );
                bar.set_margin(0, 0, 8, 8);
                bar
            }))
            .map_err(|e| err(&e))?;
        let label = TextStyle::from(("sans-serif", 14).into_font())
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        chart
            .draw_series(bars.iter().enumerate().map(|(i, (_, size, _))| {
                Text::new(
                    format!("{size}"),
                    (SegmentValue::CenterOf(i), *size),
                    label.clone(),
                )
            }))
            .map_err(|e| err(&e))?;
        root.present().map_err(|e| err(&e))?;
    }
    Ok(svg)
}

/// What the scatter draws.
pub(crate) struct ScatterInput<'a> {
    pub model: &'a PolytopeModel,
    pub x: ArrayView2<'a, f64>,
    pub segments: &'a [Option<usize>],
    /// Rows drawn (all, or a sample).
    pub rows: &'a [usize],
    pub columns: (usize, usize),
}

/// A scatter of two features in original units, one colour and marker per
/// cluster (rows in no cluster as black crosses), with the boundaries of
/// every condition on these two features alone. Returns the SVG and the
/// number of boundary segments drawn.
pub(crate) fn scatter(input: &ScatterInput) -> Result<(String, usize), ReportError> {
    let err = draw_error("scatter");
    let model = input.model;
    let (a, b) = input.columns;
    let ca = &model.map.columns[a];
    let cb = &model.map.columns[b];
    let orig = |u: f64, v: f64| (ca.unscale(u), cb.unscale(v));
    let range = |c: &FeatureColumn| {
        let (lo, hi) = (c.unscale(0.0), c.unscale(1.0));
        let pad = ((hi - lo) * 0.04).max(1e-9);
        (lo - pad)..(hi + pad)
    };
    let k = model.k();
    let mut svg = String::new();
    let mut lines = 0;
    {
        let root = SVGBackend::with_string(&mut svg, (760, 600)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .margin(14)
            .x_label_area_size(46)
            .y_label_area_size(70)
            .build_cartesian_2d(range(ca), range(cb))
            .map_err(|e| err(&e))?;
        chart
            .configure_mesh()
            .x_desc(ca.name())
            .y_desc(cb.name())
            .label_style(("sans-serif", 14))
            .axis_desc_style(("sans-serif", 15))
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(225, 225, 230))
            .draw()
            .map_err(|e| err(&e))?;
        let mut groups: Vec<Vec<(f64, f64)>> = vec![Vec::new(); k + 1];
        for &r in input.rows {
            let row = input.x.row(r);
            groups[input.segments[r].unwrap_or(k)].push(orig(row[a], row[b]));
        }
        for (g, points) in groups.into_iter().enumerate() {
            let c = (g < k).then_some(g);
            if points.is_empty() && c.is_none() {
                continue;
            }
            let name = c.map_or_else(|| "no cluster".to_string(), |c| format!("cluster {c}"));
            draw_markers(&mut chart, points, c, &name).map_err(|e| err(&e))?;
        }
        for p in &model.polytopes[..k] {
            let colour = rgb(style_of(Some(p.cluster)).0);
            for h in 0..p.halfspaces.len() {
                if let Some([s, t]) = boundary_segment(model, p.cluster, h, a, b) {
                    lines += 1;
                    chart
                        .draw_series(LineSeries::new(
                            [orig(s.0, s.1), orig(t.0, t.1)],
                            colour.stroke_width(3),
                        ))
                        .map_err(|e| err(&e))?;
                }
            }
        }
        root.present().map_err(|e| err(&e))?;
    }
    Ok((svg, lines))
}

type Chart2d<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

fn draw_markers<'a, 'b: 'a>(
    chart: &mut Chart2d<'a, 'b>,
    points: Vec<(f64, f64)>,
    c: Option<usize>,
    name: &str,
) -> Result<(), DrawingAreaErrorKind<<SVGBackend<'b> as DrawingBackend>::ErrorType>> {
    let (colour, shape) = style_of(c);
    let colour = rgb(colour);
    let fill = colour.mix(0.7).filled();
    let solid = colour.filled();
    match shape {
        Shape::Circle => chart
            .draw_series(points.into_iter().map(|p| Circle::new(p, 3, fill)))?
            .label(name)
            .legend(move |p| Circle::new(p, 5, solid)),
        Shape::Triangle => chart
            .draw_series(points.into_iter().map(|p| TriangleMarker::new(p, 4, fill)))?
            .label(name)
            .legend(move |p| TriangleMarker::new(p, 6, solid)),
        Shape::Square => chart
            .draw_series(
                points
                    .into_iter()
                    .map(|p| EmptyElement::at(p) + Rectangle::new([(-3, -3), (3, 3)], fill)),
            )?
            .label(name)
            .legend(move |p| EmptyElement::at(p) + Rectangle::new([(-5, -5), (5, 5)], solid)),
        Shape::Cross => chart
            .draw_series(
                points
                    .into_iter()
                    .map(|p| Cross::new(p, 4, colour.stroke_width(2))),
            )?
            .label(name)
            .legend(move |p| Cross::new(p, 5, colour.stroke_width(2))),
    };
    Ok(())
}

/// One point of the choice of k.
pub(crate) struct KPoint {
    pub k: usize,
    pub value: f64,
    /// Whether the run met the minimum cluster size.
    pub meets: bool,
}

/// A line over k of `points` (silhouette, or rows of the smallest cluster),
/// points whose run missed the minimum cluster size marked apart; `whole`:
/// the values are counts.
pub(crate) fn k_line(
    points: &[KPoint],
    y_desc: &str,
    chart_name: &str,
    whole: bool,
) -> Result<String, ReportError> {
    let err = draw_error(chart_name);
    let (k_lo, k_hi) = (
        points.iter().map(|p| p.k).min().unwrap_or(2) as i32,
        points.iter().map(|p| p.k).max().unwrap_or(2) as i32,
    );
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.value), b.max(p.value))
        });
    let (lo, hi) = if lo.is_finite() {
        let pad = ((hi - lo) * 0.12).max(hi.abs() * 0.02).max(1e-3);
        (lo - pad, hi + pad)
    } else {
        (0.0, 1.0)
    };
    let mut svg = String::new();
    {
        let root: DrawingArea<SVGBackend, Shift> =
            SVGBackend::with_string(&mut svg, (460, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d((k_lo - 1)..(k_hi + 1), lo..hi)
            .map_err(|e| err(&e))?;
        chart
            .configure_mesh()
            .x_desc("initial k")
            .y_desc(y_desc)
            .x_labels((k_hi - k_lo + 3) as usize)
            .x_label_formatter(&|v| {
                if (k_lo..=k_hi).contains(v) {
                    v.to_string()
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|v| {
                if whole {
                    format!("{v:.0}")
                } else {
                    format!("{v:.3}")
                }
            })
            .label_style(("sans-serif", 14))
            .axis_desc_style(("sans-serif", 14))
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(225, 225, 230))
            .draw()
            .map_err(|e| err(&e))?;
        let blue = rgb(PALETTE[0]);
        let vermillion = rgb(PALETTE[3]);
        chart
            .draw_series(LineSeries::new(
                points.iter().map(|p| (p.k as i32, p.value)),
                blue.stroke_width(2),
            ))
            .map_err(|e| err(&e))?;
        chart
            .draw_series(
                points
                    .iter()
                    .filter(|p| p.meets)
                    .map(|p| Circle::new((p.k as i32, p.value), 5, blue.filled())),
            )
            .map_err(|e| err(&e))?;
        if points.iter().any(|p| !p.meets) {
            chart
                .draw_series(
                    points.iter().filter(|p| !p.meets).map(|p| {
                        TriangleMarker::new((p.k as i32, p.value), 6, vermillion.filled())
                    }),
                )
                .map_err(|e| err(&e))?
                .label("below the minimum cluster size")
                .legend(move |p| TriangleMarker::new(p, 6, vermillion.filled()));
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::LowerRight)
                .label_font(("sans-serif", 13))
                .background_style(WHITE.mix(0.85))
                .border_style(RGBColor(120, 120, 120))
                .draw()
                .map_err(|e| err(&e))?;
        }
        root.present().map_err(|e| err(&e))?;
    }
    Ok(svg)
}
