"""Fixtures: the benchmark instances, the ``polyclust`` command line, and
small generated tables.

Tests that need the instances (``POLYCLUST_INSTANCES``) or the command line
(``POLYCLUST_BIN``, else ``target/{debug,release}/polyclust`` of the
repository) skip when they are missing, and fail instead when the
environment variable ``CI`` is ``true`` or ``1``: CI must run them.
"""

import csv
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]


def in_ci():
    return os.environ.get("CI", "").lower() in ("true", "1")


def need(what):
    """Skip, or under CI fail, for something a test cannot run without."""
    if in_ci():
        pytest.fail(f"{what}; CI must run this test")
    pytest.skip(what)


@pytest.fixture(scope="session")
def instances():
    value = os.environ.get("POLYCLUST_INSTANCES")
    if not value:
        need("POLYCLUST_INSTANCES is not set")
    path = Path(value)
    if not (path / "manifest.json").is_file():
        need(f"POLYCLUST_INSTANCES={value} holds no manifest.json")
    return path


def _binary():
    value = os.environ.get("POLYCLUST_BIN")
    if value:
        return Path(value) if Path(value).is_file() else None
    built = [REPO / "target" / p / "polyclust" for p in ("debug", "release")]
    built = [p for p in built if p.is_file()]
    return max(built, key=lambda p: p.stat().st_mtime) if built else None


@pytest.fixture(scope="session")
def cli():
    """Run ``polyclust ARGS``; returns the completed process."""
    binary = _binary()
    if binary is None:
        need("the polyclust binary is not built (set POLYCLUST_BIN or run cargo build)")

    def run(*args, check=True):
        proc = subprocess.run(
            [str(binary), *map(str, args)], capture_output=True, text=True, timeout=600
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"polyclust {' '.join(map(str, args))} failed: {proc.stderr}")
        return proc

    return run


def read_instance(instances, name):
    """An instance's features as a DataFrame (numbers parsed exactly, as the
    command line parses them) and its labels."""
    import pandas as pd

    # Python's float() is correctly rounded, as Rust's parse is.
    with open(instances / f"{name}.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    frame = pd.DataFrame({c: [float(r[c]) for r in rows] for c in rows[0] if c != "label"})
    return frame, np.array([r["label"] for r in rows])


def read_assignments(path):
    """``row,cluster`` of ``assignments.csv`` as arrays."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return (
        np.array([int(r["row"]) for r in rows]),
        np.array([int(r["cluster"]) for r in rows]),
    )


def cluster_cli(cli, tmp_path, *args):
    """``polyclust cluster ARGS --out DIR --json``: (labels, JSON, DIR)."""
    out = tmp_path / "run"
    proc = cli("cluster", *args, "--out", out, "--json")
    rows, labels = read_assignments(out / "assignments.csv")
    assert (rows == np.arange(len(rows))).all()
    return labels, json.loads(proc.stdout), out


def customers(n=240, seed=7):
    """A seeded customer-like table: numbers and categories."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    segment = rng.integers(0, 3, n)
    age = np.round(rng.normal([28, 45, 63], 4, (n, 3))[np.arange(n), segment], 1)
    income = np.round(rng.normal([32, 71, 48], 6, (n, 3))[np.arange(n), segment], 2)
    visits = rng.poisson([9, 3, 5], (n, 3))[np.arange(n), segment]
    plan = np.array(["basic", "premium", "family"])[segment]
    # Some noise in the categories, so they do not give the segments away.
    flip = rng.random(n) < 0.1
    plan[flip] = rng.choice(["basic", "premium", "family"], flip.sum())
    region = rng.choice(["north", "south", "east"], n)
    return pd.DataFrame(
        {"age": age, "income": income, "visits": visits, "plan": plan, "region": region}
    )
