//! `cluster`, `predict` and `explain`.

use super::args::{ClusterArgs, ExplainArgs, PredictArgs, RuleFormat};
use super::commands::load;
use super::progress::{counter_bar, Spinner};
use anyhow::{bail, Context, Result};
use polyclust::data::{self, LoadOptions, RawTable};
use polyclust::explain;
use polyclust::hyperplane::Coefficients;
use polyclust::mpc::{self, ExplanationSpace, MpcParams, PolytopeModel, Preset};
use serde_json::json;
use std::io::Write;
use std::path::Path;

pub(crate) fn cluster(args: &ClusterArgs) -> Result<()> {
    let label_column = args.labels_from.as_deref().or(args.target.as_deref());
    let loaded = load(&args.data, label_column)?;
    let ds = &loaded.dataset;
    let (m, beta) = match (args.preset, args.axis_parallel) {
        (Some(preset), _) => Preset::from(preset).m_beta(),
        (None, true) => Preset::Mpc1.m_beta(),
        (None, false) => (args.m, args.beta),
    };
    let mut space = ExplanationSpace::identity(ds.d());
    if let Some(q) = args.binarize {
        if q < 2 {
            bail!("invalid binarize: Q = {q}; at least 2 quantile bins are needed");
        }
        space.add_quantile_thresholds(ds.x.view(), q);
    }
    let given = match &args.labels_from {
        Some(col) => Some(
            ds.label_ids()
                .with_context(|| format!("no labels read from column '{col}'"))?
                .0,
        ),
        None => None,
    };
    let mut screened: Vec<String> = Vec::new();
    if let Some(top) = args.interactions {
        if ds.d() < 2 {
            bail!("--interactions needs at least two features");
        }
        let screening = match (&args.target, &given) {
            (Some(col), _) => match ds.numeric_labels(col) {
                Ok(y) => {
                    super::screening::screen_target(ds, &y, args.interaction_method, 2, args.seed)?
                }
                // A class column: screen one-vs-rest against its classes.
                Err(_) => {
                    let ids = ds.label_ids().context("no target values read")?.0;
                    super::screening::screen_labels(ds, &ids, args.interaction_method, args.seed)?
                }
            },
            (None, Some(labels)) => {
                super::screening::screen_labels(ds, labels, args.interaction_method, args.seed)?
            }
            (None, None) => {
                // No target: screen against an initial k-means labelling.
                let k = args.k.or(args.k_range.map(|r| r.0)).unwrap_or(2);
                let km = polyclust::kmeans::KMeansParams::new(k)
                    .seed(args.seed)
                    .check(ds.x.view())?;
                let fit = polyclust::kmeans::fit(ds.x.view(), &km);
                super::screening::screen_labels(
                    ds,
                    &fit.labels,
                    args.interaction_method,
                    args.seed,
                )?
            }
        };
        let products: Vec<Vec<usize>> = screening
            .interactions
            .iter()
            .take(top)
            .map(|i| i.features.clone())
            .collect();
        screened = screening
            .interactions
            .iter()
            .take(top)
            .map(|i| i.name.clone())
            .collect();
        space.add_products(ds.x.view(), &products);
    }
    if let Some(labels) = &given {
        return explain_given(args, &loaded, space, labels, m, beta, &screened);
    }
    let (k_lo, k_hi) = args.k_range.unwrap_or_else(|| {
        let k = args.k.expect("clap requires --k or --k-range");
        (k, k)
    });
    let mut params = MpcParams::new(k_lo)
        .m(m)
        .beta(beta)
        .lambda(args.lambda)
        .seed(args.seed)
        .backend(args.backend.into())
        .bounds(args.n_min, args.n_max)
        .coefficients(if args.general {
            Coefficients::General
        } else {
            Coefficients::Integer
        });
    params.kmeans_restarts = args.kmeans_restarts;
    params.solver_time_limit = Some(args.solver_time_limit);
    params.local_search = !args.no_search;
    params.coarse_start = args.coarse_start.into();
    params.time_limit = args.time_limit;
    params.k_max = args.k_max;
    // Validate once up front so bad parameters fail before any work.
    let backend = params.clone().check(ds.x.view(), space.dim())?.backend;
    let runs = (k_hi - k_lo + 1) * args.restarts.max(1);
    let spinner = Spinner::new();
    let bar = (runs > 1).then(|| counter_bar(runs, "runs"));
    let on_run = |run: &mpc::ProtocolRun| {
        if let Some(bar) = &bar {
            bar.inc(1);
            bar.set_message(format!(
                "k = {}, seed {}: silhouette {:.4}",
                run.k,
                run.seed,
                run.silhouette.unwrap_or(f64::NAN)
            ));
        }
    };
    let result = mpc::protocol(
        ds.x.view(),
        &ds.map,
        &space,
        &params,
        k_lo..=k_hi,
        args.restarts,
        true,
        if bar.is_some() { &() } else { &spinner },
        &on_run,
    );
    spinner.finish();
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let result = result?;
    let fit = &result.best;
    let model = &fit.model;
    if let Some(dir) = &args.out {
        write_outputs(dir, ds, fit)?;
    }
    if let Some(svg) = &args.plot {
        super::plot::plot_clusters(svg, ds, model, &fit.labels, args.plot_columns.as_deref())?;
    }
    let ari = loaded
        .truth
        .as_ref()
        .map(|t| polyclust::metrics::adjusted_rand_index(&fit.labels, t));
    if args.json {
        let mut out = json!({
            "instance": ds.name, "n": ds.n(), "d": ds.d(), "k": model.k(),
            "silhouette": fit.silhouette, "fidelity": fit.fidelity,
            "uncovered": fit.uncovered,
            "hyperplanes": model.hyperplanes.len(),
            "halfspaces": model.halfspace_count(),
            "seconds": result.seconds, "backend": backend.name(),
            "status": fit.search_status.unwrap_or(fit.init_status).name(),
            "init_status": fit.init_status.name(),
            "start": if fit.coarse_start { "axis_parallel" } else { "own" },
            "search_moves": fit.search_history.len().saturating_sub(1),
            "init_iterations": fit.init_history.len(),
            "best_k": result.best_k, "best_seed": result.best_seed,
            "runs": result.runs.len(), "median_run_seconds": result.median_run_seconds(),
            "solves": fit.solves.solved, "solves_optimal": fit.solves.optimal,
            "m": m, "beta": beta, "seed": args.seed,
            "interactions": screened,
        });
        if let Some(a) = ari {
            out["ari"] = json!(a);
        }
        println!("{out}");
    } else {
        println!(
            "{}: n = {}, d = {}, k = {} clusters, M = {m}, beta = {beta}, backend {}",
            ds.name,
            ds.n(),
            ds.d(),
            model.k(),
            backend
        );
        match fit.silhouette {
            Some(s) => println!("  silhouette = {s:.6}"),
            None => println!("  silhouette undefined (one cluster)"),
        }
        println!(
            "  fidelity = {:.4} ({} rows outside every polytope)",
            fit.fidelity, fit.uncovered
        );
        if let Some(a) = ari {
            println!("  ARI vs ground truth = {a:.6}");
        }
        println!(
            "  {} hyperplanes, {} half-spaces after redundancy removal; {} of {} solves proven optimal",
            model.hyperplanes.len(),
            model.halfspace_count(),
            fit.solves.optimal,
            fit.solves.solved
        );
        if result.runs.len() > 1 {
            println!(
                "  best of {} runs: k = {}, seed {}; median run {:.3} s, total {:.3} s",
                result.runs.len(),
                result.best_k,
                result.best_seed,
                result.median_run_seconds(),
                result.seconds
            );
        }
        println!(
            "  status {}, {:.3} s",
            fit.search_status.unwrap_or(fit.init_status).name(),
            fit.seconds
        );
        if let Some(dir) = &args.out {
            println!(
                "  wrote {}/{{assignments.csv, model.json, rules.txt, rules.sql}}",
                dir.display()
            );
        }
        println!();
        print!("{}", explain::rules_text(model));
    }
    Ok(())
}

/// `cluster --labels-from COL`: polytopes that explain a given clustering.
#[allow(clippy::too_many_arguments)]
fn explain_given(
    args: &ClusterArgs,
    loaded: &super::commands::Loaded,
    space: ExplanationSpace,
    labels: &[usize],
    m: u32,
    beta: usize,
    screened: &[String],
) -> Result<()> {
    let ds = &loaded.dataset;
    let k = labels.iter().max().map_or(0, |l| l + 1);
    let mut params = MpcParams::new(k)
        .m(m)
        .beta(beta)
        .backend(args.backend.into())
        .coefficients(if args.general {
            Coefficients::General
        } else {
            Coefficients::Integer
        });
    params.solver_time_limit = Some(args.solver_time_limit);
    let params = params.check(ds.x.view(), space.dim())?;
    let fit = mpc::explain_labels(ds.x.view(), &ds.map, space, labels, &params)?;
    if let Some(dir) = &args.out {
        write_outputs(dir, ds, &fit)?;
    }
    if let Some(svg) = &args.plot {
        super::plot::plot_clusters(
            svg,
            ds,
            &fit.model,
            &fit.labels,
            args.plot_columns.as_deref(),
        )?;
    }
    if args.json {
        println!(
            "{}",
            json!({
                "instance": ds.name, "n": ds.n(), "d": ds.d(), "k": fit.model.k(),
                "silhouette": fit.silhouette, "fidelity": fit.fidelity,
                "hyperplanes": fit.model.hyperplanes.len(),
                "halfspaces": fit.model.halfspace_count(),
                "seconds": fit.seconds, "backend": params.backend.name(),
                "status": "explained", "m": m, "beta": beta,
                "interactions": screened,
            })
        );
    } else {
        println!(
            "{}: explaining {} given clusters, n = {}, d = {}, M = {m}, beta = {beta}",
            ds.name,
            k,
            ds.n(),
            ds.d()
        );
        if !screened.is_empty() {
            println!("  screened interactions added: {}", screened.join(", "));
        }
        println!(
            "  fidelity = {:.4} (share of rows inside their given cluster's polytope)",
            fit.fidelity
        );
        println!(
            "  {} hyperplanes, {} half-spaces, {:.3} s",
            fit.model.hyperplanes.len(),
            fit.model.halfspace_count(),
            fit.seconds
        );
        println!();
        print!("{}", explain::rules_text(&fit.model));
    }
    Ok(())
}

fn write_outputs(dir: &Path, ds: &data::Dataset, fit: &mpc::MpcFit) -> Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create output directory {}", dir.display()))?;
    let write = |name: &str, text: &str| -> Result<()> {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    };
    let mut csv = String::from("row,cluster\n");
    for (row, cluster) in ds.row_index.iter().zip(&fit.labels) {
        csv.push_str(&format!("{row},{cluster}\n"));
    }
    write("assignments.csv", &csv)?;
    write("model.json", &fit.model.to_json())?;
    write("rules.txt", &explain::rules_text(&fit.model))?;
    write(
        "rules.sql",
        &format!("{}\n", explain::rules_sql(&fit.model)),
    )?;
    Ok(())
}

fn read_model(path: &Path) -> Result<PolytopeModel> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read model file {}", path.display()))?;
    PolytopeModel::from_json(&text)
        .map_err(|e| anyhow::anyhow!("model file {}: {e}", path.display()))
}

pub(crate) fn predict(args: &PredictArgs) -> Result<()> {
    let model = read_model(&args.model)?;
    let table = RawTable::read(&args.data)?;
    let options = LoadOptions {
        label_column: None,
        drop: Vec::new(),
        categorical: Vec::new(),
    };
    let ds = data::prepare(&table, &options, Some(&model.map))?;
    let (labels, _) = model.assign(ds.x.view());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    writeln!(out, "row,cluster")?;
    for (row, cluster) in ds.row_index.iter().zip(&labels) {
        writeln!(out, "{row},{cluster}")?;
    }
    out.flush()?;
    if ds.dropped_rows > 0 {
        eprintln!(
            "{} rows with a missing cell were not assigned",
            ds.dropped_rows
        );
    }
    Ok(())
}

pub(crate) fn explain_cmd(args: &ExplainArgs) -> Result<()> {
    let model = read_model(&args.model)?;
    match args.format {
        RuleFormat::Text => print!("{}", explain::rules_text(&model)),
        RuleFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&explain::rules_json(&model))?
        ),
        RuleFormat::Sql => println!("{}", explain::rules_sql(&model)),
    }
    Ok(())
}
