//! Fixtures shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// Whether the tests run under CI (`CI` is `true` or `1`).
pub fn under_ci() -> bool {
    matches!(std::env::var("CI").as_deref(), Ok("true" | "1"))
}

/// The instance directory, when `POLYCLUST_INSTANCES` is set. Tests that need
/// the public benchmark data skip (with a note) when it is not, except under
/// CI, where a missing directory fails the test rather than passing it unseen.
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
        None if under_ci() => panic!(
            "POLYCLUST_INSTANCES must be set under CI: point it at the benchmark instance directory"
        ),
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

/// Run the built binary with `POLYCLUST_INSTANCES` set to `instances`, or
/// removed from its environment when `None`.
pub fn polyclust_with_instances(
    args: &[&str],
    dir: &std::path::Path,
    instances: Option<&std::path::Path>,
) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_polyclust"));
    cmd.args(args).current_dir(dir);
    match instances {
        Some(path) => cmd.env("POLYCLUST_INSTANCES", path),
        None => cmd.env_remove("POLYCLUST_INSTANCES"),
    };
    cmd.output().expect("the polyclust binary runs")
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

/// Assert a failed run: exit code 2, one line on stderr that mentions every
/// `needle`, and no panic.
pub fn assert_clear_error(out: &std::process::Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one sentence: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "'{n}' missing from: {stderr}");
    }
    assert!(out.stdout.is_empty(), "nothing printed on stdout on error");
}
