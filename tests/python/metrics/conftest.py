"""Shared data of the metrics suites: the synthetic book, integer-month rows with holes and
duplicates, a segment per account, and a small ledger worked out by hand."""

from __future__ import annotations

import cssegment as cs
import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def book() -> cs.datasets.Book:
    return cs.datasets.synthetic_book(n_accounts=1500, n_months=18, seed=7)


@pytest.fixture(scope="module")
def int_rows(book: cs.datasets.Book) -> pd.DataFrame:
    """The book's revenue with integer months, some rows split in two (duplicates) and some gaps."""
    rows = book.revenue.assign(month=book.revenue["month"].array.asi8 - book.revenue["month"].array.asi8.min())
    rng = np.random.default_rng(3)
    rows = rows[rng.random(len(rows)) > 0.03]  # holes: churn and returns
    split = rows.sample(frac=0.1, random_state=1)
    rows = rows.copy()
    rows.loc[split.index, "mrr"] *= 0.25
    return pd.concat([rows, split.assign(mrr=split["mrr"] * 3)], ignore_index=True)


@pytest.fixture(scope="module")
def tiers(book: cs.datasets.Book) -> pd.Series:
    """A segment per account that does not depend on the outcome (today's ARR tier would)."""
    return pd.Series(book.accounts["industry"].array, index=book.accounts["account_id"])


@pytest.fixture
def hand_rows() -> pd.DataFrame:
    """Account 1 grows then shrinks; 2 churns at 2 and returns at 4 after two empty periods;
    3 is new at 2 and churns at 4; 4 pays at 0, leaves for three periods and returns at 4."""
    revenue = {
        1: [10, 12, 12, 8, 8, 9],
        2: [5, 5, 0, 0, 6, 6],
        3: [0, 0, 7, 7, 0, 0],
        4: [3, 0, 0, 0, 4, 4],
    }
    return pd.DataFrame(
        [(a, p, float(v)) for a, values in revenue.items() for p, v in enumerate(values) if v],
        columns=["account_id", "month", "mrr"],
    )
