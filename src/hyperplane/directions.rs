//! The integer directions of the separating-hyperplane problem (1)–(12):
//! vectors `w` with at most `β` non-zeros, each an integer in `[−M, M]`.
//!
//! One generator serves the whole crate:
//! - the exact enumeration visits every direction, support by support
//!   ([`supports`]: sizes 1..β, each in lexicographic order) and coefficients
//!   by index ([`decode`], values in the order of [`coefficient_values`]),
//!   which is also its tie-breaking order;
//! - Algorithm 2's boundary shifts and splits sweep a candidate list
//!   ([`search_candidates`]): the axis directions and, with `β ≥ 2`, the
//!   primitive two-feature rays (one per ray, gcd of the coefficients 1),
//!   because a sweep over every intercept makes `w` and `2w` the same
//!   candidate.
//!
//! Both guard their allocation: [`direction_count`] and
//! [`search_candidate_bytes`] count what a list would hold before it is built.

use super::outcome::SolveError;

/// Number of integer directions `Σ_{s=1..β} C(d, s)·(2M)^s` that
/// enumeration visits for `d` features (saturating at `u128::MAX`).
///
/// ```
/// use polyclust::hyperplane::direction_count;
/// assert_eq!(direction_count(3, 1, 1), 6);
/// assert_eq!(direction_count(57, 3, 2), 57 * 6 + 1596 * 36);
/// ```
pub fn direction_count(d: usize, m: u32, beta: usize) -> u128 {
    let per_coord = 2 * m as u128;
    let mut total: u128 = 0;
    let mut binom: u128 = 1; // C(d, s)
    let mut power: u128 = 1; // (2M)^s
    for s in 1..=beta.min(d) {
        binom = binom.saturating_mul((d - s + 1) as u128) / s as u128;
        power = power.saturating_mul(per_coord);
        total = total.saturating_add(binom.saturating_mul(power));
    }
    total
}

/// Candidate coefficient values in tie-breaking order: `1, −1, 2, −2, …, M, −M`.
pub(crate) fn coefficient_values(m: u32) -> Vec<f64> {
    (1..=m)
        .flat_map(|v| [f64::from(v), -f64::from(v)])
        .collect()
}

/// All supports of size `1..=beta`, smaller first, each in lexicographic order.
pub(crate) fn supports(d: usize, beta: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    for s in 1..=beta.min(d) {
        let mut comb: Vec<usize> = (0..s).collect();
        loop {
            out.push(comb.clone());
            // next combination in lexicographic order
            let mut i = s;
            while i > 0 && comb[i - 1] == d - s + i - 1 {
                i -= 1;
            }
            if i == 0 {
                break;
            }
            comb[i - 1] += 1;
            for j in i..s {
                comb[j] = comb[j - 1] + 1;
            }
        }
    }
    out
}

/// Decodes coefficient index `idx` (base `2M`, first coordinate most significant).
pub(crate) fn decode(mut idx: usize, values: &[f64], out: &mut [f64]) {
    let base = values.len();
    for slot in out.iter_mut().rev() {
        *slot = values[idx % base];
        idx /= base;
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Coprime magnitudes `(ca, cb)` in `1..=m`, `ca` major: one per ray of the
/// positive quadrant.
fn primitive_magnitudes(m: u32) -> impl Iterator<Item = (u32, u32)> {
    (1..=m).flat_map(move |ca| {
        (1..=m)
            .filter(move |&cb| gcd(ca, cb) == 1)
            .map(move |cb| (ca, cb))
    })
}

/// Which two-feature supports Algorithm 2 sweeps for a boundary whose current
/// direction has support `current` (`d` features): every pair when `d ≤ 6`,
/// the pairs sharing a feature with the current direction when `d ≤ 16`, only
/// the current pair beyond. The number of pairs, and so the sweeps per move,
/// stays small as `d` grows.
fn pair_is_candidate(d: usize, current: &[usize], a: usize, b: usize) -> bool {
    if d <= 6 {
        true
    } else if d <= 16 {
        current.contains(&a) || current.contains(&b)
    } else {
        current.len() == 2 && current.contains(&a) && current.contains(&b)
    }
}

/// Allocation of a candidate list, in bytes, past which [`search_candidates`]
/// refuses (256 MiB: far above any useful M, β; a guard against a list that
/// cannot fit in memory).
pub const MAX_CANDIDATE_BYTES: u128 = 256 << 20;

/// Bytes that [`search_candidates`] would allocate for `d` features with
/// bound `m` and `beta ≥ 2` (an upper bound: every magnitude pair counted as
/// primitive), or with `beta = 1`.
pub fn search_candidate_bytes(d: usize, m: u32, beta: usize, current_nonzeros: usize) -> u128 {
    let per_direction = (d as u128).saturating_mul(8).saturating_add(24);
    let mut directions = 1 + 2 * d as u128;
    if beta >= 2 && d >= 2 {
        let pairs = if d <= 6 {
            (d * (d - 1) / 2) as u128
        } else if d <= 16 {
            (current_nonzeros as u128).saturating_mul(d as u128)
        } else {
            1
        };
        let m = u128::from(m);
        directions =
            directions.saturating_add(pairs.saturating_mul(4).saturating_mul(m.saturating_mul(m)));
    }
    directions.saturating_mul(per_direction)
}

/// Candidate directions of Algorithm 2 for a boundary whose current direction
/// is `current` (`d = current.len()` features): `current` first, then every
/// axis direction (`+e_f`, `−e_f`), then, with `β ≥ 2` and an integer
/// `current`, the primitive two-feature rays with coefficients in `[−M, M]`
/// on the pairs [`pair_is_candidate`] admits, pairs in lexicographic order,
/// magnitudes `ca` major, signs `(+,+), (+,−), (−,+), (−,−)`, less the ray
/// of `current` (it is the first). The order is the tie-breaking order of
/// the sweeps.
pub(crate) fn search_candidates(
    current: &[f64],
    m: u32,
    beta: usize,
) -> Result<Vec<Vec<f64>>, SolveError> {
    let d = current.len();
    let nonzeros = current.iter().filter(|w| **w != 0.0).count();
    let bytes = search_candidate_bytes(d, m, beta, nonzeros);
    if bytes > MAX_CANDIDATE_BYTES {
        return Err(SolveError::TooManyDirections {
            bytes,
            limit: MAX_CANDIDATE_BYTES,
        });
    }
    let mut out: Vec<Vec<f64>> = vec![current.to_vec()];
    // A positive multiple of the current direction sweeps the same
    // hyperplanes as the current one (whose sweep also scores the positions
    // near its θ): it is not swept twice.
    let push = |out: &mut Vec<Vec<f64>>, w: Vec<f64>| {
        if !same_ray(&w, current) {
            out.push(w);
        }
    };
    for f in 0..d {
        for s in [1.0, -1.0] {
            let mut w = vec![0.0; d];
            w[f] = s;
            push(&mut out, w);
        }
    }
    let integer = current.iter().all(|w| w.fract() == 0.0);
    if beta >= 2 && integer && d >= 2 {
        let support: Vec<usize> = (0..d).filter(|&f| current[f] != 0.0).collect();
        for pair in supports(d, 2).into_iter().filter(|s| s.len() == 2) {
            let (a, b) = (pair[0], pair[1]);
            if !pair_is_candidate(d, &support, a, b) {
                continue;
            }
            for (ca, cb) in primitive_magnitudes(m) {
                for (sa, sb) in [(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)] {
                    let mut w = vec![0.0; d];
                    w[a] = sa * f64::from(ca);
                    w[b] = sb * f64::from(cb);
                    push(&mut out, w);
                }
            }
        }
    }
    Ok(out)
}

/// Whether `w` is a positive multiple of the non-zero `v` (same support,
/// one positive ratio): the same family of hyperplanes `w·z ≥ θ`.
fn same_ray(w: &[f64], v: &[f64]) -> bool {
    let mut ratio = None;
    for (&a, &b) in w.iter().zip(v) {
        match (a == 0.0, b == 0.0) {
            (true, true) => {}
            (false, false) => {
                let r = a / b;
                if r <= 0.0 || ratio.is_some_and(|q: f64| (q - r).abs() > 1e-12 * q) {
                    return false;
                }
                ratio = Some(r);
            }
            _ => return false,
        }
    }
    ratio.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supports_are_all_combinations_in_order() {
        let s = supports(4, 2);
        assert_eq!(s.len(), 4 + 6);
        assert_eq!(s[0], vec![0]);
        assert_eq!(s[4], vec![0, 1]);
        assert_eq!(s[9], vec![2, 3]);
        assert_eq!(supports(3, 3).last().unwrap(), &vec![0, 1, 2]);
    }

    #[test]
    fn direction_count_matches_enumeration() {
        for (d, m, beta) in [(3, 1, 1), (4, 2, 2), (5, 3, 3), (2, 3, 2)] {
            let by_hand: u128 = supports(d, beta)
                .iter()
                .map(|s| (2 * m as u128).pow(s.len() as u32))
                .sum();
            assert_eq!(direction_count(d, m, beta), by_hand);
        }
    }

    #[test]
    fn decode_walks_values_in_order() {
        let values = coefficient_values(2);
        assert_eq!(values, vec![1.0, -1.0, 2.0, -2.0]);
        let mut out = [0.0; 2];
        decode(0, &values, &mut out);
        assert_eq!(out, [1.0, 1.0]);
        decode(6, &values, &mut out);
        assert_eq!(out, [-1.0, 2.0]);
    }

    #[test]
    fn search_candidates_are_primitive_rays_in_order() {
        let current = [1.0, 0.0, -2.0];
        let c = search_candidates(&current, 2, 2).unwrap();
        assert_eq!(c[0], current.to_vec());
        assert_eq!(c[1..7].len(), 6);
        assert_eq!(c[1], vec![1.0, 0.0, 0.0]);
        assert_eq!(c[2], vec![-1.0, 0.0, 0.0]);
        // d = 3: three pairs, magnitudes (1,1), (1,2), (2,1) (not (2,2)), four
        // signs each, less the current direction's own ray (1, −2) on (0, 2).
        assert_eq!(c.len(), 1 + 6 + 3 * 3 * 4 - 1);
        assert!(!c[1..].iter().any(|w| same_ray(w, &current)));
        assert_eq!(c[7], vec![1.0, 1.0, 0.0]);
        assert_eq!(c[11], vec![1.0, 2.0, 0.0]);
        assert!(c[7..]
            .iter()
            .all(|w| w.iter().filter(|v| **v != 0.0).count() == 2));
        // β = 1, or a real-valued current direction: axis directions only.
        assert_eq!(search_candidates(&current, 2, 1).unwrap().len(), 7);
        // (1, 0, 0) is the ray of (0.5, 0, 0).
        assert_eq!(search_candidates(&[0.5, 0.0, 0.0], 2, 2).unwrap().len(), 6);
        assert!(same_ray(&[2.0, 0.0, -4.0], &[1.0, 0.0, -2.0]));
        assert!(!same_ray(&[-1.0, 0.0, 2.0], &[1.0, 0.0, -2.0]));
        assert!(!same_ray(&[1.0, 1.0, -2.0], &[1.0, 0.0, -2.0]));
    }

    #[test]
    fn search_candidates_refuse_an_allocation_that_cannot_fit() {
        let err = search_candidates(&[1.0, 0.0, 0.0, 0.0], 1_000_000, 4).unwrap_err();
        assert!(matches!(err, SolveError::TooManyDirections { .. }), "{err}");
        assert!(search_candidate_bytes(4, 1_000_000, 4, 1) > MAX_CANDIDATE_BYTES);
        assert!(search_candidate_bytes(57, 3, 2, 2) < MAX_CANDIDATE_BYTES);
    }
}
