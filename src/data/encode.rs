//! Typing the feature columns on the kept rows, fitting the feature map
//! (min and max of each numeric column, the categories of each categorical
//! one, imputed values) and encoding rows with a map.
//!
//! One-hot encoding costs O(rows × categories kept) memory (the dense
//! matrix) and O(rows) look-ups per categorical column: each cell finds its
//! feature in a hash map of the column's categories.

use super::columns::{Feature, Reading};
use super::error::DataError;
use super::features::{CellFormat, FeatureColumn, FeatureMap, Imputed};
use super::table::{Cell, RawTable};
use super::text::{excerpt, flag_value};
use ndarray::Array2;
use std::collections::{BTreeMap, HashMap};

/// A feature column's cells on the kept rows.
#[derive(Debug, Clone)]
pub(crate) enum Typed {
    /// Numbers (NaN: a missing cell, to impute; a cell that is NaN is refused).
    Numbers(Vec<f64>),
    /// Categories (one-hot encoded).
    Categories,
}

/// The number of a cell read as `format` (plain without one).
fn number(cell: Cell<'_>, format: Option<&CellFormat>) -> Result<Option<f64>, ()> {
    match (format, cell.raw()) {
        (Some(f), Some(text)) => f.parse(text),
        _ => cell.number(),
    }
}

/// Type every feature column on the kept rows: numbers when every cell is
/// one; a column whose cells are mostly numbers but some not is refused,
/// naming the first such cell (a stray text cell would otherwise turn it
/// into dozens of one-hot columns); a column with at least as many text
/// cells as numbers is categorical.
pub(crate) fn type_columns(
    table: &RawTable,
    features: &[Feature],
    kept: &[usize],
) -> Result<Vec<Typed>, DataError> {
    let path = &table.path;
    let mut typed = Vec::with_capacity(features.len());
    for f in features {
        let c = f.column;
        let name = &table.header[c];
        let format = match &f.reading {
            Reading::Categorical => {
                typed.push(Typed::Categories);
                continue;
            }
            Reading::Format(format) => Some(format),
            Reading::Auto => None,
        };
        let mut values = Vec::with_capacity(kept.len());
        let mut first_text = None;
        let mut numbers = 0;
        if let Some(all) = &f.parsed {
            // Parsed while screening (plain numbers on every row).
            values.extend(kept.iter().map(|&r| all[r]));
            numbers = values.iter().filter(|v| !v.is_nan()).count();
        } else {
            for &r in kept {
                let cell = table.cell(r, c);
                if cell.is_missing() {
                    values.push(f64::NAN);
                    continue;
                }
                match number(cell, format) {
                    Ok(Some(v)) => {
                        numbers += 1;
                        values.push(v);
                    }
                    Ok(None) => {
                        first_text.get_or_insert(r);
                        values.push(f64::NAN);
                    }
                    Err(()) => {
                        return Err(DataError::NotFinite {
                            path: path.clone(),
                            row: r + 1,
                            line: r + 2,
                            column: name.clone(),
                            value: excerpt(&cell.text()),
                        })
                    }
                }
            }
        }
        let Some(r) = first_text else {
            let (min, max) = min_max(&values);
            if numbers > 0 && !(max - min).is_finite() {
                return Err(DataError::Range {
                    path: path.clone(),
                    column: name.clone(),
                    min,
                    max,
                });
            }
            typed.push(Typed::Numbers(values));
            continue;
        };
        let cells = kept
            .iter()
            .filter(|&&r| !table.cell(r, c).is_missing())
            .count();
        if numbers > cells - numbers {
            return Err(DataError::MixedColumn {
                path: path.clone(),
                row: r + 1,
                line: r + 2,
                column: name.clone(),
                value: excerpt(&table.cell(r, c).text()),
                numbers,
                cells,
            });
        }
        typed.push(Typed::Categories);
    }
    Ok(typed)
}

/// Smallest and largest of the numbers present (NaN: missing).
fn min_max(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .filter(|v| !v.is_nan())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        })
}

/// The median of some numbers (the mean of the two middle ones for an even count).
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        values[n / 2 - 1] / 2.0 + values[n / 2] / 2.0
    }
}

/// Fit the map on the kept rows: numeric columns' ranges, categorical
/// columns' categories (at most `max_levels` each) and, with `impute`,
/// every column's value for a missing cell. Numeric missing cells of
/// `typed` are filled with the imputed value. The map records the table's
/// columns but the label (`label`), which a table to label lacks.
pub(crate) fn fit_map(
    table: &RawTable,
    label: Option<usize>,
    features: &[Feature],
    typed: &mut [Typed],
    kept: &[usize],
    max_levels: usize,
    impute: bool,
) -> Result<FeatureMap, DataError> {
    let mut map = FeatureMap {
        table_columns: table
            .header
            .iter()
            .enumerate()
            .filter(|(c, _)| Some(*c) != label)
            .map(|(_, h)| h.clone())
            .collect(),
        ..FeatureMap::default()
    };
    for (f, t) in features.iter().zip(typed.iter_mut()) {
        let name = table.header[f.column].clone();
        match t {
            Typed::Numbers(values) => {
                let (min, max) = min_max(values);
                if impute && values.iter().any(|v| v.is_nan()) {
                    let mut present: Vec<f64> =
                        values.iter().copied().filter(|v| !v.is_nan()).collect();
                    let m = median(&mut present);
                    values
                        .iter_mut()
                        .filter(|v| v.is_nan())
                        .for_each(|v| *v = m);
                    map.impute.insert(name.clone(), Imputed::Number(m));
                }
                if let Reading::Format(format) = &f.reading {
                    map.formats.insert(name.clone(), format.clone());
                }
                map.columns.push(FeatureColumn::Numeric {
                    source: name,
                    min,
                    max,
                });
            }
            Typed::Categories => {
                let mut counts: BTreeMap<String, usize> = BTreeMap::new();
                let mut missing = false;
                for &r in kept {
                    let cell = table.cell(r, f.column);
                    if cell.is_missing() {
                        missing = true;
                    } else {
                        *counts.entry(cell.text().into_owned()).or_default() += 1;
                    }
                }
                if counts.len() > max_levels {
                    return Err(DataError::TooManyLevels {
                        path: table.path.clone(),
                        flag_value: flag_value(&name),
                        column: name,
                        levels: counts.len(),
                        rows: kept.len(),
                        limit: max_levels,
                    });
                }
                if impute && missing {
                    // The most frequent category; ties to the first in order.
                    let mode = counts
                        .iter()
                        .fold(None, |best: Option<(&String, usize)>, (v, &n)| match best {
                            Some((_, b)) if b >= n => best,
                            _ => Some((v, n)),
                        })
                        .map(|(v, _)| v.clone())
                        .unwrap_or_default();
                    map.impute.insert(name.clone(), Imputed::Category(mode));
                }
                for value in counts.into_keys() {
                    map.columns.push(FeatureColumn::OneHot {
                        source: name.clone(),
                        value,
                    });
                }
                map.categorical_sources.push(name);
            }
        }
    }
    Ok(map)
}

/// The scaled matrix of the kept rows from the typed columns (fitting).
pub(crate) fn fitted_matrix(
    table: &RawTable,
    features: &[Feature],
    typed: &[Typed],
    map: &FeatureMap,
    kept: &[usize],
) -> Array2<f64> {
    let mut x = Array2::<f64>::zeros((kept.len(), map.columns.len()));
    let mut j = 0;
    for (f, t) in features.iter().zip(typed) {
        match t {
            Typed::Numbers(values) => {
                let col = &map.columns[j];
                for (i, &v) in values.iter().enumerate() {
                    x[[i, j]] = if v.is_nan() { v } else { col.scale(v) };
                }
                j += 1;
            }
            Typed::Categories => {
                let name = &table.header[f.column];
                let first = j;
                let mut levels: HashMap<&str, usize> = HashMap::new();
                while j < map.columns.len() {
                    match &map.columns[j] {
                        FeatureColumn::OneHot { source, value } if source == name => {
                            levels.insert(value.as_str(), j);
                            j += 1;
                        }
                        _ => break,
                    }
                }
                let imputed = match map.impute.get(name) {
                    Some(Imputed::Category(v)) => Some(v.as_str()),
                    _ => None,
                };
                for (i, &r) in kept.iter().enumerate() {
                    let cell = table.cell(r, f.column);
                    let text = cell.text();
                    let level = if cell.is_missing() {
                        imputed
                    } else {
                        Some(text.as_ref())
                    };
                    match level.and_then(|l| levels.get(l)) {
                        Some(&k) => x[[i, k]] = 1.0,
                        None => (first..j).for_each(|k| x[[i, k]] = f64::NAN),
                    }
                }
            }
        }
    }
    x
}

/// Rows encoded with a fitted map, as `predict` encodes them.
pub(crate) struct Encoded {
    pub x: Array2<f64>,
    pub kept: Vec<usize>,
    pub dropped: Vec<usize>,
    pub imputed_cells: usize,
}

/// Encode the rows of `table` with `map`: a missing cell is imputed when
/// the map says so, else leaves the row out (`keep_missing`: kept, its
/// features NaN). Cells that cannot be encoded are refused naming the row.
pub(crate) fn encode_with_map(
    table: &RawTable,
    map: &FeatureMap,
    keep_missing: bool,
) -> Result<Encoded, DataError> {
    let path = &table.path;
    let sources = map.sources();
    let cols: Vec<usize> = sources
        .iter()
        .map(|s| table.column_index(s))
        .collect::<Result<_, _>>()?;
    let column_of: HashMap<&str, usize> = sources
        .iter()
        .map(String::as_str)
        .zip(cols.iter().copied())
        .collect();
    for source in &map.categorical_sources {
        table.column_index(source)?;
    }
    let imputable = |source: &str| map.impute.contains_key(source);
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    let mut imputed_cells = 0;
    for r in 0..table.n_rows() {
        let mut droppable = false;
        for (s, &c) in sources.iter().zip(&cols) {
            if table.cell(r, c).is_missing() {
                if imputable(s) {
                    imputed_cells += 1;
                } else {
                    droppable = true;
                }
            }
        }
        if droppable && !keep_missing {
            dropped.push(r);
        } else {
            kept.push(r);
        }
    }
    if kept.is_empty() {
        let n = table.n_rows();
        let detail = if n == 0 {
            String::new()
        } else {
            format!(" ({n} rows, all with a missing cell)")
        };
        return Err(DataError::NoRows {
            path: path.clone(),
            detail,
        });
    }
    let mut x = Array2::<f64>::zeros((kept.len(), map.columns.len()));
    // Numbers first, column by column, in the map's order of features.
    for (j, col) in map.columns.iter().enumerate() {
        let FeatureColumn::Numeric { source, .. } = col else {
            continue;
        };
        let c = column_of[source.as_str()];
        let imputed = match map.impute.get(source) {
            Some(Imputed::Number(v)) => Some(*v),
            _ => None,
        };
        // A cell that is not finite is named before one that is text, as
        // the streaming encoder names them.
        let mut first_text = None;
        for (i, &r) in kept.iter().enumerate() {
            let cell = table.cell(r, c);
            let v = if cell.is_missing() {
                imputed
            } else {
                let parsed = match (map.formats.get(source), cell.raw()) {
                    (Some(f), Some(t)) => f.parse(t),
                    _ => cell.number(),
                };
                match parsed {
                    Ok(Some(v)) => Some(v),
                    Ok(None) => {
                        first_text.get_or_insert(r);
                        None
                    }
                    Err(()) => {
                        return Err(DataError::NotFinite {
                            path: path.clone(),
                            row: r + 1,
                            line: r + 2,
                            column: source.clone(),
                            value: excerpt(&cell.text()),
                        })
                    }
                }
            };
            x[[i, j]] = v.map_or(f64::NAN, |v| col.scale(v));
        }
        if let Some(r) = first_text {
            return Err(DataError::Encode {
                path: path.clone(),
                row: r + 1,
                column: source.clone(),
                reason: format!(
                    "value '{}' is not a number but the model reads this column as numeric",
                    excerpt(&table.cell(r, c).text())
                ),
            });
        }
    }
    // Categories: one look-up per cell.
    for source in &map.categorical_sources {
        let c = table.column_index(source)?;
        let levels: HashMap<&str, usize> = map
            .columns
            .iter()
            .enumerate()
            .filter_map(|(j, col)| match col {
                FeatureColumn::OneHot { source: s, value } if s == source => {
                    Some((value.as_str(), j))
                }
                _ => None,
            })
            .collect();
        let imputed = match map.impute.get(source) {
            Some(Imputed::Category(v)) => Some(v.as_str()),
            _ => None,
        };
        for (i, &r) in kept.iter().enumerate() {
            let cell = table.cell(r, c);
            let text = cell.text();
            let level = if cell.is_missing() {
                match imputed {
                    Some(v) => v,
                    None => {
                        levels.values().for_each(|&k| x[[i, k]] = f64::NAN);
                        continue;
                    }
                }
            } else {
                text.as_ref()
            };
            match levels.get(level) {
                Some(&k) => x[[i, k]] = 1.0,
                None => {
                    return Err(DataError::Encode {
                        path: path.clone(),
                        row: r + 1,
                        column: source.clone(),
                        reason: format!(
                            "category '{}' was not seen when the model was fitted",
                            excerpt(level)
                        ),
                    })
                }
            }
        }
    }
    Ok(Encoded {
        x,
        kept,
        dropped,
        imputed_cells,
    })
}
