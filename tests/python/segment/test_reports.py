"""Transitions and coverage reports from Python, and their bad inputs."""

from __future__ import annotations

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from cssegment import InvalidInputError

TOUCH = ["Tech touch", "Low touch", "High touch"]

# --- transitions ---------------------------------------------------------------------------------


def test_transitions_account_for_every_row():
    model = cs.TierModel.touch()
    before = model.assign([5e3, 2e4, 6e4, 1e3, 2e4])
    after = model.assign([2e4, 2e4, 2e4, 1e3, 6e4])
    table = cs.transitions(before, after)
    assert table.loc["Tech touch", "Low touch"] == 1
    assert table.loc["High touch", "Low touch"] == 1
    assert table["upgraded"].sum() == 2
    assert table["downgraded"].sum() == 1
    assert table["unchanged"].sum() == 2
    assert table["total"].sum() == 5
    assert list(table.index) == [*TOUCH, "(none)"]


def test_transitions_with_new_and_gone_accounts_and_weights():
    before = pd.Categorical(["Low touch", None, "High touch"], categories=TOUCH, ordered=True)
    after = pd.Categorical(["Low touch", "Tech touch", None], categories=TOUCH, ordered=True)
    table = cs.transitions(before, after, weights=[10.0, 20.0, 30.0])
    assert table.loc["(none)", "Tech touch"] == 20.0
    assert table.loc["High touch", "(none)"] == 30.0
    assert table.loc["Low touch", "unchanged"] == 10.0
    assert table[[*TOUCH, "(none)"]].to_numpy().sum() == 60.0


def test_transitions_bad_input():
    with pytest.raises(InvalidInputError, match="after: has length 1 but before has length 2"):
        cs.transitions(["a", "b"], ["a"])
    model = cs.TierModel.touch()
    with pytest.raises(InvalidInputError, match=r"after\[0\] = 'Gold'"):
        cs.transitions(model.assign([1.0]), ["Gold"])
    with pytest.raises(InvalidInputError, match=r"weights\[0\] = nan"):
        cs.transitions(["a"], ["a"], weights=[np.nan])


# --- coverage ------------------------------------------------------------------------------------


def test_coverage_table_by_hand():
    model = cs.TierModel.touch()
    arr = [5_000.0] * 2000 + [20_000.0] * 300 + [100_000.0] * 30
    plan = cs.coverage(model.assign(arr), model, arr=arr, csm_cost=150_000)
    assert list(plan.index) == TOUCH
    assert plan["accounts"].tolist() == [2000, 300, 30]
    assert plan["csms_needed"].tolist() == [2.0, 3.0, 2.0]
    assert plan["resource_share"].tolist() == pytest.approx([2 / 7, 3 / 7, 2 / 7])
    assert plan["cost_to_serve_per_account"].tolist() == [150.0, 1500.0, 10_000.0]
    assert plan["arr_per_csm"].tolist() == [5e6, 2e6, 1.5e6]
    assert plan["total_cost"].sum() == 7 * 150_000


def test_coverage_with_mapping_and_no_money():
    segments = pd.Series(["Digital", "Pooled", "Pooled"])
    plan = cs.coverage(segments, {"Digital": None, "Pooled": 2})
    assert list(plan.columns) == ["accounts", "csm_ratio", "csms_needed", "resource_share"]
    assert plan.loc["Pooled", "csms_needed"] == 1.0
    assert plan.loc["Digital", "csms_needed"] == 0.0


def test_coverage_bad_input():
    model = cs.TierModel.touch()
    labels = model.assign([1.0, 2.0])
    with pytest.raises(InvalidInputError, match=r"csm_ratios: no ratio for segment"):
        cs.coverage(labels, {"Tech touch": 10})
    with pytest.raises(InvalidInputError, match=r"csm_ratios\[1\] = 0"):
        cs.coverage(labels, [10, 0, 5])
    with pytest.raises(InvalidInputError, match=r"arr: has length 1 but segments has length 2"):
        cs.coverage(labels, model, arr=[1.0])
    with pytest.raises(InvalidInputError, match=r"segments\[1\] = missing"):
        cs.coverage(pd.Categorical(["Tech touch", None], categories=TOUCH), model)
    with pytest.raises(InvalidInputError, match=r"csm_cost: -1 must be finite and >= 0"):
        cs.coverage(labels, model, csm_cost=-1)
