//! The peers' runs (scikit-learn, ExKMC) from `benches/peers/reference.py`.

use super::super::peer_script;
use super::measure::{Instance, Outcome, Size};
use anyhow::Result;
use serde_json::json;
use std::path::Path;

/// The peers' runs from `benches/peers/reference.py` run by `python`.
pub(super) fn peer_runs(
    python: &Path,
    instances: &[Instance],
    seeds: u64,
) -> Result<serde_json::Value> {
    let dir = peer_script::temporary_dir("reference")?;
    let result = (|| {
        let mut items = Vec::new();
        for inst in instances {
            let path = peer_script::write_features(&dir, &inst.ds)?;
            items.push(json!({"name": inst.ds.name, "csv": path, "k": inst.k}));
        }
        let request = json!({"instances": items, "seeds": (0..seeds).collect::<Vec<_>>()});
        peer_script::run(python, "reference.py", &request)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// A peer's run read from the script's JSON.
pub(super) fn peer_outcome(run: &serde_json::Value, n: usize) -> Result<Outcome, String> {
    if let Some(e) = run["error"].as_str() {
        return Err(e.to_string());
    }
    let labels: Vec<usize> = run["labels"]
        .as_array()
        .ok_or("no labels")?
        .iter()
        .map(|v| {
            v.as_u64()
                .map(|l| l as usize)
                .ok_or("a label that is not a cluster id")
        })
        .collect::<Result<_, _>>()?;
    if labels.len() != n {
        return Err(format!("{} labels for {n} rows", labels.len()));
    }
    let size = run["conditions"].as_f64().map(|conditions| Size {
        conditions,
        // A tree's condition reads one feature: one term each.
        terms: conditions,
        weighted_conditions: run["weighted_conditions"].as_f64().unwrap_or(f64::NAN),
        features: run["features"].as_f64().unwrap_or(f64::NAN),
        leaves: run["leaves"].as_f64(),
    });
    Ok(Outcome {
        labels,
        seconds: run["seconds"].as_f64().unwrap_or(f64::NAN),
        size,
        fidelity: None,
    })
}
