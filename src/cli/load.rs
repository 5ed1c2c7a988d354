//! Loading the data a command names (registry instance, CSV file or built-in
//! generated instance) and the lines that describe it.

use super::args::DataArgs;
use super::output::outln;
use super::vocabulary::with_flags;
use anyhow::{bail, Context, Result};
use polyclust::data::{self, Dataset, LoadOptions, RawTable, Registry};
use serde_json::json;

/// A loaded dataset plus what the summary reports about loading.
pub(crate) struct Loaded {
    pub dataset: Dataset,
    /// Ground truth (label ids; `None` for a row without a label), when a
    /// label column exists.
    pub truth: Option<Truth>,
}

/// The ground truth of the kept rows, some rows possibly without one.
pub(crate) struct Truth(Vec<Option<usize>>);

impl Truth {
    /// ARI of `labels` against the truth, on the rows that have one.
    pub(crate) fn ari(&self, labels: &[usize]) -> f64 {
        let (a, b): (Vec<usize>, Vec<usize>) = labels
            .iter()
            .zip(&self.0)
            .filter_map(|(&l, t)| t.map(|t| (l, t)))
            .unzip();
        polyclust::metrics::adjusted_rand_index(&a, &b)
    }

    /// NCA of `labels` against the truth, on the rows that have one.
    pub(crate) fn nca(&self, labels: &[usize]) -> f64 {
        let (a, b): (Vec<usize>, Vec<usize>) = labels
            .iter()
            .zip(&self.0)
            .filter_map(|(&l, t)| t.map(|t| (l, t)))
            .unzip();
        polyclust::metrics::normalized_clustering_accuracy(&b, &a)
    }

    /// The truth of every row, when every row has one.
    pub(crate) fn complete(&self) -> Option<Vec<usize>> {
        self.0.iter().copied().collect()
    }
}

/// Load the data named by the arguments, the labels required (rows
/// without one dropped). `label_override` reads the labels from another
/// column (then the usual label column is kept out of the features too).
pub(crate) fn load(args: &DataArgs, label_override: Option<&str>) -> Result<Loaded> {
    load_with(args, label_override, true)
}

/// [`load`], the labels required or read for comparison only (a row
/// without one is kept).
pub(crate) fn load_with(
    args: &DataArgs,
    label_override: Option<&str>,
    label_required: bool,
) -> Result<Loaded> {
    let _working = super::progress::Working::new("reading the data".into());
    let src = &args.source;
    if let Some(kind) = src.generate {
        let inst = args
            .shape
            .spec(kind, args.generate_seed)
            .check()?
            .instance()?;
        let dataset = inst.into_dataset();
        let truth = dataset.truth_ids().map(Truth);
        return Ok(Loaded { dataset, truth });
    }
    if args.shape.given() {
        bail!("--rows, --dims and --clusters set the shape of a generated instance: use them with --generate blobs or quadrants");
    }
    let reading = |mut options: LoadOptions| {
        options.label_required = label_required;
        options.missing = args.missing;
        options.dates = args.dates;
        options.max_levels = args.max_levels;
        options.decimal = args.decimal;
        options
    };
    let (table, mut options, name) = if let Some(name) = &src.instance {
        let registry = Registry::from_env()?;
        super::safe_output::protect_input(&registry.dir);
        let info = registry.info(name)?.clone();
        (
            registry.read_table(&info)?,
            reading(Registry::load_options(&info)),
            Some(info.name),
        )
    } else {
        let path = src.data.clone().context("no data source given")?;
        super::safe_output::protect_input(&path);
        let options = LoadOptions {
            label_column: (!args.no_label).then(|| args.label_column.clone()),
            drop: args.drop.clone(),
            categorical: args.categorical.clone(),
            ..LoadOptions::default()
        };
        (
            RawTable::read_with(&path, args.delimiter)?,
            reading(options),
            None,
        )
    };
    if src.instance.is_some() {
        options.drop.extend(args.drop.iter().cloned());
        options.categorical.extend(args.categorical.iter().cloned());
    }
    let truth_column = options.label_column.clone();
    if let Some(col) = label_override {
        if let Some(t) = &truth_column {
            if t != col && table.header.iter().any(|h| h == t) {
                options.drop.push(t.clone());
            }
        }
        options.label_column = Some(col.to_string());
        // Labels named by a flag are the clusters or the target.
        options.label_required = true;
    }
    let mut dataset = data::prepare(&table, &options, None)?;
    if let Some(n) = name {
        dataset.name = n;
    }
    let truth = match (&truth_column, label_override) {
        (Some(t), Some(col)) if t != col => table.position(t).map(|c| {
            let texts: Vec<String> = dataset
                .row_index
                .iter()
                .map(|&r| table.rows[r][c].trim().to_string())
                .collect();
            let (ids, _) = data::encode_labels(&texts);
            Truth(
                ids.into_iter()
                    .zip(&texts)
                    .map(|(id, t)| (!data::is_missing(t)).then_some(id))
                    .collect(),
            )
        }),
        _ => dataset.truth_ids().map(Truth),
    };
    Ok(Loaded { dataset, truth })
}

/// Refuse a column of labels that looks like a continuous measurement:
/// numbers, not all whole, with a distinct value on more than half of the
/// rows (and more than 10).
pub(crate) fn check_labelling(ds: &Dataset, column: &str) -> Result<()> {
    let Some(labels) = &ds.labels else {
        return Ok(());
    };
    let numbers: Option<Vec<f64>> = labels.iter().map(|l| l.parse::<f64>().ok()).collect();
    let Some(numbers) = numbers else {
        return Ok(());
    };
    let mut distinct: Vec<u64> = numbers.iter().map(|v| v.to_bits()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let whole = numbers.iter().all(|v| v.fract() == 0.0);
    if !whole && distinct.len() > 10 && 2 * distinct.len() > labels.len() {
        return Err(data::DataError::ContinuousLabels {
            path: ds.path.clone().unwrap_or_else(|| ds.name.clone().into()),
            column: data::excerpt(column),
            distinct: distinct.len(),
            rows: labels.len(),
            flag_value: data::flag_value(column),
        }
        .into());
    }
    Ok(())
}

/// Lines about loading for text output: notices, missing cells, constant
/// features.
pub(crate) fn data_lines(ds: &Dataset) -> Vec<String> {
    let mut lines: Vec<String> = ds
        .notices
        .iter()
        .map(|n| format!("note: {}", with_flags(n)))
        .collect();
    if let Some(line) = ds.missing.line() {
        lines.push(line);
    }
    if !ds.constant_features.is_empty() {
        lines.push(format!(
            "constant features kept at 0: {}",
            ds.constant_features.join(", ")
        ));
    }
    lines
}

/// Print [`data_lines`], indented.
pub(crate) fn print_data_lines(ds: &Dataset) -> Result<()> {
    for line in data_lines(ds) {
        outln!("  {line}");
    }
    Ok(())
}

/// The fields of `--json` about loading: rows dropped (count, the first
/// ones as 1-based data rows, the columns responsible), cells imputed,
/// notices.
pub(crate) fn add_data_json(out: &mut serde_json::Value, ds: &Dataset) {
    let m = &ds.missing;
    let by_column: serde_json::Map<String, serde_json::Value> = m
        .by_column
        .iter()
        .map(|(c, k)| (c.clone(), json!(k)))
        .collect();
    out["dropped_rows"] = json!(ds.dropped_rows);
    out["missing"] = json!({
        "rows": m.rows, "dropped": m.dropped, "first_dropped_rows": m.first_dropped,
        "missing_by_column": by_column, "imputed_cells": m.imputed_cells,
        "unlabelled_rows": m.unlabelled,
    });
    out["notices"] = json!(ds.notices.iter().map(|n| with_flags(n)).collect::<Vec<_>>());
}

/// First lines of a text summary: the data's shape and what loading set aside.
pub(crate) fn print_header(ds: &Dataset, k: usize) -> Result<()> {
    outln!("{}: n = {}, d = {}, k = {k}", ds.name, ds.n(), ds.d());
    print_data_lines(ds)
}
