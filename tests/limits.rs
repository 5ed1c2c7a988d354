//! Limits are kept: a run ends within 10 % + 0.5 s of `--time-limit`, a
//! protocol within 10 % + 0.5 s of `--budget`, each with a valid result
//! (every row inside its cluster's polytope, the status saying the time ran
//! out) and the runs the budget skipped counted. The bounds are loose on
//! purpose: they check that every long step of a run heeds its deadline,
//! not how fast the steps are.

mod common;

use common::{json_stdout, polyclust};
use polyclust::data::gaussian_blobs;
use polyclust::mpc::{self, ExplanationSpace, MpcParams, Preset, RunStatus};
use std::time::Instant;

/// A generated instance whose MPC-2 runs last several times the limits
/// below: 5,000 rows of 100 features (a distance matrix of 25·10⁶ entries;
/// MPC-2's directions per pair of clusters growing as d³), both starts. The
/// silhouette objective, whose distances, search and exact silhouette are
/// the long steps; the k-means objective ends this instance well inside the
/// limits.
const HEAVY: &[&str] = &[
    "cluster",
    "--generate",
    "blobs",
    "--rows",
    "5000",
    "--dims",
    "100",
    "--clusters",
    "10",
    "--preset",
    "mpc2",
    "--objective",
    "silhouette",
    "--coarse-start",
    "both",
    "--json",
];

/// The wall-clock seconds of `polyclust HEAVY extra` and its JSON report.
fn timed(extra: &[&str], dir: &std::path::Path) -> (f64, serde_json::Value) {
    let args: Vec<&str> = HEAVY.iter().chain(extra).copied().collect();
    let start = Instant::now();
    let out = polyclust(&args, dir);
    let seconds = start.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (seconds, json_stdout(&out))
}

/// One test, so the two commands do not run at once and slow each other.
#[test]
fn time_limit_and_budget_are_kept() {
    let dir = tempfile::tempdir().unwrap();

    let limit = 1.0;
    let (seconds, report) = timed(
        &["--k", "10", "--time-limit", "1", "--out", "run"],
        dir.path(),
    );
    assert!(
        seconds <= 1.1 * limit + 0.5,
        "--time-limit {limit}: {seconds:.2} s"
    );
    assert_eq!(report["status"], "time_limit", "{report}");
    assert_eq!(report["fidelity"], 1.0, "{report}");
    assert_eq!(report["uncovered"], 0, "{report}");

    let budget = 2.0;
    let (seconds, report) = timed(
        &[
            "--k-range",
            "2..10",
            "--restarts",
            "2",
            "--budget",
            "2",
            "--out",
            "protocol",
        ],
        dir.path(),
    );
    assert!(
        seconds <= 1.1 * budget + 0.5,
        "--budget {budget}: {seconds:.2} s"
    );
    assert_eq!(report["protocol_status"], "time_limit", "{report}");
    assert_eq!(report["fidelity"], 1.0, "{report}");
    let (runs, skipped) = (
        report["runs"].as_u64().unwrap(),
        report["runs_skipped"].as_u64().unwrap(),
    );
    assert!(runs >= 1 && skipped >= 1, "{report}");
    assert_eq!(runs + skipped, 9 * 2, "{report}");
}

/// A run whose deadline passes at once still ends with a model that holds
/// every row in its polytope and decides them as the fit says, its status
/// saying the time ran out and its silhouette marked as the run's estimate:
/// every step past the deadline (the distances abandoned, one k-means
/// restart, the assignment without the LP, axis-parallel hyperplanes, no
/// search, the silhouette of a sample) gives a usable result.
#[test]
fn a_run_past_its_deadline_ends_with_a_valid_model() {
    let ds = gaussian_blobs(2_000, 5, 4, 0.5, 3).into_dataset();
    let space = ExplanationSpace::identity(ds.d());
    for preset in [Preset::Mpc1, Preset::Mpc2] {
        let params = MpcParams::new(4)
            .preset(preset)
            .time_limit(Some(1e-9))
            .check(ds.x.view(), space.dim())
            .unwrap();
        let fit = mpc::fit(ds.x.view(), &ds.map, space.clone(), &params, &()).unwrap();
        assert_eq!(fit.status(), RunStatus::TimeLimit, "{preset:?}");
        assert_eq!(fit.fidelity, 1.0, "{preset:?}");
        assert_eq!(fit.model.assign(ds.x.view()).0, fit.labels, "{preset:?}");
        assert!(fit.search_history.is_empty(), "{preset:?}");
        assert!(!fit.silhouette_exact && fit.silhouette_se.is_none());
        assert_eq!(fit.sizes.iter().sum::<usize>(), ds.n(), "{preset:?}");
    }
}
