//! The page: the figures arranged for the template (`report.html`), and
//! the template rendered with minijinja (auto-escaping every value but the
//! charts' SVG, which plotters wrote).

use super::charts::{self, KPoint, ScatterInput};
use super::figures::{self, ProfileEntry};
use super::{
    count, decide, distinguishing, explanation_size, hex, moments, nearest, percent, plot_rows,
    quartiles, short, style_of, unscaled, Report, ReportError, ReportOptions, Silhouette,
};
use crate::explain;
use crate::mpc::{PolytopeModel, OUTLIER_MULTIPLE};
use rayon::prelude::*;
use serde::Serialize;

const TEMPLATE: &str = include_str!("report.html");
const TABLE_TEMPLATE: &str = include_str!("clusters_table.html");

/// One row of a table of labelled figures.
#[derive(Serialize)]
struct Figure {
    label: String,
    value: String,
    note: String,
}

/// A feature of a cluster's profile, formatted.
#[derive(Serialize)]
struct ProfileRow {
    feature: String,
    in_rule: bool,
    category: bool,
    cluster: String,
    all: String,
    /// Positions on the feature's range, in percent: the rows' quartiles
    /// (or shares) for the bar beside the numbers.
    all_lo: f64,
    all_hi: f64,
    c_lo: f64,
    c_hi: f64,
    c_mid: f64,
}

#[derive(Serialize)]
struct Nearest {
    name: String,
    distance: String,
    boundary: Option<String>,
}

#[derive(Serialize)]
struct Card {
    id: String,
    name: String,
    colour: String,
    shape: charts::Shape,
    size: String,
    share: String,
    silhouette: String,
    conditions: Vec<String>,
    extensions: Vec<(String, Vec<String>)>,
    outlier_rule: Option<String>,
    profile: Vec<ProfileRow>,
    nearest: Option<Nearest>,
}

#[derive(Serialize)]
struct OutlierCard {
    size: String,
    share: String,
    colour: String,
    rule: String,
    first_rows: String,
    profile: Vec<ProfileRow>,
}

#[derive(Serialize)]
struct Chart {
    id: String,
    svg: String,
    caption: String,
}

#[derive(Serialize)]
struct Scatter {
    chart: Chart,
    x: String,
    y: String,
    drawn: String,
    total: String,
    sampled: bool,
    lines: usize,
    counts: Vec<(String, String, String, charts::Shape)>,
    planar_only: bool,
}

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

#[derive(Serialize)]
struct KStudy {
    silhouette: Chart,
    smallest: Chart,
    rows: Vec<KRow>,
    chosen_k: usize,
}

#[derive(Serialize)]
struct SizeRow {
    name: String,
    rows: String,
    share: String,
}

#[derive(Serialize)]
pub(super) struct Page {
    title: String,
    name: String,
    version: &'static str,
    n: String,
    k: usize,
    lede_outliers: Option<String>,
    figures: Vec<Figure>,
    features_used: Vec<String>,
    command: Option<String>,
    sizes: Chart,
    size_rows: Vec<SizeRow>,
    cards: Vec<Card>,
    outliers: Option<OutlierCard>,
    scatter: Option<Scatter>,
    scatter_note: Option<String>,
    k_study: Option<KStudy>,
    sql: String,
    dialect: &'static str,
    scaled_units: Vec<String>,
    charts: usize,
    outlier_rows: usize,
    has_extensions: bool,
    has_truth: bool,
}

/// The profile of group `g` (a cluster, or `k` for the outliers): for each
/// feature shown, the group's and every row's median and quartiles
/// (numbers) or shares (categories), in original units.
fn profile(
    model: &PolytopeModel,
    x: ndarray::ArrayView2<f64>,
    members: &[usize],
    entries: &[ProfileEntry],
    all_quartiles: &[Option<[f64; 3]>],
    moments: &figures::Moments,
    g: usize,
) -> Vec<ProfileRow> {
    entries
        .par_iter()
        .map(|e| {
            let j = e.feature;
            let column = &model.map.columns[j];
            let name = column.name();
            if figures::is_indicator(column) {
                let (c_share, all_share) = (moments.mean[g][j], moments.mean_all[j]);
                return ProfileRow {
                    feature: name,
                    in_rule: e.in_rule,
                    category: true,
                    cluster: percent(c_share),
                    all: percent(all_share),
                    all_lo: 0.0,
                    all_hi: 100.0 * all_share,
                    c_lo: 0.0,
                    c_hi: 100.0 * c_share,
                    c_mid: 100.0 * c_share,
                };
            }
            let mut values: Vec<f64> = members.iter().map(|&t| x[[t, j]]).collect();
            let [q1, q2, q3] = quartiles(&mut values);
            let [a1, a2, a3] = all_quartiles[j].unwrap_or([f64::NAN; 3]);
            let u = |v: f64| short(unscaled(column, v));
            let pos = |v: f64| (100.0 * v).clamp(0.0, 100.0);
            ProfileRow {
                feature: name,
                in_rule: e.in_rule,
                category: false,
                cluster: format!("{} ({}–{})", u(q2), u(q1), u(q3)),
                all: format!("{} ({}–{})", u(a2), u(a1), u(a3)),
                all_lo: pos(a1),
                all_hi: pos(a3),
                c_lo: pos(q1),
                c_hi: pos(q3),
                c_mid: pos(q2),
            }
        })
        .collect()
}

fn silhouette_figure(s: &Silhouette) -> Figure {
    match (s.value, s.exact) {
        (None, _) => Figure {
            label: "Silhouette".into(),
            value: "undefined".into(),
            note: "needs two clusters with rows".into(),
        },
        (Some(v), true) => Figure {
            label: "Silhouette".into(),
            value: format!("{v:.4}"),
            note: "exact, over the rows in a cluster; from −1 to 1, higher when rows lie closer to their own cluster than to the next".into(),
        },
        (Some(v), false) => Figure {
            label: "Silhouette".into(),
            value: format!(
                "{v:.4} ± {}",
                s.standard_error.map_or("?".into(), |se| format!("{se:.4}"))
            ),
            note: format!(
                "estimated: mean of {} samples of {} rows, ± its standard error; per-cluster values from one sample; from −1 to 1, higher is better",
                s.repeats,
                count(s.sample_size)
            ),
        },
    }
}

pub(super) fn build(report: &Report, options: &ReportOptions) -> Result<Page, ReportError> {
    let model = report.model;
    let ds = report.data;
    let x = ds.x.view();
    let n = ds.n();
    let k = model.k();
    // The rows' clusters: the fit's, or decided by the model's rule.
    let computed;
    let (segments, uncovered, fidelity, silhouette) = match &report.fit {
        Some(f) => (
            f.segments.as_slice(),
            f.uncovered,
            f.fidelity,
            f.silhouette.clone(),
        ),
        None => {
            computed = decide(model, x);
            let (segments, uncovered) = (&computed.0, computed.1);
            let silhouette = figures::silhouette(
                x,
                segments,
                k,
                options.sample_size,
                crate::mpc::ESTIMATE_REPEATS,
                options.seed,
            );
            (
                segments.as_slice(),
                uncovered,
                1.0 - uncovered as f64 / n.max(1) as f64,
                silhouette,
            )
        }
    };
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k + 1];
    for (t, s) in segments.iter().enumerate() {
        members[s.unwrap_or(k)].push(t);
    }
    let outliers = members[k].len();
    let moments = moments(x, segments, k);
    let size = explanation_size(model);

    // Profiles: which features, then the quartiles of every row for those.
    let groups: Vec<usize> = (0..k).chain((outliers > 0).then_some(k)).collect();
    let entries: Vec<Vec<ProfileEntry>> = groups
        .iter()
        .map(|&g| distinguishing(model, &moments, g, options.profile_features))
        .collect();
    let mut shown = vec![false; ds.d()];
    entries
        .iter()
        .flatten()
        .for_each(|e| shown[e.feature] = true);
    let all_quartiles: Vec<Option<[f64; 3]>> = (0..ds.d())
        .into_par_iter()
        .map(|j| {
            (shown[j] && !figures::is_indicator(&model.map.columns[j])).then(|| {
                let mut column = x.column(j).to_vec();
                quartiles(&mut column)
            })
        })
        .collect();
    let profiles: Vec<Vec<ProfileRow>> = groups
        .iter()
        .zip(&entries)
        .map(|(&g, e)| profile(model, x, &members[g], e, &all_quartiles, &moments, g))
        .collect();
    let mut profiles = profiles.into_iter();

    // Cluster cards.
    // A condition every row meets (`TRUE`) says nothing to a reader.
    let conditions = |hs: &[crate::mpc::HalfSpace]| -> Vec<String> {
        hs.iter()
            .map(|h| explain::halfspace_text(model, h))
            .filter(|t| t != "TRUE")
            .collect()
    };
    let mut cards = Vec::with_capacity(k);
    for (c, rows) in members.iter().enumerate().take(k) {
        let p = &model.polytopes[c];
        let (colour, shape) = style_of(Some(c));
        let extensions = model
            .extensions()
            .iter()
            .filter(|e| e.cluster == c)
            .map(|e| (count(e.size), conditions(&e.halfspaces)))
            .collect();
        let outlier_rule = model.outliers.as_ref().map(|rule| {
            format!(
                "a row of this cluster farther than {} (scaled units) from the cluster's centre belongs to no cluster",
                short(rule.radii[c])
            )
        });
        cards.push(Card {
            id: format!("cluster-{c}"),
            name: format!("Cluster {c}"),
            colour: hex(colour),
            shape,
            size: count(rows.len()),
            share: percent(rows.len() as f64 / n.max(1) as f64),
            silhouette: silhouette
                .per_cluster
                .get(c)
                .copied()
                .flatten()
                .map_or("—".into(), |s| format!("{s:.3}")),
            conditions: conditions(&p.halfspaces),
            extensions,
            outlier_rule,
            profile: profiles.next().unwrap_or_default(),
            nearest: nearest(model, c).map(|(o, dist, boundary)| Nearest {
                name: format!("Cluster {o}"),
                distance: short(dist),
                boundary,
            }),
        });
    }
    let outlier_card = (outliers > 0).then(|| {
        let first: Vec<String> = members[k]
            .iter()
            .take(20)
            .map(|&t| ds.row_index.get(t).copied().unwrap_or(t).to_string())
            .collect();
        OutlierCard {
            size: count(outliers),
            share: percent(outliers as f64 / n.max(1) as f64),
            colour: hex(charts::NO_CLUSTER),
            rule: match &model.outliers {
                Some(rule) => format!(
                    "A row is set apart when it lies farther from its cluster's centre than that cluster's radius: the median distance of its rows plus {} robust standard deviations ({} by default).",
                    short(rule.multiple),
                    short(OUTLIER_MULTIPLE)
                ),
                None => "These rows were given no cluster.".into(),
            },
            first_rows: format!(
                "{}{}",
                first.join(", "),
                if outliers > first.len() { ", …" } else { "" }
            ),
            profile: profiles.next().unwrap_or_default(),
        }
    });

    // Summary figures.
    let mut figures_table = vec![
        Figure {
            label: "Rows".into(),
            value: count(n),
            note: if ds.dropped_rows > 0 {
                format!(
                    "{} rows with a missing cell were left out",
                    count(ds.dropped_rows)
                )
            } else {
                String::new()
            },
        },
        Figure {
            label: "Features".into(),
            value: count(ds.d()),
            note: {
                let sources = model.map.sources().len();
                let cats = &model.map.categorical_sources;
                let mut note = format!("from {} input columns", count(sources));
                if !cats.is_empty() {
                    note.push_str(&format!(
                        "; categories of {} as one feature per value",
                        cats.join(", ")
                    ));
                }
                note
            },
        },
        Figure {
            label: "Clusters".into(),
            value: k.to_string(),
            note: format!("smallest {} rows", count(members[..k].iter().map(Vec::len).min().unwrap_or(0))),
        },
        Figure {
            label: "Rows in no cluster".into(),
            value: count(outliers),
            note: if model.outliers.is_some() {
                format!("{} of the rows: outliers, set apart by the model's outlier rule", percent(outliers as f64 / n.max(1) as f64))
            } else {
                "the model sets no outliers apart: every row belongs to a cluster".into()
            },
        },
        silhouette_figure(&silhouette),
        Figure {
            label: "Fidelity".into(),
            value: format!("{fidelity:.4}"),
            note: format!(
                "share of rows inside their own cluster's polytope; {} rows in none went to the nearest cluster centre",
                count(uncovered)
            ),
        },
    ];
    if let Some((truth, column)) = &report.truth {
        let with_outliers: Vec<usize> = segments.iter().map(|s| s.unwrap_or(k)).collect();
        let ari = crate::metrics::adjusted_rand_index(&with_outliers, truth);
        figures_table.push(Figure {
            label: "ARI".into(),
            value: format!("{ari:.4}"),
            note: format!("adjusted Rand index against the labels in '{column}' (1: the same partition, 0: chance; rows in no cluster form one group)"),
        });
        let nca = crate::metrics::normalized_clustering_accuracy(truth, &with_outliers);
        figures_table.push(Figure {
            label: "NCA".into(),
            value: if nca.is_finite() { format!("{nca:.4}") } else { "—".into() },
            note: format!("normalised clustering accuracy against '{column}': mean recall of the label classes under the best matching of clusters to classes, 0 at chance, 1 when every class is one cluster; rows in no cluster form one group"),
        });
    }
    let used: Vec<usize> = (0..ds.d()).filter(|&j| size.uses[j] > 0).collect();
    let features_used: Vec<String> = used.iter().map(|&j| model.map.columns[j].name()).collect();
    figures_table.push(Figure {
        label: "Explanation".into(),
        value: format!(
            "{} conditions, {} terms, {} of {} features",
            size.conditions,
            size.terms,
            used.len(),
            ds.d()
        ),
        note: "conditions: half-spaces after redundancy removal; terms: their non-zero coefficients; features: those the conditions read".into(),
    });
    let st = &model.settings;
    figures_table.push(Figure {
        label: "Model".into(),
        value: match st.coefficients {
            crate::hyperplane::Coefficients::Integer => format!("M = {}, β = {}", st.m, st.beta),
            crate::hyperplane::Coefficients::General => format!("real coefficients, β = {}", st.beta),
        },
        note: format!(
            "each condition has at most β non-zero coefficients, integers up to M in size; minimum cluster size {} rows",
            count(st.min_cluster_size)
        ),
    });

    // Sizes chart.
    let mut bars: Vec<(String, usize, Option<usize>)> = (0..k)
        .map(|c| (format!("{c}"), members[c].len(), Some(c)))
        .collect();
    if outliers > 0 {
        bars.push(("none".into(), outliers, None));
    }
    let size_rows: Vec<SizeRow> = bars
        .iter()
        .map(|(_, rows, c)| SizeRow {
            name: c.map_or("No cluster".into(), |c| format!("Cluster {c}")),
            rows: count(*rows),
            share: percent(*rows as f64 / n.max(1) as f64),
        })
        .collect();
    let sizes_desc = size_rows
        .iter()
        .map(|r| format!("{}: {} rows ({})", r.name, r.rows, r.share))
        .collect::<Vec<_>>()
        .join("; ");
    let sizes_svg = charts::sizes(&bars)?;
    let sizes = Chart {
        id: "chart-sizes".into(),
        svg: charts::accessible(
            &sizes_svg,
            "chart-sizes",
            &format!("Rows per cluster, {k} clusters"),
            &sizes_desc,
        ),
        caption: "Rows per cluster (bar labels: cluster id; \"none\": rows in no cluster). The same numbers are in the table beside it.".into(),
    };

    // Scatter.
    let (scatter, scatter_note) = match figures::scatter_columns(
        model,
        options.columns.as_ref(),
        &size.uses,
        &moments.sd_all,
    )? {
        None => (
            None,
            Some("The data have one feature: there is no pair of features to plot.".to_string()),
        ),
        Some((a, b)) => {
            let rows = plot_rows(n, options.plot_rows, options.seed);
            let (svg, lines) = charts::scatter(&ScatterInput {
                model,
                x,
                segments,
                rows: &rows,
                columns: (a, b),
            })?;
            let mut drawn = vec![0usize; k + 1];
            for &r in &rows {
                drawn[segments[r].unwrap_or(k)] += 1;
            }
            let counts: Vec<(String, String, String, charts::Shape)> = (0..=k)
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
                .collect();
            let (xa, yb) = (model.map.columns[a].name(), model.map.columns[b].name());
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
            let planar_only = ds.d() > 2;
            (
                Some(Scatter {
                    chart: Chart {
                        id: "chart-scatter".into(),
                        svg: charts::accessible(&svg, "chart-scatter", &title, &desc),
                        caption: title,
                    },
                    x: xa,
                    y: yb,
                    drawn: count(rows.len()),
                    total: count(n),
                    sampled,
                    lines,
                    counts,
                    planar_only,
                }),
                None,
            )
        }
    };

    // The choice of k.
    let k_study = if report.k_study.len() > 1 {
        let rows = &report.k_study;
        let k_max = rows.iter().map(|r| r.k).max().unwrap_or(k);
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
        let table: Vec<KRow> = rows
            .iter()
            .map(|r| KRow {
                k: r.k,
                seed: r.seed,
                clusters: r.clusters,
                silhouette: r.silhouette.map_or("—".into(), |s| format!("{s:.4}")),
                smallest: count(r.smallest),
                fidelity: format!("{:.4}", r.fidelity),
                meets: r.meets_min_cluster_size,
                reproduce: format!("--k {} --seed {} --k-max {k_max}", r.k, r.seed),
            })
            .collect();
        let describe = |what: &str, points: &[KPoint], fmt: &dyn Fn(f64) -> String| {
            points
                .iter()
                .map(|p| format!("k = {}: {what} {}", p.k, fmt(p.value)))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let sil_svg = charts::k_line(&sil, "silhouette", "silhouette against k", false)?;
        let small_svg = charts::k_line(
            &small,
            "rows of the smallest cluster",
            "smallest cluster against k",
            true,
        )?;
        Some(KStudy {
            silhouette: Chart {
                id: "chart-k-silhouette".into(),
                svg: charts::accessible(
                    &sil_svg,
                    "chart-k-silhouette",
                    "Best silhouette for each initial k",
                    &describe("silhouette", &sil, &|v| format!("{v:.4}")),
                ),
                caption: "Best silhouette for each initial k".into(),
            },
            smallest: Chart {
                id: "chart-k-smallest".into(),
                svg: charts::accessible(
                    &small_svg,
                    "chart-k-smallest",
                    "Rows of the smallest cluster of the best run for each initial k",
                    &describe("smallest cluster", &small, &|v| count(v as usize)),
                ),
                caption: "Rows of the smallest cluster of that run".into(),
            },
            rows: table,
            chosen_k: k,
        })
    } else {
        None
    };

    let title = format!("{}: {k} clusters", ds.name);
    let charts = 1 + usize::from(scatter.is_some()) + 2 * usize::from(k_study.is_some());
    Ok(Page {
        title,
        name: ds.name.clone(),
        version: env!("CARGO_PKG_VERSION"),
        n: count(n),
        k,
        lede_outliers: (outliers > 0).then(|| count(outliers)),
        figures: figures_table,
        features_used,
        command: options.command.clone(),
        sizes,
        size_rows,
        cards,
        outliers: outlier_card,
        scatter,
        scatter_note,
        k_study,
        // Escaped as element text (`&`, `<`, `>`) only: the SQL's many
        // quotes and slashes stay one byte each, and its bytes are most of a
        // wide model's page.
        sql: text_content(&explain::rules_sql(model, options.dialect)),
        dialect: options.dialect.name(),
        scaled_units: explain::scaling_notes(model),
        charts,
        outlier_rows: outliers,
        has_extensions: !model.extensions().is_empty(),
        has_truth: report.truth.is_some(),
    })
}

/// Text escaped for an element's content (not an attribute).
fn text_content(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
        .expect("the default delimiters are valid");
    env.set_syntax(syntax);
    env
}

fn template_error(e: minijinja::Error) -> ReportError {
    ReportError::Template(e.to_string())
}

pub(super) fn render(page: &Page) -> Result<String, ReportError> {
    let mut env = environment();
    env.add_template("report.html", TEMPLATE)
        .map_err(template_error)?;
    env.get_template("report.html")
        .and_then(|t| t.render(minijinja::Value::from(minijinja::value::Serde(page))))
        .map_err(template_error)
}

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

pub(super) fn clusters_table(model: &PolytopeModel) -> Result<String, ReportError> {
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
    let mut env = environment();
    env.add_template("clusters_table.html", TABLE_TEMPLATE)
        .map_err(template_error)?;
    env.get_template("clusters_table.html")
        .and_then(|t| {
            t.render(minijinja::context! {
                rows => minijinja::Value::from(minijinja::value::Serde(&rows)),
                k => model.k(),
                outliers => model.outliers.is_some(),
                features => model.map.columns.len(),
            })
        })
        .map_err(template_error)
}
