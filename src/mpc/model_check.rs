//! Checks of a model file beyond its layout, on the file's JSON (so this
//! file reads nothing of the model's type): values no fit produces (an
//! integer coefficient that is not a whole number within M, an intercept
//! beyond any threshold inside the data, centres outside the scaled box, a
//! constant column that a centre does not sit at 0 on), and a digest of the
//! fitted model, written beside it, so that a model whose rules were edited
//! after fitting is not read with the cluster sizes it states (sizes
//! measured with other rules). Errors are `(field, reason)`.

use serde_json::Value;

/// The model file's field holding the digest.
pub const DIGEST_FIELD: &str = "digest";

/// Largest intercept magnitude per unit of coefficient: far beyond any
/// threshold inside the data (features are scaled to \[0, 1\]), far below
/// the magnitudes that overflow when rules are shown in original units.
const INTERCEPT_PER_WEIGHT: f64 = 1e6;

/// A field that is wrong, and why.
pub type Refusal = (String, String);

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

/// Refuse values no fit produces (see the module doc), in a model file
/// whose layout was already checked.
pub fn check_plausible(model: &Value) -> Result<(), Refusal> {
    let centroids: Vec<Vec<f64>> = model["centroids"]
        .as_array()
        .map(|a| a.iter().map(numbers).collect())
        .unwrap_or_default();
    let columns = model["map"]["columns"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (c, col) in columns.iter().enumerate() {
        if col["kind"] != "numeric" {
            continue;
        }
        let (min, max) = (
            col["min"].as_f64().unwrap_or(0.0),
            col["max"].as_f64().unwrap_or(0.0),
        );
        if !(max - min).is_finite() {
            return Err((
                format!("map.columns[{c}]"),
                format!("spans {min} to {max}, a range too wide for a double"),
            ));
        }
        if max <= min {
            for (k, centre) in centroids.iter().enumerate() {
                if centre.get(c).is_some_and(|v| *v != 0.0) {
                    return Err((
                        format!("map.columns[{c}]"),
                        format!(
                            "is a constant column (min = max = {min}) but centroids[{k}] puts {} on it, where every training row is 0",
                            centre[c]
                        ),
                    ));
                }
            }
        }
    }
    for (k, centre) in centroids.iter().enumerate() {
        if let Some(v) = centre.iter().find(|v| !(-1e-9..=1.0 + 1e-9).contains(*v)) {
            return Err((
                format!("centroids[{k}]"),
                format!(
                    "has a coordinate {v} outside [0, 1], where every scaled training row lies"
                ),
            ));
        }
    }
    let settings = &model["settings"];
    let integer = settings["coefficients"] == "integer";
    let m = settings["m"].as_f64().unwrap_or(f64::INFINITY);
    let hyperplanes = model["hyperplanes"].as_array().cloned().unwrap_or_default();
    for (h, pair) in hyperplanes.iter().enumerate() {
        let hp = &pair["hyperplane"];
        let mut weight = 0.0;
        for (j, w) in numbers(&hp["w"]).into_iter().enumerate() {
            let field = format!("hyperplanes[{h}].hyperplane.w[{j}]");
            if integer && (w.fract() != 0.0 || w.abs() > m) {
                return Err((
                    field,
                    format!("is {w}, not a whole number within ±M = ±{m}"),
                ));
            }
            if !integer && w.abs() > 1.0 {
                return Err((field, format!("is {w}, outside [-1, 1]")));
            }
            weight += w.abs();
        }
        let b = hp["b"].as_f64().unwrap_or(0.0);
        let limit = INTERCEPT_PER_WEIGHT * (1.0 + weight);
        if b.abs() > limit {
            return Err((
                format!("hyperplanes[{h}].hyperplane.b"),
                format!(
                    "is {b:e}, beyond any threshold inside the data (at most {limit:e} for these coefficients)"
                ),
            ));
        }
    }
    check_pieces(model)
}

/// A union model's pieces: every piece is a whole cluster id and keeps a
/// polytope of its own (a fit drops the pieces no row is left in).
fn check_pieces(model: &Value) -> Result<(), Refusal> {
    let Some(pieces) = model.get("pieces").and_then(Value::as_array) else {
        return Ok(());
    };
    let polytopes = model["polytopes"].as_array().cloned().unwrap_or_default();
    for (p, cluster) in pieces.iter().enumerate() {
        if cluster.as_u64().is_none() {
            return Err((
                format!("pieces[{p}]"),
                format!("is {cluster}, not a cluster id"),
            ));
        }
        if !polytopes
            .iter()
            .any(|q| q["piece"].as_u64() == Some(p as u64))
        {
            return Err((
                format!("pieces[{p}]"),
                "names a piece that no polytope describes".into(),
            ));
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

/// A model's JSON value as pretty text, with its digest.
pub fn with_digest(mut value: Value) -> String {
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
pub fn check_digest(value: &Value) -> Result<(), Refusal> {
    let Some(stated) = value.get(DIGEST_FIELD) else {
        return Ok(());
    };
    if stated.as_str().unwrap_or_default() != digest_of(value) {
        return Err((
            DIGEST_FIELD.into(),
            "does not match the model: its rules or figures were edited after fitting, so the cluster sizes it states were not measured with these rules; refit, or remove the field to use the edited model, whose stated sizes are then those of the model before the edit".into(),
        ));
    }
    Ok(())
}
