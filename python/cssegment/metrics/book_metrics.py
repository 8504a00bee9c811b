"""Growth KPIs per CSM book: NRR, GRR, logo retention, expansion and churn of each owner's accounts,
with confidence intervals and mix-adjusted NRR (C++ core: ``cssegment/metrics/book_metrics.hpp``).

See "CSM books that grow" in the user guide (``docs/guide/metrics.md``).

Examples
--------
>>> import cssegment as cs
>>> book = cs.datasets.synthetic_book(1500, seed=8)
>>> kpis = cs.book_metrics(cs.RevenueLedger(book.revenue), book.owners, horizon=6)
>>> kpis.index.name, int(kpis["accounts"].sum()) > 0
('owner', True)
"""

from __future__ import annotations

import functools
import math
from statistics import NormalDist

import numpy as np
import pandas as pd

from .. import _frame
from .._core import InvalidInputError
from .ledger import RevenueLedger, book_sums

__all__ = ["book_metrics"]

_SHOWN_MISSING = 5  # missing owners named in the message; the rest are counted


@_frame.accepts_frames
def book_metrics(
    ledger: RevenueLedger,
    owners: pd.Series | pd.DataFrame,
    horizon: int = 12,
    by: pd.Series | pd.DataFrame | None = None,
    *,
    start: object = None,
    level: float = 0.95,
    output: _frame.Output = None,
) -> pd.DataFrame:
    """Growth KPIs of each owner's book over `horizon` periods from one start period.

    An owner's book is the cohort of the accounts paying at the start period with that owner
    then (reassignments later do not move them), exactly as ``ledger.retention(horizon,
    by=owners)`` defines it: the point estimates are that table's row of the start period.

    Parameters
    ----------
    ledger : RevenueLedger
        The revenue.
    owners : pandas.Series or pandas.DataFrame
        The owner of each account: a Series indexed by account id, or a long frame with the
        ledger's account and period columns and an owner column (owners that change over time,
        such as ``synthetic_book().owners``). Only the start period's owners count: a long frame
        needs an owner for every account paying then (other periods may have gaps; with period
        or integer periods only the start period's rows are read), a Series one for every account
        with revenue.
    horizon : int, default 12
        Periods from start to end, >= 1.
    by : pandas.Series or pandas.DataFrame, optional
        Segments for the mix adjustment (tier, region...), in the same two forms, read at the
        start period like `owners`. Without it the whole book is one segment and the expected
        NRR is the book-wide NRR.
    start : period label, optional
        The start period, one of ``ledger.periods``; by default the last one with a full horizon.
    level : float, default 0.95
        Confidence level of the intervals, in (0, 1).
    output : {"pandas", "polars"}, optional
        The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``owner``: ``accounts, start_revenue, end_revenue, expansion`` (the sum of
        each account's growth, ``max(end - start, 0)``), ``churned`` (start revenue of the
        accounts with none at the end), ``nrr, grr, logo_retention, expected_nrr`` (the NRR of
        the owner's mix: the book-wide NRR of each segment weighted by the owner's start revenue
        in it), ``mix_adjusted_nrr`` (``nrr - expected_nrr``) and a ``_low`` / ``_high`` interval
        for ``nrr``, ``grr``, ``logo_retention`` and ``mix_adjusted_nrr``. Ratios are NaN for an
        owner without accounts at the start, intervals also for an owner with one. ``attrs``
        holds ``start``, ``horizon``, ``level`` and ``segment_nrr`` (a dict: the book-wide NRR of
        each segment, ``{"all": ...}`` without `by`).

    Notes
    -----
    The intervals are jackknife t intervals, not a bootstrap: each ratio is a ratio of sums over
    the owner's n accounts, R = sum(x) / sum(s); leaving account i out gives R_i, the jackknife
    variance is (n - 1) / n x sum((R_i - mean R_i)^2), and the interval is R +- t x its square
    root, t the Student quantile with n - 1 degrees of freedom. GRR's interval is taken on the
    log of the lost share 1 - GRR and mapped back (clipped at 0 below; longer on the low
    side, where a few large churned accounts pull it), and its t has the degrees of freedom of
    the accounts that carry the loss: Kish's effective number (sum l)^2 / sum l^2 of the losses
    l = start - min(start, end), minus one (floored, at least 1). Logo retention uses the Wilson score
    interval. The mix-adjusted NRR interval takes the book-wide segment NRRs as known. All are
    deterministic (no resampling noise, no seed) and cost one pass over the accounts.

    Measured coverage at the nominal 95% on simulated books (``benchmarks/coverage_books.py``:
    5,000 owners of 120 accounts, lognormal start revenue, 10% churn; binomial sd 0.003): NRR
    0.943, mix-adjusted NRR 0.943, logo retention 0.954, GRR 0.941 (0.920 with n - 1 degrees
    of freedom; the delta-method Wald intervals of the first version: 0.933, 0.933 and 0.891).
    Percentile and BCa bootstraps did no better for GRR (0.906, 0.907 in a numpy prototype).

    Examples
    --------
    >>> import cssegment as cs
    >>> book = cs.datasets.synthetic_book(2000, seed=4)
    >>> ledger = cs.RevenueLedger(book.revenue)
    >>> kpis = cs.book_metrics(ledger, book.owners, horizon=12)
    >>> bool((kpis["nrr_low"] <= kpis["nrr"]).all() and (kpis["nrr"] <= kpis["nrr_high"]).all())
    True
    >>> str(kpis.attrs["start"])
    '2025-10'
    """
    if not isinstance(ledger, RevenueLedger):
        raise InvalidInputError(f"ledger: expected a RevenueLedger, got {type(ledger).__name__}")
    horizon = _frame.integer(horizon, "horizon", 1)
    if horizon >= ledger.n_periods:
        raise InvalidInputError(f"horizon: {horizon} must be shorter than the ledger's {ledger.n_periods} periods")
    level = _frame.number(level, "level")
    if not 0.0 < level < 1.0:
        raise InvalidInputError(f"level: {level!r} must be in (0, 1)")
    periods = ledger.periods
    if start is None:
        start_index = ledger.n_periods - 1 - horizon
    else:
        found = periods.get_indexer(pd.Index([start]))[0] if start in periods else -1
        if found < 0:
            raise InvalidInputError(f"start: {start!r} is not a period of the ledger ({periods[0]} to {periods[-1]})")
        start_index = int(found)
    if isinstance(owners, pd.Series):
        _check_owners(ledger, owners)
    elif not isinstance(owners, pd.DataFrame):
        raise InvalidInputError(
            f"owners: expected a Series indexed by account id or a long DataFrame, got {type(owners).__name__}"
        )
    columns, owner_names, mix_names = book_sums(ledger, owners, by, horizon, start_index)
    segment_nrr = columns.pop("segment_nrr")
    table = pd.DataFrame(columns, index=pd.Index(owner_names, name="owner"))
    table["accounts"] = table["accounts"].astype(np.int64)
    n = table["accounts"].to_numpy()
    t = np.array([_t_quantile(level, int(accounts) - 1) if accounts >= 2 else math.nan for accounts in n])
    for name in ("nrr", "mix_adjusted_nrr"):
        se = table.pop(f"{name}_se").to_numpy()
        table[f"{name}_low"], table[f"{name}_high"] = table[name] - t * se, table[name] + t * se
    # GRR: the interval of the lost share 1 - GRR on the log scale (skewed: a few large churned
    # accounts carry it), mapped back; no loss at all gives the point.
    # Its t has Kish's effective number of accounts carrying the loss, minus one, as degrees of
    # freedom (floored, at least 1): with n - 1 the interval covered 0.92 at the nominal 0.95.
    grr, se = table["grr"].to_numpy(), table.pop("grr_se").to_numpy()
    grr_df = np.floor(table.pop("grr_df").to_numpy())
    t_grr = np.array([_t_quantile(level, max(int(df), 1)) if df == df else math.nan for df in grr_df])
    lost = 1.0 - grr
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = np.where(
            lost > 0, np.exp(t_grr * se / np.where(lost > 0, lost, 1.0)), np.where(np.isnan(se), np.nan, 1.0)
        )
    table["grr_low"], table["grr_high"] = np.maximum(1.0 - lost * spread, 0.0), 1.0 - lost / spread
    table["logo_retention_low"], table["logo_retention_high"] = _wilson(
        table["logo_retention"].to_numpy(), n, NormalDist().inv_cdf(0.5 + level / 2)
    )
    order = ["accounts", "start_revenue", "end_revenue", "expansion", "churned"]
    for name in ("nrr", "grr", "logo_retention"):
        order += [name, f"{name}_low", f"{name}_high"]
    order += ["expected_nrr", "mix_adjusted_nrr", "mix_adjusted_nrr_low", "mix_adjusted_nrr_high"]
    table = table[order]
    table.attrs.update(
        start=periods[start_index],
        horizon=horizon,
        level=level,
        segment_nrr=dict(zip(mix_names or ["all"], segment_nrr.tolist())),
    )
    return _frame.output(table, output)


def _check_owners(ledger: RevenueLedger, owners: pd.Series) -> None:
    """Raises naming the accounts with revenue that `owners` gives no owner."""
    has_revenue = (ledger.revenue.to_numpy() > 0).any(axis=1)
    owned = ledger.accounts.isin(owners.index[owners.notna()])
    missing = ledger.accounts[has_revenue & ~owned]
    if len(missing):
        shown = ", ".join(_frame.describe(account) for account in missing[:_SHOWN_MISSING])
        more = f" and {len(missing) - _SHOWN_MISSING} more" if len(missing) > _SHOWN_MISSING else ""
        raise InvalidInputError(f"owners: no owner for the accounts with revenue {shown}{more} ({len(missing)} in all)")


def _wilson(share: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score interval of a proportion `share` of `n` trials (NaN without trials)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        denominator = 1 + z * z / n
        centre = (share + z * z / (2 * n)) / denominator
        half = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denominator
    low, high = centre - half, centre + half
    low[n == 0] = high[n == 0] = math.nan
    return low, high


@functools.cache
def _t_quantile(level: float, df: int) -> float:
    """The two-sided Student t quantile: P(|T| <= t) = `level` with `df` degrees of freedom.

    Newton steps on the exact distribution function of integer `df` (Abramowitz and Stegun
    26.7.3-4) from the Cornish-Fisher expansion (26.7.5), which alone is used above 100 degrees
    of freedom, where its error is below 1e-9."""
    z = NormalDist().inv_cdf(0.5 + level / 2)
    z2 = z * z
    terms = (
        (z2 + 1) * z / 4,
        ((5 * z2 + 16) * z2 + 3) * z / 96,
        (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384,
        ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160,
    )
    t: float = z + sum(term / float(df) ** (k + 1) for k, term in enumerate(terms))
    if df > 100:
        return t
    log_density = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    for _ in range(50):
        theta = math.atan(t / math.sqrt(df))
        cos2, term, total = math.cos(theta) ** 2, 1.0, 1.0
        if df % 2:  # odd: 2/pi (theta + sin cos (1 + 2/3 cos^2 + ...))
            for k in range(2, df - 1, 2):
                term *= cos2 * k / (k + 1)
                total += term
            inside = 2 / math.pi * (theta + (math.sin(theta) * math.cos(theta) * total if df > 1 else 0.0))
        else:  # even: sin (1 + 1/2 cos^2 + 1 3 / (2 4) cos^4 + ...)
            for k in range(1, df - 2, 2):
                term *= cos2 * k / (k + 1)
                total += term
            inside = math.sin(theta) * total
        step = (inside - level) / (2 * math.exp(log_density - (df + 1) / 2 * math.log1p(t * t / df)))
        t -= step
        if abs(step) < 1e-13 * t:
            break
    return t
