//! polyclust's configurations of `bench reference`, the library's k-means++ and the peers.

use polyclust::job::ClusterSpec;
use polyclust::mpc::{Objective, Preset};

/// One polyclust configuration of the bench: its name, the `cluster` flags
/// it stands for beside `--k K --seed S` (none: the defaults), and the job
/// `cluster` runs for k clusters and a seed.
pub(super) struct Config {
    pub(super) name: &'static str,
    pub(super) flags: &'static str,
    pub(super) spec: fn(usize, u64) -> ClusterSpec,
}

/// polyclust's configurations, in the order of the table. Each runs as
/// `polyclust cluster --k K --seed S <flags>` does ([`ClusterSpec::run`]).
/// A new configuration (an objective, a preset) is one more line.
pub(super) const CONFIGS: &[Config] = &[
    Config {
        name: "default",
        flags: "",
        spec: |k, seed| ClusterSpec {
            seed,
            ..ClusterSpec::new(k)
        },
    },
    Config {
        name: "MPC-1 k-means",
        flags: "--preset mpc1 --objective kmeans",
        spec: |k, seed| ClusterSpec {
            seed,
            preset: Some(Preset::Mpc1),
            objective: Objective::KMeans,
            ..ClusterSpec::new(k)
        },
    },
    Config {
        name: "MPC-2 k-means",
        flags: "--preset mpc2 --objective kmeans",
        spec: |k, seed| ClusterSpec {
            seed,
            preset: Some(Preset::Mpc2),
            objective: Objective::KMeans,
            ..ClusterSpec::new(k)
        },
    },
    Config {
        name: "MPC-2 pieces",
        flags: "--preset mpc2 --objective kmeans --pieces 8",
        spec: |k, seed| ClusterSpec {
            seed,
            preset: Some(Preset::Mpc2),
            objective: Objective::KMeans,
            pieces: 8,
            ..ClusterSpec::new(k)
        },
    },
    Config {
        name: "MPC-1 silhouette",
        flags: "--preset mpc1 --objective silhouette",
        spec: |k, seed| ClusterSpec {
            seed,
            preset: Some(Preset::Mpc1),
            objective: Objective::Silhouette,
            ..ClusterSpec::new(k)
        },
    },
    Config {
        name: "MPC-2 silhouette",
        flags: "--preset mpc2 --objective silhouette",
        spec: |k, seed| ClusterSpec {
            seed,
            preset: Some(Preset::Mpc2),
            objective: Objective::Silhouette,
            ..ClusterSpec::new(k)
        },
    },
];

/// Whether two jobs run the same fit: equal once the preset is spelled out
/// as its M and β.
pub(super) fn same_job(a: &ClusterSpec, b: &ClusterSpec) -> bool {
    let plain = |s: &ClusterSpec| {
        let (m, beta) = s.m_beta();
        ClusterSpec {
            preset: None,
            m: Some(m),
            beta: Some(beta),
            ..s.clone()
        }
    };
    plain(a) == plain(b)
}

/// The library's k-means++ (`polyclust kmeans --k K --seed S`: 10 restarts).
pub(super) const KMEANS_NAME: &str = "k-means++";

/// The peers of `benches/peers/reference.py`: its key and the table's name.
pub(super) const PEERS: [(&str, &str); 5] = [
    ("kmeans", "k-means"),
    ("gmm", "GMM"),
    ("ward", "Ward"),
    ("exkmc1", "ExKMC-1"),
    ("exkmc5", "ExKMC-5"),
];
