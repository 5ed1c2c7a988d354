//! The published figures of the MPC paper (Lawless, Kalagnanam, Nguyen, Phan
//! and Reddy, "Interpretable Clustering via Multi-Polytope Machines", AAAI
//! 2022): silhouette from Tables 1 (FCPS) and 2 (UCI), seconds of one run
//! from Tables 3 and 4, number of clusters from Tables 5 and 6, for every
//! method the tables list. The figures live in `instances/paper_results.json`,
//! compiled into the crate; a figure the paper does not print is `null`.

use serde::Deserialize;
use std::sync::OnceLock;

/// Where the figures come from (citation and table numbers).
// Every field of the file is read, though the report prints only some.
#[allow(dead_code)]
#[derive(Debug, Clone, Deserialize)]
pub struct PaperSource {
    /// Paper title.
    pub title: String,
    /// Authors, in the paper's order.
    pub authors: String,
    /// Venue and year.
    pub venue: String,
    /// Which tables hold the silhouette figures.
    pub silhouette: String,
    /// Which tables hold the seconds.
    pub seconds: String,
    /// Which tables hold the numbers of clusters.
    pub k: String,
}

/// One dataset row of the paper's tables; the vectors follow
/// [`PaperResults::methods`].
#[allow(dead_code)]
#[derive(Debug, Clone, Deserialize)]
pub struct PaperInstance {
    /// Registry name of the instance (`twodiamonds`).
    pub instance: String,
    /// Name printed in the paper (`Two Diamonds`).
    pub paper_name: String,
    /// Suite (`fcps`, `uci`).
    pub suite: String,
    /// Rows as printed in Tables 1–2.
    pub n: usize,
    /// Features as printed in Tables 1–2.
    pub d: usize,
    /// Best silhouette (Tables 1–2).
    pub silhouette: Vec<Option<f64>>,
    /// Average seconds of one run at one k (Tables 3–4).
    pub seconds: Vec<Option<f64>>,
    /// Clusters of the best run (Tables 5–6).
    pub k: Vec<Option<usize>>,
}

/// The paper's results table.
#[derive(Debug, Clone, Deserialize)]
pub struct PaperResults {
    /// Citation.
    pub source: PaperSource,
    /// Method keys, in the tables' column order (`kmeans++`, `gmm`, …, `mpc2`).
    pub methods: Vec<String>,
    /// Dataset rows, FCPS then UCI, in the tables' order.
    pub instances: Vec<PaperInstance>,
}

impl PaperResults {
    /// The figures compiled into the crate.
    pub fn get() -> &'static PaperResults {
        static TABLE: OnceLock<PaperResults> = OnceLock::new();
        TABLE.get_or_init(|| {
            serde_json::from_str(include_str!("../../../instances/paper_results.json"))
                .expect("instances/paper_results.json is valid (checked by a unit test)")
        })
    }

    /// The row of an instance, by registry name.
    pub fn instance(&self, name: &str) -> Option<&PaperInstance> {
        self.instances.iter().find(|i| i.instance == name)
    }

    fn column(&self, method: &str) -> Option<usize> {
        self.methods.iter().position(|m| m == method)
    }

    /// Silhouette the paper reports for `method` on `instance`.
    pub fn silhouette(&self, instance: &str, method: &str) -> Option<f64> {
        let c = self.column(method)?;
        self.instance(instance)?
            .silhouette
            .get(c)
            .copied()
            .flatten()
    }

    /// Seconds of one run the paper reports for `method` on `instance`.
    pub fn seconds(&self, instance: &str, method: &str) -> Option<f64> {
        let c = self.column(method)?;
        self.instance(instance)?.seconds.get(c).copied().flatten()
    }

    /// Clusters of the best run the paper reports for `method` on `instance`.
    pub fn k(&self, instance: &str, method: &str) -> Option<usize> {
        let c = self.column(method)?;
        self.instance(instance)?.k.get(c).copied().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_has_one_figure_slot_per_method() {
        let p = PaperResults::get();
        assert_eq!(p.methods.len(), 9);
        assert_eq!(p.instances.len(), 17);
        for i in &p.instances {
            assert_eq!(i.silhouette.len(), p.methods.len(), "{}", i.instance);
            assert_eq!(i.seconds.len(), p.methods.len(), "{}", i.instance);
            assert_eq!(i.k.len(), p.methods.len(), "{}", i.instance);
            assert!(i
                .silhouette
                .iter()
                .all(|s| s.is_some_and(|s| (-1.0..=1.0).contains(&s))));
        }
        let fcps = p.instances.iter().filter(|i| i.suite == "fcps").count();
        assert_eq!((fcps, p.instances.len() - fcps), (9, 8));
    }

    #[test]
    fn figures_read_from_the_tables() {
        let p = PaperResults::get();
        // Table 1, Atom row; Table 2, Spam row.
        assert_eq!(p.silhouette("atom", "mpc2"), Some(0.617));
        assert_eq!(p.silhouette("atom", "kmeans++"), Some(0.615));
        assert_eq!(p.silhouette("spam", "icot"), Some(0.760));
        assert_eq!(p.silhouette("spam", "exkmc1"), Some(0.129));
        // Tables 3 and 4.
        assert_eq!(p.seconds("hepta", "mpc2"), Some(133.67));
        assert_eq!(p.seconds("bank", "mpc2"), Some(101002.0));
        assert_eq!(p.seconds("iris", "mpc1"), Some(6.0));
        // Tables 5 and 6.
        assert_eq!(p.k("hepta", "mpc1"), Some(7));
        assert_eq!(p.k("framingham", "gmm"), Some(9));
    }

    #[test]
    fn two_diamonds_has_no_time_or_k_in_the_paper() {
        let p = PaperResults::get();
        assert_eq!(p.silhouette("twodiamonds", "mpc1"), Some(0.631));
        assert_eq!(p.seconds("twodiamonds", "mpc1"), None);
        assert_eq!(p.k("twodiamonds", "mpc1"), None);
        assert_eq!(p.silhouette("blobs", "mpc1"), None);
        assert_eq!(p.silhouette("hepta", "no-such-method"), None);
    }
}
