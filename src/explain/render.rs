//! Rules as text and JSON.

use crate::data::FeatureColumn;
use crate::hyperplane::Side;
use crate::mpc::PolytopeModel;
use crate::mpc::{ExplanationFeature, HalfSpace};
use serde_json::{json, Value};

/// A number for display: up to 6 significant digits, no trailing zeros.
pub(crate) fn show(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let digits = (6 - 1 - v.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{v:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// Name of column `j` of the explanation space, in scaled units for numeric
/// columns (`x'`), as a condition for indicators (`[x ≥ 5.1]`).
pub fn z_feature_name(model: &PolytopeModel, j: usize) -> String {
    let col = |i: usize| &model.map.columns[i];
    let scaled = |i: usize| match col(i) {
        FeatureColumn::Numeric { .. } => format!("{}'", col(i).name()),
        FeatureColumn::OneHot { .. } => format!("[{}]", col(i).name()),
    };
    match &model.space.features[j] {
        ExplanationFeature::Base { index } => scaled(*index),
        ExplanationFeature::Threshold { index, threshold } => {
            format!(
                "[{} ≥ {}]",
                col(*index).name(),
                show(col(*index).unscale(*threshold))
            )
        }
        ExplanationFeature::Product {
            indices,
            centers,
            scale,
        } => format!(
            "[{}]/{}",
            indices
                .iter()
                .zip(centers)
                .map(|(&i, &c)| format!("({} − {})", scaled(i), show(c)))
                .collect::<Vec<_>>()
                .join("×"),
            show(*scale)
        ),
    }
}

/// Whether `w·z + b` satisfies the side, for a scalar score.
fn holds(side: Side, score: f64) -> bool {
    match side {
        Side::I => score >= 0.0,
        Side::J => score < 0.0,
    }
}

/// One half-space as a readable condition. One feature: original units
/// (`petal_length ≥ 2.45`, `job = admin`); several: a linear form in scaled
/// units (`2·x1' − x2' ≥ 0.31`).
pub fn halfspace_text(model: &PolytopeModel, h: &HalfSpace) -> String {
    let hp = &model.hyperplanes[h.hyperplane].hyperplane;
    let nonzero: Vec<(usize, f64)> =
        hp.w.iter()
            .enumerate()
            .filter(|(_, w)| **w != 0.0)
            .map(|(j, w)| (j, *w))
            .collect();
    if nonzero.is_empty() {
        return if holds(h.side, hp.b) { "TRUE" } else { "FALSE" }.into();
    }
    if let [(j, w)] = nonzero[..] {
        let feature = &model.space.features[j];
        let binary = match feature {
            ExplanationFeature::Base { index } => {
                matches!(model.map.columns[*index], FeatureColumn::OneHot { .. })
            }
            ExplanationFeature::Threshold { .. } => true,
            ExplanationFeature::Product { .. } => false,
        };
        if binary {
            let (at0, at1) = (holds(h.side, hp.b), holds(h.side, hp.b + w));
            let (yes, no) = match feature {
                ExplanationFeature::Base { index } => match &model.map.columns[*index] {
                    FeatureColumn::OneHot { source, value } => {
                        (format!("{source} = {value}"), format!("{source} ≠ {value}"))
                    }
                    FeatureColumn::Numeric { .. } => unreachable!("binary base is one-hot"),
                },
                ExplanationFeature::Threshold { index, threshold } => {
                    let c = &model.map.columns[*index];
                    let t = show(c.unscale(*threshold));
                    (format!("{} ≥ {t}", c.name()), format!("{} < {t}", c.name()))
                }
                ExplanationFeature::Product { .. } => unreachable!("products are not binary"),
            };
            return match (at0, at1) {
                (true, true) => "TRUE".into(),
                (false, false) => "FALSE".into(),
                (false, true) => yes,
                (true, false) => no,
            };
        }
        if let ExplanationFeature::Base { index } = feature {
            let c = &model.map.columns[*index];
            if let FeatureColumn::Numeric { min, max, .. } = c {
                if max > min {
                    // w·(v − min)/(max − min) + b ⋚ 0  ⇔  v ⋚ min − b·(max − min)/w
                    let threshold = c.unscale(-hp.b / w);
                    let op = match (h.side, w > 0.0) {
                        (Side::I, true) => "≥",
                        (Side::I, false) => "≤",
                        (Side::J, true) => "<",
                        (Side::J, false) => ">",
                    };
                    return format!(
                        "{} {op} {}",
                        c.name(),
                        show(threshold).replacen('-', "−", 1)
                    );
                }
            }
        }
    }
    // Linear form in scaled units; when every coefficient is negative the
    // inequality is multiplied by −1 so it reads with positive coefficients.
    let flip = nonzero.iter().all(|(_, w)| *w < 0.0);
    let sign_factor = if flip { -1.0 } else { 1.0 };
    let nonzero: Vec<(usize, f64)> = nonzero.iter().map(|&(j, w)| (j, w * sign_factor)).collect();
    let integer = nonzero.iter().all(|(_, w)| w.fract() == 0.0);
    let mut text = String::new();
    for (pos, (j, w)) in nonzero.iter().enumerate() {
        let name = z_feature_name(model, *j);
        let magnitude = w.abs();
        let coef = if integer && magnitude == 1.0 {
            String::new()
        } else if integer {
            format!("{magnitude}·")
        } else {
            format!("{}·", show(magnitude))
        };
        let sign = match (pos, *w < 0.0) {
            (0, true) => "−",
            (0, false) => "",
            (_, true) => " − ",
            (_, false) => " + ",
        };
        text.push_str(&format!("{sign}{coef}{name}"));
    }
    let op = match (h.side, flip) {
        (Side::I, false) => "≥",
        (Side::J, false) => "<",
        (Side::I, true) => "≤",
        (Side::J, true) => ">",
    };
    format!(
        "{text} {op} {}",
        show(-hp.b * sign_factor).replacen('-', "−", 1)
    )
}

/// Scaled-unit definitions for the numeric features a model's linear forms use.
pub(crate) fn scaling_notes(model: &PolytopeModel) -> Vec<String> {
    let mut used = vec![false; model.map.columns.len()];
    for p in &model.polytopes {
        for h in &p.halfspaces {
            let w = &model.hyperplanes[h.hyperplane].hyperplane.w;
            let nz: Vec<usize> = (0..w.len()).filter(|&j| w[j] != 0.0).collect();
            let linear = nz.len() > 1
                || nz.iter().any(|&j| {
                    matches!(model.space.features[j], ExplanationFeature::Product { .. })
                });
            if !linear {
                continue;
            }
            for &j in &nz {
                match &model.space.features[j] {
                    ExplanationFeature::Base { index } => used[*index] = true,
                    ExplanationFeature::Product { indices, .. } => {
                        indices.iter().for_each(|&i| used[i] = true)
                    }
                    ExplanationFeature::Threshold { .. } => {}
                }
            }
        }
    }
    model
        .map
        .columns
        .iter()
        .zip(used)
        .filter(|(_, u)| *u)
        .filter_map(|(c, _)| match c {
            FeatureColumn::Numeric { source, min, max } => Some(if max > min {
                let shift = if *min < 0.0 {
                    format!("+ {}", show(-min))
                } else {
                    format!("− {}", show(*min))
                };
                format!("{source}' = ({source} {shift}) / {}", show(max - min))
            } else {
                format!("{source}' = 0 (constant column)")
            }),
            FeatureColumn::OneHot { .. } => None,
        })
        .collect()
}

/// A cluster centre in original units: `(sepal_length 5.1, job=admin 0.3)`.
fn centre_text(model: &PolytopeModel, centre: &[f64]) -> String {
    let parts: Vec<String> = model
        .map
        .columns
        .iter()
        .zip(centre)
        .map(|(c, &v)| format!("{} {}", c.name(), show(c.unscale(v))))
        .collect();
    format!("({})", parts.join(", "))
}

/// The whole explanation as text: one block per cluster, the pairwise
/// comparisons (`IF … THEN cluster i ELSE cluster j`), and the scaling used.
pub fn rules_text(model: &PolytopeModel) -> String {
    let s = &model.settings;
    let family = match s.coefficients {
        crate::hyperplane::Coefficients::Integer => format!("M = {}, beta = {}", s.m, s.beta),
        crate::hyperplane::Coefficients::General => {
            format!("real coefficients in [-1, 1], beta = {}", s.beta)
        }
    };
    let mut out = format!(
        "polyclust model: {} clusters, {} features, {family}\n",
        model.k(),
        model.map.columns.len(),
    );
    out.push_str(
        "A row belongs to the first cluster whose conditions all hold; a row that meets none \
         goes to the nearest cluster centre.\n",
    );
    if let Some(rule) = &model.outliers {
        out.push_str(&format!(
            "A row of cluster c farther from c's centre than c's radius is an outlier (label -1): \
             radius = median distance + {} robust standard deviations, in scaled units.\n",
            show(rule.multiple)
        ));
    }
    let k = model.k();
    // A union model's blocks list each cluster's pieces (an OR of ANDs).
    let blocks: &[crate::mpc::Polytope] = if model.is_union() {
        out.push_str(&super::pieces::union_blocks(model, |h| {
            halfspace_text(model, h)
        }));
        &[]
    } else {
        &model.polytopes
    };
    for (index, p) in blocks.iter().enumerate() {
        if index >= k {
            out.push_str(&format!(
                "\nCluster {}, extended ({} training rows no polytope above holds)\n",
                p.cluster, p.size
            ));
            for h in &p.halfspaces {
                out.push_str(&format!("  {}\n", halfspace_text(model, h)));
            }
            continue;
        }
        let quality = match p.silhouette {
            Some(s) if p.share > 0.0 => {
                format!(", {:.1}% of the rows, silhouette {s:.3}", 100.0 * p.share)
            }
            _ => String::new(),
        };
        out.push_str(&format!(
            "\nCluster {} ({} rows{quality})\n",
            p.cluster, p.size
        ));
        if p.halfspaces.is_empty() {
            out.push_str("  every row\n");
        }
        for h in &p.halfspaces {
            out.push_str(&format!("  {}\n", halfspace_text(model, h)));
        }
        if let Some(rule) = &model.outliers {
            out.push_str(&format!(
                "  outlier when the distance to {} > {} (scaled units)\n",
                centre_text(model, &rule.centres[p.cluster]),
                show(rule.radii[p.cluster])
            ));
        }
    }
    // The extensions' own copies of hyperplanes are not duels of the tournament.
    let duel = |idx: usize| {
        !model
            .extensions()
            .iter()
            .any(|p| p.halfspaces.iter().any(|h| h.hyperplane == idx))
            || model.polytopes[..k]
                .iter()
                .any(|p| p.halfspaces.iter().any(|h| h.hyperplane == idx))
    };
    if !model.hyperplanes.is_empty() {
        out.push_str("\nPairwise comparisons\n");
        for (idx, h) in model.hyperplanes.iter().enumerate() {
            if !duel(idx) {
                continue;
            }
            let cond = halfspace_text(
                model,
                &HalfSpace {
                    hyperplane: idx,
                    side: Side::I,
                },
            );
            let name = |p: usize| match model.is_union() {
                true => format!("piece {p} (cluster {})", model.cluster_of_piece(p)),
                false => format!("cluster {p}"),
            };
            out.push_str(&format!(
                "  IF {cond} THEN {} ELSE {}\n",
                name(h.i),
                name(h.j)
            ));
        }
    }
    let notes = scaling_notes(model);
    if !notes.is_empty() {
        out.push_str("\nScaled units (each feature min-max scaled to [0, 1])\n");
        for n in notes {
            out.push_str(&format!("  {n}\n"));
        }
    }
    out
}

/// The explanation as JSON: per cluster its conditions as text and as
/// coefficients over named explanation features, plus the pairwise rules.
pub fn rules_json(model: &PolytopeModel) -> Value {
    let halfspace = |h: &HalfSpace| {
        let hp = &model.hyperplanes[h.hyperplane].hyperplane;
        let coefficients: serde_json::Map<String, Value> =
            hp.w.iter()
                .enumerate()
                .filter(|(_, w)| **w != 0.0)
                .map(|(j, w)| (z_feature_name(model, j), json!(w)))
                .collect();
        json!({
            "text": halfspace_text(model, h),
            "coefficients": coefficients,
            "intercept": hp.b,
            "sense": match h.side { Side::I => ">= 0", Side::J => "< 0" },
        })
    };
    let clusters: Vec<Value> = model.polytopes[..model.k()]
        .iter()
        .map(|p| {
            let mut cluster = json!({
                "cluster": p.cluster,
                "size": p.size,
                "share": p.share,
                "silhouette": p.silhouette,
                "conditions": p.halfspaces.iter().map(halfspace).collect::<Vec<_>>(),
            });
            if let Some(rule) = &model.outliers {
                let centre: serde_json::Map<String, Value> = model
                    .map
                    .columns
                    .iter()
                    .zip(&rule.centres[p.cluster])
                    .map(|(c, &v)| (c.name(), json!(c.unscale(v))))
                    .collect();
                cluster["outlier_when"] = json!({
                    "scaled_distance_to_centre_above": rule.radii[p.cluster],
                    "centre": centre,
                });
            }
            cluster
        })
        .collect();
    let pairwise: Vec<Value> = model
        .hyperplanes
        .iter()
        .enumerate()
        .map(|(idx, h)| {
            let cond = halfspace(&HalfSpace {
                hyperplane: idx,
                side: Side::I,
            });
            json!({"if": cond, "then": h.i, "else": h.j})
        })
        .collect();
    let extensions: Vec<Value> = model
        .extensions()
        .iter()
        .map(|p| {
            json!({
                "cluster": p.cluster,
                "training_rows": p.size,
                "conditions": p.halfspaces.iter().map(halfspace).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut rules = json!({
        "clusters": clusters,
        "extensions": extensions,
        "pairwise": pairwise,
        "fallback": "nearest cluster centre",
        "scaled_units": scaling_notes(model),
        "min_cluster_size": model.settings.min_cluster_size,
    });
    if let Some(rule) = &model.outliers {
        rules["outliers"] = json!({
            "label": crate::mpc::OUTLIER_LABEL,
            "multiple": rule.multiple,
            "rule": "a row of cluster c is an outlier when its distance to c's centre (scaled units) exceeds c's radius",
        });
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::show;

    #[test]
    fn numbers_are_short() {
        assert_eq!(show(2.45), "2.45");
        assert_eq!(show(0.30000000000000004), "0.3");
        assert_eq!(show(-1234567.0), "-1234567");
        assert_eq!(show(0.000123456789), "0.000123457");
    }
}
