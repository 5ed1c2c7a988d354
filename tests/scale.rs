//! MPC above the sample size: Algorithm 2 scores the silhouette on a fixed
//! sample, every row still gets a polytope, the reported silhouette is an
//! estimate with its standard error, and below the sample size nothing
//! changes.

use polyclust::data::gaussian_blobs;
use polyclust::metrics;
use polyclust::mpc::{self, ExplanationSpace, MpcParams};

fn fit(n: usize, sample_size: usize, m: u32, beta: usize) -> (mpc::MpcFit, f64) {
    let ds = gaussian_blobs(n, 3, 4, 1.2, 9).into_dataset();
    let params = MpcParams::new(4)
        .m(m)
        .beta(beta)
        .sample_size(sample_size)
        .check(ds.x.view(), ds.d())
        .unwrap();
    let fit = mpc::fit(
        ds.x.view(),
        &ds.map,
        ExplanationSpace::identity(ds.d()),
        &params,
        &(),
    )
    .unwrap();
    let exact = metrics::silhouette(ds.x.view(), &fit.labels).unwrap();
    (fit, exact)
}

#[test]
fn a_sampled_search_reports_an_estimate_and_covers_every_row() {
    for (m, beta) in [(1, 1), (3, 2)] {
        let (fit, exact) = fit(3000, 400, m, beta);
        assert!(!fit.silhouette_exact);
        let se = fit.silhouette_se.expect("a standard error");
        assert!(se > 0.0 && se < 0.02, "{se}");
        let estimate = fit.silhouette.unwrap();
        assert!(
            (estimate - exact).abs() < 5.0 * se + 0.01,
            "estimate {estimate} ± {se}, exact {exact}"
        );
        assert_eq!(fit.fidelity, 1.0);
        assert_eq!(fit.labels.len(), 3000);
        assert_eq!(fit.sizes.iter().sum::<usize>(), 3000);
        // The floor (1 % of 3000 rows) holds on every row, not the sample's.
        assert_eq!(fit.min_cluster_size, 30);
        assert!(fit.meets_min_cluster_size(), "{:?}", fit.sizes);
    }
}

#[test]
fn below_the_sample_size_the_silhouette_is_exact_and_unchanged() {
    let (small, exact) = fit(800, 5000, 3, 2);
    assert!(small.silhouette_exact);
    assert_eq!(small.silhouette_se, Some(0.0));
    assert_eq!(small.silhouette.unwrap(), exact);
    // A sample size just above n is the same run.
    let (same, _) = fit(800, 801, 3, 2);
    assert_eq!(same.labels, small.labels);
    assert_eq!(same.silhouette, small.silhouette);
}

#[test]
fn a_sampled_run_is_reproducible_on_any_thread_count() {
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| fit(2500, 300, 3, 2).0);
    let two = fit(2500, 300, 3, 2).0;
    assert_eq!(one.labels, two.labels);
    assert_eq!(one.silhouette, two.silhouette);
}
