//! `cluster`, `predict` and `explain`.

use super::args::{ClusterArgs, ExplainArgs, PredictArgs, RuleFormat};
use super::load::{add_data_json, check_labelling, load_with, print_data_lines, Loaded};
use super::output::{out, outln, Stream, WriteError};
use super::plot::{plot_clusters, plot_columns};
use super::progress::{counter_bar, Spinner};
use super::safe_output::{self, OutputDir};
use anyhow::{bail, Context, Result};
use polyclust::data;
use polyclust::explain;
use polyclust::hyperplane::Coefficients;
use polyclust::mpc::{
    self, ExplanationSpace, MinClusterSize, MpcParams, PolytopeModel, Preset, ScreeningTarget,
};
use polyclust::predict::PredictError;
use serde_json::json;
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
        .min_cluster_size(args.min_cluster_size)
        .max_cluster_size(args.n_max)
        .kmeans_restarts(args.kmeans_restarts)
        .local_search(!args.no_search)
        .coarse_start(args.coarse_start)
        .time_limit(args.time_limit)
        .k_max(args.k_max)
        .sample_size(args.sample_size)
}

pub(crate) fn cluster(args: &ClusterArgs) -> Result<()> {
    let label_column = args.labels_from.as_deref().or(args.target.as_deref());
    let loaded = load_with(&args.data, label_column, label_column.is_some())?;
    let ds = &loaded.dataset;
    // Output paths are checked before the fit, which can take minutes.
    if let Some(dir) = &args.out {
        output_dir(dir)?;
    }
    for svg in [&args.plot, &args.plot_k].into_iter().flatten() {
        let flag = if Some(svg) == args.plot.as_ref() {
            "--plot"
        } else {
            "--plot-k"
        };
        safe_output::check_output_file(flag, svg, "<svg ")?;
    }
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
    if let Some(col) = &args.labels_from {
        check_labelling(ds, col)?;
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
            args.interaction_method,
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
    let mut result = result?;
    if args.outliers {
        result
            .best
            .set_outliers_apart(ds.x.view(), mpc::OUTLIER_MULTIPLE);
    }
    let fit = &result.best;
    let model = &fit.model;
    if let Some((svg, _)) = &args.plot_k.as_ref().map(|p| (p, ())) {
        super::plot::plot_k_study(svg, &ds.name, &result.best_per_k(), fit.min_cluster_size)?;
    }
    if let Some(dir) = &args.out {
        write_outputs(dir, ds, fit)?;
    }
    if let Some((svg, columns)) = plot {
        plot_clusters(svg, ds, model, &fit.labels, columns)?;
    }
    let ari = loaded.truth.as_ref().map(|t| t.ari(&fit.labels));
    let notes = quality_notes(fit, ds.n(), &result);
    let per_k: Vec<serde_json::Value> = result
        .best_per_k()
        .iter()
        .map(|r| {
            json!({
                "k": r.k, "seed": r.seed, "clusters": r.clusters, "silhouette": r.silhouette,
                "silhouette_exact": r.silhouette_exact,
                "smallest_cluster": r.smallest, "fidelity": r.fidelity,
                "meets_min_cluster_size": r.meets_min_cluster_size,
                "reproduce": format!("--k {} --seed {} --k-max {k_hi}", r.k, r.seed),
            })
        })
        .collect();
    if args.json {
        let mut out = json!({
            "instance": ds.name, "n": ds.n(), "d": ds.d(), "k": model.k(),
            "silhouette": fit.silhouette, "fidelity": fit.fidelity,
            "silhouette_exact": fit.silhouette_exact, "silhouette_se": fit.silhouette_se,
            "uncovered": fit.uncovered,
            "sizes": fit.sizes, "cluster_silhouettes": fit.cluster_silhouettes,
            "min_cluster_size": fit.min_cluster_size,
            "meets_min_cluster_size": fit.meets_min_cluster_size(),
            "outliers": fit.outlier_count(),
            "hyperplanes": model.hyperplanes.len(),
            "halfspaces": model.halfspace_count(),
            "seconds": result.seconds, "backend": backend.name(),
            "status": if fit.meets_min_cluster_size() { fit.status().name() } else { "below_min_cluster_size" },
            "init_status": fit.init_status.name(),
            "start": if fit.coarse_start { "axis_parallel" } else { "own" },
            "search_moves": fit.search_history.len().saturating_sub(1),
            "init_iterations": fit.init_history.len(),
            "best_k": result.best_k, "best_seed": result.best_seed,
            "runs": result.runs.len(), "median_run_seconds": result.median_run_seconds(),
            "runs_skipped": result.skipped, "protocol_status": result.status.name(),
            "runs_below_min_cluster_size": result.runs.iter().filter(|r| !r.meets_min_cluster_size).count(),
            "per_k": per_k,
            "solves": fit.solves.solved, "solves_optimal": fit.solves.optimal,
            "m": m, "beta": beta, "seed": args.seed,
            "interactions": screened, "notes": notes,
            "peak_rss_bytes": super::output::peak_rss_bytes(),
        });
        add_data_json(&mut out, ds);
        if let Some(a) = ari {
            out["ari"] = json!(a);
        }
        outln!("{out}");
    } else {
        outln!(
            "{}: n = {}, d = {}, k = {} clusters, M = {m}, beta = {beta}, backend {}, min cluster size {}",
            ds.name,
            ds.n(),
            ds.d(),
            model.k(),
            backend,
            fit.min_cluster_size
        );
        print_data_lines(ds)?;
        match fit.silhouette {
            Some(s) if fit.outliers.is_some() => outln!(
                "  silhouette = {s:.6} (over the {} rows that are not outliers)",
                ds.n() - fit.outlier_count()
            ),
            Some(s) if !fit.silhouette_exact => outln!(
                "  silhouette ≈ {s:.6} ± {:.6} (mean of {} samples of {} rows; standard error)",
                fit.silhouette_se.unwrap_or(f64::NAN),
                mpc::ESTIMATE_REPEATS,
                args.sample_size
            ),
            Some(s) => outln!("  silhouette = {s:.6}"),
            None => outln!("  silhouette undefined (one cluster)"),
        }
        outln!("  {}", cluster_sizes_line(fit, ds.n()));
        if fit.outliers.is_some() {
            outln!(
                "  {} outliers set apart (label -1): farther from their cluster's centre than the median distance + {} robust standard deviations",
                fit.outlier_count(),
                mpc::OUTLIER_MULTIPLE
            );
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
        if k_hi > k_lo {
            outln!("  the choice of k (best run of each initial k):");
            outln!(
                "    {:>3} {:>5} {:>9} {:>10} {:>9} {:>8}  reproduce with",
                "k",
                "seed",
                "clusters",
                "silhouette",
                "smallest",
                "fidelity"
            );
            for r in result.best_per_k() {
                outln!(
                    "    {:>3} {:>5} {:>9} {:>10} {:>9} {:>8.4}  --k {} --seed {} --k-max {k_hi}{}",
                    r.k,
                    r.seed,
                    r.clusters,
                    r.silhouette
                        .map_or_else(|| "—".into(), |s| format!("{s:.4}")),
                    r.smallest,
                    r.fidelity,
                    r.k,
                    r.seed,
                    if r.meets_min_cluster_size {
                        ""
                    } else {
                        "  (below the minimum cluster size)"
                    }
                );
            }
        }
        outln!("  status {}, {:.3} s", fit.status().name(), fit.seconds);
        for note in &notes {
            outln!("  note: {note}");
        }
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

/// `clusters: 0: 59 rows (39.3%, silhouette 0.712), …`.
fn cluster_sizes_line(fit: &mpc::MpcFit, n: usize) -> String {
    let parts: Vec<String> = fit
        .sizes
        .iter()
        .zip(&fit.cluster_silhouettes)
        .enumerate()
        .map(|(c, (&size, s))| {
            format!(
                "{c}: {size} rows ({:.1}%{})",
                100.0 * size as f64 / n.max(1) as f64,
                s.map_or_else(String::new, |s| format!(", silhouette {s:.3}"))
            )
        })
        .collect();
    format!("clusters: {}", parts.join(", "))
}

/// What a person should know about the result's clusters: a cluster under
/// 1 % of the rows (only possible with a lowered floor), and a protocol whose
/// runs could not meet the floor.
fn quality_notes(fit: &mpc::MpcFit, n: usize, result: &mpc::ProtocolResult) -> Vec<String> {
    let mut notes = Vec::new();
    let one_percent = (n as f64 * 0.01).ceil() as usize;
    for (c, &size) in fit.sizes.iter().enumerate() {
        if size < one_percent && size >= fit.min_cluster_size {
            notes.push(format!(
                "cluster {c} holds {size} rows, under 1% of the {n} rows: the minimum cluster size was lowered to {}",
                fit.min_cluster_size
            ));
        }
    }
    if !fit.meets_min_cluster_size() {
        notes.push(format!(
            "no run met the minimum cluster size of {} rows; the best run's smallest cluster holds {} (lower the floor or the range of k)",
            fit.min_cluster_size,
            fit.smallest_cluster()
        ));
    } else {
        let below = result
            .runs
            .iter()
            .filter(|r| !r.meets_min_cluster_size)
            .count();
        if below > 0 {
            notes.push(format!(
                "{below} of {} runs ended with a cluster under the minimum cluster size of {} rows and ranked below the others",
                result.runs.len(),
                fit.min_cluster_size
            ));
        }
    }
    notes
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
    if args.min_cluster_size != MinClusterSize::DEFAULT {
        super::output::warn(
            "note: --min-cluster-size does not apply to --labels-from: the given clusters are explained as they are",
        );
    }
    let params = mpc_params(args, k)
        .min_cluster_size(MinClusterSize::Rows(1))
        .check(ds.x.view(), space.dim())?;
    let fit = mpc::explain_labels(ds.x.view(), &ds.map, space, labels, &params)?;
    if let Some(dir) = &args.out {
        write_outputs(dir, ds, &fit)?;
    }
    if let Some((svg, columns)) = plot {
        plot_clusters(svg, ds, &fit.model, &fit.labels, columns)?;
    }
    if args.json {
        let mut out = json!({
            "instance": ds.name, "n": ds.n(), "d": ds.d(), "k": fit.model.k(),
            "silhouette": fit.silhouette, "fidelity": fit.fidelity,
            "hyperplanes": fit.model.hyperplanes.len(),
            "halfspaces": fit.model.halfspace_count(),
            "seconds": fit.seconds, "backend": args.solver.backend.name(),
            "status": "explained", "m": m, "beta": beta,
            "interactions": screened,
        });
        add_data_json(&mut out, ds);
        outln!("{out}");
    } else {
        outln!(
            "{}: explaining {} given clusters, n = {}, d = {}, M = {m}, beta = {beta}",
            ds.name,
            k,
            ds.n(),
            ds.d()
        );
        print_data_lines(ds)?;
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

/// The files `cluster --out DIR` writes.
const OUTPUT_FILES: [&str; 4] = ["assignments.csv", "model.json", "rules.txt", "rules.sql"];

/// `--out DIR` checked: a directory polyclust may write its four files into.
/// A directory an earlier release wrote (no marker) is recognised by its
/// model.json.
fn output_dir(dir: &Path) -> Result<OutputDir> {
    let model = dir.join("model.json");
    let earlier = |_: &str, _: &Path| {
        std::fs::read_to_string(&model).is_ok_and(|t| PolytopeModel::from_json(&t).is_ok())
    };
    OutputDir::check("--out", dir, &OUTPUT_FILES, &earlier)
}

/// `--out DIR`: the assignments, the model and its rules, each replacing its
/// earlier file only once all of them are written; other files in DIR stay.
fn write_outputs(dir: &Path, ds: &data::Dataset, fit: &mpc::MpcFit) -> Result<()> {
    let mut csv = String::from("row,cluster\n");
    for (t, (row, cluster)) in ds.row_index.iter().zip(&fit.labels).enumerate() {
        let outlier = fit.outliers.as_ref().is_some_and(|o| o[t]);
        if outlier {
            csv.push_str(&format!("{row},{}\n", mpc::OUTLIER_LABEL));
        } else {
            csv.push_str(&format!("{row},{cluster}\n"));
        }
    }
    let [assignments, model, rules, sql] = OUTPUT_FILES;
    let files = [
        (assignments, csv.into_bytes()),
        (model, fit.model.to_json().into_bytes()),
        (rules, explain::rules_text(&fit.model).into_bytes()),
        (
            sql,
            format!(
                "{}\n",
                explain::rules_sql(&fit.model, explain::Dialect::Ansi)
            )
            .into_bytes(),
        ),
    ];
    Ok(output_dir(dir)?.write(&files)?)
}

fn read_model(path: &Path) -> Result<PolytopeModel> {
    safe_output::protect_input(path);
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read model file {}", path.display()))?;
    PolytopeModel::from_json(&text).with_context(|| format!("model file {}", path.display()))
}

/// The note for rows `predict` decides on the cells they have: how many,
/// and the first ten by their `row` value (0-based, as in the output).
fn missing_rows_note(missing: usize, first: &[usize]) -> String {
    let shown: Vec<String> = first.iter().take(10).map(|r| r.to_string()).collect();
    let more = if missing > 10 { ", …" } else { "" };
    format!(
        "note: {missing} rows with a missing cell (empty, NA or ?) were decided on the cells they have (a condition on a missing cell is not counted; the nearest centre is measured on the cells present): row {}{more} (0-based, as in the row column)",
        shown.join(", ")
    )
}

/// Bytes of `predict`'s standard output held back before the first write:
/// a file refused within its first ~700 000 rows prints nothing.
const PREDICT_HOLD: usize = 8 << 20;

pub(crate) fn predict(args: &PredictArgs) -> Result<()> {
    let model = read_model(&args.model)?;
    let options = polyclust::predict::StreamOptions {
        chunk_rows: args.chunk_rows,
        ..Default::default()
    };
    safe_output::protect_input(&args.data);
    let mut out = Stream::open("--out", args.out.as_deref(), "row,cluster", PREDICT_HOLD)?;
    let summary = match polyclust::predict::predict_file(&args.data, &model, &mut out, &options) {
        Ok(summary) => summary,
        Err(PredictError::Data(e)) => return Err(e.into()),
        Err(PredictError::Write(e)) => return Err(WriteError::new(out.what(), e).into()),
    };
    out.finish()?;
    if summary.missing > 0 {
        super::output::warn(&missing_rows_note(summary.missing, &summary.first_missing));
    }
    Ok(())
}

pub(crate) fn explain_cmd(args: &ExplainArgs) -> Result<()> {
    if args.format != RuleFormat::Sql && (args.dialect.is_some() || args.table.is_some()) {
        bail!("--dialect and --table apply to --format sql");
    }
    let model = read_model(&args.model)?;
    let dialect = args.dialect.unwrap_or_default();
    match args.format {
        RuleFormat::Text => out!("{}", explain::rules_text(&model)),
        RuleFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&explain::rules_json(&model))?
        ),
        RuleFormat::Sql => match &args.table {
            Some(table) => {
                let keep: Vec<&str> = args.keep.iter().map(String::as_str).collect();
                let (column, note) = explain::output_column(&model, &keep, args.column.as_deref())
                    .map_err(anyhow::Error::msg)?;
                if let Some(note) = note {
                    super::output::warn(&format!("note: {note}"));
                }
                outln!(
                    "{}",
                    explain::select_sql_as(&model, dialect, table, &keep, &column)
                );
            }
            None => outln!("{}", explain::rules_sql(&model, dialect)),
        },
    }
    Ok(())
}
