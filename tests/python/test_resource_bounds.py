"""Issue 21: dense structures are checked against the memory budget before they are allocated,
floating results that overflow are refused, and silent wrong answers of the hostile probe."""

from __future__ import annotations

import cssegment as cs
import numpy as np
import pandas as pd
import pytest


def test_a_typo_period_is_refused_before_allocating() -> None:
    # The probe: two rows built a 1e9-period ledger at 7.9 GB RSS.
    rows = pd.DataFrame({"account_id": [1, 1], "month": [0, 10**9], "mrr": [1.0, 2.0]})
    with pytest.raises(
        cs.InvalidInputError,
        match=r"would take 7\.5 GiB .* periods span 0 \.\.\. 1,000,000,000: 1,000,000,001 periods for 1 account; "
        r"is a period a typo\?",
    ):
        cs.RevenueLedger(rows)
    spread = pd.DataFrame({"account_id": np.arange(2000), "month": np.arange(2000) * 100, "mrr": 1.0})
    with pytest.raises(cs.InvalidInputError, match="199,901 periods for 2,000 accounts"):
        cs.RevenueLedger(spread)
    assert cs.RevenueLedger(rows.assign(month=[0, 100_000])).n_periods == 100_001


def test_a_transition_table_of_identifiers_is_refused() -> None:
    labels = [f"id{i}" for i in range(20_000)]
    with pytest.raises(cs.InvalidInputError, match=r"the transition table would take 6 GiB .* 20,000 segments"):
        cs.transitions(labels, labels[::-1])


def test_a_synthetic_book_beyond_the_cap_is_refused() -> None:
    with pytest.raises(cs.InvalidInputError, match=r"the book's revenue rows would take 2\.2 TiB"):
        cs.datasets.synthetic_book(10**8, n_months=1200)


def test_results_beyond_the_doubles_are_refused() -> None:
    with pytest.raises(cs.InvalidInputError, match=r"cltv\[0\] overflows the largest double"):
        cs.cltv(1e308, 1e-300)
    with pytest.raises(cs.InvalidInputError, match="overflows the largest double"):
        cs.cac(1e308, 1e-308)
    with pytest.raises(cs.InvalidInputError, match="weights: their sum overflows"):
        cs.transitions(["a", "a"], ["a", "a"], weights=[1e308, 1e308])
    with pytest.raises(cs.InvalidInputError, match=r"csm_cost: .* overflows"):
        cs.coverage(["a", "a", "a"], {"a": 0.5}, csm_cost=1e308)
    assert cs.transitions(["a", "a"], ["a", "a"], weights=[8e307, 8e307]).loc["a", "a"] == 1.6e308


def test_linear_anchors_at_the_ends_of_the_doubles() -> None:
    wide = cs.Scorecard([cs.Measure("x", cs.Linear(-1e308, 1e308))]).score(pd.DataFrame({"x": [0.0, 1e308, -1e308]}))
    assert wide["score"].tolist() == [50.0, 100.0, 0.0]
    narrow = cs.Scorecard([cs.Measure("x", cs.Linear(0, 5e-324))]).score(pd.DataFrame({"x": [0.0, 5e-324]}))
    assert narrow["score"].tolist() == [0.0, 100.0]


def test_by_keys_of_another_type_are_refused_not_given_to_int64_min() -> None:
    lowest = np.iinfo(np.int64).min
    ledger = cs.RevenueLedger(pd.DataFrame({"account_id": [lowest, lowest], "month": [0, 1], "mrr": [1.0, 2.0]}))
    with pytest.raises(cs.InvalidInputError, match=r"by: account id 'a' \(str, row 0\) is not an integer"):
        ledger.movements(by=pd.Series(["x"], index=["a"]))
    with pytest.raises(cs.InvalidInputError, match=r"by: account id 1\.5 \(float"):
        ledger.movements(by=pd.Series(["x", "y"], index=[float(lowest), 1.5]))
    moves = ledger.movements(by=pd.Series(["x"], index=[float(lowest)]))  # a whole float is the integer id
    assert moves["expansion"].sum() == 1.0


def test_a_horizon_beyond_a_quarterly_history_says_so() -> None:
    rows = pd.DataFrame({"account_id": [1] * 8, "month": pd.date_range("2023-01-01", periods=8, freq="QS"), "mrr": 1.0})
    ledger = cs.RevenueLedger(rows, freq="Q")
    with pytest.raises(cs.InvalidInputError, match=r"horizon: 12 periods reach beyond the ledger's 8 periods"):
        ledger.retention(horizon=12)
    assert len(ledger.retention(horizon=4)) == 4


@pytest.mark.parametrize("name", ["(no owner)", "(digital)"])
def test_a_csm_named_like_a_workload_row_is_refused(name: str) -> None:
    policy = cs.CadencePolicy({"High touch": 30}, min_days=1)
    accounts = pd.DataFrame({"tenure_days": [400] * 3, "renewal_days": [300] * 3})
    plan = policy.schedule(accounts, ["High touch"] * 3)
    with pytest.raises(cs.InvalidInputError, match=rf"owners\[1\] = '\({name[1:-1]}\)': the name of the workload"):
        policy.workload(plan, ["Ana", name, None])
    assert sorted(policy.workload(plan, ["Ana", "Bo", None]).index) == ["(no owner)", "Ana", "Bo"]


def test_period_sums_past_two_to_the_88_do_not_wrap() -> None:
    # The probe: end 5.05e25 (true 3.6e26) and NRR 0.21 (true 1.5), every row under 2^80.
    ids = np.repeat(np.arange(300), 2)
    rows = pd.DataFrame({"account_id": ids, "month": np.tile([0, 1], 300), "mrr": np.tile([0.8e24, 1.2e24], 300)})
    ledger = cs.RevenueLedger(rows)
    moves = ledger.movements()
    assert moves["end"].iloc[0] == pytest.approx(300 * 1.2e24, rel=1e-15)
    assert ledger.retention(horizon=1)["nrr"].iloc[0] == pytest.approx(1.5, rel=1e-12)
