"""Did a tier's coverage change what happened to its accounts? The RD at the tier's threshold.

Examples
--------
>>> import cssegment as cs
>>> book = cs.datasets.synthetic_book(n_accounts=200_000, seed=2)
>>> effect = cs.coverage_effect(book, cs.TierModel.touch())
>>> effect.threshold, effect.rd.fuzzy
(50000.0, False)
>>> bool(effect.rd.ci_robust[1] < 0)  # High touch coverage lowers churn at $50k in this book
True
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import _display, _frame
from .._core import InvalidInputError
from ..datasets import Book
from .density import DensityTest, density_test
from .rd import RDResult, rd_estimate

__all__ = ["MIN_EFFECTIVE", "CoverageEffect", "coverage_effect"]

MIN_EFFECTIVE = 50
"""Fewer accounts than this within the bandwidth on a side of the threshold, and
:func:`coverage_effect` warns that the estimate cannot say much."""


@dataclass(frozen=True, repr=False)
class CoverageEffect(_display.Summarized):
    """The result of :func:`coverage_effect`: the RD estimate at a tier threshold and its checks.

    Attributes
    ----------
    rd : RDResult
        The regression discontinuity estimate of the outcome's jump at the threshold (fuzzy when
        the tiers do not follow the threshold exactly).
    density : DensityTest
        The manipulation test of the running variable at the threshold.
    boundary : str
        The tier whose lower edge is the threshold.
    threshold : float
    outcome : str
    running : str
        The running variable's name (for a Book: ``"arr"``, the ARR the account was tiered on).
    warning : str or None
        A plain-words warning when too few accounts lie near the threshold; None otherwise.

    Examples
    --------
    >>> import cssegment as cs
    >>> book = cs.datasets.synthetic_book(n_accounts=20_000, seed=1)
    >>> effect = cs.coverage_effect(book, cs.TierModel.touch())
    >>> effect.boundary, effect.outcome, effect.warning
    ('High touch', 'churned', None)
    """

    rd: RDResult
    density: DensityTest
    boundary: str
    threshold: float
    outcome: str
    running: str
    warning: str | None

    def _summary(self) -> str:
        low, high = self.rd.ci_robust
        return (
            f"{self.boundary} at {self.running} >= {self.threshold:,.6g}: {self.outcome} "
            f"{self.rd.estimate:+.4g} (robust {self.rd.level:g}% CI {low:.4g} to {high:.4g}), "
            f"density test p = {self.density.p_value:.3f}"
        )

    def _tables(self) -> list[str]:
        parts = [self.rd._repr_html_(), self.density._repr_html_()]
        if self.warning is not None:
            parts.insert(0, _display.table([("Warning", self.warning)]))
        return parts


def _threshold(model: Any, boundary: str) -> tuple[float, list[str], int, str]:
    """The model's threshold below `boundary`, its tier names, the boundary's rank and column."""
    params = model.get_params() if hasattr(model, "get_params") else {}
    if "thresholds" not in params or "names" not in params:
        raise InvalidInputError(
            f"model: expected a threshold model such as cssegment.TierModel, got {type(model).__name__}"
        )
    names = [str(name) for name in params["names"]]
    if boundary not in names:
        raise InvalidInputError(f"boundary: {boundary!r} is not a tier of the model ({names})")
    rank = names.index(boundary)
    if rank == 0:
        raise InvalidInputError(f"boundary: {boundary!r} is the lowest tier; it has no threshold below it")
    return float(params["thresholds"][rank - 1]), names, rank, str(params["column"])


def _book_rows(book: Book, outcome: str, horizon: int | None) -> pd.DataFrame:
    """One row per account of a Book: the ARR it was tiered on (12 x the MRR of its first month of
    history) and the outcome, at the end of the history or `horizon` months after that month."""
    revenue = book.revenue
    first = revenue.groupby("account_id", sort=True).first()
    rows = pd.DataFrame({"arr": 12.0 * first["mrr"].to_numpy()}, index=first.index)
    if horizon is None:
        accounts = book.accounts.set_index("account_id")
        if outcome not in accounts.columns:
            raise _frame.no_column("outcome", outcome, accounts.columns)
        rows[outcome] = accounts[outcome].reindex(rows.index).to_numpy()
        return rows
    if outcome not in ("churned", "nrr"):
        raise InvalidInputError(f"outcome: {outcome!r} over a horizon must be 'churned' or 'nrr'")
    last = revenue["month"].max()
    target = first["month"] + horizon
    keep = (target <= last).to_numpy()
    later = revenue.set_index(["account_id", "month"])["mrr"]
    found = later.reindex(pd.MultiIndex.from_arrays([first.index[keep], target[keep]])).fillna(0.0).to_numpy()
    value = found == 0.0 if outcome == "churned" else found / first["mrr"].to_numpy()[keep]
    return pd.DataFrame({"arr": rows["arr"].to_numpy()[keep], outcome: value}, index=rows.index[keep])


def coverage_effect(
    book_or_accounts: Book | pd.DataFrame,
    model: Any,
    outcome: str = "churned",
    boundary: str = "High touch",
    running: str = "arr",
    previous: Any = None,
    horizon: int | None = None,
    *,
    tiers: Any = None,
    **options: Any,
) -> CoverageEffect:
    """What did a tier's coverage do to churn (or NRR) for the accounts at its threshold?

    Accounts just above the threshold below ``boundary`` get the tier's coverage and those just
    below do not: the jump of ``outcome`` at the threshold, estimated by :func:`rd_estimate`, is
    the effect of the coverage for accounts at the threshold. It is local: it says nothing
    about accounts far from it. The design is sharp when the tiers follow the threshold, fuzzy
    when they do not (hysteresis with ``previous``, manual overrides given as ``tiers``). The
    density test of the running variable at the threshold comes with it, and a warning (also
    issued as a Python warning) when fewer than 50 (``MIN_EFFECTIVE``) accounts on a side fall
    within the bandwidth.

    Parameters
    ----------
    book_or_accounts : Book or DataFrame
        A :class:`~cssegment.datasets.Book`: the running variable is the ARR each account was
        tiered on (12 x the MRR of its first month of history) and the outcome is read from its
        accounts (``horizon=None``) or from its revenue ``horizon`` months after that month. A
        DataFrame: one row per account with the ``running`` and ``outcome`` columns, the running
        variable measured before the outcome.
    model : TierModel
        A threshold model (``thresholds`` and ``names`` in its parameters).
    outcome : str, default "churned"
        The outcome column (true/false or numbers); with a Book and ``horizon``: ``"churned"`` (no
        revenue ``horizon`` months after the tiering month) or ``"nrr"`` (that month's MRR over the
        tiering month's).
    boundary : str, default "High touch"
        The tier whose lower threshold is tested.
    running : str, default "arr"
        The running variable's column (a Book always uses the ARR it was tiered on).
    previous : labels, optional
        Previous tiers, for a model with hysteresis: the tiers the model assigns with them are the
        treatment.
    horizon : int, optional
        Months after the tiering month (Book only); accounts tiered too late for it are left out.
    tiers : column name or labels, optional
        The tiers the accounts actually had (overrides included), as the treatment instead of the
        model's.
    **options
        Passed to :func:`rd_estimate` (``p``, ``kernel``, ``bwselect``, ``vce``, ``h``, ``level``...).

    Returns
    -------
    CoverageEffect

    Raises
    ------
    InvalidInputError
        A model without thresholds, an unknown boundary or column, a horizon without a Book, and
        whatever :func:`rd_estimate` and :func:`density_test` refuse.

    Examples
    --------
    >>> import cssegment as cs
    >>> book = cs.datasets.synthetic_book(n_accounts=50_000, seed=2)
    >>> effect = cs.coverage_effect(book, cs.TierModel.touch(), horizon=24)
    >>> effect.outcome, effect.rd.n_effective[0] > 1000
    ('churned', True)
    """
    outcome = _frame.text(outcome, "outcome")
    boundary = _frame.text(boundary, "boundary")
    running = _frame.text(running, "running")
    months = None if horizon is None else _frame.integer(horizon, "horizon", 1)
    threshold, names, rank, column = _threshold(model, boundary)
    if isinstance(book_or_accounts, Book):
        rows = _book_rows(book_or_accounts, outcome, months)
        running = "arr"
    elif months is not None:
        raise InvalidInputError("horizon: needs a Book (its revenue history); with a DataFrame give the outcome column")
    else:
        rows = _frame.accounts_frame(book_or_accounts, "book_or_accounts")
        for argument, name in (("running", running), ("outcome", outcome)):
            if name not in rows.columns:
                raise _frame.no_column(argument, name, rows.columns)
    x = _frame.numeric(rows[running], running)
    y = _frame.numeric(rows[outcome], outcome)
    if tiers is not None:
        labels = rows[tiers] if isinstance(tiers, str) and tiers in rows.columns else tiers
        codes = _frame.codes_for(labels, names, "tiers")
    else:
        codes = np.asarray(model.assign(pd.DataFrame({column: x}), previous=previous).codes)
    treated = codes >= rank
    sharp = bool(np.array_equal(treated, x >= threshold))
    rd = rd_estimate(y, x, threshold, fuzzy=None if sharp else treated.astype(np.float64), **options)
    density = density_test(x, threshold)
    warning = None
    if min(rd.n_effective) < MIN_EFFECTIVE:
        below, above = rd.n_effective
        warning = (
            f"Only {below} accounts below and {above} at or above {threshold:,.6g} lie within the bandwidth: "
            f"too few to say what {boundary} coverage did to {outcome}. Use more accounts or a longer history."
        )
        warnings.warn(warning, UserWarning, stacklevel=2)
    return CoverageEffect(
        rd=rd,
        density=density,
        boundary=boundary,
        threshold=threshold,
        outcome=outcome,
        running=running,
        warning=warning,
    )
