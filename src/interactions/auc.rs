//! Evaluation measures of NID §5.2–5.3: ROC AUC of a pairwise ranking
//! against ground truth (Table 2), and top-rank recall of a higher-order
//! ranking (Figure 8a).

use std::collections::BTreeSet;

/// ROC AUC of `scores` against binary `labels` (true = positive): the
/// probability that a random positive scores above a random negative, ties
/// counting ½ (Mann–Whitney U with mid-ranks). O(m log m). Returns NaN when
/// one class is empty.
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> f64 {
    assert_eq!(
        scores.len(),
        labels.len(),
        "scores and labels differ in length"
    );
    let npos = labels.iter().filter(|&&l| l).count();
    let nneg = labels.len() - npos;
    if npos == 0 || nneg == 0 {
        return f64::NAN;
    }
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    // Sum of mid-ranks (1-based) of the positives.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let mid = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            if labels[k] {
                rank_sum += mid;
            }
        }
        i = j + 1;
    }
    let u = rank_sum - (npos * (npos + 1)) as f64 / 2.0;
    u / (npos as f64 * nneg as f64)
}

/// The ground-truth pair set of a list of interactions: every pair inside
/// any true interaction (pairs inside a higher-order interaction count as
/// true, NID §5.2).
pub fn true_pairs(truth: &[Vec<usize>]) -> BTreeSet<(usize, usize)> {
    let mut s = BTreeSet::new();
    for t in truth {
        for (a, &i) in t.iter().enumerate() {
            for &j in &t[a + 1..] {
                s.insert((i.min(j), i.max(j)));
            }
        }
    }
    s
}

/// Pairwise AUC as in NID Table 2: `strength[i][j]` (i < j used) ranks all
/// pairs of `p` features; positives are the pairs of [`true_pairs`].
pub fn pairwise_auc(strength: &[Vec<f64>], truth: &[Vec<usize>]) -> f64 {
    let p = strength.len();
    let tp = true_pairs(truth);
    let mut scores = Vec::new();
    let mut labels = Vec::new();
    for (i, row) in strength.iter().enumerate() {
        for (j, &s) in row.iter().enumerate().take(p).skip(i + 1) {
            scores.push(s);
            labels.push(tp.contains(&(i, j)));
        }
    }
    roc_auc(&scores, &labels)
}

/// Top-rank recall (NID §5.3) with m = number of true interactions: walk the
/// ranking (strongest first), skip candidates that are strict subsets of a
/// true interaction (redundant in the presence of their superset), take the
/// first m remaining candidates and return the share of true interactions
/// among them. Sets are compared as sets (order-free).
pub fn top_rank_recall(ranking: &[Vec<usize>], truth: &[Vec<usize>]) -> f64 {
    let truth_sets: Vec<BTreeSet<usize>> =
        truth.iter().map(|t| t.iter().copied().collect()).collect();
    let m = truth_sets.len();
    if m == 0 {
        return f64::NAN;
    }
    let mut found: BTreeSet<usize> = BTreeSet::new();
    let mut taken = 0;
    for cand in ranking {
        if taken == m {
            break;
        }
        let c: BTreeSet<usize> = cand.iter().copied().collect();
        if let Some(k) = truth_sets.iter().position(|t| *t == c) {
            found.insert(k);
            taken += 1;
        } else if truth_sets
            .iter()
            .any(|t| c.len() < t.len() && c.is_subset(t))
        {
            continue;
        } else {
            taken += 1;
        }
    }
    found.len() as f64 / m as f64
}
