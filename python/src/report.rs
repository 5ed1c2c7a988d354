//! The HTML report of a fitted model (`PolytopeClustering.report`) and the
//! compact table of its clusters (`_repr_html_`), made by the library's
//! `polyclust::report`, as `polyclust report` makes them.

use super::{dialect, prepare, table, value_error, Model};
use polyclust::data::{self, MissingPolicy};
use polyclust::report::{self, KStudyRow, Report, ReportOptions};
use pyo3::prelude::*;

/// The report of `model` on the rows of `columns` (encoded with the model's
/// features), with reference labels `truth` (ARI and NCA), the protocol's
/// runs as JSON (the choice of k, when several k were tried) and the
/// command that reproduces it; returns the page.
#[pyfunction]
#[pyo3(signature = (
    model, columns, *, truth = None, truth_name = "y", runs = None, objective = "silhouette", command = None,
    plot_columns = None, dialect = "ansi", plot_rows = report::DEFAULT_PLOT_ROWS, seed = 0,
))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn report_html<'py>(
    py: Python<'py>,
    model: &Model,
    columns: Vec<(String, Bound<'py, PyAny>)>,
    truth: Option<Vec<String>>,
    truth_name: &str,
    runs: Option<String>,
    objective: &str,
    command: Option<String>,
    plot_columns: Option<(String, String)>,
    dialect: &str,
    plot_rows: usize,
    seed: u64,
) -> PyResult<String> {
    let options = ReportOptions {
        columns: plot_columns,
        dialect: self::dialect(dialect)?,
        command,
        plot_rows: plot_rows.max(1),
        seed,
        ..ReportOptions::default()
    };
    let k_study = match runs {
        Some(json) => {
            let runs: Vec<KStudyRow> = serde_json::from_str(&json).map_err(value_error)?;
            let objective = serde_json::from_value(serde_json::Value::from(objective))
                .map_err(|e| value_error(format!("objective: {e}")))?;
            KStudyRow::best_per_k(&runs, objective)
        }
        None => Vec::new(),
    };
    // The page's figures need every cell: missing values are refused here.
    let table = table(columns, false)?;
    let model = &model.inner;
    py.detach(|| {
        let mut ds = prepare(&table, Vec::new(), Some(&model.map), MissingPolicy::Drop)?;
        ds.name = "X".into();
        let truth = truth.map(|t| data::encode_labels(&t).0);
        let mut page = Report::new(model, &ds)
            .map_err(value_error)?
            .k_study(k_study);
        if let Some(t) = &truth {
            page = page.truth(t, truth_name).map_err(value_error)?;
        }
        page.render(&options).map_err(value_error)
    })
}

/// A compact HTML table of the model's clusters: size, share, silhouette
/// and rule.
#[pyfunction]
pub(crate) fn clusters_table_html(model: &Model) -> PyResult<String> {
    report::clusters_table_html(&model.inner).map_err(value_error)
}

/// The first line of every report (how a file polyclust wrote is known).
pub(crate) const SIGNATURE: &str = report::SIGNATURE;
