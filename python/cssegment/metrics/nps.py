"""Net Promoter Score with its standard error, per segment, and the z-test of two scores.

The definitions are in the user guide (``docs/guide/metrics.md``, "NPS and its uncertainty").

Examples
--------
>>> import cssegment as cs
>>> float(cs.nps([10, 9, 8, 6, 10])["nps"])
40.0
"""

from __future__ import annotations

from typing import overload

import numpy as np
import pandas as pd

from .. import _core, _frame
from .ledger_input import segment_index

__all__ = ["nps", "nps_difference"]


@overload
def nps(scores: _frame.ArrayLike, by: None = ...) -> pd.Series: ...
@overload
def nps(scores: _frame.ArrayLike, by: _frame.Labels) -> pd.DataFrame: ...
def nps(scores: _frame.ArrayLike, by: _frame.Labels | None = None) -> pd.Series | pd.DataFrame:
    """Net Promoter Score with its standard error and 95% interval.

    Promoters score 9-10, passives 7-8, detractors 0-6; NPS = 100 (promoters - detractors) / n,
    standard error = 100 sqrt((pP + pD - (pP - pD)^2) / n), interval NPS +/- 1.96 SE. Scores must
    be whole numbers 0-10; NaN means no answer and is not counted.

    Parameters
    ----------
    scores : array-like or pandas.Series
        Answers 0-10 (NaN: no answer).
    by : array-like of segment labels, optional
        One label per score: the result has one row per segment.

    Returns
    -------
    pandas.Series (without `by`) or pandas.DataFrame indexed by ``segment``
        ``nps, standard_error, ci_low, ci_high, n, promoters, passives, detractors``.

    Examples
    --------
    >>> import cssegment as cs
    >>> cs.nps([10, 9, 8, 6, 10])["nps"]
    np.float64(40.0)
    """
    values = _frame.numeric(scores, "scores", booleans=False)
    if by is None:
        columns = _core.metrics.nps(values, None, 1)
        return pd.Series({k: v[0] for k, v in columns.items()}, name="nps")
    _frame.check_length("by", by, "scores", len(values))
    codes, categories = _frame.ranked_labels(by, "by")
    columns = _core.metrics.nps(values, codes, len(categories))
    table = pd.DataFrame(columns, index=segment_index(categories))
    for name in ("n", "promoters", "passives", "detractors"):
        table[name] = table[name].astype(np.int64)
    return table


def nps_difference(a: _frame.ArrayLike, b: _frame.ArrayLike) -> pd.Series:
    """Difference of two NPS (a - b) with a z-test.

    The standard error is the square root of the sum of the two variances; two-sided p-value; 95%
    interval of the difference.

    Parameters
    ----------
    a, b : array-like or pandas.Series
        The scores of the two groups (0-10; NaN: no answer).

    Returns
    -------
    pandas.Series
        ``difference``, ``standard_error``, ``z``, ``p_value``, ``ci_low``, ``ci_high``, and the two
        scores ``nps_a`` and ``nps_b``.

    Examples
    --------
    >>> import cssegment as cs
    >>> result = cs.nps_difference([10, 9, 9, 7, 3] * 40, [10, 8, 6, 6, 3] * 40)
    >>> float(result["difference"]), bool(result["p_value"] < 0.05)
    (80.0, True)
    """
    return pd.Series(
        _core.metrics.nps_difference(_frame.numeric(a, "a"), _frame.numeric(b, "b")), name="nps_difference"
    )
