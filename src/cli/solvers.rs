//! `hyperplane`, `export-model` and `bench solvers`.

use super::args::{
    BenchSolversArgs, ExportModelArgs, FamilyArgs, HyperplaneArgs, ModelFormat, PairArgs, PresetArg,
};
use super::commands::{load, Loaded};
use super::progress::counter_bar;
use anyhow::{bail, Context, Result};
use polyclust::benchmark::median;
use polyclust::hyperplane::{
    self, Backend, Coefficients, HyperplaneParams, HyperplaneProblem, SolveOptions, SolveOutcome,
    ValidHyperplaneParams,
};
use polyclust::mpc::{self, ExplanationSpace, MpcParams, Preset};
use serde_json::json;

/// M, beta and the coefficient kind: the preset's when one is given.
fn family_settings(family: &FamilyArgs, preset: Option<PresetArg>) -> (u32, usize, Coefficients) {
    let (m, beta) = preset.map_or((family.m, family.beta), |p| Preset::from(p).m_beta());
    let coefficients = if family.general {
        Coefficients::General
    } else {
        Coefficients::Integer
    };
    (m, beta, coefficients)
}

/// Hyperplane parameters from the command line, checked against d.
fn family_params(
    family: &FamilyArgs,
    preset: Option<PresetArg>,
    d: usize,
) -> Result<ValidHyperplaneParams> {
    let (m, beta, coefficients) = family_settings(family, preset);
    let params = HyperplaneParams::new()
        .m(m)
        .beta(beta)
        .coefficients(coefficients)
        .check()?;
    if beta > d {
        bail!("invalid beta: beta = {beta} exceeds the number of features d = {d}");
    }
    Ok(params)
}

/// Rows of every label, in order of first appearance.
fn clusters(loaded: &Loaded) -> Result<(Vec<String>, Vec<Vec<usize>>)> {
    let (ids, names) = loaded
        .dataset
        .label_ids()
        .context("no cluster labels: name a column with --labels-from")?;
    let mut members = vec![Vec::new(); names.len()];
    for (t, id) in ids.into_iter().enumerate() {
        members[id].push(t);
    }
    Ok((names, members))
}

/// The two row sets named by `--i` and `--j`.
fn pair_rows(args: &PairArgs) -> Result<(Loaded, Vec<usize>, Vec<usize>)> {
    let loaded = load(&args.data, args.labels_from.as_deref())?;
    let (names, members) = clusters(&loaded)?;
    let find = |label: &str| {
        names.iter().position(|n| n == label).with_context(|| {
            format!(
                "no cluster labelled '{label}' (labels: {})",
                names.join(", ")
            )
        })
    };
    let (i, j) = (find(&args.i)?, find(&args.j)?);
    if i == j {
        bail!("--i and --j name the same cluster '{}'", args.i);
    }
    Ok((loaded, members[i].clone(), members[j].clone()))
}

fn status_name(outcome: &SolveOutcome) -> String {
    match outcome.status {
        hyperplane::SolveStatus::Optimal => "optimal".into(),
        hyperplane::SolveStatus::GapLimit { gap } => format!("gap_limit (gap {gap:.2e})"),
        hyperplane::SolveStatus::TimeLimit { gap: Some(gap) } => {
            format!("time_limit (gap {gap:.2e})")
        }
        hyperplane::SolveStatus::TimeLimit { gap: None } => "time_limit".into(),
    }
}

fn status_key(outcome: &SolveOutcome) -> &'static str {
    match outcome.status {
        hyperplane::SolveStatus::Optimal => "optimal",
        hyperplane::SolveStatus::GapLimit { .. } => "gap_limit",
        hyperplane::SolveStatus::TimeLimit { .. } => "time_limit",
    }
}

fn gap(outcome: &SolveOutcome) -> Option<f64> {
    match outcome.status {
        hyperplane::SolveStatus::Optimal => Some(0.0),
        hyperplane::SolveStatus::GapLimit { gap } => Some(gap),
        hyperplane::SolveStatus::TimeLimit { gap } => gap,
    }
}

pub(crate) fn hyperplane_cmd(args: &HyperplaneArgs) -> Result<()> {
    let (loaded, ci, cj) = pair_rows(&args.pair)?;
    let ds = &loaded.dataset;
    let params = family_params(&args.pair.family, None, ds.d())?;
    let problem = HyperplaneProblem::new(ds.x.view(), &ci, &cj)?;
    let options = SolveOptions {
        backend: args.backend.into(),
        time_limit: Some(args.time_limit),
        mip_gap: None,
    };
    let outcome = hyperplane::solve(&problem, &params, &options)?;
    let names = ds.feature_names();
    let w: serde_json::Map<String, serde_json::Value> = outcome
        .hyperplane
        .w
        .iter()
        .zip(&names)
        .filter(|(w, _)| **w != 0.0)
        .map(|(w, n)| (n.clone(), json!(w)))
        .collect();
    if args.json {
        println!(
            "{}",
            json!({
                "instance": ds.name, "i": args.pair.i, "j": args.pair.j,
                "n_i": ci.len(), "n_j": cj.len(), "d": ds.d(),
                "m": params.m(), "beta": params.beta(),
                "w": w, "b": outcome.hyperplane.b,
                "objective": outcome.objective, "misclassified": outcome.misclassified,
                "status": status_key(&outcome), "gap": gap(&outcome),
                "seconds": outcome.seconds, "backend": outcome.backend.name(),
            })
        );
    } else {
        println!(
            "{}: clusters '{}' ({} rows) vs '{}' ({} rows), d = {}, M = {}, beta = {}, backend {}",
            ds.name,
            args.pair.i,
            ci.len(),
            args.pair.j,
            cj.len(),
            ds.d(),
            params.m(),
            params.beta(),
            outcome.backend
        );
        let terms: Vec<String> = w.iter().map(|(n, v)| format!("{v}·{n}'")).collect();
        println!(
            "  w·x + b = {} + {:.6}",
            terms.join(" + "),
            outcome.hyperplane.b
        );
        println!("  objective = {:.6}", outcome.objective);
        println!("  misclassified = {}", outcome.misclassified);
        println!("  status = {}", status_name(&outcome));
        println!("  seconds = {:.4}", outcome.seconds);
    }
    Ok(())
}

pub(crate) fn export_model(args: &ExportModelArgs) -> Result<()> {
    let (loaded, ci, cj) = pair_rows(&args.pair)?;
    let ds = &loaded.dataset;
    let params = family_params(&args.pair.family, None, ds.d())?;
    let problem = HyperplaneProblem::new(ds.x.view(), &ci, &cj)?;
    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let writer = std::io::BufWriter::new(file);
    match args.format {
        ModelFormat::Lp => hyperplane::write_lp(&problem, &params, writer)?,
        ModelFormat::Mps => {
            hyperplane::write_mps(&problem, &params, hyperplane::MpsFormat::Free, writer)?
        }
    }
    eprintln!(
        "wrote the MILP (1)-(12) for '{}' vs '{}' of {} ({} + {} rows, d = {}) to {}",
        args.pair.i,
        args.pair.j,
        ds.name,
        ci.len(),
        cj.len(),
        ds.d(),
        args.out.display()
    );
    Ok(())
}

/// Two objectives agree to 1e-6 relative (absolute near zero).
pub(crate) fn objectives_agree(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// The backends named on the command line, or every compiled-in one.
fn chosen_backends(args: &BenchSolversArgs) -> Vec<Backend> {
    if args.backends.is_empty() {
        Backend::ALL.to_vec()
    } else {
        args.backends.iter().map(|&b| b.into()).collect()
    }
}

pub(crate) fn bench_solvers(args: &BenchSolversArgs) -> Result<()> {
    if args.mpc {
        return bench_solvers_mpc(args);
    }
    let loaded = load(&args.data, args.labels_from.as_deref())?;
    let ds = &loaded.dataset;
    let (names, members) = clusters(&loaded)?;
    let params = family_params(&args.family, args.preset, ds.d())?;
    let backends = chosen_backends(args);
    let mut rows = Vec::new();
    let mut all_agree = true;
    let mut unproven = 0usize;
    let pairs: Vec<(usize, usize)> = (0..names.len())
        .flat_map(|i| (i + 1..names.len()).map(move |j| (i, j)))
        .collect();
    let bar = counter_bar(pairs.len() * backends.len(), "solves");
    for &(i, j) in &pairs {
        let problem = HyperplaneProblem::new(ds.x.view(), &members[i], &members[j])?;
        let mut optimal_objectives = Vec::new();
        for &backend in &backends {
            bar.set_message(format!("pair {}-{} {backend}", names[i], names[j]));
            let options = SolveOptions {
                backend,
                time_limit: Some(args.time_limit),
                mip_gap: None,
            };
            let outcome = hyperplane::solve(&problem, &params, &options)?;
            bar.inc(1);
            if outcome.status.is_optimal() {
                optimal_objectives.push(outcome.objective);
            } else {
                unproven += 1;
            }
            rows.push((format!("{}-{}", names[i], names[j]), outcome));
        }
        if optimal_objectives
            .iter()
            .any(|&o| !objectives_agree(o, optimal_objectives[0]))
        {
            all_agree = false;
        }
    }
    bar.finish_and_clear();
    if args.json {
        let rows: Vec<_> = rows
            .iter()
            .map(|(pair, o)| {
                json!({
                    "pair": pair, "backend": o.backend.name(), "objective": o.objective,
                    "status": status_key(o), "gap": gap(o), "seconds": o.seconds,
                    "misclassified": o.misclassified,
                })
            })
            .collect();
        let mut medians = serde_json::Map::new();
        for &backend in &backends {
            medians.insert(
                backend.name().into(),
                json!(median(&rows_of(&rows, backend))),
            );
        }
        println!(
            "{}",
            json!({
                "instance": ds.name, "n": ds.n(), "d": ds.d(), "m": params.m(), "beta": params.beta(),
                "rows": rows, "all_agree": all_agree, "unproven": unproven,
                "median_seconds": medians,
            })
        );
    } else {
        println!(
            "{}: {} clusters, n = {}, d = {}, M = {}, beta = {}",
            ds.name,
            names.len(),
            ds.n(),
            ds.d(),
            params.m(),
            params.beta()
        );
        println!(
            "{:<12} {:<10} {:>16} {:<24} {:>10}",
            "pair", "backend", "objective", "status", "seconds"
        );
        for (pair, o) in &rows {
            println!(
                "{:<12} {:<10} {:>16.8} {:<24} {:>10.4}",
                pair,
                o.backend.name(),
                o.objective,
                status_name(o),
                o.seconds
            );
        }
        for &backend in &backends {
            let times = rows
                .iter()
                .filter(|(_, o)| o.backend == backend)
                .map(|(_, o)| o.seconds)
                .collect::<Vec<_>>();
            println!("median seconds per pair, {backend}: {:.4}", median(&times));
        }
        println!(
            "all backends agree on every proven optimum: {}{}",
            if all_agree { "yes" } else { "NO" },
            if unproven > 0 {
                format!(" ({unproven} solves stopped before proving optimality)")
            } else {
                String::new()
            }
        );
    }
    Ok(())
}

fn rows_of(rows: &[serde_json::Value], backend: Backend) -> Vec<f64> {
    rows.iter()
        .filter(|r| r["backend"] == backend.name())
        .filter_map(|r| r["seconds"].as_f64())
        .collect()
}

/// One whole MPC run of `bench solvers --mpc`.
struct MpcBackendRun {
    backend: Backend,
    fit: mpc::MpcFit,
}

impl MpcBackendRun {
    /// Share of the hyperplane problems solved to proven optimality.
    fn optimal_share(&self) -> f64 {
        let s = &self.fit.solves;
        if s.solved == 0 {
            1.0
        } else {
            s.optimal as f64 / s.solved as f64
        }
    }
}

/// `bench solvers --mpc`: cluster the data once per backend with the same
/// settings and seed. The backends solve the same hyperplane problems, so
/// runs whose solves are all proven optimal differ only where a problem has
/// several optimal hyperplanes.
fn bench_solvers_mpc(args: &BenchSolversArgs) -> Result<()> {
    let loaded = load(&args.data, None)?;
    let ds = &loaded.dataset;
    let k = args.k.context("--mpc needs the number of clusters --k")?;
    let (m, beta, coefficients) = family_settings(&args.family, args.preset);
    let space = ExplanationSpace::identity(ds.d());
    let backends = chosen_backends(args);
    let bar = counter_bar(backends.len(), "runs");
    let mut runs = Vec::new();
    for &backend in &backends {
        bar.set_message(format!("{} with {backend}", ds.name));
        let mut params = MpcParams::new(k)
            .m(m)
            .beta(beta)
            .coefficients(coefficients)
            .seed(args.seed)
            .backend(backend);
        params.solver_time_limit = Some(args.time_limit);
        let params = params.check(ds.x.view(), space.dim())?;
        let fit = mpc::fit(ds.x.view(), &ds.map, space.clone(), &params, &())
            .with_context(|| format!("MPC run with backend {backend}"))?;
        bar.inc(1);
        runs.push(MpcBackendRun { backend, fit });
    }
    bar.finish_and_clear();
    let reference = runs[0].fit.silhouette;
    let same_silhouette = runs.iter().all(|r| match (r.fit.silhouette, reference) {
        (Some(a), Some(b)) => objectives_agree(a, b),
        (a, b) => a.is_none() && b.is_none(),
    });
    if args.json {
        let rows: Vec<_> = runs
            .iter()
            .map(|r| {
                let f = &r.fit;
                json!({
                    "backend": r.backend.name(), "silhouette": f.silhouette,
                    "clusters": f.model.k(), "hyperplanes": f.model.hyperplanes.len(),
                    "halfspaces": f.model.halfspace_count(), "fidelity": f.fidelity,
                    "solves": f.solves.solved, "solves_optimal": f.solves.optimal,
                    "optimal_share": r.optimal_share(), "solver_seconds": f.solves.seconds,
                    "seconds": f.seconds,
                    "status": f.search_status.unwrap_or(f.init_status).name(),
                })
            })
            .collect();
        println!(
            "{}",
            json!({
                "instance": ds.name, "n": ds.n(), "d": ds.d(), "k": k, "m": m, "beta": beta,
                "seed": args.seed, "time_limit": args.time_limit,
                "rows": rows, "same_silhouette": same_silhouette,
            })
        );
    } else {
        println!(
            "{}: MPC with k = {k}, n = {}, d = {}, M = {m}, beta = {beta}, seed {}",
            ds.name,
            ds.n(),
            ds.d(),
            args.seed
        );
        println!(
            "{:<10} {:>10} {:>8} {:>11} {:>8} {:>22} {:>13} {:>9}",
            "backend",
            "silhouette",
            "clusters",
            "hyperplanes",
            "fidelity",
            "proven optimal solves",
            "solves s (sum)",
            "seconds"
        );
        for r in &runs {
            let f = &r.fit;
            println!(
                "{:<10} {:>10} {:>8} {:>11} {:>8.4} {:>22} {:>13.3} {:>9.3}",
                r.backend.name(),
                f.silhouette
                    .map_or_else(|| "—".to_string(), |s| format!("{s:.6}")),
                f.model.k(),
                f.model.hyperplanes.len(),
                f.fidelity,
                format!(
                    "{}/{} ({:.1}%)",
                    f.solves.optimal,
                    f.solves.solved,
                    100.0 * r.optimal_share()
                ),
                f.solves.seconds,
                f.seconds
            );
        }
        println!(
            "all backends reach the same silhouette: {}",
            if same_silhouette { "yes" } else { "no" }
        );
    }
    Ok(())
}
