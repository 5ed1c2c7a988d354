//! Command-line arguments (clap derive).

mod bench;
mod cluster;
mod data;
mod score;
mod shared;
mod solvers;

pub use bench::*;
pub use cluster::*;
pub use data::*;
pub use score::*;
pub use solvers::*;

use clap::{Parser, Subcommand};

/// Interpretable clustering with polytopes.
#[derive(Debug, Parser)]
#[command(name = "polyclust", version, about, long_about = None)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Benchmark instances in the directory named by POLYCLUST_INSTANCES.
    Instances {
        /// What to do with the instances.
        #[command(subcommand)]
        action: InstancesAction,
    },
    /// Silhouette (and ARI against ground truth) of labels given in a column.
    Score(ScoreArgs),
    /// k-means++ with Lloyd iterations and restarts.
    Kmeans(KmeansArgs),
    /// Multi-Polytope Clustering: clusters explained by polytopes.
    Cluster(Box<ClusterArgs>),
    /// Assign new rows with a saved model (prints `row,cluster` CSV).
    Predict(PredictArgs),
    /// Write a generated instance of any size as CSV with a `label`
    /// column, row by row (the rows of `--generate NAME`).
    Generate(GenerateArgs),
    /// Print a saved model's rules as text, JSON or SQL.
    Explain(ExplainArgs),
    /// Write one self-contained HTML page of a saved model on data: summary,
    /// one card per cluster, a scatter with the boundaries, the SQL.
    Report(super::report::ReportArgs),
    /// Solve one separating-hyperplane problem (1)–(12) between two labelled clusters.
    Hyperplane(HyperplaneArgs),
    /// Write the separating-hyperplane MILP of one pair as an LP or MPS file.
    ExportModel(ExportModelArgs),
    /// Rank interactions by lasso-CV or Neural Interaction Detection; or run
    /// the NID benchmark F1–F10.
    Interactions(InteractionsArgs),
    /// Interaction-based regimes: models A/B/C/D under cross-validation.
    Ibc(super::ibc::IbcArgs),
    /// Benchmarks that write tables.
    Bench {
        /// Which benchmark.
        #[command(subcommand)]
        which: BenchCommand,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use polyclust::ClusterSpec;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// `cluster`'s flags that are not settings of the job, and why.
    const CLI_ONLY: [(&str, &str); 27] = [
        ("instance", "data source"),
        ("data", "data source"),
        ("generate", "data source"),
        ("generate_seed", "data source"),
        ("rows", "data source"),
        ("dims", "data source"),
        ("clusters", "data source"),
        ("label_column", "data reading"),
        ("no_label", "data reading"),
        ("drop", "data reading"),
        ("categorical", "data reading (Python: the frame's dtypes)"),
        ("delimiter", "data reading"),
        ("decimal", "data reading"),
        ("missing", "data reading (Python: missing=)"),
        ("dates", "data reading"),
        ("max_levels", "data reading"),
        ("target", "input: Python fit(X, y)"),
        ("labels_from", "input: Python explain(X, labels)"),
        ("out", "output"),
        ("plot", "output"),
        ("plot_columns", "output"),
        ("plot_k", "output"),
        ("json", "output"),
        ("report", "output (Python: report(X, path))"),
        ("columns", "output: the report's scatter"),
        ("dialect", "output: the report's SQL"),
        ("plot_rows", "output: the report's scatter"),
    ];

    /// Flags that set a job setting of another name.
    const ALIASES: [(&str, &str); 3] = [
        ("general", "coefficients"),
        ("no_search", "local_search"),
        ("axis_parallel", "preset"),
    ];

    /// Every flag of `cluster` is a setting of the library's job
    /// description, an alias of one, or listed as the command line's own;
    /// and every setting has a flag.
    #[test]
    fn every_cluster_flag_is_a_job_setting_or_the_command_lines_own() {
        let cli = Cli::command();
        let cluster = cli.find_subcommand("cluster").unwrap();
        let flags: Vec<String> = cluster
            .get_arguments()
            .map(|a| a.get_id().to_string())
            .filter(|id| id != "help")
            .collect();
        let settings = ClusterSpec::FIELDS;
        for flag in &flags {
            let known = settings.contains(&flag.as_str())
                || ALIASES.iter().any(|(a, _)| a == flag)
                || CLI_ONLY.iter().any(|(c, _)| c == flag);
            assert!(
                known,
                "cluster --{} is neither a ClusterSpec setting nor listed as the command line's own",
                flag.replace('_', "-")
            );
        }
        for setting in settings {
            let reached =
                flags.iter().any(|f| f == setting) || ALIASES.iter().any(|(_, s)| s == &setting);
            assert!(reached, "the job setting {setting} has no cluster flag");
        }
        for (listed, _) in CLI_ONLY.iter().chain(ALIASES.iter()) {
            assert!(
                flags.iter().any(|f| f == listed),
                "{listed} is listed but is not a cluster flag"
            );
        }
    }
}
