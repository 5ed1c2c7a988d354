"""Peers of `polyclust bench speed`: median seconds of one k-means++ run
(scikit-learn, n_init=1) and one ExKMC-1 run (the IMM threshold tree with k
leaves, its own k-means included) over a range of k, one thread; each run
is timed `repeats` times (default 1) and the fastest is kept.

Reads a JSON list of {"name", "csv"} on stdin (each CSV: the prepared,
scaled features, no header), prints one JSON object
{name: {"kmeans++": s, "exkmc1": s}}; a peer that cannot be imported is
reported as null. Run by polyclust, not by hand.
"""

import json
import os
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402

try:
    from sklearn.cluster import KMeans
except ImportError:
    KMeans = None
try:
    from ExKMC.Tree import Tree
except ImportError:
    Tree = None


def median(values):
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else 0.5 * (values[mid - 1] + values[mid])


def main():
    request = json.load(sys.stdin)
    ks = range(request["k_lo"], request["k_hi"] + 1)
    seed = request["seed"]
    repeats = request.get("repeats", 1)
    out = {}
    for item in request["instances"]:
        x = np.loadtxt(item["csv"], delimiter=",", ndmin=2)
        row = {"kmeans++": None, "exkmc1": None}
        if KMeans is not None:
            KMeans(2, n_init=1, random_state=seed).fit(x)  # warm-up
            times = []
            for k in ks:
                fastest = float("inf")
                for _ in range(repeats):
                    t = time.perf_counter()
                    KMeans(k, n_init=1, random_state=seed).fit(x)
                    fastest = min(fastest, time.perf_counter() - t)
                times.append(fastest)
            row["kmeans++"] = median(times)
        if KMeans is not None and Tree is not None:
            times = []
            for k in ks:
                fastest = float("inf")
                for _ in range(repeats):
                    t = time.perf_counter()
                    # ExKMC's own k-means (n_init=1, max_iter=40), passed in
                    # because its Tree.fit still calls KMeans with n_jobs.
                    km = KMeans(k, n_init=1, max_iter=40, random_state=seed).fit(x)
                    Tree(k=k, max_leaves=k).fit(x, km)
                    fastest = min(fastest, time.perf_counter() - t)
                times.append(fastest)
            row["exkmc1"] = median(times)
        out[item["name"]] = row
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
