"""RevenueLedger.from_subscriptions against hand-computed months and an independent pandas
implementation (expand every subscription to the months it is active at, normalise, group)."""

from __future__ import annotations

import datetime

import cssegment as cs
import numpy as np
import pandas as pd
import pytest

MONTHS_PER = {"month": 1, "quarter": 3, "year": 12}


def pandas_ledger(subscriptions: pd.DataFrame, through: str, first: str | None = None) -> pd.DataFrame:
    """The straightforward way: every subscription x every month, kept where active on the
    month's last day, amounts normalised to a month, summed per account and month."""
    starts = pd.to_datetime(subscriptions["start"])
    ends = pd.to_datetime(subscriptions["end"])
    months = pd.period_range(first or starts.min().to_period("M"), through, freq="M")
    grid = subscriptions.assign(start=starts, end=ends, row=np.arange(len(subscriptions))).merge(
        pd.DataFrame({"month": months, "last_day": months.end_time.normalize()}), how="cross"
    )
    active = (grid["start"] <= grid["last_day"]) & (grid["end"].isna() | (grid["last_day"] < grid["end"]))
    grid = grid[active]
    interval = grid["interval"]
    months_per = interval.map(lambda i: MONTHS_PER.get(i, i) if isinstance(i, str) else i)
    weekly = interval.eq("week").to_numpy()
    amount = grid["amount"].to_numpy(dtype=float)
    mrr = np.where(weekly, amount * 52 / 12, amount / np.where(weekly, 1, months_per).astype(float))
    table = (
        pd.Series(mrr, index=[grid["account_id"], grid["month"]]).groupby(level=[0, 1]).sum().unstack(fill_value=0.0)
    )
    accounts = np.sort(subscriptions["account_id"].unique())
    return table.reindex(index=accounts, columns=months, fill_value=0.0)


def random_subscriptions(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D")
    length = pd.to_timedelta(rng.integers(0, 500, n), unit="D")
    end = (start + length).where(rng.random(n) < 0.7)
    intervals = np.array(["month", "quarter", "year", "week", 2, 6], dtype=object)[rng.integers(0, 6, n)]
    return pd.DataFrame(
        {
            "account_id": rng.integers(0, n // 4, n),
            "start": start,
            "end": end,
            "amount": np.round(rng.lognormal(5, 1, n), 2) * (rng.random(n) > 0.05),  # some trials at 0
            "interval": intervals,
        }
    )


def test_worked_example_from_the_guide() -> None:
    subscriptions = pd.DataFrame(
        {
            "account_id": ["a", "a", "b", "c"],
            "start": ["2024-01-15", "2024-02-01", "2024-01-01", "2024-03-31"],
            "end": [None, "2024-04-01", "2024-03-31", "2024-04-30"],
            "amount": [100.0, 1200.0, 300.0, 30.0],
            "interval": ["month", "year", "quarter", "week"],
        }
    )
    ledger = cs.RevenueLedger.from_subscriptions(subscriptions, through="2024-04")
    assert [str(p) for p in ledger.periods] == ["2024-01", "2024-02", "2024-03", "2024-04"]
    # a: 100 monthly from mid-January (still active) + 1200 a year (100) in February and March.
    # b: 300 a quarter (100) until 2024-03-31, exclusive: January and February only.
    # c: 30 a week = 130 a month, active on March 31 only (its end, April 30, is exclusive).
    assert ledger.revenue.to_numpy().tolist() == [[100, 200, 200, 100], [100, 100, 0, 0], [0, 0, 130, 0]]
    moves = ledger.movements()
    assert moves.loc[pd.Period("2024-03", "M"), "new"] == 130.0
    assert moves.loc[pd.Period("2024-03", "M"), "churn"] == 100.0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_equals_the_pandas_expansion(seed: int) -> None:
    subscriptions = random_subscriptions(600, seed)
    ledger = cs.RevenueLedger.from_subscriptions(subscriptions, through="2025-06")
    expected = pandas_ledger(subscriptions, "2025-06")
    assert ledger.revenue.index.tolist() == expected.index.tolist()
    assert ledger.periods.equals(expected.columns.rename("period"))
    np.testing.assert_allclose(ledger.revenue.to_numpy(), expected.to_numpy(), rtol=1e-13, atol=0)
    # One (subscription, month) amount per cell is exact: the same float operations.
    single = pandas_ledger(subscriptions.assign(amount=1.0, interval="month"), "2025-06").to_numpy() == 1.0
    assert (ledger.revenue.to_numpy()[single] == expected.to_numpy()[single]).all()
    assert ledger.summary()["rows_read"] == len(subscriptions)


def test_date_spellings_give_the_same_ledger() -> None:
    subscriptions = random_subscriptions(200, 4)
    as_dates = cs.RevenueLedger.from_subscriptions(subscriptions, through="2025-01").revenue
    strings = subscriptions.assign(
        start=subscriptions["start"].dt.strftime("%Y-%m-%d"), end=subscriptions["end"].dt.strftime("%Y-%m-%d")
    )
    dates = subscriptions.assign(
        start=[d.date() for d in subscriptions["start"]],
        end=[None if pd.isna(d) else d.date() for d in subscriptions["end"]],
    )
    assert isinstance(dates["start"][0], datetime.date)
    for other in (strings, dates):
        got = cs.RevenueLedger.from_subscriptions(other, through=pd.Period("2025-01", "M")).revenue
        pd.testing.assert_frame_equal(got, as_dates)
    # A time zone's local date; times of day are dropped.
    zoned = subscriptions.assign(
        start=(subscriptions["start"] + pd.Timedelta(hours=23)).dt.tz_localize("America/New_York"),
        end=subscriptions["end"].dt.tz_localize("America/New_York"),
    )
    got = cs.RevenueLedger.from_subscriptions(zoned, through="2025-01-31").revenue
    pd.testing.assert_frame_equal(got, as_dates)


def test_through_defaults_to_the_month_of_the_latest_end() -> None:
    subscriptions = pd.DataFrame(
        {"account_id": [1, 2], "start": ["2024-01-01", "2024-02-10"], "end": ["2024-03-01", "2024-05-20"],
         "amount": [10.0, 20.0], "interval": ["month", "month"]}
    )  # fmt: skip
    ledger = cs.RevenueLedger.from_subscriptions(subscriptions)
    assert str(ledger.periods[-1]) == "2024-05"
    assert ledger.revenue.to_numpy().tolist() == [[10, 10, 0, 0, 0], [0, 20, 20, 20, 0]]
    assert ledger.movements()["churn"].tolist() == [0.0, 10.0, 0.0, 20.0]


def test_subscriptions_after_through_count_nowhere_but_their_account_is_a_row() -> None:
    subscriptions = pd.DataFrame(
        {"account_id": [1, 2], "start": ["2024-01-01", "2024-06-01"], "end": [None, None],
         "amount": [10.0, 20.0], "interval": [1, 1]}
    )  # fmt: skip
    ledger = cs.RevenueLedger.from_subscriptions(subscriptions, through="2024-02")
    assert ledger.revenue.to_numpy().tolist() == [[10, 10], [0, 0]]


def test_an_upgrade_mid_month_is_expansion() -> None:
    subscriptions = pd.DataFrame(
        {"account_id": ["x", "x"], "start": ["2024-01-05", "2024-03-10"], "end": ["2024-03-10", None],
         "amount": [100.0, 450.0], "interval": ["month", "quarter"]}
    )  # fmt: skip
    moves = cs.RevenueLedger.from_subscriptions(subscriptions, through="2024-04").movements()
    assert moves["expansion"].tolist() == [0.0, 50.0, 0.0]
    assert moves["new"].sum() == 0.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end": ["2023-12-31", None]}, "end[0] = 2023-12-31: ends before its start 2024-01-01"),
        ({"interval": ["fortnight", "month"]}, "interval[0] = 'fortnight': billing intervals must be"),
        ({"interval": [0, 1]}, "interval[0] = 0: billing intervals must be"),
        ({"amount": [10.0, -1.0]}, "amount[1] = -1: amounts must be finite and >= 0"),
        ({"start": [None, "2024-01-01"]}, "start[0] = NaT: start dates must not be missing"),
        (
            {"start": ["2024-01-01", "someday"]},
            "start[1] = 'someday': date strings must be 'YYYY-MM' or 'YYYY-MM-DD' throughout",
        ),
    ],
)
def test_bad_rows_are_named(change: dict[str, list[object]], message: str) -> None:
    subscriptions = pd.DataFrame(
        {"account_id": [1, 2], "start": ["2024-01-01", "2024-02-01"], "end": [None, None],
         "amount": [10.0, 20.0], "interval": ["month", "month"]}
    ).assign(**change)  # fmt: skip
    with pytest.raises(cs.InvalidInputError, match="^" + message.replace("[", r"\[").replace("]", r"\]")):
        cs.RevenueLedger.from_subscriptions(subscriptions, through="2024-06")


def test_through_is_checked() -> None:
    subscriptions = pd.DataFrame(
        {"account_id": [1], "start": ["2024-03-01"], "end": [None], "amount": [1.0], "interval": ["month"]}
    )
    with pytest.raises(cs.InvalidInputError, match=r"^through: required because 1 subscription\(s\) have no end"):
        cs.RevenueLedger.from_subscriptions(subscriptions)
    with pytest.raises(cs.InvalidInputError, match=r"^through: 2024-02 is before the month of the first start"):
        cs.RevenueLedger.from_subscriptions(subscriptions, through="2024-02")
