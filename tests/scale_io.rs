//! Data at scale: generated instances of any shape (checked arguments, the
//! same rows in memory and written row by row), `predict` streaming a file
//! in chunks with the output and errors of the in-memory path, and the
//! sampled silhouette of `score`.

mod common;

use common::{assert_clear_error, json_stdout, polyclust};
use polyclust::data::{self, LoadOptions, RawTable};
use polyclust::mpc::{self, ExplanationSpace, MpcParams, PolytopeModel};
use polyclust::predict::{self, RowRule, StreamOptions};
use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;

fn write(dir: &Path, name: &str, text: &str) -> String {
    std::fs::write(dir.join(name), text).unwrap();
    name.to_string()
}

fn run_ok(args: &[&str], dir: &Path) -> std::process::Output {
    let out = polyclust(args, dir);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

// Generated instances.

#[test]
fn generator_arguments_are_checked_in_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["generate", "blobs", "--rows", "1"],
            &["rows", "1", "at least 2"],
        ),
        (&["generate", "blobs", "--rows", "0"], &["rows", "0"]),
        (&["generate", "blobs", "--dims", "0"], &["dims", "0"]),
        (
            &["generate", "blobs", "--clusters", "1"],
            &["clusters", "1"],
        ),
        (
            &["generate", "blobs", "--rows", "10", "--clusters", "11"],
            &["clusters", "11", "10"],
        ),
        (&["generate", "quadrants", "--rows", "1"], &["rows", "1"]),
        (
            &["generate", "quadrants", "--dims", "3"],
            &["dims", "blobs"],
        ),
        (
            &["generate", "quadrants", "--clusters", "4"],
            &["clusters", "blobs"],
        ),
        (
            &["score", "--generate", "blobs", "--rows", "1"],
            &["rows", "at least 2"],
        ),
        (
            &[
                "kmeans",
                "--generate",
                "blobs",
                "--clusters",
                "9",
                "--rows",
                "5",
                "--k",
                "2",
            ],
            &["clusters", "9"],
        ),
    ];
    for (args, needles) in cases {
        assert_clear_error(&polyclust(args, dir.path()), needles);
    }
    let data = write(dir.path(), "d.csv", "a,label\n1,0\n2,1\n3,0\n");
    assert_clear_error(
        &polyclust(&["score", "--data", &data, "--rows", "5"], dir.path()),
        &["--rows", "--generate"],
    );
    assert!(!dir.path().join("out.csv").exists());
}

#[test]
fn a_generated_file_is_the_in_memory_instance_and_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let args = [
        "generate",
        "blobs",
        "--rows",
        "700",
        "--dims",
        "4",
        "--clusters",
        "3",
        "--seed",
        "7",
    ];
    let mut a = args.to_vec();
    a.extend(["--out", "a.csv"]);
    run_ok(&a, p);
    let first = std::fs::read(p.join("a.csv")).unwrap();
    run_ok(&a, p);
    assert_eq!(std::fs::read(p.join("a.csv")).unwrap(), first);
    // Standard output, the file and the library's in-memory instance agree.
    assert_eq!(run_ok(&args, p).stdout, first);
    let inst = data::gaussian_blobs(700, 4, 3, data::BLOBS_SPREAD, 7);
    assert_eq!(inst.to_csv(), first);
    assert_eq!(first.iter().filter(|&&b| b == b'\n').count(), 701);
    // Another seed, other rows.
    let mut b = args.to_vec();
    b[args.len() - 1] = "8";
    assert_ne!(run_ok(&b, p).stdout, first);
    // `--generate` with the same shape and seed scores the same rows.
    let from_file = json_stdout(&run_ok(&["score", "--data", "a.csv", "--json"], p));
    let generated = json_stdout(&run_ok(
        &[
            "score",
            "--generate",
            "blobs",
            "--rows",
            "700",
            "--dims",
            "4",
            "--clusters",
            "3",
            "--generate-seed",
            "7",
            "--json",
        ],
        p,
    ));
    assert_eq!(from_file["silhouette"], generated["silhouette"]);
    assert_eq!(generated["n"], 700);
    assert_eq!(generated["d"], 4);
    assert_eq!(generated["k"], 3);
    // The defaults are the instances the command line always generated.
    assert_eq!(
        run_ok(&["generate", "blobs"], p).stdout,
        data::gaussian_blobs(600, 3, 5, 0.6, 1).to_csv()
    );
    assert_eq!(
        run_ok(&["generate", "quadrants", "--seed", "4"], p).stdout,
        data::quadrants(800, 0.02, 4).to_csv()
    );
    assert_eq!(
        run_ok(&["generate", "quadrants", "--rows", "30"], p).stdout,
        data::quadrants(30, 0.02, 1).to_csv()
    );
}

#[test]
fn generate_leaves_an_earlier_file_alone_when_it_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(p, "keep.csv", "precious\n");
    let out = polyclust(
        &["generate", "blobs", "--rows", "1", "--out", "keep.csv"],
        p,
    );
    assert_clear_error(&out, &["rows"]);
    assert_eq!(
        std::fs::read_to_string(p.join("keep.csv")).unwrap(),
        "precious\n"
    );
    let out = polyclust(&["generate", "blobs", "--out", "no/such/dir/x.csv"], p);
    assert_clear_error(&out, &["no/such/dir/x.csv"]);
}

// Streaming predict against the in-memory path.

/// Training rows with two numeric columns, a categorical one and a label.
fn training_csv() -> String {
    let inst = data::gaussian_blobs(240, 2, 3, 0.7, 5);
    let mut text = String::from("a,b,job,label\n");
    for (t, (row, l)) in inst.x.rows().into_iter().zip(&inst.labels).enumerate() {
        let job = ["x", "y", "z"][(t / 3 + l) % 3];
        text.push_str(&format!("{},{},{job},{l}\n", row[0], row[1]));
    }
    text
}

/// A fitted model over `training_csv` (numeric and one-hot features), with
/// outliers set apart; and the same with screened thresholds (an
/// explanation space other than the identity).
fn models() -> &'static [PolytopeModel; 2] {
    static MODELS: OnceLock<[PolytopeModel; 2]> = OnceLock::new();
    MODELS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "t.csv", &training_csv());
        let ds = data::load_csv(&dir.path().join("t.csv"), &LoadOptions::default()).unwrap();
        let fit = |space: ExplanationSpace| {
            let params = MpcParams::new(3)
                .m(3)
                .beta(2)
                .seed(2)
                .check(ds.x.view(), space.dim())
                .unwrap();
            let mut fit = mpc::fit(ds.x.view(), &ds.map, space, &params, &()).unwrap();
            fit.set_outliers_apart(ds.x.view(), mpc::OUTLIER_MULTIPLE);
            fit.model
        };
        let mut binarized = ExplanationSpace::identity(ds.d());
        binarized.add_quantile_thresholds(ds.x.view(), 4);
        [fit(ExplanationSpace::identity(ds.d())), fit(binarized)]
    })
}

/// What `predict` prints, in memory: `prepare` with the model's map (rows
/// with missing cells kept, their features NaN), `predict::segments`, and
/// the rows decided on the cells they have.
fn in_memory(path: &Path, model: &PolytopeModel) -> Result<(String, Vec<usize>), String> {
    let table = RawTable::read(path).map_err(|e| e.to_string())?;
    let options = LoadOptions {
        label_column: None,
        missing: data::MissingPolicy::Keep,
        ..LoadOptions::default()
    };
    let ds = data::prepare(&table, &options, Some(&model.map)).map_err(|e| e.to_string())?;
    let mut text = String::from("row,cluster\n");
    for (row, segment) in ds
        .row_index
        .iter()
        .zip(predict::segments(model, ds.x.view()))
    {
        match segment {
            Some(c) => text.push_str(&format!("{row},{c}\n")),
            None => text.push_str(&format!("{row},{}\n", mpc::OUTLIER_LABEL)),
        }
    }
    let missing = ds
        .row_index
        .iter()
        .zip(ds.x.rows())
        .filter(|(_, x)| x.iter().any(|v| v.is_nan()))
        .map(|(r, _)| *r)
        .collect();
    Ok((text, missing))
}

/// The streaming path; the output is `None` when the file was refused.
fn streamed(
    path: &Path,
    model: &PolytopeModel,
    chunk_rows: usize,
) -> Result<(String, Vec<usize>), String> {
    let mut out = Vec::new();
    let options = StreamOptions {
        chunk_rows,
        ..StreamOptions::default()
    };
    let summary =
        predict::predict_file(path, model, &mut out, &options).map_err(|e| e.to_string())?;
    assert_eq!(summary.first_missing.len(), summary.missing.min(10));
    Ok((String::from_utf8(out).unwrap(), summary.first_missing))
}

fn assert_same(path: &Path, model: &PolytopeModel, chunk_rows: usize) {
    let expected = in_memory(path, model);
    let got = streamed(path, model, chunk_rows);
    match (&expected, &got) {
        (Ok((text, missing)), Ok((streamed_text, first))) => {
            assert_eq!(streamed_text, text, "chunks of {chunk_rows}");
            assert_eq!(first[..], missing[..missing.len().min(10)]);
        }
        (Err(e), Err(f)) => assert_eq!(f, e, "chunks of {chunk_rows}"),
        _ => panic!("chunks of {chunk_rows}: in memory {expected:?}, streamed {got:?}"),
    }
}

/// One cell of a generated test file.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        60 => (-2.0f64..12.0).prop_map(|v| format!("{v}")),
        2 => Just(String::new()),
        2 => prop::sample::select(vec!["NA", "?", " ", " 3.5 ", "1e1", "-0"]).prop_map(String::from),
        1 => prop::sample::select(vec!["NaN", "inf", "abc", "x"]).prop_map(String::from),
    ]
}

fn category() -> impl Strategy<Value = String> {
    prop_oneof![
        30 => prop::sample::select(vec!["x", "y", "z", " y "]).prop_map(String::from),
        1 => prop::sample::select(vec!["", "NA", "w", "X"]).prop_map(String::from),
    ]
}

/// A line of a test file: a row, now and then a blank or ragged line.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        150 => (cell(), cell(), category()).prop_map(|(a, b, c)| format!("{a},{b},{c}")),
        4 => Just(String::new()),
        1 => Just("1,2".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any file: the streamed output, rows left out and error are those of
    /// the in-memory path, whatever the chunk size.
    #[test]
    fn streaming_predict_is_the_in_memory_path(
        lines in prop::collection::vec(line(), 0..60),
        extra_column in any::<bool>(),
        chunk_rows in 1usize..9,
        which in 0usize..2,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let header = if extra_column { "id,job,b,a" } else { "a,b,job" };
        let mut text = format!("{header}\n");
        for (t, l) in lines.iter().enumerate() {
            if extra_column && l.matches(',').count() == 2 {
                let f: Vec<&str> = l.split(',').collect();
                text.push_str(&format!("{t},{},{},{}\n", f[2], f[1], f[0]));
            } else {
                text.push_str(l);
                text.push('\n');
            }
        }
        let path = dir.path().join("new.csv");
        std::fs::write(&path, &text).unwrap();
        assert_same(&path, &models()[which], chunk_rows);
        assert_same(&path, &models()[which], 65_536);
    }
}

#[test]
fn files_refused_as_a_whole_are_refused_alike() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let mut late_utf8 = b"a,b,job\n".to_vec();
    for t in 0..50 {
        late_utf8.extend_from_slice(format!("{t},1,x\n").as_bytes());
    }
    late_utf8.extend_from_slice(b"1,\xff,y\n");
    std::fs::write(p.join("utf8.csv"), late_utf8).unwrap();
    let files: &[(&str, &str)] = &[
        ("empty.csv", ""),
        ("header.csv", "a,b,job\n"),
        ("no_b.csv", "a,job\n1,x\n2,y\n"),
        ("blank_header.csv", " , \n1,2\n"),
        ("twice.csv", "a,b,a,job\n1,2,3,x\n"),
        ("all_missing.csv", "a,b,job\n,1,x\n2,NA,y\n"),
        (
            "quoted.csv",
            "a,b,job\n\"1\",\"2\",\"x\"\n\" 3 \",4,\"y\"\n5,\"6\n\",z\n",
        ),
    ];
    for (name, text) in files {
        write(p, name, text);
    }
    for model in models() {
        for name in files
            .iter()
            .map(|(n, _)| *n)
            .chain(["utf8.csv", "absent.csv"])
        {
            for chunk in [1, 3, 65_536] {
                assert_same(&p.join(name), model, chunk);
            }
        }
    }
}

#[test]
fn the_row_rule_decides_as_segments_inside_and_outside_the_data() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    for model in models() {
        let d = model.map.columns.len();
        let x = ndarray::Array2::from_shape_fn((4000, d), |_| rng.random_range(-0.5..1.5));
        let expected = model.segments(x.view());
        let rule = RowRule::new(model);
        let mut z = vec![0.0; rule.z_len()];
        for (row, want) in x.rows().into_iter().zip(&expected) {
            assert_eq!(rule.segment(row.as_slice().unwrap(), &mut z), *want);
        }
        assert!(expected.iter().any(Option::is_none), "some outliers");
    }
}

#[test]
fn predict_is_byte_identical_to_the_fit_with_outliers_and_categories() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(p, "t.csv", &training_csv());
    run_ok(
        &[
            "cluster",
            "--data",
            "t.csv",
            "--k",
            "3",
            "--outliers",
            "--out",
            "fit",
        ],
        p,
    );
    let assignments = std::fs::read_to_string(p.join("fit/assignments.csv")).unwrap();
    assert!(assignments.contains(",-1\n"), "the fit sets outliers apart");
    for chunk in ["1", "7", "65536"] {
        let out = run_ok(
            &[
                "predict",
                "--model",
                "fit/model.json",
                "--data",
                "t.csv",
                "--chunk-rows",
                chunk,
            ],
            p,
        );
        assert_eq!(String::from_utf8(out.stdout).unwrap(), assignments);
        assert!(out.stderr.is_empty());
    }
    run_ok(
        &[
            "predict",
            "--model",
            "fit/model.json",
            "--data",
            "t.csv",
            "--out",
            "p.csv",
            "--chunk-rows",
            "5",
        ],
        p,
    );
    assert_eq!(
        std::fs::read_to_string(p.join("p.csv")).unwrap(),
        assignments
    );
    // Missing cells: decided on the cells present, and named once.
    let mut lines: Vec<String> = training_csv().lines().map(String::from).collect();
    for r in [3usize, 50, 51, 200] {
        let cells: Vec<&str> = lines[r + 1].split(',').collect();
        lines[r + 1] = format!("{},,{},{}", cells[0], cells[2], cells[3]);
    }
    write(p, "m.csv", &(lines.join("\n") + "\n"));
    let model =
        PolytopeModel::from_json(&std::fs::read_to_string(p.join("fit/model.json")).unwrap())
            .unwrap();
    for chunk in [1, 4, 65_536] {
        assert_same(&p.join("m.csv"), &model, chunk);
    }
    let out = run_ok(
        &[
            "predict",
            "--model",
            "fit/model.json",
            "--data",
            "m.csv",
            "--chunk-rows",
            "16",
        ],
        p,
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("4 rows") && stderr.contains("row 3, 50, 51, 200 (0-based"),
        "{stderr}"
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 241);
}

#[test]
fn an_error_in_a_late_chunk_names_its_row_and_is_not_a_success() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(p, "t.csv", &training_csv());
    run_ok(
        &["cluster", "--data", "t.csv", "--k", "3", "--out", "fit"],
        p,
    );
    let mut lines: Vec<String> = training_csv().lines().map(String::from).collect();
    // Data row 231 (1-based), in the 24th chunk of ten rows: an unseen category.
    lines[231] = "1.5,2.5,unseen,0".into();
    write(p, "late.csv", &(lines.join("\n") + "\n"));
    let mut ragged = lines.clone();
    ragged[231] = "1.5,2.5".into();
    write(p, "ragged.csv", &(ragged.join("\n") + "\n"));
    write(p, "keep.csv", "row,cluster\n0,7\n");
    for chunk in ["10", "65536"] {
        let args = [
            "predict",
            "--model",
            "fit/model.json",
            "--data",
            "late.csv",
            "--chunk-rows",
            chunk,
        ];
        assert_clear_error(
            &polyclust(&args, p),
            &["late.csv", "row 231", "'job'", "unseen"],
        );
        let mut to_file = args.to_vec();
        to_file.extend(["--out", "keep.csv"]);
        assert_clear_error(&polyclust(&to_file, p), &["row 231", "unseen"]);
        assert_eq!(
            std::fs::read_to_string(p.join("keep.csv")).unwrap(),
            "row,cluster\n0,7\n",
            "a refused file leaves the earlier output in place"
        );
        let ragged_args = [
            "predict",
            "--model",
            "fit/model.json",
            "--data",
            "ragged.csv",
            "--chunk-rows",
            chunk,
            "--out",
            "new.csv",
        ];
        assert_clear_error(
            &polyclust(&ragged_args, p),
            &["ragged.csv", "row 231", "line 232", "2 fields"],
        );
        assert!(!p.join("new.csv").exists(), "no partial file");
        let leftovers: Vec<_> = std::fs::read_dir(p)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("partial"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

// The sampled silhouette of `score`.

#[test]
fn score_sample_size_reports_an_estimate_and_its_standard_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let generated = [
        "score",
        "--generate",
        "blobs",
        "--rows",
        "3000",
        "--dims",
        "2",
        "--clusters",
        "4",
        "--json",
    ];
    let exact = json_stdout(&run_ok(&generated, p));
    assert_eq!(exact["silhouette_exact"], true);
    assert_eq!(exact["silhouette_se"], 0.0);
    assert_eq!(exact["sample_size"], 3000);
    let sampled_args = |size: &'static str, seed: &'static str| {
        let mut a = generated.to_vec();
        a.extend(["--sample-size", size, "--seed", seed]);
        a
    };
    let sampled = json_stdout(&run_ok(&sampled_args("500", "1"), p));
    assert_eq!(sampled["silhouette_exact"], false);
    assert_eq!(sampled["sample_size"], 500);
    assert_eq!(sampled["repeats"], 10);
    assert_eq!(sampled["seed"], 1);
    let se = sampled["silhouette_se"].as_f64().unwrap();
    let (s, e) = (
        sampled["silhouette"].as_f64().unwrap(),
        exact["silhouette"].as_f64().unwrap(),
    );
    assert!(
        se > 0.0 && (s - e).abs() < 5.0 * se + 1e-3,
        "{s} ± {se} vs {e}"
    );
    // Same seed, same estimate.
    let again = json_stdout(&run_ok(&sampled_args("500", "1"), p));
    assert_eq!(again["silhouette"], sampled["silhouette"]);
    assert_eq!(again["silhouette_se"], sampled["silhouette_se"]);
    let other = json_stdout(&run_ok(&sampled_args("500", "2"), p));
    assert_ne!(other["silhouette"], sampled["silhouette"]);
    // A sample as large as the data is the exact silhouette.
    let whole = json_stdout(&run_ok(&sampled_args("3000", "1"), p));
    assert_eq!(whole["silhouette_exact"], true);
    assert_eq!(whole["silhouette"], exact["silhouette"]);
    // Text output says it is an estimate.
    let mut text = sampled_args("500", "1");
    text.retain(|a| *a != "--json");
    let shown = String::from_utf8(run_ok(&text, p).stdout).unwrap();
    assert!(
        shown.contains("silhouette ≈") && shown.contains("standard error"),
        "{shown}"
    );
    // Settings that cannot work.
    assert_clear_error(
        &polyclust(&sampled_args("2", "1"), p),
        &["sample-size", "2"],
    );
    let mut zero = sampled_args("500", "1");
    zero.extend(["--repeats", "0"]);
    assert_clear_error(&polyclust(&zero, p), &["repeats", "0"]);
}
