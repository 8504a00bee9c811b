"""Periods and calendars: dates of every spelling bucketed into months, fiscal quarters, ISO
weeks and fiscal years, checked against pandas Periods; the yyyymm trap; CDNOW-shaped input."""

from __future__ import annotations

import calendar
import datetime as dt

import cssegment as cs
import cssegment.dask as csd
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from cssegment.metrics import periods
from pandas.testing import assert_frame_equal

MONTHS = [name.upper() for name in calendar.month_abbr[1:]]


def random_days(seed: int = 1) -> pd.DatetimeIndex:
    """Every day from 1890 to 2110 (leap years, 1900 and 2000 among them), each at a random time
    of day, in random order."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("1890-01-01", "2110-12-31", freq="D").to_numpy()
    times = rng.integers(0, 86_400_000_000_000, len(days)).astype("m8[ns]")
    return pd.DatetimeIndex(rng.permutation(days + times))


def fiscal_end(start: int) -> str:
    """pandas' name of the last month of a fiscal year starting in month `start`."""
    return MONTHS[(start - 2) % 12]


def test_months_equal_pandas_periods() -> None:
    days = random_days()
    assert len(days) == 80_718
    ordinals = periods.period_ordinals(pd.Series(days), periods.Calendar.of("M", 1))
    np.testing.assert_array_equal(ordinals, days.to_period("M").asi8)
    first, last = periods.Calendar.of("M", 1).first_days(ordinals), periods.Calendar.of("M", 1).last_days(ordinals)
    np.testing.assert_array_equal(first, days.to_period("M").start_time.to_numpy().astype("M8[D]"))
    np.testing.assert_array_equal(last, days.to_period("M").end_time.to_numpy().astype("M8[D]"))


@pytest.mark.parametrize("start", range(1, 13))
def test_fiscal_quarters_equal_pandas_q_month_periods(start: int) -> None:
    days = random_days(seed=start)
    expected = days.to_period(f"Q-{fiscal_end(start)}")
    assert pd.Period(days[0], freq=f"Q-{fiscal_end(start)}") == expected[0]
    calendar_ = periods.Calendar.of("Q", start)
    ordinals = periods.period_ordinals(pd.Series(days), calendar_)
    np.testing.assert_array_equal(ordinals, expected.asi8)
    prefix = "FY" if start != 1 else ""
    labels = [f"{prefix}{year}-Q{quarter}" for year, quarter in zip(expected.qyear, expected.quarter)]
    assert calendar_.labels(ordinals).tolist() == labels
    np.testing.assert_array_equal(calendar_.first_days(ordinals), expected.start_time.to_numpy().astype("M8[D]"))
    np.testing.assert_array_equal(calendar_.last_days(ordinals), expected.end_time.to_numpy().astype("M8[D]"))


@pytest.mark.parametrize("start", range(1, 13))
def test_fiscal_years_equal_pandas_y_month_periods(start: int) -> None:
    days = random_days(seed=100 + start)
    expected = days.to_period(f"Y-{fiscal_end(start)}")
    calendar_ = periods.Calendar.of("Y", start)
    ordinals = periods.period_ordinals(pd.Series(days), calendar_)
    np.testing.assert_array_equal(ordinals, expected.asi8)
    prefix = "FY" if start != 1 else ""
    assert calendar_.labels(ordinals).tolist() == [f"{prefix}{year}" for year in expected.year]
    np.testing.assert_array_equal(calendar_.last_days(ordinals), expected.end_time.to_numpy().astype("M8[D]"))


def test_weeks_are_iso_weeks_monday_to_sunday() -> None:
    days = random_days(seed=7)
    calendar_ = periods.Calendar.of("W", 1)
    ordinals = periods.period_ordinals(pd.Series(days), calendar_)
    expected = days.to_period("W-SUN")
    np.testing.assert_array_equal(ordinals, expected.asi8)
    first = calendar_.first_days(ordinals)
    assert set(pd.DatetimeIndex(first).day_of_week) == {0}  # Mondays
    assert set(pd.DatetimeIndex(calendar_.last_days(ordinals)).day_of_week) == {6}  # Sundays
    iso = days.isocalendar()
    assert calendar_.labels(ordinals).tolist() == [f"{y}-W{w:02d}" for y, w in zip(iso["year"], iso["week"])]


def test_the_yyyymm_trap_is_refused_and_period_format_reads_it() -> None:
    rows = pd.DataFrame({"account_id": [1, 1, 1, 2], "month": [202311, 202312, 202401, 202401], "mrr": [5.0] * 4})
    with pytest.raises(cs.InvalidInputError, match=r"month\[2\] = 202401: .*period_format='%Y%m'"):
        cs.RevenueLedger(rows)
    formatted = cs.RevenueLedger(rows, period_format="%Y%m")
    dates = cs.RevenueLedger(rows.assign(month=pd.to_datetime(rows["month"].astype(str), format="%Y%m")))
    np.testing.assert_array_equal(formatted.revenue.to_numpy(), dates.revenue.to_numpy())
    assert [str(p) for p in formatted.periods] == ["2023-11", "2023-12", "2024-01"]
    assert formatted.retention(horizon=1)["logo_retention"].tolist() == [1.0, 1.0]  # no fake churn at new year
    strings = cs.RevenueLedger(rows.assign(month=rows["month"].astype(str)), period_format="%Y%m")
    assert_frame_equal(strings.revenue, formatted.revenue)
    # Integers within one year, or that do not read as yyyymm, stay consecutive period numbers.
    assert cs.RevenueLedger(rows.assign(month=[202301, 202302, 202303, 202303])).n_periods == 3


def test_period_formats_with_days() -> None:
    rows = pd.DataFrame({"account_id": [1, 1, 2], "mrr": [1.0, 2.0, 4.0]})
    by_date = cs.RevenueLedger(rows.assign(month=pd.to_datetime(["2024-01-31", "2024-02-01", "2024-02-29"])))
    for month, period_format in [
        ([20240131, 20240201, 20240229], "%Y%m%d"),
        (["2024-01-31", "2024-02-01", "2024-02-29"], "%Y-%m-%d"),
        (["31/01/2024", "01/02/2024", "29/02/2024"], "%d/%m/%Y"),
    ]:
        ledger = cs.RevenueLedger(rows.assign(month=month), period_format=period_format)
        np.testing.assert_array_equal(ledger.revenue.to_numpy(), by_date.revenue.to_numpy())
    with pytest.raises(cs.InvalidInputError, match=r"month\[2\] = 20230229: does not match period_format '%Y%m%d'"):
        cs.RevenueLedger(rows.assign(month=[20240131, 20240201, 20230229]), period_format="%Y%m%d")


def cdnow_like(n: int = 20_000, seed: int = 5) -> pd.DataFrame:
    """A CDNOW-shaped transaction log: daily dates over 18 months, customer ids, amounts, several
    purchases per customer and month."""
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("1997-01-01") + pd.to_timedelta(rng.integers(0, 547, n), unit="D")
    return pd.DataFrame(
        {"customer_id": rng.integers(1, 800, n), "date": days, "amount": np.round(rng.gamma(2.0, 20.0, n), 2)}
    )


def test_cdnow_shaped_daily_rows_go_straight_in() -> None:
    log = cdnow_like()
    ledger = cs.RevenueLedger(log, account="customer_id", period="date", amount="amount")
    by_hand = log.assign(date=log["date"].dt.to_period("M"))
    hand = cs.RevenueLedger(by_hand, account="customer_id", period="date", amount="amount")
    np.testing.assert_array_equal(ledger.revenue.to_numpy(), hand.revenue.to_numpy())
    assert ledger.periods.equals(hand.periods.to_timestamp().rename("period"))
    grouped = by_hand.groupby(["customer_id", "date"])["amount"].sum().unstack(fill_value=0.0)
    np.testing.assert_allclose(ledger.revenue.to_numpy(), grouped.to_numpy(), rtol=1e-12)
    assert ledger.summary()["duplicate_rows"] == len(log) - len(by_hand.groupby(["customer_id", "date"]))
    assert ledger.retention(horizon=12)["logo_retention"].iloc[0] > 0


def test_every_spelling_of_dates_gives_the_same_ledger() -> None:
    rows = pd.DataFrame({"account_id": [1, 1, 2, 2], "mrr": [1.0, 2.0, 4.0, 8.0]})
    stamps = pd.to_datetime(
        ["2024-01-31 23:59:59.999999999", "2024-02-29", "2024-01-01", "2024-03-31 12:00"], format="ISO8601"
    )
    expected = cs.RevenueLedger(rows.assign(month=stamps.to_period("M")))
    month_ends = pd.to_datetime(["2024-01-31", "2024-02-29", "2024-01-31", "2024-03-31"])
    spellings = {
        "datetime64": stamps,
        "month-end timestamps": month_ends,
        "microseconds": stamps.as_unit("us"),
        "YYYY-MM strings": stamps.strftime("%Y-%m").tolist(),
        "YYYY-MM-DD strings": stamps.strftime("%Y-%m-%d").tolist(),
        "datetime.date": [day.date() for day in stamps],
        "Timestamp objects": pd.Series(list(stamps), dtype=object),
        "numpy datetime64[D]": stamps.to_numpy().astype("M8[D]"),
    }
    for name, month in spellings.items():
        ledger = cs.RevenueLedger(rows.assign(month=month))
        np.testing.assert_array_equal(ledger.revenue.to_numpy(), expected.revenue.to_numpy(), err_msg=name)
        assert [str(p)[:7] for p in ledger.periods] == ["2024-01", "2024-02", "2024-03"], name


def test_time_zone_dates_fall_into_their_local_month() -> None:
    # 23:30 on 31 January in New York is 1 February in UTC: local wall-clock time decides.
    wall_clock = pd.to_datetime(["2024-01-31 23:30", "2024-02-01 00:30", "2024-03-15 09:00"])
    local = pd.Series(wall_clock.tz_localize("US/Eastern"))
    rows = pd.DataFrame({"account_id": [1, 1, 2], "month": local, "mrr": [1.0, 2.0, 4.0]})
    ledger = cs.RevenueLedger(rows)
    expected = local.dt.tz_localize(None).dt.to_period("M")
    hand = cs.RevenueLedger(rows.assign(month=expected))
    np.testing.assert_array_equal(ledger.revenue.to_numpy(), hand.revenue.to_numpy())
    assert ledger.revenue.iloc[0].tolist() == [1.0, 2.0, 0.0]
    utc = cs.RevenueLedger(rows.assign(month=local.dt.tz_convert("UTC")))
    assert [str(p)[:7] for p in utc.periods] == ["2024-02", "2024-03"]  # in UTC both fall in February
    assert utc.revenue.iloc[0].tolist() == [3.0, 0.0]


def test_fiscal_quarters_in_the_ledger() -> None:
    rows = pd.DataFrame(
        {
            "account_id": ["a", "a", "a", "b"],
            "date": pd.to_datetime(["2024-03-31", "2024-04-01", "2024-05-20", "2024-07-01"]),
            "mrr": [100.0, 50.0, 60.0, 10.0],
        }
    )
    ledger = cs.RevenueLedger(rows, period="date", freq="Q", fiscal_year_start=4)
    assert ledger.periods.tolist() == ["FY2024-Q4", "FY2025-Q1", "FY2025-Q2"]
    assert ledger.revenue.loc["a"].tolist() == [100.0, 110.0, 0.0]
    assert "dates, by fiscal quarters (fiscal years from April, named by the year they end in)" in ledger._repr_html_()
    assert "FY2024-Q4 to FY2025-Q2" in repr(ledger)
    movements = ledger.movements()
    assert movements.index.tolist() == ["FY2025-Q1", "FY2025-Q2"]
    assert movements.loc["FY2025-Q2", "churn"] == 110.0
    # Monthly periods given with freq are bucketed by their first day.
    monthly = cs.RevenueLedger(rows.assign(date=rows["date"].dt.to_period("M")), period="date", freq="Q",
                               fiscal_year_start=4)  # fmt: skip
    assert_frame_equal(monthly.revenue, ledger.revenue)
    # A long `by` frame with dates is read with the ledger's calendar.
    by = pd.DataFrame({"account_id": ["a", "a", "a", "b"], "date": rows["date"], "segment": ["x", "x", "x", "y"]})
    assert set(ledger.movements(by=by).index.get_level_values("segment")) == {"x", "y"}


def test_dask_reads_calendars_as_in_memory() -> None:
    log = cdnow_like(3000)
    expected = cs.RevenueLedger(log, "customer_id", "date", "amount", freq="Q", fiscal_year_start=7).movements()
    ddf = dd.from_pandas(log, npartitions=3)
    got = csd.movements(ddf, "customer_id", "date", "amount", freq="Q", fiscal_year_start=7)
    assert_frame_equal(got, expected)
    assert got.index[0].startswith("FY")


def test_date_objects_and_periods_for_billing() -> None:
    """The helpers other entry points use: ordinals of a date column and each period's last day."""
    days = [dt.date(2024, 1, 15), dt.date(2024, 2, 29), dt.date(1969, 12, 31)]
    months = periods.Calendar.of("M", 1)
    ordinals = periods.period_ordinals(days, months, "start")
    assert ordinals.tolist() == [648, 649, -1]
    assert months.last_days(ordinals).astype(str).tolist() == ["2024-01-31", "2024-02-29", "1969-12-31"]
    with pytest.raises(cs.InvalidInputError, match=r"start\[1\] = NaT: periods must not be missing"):
        periods.period_ordinals(pd.to_datetime(["2024-01-01", None]), months, "start")
    with pytest.raises(cs.InvalidInputError, match=r"periods\[0\] = 9223372036854775807: periods must hold dates"):
        months.last_days([2**63 - 1])


def test_dask_reads_a_segment_column_of_dates_with_the_calendar() -> None:
    log = cdnow_like(2000, seed=9)
    log = log.assign(segment=np.where(log["customer_id"] % 2 == 0, "even", "odd"))
    ledger = cs.RevenueLedger(log, "customer_id", "date", "amount", freq="Y", fiscal_year_start=7)
    expected = ledger.movements(by=log[["customer_id", "date", "segment"]])
    ddf = dd.from_pandas(log, npartitions=2)
    got = csd.movements(ddf, "customer_id", "date", "amount", by="segment", freq="Y", fiscal_year_start=7)
    assert_frame_equal(got, expected)
    # Days from 1997-01-01 to 1998-07-01 span FY1997 (to June 1997), FY1998 and FY1999 (from July 1998).
    assert ledger.periods.tolist() == ["FY1997", "FY1998", "FY1999"]
    assert list(got.index.get_level_values("period").unique()) == ["FY1998", "FY1999"]
