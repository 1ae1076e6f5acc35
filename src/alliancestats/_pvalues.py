r"""p-values from an exact null pmf of K or from Monte Carlo draws of K.

* ``greater``: :math:`P(K \ge k)`; ``less``: :math:`P(K \le k)`;
* ``two-sided``: twice the smaller tail, capped at 1,
  :math:`\min\{1,\ 2\min[P(K \ge k),\ P(K \le k)]\}` (the *central* rule of
  :func:`scipy.stats.permutation_test`). :func:`scipy.stats.binomtest` instead
  sums the outcomes no more likely than the observed one; that rule is not used
  here because its Monte Carlo estimate jumps whenever two estimated
  probabilities swap order, so exact and Monte Carlo values could not be
  compared within standard errors. One-sided values equal ``binomtest``'s.

Monte Carlo uses the same definitions on the ``B`` draws, with the observation
counted among them: a tail is ``(1 + hits) / (1 + B)``. Its standard error is
:math:`\sqrt{\hat p (1 - \hat p) / B}` (doubled along with a two-sided value).
"""

from __future__ import annotations

import numpy as np


def exact_pvalue(pmf: np.ndarray, k: int, alternative: str) -> float:
    upper, lower = pmf[k:].sum(), pmf[: k + 1].sum()
    p = {"greater": upper, "less": lower}.get(alternative, 2 * min(upper, lower))
    return float(min(max(p, 0.0), 1.0))


def monte_carlo_pvalue(draws: np.ndarray, k: int, alternative: str) -> tuple[float, float]:
    """Return the Monte Carlo p-value ``(1 + hits) / (1 + B)`` and its standard error."""
    draws = np.asarray(draws)
    b = draws.size
    upper = (1 + int((draws >= k).sum())) / (1 + b)
    lower = (1 + int((draws <= k).sum())) / (1 + b)
    tail = {"greater": upper, "less": lower}.get(alternative, min(upper, lower))
    factor = 2 if alternative == "two-sided" else 1
    se = factor * np.sqrt(tail * (1 - tail) / b)
    return float(min(factor * tail, 1.0)), float(se)


def empirical_pmf(draws: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(np.asarray(draws, dtype=np.int64), minlength=n + 1)[: n + 1] / len(draws)
