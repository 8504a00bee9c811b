"""Lead-time backtests: the AUC of the score k periods before churn."""

from __future__ import annotations

import cssegment as cs
import matplotlib
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

matplotlib.use("Agg")


def churning_book(accounts: int = 400, seed: int = 4) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A monthly history over 12 months ('2024-01'...) in which a third of the accounts churn,
    their logins falling before; the churn frame holds each churned account's churn month."""
    rng = np.random.default_rng(seed)
    months = pd.period_range("2024-01", periods=12, freq="M")
    rows, churn = [], []
    for a in range(accounts):
        gone = int(rng.integers(3, 12)) if rng.random() < 0.33 else 12
        if gone < 12:
            churn.append((f"acct-{a}", str(months[gone])))
        for m in range(gone):
            fall = 4.0 * max(0, m - gone + 5) if gone < 12 else 0.0
            rows.append((f"acct-{a}", str(months[m]), max(0.0, rng.normal(15, 5) - fall)))
    history = pd.DataFrame(rows, columns=["account_id", "month", "logins"])
    return history, pd.DataFrame(churn, columns=["account_id", "month"])


def test_lead_auc_equals_sklearn_on_the_rows_it_is_defined_on() -> None:
    usage, churn = churning_book()
    card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])
    history = card.score_history(usage)
    result = cs.backtest_lead(history, churn, leads=[1, 3, 6])
    assert result.summary.index.tolist() == [1, 3, 6]
    months = pd.PeriodIndex(usage["month"], freq="M")
    churn_month = dict(zip(churn["account_id"], pd.PeriodIndex(churn["month"], freq="M")))
    end = months.max() + 1
    for lead in (1, 3, 6):
        target = np.array([churn_month.get(a, end) - lead for a in usage["account_id"]])
        rows = np.flatnonzero(months == target)
        outcome = usage["account_id"].iloc[rows].isin(churn_month).to_numpy()
        scores = history["score"].to_numpy()[rows]
        assert result.summary.loc[lead, "accounts"] == len(rows)
        assert result.summary.loc[lead, "churned"] == outcome.sum()
        assert result.summary.loc[lead, "auc"] == pytest.approx(roc_auc_score(outcome, -scores), abs=1e-12)
        assert result.summary.loc[lead, "auc"] == cs.health.health_auc(scores, outcome)
    assert result.summary.loc[1, "auc"] > result.summary.loc[6, "auc"]  # the fall in logins shows late
    assert result.bands.loc[1]["accounts"].sum() == result.summary.loc[1, "accounts"]
    assert np.isnan(result.summary["brier"]).all()


def test_plot_lead_time_draws_auc_against_lead() -> None:
    usage, churn = churning_book(120, seed=9)
    card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])
    result = cs.backtest_lead(card.score_history(usage), churn, leads=[1, 2, 4])
    ax = cs.plot.lead_time(result)
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 4])
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), result.summary["auc"].to_numpy())
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.parametrize(
    ("leads", "message"),
    [([0], r"leads\[0\] = 0: leads must be between 1"), ([1, 13], r"leads\[1\] = 13: leads must be between 1")],
)
def test_bad_leads_are_refused(leads: list[int], message: str) -> None:
    usage, churn = churning_book(60, seed=1)
    history = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))]).score_history(usage)
    with pytest.raises(cs.InvalidInputError, match=message):
        cs.backtest_lead(history, churn, leads=leads)
