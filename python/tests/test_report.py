"""The HTML report (``PolytopeClustering.report``) and the notebook display
(``_repr_html_``): the page ``polyclust report`` writes, from Python."""

import re

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from conftest import customers
from polyclust import PolytopeClustering

SIGNATURE = "<!DOCTYPE html><!-- polyclust report -->"


def blobs(n=150, seed=0):
    X, y = make_blobs(n_samples=n, centers=3, cluster_std=0.7, random_state=seed)
    return X, y


def cards(html):
    return html.count('class="cluster-card"')


def self_contained(html):
    assert html.startswith(SIGNATURE)
    for banned in ("<link", "<img", "src=", "@import", "url("):
        assert banned not in html
    urls = len(re.findall(r"https?://", html))
    assert urls == html.count('xmlns="http://www.w3.org/2000/svg"')


def test_report_writes_one_self_contained_page(tmp_path):
    X, y = blobs()
    est = PolytopeClustering(n_clusters=3, preset="mpc1").fit(X)
    path = tmp_path / "report.html"
    assert est.report(X, path, y=y) == path
    html = path.read_text(encoding="utf-8")
    self_contained(html)
    assert cards(html) == est.n_clusters_
    assert f'data-clusters="{est.n_clusters_}"' in html
    assert ">ARI<" in html and ">NCA<" in html
    assert "CASE" in html
    assert "PolytopeClustering(" in html and ".report(X, " in html
    # Its silhouette is the fit's, on the same rows.
    assert f"{est.silhouette_:.4f}" in html


def test_report_of_a_frame_with_categories_and_a_choice_of_k(tmp_path):
    frame = customers(n=150)
    est = PolytopeClustering(k_range=(2, 4), preset="mpc1").fit(frame)
    path = tmp_path / "customers.html"
    est.report(frame, path, columns=("age", "income"), dialect="duckdb")
    html = path.read_text(encoding="utf-8")
    self_contained(html)
    assert cards(html) == est.n_clusters_
    assert 'id="chart-k-silhouette"' in html and 'data-charts="4"' in html
    assert "Horizontal: age; vertical: income." in html
    assert "(duckdb)" in html
    assert ">ARI<" not in html


def test_report_refuses_what_it_did_not_write(tmp_path):
    X, _ = blobs()
    est = PolytopeClustering(n_clusters=3, preset="mpc1").fit(X)
    mine = tmp_path / "notes.html"
    mine.write_text("<!DOCTYPE html>\n<p>mine</p>\n")
    with pytest.raises(FileExistsError, match="notes.html"):
        est.report(X, mine)
    assert mine.read_text() == "<!DOCTYPE html>\n<p>mine</p>\n"
    ours = tmp_path / "ours.html"
    est.report(X, ours)
    est.report(X, ours, dialect="spark")
    assert "(spark)" in ours.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="'nope'"):
        est.report(X, tmp_path / "r.html", columns=("x0", "nope"))
    with pytest.raises(ValueError, match="invalid dialect"):
        est.report(X, tmp_path / "r.html", dialect="oracle")


def test_a_fitted_estimator_shows_its_clusters_in_a_notebook():
    X, _ = blobs()
    unfitted = PolytopeClustering(n_clusters=3)
    assert "<table" not in unfitted._repr_html_() or "polyclust model" not in unfitted._repr_html_()
    est = PolytopeClustering(n_clusters=3, preset="mpc1").fit(X)
    table = est._repr_html_()
    assert "polyclust model" in table
    assert table.count("<tr>") == est.n_clusters_ + 1
    for c in range(est.n_clusters_):
        assert f"Cluster {c}" in table
    assert "<script" not in table
    assert est._repr_mimebundle_()["text/html"] == table


def test_the_page_is_the_command_lines(cli, tmp_path):
    frame = customers(n=150)
    est = PolytopeClustering(n_clusters=3, preset="mpc1").fit(frame)
    est.save(tmp_path / "model.json")
    frame.to_csv(tmp_path / "customers.csv", index=False)
    cli(
        "report", "--model", tmp_path / "model.json", "--data", tmp_path / "customers.csv",
        "--out", tmp_path / "cli.html",
    )
    est.report(frame, tmp_path / "py.html")
    strip = lambda t: re.sub(r"<pre class=\"command\">.*?</pre>", "", t, flags=re.S)
    cli_html = strip((tmp_path / "cli.html").read_text(encoding="utf-8"))
    py_html = strip((tmp_path / "py.html").read_text(encoding="utf-8"))
    # The same page but for its title (the file's name, "X" from Python).
    assert cli_html.replace("customers", "X") == py_html
