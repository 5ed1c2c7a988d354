//! Single linkage over the rows: the minimum spanning tree of the rows
//! (Euclidean distances in the scaled clustering space), cut at its longest
//! edges into k groups of at least a floor of rows each, and whether the cut
//! is *clear*: every edge cut is longer than every edge kept.

use crate::metrics::squared_euclidean;
use ndarray::ArrayView2;
use rayon::prelude::*;

/// The k groups of a clear single-linkage cut.
#[derive(Debug, Clone, PartialEq)]
pub struct Linkage {
    /// Group of every row, `0..k`, numbered by their first row.
    pub labels: Vec<usize>,
    /// Shortest edge cut over longest edge kept (> 1: a clear gap).
    pub gap: f64,
}

/// Most rows the linkage is computed on: the tree costs O(n²·d) time and
/// O(n) memory, a few seconds at this size.
pub const MAX_ROWS: usize = 20_000;

/// Work (rows × features) above which one step of Prim's algorithm updates
/// the distances on the rayon pool: below it the pool's overhead is larger
/// than the step.
const PARALLEL_WORK: usize = 32_768;

/// Prim's minimum spanning tree of the rows of `x` in O(n²·d): edges
/// `(length, a, b)`. The rows outside the tree are kept in a compact list
/// (each step reads only them, from one contiguous slice, and updates them
/// on the pool when the step is large); the next row is the nearest, the
/// lowest row index on ties, so the tree does not depend on threads.
pub fn spanning_tree(x: ArrayView2<f64>) -> Vec<(f64, usize, usize)> {
    let n = x.nrows();
    let mut edges = Vec::with_capacity(n.saturating_sub(1));
    if n == 0 {
        return edges;
    }
    let d = x.ncols();
    let x = x.as_standard_layout();
    let data = x.as_slice().expect("a standard-layout array is one slice");
    let row = |i: usize| &data[i * d..(i + 1) * d];
    // (row, squared distance to the tree, its nearest row in the tree).
    let mut outside: Vec<(usize, f64, usize)> = (1..n).map(|t| (t, f64::INFINITY, 0)).collect();
    let mut current = 0;
    while !outside.is_empty() {
        let from = row(current);
        let update = |entry: &mut (usize, f64, usize)| {
            let squared = squared_euclidean(from, row(entry.0));
            if squared < entry.1 {
                entry.1 = squared;
                entry.2 = current;
            }
        };
        if outside.len() * d > PARALLEL_WORK {
            outside.par_iter_mut().for_each(update);
        } else {
            outside.iter_mut().for_each(update);
        }
        let nearest = (0..outside.len())
            .min_by(|&a, &b| {
                let (ra, da, _) = outside[a];
                let (rb, db, _) = outside[b];
                da.total_cmp(&db).then(ra.cmp(&rb))
            })
            .expect("a row outside the tree");
        let (t, squared, parent) = outside.swap_remove(nearest);
        edges.push((squared.sqrt(), parent, t));
        current = t;
    }
    edges
}

/// Components of the tree without the edges marked `cut`: a label per row
/// (numbered by first row) and the sizes.
fn components(n: usize, edges: &[(f64, usize, usize)], cut: &[bool]) -> (Vec<usize>, Vec<usize>) {
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut a: usize) -> usize {
        while parent[a] != a {
            parent[a] = parent[parent[a]];
            a = parent[a];
        }
        a
    }
    for (e, &(_, a, b)) in edges.iter().enumerate() {
        if !cut[e] {
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut id = vec![usize::MAX; n];
    let mut sizes = Vec::new();
    let labels = (0..n)
        .map(|t| {
            let r = root(&mut parent, t);
            if id[r] == usize::MAX {
                id[r] = sizes.len();
                sizes.push(0);
            }
            sizes[id[r]] += 1;
            id[r]
        })
        .collect();
    (labels, sizes)
}

/// Cut the spanning tree of `x` into `k` groups of at least `floor` rows:
/// the longest edges first, skipping an edge whose cut would leave a group
/// below the floor (a stray row is not a cluster). `None` when no such cut
/// exists or it is not clear (an edge kept is as long as one cut: the
/// groups touch, and single linkage would chain them).
pub fn clear_cut(x: ArrayView2<f64>, k: usize, floor: usize) -> Option<Linkage> {
    let n = x.nrows();
    if k < 2 || n < k || n > MAX_ROWS {
        return None;
    }
    let edges = spanning_tree(x);
    let mut order: Vec<usize> = (0..edges.len()).collect();
    order.sort_by(|&a, &b| edges[b].0.total_cmp(&edges[a].0).then(a.cmp(&b)));
    let mut cut = vec![false; edges.len()];
    let mut made = 0;
    for &e in &order {
        if made + 1 == k {
            break;
        }
        cut[e] = true;
        let (_, sizes) = components(n, &edges, &cut);
        if sizes.iter().all(|&s| s >= floor.max(1)) {
            made += 1;
        } else {
            cut[e] = false;
        }
    }
    if made + 1 < k {
        return None;
    }
    let shortest_cut = (0..edges.len())
        .filter(|&e| cut[e])
        .map(|e| edges[e].0)
        .fold(f64::INFINITY, f64::min);
    let longest_kept = (0..edges.len())
        .filter(|&e| !cut[e])
        .map(|e| edges[e].0)
        .fold(0.0, f64::max);
    let gap = shortest_cut / longest_kept.max(f64::MIN_POSITIVE);
    (gap > 1.0).then(|| Linkage {
        labels: components(n, &edges, &cut).0,
        gap,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// Two far groups are cut clearly; a floor above a group's size refuses
    /// the cut that would make it; touching groups are not a clear cut.
    #[test]
    fn cuts_far_groups_and_refuses_touching_ones() {
        let x = array![[0.0], [0.1], [0.2], [0.9], [1.0]];
        let cut = clear_cut(x.view(), 2, 1).unwrap();
        assert_eq!(cut.labels, vec![0, 0, 0, 1, 1]);
        assert!((cut.gap - 0.7 / 0.1).abs() < 1e-9);
        assert_eq!(clear_cut(x.view(), 2, 3), None);
        let even = array![[0.0], [0.1], [0.2], [0.3]];
        assert_eq!(clear_cut(even.view(), 2, 1), None);
    }

    /// The tree of a path is the path.
    #[test]
    fn spanning_tree_of_a_path() {
        let x = array![[0.0, 0.0], [3.0, 0.0], [1.0, 0.0]];
        let mut lengths: Vec<f64> = spanning_tree(x.view()).iter().map(|e| e.0).collect();
        lengths.sort_by(f64::total_cmp);
        assert_eq!(lengths, vec![1.0, 2.0]);
    }
}
