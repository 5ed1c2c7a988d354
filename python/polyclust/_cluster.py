"""``PolytopeClustering``: Multi-Polytope Clustering as a scikit-learn
clusterer, over the same library code as ``polyclust cluster``."""

import json
import numbers
import os
import tempfile

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _core
from ._columns import check_2d, positional_names, select, to_columns, _is_frame

__all__ = ["PolytopeClustering"]

_PRESETS = ("mpc1", "mpc2")

# Keyword arguments whose name differs from the library's job description
# (``polyclust._core.cluster_spec_defaults()``): scikit-learn's names. Every
# other keyword argument is a field of the same name.
SPEC_NAMES = {
    "n_clusters": "k",
    "representation_weight": "lambda",
    "max_cluster_size": "n_max",
    "random_state": "seed",
}

# Keyword arguments about reading the rows, not settings of the job: the
# command line's data options (``--missing``), which the job never sees.
DATA_SETTINGS = ("missing",)


def _whole(value, name, minimum=0):
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        if value >= minimum:
            return int(value)
    raise ValueError(f"invalid {name}: {value!r}; a whole number >= {minimum} is needed")


def _optional(value, convert, name):
    if value is None:
        return None
    try:
        return convert(value)
    except (TypeError, ValueError):
        raise ValueError(f"invalid {name}: {value!r}") from None


def _k_range(value):
    """``(A, B)``, ``[A, B]`` or ``"A..B"`` (inclusive, as ``--k-range``)."""
    if isinstance(value, str):
        lo, sep, hi = value.partition("..")
        if not sep:
            raise ValueError(f"invalid k_range: '{value}' is not a range A..B such as 2..10")
        try:
            value = (int(lo.strip()), int(hi.strip().lstrip("=")))
        except ValueError:
            raise ValueError(
                f"invalid k_range: '{value}' is not a range A..B such as 2..10"
            ) from None
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"invalid k_range: {value!r}; give (A, B) or 'A..B', both ends included")
    lo, hi = (_whole(v, "k_range") for v in value)
    if lo < 2 or hi < lo:
        raise ValueError(f"invalid k_range: range {lo}..{hi} must satisfy 2 <= A <= B")
    return lo, hi


def _seed(random_state):
    """The seed of a run: an int as ``--seed``; None or a generator draws one."""
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if 0 <= random_state < 2**64:
            return int(random_state)
        raise ValueError(f"invalid random_state: {random_state}; a seed is between 0 and 2**64 - 1")
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**63 - 1))
    return int(check_random_state(random_state).randint(0, 2**31 - 1))


class PolytopeClustering(ClusterMixin, BaseEstimator):
    """Multi-Polytope Clustering (Lawless et al., AAAI 2022): clusters each
    explained by a polytope of half-spaces with small integer coefficients.

    ``fit`` runs what ``polyclust cluster`` runs for the same settings and
    seed, and gives the same clusters: the data are preprocessed as a CSV
    file is (categorical columns one-hot encoded as ``col=value``, every
    feature min-max scaled to [0, 1], the inverse kept for the rules), then
    for every k (``n_clusters``, or each k of ``k_range``) and ``restarts``
    seeds from ``random_state`` one MPC run, the best kept (full fidelity
    first, then silhouette).

    Parameters
    ----------
    n_clusters : int, default 2
        Number of clusters (``--k``): the fit returns this many, unless
        ``k_min`` lets Algorithm 2 merge below it or ``k_max`` split above it.
    k_range : (int, int) or "A..B", default None
        Try every k from A to B inclusive and keep the best (``--k-range``);
        replaces ``n_clusters``. Each k's best run is kept by the objective,
        and k is chosen by the silhouette.
    k_min : int, default None
        Fewest clusters Algorithm 2 may reach by merges (``--k-min``;
        default: ``n_clusters``, or the bottom of ``k_range``).
    objective : {"kmeans", "silhouette"}, default "kmeans"
        What Algorithm 2 minimises (``--objective``): the k-means cost of the
        polytope partition (explainable k-means) or the silhouette (the MPC
        paper's objective).
    preset : {"mpc2", "mpc1"} or None, default None
        The paper's settings: MPC-2 (M = 3, beta = 2) or MPC-1 (M = beta = 1,
        axis-parallel boxes); None is MPC-2. ``m`` and ``beta``, when given,
        override it.
    m, beta : int, default None
        Largest absolute integer coefficient and largest number of non-zero
        coefficients of a hyperplane (``--m``, ``--beta``).
    coefficients : {"integer", "general"}, default "integer"
        ``general``: real coefficients in [-1, 1] (``--general``; needs
        ``backend="highs"``).
    representation_weight : float, default 1.0
        Weight lambda of the representation error (``--lambda``).
    min_cluster_size : int or "P%", default "1%"
        Smallest cluster, in rows or as a share of them (at least 2 rows);
        1 is the paper's unconstrained protocol (``--min-cluster-size``).
    max_cluster_size : int, default None
        Largest cluster, in rows (``--n-max``).
    restarts : int, default 1
        Seeds per k (``--restarts``): ``random_state``, ``random_state + 1``, …
    random_state : int, RandomState, Generator or None, default 0
        The seed (``--seed``, whose default is 0). None or a generator draws a
        seed, so runs are not reproducible.
    backend : {"enumerate", "highs", "microlp"}, default "enumerate"
        Hyperplane solver (``--backend``).
    time_limit : float, default None
        Wall-clock limit of one run, seconds (``--time-limit``).
    budget : float, default None
        Wall-clock budget of all runs, seconds (``--budget``).
    solver_time_limit : float, default 60.0
        Limit of one hyperplane MILP, seconds (``--solver-time-limit``).
    outliers : bool, default False
        Set rows far from their cluster's centre apart as outliers, label -1
        (``--outliers``); ``predict`` and the SQL label them the same way.
    kmeans_restarts : int, default 10
        k-means restarts of the initial clustering (``--kmeans-restarts``).
    local_search : bool, default True
        Run Algorithm 2, the silhouette coordinate descent (``--no-search``
        when False).
    coarse_start : {"both", "always", "never"}, default "always"
        Which runs start from the axis-parallel result (``--coarse-start``).
    k_max : int, default None
        Most clusters Algorithm 2 may reach by splits (``--k-max``).
    binarize : int, default None
        Add ``x >= q-quantile`` indicators with Q bins to the explanation
        space (``--binarize``).
    interactions : int, default None
        Add the top screened interaction products to the explanation space,
        screened against an initial k-means clustering (``--interactions``).
    interaction_method : {"lasso", "nid"}, default "lasso"
        Screening method of ``interactions`` (``--interaction-method``).
        The products are screened against the clusters (an initial k-means
        clustering, one-vs-rest), or against ``y`` when ``fit`` is given
        one (``--target``).
    sample_size : int, default 5000
        Above this many rows Algorithm 2 scores the silhouette on a fixed
        sample of this size and ``silhouette_`` is an estimate, with
        ``silhouette_se_`` its standard error (``--sample-size``).
    pieces : int, default 1
        Most polytopes per cluster (``--pieces``): with more than 1 a
        cluster may be the union of up to that many polytopes (its rule an
        OR of ANDs) when the rows fall into groups that do not touch.
    missing : {"drop", "impute"}, default "drop"
        Rows with a missing cell (NaN, None): left out of the fit and
        labelled afterwards on the cells they have, as ``predict`` labels
        them ("drop"), or kept with the cell read as its column's median or
        most frequent category, recorded in the model ("impute";
        ``--missing``).

    Attributes
    ----------
    labels_ : ndarray of int64
        Cluster of every training row (-1: an outlier), as ``predict`` gives.
    n_clusters_ : int
        Clusters of the model.
    silhouette_ : float
        Mean silhouette (over rows that are not outliers; NaN for one cluster).
    silhouette_exact_, silhouette_se_ : bool, float
        Whether ``silhouette_`` is exact, and the standard error of an
        estimate (above ``sample_size`` rows).
    fidelity_ : float
        Share of rows inside their own cluster's polytope.
    uncovered_ : int
        Rows in no polytope (assigned to the nearest centre).
    cluster_sizes_, cluster_silhouettes_ : ndarray
        Rows and mean silhouette of each cluster.
    min_cluster_size_ : int
        The smallest cluster size the fit was held to, in rows.
    outliers_ : int
        Number of outliers set apart (0 unless ``outliers``).
    best_k_, best_seed_ : int
        Initial k and seed of the run kept.
    runs_ : list of dict
        Every run: k, seed, clusters, silhouette, fidelity, smallest, seconds.
    report_ : dict
        Every figure of the fit, as ``polyclust cluster --json`` prints it.
    kmeans_cost_, price_of_explainability_ : float
        The k-means cost of the clusters, and its ratio to the best k-means
        cost at the same k (1: as good as k-means).
    explanation_size_ : dict
        conditions, terms, features and weighted_conditions (the conditions
        of the rule that decides a row, averaged over the rows).
    ari_, nca_ : float
        Adjusted Rand index and normalised clustering accuracy against ``y``
        (only when ``fit`` was given ``y``).
    notes_ : list of str
        What a person should know about the result, one sentence each.
    feature_names_ : list of str
        The scaled features the rules read (``col=value`` for a category).
    interactions_ : list of str
        Products added to the explanation space.
    n_features_in_, feature_names_in_
        As in scikit-learn (``feature_names_in_`` for a DataFrame).
    model_ : polyclust._core.Model
        The fitted model (the ``model.json`` of ``polyclust cluster --out``).
    """

    def __init__(
        self,
        n_clusters=2,
        *,
        k_range=None,
        k_min=None,
        objective="kmeans",
        preset=None,
        m=None,
        beta=None,
        coefficients="integer",
        representation_weight=1.0,
        min_cluster_size="1%",
        max_cluster_size=None,
        restarts=1,
        random_state=0,
        backend="enumerate",
        time_limit=None,
        budget=None,
        solver_time_limit=60.0,
        outliers=False,
        kmeans_restarts=10,
        local_search=True,
        coarse_start="always",
        k_max=None,
        binarize=None,
        interactions=None,
        interaction_method="lasso",
        sample_size=5000,
        missing="drop",
        pieces=1,
    ):
        self.n_clusters = n_clusters
        self.k_range = k_range
        self.k_min = k_min
        self.objective = objective
        self.preset = preset
        self.m = m
        self.beta = beta
        self.coefficients = coefficients
        self.representation_weight = representation_weight
        self.min_cluster_size = min_cluster_size
        self.max_cluster_size = max_cluster_size
        self.restarts = restarts
        self.random_state = random_state
        self.backend = backend
        self.time_limit = time_limit
        self.budget = budget
        self.solver_time_limit = solver_time_limit
        self.outliers = outliers
        self.kmeans_restarts = kmeans_restarts
        self.local_search = local_search
        self.coarse_start = coarse_start
        self.k_max = k_max
        self.binarize = binarize
        self.interactions = interactions
        self.interaction_method = interaction_method
        self.sample_size = sample_size
        self.missing = missing
        self.pieces = pieces

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        tags.non_deterministic = False
        return tags

    def _spec(self):
        """The library's job description (a ``ClusterSpec``, as JSON) of
        these keyword arguments: what ``polyclust cluster`` makes of the
        same flags. Types are checked here; values by the library."""
        if self.preset is not None and self.preset not in _PRESETS:
            raise ValueError(f"invalid preset: {self.preset!r}; expected one of mpc1, mpc2")
        k_range = None if self.k_range is None else list(_k_range(self.k_range))
        if self.solver_time_limit is None:
            raise ValueError("invalid solver_time_limit: None; give a number of seconds")
        size = self.min_cluster_size
        if isinstance(size, numbers.Integral) and not isinstance(size, bool):
            size = str(int(size))
        elif not isinstance(size, str):
            raise ValueError(
                f"invalid min_cluster_size: {size!r}; give a number of rows (15) or a share ('1%')"
            )
        whole = lambda name: lambda v: _whole(v, name)  # noqa: E731
        spec = {
            "k": _whole(self.n_clusters, "n_clusters"),
            "k_range": k_range,
            "k_min": _optional(self.k_min, whole("k_min"), "k_min"),
            "objective": str(self.objective),
            "restarts": _whole(self.restarts, "restarts"),
            "preset": self.preset,
            "m": _optional(self.m, whole("m"), "m"),
            "beta": _optional(self.beta, whole("beta"), "beta"),
            "coefficients": str(self.coefficients),
            # A float, so "lambda = nan" is the library's to refuse.
            "lambda": _optional(self.representation_weight, float, "representation_weight"),
            "min_cluster_size": size,
            "n_max": _optional(self.max_cluster_size, whole("max_cluster_size"), "max_cluster_size"),
            "backend": str(self.backend),
            "solver_time_limit": _optional(self.solver_time_limit, float, "solver_time_limit"),
            "kmeans_restarts": _whole(self.kmeans_restarts, "kmeans_restarts"),
            "local_search": bool(self.local_search),
            "coarse_start": str(self.coarse_start),
            "time_limit": _optional(self.time_limit, float, "time_limit"),
            "budget": _optional(self.budget, float, "budget"),
            "k_max": _optional(self.k_max, whole("k_max"), "k_max"),
            "sample_size": _whole(self.sample_size, "sample_size", 1),
            "seed": _seed(self.random_state),
            "outliers": bool(self.outliers),
            "binarize": _optional(self.binarize, whole("binarize"), "binarize"),
            "interactions": _optional(self.interactions, whole("interactions"), "interactions"),
            "interaction_method": str(self.interaction_method),
            "pieces": _whole(self.pieces, "pieces"),
        }
        for name in ("lambda", "solver_time_limit", "time_limit", "budget"):
            # JSON carries no NaN or infinity: refused here, by the setting's name.
            if spec[name] is not None and not np.isfinite(spec[name]):
                raise ValueError(f"invalid {name}: {spec[name]}; it must be a finite number")
        return json.dumps(spec)

    def fit(self, X, y=None):
        """Cluster the rows of ``X`` (NumPy array, list of rows or DataFrame).

        ``y``, when given, holds reference classes of the rows: the fit is
        measured against them (``ari_``, ``nca_``), and with
        ``interactions`` the interaction products are screened against them
        (``--target``); the clusters do not depend on ``y`` otherwise. The
        GIL is released while the runs execute."""
        X = check_2d(X)
        validate_data(self, X, reset=True, skip_check_array=True)
        spec = self._spec()
        columns, categorical = to_columns(X)
        target = None
        if y is not None:
            target = [str(v) for v in np.asarray(y, dtype=object).ravel()]
        self._set_fit(
            _core.fit_mpc(columns, categorical, spec, target=target, missing=str(self.missing))
        )
        return self

    def explain(self, X, labels):
        """Explain given clusters (segments, classes: ``labels``, one per
        row of ``X``) with polytopes, without changing them
        (``polyclust cluster --labels-from``): ``fidelity_`` is the share of
        rows inside their given cluster's polytope, ``labels_`` the model's
        decisions (what ``predict`` gives). Cluster ``c`` of the model is the
        ``c``-th distinct label in order of first appearance, as for a
        column of a CSV file."""
        X = check_2d(X)
        validate_data(self, X, reset=True, skip_check_array=True)
        spec = self._spec()
        columns, categorical = to_columns(X)
        given = [str(v) for v in np.asarray(labels, dtype=object).ravel()]
        self._set_fit(
            _core.fit_mpc(columns, categorical, spec, labels=given, missing=str(self.missing))
        )
        return self

    def _set_fit(self, r):
        report = json.loads(r["report"])
        self.model_ = r["model"]
        self.labels_ = np.asarray(r["labels"], dtype=np.int64)
        self.report_ = report
        self.n_clusters_ = int(report["k"])
        silhouette = report["silhouette"]
        self.silhouette_ = float("nan") if silhouette is None else float(silhouette)
        self.silhouette_exact_ = bool(report["silhouette_exact"])
        se = report["silhouette_se"]
        self.silhouette_se_ = float("nan") if se is None else float(se)
        self.fidelity_ = float(report["fidelity"])
        self.uncovered_ = int(report["uncovered"])
        self.cluster_sizes_ = np.asarray(report["sizes"], dtype=np.int64)
        self.cluster_silhouettes_ = np.asarray(
            [np.nan if v is None else v for v in report["cluster_silhouettes"]], dtype=np.float64
        )
        self.min_cluster_size_ = int(report["min_cluster_size"])
        self.outliers_ = int(report["outliers"])
        self.best_k_ = int(report["best_k"])
        self.best_seed_ = int(report["best_seed"])
        self.runs_ = json.loads(r["runs"])
        self.status_ = report["status"]
        self.notes_ = list(report["notes"])
        self.objective_ = report["objective"]
        self.kmeans_cost_ = float(report["kmeans_cost"])
        price = report["price_of_explainability"]
        self.price_of_explainability_ = float("nan") if price is None else float(price)
        self.explanation_size_ = dict(report["explanation"])
        if "ari" in report:
            self.ari_ = float(report["ari"])
            self.nca_ = float(report["nca"])
        self.feature_names_ = list(r["feature_names"])
        self.interactions_ = list(report["interactions"])

    def _columns_for_model(self, X):
        """``X``'s columns as the model reads them: a DataFrame by name, an
        array by position in the model's input columns."""
        inputs = self.model_.input_columns()
        text = self.model_.categorical_columns()
        if _is_frame(X):
            return to_columns(select(X, inputs), text=text)[0]
        return to_columns(X, names=inputs, text=text)[0]

    def predict(self, X):
        """The cluster of every row of ``X`` (-1: an outlier) by the model's
        decision rule, as ``polyclust predict``, the rules and the SQL."""
        check_is_fitted(self, "model_")
        X = check_2d(X)
        validate_data(self, X, reset=False, skip_check_array=True)
        return np.asarray(self.model_.predict(self._columns_for_model(X)), dtype=np.int64)

    def rules_text(self):
        """The polytopes as rules a person reads (``polyclust explain``)."""
        check_is_fitted(self, "model_")
        return self.model_.rules_text()

    def rules_json(self):
        """The rules as a dict (``polyclust explain --format json``)."""
        check_is_fitted(self, "model_")
        return json.loads(self.model_.rules_json())

    def to_sql(self, dialect="ansi", table=None, keep=None):
        """The decision rule as SQL in ``dialect`` (ansi, sqlite, duckdb,
        postgres, spark): one ``CASE WHEN … END`` expression giving the
        cluster, or with ``table`` a ``SELECT <keep or *>, <rules> AS cluster
        FROM table`` (``polyclust explain --format sql``)."""
        check_is_fitted(self, "model_")
        return self.model_.sql(str(dialect), table, list(keep or []))

    def report(self, X, path, y=None, *, columns=None, dialect="ansi", plot_rows=4000):
        """Write the HTML report of the fitted model on the rows of ``X``,
        the page ``polyclust report`` writes: a summary (rows, features,
        clusters, silhouette, fidelity, rows in no cluster, and ARI and NCA
        against ``y`` when given), one card per cluster (size, share,
        silhouette, rule, what sets it apart, nearest cluster), a scatter of
        two features with the polytope boundaries (``columns=(A, B)``, else
        the two the rules read most; at most ``plot_rows`` rows drawn), the
        choice of k when ``k_range`` was given, and the rules as SQL in
        ``dialect``. One self-contained file: nothing is fetched when it is
        opened. An existing file is replaced only when it is such a report.
        Returns the path."""
        check_is_fitted(self, "model_")
        X = check_2d(X)
        validate_data(self, X, reset=False, skip_check_array=True)
        truth = None
        if y is not None:
            truth = [str(v) for v in np.asarray(y).ravel().tolist()]
        if columns is not None:
            columns = tuple(str(c) for c in columns)
            if len(columns) != 2:
                raise ValueError(f"invalid columns: {columns!r}; name two features, as ('A', 'B')")
        runs = None
        if self.k_range is not None and getattr(self, "runs_", None):
            runs = json.dumps(self.runs_)
        html = _core.report_html(
            self.model_,
            self._columns_for_model(X),
            truth=truth,
            runs=runs,
            objective=str(self.objective),
            command=f"{self!r}.fit(X).report(X, {os.fspath(path)!r})",
            plot_columns=columns,
            dialect=str(dialect),
            plot_rows=_whole(plot_rows, "plot_rows", 1),
            seed=_seed(self.random_state) if self.random_state is not None else 0,
        )
        _write_own(os.fspath(path), html, _core.REPORT_SIGNATURE, "an HTML report of polyclust")
        return path

    def _repr_html_(self):
        """In a notebook, a fitted estimator shows its clusters: size, share,
        silhouette and rule; an unfitted one, scikit-learn's diagram."""
        if not hasattr(self, "model_"):
            return super()._repr_html_inner()
        return self.clusters_html()

    def clusters_html(self):
        """The compact HTML table of the clusters that ``_repr_html_`` shows."""
        check_is_fitted(self, "model_")
        return _core.clusters_table_html(self.model_)

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if hasattr(self, "model_"):
            bundle["text/html"] = self._repr_html_()
        return bundle

    def save(self, path):
        """Write the model as ``model.json``, the file ``polyclust cluster
        --out`` writes and ``polyclust predict --model`` reads."""
        check_is_fitted(self, "model_")
        path = os.fspath(path)
        if os.path.exists(path) and not _is_model_file(path):
            # Never replace a file polyclust did not write (a data file
            # named by mistake, say).
            raise FileExistsError(
                f"{path} exists and is not a polyclust model, so it is left "
                "alone; remove it first or save to a new file"
            )
        folder = os.path.dirname(os.path.abspath(path))
        # A temporary sibling renamed into place: a failed write leaves an
        # earlier file whole.
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".model-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(self.model_.to_json())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    @classmethod
    def load(cls, path):
        """A fitted estimator from a ``model.json`` (written by ``save`` or by
        ``polyclust cluster --out``); it predicts and explains. Its
        parameters are the model's settings; the training labels and
        figures not kept in the model (``labels_``, ``silhouette_``, …) are
        absent."""
        path = os.fspath(path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        try:
            model = _core.Model.from_json(text)
        except ValueError as e:
            raise ValueError(f"model file {path}: {e}") from None
        return cls._from_model(model)

    @classmethod
    def _from_model(cls, model):
        doc = json.loads(model.to_json())
        st = doc["settings"]
        est = cls(
            n_clusters=model.k,
            preset=None,
            m=st["m"],
            beta=st["beta"],
            coefficients=st["coefficients"],
            representation_weight=st["lambda"],
            min_cluster_size=int(st.get("min_cluster_size", 1)),
            outliers=doc.get("outliers") is not None,
        )
        polytopes = doc["polytopes"]
        est.model_ = model
        est.n_clusters_ = model.k
        est.cluster_sizes_ = np.asarray([p["size"] for p in polytopes], dtype=np.int64)
        est.cluster_silhouettes_ = np.asarray(
            [np.nan if p.get("silhouette") is None else p["silhouette"] for p in polytopes],
            dtype=np.float64,
        )
        est.min_cluster_size_ = int(st.get("min_cluster_size", 1))
        est.feature_names_ = model.feature_names()
        inputs = model.input_columns()
        est.n_features_in_ = len(inputs)
        # Names x0, x1, … are those of a NumPy array: no feature names then.
        if inputs != positional_names(len(inputs)):
            est.feature_names_in_ = np.asarray(inputs, dtype=object)
        return est

    def __getstate__(self):
        state = super().__getstate__()
        if "model_" in state:
            state = dict(state, model_=state["model_"].to_json())
        return state

    def __setstate__(self, state):
        if isinstance(state.get("model_"), str):
            state = dict(state, model_=_core.Model.from_json(state["model_"]))
        super().__setstate__(state)


def _write_own(path, text, signature, what):
    """Write ``text`` to ``path`` through a temporary sibling renamed into
    place; an existing file is replaced only when its first line is
    ``signature`` (polyclust wrote it)."""
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path} is a directory; name a file, such as {path}/report.html")
    if os.path.exists(path):
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                first = f.readline().rstrip("\n")
        except OSError:
            first = None
        if first != signature:
            raise FileExistsError(
                f"{path} exists and is not {what}, so it is left alone; "
                "remove it first or name a new file"
            )
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".report-", suffix=".html")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _is_model_file(path):
    """Whether ``path`` is a regular file holding a polyclust model."""
    if not os.path.isfile(path):
        return False
    try:
        with open(path, encoding="utf-8") as f:
            _core.Model.from_json(f.read())
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return True
