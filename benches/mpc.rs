//! One whole MPC-2 run (M = 3, β = 2: Algorithm 1 then Algorithm 2, exact
//! enumeration backend, seed 0) on hepta and on wine, at the number of
//! clusters of the paper's best MPC-2 run (Tables 5 and 6). The instances are
//! read from the directory named by POLYCLUST_INSTANCES; when it is unset the
//! bench says so and measures nothing. Silhouette, fidelity and hyperplanes
//! are printed next to the group.

use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Duration;

// The paper's figures, as the command line's `bench paper` reads them (the
// benchmark harness belongs to the binary, not the library).
#[allow(dead_code, unused_imports)]
#[path = "../src/cli/benchmark/paper.rs"]
mod paper;
use paper::PaperResults;
use polyclust::data::Registry;
use polyclust::mpc::{self, ExplanationSpace, MpcParams, Preset};

fn mpc2_runs(c: &mut Criterion) {
    let registry = match Registry::from_env() {
        Ok(r) => r,
        Err(e) => {
            println!("mpc2_run: skipped, no instances ({e})");
            return;
        }
    };
    let mut group = c.benchmark_group("mpc2_run");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for name in ["hepta", "wine"] {
        let ds = registry.load(name).unwrap();
        let k = PaperResults::get()
            .k(name, "mpc2")
            .expect("Tables 5 and 6 list hepta and wine");
        let space = ExplanationSpace::identity(ds.d());
        let params = MpcParams::new(k)
            .preset(Preset::Mpc2)
            .check(ds.x.view(), space.dim())
            .unwrap();
        let run = || mpc::fit(ds.x.view(), &ds.map, space.clone(), &params, &()).unwrap();
        let fit = run();
        println!(
            "mpc2_run/{name}: k = {k}, silhouette {:.6}, fidelity {:.4}, {} clusters, {} hyperplanes, {}/{} solves proven optimal (paper MPC-2 silhouette {})",
            fit.silhouette.unwrap_or(f64::NAN),
            fit.fidelity,
            fit.model.k(),
            fit.model.hyperplanes.len(),
            fit.solves.optimal,
            fit.solves.solved,
            PaperResults::get()
                .silhouette(name, "mpc2")
                .map_or_else(|| "not printed".to_string(), |s| format!("{s:.3}")),
        );
        group.bench_function(name, |b| b.iter(run));
    }
    group.finish();
}

criterion_group!(benches, mpc2_runs);
criterion_main!(benches);
