"""Interaction screening and interaction-based regimes from Python, over the
same library code as ``polyclust interactions`` and ``polyclust ibc``."""

import json

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _core
from ._columns import _is_frame, check_2d, select, to_columns
from ._cluster import _seed, _whole

__all__ = ["screen_interactions", "IBCRegimes"]

_MODELS = ("A", "B", "C", "D")


def _target(y, n):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"y must be one column of numbers, got an array of shape {y.shape}")
    try:
        y = np.ascontiguousarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("y must hold numbers (a numeric target)") from None
    if len(y) != n:
        raise ValueError(f"X has {n} rows but y has {len(y)} values")
    return y


def screen_interactions(X, y, method="lasso", top=10, degree=2, random_state=0, as_frame=False):
    """Rank products of features by their strength for the numeric target
    ``y``, as ``polyclust interactions`` does: lasso-CV on the interaction
    products (``method="lasso"``) or Neural Interaction Detection
    (``"nid"``), on the features min-max scaled (categories one-hot encoded
    as ``col=value``), products of ``degree`` 2 or 3 features.

    Returns the ``top`` strongest as a list of ``(names, strength)``, names
    a tuple of feature names, strongest first; with ``as_frame`` a pandas
    DataFrame with columns ``interaction``, ``features`` and ``strength``.
    """
    X = check_2d(X)
    columns, categorical = to_columns(X)
    y = _target(y, X.shape[0])
    ranked = _core.screen_interactions(
        columns,
        categorical,
        y,
        method=str(method),
        degree=_whole(degree, "degree"),
        top=_whole(top, "top"),
        seed=_seed(random_state),
    )
    ranked = [(tuple(names), float(strength)) for names, strength in ranked]
    if as_frame:
        import pandas as pd

        return pd.DataFrame(
            {
                "interaction": ["×".join(n) for n, _ in ranked],
                "features": [n for n, _ in ranked],
                "strength": [s for _, s in ranked],
            }
        )
    return ranked


class IBCRegimes(RegressorMixin, BaseEstimator):
    """Interaction-based regimes (``polyclust ibc``): screen the dominant
    interaction, split the rows into regimes along its variables, fit a
    linear model per regime, and compare four models under k-fold
    cross-validation: A (linear on X), B (linear per regime, the IBC model),
    C (linear with the interaction products), D (per regime with them).

    Features are used in their original units (categories one-hot encoded
    as ``col=value``), as the command line reads a CSV.

    Parameters
    ----------
    degree : {2, 3}, default 2
        Highest interaction order screened (``--degree``).
    folds : int, default 5
        Cross-validation folds (``--folds``).
    method : {"lasso", "nid"}, default "lasso"
        Interaction screener (``--method``).
    top_k : int, default 3
        Most interactions used by models C and D (``--top-k``).
    polytope : bool, default True
        Try MPC polytope splits among the candidates (``--no-polytope``
        when False).
    random_state : int, default 0
        Seed of folds, screening and MPC (``--seed``).

    Attributes
    ----------
    report_ : dict
        The report of ``polyclust ibc --json``: ``models`` (A, B, C, D with
        ``r2_in``, ``r2_cv``, ``rmse_cv``, ``r2_cv_sd``, ``r2_folds``),
        ``top_interactions``, ``strengths``, ``split``,
        ``split_description``, ``candidates``, ``fold_splits``, …
    top_interactions_ : list of str
    split_ : dict
        The split chosen on all rows (variables, rule, regimes, thresholds).
    model_ : polyclust._core.IbcModel
        The pipeline fitted on all rows.

    ``predict`` gives model B's predictions (``model=`` picks another);
    ``predict_regime`` the regime of every row. A fitted ``IBCRegimes`` does
    not pickle: its regimes have no serialized form (refit instead).
    """

    def __init__(
        self, degree=2, *, folds=5, method="lasso", top_k=3, polytope=True, random_state=0
    ):
        self.degree = degree
        self.folds = folds
        self.method = method
        self.top_k = top_k
        self.polytope = polytope
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        tags.input_tags.allow_nan = False
        return tags

    def fit(self, X, y):
        """Screen, split and fit models A/B/C/D on ``X`` and the numeric ``y``
        (the GIL is released meanwhile)."""
        X = check_2d(X)
        validate_data(self, X, reset=True, skip_check_array=True)
        columns, categorical = to_columns(X)
        y = _target(y, X.shape[0])
        report, model = _core.fit_ibc(
            columns,
            categorical,
            y,
            degree=_whole(self.degree, "degree"),
            folds=_whole(self.folds, "folds"),
            method=str(self.method),
            top_k=_whole(self.top_k, "top_k"),
            seed=_seed(self.random_state),
            polytope=bool(self.polytope),
        )
        self.report_ = json.loads(report)
        self.model_ = model
        self.top_interactions_ = list(self.report_["top_interactions"])
        self.split_ = dict(self.report_["split"])
        return self

    def _columns(self, X):
        check_is_fitted(self, "model_")
        X = check_2d(X)
        validate_data(self, X, reset=False, skip_check_array=True)
        inputs = self.model_.input_columns()
        text = self.model_.categorical_columns()
        if _is_frame(X):
            return to_columns(select(X, inputs), text=text)[0]
        return to_columns(X, names=inputs, text=text)[0]

    def predict(self, X, model="B"):
        """Predictions of model ``model`` (A, B, C or D; default B, the IBC
        model) for the rows of ``X``."""
        if model not in _MODELS:
            raise ValueError(f"invalid model: {model!r}; expected one of A, B, C, D")
        return self.predict_all(X)[model]

    def predict_all(self, X):
        """Predictions of all four models, as a dict of arrays."""
        columns = self._columns(X)
        return {k: np.asarray(v) for k, v in self.model_.predict(columns).items()}

    def predict_regime(self, X):
        """The regime of every row of ``X`` under the chosen split."""
        columns = self._columns(X)
        return np.asarray(self.model_.regimes(columns), dtype=np.int64)

    def __getstate__(self):
        if "model_" in self.__dict__:
            raise TypeError(
                "a fitted IBCRegimes cannot be pickled: its regimes have no serialized form; "
                "pickle the unfitted estimator (its parameters) and fit again"
            )
        return super().__getstate__()
