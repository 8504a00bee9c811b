"""The ledger's input layer (cssegment.metrics.ledger_input): account ids, period kinds and keys,
`by` segments."""

from __future__ import annotations

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from cssegment import _frame
from cssegment.metrics import ledger_input
from pandas.testing import assert_frame_equal, assert_index_equal


def test_sparse_integer_and_string_ids_give_the_same_ledger(int_rows: pd.DataFrame) -> None:
    base = cs.RevenueLedger(int_rows).revenue
    sparse = cs.RevenueLedger(int_rows.assign(account_id=int_rows["account_id"] * 10**12)).revenue
    strings = cs.RevenueLedger(int_rows.assign(account_id="acct-" + int_rows["account_id"].astype(str))).revenue
    np.testing.assert_array_equal(sparse.sort_index().to_numpy(), base.sort_index().to_numpy())
    assert set(strings.index) == {f"acct-{i}" for i in base.index}
    np.testing.assert_array_equal(strings.loc[[f"acct-{i}" for i in base.index]].to_numpy(), base.to_numpy())


def test_periods_keep_their_kind_and_gaps_become_zero_periods() -> None:
    months = pd.PeriodIndex(["2024-01", "2024-04", "2024-02"], freq="M")
    rows = pd.DataFrame({"account_id": [1, 1, 2], "month": months, "mrr": [1.0, 2.0, 3.0]})
    ledger = cs.RevenueLedger(rows)
    assert_index_equal(ledger.periods, pd.period_range("2024-01", "2024-04", freq="M", name="period"))
    assert ledger.revenue.loc[1].tolist() == [1.0, 0.0, 0.0, 2.0]
    dates = rows.assign(month=months.to_timestamp())
    by_date = cs.RevenueLedger(dates)
    assert_index_equal(
        by_date.periods,
        pd.date_range("2024-01-01", periods=4, freq="MS", name="period").as_unit(by_date.periods.unit),
        check_freq=False,
    )
    np.testing.assert_array_equal(by_date.revenue.to_numpy(), ledger.revenue.to_numpy())
    moves = by_date.movements()
    assert isinstance(moves.index, pd.DatetimeIndex)
    objects = rows.assign(month=pd.Series(list(months), dtype=object))
    assert_frame_equal(cs.RevenueLedger(objects).revenue, ledger.revenue)


def test_bad_accounts_and_periods_are_named() -> None:
    rows = pd.DataFrame({"account_id": ["a", None, "c"], "month": [1, 1, 2], "mrr": [1.0, 1.0, 2.0]})
    with pytest.raises(cs.InvalidInputError, match=r"account_id\[1\] = (None|nan): account ids must not be missing"):
        cs.RevenueLedger(rows)
    with pytest.raises(cs.InvalidInputError, match="month: has dtype float64; periods must be integers"):
        cs.RevenueLedger(rows.assign(account_id="a", month=[1.5, 2.0, 3.0]))
    with pytest.raises(cs.InvalidInputError, match=r"month\[1\] = 'March': mixed kinds of periods \(integer and str"):
        cs.RevenueLedger(rows.assign(account_id="a", month=pd.Series([1, "March", 2], dtype=object)))
    mixed = pd.Series([1, pd.Period("2024-01", "M"), 2], dtype=object)
    with pytest.raises(cs.InvalidInputError, match=r"month\[1\] = Period\('2024-01', 'M'\): mixed kinds"):
        cs.RevenueLedger(rows.assign(account_id="a", month=mixed))
    with pytest.raises(cs.InvalidInputError, match=r"month\[2\] = NaT: periods must not be missing"):
        cs.RevenueLedger(rows.assign(account_id="a", month=pd.to_datetime(["2024-01-01", "2024-02-01", None])))
    with pytest.raises(cs.InvalidInputError, match="no column 'mrr'"):
        cs.RevenueLedger(rows.assign(account_id="a").drop(columns="mrr"))


def test_yyyymm_integers_fail_clearly_rather_than_exhausting_memory() -> None:
    rows = pd.DataFrame({"account_id": np.arange(3), "month": [0, 2**40, 5], "mrr": 1.0})
    with pytest.raises(cs.InvalidInputError, match="is a period a typo"):
        cs.RevenueLedger(rows)


def test_bad_segments_are_named(hand_rows: pd.DataFrame) -> None:
    rows = hand_rows
    ledger = cs.RevenueLedger(rows)
    with pytest.raises(cs.InvalidInputError, match="by: account 4 has revenue in period 0 but no segment"):
        ledger.retention(horizon=1, by=pd.Series(["a", "b", "c"], index=[1, 2, 3]))
    twice = pd.Series(["a", "b", "a", "b", "b"], index=[1, 2, 3, 4, 1])
    with pytest.raises(cs.InvalidInputError, match=r"by\[4\] = .*second, different segment"):
        ledger.movements(by=twice)
    long = rows[["account_id", "month"]].assign(segment="a")
    clash = pd.concat([long, long.iloc[[2]].assign(segment="b")], ignore_index=True)
    with pytest.raises(cs.InvalidInputError, match=r"by\[\d+\] = .*same account and period"):
        ledger.movements(by=clash)
    with pytest.raises(cs.InvalidInputError, match=r"by: account 2 has revenue in period 1 but no segment"):
        ledger.movements(
            by=long.drop(index=[i for i in long.index if tuple(long.loc[i, ["account_id", "month"]]) == (2, 1)])
        )
    with pytest.raises(cs.InvalidInputError, match="by: expected a Series"):
        ledger.movements(by=["a"])  # type: ignore[arg-type]


def test_compact_integer_ids_pass_as_they_are_and_sparse_ones_are_factorized() -> None:
    dense = np.array([7, 3, 5, 3], dtype=np.int64)
    keys, ids = ledger_input.account_keys(dense, "account_id")
    assert ids is None and keys.tolist() == [7, 3, 5, 3]
    assert ledger_input.compact_ids(0, 4 * 10 + (1 << 16) - 1, 10)  # the core's rule, at its boundary
    assert not ledger_input.compact_ids(0, 4 * 10 + (1 << 16), 10)
    assert not ledger_input.compact_ids(0, 10**12, 10)
    sparse = dense * 10**12
    keys, ids = ledger_input.account_keys(sparse, "account_id")
    assert ids is not None and keys.tolist() == [0, 1, 2, 1] and ids.tolist() == [7 * 10**12, 3 * 10**12, 5 * 10**12]
    huge = np.array([2**63, 2**63 + 1], dtype=np.uint64)  # beyond int64: factorized, never wrapped
    assert ledger_input.account_keys(huge, "account_id")[1] is not None


def test_segment_names_keep_a_categorical_order_else_are_sorted() -> None:
    codes, names = _frame.ranked_labels(["b", "a", None, "b"], "by")
    assert names == ["a", "b"] and codes.tolist() == [1, 0, -1, 1]
    ordered = pd.Categorical(["low", "high"], categories=["low", "high"], ordered=True)
    codes, names = _frame.ranked_labels(ordered, "by")
    assert names == ["low", "high"] and codes.tolist() == [0, 1]
    index = ledger_input.segment_index(names)
    assert index.ordered and index.name == "segment"


def test_metric_parameters_are_checked_by_the_core() -> None:
    ledger_input.check_horizon(1)
    ledger_input.check_reactivation_window(None)
    with pytest.raises(cs.InvalidInputError, match="horizon: 0 must be >= 1"):
        ledger_input.check_horizon(0)
    with pytest.raises(cs.InvalidInputError, match="reactivation_window: expected an integer"):
        ledger_input.check_reactivation_window(1.5)  # type: ignore[arg-type]


def test_one_ordering_rule_for_codes_and_for_category_lists() -> None:
    for labels in (["b", "a", None, "c"], pd.Categorical(["x", "y"], categories=["y", "x"])):
        assert _frame.ranked_labels(labels, "by")[1] == _frame.ordered_categories({"by": labels})
