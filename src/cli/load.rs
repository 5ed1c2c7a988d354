//! Loading the data a command names (registry instance, CSV file or built-in
//! generated instance) and the lines that describe it.

use super::args::DataArgs;
use super::output::outln;
use anyhow::{bail, Context, Result};
use polyclust::data::{self, Dataset, LoadOptions, RawTable, Registry};

/// A loaded dataset plus what the summary reports about loading.
pub(crate) struct Loaded {
    pub dataset: Dataset,
    /// Ground truth (label ids), when a label column exists.
    pub truth: Option<Vec<usize>>,
}

/// Load the data named by the arguments. `label_override` reads the labels from
/// another column (then the usual label column is kept out of the features too).
pub(crate) fn load(args: &DataArgs, label_override: Option<&str>) -> Result<Loaded> {
    let _working = super::progress::Working::new("reading the data".into());
    let src = &args.source;
    if let Some(kind) = src.generate {
        let inst = args
            .shape
            .spec(kind, args.generate_seed)
            .check()?
            .instance()?;
        let dataset = inst.into_dataset();
        let truth = dataset.label_ids().map(|(ids, _)| ids);
        return Ok(Loaded { dataset, truth });
    }
    if args.shape.given() {
        bail!("--rows, --dims and --clusters set the shape of a generated instance: use them with --generate blobs or quadrants");
    }
    let (table, mut options, name) = if let Some(name) = &src.instance {
        let registry = Registry::from_env()?;
        super::safe_output::protect_input(&registry.dir);
        let info = registry.info(name)?.clone();
        (
            registry.read_table(&info)?,
            Registry::load_options(&info),
            Some(info.name),
        )
    } else {
        let path = src.data.clone().context("no data source given")?;
        super::safe_output::protect_input(&path);
        let options = LoadOptions {
            label_column: (!args.no_label).then(|| args.label_column.clone()),
            drop: args.drop.clone(),
            categorical: args.categorical.clone(),
        };
        (RawTable::read(&path)?, options, None)
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
    }
    let mut dataset = data::prepare(&table, &options, None)?;
    if let Some(n) = name {
        dataset.name = n;
    }
    let truth = match (&truth_column, label_override) {
        (Some(t), Some(col)) if t != col => table.header.iter().position(|h| h == t).map(|c| {
            let texts: Vec<String> = dataset
                .row_index
                .iter()
                .map(|&r| table.rows[r][c].trim().to_string())
                .collect();
            data::encode_labels(&texts).0
        }),
        _ => dataset.label_ids().map(|(ids, _)| ids),
    };
    Ok(Loaded { dataset, truth })
}

/// A note about rows and columns the loader set aside, for text output.
fn loading_note(ds: &Dataset) -> Option<String> {
    let mut parts = Vec::new();
    if ds.dropped_rows > 0 {
        parts.push(format!(
            "{} rows with missing cells dropped",
            ds.dropped_rows
        ));
    }
    if !ds.constant_features.is_empty() {
        parts.push(format!(
            "constant features kept at 0: {}",
            ds.constant_features.join(", ")
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// First lines of a text summary: the data's shape and what loading set aside.
pub(crate) fn print_header(ds: &Dataset, k: usize) -> Result<()> {
    outln!("{}: n = {}, d = {}, k = {k}", ds.name, ds.n(), ds.d());
    if let Some(note) = loading_note(ds) {
        outln!("  {note}");
    }
    Ok(())
}
