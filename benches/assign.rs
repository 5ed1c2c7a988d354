//! The representation-aware assignment (MPC paper (31)–(32)) under
//! cardinality bounds (15): the transportation LP on HiGHS, on seeded
//! Gaussian blobs of unequal sizes (d = 3, k = 5) with centres from k-means
//! and bounds that bind (every cluster holds between 0.9·n/k and 1.1·n/k
//! points). The optimal cost is printed next to the unbounded argmin's.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::time::Duration;

use polyclust::assign::{
    assign_bounded, assign_unbounded, assignment_cost, cost_matrix, CardinalityBounds,
};
use polyclust::data::gaussian_blobs;
use polyclust::kmeans::{self, KMeansParams};

const K: usize = 5;

/// Blobs whose sizes differ: every third point of blob 0 moves to blob 1's
/// centre, so the unbounded argmin violates the bounds.
fn unequal_blobs(n: usize) -> ndarray::Array2<f64> {
    let inst = gaussian_blobs(n, 3, K, 0.8, 7);
    let mut x = inst.x.clone();
    let centre_1: Vec<f64> = (0..3).map(|j| inst.x[[1, j]]).collect();
    for (t, &l) in inst.labels.iter().enumerate() {
        if l == 0 && t % 3 == 0 {
            for (j, c) in centre_1.iter().enumerate() {
                x[[t, j]] = c + 0.1 * (x[[t, j]] - inst.x[[0, j]]);
            }
        }
    }
    x
}

fn bounded(c: &mut Criterion) {
    let mut group = c.benchmark_group("assign_bounded_lp");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for n in [1_000, 4_000] {
        let x = unequal_blobs(n);
        let params = KMeansParams::new(K).seed(1).check(x.view()).unwrap();
        let fit = kmeans::fit(x.view(), &params);
        let cost = cost_matrix(x.view(), fit.centroids.view(), None);
        let bounds = CardinalityBounds {
            n_min: n * 9 / (10 * K),
            n_max: n * 11 / (10 * K),
        };
        let free = assign_unbounded(&cost, K);
        let labels = assign_bounded(&cost, K, bounds).unwrap();
        let mut sizes = vec![0; K];
        labels.iter().for_each(|&l| sizes[l] += 1);
        println!(
            "assign_bounded_lp/{n}: cost {:.6} within [{}, {}] (sizes {sizes:?}); unbounded argmin {:.6}",
            assignment_cost(&cost, K, &labels),
            bounds.n_min,
            bounds.n_max,
            assignment_cost(&cost, K, &free),
        );
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| assign_bounded(&cost, K, bounds).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bounded);
criterion_main!(benches);
