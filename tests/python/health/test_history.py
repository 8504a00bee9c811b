"""Score histories: one pass equal to scoring each period's snapshot, hysteresis, overrides, changes."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import cssegment as cs
import numpy as np
import pandas as pd
import pytest


def random_history(accounts: int = 300, seed: int = 5) -> pd.DataFrame:
    """A shuffled monthly history with missing rows and values, two segments."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "account_id": np.repeat([f"acct-{a}" for a in range(accounts)], 6),
            "month": np.tile(pd.period_range("2024-01", periods=6, freq="M").astype(str), accounts),
        }
    )
    frame["segment"] = np.where(frame.index % 12 < 6, "SMB", "Enterprise")
    frame["logins"] = np.where(rng.random(len(frame)) < 0.05, np.nan, rng.integers(0, 30, len(frame)))
    frame["nps"] = np.where(rng.random(len(frame)) < 0.1, np.nan, rng.integers(0, 11, len(frame)))
    frame = frame[rng.random(len(frame)) > 0.15]
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def peer_card() -> cs.Scorecard:
    return cs.Scorecard(
        [
            cs.Measure("logins", cs.Percentile(by="segment"), weight=2),
            cs.Measure("nps", cs.ZScore()),
            cs.Measure("tickets", cs.Linear(10, 0)),
        ]
    )


def test_history_equals_scoring_each_period_on_its_own() -> None:
    data = random_history().assign(tickets=lambda f: f["nps"] % 7)
    card = peer_card()
    history = card.score_history(data)
    assert list(history.index.names) == ["account_id", "month"]
    assert history.index.get_level_values(0).tolist() == data["account_id"].tolist()
    for _, rows in data.groupby("month"):
        snapshot = peer_card().fit(rows).score(rows).drop(columns="trend")
        got = history.iloc[rows.index]
        pd.testing.assert_frame_equal(got.reset_index(drop=True), snapshot.reset_index(drop=True))


def test_a_large_history_equals_each_period_fitted_and_scored_to_the_last_bit() -> None:
    """Peer groups large enough for the radix sort, over 4,096 distinct values a month (sampled
    knots), accounts without a segment (scored against the month's population), -0 and +0."""
    rng = np.random.default_rng(11)
    accounts, months = 5000, 2
    n = accounts * months
    seats = rng.integers(0, 5, n).astype(float)
    frame = pd.DataFrame(
        {
            "account_id": np.repeat(np.arange(accounts), months),
            "month": np.tile(np.arange(months), accounts),
            "segment": np.where(rng.random(n) < 0.05, None, rng.choice(["SMB", "Mid", "Ent"], n)),
            "usage": np.where(rng.random(n) < 0.03, np.nan, rng.random(n) * 1000.0),
            "logins": np.where(rng.random(n) < 0.05, np.nan, rng.integers(0, 40, n)),
            "seats": np.where((seats == 0) & (rng.random(n) < 0.5), -0.0, seats),
            "nps": np.where(rng.random(n) < 0.4, np.nan, rng.integers(0, 11, n)),
        }
    )
    data = frame.sample(frac=1.0, random_state=3).reset_index(drop=True)

    def card() -> cs.Scorecard:
        return cs.Scorecard(
            [
                cs.Measure("logins", cs.Percentile(by="segment"), weight=2),
                cs.Measure("usage", cs.Percentile()),
                cs.Measure("seats", cs.Percentile(higher_is_better=False)),
                cs.Measure("nps", cs.ZScore(by="segment")),
            ]
        )

    history = card().score_history(data)
    for _, rows in data.groupby("month"):
        snapshot = card().fit(rows).score(rows).drop(columns="trend")
        pd.testing.assert_frame_equal(
            history.iloc[rows.index].reset_index(drop=True), snapshot.reset_index(drop=True), check_exact=True
        )
    assert history["score"].notna().all()


def test_a_history_with_a_trend_and_peer_groups_equals_each_month_with_its_earlier_values() -> None:
    data = random_history(300, seed=12).assign(month=lambda f: pd.PeriodIndex(f["month"], freq="M"))

    def card() -> cs.Scorecard:
        return cs.Scorecard(
            [
                cs.Measure("logins", cs.Trend(periods=1, bad=-0.5, good=0.5)),
                cs.Measure("nps", cs.Percentile(by="segment")),
            ]
        )

    history = card().score_history(data)
    earlier = data.set_index(["account_id", "month"])["logins"]
    for _, rows in data.groupby("month"):
        keys = pd.MultiIndex.from_arrays([rows["account_id"], rows["month"] - 1])
        snapshot = rows.assign(**{"logins 1 periods earlier": earlier.reindex(keys).to_numpy()})
        expected = card().fit(snapshot).score(snapshot).drop(columns="trend")
        got = history.iloc[rows.index].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected.reset_index(drop=True), check_exact=True)
    assert history["contrib_logins"].notna().sum() > 0.5 * len(data)


def test_a_set_history_equals_scoring_each_period_on_its_own() -> None:
    data = random_history(200, seed=8)
    cards = cs.ScorecardSet(
        {"SMB": cs.Scorecard([cs.Measure("logins", cs.Percentile())])},
        default=cs.Scorecard([cs.Measure("nps", cs.ZScore()), cs.Measure("logins", cs.Linear(0, 20))]),
    )
    history = cards.score_history(data)
    for _, rows in data.groupby("month"):
        fresh = cs.ScorecardSet(cards.scorecards, default=cards.default)
        snapshot = fresh.fit(rows).score(rows).drop(columns="trend")
        pd.testing.assert_frame_equal(history.iloc[rows.index].reset_index(drop=True), snapshot.reset_index(drop=True))


def test_periods_of_every_kind_score_alike() -> None:
    data = random_history(40, seed=2)
    card = cs.Scorecard([cs.Measure("logins", cs.Percentile())])
    expected = card.score_history(data)["score"].to_numpy()
    months = pd.PeriodIndex(data["month"], freq="M")
    for spelled in (months, months.to_timestamp(), (months.year * 12 + months.month).astype(np.int64)):
        got = card.score_history(data.assign(month=spelled))["score"].to_numpy()
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    "accounts",
    [
        np.array([3, 1, 3, 2, 1]),
        np.array(["b", "a", "b", "c", "a"], dtype=object),
        pd.Categorical(["b", "a", "b", "c", "a"], categories=["c", "b", "a"]),
        pd.array(["x", "y", "x", "z", "y"], dtype="string"),
        np.array([1, "a", 1, 2.5, "a"], dtype=object),  # labels that do not sort
    ],
)
def test_the_history_index_equals_from_arrays(accounts: Any) -> None:
    months = pd.period_range("2024-01", periods=2, freq="M")[[1, 0, 0, 1, 1]]
    data = pd.DataFrame({"account_id": accounts, "month": months, "logins": [1.0, 2, 3, 4, 5]})
    for spelled in (months, months.to_timestamp(), months.astype(str), months.month.to_numpy()):
        data["month"] = spelled
        got = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 5))]).score_history(data).index
        want = pd.MultiIndex.from_arrays(
            [data["account_id"].to_numpy(), data["month"].to_numpy()], names=["account_id", "month"]
        )
        pd.testing.assert_index_equal(got, want, exact=True)
        for level, expected in zip(got.levels, want.levels, strict=True):
            pd.testing.assert_index_equal(level, expected, exact=True)
        for codes, expected in zip(got.codes, want.codes, strict=True):
            np.testing.assert_array_equal(codes, expected)


def one_account(scores: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"account_id": "a", "month": range(1, len(scores) + 1), "logins": scores})


def test_band_hysteresis_by_hand() -> None:
    card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 100))])
    # 60 yellow; 52 yellow; 47 stays yellow (not below 45); 44 red; 78 yellow only (not 80);
    # 81 green; 20 red.
    history = card.score_history(one_account([60, 52, 47, 44, 78, 81, 20]), band_hysteresis=5)
    assert history["band"].tolist() == ["yellow", "yellow", "yellow", "red", "yellow", "green", "red"]
    plain = card.score_history(one_account([60, 52, 47, 44, 78, 81, 20]))
    assert plain["band"].tolist() == ["yellow", "yellow", "red", "red", "green", "green", "red"]
    assert plain["band"].tolist() == card.score(one_account([60, 52, 47, 44, 78, 81, 20]))["band"].tolist()


def test_overrides_apply_from_start_and_expire_at_end() -> None:
    card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 100))])
    usage = pd.DataFrame(
        {
            "account_id": ["a"] * 5 + ["b"] * 2,
            "month": ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"] * 1 + ["2024-02", "2024-03"],
            "logins": [90, 90, 90, 90, 90, 30, 30],
        }
    )
    overrides = pd.DataFrame(
        {
            "account_id": ["a", "b"],
            "start": ["2024-02", "2024-03"],
            "end": ["2024-04", "2024-09"],
            "band": ["red", None],
            "score": [np.nan, 60.0],
            "reason": ["exec sponsor left", "renewal signed"],
        }
    )
    history = card.score_history(usage, overrides=overrides)
    assert history["band"].tolist() == ["green", "red", "red", "green", "green", "red", "yellow"]
    assert history["score"].tolist() == [90.0, 90.0, 90.0, 90.0, 90.0, 30.0, 60.0]
    assert history["overridden"].tolist() == [False, True, True, False, False, False, True]
    reasons = [None if pd.isna(reason) else reason for reason in history["reason"]]
    assert reasons == [None, "exec sponsor left", "exec sponsor left", None, None, None, "renewal signed"]
    assert np.isnan(history["contrib_logins"].iloc[6]) and history["contrib_logins"].iloc[5] == 30.0


def test_changes_lists_band_moves_worst_first() -> None:
    card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])
    usage = pd.DataFrame(
        {"account_id": ["a", "a", "a", "b", "b", "c"], "month": [1, 2, 3, 1, 2, 1], "logins": [18, 12, 4, 2, 16, 1]}
    )
    moves = cs.changes(card.score_history(usage))
    assert moves.columns.tolist() == ["account_id", "month", "from", "to", "steps"]
    assert moves[["account_id", "month", "steps"]].values.tolist() == [["a", 3, -1], ["a", 2, -1], ["b", 2, 2]]
    assert moves["from"].astype(str).tolist() == ["yellow", "green", "red"]
    assert moves["to"].astype(str).tolist() == ["red", "yellow", "green"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: pd.concat([f, f.iloc[[0]]], ignore_index=True), "data[3] = row 0's account and period"),
        (lambda f: f.assign(month=pd.Series([1, "2024-02", 3], dtype=object)), "mixed kinds of periods"),
    ],
)
def test_bad_histories_are_refused(change, message) -> None:  # type: ignore[no-untyped-def]
    card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])
    usage = pd.DataFrame({"account_id": ["a", "b", "c"], "month": [1, 2, 3], "logins": [1, 2, 3]})
    with pytest.raises(cs.InvalidInputError, match=re.escape(message)):
        card.score_history(change(usage))


def quickstart() -> Any:
    """examples/quickstart.py as a module (its main() is not run)."""
    path = Path(__file__).resolve().parents[3] / "examples" / "quickstart.py"
    spec = importlib.util.spec_from_file_location("quickstart_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_quickstart_section_reads_a_usage_history(capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(1)
    months = pd.period_range("2024-01", periods=8, freq="M")
    rows, revenue = [], []
    for a in range(60):
        gone = int(rng.integers(3, 8)) if a % 3 == 0 else 8
        for m in range(gone):
            falling = 3.0 * max(0, m - gone + 4) if gone < 8 else 0.0
            nps = np.nan if rng.random() < 0.5 else float(rng.integers(0, 11))
            rows.append((a, months[m], max(0.0, 15 - falling + rng.normal(0, 3)), 10 - falling, 2.0, nps))
            revenue.append((a, months[m], 100.0))
        revenue += [(a, months[m], 0.0) for m in range(gone, 8)]
    usage = pd.DataFrame(rows, columns=["account_id", "month", "logins", "seats_used", "tickets", "nps"])
    module = quickstart()
    churn = module.churn_months(pd.DataFrame(revenue, columns=["account_id", "month", "mrr"]), usage["month"])
    last_seen = usage.groupby("account_id")["month"].max()
    assert churn["account_id"].tolist() == last_seen.index[last_seen < months[-1]].tolist()
    assert (churn["month"].to_numpy() == (last_seen[last_seen < months[-1]] + 1).to_numpy()).all()
    module.health_over_time(usage, churn)
    as_text = module.churn_months(
        pd.DataFrame(revenue, columns=["account_id", "month", "mrr"]), usage["month"].astype(str)
    )
    assert as_text["month"].tolist() == [str(month) for month in churn["month"]]
    printed = capsys.readouterr().out
    assert "Health over time: 60 accounts x 8 months" in printed
    assert "Our score sees churn 6 months out with AUC" in printed
