//! The feature map: which input columns become which scaled features, how
//! their cells are read, and what a missing cell is read as. It is stored
//! with a fitted model, so new rows are read exactly as the training rows.

use super::dates::{date_number, DateKind};
use super::numbers::{parse_formatted, DecimalMark};
use super::text::parse_number;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// One column of the clustering space and how it maps back to the input file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FeatureColumn {
    /// A numeric input column scaled by `(v - min) / (max - min)`.
    Numeric {
        /// Input column name.
        source: String,
        /// Minimum in the input data.
        min: f64,
        /// Maximum in the input data (equal to `min` for a constant column, which maps to 0).
        max: f64,
    },
    /// The indicator of one category of a categorical input column.
    OneHot {
        /// Input column name.
        source: String,
        /// Category.
        value: String,
    },
}

impl FeatureColumn {
    /// Name of the feature: the column name, or `col=value` for a one-hot column.
    pub fn name(&self) -> String {
        match self {
            FeatureColumn::Numeric { source, .. } => source.clone(),
            FeatureColumn::OneHot { source, value } => format!("{source}={value}"),
        }
    }

    /// The input column it reads.
    pub fn source(&self) -> &str {
        match self {
            FeatureColumn::Numeric { source, .. } | FeatureColumn::OneHot { source, .. } => source,
        }
    }

    /// Scaled value in \[0, 1\] from the original one.
    pub fn scale(&self, original: f64) -> f64 {
        match self {
            FeatureColumn::Numeric { min, max, .. } => {
                if max > min {
                    (original - min) / (max - min)
                } else {
                    0.0
                }
            }
            FeatureColumn::OneHot { .. } => original,
        }
    }

    /// Original value from a scaled one (inverse of [`FeatureColumn::scale`]).
    pub fn unscale(&self, scaled: f64) -> f64 {
        match self {
            FeatureColumn::Numeric { min, max, .. } => min + scaled * (max - min),
            FeatureColumn::OneHot { .. } => scaled,
        }
    }
}

/// How the cells of a numeric column are read when they are not plain
/// numbers (money, percentages, separators, a decimal comma, dates).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CellFormat {
    /// Numbers with a decimal mark, and possibly a currency, thousands
    /// separators or a percent sign (`12%` is 0.12).
    Number {
        /// The decimal mark.
        decimal: DecimalMark,
        /// The currency the cells carry (a cell may also carry none).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        currency: Option<String>,
        /// Every cell ends in `%` and is read divided by 100.
        #[serde(default)]
        percent: bool,
    },
    /// Dates or times read as numbers (`--dates as-number`).
    Date {
        /// Which dates, and in which order.
        date: DateKind,
    },
}

impl CellFormat {
    /// The number a cell means: `Ok(None)` when it is not written in this
    /// format, `Err(())` for a plain number that is not finite.
    pub(crate) fn parse(&self, cell: &str) -> Result<Option<f64>, ()> {
        match self {
            CellFormat::Number {
                decimal,
                currency,
                percent,
            } => {
                if *decimal == DecimalMark::Point && !percent {
                    if let Some(v) = parse_number(cell)? {
                        return Ok(Some(v));
                    }
                }
                Ok(parse_formatted(cell, *decimal).and_then(|f| {
                    let same_currency = f.currency.is_none() || f.currency == currency.as_deref();
                    (same_currency && f.percent == *percent).then_some(f.value)
                }))
            }
            CellFormat::Date { date } => Ok(date_number(cell, *date)),
        }
    }
}

/// The value a missing cell is read as under `--missing impute`: the
/// column's median (numbers, original units) or its most frequent category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Imputed {
    /// A number in original units.
    Number(f64),
    /// A category.
    Category(String),
}

/// The preprocessing map: which input columns become which features and how
/// they are scaled. Stored with a fitted model so new rows are encoded the same way.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FeatureMap {
    /// Features in order.
    pub columns: Vec<FeatureColumn>,
    /// Input columns that were categorical.
    pub categorical_sources: Vec<String>,
    /// Input columns whose cells are not plain numbers, and how they are read.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub formats: BTreeMap<String, CellFormat>,
    /// Input columns whose missing cells are imputed, and with what
    /// (`--missing impute`); without an entry a missing cell stays missing.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub impute: BTreeMap<String, Imputed>,
    /// Every column of the training table (for names the SQL must not reuse).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub table_columns: Vec<String>,
}

impl FeatureMap {
    /// A map of these features with no formats, imputation or table columns.
    pub fn new(columns: Vec<FeatureColumn>, categorical_sources: Vec<String>) -> Self {
        Self {
            columns,
            categorical_sources,
            ..Self::default()
        }
    }

    /// Feature names in order.
    pub fn names(&self) -> Vec<String> {
        self.columns.iter().map(FeatureColumn::name).collect()
    }

    /// Input column names the map reads (each once, in order).
    pub fn sources(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut sources = Vec::new();
        for c in &self.columns {
            let s = c.source();
            if seen.insert(s) {
                sources.push(s.to_string());
            }
        }
        sources
    }
}
