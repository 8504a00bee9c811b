"""Unit economics: customer lifetime value (CLTV), retention cost (CRC), acquisition cost (CAC),
CLTV : CAC and CAC payback.

The formulas are the metric definitions in the user guide (``docs/guide/metrics.md``, "Lifetime
value, retention cost and acquisition cost"). Every function broadcasts over scalars, arrays and
Series; the core checks the ranges and names the argument and the row of a bad value.

Examples
--------
>>> import cssegment as cs
>>> cs.cltv(1000.0, 0.02)
50000.0
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from .. import _core, _frame
from .._core import InvalidInputError

__all__ = ["cac", "cac_payback", "cltv", "cltv_cac_ratio", "crc"]

Floats = npt.NDArray[np.float64]
Vector = npt.NDArray[np.integer[Any] | np.floating[Any]] | Sequence[float]
#: Amounts per period: a number, an array or a Series; broadcast against each other.
Amounts = float | Vector | pd.Series


def _floats(values: Amounts, argument: str) -> Floats:
    if isinstance(values, (int, float, np.generic)) or _frame.as_array(values, argument).ndim == 0:
        return _frame.numeric(np.atleast_1d(values), argument, booleans=False)
    return _frame.numeric(values, argument, booleans=False)


def _vectorised(result: Floats, template: Mapping[str, Amounts], name: str) -> float | Floats | pd.Series:
    """A float for scalar inputs, a Series aligned to the first Series input, else an array."""
    for value in template.values():
        if isinstance(value, pd.Series):
            return pd.Series(result, index=value.index, name=name)
    if all(np.ndim(v) == 0 for v in template.values()):
        return float(result[0])
    return result


def _apply(name: str, function: Callable[..., Floats], **arguments: Amounts) -> float | Floats | pd.Series:
    """Broadcast the arguments against each other, call the core, shape the result like them."""
    series = [(k, v) for k, v in arguments.items() if isinstance(v, pd.Series)]
    for argument, value in series[1:]:
        if not value.index.equals(series[0][1].index):
            raise InvalidInputError(
                f"{argument}: its index differs from {series[0][0]}'s; align the Series first (e.g. .reindex)"
            )
    arrays = [_floats(v, k) for k, v in arguments.items()]
    # Only scalars broadcast: numpy would also stretch a length-1 array, or shrink it to length 0.
    lengths = {len(a) for a, v in zip(arrays, arguments.values()) if np.ndim(v) != 0}
    if len(lengths) > 1:
        sizes = ", ".join(f"{k} has {np.size(v)}" for k, v in arguments.items())
        raise InvalidInputError(f"{name}: arguments have different lengths: {sizes}")
    shape = (lengths.pop() if lengths else 1,)
    arrays = [np.ascontiguousarray(np.broadcast_to(a, shape)) for a in arrays]
    return _vectorised(function(*arrays), arguments, name)


def _per_customer(name: str, amount: tuple[str, Amounts], customers: tuple[str, Amounts]) -> float | Floats | pd.Series:
    def divide(spend: Floats, count: Floats) -> Floats:
        return _core.metrics.per_customer(spend, count, amount[0], customers[0])

    return _apply(name, divide, **{amount[0]: amount[1], customers[0]: customers[1]})


@overload
def cltv(
    arpa: float, churn_rate: float, cost_to_serve: float = ..., gross_margin: float = ..., discount_rate: float = ...
) -> float: ...
@overload
def cltv(
    arpa: pd.Series,
    churn_rate: Amounts,
    cost_to_serve: Amounts = ...,
    gross_margin: Amounts = ...,
    discount_rate: Amounts = ...,
) -> pd.Series: ...
@overload
def cltv(
    arpa: Vector,
    churn_rate: float | Vector,
    cost_to_serve: float | Vector = ...,
    gross_margin: float | Vector = ...,
    discount_rate: float | Vector = ...,
) -> Floats: ...
@overload
def cltv(
    arpa: Amounts,
    churn_rate: Amounts,
    cost_to_serve: Amounts = ...,
    gross_margin: Amounts = ...,
    discount_rate: Amounts = ...,
) -> float | Floats | pd.Series: ...
def cltv(
    arpa: Amounts,
    churn_rate: Amounts,
    cost_to_serve: Amounts = 0.0,
    gross_margin: Amounts = 1.0,
    discount_rate: Amounts = 0.0,
) -> float | Floats | pd.Series:
    """Customer lifetime value from ARPA, churn rate, margin, cost to serve and discount rate.

    (ARPA x gross_margin - cost_to_serve) / churn_rate, or with a discount rate d and retention
    r = 1 - churn_rate: (ARPA x gm - cts) x (1 + d) / (1 + d - r).

    All arguments are per period and broadcast against each other (scalars, arrays, Series).
    churn_rate must be in (0, 1], gross_margin in (0, 1], discount_rate >= 0, ARPA and
    cost_to_serve finite and >= 0.

    Parameters
    ----------
    arpa : float, array-like or pandas.Series
        Average revenue per account per period.
    churn_rate : float, array-like or pandas.Series
        Share of accounts lost per period.
    cost_to_serve : float, array-like or pandas.Series
        Cost of serving an account per period.
    gross_margin : float, array-like or pandas.Series
        Share of revenue kept after the cost of goods.
    discount_rate : float, array-like or pandas.Series
        Discount rate per period.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        A float for scalar arguments, a Series aligned with the first Series argument, else an
        array.

    Raises
    ------
    InvalidInputError
        If a value is out of range (the message names the argument and the row) or the
        arguments do not broadcast.

    Examples
    --------
    >>> import cssegment as cs
    >>> cs.cltv(1000.0, 0.02)
    50000.0
    >>> cs.cltv(1000.0, 0.02, gross_margin=0.8, cost_to_serve=100.0, discount_rate=0.01)
    23566.666666666668
    """
    return _apply(
        "cltv",
        _core.metrics.cltv,
        arpa=arpa,
        churn_rate=churn_rate,
        cost_to_serve=cost_to_serve,
        gross_margin=gross_margin,
        discount_rate=discount_rate,
    )


@overload
def crc(retention_spend: float, customers: float, denominator: Literal["retained", "start"] = ...) -> float: ...
@overload
def crc(
    retention_spend: pd.Series, customers: Amounts, denominator: Literal["retained", "start"] = ...
) -> pd.Series: ...
@overload
def crc(
    retention_spend: Vector, customers: float | Vector, denominator: Literal["retained", "start"] = ...
) -> Floats: ...
@overload
def crc(
    retention_spend: Amounts, customers: Amounts, denominator: Literal["retained", "start"] = ...
) -> float | Floats | pd.Series: ...
def crc(
    retention_spend: Amounts, customers: Amounts, denominator: Literal["retained", "start"] = "retained"
) -> float | Floats | pd.Series:
    """Customer retention cost: retention spend / customers.

    Parameters
    ----------
    retention_spend : float, array-like or Series
        Spend on keeping customers in the period (finite, >= 0).
    customers : float, array-like or Series
        What `denominator` names (> 0).
    denominator : {"retained", "start"}
        ``retained`` (the definition in the user guide, ``docs/guide/metrics.md``): `customers`
        are those retained in the period;
        ``start``: those at the start of the period, which spreads the spend over everyone the
        team had to work on, churned or not. The choice is spelled out because both are in use.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        A float for scalar arguments, a Series aligned with the first Series argument, else an
        array.

    Examples
    --------
    >>> import cssegment as cs
    >>> cs.crc(90_000.0, 450)
    200.0
    >>> cs.crc(90_000.0, 500, denominator="start")
    180.0
    """
    if not isinstance(denominator, str) or denominator not in ("retained", "start"):
        raise InvalidInputError(f"denominator: {denominator!r} must be 'retained' or 'start'")
    return _per_customer("crc", ("retention_spend", retention_spend), (f"customers ({denominator})", customers))


@overload
def cac(acquisition_spend: float, new_customers: float) -> float: ...
@overload
def cac(acquisition_spend: pd.Series, new_customers: Amounts) -> pd.Series: ...
@overload
def cac(acquisition_spend: Vector, new_customers: float | Vector) -> Floats: ...
@overload
def cac(acquisition_spend: Amounts, new_customers: Amounts) -> float | Floats | pd.Series: ...
def cac(acquisition_spend: Amounts, new_customers: Amounts) -> float | Floats | pd.Series:
    """Customer acquisition cost: acquisition spend / new customers (> 0).

    Parameters
    ----------
    acquisition_spend : float, array-like or pandas.Series
        Sales and marketing spend on winning customers in the period (finite, >= 0).
    new_customers : float, array-like or pandas.Series
        Customers won in the period (> 0).

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        A float for scalar arguments, a Series aligned with the first Series argument, else an
        array.

    Examples
    --------
    >>> import cssegment as cs
    >>> cs.cac(120_000.0, 40)
    3000.0
    """
    return _per_customer("cac", ("acquisition_spend", acquisition_spend), ("new_customers", new_customers))


@overload
def cltv_cac_ratio(cltv: float, cac: float) -> float: ...
@overload
def cltv_cac_ratio(cltv: pd.Series, cac: Amounts) -> pd.Series: ...
@overload
def cltv_cac_ratio(cltv: Vector, cac: float | Vector) -> Floats: ...
@overload
def cltv_cac_ratio(cltv: Amounts, cac: Amounts) -> float | Floats | pd.Series: ...
def cltv_cac_ratio(cltv: Amounts, cac: Amounts) -> float | Floats | pd.Series:
    """CLTV : CAC, the value a customer brings per unit of acquisition cost (CAC > 0).

    Parameters
    ----------
    cltv : float, array-like or pandas.Series
        Customer lifetime value (see :func:`cltv`).
    cac : float, array-like or pandas.Series
        Customer acquisition cost (see :func:`cac`).

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        A float for scalar arguments, a Series aligned with the first Series argument, else an
        array.

    Examples
    --------
    >>> import cssegment as cs
    >>> cs.cltv_cac_ratio(9000.0, 3000.0)
    3.0
    """
    return _per_customer("cltv_cac_ratio", ("cltv", cltv), ("cac", cac))


@overload
def cac_payback(cac: float, arpa_new: float, gross_margin: float = ...) -> float: ...
@overload
def cac_payback(cac: pd.Series, arpa_new: Amounts, gross_margin: Amounts = ...) -> pd.Series: ...
@overload
def cac_payback(cac: Vector, arpa_new: float | Vector, gross_margin: float | Vector = ...) -> Floats: ...
@overload
def cac_payback(cac: Amounts, arpa_new: Amounts, gross_margin: Amounts = ...) -> float | Floats | pd.Series: ...
def cac_payback(cac: Amounts, arpa_new: Amounts, gross_margin: Amounts = 1.0) -> float | Floats | pd.Series:
    """CAC payback in periods: CAC / (ARPA of new customers x gross_margin).

    Parameters
    ----------
    cac : float, array-like or pandas.Series
        Customer acquisition cost.
    arpa_new : float, array-like or pandas.Series
        Revenue per new account per period (> 0).
    gross_margin : float, array-like or pandas.Series
        Share of revenue kept after the cost of goods, in (0, 1].

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        A float for scalar arguments, a Series aligned with the first Series argument, else an
        array.

    Examples
    --------
    >>> import cssegment as cs
    >>> cs.cac_payback(3000.0, 500.0, gross_margin=0.75)
    8.0
    """
    return _apply("cac_payback", _core.metrics.cac_payback, cac=cac, arpa_new=arpa_new, gross_margin=gross_margin)
