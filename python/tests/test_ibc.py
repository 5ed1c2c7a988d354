"""Interaction screening and IBC regimes: the command line's results from
Python, on the article's simulated data."""

import json
import pickle

import numpy as np
import pytest

from conftest import customers
from polyclust import IBCRegimes, screen_interactions


@pytest.fixture
def article(cli, tmp_path):
    """The IBC article's simulation (written by ``polyclust ibc --simulate``)
    as (CSV path, X, y)."""
    import csv

    import pandas as pd

    path = tmp_path / "article.csv"
    cli(
        "ibc",
        "--simulate",
        "article",
        "--rows",
        300,
        "--noise-features",
        1,
        "--seed",
        1,
        "--write",
        path,
    )
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    X = pd.DataFrame({c: [float(r[c]) for r in rows] for c in rows[0] if c != "Y"})
    y = np.array([float(r["Y"]) for r in rows])
    return path, X, y


@pytest.mark.parametrize("method", ["lasso", "nid"])
def test_screening_gives_the_command_lines_ranking(cli, article, method):
    path, X, y = article
    proc = cli(
        "interactions",
        "--data",
        path,
        "--target",
        "Y",
        "--method",
        method,
        "--top",
        3,
        "--seed",
        2,
        "--json",
    )
    expected = [
        (tuple(i["features"]), i["strength"]) for i in json.loads(proc.stdout)["interactions"]
    ]
    ranked = screen_interactions(X, y, method=method, top=3, random_state=2)
    assert ranked == expected
    assert ranked[0][0] == ("Xi", "Xj")
    frame = screen_interactions(X, y, method=method, top=3, random_state=2, as_frame=True)
    assert list(frame["interaction"]) == ["×".join(n) for n, _ in expected]


@pytest.mark.parametrize(
    "flags, params", [([], {}), (["--no-polytope", "--folds", 3], dict(polytope=False, folds=3))]
)
def test_ibc_gives_the_command_lines_report(cli, article, flags, params):
    path, X, y = article
    proc = cli("ibc", "--data", path, "--target", "Y", "--seed", 4, "--json", *flags)
    expected = json.loads(proc.stdout)
    model = IBCRegimes(random_state=4, **params).fit(X, y)
    report = dict(model.report_)
    del report["seconds"], expected["seconds"]
    assert report == expected
    assert model.top_interactions_ == ["Xi×Xj"]
    assert model.report_["models"]["B"]["r2_cv"] > model.report_["models"]["A"]["r2_cv"] + 0.3


def test_ibc_predicts_per_regime(article):
    _, X, y = article
    model = IBCRegimes(random_state=0, polytope=False).fit(X, y)
    all4 = model.predict_all(X)
    assert set(all4) == {"A", "B", "C", "D"}
    np.testing.assert_array_equal(model.predict(X), all4["B"])
    np.testing.assert_array_equal(model.predict(X, model="C"), all4["C"])
    # In-sample R² of model B, as the report has it.
    assert model.score(X, y) == pytest.approx(model.report_["models"]["B"]["r2_in"], rel=1e-9)
    regimes = model.predict_regime(X)
    assert set(regimes) <= set(range(model.split_["regimes"]))
    variable = model.split_["variables"][0]
    cuts = model.split_["thresholds"]
    np.testing.assert_array_equal(regimes, np.searchsorted(cuts, X[variable], side="right"))
    with pytest.raises(ValueError, match="invalid model"):
        model.predict(X, model="E")
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(model)
    pickle.loads(pickle.dumps(IBCRegimes(degree=3)))


def test_ibc_reads_categories_as_the_command_line_does(cli, tmp_path):
    frame = customers(n=200, seed=5)
    y = frame["age"] * 0.1 + (frame["plan"] == "premium") * frame["income"] * 0.05
    frame = frame.drop(columns=["age"])
    model = IBCRegimes(polytope=False, folds=3).fit(frame, y)
    data = frame.assign(target=np.asarray(y))
    data.to_csv(tmp_path / "c.csv", index=False)
    proc = cli(
        "ibc",
        "--data",
        tmp_path / "c.csv",
        "--target",
        "target",
        "--no-polytope",
        "--folds",
        3,
        "--json",
    )
    expected = json.loads(proc.stdout)
    assert model.report_["top_interactions"] == expected["top_interactions"]
    assert model.report_["models"] == expected["models"]
    assert len(model.predict(frame.head(5))) == 5


def test_bad_screening_and_ibc_input_raise_value_error(article):
    _, X, y = article
    with pytest.raises(ValueError, match="degree must be 2 or 3, got 4"):
        screen_interactions(X, y, degree=4)
    with pytest.raises(ValueError, match="invalid method: 'tree'"):
        screen_interactions(X, y, method="tree")
    with pytest.raises(ValueError, match="X has 300 rows but y has 299 values"):
        screen_interactions(X, y[:-1])
    with pytest.raises(ValueError, match="y, row 4: target value NaN is not a finite number"):
        screen_interactions(X, np.where(np.arange(len(y)) == 3, np.nan, y))
    with pytest.raises(ValueError, match="interactions need at least two feature columns"):
        screen_interactions(X[["Xi"]], y)
    with pytest.raises(ValueError, match="invalid option: at least 2 folds are needed, got 1"):
        IBCRegimes(folds=1).fit(X, y)
    with pytest.raises(ValueError, match="too few for 5-fold cross-validation"):
        IBCRegimes().fit(X.head(20), y[:20])
