//! The summary: a table of labelled figures (rows, features, clusters, rows
//! in no cluster, silhouette, fidelity, ARI and NCA against labels, the
//! explanation's size, the model's settings) and the features the rules read.

use super::context::Context;
use crate::hyperplane::Coefficients;
use crate::metrics;
use crate::report::format::count;
use crate::report::inputs::Silhouette;
use serde::Serialize;

/// One row of a table of labelled figures.
#[derive(Serialize)]
pub(super) struct Figure {
    label: String,
    value: String,
    note: String,
}

/// The summary's figures, in the page's order; ARI and NCA when the
/// report has reference labels (`truth`: them and their column).
pub(super) fn summary_figures(ctx: &Context, truth: Option<(&[usize], &str)>) -> Vec<Figure> {
    let mut figures = vec![
        rows_figure(ctx),
        features_figure(ctx),
        clusters_figure(ctx),
        outliers_figure(ctx),
        silhouette_figure(&ctx.silhouette),
        fidelity_figure(ctx),
    ];
    if let Some((truth, column)) = truth {
        figures.extend(truth_figures(ctx, truth, column));
    }
    figures.push(explanation_figure(ctx));
    figures.push(model_figure(ctx));
    figures
}

/// The features the conditions read, by index.
fn used_features(ctx: &Context) -> Vec<usize> {
    (0..ctx.ds.d()).filter(|&j| ctx.size.uses[j] > 0).collect()
}

/// The names of the features the conditions read.
pub(super) fn features_used(ctx: &Context) -> Vec<String> {
    used_features(ctx)
        .iter()
        .map(|&j| ctx.model.map.columns[j].name())
        .collect()
}

fn rows_figure(ctx: &Context) -> Figure {
    let dropped = ctx.ds.dropped_rows;
    Figure {
        label: "Rows".into(),
        value: count(ctx.n),
        note: if dropped > 0 {
            format!("{} rows with a missing cell were left out", count(dropped))
        } else {
            String::new()
        },
    }
}

fn features_figure(ctx: &Context) -> Figure {
    let map = &ctx.model.map;
    let mut note = format!("from {} input columns", count(map.sources().len()));
    let cats = &map.categorical_sources;
    if !cats.is_empty() {
        note.push_str(&format!(
            "; categories of {} as one feature per value",
            cats.join(", ")
        ));
    }
    Figure {
        label: "Features".into(),
        value: count(ctx.ds.d()),
        note,
    }
}

fn clusters_figure(ctx: &Context) -> Figure {
    let smallest = ctx.members[..ctx.k].iter().map(Vec::len).min().unwrap_or(0);
    Figure {
        label: "Clusters".into(),
        value: ctx.k.to_string(),
        note: format!("smallest {} rows", count(smallest)),
    }
}

fn outliers_figure(ctx: &Context) -> Figure {
    let outliers = ctx.outliers();
    Figure {
        label: "Rows in no cluster".into(),
        value: count(outliers),
        note: if ctx.model.outliers.is_some() {
            format!(
                "{} of the rows: outliers, set apart by the model's outlier rule",
                ctx.share(outliers)
            )
        } else {
            "the model sets no outliers apart: every row belongs to a cluster".into()
        },
    }
}

/// The silhouette: exact, estimated with its standard error, or undefined.
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

fn fidelity_figure(ctx: &Context) -> Figure {
    Figure {
        label: "Fidelity".into(),
        value: format!("{:.4}", ctx.fidelity),
        note: format!(
            "share of rows inside their own cluster's polytope; {} rows in none went to the nearest cluster centre",
            count(ctx.uncovered)
        ),
    }
}

/// ARI and NCA against the labels `truth` of `column`, the rows in no
/// cluster as one group.
fn truth_figures(ctx: &Context, truth: &[usize], column: &str) -> [Figure; 2] {
    let k = ctx.k;
    let with_outliers: Vec<usize> = ctx.segments.iter().map(|s| s.unwrap_or(k)).collect();
    let ari = metrics::adjusted_rand_index(&with_outliers, truth);
    let nca = metrics::normalized_clustering_accuracy(truth, &with_outliers);
    [
        Figure {
            label: "ARI".into(),
            value: format!("{ari:.4}"),
            note: format!("adjusted Rand index against the labels in '{column}' (1: the same partition, 0: chance; rows in no cluster form one group)"),
        },
        Figure {
            label: "NCA".into(),
            value: if nca.is_finite() { format!("{nca:.4}") } else { "—".into() },
            note: format!("normalised clustering accuracy against '{column}': mean recall of the label classes under the best matching of clusters to classes, 0 at chance, 1 when every class is one cluster; rows in no cluster form one group"),
        },
    ]
}

fn explanation_figure(ctx: &Context) -> Figure {
    let size = &ctx.size;
    Figure {
        label: "Explanation".into(),
        value: format!(
            "{} conditions, {} terms, {} of {} features",
            size.conditions,
            size.terms,
            used_features(ctx).len(),
            ctx.ds.d()
        ),
        note: "conditions: half-spaces after redundancy removal; terms: their non-zero coefficients; features: those the conditions read".into(),
    }
}

fn model_figure(ctx: &Context) -> Figure {
    let st = &ctx.model.settings;
    Figure {
        label: "Model".into(),
        value: match st.coefficients {
            Coefficients::Integer => format!("M = {}, β = {}", st.m, st.beta),
            Coefficients::General => format!("real coefficients, β = {}", st.beta),
        },
        note: format!(
            "each condition has at most β non-zero coefficients, integers up to M in size; minimum cluster size {} rows",
            count(st.min_cluster_size)
        ),
    }
}
