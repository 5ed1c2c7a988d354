//! The silhouette coefficient of one row (MPC paper Definition 1), written
//! once for every silhouette the crate computes: exact, incremental and the
//! sweeps' vector kernel.

/// How the quotient of the coefficient is taken: in double precision, or
/// in single precision where the vector kernel of the sweeps needs twice
/// the lanes ([`super::SilhouetteState::silhouette_within`]).
pub(crate) trait Precision {
    /// `a / b`, as a double.
    fn quotient(a: f64, b: f64) -> f64;
}

impl Precision for f64 {
    #[inline(always)]
    fn quotient(a: f64, b: f64) -> f64 {
        a / b
    }
}

/// The quotient in single precision: the 8-lane double division bounded the
/// sweeps' scoring, and twice the lanes at a shorter latency measured
/// `silhouette_within` (800 rows, three affected clusters) 1.13 → 0.75 µs. A
/// row's value is then within 2⁻²⁴ of its own, far below the distance
/// matrix's error ([`super::Distances::ESTIMATE_MARGIN`]); the sweeps only
/// rank positions with it.
impl Precision for f32 {
    #[inline(always)]
    fn quotient(a: f64, b: f64) -> f64 {
        f64::from(a as f32 / b as f32)
    }
}

/// Silhouette coefficient of a row, `s = (q − r) / max(q, r)`, from `r`, its
/// mean distance to the other rows of its own cluster, and `q`, its smallest
/// mean distance to the rows of another cluster; the quotient in precision
/// `P`. By scikit-learn's conventions s = 0 for a row alone in its cluster
/// (`r` NaN), when no other cluster exists (`q` = ∞) and when both means
/// are 0.
///
/// Written without branches (the maximum and the result are selected), so
/// the sweeps' kernel evaluates it across vector lanes; neither mean is NaN
/// but a singleton's `r`, so the selected maximum is `f64::max`'s.
#[inline(always)]
pub(crate) fn coefficient<P: Precision>(r: f64, q: f64) -> f64 {
    let denom = if q > r { q } else { r };
    let s = P::quotient(q - r, denom);
    if q.is_finite() && denom > 0.0 && !r.is_nan() {
        s
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The conventions, and the two precisions within 2⁻²⁴ of each other.
    #[test]
    fn coefficient_follows_the_conventions() {
        assert_eq!(coefficient::<f64>(1.0, 10.5), 9.5 / 10.5);
        assert_eq!(coefficient::<f64>(2.0, 1.0), -0.5);
        assert_eq!(coefficient::<f64>(f64::NAN, 3.0), 0.0);
        assert_eq!(coefficient::<f64>(1.0, f64::INFINITY), 0.0);
        assert_eq!(coefficient::<f64>(0.0, 0.0), 0.0);
        assert_eq!(coefficient::<f32>(f64::NAN, 3.0), 0.0);
        assert_eq!(coefficient::<f32>(1.0, f64::INFINITY), 0.0);
        let (double, single) = (coefficient::<f64>(0.3, 0.7), coefficient::<f32>(0.3, 0.7));
        assert!((double - single).abs() < 1e-7 && double != single);
    }
}
