//! [`prepare`]: a raw table to a dataset, as a sequence of named steps.

use super::columns::{self, Roles};
use super::dataset::Dataset;
use super::encode::{self, Typed};
use super::error::DataError;
use super::features::{FeatureColumn, FeatureMap};
use super::missing::{self, MissingReport};
use super::options::{LoadOptions, MissingPolicy};
use super::table::RawTable;
use ndarray::Array2;

/// Prepare a raw table. With `map = Some(..)` the rows are encoded with an
/// existing feature map (for prediction) instead of fitting a new one.
pub fn prepare(
    table: &RawTable,
    options: &LoadOptions,
    map: Option<&FeatureMap>,
) -> Result<Dataset, DataError> {
    match map {
        None => fit(table, options),
        Some(map) => encode_with(table, options, map),
    }
}

/// Fit a new map: roles, screening, rows, typing, the map, the matrix.
fn fit(table: &RawTable, options: &LoadOptions) -> Result<Dataset, DataError> {
    let path = &table.path;
    let roles = Roles::resolve(table, options, true)?;
    let screened = columns::screen(table, options, &roles)?;
    let mut notices: Vec<String> = table.dialect_notice().into_iter().collect();
    notices.extend(screened.notices);
    let features = screened.features;
    if features.is_empty() {
        return Err(DataError::NoFeatures { path: path.clone() });
    }
    let (kept, report) = missing::select_rows(table, options, &roles, &features)?;
    if kept.is_empty() {
        return Err(no_rows(table, &report));
    }
    let mut typed: Vec<Typed> = encode::type_columns(table, &features, &kept)?;
    let impute = options.missing == MissingPolicy::Impute;
    let map = encode::fit_map(
        table,
        roles.label,
        &features,
        &mut typed,
        &kept,
        options.max_levels,
        impute,
    )?;
    let x = encode::fitted_matrix(table, &features, &typed, &map, &kept);
    Ok(assemble(table, roles.label, map, x, kept, report, notices))
}

/// Encode rows with a fitted map (prediction).
fn encode_with(
    table: &RawTable,
    options: &LoadOptions,
    map: &FeatureMap,
) -> Result<Dataset, DataError> {
    let label = options
        .label_column
        .as_ref()
        .and_then(|l| table.position(l));
    let keep = options.missing == MissingPolicy::Keep;
    let encoded = encode::encode_with_map(table, map, keep)?;
    let report = MissingReport {
        rows: table.n_rows(),
        dropped: encoded.dropped.len(),
        first_dropped: encoded.dropped.iter().take(10).map(|r| r + 1).collect(),
        by_column: Vec::new(),
        imputed_cells: encoded.imputed_cells,
        unlabelled: 0,
    };
    Ok(assemble(
        table,
        label,
        map.clone(),
        encoded.x,
        encoded.kept,
        report,
        Vec::new(),
    ))
}

/// Why no row is left: every row had a missing cell (naming the columns).
fn no_rows(table: &RawTable, report: &MissingReport) -> DataError {
    let n = table.n_rows();
    let detail = if n == 0 {
        String::new()
    } else {
        let columns: Vec<String> = report
            .by_column
            .iter()
            .take(5)
            .map(|(c, k)| format!("'{c}' on {k}"))
            .collect();
        format!(
            " ({n} rows, all with a missing cell; missing: {})",
            columns.join(", ")
        )
    };
    DataError::NoRows {
        path: table.path.clone(),
        detail,
    }
}

/// The dataset of the kept rows.
fn assemble(
    table: &RawTable,
    label: Option<usize>,
    map: FeatureMap,
    x: Array2<f64>,
    kept: Vec<usize>,
    report: MissingReport,
    notices: Vec<String>,
) -> Dataset {
    let constant_features = map
        .columns
        .iter()
        .filter(|c| matches!(c, FeatureColumn::Numeric { min, max, .. } if max <= min))
        .map(FeatureColumn::name)
        .collect();
    let labels = label.map(|c| {
        kept.iter()
            .map(|&r| table.cell(r, c).text().into_owned())
            .collect()
    });
    let path = &table.path;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Dataset {
        name,
        x,
        map,
        labels,
        row_index: kept,
        dropped_rows: report.dropped,
        missing: report,
        notices,
        constant_features,
        path: Some(path.clone()),
    }
}
