"""Peers of `polyclust bench reference`: each method run at the reference k
of an instance for each seed, on the prepared, scaled features polyclust
clusters; polyclust measures the labels returned (ARI, NCA, silhouette,
price of explainability) with its own code, so every method is measured
the same way.

Methods (scikit-learn, ExKMC 0.0.3):
  kmeans   KMeans(k, n_init=10, random_state=seed)
  gmm      GaussianMixture(k, covariance_type="full", random_state=seed)
  ward     AgglomerativeClustering(k, linkage="ward"): deterministic, run
           once and reported for every seed
  exkmc1   Tree(k, max_leaves=k) (IMM) on ExKMC's own k-means
  exkmc5   Tree(k, max_leaves=5k) (ExKMC) on the same k-means
ExKMC's own k-means is the one Tree.fit makes when it is given none,
KMeans(k, n_init=1, max_iter=40, random_state=seed); it is made here and
passed in because Tree.fit's own call passes n_jobs, which scikit-learn no
longer accepts.
A tree's size: its conditions (the length of every leaf's path, summed over
the leaves), the mean path length over the rows (each row's leaf), its
leaves and the distinct features its nodes read; its seconds include its
k-means.

Reads {"instances": [{"name", "csv", "k"}], "seeds": [..]} on stdin (each
CSV: the prepared, scaled features, no header) and prints one JSON object
{"versions": {..}, "results": {name: {method: [run per seed]}}}, a run being
{"seed", "labels", "seconds"} plus the tree's size for the trees, or
{"seed", "error"}; a method whose package cannot be imported is absent.
Run by polyclust, not by hand.
"""

import json
import sys
import time
import warnings

import numpy as np

try:
    import sklearn
    from sklearn.cluster import AgglomerativeClustering, KMeans
    from sklearn.mixture import GaussianMixture
except ImportError:
    sklearn = None
try:
    import ExKMC
    from ExKMC.Tree import Tree
except ImportError:
    Tree = None


def tree_size(tree, x):
    """Conditions, mean path length over the rows, leaves and features of a
    fitted ExKMC tree on the rows x."""
    conditions = 0
    weighted = 0
    leaves = 0
    features = set()
    stack = [(tree.tree, np.arange(x.shape[0]), 0)]
    while stack:
        node, rows, depth = stack.pop()
        if node.is_leaf():
            leaves += 1
            conditions += depth
            weighted += depth * len(rows)
            continue
        features.add(int(node.feature))
        left = x[rows, node.feature] <= node.value
        stack.append((node.left, rows[left], depth + 1))
        stack.append((node.right, rows[~left], depth + 1))
    return {
        "conditions": conditions,
        "weighted_conditions": weighted / max(x.shape[0], 1),
        "leaves": leaves,
        "features": len(features),
    }


def timed(fit):
    start = time.perf_counter()
    out = fit()
    return out, time.perf_counter() - start


def run(method, x, k, seed, cache):
    if method == "kmeans":
        km, seconds = timed(lambda: KMeans(k, n_init=10, random_state=seed).fit(x))
        return {"labels": km.labels_, "seconds": seconds}
    if method == "gmm":
        gm, seconds = timed(
            lambda: GaussianMixture(k, covariance_type="full", random_state=seed).fit(x)
        )
        return {"labels": gm.predict(x), "seconds": seconds}
    if method == "ward":
        if "ward" not in cache:
            cache["ward"] = timed(
                lambda: AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(x)
            )
        labels, seconds = cache["ward"]
        return {"labels": labels, "seconds": seconds}
    if method in ("exkmc1", "exkmc5"):
        if ("exkmc-kmeans", seed) not in cache:
            cache[("exkmc-kmeans", seed)] = timed(
                lambda: KMeans(k, n_init=1, max_iter=40, random_state=seed).fit(x)
            )
        km, km_seconds = cache[("exkmc-kmeans", seed)]
        leaves = k if method == "exkmc1" else 5 * k
        tree, seconds = timed(lambda: Tree(k=k, max_leaves=leaves).fit(x, km))
        out = {"labels": tree.predict(x), "seconds": km_seconds + seconds}
        out.update(tree_size(tree, x))
        return out
    raise ValueError(method)


def main():
    request = json.load(sys.stdin)
    methods = []
    if sklearn is not None:
        methods += ["kmeans", "gmm", "ward"]
        if Tree is not None:
            methods += ["exkmc1", "exkmc5"]
        # Imports and first-call costs out of the first instance's seconds.
        warm = np.random.RandomState(0).rand(50, 2)
        KMeans(2, n_init=1, random_state=0).fit(warm)
        GaussianMixture(2, random_state=0).fit(warm)
    results = {}
    for item in request["instances"]:
        x = np.loadtxt(item["csv"], delimiter=",", ndmin=2)
        k = item["k"]
        cache = {}
        per_method = {m: [] for m in methods}
        for seed in request["seeds"]:
            for method in methods:
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        out = run(method, x, k, seed, cache)
                    out["labels"] = [int(v) for v in np.asarray(out["labels"])]
                except Exception as e:  # reported, not fatal: one method's failure
                    out = {"error": f"{type(e).__name__}: {e}"}
                out["seed"] = seed
                per_method[method].append(out)
        results[item["name"]] = per_method
    versions = {"python": sys.version.split()[0], "numpy": np.__version__}
    if sklearn is not None:
        versions["scikit-learn"] = sklearn.__version__
    if Tree is not None:
        versions["ExKMC"] = getattr(ExKMC, "__version__", "unknown")
    json.dump({"versions": versions, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
