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

/// The rows of `--data` or `--instance` encoded with the model's features,
/// and their labels when asked for or present.
fn read_data(
    args: &ReportArgs,
    model: &PolytopeModel,
) -> Result<(Dataset, Option<(Vec<usize>, String)>)> {
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
