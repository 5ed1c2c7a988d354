//! `bench paper`: the paper's protocol on the registry's instances, written
//! as results.csv and results.md beside the paper's Tables 1–4; `bench
//! speed`: one-thread run times beside the interpretable-tree peer.

use super::args::{BenchPaperArgs, BenchScaleArgs, BenchSpeedArgs};
use super::benchmark::{self, BenchRow, BenchSettings, Method};
use super::output::outln;
use super::peer_script;
use super::progress::counter_bar;
use super::safe_output::OutputDir;
use anyhow::{bail, Context, Result};
use polyclust::data::{Dataset, Registry};
use polyclust::job::{ClusterSpec, Hooks, ScreenAgainst};
use polyclust::mpc::{self, ExplanationSpace, MpcParams, Preset};
use serde_json::json;
use std::path::Path;
use std::time::Instant;

/// The files `bench paper --out DIR` writes.
const RESULT_FILES: [&str; 4] = [
    "results.csv",
    "results.md",
    "results.partial.csv",
    "results.partial.md",
];

/// `bench paper --out DIR` checked: a directory an earlier release wrote
/// (no marker) is recognised by its results.csv header.
fn results_dir(dir: &Path) -> Result<OutputDir> {
    let header = benchmark::to_csv(&[]);
    let header = header.lines().next().unwrap_or_default().to_string();
    let earlier = |_: &str, _: &Path| {
        ["results.csv", "results.partial.csv"].iter().any(|name| {
            std::fs::read_to_string(dir.join(name))
                .is_ok_and(|t| t.lines().next() == Some(header.as_str()))
        })
    };
    OutputDir::check("--out", dir, &RESULT_FILES, &earlier)
}

/// Write the rows so far: `results.partial.{csv,md}` while the benchmark
/// runs (readable if it is interrupted), `results.{csv,md}` once it is done.
/// An earlier run's results.csv is replaced only by a finished run.
fn write_results(
    dir: &OutputDir,
    rows: &[BenchRow],
    settings: &BenchSettings,
    done: bool,
) -> Result<()> {
    let stem = if done { "results" } else { "results.partial" };
    let [csv, md, partial_csv, partial_md] = RESULT_FILES;
    let (csv, md) = if done {
        (csv, md)
    } else {
        (partial_csv, partial_md)
    };
    debug_assert!(csv.starts_with(stem));
    dir.write(&[
        (csv, benchmark::to_csv(rows).into_bytes()),
        (md, benchmark::to_markdown(rows, settings).into_bytes()),
    ])?;
    if done {
        // The partial files are this command's own (listed in the marker).
        for name in [partial_csv, partial_md] {
            let _ = std::fs::remove_file(dir.path().join(name));
        }
    }
    Ok(())
}

/// The selected instances, loaded and prepared as `cluster` prepares them
/// (rows with a missing cell dropped, one-hot categoricals, min-max scaling).
fn selected(args: &BenchPaperArgs) -> Result<Vec<(Dataset, String)>> {
    let registry = Registry::from_env()?;
    super::safe_output::protect_input(&registry.dir);
    let names: Vec<String> = if args.instances.is_empty() {
        registry
            .instances
            .iter()
            .filter(|i| args.suite.includes(&i.suite))
            .map(|i| i.name.clone())
            .collect()
    } else {
        super::instances::named(&registry, &args.instances)?
    };
    if names.is_empty() {
        bail!(
            "the registry {} holds no instance of the selected suite",
            registry.dir.display()
        );
    }
    names
        .iter()
        .map(|name| {
            let suite = registry.info(name)?.suite.clone();
            Ok((registry.load(name)?, suite))
        })
        .collect()
}

pub(crate) fn bench_paper(args: &BenchPaperArgs) -> Result<()> {
    if args.restarts == 0 {
        bail!("invalid restarts: 0; at least one seed per k is needed");
    }
    polyclust::params::check_seconds("time-limit", args.time_limit)?;
    polyclust::params::check_seconds("solver-time-limit", Some(args.solver.solver_time_limit))?;
    let datasets = selected(args)?;
    // Fail on a directory that cannot be written before hours of runs.
    let out_dir = results_dir(&args.out)?;
    let mpc = MpcParams::new(args.k_range.0)
        .seed(args.seed)
        .backend(args.solver.backend)
        .solver_time_limit(Some(args.solver.solver_time_limit))
        .time_limit(args.time_limit)
        .min_cluster_size(args.min_cluster_size);
    let settings = BenchSettings {
        ks: args.k_range.0..=args.k_range.1,
        restarts: args.restarts,
        mpc,
        runs_in_parallel: !args.one_run_at_a_time,
    };
    let total: usize = datasets
        .iter()
        .map(|(ds, _)| Method::ALL.len() * benchmark::runs_per_method(ds.x.view(), &settings))
        .sum();
    let bar = counter_bar(total, "runs");
    let start = Instant::now();
    let mut rows = Vec::new();
    // Instances and methods run one after another: their run times are the
    // figures compared with the paper's, and concurrent runs would share the
    // cores and inflate them. Each MPC run is parallel inside (pairs of
    // clusters, k-means restarts).
    for (ds, suite) in &datasets {
        for method in Method::ALL {
            let row = benchmark::run_method(ds, suite, method, &settings, &|tick| {
                bar.inc(1);
                bar.set_message(format!(
                    "{} {}: k = {}, seed {}, silhouette {:.4}",
                    ds.name,
                    tick.method.heading(),
                    tick.k,
                    tick.seed,
                    tick.silhouette.unwrap_or(f64::NAN)
                ));
            })
            .with_context(|| format!("{} on {}", method.heading(), ds.name))?;
            rows.push(row);
        }
        write_results(&out_dir, &rows, &settings, false)?;
    }
    bar.finish_and_clear();
    write_results(&out_dir, &rows, &settings, true)?;
    let seconds = start.elapsed().as_secs_f64();
    if args.json {
        outln!(
            "{}",
            json!({
                "rows": rows, "out": args.out, "seconds": seconds,
                "k_range": [args.k_range.0, args.k_range.1], "restarts": args.restarts,
                "seed": args.seed, "backend": args.solver.backend.name(),
            })
        );
    } else {
        outln!(
            "{:<12} {:<9} {:>10} {:>3} {:>8} {:>8} {:>11} {:>10} {:>10} {:>10}",
            "instance",
            "method",
            "silhouette",
            "k",
            "smallest",
            "fidelity",
            "hyperplanes",
            "run s",
            "paper s",
            "paper sil"
        );
        let opt = |v: Option<f64>, digits: usize| {
            v.map_or_else(|| "—".to_string(), |v| format!("{v:.digits$}"))
        };
        for r in &rows {
            outln!(
                "{:<12} {:<9} {:>10} {:>3} {:>8} {:>8} {:>11} {:>10} {:>10} {:>10}",
                r.instance,
                r.method.name(),
                opt(r.silhouette, 4),
                r.k,
                r.smallest_cluster.map_or_else(
                    || "—".to_string(),
                    |m| format!("{m}{}", if r.meets_min_cluster_size { "" } else { "‡" })
                ),
                opt(r.fidelity, 3),
                r.hyperplanes
                    .map_or_else(|| "—".to_string(), |h| h.to_string()),
                benchmark::format_seconds(r.median_run_seconds),
                r.paper_seconds
                    .map_or_else(|| "—".to_string(), |s| s.to_string()),
                opt(r.paper_silhouette, 3),
            );
        }
        outln!(
            "wrote {}/results.csv and {}/results.md in {seconds:.1} s",
            args.out.display(),
            args.out.display()
        );
    }
    Ok(())
}

/// One instance of `bench speed`: polyclust's medians and the peers'.
struct SpeedRow {
    name: String,
    n: usize,
    d: usize,
    mpc1: f64,
    mpc2: f64,
    mpc1_silhouette: Option<f64>,
    mpc2_silhouette: Option<f64>,
    /// The default job (`polyclust cluster --k K`).
    default: f64,
    kmeans: Option<f64>,
    exkmc1: Option<f64>,
}

/// Median seconds of one run of the protocol's runs for a preset (each the
/// fastest of `args.repeats`), and the best silhouette, on one thread pool.
fn median_run(
    pool: &rayon::ThreadPool,
    ds: &Dataset,
    args: &BenchSpeedArgs,
    preset: Preset,
) -> Result<(f64, Option<f64>)> {
    let params = MpcParams::new(args.k_range.0)
        .preset(preset)
        .seed(args.seed)
        .min_cluster_size(args.min_cluster_size);
    let plan = mpc::ProtocolPlan {
        runs_in_parallel: false,
        ..mpc::ProtocolPlan::new(args.k_range.0..=args.k_range.1, 1)
    };
    let mut fastest: Vec<f64> = Vec::new();
    let mut silhouette = None;
    for _ in 0..args.repeats {
        let result = pool.install(|| {
            mpc::protocol(
                ds.x.view(),
                &ds.map,
                &ExplanationSpace::identity(ds.d()),
                &params,
                &plan,
                &(),
                &|_| {},
            )
        })?;
        // The runs come in the same order (k, then seed) every time.
        let seconds = result.runs.iter().map(|r| r.seconds);
        if fastest.is_empty() {
            fastest = seconds.collect();
        } else {
            fastest
                .iter_mut()
                .zip(seconds)
                .for_each(|(f, s)| *f = f.min(s));
        }
        silhouette = result.best.silhouette;
    }
    Ok((polyclust::metrics::median(&fastest), silhouette))
}

/// Median seconds of one run of the default job (`polyclust cluster --k K
/// --seed S`: its objective, preset and floor, the silhouette it reports
/// included) over the range (each the fastest of `args.repeats`), on one
/// thread pool: what a user waits for at the k they ask for.
fn median_default_run(
    pool: &rayon::ThreadPool,
    ds: &Dataset,
    args: &BenchSpeedArgs,
) -> Result<f64> {
    let mut fastest = Vec::new();
    for k in args.k_range.0..=args.k_range.1 {
        let spec = ClusterSpec {
            seed: args.seed,
            ..ClusterSpec::new(k)
        };
        let mut best = f64::INFINITY;
        for _ in 0..args.repeats {
            let start = Instant::now();
            pool.install(|| spec.run(ds, ScreenAgainst::Clusters, Hooks::default()))?;
            best = best.min(start.elapsed().as_secs_f64());
        }
        fastest.push(best);
    }
    Ok(polyclust::metrics::median(&fastest))
}

/// The peers' medians from `benches/peers/speed.py` run by `python`.
fn peer_medians(
    python: &Path,
    datasets: &[Dataset],
    args: &BenchSpeedArgs,
) -> Result<serde_json::Value> {
    let dir = peer_script::temporary_dir("speed")?;
    let result = (|| {
        let mut instances = Vec::new();
        for ds in datasets {
            let path = peer_script::write_features(&dir, ds)?;
            instances.push(json!({"name": ds.name, "csv": path}));
        }
        let request = json!({
            "instances": instances, "k_lo": args.k_range.0, "k_hi": args.k_range.1,
            "seed": args.seed, "repeats": args.repeats,
        });
        peer_script::run(python, "speed.py", &request)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

pub(crate) fn bench_speed(args: &BenchSpeedArgs) -> Result<()> {
    if args.threads == 0 {
        bail!("invalid threads: 0; at least one thread is needed");
    }
    if args.repeats == 0 {
        bail!("invalid repeats: 0; every run is timed at least once");
    }
    let registry = Registry::from_env()?;
    let datasets: Vec<Dataset> = args
        .instances
        .iter()
        .map(|name| Ok(registry.load(name.trim())?))
        .collect::<Result<_>>()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .context("cannot start the thread pool")?;
    let bar = counter_bar(3 * datasets.len(), "instances × methods");
    let mut rows = Vec::new();
    for ds in &datasets {
        bar.set_message(format!("{} MPC-1", ds.name));
        let (mpc1, mpc1_silhouette) = median_run(&pool, ds, args, Preset::Mpc1)?;
        bar.inc(1);
        bar.set_message(format!("{} MPC-2", ds.name));
        let (mpc2, mpc2_silhouette) = median_run(&pool, ds, args, Preset::Mpc2)?;
        bar.inc(1);
        bar.set_message(format!("{} default", ds.name));
        let default = median_default_run(&pool, ds, args)?;
        bar.inc(1);
        rows.push(SpeedRow {
            name: ds.name.clone(),
            n: ds.n(),
            d: ds.d(),
            mpc1,
            mpc2,
            mpc1_silhouette,
            mpc2_silhouette,
            default,
            kmeans: None,
            exkmc1: None,
        });
    }
    bar.finish_and_clear();
    if let Some(python) = &args.python {
        let peers = peer_medians(python, &datasets, args)?;
        for r in &mut rows {
            r.kmeans = peers[&r.name]["kmeans++"].as_f64();
            r.exkmc1 = peers[&r.name]["exkmc1"].as_f64();
        }
    }
    let ratio = |a: f64, b: Option<f64>| b.filter(|b| *b > 0.0).map(|b| a / b);
    // The default's time against ExKMC-1's, as one figure over the
    // instances: the median of the instances' ratios.
    let ratios: Vec<f64> = rows
        .iter()
        .filter_map(|r| ratio(r.default, r.exkmc1))
        .collect();
    let median_ratio = (!ratios.is_empty()).then(|| polyclust::metrics::median(&ratios));
    if args.json {
        let out: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                json!({
                    "instance": r.name, "n": r.n, "d": r.d,
                    "kmeans++": r.kmeans, "exkmc1": r.exkmc1,
                    "mpc1": r.mpc1, "mpc2": r.mpc2, "default": r.default,
                    "mpc1_silhouette": r.mpc1_silhouette, "mpc2_silhouette": r.mpc2_silhouette,
                    "mpc1_over_exkmc1": ratio(r.mpc1, r.exkmc1),
                    "mpc2_over_exkmc1": ratio(r.mpc2, r.exkmc1),
                    "default_over_exkmc1": ratio(r.default, r.exkmc1),
                })
            })
            .collect();
        outln!(
            "{}",
            json!({
                "rows": out, "threads": args.threads,
                "k_range": [args.k_range.0, args.k_range.1], "seed": args.seed,
                "median_default_over_exkmc1": median_ratio,
            })
        );
        return Ok(());
    }
    let cell = |v: Option<f64>| v.map_or_else(|| "—".to_string(), benchmark::format_seconds);
    let times = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| format!("{v:.1}×"));
    outln!(
        "median seconds of one run (one k, one seed) over k = {}..{}, {} thread{}",
        args.k_range.0,
        args.k_range.1,
        args.threads,
        if args.threads == 1 { "" } else { "s" }
    );
    outln!(
        "| instance | n | d | k-means++ | ExKMC-1 | default | MPC-1 | MPC-2 | default / ExKMC-1 | MPC-1 / ExKMC-1 | MPC-2 / ExKMC-1 |"
    );
    outln!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        outln!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.name,
            r.n,
            r.d,
            cell(r.kmeans),
            cell(r.exkmc1),
            benchmark::format_seconds(r.default),
            benchmark::format_seconds(r.mpc1),
            benchmark::format_seconds(r.mpc2),
            times(ratio(r.default, r.exkmc1)),
            times(ratio(r.mpc1, r.exkmc1)),
            times(ratio(r.mpc2, r.exkmc1))
        );
    }
    if let Some(m) = median_ratio {
        outln!("default / ExKMC-1, median over the instances: {m:.1}×");
    }
    Ok(())
}

/// One child run of `bench scale`: `polyclust <args> --json`, its JSON.
fn child_json(args: &[String]) -> Result<serde_json::Value> {
    let exe = std::env::current_exe().context("cannot find the polyclust executable")?;
    let out = std::process::Command::new(&exe)
        .args(args)
        .arg("--json")
        .output()
        .with_context(|| format!("cannot run {}", exe.display()))?;
    if !out.status.success() {
        bail!(
            "polyclust {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    serde_json::from_slice(&out.stdout)
        .with_context(|| format!("polyclust {} printed no JSON object", args.join(" ")))
}

pub(crate) fn bench_scale(args: &BenchScaleArgs) -> Result<()> {
    let generated = |rows: usize| -> Vec<String> {
        [
            "--generate",
            "blobs",
            "--rows",
            &rows.to_string(),
            "--dims",
            &args.dims.to_string(),
            "--clusters",
            &args.clusters.to_string(),
            "--no-label",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let bar = counter_bar(3 * args.rows.len() + 1, "runs");
    // The sampled silhouette against the exact one, where both can be had.
    bar.set_message(format!(
        "{} rows: sampled and exact silhouette",
        args.check_rows
    ));
    // The instance `--generate blobs` makes (spread 0.6, seed 1).
    let check = polyclust::data::gaussian_blobs(args.check_rows, args.dims, args.clusters, 0.6, 1)
        .into_dataset();
    let params = MpcParams::new(args.clusters)
        .preset(Preset::Mpc1)
        .check(check.x.view(), check.d())?;
    let fit = mpc::fit(
        check.x.view(),
        &check.map,
        ExplanationSpace::identity(check.d()),
        &params,
        &(),
    )?;
    let exact = polyclust::metrics::silhouette(check.x.view(), &fit.labels)?;
    let sampled = fit.silhouette.unwrap_or(f64::NAN);
    bar.inc(1);
    let mut rows = Vec::new();
    for &n in &args.rows {
        let mut kmeans_args = vec!["kmeans".to_string()];
        kmeans_args.extend(generated(n));
        kmeans_args.extend(["--k".into(), args.clusters.to_string()]);
        bar.set_message(format!("{n} rows: k-means++"));
        let km = child_json(&kmeans_args)?;
        bar.inc(1);
        for preset in ["mpc1", "mpc2"] {
            bar.set_message(format!("{n} rows: {preset}"));
            let mut cluster_args = vec!["cluster".to_string()];
            cluster_args.extend(generated(n));
            cluster_args.extend([
                "--k".into(),
                args.clusters.to_string(),
                "--preset".into(),
                preset.into(),
            ]);
            let run = child_json(&cluster_args)?;
            bar.inc(1);
            rows.push(json!({
                "rows": n, "dims": args.dims, "preset": preset,
                "seconds": run["seconds"], "peak_rss_bytes": run["peak_rss_bytes"],
                "fidelity": run["fidelity"], "clusters": run["k"],
                "silhouette": run["silhouette"], "silhouette_se": run["silhouette_se"],
                "silhouette_exact": run["silhouette_exact"],
                "kmeans_silhouette": km["silhouette"], "kmeans_silhouette_se": km["silhouette_se"],
            }));
        }
    }
    bar.finish_and_clear();
    if args.json {
        outln!(
            "{}",
            json!({
                "rows": rows,
                "check": {"rows": args.check_rows, "sampled": sampled, "standard_error": fit.silhouette_se, "exact": exact},
            })
        );
        return Ok(());
    }
    outln!(
        "generated blobs, d = {}, {} blobs, one k = {} run; seconds of the run, peak memory of the process",
        args.dims,
        args.clusters,
        args.clusters
    );
    outln!("| rows × d | method | seconds | peak memory | fidelity | silhouette (± se) | k-means++ (± se) |");
    outln!("|---|---|---:|---:|---:|---:|---:|");
    let mib = |v: &serde_json::Value| {
        v.as_u64().map_or_else(
            || "—".to_string(),
            |b| format!("{:.0} MiB", b as f64 / 1048576.0),
        )
    };
    let with_se = |s: &serde_json::Value, se: &serde_json::Value| match (s.as_f64(), se.as_f64()) {
        (Some(s), Some(se)) => format!("{s:.4} ± {se:.4}"),
        (Some(s), None) => format!("{s:.4}"),
        _ => "—".to_string(),
    };
    for r in &rows {
        outln!(
            "| {} × {} | {} | {:.1} | {} | {} | {} | {} |",
            r["rows"],
            r["dims"],
            r["preset"].as_str().unwrap_or(""),
            r["seconds"].as_f64().unwrap_or(f64::NAN),
            mib(&r["peak_rss_bytes"]),
            r["fidelity"],
            with_se(&r["silhouette"], &r["silhouette_se"]),
            with_se(&r["kmeans_silhouette"], &r["kmeans_silhouette_se"]),
        );
    }
    outln!(
        "sampled silhouette at {} rows: {sampled:.4} ± {:.4}; exact {exact:.4}; difference {:.4}",
        args.check_rows,
        fit.silhouette_se.unwrap_or(f64::NAN),
        (sampled - exact).abs()
    );
    Ok(())
}
