"""polyclust: interpretable clustering with polytopes.

* :class:`PolytopeClustering` — Multi-Polytope Clustering as a scikit-learn
  clusterer: every cluster is explained by a polytope of half-spaces with
  small integer coefficients, shown as rules (``rules_text``), JSON and SQL
  (``to_sql``); models round-trip through the ``model.json`` of the command
  line (``save``, ``load``).
* :func:`screen_interactions` — which products of features matter for a
  numeric target (lasso-CV or Neural Interaction Detection).
* :class:`IBCRegimes` — interaction-based regimes and the A/B/C/D report.

The same settings and seed give the same result as the ``polyclust``
command line: both run the same library code.
"""

from ._cluster import PolytopeClustering
from ._ibc import IBCRegimes, screen_interactions

__all__ = ["PolytopeClustering", "IBCRegimes", "screen_interactions"]
__version__ = "0.1.0"
