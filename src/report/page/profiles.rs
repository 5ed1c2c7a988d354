//! The profiles of the cluster cards and the outliers' card: for each
//! feature that sets a group apart, the group's and every row's median and
//! quartiles (numbers) or shares (categories), in original units.

use super::context::Context;
use crate::report::figures::{self, ProfileEntry};
use crate::report::format::{percent, short, unscaled};
use crate::report::options::ReportOptions;
use rayon::prelude::*;
use serde::Serialize;

/// A feature of a cluster's profile, formatted.
#[derive(Serialize)]
pub(super) struct ProfileRow {
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

/// The profile of every cluster in order, then of the rows in no cluster
/// when there are any: which features each shows, then the quartiles of
/// every row for the numeric ones shown.
pub(super) fn profiles(ctx: &Context, options: &ReportOptions) -> Vec<Vec<ProfileRow>> {
    let k = ctx.k;
    let groups: Vec<usize> = (0..k).chain((ctx.outliers() > 0).then_some(k)).collect();
    let entries: Vec<Vec<ProfileEntry>> = groups
        .iter()
        .map(|&g| figures::distinguishing(ctx.model, &ctx.moments, g, options.profile_features))
        .collect();
    let all_quartiles = all_quartiles(ctx, &entries);
    groups
        .iter()
        .zip(&entries)
        .map(|(&g, e)| profile(ctx, g, e, &all_quartiles))
        .collect()
}

/// Quartiles of every row of each numeric feature some profile shows
/// (`None` for the others).
fn all_quartiles(ctx: &Context, entries: &[Vec<ProfileEntry>]) -> Vec<Option<[f64; 3]>> {
    let d = ctx.ds.d();
    let mut shown = vec![false; d];
    entries
        .iter()
        .flatten()
        .for_each(|e| shown[e.feature] = true);
    (0..d)
        .into_par_iter()
        .map(|j| {
            (shown[j] && !figures::is_indicator(&ctx.model.map.columns[j])).then(|| {
                let mut column = ctx.x.column(j).to_vec();
                figures::quartiles(&mut column)
            })
        })
        .collect()
}

/// The profile of group `g` (a cluster, or `k` for the outliers) on the
/// features `entries`.
fn profile(
    ctx: &Context,
    g: usize,
    entries: &[ProfileEntry],
    all_quartiles: &[Option<[f64; 3]>],
) -> Vec<ProfileRow> {
    entries
        .par_iter()
        .map(|e| {
            if figures::is_indicator(&ctx.model.map.columns[e.feature]) {
                category_row(ctx, g, e)
            } else {
                number_row(ctx, g, e, all_quartiles[e.feature])
            }
        })
        .collect()
}

/// A category's row: its share in the group and among every row.
fn category_row(ctx: &Context, g: usize, e: &ProfileEntry) -> ProfileRow {
    let j = e.feature;
    let (c_share, all_share) = (ctx.moments.mean[g][j], ctx.moments.mean_all[j]);
    ProfileRow {
        feature: ctx.model.map.columns[j].name(),
        in_rule: e.in_rule,
        category: true,
        cluster: percent(c_share),
        all: percent(all_share),
        all_lo: 0.0,
        all_hi: 100.0 * all_share,
        c_lo: 0.0,
        c_hi: 100.0 * c_share,
        c_mid: 100.0 * c_share,
    }
}

/// A number's row: its median and quartiles in the group and among every
/// row, in original units.
fn number_row(
    ctx: &Context,
    g: usize,
    e: &ProfileEntry,
    all_quartiles: Option<[f64; 3]>,
) -> ProfileRow {
    let j = e.feature;
    let column = &ctx.model.map.columns[j];
    let mut values: Vec<f64> = ctx.members[g].iter().map(|&t| ctx.x[[t, j]]).collect();
    let [q1, q2, q3] = figures::quartiles(&mut values);
    let [a1, a2, a3] = all_quartiles.unwrap_or([f64::NAN; 3]);
    let u = |v: f64| short(unscaled(column, v));
    let pos = |v: f64| (100.0 * v).clamp(0.0, 100.0);
    ProfileRow {
        feature: column.name(),
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
}
