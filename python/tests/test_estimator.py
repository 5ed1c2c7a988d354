"""PolytopeClustering as a scikit-learn clusterer: the estimator checks,
prediction and SQL against the fit's labels, pickling, seeds, errors and
the GIL."""

import copy
import pickle
import sqlite3
import threading
import time

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_blobs
from sklearn.model_selection import GridSearchCV
from sklearn.utils.estimator_checks import parametrize_with_checks

from conftest import customers
from polyclust import PolytopeClustering

# Checks that set n_clusters = 1: the library refuses one cluster, as the
# command line does (a silhouette needs two), so they stop at fit with
# "invalid k: k = 1; at least 2 clusters are needed". What they check is
# tested below with two clusters (test_what_the_one_cluster_checks_check).
# check_fit2d_1sample and check_fit2d_1feature also expect their own
# wording, where polyclust gives the command line's sentence.
ONE_CLUSTER = (
    "sets n_clusters=1, which polyclust refuses as the command line does "
    "(a silhouette needs two clusters); covered by test_what_the_one_cluster_checks_check"
)
EXPECTED_FAILED = {
    "check_dont_overwrite_parameters": ONE_CLUSTER,
    "check_methods_subset_invariance": ONE_CLUSTER,
    "check_fit2d_predict1d": ONE_CLUSTER,
    "check_fit2d_1sample": ONE_CLUSTER,
    "check_fit2d_1feature": ONE_CLUSTER,
}


@parametrize_with_checks([PolytopeClustering()], expected_failed_checks=lambda est: EXPECTED_FAILED)
def test_sklearn_checks(estimator, check):
    check(estimator)


def blobs(n=120, seed=0):
    X, _ = make_blobs(n_samples=n, centers=3, cluster_std=0.8, random_state=seed)
    return X


def test_what_the_one_cluster_checks_check():
    X = blobs()
    model = PolytopeClustering(n_clusters=2).fit(X)
    # check_dont_overwrite_parameters: fit adds only public attributes with
    # a trailing underscore and changes no parameter.
    assert model.get_params() == PolytopeClustering(n_clusters=2).get_params()
    # check_fit2d_predict1d: one row as a 1-D array is refused.
    with pytest.raises(ValueError, match="Expected 2D array"):
        model.predict(X[0])
    # check_methods_subset_invariance: rows are labelled one by one.
    whole = model.predict(X)
    for part in np.array_split(np.arange(len(X)), 7):
        np.testing.assert_array_equal(model.predict(X[part]), whole[part])
    # check_fit2d_1feature: one feature works with beta = 1.
    one = PolytopeClustering(n_clusters=2, preset="mpc1").fit(X[:, :1])
    assert one.n_clusters_ == 2
    # check_fit2d_1sample: one row is refused with a ValueError.
    with pytest.raises(ValueError, match="all rows are identical"):
        PolytopeClustering(n_clusters=2).fit(X[:1])


def test_predict_and_sqlite_reproduce_the_labels():
    frame = customers()
    for outliers in (False, True):
        model = PolytopeClustering(n_clusters=3, random_state=2, outliers=outliers).fit(frame)
        np.testing.assert_array_equal(model.predict(frame), model.labels_)
        if outliers:
            assert model.outliers_ == int((model.labels_ == -1).sum()) > 0
        con = sqlite3.connect(":memory:")
        names = list(frame.columns)
        con.execute("CREATE TABLE customers (" + ", ".join(f'"{c}"' for c in names) + ")")
        con.executemany(
            "INSERT INTO customers VALUES (" + ", ".join("?" for _ in names) + ")",
            [
                tuple(v.item() if hasattr(v, "item") else v for v in row)
                for row in frame.itertuples(index=False)
            ],
        )
        for dialect in ("ansi", "sqlite"):
            query = f"SELECT {model.to_sql(dialect)} FROM customers ORDER BY rowid"
            labels = np.array([r[0] for r in con.execute(query)])
            np.testing.assert_array_equal(labels, model.labels_)
            select = model.to_sql(dialect, table="customers", keep=["age"])
            rows = con.execute(select).fetchall()
            assert len(rows[0]) == 2
            np.testing.assert_array_equal([r[1] for r in rows], model.labels_)


def test_pickle_and_deepcopy_round_trip_through_the_model_json():
    frame = customers(n=150)
    model = PolytopeClustering(n_clusters=3, random_state=5, outliers=True).fit(frame)
    for copied in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        assert copied.model_.to_json() == model.model_.to_json()
        np.testing.assert_array_equal(copied.labels_, model.labels_)
        np.testing.assert_array_equal(copied.predict(frame), model.labels_)
        assert copied.rules_text() == model.rules_text()
        assert copied.get_params() == model.get_params()
        assert (copied.silhouette_, copied.fidelity_) == (model.silhouette_, model.fidelity_)


def test_save_and_load_round_trip(tmp_path):
    frame = customers(n=150)
    model = PolytopeClustering(n_clusters=3, random_state=5).fit(frame)
    model.save(tmp_path / "model.json")
    loaded = PolytopeClustering.load(tmp_path / "model.json")
    np.testing.assert_array_equal(loaded.predict(frame), model.labels_)
    assert loaded.rules_text() == model.rules_text()
    assert loaded.to_sql("postgres") == model.to_sql("postgres")
    np.testing.assert_array_equal(loaded.cluster_sizes_, model.cluster_sizes_)
    assert loaded.min_cluster_size_ == model.min_cluster_size_
    # Fitted on an array: positional names, no feature names.
    X = blobs()
    array_model = PolytopeClustering(n_clusters=3).fit(X)
    array_model.save(tmp_path / "array.json")
    again = PolytopeClustering.load(tmp_path / "array.json")
    assert not hasattr(again, "feature_names_in_")
    np.testing.assert_array_equal(again.predict(X), array_model.labels_)
    (tmp_path / "bad.json").write_text('{"schema_version": 1, "map": {}}')
    with pytest.raises(ValueError, match=r"^model file .*bad\.json: not a model: "):
        PolytopeClustering.load(tmp_path / "bad.json")
    # save replaces an earlier model, never a file polyclust did not write.
    array_model.save(tmp_path / "model.json")
    assert PolytopeClustering.load(tmp_path / "model.json").n_clusters == 3
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    with pytest.raises(FileExistsError, match="data.csv exists and is not a polyclust model"):
        model.save(tmp_path / "data.csv")
    assert (tmp_path / "data.csv").read_text() == "a,b\n1,2\n"


def test_clone_and_grid_search():
    X = blobs()
    model = PolytopeClustering(n_clusters=3, preset="mpc1", random_state=4)
    twin = clone(model)
    assert twin.get_params() == model.get_params() and not hasattr(twin, "labels_")

    # Trained and scored on the same rows: the fit's own silhouette.
    def silhouette(estimator, X, y=None):
        return estimator.silhouette_

    search = GridSearchCV(
        PolytopeClustering(preset="mpc1"),
        {"n_clusters": [2, 3, 4]},
        scoring=silhouette,
        cv=[(np.arange(len(X)), np.arange(len(X)))],
    ).fit(X)
    assert search.best_params_ == {"n_clusters": 3}


def test_seeds_follow_the_command_line():
    X = blobs(n=150, seed=3)
    a = PolytopeClustering(n_clusters=4, random_state=7, restarts=3).fit(X)
    assert [r["seed"] for r in a.runs_] == [7, 8, 9]
    assert a.best_seed_ in (7, 8, 9)
    b = PolytopeClustering(n_clusters=4, random_state=7, restarts=3).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    # The run kept with seed S is the run of a single restart with seed S.
    single = PolytopeClustering(n_clusters=4, random_state=a.best_seed_).fit(X)
    np.testing.assert_array_equal(single.labels_, a.labels_)
    ranged = PolytopeClustering(k_range=(2, 4), random_state=1, restarts=2).fit(X)
    assert [(r["k"], r["seed"]) for r in ranged.runs_] == [
        (2, 1),
        (2, 2),
        (3, 1),
        (3, 2),
        (4, 1),
        (4, 2),
    ]


@pytest.mark.parametrize(
    "X, params, match",
    [
        ([[1.0, np.inf], [2.0, 3.0], [4.0, 5.0]], {}, r"value inf is not a finite number"),
        ([[1, 2], [3, 4], [5, 6]], {"missing": "fill"}, r"invalid missing: 'fill'"),
        ([[1, 2], [3, 4], [5, 6]], {"preset": "mpc3"}, r"invalid preset: 'mpc3'"),
        ([[1, 2], [3, 4], [5, 6]], {"backend": "cplex"}, r'unknown backend "cplex"'),
        ([[1, 2], [3, 4], [5, 6]], {"coarse_start": "sometimes"}, r"invalid coarse-start"),
        ([[1, 2], [3, 4], [5, 6]], {"k_range": "2-4"}, r"invalid k_range"),
        ([[1, 2], [3, 4], [5, 6]], {"n_clusters": 2.5}, r"invalid n_clusters"),
        ([[1, 2], [3, 4], [5, 6]], {"random_state": -1}, r"invalid random_state"),
        ([[1, 2], [3, 4], [5, 6]], {"min_cluster_size": 0.5}, r"invalid min_cluster_size"),
        (np.zeros((0, 3)), {}, r"0 sample\(s\)"),
        (np.zeros((5, 0)), {}, r"0 feature\(s\)"),
        (np.zeros(5), {}, r"Expected 2D array"),
        (np.ones((4, 2)) + 1j, {}, r"Complex data not supported"),
    ],
)
def test_bad_input_raises_value_error(X, params, match):
    with pytest.raises(ValueError, match=match):
        PolytopeClustering(**params).fit(X)


def test_prediction_input_is_checked():
    frame = customers(n=150)
    model = PolytopeClustering(n_clusters=3).fit(frame)
    with (
        pytest.warns(UserWarning, match="feature names"),
        pytest.raises(ValueError, match="X has 4 features, but PolytopeClustering is expecting 5"),
    ):
        model.predict(frame.to_numpy()[:, :4])
    bad = frame.head(4).copy()
    bad["age"] = bad["age"].astype(object)
    bad.loc[bad.index[2], "age"] = "old"
    with pytest.raises(
        ValueError,
        match=r"row 3, column 'age': value 'old' is not a number but the model reads this column as numeric",
    ):
        model.predict(bad)
    with pytest.raises(
        ValueError, match=r"invalid dialect: 'oracle'; expected one of ansi, sqlite"
    ):
        model.to_sql("oracle")
    with pytest.raises(ValueError, match="keep applies to a SELECT"):
        model.to_sql(keep=["age"])
    from scipy import sparse

    with pytest.raises(TypeError, match="sparse"):
        model.predict(sparse.csr_matrix(np.ones((2, 5))))


def test_the_gil_is_released_during_a_fit():
    # Long enough (a few tenths of a second) for the ticks to tell, on a
    # machine where the search runs in its vector kernels.
    X = blobs(n=2000, seed=1)
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    thread = threading.Thread(target=tick)
    thread.start()
    start = time.perf_counter()
    # The silhouette objective from both starts: a fit of a few tenths of a
    # second (the default's k-means objective ends this one in hundredths).
    PolytopeClustering(
        n_clusters=4, restarts=10, objective="silhouette", coarse_start="both"
    ).fit(X)
    end = time.perf_counter()
    stop.set()
    thread.join()
    during = [t for t in ticks if start <= t <= end]
    # Held through the fit, the GIL would leave one gap as long as the fit;
    # released, the other thread keeps ticking. A ratio, not a time limit.
    gaps = np.diff([start, *during, end])
    assert end - start > 0.05, "the fit is too short to tell"
    assert gaps.max() < 0.5 * (end - start)


@pytest.mark.parametrize(
    "params",
    [
        {"max_cluster_size": 0},
        {"n_clusters": 39},
        {"k_range": (2, 39)},
        {"solver_time_limit": float("nan")},
        {"budget": 1e-9, "k_range": (2, 3)},
        {"beta": 0},
        {"m": 100, "beta": 4},
        {"m": 10**6},
        {"representation_weight": float("inf")},
        {"min_cluster_size": "99%", "n_clusters": 3},
        {"time_limit": 1e-9},
        {"k_max": 100},
        {"binarize": 2, "interactions": 2},
        {"backend": "highs", "coefficients": "general"},
    ],
)
def test_odd_settings_end_in_a_result_or_a_value_error(params):
    # Never a Rust panic (pyo3's PanicException is not an Exception).
    X = np.random.RandomState(0).rand(40, 3)
    try:
        model = PolytopeClustering(**params).fit(X)
    except ValueError:
        return
    np.testing.assert_array_equal(model.predict(X), model.labels_)


def test_missing_cells_get_a_label_as_the_command_line_decides_them():
    X = blobs(150)
    gaps = X.copy()
    gaps[::10, 1] = np.nan
    dropped = PolytopeClustering(n_clusters=3, random_state=1).fit(gaps)
    # Every row has a label; the rows with a gap are decided on the cells
    # they have, as predict decides them.
    assert dropped.labels_.shape == (150,)
    assert (dropped.labels_ >= 0).all()
    assert (dropped.predict(gaps) == dropped.labels_).all()
    # The rows without a gap are labelled as a fit on them alone labels them.
    complete = ~np.isnan(gaps).any(axis=1)
    alone = PolytopeClustering(n_clusters=3, random_state=1).fit(gaps[complete])
    assert (alone.labels_ == dropped.labels_[complete]).all()
    # Imputed: the medians are recorded in the model and used by predict.
    imputed = PolytopeClustering(n_clusters=3, random_state=1, missing="impute").fit(gaps)
    assert (imputed.predict(gaps) == imputed.labels_).all()
    assert '"impute"' in imputed.model_.to_json()
    # Text cells: None is a missing category.
    rows = [[x, "a" if x > 0 else "b"] for x in X[:, 0]]
    rows[3][1] = None
    labels = PolytopeClustering(n_clusters=2, random_state=0).fit(rows).labels_
    assert labels.shape == (150,)
