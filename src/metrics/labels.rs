//! Labellings: ids made compact, and two labellings compared by the
//! adjusted Rand index.

/// Relabel arbitrary ids as 0..K in order of first appearance.
pub fn compact_labels(labels: &[usize]) -> (Vec<usize>, usize) {
    let mut map = std::collections::HashMap::new();
    let out = labels
        .iter()
        .map(|l| {
            let next = map.len();
            *map.entry(*l).or_insert(next)
        })
        .collect();
    (out, map.len())
}

/// Adjusted Rand index between two labellings (Hubert and Arabie 1985).
pub fn adjusted_rand_index(a: &[usize], b: &[usize]) -> f64 {
    assert_eq!(a.len(), b.len(), "labellings of different lengths");
    let n = a.len();
    let (a, ka) = compact_labels(a);
    let (b, kb) = compact_labels(b);
    let mut table = vec![0u64; ka * kb];
    for (&i, &j) in a.iter().zip(&b) {
        table[i * kb + j] += 1;
    }
    let comb2 = |m: u64| (m * m.saturating_sub(1)) as f64 / 2.0;
    let index: f64 = table.iter().map(|&m| comb2(m)).sum();
    let rows: f64 = (0..ka)
        .map(|i| comb2(table[i * kb..(i + 1) * kb].iter().sum()))
        .sum();
    let cols: f64 = (0..kb)
        .map(|j| comb2((0..ka).map(|i| table[i * kb + j]).sum()))
        .sum();
    let total = comb2(n as u64);
    if total == 0.0 {
        return 1.0;
    }
    let expected = rows * cols / total;
    let max = (rows + cols) / 2.0;
    if (max - expected).abs() < f64::EPSILON {
        // Both labellings are trivial (one cluster, or all singletons).
        return 1.0;
    }
    (index - expected) / (max - expected)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ari_known_values() {
        assert!((adjusted_rand_index(&[0, 0, 1, 1], &[1, 1, 0, 0]) - 1.0).abs() < 1e-12);
        // scikit-learn: adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714285714285715
        let v = adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 2]);
        assert!((v - 0.571_428_571_428_571_4).abs() < 1e-12, "{v}");
        // scikit-learn: adjusted_rand_score([0,0,0,1,1,1],[0,1,0,1,2,2]) = 0.24242424242424243
        let w = adjusted_rand_index(&[0, 0, 0, 1, 1, 1], &[0, 1, 0, 1, 2, 2]);
        assert!((w - 0.242_424_242_424_242_43).abs() < 1e-12, "{w}");
    }
}
