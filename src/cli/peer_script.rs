//! Running a peers' script (`benches/peers/*.py`) as `bench speed` and
//! `bench reference` do: the prepared features written as headerless CSVs
//! into the command's own temporary directory, a JSON request on the
//! script's stdin, its JSON answer from stdout.

use anyhow::{bail, Context, Result};
use polyclust::data::Dataset;
use std::path::{Path, PathBuf};

/// A fresh temporary directory of this command (nothing of the user's
/// there), named after `what`.
pub(crate) fn temporary_dir(what: &str) -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("polyclust-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

/// The prepared, scaled features of `ds` as a headerless CSV `dir/NAME.csv`
/// (every value printed in full, so the peers read the same numbers).
pub(crate) fn write_features(dir: &Path, ds: &Dataset) -> Result<PathBuf> {
    let path = dir.join(format!("{}.csv", ds.name));
    let mut text = String::new();
    for row in ds.x.rows() {
        let cells: Vec<String> = row.iter().map(|v| format!("{v:?}")).collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    std::fs::write(&path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// Run `benches/peers/SCRIPT` with `python`, `request` on its stdin; its
/// JSON answer.
pub(crate) fn run(
    python: &Path,
    script: &str,
    request: &serde_json::Value,
) -> Result<serde_json::Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/peers")
        .join(script);
    let mut child = std::process::Command::new(python)
        .arg(&script)
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
        bail!(
            "the peers' script {} failed with {}",
            script.display(),
            out.status
        );
    }
    serde_json::from_slice(&out.stdout).context("the peers' script printed no JSON object")
}
