//! What each column of a file is for, decided before any row is dropped:
//! the label, columns the caller leaves out, and for every other column
//! whether it is a feature (and how its cells are read) or is left out with
//! a notice (an index, an identifier, dates), or refused with the flag that
//! resolves it (an empty column, units, two ways of writing numbers).

use super::dates::{self, DateCell, DateKind};
use super::error::{ColumnRole, DataError};
use super::numbers::{decimal_vote, parse_formatted, refused_kind, DecimalMark};
use super::table::{Cell, RawTable};

use super::features::CellFormat;
use super::options::{DatePolicy, LoadOptions};
use super::text::{excerpt, flag_value};
use std::collections::{HashMap, HashSet};

/// Rows an identifier of unique text values must have (fewer rows of
/// distinct categories are an ordinary small categorical column).
pub const ID_MIN_ROWS: usize = 20;

/// The columns named by the caller.
#[derive(Debug, Clone)]
pub(crate) struct Roles {
    /// The label column, when read.
    pub label: Option<usize>,
    /// Columns that are neither the label nor left out by the caller.
    pub candidates: Vec<usize>,
    /// Columns declared categorical.
    pub categorical: HashSet<usize>,
}

impl Roles {
    /// Resolve the names of `options` in the header: a name the file lacks
    /// is refused alike for every flag, with the closest name.
    pub(crate) fn resolve(
        table: &RawTable,
        options: &LoadOptions,
        fitting: bool,
    ) -> Result<Self, DataError> {
        let label = match &options.label_column {
            Some(l) if fitting => {
                let role = if l == "label" {
                    ColumnRole::DefaultLabel
                } else {
                    ColumnRole::Label
                };
                Some(table.column_for(l, role)?)
            }
            // For prediction, a label column is used only when present.
            Some(l) => table.position(l),
            None => None,
        };
        let mut skip = vec![false; table.header.len()];
        if let Some(i) = label {
            skip[i] = true;
        }
        for d in &options.drop {
            skip[table.column_for(d, ColumnRole::Drop)?] = true;
        }
        let mut categorical = HashSet::new();
        for c in &options.categorical {
            let i = table.column_for(c, ColumnRole::Categorical)?;
            categorical.insert(i);
        }
        Ok(Self {
            label,
            candidates: (0..table.header.len()).filter(|&i| !skip[i]).collect(),
            categorical,
        })
    }
}

/// How a feature column is read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reading {
    /// Plain numbers when (nearly) every kept cell is one, else categories.
    Auto,
    /// One-hot categories (declared).
    Categorical,
    /// Numbers written in a format.
    Format(CellFormat),
}

/// A feature column and how it is read.
#[derive(Debug, Clone)]
pub(crate) struct Feature {
    pub column: usize,
    pub reading: Reading,
    /// Every row's number (NaN: missing), when screening found plain
    /// numbers on every row: typing takes them instead of parsing again.
    pub parsed: Option<Vec<f64>>,
}

/// The feature columns, and notices about the columns left out or read in
/// a format.
#[derive(Debug, Clone, Default)]
pub(crate) struct Screened {
    pub features: Vec<Feature>,
    pub notices: Vec<String>,
}

/// What one pass over a column's cells found.
#[derive(Debug, Default)]
struct Scan<'a> {
    present: usize,
    plain: usize,
    integers: bool,
    first_present: Option<(usize, String)>,
    /// Cells that are not plain numbers, in row order with their rows.
    other: Vec<(usize, &'a str)>,
    /// Every row's plain number (NaN: missing), while no other cell was met.
    values: Vec<f64>,
    distinct: HashSet<Cow<'a>>,
}

type Cow<'a> = std::borrow::Cow<'a, str>;

/// One pass over column `c`; distinct values are kept for cells that are
/// not plain numbers, and for all cells when `every_distinct` (an unnamed
/// column, or one named like an identifier).
fn scan<'a>(table: &'a RawTable, c: usize, every_distinct: bool) -> Scan<'a> {
    let mut s = Scan {
        integers: true,
        ..Scan::default()
    };
    for r in 0..table.n_rows() {
        let cell = table.cell(r, c);
        if cell.is_missing() {
            if s.other.is_empty() {
                s.values.push(f64::NAN);
            }
            continue;
        }
        s.present += 1;
        if s.first_present.is_none() {
            s.first_present = Some((r, excerpt(&cell.text())));
        }
        match cell.number() {
            Ok(Some(v)) => {
                s.plain += 1;
                s.integers &= v.fract() == 0.0;
                if s.other.is_empty() {
                    s.values.push(v);
                }
                if every_distinct {
                    s.distinct.insert(cell.text());
                }
            }
            _ => {
                if let Cell::Text(t) = cell {
                    s.other.push((r, t));
                }
                s.values = Vec::new();
                s.distinct.insert(cell.text());
            }
        }
    }
    s
}

/// Whether a column name reads as an identifier's: `id`, `ID`, `customer_id`,
/// `customerId`, `user-id`, `uuid`, `key`, `index`.
fn id_like_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    matches!(
        lower.as_str(),
        "id" | "uuid" | "guid" | "key" | "index" | "row" | "rowid"
    ) || lower.ends_with("_id")
        || lower.ends_with("-id")
        || lower.ends_with(" id")
        || (name.ends_with("Id") && name.len() > 2)
        || (name.ends_with("ID") && name.len() > 2)
}

/// The decimal mark of the file when not given: a comma when some column's
/// cells that are not plain numbers say so for sure (`12,5`, `1.234,56`);
/// in a file separated by `;` (a spreadsheet's export where the comma is
/// often the decimal mark), a comma unless some cell says the point for
/// sure (`3.25`); else the point.
fn file_decimal(table: &RawTable, scans: &[(usize, Scan<'_>)]) -> DecimalMark {
    let says = |mark| {
        scans
            .iter()
            .any(|(_, s)| s.other.iter().any(|(_, t)| decimal_vote(t) == Some(mark)))
    };
    if says(DecimalMark::Comma) {
        return DecimalMark::Comma;
    }
    let semicolon = table.dialect.is_some_and(|d| d.delimiter == b';');
    if !semicolon {
        return DecimalMark::Point;
    }
    let point = says(DecimalMark::Point)
        || scans
            .iter()
            .any(|(c, s)| !s.integers && s.plain > 0 && point_column(table, *c));
    if point {
        DecimalMark::Point
    } else {
        DecimalMark::Comma
    }
}

/// Decide every candidate column (see the module doc).
pub(crate) fn screen(
    table: &RawTable,
    options: &LoadOptions,
    roles: &Roles,
) -> Result<Screened, DataError> {
    let path = &table.path;
    let name = |c: usize| table.header[c].clone();
    let mut out = Screened::default();
    let mut scans: Vec<(usize, Scan<'_>)> = roles
        .candidates
        .iter()
        .map(|&c| {
            let every = table.unnamed.contains(&c) || id_like_name(&table.header[c]);
            (c, scan(table, c, every))
        })
        .collect();
    let decimal = options
        .decimal
        .unwrap_or_else(|| file_decimal(table, &scans));
    for (c, s) in scans.iter_mut() {
        let c = *c;
        let column = name(c);
        let unnamed = table.unnamed.contains(&c);
        if s.present == 0 && table.n_rows() > 0 {
            if unnamed {
                out.notices.push(format!(
                    "column {} has no name and no value (a trailing delimiter or an empty spreadsheet column): left out",
                    c + 1
                ));
                continue;
            }
            return Err(DataError::EmptyColumn {
                path: path.clone(),
                flag_value: flag_value(&column),
                column,
            });
        }
        if unnamed {
            let all_distinct = s.distinct.len() == table.n_rows() && s.present == table.n_rows();
            if c == 0 && all_distinct && !roles.categorical.contains(&c) {
                out.notices.push(
                    "column 1 has no name and a distinct value on every row (a row index, as pandas and R write one): left out"
                        .to_string(),
                );
                continue;
            }
            let mentioned = roles.categorical.contains(&c);
            if !mentioned {
                let (row, value) = s.first_present.clone().unwrap_or_default();
                return Err(DataError::EmptyColumnName {
                    path: path.clone(),
                    position: c + 1,
                    row: row + 1,
                    value,
                });
            }
        }
        if roles.categorical.contains(&c) {
            out.features.push(Feature {
                column: c,
                reading: Reading::Categorical,
                parsed: None,
            });
            continue;
        }
        let rows = table.n_rows();
        if s.other.is_empty() {
            // Plain numbers.
            if s.integers
                && id_like_name(&column)
                && s.distinct.len() == s.present
                && s.present >= 2
            {
                out.notices.push(format!(
                    "column '{}' left out: an identifier (a distinct whole number on each of its {} rows, and an identifier's name); rename it to use it as a feature",
                    excerpt(&column),
                    s.present
                ));
                continue;
            }
            let reading = match decimal {
                DecimalMark::Point => Reading::Auto,
                DecimalMark::Comma => match s.integers || point_column(table, c) {
                    true => Reading::Auto,
                    false => Reading::Format(CellFormat::Number {
                        decimal,
                        currency: None,
                        percent: false,
                    }),
                },
            };
            if matches!(reading, Reading::Format(_)) && !s.integers {
                out.notices.push(format!(
                    "column '{}' read with the point as thousands separator, the decimal mark being the comma here (`decimal .` reads it as a decimal point)",
                    excerpt(&column)
                ));
            }
            let every_row = s.values.len() == table.n_rows();
            let parsed =
                (reading == Reading::Auto && every_row).then(|| std::mem::take(&mut s.values));
            out.features.push(Feature {
                column: c,
                reading,
                parsed,
            });
            continue;
        }
        if let Some(reading) = date_column(s, options, &column, &mut out.notices)? {
            match reading {
                Some(r) => out.features.push(Feature {
                    column: c,
                    reading: r,
                    parsed: None,
                }),
                None => continue,
            }
            continue;
        }
        if let Some(format) = number_column(table, c, s, decimal, options.decimal.is_some())? {
            let (row, cell) = s.other[0];
            if let Ok(Some(v)) = format.parse(cell) {
                out.notices.push(format!(
                    "column '{}' read as numbers: '{}' (row {}) is {v}",
                    excerpt(&column),
                    excerpt(cell),
                    row + 1
                ));
            }
            out.features.push(Feature {
                column: c,
                reading: Reading::Format(format),
                parsed: None,
            });
            continue;
        }
        // Units and hexadecimal: refused when every cell that is not a plain
        // number is one.
        let refused: Vec<(usize, &str, &'static str)> = match refused_kind(s.other[0].1) {
            None => Vec::new(),
            Some(_) => s
                .other
                .iter()
                .filter_map(|&(r, t)| refused_kind(t).map(|k| (r, t, k)))
                .collect(),
        };
        if !refused.is_empty() && refused.len() == s.other.len() {
            let (r, t, what) = refused[0];
            return Err(DataError::NotPlainNumber {
                path: path.clone(),
                row: r + 1,
                flag_value: flag_value(&column),
                column,
                value: excerpt(t),
                what,
            });
        }
        if s.plain == 0 && s.distinct.len() == rows && rows >= ID_MIN_ROWS {
            out.notices.push(format!(
                "column '{}' left out: an identifier (a distinct text on each of its {rows} rows); `categorical {}` reads it as categories all the same",
                excerpt(&column),
                flag_value(&column)
            ));
            continue;
        }
        out.features.push(Feature {
            column: c,
            reading: Reading::Auto,
            parsed: None,
        });
    }
    case_collisions(table, &out.features)?;
    Ok(out)
}

/// Whether a column of plain numbers in a file with a decimal comma says
/// for sure that its own mark is the point (`3.25`), in which case its
/// cells are plain numbers; else its points are thousands separators
/// (`1.234` is 1234 there).
fn point_column(table: &RawTable, c: usize) -> bool {
    (0..table.n_rows()).any(|r| {
        table
            .cell(r, c)
            .raw()
            .is_some_and(|t| decimal_vote(t) == Some(DecimalMark::Point))
    })
}

/// A column of dates or times: `Some(None)` left out (with a notice),
/// `Some(Some(reading))` read as numbers; `None` when not a date column.
#[allow(clippy::option_option)]
fn date_column(
    s: &Scan<'_>,
    options: &LoadOptions,
    column: &str,
    notices: &mut Vec<String>,
) -> Result<Option<Option<Reading>>, DataError> {
    if s.plain > 0 {
        return Ok(None);
    }
    let mut cells: Vec<DateCell> = Vec::with_capacity(s.other.len());
    for (_, t) in &s.other {
        match dates::parse_date(t) {
            Some(d) => cells.push(d),
            None => return Ok(None),
        }
    }
    let Some((kind, told)) = dates::column_kind(&cells) else {
        return Ok(None);
    };
    let what = if kind == DateKind::Time {
        "times of day"
    } else {
        "dates"
    };
    match options.dates {
        DatePolicy::Exclude => {
            notices.push(format!(
                "column '{}' left out: it holds {what} ('{}'); `dates as-number` reads them as {}",
                excerpt(column),
                excerpt(s.other[0].1),
                kind.unit()
            ));
            Ok(Some(None))
        }
        DatePolicy::AsNumber => {
            let order = match (kind, told) {
                (DateKind::DayFirst, false) => " (day first: no day above 12 tells the order)",
                _ => "",
            };
            notices.push(format!(
                "column '{}' holds {what}, read as {}{order}",
                excerpt(column),
                kind.unit()
            ));
            Ok(Some(Some(Reading::Format(CellFormat::Date { date: kind }))))
        }
    }
}

/// A column whose cells are formatted numbers (money, percentages,
/// separators, a decimal comma): its format, or `None` when some cell is
/// not one. Two currencies, or `%` on some cells only, or cells that say
/// both decimal marks, are refused.
fn number_column(
    table: &RawTable,
    c: usize,
    s: &Scan<'_>,
    file_decimal: DecimalMark,
    given: bool,
) -> Result<Option<CellFormat>, DataError> {
    let column = table.header[c].clone();
    let refuse = |detail: String| DataError::InconsistentNumbers {
        path: table.path.clone(),
        flag_value: flag_value(&column),
        column: column.clone(),
        detail,
    };
    // Most text columns are not numbers at all: their first cell says so.
    let first = s.other[0].1;
    if parse_formatted(first, DecimalMark::Point).is_none()
        && parse_formatted(first, DecimalMark::Comma).is_none()
    {
        return Ok(None);
    }
    // The column's own mark when its cells tell it, else the file's.
    let mut votes: HashMap<DecimalMark, (usize, &str)> = HashMap::new();
    if !given {
        for r in 0..table.n_rows() {
            if let Some(t) = table.cell(r, c).raw() {
                if let Some(v) = decimal_vote(t) {
                    votes.entry(v).or_insert((r, t));
                }
            }
        }
    }
    if let (Some(p), Some(q)) = (
        votes.get(&DecimalMark::Point),
        votes.get(&DecimalMark::Comma),
    ) {
        return Err(refuse(format!(
            "'{}' (row {}) has a decimal point and '{}' (row {}) a decimal comma; name the mark with `decimal .` or `decimal ,`",
            excerpt(p.1),
            p.0 + 1,
            excerpt(q.1),
            q.0 + 1
        )));
    }
    let decimal = votes.keys().next().copied().unwrap_or(file_decimal);
    let mut currency: Option<(&'static str, usize)> = None;
    let mut percent: Option<(bool, usize, &str)> = None;
    for &(r, t) in &s.other {
        let Some(f) = parse_formatted(t, decimal) else {
            return Ok(None);
        };
        if let Some(cur) = f.currency {
            match currency {
                Some((seen, row)) if seen != cur => {
                    return Err(refuse(format!(
                        "amounts in {seen} (row {}) and in {cur} (row {})",
                        row + 1,
                        r + 1
                    )))
                }
                _ => currency = currency.or(Some((cur, r))),
            }
        }
        match percent {
            Some((p, row, first)) if p != f.percent => {
                return Err(refuse(format!(
                    "'{}' (row {}) and '{}' (row {}) are not both percentages",
                    excerpt(first),
                    row + 1,
                    excerpt(t),
                    r + 1
                )))
            }
            None => percent = Some((f.percent, r, t)),
            _ => {}
        }
    }
    let percent = percent.is_some_and(|p| p.0);
    if percent && s.plain > 0 {
        let (r, first) = (0..table.n_rows())
            .find_map(|r| {
                let cell = table.cell(r, c);
                (!cell.is_missing() && matches!(cell.number(), Ok(Some(_))))
                    .then(|| (r, cell.text().into_owned()))
            })
            .unwrap_or_default();
        return Err(refuse(format!(
            "'{}' (row {}) has no % sign while '{}' (row {}) has one",
            excerpt(&first),
            r + 1,
            excerpt(s.other[0].1),
            s.other[0].0 + 1
        )));
    }
    Ok(Some(CellFormat::Number {
        decimal,
        currency: currency.map(|c| c.0.to_string()),
        percent,
    }))
}

/// Two feature columns whose names are equal up to case are refused.
fn case_collisions(table: &RawTable, features: &[Feature]) -> Result<(), DataError> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for f in features {
        let name = &table.header[f.column];
        if let Some(&first) = seen.get(&name.to_lowercase()) {
            return Err(DataError::CaseCollision {
                path: table.path.clone(),
                first: excerpt(&table.header[first]),
                second: excerpt(name),
                flag_value: flag_value(name),
            });
        }
        seen.insert(name.to_lowercase(), f.column);
    }
    Ok(())
}
