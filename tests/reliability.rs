//! Bad input, broken pipes, corrupt models and impossible settings: every
//! one gets one clear sentence and exit code 2 (a closed pipe: a quiet exit
//! 0), nothing panics, and a failing run leaves earlier outputs untouched.
//! Each test names the class of fault it pins.

mod common;

use common::{assert_clear_error, polyclust};
use proptest::prelude::*;
use std::path::Path;
use std::process::{Command, Stdio};

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// A small CSV of two well separated groups (a, b numeric, label).
fn two_groups(rows: usize) -> String {
    let mut text = String::from("a,b,label\n");
    for t in 0..rows {
        let g = t % 2;
        let jitter = (t / 2) as f64 * 0.01;
        text.push_str(&format!(
            "{},{},{g}\n",
            g as f64 * 5.0 + jitter,
            g as f64 * 3.0 - jitter
        ));
    }
    text
}

/// A model.json fitted on [`two_groups`], as a JSON value.
fn fitted_model(dir: &Path) -> (serde_json::Value, String) {
    let data = write(dir, "groups.csv", &two_groups(40));
    let out = polyclust(
        &["cluster", "--data", &data, "--k", "2", "--out", "fit"],
        dir,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.join("fit/model.json")).unwrap();
    (serde_json::from_str(&text).unwrap(), data)
}

fn no_panic(out: &std::process::Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0) | Some(2)),
        "exit {:?}: {stderr}",
        out.status.code()
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
}

// Class 1: writing output.

#[test]
fn output_to_a_full_disk_is_one_sentence_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["cluster", "--generate", "blobs", "--k", "3"][..],
        &["kmeans", "--generate", "blobs", "--k", "3"],
        &["ibc", "--simulate", "article", "--write", "/dev/full"],
    ] {
        assert!(!Path::new("/dev/full").is_file(), "/dev/full is a device");
        let full = std::fs::File::create("/dev/full").unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_polyclust"))
            .args(args)
            .current_dir(dir.path())
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("cannot write"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    }
    assert!(
        !Path::new("/dev/full").is_file(),
        "a device is written, never replaced"
    );
}

#[test]
fn a_closed_pipe_ends_the_program_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _) = fitted_model(dir.path());
    for args in [
        &["explain", "--model", "fit/model.json", "--format", "sql"][..],
        &["explain", "--model", "fit/model.json", "--format", "text"],
        &["cluster", "--generate", "blobs", "--k", "3"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_polyclust"))
            .args(args)
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before the program writes.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.trim().is_empty(), "{args:?}: {stderr}");
    }
}

// Class 2: tampered models.

#[test]
fn each_tampered_field_of_a_model_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (model, data) = fitted_model(dir.path());
    type Tamper = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, Tamper)> = vec![
        (
            "polytopes[0].halfspaces[0]",
            Box::new(|m| m["polytopes"][0]["halfspaces"][0]["hyperplane"] = 57.into()),
        ),
        (
            "space.features[0]",
            Box::new(|m| m["space"]["features"][0]["index"] = 99.into()),
        ),
        (
            "hyperplanes[0]",
            Box::new(|m| m["hyperplanes"][0]["hyperplane"]["w"] = serde_json::json!([1.0])),
        ),
        (
            "centroids",
            Box::new(|m| m["centroids"] = serde_json::json!([])),
        ),
        (
            "centroids[0]",
            Box::new(|m| m["centroids"][0] = serde_json::json!([0.5])),
        ),
        (
            "polytopes[1].cluster",
            Box::new(|m| m["polytopes"][1]["cluster"] = 7.into()),
        ),
        (
            "hyperplanes[0]",
            Box::new(|m| m["hyperplanes"][0]["j"] = 9.into()),
        ),
        ("not a model", Box::new(|m| m["polytopes"] = "x".into())),
    ];
    for (needle, tamper) in cases {
        let mut m = model.clone();
        tamper(&mut m);
        let path = write(dir.path(), "tampered.json", &m.to_string());
        for args in [
            vec!["predict", "--model", &path, "--data", &data],
            vec!["explain", "--model", &path, "--format", "sql"],
        ] {
            let out = polyclust(&args, dir.path());
            assert_clear_error(&out, &["model file", "tampered.json", needle]);
        }
    }
}

/// Every numeric leaf of a JSON value, as a path of keys and indices.
fn numeric_leaves(v: &serde_json::Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        serde_json::Value::Number(_) => out.push(path.clone()),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                numeric_leaves(item, path, out);
                path.pop();
            }
        }
        serde_json::Value::Object(map) => {
            for (k, item) in map {
                path.push(k.clone());
                numeric_leaves(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn leaf<'v>(v: &'v mut serde_json::Value, path: &[String]) -> &'v mut serde_json::Value {
    path.iter().fold(v, |v, key| match v {
        serde_json::Value::Array(items) => &mut items[key.parse::<usize>().unwrap()],
        other => &mut other[key.as_str()],
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any one numeric field of a valid model replaced by an awkward value:
    /// `predict` and `explain` either accept it or refuse it with exit 2,
    /// never a panic.
    #[test]
    fn mutated_models_never_panic(pick in any::<prop::sample::Index>(), value in prop_oneof![
        Just(serde_json::json!(-1)), Just(serde_json::json!(1e308)), Just(serde_json::json!(-1e308)),
        Just(serde_json::json!(0)), Just(serde_json::json!(99)), Just(serde_json::json!(1u64 << 40)),
        Just(serde_json::json!(0.5)), Just(serde_json::json!("x")), Just(serde_json::json!(null)),
        Just(serde_json::json!([])),
    ]) {
        let dir = tempfile::tempdir().unwrap();
        let (model, data) = fitted_model(dir.path());
        let mut leaves = Vec::new();
        numeric_leaves(&model, &mut Vec::new(), &mut leaves);
        let path = &leaves[pick.index(leaves.len())];
        let mut m = model.clone();
        *leaf(&mut m, path) = value;
        let file = write(dir.path(), "m.json", &m.to_string());
        for args in [
            vec!["predict", "--model", &file, "--data", &data],
            vec!["explain", "--model", &file, "--format", "text"],
            vec!["explain", "--model", &file, "--format", "sql"],
        ] {
            no_panic(&polyclust(&args, dir.path()));
        }
    }
}

// Class 3: settings that cannot work.

#[test]
fn impossible_settings_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "g.csv", &two_groups(20));
    let cases: &[(&[&str], &[&str])] = &[
        (&["--k", "2", "--time-limit=-1"], &["time-limit", "-1"]),
        (&["--k", "2", "--time-limit", "-1"], &["time-limit", "-1"]),
        (&["--k", "2", "--time-limit", "NaN"], &["time-limit", "NaN"]),
        (&["--k", "2", "--time-limit", "inf"], &["time-limit", "inf"]),
        (
            &["--k", "2", "--solver-time-limit", "-3"],
            &["solver-time-limit"],
        ),
        (&["--k", "2", "--budget", "0"], &["budget"]),
        (&["--k", "2", "--restarts", "0"], &["restarts"]),
        (&["--k-range", "15..30"], &["k-range", "20 rows", "19"]),
        (&["--k-range", "2..1000000"], &["k-range", "1000000"]),
        (&["--k", "20"], &["k", "20 rows"]),
        (
            &["--k", "2", "--m", "1000000", "--beta", "2"],
            &["m", "bytes"],
        ),
        (&["--k", "2", "--m", "0"], &["m"]),
        (&["--k", "2", "--beta", "3"], &["beta", "d = 2"]),
    ];
    for (extra, needles) in cases {
        let mut args = vec!["cluster", "--data", &data];
        args.extend_from_slice(extra);
        assert_clear_error(&polyclust(&args, dir.path()), needles);
    }
    let out = polyclust(
        &["kmeans", "--data", &data, "--k", "2", "--restarts", "0"],
        dir.path(),
    );
    assert_clear_error(&out, &["restarts"]);
    let out = polyclust(
        &[
            "interactions",
            "--synthetic",
            "f1",
            "--method",
            "nid",
            "--seeds",
            "0",
        ],
        dir.path(),
    );
    assert_clear_error(&out, &["seeds"]);
    let out = polyclust(
        &[
            "hyperplane",
            "--data",
            &data,
            "--i",
            "0",
            "--j",
            "1",
            "--backend",
            "microlp",
            "--time-limit",
            "inf",
        ],
        dir.path(),
    );
    assert_clear_error(&out, &["time limit"]);
}

// Class 4: time limits.

#[test]
fn a_run_stopped_by_its_time_limit_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = polyclust(
        &[
            "cluster",
            "--generate",
            "blobs",
            "--k",
            "5",
            "--time-limit",
            "0.000001",
            "--json",
        ],
        dir.path(),
    );
    let v = common::json_stdout(&out);
    assert_eq!(v["status"], "time_limit", "{v}");
    // The run still ends with a model.
    assert!(v["fidelity"].as_f64().unwrap() > 0.5, "{v}");
    let out = polyclust(
        &[
            "cluster",
            "--generate",
            "blobs",
            "--k-range",
            "2..6",
            "--restarts",
            "3",
            "--budget",
            "0.000001",
            "--json",
        ],
        dir.path(),
    );
    // Either no run finished within the budget (an error that says so) or
    // the result reports the runs skipped.
    if out.status.success() {
        let v = common::json_stdout(&out);
        assert_eq!(v["protocol_status"], "time_limit", "{v}");
        assert!(v["runs_skipped"].as_u64().unwrap() > 0, "{v}");
    } else {
        assert_clear_error(&out, &["budget"]);
    }
}

// Class 5: data read wrongly.

#[test]
fn a_stray_text_cell_in_a_numeric_column_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = two_groups(30);
    text = text.replacen("\n0,0,0\n", "\nabc,0,0\n", 1);
    let data = write(dir.path(), "stray.csv", &text);
    let out = polyclust(&["cluster", "--data", &data, "--k", "2"], dir.path());
    assert_clear_error(
        &out,
        &["stray.csv", "row 1", "'a'", "'abc'", "--categorical"],
    );
    // Declared categorical, the column is one-hot encoded.
    let out = polyclust(
        &[
            "cluster",
            "--data",
            &data,
            "--k",
            "2",
            "--categorical",
            "a",
            "--json",
        ],
        dir.path(),
    );
    assert!(common::json_stdout(&out)["d"].as_u64().unwrap() > 2);
}

#[test]
fn data_that_cannot_be_scaled_or_clustered_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let huge = write(dir.path(), "huge.csv", "a,b\n1e308,1\n-1e308,2\n0,3\n5,4\n");
    assert_clear_error(
        &polyclust(
            &["cluster", "--data", &huge, "--no-label", "--k", "2"],
            dir.path(),
        ),
        &["huge.csv", "'a'", "rescale"],
    );
    let unnamed = write(dir.path(), "unnamed.csv", "a,,label\n1,2,0\n3,4,1\n");
    assert_clear_error(
        &polyclust(&["score", "--data", &unnamed], dir.path()),
        &["unnamed.csv", "column 2", "no name"],
    );
    let two = write(dir.path(), "two.csv", "a,b\n0,0\n1,1\n");
    assert_clear_error(
        &polyclust(
            &["cluster", "--data", &two, "--no-label", "--k", "2"],
            dir.path(),
        ),
        &["k", "2 rows"],
    );
    assert_clear_error(
        &polyclust(
            &[
                "ibc",
                "--simulate",
                "article",
                "--rows",
                "0",
                "--write",
                "sim.csv",
            ],
            dir.path(),
        ),
        &["rows"],
    );
    assert!(!dir.path().join("sim.csv").exists());
}

// Class 6 and 7: wide files and long cells.

#[test]
fn a_wide_header_with_a_late_duplicate_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut names: Vec<String> = (0..100_000).map(|c| format!("c{c}")).collect();
    names.push("c7".into());
    let data = write(dir.path(), "wide.csv", &format!("{}\n", names.join(",")));
    let out = polyclust(&["score", "--data", &data], dir.path());
    assert_clear_error(&out, &["wide.csv", "'c7'", "twice"]);
}

#[test]
fn long_cells_are_cut_in_messages() {
    let dir = tempfile::tempdir().unwrap();
    let long = "9".repeat(100_000) + "x";
    let data = write(
        dir.path(),
        "long.csv",
        &format!("a,b\n1,2\n{long},3\n4,5\n6,7\n"),
    );
    let out = polyclust(
        &["cluster", "--data", &data, "--no-label", "--k", "2"],
        dir.path(),
    );
    assert_clear_error(&out, &["long.csv", "characters"]);
    assert!(out.stderr.len() < 1000, "{} bytes", out.stderr.len());
}

#[test]
fn predict_names_the_rows_it_decides_on_the_cells_they_have() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _) = fitted_model(dir.path());
    let rows = write(dir.path(), "new.csv", "a,b\n0,0\n,1\n5,3\nNA,2\n");
    let out = polyclust(
        &["predict", "--model", "fit/model.json", "--data", &rows],
        dir.path(),
    );
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2 rows") && stderr.contains("row 1, 3"),
        "{stderr}"
    );
    // Every row gets a cluster.
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 5);
}

// Class 8: outputs lost or half-written.

#[test]
fn a_failing_run_leaves_earlier_outputs_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (model, data) = fitted_model(dir.path());
    let before = std::fs::read_to_string(dir.path().join("fit/model.json")).unwrap();
    // Wrong plot columns: refused before anything is written.
    let out = polyclust(
        &[
            "cluster",
            "--data",
            &data,
            "--k",
            "3",
            "--out",
            "fit",
            "--plot",
            "p.svg",
            "--plot-columns",
            "a,zz",
        ],
        dir.path(),
    );
    assert_clear_error(&out, &["zz"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("fit/model.json")).unwrap(),
        before
    );
    assert!(!dir.path().join("p.svg").exists());
    // Impossible settings: the earlier directory stays as it was.
    let out = polyclust(
        &[
            "cluster", "--data", &data, "--k", "2", "--out", "fit", "--m", "0",
        ],
        dir.path(),
    );
    assert_clear_error(&out, &["m"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("fit/model.json")).unwrap(),
        before
    );
    // A successful rerun replaces the files and keeps other files there.
    std::fs::write(dir.path().join("fit/notes.txt"), "mine").unwrap();
    let out = polyclust(
        &[
            "cluster", "--data", &data, "--k", "2", "--seed", "3", "--out", "fit",
        ],
        dir.path(),
    );
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("fit/notes.txt")).unwrap(),
        "mine"
    );
    let again: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("fit/model.json")).unwrap())
            .unwrap();
    assert_eq!(again["schema_version"], model["schema_version"]);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial") || n.contains("previous"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_failing_bench_rerun_keeps_the_earlier_results() {
    let dir = tempfile::tempdir().unwrap();
    let registry = dir.path().join("registry");
    std::fs::create_dir(&registry).unwrap();
    std::fs::write(registry.join("ok.csv"), two_groups(24)).unwrap();
    std::fs::write(registry.join("tiny.csv"), two_groups(6)).unwrap();
    std::fs::write(
        registry.join("manifest.json"),
        r#"[{"name": "ok", "file": "ok.csv", "suite": "fcps", "n_rows": 24, "n_features": 2},
            {"name": "tiny", "file": "tiny.csv", "suite": "fcps", "n_rows": 6, "n_features": 2}]"#,
    )
    .unwrap();
    let run = |instances: &str| {
        common::polyclust_with_instances(
            &[
                "bench",
                "paper",
                "--instances",
                instances,
                "--restarts",
                "1",
                "--k-range",
                "2..5",
                "--out",
                "results",
            ],
            dir.path(),
            Some(&registry),
        )
    };
    let out = run("ok");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = std::fs::read_to_string(dir.path().join("results/results.csv")).unwrap();
    assert!(before.lines().count() > 1);
    // tiny has 6 rows: k = 5 is possible, 2..5 runs; with 2..6 it fails.
    let out = common::polyclust_with_instances(
        &[
            "bench",
            "paper",
            "--instances",
            "ok,tiny",
            "--restarts",
            "1",
            "--k-range",
            "2..6",
            "--out",
            "results",
        ],
        dir.path(),
        Some(&registry),
    );
    assert_clear_error(&out, &["tiny", "k-range"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("results/results.csv")).unwrap(),
        before
    );
}

// Every main command on random malformed input.

/// A random CSV: odd header names, numbers, text, NaN, huge and empty
/// cells, ragged rows, a BOM or CRLF line ends.
fn arb_csv() -> impl Strategy<Value = String> {
    let cell = prop_oneof![
        (-5.0f64..5.0).prop_map(|v| format!("{v:.3}")),
        Just("".to_string()),
        Just("NA".to_string()),
        Just("abc".to_string()),
        Just("NaN".to_string()),
        Just("1e308".to_string()),
        Just("-inf".to_string()),
        Just("\"q,uoted\"".to_string()),
        (0u8..3).prop_map(|c| format!("cat{c}")),
    ];
    let name = prop_oneof![
        Just("a".to_string()),
        Just("b".to_string()),
        Just("label".to_string()),
        Just("".to_string()),
        Just("é x".to_string()),
        (0u8..9).prop_map(|c| format!("c{c}")),
    ];
    (
        prop::collection::vec(name, 1..5),
        prop::collection::vec(prop::collection::vec(cell, 0..6), 0..30),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(header, rows, bom, crlf)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut text = if bom {
                "\u{feff}".to_string()
            } else {
                String::new()
            };
            text.push_str(&header.join(","));
            text.push_str(eol);
            for row in rows {
                text.push_str(&row.join(","));
                text.push_str(eol);
            }
            text
        })
}

fn arb_args() -> impl Strategy<Value = Vec<String>> {
    let number = prop_oneof![
        Just("0"),
        Just("1"),
        Just("2"),
        Just("3"),
        Just("-1"),
        Just("1000000"),
        Just("NaN"),
        Just("0.5"),
        Just("inf"),
        Just("x"),
    ];
    let command = prop_oneof![
        Just(vec!["score"]),
        Just(vec!["kmeans", "--k"]),
        Just(vec!["cluster", "--k"]),
        Just(vec!["cluster", "--preset", "mpc1", "--k"]),
        Just(vec!["cluster", "--no-label", "--k"]),
        Just(vec![
            "bench",
            "solvers",
            "--backends",
            "enumerate,highs",
            "--m"
        ]),
        Just(vec!["hyperplane", "--i", "0", "--j", "1", "--beta"]),
        Just(vec!["interactions", "--target", "b", "--top"]),
        Just(vec!["ibc", "--target", "b", "--folds"]),
    ];
    let extra = prop_oneof![
        Just(vec![]),
        number
            .clone()
            .prop_map(|v| vec!["--m".to_string(), v.to_string()]),
        number
            .clone()
            .prop_map(|v| vec!["--time-limit".to_string(), v.to_string()]),
        number
            .clone()
            .prop_map(|v| vec!["--restarts".to_string(), v.to_string()]),
        number
            .clone()
            .prop_map(|v| vec!["--beta".to_string(), v.to_string()]),
    ];
    (command, number.clone(), extra).prop_map(|(cmd, value, extra)| {
        let mut args: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
        if args.last().is_some_and(|a| a.starts_with("--")) {
            args.push(value.to_string());
        }
        args.extend(extra);
        args
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random malformed CSVs and argument values: exit 0 or 2, and no panic
    /// text, ever.
    #[test]
    fn random_input_never_panics(csv in arb_csv(), args in arb_args()) {
        let dir = tempfile::tempdir().unwrap();
        let data = write(dir.path(), "in.csv", &csv);
        let mut full: Vec<&str> = args.iter().map(String::as_str).collect();
        // `interactions` and `ibc` take --data too, and every command here
        // reads one file; `bench solvers` is under `bench`.
        full.insert(if full[0] == "bench" { 2 } else { 1 }, &data);
        full.insert(if full[0] == "bench" { 2 } else { 1 }, "--data");
        let out = polyclust(&full, dir.path());
        no_panic(&out);
    }
}
