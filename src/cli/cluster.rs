//! `cluster`, `predict` and `explain`.

use super::args::{ClusterArgs, ExplainArgs, PredictArgs, RuleFormat};
use super::load::{load, Loaded};
use super::output::{out, outln};
use super::plot::{plot_clusters, plot_columns};
use super::progress::{counter_bar, Spinner};
use anyhow::{bail, Context, Result};
use polyclust::data::{self, LoadOptions, RawTable};
use polyclust::explain;
use polyclust::hyperplane::Coefficients;
use polyclust::mpc::{self, ExplanationSpace, MpcParams, PolytopeModel, Preset, ScreeningTarget};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};

/// M, β and the coefficient kind of `cluster`: the preset's, the
/// axis-parallel setting's, or the flags'.
fn family(args: &ClusterArgs) -> (u32, usize, Coefficients) {
    let (m, beta) = match (args.preset, args.axis_parallel) {
        (Some(preset), _) => preset.m_beta(),
        (None, true) => Preset::Mpc1.m_beta(),
        (None, false) => (args.family.m, args.family.beta),
    };
    (m, beta, args.family.coefficients())
}

/// The MPC settings of `cluster` for `k` initial clusters.
fn mpc_params(args: &ClusterArgs, k: usize) -> MpcParams {
    let (m, beta, coefficients) = family(args);
    MpcParams::new(k)
        .m(m)
        .beta(beta)
        .coefficients(coefficients)
        .lambda(args.lambda)
        .seed(args.seed)
        .backend(args.solver.backend)
        .solver_time_limit(Some(args.solver.solver_time_limit))
        .bounds(args.n_min, args.n_max)
        .kmeans_restarts(args.kmeans_restarts)
        .local_search(!args.no_search)
        .coarse_start(args.coarse_start)
        .time_limit(args.time_limit)
        .k_max(args.k_max)
}

pub(crate) fn cluster(args: &ClusterArgs) -> Result<()> {
    let label_column = args.labels_from.as_deref().or(args.target.as_deref());
    let loaded = load(&args.data, label_column)?;
    let ds = &loaded.dataset;
    let (m, beta, _) = family(args);
    let plot = match &args.plot {
        Some(svg) => Some((svg, plot_columns(ds, args.plot_columns.as_deref())?)),
        None => None,
    };
    let mut space = ExplanationSpace::identity(ds.d());
    if let Some(q) = args.binarize {
        if q < 2 {
            bail!("invalid binarize: Q = {q}; at least 2 quantile bins are needed");
        }
        space.add_quantile_thresholds(ds.x.view(), q);
    }
    // Settings are checked before any work (screening can take minutes).
    if args.labels_from.is_none() {
        let (k_lo, k_hi) = args
            .k_range
            .unwrap_or_else(|| args.k.map_or((2, 2), |k| (k, k)));
        if args.k_range.is_some() {
            polyclust::params::check_k_range(k_lo, k_hi, ds.x.view())?;
        } else {
            polyclust::params::check_k(k_lo, ds.x.view())?;
        }
        if args.restarts == 0 {
            bail!("invalid restarts: 0; at least one seed per k is needed");
        }
        polyclust::params::check_seconds("budget", args.budget)?;
        mpc_params(args, k_lo).check(ds.x.view(), space.dim())?;
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
        let target = match (&args.target, &given, &ds.labels) {
            (Some(_), _, Some(cells)) => ScreeningTarget::Column(cells),
            (None, Some(labels), _) => ScreeningTarget::Clusters(labels),
            _ => ScreeningTarget::InitialClustering {
                k: args.k.or(args.k_range.map(|r| r.0)).unwrap_or(2),
            },
        };
        let screening = mpc::screen_for_explanation(
            ds.x.view(),
            &ds.feature_names(),
            target,
            super::screening::method(args.interaction_method),
            args.seed,
        )?;
        screened = space.add_screened(ds.x.view(), &screening, top);
    }
    if let Some(labels) = &given {
        return explain_given(args, &loaded, space, labels, &screened, plot);
    }
    let (k_lo, k_hi) = args.k_range.unwrap_or_else(|| {
        let k = args.k.expect("clap requires --k or --k-range");
        (k, k)
    });
    let params = mpc_params(args, k_lo);
    // The explanation space may have grown by the screened products.
    params.clone().check(ds.x.view(), space.dim())?;
    let backend = args.solver.backend;
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
    let plan = mpc::ProtocolPlan {
        budget: args.budget,
        ..mpc::ProtocolPlan::new(k_lo..=k_hi, args.restarts)
    };
    let result = mpc::protocol(
        ds.x.view(),
        &ds.map,
        &space,
        &params,
        &plan,
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
    if let Some((svg, columns)) = plot {
        plot_clusters(svg, ds, model, &fit.labels, columns)?;
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
            "status": fit.status().name(),
            "init_status": fit.init_status.name(),
            "start": if fit.coarse_start { "axis_parallel" } else { "own" },
            "search_moves": fit.search_history.len().saturating_sub(1),
            "init_iterations": fit.init_history.len(),
            "best_k": result.best_k, "best_seed": result.best_seed,
            "runs": result.runs.len(), "median_run_seconds": result.median_run_seconds(),
            "runs_skipped": result.skipped, "protocol_status": result.status.name(),
            "solves": fit.solves.solved, "solves_optimal": fit.solves.optimal,
            "m": m, "beta": beta, "seed": args.seed,
            "interactions": screened,
        });
        if let Some(a) = ari {
            out["ari"] = json!(a);
        }
        outln!("{out}");
    } else {
        outln!(
            "{}: n = {}, d = {}, k = {} clusters, M = {m}, beta = {beta}, backend {}",
            ds.name,
            ds.n(),
            ds.d(),
            model.k(),
            backend
        );
        match fit.silhouette {
            Some(s) => outln!("  silhouette = {s:.6}"),
            None => outln!("  silhouette undefined (one cluster)"),
        }
        outln!(
            "  fidelity = {:.4} ({} rows outside every polytope)",
            fit.fidelity,
            fit.uncovered
        );
        if let Some(a) = ari {
            outln!("  ARI vs ground truth = {a:.6}");
        }
        outln!(
            "  {} hyperplanes, {} half-spaces after redundancy removal; {} of {} solves proven optimal",
            model.hyperplanes.len(),
            model.halfspace_count(),
            fit.solves.optimal,
            fit.solves.solved
        );
        if result.skipped > 0 {
            outln!(
                "  the budget ended the protocol: {} of {} runs skipped",
                result.skipped,
                result.skipped + result.runs.len()
            );
        }
        if result.runs.len() > 1 {
            outln!(
                "  best of {} runs: k = {}, seed {}; median run {:.3} s, total {:.3} s",
                result.runs.len(),
                result.best_k,
                result.best_seed,
                result.median_run_seconds(),
                result.seconds
            );
        }
        outln!("  status {}, {:.3} s", fit.status().name(), fit.seconds);
        if let Some(dir) = &args.out {
            outln!(
                "  wrote {}/{{assignments.csv, model.json, rules.txt, rules.sql}}",
                dir.display()
            );
        }
        outln!();
        out!("{}", explain::rules_text(model));
    }
    Ok(())
}

/// `cluster --labels-from COL`: polytopes that explain a given clustering.
fn explain_given(
    args: &ClusterArgs,
    loaded: &Loaded,
    space: ExplanationSpace,
    labels: &[usize],
    screened: &[String],
    plot: Option<(&PathBuf, (usize, usize))>,
) -> Result<()> {
    let ds = &loaded.dataset;
    let k = labels.iter().max().map_or(0, |l| l + 1);
    let (m, beta, _) = family(args);
    let params = mpc_params(args, k).check(ds.x.view(), space.dim())?;
    let fit = mpc::explain_labels(ds.x.view(), &ds.map, space, labels, &params)?;
    if let Some(dir) = &args.out {
        write_outputs(dir, ds, &fit)?;
    }
    if let Some((svg, columns)) = plot {
        plot_clusters(svg, ds, &fit.model, &fit.labels, columns)?;
    }
    if args.json {
        outln!(
            "{}",
            json!({
                "instance": ds.name, "n": ds.n(), "d": ds.d(), "k": fit.model.k(),
                "silhouette": fit.silhouette, "fidelity": fit.fidelity,
                "hyperplanes": fit.model.hyperplanes.len(),
                "halfspaces": fit.model.halfspace_count(),
                "seconds": fit.seconds, "backend": args.solver.backend.name(),
                "status": "explained", "m": m, "beta": beta,
                "interactions": screened,
            })
        );
    } else {
        outln!(
            "{}: explaining {} given clusters, n = {}, d = {}, M = {m}, beta = {beta}",
            ds.name,
            k,
            ds.n(),
            ds.d()
        );
        if !screened.is_empty() {
            outln!("  screened interactions added: {}", screened.join(", "));
        }
        outln!(
            "  fidelity = {:.4} (share of rows inside their given cluster's polytope)",
            fit.fidelity
        );
        outln!(
            "  {} hyperplanes, {} half-spaces, {:.3} s",
            fit.model.hyperplanes.len(),
            fit.model.halfspace_count(),
            fit.seconds
        );
        outln!();
        out!("{}", explain::rules_text(&fit.model));
    }
    Ok(())
}

/// `--out DIR`: the assignments, the model and its rules, replacing an
/// earlier DIR only once all of them are written.
fn write_outputs(dir: &Path, ds: &data::Dataset, fit: &mpc::MpcFit) -> Result<()> {
    let mut csv = String::from("row,cluster\n");
    for (row, cluster) in ds.row_index.iter().zip(&fit.labels) {
        csv.push_str(&format!("{row},{cluster}\n"));
    }
    let files = [
        ("assignments.csv", csv.into_bytes()),
        ("model.json", fit.model.to_json().into_bytes()),
        ("rules.txt", explain::rules_text(&fit.model).into_bytes()),
        (
            "rules.sql",
            format!("{}\n", explain::rules_sql(&fit.model)).into_bytes(),
        ),
    ];
    Ok(super::output::write_dir(dir, &files)?)
}

fn read_model(path: &Path) -> Result<PolytopeModel> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read model file {}", path.display()))?;
    PolytopeModel::from_json(&text).with_context(|| format!("model file {}", path.display()))
}

/// The warning for rows `predict` leaves out: how many, and the first ten
/// by their `row` value (0-based, as in the output).
fn missing_rows_note(kept: &[usize], rows: usize) -> String {
    let mut is_kept = vec![false; rows];
    kept.iter().for_each(|&r| is_kept[r] = true);
    let missing: Vec<usize> = (0..rows).filter(|&r| !is_kept[r]).collect();
    let shown: Vec<String> = missing.iter().take(10).map(|r| r.to_string()).collect();
    let more = if missing.len() > 10 { ", …" } else { "" };
    format!(
        "warning: {} rows with a missing cell (empty, NA or ?) were not assigned: row {}{more} (0-based, as in the row column)",
        missing.len(),
        shown.join(", ")
    )
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
    let written = (|| {
        writeln!(out, "row,cluster")?;
        for (row, cluster) in ds.row_index.iter().zip(&labels) {
            writeln!(out, "{row},{cluster}")?;
        }
        out.flush()
    })();
    written.map_err(|e| super::output::WriteError::new("standard output", e))?;
    if ds.dropped_rows > 0 {
        super::output::warn(&missing_rows_note(&ds.row_index, table.rows.len()));
    }
    Ok(())
}

pub(crate) fn explain_cmd(args: &ExplainArgs) -> Result<()> {
    let model = read_model(&args.model)?;
    match args.format {
        RuleFormat::Text => out!("{}", explain::rules_text(&model)),
        RuleFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&explain::rules_json(&model))?
        ),
        RuleFormat::Sql => outln!("{}", explain::rules_sql(&model)),
    }
    Ok(())
}
