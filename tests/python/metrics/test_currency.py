"""Currencies: fx mappings and per-period frames against input converted beforehand."""

from __future__ import annotations

import cssegment as cs
import numpy as np
import pandas as pd
import pytest

from .test_subscriptions import pandas_ledger, random_subscriptions

RATES = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27}


def with_currencies(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return frame.assign(currency=np.array(list(RATES))[rng.integers(0, 3, len(frame))])


def test_fixed_rates_equal_amounts_converted_beforehand(int_rows: pd.DataFrame) -> None:
    rows = with_currencies(int_rows, 1)
    ledger = cs.RevenueLedger(rows, currency="currency", fx=RATES)
    converted = rows.assign(mrr=rows["mrr"] * rows["currency"].map(RATES))
    np.testing.assert_array_equal(ledger.revenue.to_numpy(), cs.RevenueLedger(converted).revenue.to_numpy())

    subscriptions = with_currencies(random_subscriptions(500, 2), 3)
    ledger = cs.RevenueLedger.from_subscriptions(subscriptions, through="2025-03", currency="currency", fx=RATES)
    before = subscriptions.assign(amount=subscriptions["amount"] * subscriptions["currency"].map(RATES))
    expected = cs.RevenueLedger.from_subscriptions(before, through="2025-03")
    np.testing.assert_array_equal(ledger.revenue.to_numpy(), expected.revenue.to_numpy())


def test_rates_per_period() -> None:
    subscriptions = with_currencies(random_subscriptions(400, 5), 6)
    months = pd.period_range("2023-01", "2025-03", freq="M")
    rng = np.random.default_rng(7)
    fx = pd.DataFrame(
        [(c, m, 1.0 if c == "USD" else round(RATES[c] * rng.uniform(0.9, 1.1), 4)) for c in RATES for m in months],
        columns=["currency", "period", "rate"],
    )
    ledger = cs.RevenueLedger.from_subscriptions(subscriptions, through="2025-03", currency="currency", fx=fx)
    # Expected: each currency's subscriptions expanded alone, each month times its rate.
    expected = 0.0
    for code in RATES:
        mine = subscriptions.assign(amount=subscriptions["amount"].where(subscriptions["currency"] == code, 0.0))
        table = pandas_ledger(mine, "2025-03", first="2023-01")
        rates = fx[fx["currency"] == code].set_index("period")["rate"].reindex(table.columns)
        expected = expected + table * rates.to_numpy()
    assert str(ledger.periods[0]) == "2023-01"
    np.testing.assert_allclose(ledger.revenue.to_numpy(), np.asarray(expected), rtol=1e-12)

    # Long rows: each row at its own period's rate.
    rows = pd.DataFrame({"account_id": [1, 1, 2], "month": pd.PeriodIndex(["2024-01", "2024-02", "2024-02"], freq="M"),
                         "mrr": [100.0, 100.0, 50.0], "currency": ["EUR", "EUR", "USD"]})  # fmt: skip
    table = pd.DataFrame({"currency": ["EUR", "EUR", "USD"], "period": ["2024-01", "2024-02", "2024-02"],
                          "rate": [1.1, 1.2, 1.0]})  # fmt: skip
    revenue = cs.RevenueLedger(rows, currency="currency", fx=table).revenue
    assert revenue.to_numpy().tolist() == [[100.0 * 1.1, 100.0 * 1.2], [0.0, 50.0]]


@pytest.mark.parametrize(
    ("fx", "message"),
    [
        ({"USD": 1.0}, r"currency\[0\] = 'EUR': no exchange rate for this currency in fx \(rates for 'USD'\)"),
        ({"USD": 1.0, "EUR": 0.0}, r"fx\['EUR'\] = 0.0: exchange rates must be finite and > 0"),
        ({"USD": 1.0, "EUR": float("nan")}, r"fx\['EUR'\] = nan: exchange rates must be finite and > 0"),
        ({"USD": 1.0, "EUR": -1.1}, r"fx\['EUR'\] = -1.1: exchange rates must be finite and > 0"),
        (pd.DataFrame({"currency": ["EUR", "USD"], "period": ["2024-01", "2024-01"], "rate": [1.1, 1.0]}),
         r"fx: no rate for 'EUR' in period 2024-02"),
        (None, r"fx: needed with currency='currency'"),
    ],
)  # fmt: skip
def test_bad_rates_are_named(fx: object, message: str) -> None:
    subscriptions = pd.DataFrame(
        {"account_id": [1, 2], "start": ["2024-01-01", "2024-01-01"], "end": [None, None],
         "amount": [10.0, 20.0], "interval": ["month", "month"], "currency": ["EUR", "USD"]}
    )  # fmt: skip
    with pytest.raises(cs.InvalidInputError, match="^" + message):
        cs.RevenueLedger.from_subscriptions(subscriptions, through="2024-02", currency="currency", fx=fx)


def test_fx_without_currency_is_refused() -> None:
    rows = pd.DataFrame({"account_id": [1], "month": [1], "mrr": [1.0]})
    with pytest.raises(cs.InvalidInputError, match=r"^currency: needed with fx"):
        cs.RevenueLedger(rows, fx={"USD": 1.0})
