//! `bench reference`: every method at the reference k (the number of classes
//! of an instance's label column), measured as the clustering-benchmark
//! literature measures it: ARI and NCA against the labels, the silhouette,
//! the price of explainability, the explanation's size, the smallest
//! cluster, the clusters returned and the seconds of one run, mean over
//! seeds; polyclust's configurations and the library's k-means++ here, the
//! peers (scikit-learn, ExKMC) through `benches/peers/reference.py`. Writes
//! results.csv and results.md.

use super::benchmark::format_seconds;
use super::output::outln;
use super::progress::counter_bar;
use super::safe_output::OutputDir;
use anyhow::{bail, Context, Result};
use clap::Args;
use polyclust::data::{Dataset, Registry};
use polyclust::explain::explanation_size;
use polyclust::job::{ClusterSpec, Hooks, ScreenAgainst};
use polyclust::kmeans::{self, KMeansParams};
use polyclust::metrics;
use polyclust::mpc::{self, Objective, Preset};
use polyclust::price::KMeansReference;
use serde::Serialize;
use serde_json::json;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `bench reference` arguments.
#[derive(Debug, Args)]
pub struct BenchReferenceArgs {
    /// Only these instances of the POLYCLUST_INSTANCES registry, in this
    /// order (default: every instance with a label column).
    #[arg(long, value_name = "A,B,...", value_delimiter = ',')]
    pub instances: Vec<String>,
    /// Seeds 0..N of every method (ARI, NCA, … are means over them).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub seeds: u64,
    /// A Python with scikit-learn and ExKMC for the peers' rows
    /// (`bash benches/peers/setup.sh` builds one and prints it).
    #[arg(long, value_name = "PYTHON")]
    pub python: Option<PathBuf>,
    /// Directory for results.csv and results.md (created if needed).
    #[arg(long, value_name = "DIR", default_value = "bench-reference")]
    pub out: PathBuf,
    /// Print the rows as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// One polyclust configuration of the bench: its name, the `cluster` flags
/// it stands for beside `--k K --seed S` (none: the defaults), and the job
/// `cluster` runs for k clusters and a seed.
struct Config {
    name: &'static str,
    flags: &'static str,
    spec: fn(usize, u64) -> ClusterSpec,
}

/// polyclust's configurations, in the order of the table. Each runs as
/// `polyclust cluster --k K --seed S <flags>` does ([`ClusterSpec::run`]).
/// A new configuration (an objective, a preset) is one more line.
const CONFIGS: &[Config] = &[
    Config {
        name: "default",
        flags: "",
        spec: |k, seed| ClusterSpec {
            seed,
            ..ClusterSpec::new(k)
        },
    },
    Config {
        name: "MPC-1 k-means",
        flags: "--preset mpc1 --objective kmeans",
        spec: |k, seed| ClusterSpec {
            seed,
            preset: Some(Preset::Mpc1),
            objective: Objective::KMeans,
            ..ClusterSpec::new(k)
        },
    },
    Config {
        name: "MPC-2 k-means",
        flags: "--preset mpc2 --objective kmeans",
        spec: |k, seed| ClusterSpec {
            seed,
            preset: Some(Preset::Mpc2),
            objective: Objective::KMeans,
            ..ClusterSpec::new(k)
        },
    },
    Config {
        name: "MPC-1 silhouette",
        flags: "--preset mpc1 --objective silhouette",
        spec: |k, seed| ClusterSpec {
            seed,
            preset: Some(Preset::Mpc1),
            objective: Objective::Silhouette,
            ..ClusterSpec::new(k)
        },
    },
    Config {
        name: "MPC-2 silhouette",
        flags: "--preset mpc2 --objective silhouette",
        spec: |k, seed| ClusterSpec {
            seed,
            preset: Some(Preset::Mpc2),
            objective: Objective::Silhouette,
            ..ClusterSpec::new(k)
        },
    },
];

/// Whether two jobs run the same fit: equal once the preset is spelled out
/// as its M and β.
fn same_job(a: &ClusterSpec, b: &ClusterSpec) -> bool {
    let plain = |s: &ClusterSpec| {
        let (m, beta) = s.m_beta();
        ClusterSpec {
            preset: None,
            m: Some(m),
            beta: Some(beta),
            ..s.clone()
        }
    };
    plain(a) == plain(b)
}

/// The library's k-means++ (`polyclust kmeans --k K --seed S`: 10 restarts).
const KMEANS_NAME: &str = "k-means++";

/// The peers of `benches/peers/reference.py`: its key and the table's name.
const PEERS: [(&str, &str); 5] = [
    ("kmeans", "k-means"),
    ("gmm", "GMM"),
    ("ward", "Ward"),
    ("exkmc1", "ExKMC-1"),
    ("exkmc5", "ExKMC-5"),
];

/// The files `bench reference --out DIR` writes.
const RESULT_FILES: [&str; 2] = ["results.csv", "results.md"];

const CSV_HEADER: &str = "instance,n,d,k,method,runs,ari,nca,silhouette,price,conditions,terms,weighted_conditions,features,leaves,fidelity,smallest_cluster,clusters,seconds";

/// What one run returned and how large its explanation is.
struct Outcome {
    labels: Vec<usize>,
    seconds: f64,
    size: Option<Size>,
    fidelity: Option<f64>,
}

/// An explanation's size as the table reports it.
#[derive(Debug, Clone, Copy, Default)]
struct Size {
    conditions: f64,
    terms: f64,
    weighted_conditions: f64,
    features: f64,
    leaves: Option<f64>,
}

/// The measures of one run.
#[derive(Debug, Clone)]
struct Measures {
    ari: f64,
    nca: f64,
    silhouette: Option<f64>,
    price: f64,
    size: Option<Size>,
    fidelity: Option<f64>,
    smallest: f64,
    clusters: f64,
    seconds: f64,
}

/// One (instance, method) row: means over the runs that succeeded.
#[derive(Debug, Clone, Serialize)]
struct Row {
    instance: String,
    n: usize,
    d: usize,
    k: usize,
    method: String,
    runs: usize,
    errors: Vec<String>,
    ari: Option<f64>,
    nca: Option<f64>,
    silhouette: Option<f64>,
    price: Option<f64>,
    conditions: Option<f64>,
    terms: Option<f64>,
    weighted_conditions: Option<f64>,
    features: Option<f64>,
    leaves: Option<f64>,
    fidelity: Option<f64>,
    smallest_cluster: Option<f64>,
    clusters: Option<f64>,
    seconds: Option<f64>,
}

/// An instance of the bench: its prepared data, ground truth and reference.
struct Instance {
    ds: Dataset,
    truth: Vec<usize>,
    k: usize,
    reference: KMeansReference,
}

/// The mean of the values present, `None` when none is.
fn mean_of(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let present: Vec<f64> = values.flatten().filter(|v| v.is_finite()).collect();
    (!present.is_empty()).then(|| present.iter().sum::<f64>() / present.len() as f64)
}

/// Measure one run's labels against the instance.
fn measure(inst: &Instance, outcome: &Outcome, seed: u64) -> Measures {
    let x = inst.ds.x.view();
    let labels = &outcome.labels;
    let (compact, clusters) = metrics::compact_labels(labels);
    let mut sizes = vec![0usize; clusters];
    for &l in &compact {
        sizes[l] += 1;
    }
    // As `cluster` reports it: exact up to the sample size, estimated above.
    let silhouette = metrics::silhouette_sampled(
        x,
        labels,
        mpc::DEFAULT_SAMPLE_SIZE,
        mpc::ESTIMATE_REPEATS,
        seed,
    )
    .ok()
    .map(|e| e.value);
    Measures {
        ari: metrics::adjusted_rand_index(labels, &inst.truth),
        nca: metrics::normalized_clustering_accuracy(&inst.truth, labels),
        silhouette,
        price: inst.reference.price(x, labels),
        size: outcome.size,
        fidelity: outcome.fidelity,
        smallest: sizes.iter().copied().min().unwrap_or(0) as f64,
        clusters: clusters as f64,
        seconds: outcome.seconds,
    }
}

/// The row of one method on one instance from its runs.
fn row(inst: &Instance, method: &str, runs: &[Result<Measures, String>]) -> Row {
    let ok: Vec<&Measures> = runs.iter().filter_map(|r| r.as_ref().ok()).collect();
    let errors = runs
        .iter()
        .filter_map(|r| r.as_ref().err().cloned())
        .collect();
    let size =
        |f: fn(&Size) -> Option<f64>| mean_of(ok.iter().map(|m| m.size.as_ref().and_then(f)));
    Row {
        instance: inst.ds.name.clone(),
        n: inst.ds.n(),
        d: inst.ds.d(),
        k: inst.k,
        method: method.to_string(),
        runs: ok.len(),
        errors,
        ari: mean_of(ok.iter().map(|m| Some(m.ari))),
        nca: mean_of(ok.iter().map(|m| Some(m.nca))),
        silhouette: mean_of(ok.iter().map(|m| m.silhouette)),
        price: mean_of(ok.iter().map(|m| Some(m.price))),
        conditions: size(|s| Some(s.conditions)),
        terms: size(|s| Some(s.terms)),
        weighted_conditions: size(|s| Some(s.weighted_conditions)),
        features: size(|s| Some(s.features)),
        leaves: size(|s| s.leaves),
        fidelity: mean_of(ok.iter().map(|m| m.fidelity)),
        smallest_cluster: mean_of(ok.iter().map(|m| Some(m.smallest))),
        clusters: mean_of(ok.iter().map(|m| Some(m.clusters))),
        seconds: mean_of(ok.iter().map(|m| Some(m.seconds))),
    }
}

/// The per-method means over instances, in the order of `methods`.
fn means(rows: &[Row], methods: &[String]) -> Vec<Row> {
    methods
        .iter()
        .map(|method| {
            let mine: Vec<&Row> = rows.iter().filter(|r| &r.method == method).collect();
            let avg = |f: fn(&Row) -> Option<f64>| mean_of(mine.iter().map(|r| f(r)));
            Row {
                instance: "mean".into(),
                n: 0,
                d: 0,
                k: 0,
                method: method.clone(),
                runs: mine.iter().map(|r| r.runs).sum(),
                errors: Vec::new(),
                ari: avg(|r| r.ari),
                nca: avg(|r| r.nca),
                silhouette: avg(|r| r.silhouette),
                price: avg(|r| r.price),
                conditions: avg(|r| r.conditions),
                terms: avg(|r| r.terms),
                weighted_conditions: avg(|r| r.weighted_conditions),
                features: avg(|r| r.features),
                leaves: avg(|r| r.leaves),
                fidelity: avg(|r| r.fidelity),
                smallest_cluster: avg(|r| r.smallest_cluster),
                clusters: avg(|r| r.clusters),
                seconds: avg(|r| r.seconds),
            }
        })
        .collect()
}

/// One run of a polyclust configuration, as `cluster --k K --seed S` runs.
fn run_config(ds: &Dataset, spec: &ClusterSpec) -> Result<Outcome> {
    let start = Instant::now();
    let outcome = spec.run(ds, ScreenAgainst::Clusters, Hooks::default())?;
    let seconds = start.elapsed().as_secs_f64();
    let fit = outcome.result.best;
    let size = explanation_size(&fit.model, &fit.sizes);
    Ok(Outcome {
        seconds,
        size: Some(Size {
            conditions: size.conditions as f64,
            terms: size.terms as f64,
            weighted_conditions: size.weighted_conditions,
            features: size.features as f64,
            leaves: None,
        }),
        fidelity: Some(fit.fidelity),
        labels: fit.labels,
    })
}

/// One run of the library's k-means++ (`polyclust kmeans --k K --seed S`).
fn run_kmeans(ds: &Dataset, k: usize, seed: u64) -> Result<Outcome> {
    let params = KMeansParams::new(k).seed(seed).check(ds.x.view())?;
    let start = Instant::now();
    let fit = kmeans::fit(ds.x.view(), &params);
    Ok(Outcome {
        seconds: start.elapsed().as_secs_f64(),
        labels: fit.labels,
        size: None,
        fidelity: None,
    })
}

/// The selected registry instances with a label column, loaded and prepared
/// as `cluster` prepares them.
fn selected(args: &BenchReferenceArgs) -> Result<Vec<Dataset>> {
    let registry = Registry::from_env()?;
    super::safe_output::protect_input(&registry.dir);
    let named = !args.instances.is_empty();
    let names: Vec<String> = if named {
        let mut names: Vec<String> = Vec::new();
        for name in &args.instances {
            let name = name.trim();
            registry.info(name)?;
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
        names
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

/// The peers' runs from `benches/peers/reference.py` run by `python`.
fn peer_runs(python: &Path, instances: &[Instance], seeds: u64) -> Result<serde_json::Value> {
    let dir = std::env::temp_dir().join(format!("polyclust-reference-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let result = (|| {
        let mut items = Vec::new();
        for inst in instances {
            let path = dir.join(format!("{}.csv", inst.ds.name));
            let mut text = String::new();
            for row in inst.ds.x.rows() {
                let cells: Vec<String> = row.iter().map(|v| format!("{v:?}")).collect();
                text.push_str(&cells.join(","));
                text.push('\n');
            }
            // The command's own temporary directory: nothing of the user's there.
            std::fs::write(&path, text.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            items.push(json!({"name": inst.ds.name, "csv": path, "k": inst.k}));
        }
        let request = json!({"instances": items, "seeds": (0..seeds).collect::<Vec<_>>()});
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/peers/reference.py");
        let mut child = std::process::Command::new(python)
            .arg(script)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot run the peers with {}", python.display()))?;
        use std::io::Write as _;
        child
            .stdin
            .take()
            .context("the peers' input")?
            .write_all(request.to_string().as_bytes())
            .context("cannot send the instances to the peers")?;
        let out = child
            .wait_with_output()
            .context("the peers did not finish")?;
        if !out.status.success() {
            bail!("the peers' script {script} failed with {}", out.status);
        }
        serde_json::from_slice(&out.stdout).context("the peers' script printed no JSON object")
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// A peer's run read from the script's JSON.
fn peer_outcome(run: &serde_json::Value, n: usize) -> Result<Outcome, String> {
    if let Some(e) = run["error"].as_str() {
        return Err(e.to_string());
    }
    let labels: Vec<usize> = run["labels"]
        .as_array()
        .ok_or("no labels")?
        .iter()
        .map(|v| {
            v.as_u64()
                .map(|l| l as usize)
                .ok_or("a label that is not a cluster id")
        })
        .collect::<Result<_, _>>()?;
    if labels.len() != n {
        return Err(format!("{} labels for {n} rows", labels.len()));
    }
    let size = run["conditions"].as_f64().map(|conditions| Size {
        conditions,
        // A tree's condition reads one feature: one term each.
        terms: conditions,
        weighted_conditions: run["weighted_conditions"].as_f64().unwrap_or(f64::NAN),
        features: run["features"].as_f64().unwrap_or(f64::NAN),
        leaves: run["leaves"].as_f64(),
    });
    Ok(Outcome {
        labels,
        seconds: run["seconds"].as_f64().unwrap_or(f64::NAN),
        size,
        fidelity: None,
    })
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

/// A CSV cell: empty when absent.
fn cell(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| v.to_string())
}

/// results.csv: one line per (instance, method), then the means (instance
/// `mean`, n = d = k = 0).
fn to_csv(rows: &[Row], means: &[Row]) -> String {
    let mut out = format!("{CSV_HEADER}\n");
    for r in rows.iter().chain(means) {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            r.instance,
            r.n,
            r.d,
            r.k,
            r.method,
            r.runs,
            cell(r.ari),
            cell(r.nca),
            cell(r.silhouette),
            cell(r.price),
            cell(r.conditions),
            cell(r.terms),
            cell(r.weighted_conditions),
            cell(r.features),
            cell(r.leaves),
            cell(r.fidelity),
            cell(r.smallest_cluster),
            cell(r.clusters),
            cell(r.seconds),
        );
    }
    out
}

const MISSING: &str = "—";

/// The first line of results.md.
const MD_TITLE: &str = "# Every method at the reference k";

/// A number with `digits` decimals, or — when absent.
fn fixed(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| MISSING.into(), |v| format!("{v:.digits$}"))
}

/// A count that is a mean over seeds: whole when it is one, else one decimal.
fn count(v: Option<f64>) -> String {
    match v {
        Some(v) if (v - v.round()).abs() < 1e-9 => format!("{}", v.round()),
        Some(v) => format!("{v:.1}"),
        None => MISSING.into(),
    }
}

/// The table of every measure, one line per (instance, method), then the
/// mean of every method over the instances.
fn long_table(rows: &[Row], means: &[Row]) -> String {
    let mut out = String::from(
        "| instance | k | method | ARI | NCA | silhouette | price | conditions | terms | conditions per row | features | fidelity | smallest | clusters | seconds |\n\
         |---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in rows.iter().chain(means) {
        let bold = r.instance == "mean";
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            if bold { "**mean**" } else { &r.instance },
            if bold { String::new() } else { r.k.to_string() },
            r.method,
            fixed(r.ari, 3),
            fixed(r.nca, 3),
            fixed(r.silhouette, 3),
            fixed(r.price, 3),
            r.leaves.map_or_else(
                || fixed(r.conditions, 1),
                |l| format!("{} ({} leaves)", fixed(r.conditions, 1), fixed(Some(l), 1))
            ),
            fixed(r.terms, 1),
            fixed(r.weighted_conditions, 2),
            fixed(r.features, 1),
            fixed(r.fidelity, 3),
            count(r.smallest_cluster),
            count(r.clusters),
            r.seconds.map_or_else(|| MISSING.into(), format_seconds),
        );
        if !r.errors.is_empty() {
            let _ = writeln!(
                out,
                "|  |  | {} failed: {} |  |  |  |  |  |  |  |  |  |  |  |  |",
                r.method,
                r.errors.join("; ").replace('|', "/")
            );
        }
    }
    out
}

/// What results.md says.
struct Report<'a> {
    args: &'a BenchReferenceArgs,
    rows: &'a [Row],
    means: &'a [Row],
    methods: &'a [String],
    versions: &'a serde_json::Value,
    shared: &'a [(&'a str, &'a str)],
    seconds: f64,
}

impl Report<'_> {
    /// One measure per (instance, method) as instances × methods, with the
    /// mean row.
    fn pivot(&self, title: &str, value: fn(&Row) -> Option<f64>, digits: usize) -> String {
        let mut out = format!("## {title}\n\n| instance | k |");
        for m in self.methods {
            let _ = write!(out, " {m} |");
        }
        out.push_str("\n|---|---:|");
        out.push_str(&"---:|".repeat(self.methods.len()));
        out.push('\n');
        let mut instances: Vec<(&str, usize)> = Vec::new();
        for r in self.rows {
            if !instances.iter().any(|(name, _)| *name == r.instance) {
                instances.push((&r.instance, r.k));
            }
        }
        for (name, k) in instances {
            let _ = write!(out, "| {name} | {k} |");
            for m in self.methods {
                let v = self
                    .rows
                    .iter()
                    .find(|r| r.instance == name && &r.method == m)
                    .and_then(value);
                let _ = write!(out, " {} |", fixed(v, digits));
            }
            out.push('\n');
        }
        out.push_str("| **mean** | |");
        for m in self.methods {
            let v = self.means.iter().find(|r| &r.method == m).and_then(value);
            let _ = write!(out, " **{}** |", fixed(v, digits));
        }
        out.push_str("\n\n");
        out
    }

    fn markdown(&self) -> String {
        let a = self.args;
        let mut command = String::from("polyclust bench reference");
        if !a.instances.is_empty() {
            let _ = write!(command, " --instances {}", a.instances.join(","));
        }
        let _ = write!(command, " --seeds {}", a.seeds);
        if a.python.is_some() {
            command.push_str(" --python \"$(bash benches/peers/setup.sh)\"");
        }
        let mut out = format!("{MD_TITLE}\n\n");
        let _ = writeln!(
            out,
            "Written by `{command}` in {:.0} s of wall time; seconds are indicative \
             (wall-clock of one run on a machine shared with other work).\n",
            self.seconds
        );
        let _ = writeln!(
            out,
            "Each method runs at k = the number of classes of the instance's label column, \
             on the prepared features (rows with a missing cell dropped, categorical columns \
             one-hot, every feature min-max scaled to [0, 1]), with seeds 0..{}; every figure \
             is the mean over the seeds, and the **mean** rows the mean over the instances.\n",
            a.seeds.saturating_sub(1)
        );
        out.push_str("Methods:\n\n");
        for c in CONFIGS {
            let _ = if c.flags.is_empty() {
                writeln!(
                    out,
                    "- {}: `polyclust cluster --k K --seed S` (its defaults)",
                    c.name
                )
            } else {
                writeln!(
                    out,
                    "- {}: `polyclust cluster --k K --seed S {}`",
                    c.name, c.flags
                )
            };
        }
        for (first, earlier) in self.shared {
            let _ = writeln!(
                out,
                "  - {first} runs with {earlier}'s settings today: its runs are {earlier}'s."
            );
        }
        let _ = writeln!(
            out,
            "- {KMEANS_NAME}: `polyclust kmeans --k K --seed S` (k-means++ seeding and Lloyd \
             iterations, best of 10 restarts)"
        );
        if self.args.python.is_some() {
            let v = |key: &str| self.versions[key].as_str().unwrap_or("?").to_string();
            let _ = writeln!(
                out,
                "- peers (Python {}, scikit-learn {}, ExKMC {}, NumPy {}; \
                 `benches/peers/setup.sh`, `benches/peers/reference.py`): k-means = \
                 `KMeans(k, n_init=10, random_state=S)`; GMM = `GaussianMixture(k, \
                 covariance_type=\"full\", random_state=S)`; Ward = \
                 `AgglomerativeClustering(k, linkage=\"ward\")` (deterministic: one run); \
                 ExKMC-1 = `Tree(k, max_leaves=k)` (IMM), ExKMC-5 = `Tree(k, max_leaves=5k)`, \
                 both on ExKMC's own k-means (`KMeans(k, n_init=1, max_iter=40, \
                 random_state=S)`, what `Tree.fit` makes when given none), their seconds \
                 including it",
                v("python"),
                v("scikit-learn"),
                v("ExKMC"),
                v("numpy")
            );
        }
        let _ = writeln!(
            out,
            "\nMeasures: ARI, the adjusted Rand index against the labels; NCA, the normalised \
             clustering accuracy (Gagolewski; per class, the recall of the cluster matched with \
             it rescaled so that chance is 0, averaged over the classes, under the best \
             matching of clusters to classes; a class left without a cluster when fewer \
             clusters than classes are returned counts recall 0); silhouette, exact up to {} \
             rows, estimated from samples above; price, the price of explainability: the \
             k-means cost (within-cluster sum of squares) of the partition over the best \
             k-means cost at k found by the library's k-means with {} restarts from seed {} \
             (1: as good as k-means; Frost, Moshkovitz and Rashtchian 2020); conditions, the \
             explanation's conditions (polyclust: half-spaces after redundancy removal over \
             every polytope; trees: the conditions on every leaf's path, leaves in brackets); \
             terms, their non-zero coefficients; conditions per row, the mean over the rows \
             of the conditions of the rule that decides the row (the weighted average \
             explanation size); features, the features the conditions read; fidelity, the \
             share of rows inside their own cluster's polytope; smallest, rows of the \
             smallest cluster; clusters, clusters returned; seconds, of one run.\n",
            mpc::DEFAULT_SAMPLE_SIZE,
            polyclust::price::PRICE_RESTARTS,
            polyclust::price::PRICE_SEED
        );
        out.push_str(&self.pivot("ARI", |r| r.ari, 3));
        out.push_str(&self.pivot("NCA", |r| r.nca, 3));
        out.push_str(&self.pivot("Price of explainability", |r| r.price, 3));
        out.push_str(&self.pivot("Clusters returned", |r| r.clusters, 2));
        out.push_str("## Every measure\n\n");
        out.push_str(&long_table(self.rows, self.means));
        out
    }
}

#[cfg(test)]
mod tests {
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
