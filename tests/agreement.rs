//! NCA and ARI against genieclust 1.2.0 on 42 random confusion matrices of
//! every shape (as many, fewer and more clusters than classes):
//! `tests/fixtures/genieclust_nca.json`, made with
//! `genieclust.compare_partitions.normalized_clustering_accuracy` and
//! `adjusted_rand_score` on each matrix.

mod common;

use polyclust::metrics::{adjusted_rand_index, normalized_clustering_accuracy, Confusion};

#[test]
fn nca_and_ari_agree_with_genieclust() {
    let text = std::fs::read_to_string(common::fixture("genieclust_nca.json")).unwrap();
    let fixture: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = fixture["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 42);
    for case in cases {
        let rows: Vec<Vec<u64>> = serde_json::from_value(case["rows"].clone()).unwrap();
        // The labels of the matrix: rows are classes, columns clusters.
        let (mut reference, mut predicted) = (Vec::new(), Vec::new());
        for (i, row) in rows.iter().enumerate() {
            for (j, &count) in row.iter().enumerate() {
                reference.extend(std::iter::repeat_n(i, count as usize));
                predicted.extend(std::iter::repeat_n(j, count as usize));
            }
        }
        let nca = normalized_clustering_accuracy(&reference, &predicted);
        let want = case["nca"].as_f64().unwrap();
        assert!(
            (nca - want).abs() < 1e-9,
            "{rows:?}: NCA {nca}, genieclust {want}"
        );
        let from_rows = Confusion::from_rows(&rows).normalized_clustering_accuracy();
        assert!((from_rows - want).abs() < 1e-9, "{rows:?}");
        let ari = adjusted_rand_index(&reference, &predicted);
        let want = case["ari"].as_f64().unwrap();
        assert!(
            (ari - want).abs() < 1e-9,
            "{rows:?}: ARI {ari}, genieclust {want}"
        );
    }
}
