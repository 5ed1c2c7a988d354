//! The benchmark's outputs: `results.csv` (one row per instance and method)
//! and `results.md` (per suite, a silhouette table shaped like the paper's
//! Tables 1–2 and a time table shaped like Tables 3–4, ours beside the
//! paper's figures).

use super::method::{BenchRow, BenchSettings, Method};
use super::paper::PaperResults;
use std::fmt::Write;

/// The CSV header, one column per field of the published comparison.
pub const CSV_HEADER: &str = "instance,method,silhouette,k,fidelity,hyperplanes,median_run_seconds,paper_silhouette,paper_seconds,smallest_cluster,min_cluster_size";

fn cell<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// The rows as CSV (header [`CSV_HEADER`]); a missing figure is an empty cell.
pub fn to_csv(rows: &[BenchRow]) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for r in rows {
        let fields = [
            r.instance.clone(),
            r.method.name().to_string(),
            cell(r.silhouette),
            r.k.to_string(),
            cell(r.fidelity),
            cell(r.hyperplanes),
            r.median_run_seconds.to_string(),
            cell(r.paper_silhouette),
            cell(r.paper_seconds),
            cell(r.smallest_cluster),
            r.min_cluster_size.to_string(),
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// Suites in order of first appearance, each with its rows.
fn by_suite(rows: &[BenchRow]) -> Vec<(&str, Vec<&BenchRow>)> {
    let mut suites: Vec<(&str, Vec<&BenchRow>)> = Vec::new();
    for r in rows {
        match suites.iter_mut().find(|(s, _)| *s == r.suite) {
            Some((_, list)) => list.push(r),
            None => suites.push((&r.suite, vec![r])),
        }
    }
    suites
}

/// Instances of a suite in order of first appearance.
fn instances<'a>(rows: &[&'a BenchRow]) -> Vec<&'a BenchRow> {
    let mut seen: Vec<&BenchRow> = Vec::new();
    for r in rows {
        if !seen.iter().any(|s| s.instance == r.instance) {
            seen.push(r);
        }
    }
    seen
}

/// The paper's silhouette and time tables for a suite.
fn paper_tables(suite: &str) -> Option<(u8, u8)> {
    match suite {
        "fcps" => Some((1, 3)),
        "uci" => Some((2, 4)),
        _ => None,
    }
}

fn suite_title(suite: &str) -> String {
    match suite {
        "fcps" => "FCPS (fundamental clustering problems suite)".into(),
        "uci" => "UCI machine learning repository".into(),
        "" => "Other instances".into(),
        s => format!("Suite {s}"),
    }
}

/// Seconds with a precision that suits their size (5 decimals below 0.01 s,
/// whole seconds from 100 s).
pub fn format_seconds(s: f64) -> String {
    if s >= 100.0 {
        format!("{s:.0}")
    } else if s >= 1.0 {
        format!("{s:.2}")
    } else if s >= 0.01 {
        format!("{s:.3}")
    } else {
        format!("{s:.5}")
    }
}

const MISSING: &str = "—";

fn heading_row(out: &mut String, first: &str) {
    let mut head = format!("| {first} |");
    let mut rule = String::from("|---|");
    for m in Method::ALL {
        let _ = write!(head, " {} | paper |", m.heading());
        rule.push_str("---:|---:|");
    }
    let _ = writeln!(out, "{head}\n{rule}");
}

/// The rows as Markdown: per suite, our silhouette and seconds beside the
/// paper's (Tables 1–4), with the protocol and the citation at the top.
pub fn to_markdown(rows: &[BenchRow], settings: &BenchSettings) -> String {
    let paper = PaperResults::get();
    let src = &paper.source;
    let mut out = String::new();
    let _ = writeln!(out, "# Paper benchmark\n");
    let _ = writeln!(
        out,
        "Protocol (MPC paper §4.1): every k in {}..{}, {} seed{} per k (the paper: 100), \
         best silhouette kept; minimum cluster size {} (runs with a smaller cluster, k-means++ \
         included, rank below every run that meets it; 1 is the paper's unconstrained \
         protocol); Algorithm 2 may split up to the largest k. MPC-1: M = β = 1; \
         MPC-2: M = 3, β = 2, each run from its own start and from the MPC-1 result, the \
         better kept; hyperplane backend {}; k-means++ keeps the best inertia of {} seedings \
         per run. Paper figures: {}, \"{}\", {}; {}; {}.\n",
        settings.ks.start(),
        settings.ks.end(),
        settings.restarts,
        if settings.restarts == 1 { "" } else { "s" },
        settings.mpc.get_min_cluster_size(),
        settings.mpc.get_backend(),
        settings.mpc.get_kmeans_restarts(),
        src.authors,
        src.title,
        src.venue,
        src.silhouette,
        src.seconds,
    );
    for (suite, suite_rows) in by_suite(rows) {
        let tables = paper_tables(suite);
        let table_ref =
            |n: Option<u8>| n.map(|n| format!(" (paper Table {n})")).unwrap_or_default();
        let _ = writeln!(out, "## {}\n", suite_title(suite));
        let _ = writeln!(
            out,
            "### Silhouette{}\n\nEach cell: silhouette (clusters of the best run; rows of its \
             smallest cluster) beside the paper's (clusters from Tables 5–6). † marks an MPC model \
             that leaves rows outside their own polytope (fidelity < 1); ‡ a best run whose \
             smallest cluster is under the minimum cluster size (no run met it). {MISSING} = no \
             figure.\n",
            table_ref(tables.map(|t| t.0))
        );
        heading_row(&mut out, "instance (n, d)");
        for first in instances(&suite_rows) {
            let _ = write!(out, "| {} ({}, {}) |", first.instance, first.n, first.d);
            for m in Method::ALL {
                let row = suite_rows
                    .iter()
                    .find(|r| r.instance == first.instance && r.method == m);
                let ours = match row.and_then(|r| r.silhouette.map(|s| (r, s))) {
                    Some((r, s)) => format!(
                        "{s:.3} ({}{}){}{}",
                        r.k,
                        r.smallest_cluster
                            .map_or_else(String::new, |m| format!("; {m}")),
                        if r.fidelity.is_some_and(|f| f < 1.0) {
                            " †"
                        } else {
                            ""
                        },
                        if r.meets_min_cluster_size { "" } else { " ‡" }
                    ),
                    None => MISSING.into(),
                };
                let theirs = match paper.silhouette(&first.instance, m.name()) {
                    Some(s) => match paper.k(&first.instance, m.name()) {
                        Some(k) => format!("{s:.3} ({k})"),
                        None => format!("{s:.3}"),
                    },
                    None => MISSING.into(),
                };
                let _ = write!(out, " {ours} | {theirs} |");
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "\n### Seconds of one run{}\n\nOurs: median wall-clock seconds of one run (one k, one \
             seed) on this machine. Paper: average seconds of one run with CPLEX on a 2.7 GHz \
             quad-core laptop.\n",
            table_ref(tables.map(|t| t.1))
        );
        heading_row(&mut out, "instance");
        for first in instances(&suite_rows) {
            let _ = write!(out, "| {} |", first.instance);
            for m in Method::ALL {
                let ours = suite_rows
                    .iter()
                    .find(|r| r.instance == first.instance && r.method == m)
                    .map_or_else(|| MISSING.into(), |r| format_seconds(r.median_run_seconds));
                let theirs = paper
                    .seconds(&first.instance, m.name())
                    .map_or_else(|| MISSING.into(), |s| s.to_string());
                let _ = write!(out, " {ours} | {theirs} |");
            }
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(instance: &str, suite: &str, method: Method, s: f64, fidelity: Option<f64>) -> BenchRow {
        let paper = PaperResults::get();
        BenchRow {
            instance: instance.into(),
            suite: suite.into(),
            n: 212,
            d: 3,
            method,
            silhouette: Some(s),
            k: 7,
            fidelity,
            hyperplanes: fidelity.map(|_| 21),
            median_run_seconds: 0.25,
            runs: 9,
            paper_silhouette: paper.silhouette(instance, method.name()),
            paper_seconds: paper.seconds(instance, method.name()),
            paper_k: paper.k(instance, method.name()),
            smallest_cluster: Some(30),
            min_cluster_size: 3,
            meets_min_cluster_size: true,
        }
    }

    #[test]
    fn csv_has_the_header_and_empty_cells_for_missing_figures() {
        let rows = vec![
            row("hepta", "fcps", Method::KMeansPlusPlus, 0.7017, None),
            row("twodiamonds", "fcps", Method::Mpc1, 0.631, Some(1.0)),
        ];
        let csv = to_csv(&rows);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], CSV_HEADER);
        assert_eq!(lines[1], "hepta,kmeans++,0.7017,7,,,0.25,0.702,0,30,3");
        assert_eq!(lines[2], "twodiamonds,mpc1,0.631,7,1,21,0.25,0.631,,30,3");
        assert_eq!(lines.len(), 3);
    }

    #[test]
    fn markdown_puts_our_figures_beside_the_papers_per_suite() {
        let rows = vec![
            row("hepta", "fcps", Method::KMeansPlusPlus, 0.7017, None),
            row("hepta", "fcps", Method::Mpc1, 0.7017, Some(1.0)),
            row("hepta", "fcps", Method::Mpc2, 0.65, Some(0.9)),
            row("iris", "uci", Method::Mpc2, 0.63, Some(1.0)),
        ];
        let md = to_markdown(&rows, &BenchSettings::paper(3));
        assert!(md.contains("3 seeds per k"), "{md}");
        assert!(md.contains("Interpretable Clustering via Multi-Polytope Machines"));
        assert!(md.contains("(paper Table 1)") && md.contains("(paper Table 3)"));
        assert!(md.contains("(paper Table 2)") && md.contains("(paper Table 4)"));
        assert!(md.contains(
            "| hepta (212, 3) | 0.702 (7; 30) | 0.702 (7) | 0.702 (7; 30) | 0.702 (7) | 0.650 (7; 30) † | 0.702 (7) |"
        ), "{md}");
        assert!(
            md.contains("| hepta | 0.250 | 0 | 0.250 | 24.72 | 0.250 | 133.67 |"),
            "{md}"
        );
        // iris ran MPC-2 only: the other methods show no figure of ours.
        assert!(
            md.contains(
                "| iris (212, 3) | — | 0.629 (2) | — | 0.629 (2) | 0.630 (7; 30) | 0.629 (2) |"
            ),
            "{md}"
        );
        assert!(md.find("## FCPS").unwrap() < md.find("## UCI").unwrap());
    }
}
