"""Engagement cadence from Python."""

from __future__ import annotations

import pickle

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from cssegment import InvalidInputError

# --- CadencePolicy -----------------------------------------------------------------------------


def cadence_reference(policy, segment, tenure, renewal, health):
    """Row-by-row transcription of the cadence rule."""
    p = policy.get_params()
    out = []
    for s, t, r, h in zip(segment, tenure, renewal, health):
        days = p["base_days"][s]
        days *= p["onboarding_factor"] if t < p["onboarding_days"] else 1.0
        days *= p["renewal_factor"] if r <= p["renewal_window_days"] else 1.0
        days *= p["health_factors"][h] if isinstance(h, str) else 1.0
        out.append(min(max(days, p["min_days"]), p["max_days"]))
    return out


def test_cadence_follows_each_factor(rng):
    book = cs.datasets.synthetic_book(n_accounts=2_000, seed=3).accounts
    touch = cs.TierModel.touch()
    policy = cs.CadencePolicy({"Tech touch": 90, "Low touch": 45, "High touch": 14})
    health = pd.Series(rng.choice(np.array(["red", "yellow", "green", None], dtype=object), len(book)))
    plan = policy.schedule(book, touch, health=health)
    expected = cadence_reference(policy, touch.assign(book), book["tenure_days"], book["renewal_days"], health)
    assert np.allclose(plan["interval_days"], expected)
    assert plan.index.equals(book.index)
    assert plan["interval_days"].between(7, 180).all()
    assert np.allclose(plan["touches_per_month"], (365.25 / 12) / plan["interval_days"])
    # The touch preset's Tech touch has a ratio (1000:1), so every channel is a CSM here...
    assert (plan["channel"] == "csm").all()
    # ...unless the ratios say the segment has no CSM.
    digital = policy.schedule(book, touch, health=health, csm_ratios={"Tech touch": None, "Low touch": 100})
    assert ((digital["channel"] == "digital") == (digital["segment"] == "Tech touch")).all()
    onboarding = plan["reason"].astype(str).str.contains("onboarding")
    assert (onboarding == (book["tenure_days"] < 90)).all()


def test_cadence_reasons_and_clipping():
    policy = cs.CadencePolicy({"a": 10, "b": 150}, health_factors={"red": 0.25, "green": 2.0})
    accounts = pd.DataFrame({"tenure_days": [10, 400, 400], "renewal_days": [10, 300, np.nan]})
    plan = policy.schedule(accounts, ["a", "b", "b"], health=["red", "green", None])
    assert plan["interval_days"].tolist() == [7.0, 180.0, 150.0]
    assert plan["reason"].tolist() == [
        "onboarding x0.5, renewal x0.5, red x0.25, min 7 days",
        "green x2, max 180 days",
        "base",
    ]


def test_cadence_workload_sums_hours_per_owner():
    policy = cs.CadencePolicy({"High touch": 30, "Tech touch": 90})
    accounts = pd.DataFrame({"tenure_days": [400] * 4, "renewal_days": [300] * 4})
    plan = policy.schedule(
        accounts, ["High touch"] * 3 + ["Tech touch"], csm_ratios={"High touch": 15, "Tech touch": None}
    )
    load = policy.workload(plan, ["Ana", "Ana", "Bo", None], minutes_per_touch={"High touch": 60, "Tech touch": 5})
    month = 365.25 / 12
    assert load.loc["Ana", "hours_per_month"] == pytest.approx(2 * month / 30)
    assert load.loc["Bo", "accounts"] == 1
    assert load.loc["(digital)", "hours_per_month"] == 0.0
    assert load["accounts"].sum() == 4


def test_cadence_round_trips():
    policy = cs.CadencePolicy({"a": 10}, min_days=3, max_days=60)
    assert cs.CadencePolicy.from_json(policy.to_json()) == policy
    assert pickle.loads(pickle.dumps(policy)) == policy
    assert cs.CadencePolicy(**policy.get_params()) == policy


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"onboarding_factor": 0}, "onboarding_factor: 0 must be finite and > 0"),
        ({"health_factors": {"red": -1}}, "health_factors['red']: -1 must be finite and > 0"),
        ({"min_days": 30, "max_days": 10}, "min_days: 30 is greater than max_days = 10"),
        ({"base_days": {"a": 0}}, "base_days['a']: 0 must be finite and > 0"),
    ],
)
def test_cadence_bad_input(kwargs, message):
    params = {"base_days": {"a": 10}, **kwargs}
    with pytest.raises(InvalidInputError) as error:
        cs.CadencePolicy(**params)
    assert message in str(error.value)


def test_cadence_unknown_labels():
    policy = cs.CadencePolicy({"a": 10})
    accounts = pd.DataFrame({"tenure_days": [400], "renewal_days": [300]})
    with pytest.raises(InvalidInputError, match=r"segments\[0\] = 'b': not one of the segments"):
        policy.schedule(accounts, ["b"])
    with pytest.raises(InvalidInputError, match=r"health\[0\] = 'amber'"):
        policy.schedule(accounts, ["a"], health=["amber"])


def test_cadence_keywords_of_0_1_are_deprecated_aliases():
    policy = cs.CadencePolicy({"a": 10})
    accounts = pd.DataFrame({"tenure_days": [400], "renewal_days": [300]})
    expected = policy.schedule(accounts, ["a"])
    with pytest.warns(DeprecationWarning, match="segments"):
        assert policy.schedule(accounts, segment=["a"]).equals(expected)
    with pytest.warns(DeprecationWarning, match="data"):
        assert policy.schedule(accounts=accounts, segments=["a"]).equals(expected)
    assert policy.schedule(data=accounts, segments=["a"]).equals(expected)
