"""Health scoring that explains itself and is checked against what really happened.

A :class:`Scorecard` turns raw signals (NPS, logins, open tickets, an executive sponsor ...) into
one 0-100 health score per account, a band (red / yellow / green by default) and one
``contrib_<column>`` per measure that add up to the score. :meth:`Scorecard.calibrate` learns the
weights from outcomes (logistic regression), and :meth:`Scorecard.backtest` tells how well a
score would have predicted churn: exact AUC, Brier score, churn by decile and by band.

Missing values (NaN) are never guessed: ``missing="renormalize"`` scores an account over the
measures it has, ``missing="penalize"`` scores a missing measure 0, and accounts with fewer than
``min_measures`` measures get no score (NaN) rather than a made-up one.

Examples
--------
>>> import pandas as pd, cssegment as cs
>>> card = cs.Scorecard([cs.Measure("nps", cs.Bands([7, 9], [0, 50, 100])),
...                      cs.Measure("tickets", cs.Linear(10, 0))])
>>> card.score(pd.DataFrame({"nps": [10, 5], "tickets": [2, 8]}))[["score", "band"]]
   score band
0   90.0  green
1   10.0    red
"""

from __future__ import annotations

from .auc import auc, health_auc
from .backtest import Backtest, brier
from .calibrate import CalibratedScorecard
from .classifier import ScorecardClassifier
from .history import changes
from .lead import LeadTime, backtest_lead
from .normalizers import Bands, Boolean, Category, Linear, Percentile, Trend, ZScore
from .normalizers import Normalizer as Normalizer  # public before the split, not in __all__
from .scorecard import DEFAULT_BANDS as DEFAULT_BANDS  # likewise
from .scorecard import Measure, Scorecard
from .scorecard_set import ScorecardSet

__all__ = [
    "Backtest",
    "Bands",
    "Boolean",
    "Category",
    "CalibratedScorecard",
    "LeadTime",
    "Linear",
    "Measure",
    "Percentile",
    "Scorecard",
    "ScorecardClassifier",
    "ScorecardSet",
    "Trend",
    "ZScore",
    "auc",
    "backtest_lead",
    "brier",
    "changes",
    "health_auc",
]
