"""Lead time: how early a health score warns before churn.

Mirrors ``include/cssegment/health/lead.hpp``: for each lead k, the score each account had k
periods before it churned (accounts that stayed: k periods before the period after the history's
last) is backtested against whether it churned.

Examples
--------
>>> import pandas as pd, cssegment as cs
>>> card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])
>>> usage = pd.DataFrame({"account_id": ["a", "a", "b", "b", "c", "c"], "month": [1, 2] * 3,
...                       "logins": [8, 4, 15, 16, 10, 3]})
>>> churn = pd.DataFrame({"account_id": ["a"], "month": [3]})
>>> result = cs.backtest_lead(card.score_history(usage), churn, leads=[1, 2])
>>> result.summary[["accounts", "churned", "auc"]]
      accounts  churned  auc
lead
1            3        1  0.5
2            3        1  1.0
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import _core, _display, _frame
from .._core import InvalidInputError
from .backtest import Backtest, backtest_of
from .history import history_keys, period_ordinals

__all__ = ["LeadTime", "backtest_lead"]


@dataclasses.dataclass(frozen=True, repr=False)
class LeadTime(_display.Summarized):
    """Backtests of a score history at several leads before churn.

    Attributes
    ----------
    summary : pandas.DataFrame
        Indexed by ``lead`` (periods before churn): ``accounts`` (with a score at that lead),
        ``churned``, ``churn_rate``, ``auc`` (:func:`~cssegment.health.health_auc` of those scores)
        and ``brier`` (of the history's ``probability`` column when it has one, else NaN).
    bands : pandas.DataFrame
        Indexed by (lead, band): ``accounts``, ``churned``, ``churn_rate``, ``lift``.
    backtests : dict of int to Backtest
        The full backtest at each lead (deciles too).

    Examples
    --------
    >>> import pandas as pd, cssegment as cs
    >>> card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])
    >>> usage = pd.DataFrame({"account_id": ["a", "b"], "month": [1, 1], "logins": [3, 12]})
    >>> result = cs.backtest_lead(card.score_history(usage), pd.DataFrame({"account_id": ["a"], "month": [2]}), [1])
    >>> result.bands.loc[1, "accounts"].tolist()
    [1, 1, 0]
    """

    summary: pd.DataFrame
    bands: pd.DataFrame
    backtests: dict[int, Backtest]

    def _summary(self) -> str:
        return ", ".join(f"lead {lead}: AUC {row.auc:.3f}" for lead, row in self.summary.iterrows())

    def _tables(self) -> list[str]:
        return [_display.frame(self.summary, caption="by lead"), _display.frame(self.bands, caption="churn by band")]


def backtest_lead(history: pd.DataFrame, churn: pd.DataFrame, leads: Sequence[int] = (1, 3, 6)) -> LeadTime:
    """How well the score k periods before churn tells who churns, for each lead k.

    Parameters
    ----------
    history : pandas.DataFrame
        A score history (``Scorecard.score_history``): indexed by (account, period), with
        ``score`` and ``band`` (and ``probability``, when it has one, for the Brier score).
    churn : pandas.DataFrame
        The accounts that churned: a column named as the history's account level and one named as
        its period level, the period in which each churned (the first period it is gone). Accounts
        of the history not in it stayed.
    leads : sequence of int
        Periods before churn, each between 1 and the history's length in periods.

    Returns
    -------
    LeadTime
        For each lead, the backtest of the scores at that lead: only accounts with a score then
        count (an account churned before k periods of history is left out).

    Examples
    --------
    >>> import pandas as pd, cssegment as cs
    >>> card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])
    >>> usage = pd.DataFrame({"account_id": ["a", "b", "c"], "month": ["2024-01"] * 3, "logins": [2, 9, 15]})
    >>> churn = pd.DataFrame({"account_id": ["a"], "month": ["2024-02"]})
    >>> float(cs.backtest_lead(card.score_history(usage), churn, leads=[1]).summary.loc[1, "auc"])
    1.0
    """
    if not isinstance(history, pd.DataFrame) or history.index.nlevels != 2 or "score" not in history:
        raise InvalidInputError(
            "history: expected a score history (Scorecard.score_history): a DataFrame indexed by (account, period) "
            "with 'score' and 'band' columns"
        )
    account, period = (str(name) for name in history.index.names)
    keys = history.index.to_frame(index=False)
    codes, labels, ordinals, kind = history_keys(keys, account, period)
    if not isinstance(churn, pd.DataFrame) or account not in churn or period not in churn:
        raise InvalidInputError(f"churn: expected a DataFrame with columns {account!r} and {period!r}")
    churn_period, _ = period_ordinals(churn[period], f"churn[{period!r}]", kind)
    who = labels.get_indexer(pd.Index(churn[account]))
    known = who >= 0
    reference = np.full(len(labels), ordinals.max() + 1 if len(ordinals) else 0, dtype=np.int64)
    reference[who[known]] = churn_period[known]
    churned = np.zeros(len(labels))
    churned[who[known]] = 1.0
    listed = np.asarray([_frame.integer(lead, f"leads[{i}]") for i, lead in enumerate(_frame.listed(leads, "leads"))])
    band_names = list(history["band"].cat.categories)
    probability = history["probability"].to_numpy(dtype=np.float64) if "probability" in history else None
    results = _core.health.backtest_lead(
        history["score"].to_numpy(dtype=np.float64),
        np.asarray(history["band"].cat.codes, dtype=np.int8),
        len(band_names),
        probability,
        codes,
        ordinals,
        len(labels),
        reference,
        churned,
        listed.astype(np.int64),
    )
    backtests: dict[int, Backtest] = {}
    for result in results:
        brier = float(result["brier"]) if probability is not None else None
        backtests[int(result["lead"])] = backtest_of(result, band_names, brier)
    summary = pd.DataFrame(
        {
            "accounts": [b.accounts for b in backtests.values()],
            "churned": [b.churned for b in backtests.values()],
            "churn_rate": [b.churn_rate for b in backtests.values()],
            "auc": [b.auc for b in backtests.values()],
            "brier": [np.nan if b.brier is None else b.brier for b in backtests.values()],
        },
        index=pd.Index(list(backtests), name="lead"),
    )
    bands = pd.concat(
        {lead: b.bands[["accounts", "churned", "churn_rate", "lift"]] for lead, b in backtests.items()},
        names=["lead"],
    )
    return LeadTime(summary=summary, bands=bands, backtests=backtests)
