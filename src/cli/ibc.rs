//! `polyclust ibc`: interaction-based regimes, models A/B/C/D under
//! cross-validation (IBC article §7–11), and the article's simulated data.

use super::output::outln;
use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use ndarray::{Array1, Array2};
use polyclust::data::{self, LoadOptions, RawTable};
use polyclust::ibc::{self, simulate, IbcOptions, IbcReport};
use polyclust::interactions::ScreenMethod;
use std::path::{Path, PathBuf};

/// Which simulated data set to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimulateArg {
    /// IBC article §8.1: Y = 0.5 + 0.1·Xi + 0.1·Xj + 3·Xi·Xj + N(0,1), n = 1000.
    Article,
    /// A dominant degree-3 term: Y = 0.5 + 0.1·(X1+X2+X3) + 3·X1·X2·X3 + N(0,1).
    Degree3,
    /// Regime-dependent interaction: β_ij = 1 for Xj < 0 and 4 for Xj ≥ 0, plus a regime shift.
    Regimes,
}

/// `ibc` arguments.
#[derive(Debug, clap::Args)]
pub struct IbcArgs {
    /// CSV file with a header row (numeric target; categorical features are one-hot encoded).
    #[arg(long, value_name = "FILE", required_unless_present = "simulate")]
    pub data: Option<PathBuf>,
    /// Target column.
    #[arg(long, value_name = "COL", required_unless_present = "simulate")]
    pub target: Option<String>,
    /// Highest interaction degree screened.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(2..=3))]
    pub degree: u8,
    /// Cross-validation folds.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Interaction screener.
    #[arg(long, default_value = "lasso")]
    pub method: ScreenMethod,
    /// Most interactions used by models C and D.
    #[arg(long, default_value_t = 3)]
    pub top_k: usize,
    /// Seed of folds, screening, MPC and simulation.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Skip the MPC polytope candidates of the split search.
    #[arg(long)]
    pub no_polytope: bool,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Write a simulated data set (with --write) instead of analysing one.
    #[arg(long, value_name = "KIND", requires = "write", conflicts_with_all = ["data", "target"])]
    pub simulate: Option<SimulateArg>,
    /// Rows of the simulated data.
    #[arg(long, default_value_t = 1000)]
    pub rows: usize,
    /// Pure-noise N(0,1) features added to the simulated data.
    #[arg(long, default_value_t = 0)]
    pub noise_features: usize,
    /// Output CSV of --simulate.
    #[arg(long, value_name = "FILE", requires = "simulate")]
    pub write: Option<PathBuf>,
}

/// Run `polyclust ibc`.
pub(crate) fn ibc_cmd(args: &IbcArgs) -> Result<()> {
    if let Some(kind) = args.simulate {
        let path = args
            .write
            .as_ref()
            .context("--simulate needs --write FILE")?;
        if args.rows < 2 {
            bail!(
                "invalid rows: {}; a simulated data set needs at least 2 rows",
                args.rows
            );
        }
        let sim = match kind {
            SimulateArg::Article => simulate::article(args.rows, args.noise_features, args.seed),
            SimulateArg::Degree3 => simulate::degree3(args.rows, args.noise_features, args.seed),
            SimulateArg::Regimes => simulate::regimes(args.rows, args.noise_features, args.seed),
        };
        super::output::write_file("--write", path, sim.to_csv().as_bytes())?;
        if !args.json {
            outln!(
                "wrote {} rows × {} features + Y to {}",
                sim.x.nrows(),
                sim.x.ncols(),
                path.display()
            );
        }
        return Ok(());
    }
    let (Some(path), Some(target)) = (&args.data, &args.target) else {
        bail!("ibc needs --data FILE and --target COL (or --simulate KIND --write FILE)");
    };
    let (x, y, names) = load_regression(path, target)?;
    let opts = IbcOptions {
        degree: usize::from(args.degree),
        folds: args.folds,
        method: args.method,
        seed: args.seed,
        top_k: args.top_k,
        polytope_k: if args.no_polytope { vec![] } else { vec![4] },
        ..IbcOptions::default()
    };
    let report = ibc::run(x.view(), y.view(), &names, &opts)
        .with_context(|| format!("data file {}", path.display()))?;
    if args.json {
        outln!("{}", serde_json::to_string(&report)?);
    } else {
        print_report(&report)?;
    }
    Ok(())
}

/// Reads a CSV into features in original units, a numeric target and names.
fn load_regression(path: &Path, target: &str) -> Result<(Array2<f64>, Array1<f64>, Vec<String>)> {
    super::safe_output::protect_input(path);
    let table = RawTable::read(path)?;
    let options = LoadOptions {
        label_column: Some(target.to_string()),
        drop: Vec::new(),
        categorical: Vec::new(),
        ..LoadOptions::default()
    };
    let ds = data::prepare(&table, &options, None)?;
    let y = ds.numeric_labels(target)?;
    // The loader scales numeric features to [0, 1]; rules such as x ≥ 0 need
    // the original units back.
    let mut x = ds.x.clone();
    for (j, col) in ds.map.columns.iter().enumerate() {
        x.column_mut(j).mapv_inplace(|v| col.unscale(v));
    }
    Ok((x, y, ds.feature_names()))
}

fn print_report(r: &IbcReport) -> Result<()> {
    outln!(
        "IBC on n = {}, p = {} ({} screening, degree {}, {}-fold CV)",
        r.n,
        r.p,
        match r.method {
            ScreenMethod::Lasso => "lasso",
            ScreenMethod::Nid => "NID",
        },
        r.degree,
        r.folds
    );
    outln!("top interactions:");
    for (name, s) in r.top_interactions.iter().zip(&r.strengths) {
        outln!("  {name:<24} strength {s:.4}");
    }
    outln!(
        "split: {} [variables: {}; rule: {}]",
        r.split_description,
        r.split.variables.join(", "),
        r.split.rule
    );
    outln!("  chosen by {}", r.selection);
    outln!();
    outln!("model                                    R² in   R² CV (± sd)     RMSE CV");
    let rows = [
        ("A  linear on X", &r.models.a),
        ("B  per-regime linear on X (IBC)", &r.models.b),
        ("C  linear with interactions", &r.models.c),
        ("D  per-regime with interactions", &r.models.d),
    ];
    for (label, m) in rows {
        outln!(
            "{label:<38} {:>7.4}  {:>7.4} (± {:.4})  {:>8.4}",
            m.r2_in,
            m.r2_cv,
            m.r2_cv_sd,
            m.rmse_cv
        );
    }
    if r.ridge_fallback {
        outln!(
            "note: a rank-deficient or tiny regime was fitted by ridge (or by the pooled model)"
        );
    }
    outln!("seconds = {:.3}", r.seconds);
    Ok(())
}
