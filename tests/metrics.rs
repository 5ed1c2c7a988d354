//! Exact silhouette against scikit-learn reference values.

mod common;

use polyclust::data::{load_csv, LoadOptions, Registry};
use polyclust::kmeans::{self, KMeansParams};
use polyclust::metrics::{silhouette, silhouette_samples_with, Distances};

#[test]
fn silhouette_matches_sklearn_on_fixture() {
    let ds = load_csv(&common::fixture("blobs60.csv"), &LoadOptions::default()).unwrap();
    let (labels, _) = ds.label_ids().unwrap();
    let s = silhouette(ds.x.view(), &labels).unwrap();
    assert!(
        (s - common::sklearn_reference("blobs60")).abs() < 1e-9,
        "{s}"
    );
}

#[test]
fn silhouette_matches_sklearn_on_every_instance() {
    let Some(dir) = common::instances_dir() else {
        return;
    };
    let registry = Registry::open(&dir).unwrap();
    assert_eq!(registry.instances.len(), 17);
    for info in &registry.instances {
        let ds = registry.load(&info.name).unwrap();
        let (labels, _) = ds.label_ids().unwrap();
        let s = silhouette(ds.x.view(), &labels).unwrap();
        let reference = common::sklearn_reference(&info.name);
        assert!(
            (s - reference).abs() < 1e-9,
            "{}: {s} vs scikit-learn {reference}",
            info.name
        );
    }
}

#[test]
fn framingham_protocol_keeps_3658_rows() {
    let Some(dir) = common::instances_dir() else {
        return;
    };
    let ds = Registry::open(&dir).unwrap().load("framingham").unwrap();
    assert_eq!(ds.n(), 3658);
    assert_eq!(ds.dropped_rows, 4240 - 3658);
    let bank = Registry::open(&dir).unwrap().load("bank").unwrap();
    assert_eq!(bank.d(), 51);
}

/// The mean silhouette from the distance matrix (16-bit distances) is
/// within a tenth of [`Distances::ESTIMATE_MARGIN`] of the exact one on
/// every instance, at its reference labels and at k-means' for k = 2, 4, 7
/// and 10: the margin within which the protocol recomputes runs exactly
/// before choosing between them is far above the estimate's error.
#[test]
fn matrix_silhouettes_are_well_within_the_estimate_margin_on_every_instance() {
    let Some(dir) = common::instances_dir() else {
        return;
    };
    let registry = Registry::open(&dir).unwrap();
    let mut worst = (0.0f64, String::new());
    for info in &registry.instances {
        let ds = registry.load(&info.name).unwrap();
        let distances = Distances::new(ds.x.view());
        assert!(distances.has_matrix(), "{}", info.name);
        let mut labelings = vec![("reference".to_string(), ds.label_ids().unwrap().0)];
        for k in [2, 4, 7, 10] {
            let params = KMeansParams::new(k).seed(1).check(ds.x.view()).unwrap();
            labelings.push((
                format!("k-means k = {k}"),
                kmeans::fit(ds.x.view(), &params).labels,
            ));
        }
        for (what, labels) in labelings {
            let samples = silhouette_samples_with(&distances, &labels).unwrap();
            let estimate = samples.iter().sum::<f64>() / samples.len() as f64;
            let exact = silhouette(ds.x.view(), &labels).unwrap();
            let error = (estimate - exact).abs();
            if error > worst.0 {
                worst = (error, format!("{} ({what})", info.name));
            }
        }
    }
    eprintln!(
        "largest error of the matrix's silhouette: {:.2e} on {}",
        worst.0, worst.1
    );
    assert!(
        worst.0 < Distances::ESTIMATE_MARGIN / 10.0,
        "{:.2e} on {}",
        worst.0,
        worst.1
    );
}
