//! Fixtures shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// The instance directory, when `POLYCLUST_INSTANCES` is set. Tests that need
/// the public benchmark data skip (with a note) when it is not; CI sets it.
pub fn instances_dir() -> Option<PathBuf> {
    match std::env::var_os("POLYCLUST_INSTANCES") {
        Some(d) => {
            let d = PathBuf::from(d);
            assert!(
                d.join("manifest.json").is_file(),
                "POLYCLUST_INSTANCES={} has no manifest.json",
                d.display()
            );
            Some(d)
        }
        None => {
            eprintln!("POLYCLUST_INSTANCES is not set: instance tests skipped");
            None
        }
    }
}

/// Path of a committed fixture.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Run the built binary with arguments in a working directory.
pub fn polyclust(args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_polyclust"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the polyclust binary runs")
}

/// Parse stdout as one JSON object.
pub fn json_stdout(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "command failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON object")
}

/// Reference silhouette values computed with scikit-learn.
pub fn sklearn_reference(name: &str) -> f64 {
    let text = std::fs::read_to_string(fixture("sklearn_silhouette.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v[name].as_f64().expect("reference value present")
}
