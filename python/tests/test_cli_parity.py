"""The same settings and seed give the same clusters, rules and messages in
Python as on the command line, and models move between the two through
``model.json``."""

import json

import numpy as np
import pytest

from conftest import cluster_cli, customers, read_instance
from polyclust import PolytopeClustering, _core
from polyclust._cluster import DATA_SETTINGS, SPEC_NAMES


@pytest.mark.parametrize(
    "name, flags, params",
    [
        ("hepta", ["--k", 7, "--seed", 3], dict(n_clusters=7, random_state=3)),
        (
            "hepta",
            ["--k-range", "6..8", "--restarts", 2, "--preset", "mpc1", "--seed", 11],
            dict(k_range=(6, 8), restarts=2, preset="mpc1", random_state=11),
        ),
        ("iris", ["--k", 3, "--seed", 0], dict(n_clusters=3, random_state=0)),
        # A union of polytopes per cluster (--pieces): atom's core and shell.
        ("atom", ["--k", 2, "--pieces", 8, "--seed", 1], dict(n_clusters=2, pieces=8, random_state=1)),
        (
            "iris",
            ["--k-range", "2..4", "--restarts", 2, "--seed", 5, "--outliers"],
            dict(k_range="2..4", restarts=2, random_state=5, outliers=True),
        ),
        (
            "iris",
            ["--k", 3, "--m", 2, "--beta", 1, "--min-cluster-size", 10, "--seed", 2],
            dict(n_clusters=3, m=2, beta=1, min_cluster_size=10, random_state=2),
        ),
    ],
)
def test_instances_give_the_command_lines_labels(cli, instances, tmp_path, name, flags, params):
    labels, report, out = cluster_cli(cli, tmp_path, "--instance", name, *flags)
    X, _ = read_instance(instances, name)
    model = PolytopeClustering(**params).fit(X)
    np.testing.assert_array_equal(model.labels_, labels)
    assert model.n_clusters_ == report["k"]
    assert model.silhouette_ == report["silhouette"]
    assert model.fidelity_ == report["fidelity"]
    assert model.cluster_sizes_.tolist() == report["sizes"]
    assert model.min_cluster_size_ == report["min_cluster_size"]
    assert model.outliers_ == report["outliers"]
    assert (model.best_k_, model.best_seed_) == (report["best_k"], report["best_seed"])
    assert len(model.runs_) == report["runs"]
    assert model.rules_text() == (out / "rules.txt").read_text()
    assert model.to_sql() + "\n" == (out / "rules.sql").read_text()
    # The model file itself: the same JSON as --out writes.
    assert json.loads(model.model_.to_json()) == json.loads((out / "model.json").read_text())


def test_a_frame_with_categories_is_clustered_as_its_csv(cli, tmp_path):
    frame = customers()
    path = tmp_path / "customers.csv"
    frame.to_csv(path, index=False)
    labels, _, out = cluster_cli(
        cli, tmp_path, "--data", path, "--no-label", "--k", 3, "--seed", 4, "--restarts", 2
    )
    model = PolytopeClustering(n_clusters=3, random_state=4, restarts=2).fit(frame)
    np.testing.assert_array_equal(model.labels_, labels)
    assert model.feature_names_[:3] == ["age", "income", "visits"]
    assert "plan=basic" in model.feature_names_ and "region=north" in model.feature_names_
    assert model.rules_text() == (out / "rules.txt").read_text()


def test_a_model_written_by_the_command_line_loads_and_predicts(cli, instances, tmp_path):
    labels, report, out = cluster_cli(cli, tmp_path, "--instance", "iris", "--k", 3, "--outliers")
    X, _ = read_instance(instances, "iris")
    model = PolytopeClustering.load(out / "model.json")
    np.testing.assert_array_equal(model.predict(X), labels)
    # Arrays are read by position in the model's columns.
    with pytest.warns(UserWarning, match="feature names"):
        np.testing.assert_array_equal(model.predict(X.to_numpy()), labels)
    assert model.n_clusters_ == report["k"] and model.n_features_in_ == 4
    assert list(model.feature_names_in_) == list(X.columns)
    assert (model.m, model.beta, model.outliers) == (3, 2, True)
    assert model.rules_text() == (out / "rules.txt").read_text()


def test_a_model_saved_from_python_predicts_on_the_command_line(cli, tmp_path):
    frame = customers(n=150, seed=3)
    model = PolytopeClustering(n_clusters=3, random_state=1).fit(frame)
    model.save(tmp_path / "model.json")
    data = tmp_path / "new.csv"
    fresh = customers(n=60, seed=9)
    fresh.to_csv(data, index=False)
    proc = cli("predict", "--model", tmp_path / "model.json", "--data", data)
    rows, predicted = read_assignments_text(proc.stdout)
    np.testing.assert_array_equal(rows, np.arange(60))
    np.testing.assert_array_equal(model.predict(fresh), predicted)
    explained = cli(
        "explain",
        "--model",
        tmp_path / "model.json",
        "--format",
        "sql",
        "--dialect",
        "sqlite",
        "--table",
        "t",
        "--keep",
        "age",
    )
    assert explained.stdout == model.to_sql("sqlite", table="t", keep=["age"]) + "\n"


def read_assignments_text(text):
    lines = text.strip().splitlines()
    assert lines[0] == "row,cluster"
    pairs = np.array([[int(v) for v in line.split(",")] for line in lines[1:]])
    return pairs[:, 0], pairs[:, 1]


@pytest.mark.parametrize(
    "flags, params",
    [
        (["--k", 1], dict(n_clusters=1)),
        (["--k", 300], dict(n_clusters=300)),
        (["--k", 3, "--m", 0], dict(n_clusters=3, m=0)),
        (["--k", 3, "--beta", 20], dict(n_clusters=3, beta=20)),
        (["--k", 3, "--lambda", -1], dict(n_clusters=3, representation_weight=-1.0)),
        (["--k", 3, "--min-cluster-size", "90"], dict(n_clusters=3, min_cluster_size=90)),
        (["--k", 3, "--time-limit", 0], dict(n_clusters=3, time_limit=0)),
        (["--k", 3, "--general"], dict(n_clusters=3, coefficients="general")),
        (["--k", 3, "--k-max", 2], dict(n_clusters=3, k_max=2)),
        (["--k", 3, "--restarts", 0], dict(n_clusters=3, restarts=0)),
        (["--k", 3, "--kmeans-restarts", 0], dict(n_clusters=3, kmeans_restarts=0)),
        (["--k", 3, "--binarize", 1], dict(n_clusters=3, binarize=1)),
        (["--k-range", "2..4", "--budget", -1], dict(k_range=(2, 4), budget=-1)),
    ],
)
def test_bad_settings_raise_the_command_lines_message(cli, tmp_path, flags, params):
    frame = customers(n=150, seed=1)
    path = tmp_path / "c.csv"
    frame.to_csv(path, index=False)
    proc = cli("cluster", "--data", path, "--no-label", *flags, check=False)
    assert proc.returncode == 2, proc.stderr
    message = proc.stderr.strip()
    assert message.startswith("error: ")
    with pytest.raises(ValueError) as raised:
        PolytopeClustering(**params).fit(frame)
    # The command line names its flags where the estimator names its keyword arguments.
    expected = message[len("error: ") :].replace("--backend highs", "backend='highs'")
    assert str(raised.value) == expected


@pytest.mark.parametrize("value", [0, "150%", "x%"])
def test_a_bad_minimum_size_raises_the_sentence_the_command_line_quotes(cli, tmp_path, value):
    # The command line parses the flag with clap, which quotes the library's
    # sentence inside its own.
    frame = customers(n=150, seed=1)
    path = tmp_path / "c.csv"
    frame.to_csv(path, index=False)
    proc = cli(
        "cluster", "--data", path, "--no-label", "--k", 3, "--min-cluster-size", value, check=False
    )
    assert proc.returncode == 2
    with pytest.raises(ValueError) as raised:
        PolytopeClustering(n_clusters=3, min_cluster_size=value).fit(frame)
    assert str(raised.value).startswith("invalid min-cluster-size: ")
    assert str(raised.value) in proc.stderr


def test_an_unknown_category_raises_predicts_message(cli, tmp_path):
    frame = customers(n=150, seed=2)
    model = PolytopeClustering(n_clusters=3).fit(frame)
    model.save(tmp_path / "model.json")
    new = frame.head(3).copy()
    new.loc[new.index[1], "plan"] = "gold"
    new.to_csv(tmp_path / "new.csv", index=False)
    proc = cli(
        "predict", "--model", tmp_path / "model.json", "--data", tmp_path / "new.csv", check=False
    )
    with pytest.raises(ValueError) as raised:
        model.predict(new)
    # The same sentence, naming the table where the command line names the file.
    expected = proc.stderr.strip()[len("error: ") :].replace(str(tmp_path / "new.csv"), "X")
    assert str(raised.value) == expected


def test_every_keyword_argument_is_a_job_setting_with_the_librarys_default():
    # The library's job description (ClusterSpec) owns the settings and
    # their defaults; the estimator only renames four of them and adds the
    # data options (how its rows are read).
    defaults = json.loads(_core.cluster_spec_defaults())
    params = PolytopeClustering().get_params()
    assert set(DATA_SETTINGS) <= set(params)
    fields = {SPEC_NAMES.get(n, n): n for n in params if n not in DATA_SETTINGS}
    assert sorted(fields) == sorted(defaults), "a setting without a keyword argument, or the reverse"
    assert set(SPEC_NAMES) <= set(params)
    # What the estimator hands over with its defaults is the library's default job.
    assert json.loads(PolytopeClustering()._spec()) == defaults


def test_fit_y_is_the_screening_target_and_explain_keeps_given_clusters(cli, instances, tmp_path):
    X, y = read_instance(instances, "iris")
    # --target: the interaction products are screened against a column.
    frame = X.assign(species=y)
    path = tmp_path / "iris.csv"
    frame.to_csv(path, index=False)
    labels, report, out = cluster_cli(
        cli, tmp_path, "--data", path, "--no-label", "--k", 3,
        "--interactions", 2, "--target", "species", "--seed", 1,
    )
    model = PolytopeClustering(n_clusters=3, interactions=2, random_state=1).fit(X, y)
    np.testing.assert_array_equal(model.labels_, labels)
    assert model.interactions_ == report["interactions"]
    # --labels-from: given clusters explained as they are.
    labels, report, out = cluster_cli(
        cli, tmp_path, "--data", path, "--no-label", "--labels-from", "species", "--seed", 1,
    )
    explained = PolytopeClustering(random_state=1).explain(X, y)
    np.testing.assert_array_equal(explained.labels_, labels)
    assert explained.fidelity_ == report["fidelity"]
    assert explained.status_ == "explained"
    assert explained.rules_text() == (out / "rules.txt").read_text()


def test_fit_measures_the_clusters_as_the_command_line_does(cli, instances, tmp_path):
    # At the reference k, against the classes: the same ARI, NCA, price of
    # explainability and explanation size as `cluster --json`.
    X, y = read_instance(instances, "iris")
    labels, report, _ = cluster_cli(cli, tmp_path, "--instance", "iris", "--k", 3)
    model = PolytopeClustering(n_clusters=3).fit(X, y)
    np.testing.assert_array_equal(model.labels_, labels)
    assert model.n_clusters_ == 3 == report["k"]
    assert model.ari_ == report["ari"] and model.nca_ == report["nca"]
    assert model.price_of_explainability_ == report["price_of_explainability"]
    assert model.explanation_size_ == report["explanation"]
    assert model.objective_ == report["objective"] == "kmeans"
    assert 1.0 <= model.price_of_explainability_ < 1.05
    # Without y there is nothing to measure against.
    assert not hasattr(PolytopeClustering(n_clusters=3).fit(X), "ari_")
