//! `polyclust report` and `cluster --report`: one self-contained HTML page
//! for a model and its data (the library's [`polyclust::report`]), written
//! through the safe writer; and `bench report`, which times it.

use super::output::{outln, write_file};
use super::safe_output;
use anyhow::{bail, Context, Result};
use clap::Args;
use polyclust::data::{self, Dataset, LoadOptions, RawTable, Registry};
use polyclust::explain::Dialect;
use polyclust::mpc::{self, PolytopeModel};
use polyclust::report::{self, KStudyRow, Report, ReportOptions, SIGNATURE};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `report` arguments.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A model.json written by `cluster --out`.
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// CSV with the model's input columns.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "instance",
        conflicts_with = "instance"
    )]
    pub data: Option<PathBuf>,
    /// An instance of the POLYCLUST_INSTANCES directory instead of --data.
    #[arg(long, value_name = "NAME")]
    pub instance: Option<String>,
    /// Column of reference labels (ARI and NCA); default: `label` when the
    /// file has one.
    #[arg(long, value_name = "COL")]
    pub label_column: Option<String>,
    /// Read no labels, even from a `label` column.
    #[arg(long, conflicts_with = "label_column")]
    pub no_label: bool,
    /// The HTML file to write.
    #[arg(long, value_name = "FILE.html")]
    pub out: PathBuf,
    /// What the page shows.
    #[command(flatten)]
    pub page: PageArgs,
    /// Print one JSON object (file, bytes, seconds).
    #[arg(long)]
    pub json: bool,
}

/// What a report shows, shared by `report` and `cluster --report`.
#[derive(Debug, Clone, Args)]
pub struct PageArgs {
    /// Two features for the report's scatter (default: the two its rules
    /// read most).
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub columns: Option<Vec<String>>,
    /// SQL dialect of the report's rules (default: ansi).
    #[arg(long)]
    pub dialect: Option<Dialect>,
    /// Rows the report's scatter draws at most (a seeded sample above).
    #[arg(long, value_name = "N", default_value_t = report::DEFAULT_PLOT_ROWS)]
    pub plot_rows: usize,
}

/// `cluster --report FILE.html` and what its page shows.
#[derive(Debug, Clone, Args)]
pub struct ClusterReportArgs {
    /// Write a self-contained HTML report of the result: summary, one card
    /// per cluster, a scatter with the boundaries, the choice of k, the SQL.
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
    /// What the page shows.
    #[command(flatten)]
    pub page: PageArgs,
}

/// The command line as typed, for the page's "reproduce" section.
fn command_line() -> String {
    let quote = |a: &str| {
        let plain = !a.is_empty()
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=,:%+@".contains(c));
        if plain {
            a.to_string()
        } else {
            format!("'{}'", a.replace('\'', "'\\''"))
        }
    };
    let mut parts = vec!["polyclust".to_string()];
    parts.extend(std::env::args().skip(1).map(|a| quote(&a)));
    parts.join(" ")
}

fn options(page: &PageArgs, seed: u64) -> Result<ReportOptions> {
    let columns = match page.columns.as_deref() {
        None => None,
        Some([a, b]) => Some((a.clone(), b.clone())),
        Some(_) => bail!("--columns takes exactly two feature names, as --columns A,B"),
    };
    if page.plot_rows == 0 {
        bail!("invalid plot-rows: 0; the scatter needs at least one row");
    }
    Ok(ReportOptions {
        columns,
        dialect: page.dialect.unwrap_or_default(),
        command: Some(command_line()),
        plot_rows: page.plot_rows,
        seed,
        ..ReportOptions::default()
    })
}

/// Whether the scatter's columns exist: checked before a fit, so a wrong
/// name costs no minutes.
fn check_columns(page: &PageArgs, names: &[String]) -> Result<()> {
    for c in page.columns.iter().flatten() {
        if !names.contains(c) {
            bail!(
                "--columns: no feature named '{c}' (features: {})",
                data::name_list(names)
            );
        }
    }
    Ok(())
}

/// `cluster --report`: the output path and the columns checked before the
/// fit.
pub(crate) fn check_cluster_report(args: &ClusterReportArgs, ds: &Dataset) -> Result<()> {
    if args.report.is_none() {
        if args.page.columns.is_some() || args.page.dialect.is_some() {
            bail!("--columns and --dialect set what --report FILE.html shows: give --report too");
        }
        return Ok(());
    }
    if let Some(path) = &args.report {
        safe_output::check_output_file("--report", path, SIGNATURE)?;
    }
    options(&args.page, 0)?;
    check_columns(&args.page, &ds.feature_names())
}

/// `cluster --report FILE.html`: the page of a fit on its own rows.
pub(crate) fn write_cluster_report(
    args: &ClusterReportArgs,
    ds: &Dataset,
    truth: Option<(&[usize], &str)>,
    fit: &mpc::MpcFit,
    k_study: Vec<KStudyRow>,
    seed: u64,
) -> Result<()> {
    let Some(path) = &args.report else {
        return Ok(());
    };
    let mut page = Report::new(&fit.model, ds)?.fit(fit)?.k_study(k_study);
    if let Some((labels, column)) = truth {
        page = page.truth(labels, column)?;
    }
    let html = page
        .render(&options(&args.page, seed)?)
        .context("--report")?;
    write_file("--report", path, html.as_bytes())
}

/// Read a model file for `--model`.
fn read_model(path: &Path) -> Result<PolytopeModel> {
    safe_output::protect_input(path);
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("--model {}: cannot read the model file", path.display()))?;
    PolytopeModel::from_json(&text)
        .with_context(|| format!("--model {} is not a polyclust model", path.display()))
}

/// Reference labels (ids) and the column they were read from.
type Truth = Option<(Vec<usize>, String)>;

/// The rows of `--data` or `--instance` encoded with the model's features,
/// and their labels when asked for or present.
fn read_data(args: &ReportArgs, model: &PolytopeModel) -> Result<(Dataset, Truth)> {
    let (table, mut options, name, flag) = if let Some(name) = &args.instance {
        let registry = Registry::from_env()?;
        safe_output::protect_input(&registry.dir);
        let info = registry.info(name)?.clone();
        let options = Registry::load_options(&info);
        (
            registry.read_table(&info)?,
            options,
            info.name,
            "--instance",
        )
    } else {
        let path = args
            .data
            .clone()
            .context("no data given: name a CSV file with --data")?;
        safe_output::protect_input(&path);
        let name = path
            .file_stem()
            .map_or_else(|| "data".into(), |s| s.to_string_lossy().into_owned());
        let options = LoadOptions {
            label_column: None,
            drop: Vec::new(),
            categorical: Vec::new(),
            ..LoadOptions::default()
        };
        (RawTable::read(&path)?, options, name, "--data")
    };
    let label = if args.no_label {
        None
    } else if let Some(col) = &args.label_column {
        if !table.header.iter().any(|h| h == col) {
            bail!(
                "--label-column: {} has no column '{col}' (columns: {})",
                table.path.display(),
                data::name_list(&table.header)
            );
        }
        Some(col.clone())
    } else {
        options
            .label_column
            .clone()
            .or(Some("label".to_string()))
            .filter(|l| table.header.iter().any(|h| h == l))
    };
    if let Some(l) = &label {
        if model.map.sources().contains(l) {
            bail!("--label-column {l} is one of the model's input columns; name the column of reference labels, or give --no-label");
        }
    }
    options.label_column = label.clone();
    let mut ds = data::prepare(&table, &options, Some(&model.map)).with_context(|| {
        format!(
            "{flag} {}: the rows cannot be encoded with the model's columns ({})",
            table.path.display(),
            model.map.sources().join(", ")
        )
    })?;
    ds.name = name;
    let truth = match (&label, ds.label_ids()) {
        (Some(l), Some((ids, _))) => Some((ids, l.clone())),
        _ => None,
    };
    Ok((ds, truth))
}

/// `polyclust report`.
pub(crate) fn report_cmd(args: &ReportArgs) -> Result<()> {
    let model = read_model(&args.model)?;
    if let Some(data) = &args.data {
        safe_output::protect_input(data);
    }
    safe_output::check_output_file("--out", &args.out, SIGNATURE)?;
    check_columns(&args.page, &model.map.names())?;
    let options = options(&args.page, 0)?;
    let (ds, truth) = read_data(args, &model)?;
    let start = Instant::now();
    let mut page = Report::new(&model, &ds)?;
    if let Some((labels, column)) = &truth {
        page = page.truth(labels, column)?;
    }
    let html = page.render(&options).context("--out")?;
    let seconds = start.elapsed().as_secs_f64();
    write_file("--out", &args.out, html.as_bytes())?;
    if args.json {
        outln!(
            "{}",
            json!({
                "out": args.out.display().to_string(), "bytes": html.len(),
                "seconds": seconds, "rows": ds.n(), "clusters": model.k(),
                "dropped_rows": ds.dropped_rows, "labels": truth.as_ref().map(|t| &t.1),
            })
        );
    } else {
        outln!(
            "wrote {} ({} bytes): {} rows, {} clusters, in {seconds:.3} s",
            args.out.display(),
            html.len(),
            ds.n(),
            model.k()
        );
        if ds.dropped_rows > 0 {
            outln!(
                "  {} rows with a missing cell were left out",
                ds.dropped_rows
            );
        }
    }
    Ok(())
}

/// `bench report` arguments.
#[derive(Debug, Args)]
pub struct BenchReportArgs {
    /// Instances of the POLYCLUST_INSTANCES registry (default: every one).
    #[arg(long, value_name = "A,B,...", value_delimiter = ',')]
    pub instances: Vec<String>,
    /// Rows of the generated blobs (`generate blobs`); 0: none.
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: usize,
    /// Features of the generated blobs.
    #[arg(long, default_value_t = 6)]
    pub dims: usize,
    /// Blobs of the generated instance, and its k.
    #[arg(long, default_value_t = 6)]
    pub clusters: usize,
    /// Directory for the pages (NAME.html), written as `cluster --out` writes.
    #[arg(long, value_name = "DIR", default_value = "bench-report")]
    pub out: PathBuf,
    /// Print the rows as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// One measured report.
struct Measured {
    name: String,
    n: usize,
    d: usize,
    k: usize,
    fit_seconds: f64,
    /// `cluster --report`: the page from the fit's figures, rendered and written.
    from_fit_seconds: f64,
    /// `polyclust report`: the rows decided again and the silhouette recomputed.
    from_model_seconds: f64,
    bytes: usize,
    html: String,
}

fn measure(name: &str, ds: &Dataset, truth: Option<&[usize]>, k: usize) -> Result<Measured> {
    let space = mpc::ExplanationSpace::identity(ds.d());
    let params = mpc::MpcParams::new(k)
        .preset(mpc::Preset::Mpc1)
        .seed(0)
        .check(ds.x.view(), space.dim())?;
    let start = Instant::now();
    let fit = mpc::fit(ds.x.view(), &ds.map, space, &params, &())?;
    let fit_seconds = start.elapsed().as_secs_f64();
    let options = ReportOptions {
        command: Some(command_line()),
        ..ReportOptions::default()
    };
    let scratch = std::env::temp_dir().join(format!(
        "polyclust-bench-report-{}.html",
        std::process::id()
    ));
    let timed = |page: Report| -> Result<(f64, String)> {
        let start = Instant::now();
        let page = match truth {
            Some(t) => page.truth(t, "label")?,
            None => page,
        };
        let html = page.render(&options)?;
        std::fs::write(&scratch, html.as_bytes())?;
        Ok((start.elapsed().as_secs_f64(), html))
    };
    let (from_fit_seconds, html) = timed(Report::new(&fit.model, ds)?.fit(&fit)?)?;
    let (from_model_seconds, _) = timed(Report::new(&fit.model, ds)?)?;
    let _ = std::fs::remove_file(&scratch);
    Ok(Measured {
        name: name.to_string(),
        n: ds.n(),
        d: ds.d(),
        k: fit.model.k(),
        fit_seconds,
        from_fit_seconds,
        from_model_seconds,
        bytes: html.len(),
        html,
    })
}

/// `bench report`: on each instance (MPC-1 at k = its number of classes,
/// 2 to 10) and on generated blobs, the seconds of the page beyond the fit
/// (from the fit, as `cluster --report` makes it; from the model alone, as
/// `polyclust report` makes it, deciding every row and computing the
/// silhouette again) and its bytes; the pages go to `--out`.
pub(crate) fn bench_report(args: &BenchReportArgs) -> Result<()> {
    let mut rows: Vec<Measured> = Vec::new();
    let registry = if args.instances.is_empty() && std::env::var_os("POLYCLUST_INSTANCES").is_none()
    {
        None
    } else {
        Some(Registry::from_env()?)
    };
    let mut names: Vec<String> = args.instances.clone();
    if let (true, Some(r)) = (names.is_empty(), &registry) {
        names = r.instances.iter().map(|i| i.name.clone()).collect();
    }
    let mut files: Vec<String> = Vec::new();
    for name in &names {
        let registry = registry
            .as_ref()
            .context("POLYCLUST_INSTANCES is not set")?;
        let info = registry.info(name)?.clone();
        let table = registry.read_table(&info)?;
        let mut ds = data::prepare(&table, &Registry::load_options(&info), None)?;
        ds.name = info.name.clone();
        let truth = ds.label_ids();
        let k = truth
            .as_ref()
            .map_or(2, |(_, names)| names.len())
            .clamp(2, 10);
        let m = measure(name, &ds, truth.as_ref().map(|t| t.0.as_slice()), k)?;
        super::output::warn(&format!(
            "{name}: {:.3} s beyond the fit, {} bytes",
            m.from_fit_seconds, m.bytes
        ));
        rows.push(m);
        files.push(format!("{name}.html"));
    }
    if args.rows > 0 {
        let name = format!("blobs-{}", args.rows);
        let mut ds =
            data::gaussian_blobs(args.rows, args.dims, args.clusters, 0.6, 1).into_dataset();
        ds.name = name.clone();
        let truth = ds.label_ids().map(|(ids, _)| ids);
        let m = measure(&name, &ds, truth.as_deref(), args.clusters)?;
        rows.push(m);
        files.push(format!("{name}.html"));
    }
    let names: Vec<&str> = files.iter().map(String::as_str).collect();
    let earlier = |_: &str, path: &Path| {
        std::fs::read_to_string(path).is_ok_and(|t| t.starts_with(SIGNATURE))
    };
    let dir = safe_output::OutputDir::check("--out", &args.out, &names, &earlier)?;
    let pages: Vec<(&str, Vec<u8>)> = rows
        .iter()
        .zip(&names)
        .map(|(m, f)| (*f, m.html.as_bytes().to_vec()))
        .collect();
    dir.write(&pages)?;
    if args.json {
        let rows: Vec<serde_json::Value> = rows
            .iter()
            .map(|m| {
                json!({
                    "instance": m.name, "n": m.n, "d": m.d, "k": m.k,
                    "fit_seconds": m.fit_seconds, "report_seconds": m.from_fit_seconds,
                    "report_from_model_seconds": m.from_model_seconds, "bytes": m.bytes,
                })
            })
            .collect();
        outln!(
            "{}",
            json!({ "rows": rows, "out": args.out.display().to_string() })
        );
        return Ok(());
    }
    outln!(
        "{:<16} {:>9} {:>4} {:>3} {:>9} {:>10} {:>11} {:>10}",
        "instance",
        "n",
        "d",
        "k",
        "fit s",
        "report s",
        "from model",
        "bytes"
    );
    for m in &rows {
        outln!(
            "{:<16} {:>9} {:>4} {:>3} {:>9.3} {:>10.3} {:>11.3} {:>10}",
            m.name,
            m.n,
            m.d,
            m.k,
            m.fit_seconds,
            m.from_fit_seconds,
            m.from_model_seconds,
            m.bytes
        );
    }
    outln!("pages in {}/", args.out.display());
    Ok(())
}
