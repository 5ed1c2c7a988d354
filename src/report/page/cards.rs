//! The cluster cards (size and share, silhouette, the rule in words, the
//! profile, the nearest cluster) and the card of the rows in no cluster.

use super::context::Context;
use super::profiles::ProfileRow;
use crate::explain;
use crate::mpc::{HalfSpace, OUTLIER_MULTIPLE};
use crate::report::charts::{self, hex, style_of};
use crate::report::figures;
use crate::report::format::{count, short};
use serde::Serialize;

/// The cluster nearest a card's.
#[derive(Serialize)]
struct Nearest {
    name: String,
    distance: String,
    boundary: Option<String>,
}

/// One cluster's card.
#[derive(Serialize)]
pub(super) struct Card {
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

/// The card of the rows in no cluster.
#[derive(Serialize)]
pub(super) struct OutlierCard {
    size: String,
    share: String,
    colour: String,
    rule: String,
    first_rows: String,
    profile: Vec<ProfileRow>,
}

/// The conditions of a rule in words, without those every row meets
/// (`TRUE`), which say nothing to a reader.
fn conditions(ctx: &Context, hs: &[HalfSpace]) -> Vec<String> {
    hs.iter()
        .map(|h| explain::halfspace_text(ctx.model, h))
        .filter(|t| t != "TRUE")
        .collect()
}

/// A card per cluster, in order, each with the next of `profiles`.
pub(super) fn cluster_cards(
    ctx: &Context,
    profiles: &mut impl Iterator<Item = Vec<ProfileRow>>,
) -> Vec<Card> {
    (0..ctx.k)
        .map(|c| cluster_card(ctx, c, profiles.next().unwrap_or_default()))
        .collect()
}

/// The card of cluster `c`.
fn cluster_card(ctx: &Context, c: usize, profile: Vec<ProfileRow>) -> Card {
    let model = ctx.model;
    let rows = ctx.members[c].len();
    let (colour, shape) = style_of(Some(c));
    let extensions = model
        .extensions()
        .iter()
        .filter(|e| e.cluster == c)
        .map(|e| (count(e.size), conditions(ctx, &e.halfspaces)))
        .collect();
    let outlier_rule = model.outliers.as_ref().map(|rule| {
        format!(
            "a row of this cluster farther than {} (scaled units) from the cluster's centre belongs to no cluster",
            short(rule.radii[c])
        )
    });
    Card {
        id: format!("cluster-{c}"),
        name: format!("Cluster {c}"),
        colour: hex(colour),
        shape,
        size: count(rows),
        share: ctx.share(rows),
        silhouette: ctx
            .silhouette
            .per_cluster
            .get(c)
            .copied()
            .flatten()
            .map_or("—".into(), |s| format!("{s:.3}")),
        conditions: conditions(ctx, &model.polytopes[c].halfspaces),
        extensions,
        outlier_rule,
        profile,
        nearest: figures::nearest(model, c).map(|(o, dist, boundary)| Nearest {
            name: format!("Cluster {o}"),
            distance: short(dist),
            boundary,
        }),
    }
}

/// The card of the rows in no cluster, when there are any, with the next
/// of `profiles`: how many, the rule that set them apart, the first rows.
pub(super) fn outlier_card(
    ctx: &Context,
    profiles: &mut impl Iterator<Item = Vec<ProfileRow>>,
) -> Option<OutlierCard> {
    let outliers = ctx.outliers();
    if outliers == 0 {
        return None;
    }
    let first: Vec<String> = ctx.members[ctx.k]
        .iter()
        .take(20)
        .map(|&t| ctx.ds.row_index.get(t).copied().unwrap_or(t).to_string())
        .collect();
    Some(OutlierCard {
        size: count(outliers),
        share: ctx.share(outliers),
        colour: hex(charts::NO_CLUSTER),
        rule: match &ctx.model.outliers {
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
    })
}
