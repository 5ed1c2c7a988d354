//! `bench reference`: every method at the reference k (the number of classes
//! of an instance's label column), measured as the clustering-benchmark
//! literature measures it: ARI and NCA against the labels, the silhouette,
//! the price of explainability, the explanation's size, the smallest
//! cluster, the clusters returned and the seconds of one run, mean over
//! seeds; polyclust's configurations and the library's k-means++ here, the
//! peers (scikit-learn, ExKMC) through `benches/peers/reference.py`. Writes
//! results.csv and results.md.

mod args;
mod configs;
mod measure;
mod peers;
mod table;

pub use args::BenchReferenceArgs;

use super::output::outln;
use super::progress::counter_bar;
use super::safe_output::OutputDir;
use anyhow::{bail, Context, Result};
use configs::{same_job, CONFIGS, KMEANS_NAME, PEERS};
use measure::{means, measure, row, run_config, run_kmeans, Instance, Measures};
use peers::{peer_outcome, peer_runs};
use polyclust::data::{Dataset, Registry};
use polyclust::price::KMeansReference;
use serde_json::json;
use std::path::Path;
use std::time::Instant;
use table::{long_table, to_csv, Report, CSV_HEADER, MD_TITLE, RESULT_FILES};

/// The selected registry instances with a label column, loaded and prepared
/// as `cluster` prepares them.
fn selected(args: &BenchReferenceArgs) -> Result<Vec<Dataset>> {
    let registry = Registry::from_env()?;
    super::safe_output::protect_input(&registry.dir);
    let named = !args.instances.is_empty();
    let names: Vec<String> = if named {
        super::instances::named(&registry, &args.instances)?
    } else {
        registry.instances.iter().map(|i| i.name.clone()).collect()
    };
    let mut datasets = Vec::new();
    for name in &names {
        let ds = registry.load(name)?;
        match ds.label_ids() {
            Some((_, classes)) if classes.len() >= 2 => datasets.push(ds),
            Some(_) if named => bail!("instance {name} has a single class: no reference k"),
            None if named => bail!("instance {name} has no label column: no reference k"),
            _ => {}
        }
    }
    if datasets.is_empty() {
        bail!(
            "the registry {} holds no instance with a label column",
            registry.dir.display()
        );
    }
    Ok(datasets)
}

pub(crate) fn bench_reference(args: &BenchReferenceArgs) -> Result<()> {
    if args.seeds == 0 {
        bail!("invalid seeds: 0; every method runs with at least one seed");
    }
    let start = Instant::now();
    let datasets = selected(args)?;
    // Fail on a directory that cannot be written before the runs.
    // A directory written before the marker existed (a copy of the files)
    // is recognised by the files' first lines.
    let earlier = |name: &str, path: &Path| {
        let first = if name == "results.csv" {
            CSV_HEADER
        } else {
            MD_TITLE
        };
        std::fs::read_to_string(path).is_ok_and(|t| t.lines().next() == Some(first))
    };
    let out_dir = OutputDir::check("--out", &args.out, &RESULT_FILES, &earlier)?;
    let mut instances = Vec::new();
    for ds in datasets {
        let (truth, classes) = ds.label_ids().expect("selected for its labels");
        let k = classes.len();
        let reference = KMeansReference::new(ds.x.view(), k)
            .with_context(|| format!("the k-means reference of {} at k = {k}", ds.name))?;
        instances.push(Instance {
            ds,
            truth,
            k,
            reference,
        });
    }
    let seeds: Vec<u64> = (0..args.seeds).collect();
    let mut methods: Vec<String> = CONFIGS.iter().map(|c| c.name.to_string()).collect();
    methods.push(KMEANS_NAME.into());
    let total = instances.len() * (CONFIGS.len() + 1) * seeds.len();
    let bar = counter_bar(total, "runs");
    // runs[instance][method] = one result per seed.
    let mut runs: Vec<Vec<Vec<Result<Measures, String>>>> = Vec::new();
    let mut shared: Vec<(&str, &str)> = Vec::new();
    for inst in &instances {
        let mut per_method: Vec<Vec<Result<Measures, String>>> = Vec::new();
        for (c, config) in CONFIGS.iter().enumerate() {
            let mut per_seed = Vec::new();
            for &seed in &seeds {
                bar.set_message(format!("{} {} seed {seed}", inst.ds.name, config.name));
                let spec = (config.spec)(inst.k, seed);
                // A configuration whose job is an earlier one's runs the same
                // fit: its runs are that one's.
                let same = CONFIGS[..c]
                    .iter()
                    .position(|earlier| same_job(&(earlier.spec)(inst.k, seed), &spec));
                let measured = match same {
                    Some(e) => {
                        if !shared.contains(&(config.name, CONFIGS[e].name)) {
                            shared.push((config.name, CONFIGS[e].name));
                        }
                        per_method[e][per_seed.len()].clone()
                    }
                    None => run_config(&inst.ds, &spec)
                        .map(|o| measure(inst, &o, seed))
                        .map_err(|e| format!("seed {seed}: {e:#}")),
                };
                per_seed.push(measured);
                bar.inc(1);
            }
            per_method.push(per_seed);
        }
        let mut per_seed = Vec::new();
        for &seed in &seeds {
            bar.set_message(format!("{} {KMEANS_NAME} seed {seed}", inst.ds.name));
            per_seed.push(
                run_kmeans(&inst.ds, inst.k, seed)
                    .map(|o| measure(inst, &o, seed))
                    .map_err(|e| format!("seed {seed}: {e:#}")),
            );
            bar.inc(1);
        }
        per_method.push(per_seed);
        runs.push(per_method);
    }
    bar.finish_and_clear();
    let mut versions = serde_json::Value::Null;
    if let Some(python) = &args.python {
        let peers = peer_runs(python, &instances, args.seeds)?;
        versions = peers["versions"].clone();
        let results = &peers["results"];
        let present: Vec<(&str, &str)> = PEERS
            .iter()
            .copied()
            .filter(|(key, _)| {
                instances
                    .iter()
                    .any(|i| results[&i.ds.name][key].is_array())
            })
            .collect();
        for (_, name) in &present {
            methods.push(name.to_string());
        }
        for (inst, per_method) in instances.iter().zip(&mut runs) {
            for (key, _) in &present {
                let list = results[&inst.ds.name][key]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                per_method.push(
                    list.iter()
                        .map(|run| {
                            let seed = run["seed"].as_u64().unwrap_or(0);
                            peer_outcome(run, inst.ds.n())
                                .map(|o| measure(inst, &o, seed))
                                .map_err(|e| format!("seed {seed}: {e}"))
                        })
                        .collect(),
                );
            }
        }
    }
    let mut rows = Vec::new();
    for (inst, per_method) in instances.iter().zip(&runs) {
        for (method, method_runs) in methods.iter().zip(per_method) {
            rows.push(row(inst, method, method_runs));
        }
    }
    let mean_rows = means(&rows, &methods);
    let seconds = start.elapsed().as_secs_f64();
    let report = Report {
        args,
        rows: &rows,
        means: &mean_rows,
        methods: &methods,
        versions: &versions,
        shared: &shared,
        seconds,
    };
    out_dir.write(&[
        ("results.csv", to_csv(&rows, &mean_rows).into_bytes()),
        ("results.md", report.markdown().into_bytes()),
    ])?;
    if args.json {
        outln!(
            "{}",
            json!({
                "rows": rows, "means": mean_rows, "seeds": args.seeds, "out": args.out,
                "seconds": seconds, "peers": versions,
                "price_reference": {"restarts": polyclust::price::PRICE_RESTARTS, "seed": polyclust::price::PRICE_SEED},
            })
        );
    } else {
        outln!("{}", long_table(&rows, &mean_rows));
        outln!(
            "wrote {}/results.csv and {}/results.md in {seconds:.1} s",
            args.out.display(),
            args.out.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::measure::mean_of;
    use super::table::count;
    use super::*;

    #[test]
    fn configurations_have_distinct_names_and_valid_settings() {
        // Today's default is MPC-2: the same job, spelled otherwise.
        assert!(same_job(&(CONFIGS[0].spec)(3, 0), &(CONFIGS[2].spec)(3, 0)));
        assert!(!same_job(
            &(CONFIGS[0].spec)(3, 0),
            &(CONFIGS[1].spec)(3, 0)
        ));
        assert!(!same_job(
            &(CONFIGS[0].spec)(3, 0),
            &(CONFIGS[0].spec)(3, 1)
        ));
        let x = ndarray::Array2::from_shape_fn((40, 2), |(t, f)| ((t * 7 + f * 3) % 11) as f64);
        for (i, c) in CONFIGS.iter().enumerate() {
            assert!(CONFIGS[..i].iter().all(|e| e.name != c.name));
            assert!(
                (c.spec)(3, 1).params(3).check(x.view(), 2).is_ok(),
                "{}",
                c.name
            );
            assert_eq!((c.spec)(3, 1).seed, 1);
            assert_eq!((c.spec)(3, 1).ks(), (3, 3));
        }
    }

    #[test]
    fn means_skip_absent_values() {
        assert_eq!(mean_of([Some(1.0), None, Some(3.0)].into_iter()), Some(2.0));
        assert_eq!(mean_of([None, None].into_iter()), None);
        assert_eq!(count(Some(3.0)), "3");
        assert_eq!(count(Some(2.5)), "2.5");
    }
}
