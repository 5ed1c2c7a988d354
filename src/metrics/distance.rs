//! Euclidean distance between rows, the metric of every silhouette.

/// Euclidean distance between two equal-length slices.
#[inline]
pub fn euclidean(a: &[f64], b: &[f64]) -> f64 {
    squared_euclidean(a, b).sqrt()
}

/// Squared Euclidean distance between two equal-length slices.
///
/// Four independent accumulators let the compiler vectorise the loop (a plain
/// iterator sum is evaluated strictly in order and stays scalar); this is the
/// inner loop of every exact silhouette and measured about 3× faster on spam.
#[inline]
pub fn squared_euclidean(a: &[f64], b: &[f64]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    let mut acc = [0.0f64; 4];
    let chunks_a = a.chunks_exact(4);
    let chunks_b = b.chunks_exact(4);
    let (rest_a, rest_b) = (chunks_a.remainder(), chunks_b.remainder());
    for (ca, cb) in chunks_a.zip(chunks_b) {
        for l in 0..4 {
            let diff = ca[l] - cb[l];
            acc[l] += diff * diff;
        }
    }
    let mut total = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (x, y) in rest_a.iter().zip(rest_b) {
        total += (x - y) * (x - y);
    }
    total
}
