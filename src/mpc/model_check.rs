//! Checks of a model file beyond its layout: values no fit produces (an
//! integer coefficient that is not a whole number within M, an intercept
//! beyond any threshold inside the data, centres outside the scaled box,
//! a constant column that a centre does not sit at 0 on), and a digest of
//! the fitted model, written beside it, so that a model whose rules were
//! edited after fitting is not read with the cluster sizes it states
//! (sizes measured with other rules).

use super::model::{ModelError, PolytopeModel};
use crate::data::FeatureColumn;
use crate::hyperplane::Coefficients;
use serde_json::Value;

/// The model file's field holding the digest.
pub const DIGEST_FIELD: &str = "digest";

/// Largest intercept magnitude per unit of coefficient: far beyond any
/// threshold inside the data (features are scaled to \[0, 1\]), far below
/// the magnitudes that overflow when rules are shown in original units.
const INTERCEPT_PER_WEIGHT: f64 = 1e6;

fn bad(field: String, reason: String) -> Result<(), ModelError> {
    Err(ModelError::Field { field, reason })
}

/// Refuse values no fit produces (see the module doc).
pub fn check_plausible(model: &PolytopeModel) -> Result<(), ModelError> {
    for (c, col) in model.map.columns.iter().enumerate() {
        if let FeatureColumn::Numeric { min, max, .. } = col {
            if !(max - min).is_finite() {
                return bad(
                    format!("map.columns[{c}]"),
                    format!("spans {min} to {max}, a range too wide for a double"),
                );
            }
            if max <= min {
                for (k, centre) in model.centroids.iter().enumerate() {
                    if centre.get(c).is_some_and(|v| *v != 0.0) {
                        return bad(
                            format!("map.columns[{c}]"),
                            format!(
                                "is a constant column (min = max = {min}) but centroids[{k}] puts {} on it, where every training row is 0",
                                centre[c]
                            ),
                        );
                    }
                }
            }
        }
    }
    for (k, centre) in model.centroids.iter().enumerate() {
        if let Some(v) = centre.iter().find(|v| !(-1e-9..=1.0 + 1e-9).contains(*v)) {
            return bad(
                format!("centroids[{k}]"),
                format!(
                    "has a coordinate {v} outside [0, 1], where every scaled training row lies"
                ),
            );
        }
    }
    let s = &model.settings;
    for (h, pair) in model.hyperplanes.iter().enumerate() {
        let hp = &pair.hyperplane;
        let mut weight = 0.0;
        for (j, &w) in hp.w.iter().enumerate() {
            let field = format!("hyperplanes[{h}].hyperplane.w[{j}]");
            match s.coefficients {
                Coefficients::Integer if w.fract() != 0.0 || w.abs() > f64::from(s.m) => {
                    return bad(
                        field,
                        format!("is {w}, not a whole number within ±M = ±{}", s.m),
                    )
                }
                Coefficients::General if w.abs() > 1.0 => {
                    return bad(field, format!("is {w}, outside [-1, 1]"))
                }
                _ => {}
            }
            weight += w.abs();
        }
        let limit = INTERCEPT_PER_WEIGHT * (1.0 + weight);
        if hp.b.abs() > limit {
            return bad(
                format!("hyperplanes[{h}].hyperplane.b"),
                format!(
                    "is {:e}, beyond any threshold inside the data (at most {limit:e} for these coefficients)",
                    hp.b
                ),
            );
        }
    }
    Ok(())
}

/// SHA-256 (hex) of a model's JSON value without its digest field.
fn digest_of(value: &Value) -> String {
    let mut value = value.clone();
    if let Some(map) = value.as_object_mut() {
        map.remove(DIGEST_FIELD);
    }
    let text = serde_json::to_string(&value).expect("a JSON value serializes");
    crate::data::sha256_hex(text.as_bytes())
}

/// The model as pretty JSON with its digest.
pub fn to_json_with_digest(model: &PolytopeModel) -> String {
    let mut value = serde_json::to_value(model).expect("a model serializes");
    let digest = digest_of(&value);
    if let Some(map) = value.as_object_mut() {
        map.insert(DIGEST_FIELD.into(), Value::String(digest));
    }
    serde_json::to_string_pretty(&value).expect("a model serializes")
}

/// Check a model file's digest, when it has one: a model edited after
/// fitting is refused, since the sizes it states were measured with other
/// rules. A file without a digest (written before digests, or with the
/// field removed to use edited rules) is read as it is.
pub fn check_digest(value: &Value) -> Result<(), ModelError> {
    let Some(stated) = value.get(DIGEST_FIELD) else {
        return Ok(());
    };
    let stated = stated.as_str().unwrap_or_default();
    if stated != digest_of(value) {
        return bad(
            DIGEST_FIELD.into(),
            "does not match the model: its rules or figures were edited after fitting, so the cluster sizes it states were not measured with these rules; refit, or remove the field to use the edited model, whose stated sizes are then those of the model before the edit".into(),
        );
    }
    Ok(())
}
