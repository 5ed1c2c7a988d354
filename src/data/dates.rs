//! Dates and times in cells: `2024-01-31`, `2024/01/31`, `31/01/2024`,
//! `01/31/2024`, `31.01.2024`, ISO datetimes (`2024-01-31T12:30:00Z`,
//! `2024-01-31 12:30`) and times of day (`12:30`, `12:30:45`).
//!
//! A column of them is left out of the features by default; `--dates
//! as-number` reads a date as its days since 1970-01-01, a datetime as
//! fractional days since 1970-01-01 00:00 UTC, a time as hours since
//! midnight. Written by hand: recognising these shapes and counting days
//! (the proleptic Gregorian calendar, Howard Hinnant's `days_from_civil`)
//! is a few dozen lines, where a date library would parse far more formats
//! than a column should be guessed to hold.

use serde::{Deserialize, Serialize};

/// What a date column holds, and for day/month/year dates the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateKind {
    /// Year first (`2024-01-31`, `2024/01/31`), or with a time.
    YearFirst,
    /// Day first (`31/01/2024`, `31.01.2024`).
    DayFirst,
    /// Month first (`01/31/2024`).
    MonthFirst,
    /// A time of day (`12:30`).
    Time,
}

impl DateKind {
    /// What the number of a cell counts.
    pub fn unit(self) -> &'static str {
        match self {
            DateKind::Time => "hours since midnight",
            _ => "days since 1970-01-01",
        }
    }
}

/// A recognised cell: its fields, before the day/month order is settled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DateCell {
    /// Year, month, day, and seconds into the day (minus a UTC offset).
    YearFirst(i64, u32, u32, f64),
    /// Two fields that are day and month in some order, and the year.
    Ambiguous(u32, u32, i64),
    /// Seconds since midnight.
    Time(f64),
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn valid(y: i64, m: u32, d: u32) -> bool {
    (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)
}

fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    (s.len() >= min && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `HH:MM[:SS[.fff]]` as seconds.
fn time_of_day(s: &str) -> Option<f64> {
    let mut parts = s.split(':');
    let h = digits(parts.next()?, 1, 2)?;
    let m = digits(parts.next()?, 2, 2)?;
    let sec = match parts.next() {
        Some(p) => {
            let (whole, frac) = p.split_once('.').unwrap_or((p, ""));
            let whole = digits(whole, 2, 2)?;
            if !frac.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let frac: f64 = if frac.is_empty() {
                0.0
            } else {
                format!("0.{frac}").parse().ok()?
            };
            f64::from(whole) + frac
        }
        None => 0.0,
    };
    if parts.next().is_some() || h > 23 || m > 59 || sec >= 61.0 {
        return None;
    }
    Some(f64::from(h) * 3600.0 + f64::from(m) * 60.0 + sec)
}

/// `Z`, `+02:00`, `-0500` at the end of a time: the offset in seconds.
fn split_offset(s: &str) -> (&str, f64) {
    if let Some(t) = s.strip_suffix('Z') {
        return (t, 0.0);
    }
    if let Some(i) = s.rfind(['+', '-']) {
        let (t, off) = s.split_at(i);
        let sign = if off.starts_with('-') { -1.0 } else { 1.0 };
        let off = off[1..].replace(':', "");
        if off.len() == 4 {
            if let (Some(h), Some(m)) = (digits(&off[..2], 2, 2), digits(&off[2..], 2, 2)) {
                return (t, sign * f64::from(h * 3600 + m * 60));
            }
        }
    }
    (s, 0.0)
}

/// Recognise a cell as a date, a datetime or a time.
pub fn parse_date(cell: &str) -> Option<DateCell> {
    let t = cell.trim();
    if t.len() < 4 || t.len() > 40 {
        return None;
    }
    if t.contains(':') && !t.contains(['-', '/', '.', ' ', 'T']) {
        return time_of_day(t).map(DateCell::Time);
    }
    let (date, time) = match t.split_once(['T', ' ']) {
        Some((d, rest)) => (d, Some(rest.trim())),
        None => (t, None),
    };
    let seconds = match time {
        Some(time) => {
            let (time, offset) = split_offset(time);
            time_of_day(time)? - offset
        }
        None => 0.0,
    };
    let sep = date.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let fields: Vec<&str> = date.split(sep).collect();
    if fields.len() != 3 {
        return None;
    }
    if fields[0].len() == 4 {
        let y = i64::from(digits(fields[0], 4, 4)?);
        let m = digits(fields[1], 1, 2)?;
        let d = digits(fields[2], 1, 2)?;
        return valid(y, m, d).then_some(DateCell::YearFirst(y, m, d, seconds));
    }
    if time.is_some() || fields[2].len() != 4 {
        return None;
    }
    let a = digits(fields[0], 1, 2)?;
    let b = digits(fields[1], 1, 2)?;
    let y = i64::from(digits(fields[2], 4, 4)?);
    let possible = valid(y, b, a) || valid(y, a, b);
    possible.then_some(DateCell::Ambiguous(a, b, y))
}

/// The kind of a column whose every cell is a [`DateCell`]: day first when
/// some first field is above 12, month first when some second one is, day
/// first when none tells (and whether it was told); `None` when the cells
/// mix kinds or contradict each other.
pub fn column_kind(cells: &[DateCell]) -> Option<(DateKind, bool)> {
    let first = cells.first()?;
    match first {
        DateCell::Time(_) => cells
            .iter()
            .all(|c| matches!(c, DateCell::Time(_)))
            .then_some((DateKind::Time, true)),
        DateCell::YearFirst(..) => cells
            .iter()
            .all(|c| matches!(c, DateCell::YearFirst(..)))
            .then_some((DateKind::YearFirst, true)),
        DateCell::Ambiguous(..) => {
            let mut day_first = false;
            let mut month_first = false;
            for c in cells {
                let DateCell::Ambiguous(a, b, _) = c else {
                    return None;
                };
                day_first |= *a > 12;
                month_first |= *b > 12;
            }
            match (day_first, month_first) {
                (true, true) => None,
                (false, true) => Some((DateKind::MonthFirst, true)),
                (told, false) => Some((DateKind::DayFirst, told)),
            }
        }
    }
}

/// The number of a cell in a column of `kind` (see the module doc), or
/// `None` when the cell is not such a date.
pub fn date_number(cell: &str, kind: DateKind) -> Option<f64> {
    let parsed = parse_date(cell)?;
    match (parsed, kind) {
        (DateCell::Time(s), DateKind::Time) => Some(s / 3600.0),
        (DateCell::YearFirst(y, m, d, s), DateKind::YearFirst) => {
            Some(days_from_civil(y, m, d) as f64 + s / 86_400.0)
        }
        (DateCell::Ambiguous(a, b, y), DateKind::DayFirst) => {
            valid(y, b, a).then(|| days_from_civil(y, b, a) as f64)
        }
        (DateCell::Ambiguous(a, b, y), DateKind::MonthFirst) => {
            valid(y, a, b).then(|| days_from_civil(y, a, b) as f64)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_hours() {
        assert_eq!(date_number("1970-01-01", DateKind::YearFirst), Some(0.0));
        assert_eq!(
            date_number("2024-01-31", DateKind::YearFirst),
            Some(19753.0)
        );
        assert_eq!(date_number("31/01/2024", DateKind::DayFirst), Some(19753.0));
        assert_eq!(
            date_number("01/31/2024", DateKind::MonthFirst),
            Some(19753.0)
        );
        assert_eq!(date_number("31.01.2024", DateKind::DayFirst), Some(19753.0));
        assert_eq!(
            date_number("2024-01-31T12:00:00Z", DateKind::YearFirst),
            Some(19753.5)
        );
        assert_eq!(
            date_number("2024-01-31T14:00:00+02:00", DateKind::YearFirst),
            Some(19753.5)
        );
        assert_eq!(date_number("12:30", DateKind::Time), Some(12.5));
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("12.5"), None);
        assert_eq!(parse_date("1234"), None);
        assert_eq!(parse_date("24:00"), None);
    }

    #[test]
    fn day_or_month_first() {
        let cells = |c: &[&str]| c.iter().map(|c| parse_date(c).unwrap()).collect::<Vec<_>>();
        assert_eq!(
            column_kind(&cells(&["31/01/2024", "01/02/2024"])),
            Some((DateKind::DayFirst, true))
        );
        assert_eq!(
            column_kind(&cells(&["01/31/2024", "02/01/2024"])),
            Some((DateKind::MonthFirst, true))
        );
        assert_eq!(
            column_kind(&cells(&["01/02/2024"])),
            Some((DateKind::DayFirst, false))
        );
        assert_eq!(column_kind(&cells(&["31/01/2024", "01/31/2024"])), None);
    }
}
