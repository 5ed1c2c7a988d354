//! The peers' runs (scikit-learn, ExKMC) from `benches/peers/reference.py`.

use super::measure::{Instance, Outcome, Size};
use anyhow::{bail, Context, Result};
use serde_json::json;
use std::path::Path;

/// The peers' runs from `benches/peers/reference.py` run by `python`.
pub(super) fn peer_runs(
    python: &Path,
    instances: &[Instance],
    seeds: u64,
) -> Result<serde_json::Value> {
    let dir = std::env::temp_dir().join(format!("polyclust-reference-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let result = (|| {
        let mut items = Vec::new();
        for inst in instances {
            let path = dir.join(format!("{}.csv", inst.ds.name));
            let mut text = String::new();
            for row in inst.ds.x.rows() {
                let cells: Vec<String> = row.iter().map(|v| format!("{v:?}")).collect();
                text.push_str(&cells.join(","));
                text.push('\n');
            }
            // The command's own temporary directory: nothing of the user's there.
            std::fs::write(&path, text.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            items.push(json!({"name": inst.ds.name, "csv": path, "k": inst.k}));
        }
        let request = json!({"instances": items, "seeds": (0..seeds).collect::<Vec<_>>()});
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/peers/reference.py");
        let mut child = std::process::Command::new(python)
            .arg(script)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot run the peers with {}", python.display()))?;
        use std::io::Write as _;
        child
            .stdin
            .take()
            .context("the peers' input")?
            .write_all(request.to_string().as_bytes())
            .context("cannot send the instances to the peers")?;
        let out = child
            .wait_with_output()
            .context("the peers did not finish")?;
        if !out.status.success() {
            bail!("the peers' script {script} failed with {}", out.status);
        }
        serde_json::from_slice(&out.stdout).context("the peers' script printed no JSON object")
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
