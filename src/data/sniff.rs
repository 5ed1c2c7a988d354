//! What separates a file's cells: Excel's `sep=X` first line when there is
//! one, else the first of `,` `;` tab `|` that reads the file's first
//! records as a table of two or more columns with the same number of cells
//! on every row, the comma first (so a file that reads as a comma-separated
//! table reads as it always did).
//!
//! Written by hand over the `csv` crate (which splits the records, quotes
//! included): the rule is four candidates and one test, where a general
//! dialect sniffer scores every candidate on its own terms and could pick
//! another reading for a file that reads well with commas.

/// How a file's records are split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// The byte between cells.
    pub delimiter: u8,
    /// Bytes before the header (a UTF-8 byte-order mark and Excel's `sep=`
    /// line), skipped.
    pub skip: usize,
    /// Lines skipped (1 for a `sep=` line), added to line numbers in messages.
    pub lines_skipped: usize,
    /// How the delimiter was settled.
    pub source: DelimiterSource,
}

/// How the delimiter was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DelimiterSource {
    /// The comma, read as always.
    Default,
    /// Given by the caller (`--delimiter`).
    Given,
    /// Excel's `sep=X` first line.
    SepLine,
    /// Another candidate read the file as a table where the comma did not.
    Detected,
}

/// Candidates, in order of preference.
const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Bytes of the file looked at.
pub const SAMPLE: usize = 1 << 16;

/// A delimiter's name in a message.
pub fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "tab".to_string(),
        _ => format!("'{}'", d as char),
    }
}

/// `sep=X` (optionally quoted) as the first line: X and the line's length
/// with its line break.
fn sep_line(bytes: &[u8]) -> Option<(u8, usize)> {
    let end = bytes.iter().position(|&b| b == b'\n')?;
    let line = &bytes[..end];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = line
        .strip_prefix(b"\"")
        .and_then(|l| l.strip_suffix(b"\""))
        .unwrap_or(line);
    match line {
        [b's' | b'S', b'e' | b'E', b'p' | b'P', b'=', d] => Some((*d, end + 1)),
        _ => None,
    }
}

/// Field counts of the first records of `sample` read with `delimiter`
/// (blank lines skipped; the last record left out when the sample may have
/// cut it).
fn field_counts(sample: &[u8], delimiter: u8, whole: bool) -> Vec<usize> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(sample);
    let mut counts = Vec::new();
    let mut record = csv::ByteRecord::new();
    while counts.len() < 100 {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {
                if !(record.len() == 1 && record[0].iter().all(u8::is_ascii_whitespace)) {
                    counts.push(record.len());
                }
            }
            _ => break,
        }
    }
    if !whole && counts.len() > 2 && reader.is_done() {
        counts.pop();
    }
    counts
}

/// The dialect of a file whose first bytes are `bytes` (`whole`: they are
/// the whole file); `given` is a delimiter the caller imposes.
pub fn sniff(bytes: &[u8], whole: bool, given: Option<u8>) -> Dialect {
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    if let Some((d, len)) = sep_line(&bytes[bom..]) {
        return Dialect {
            delimiter: given.unwrap_or(d),
            skip: bom + len,
            lines_skipped: 1,
            source: if given.is_some() {
                DelimiterSource::Given
            } else {
                DelimiterSource::SepLine
            },
        };
    }
    let dialect = |delimiter, source| Dialect {
        delimiter,
        skip: 0,
        lines_skipped: 0,
        source,
    };
    if let Some(d) = given {
        return dialect(d, DelimiterSource::Given);
    }
    let sample = &bytes[..bytes.len().min(SAMPLE)];
    let whole = whole && sample.len() == bytes.len();
    let table_width = |d: u8| {
        let counts = field_counts(sample, d, whole);
        match counts.split_first() {
            Some((&h, rest)) if h >= 2 && rest.iter().all(|&c| c == h) => h,
            _ => 0,
        }
    };
    if table_width(b',') > 0 {
        return dialect(b',', DelimiterSource::Default);
    }
    let best = CANDIDATES[1..]
        .iter()
        .map(|&d| (table_width(d), d))
        .filter(|(w, _)| *w > 0)
        .fold(None, |best: Option<(usize, u8)>, c| match best {
            Some(b) if b.0 >= c.0 => Some(b),
            _ => Some(c),
        });
    match best {
        Some((_, d)) => dialect(d, DelimiterSource::Detected),
        None => dialect(b',', DelimiterSource::Default),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delimiter(text: &str) -> u8 {
        sniff(text.as_bytes(), true, None).delimiter
    }

    #[test]
    fn delimiters() {
        assert_eq!(delimiter("a,b\n1,2\n"), b',');
        assert_eq!(delimiter("a;b\n1,5;2,5\n3;4\n"), b';');
        assert_eq!(delimiter("a\tb\n1\t2\n"), b'\t');
        assert_eq!(delimiter("a|b|c\n1|2|3\n"), b'|');
        assert_eq!(delimiter("a\n1\n"), b',');
        // A name with a semicolon in a comma-separated file.
        assert_eq!(delimiter("\"x;y\",b\n1,2\n"), b',');
        let sep = sniff(b"sep=;\na;b\n1;2\n", true, None);
        assert_eq!((sep.delimiter, sep.skip, sep.lines_skipped), (b';', 6, 1));
        assert_eq!(sniff(b"\xEF\xBB\xBFsep=,\r\na,b\n", true, None).skip, 10);
    }
}
