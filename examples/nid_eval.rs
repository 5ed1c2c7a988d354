//! Runs the NID synthetic benchmark (F1–F10, NID Table 1/2 protocol) one
//! function at a time and prints `{"functions": [...]}` plus the average AUC.
//! The NID settings can be changed from their defaults, which is how the
//! measurements of `docs/nid-tuning.md` were made.
//!
//! Usage: `cargo run --release --example nid_eval -- [--seeds 5]
//! [--functions f1,f2] [--parallel] [--ensemble 3] [--member-weight-power 0] …`
//! (`--help` lists every setting). Defaults: 5 seeds (0–4), all functions,
//! sequential runs, the defaults of `NidParams`.

use std::process::ExitCode;

use clap::Parser;
use polyclust::interactions::mlp::Init;
use polyclust::interactions::nid::{
    evaluate_synthetic, EvalOptions, NidParams, SyntheticSuiteReport,
};
use polyclust::interactions::SyntheticFunction;

/// NID F1–F10 benchmark with adjustable settings (unset: the library defaults).
#[derive(Debug, Parser)]
#[command(name = "nid_eval")]
struct Args {
    /// Seeds 0..N per function.
    #[arg(long, default_value_t = 5)]
    seeds: u64,
    /// Functions: `all` or a list such as `f1,f7,f9`.
    #[arg(long, default_value = "all", value_parser = parse_functions)]
    functions: Functions,
    /// Run the (function, seed) jobs of one function side by side.
    #[arg(long)]
    parallel: bool,
    /// Maximum epochs.
    #[arg(long)]
    max_epochs: Option<usize>,
    /// Adam step size.
    #[arg(long)]
    learning_rate: Option<f64>,
    /// Minibatch size.
    #[arg(long)]
    batch_size: Option<usize>,
    /// L1 constant of the main MLP.
    #[arg(long)]
    l1: Option<f64>,
    /// L1 constants tried per dataset, comma separated.
    #[arg(long, value_delimiter = ',')]
    l1_grid: Option<Vec<f64>>,
    /// Tolerance of the selection over --l1-grid.
    #[arg(long)]
    l1_tolerance: Option<f64>,
    /// Average the strengths over --l1-grid instead of keeping one L1.
    #[arg(long)]
    average_l1_grid: bool,
    /// Initialization: `he`, `uniform`, or the std of normal weights (e.g. 0.1).
    #[arg(long, value_parser = parse_init)]
    init: Option<Init>,
    /// Networks of the ensemble.
    #[arg(long)]
    ensemble: Option<usize>,
    /// Ensemble members weighted by validation loss^(-P); 0 = plain mean.
    #[arg(long)]
    member_weight_power: Option<f64>,
    /// Step-size factor on validation plateaus (1 = none).
    #[arg(long)]
    lr_decay: Option<f64>,
    /// Early-stopping patience in epochs.
    #[arg(long)]
    patience: Option<usize>,
}

#[derive(Debug, Clone)]
struct Functions(Vec<SyntheticFunction>);

fn parse_functions(text: &str) -> Result<Functions, String> {
    if text == "all" {
        return Ok(Functions(SyntheticFunction::ALL.to_vec()));
    }
    text.split(',')
        .map(|s| {
            SyntheticFunction::parse(s.trim())
                .ok_or_else(|| format!("unknown function '{s}' (expected f1 … f10 or all)"))
        })
        .collect::<Result<_, _>>()
        .map(Functions)
}

fn parse_init(text: &str) -> Result<Init, String> {
    match text {
        "he" => Ok(Init::He),
        "uniform" => Ok(Init::UniformFanIn),
        s => s
            .parse()
            .map(Init::Normal)
            .map_err(|_| format!("'{s}' is not he, uniform or a standard deviation such as 0.1")),
    }
}

/// The library defaults with the settings given on the command line.
fn params(a: &Args) -> NidParams {
    let mut p = NidParams::new().average_l1_grid(a.average_l1_grid);
    if let Some(v) = a.max_epochs {
        p = p.max_epochs(v);
    }
    if let Some(v) = a.learning_rate {
        p = p.learning_rate(v);
    }
    if let Some(v) = a.batch_size {
        p = p.batch_size(v);
    }
    if let Some(v) = a.l1 {
        p = p.l1(v);
    }
    if let Some(v) = &a.l1_grid {
        p = p.l1_grid(v);
    }
    if let Some(v) = a.l1_tolerance {
        p = p.l1_tolerance(v);
    }
    if let Some(v) = a.init {
        p = p.init(v);
    }
    if let Some(v) = a.ensemble {
        p = p.ensemble(v);
    }
    if let Some(v) = a.member_weight_power {
        p = p.member_weight_power(v);
    }
    if let Some(v) = a.lr_decay {
        p = p.lr_decay(v);
    }
    if let Some(v) = a.patience {
        p = p.patience(v);
    }
    p
}

fn main() -> ExitCode {
    let args = Args::parse();
    let nid = match params(&args).check() {
        Ok(nid) => nid,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let opts = EvalOptions {
        nid,
        parallel: args.parallel,
        ..Default::default()
    };
    let seeds: Vec<u64> = (0..args.seeds).collect();
    let mut all = Vec::new();
    for &f in &args.functions.0 {
        let r = evaluate_synthetic(&[f], &seeds, &opts);
        eprintln!(
            "{}: auc {:.4} recall {:.3} seconds {:.1}",
            r[0].function, r[0].auc, r[0].top_rank_recall, r[0].seconds
        );
        all.extend(r);
    }
    let report = SyntheticSuiteReport { functions: all };
    match serde_json::to_string_pretty(&report) {
        Ok(json) => println!("{json}"),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    }
    eprintln!("average auc {:.4}", report.average_auc());
    ExitCode::SUCCESS
}
