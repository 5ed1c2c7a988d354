//! No output loses a user's file: output directories and files that would
//! remove, move or overwrite anything that is not polyclust's own earlier
//! output are refused with one sentence; temporary files do not outlive a
//! run that can be told to stop; concurrent runs leave one run's outputs.

mod common;

use common::{assert_clear_error, polyclust};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

/// Every file below `dir` (relative path → contents), symbolic links as
/// their target's name.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, into: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let rel = path.strip_prefix(root).unwrap().display().to_string();
            let kind = entry.file_type().unwrap();
            if kind.is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                into.insert(rel, format!("-> {}", target.display()).into_bytes());
            } else if kind.is_dir() {
                into.insert(format!("{rel}/"), Vec::new());
                walk(root, &path, into);
            } else {
                into.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

/// A working directory `work/` inside a parent with a file of its own, and
/// a data file and a note in `work/`.
fn workspace() -> (tempfile::TempDir, std::path::PathBuf) {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(
        root.path().join("parent-notes.txt"),
        "the parent's own file\n",
    )
    .unwrap();
    let work = root.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let out = polyclust(
        &["generate", "blobs", "--rows", "90", "--out", "data.csv"],
        &work,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(work.join("notes.txt"), "an analyst's notes\n").unwrap();
    (root, work)
}

fn fit(work: &Path, out_dir: &str) {
    let out = polyclust(
        &[
            "cluster", "--data", "data.csv", "--k", "3", "--out", out_dir,
        ],
        work,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_working_directory_and_its_parents_are_refused_and_left_as_they_were() {
    let (root, work) = workspace();
    let before = snapshot(root.path());
    for dir in [".", "..", "./", "sub/../.", "../work"] {
        let out = polyclust(
            &["cluster", "--data", "data.csv", "--k", "3", "--out", dir],
            &work,
        );
        assert_clear_error(
            &out,
            &["--out", "working directory", "name a new directory"],
        );
        assert_eq!(snapshot(root.path()), before, "--out {dir} changed files");
    }
    // bench paper's and instances generate's output directories alike.
    let out = polyclust(&["instances", "generate", "--out", "."], &work);
    assert_clear_error(&out, &["--out", "working directory"]);
    assert_eq!(snapshot(root.path()), before);
}

#[test]
fn a_directory_holding_the_input_is_refused() {
    let (root, work) = workspace();
    std::fs::create_dir(work.join("d")).unwrap();
    std::fs::copy(work.join("data.csv"), work.join("d/x.csv")).unwrap();
    let before = snapshot(root.path());
    let out = polyclust(
        &["cluster", "--data", "d/x.csv", "--k", "3", "--out", "d"],
        &work,
    );
    assert_clear_error(&out, &["--out d", "x.csv", "reads"]);
    assert_eq!(snapshot(root.path()), before);
}

#[test]
fn a_symlinked_output_directory_is_followed_and_its_other_files_kept() {
    let (_root, work) = workspace();
    std::fs::create_dir(work.join("real")).unwrap();
    std::fs::write(work.join("real/keep.txt"), "mine\n").unwrap();
    std::os::unix::fs::symlink("real", work.join("link")).unwrap();
    fit(&work, "link");
    let meta = std::fs::symlink_metadata(work.join("link")).unwrap();
    assert!(meta.file_type().is_symlink(), "the link is still a link");
    assert_eq!(
        std::fs::read_to_string(work.join("real/keep.txt")).unwrap(),
        "mine\n"
    );
    assert!(work.join("real/model.json").is_file());
    // A rerun replaces polyclust's files only.
    fit(&work, "link");
    assert_eq!(
        std::fs::read_to_string(work.join("real/keep.txt")).unwrap(),
        "mine\n"
    );
}

#[test]
fn files_of_the_same_name_that_polyclust_did_not_write_are_left_alone() {
    let (root, work) = workspace();
    std::fs::create_dir(work.join("out")).unwrap();
    std::fs::write(work.join("out/model.json"), "{\"mine\": true}\n").unwrap();
    let before = snapshot(root.path());
    let out = polyclust(
        &["cluster", "--data", "data.csv", "--k", "3", "--out", "out"],
        &work,
    );
    assert_clear_error(&out, &["--out out", "model.json", "did not write"]);
    assert_eq!(snapshot(root.path()), before);
    // An output directory of an earlier release (no marker) is recognised
    // by its model.json, and its other files stay.
    fit(&work, "earlier");
    std::fs::remove_file(work.join("earlier/.polyclust-output")).unwrap();
    std::fs::write(work.join("earlier/notes.txt"), "kept\n").unwrap();
    fit(&work, "earlier");
    assert_eq!(
        std::fs::read_to_string(work.join("earlier/notes.txt")).unwrap(),
        "kept\n"
    );
}

#[test]
fn an_output_file_is_never_an_input_or_a_file_polyclust_did_not_write() {
    let (root, work) = workspace();
    fit(&work, "fit");
    let predict = |out: &str| {
        polyclust(
            &[
                "predict",
                "--model",
                "fit/model.json",
                "--data",
                "data.csv",
                "--out",
                out,
            ],
            &work,
        )
    };
    let before = snapshot(root.path());
    assert_clear_error(&predict("data.csv"), &["--out data.csv", "reads"]);
    assert_clear_error(&predict("./data.csv"), &["reads"]);
    assert_clear_error(&predict("fit/model.json"), &["reads"]);
    assert_clear_error(
        &predict("notes.txt"),
        &["--out notes.txt", "not a polyclust output"],
    );
    assert_clear_error(&predict("fit"), &["directory"]);
    let plot = polyclust(
        &[
            "cluster",
            "--data",
            "data.csv",
            "--k",
            "3",
            "--plot",
            "notes.txt",
        ],
        &work,
    );
    assert_clear_error(&plot, &["--plot notes.txt", "not a polyclust output"]);
    let plot = polyclust(
        &[
            "cluster", "--data", "data.csv", "--k", "3", "--plot", "data.csv",
        ],
        &work,
    );
    assert_clear_error(&plot, &["--plot data.csv", "reads"]);
    assert_eq!(snapshot(root.path()), before);
    // polyclust's own earlier output of the same kind is replaced.
    assert!(predict("labels.csv").status.success());
    assert!(predict("labels.csv").status.success());
    let text = std::fs::read_to_string(work.join("labels.csv")).unwrap();
    assert!(text.starts_with("row,cluster\n"));
    assert_eq!(text.lines().count(), 91);
}

/// A process id that is not running (a child that has exited and been reaped).
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn leftovers_of_killed_runs_are_recognisable_and_removed_by_the_next_write() {
    let (_root, work) = workspace();
    fit(&work, "fit");
    let pid = dead_pid();
    let ours = format!(".p.csv.polyclust-partial-{pid}");
    let earlier = format!(".p.csv.partial-{pid}");
    let other = ".p.csv.somebody-else";
    for name in [&ours, &earlier, &other.to_string()] {
        std::fs::write(work.join(name), "half a run\n").unwrap();
    }
    let out = polyclust(
        &[
            "predict",
            "--model",
            "fit/model.json",
            "--data",
            "data.csv",
            "--out",
            "p.csv",
        ],
        &work,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!work.join(&ours).exists());
    assert!(!work.join(&earlier).exists());
    assert!(
        work.join(other).exists(),
        "a file of another name is not ours to remove"
    );
}

/// Hidden temporary files of polyclust in `dir`.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("polyclust-partial"))
        .collect()
}

#[test]
fn an_interrupted_predict_removes_its_temporary_file() {
    let (_root, work) = workspace();
    fit(&work, "fit");
    for signal in ["INT", "TERM", "HUP"] {
        // The data arrive through a pipe that stays open, so predict is
        // still running, its temporary file open, when the signal comes.
        let fifo = work.join("rows.fifo");
        let _ = std::fs::remove_file(&fifo);
        assert!(Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        let mut child = Command::new(env!("CARGO_BIN_EXE_polyclust"))
            .args([
                "predict",
                "--model",
                "fit/model.json",
                "--data",
                "rows.fifo",
            ])
            .args(["--out", "p.csv"])
            .current_dir(&work)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        use std::io::Write;
        let header = std::fs::read_to_string(work.join("data.csv")).unwrap();
        writer.write_all(header.as_bytes()).unwrap();
        writer.flush().unwrap();
        let mut waited = 0;
        while temporaries(&work).is_empty() && waited < 200 {
            std::thread::sleep(std::time::Duration::from_millis(50));
            waited += 1;
        }
        assert!(
            !temporaries(&work).is_empty(),
            "predict opened its temporary file"
        );
        let pid = child.id().to_string();
        assert!(Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap()
            .success());
        let status = child.wait().unwrap();
        drop(writer);
        assert_eq!(status.code(), Some(130), "SIG{signal}");
        assert!(
            temporaries(&work).is_empty(),
            "SIG{signal}: {:?}",
            temporaries(&work)
        );
        assert!(
            !work.join("p.csv").exists(),
            "SIG{signal}: no partial output"
        );
    }
}

#[test]
fn concurrent_runs_on_one_output_directory_leave_one_runs_complete_set() {
    let (_root, work) = workspace();
    let children: Vec<_> = ["2", "3", "4", "5"]
        .iter()
        .map(|k| {
            Command::new(env!("CARGO_BIN_EXE_polyclust"))
                .args(["cluster", "--data", "data.csv", "--k", k, "--no-search"])
                .args(["--out", "same"])
                .current_dir(&work)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The rules and the assignments are those of the model beside them.
    let rules = polyclust(&["explain", "--model", "same/model.json"], &work);
    assert!(rules.status.success());
    assert_eq!(
        String::from_utf8_lossy(&rules.stdout),
        std::fs::read_to_string(work.join("same/rules.txt")).unwrap()
    );
    let model: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(work.join("same/model.json")).unwrap())
            .unwrap();
    let k = model["centroids"].as_array().map(Vec::len).unwrap();
    let assigned: std::collections::BTreeSet<String> =
        std::fs::read_to_string(work.join("same/assignments.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap().to_string())
            .collect();
    assert_eq!(assigned.len(), k, "assignments of the model's {k} clusters");
    assert!(temporaries(&work.join("same")).is_empty());
}
