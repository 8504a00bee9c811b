"""The synthetic book's monthly usage and owners (Book.usage, Book.owners)."""

from __future__ import annotations

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from cssegment import datasets


@pytest.fixture(scope="module")
def book() -> datasets.Book:
    return cs.datasets.synthetic_book(n_accounts=3000, n_months=24, seed=11)


def test_usage_has_one_row_per_revenue_row(book: datasets.Book) -> None:
    usage = book.usage
    assert list(usage.columns) == ["account_id", "month", "logins", "seats_used", "tickets", "nps"]
    pd.testing.assert_frame_equal(usage[["account_id", "month"]], book.revenue[["account_id", "month"]])
    assert not usage.duplicated(["account_id", "month"]).any()
    for column in ["logins", "seats_used", "tickets"]:
        assert usage[column].dtype == np.int32 and (usage[column] >= 0).all(), column
    seats = np.maximum(1, np.round(book.revenue["mrr"] / 50))
    assert (usage["seats_used"] <= seats).all()
    answered = usage["nps"].dropna()
    assert answered.between(0, 10).all() and (answered == answered.round()).all()
    assert 0.2 < usage["nps"].notna().mean() < 0.3  # a survey answer in about a quarter of the months
    # What the docstring says it allocates: ids and months shared with revenue, ~25 bytes a row new.
    for frame in (usage, book.owners):
        assert np.shares_memory(frame["account_id"].to_numpy(), book.revenue["account_id"].to_numpy())
        assert np.shares_memory(frame["month"].array.asi8, book.revenue["month"].array.asi8)
    new = usage.drop(columns=["account_id", "month"]).memory_usage().sum() + book.owners["owner"].cat.codes.nbytes
    assert new + 4 * len(usage) <= 26 * len(usage)  # + the core's int32 owner codes kept for owners


@pytest.mark.parametrize("factor", [0.0, 1.0])
def test_usage_follows_the_books_coverage_factor(factor: float) -> None:
    """The usage replays the book's revenue with the same High touch churn factor, row for row."""
    other = cs.datasets.synthetic_book(n_accounts=800, n_months=24, seed=5, high_touch_churn_factor=factor)
    pd.testing.assert_frame_equal(other.usage[["account_id", "month"]], other.revenue[["account_id", "month"]])


def test_usage_drifts_down_before_churn(book: datasets.Book) -> None:
    usage = book.usage
    share = usage["seats_used"] / np.maximum(1, np.round(book.revenue["mrr"] / 50))
    # Months to the account's next month without revenue (inside the window; none: 99).
    month = usage["month"].array.asi8
    account = usage["account_id"].to_numpy()
    run = np.r_[True, (account[1:] != account[:-1]) | (month[1:] != month[:-1] + 1)].cumsum()
    lapse = pd.Series(month).groupby(run).transform("max").to_numpy() + 1
    to_churn = np.where(lapse <= month.max(), lapse - month, 99)
    by_distance = share.groupby(np.where(to_churn == 99, 99, np.minimum(to_churn, 13))).mean()
    assert by_distance[1] < by_distance[3] < by_distance[6] < by_distance[13] < by_distance[99]
    logins_per_seat = (usage["logins"] / usage["seats_used"].clip(lower=1)).groupby(to_churn == 1).mean()
    assert logins_per_seat[True] < logins_per_seat[False]
    tickets = usage["tickets"].groupby(to_churn <= 2).mean()
    assert tickets[True] > tickets[False]


def test_owners_work_one_tier_and_some_accounts_move(book: datasets.Book) -> None:
    owners = book.owners
    assert list(owners.columns) == ["account_id", "month", "owner"]
    pd.testing.assert_frame_equal(owners[["account_id", "month"]], book.revenue[["account_id", "month"]])
    names = list(owners["owner"].cat.categories)
    assert names[0] == "Enterprise 01" and any(name.startswith("Mid-market") for name in names)
    tier = owners["owner"].astype(str).str.rsplit(" ", n=1).str[0]
    assert tier.groupby(owners["account_id"]).nunique().eq(1).all()
    per_account = owners.groupby("account_id")["owner"].nunique()
    assert set(per_account.unique()) <= {1, 2}
    long_lived = owners.groupby("account_id").size() >= 20
    moved = per_account[long_lived].eq(2).mean()
    assert 0.2 < moved < 0.4  # about a third of the accounts are reassigned once
    books = owners[owners["month"] == owners["month"].max()].groupby("owner", observed=True).size()
    scale = books[books.index.str.startswith("Scale")]
    enterprise = books[books.index.str.startswith("Enterprise")]
    assert scale.mean() > 3 * enterprise.mean()  # high-touch CSMs carry small books


def test_usage_is_a_pure_function_of_the_arguments(book: datasets.Book) -> None:
    again = cs.datasets.synthetic_book(n_accounts=3000, n_months=24, seed=11)
    pd.testing.assert_frame_equal(again.usage, book.usage)
    pd.testing.assert_frame_equal(again.owners, book.owners)
    other = cs.datasets.synthetic_book(n_accounts=3000, n_months=24, seed=12)
    assert not other.usage["logins"].head(1000).equals(book.usage["logins"].head(1000))


def test_a_book_built_by_hand_has_no_usage(book: datasets.Book) -> None:
    by_hand = datasets.Book(accounts=book.accounts, revenue=book.revenue)
    with pytest.raises(AttributeError, match="not made by synthetic_book"):
        _ = by_hand.usage
