//! Times the separating-hyperplane backends on a hepta-shaped pair (d = 3,
//! 30 + 30 points) and a spam-shaped pair (d = 57, 2300 + 2300 points) of
//! seeded Gaussian blobs; prints the median of several runs and the objective.
//!
//! `cargo run --release --example hyperplane_timing [runs]`

use std::time::Instant;

use ndarray::Array2;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use polyclust::hyperplane::{solve, Backend, HyperplaneParams, HyperplaneProblem, SolveOptions};

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

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let cases = [
        ("hepta-shaped", (3, 30, 30), &Backend::ALL[..]),
        ("spam-shaped", (57, 2300, 2300), &[Backend::Enumerate][..]),
    ];
    for (name, (d, n_i, n_j), backends) in cases {
        let (x, ci, cj) = blob_pair(42, d, n_i, n_j);
        let problem = HyperplaneProblem::new(x.view(), &ci, &cj).unwrap();
        for (m, beta) in [(3, 2), (1, 1)] {
            let params = HyperplaneParams::new().m(m).beta(beta).check().unwrap();
            for &backend in backends {
                let options = SolveOptions {
                    backend,
                    ..Default::default()
                };
                let mut times = Vec::new();
                let mut objective = 0.0;
                for _ in 0..runs {
                    let start = Instant::now();
                    let outcome = solve(&problem, &params, &options).unwrap();
                    times.push(start.elapsed().as_secs_f64());
                    objective = outcome.objective;
                }
                times.sort_by(f64::total_cmp);
                println!(
                    "{name:13} M={m} beta={beta} {backend:9} median {:>10.3} ms  objective {objective:.6}",
                    1e3 * times[times.len() / 2]
                );
            }
        }
    }
}
