//! The model as one SQL `CASE WHEN … END` expression over the original column
//! names (double-quoted), returning the cluster ids of the model's decision
//! rule, so it embeds as `SELECT <expr> FROM t` in any SQL engine.
//!
//! Arithmetic follows the library's evaluation order (scaling
//! `(v − min) / (max − min)`, scores `b + w₁z₁ + w₂z₂ …`, squared distances
//! summed left to right) and numbers are written in shortest round-trip form,
//! so an engine with IEEE doubles reproduces the library's assignments.

use super::PolytopeModel;
use crate::data::FeatureColumn;
use crate::hyperplane::Side;
use crate::mpc::ExplanationFeature;

/// A double literal that parses back to the same value.
fn lit(v: f64) -> String {
    let s = format!("{v:?}");
    if s.contains('.') || s.contains('e') || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn quote_text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// SQL for the scaled clustering feature `i`.
fn x_expr(model: &PolytopeModel, i: usize) -> String {
    match &model.map.columns[i] {
        FeatureColumn::Numeric { source, min, max } => {
            if max > min {
                format!(
                    "(({} - {}) / {})",
                    quote_ident(source),
                    lit(*min),
                    lit(max - min)
                )
            } else {
                "0.0".into()
            }
        }
        FeatureColumn::OneHot { source, value } => format!(
            "(CASE WHEN {} = {} THEN 1.0 ELSE 0.0 END)",
            quote_ident(source),
            quote_text(value)
        ),
    }
}

/// SQL for explanation feature `j`.
fn z_expr(model: &PolytopeModel, j: usize) -> String {
    match &model.space.features[j] {
        ExplanationFeature::Base { index } => x_expr(model, *index),
        ExplanationFeature::Threshold { index, threshold } => format!(
            "(CASE WHEN {} >= {} THEN 1.0 ELSE 0.0 END)",
            x_expr(model, *index),
            lit(*threshold)
        ),
        // Same order as the library: ((1 × (x₁ − c₁)) × (x₂ − c₂)) …
        ExplanationFeature::Product {
            indices,
            centers,
            scale,
        } => format!(
            "((1.0 * {}) / {})",
            indices
                .iter()
                .zip(centers)
                .map(|(&i, &c)| format!("({} - {})", x_expr(model, i), lit(c)))
                .collect::<Vec<_>>()
                .join(" * "),
            lit(*scale)
        ),
    }
}

/// The whole model as one SQL expression.
pub fn rules_sql(model: &PolytopeModel) -> String {
    let score = |idx: usize| {
        let h = &model.hyperplanes[idx].hyperplane;
        let mut s = lit(h.b);
        for (j, w) in h.w.iter().enumerate() {
            if *w != 0.0 {
                s.push_str(&format!(" + {} * {}", lit(*w), z_expr(model, j)));
            }
        }
        format!("({s})")
    };
    let mut out = String::from("CASE\n");
    for p in &model.polytopes {
        let cond = if p.halfspaces.is_empty() {
            "1 = 1".to_string()
        } else {
            p.halfspaces
                .iter()
                .map(|h| {
                    let op = match h.side {
                        Side::I => ">=",
                        Side::J => "<",
                    };
                    format!("{} {op} 0", score(h.hyperplane))
                })
                .collect::<Vec<_>>()
                .join("\n    AND ")
        };
        out.push_str(&format!("  WHEN {cond}\n  THEN {}\n", p.cluster));
    }
    out.push_str(&format!("  ELSE {}\nEND", fallback(model)));
    out
}

/// Nearest centre as nested comparisons of squared distances (ties to the lowest id).
fn fallback(model: &PolytopeModel) -> String {
    let k = model.centroids.len();
    if k <= 1 {
        return "0".into();
    }
    let dist = |c: usize| {
        let terms: Vec<String> = model.centroids[c]
            .iter()
            .enumerate()
            .map(|(i, centre)| {
                let diff = format!("({} - {})", x_expr(model, i), lit(*centre));
                format!("{diff} * {diff}")
            })
            .collect();
        format!("(0.0 + {})", terms.join(" + "))
    };
    let mut out = String::from("CASE");
    for c in 0..k - 1 {
        let conds: Vec<String> = (c + 1..k)
            .map(|o| format!("{} <= {}", dist(c), dist(o)))
            .collect();
        out.push_str(&format!(" WHEN {} THEN {c}", conds.join(" AND ")));
    }
    out.push_str(&format!(" ELSE {} END", k - 1));
    out
}
