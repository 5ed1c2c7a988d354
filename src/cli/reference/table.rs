//! What `bench reference` writes: results.csv and results.md.

use super::super::benchmark::format_seconds;
use super::args::BenchReferenceArgs;
use super::configs::{CONFIGS, KMEANS_NAME};
use super::measure::Row;
use polyclust::mpc;
use std::fmt::Write as _;

/// The files `bench reference --out DIR` writes.
pub(super) const RESULT_FILES: [&str; 2] = ["results.csv", "results.md"];

pub(super) const CSV_HEADER: &str = "instance,n,d,k,method,runs,ari,nca,silhouette,price,conditions,terms,weighted_conditions,features,leaves,fidelity,smallest_cluster,clusters,seconds";

/// A CSV cell: empty when absent.
pub(super) fn cell(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| v.to_string())
}

/// results.csv: one line per (instance, method), then the means (instance
/// `mean`, n = d = k = 0).
pub(super) fn to_csv(rows: &[Row], means: &[Row]) -> String {
    let mut out = format!("{CSV_HEADER}\n");
    for r in rows.iter().chain(means) {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            r.instance,
            r.n,
            r.d,
            r.k,
            r.method,
            r.runs,
            cell(r.ari),
            cell(r.nca),
            cell(r.silhouette),
            cell(r.price),
            cell(r.conditions),
            cell(r.terms),
            cell(r.weighted_conditions),
            cell(r.features),
            cell(r.leaves),
            cell(r.fidelity),
            cell(r.smallest_cluster),
            cell(r.clusters),
            cell(r.seconds),
        );
    }
    out
}

pub(super) const MISSING: &str = "—";

/// The first line of results.md.
pub(super) const MD_TITLE: &str = "# Every method at the reference k";

/// A number with `digits` decimals, or — when absent.
pub(super) fn fixed(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| MISSING.into(), |v| format!("{v:.digits$}"))
}

/// A count that is a mean over seeds: whole when it is one, else one decimal.
pub(super) fn count(v: Option<f64>) -> String {
    match v {
        Some(v) if (v - v.round()).abs() < 1e-9 => format!("{}", v.round()),
        Some(v) => format!("{v:.1}"),
        None => MISSING.into(),
    }
}

/// The table of every measure, one line per (instance, method), then the
/// mean of every method over the instances.
pub(super) fn long_table(rows: &[Row], means: &[Row]) -> String {
    let mut out = String::from(
        "| instance | k | method | ARI | NCA | silhouette | price | conditions | terms | conditions per row | features | fidelity | smallest | clusters | seconds |\n\
         |---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in rows.iter().chain(means) {
        let bold = r.instance == "mean";
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            if bold { "**mean**" } else { &r.instance },
            if bold { String::new() } else { r.k.to_string() },
            r.method,
            fixed(r.ari, 3),
            fixed(r.nca, 3),
            fixed(r.silhouette, 3),
            fixed(r.price, 3),
            r.leaves.map_or_else(
                || fixed(r.conditions, 1),
                |l| format!("{} ({} leaves)", fixed(r.conditions, 1), fixed(Some(l), 1))
            ),
            fixed(r.terms, 1),
            fixed(r.weighted_conditions, 2),
            fixed(r.features, 1),
            fixed(r.fidelity, 3),
            count(r.smallest_cluster),
            count(r.clusters),
            r.seconds.map_or_else(|| MISSING.into(), format_seconds),
        );
        if !r.errors.is_empty() {
            let _ = writeln!(
                out,
                "|  |  | {} failed: {} |  |  |  |  |  |  |  |  |  |  |  |  |",
                r.method,
                r.errors.join("; ").replace('|', "/")
            );
        }
    }
    out
}

/// What results.md says.
pub(super) struct Report<'a> {
    pub(super) args: &'a BenchReferenceArgs,
    pub(super) rows: &'a [Row],
    pub(super) means: &'a [Row],
    pub(super) methods: &'a [String],
    pub(super) versions: &'a serde_json::Value,
    pub(super) shared: &'a [(&'a str, &'a str)],
    pub(super) seconds: f64,
}

impl Report<'_> {
    /// One measure per (instance, method) as instances × methods, with the
    /// mean row.
    pub(super) fn pivot(
        &self,
        title: &str,
        value: fn(&Row) -> Option<f64>,
        digits: usize,
    ) -> String {
        let mut out = format!("## {title}\n\n| instance | k |");
        for m in self.methods {
            let _ = write!(out, " {m} |");
        }
        out.push_str("\n|---|---:|");
        out.push_str(&"---:|".repeat(self.methods.len()));
        out.push('\n');
        let mut instances: Vec<(&str, usize)> = Vec::new();
        for r in self.rows {
            if !instances.iter().any(|(name, _)| *name == r.instance) {
                instances.push((&r.instance, r.k));
            }
        }
        for (name, k) in instances {
            let _ = write!(out, "| {name} | {k} |");
            for m in self.methods {
                let v = self
                    .rows
                    .iter()
                    .find(|r| r.instance == name && &r.method == m)
                    .and_then(value);
                let _ = write!(out, " {} |", fixed(v, digits));
            }
            out.push('\n');
        }
        out.push_str("| **mean** | |");
        for m in self.methods {
            let v = self.means.iter().find(|r| &r.method == m).and_then(value);
            let _ = write!(out, " **{}** |", fixed(v, digits));
        }
        out.push_str("\n\n");
        out
    }

    pub(super) fn markdown(&self) -> String {
        let a = self.args;
        let mut command = String::from("polyclust bench reference");
        if !a.instances.is_empty() {
            let _ = write!(command, " --instances {}", a.instances.join(","));
        }
        let _ = write!(command, " --seeds {}", a.seeds);
        if a.python.is_some() {
            command.push_str(" --python \"$(bash benches/peers/setup.sh)\"");
        }
        let mut out = format!("{MD_TITLE}\n\n");
        let _ = writeln!(
            out,
            "Written by `{command}` in {:.0} s of wall time; seconds are indicative \
             (wall-clock of one run on a machine shared with other work).\n",
            self.seconds
        );
        let _ = writeln!(
            out,
            "Each method runs at k = the number of classes of the instance's label column, \
             on the prepared features (rows with a missing cell dropped, categorical columns \
             one-hot, every feature min-max scaled to [0, 1]), with seeds 0..{}; every figure \
             is the mean over the seeds, and the **mean** rows the mean over the instances.\n",
            a.seeds.saturating_sub(1)
        );
        out.push_str("Methods:\n\n");
        for c in CONFIGS {
            let _ = if c.flags.is_empty() {
                writeln!(
                    out,
                    "- {}: `polyclust cluster --k K --seed S` (its defaults)",
                    c.name
                )
            } else {
                writeln!(
                    out,
                    "- {}: `polyclust cluster --k K --seed S {}`",
                    c.name, c.flags
                )
            };
        }
        for (first, earlier) in self.shared {
            let _ = writeln!(
                out,
                "  - {first} runs with {earlier}'s settings today: its runs are {earlier}'s."
            );
        }
        let _ = writeln!(
            out,
            "- {KMEANS_NAME}: `polyclust kmeans --k K --seed S` (k-means++ seeding and Lloyd \
             iterations, best of 10 restarts)"
        );
        if self.args.python.is_some() {
            let v = |key: &str| self.versions[key].as_str().unwrap_or("?").to_string();
            let _ = writeln!(
                out,
                "- peers (Python {}, scikit-learn {}, ExKMC {}, NumPy {}; \
                 `benches/peers/setup.sh`, `benches/peers/reference.py`): k-means = \
                 `KMeans(k, n_init=10, random_state=S)`; GMM = `GaussianMixture(k, \
                 covariance_type=\"full\", random_state=S)`; Ward = \
                 `AgglomerativeClustering(k, linkage=\"ward\")` (deterministic: one run); \
                 ExKMC-1 = `Tree(k, max_leaves=k)` (IMM), ExKMC-5 = `Tree(k, max_leaves=5k)`, \
                 both on ExKMC's own k-means (`KMeans(k, n_init=1, max_iter=40, \
                 random_state=S)`, what `Tree.fit` makes when given none), their seconds \
                 including it",
                v("python"),
                v("scikit-learn"),
                v("ExKMC"),
                v("numpy")
            );
        }
        let _ = writeln!(
            out,
            "\nMeasures: ARI, the adjusted Rand index against the labels; NCA, the normalised \
             clustering accuracy (Gagolewski; per class, the recall of the cluster matched with \
             it rescaled so that chance is 0, averaged over the classes, under the best \
             matching of clusters to classes; a class left without a cluster when fewer \
             clusters than classes are returned counts recall 0); silhouette, exact up to {} \
             rows, estimated from samples above; price, the price of explainability: the \
             k-means cost (within-cluster sum of squares) of the partition over the best \
             k-means cost at k found by the library's k-means with {} restarts from seed {} \
             (1: as good as k-means; Frost, Moshkovitz and Rashtchian 2020); conditions, the \
             explanation's conditions (polyclust: half-spaces after redundancy removal over \
             every polytope; trees: the conditions on every leaf's path, leaves in brackets); \
             terms, their non-zero coefficients; conditions per row, the mean over the rows \
             of the conditions of the rule that decides the row (the weighted average \
             explanation size); features, the features the conditions read; fidelity, the \
             share of rows inside their own cluster's polytope; smallest, rows of the \
             smallest cluster; clusters, clusters returned; seconds, of one run.\n",
            mpc::DEFAULT_SAMPLE_SIZE,
            polyclust::price::PRICE_RESTARTS,
            polyclust::price::PRICE_SEED
        );
        out.push_str(&self.pivot("ARI", |r| r.ari, 3));
        out.push_str(&self.pivot("NCA", |r| r.nca, 3));
        out.push_str(&self.pivot("Price of explainability", |r| r.price, 3));
        out.push_str(&self.pivot("Clusters returned", |r| r.clusters, 2));
        out.push_str("## Every measure\n\n");
        out.push_str(&long_table(self.rows, self.means));
        out
    }
}
