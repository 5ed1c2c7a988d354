//! What several commands' arguments share: the job's defaults and the
//! k-range parser.

use polyclust::ClusterSpec;

/// The defaults of `cluster`: those of the library's job description.
pub(super) static SPEC: std::sync::LazyLock<ClusterSpec> =
    std::sync::LazyLock::new(ClusterSpec::default);

/// Parse `A..B` (inclusive) with 2 ≤ A ≤ B.
pub(super) fn parse_k_range(text: &str) -> Result<(usize, usize), String> {
    let (a, b) = text
        .split_once("..")
        .ok_or_else(|| format!("'{text}' is not a range A..B such as 2..10"))?;
    let a: usize = a
        .trim()
        .parse()
        .map_err(|_| format!("'{a}' is not a whole number"))?;
    let b: usize = b
        .trim()
        .trim_start_matches('=')
        .parse()
        .map_err(|_| format!("'{b}' is not a whole number"))?;
    if a < 2 || b < a {
        return Err(format!("range {a}..{b} must satisfy 2 <= A <= B"));
    }
    Ok((a, b))
}
