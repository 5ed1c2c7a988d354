//! Backends of the separating-hyperplane problem on seeded Gaussian-blob
//! pairs: hepta-shaped (d = 3, 30 + 30 points) for every backend, spam-shaped
//! (d = 57, 2300 + 2300 points) for enumeration only (the MILP backends take
//! minutes there). The objective reached is printed next to each group.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ndarray::Array2;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use polyclust::hyperplane::{
    solve, Backend, HyperplaneParams, HyperplaneProblem, SolveOptions, ValidHyperplaneParams,
};

/// Two Gaussian blobs (unit-free), min-max scaled to `[0, 1]`.
fn blob_pair(seed: u64, d: usize, n_i: usize, n_j: usize) -> (Array2<f64>, Vec<usize>, Vec<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let unit = Normal::new(0.0, 1.0).unwrap();
    let centre_j: Vec<f64> = (0..d).map(|_| unit.sample(&mut rng) * 1.5).collect();
    let n = n_i + n_j;
    let mut x = Array2::zeros((n, d));
    for t in 0..n {
        for f in 0..d {
            let c = if t < n_i { 0.0 } else { centre_j[f] };
            x[[t, f]] = c + unit.sample(&mut rng);
        }
    }
    for mut col in x.columns_mut() {
        let lo = col.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = col.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        col.mapv_inplace(|v| (v - lo) / (hi - lo).max(1e-12));
    }
    (x, (0..n_i).collect(), (n_i..n).collect())
}

fn settings() -> [(&'static str, ValidHyperplaneParams); 2] {
    [
        (
            "M3b2",
            HyperplaneParams::new().m(3).beta(2).check().unwrap(),
        ),
        (
            "M1b1",
            HyperplaneParams::new().m(1).beta(1).check().unwrap(),
        ),
    ]
}

fn bench_group(
    c: &mut Criterion,
    name: &str,
    shape: (usize, usize, usize),
    backends: &[Backend],
    samples: usize,
) {
    let (x, ci, cj) = blob_pair(42, shape.0, shape.1, shape.2);
    let problem = HyperplaneProblem::new(x.view(), &ci, &cj).unwrap();
    let mut group = c.benchmark_group(name);
    group.sample_size(samples);
    for (label, params) in settings() {
        for &backend in backends {
            let options = SolveOptions {
                backend,
                ..Default::default()
            };
            let outcome = solve(&problem, &params, &options).unwrap();
            let support: Vec<(usize, f64)> = outcome
                .hyperplane
                .w
                .iter()
                .enumerate()
                .filter(|(_, w)| **w != 0.0)
                .map(|(f, w)| (f, *w))
                .collect();
            eprintln!(
                "{name}/{label}/{backend}: objective {:.6}, misclassified {}, w {support:?}, b {:.4}",
                outcome.objective, outcome.misclassified, outcome.hyperplane.b
            );
            group.bench_with_input(
                BenchmarkId::new(label, backend),
                &options,
                |bencher, options| bencher.iter(|| solve(&problem, &params, options).unwrap()),
            );
        }
    }
    group.finish();
}

fn hepta(c: &mut Criterion) {
    bench_group(c, "hepta_pair", (3, 30, 30), &Backend::ALL, 20);
}

fn spam(c: &mut Criterion) {
    bench_group(c, "spam_pair", (57, 2300, 2300), &[Backend::Enumerate], 10);
}

criterion_group!(benches, hepta, spam);
criterion_main!(benches);
