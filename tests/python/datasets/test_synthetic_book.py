from __future__ import annotations

import dataclasses

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from cssegment import datasets

ACCOUNT_COLUMNS = [
    "account_id",
    "arr",
    "employees",
    "company_revenue",
    "potential",
    "industry",
    "region",
    "start_month",
    "tenure_days",
    "renewal_days",
    "nps",
    "logins_per_user",
    "seats_used_pct",
    "tickets_90d",
    "exec_sponsor",
    "churned",
]


@pytest.fixture(scope="module")
def book() -> datasets.Book:
    return cs.datasets.synthetic_book(n_accounts=3000, n_months=24, seed=11)


def test_accounts_have_the_documented_columns_and_dtypes(book: datasets.Book) -> None:
    accounts = book.accounts
    assert list(accounts.columns) == ACCOUNT_COLUMNS
    assert len(accounts) == 3000
    assert accounts["account_id"].tolist() == list(range(1, 3001))
    for column in ["arr", "employees", "company_revenue", "potential", "nps", "logins_per_user", "seats_used_pct"]:
        assert accounts[column].dtype == np.float64, column
    for column in ["account_id", "tenure_days", "renewal_days", "tickets_90d"]:
        assert accounts[column].dtype in (np.int32, np.int64), column
    for column in ["exec_sponsor", "churned"]:
        assert accounts[column].dtype == np.bool_, column
    assert isinstance(accounts["industry"].dtype, pd.CategoricalDtype)
    assert list(accounts["region"].cat.categories) == ["NA", "EMEA", "APAC", "LATAM"]
    assert accounts["industry"].notna().all() and accounts["region"].notna().all()
    assert accounts["start_month"].dtype == pd.PeriodDtype("M")


def test_revenue_is_long_monthly_and_ends_in_the_anchor_month(book: datasets.Book) -> None:
    revenue = book.revenue
    assert list(revenue.columns) == ["account_id", "month", "mrr"]
    assert revenue["month"].dtype == pd.PeriodDtype("M")
    assert revenue["month"].max() == pd.Period("2026-10", "M") == datasets.LAST_MONTH
    assert revenue["month"].min() == pd.Period("2024-11", "M")  # 24 months of history
    assert (revenue["mrr"] > 0).all()
    assert revenue["account_id"].between(1, 3000).all()
    keys = pd.DataFrame({"account": revenue["account_id"], "ordinal": revenue["month"].array.asi8})
    assert keys.equals(keys.sort_values(["account", "ordinal"]))
    assert not keys.duplicated().any()


@pytest.mark.parametrize("n_months", [2, 13, 120])
def test_history_always_ends_in_october_2026(n_months: int) -> None:
    months = cs.datasets.synthetic_book(n_accounts=200, n_months=n_months).revenue["month"]
    assert months.max() == pd.Period("2026-10", "M")
    assert months.min() == pd.Period("2026-10", "M") - (n_months - 1)


def test_arr_and_churn_agree_with_the_last_month_of_revenue(book: datasets.Book) -> None:
    last = book.revenue[book.revenue["month"] == datasets.LAST_MONTH]
    last_mrr = last.set_index("account_id")["mrr"].reindex(book.accounts["account_id"], fill_value=0.0)
    np.testing.assert_array_equal(book.accounts["arr"].to_numpy(), 12.0 * last_mrr.to_numpy())
    np.testing.assert_array_equal(book.accounts["churned"].to_numpy(), last_mrr.to_numpy() == 0.0)
    assert (book.accounts["potential"] >= book.accounts["arr"]).all()


def test_signals_have_their_documented_ranges(book: datasets.Book) -> None:
    accounts = book.accounts
    assert accounts["seats_used_pct"].between(0, 100).all()
    assert accounts["renewal_days"].between(0, 364).all()
    answered = accounts["nps"].dropna()
    assert 0.6 < len(answered) / len(accounts) < 0.8
    assert answered.between(0, 10).all() and (answered == answered.round()).all()
    assert (accounts["start_month"] < pd.Period("2024-11", "M")).mean() == pytest.approx(0.5, abs=0.05)


def test_churned_accounts_look_unhealthy_and_arr_is_concentrated(book: datasets.Book) -> None:
    by_churn = book.accounts.groupby("churned")[["seats_used_pct", "logins_per_user", "tickets_90d"]].mean()
    assert by_churn.loc[True, "seats_used_pct"] < by_churn.loc[False, "seats_used_pct"]
    assert by_churn.loc[True, "logins_per_user"] < by_churn.loc[False, "logins_per_user"]
    assert by_churn.loc[True, "tickets_90d"] > by_churn.loc[False, "tickets_90d"]
    arr = np.sort(book.accounts["arr"].to_numpy())[::-1]
    assert arr[: len(arr) // 5].sum() / arr.sum() > 0.6


def test_same_seed_same_book_and_another_seed_another_book(book: datasets.Book) -> None:
    again = cs.datasets.synthetic_book(n_accounts=3000, n_months=24, seed=11)
    pd.testing.assert_frame_equal(again.accounts, book.accounts)
    pd.testing.assert_frame_equal(again.revenue, book.revenue)
    other = cs.datasets.synthetic_book(n_accounts=3000, n_months=24, seed=12)
    assert not other.accounts["arr"].equals(book.accounts["arr"])


def test_defaults_and_numpy_integers() -> None:
    default = cs.datasets.synthetic_book()
    assert len(default.accounts) == 5000
    assert default.revenue["month"].nunique() == 36
    from_numpy = cs.datasets.synthetic_book(np.int64(50), np.int32(6), np.uint64(3))
    pd.testing.assert_frame_equal(from_numpy.accounts, cs.datasets.synthetic_book(50, 6, 3).accounts)


def test_book_is_frozen_and_summarised(book: datasets.Book) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        book.accounts = book.accounts  # type: ignore[misc]
    assert repr(book).startswith("Book(3,000 accounts, ")
    assert "2024-11 to 2026-10" in repr(book)
    assert "<table" in book._repr_html_()


@pytest.mark.parametrize(
    ("arguments", "name"),
    [
        ({"n_accounts": 0}, "n_accounts"),
        ({"n_accounts": -5}, "n_accounts"),
        ({"n_accounts": 10.0}, "n_accounts"),
        ({"n_accounts": True}, "n_accounts"),
        ({"n_accounts": "100"}, "n_accounts"),
        ({"n_accounts": 10**9}, "n_accounts"),
        ({"n_months": 1}, "n_months"),
        ({"n_months": 12.5}, "n_months"),
        ({"n_months": np.bool_(True)}, "n_months"),
        ({"n_months": 100_000}, "n_months"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**64}, "seed"),
        ({"seed": 1.0}, "seed"),
        ({"seed": None}, "seed"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(arguments: dict[str, object], name: str) -> None:
    with pytest.raises(cs.InvalidInputError, match=f"^{name}: "):
        cs.datasets.synthetic_book(**arguments)  # type: ignore[arg-type]


def test_invalid_input_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="n_months"):
        cs.datasets.synthetic_book(n_months=0)


# --- the book as subscriptions ---------------------------------------------------------------


@pytest.fixture(scope="module")
def billed() -> cs.datasets.Book:
    return cs.datasets.synthetic_book(n_accounts=3000, n_months=24, seed=11)


def _top(account: int, parents: pd.Series) -> int:
    while account in parents.index:
        account = int(parents[account])
    return account


def test_subscriptions_give_the_books_revenue_back(billed: cs.datasets.Book) -> None:
    subscriptions = billed.subscriptions
    assert set(subscriptions["interval"]) == {"month", "quarter", "year"}
    assert set(subscriptions["currency"]) == {"USD", "EUR"}
    assert subscriptions["end"].isna().any() and (subscriptions["end"] > subscriptions["start"]).any()
    ledger = cs.RevenueLedger.from_subscriptions(
        subscriptions, through=cs.datasets.LAST_MONTH, currency="currency", fx=cs.datasets.PLANNING_RATES
    )
    expected = cs.RevenueLedger(billed.revenue)
    assert ledger.accounts.equals(expected.accounts)
    assert ledger.periods.equals(expected.periods)
    got, want = ledger.revenue.to_numpy(), expected.revenue.to_numpy()
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
    # Monthly plans in dollars go through no rounding at all.
    plain = subscriptions.groupby("account_id", observed=True).apply(
        lambda s: bool((s["interval"] == "month").all() and (s["currency"] == "USD").all()), include_groups=False
    )
    rows = ledger.accounts.isin(plain.index[plain.to_numpy()])
    assert rows.any()
    np.testing.assert_array_equal(got[rows], want[rows])
    pd.testing.assert_frame_equal(ledger.movements(), expected.movements(), rtol=1e-12)


def test_subscriptions_roll_up_to_the_parents(billed: cs.datasets.Book) -> None:
    parents = billed.parents
    assert parents.index.isin(billed.accounts["account_id"]).all()
    assert parents.isin(billed.accounts["account_id"]).all()
    assert any(_top(child, parents) != parents[child] for child in parents.index)  # three levels
    ledger = cs.RevenueLedger.from_subscriptions(
        billed.subscriptions,
        through=cs.datasets.LAST_MONTH,
        currency="currency",
        fx=cs.datasets.PLANNING_RATES,
        hierarchy=parents,
    )
    relabelled = billed.revenue.assign(account_id=[_top(a, parents) for a in billed.revenue["account_id"]])
    expected = cs.RevenueLedger(relabelled)
    assert ledger.accounts.equals(expected.accounts)
    np.testing.assert_allclose(ledger.revenue.to_numpy(), expected.revenue.to_numpy(), rtol=1e-12, atol=0)
    assert ledger.n_accounts < len(billed.accounts)


def test_high_touch_coverage_lowers_churn_above_the_threshold_only() -> None:
    def first_month_arr(book: datasets.Book) -> np.ndarray:
        return 12 * book.revenue.groupby("account_id")["mrr"].first().reindex(book.accounts["account_id"]).to_numpy()

    none = datasets.synthetic_book(4000, seed=3, high_touch_churn_factor=1.0)
    full = datasets.synthetic_book(4000, seed=3, high_touch_churn_factor=0.0)
    default = datasets.synthetic_book(4000, seed=3)
    arr = first_month_arr(none)
    np.testing.assert_array_equal(arr, first_month_arr(full))
    covered = arr >= cs.TierModel.touch().get_params()["thresholds"][-1]  # the book's tiers: the touch preset's
    assert covered.sum() > 100
    assert not full.accounts["churned"][covered].any()  # factor 0: a covered account never churns
    assert none.accounts["churned"][covered].any()
    below = ~covered
    pd.testing.assert_series_equal(none.accounts["churned"][below], default.accounts["churned"][below])
