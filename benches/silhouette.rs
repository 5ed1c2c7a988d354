//! Silhouette (MPC paper Definition 1) on seeded Gaussian blobs (d = 3,
//! k = 5): the exact O(n²·d) computation at n = 1k, 4k and 16k, and one
//! incremental move of `SilhouetteState` (O(n) with the distance matrix,
//! which is kept up to n = 16 384, O(n·d) beyond). The silhouette is printed next
//! to each group; for the moves, the incremental value is checked against the
//! exact one first. The sweep's innermost loop, the mean silhouette over a
//! frame of three affected clusters (`silhouette_within`), is timed at the
//! sizes a ranking sweeps (a subsample of 300 rows, 800 rows) and at an
//! exact window's 4,000 rows. A sweep's
//! step, eight rows crossing from one cluster to another, is timed one move
//! at a time (`move_point`) and together (`move_points`) at n = 4k.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::time::Duration;

use polyclust::data::{gaussian_blobs, Dataset};
use polyclust::metrics::{silhouette, Distances, SilhouetteState};

const SIZES: [usize; 3] = [1_000, 4_000, 16_000];
const K: usize = 5;

fn blobs(n: usize) -> (Dataset, Vec<usize>) {
    let ds = gaussian_blobs(n, 3, K, 1.0, 42).into_dataset();
    let labels = ds.label_ids().expect("generated labels").0;
    (ds, labels)
}

fn exact(c: &mut Criterion) {
    let mut group = c.benchmark_group("silhouette_exact");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for n in SIZES {
        let (ds, labels) = blobs(n);
        let s = silhouette(ds.x.view(), &labels).unwrap();
        println!("silhouette_exact/{n}: silhouette {s:.6} (n = {n}, d = 3, k = {K})");
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| silhouette(ds.x.view(), &labels).unwrap())
        });
    }
    group.finish();
}

fn incremental_move(c: &mut Criterion) {
    let mut group = c.benchmark_group("silhouette_move_point");
    group.sample_size(10);
    for n in SIZES {
        let (ds, labels) = blobs(n);
        let distances = Distances::new(ds.x.view());
        let mut state = SilhouetteState::new(&distances, &labels, K);
        // A point that changes cluster: the state must then match the exact value.
        let u = 0;
        let (home, away) = (labels[u], (labels[u] + 1) % K);
        state.move_point(&distances, u, away);
        let mut moved = labels.clone();
        moved[u] = away;
        let exact = silhouette(ds.x.view(), &moved).unwrap();
        println!(
            "silhouette_move_point/{n}: after the move, incremental {:.9} vs exact {exact:.9}",
            state.silhouette()
        );
        state.move_point(&distances, u, home);
        // One iteration moves the point out and back: two moves, state unchanged.
        group.bench_with_input(BenchmarkId::new("out_and_back", n), &n, |b, _| {
            b.iter(|| {
                state.move_point(&distances, u, away);
                state.move_point(&distances, u, home);
            })
        });
    }
    group.finish();
}

fn within_frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("silhouette_within");
    for n in [300, 800, 4000] {
        let ds = gaussian_blobs(n, 3, 6, 1.0, 42).into_dataset();
        let labels = ds.label_ids().expect("generated labels").0;
        let distances = Distances::new(ds.x.view());
        let state = SilhouetteState::new(&distances, &labels, 6);
        let frame = state.sweep_frame(&[0, 1, 2]);
        let whole = state.silhouette();
        let within = state.silhouette_within(&frame);
        println!("silhouette_within/{n}: {within:.12} vs the state's {whole:.12}");
        group.bench_with_input(BenchmarkId::new("three_affected", n), &n, |b, _| {
            b.iter(|| state.silhouette_within(&frame))
        });
    }
    group.finish();
}

fn moves_together(c: &mut Criterion) {
    let mut group = c.benchmark_group("move_points");
    let n = 4_000;
    let (ds, labels) = blobs(n);
    let distances = Distances::new(ds.x.view());
    let mut state = SilhouetteState::new(&distances, &labels, K);
    // Eight rows of cluster 0 crossing to cluster 1, and back.
    let rows: Vec<usize> = (0..n).filter(|&t| labels[t] == 0).take(8).collect();
    let out: Vec<(usize, usize)> = rows.iter().map(|&t| (t, 1)).collect();
    let back: Vec<(usize, usize)> = rows.iter().map(|&t| (t, 0)).collect();
    group.bench_function("one_at_a_time/8", |b| {
        b.iter(|| {
            for &(t, to) in out.iter().chain(&back) {
                state.move_point(&distances, t, to);
            }
        })
    });
    group.bench_function("together/8", |b| {
        b.iter(|| {
            state.move_points(&distances, &out);
            state.move_points(&distances, &back);
        })
    });
    group.finish();
}

/// The O(n²) state a search starts from, at n = 4000: one pass over the
/// distance matrix (run with `RAYON_NUM_THREADS=1` for one core's time).
fn state_from_labels(c: &mut Criterion) {
    let mut group = c.benchmark_group("silhouette_state_new");
    group.sample_size(20);
    let n = 4_000;
    let (ds, labels) = blobs(n);
    let distances = Distances::new(ds.x.view());
    group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
        b.iter(|| SilhouetteState::new(&distances, &labels, K))
    });
    group.finish();
}

criterion_group!(
    benches,
    exact,
    state_from_labels,
    incremental_move,
    within_frame,
    moves_together
);
criterion_main!(benches);
