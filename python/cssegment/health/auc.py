"""Exact ROC AUC: scikit-learn's form (:func:`auc`) and the health-score form (:func:`health_auc`).

Mirrors ``include/cssegment/health/auc.hpp``; the definitions are in the user guide
(``docs/guide/health.md``). Both are exported from :mod:`cssegment.health`, whose ``auc`` is the
function (import this module as ``from cssegment.health.auc import ...``).

Examples
--------
>>> import cssegment as cs
>>> cs.health.health_auc([10, 50, 90], [1, 0, 0]), cs.health.auc([1, 0, 0], [0.9, 0.5, 0.1])
(1.0, 1.0)
"""

from __future__ import annotations

import numpy as np

from .. import _core, _frame
from .._core import InvalidInputError

__all__ = ["auc", "health_auc"]


def _binary(values: np.ndarray) -> bool:
    return bool(np.isin(values, (0.0, 1.0)).all())


@_frame.accepts_frames
def auc(y_true: _frame.ArrayLike, y_score: _frame.ArrayLike) -> float:
    """Exact ROC AUC in scikit-learn's order and meaning: a higher score = more likely positive.

    The probability that a positive (1) scored higher than a negative (0), ties counting half:
    equal to ``sklearn.metrics.roc_auc_score(y_true, y_score)``, O(n log n) and exact, never
    sampled. Pass a churn probability with ``y_true`` the churn outcome. For a *health* score
    (lower = riskier) use :func:`~cssegment.health.health_auc` instead.

    .. versionchanged:: 0.2.0
       Breaking change, listed in the CHANGELOG: ``auc`` used to take ``(health, churned)`` and
       score the opposite direction; that form is now :func:`~cssegment.health.health_auc`. A
       call in the old order whose first argument is not 0/1 while the second is raises
       InvalidInputError pointing at :func:`~cssegment.health.health_auc` instead of returning
       1 - AUC.

    Parameters
    ----------
    y_true : array-like
        1 (or True) = positive (e.g. churned), 0 = negative; both must be present.
    y_score : array-like of float
        Scores (finite); higher means more likely positive.

    Returns
    -------
    float
        0.5 is no better than chance; 1 ranks every positive above every negative.

    Raises
    ------
    InvalidInputError
        If ``y_true`` is not 0/1 or holds only one class, ``y_score`` is not finite, or the
        lengths differ.

    Examples
    --------
    >>> import cssegment as cs
    >>> cs.health.auc([1, 1, 0, 0], [0.9, 0.5, 0.5, 0.1])
    0.875
    """
    truth = _frame.numeric(y_true, "y_true")
    score = _frame.numeric(y_score, "y_score")
    if len(truth) == len(score) and not _binary(truth) and _binary(score):
        raise InvalidInputError(
            "y_true: holds values other than 0 and 1 while y_score holds only 0 and 1: auc(y_true, y_score) "
            "takes scikit-learn's order since cssegment 0.2.0; for a health score against the churn outcome "
            "use cssegment.health.health_auc(health, outcome)"
        )
    return float(_core.health.roc_auc(truth, score))


@_frame.accepts_frames
def health_auc(health: _frame.ArrayLike, outcome: _frame.ArrayLike) -> float:
    """Exact AUC of a health score (lower = riskier) against the churn outcome.

    The probability that an account that churned scored lower than one that stayed, ties counting
    half: equal to ``sklearn.metrics.roc_auc_score(outcome, -health)`` and to
    ``auc(outcome, -health)``. It is ``Backtest.auc``. O(n log n) and exact, never sampled.

    Parameters
    ----------
    health : array-like of float
        Health scores (finite); lower means riskier.
    outcome : array-like
        1 (or True) = churned, 0 = retained; both must be present.

    Returns
    -------
    float
        0.5 is no better than chance; 1 ranks every churned account below every retained one.

    Raises
    ------
    InvalidInputError
        If ``outcome`` is not 0/1 or holds only one class, ``health`` is not finite, or the
        lengths differ.

    Examples
    --------
    >>> import cssegment as cs
    >>> cs.health.health_auc([10, 50, 50, 90], [True, True, False, False])
    0.875
    """
    values = _frame.numeric(health, "health")
    return float(_core.health.health_auc(values, _frame.numeric(outcome, "outcome")))
