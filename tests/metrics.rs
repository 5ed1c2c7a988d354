//! Exact silhouette against scikit-learn reference values.

mod common;

use polyclust::data::{load_csv, LoadOptions, Registry};
use polyclust::metrics::silhouette;

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
