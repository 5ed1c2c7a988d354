//! Command implementations: load, call the library, print.

use super::args::{
    BenchCommand, Cli, Command, GenerateArgs, InstancesAction, KmeansArgs, ScoreArgs,
};
use super::load::{add_data_json, check_labelling, load, load_with, print_header};
use super::output::{out, outln, Stream};
use super::safe_output::OutputDir;
use super::write_error::WriteError;
use anyhow::{Context, Result};
use polyclust::data::{self, Registry};
use polyclust::{kmeans, metrics};
use serde_json::json;
use std::time::Instant;

/// Run a parsed command.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Instances { action } => match action {
            InstancesAction::List { json } => instances_list(json),
            InstancesAction::Verify => instances_verify(),
            InstancesAction::Generate { out } => instances_generate(&out),
        },
        Command::Score(args) => score(&args),
        Command::Kmeans(args) => kmeans_cmd(&args),
        Command::Cluster(args) => super::cluster::cluster(&args),
        Command::Predict(args) => super::cluster::predict(&args),
        Command::Generate(args) => generate(&args),
        Command::Explain(args) => super::cluster::explain_cmd(&args),
        Command::Report(args) => super::report::report_cmd(&args),
        Command::Hyperplane(args) => super::solvers::hyperplane_cmd(&args),
        Command::Interactions(args) => super::screening::interactions_cmd(&args),
        Command::ExportModel(args) => super::solvers::export_model(&args),
        Command::Ibc(args) => super::ibc::ibc_cmd(&args),
        Command::Bench { which } => match which {
            BenchCommand::Solvers(args) => super::solvers::bench_solvers(&args),
            BenchCommand::Paper(args) => super::bench::bench_paper(&args),
            BenchCommand::Speed(args) => super::bench::bench_speed(&args),
            BenchCommand::Scale(args) => super::bench::bench_scale(&args),
            BenchCommand::Reference(args) => super::reference::bench_reference(&args),
            BenchCommand::Report(args) => super::report::bench_report(&args),
        },
    }
}

fn instances_list(json_out: bool) -> Result<()> {
    let registry = Registry::from_env()?;
    if json_out {
        let rows: Vec<_> = registry
            .instances
            .iter()
            .map(|i| json!({"name": i.name, "n": i.n_rows, "d": i.n_features, "suite": i.suite}))
            .collect();
        outln!("{}", json!({ "instances": rows }));
    } else {
        outln!("{:<14} {:>6} {:>4}  suite", "name", "n", "d");
        for i in &registry.instances {
            outln!(
                "{:<14} {:>6} {:>4}  {}",
                i.name,
                i.n_rows,
                i.n_features,
                i.suite
            );
        }
    }
    Ok(())
}

fn instances_verify() -> Result<()> {
    let registry = Registry::from_env()?;
    let checks = registry.verify();
    let width = checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
    let mut failed = Vec::new();
    for c in &checks {
        match &c.result {
            Ok(s) => outln!(
                "ok    {:<width$} {:>6} rows  sha256 {}  {}",
                c.name,
                s.rows,
                s.sha256,
                if c.public {
                    "matches its manifest and polyclust's"
                } else {
                    "matches its manifest (not a public instance)"
                }
            ),
            Err(e) => {
                outln!("FAIL  {:<width$} {e}", c.name);
                failed.push(c.path.display().to_string());
            }
        }
    }
    if !failed.is_empty() {
        anyhow::bail!(
            "{} of {} instances in {} failed verification: {}",
            failed.len(),
            checks.len(),
            registry.dir.display(),
            failed.join(", ")
        );
    }
    let absent: Vec<&str> = data::public_instances()
        .iter()
        .filter(|p| registry.info(&p.name).is_err())
        .map(|p| p.name.as_str())
        .collect();
    out!(
        "all {} instances in {} verified",
        checks.len(),
        registry.dir.display()
    );
    // A directory of public instances may lack some; one of other instances lacks them all.
    if absent.is_empty() || !checks.iter().any(|c| c.public) {
        outln!();
    } else {
        outln!(
            "; the directory lacks {} of the {} public instances: {}",
            absent.len(),
            data::public_instances().len(),
            absent.join(", ")
        );
    }
    Ok(())
}

fn instances_generate(out: &std::path::Path) -> Result<()> {
    let files = data::generated_registry_files(&data::generated_instances())
        .context("cannot build the generated instances")?;
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    // Before the marker, a file of the same name counts as this command's
    // output only when it is byte for byte what it writes.
    let same = |name: &str, path: &std::path::Path| {
        let ours = files.iter().find(|(n, _)| n == name).map(|(_, c)| c);
        ours.is_some_and(|c| std::fs::read(path).is_ok_and(|old| &old == c))
    };
    let dir = OutputDir::check("--out", out, &names, &same)?;
    let borrowed: Vec<(&str, Vec<u8>)> = files
        .iter()
        .map(|(name, contents)| (name.as_str(), contents.clone()))
        .collect();
    dir.write(&borrowed)?;
    for name in names {
        outln!("{}", out.join(name).display());
    }
    Ok(())
}

/// `generate`: the rows of a generated instance written as they are drawn.
fn generate(args: &GenerateArgs) -> Result<()> {
    let spec = args.shape.spec(args.kind, args.seed).check()?;
    let rows = spec.stream();
    let mut out = Stream::open("--out", args.out.as_deref(), &rows.header(), 0)?;
    rows.write_csv(&mut out)
        .map_err(|e| WriteError::new(out.what(), e))?;
    out.finish()?;
    Ok(())
}

fn score(args: &ScoreArgs) -> Result<()> {
    let loaded = load(&args.data, args.labels_from.as_deref())?;
    let ds = &loaded.dataset;
    if let Some(column) = &args.labels_from {
        check_labelling(ds, column)?;
    }
    let (labels, names) = ds
        .label_ids()
        .context("no labels to score: name a column with --labels-from or keep the label column")?;
    let start = Instant::now();
    let estimate = match args.sample_size {
        Some(size) => {
            metrics::silhouette_sampled(ds.x.view(), &labels, size, args.repeats, args.seed)?
        }
        None => metrics::silhouette_sampled(ds.x.view(), &labels, usize::MAX, 1, 0)?,
    };
    let s = estimate.value;
    let seconds = start.elapsed().as_secs_f64();
    let ari = args
        .labels_from
        .as_ref()
        .and(loaded.truth.as_ref())
        .map(|t| t.ari(&labels));
    let nca = args
        .labels_from
        .as_ref()
        .and(loaded.truth.as_ref())
        .map(|t| t.nca(&labels));
    // k = the labels' distinct values; undefined when k exceeds the distinct rows.
    let price = polyclust::price::price_of_explainability(ds.x.view(), &labels).ok();
    if args.json {
        let mut out = json!({
            "instance": ds.name, "n": ds.n(), "d": ds.d(), "k": names.len(),
            "price_of_explainability": price,
            "silhouette": s, "silhouette_exact": estimate.exact,
            "silhouette_se": estimate.standard_error,
            "sample_size": estimate.sample_size, "repeats": estimate.repeats,
            "seconds": seconds,
        });
        add_data_json(&mut out, ds);
        if !estimate.exact {
            out["seed"] = json!(args.seed);
        }
        if let Some(a) = ari {
            out["ari"] = json!(a);
            out["nca"] = json!(nca);
        }
        outln!("{out}");
    } else {
        print_header(ds, names.len())?;
        if estimate.exact {
            outln!("  silhouette = {s:.6}");
        } else {
            outln!(
                "  silhouette ≈ {s:.6}{} (mean of {} samples of {} rows, seed {})",
                estimate
                    .standard_error
                    .map_or_else(String::new, |se| format!(" ± {se:.6} (standard error)")),
                estimate.repeats,
                estimate.sample_size,
                args.seed
            );
        }
        if let Some(a) = ari {
            outln!("  ARI vs ground truth = {a:.6}");
        }
        if let Some(v) = nca {
            outln!("  NCA vs ground truth = {v:.6}");
        }
        if let Some(p) = price {
            outln!(
                "  price of explainability = {p:.6} (k-means cost / best of {} k-means restarts at k = {})",
                polyclust::price::PRICE_RESTARTS,
                names.len()
            );
        }
        outln!("  seconds = {seconds:.3}");
    }
    Ok(())
}

fn kmeans_cmd(args: &KmeansArgs) -> Result<()> {
    let loaded = load_with(&args.data, None, false)?;
    let ds = &loaded.dataset;
    let params = kmeans::KMeansParams::new(args.k)
        .restarts(args.restarts)
        .seed(args.seed)
        .check(ds.x.view())?;
    let start = Instant::now();
    let fit = kmeans::fit(ds.x.view(), &params);
    let seconds = start.elapsed().as_secs_f64();
    // The estimator `cluster` uses above the sample size, with the same seed.
    let estimate = metrics::silhouette_sampled(
        ds.x.view(),
        &fit.labels,
        args.sample_size,
        polyclust::mpc::ESTIMATE_REPEATS,
        args.seed,
    )?;
    let s = estimate.value;
    let ari = loaded.truth.as_ref().map(|t| t.ari(&fit.labels));
    if args.json {
        let mut out = json!({
            "instance": ds.name, "n": ds.n(), "d": ds.d(), "k": args.k,
            "silhouette": s, "silhouette_exact": estimate.exact,
            "silhouette_se": estimate.standard_error,
            "inertia": fit.inertia, "seconds": seconds,
            "iterations": fit.iterations, "seed": args.seed, "restarts": args.restarts,
            "peak_rss_bytes": super::output::peak_rss_bytes(),
        });
        add_data_json(&mut out, ds);
        if let Some(a) = ari {
            out["ari"] = json!(a);
        }
        outln!("{out}");
    } else {
        print_header(ds, args.k)?;
        if estimate.exact {
            outln!("  silhouette = {s:.6}");
        } else {
            outln!(
                "  silhouette ≈ {s:.6} ± {:.6} (mean of {} samples of {} rows)",
                estimate.standard_error.unwrap_or(f64::NAN),
                estimate.repeats,
                estimate.sample_size
            );
        }
        outln!("  inertia = {:.6}", fit.inertia);
        if let Some(a) = ari {
            outln!("  ARI vs ground truth = {a:.6}");
        }
        outln!("  seconds = {seconds:.3}");
    }
    Ok(())
}
