"""Trend measures: relative change over periods, in score history and in snapshots."""

from __future__ import annotations

import cssegment as cs
import numpy as np
import pandas as pd
import pytest


def trend_card(**earlier: str) -> cs.Scorecard:
    return cs.Scorecard(
        [
            cs.Measure("logins", cs.Trend(periods=3, bad=-0.5, good=0.2, **earlier), weight=2),
            cs.Measure("nps", cs.Linear(0, 10)),
        ]
    )


def sparse_history(accounts: int = 200, months: int = 9, seed: int = 3) -> pd.DataFrame:
    """A shuffled monthly history with absent rows, missing values and zero logins."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "account_id": np.repeat(np.arange(accounts), months),
            "month": np.tile(pd.period_range("2024-01", periods=months, freq="M"), accounts),
            "logins": rng.integers(0, 6, accounts * months).astype(float),
            "nps": rng.integers(0, 11, accounts * months).astype(float),
        }
    )
    frame.loc[rng.random(len(frame)) < 0.05, "logins"] = np.nan
    frame = frame[rng.random(len(frame)) > 0.15]
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def pandas_trend_points(history: pd.DataFrame, periods: int, bad: float, good: float) -> pd.Series:
    """The reference: logins on the complete (account, month) grid, shifted within each account."""
    grid = pd.MultiIndex.from_product(
        [history["account_id"].unique(), pd.period_range(history["month"].min(), history["month"].max(), freq="M")],
        names=["account_id", "month"],
    )
    logins = history.set_index(["account_id", "month"])["logins"].reindex(grid).sort_index()
    then = logins.groupby(level="account_id").shift(periods)
    change = (logins - then) / then.abs()
    change[then == 0] = np.nan
    points = ((change - bad) / (good - bad) * 100).clip(0, 100)
    keys = pd.MultiIndex.from_frame(history[["account_id", "month"]])
    return points.reindex(keys)


def test_history_equals_a_pandas_reference_on_the_complete_grid() -> None:
    history = sparse_history()
    card = cs.Scorecard([cs.Measure("logins", cs.Trend(periods=2, bad=0.5, good=-0.25))])
    scored = card.score_history(history)
    expected = pandas_trend_points(history, 2, 0.5, -0.25)
    np.testing.assert_allclose(scored["score"].to_numpy(), expected.to_numpy(), atol=1e-9, equal_nan=True)
    # the reference has missing points: absent rows, zeros and missing logins all occur
    assert expected.isna().sum() > 0.2 * len(expected)


def test_snapshot_with_earlier_values_equals_the_history_last_period() -> None:
    history = sparse_history()
    scored = trend_card().score_history(history)
    last = history["month"].max()
    now = history[history["month"] == last].set_index("account_id")
    before = history[history["month"] == last - 3].set_index("account_id")["logins"]
    snapshot = now.assign(logins_before=before.reindex(now.index))
    by_column = trend_card(earlier="logins_before").score(snapshot)
    expected = scored.xs(last, level="month").reindex(now.index)
    np.testing.assert_allclose(by_column["score"], expected["score"], equal_nan=True)
    by_default_name = trend_card().score(snapshot.rename(columns={"logins_before": "logins 3 periods earlier"}))
    np.testing.assert_allclose(by_default_name["score"], expected["score"], equal_nan=True)


def test_missing_history_follows_the_missing_policy() -> None:
    data = pd.DataFrame({"logins": [10.0, 10.0], "before": [0.0, np.nan], "nps": [10.0, 10.0]})
    renormalized = trend_card(earlier="before").score(data)
    penalized = cs.Scorecard(trend_card(earlier="before").measures, missing="penalize").score(data)
    assert renormalized["score"].tolist() == [100.0, 100.0]
    assert penalized["score"].round(6).tolist() == [33.333333, 33.333333]


def test_trend_round_trips_through_json_and_repr_and_calibrates() -> None:
    card = trend_card(earlier="before")
    assert cs.Scorecard.from_json(card.to_json()).measures == card.measures
    assert "Trend(periods=3, bad=-0.5, good=0.2, earlier='before')" in repr(card.measures[0])
    rng = np.random.default_rng(1)
    before = rng.uniform(5, 15, 400)
    data = pd.DataFrame(
        {"before": before, "logins": before * rng.uniform(0.4, 1.3, 400), "nps": rng.integers(0, 11, 400)}
    )
    churned = (data["logins"] / data["before"] < 0.8) & (rng.random(400) < 0.8)
    model = card.calibrate(data, churned)
    assert model.coef_["logins"] < 0  # falling logins: more churn


def test_history_refuses_the_column_it_computes() -> None:
    history = sparse_history(accounts=5).assign(**{"logins 3 periods earlier": 1.0})
    with pytest.raises(cs.InvalidInputError, match="logins 3 periods earlier"):
        trend_card().score_history(history)


def test_scorecard_set_reads_each_card_trend_in_history_and_snapshot() -> None:
    history = sparse_history(accounts=60).assign(segment=lambda f: np.where(f["account_id"] % 2 == 0, "a", "b"))
    falling = cs.Scorecard([cs.Measure("logins", cs.Trend(periods=1, bad=-0.5, good=0.5))])
    cards = cs.ScorecardSet({"a": falling}, default=cs.Scorecard([cs.Measure("nps", cs.Linear(0, 10))]))
    scored = cards.score_history(history)
    alone = falling.score_history(history)
    in_a = (history["segment"] == "a").to_numpy()
    np.testing.assert_allclose(scored["score"][in_a], alone["score"][in_a], equal_nan=True)
    assert scored["score"][in_a].notna().sum() > 0
    last = history["month"].max()
    now = history[history["month"] == last].set_index("account_id")
    before = history[history["month"] == last - 1].set_index("account_id")["logins"]
    snapshot = cards.score(now.assign(**{"logins 1 periods earlier": before.reindex(now.index)}))
    expected = scored.xs(last, level="month").reindex(now.index)
    np.testing.assert_allclose(snapshot["score"], expected["score"], equal_nan=True)
