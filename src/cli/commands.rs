//! Command implementations: load, call the library, print.

use super::args::{
    BenchCommand, Cli, Command, DataArgs, Generated, InstancesAction, KmeansArgs, ScoreArgs,
};
use anyhow::{Context, Result};
use polyclust::data::{self, Dataset, LoadOptions, RawTable, Registry};
use polyclust::{kmeans, metrics};
use serde_json::json;
use std::time::Instant;

/// Run a parsed command.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Instances {
            action: InstancesAction::List { json },
        } => instances_list(json),
        Command::Score(args) => score(&args),
        Command::Kmeans(args) => kmeans_cmd(&args),
        Command::Cluster(args) => super::cluster::cluster(&args),
        Command::Predict(args) => super::cluster::predict(&args),
        Command::Explain(args) => super::cluster::explain_cmd(&args),
        Command::Hyperplane(args) => super::solvers::hyperplane_cmd(&args),
        Command::Interactions(args) => super::screening::interactions_cmd(&args),
        Command::ExportModel(args) => super::solvers::export_model(&args),
        Command::Ibc(args) => super::ibc::ibc_cmd(&args),
        Command::Bench { which } => match which {
            BenchCommand::Solvers(args) => super::solvers::bench_solvers(&args),
            BenchCommand::Paper(args) => super::bench::bench_paper(&args),
        },
    }
}

/// A loaded dataset plus what the summary reports about loading.
pub(crate) struct Loaded {
    pub dataset: Dataset,
    /// Ground truth (label ids), when a label column exists.
    pub truth: Option<Vec<usize>>,
}

/// Load the data named by the arguments. `label_override` reads the labels from
/// another column (then the usual label column is kept out of the features too).
pub(crate) fn load(args: &DataArgs, label_override: Option<&str>) -> Result<Loaded> {
    let src = &args.source;
    if let Some(kind) = src.generate {
        let inst = match kind {
            Generated::Blobs => data::gaussian_blobs(600, 3, 5, 0.6, args.generate_seed),
            Generated::Quadrants => data::quadrants(800, 0.02, args.generate_seed),
        };
        let dataset = inst.into_dataset();
        let truth = dataset.label_ids().map(|(ids, _)| ids);
        return Ok(Loaded { dataset, truth });
    }
    let (path, mut options, name) = if let Some(name) = &src.instance {
        let registry = Registry::from_env()?;
        let info = registry.info(name)?.clone();
        (
            registry.path(&info),
            Registry::load_options(&info),
            Some(info.name),
        )
    } else {
        let path = src.data.clone().context("no data source given")?;
        let options = LoadOptions {
            label_column: (!args.no_label).then(|| args.label_column.clone()),
            drop: args.drop.clone(),
            categorical: Vec::new(),
        };
        (path, options, None)
    };
    if src.instance.is_some() {
        options.drop.extend(args.drop.iter().cloned());
    }
    let table = RawTable::read(&path)?;
    let truth_column = options.label_column.clone();
    if let Some(col) = label_override {
        if let Some(t) = &truth_column {
            if t != col && table.header.iter().any(|h| h == t) {
                options.drop.push(t.clone());
            }
        }
        options.label_column = Some(col.to_string());
    }
    let mut dataset = data::prepare(&table, &options, None)?;
    if let Some(n) = name {
        dataset.name = n;
    }
    let truth = match (&truth_column, label_override) {
        (Some(t), Some(col)) if t != col => table.header.iter().position(|h| h == t).map(|c| {
            let texts: Vec<String> = dataset
                .row_index
                .iter()
                .map(|&r| table.rows[r][c].trim().to_string())
                .collect();
            data::encode_labels(&texts).0
        }),
        _ => dataset.label_ids().map(|(ids, _)| ids),
    };
    Ok(Loaded { dataset, truth })
}

/// A note about rows and columns the loader set aside, for text output.
fn loading_note(ds: &Dataset) -> Option<String> {
    let mut parts = Vec::new();
    if ds.dropped_rows > 0 {
        parts.push(format!(
            "{} rows with missing cells dropped",
            ds.dropped_rows
        ));
    }
    if !ds.constant_features.is_empty() {
        parts.push(format!(
            "constant features kept at 0: {}",
            ds.constant_features.join(", ")
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// First lines of a text summary: the data's shape and what loading set aside.
fn print_header(ds: &Dataset, k: usize) {
    println!("{}: n = {}, d = {}, k = {k}", ds.name, ds.n(), ds.d());
    if let Some(note) = loading_note(ds) {
        println!("  {note}");
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
        println!("{}", json!({ "instances": rows }));
    } else {
        println!("{:<14} {:>6} {:>4}  suite", "name", "n", "d");
        for i in &registry.instances {
            println!(
                "{:<14} {:>6} {:>4}  {}",
                i.name, i.n_rows, i.n_features, i.suite
            );
        }
    }
    Ok(())
}

fn score(args: &ScoreArgs) -> Result<()> {
    let loaded = load(&args.data, args.labels_from.as_deref())?;
    let ds = &loaded.dataset;
    let (labels, names) = ds
        .label_ids()
        .context("no labels to score: name a column with --labels-from or keep the label column")?;
    let start = Instant::now();
    let s = metrics::silhouette(ds.x.view(), &labels)?;
    let seconds = start.elapsed().as_secs_f64();
    let ari = args
        .labels_from
        .as_ref()
        .and(loaded.truth.as_ref())
        .map(|t| metrics::adjusted_rand_index(&labels, t));
    if args.json {
        let mut out = json!({
            "instance": ds.name, "n": ds.n(), "d": ds.d(), "k": names.len(),
            "silhouette": s, "seconds": seconds, "dropped_rows": ds.dropped_rows,
        });
        if let Some(a) = ari {
            out["ari"] = json!(a);
        }
        println!("{out}");
    } else {
        print_header(ds, names.len());
        println!("  silhouette = {s:.6}");
        if let Some(a) = ari {
            println!("  ARI vs ground truth = {a:.6}");
        }
        println!("  seconds = {seconds:.3}");
    }
    Ok(())
}

fn kmeans_cmd(args: &KmeansArgs) -> Result<()> {
    let loaded = load(&args.data, None)?;
    let ds = &loaded.dataset;
    let params = kmeans::KMeansParams::new(args.k)
        .restarts(args.restarts)
        .seed(args.seed)
        .check(ds.x.view())?;
    let start = Instant::now();
    let fit = kmeans::fit(ds.x.view(), &params);
    let seconds = start.elapsed().as_secs_f64();
    let s = metrics::silhouette(ds.x.view(), &fit.labels)?;
    let ari = loaded
        .truth
        .as_ref()
        .map(|t| metrics::adjusted_rand_index(&fit.labels, t));
    if args.json {
        let mut out = json!({
            "instance": ds.name, "n": ds.n(), "d": ds.d(), "k": args.k,
            "silhouette": s, "inertia": fit.inertia, "seconds": seconds,
            "iterations": fit.iterations, "seed": args.seed, "restarts": args.restarts,
        });
        if let Some(a) = ari {
            out["ari"] = json!(a);
        }
        println!("{out}");
    } else {
        print_header(ds, args.k);
        println!("  silhouette = {s:.6}");
        println!("  inertia = {:.6}", fit.inertia);
        if let Some(a) = ari {
            println!("  ARI vs ground truth = {a:.6}");
        }
        println!("  seconds = {seconds:.3}");
    }
    Ok(())
}
