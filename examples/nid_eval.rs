//! Runs the NID synthetic benchmark (F1–F10, NID Table 1/2 protocol) and
//! prints `{"functions": [...]}` plus the average AUC.
//!
//! Usage: `cargo run --release --example nid_eval -- [seeds] [functions] [parallel]`
//! e.g. `-- 5 f1,f2 1`. Defaults: 5 seeds, all functions, sequential.

use polyclust::interactions::mlp::Init;
use polyclust::interactions::nid::{evaluate_synthetic, EvalOptions, SyntheticSuiteReport};
use polyclust::interactions::SyntheticFunction;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n_seeds: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(5);
    let functions: Vec<SyntheticFunction> = match args.get(2) {
        Some(list) if list != "all" => list
            .split(',')
            .map(|s| SyntheticFunction::parse(s).expect("function name f1..f10"))
            .collect(),
        _ => SyntheticFunction::ALL.to_vec(),
    };
    let parallel = args.get(3).is_some_and(|s| s == "1");
    let mut opts = EvalOptions {
        parallel,
        ..Default::default()
    };
    if let Ok(v) = std::env::var("NID_EPOCHS") {
        opts.nid.max_epochs = v.parse().expect("NID_EPOCHS");
    }
    if let Ok(v) = std::env::var("NID_LR") {
        opts.nid.learning_rate = v.parse().expect("NID_LR");
    }
    if let Ok(v) = std::env::var("NID_BATCH") {
        opts.nid.batch_size = v.parse().expect("NID_BATCH");
    }
    if let Ok(v) = std::env::var("NID_L1") {
        opts.nid.l1 = v.parse().expect("NID_L1");
    }
    if let Ok(v) = std::env::var("NID_L1_GRID") {
        opts.nid.l1_grid = v
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().expect("NID_L1_GRID"))
            .collect();
    }
    if let Ok(v) = std::env::var("NID_L1_TOL") {
        opts.nid.l1_tolerance = v.parse().expect("NID_L1_TOL");
    }
    if let Ok(v) = std::env::var("NID_INIT") {
        opts.nid.init = match v.as_str() {
            "he" => Init::He,
            "uniform" => Init::UniformFanIn,
            s => Init::Normal(s.parse().expect("NID_INIT: he, uniform or a std")),
        };
    }
    if let Ok(v) = std::env::var("NID_ENSEMBLE") {
        opts.nid.ensemble = v.parse().expect("NID_ENSEMBLE");
    }
    if let Ok(v) = std::env::var("NID_WEIGHT_POWER") {
        opts.nid.member_weight_power = v.parse().expect("NID_WEIGHT_POWER");
    }
    if std::env::var("NID_L1_AVERAGE").is_ok() {
        opts.nid.average_l1_grid = true;
    }
    if let Ok(v) = std::env::var("NID_DECAY") {
        opts.nid.lr_decay = v.parse().expect("NID_DECAY");
    }
    if let Ok(v) = std::env::var("NID_PATIENCE") {
        opts.nid.patience = v.parse().expect("NID_PATIENCE");
    }
    let seeds: Vec<u64> = (0..n_seeds).collect();
    let mut all = Vec::new();
    for f in functions {
        let r = evaluate_synthetic(&[f], &seeds, &opts);
        eprintln!(
            "{}: auc {:.4} recall {:.3} seconds {:.1}",
            r[0].function, r[0].auc, r[0].top_rank_recall, r[0].seconds
        );
        all.extend(r);
    }
    let report = SyntheticSuiteReport { functions: all };
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
    eprintln!("average auc {:.4}", report.average_auc());
}
