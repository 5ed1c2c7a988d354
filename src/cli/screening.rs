//! `interactions`: ranked interactions of a data file, and the NID benchmark.

use super::args::InteractionsArgs;
use super::output::outln;
use super::progress::counter_bar;
use anyhow::{bail, Context, Result};
use polyclust::data::{self, LoadOptions};
use polyclust::interactions::nid::{evaluate_synthetic_with_progress, EvalOptions, NidParams};
use polyclust::interactions::synthetic::SyntheticFunction;
use polyclust::interactions::{screen_target, ScreenMethod};
use serde_json::json;

/// Parse `f1..f10`, `all`, or `f1,f4`.
fn parse_functions(text: &str) -> Result<Vec<SyntheticFunction>> {
    let t = text.trim().to_ascii_lowercase();
    if t == "all" {
        return Ok(SyntheticFunction::ALL.to_vec());
    }
    let parse = |s: &str| {
        SyntheticFunction::parse(s.trim())
            .with_context(|| format!("unknown benchmark function '{s}' (expected f1 … f10)"))
    };
    if let Some((a, b)) = t.split_once("..") {
        let (a, b) = (parse(a)?, parse(b)?);
        let all = SyntheticFunction::ALL;
        let ia = all.iter().position(|f| *f == a).expect("listed");
        let ib = all.iter().position(|f| *f == b).expect("listed");
        if ib < ia {
            bail!("benchmark range {text} runs backwards");
        }
        return Ok(all[ia..=ib].to_vec());
    }
    t.split(',').map(parse).collect()
}

pub(crate) fn interactions_cmd(args: &InteractionsArgs) -> Result<()> {
    if let Some(list) = &args.synthetic {
        let functions = parse_functions(list)?;
        if args.method != ScreenMethod::Nid {
            bail!("the F1-F10 benchmark evaluates NID: use --method nid");
        }
        if args.seeds == 0 {
            bail!("invalid seeds: 0; the benchmark needs at least one seed per function");
        }
        let seeds: Vec<u64> = (args.seed..args.seed + args.seeds).collect();
        // Each run is seeded, so running them side by side changes only the
        // wall time.
        let opts = EvalOptions {
            nid: NidParams::new().degree(usize::from(args.degree)).check()?,
            parallel: true,
            ..EvalOptions::default()
        };
        let bar = counter_bar(functions.len() * seeds.len(), "runs");
        bar.set_message("training MLP-M");
        let reports = evaluate_synthetic_with_progress(&functions, &seeds, &opts, &|| bar.inc(1));
        bar.finish_and_clear();
        let average = reports.iter().map(|r| r.auc).sum::<f64>() / reports.len().max(1) as f64;
        if args.json {
            outln!(
                "{}",
                json!({"functions": reports, "average_auc": average, "seeds": seeds.len()})
            );
        } else {
            outln!(
                "{:<6} {:>8} {:>16} {:>10}",
                "fn",
                "AUC",
                "top-rank recall",
                "seconds"
            );
            for r in &reports {
                outln!(
                    "{:<6} {:>8.4} {:>16.3} {:>10.1}",
                    r.function,
                    r.auc,
                    r.top_rank_recall,
                    r.seconds
                );
            }
            outln!(
                "average pairwise AUC over {} seeds: {average:.4}",
                seeds.len()
            );
        }
        return Ok(());
    }
    let path = args.data.as_ref().context("--data is required")?;
    super::safe_output::protect_input(path);
    let target = args.target.as_ref().context("--target is required")?;
    let ds = data::load_csv(
        path,
        &LoadOptions {
            label_column: Some(target.clone()),
            drop: args.drop.clone(),
            categorical: Vec::new(),
            ..LoadOptions::default()
        },
    )?;
    if ds.d() < 2 {
        bail!(
            "data file {}: interactions need at least two feature columns besides the target",
            path.display()
        );
    }
    let y = ds.numeric_labels(target)?;
    let start = std::time::Instant::now();
    let screening = screen_target(
        ds.x.view(),
        y.view(),
        &ds.feature_names(),
        args.method,
        usize::from(args.degree),
        args.seed,
    )
    .with_context(|| format!("data file {}, target '{target}'", path.display()))?;
    let seconds = start.elapsed().as_secs_f64();
    let top: Vec<_> = screening.interactions.iter().take(args.top).collect();
    if args.json {
        outln!(
            "{}",
            json!({"interactions": top, "method": screening.method, "seconds": seconds})
        );
    } else {
        outln!(
            "{}: {} rows, {} features, target '{target}', {} screening",
            ds.name,
            ds.n(),
            ds.d(),
            screening.method
        );
        for (rank, i) in top.iter().enumerate() {
            outln!("  {:>2}. {:<30} {:.6}", rank + 1, i.name, i.strength);
        }
        outln!("  seconds = {seconds:.3}");
    }
    Ok(())
}
