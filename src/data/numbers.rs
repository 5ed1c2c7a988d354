//! Numbers as analysts' files write them: money (`$12.50`, `12,34 €`,
//! `€1.234,56`), percentages (`12%`, read as 0.12), thousands separators
//! (`1,234.56`, `1.234,56`, `1 234,56` with a space, a no-break space or a
//! thin space, `1'234.56`) and a decimal comma (`1234,56`), and numbers
//! polyclust refuses to guess (a unit, `12kg`; hexadecimal, `0x1F`).
//!
//! Written by hand: the formats are few and the rules must be exact (the
//! number a cell means is parsed from its decimal digits by Rust's
//! correctly rounded `f64` parser, and a thousands separator is accepted
//! only between groups of three digits), where a locale library would bring
//! every locale's conventions and guesses of its own.

use serde::{Deserialize, Serialize};

/// The decimal mark of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Hash)]
pub enum DecimalMark {
    /// `1234.56`.
    #[default]
    #[serde(rename = ".")]
    Point,
    /// `1234,56`.
    #[serde(rename = ",")]
    Comma,
}

impl DecimalMark {
    /// The mark as a character.
    pub fn char(self) -> char {
        match self {
            DecimalMark::Point => '.',
            DecimalMark::Comma => ',',
        }
    }

    /// The mark `--decimal` names (`.` or `,`).
    pub fn from_flag(text: &str) -> Option<Self> {
        match text {
            "." => Some(DecimalMark::Point),
            "," => Some(DecimalMark::Comma),
            _ => None,
        }
    }
}

/// Currency symbols and codes read before or after an amount.
const CURRENCIES: [&str; 12] = [
    "US$", "$", "€", "£", "¥", "₹", "CHF", "USD", "EUR", "GBP", "JPY", "kr",
];

/// A formatted number and what its cell carried besides digits.
#[derive(Debug, Clone, PartialEq)]
pub struct Formatted {
    /// The number the cell means (a percentage divided by 100).
    pub value: f64,
    /// The currency symbol or code, if any.
    pub currency: Option<&'static str>,
    /// Whether it ended in `%`.
    pub percent: bool,
    /// Whether it had thousands separators.
    pub thousands: bool,
}

/// Spaces that separate thousands: space, no-break space, narrow no-break
/// space, thin space; and the apostrophe (Switzerland).
fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'' | '’')
}

/// Strip a currency at the start or the end (with optional spaces).
fn strip_currency(t: &str) -> (&str, Option<&'static str>) {
    for c in CURRENCIES {
        if let Some(rest) = t.strip_prefix(c) {
            return (rest.trim_start_matches(is_group_space), Some(c));
        }
        if let Some(rest) = t.strip_suffix(c) {
            return (rest.trim_end_matches(is_group_space), Some(c));
        }
    }
    (t, None)
}

/// Parse a cell written with the formats of this module, the decimal mark
/// being `decimal`: `None` when it is not such a number.
pub fn parse_formatted(cell: &str, decimal: DecimalMark) -> Option<Formatted> {
    let mut t = cell.trim();
    let mut negative = false;
    if let Some(inner) = t.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
        // Accounting: (12.50) is −12.50.
        negative = true;
        t = inner.trim();
    }
    let sign = |t: &str, negative: &mut bool| -> String {
        let t = t.trim();
        if let Some(rest) = t.strip_prefix(['-', '−']) {
            *negative = !*negative;
            rest.trim().to_string()
        } else {
            t.strip_prefix('+').unwrap_or(t).trim().to_string()
        }
    };
    let mut rest = sign(t, &mut negative);
    let (core, currency) = strip_currency(&rest);
    let core = core.to_string();
    rest = sign(&core, &mut negative);
    let percent = rest.ends_with('%');
    if percent {
        rest = rest[..rest.len() - 1].trim_end().to_string();
    }
    if currency.is_some() && percent {
        return None;
    }
    let (digits, thousands) = plain_digits(&rest, decimal)?;
    let mut text = String::with_capacity(digits.len() + 4);
    if negative {
        text.push('-');
    }
    text.push_str(&digits);
    if percent {
        text.push_str("e-2");
    }
    let value: f64 = text.parse().ok()?;
    value.is_finite().then_some(Formatted {
        value,
        currency,
        percent,
        thousands,
    })
}

/// `1.234,56` with a decimal comma as `1234.56`, and whether thousands
/// separators were used; `None` when the text is not digits grouped by
/// threes with at most one decimal mark.
fn plain_digits(text: &str, decimal: DecimalMark) -> Option<(String, bool)> {
    let mark = decimal.char();
    let group = match decimal {
        DecimalMark::Point => ',',
        DecimalMark::Comma => '.',
    };
    let (int, frac) = match text.rsplit_once(mark) {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    // The integer part: digits, in groups of three after the first when
    // separated (one kind of separator throughout).
    let mut groups: Vec<&str> = Vec::new();
    let mut separator: Option<char> = None;
    let mut start = 0;
    for (i, c) in int.char_indices() {
        if c.is_ascii_digit() {
            continue;
        }
        if c != group && !is_group_space(c) {
            return None;
        }
        if separator.is_some_and(|s| s != c) {
            return None;
        }
        separator = Some(c);
        groups.push(&int[start..i]);
        start = i + c.len_utf8();
    }
    groups.push(&int[start..]);
    let thousands = groups.len() > 1;
    if thousands {
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return None;
        }
    }
    let int_digits: String = groups.concat();
    if int_digits.is_empty() && frac.is_none() {
        return None;
    }
    let mut out = if int_digits.is_empty() {
        "0".to_string()
    } else {
        int_digits
    };
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    Some((out, thousands))
}

/// What a number's separators say about the decimal mark, when they say
/// it for sure: `12,5` (not three digits after the mark), `1.234,56` (two
/// kinds: the last is the mark), `1.234.567` (one kind twice: thousands),
/// `0,123` (thousands never start with 0). `1,234` says nothing.
pub fn decimal_vote(cell: &str) -> Option<DecimalMark> {
    let t = cell.trim();
    let core: String = t
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
        .collect();
    let points = core.matches('.').count();
    let commas = core.matches(',').count();
    match (points, commas) {
        (0, 0) => None,
        (p, c) if p > 0 && c > 0 => {
            let last = core.rfind(['.', ','])?;
            Some(if core.as_bytes()[last] == b'.' {
                DecimalMark::Point
            } else {
                DecimalMark::Comma
            })
        }
        (p, 0) if p >= 2 => Some(DecimalMark::Comma),
        (0, c) if c >= 2 => Some(DecimalMark::Point),
        _ => {
            let (mark, which) = if points == 1 {
                ('.', DecimalMark::Point)
            } else {
                (',', DecimalMark::Comma)
            };
            let (left, right) = core.split_once(mark)?;
            let decisive = right.len() != 3
                || left.is_empty()
                || left.len() > 3
                || left.starts_with('0')
                // A space inside the integer part is the thousands separator.
                || t.split_once(mark).is_some_and(|(l, _)| l.contains(is_group_space));
            decisive.then_some(which)
        }
    }
}

/// What a cell that is not a number looks like, when it looks like a number
/// written in a way polyclust does not read: `12kg` or `3.5 cm` (a unit),
/// `0x1F` (hexadecimal).
pub fn refused_kind(cell: &str) -> Option<&'static str> {
    let t = cell.trim();
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Some("a hexadecimal number");
        }
    }
    let t = t.strip_prefix(['-', '+']).unwrap_or(t);
    let number_end = t
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ',')))
        .unwrap_or(t.len());
    if number_end == 0 || !t.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let unit = t[number_end..].trim_start();
    let unit_like = !unit.is_empty()
        && unit.chars().count() <= 8
        && unit
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '°' | '/' | '²' | '³' | 'µ' | '2' | '3'))
        && unit
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '°' || c == 'µ');
    unit_like.then_some("a number with a unit")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(cell: &str, decimal: DecimalMark) -> Option<f64> {
        parse_formatted(cell, decimal).map(|f| f.value)
    }

    #[test]
    fn money_percent_and_separators() {
        use DecimalMark::*;
        assert_eq!(value("$12.50", Point), Some(12.5));
        assert_eq!(value("-$12.50", Point), Some(-12.5));
        assert_eq!(value("(12.50)", Point), Some(-12.5));
        assert_eq!(value("12,34 €", Comma), Some(12.34));
        assert_eq!(value("€1.234,56", Comma), Some(1234.56));
        assert_eq!(value("£1,234.56", Point), Some(1234.56));
        assert_eq!(value("12%", Point), Some(0.12));
        assert_eq!(value("0.1%", Point), Some("0.001".parse().unwrap()));
        assert_eq!(value("1,234.56", Point), Some(1234.56));
        assert_eq!(value("1 234,56", Comma), Some(1234.56));
        assert_eq!(value("1\u{a0}234,56", Comma), Some(1234.56));
        assert_eq!(value("1\u{2009}234\u{2009}567", Point), Some(1234567.0));
        assert_eq!(value("1'234.5", Point), Some(1234.5));
        assert_eq!(value("1234,56", Comma), Some(1234.56));
        assert_eq!(value("1,23,456", Point), None);
        assert_eq!(value("12kg", Point), None);
        assert_eq!(value("abc", Point), None);
        assert_eq!(value("$", Point), None);
        let f = parse_formatted("$1,234", Point).unwrap();
        assert_eq!(
            (f.currency, f.thousands, f.percent),
            (Some("$"), true, false)
        );
    }

    #[test]
    fn votes_for_the_decimal_mark() {
        use DecimalMark::*;
        assert_eq!(decimal_vote("12,5"), Some(Comma));
        assert_eq!(decimal_vote("3.25"), Some(Point));
        assert_eq!(decimal_vote("1.234,56"), Some(Comma));
        assert_eq!(decimal_vote("1,234.56"), Some(Point));
        assert_eq!(decimal_vote("1.234.567"), Some(Comma));
        assert_eq!(decimal_vote("0,123"), Some(Comma));
        assert_eq!(decimal_vote("1 234,567"), Some(Comma));
        assert_eq!(decimal_vote("1,234"), None);
        assert_eq!(decimal_vote("1234"), None);
    }

    #[test]
    fn units_and_hexadecimal() {
        assert_eq!(refused_kind("12kg"), Some("a number with a unit"));
        assert_eq!(refused_kind("3.5 cm"), Some("a number with a unit"));
        assert_eq!(refused_kind("0x1F"), Some("a hexadecimal number"));
        assert_eq!(refused_kind("abc"), None);
        assert_eq!(refused_kind("A12"), None);
        assert_eq!(refused_kind("12"), None);
    }
}
