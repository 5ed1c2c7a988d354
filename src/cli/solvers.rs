//! `hyperplane`, `export-model` and `bench solvers`.

use super::args::{
    BenchSolversArgs, ExportModelArgs, FamilyArgs, HyperplaneArgs, ModelFormat, PairArgs,
};
use super::load::{load, Loaded};
use super::output::outln;
use super::progress::counter_bar;
use anyhow::{bail, Context, Result};
use polyclust::hyperplane::{
    self, objectives_agree, Backend, Coefficients, HyperplaneParams, HyperplaneProblem,
    SolveOptions, ValidHyperplaneParams,
};
use polyclust::metrics::median;
use polyclust::mpc::{self, ExplanationSpace, MpcParams, Preset};
use polyclust::params::ParamsError;
use serde_json::json;

/// M, beta and the coefficient kind: the preset's when one is given.
fn family_settings(family: &FamilyArgs, preset: Option<Preset>) -> (u32, usize, Coefficients) {
    let (m, beta) = preset.map_or((family.m, family.beta), Preset::m_beta);
    (m, beta, family.coefficients())
}

/// Hyperplane parameters from the command line, checked against d features.
fn family_params(
    family: &FamilyArgs,
    preset: Option<Preset>,
    d: usize,
) -> Result<ValidHyperplaneParams> {
    let (m, beta, coefficients) = family_settings(family, preset);
    HyperplaneParams::new()
        .m(m)
        .beta(beta)
        .coefficients(coefficients)
        .check_for(d)
        .map_err(|e| ParamsError::from_hyperplane(&e).into())
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

pub(crate) fn hyperplane_cmd(args: &HyperplaneArgs) -> Result<()> {
    let (loaded, ci, cj) = pair_rows(&args.pair)?;
    let ds = &loaded.dataset;
    let params = family_params(&args.pair.family, None, ds.d())?;
    let problem = HyperplaneProblem::new(ds.x.view(), &ci, &cj)?;
    let options = SolveOptions {
        backend: args.backend,
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
        outln!(
            "{}",
            json!({
                "instance": ds.name, "i": args.pair.i, "j": args.pair.j,
                "n_i": ci.len(), "n_j": cj.len(), "d": ds.d(),
                "m": params.m(), "beta": params.beta(),
                "w": w, "b": outcome.hyperplane.b,
                "objective": outcome.objective, "misclassified": outcome.misclassified,
                "status": outcome.status.key(), "gap": outcome.status.gap(),
                "seconds": outcome.seconds, "backend": outcome.backend.name(),
            })
        );
    } else {
        outln!(
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
        outln!(
            "  w·x + b = {} + {:.6}",
            terms.join(" + "),
            outcome.hyperplane.b
        );
        outln!("  objective = {:.6}", outcome.objective);
        outln!("  misclassified = {}", outcome.misclassified);
        outln!("  status = {}", outcome.status);
        outln!("  seconds = {:.4}", outcome.seconds);
    }
    Ok(())
}

pub(crate) fn export_model(args: &ExportModelArgs) -> Result<()> {
    let (loaded, ci, cj) = pair_rows(&args.pair)?;
    let ds = &loaded.dataset;
    let params = family_params(&args.pair.family, None, ds.d())?;
    let problem = HyperplaneProblem::new(ds.x.view(), &ci, &cj)?;
    let mut model = Vec::new();
    match args.format {
        ModelFormat::Lp => hyperplane::write_lp(&problem, &params, &mut model)?,
        ModelFormat::Mps => {
            hyperplane::write_mps(&problem, &params, hyperplane::MpsFormat::Free, &mut model)?
        }
    }
    super::output::write_file("--out", &args.out, &model)?;
    super::output::warn(&format!(
        "wrote the MILP (1)-(12) for '{}' vs '{}' of {} ({} + {} rows, d = {}) to {}",
        args.pair.i,
        args.pair.j,
        ds.name,
        ci.len(),
        cj.len(),
        ds.d(),
        args.out.display()
    ));
    Ok(())
}

/// The backends named on the command line, or every compiled-in one.
fn chosen_backends(args: &BenchSolversArgs) -> Vec<Backend> {
    if args.backends.is_empty() {
        Backend::ALL.to_vec()
    } else {
        args.backends.clone()
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
        let pair = format!("{}-{}", names[i], names[j]);
        bar.set_message(format!("pair {pair}"));
        let check = hyperplane::cross_check(
            &problem,
            &params,
            &backends,
            Some(args.time_limit),
            &mut |_| bar.inc(1),
        )?;
        all_agree &= check.agree;
        unproven += check.unproven;
        rows.extend(check.outcomes.into_iter().map(|o| (pair.clone(), o)));
    }
    bar.finish_and_clear();
    if args.json {
        let rows: Vec<_> = rows
            .iter()
            .map(|(pair, o)| {
                json!({
                    "pair": pair, "backend": o.backend.name(), "objective": o.objective,
                    "status": o.status.key(), "gap": o.status.gap(), "seconds": o.seconds,
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
        outln!(
            "{}",
            json!({
                "instance": ds.name, "n": ds.n(), "d": ds.d(), "m": params.m(), "beta": params.beta(),
                "rows": rows, "all_agree": all_agree, "unproven": unproven,
                "median_seconds": medians,
            })
        );
    } else {
        outln!(
            "{}: {} clusters, n = {}, d = {}, M = {}, beta = {}",
            ds.name,
            names.len(),
            ds.n(),
            ds.d(),
            params.m(),
            params.beta()
        );
        outln!(
            "{:<12} {:<10} {:>16} {:<24} {:>10}",
            "pair",
            "backend",
            "objective",
            "status",
            "seconds"
        );
        for (pair, o) in &rows {
            outln!(
                "{:<12} {:<10} {:>16.8} {:<24} {:>10.4}",
                pair,
                o.backend.name(),
                o.objective,
                o.status.to_string(),
                o.seconds
            );
        }
        for &backend in &backends {
            let times = rows
                .iter()
                .filter(|(_, o)| o.backend == backend)
                .map(|(_, o)| o.seconds)
                .collect::<Vec<_>>();
            outln!("median seconds per pair, {backend}: {:.4}", median(&times));
        }
        outln!(
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
        let params = MpcParams::new(k)
            .m(m)
            .beta(beta)
            .coefficients(coefficients)
            .seed(args.seed)
            .backend(backend)
            .solver_time_limit(Some(args.time_limit))
            .check(ds.x.view(), space.dim())?;
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
                    "status": f.status().name(),
                })
            })
            .collect();
        outln!(
            "{}",
            json!({
                "instance": ds.name, "n": ds.n(), "d": ds.d(), "k": k, "m": m, "beta": beta,
                "seed": args.seed, "time_limit": args.time_limit,
                "rows": rows, "same_silhouette": same_silhouette,
            })
        );
    } else {
        outln!(
            "{}: MPC with k = {k}, n = {}, d = {}, M = {m}, beta = {beta}, seed {}",
            ds.name,
            ds.n(),
            ds.d(),
            args.seed
        );
        outln!(
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
            outln!(
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
        outln!(
            "all backends reach the same silhouette: {}",
            if same_silhouette { "yes" } else { "no" }
        );
    }
    Ok(())
}
