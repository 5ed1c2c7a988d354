//! `bench paper`: the paper's protocol on the registry's instances, written
//! as results.csv and results.md beside the paper's Tables 1–4.

use super::args::BenchPaperArgs;
use super::progress::counter_bar;
use anyhow::{bail, Context, Result};
use polyclust::benchmark::{self, BenchRow, BenchSettings, Method};
use polyclust::data::{Dataset, Registry};
use polyclust::mpc::MpcParams;
use serde_json::json;
use std::path::Path;
use std::time::Instant;

/// Write results.csv and results.md for the rows so far.
fn write_results(dir: &Path, rows: &[BenchRow], settings: &BenchSettings) -> Result<()> {
    let write = |name: &str, text: String| -> Result<()> {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    };
    write("results.csv", benchmark::to_csv(rows))?;
    write("results.md", benchmark::to_markdown(rows, settings))
}

/// The selected instances, loaded and prepared as `cluster` prepares them
/// (rows with a missing cell dropped, one-hot categoricals, min-max scaling).
fn selected(args: &BenchPaperArgs) -> Result<Vec<(Dataset, String)>> {
    let registry = Registry::from_env()?;
    let names: Vec<String> = if args.instances.is_empty() {
        registry
            .instances
            .iter()
            .filter(|i| args.suite.includes(&i.suite))
            .map(|i| i.name.clone())
            .collect()
    } else {
        let mut names: Vec<String> = Vec::new();
        for name in &args.instances {
            let name = name.trim();
            registry.info(name)?;
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
        names
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
    let datasets = selected(args)?;
    // Fail on an unwritable directory before hours of runs, and leave
    // readable partial results behind if the run is interrupted.
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create output directory {}", args.out.display()))?;
    let mut mpc = MpcParams::new(args.k_range.0)
        .seed(args.seed)
        .backend(args.backend.into());
    mpc.solver_time_limit = Some(args.solver_time_limit);
    mpc.time_limit = args.time_limit;
    let settings = BenchSettings {
        ks: args.k_range.0..=args.k_range.1,
        restarts: args.restarts,
        mpc,
        runs_in_parallel: !args.one_run_at_a_time,
    };
    write_results(&args.out, &[], &settings)?;
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
        write_results(&args.out, &rows, &settings)?;
    }
    bar.finish_and_clear();
    let seconds = start.elapsed().as_secs_f64();
    if args.json {
        println!(
            "{}",
            json!({
                "rows": rows, "out": args.out, "seconds": seconds,
                "k_range": [args.k_range.0, args.k_range.1], "restarts": args.restarts,
                "seed": args.seed, "backend": settings.mpc.backend.name(),
            })
        );
    } else {
        println!(
            "{:<12} {:<9} {:>10} {:>3} {:>8} {:>11} {:>10} {:>10} {:>10}",
            "instance",
            "method",
            "silhouette",
            "k",
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
            println!(
                "{:<12} {:<9} {:>10} {:>3} {:>8} {:>11} {:>10} {:>10} {:>10}",
                r.instance,
                r.method.name(),
                opt(r.silhouette, 4),
                r.k,
                opt(r.fidelity, 3),
                r.hyperplanes
                    .map_or_else(|| "—".to_string(), |h| h.to_string()),
                benchmark::format_seconds(r.median_run_seconds),
                r.paper_seconds
                    .map_or_else(|| "—".to_string(), |s| s.to_string()),
                opt(r.paper_silhouette, 3),
            );
        }
        println!(
            "wrote {}/results.csv and {}/results.md in {seconds:.1} s",
            args.out.display(),
            args.out.display()
        );
    }
    Ok(())
}
