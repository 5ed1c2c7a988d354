//! Numbers as the page writes them.

use crate::data::FeatureColumn;

/// Share as `12.3%`.
pub(super) fn percent(v: f64) -> String {
    if v > 0.0 && v < 0.001 {
        return "<0.1%".into();
    }
    format!("{:.1}%", 100.0 * v)
}

/// A number to four significant digits, no trailing zeros.
pub(super) fn short(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    let digits = (4 - 1 - v.abs().log10().floor() as i32).clamp(0, 10) as usize;
    let s = format!("{v:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    let s = if s == "-0" { "0".to_string() } else { s };
    s.replacen('-', "−", 1)
}

/// A whole number with thousands separators: `1,000,000`.
pub(super) fn count(v: usize) -> String {
    let s = v.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The feature's value in original units.
pub(super) fn unscaled(column: &FeatureColumn, v: f64) -> f64 {
    column.unscale(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(short(0.70214), "0.7021");
        assert_eq!(short(-1234.5), "−1234");
        assert_eq!(short(12.0), "12");
        assert_eq!(count(1_000_000), "1,000,000");
        assert_eq!(count(999), "999");
        assert_eq!(percent(0.123), "12.3%");
    }
}
