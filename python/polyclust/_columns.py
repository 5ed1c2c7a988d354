"""Tables in memory as the named columns the native layer prepares.

A NumPy array (columns named ``x0``, ``x1``, …), a list of rows or a pandas
DataFrame (its column names) becomes a list of ``(name, values)``: a float64
array for a numeric column, exact as given, or a list of str for a text
column, which is one-hot encoded as ``col=value`` exactly as the command line
encodes a categorical CSV column. Text columns are those of dtype object
(unless every value is a number), category, string and bool. Missing values
(NaN, None, pandas.NA, NaT) are passed on as missing cells (NaN in a numeric
column, an empty cell in a text one), which the native layer drops or
imputes at fit and decides on the cells present at predict, as the command
line does.
"""

import math
import numbers

import numpy as np

__all__ = ["check_2d", "to_columns", "positional_names", "select"]


def positional_names(n_features):
    """``x0``, ``x1``, … for a table without column names."""
    return [f"x{j}" for j in range(n_features)]


def _is_frame(X):
    return hasattr(X, "columns") and hasattr(X, "dtypes") and hasattr(X, "iloc")


def _is_sparse(X):
    return type(X).__module__.startswith("scipy.sparse") or hasattr(X, "toarray")


def check_2d(X, what="X"):
    """``X`` as a DataFrame or a 2-D NumPy array with at least one row and
    one column; a ``ValueError`` (``TypeError`` for sparse input) in
    scikit-learn's words otherwise."""
    if _is_sparse(X) and not _is_frame(X):
        raise TypeError(
            f"polyclust takes dense data: sparse input is not supported; pass {what}.toarray()"
        )
    if not _is_frame(X):
        if not isinstance(X, np.ndarray):
            # Lists keep each cell's type (numbers stay numbers, text stays text).
            X = np.asarray(X, dtype=object)
        if X.ndim != 2:
            raise ValueError(
                f"Expected 2D array, got {X.ndim}D array instead: reshape your data "
                "with array.reshape(-1, 1) for a single feature or array.reshape(1, -1) "
                "for a single sample."
            )
        if X.dtype.kind == "c":
            raise ValueError("Complex data not supported")
    n, d = X.shape
    if n < 1:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={X.shape}) while a minimum of 1 is required."
        )
    if d < 1:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={X.shape}) while a minimum of 1 is required."
        )
    return X


def _is_number(v):
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


def _is_missing(v):
    if v is None:
        return True
    if isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)):
        return math.isnan(v)
    # pandas.NA, pandas.NaT and numpy's NaT, without importing pandas.
    return type(v).__name__ in ("NAType", "NaTType") or (
        isinstance(v, (np.datetime64, np.timedelta64)) and np.isnat(v)
    )


def _text(values, name, what):
    cells = []
    for v in values:
        if _is_missing(v):
            cells.append("")
            continue
        if isinstance(v, bytes):
            v = v.decode("utf-8", errors="replace")
        cells.append(v if isinstance(v, str) else str(v))
    return cells


def _numbers(values):
    return np.ascontiguousarray(values, dtype=np.float64)


def _column(name, values, kind, force_text, what):
    """``(values for the native layer, is text)`` of one column."""
    if kind == "c":
        raise ValueError("Complex data not supported")
    if kind in "mM":
        raise ValueError(
            f"{what}, column '{name}' holds dates or durations; convert it to numbers or text first"
        )
    if force_text:
        return _text(values, name, what), True
    if kind in "iuf":
        return _numbers(values), False
    present = [v for v in values if not _is_missing(v)]
    if kind == "O" and present and all(_is_number(v) for v in present):
        return _numbers([float("nan") if _is_missing(v) else float(v) for v in values]), False
    return _text(values, name, what), True


def _frame_kind(series):
    dtype = series.dtype
    if getattr(dtype, "name", "") == "category" or type(dtype).__name__ in (
        "CategoricalDtype",
        "StringDtype",
        "BooleanDtype",
    ):
        return "T"
    kind = getattr(dtype, "kind", "O")
    if kind == "b":
        return "T"
    return kind


def to_columns(X, names=None, text=(), what="X"):
    """The named columns of ``X`` and the names of its text columns.

    ``names`` names the columns of an array (default ``x0``, ``x1``, …);
    a DataFrame keeps its own. Columns named in ``text`` are passed as text
    whatever their dtype (a model's categorical columns)."""
    X = check_2d(X, what)
    columns, categorical = [], []
    text = set(text)
    if _is_frame(X):
        for j, label in enumerate(X.columns):
            name = str(label)
            series = X.iloc[:, j]
            kind = _frame_kind(series)
            if kind in "iuf" and name not in text:
                # Nullable integers hold pandas.NA: NaN here, refused natively.
                values = _numbers(series.to_numpy(dtype=np.float64, na_value=np.nan))
                is_text = False
            else:
                objects = series.to_numpy(dtype=object)
                values, is_text = _column(
                    name, objects, "O" if kind == "T" else kind, name in text or kind == "T", what
                )
            columns.append((name, values))
            if is_text:
                categorical.append(name)
        return columns, categorical
    n, d = X.shape
    names = positional_names(d) if names is None else list(names)
    for j in range(d):
        name = names[j]
        kind = X.dtype.kind
        values = X[:, j]
        force = name in text or kind in "USb"
        values, is_text = _column(name, values, "O" if kind in "USb" else kind, force, what)
        columns.append((name, values))
        if is_text:
            categorical.append(name)
    return columns, categorical


def select(X, names):
    """The columns of a DataFrame named in ``names`` that it has, in that
    order (a missing one is reported by the native layer, naming the
    columns there are)."""
    present = {str(c): c for c in X.columns}
    kept = [present[n] for n in names if n in present]
    return X.loc[:, kept] if kept else X
