//! `cluster`, `predict` and `explain`.

use super::args::{ClusterArgs, ExplainArgs, PredictArgs, RuleFormat};
use super::load::{add_data_json, check_labelling, load_with, print_data_lines};
use super::output::{out, outln, Stream};
use super::plot::{plot_clusters, plot_columns};
use super::progress::{counter_bar, Spinner};
use super::safe_output::{self, OutputDir};
use super::write_error::WriteError;
use anyhow::{bail, Context, Result};
use polyclust::data;
use polyclust::explain;
use polyclust::hyperplane::Coefficients;
use polyclust::job::{ClusterOutcome, ClusterReport, ClusterSpec, Hooks, ScreenAgainst};
use polyclust::mpc::{self, PolytopeModel, Preset};
use polyclust::predict::PredictError;
use serde_json::json;
use std::path::Path;

/// The job `cluster` describes: every flag of the job converted once into
/// the library's [`ClusterSpec`] (the struct literal names every field, so a
/// setting added to the job fails to compile here until the command line
/// has its flag).
pub(crate) fn cluster_spec(args: &ClusterArgs) -> ClusterSpec {
    ClusterSpec {
        k: args.k.unwrap_or(ClusterSpec::default().k),
        k_range: args.k_range,
        k_min: args.k_min,
        objective: args.objective,
        restarts: args.restarts,
        preset: if args.axis_parallel {
            Some(Preset::Mpc1)
        } else {
            args.preset
        },
        m: args.m,
        beta: args.beta,
        coefficients: if args.general {
            Coefficients::General
        } else {
            Coefficients::Integer
        },
        lambda: args.lambda,
        min_cluster_size: args.min_cluster_size,
        n_max: args.n_max,
        backend: args.solver.backend,
        solver_time_limit: args.solver.solver_time_limit,
        kmeans_restarts: args.kmeans_restarts,
        local_search: !args.no_search,
        coarse_start: args.coarse_start,
        time_limit: args.time_limit,
        budget: args.budget,
        k_max: args.k_max,
        sample_size: args.sample_size,
        seed: args.seed,
        outliers: args.outliers,
        binarize: args.binarize,
        interactions: args.interactions,
        interaction_method: args.interaction_method,
        pieces: args.pieces,
    }
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
    super::report::check_cluster_report(&args.report, ds)?;
    let plot = match &args.plot {
        Some(svg) => Some((svg, plot_columns(ds, args.plot_columns.as_deref())?)),
        None => None,
    };
    let spec = cluster_spec(args);
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
    let outcome = match &given {
        Some(labels) => spec.explain(ds, labels)?,
        None => {
            // Settings are checked before any work (screening can take minutes).
            spec.check(ds)?;
            let against = match (&args.target, &ds.labels) {
                (Some(_), Some(cells)) => ScreenAgainst::Column(cells),
                _ => ScreenAgainst::Clusters,
            };
            let (k_lo, k_hi) = spec.ks();
            let runs = (k_hi - k_lo + 1) * spec.restarts.max(1);
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
            let hooks = Hooks {
                observer: if bar.is_some() { &() } else { &spinner },
                on_run: &on_run,
            };
            let outcome = spec.run(ds, against, hooks);
            spinner.finish();
            if let Some(bar) = &bar {
                bar.finish_and_clear();
            }
            outcome?
        }
    };
    let fit = outcome.fit();
    let model = &fit.model;
    if let Some(svg) = &args.plot_k {
        let per_k = outcome.result.best_per_k();
        super::plot::plot_k_study(svg, &ds.name, &per_k, fit.min_cluster_size)?;
    }
    if let Some(dir) = &args.out {
        write_outputs(dir, ds, fit)?;
    }
    if let Some((svg, columns)) = plot {
        plot_clusters(svg, ds, model, &fit.labels, columns)?;
    }
    // Rows without a label are clustered; the agreement is measured on the others.
    let complete = loaded.truth.as_ref().and_then(|t| t.complete());
    let truth = if given.is_some() {
        None
    } else {
        complete.as_deref()
    };
    let k_study = if outcome.explained {
        Vec::new()
    } else {
        outcome
            .result
            .best_per_k()
            .into_iter()
            .map(Into::into)
            .collect()
    };
    let labelled = truth.map(|t| (t, args.data.label_column.as_str()));
    super::report::write_cluster_report(&args.report, ds, labelled, fit, k_study, args.seed)?;
    let mut report = outcome.report(&spec, ds, truth);
    if let (None, None, Some(t)) = (&given, truth, &loaded.truth) {
        report.ari = Some(t.ari(&fit.labels));
    }
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        add_data_json(&mut value, ds);
        // The command line's own additions: how to rerun a k alone, and memory.
        if let Some(per_k) = value["per_k"].as_array_mut() {
            for row in per_k {
                row["reproduce"] = json!(format!(
                    "--k {} --seed {} --k-min {} --k-max {}",
                    row["k"], row["seed"], row["k_min"], row["k_max"]
                ));
            }
        }
        value["peak_rss_bytes"] = json!(super::output::peak_rss_bytes());
        outln!("{value}");
        return Ok(());
    }
    if outcome.explained {
        print_explained(&report, &outcome, ds, args.out.as_deref())
    } else {
        print_clustered(&report, &outcome, &spec, ds, args.out.as_deref())
    }
}

/// The text report of a clustering.
fn print_clustered(
    report: &ClusterReport,
    outcome: &ClusterOutcome,
    spec: &ClusterSpec,
    ds: &data::Dataset,
    out_dir: Option<&Path>,
) -> Result<()> {
    let fit = outcome.fit();
    let model = &fit.model;
    let result = &outcome.result;
    let (m, beta) = spec.m_beta();
    let n = report.n;
    outln!(
        "{}: n = {n}, d = {}, k = {} clusters, M = {m}, beta = {beta}, objective {}, backend {}, min cluster size {}",
        report.instance,
        report.d,
        model.k(),
        report.objective,
        report.backend,
        fit.min_cluster_size
    );
    print_data_lines(ds)?;
    match fit.silhouette {
        Some(s) if fit.outliers.is_some() => outln!(
            "  silhouette = {s:.6} (over the {} rows that are not outliers)",
            n - fit.outlier_count()
        ),
        Some(s) if !fit.silhouette_exact && fit.silhouette_se.is_none() => outln!(
            "  silhouette ≈ {s:.6} (the run's estimate: the time ran out before the exact value)"
        ),
        Some(s) if !fit.silhouette_exact => outln!(
            "  silhouette ≈ {s:.6} ± {:.6} (mean of {} samples of {} rows; standard error)",
            fit.silhouette_se.unwrap_or(f64::NAN),
            mpc::ESTIMATE_REPEATS,
            spec.sample_size
        ),
        Some(s) => outln!("  silhouette = {s:.6}"),
        None => outln!("  silhouette undefined (one cluster)"),
    }
    outln!("  {}", cluster_sizes_line(fit, n));
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
    if let (Some(a), Some(nca)) = (report.ari, report.nca) {
        outln!("  against the ground truth: ARI = {a:.6}, NCA = {nca:.6}");
    }
    if let Some(price) = report.price_of_explainability {
        outln!(
            "  k-means cost {:.6}; price of explainability {price:.4} (against the best k-means at k = {}{})",
            report.kmeans_cost,
            model.k(),
            if report.price_estimated {
                ", on the search's sample of rows"
            } else {
                ""
            }
        );
    }
    let size = &report.explanation;
    outln!(
        "  explanation: {} conditions, {} terms, {} features; a row's rule reads {:.2} conditions on average",
        size.conditions,
        size.terms,
        size.features,
        size.weighted_conditions
    );
    if !report.interactions.is_empty() {
        outln!(
            "  screened interactions added: {}",
            report.interactions.join(", ")
        );
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
    if report.per_k.len() > 1 {
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
        for r in &report.per_k {
            outln!(
                "    {:>3} {:>5} {:>9} {:>10} {:>9} {:>8.4}  --k {} --seed {} --k-min {} --k-max {}{}",
                r.k,
                r.seed,
                r.clusters,
                r.silhouette
                    .map_or_else(|| "—".into(), |s| format!("{s:.4}")),
                r.smallest_cluster,
                r.fidelity,
                r.k,
                r.seed,
                r.k_min,
                r.k_max,
                if r.meets_min_cluster_size {
                    ""
                } else {
                    "  (below the minimum cluster size)"
                }
            );
        }
    }
    outln!("  status {}, {:.3} s", fit.status().name(), fit.seconds);
    for note in &report.notes {
        outln!("  note: {note}");
    }
    if let Some(dir) = out_dir {
        outln!(
            "  wrote {}/{{assignments.csv, model.json, rules.txt, rules.sql}}",
            dir.display()
        );
    }
    outln!();
    out!("{}", explain::rules_text(model));
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

/// The text report of `cluster --labels-from COL`: polytopes that explain a
/// given clustering.
fn print_explained(
    report: &ClusterReport,
    outcome: &ClusterOutcome,
    ds: &data::Dataset,
    out_dir: Option<&Path>,
) -> Result<()> {
    let fit = outcome.fit();
    for note in &report.notes {
        super::output::warn(&format!("note: {note}"));
    }
    outln!(
        "{}: explaining {} given clusters, n = {}, d = {}, M = {}, beta = {}",
        report.instance,
        outcome.result.best_k,
        report.n,
        report.d,
        report.m,
        report.beta
    );
    print_data_lines(ds)?;
    if !report.interactions.is_empty() {
        outln!(
            "  screened interactions added: {}",
            report.interactions.join(", ")
        );
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
    if let Some(dir) = out_dir {
        outln!(
            "  wrote {}/{{assignments.csv, model.json, rules.txt, rules.sql}}",
            dir.display()
        );
    }
    outln!();
    out!("{}", explain::rules_text(&fit.model));
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
                    super::output::warn(&format!("note: {}", super::vocabulary::with_flags(&note)));
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
