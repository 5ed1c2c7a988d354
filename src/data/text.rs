//! Cells and names as text: what counts as missing, plain numbers, and how
//! cells and column names are quoted in messages.

/// `text` cut to `max` characters, with "…" when cut.
pub(crate) fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// A cell as quoted in a message: at most 40 characters, then `…` and the
/// length (a five-megabyte cell is not echoed whole).
pub fn excerpt(cell: &str) -> String {
    const KEEP: usize = 40;
    let t = cell.trim();
    match t.char_indices().nth(KEEP) {
        None => t.to_string(),
        Some((cut, _)) => format!("{}… ({} characters)", &t[..cut], t.chars().count()),
    }
}

/// Names as listed in a message: the first 20, then how many more.
pub fn name_list(names: &[String]) -> String {
    const KEEP: usize = 20;
    let shown: Vec<String> = names.iter().take(KEEP).map(|n| excerpt(n)).collect();
    if names.len() > KEEP {
        format!("{}, … ({} more)", shown.join(", "), names.len() - KEEP)
    } else {
        shown.join(", ")
    }
}

/// A column name as it is typed after a flag: bare when it is made of
/// letters, digits, `_`, `-` and `.`, else in single quotes (the shell's).
pub fn flag_value(name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if plain {
        excerpt(name)
    } else {
        format!("'{}'", excerpt(name).replace('\'', r"'\''"))
    }
}

/// The header name closest to `name`: the same up to case, else the one at
/// the smallest edit distance when that distance is at most a third of the
/// name's length (at least 1), else none.
pub fn closest_name<'a>(name: &str, header: &'a [String]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    if let Some(same) = header.iter().find(|h| h.to_lowercase() == lower) {
        return Some(same);
    }
    let limit = (name.chars().count() / 3).max(1);
    header
        .iter()
        .map(|h| (strsim::levenshtein(&lower, &h.to_lowercase()), h))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, h)| h.as_str())
}

/// True when a cell counts as missing: empty, `NA` or `?` (after trimming).
pub fn is_missing(cell: &str) -> bool {
    matches!(trimmed(cell), "" | "NA" | "?")
}

/// `cell.trim()`, without decoding characters when both ends are ASCII
/// other than whitespace (almost every cell): such a cell has nothing to
/// trim, since every whitespace character is either at most a space or not
/// ASCII. Reading 10⁷ rows calls this 10⁸ times.
#[inline]
pub(crate) fn trimmed(cell: &str) -> &str {
    let plain = |b: u8| b > b' ' && b.is_ascii();
    match cell.as_bytes() {
        [first, .., last] if plain(*first) && plain(*last) => cell,
        [only] if plain(*only) => cell,
        _ => cell.trim(),
    }
}

/// Parse a cell as a plain number. `Ok(None)` means "not a number" (a
/// category, or a number written another way); `Err(())` means a number
/// that is not finite (NaN, inf).
pub(crate) fn parse_number(cell: &str) -> Result<Option<f64>, ()> {
    let t = trimmed(cell);
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        Ok(_) => Err(()),
        Err(_) => {
            let lower = t.to_ascii_lowercase();
            if matches!(
                lower.as_str(),
                "nan" | "inf" | "-inf" | "+inf" | "infinity" | "-infinity"
            ) {
                Err(())
            } else {
                Ok(None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_names() {
        let header: Vec<String> = ["Label", "income", "age"].map(String::from).to_vec();
        assert_eq!(closest_name("label", &header), Some("Label"));
        assert_eq!(closest_name("incme", &header), Some("income"));
        assert_eq!(closest_name("zzz", &header), None);
    }

    #[test]
    fn flag_values_are_quoted_for_the_shell() {
        assert_eq!(flag_value("store_id"), "store_id");
        assert_eq!(flag_value("net income"), "'net income'");
        assert_eq!(flag_value("it's"), r"'it'\''s'");
    }
}
