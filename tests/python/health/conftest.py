"""Fixtures shared by the health suites: a synthetic book and a hand-set scorecard."""

from __future__ import annotations

from collections.abc import Callable

import cssegment as cs
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def book() -> pd.DataFrame:
    accounts = cs.datasets.synthetic_book(4000, seed=3).accounts
    accounts.index = accounts.index * 10 + 7  # results must follow the input's index
    return accounts


def _hand_set() -> cs.Scorecard:
    return cs.Scorecard(
        [
            cs.Measure("nps", cs.Bands([7, 9], [0, 50, 100]), weight=2),
            cs.Measure("logins_per_user", cs.Linear(0, 20), weight=3),
            cs.Measure("seats_used_pct", cs.Linear(20, 90), weight=3),
            cs.Measure("tickets_90d", cs.Linear(10, 0), weight=1),
            cs.Measure("exec_sponsor", cs.Boolean(), weight=1),
        ]
    )


@pytest.fixture
def hand_set() -> Callable[[], cs.Scorecard]:
    """Builds a fresh hand-set scorecard on each call."""
    return _hand_set
