//! The registry refuses instance files that disagree with their manifest:
//! truncated or altered CSVs, duplicate names, missing files; and
//! `instances verify` checks a download against both manifests.

mod common;

use common::{assert_clear_error, instances_dir, polyclust_with_instances};
use polyclust::data::{gaussian_blobs, sha256_hex};
use std::path::{Path, PathBuf};
use std::process::Output;

/// One manifest entry as JSON text.
fn entry(name: &str, file: &str, n_rows: usize, sha256: &str) -> String {
    format!(
        r#"{{"name": "{name}", "file": "{file}", "suite": "uci", "n_rows": {n_rows}, "n_features": 4, "sha256": "{sha256}"}}"#
    )
}

fn write_manifest(dir: &Path, entries: &[String]) {
    std::fs::write(
        dir.join("manifest.json"),
        format!("[{}]", entries.join(",\n")),
    )
    .unwrap();
}

/// A registry holding one generated instance named `iris` with iris's shape
/// (150 rows, 4 features, 3 classes) and a manifest entry matching the file.
/// Returns the CSV text.
fn iris_like_registry(dir: &Path) -> String {
    let csv = String::from_utf8(gaussian_blobs(150, 4, 3, 0.5, 5).to_csv()).unwrap();
    std::fs::write(dir.join("iris.csv"), &csv).unwrap();
    write_manifest(
        dir,
        &[entry("iris", "iris.csv", 150, &sha256_hex(csv.as_bytes()))],
    );
    csv
}

/// The first `rows` data rows of a CSV text, with its header.
fn first_rows(csv: &str, rows: usize) -> String {
    csv.lines()
        .take(rows + 1)
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Copy every file of the shared instance directory into `to`.
fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn run(args: &[&str], dir: &Path) -> Output {
    polyclust_with_instances(args, dir, Some(dir))
}

/// `score` goes through the command line's loader, `bench paper` through
/// `Registry::load`: both must refuse the file.
fn assert_refused(dir: &Path, instance: &str, needles: &[&str]) {
    assert_clear_error(&run(&["score", "--instance", instance], dir), needles);
    let out = dir.join("bench-out");
    assert_clear_error(
        &run(
            &[
                "bench",
                "paper",
                "--instances",
                instance,
                "--restarts",
                "1",
                "--k-range",
                "2..3",
                "--out",
                out.to_str().unwrap(),
            ],
            dir,
        ),
        needles,
    );
}

/// `instances verify` failed: exit code 2, one line on stderr naming every
/// file in `files`, no panic, and a FAIL line on stdout for each of `failed`.
fn assert_verify_failed(out: &Output, files: &[&str], failed: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        !stderr.contains("panicked") && !stdout.contains("panicked"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "one sentence: {stderr}");
    assert!(stderr.contains("failed verification"), "{stderr}");
    for f in files {
        assert!(stderr.contains(f), "'{f}' missing from: {stderr}");
    }
    let fail_lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(fail_lines.len(), failed.len(), "{stdout}");
    for (line, name) in fail_lines.iter().zip(failed) {
        assert!(
            line.split_whitespace().nth(1) == Some(name),
            "{line} is not about {name}"
        );
    }
}

#[test]
fn a_truncated_instance_is_refused_naming_the_file_and_both_counts() {
    let dir = tempfile::tempdir().unwrap();
    let csv = iris_like_registry(dir.path());
    // The whole file loads.
    let out = run(&["score", "--instance", "iris", "--json"], dir.path());
    assert_eq!(common::json_stdout(&out)["n"], 150);
    std::fs::write(dir.path().join("iris.csv"), first_rows(&csv, 39)).unwrap();
    assert_refused(
        dir.path(),
        "iris",
        &[
            "iris.csv has 39 data rows but its manifest says 150",
            "truncated",
        ],
    );
}

#[test]
fn the_shared_iris_truncated_to_39_rows_is_refused() {
    let Some(shared) = instances_dir() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        shared.join("manifest.json"),
        dir.path().join("manifest.json"),
    )
    .unwrap();
    let csv = std::fs::read_to_string(shared.join("iris.csv")).unwrap();
    std::fs::write(dir.path().join("iris.csv"), first_rows(&csv, 39)).unwrap();
    assert_clear_error(
        &run(&["score", "--instance", "iris"], dir.path()),
        &["iris.csv has 39 data rows but its manifest says 150"],
    );
}

#[test]
fn a_file_with_another_checksum_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let csv = iris_like_registry(dir.path());
    // Same rows, one value changed.
    let header_end = csv.find('\n').unwrap() + 1;
    let altered = format!("{}9{}", &csv[..header_end], &csv[header_end + 1..]);
    assert_ne!(altered, csv);
    std::fs::write(dir.path().join("iris.csv"), &altered).unwrap();
    assert_refused(
        dir.path(),
        "iris",
        &[
            "iris.csv has sha256",
            &sha256_hex(altered.as_bytes()),
            &format!("but its manifest says {}", sha256_hex(csv.as_bytes())),
        ],
    );
    // A manifest checksum that matches no file at all.
    std::fs::write(dir.path().join("iris.csv"), &csv).unwrap();
    let zeros = "0".repeat(64);
    write_manifest(dir.path(), &[entry("iris", "iris.csv", 150, &zeros)]);
    assert_refused(
        dir.path(),
        "iris",
        &["iris.csv has sha256", &format!("its manifest says {zeros}")],
    );
}

#[test]
fn duplicate_instance_names_are_refused_naming_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let csv = iris_like_registry(dir.path());
    let sha = sha256_hex(csv.as_bytes());
    write_manifest(
        dir.path(),
        &[
            entry("iris", "iris.csv", 150, &sha),
            entry("other", "iris.csv", 150, &sha),
            entry("iris", "iris.csv", 150, &sha),
        ],
    );
    let needles = ["manifest.json lists the instance 'iris' twice"];
    assert_clear_error(&run(&["instances", "list"], dir.path()), &needles);
    assert_clear_error(&run(&["instances", "verify"], dir.path()), &needles);
    assert_refused(dir.path(), "other", &needles);
}

#[test]
fn a_missing_instance_file_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let csv = iris_like_registry(dir.path());
    // Not named iris: `verify` would check it against the public iris too.
    write_manifest(
        dir.path(),
        &[
            entry("blobs", "iris.csv", 150, &sha256_hex(csv.as_bytes())),
            entry("gone", "gone.csv", 10, &"0".repeat(64)),
        ],
    );
    assert_refused(dir.path(), "gone", &["cannot read data file", "gone.csv"]);
    let out = run(&["instances", "verify"], dir.path());
    assert_verify_failed(&out, &["gone.csv"], &["gone"]);
}

#[test]
fn verify_passes_on_the_shared_instances() {
    let Some(shared) = instances_dir() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = polyclust_with_instances(&["instances", "verify"], tmp.path(), Some(&shared));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ok: Vec<&str> = stdout.lines().filter(|l| l.starts_with("ok ")).collect();
    assert_eq!(ok.len(), 17, "{stdout}");
    assert!(
        ok.iter()
            .all(|l| l.ends_with("matches its manifest and polyclust's")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("all 17 instances"),
        "{stdout}"
    );
}

#[test]
fn verify_fails_on_a_tampered_copy_of_the_shared_instances() {
    let Some(shared) = instances_dir() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&shared, dir.path());
    let iris = std::fs::read_to_string(shared.join("iris.csv")).unwrap();
    std::fs::write(dir.path().join("iris.csv"), first_rows(&iris, 39)).unwrap();
    let out = run(&["instances", "verify"], dir.path());
    assert_verify_failed(&out, &["iris.csv"], &["iris"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ok ")).count(), 16);
    assert!(
        stdout.contains("iris.csv has 39 data rows but its manifest says 150"),
        "{stdout}"
    );

    // A directory manifest rewritten to fit an altered file still fails
    // against polyclust's own manifest.
    std::fs::write(dir.path().join("iris.csv"), &iris).unwrap();
    let hepta = std::fs::read_to_string(shared.join("hepta.csv")).unwrap();
    let altered = hepta.replacen("\n-0.", "\n-1.", 1);
    assert_ne!(altered, hepta);
    std::fs::write(dir.path().join("hepta.csv"), &altered).unwrap();
    let manifest: String = std::fs::read_to_string(shared.join("manifest.json")).unwrap();
    let rewritten = manifest.replace(
        &sha256_hex(hepta.as_bytes()),
        &sha256_hex(altered.as_bytes()),
    );
    assert_ne!(rewritten, manifest);
    std::fs::write(dir.path().join("manifest.json"), rewritten).unwrap();
    // The directory's manifest alone accepts the file ...
    let score = run(&["score", "--instance", "hepta", "--json"], dir.path());
    assert_eq!(common::json_stdout(&score)["n"], 212);
    // ... but verification does not.
    let out = run(&["instances", "verify"], dir.path());
    assert_verify_failed(&out, &["hepta.csv"], &["hepta"]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("but polyclust's manifest of the public instances says"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

fn committed_generated() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("instances/generated")
}

#[test]
fn generated_instances_are_regenerated_and_verified() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("generated");
    let out = polyclust_with_instances(
        &["instances", "generate", "--out", out_dir.to_str().unwrap()],
        tmp.path(),
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in [
        "manifest.json",
        "blobs-n150-d2-k3.csv",
        "quadrants-n200.csv",
    ] {
        assert_eq!(
            std::fs::read(out_dir.join(file)).unwrap(),
            std::fs::read(committed_generated().join(file)).unwrap(),
            "{file}"
        );
    }
    let out = polyclust_with_instances(
        &["instances", "verify"],
        tmp.path(),
        Some(&committed_generated()),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ok ")).count(), 2);
    assert!(stdout.contains("not a public instance"), "{stdout}");
}

#[test]
fn verify_without_a_directory_says_what_to_set() {
    let tmp = tempfile::tempdir().unwrap();
    let out = polyclust_with_instances(&["instances", "verify"], tmp.path(), None);
    assert_clear_error(&out, &["POLYCLUST_INSTANCES is not set"]);
}
