//! `polyclust._core`: the native layer of the Python package.
//!
//! A thin layer over the polyclust library: named columns go through
//! [`RawTable::from_columns`] and [`data::prepare`], the same preprocessing
//! as a CSV file on the command line; a clustering job is the library's
//! [`ClusterSpec`], which `polyclust cluster` fills from its flags and the
//! estimator from its keyword arguments (handed over as JSON), so the same
//! settings and seed give the same result; `interactions` and `ibc` fill the
//! same builders as their commands (`src/cli/screening.rs`, `src/cli/ibc.rs`). Long computations run with the GIL released.
//! Library errors become `ValueError` (bad input or settings) or
//! `RuntimeError` (a solver that failed) with the library's own sentence.
//! The scikit-learn conventions live in Python (`polyclust/_cluster.py`).

use ndarray::{Array1, Array2};
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use polyclust::data::{self, Column, Dataset, FeatureMap, LoadOptions, MissingPolicy, RawTable};
use polyclust::explain::{self, Dialect};
use polyclust::ibc::{self, IbcFit, IbcOptions};
use polyclust::interactions::{screen_target, ScreenMethod};
use polyclust::job::{ClusterSpec, Hooks, ScreenAgainst};
use polyclust::mpc::{self, MpcError, PolytopeModel};
use polyclust::predict;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::fmt::Display;

mod report;

/// Name of an in-memory table in error messages.
const TABLE: &str = "X";

fn value_error(e: impl Display) -> PyErr {
    PyValueError::new_err(with_keywords(&e.to_string()))
}

/// The estimator's keyword arguments whose names differ from the job's
/// settings ([`ClusterSpec`] fields), as in `SPEC_NAMES` of `_cluster.py`.
const KEYWORDS: [(&str, &str); 4] = [
    ("k", "n_clusters"),
    ("lambda", "representation_weight"),
    ("n_max", "max_cluster_size"),
    ("seed", "random_state"),
];

/// `message` with every job setting the library names (`` `backend highs` ``)
/// written as the keyword argument that sets it (`backend='highs'`); other
/// settings (those of reading a file) keep the library's words.
fn with_keywords(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('`') {
        let Some(len) = rest[open + 1..].find('`') else {
            break;
        };
        let inner = &rest[open + 1..open + 1 + len];
        let (name, value) = inner.split_once(' ').unwrap_or((inner, ""));
        if ClusterSpec::FIELDS.contains(&name) {
            let keyword = KEYWORDS
                .iter()
                .find(|(field, _)| *field == name)
                .map_or(name, |(_, keyword)| keyword);
            out.push_str(&rest[..open]);
            out.push_str(keyword);
            if !value.is_empty() {
                out.push_str(&format!("='{value}'"));
            }
        } else {
            out.push_str(&rest[..open + 1 + len + 1]);
        }
        rest = &rest[open + 1 + len + 1..];
    }
    out.push_str(rest);
    out
}

/// Bad settings or data are a `ValueError`; a solver that failed is a
/// `RuntimeError`.
fn mpc_error(e: MpcError) -> PyErr {
    use polyclust::assign::AssignError;
    use polyclust::hyperplane::SolveError;
    match e {
        MpcError::Solve(SolveError::Solver { .. }) | MpcError::Assign(AssignError::Solver(_)) => {
            PyRuntimeError::new_err(e.to_string())
        }
        e => value_error(e),
    }
}

/// The columns handed over by Python: `(name, values)` with values a
/// float64 array (numbers) or a list of str (cells read as a CSV's). With
/// `allow_missing`, NaN and text cells that read as missing (empty, `NA`,
/// `?`) are missing cells, as in a file; otherwise they are refused (a
/// regression needs every row). Infinite numbers are always refused.
fn table(columns: Vec<(String, Bound<'_, PyAny>)>, allow_missing: bool) -> PyResult<RawTable> {
    let mut out = Vec::with_capacity(columns.len());
    for (name, values) in columns {
        let column = if let Ok(array) = values.extract::<PyReadonlyArray1<f64>>() {
            let v = array.as_array().to_vec();
            let refused = |x: &f64| x.is_infinite() || (x.is_nan() && !allow_missing);
            if let Some(r) = v.iter().position(refused) {
                return Err(value_error(format!(
                    "{TABLE}, row {}, column '{}': value {} is not a finite number; {}",
                    r + 1,
                    data::excerpt(&name),
                    v[r],
                    if allow_missing {
                        "polyclust takes no infinite values"
                    } else {
                        "polyclust takes no missing (NaN) or infinite values here, so drop or fill such rows first"
                    }
                )));
            }
            Column::Numbers(v)
        } else {
            let v: Vec<String> = values.extract()?;
            if !allow_missing {
                if let Some(r) = v.iter().position(|c| data::is_missing(c)) {
                    return Err(value_error(format!(
                        "{TABLE}, row {}, column '{}': value '{}' marks a missing cell (empty, NA or ?), which polyclust does not take here; drop or fill such rows first",
                        r + 1,
                        data::excerpt(&name),
                        data::excerpt(&v[r])
                    )));
                }
            }
            Column::Text(v)
        };
        out.push((name, column));
    }
    RawTable::from_columns(TABLE, out).map_err(value_error)
}

fn options(categorical: Vec<String>, missing: MissingPolicy) -> LoadOptions {
    LoadOptions {
        label_column: None,
        drop: Vec::new(),
        categorical,
        missing,
        ..LoadOptions::default()
    }
}

fn missing_policy(name: &str) -> PyResult<MissingPolicy> {
    match name {
        "drop" => Ok(MissingPolicy::Drop),
        "impute" => Ok(MissingPolicy::Impute),
        _ => Err(enum_error("missing", name, &["drop", "impute"])),
    }
}

/// Prepare a table: fit a new map (rows with a missing cell dropped or
/// imputed as `missing` says), or encode with `map` (a missing cell imputed
/// when the map says so, else NaN, for the decision on the cells present).
fn prepare(
    table: &RawTable,
    categorical: Vec<String>,
    map: Option<&FeatureMap>,
    missing: MissingPolicy,
) -> PyResult<Dataset> {
    let missing = if map.is_some() {
        MissingPolicy::Keep
    } else {
        missing
    };
    data::prepare(table, &options(categorical, missing), map).map_err(value_error)
}

fn enum_error(what: &str, value: &str, allowed: &[&str]) -> PyErr {
    value_error(format!(
        "invalid {what}: '{}'; expected one of {}",
        data::excerpt(value),
        allowed.join(", ")
    ))
}

fn screen_method(name: &str) -> PyResult<ScreenMethod> {
    match name {
        "lasso" => Ok(ScreenMethod::Lasso),
        "nid" => Ok(ScreenMethod::Nid),
        _ => Err(enum_error("method", name, &["lasso", "nid"])),
    }
}

fn dialect(name: &str) -> PyResult<Dialect> {
    Dialect::ALL
        .into_iter()
        .find(|d| d.name() == name)
        .ok_or_else(|| {
            let names: Vec<&str> = Dialect::ALL.iter().map(|d| d.name()).collect();
            enum_error("dialect", name, &names)
        })
}

/// The fields of the library's job description ([`ClusterSpec`]) with their
/// defaults, as JSON: the estimator's keyword arguments map onto them, and
/// the tests check that every field has a keyword argument and every
/// default is the library's.
#[pyfunction]
fn cluster_spec_defaults() -> PyResult<String> {
    serde_json::to_string(&ClusterSpec::default()).map_err(value_error)
}

/// Run the job `spec` (the JSON of a [`ClusterSpec`], built from the
/// estimator's keyword arguments) on the columns, as `polyclust cluster`
/// runs it: with `target` (cells of a column) the interactions are screened
/// against it (`--target`); with `labels` the given clusters are explained
/// instead (`--labels-from`). Returns a dict: the model, the labels (-1 for
/// outliers), the report (JSON of the fields `polyclust cluster --json`
/// prints), the runs (JSON) and the feature names.
#[pyfunction]
#[pyo3(signature = (columns, categorical, spec, *, target = None, labels = None, missing = "drop"))]
fn fit_mpc<'py>(
    py: Python<'py>,
    columns: Vec<(String, Bound<'py, PyAny>)>,
    categorical: Vec<String>,
    spec: &str,
    target: Option<Vec<String>>,
    labels: Option<Vec<String>>,
    missing: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let spec = ClusterSpec::from_json(spec).map_err(value_error)?;
    let missing = missing_policy(missing)?;
    let table = table(columns, true)?;
    let n = table.n_rows();
    let (ds, outcome, row_labels) = py.detach(|| {
        let ds = prepare(&table, categorical, None, missing)?;
        // Labels and targets of the rows kept (rows with a missing cell may be left out).
        let kept = |cells: &Vec<String>, what: &str| {
            if cells.len() != n {
                return Err(value_error(format!(
                    "{what} has {} entries for {n} rows",
                    cells.len()
                )));
            }
            Ok(ds
                .row_index
                .iter()
                .map(|&r| cells[r].clone())
                .collect::<Vec<String>>())
        };
        let outcome = match (&labels, &target) {
            (Some(given), _) => {
                let given = kept(given, "labels")?;
                spec.explain(&ds, &data::encode_labels(&given).0)
            }
            (None, Some(cells)) => {
                let cells = kept(cells, "y")?;
                spec.run(&ds, ScreenAgainst::Column(&cells), Hooks::default())
            }
            (None, None) => spec.run(&ds, ScreenAgainst::Clusters, Hooks::default()),
        }
        .map_err(mpc_error)?;
        // Rows left out of the fit for a missing cell are labelled as
        // `predict` labels them, on the cells they have.
        let fitted = outcome.row_labels();
        let mut row_labels: Vec<i64> = vec![mpc::OUTLIER_LABEL; n];
        if ds.row_index.len() < n {
            let model = &outcome.fit().model;
            let all = prepare(&table, Vec::new(), Some(&model.map), missing)?;
            for (&r, s) in all
                .row_index
                .iter()
                .zip(predict::segments(model, all.x.view()))
            {
                row_labels[r] = s.map_or(mpc::OUTLIER_LABEL, |c| c as i64);
            }
        }
        for (&r, &l) in ds.row_index.iter().zip(fitted.iter()) {
            row_labels[r] = l;
        }
        Ok::<_, PyErr>((ds, outcome, row_labels))
    })?;
    // With y (the screening target of `fit`), the clusters are also
    // measured against it, on the rows the fit kept.
    let truth = match (&labels, &target) {
        (None, Some(cells)) => {
            let kept: Vec<String> = ds.row_index.iter().map(|&r| cells[r].clone()).collect();
            Some(data::encode_labels(&kept).0)
        }
        _ => None,
    };
    let report = outcome.report(&spec, &ds, truth.as_deref());
    let fit = outcome.fit();
    let out = PyDict::new(py);
    out.set_item("labels", row_labels.into_pyarray(py))?;
    out.set_item("dropped_rows", ds.dropped_rows)?;
    out.set_item(
        "report",
        serde_json::to_string(&report).map_err(value_error)?,
    )?;
    out.set_item(
        "runs",
        serde_json::to_string(&outcome.result.runs).map_err(value_error)?,
    )?;
    out.set_item("feature_names", ds.feature_names())?;
    out.set_item(
        "model",
        Model {
            inner: fit.model.clone(),
        },
    )?;
    Ok(out)
}

/// A fitted polytope model: the preprocessing map, the polytopes and the
/// decision rule shared by predict, the rules and the SQL.
#[pyclass(module = "polyclust._core", name = "Model", frozen)]
struct Model {
    inner: PolytopeModel,
}

#[pymethods]
impl Model {
    /// A model from the JSON of `model.json` (as `polyclust cluster --out`
    /// writes it), checked as `polyclust predict` checks it.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        PolytopeModel::from_json(text)
            .map(|inner| Model { inner })
            .map_err(value_error)
    }

    /// The model as the JSON of `model.json`.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Number of clusters.
    #[getter]
    fn k(&self) -> usize {
        self.inner.k()
    }

    /// The input columns the model reads, in order.
    fn input_columns(&self) -> Vec<String> {
        self.inner.map.sources()
    }

    /// The input columns the model one-hot encodes.
    fn categorical_columns(&self) -> Vec<String> {
        self.inner.map.categorical_sources.clone()
    }

    /// The scaled features (`col=value` for a category), in order.
    fn feature_names(&self) -> Vec<String> {
        self.inner.map.names()
    }

    /// The cluster of every row (-1: an outlier), as `polyclust predict`.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        columns: Vec<(String, Bound<'py, PyAny>)>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let table = table(columns, true)?;
        let labels = py.detach(|| {
            let ds = prepare(
                &table,
                Vec::new(),
                Some(&self.inner.map),
                MissingPolicy::Keep,
            )?;
            Ok::<_, PyErr>(
                predict::segments(&self.inner, ds.x.view())
                    .into_iter()
                    .map(|s| s.map_or(mpc::OUTLIER_LABEL, |c| c as i64))
                    .collect::<Vec<i64>>(),
            )
        })?;
        Ok(labels.into_pyarray(py))
    }

    /// The rules as text (`polyclust explain --format text`).
    fn rules_text(&self) -> String {
        explain::rules_text(&self.inner)
    }

    /// The rules as JSON text (`polyclust explain --format json`).
    fn rules_json(&self) -> PyResult<String> {
        serde_json::to_string_pretty(&explain::rules_json(&self.inner)).map_err(value_error)
    }

    /// The rules as SQL (`polyclust explain --format sql`): one CASE
    /// expression, or with `table` a SELECT of `keep` (default all columns)
    /// and the cluster.
    #[pyo3(signature = (dialect = "ansi", table = None, keep = Vec::new()))]
    fn sql(&self, dialect: &str, table: Option<&str>, keep: Vec<String>) -> PyResult<String> {
        let dialect = self::dialect(dialect)?;
        Ok(match table {
            Some(table) => {
                let keep: Vec<&str> = keep.iter().map(String::as_str).collect();
                explain::select_sql(&self.inner, dialect, table, &keep)
            }
            None if !keep.is_empty() => {
                return Err(value_error("keep applies to a SELECT: give table too"))
            }
            None => explain::rules_sql(&self.inner, dialect),
        })
    }
}

/// The features in original units and their names, as `polyclust ibc` and
/// `interactions` read them (`load_regression` in `src/cli/ibc.rs`): the
/// loader scales to [0, 1], rules such as x ≥ 0 need the original units.
fn original_units(ds: &Dataset) -> Array2<f64> {
    let mut x = ds.x.clone();
    for (j, col) in ds.map.columns.iter().enumerate() {
        x.column_mut(j).mapv_inplace(|v| col.unscale(v));
    }
    x
}

fn target(y: PyReadonlyArray1<'_, f64>) -> PyResult<Array1<f64>> {
    let y = y.as_array().to_owned();
    if let Some(r) = y.iter().position(|v| !v.is_finite()) {
        return Err(value_error(format!(
            "y, row {}: target value {} is not a finite number",
            r + 1,
            y[r]
        )));
    }
    Ok(y)
}

/// Rank interactions against a numeric target as `polyclust interactions`
/// does (features min-max scaled, [`screen_target`]): a list of (feature names, strength), strongest
/// first, at most `top`.
#[pyfunction]
#[pyo3(signature = (columns, categorical, y, *, method, degree, top, seed))]
#[allow(clippy::too_many_arguments)]
fn screen_interactions(
    py: Python<'_>,
    columns: Vec<(String, Bound<'_, PyAny>)>,
    categorical: Vec<String>,
    y: PyReadonlyArray1<'_, f64>,
    method: &str,
    degree: usize,
    top: usize,
    seed: u64,
) -> PyResult<Vec<(Vec<String>, f64)>> {
    let method = screen_method(method)?;
    let table = table(columns, false)?;
    let y = target(y)?;
    let screening = py.detach(|| {
        let ds = prepare(&table, categorical, None, MissingPolicy::Drop)?;
        if ds.d() < 2 {
            return Err(value_error(
                "interactions need at least two feature columns besides the target",
            ));
        }
        let names = ds.feature_names();
        screen_target(ds.x.view(), y.view(), &names, method, degree, seed).map_err(value_error)
    })?;
    Ok(screening
        .interactions
        .into_iter()
        .take(top)
        .map(|i| (i.feature_names, i.strength))
        .collect())
}

/// A fitted IBC pipeline (split and models A/B/C/D) and the map that
/// encodes new rows.
#[pyclass(module = "polyclust._core", name = "IbcModel", frozen)]
struct IbcModel {
    fit: IbcFit,
    map: FeatureMap,
}

impl IbcModel {
    fn encode(
        &self,
        py: Python<'_>,
        columns: Vec<(String, Bound<'_, PyAny>)>,
    ) -> PyResult<Array2<f64>> {
        let table = table(columns, false)?;
        py.detach(|| {
            Ok(original_units(&prepare(
                &table,
                Vec::new(),
                Some(&self.map),
                MissingPolicy::Drop,
            )?))
        })
    }
}

#[pymethods]
impl IbcModel {
    /// Predictions of models A, B, C and D, as a dict of arrays.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        columns: Vec<(String, Bound<'py, PyAny>)>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let x = self.encode(py, columns)?;
        let p = py.detach(|| self.fit.predict(x.view()));
        let out = PyDict::new(py);
        for (name, v) in [("A", p.a), ("B", p.b), ("C", p.c), ("D", p.d)] {
            out.set_item(name, v.into_pyarray(py))?;
        }
        Ok(out)
    }

    /// The regime of every row under the chosen split.
    fn regimes<'py>(
        &self,
        py: Python<'py>,
        columns: Vec<(String, Bound<'py, PyAny>)>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let x = self.encode(py, columns)?;
        let regimes: Vec<i64> = self
            .fit
            .split
            .assign(x.view())
            .into_iter()
            .map(|r| r as i64)
            .collect();
        Ok(regimes.into_pyarray(py))
    }

    /// The input columns the pipeline reads, in order.
    fn input_columns(&self) -> Vec<String> {
        self.map.sources()
    }

    /// The input columns it one-hot encodes.
    fn categorical_columns(&self) -> Vec<String> {
        self.map.categorical_sources.clone()
    }
}

/// `polyclust ibc` on named columns and a numeric target: the report
/// (models A/B/C/D under cross-validation) as JSON text, and the pipeline
/// fitted on all rows for prediction.
#[pyfunction]
#[pyo3(signature = (columns, categorical, y, *, degree, folds, method, top_k, seed, polytope))]
#[allow(clippy::too_many_arguments)]
fn fit_ibc(
    py: Python<'_>,
    columns: Vec<(String, Bound<'_, PyAny>)>,
    categorical: Vec<String>,
    y: PyReadonlyArray1<'_, f64>,
    degree: usize,
    folds: usize,
    method: &str,
    top_k: usize,
    seed: u64,
    polytope: bool,
) -> PyResult<(String, IbcModel)> {
    let opts = IbcOptions {
        degree,
        folds,
        method: screen_method(method)?,
        seed,
        top_k,
        polytope_k: if polytope { vec![4] } else { vec![] },
        ..IbcOptions::default()
    };
    let table = table(columns, false)?;
    let y = target(y)?;
    py.detach(|| {
        let ds = prepare(&table, categorical, None, MissingPolicy::Drop)?;
        let x = original_units(&ds);
        let names = ds.feature_names();
        if y.len() != x.nrows() {
            return Err(value_error(format!(
                "invalid input: x has {} rows but the target has {} values",
                x.nrows(),
                y.len()
            )));
        }
        opts.check(x.nrows()).map_err(value_error)?;
        // The report's own fit on all rows is not returned by `run`; the
        // same deterministic fit is made beside it, on checked input, for
        // prediction.
        let (report, fit) = rayon::join(
            || ibc::run(x.view(), y.view(), &names, &opts),
            || ibc::pipeline::fit(x.view(), y.view(), &names, &opts),
        );
        let report = report.map_err(value_error)?;
        let fit = fit.map_err(value_error)?;
        let json = serde_json::to_string(&report).map_err(value_error)?;
        Ok((json, IbcModel { fit, map: ds.map }))
    })
}

/// The native module.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(fit_mpc, m)?)?;
    m.add_function(wrap_pyfunction!(cluster_spec_defaults, m)?)?;
    m.add_function(wrap_pyfunction!(screen_interactions, m)?)?;
    m.add_function(wrap_pyfunction!(fit_ibc, m)?)?;
    m.add_class::<Model>()?;
    m.add_class::<IbcModel>()?;
    m.add("OUTLIER_LABEL", mpc::OUTLIER_LABEL)?;
    m.add_function(wrap_pyfunction!(report::report_html, m)?)?;
    m.add_function(wrap_pyfunction!(report::clusters_table_html, m)?)?;
    m.add("REPORT_SIGNATURE", report::SIGNATURE)?;
    Ok(())
}
