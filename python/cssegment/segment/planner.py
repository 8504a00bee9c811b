"""Coverage planner: which tier thresholds are worth their CSMs, under a budget
(C++: ``segment/planner.hpp``).

Every combination of candidate thresholds is priced (CSMs, cost) and valued (expected churned
and retained ARR) after one sort of the accounts by ARR; the coverage guide
(``docs/guide/coverage.md``, "How low can you go?") defines every column.

Examples
--------
>>> import pandas as pd, cssegment as cs
>>> accounts = pd.DataFrame({"arr": [5e3, 20e3, 60e3, 120e3], "churn": [0.3, 0.2, 0.1, 0.1]})
>>> plan = cs.plan_coverage(accounts, cs.TierModel.touch(), "churn", csm_cost=100_000,
...                         effect={"Tech touch": 1.0, "Low touch": 0.8, "High touch": 0.5},
...                         thresholds={"Low touch": [10e3], "High touch": [50e3, 100e3]})
>>> plan.table["accounts[High touch]"].tolist()
[2, 1]
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from .. import _core, _display, _frame
from .._core import InvalidInputError
from .models import TierModel

__all__ = ["CoveragePlan", "TargetedCoverage", "plan_coverage"]

MAX_COMBINATIONS = 1_000_000  # the core's limit (planner.hpp: max_plan_combinations)


# Tier -> factor (a number or an RD result), or one RD / coverage_effect result. An RD result is read
# duck-typed: intercept (left, right), estimate, ci_robust (low, high), cutoff, fuzzy; a
# coverage_effect result has .rd (an RD result) and .boundary (the tier whose lower edge is the cutoff).
Effect = Mapping[str, Any] | Any


def _is_rd(value: Any) -> bool:
    """Whether ``value`` reads as an RD result or a coverage_effect result."""
    return hasattr(value, "rd") or hasattr(value, "intercept")


def _rd_factor(
    result: Any, names: Sequence[str], thresholds: Sequence[float]
) -> tuple[str, float, tuple[float, float]]:
    """The factor on churn at a threshold from an RD result: (tier, factor, (low, high)).

    factor = (left + estimate) / left, the churn probability just above the cutoff over the one
    just below; the interval is ``ci_robust`` converted the same way, clipped at 0. A
    ``coverage_effect`` result names its tier (``boundary``); a bare RD result is placed at the
    tier whose lower edge is its ``cutoff``.
    """
    rd, tier = (result.rd, str(result.boundary)) if hasattr(result, "rd") else (result, None)
    if bool(rd.fuzzy):
        raise InvalidInputError(
            "effect: a fuzzy RD result estimates the effect on the accounts the threshold moves, "
            "not a factor on every account's churn; use a sharp design"
        )
    left = float(rd.intercept[0])
    if not left > 0.0:
        raise InvalidInputError(
            f"effect: the RD's churn just below the cutoff (intercept[0]) is {left}; a factor needs it > 0"
        )
    if tier is None:
        edges = {float(t): name for t, name in zip(thresholds, names[1:])}
        if float(rd.cutoff) not in edges:
            raise InvalidInputError(
                f"effect: the RD's cutoff {rd.cutoff} is not a threshold of the model {list(thresholds)}"
            )
        tier = edges[float(rd.cutoff)]
    low, high = (max(0.0, (left + float(bound)) / left) for bound in rd.ci_robust)
    return tier, (left + float(rd.estimate)) / left, (low, high)


def _factors(
    effect: Effect, names: Sequence[str], thresholds: Sequence[float]
) -> tuple[list[float], list[tuple[float, float]] | None]:
    """One factor per tier, and their intervals when an RD result gave one (else None)."""
    if not isinstance(effect, Mapping) and not _is_rd(effect):
        raise InvalidInputError(
            f"effect: expected a mapping tier -> factor or an RD result, got {type(effect).__name__}"
        )
    entries: Mapping[str, Any] = effect if isinstance(effect, Mapping) else {}
    factors: dict[str, float] = {}
    intervals: dict[str, tuple[float, float]] = {}
    for tier, value in entries.items():
        if tier not in names:
            raise InvalidInputError(f"effect: {tier!r} is not a tier ({', '.join(map(repr, names))})")
        if _is_rd(value):
            tier_of, factors[tier], intervals[tier] = _rd_factor(value, names, thresholds)
            if tier_of != tier:
                raise InvalidInputError(f"effect[{tier!r}]: the RD result is for tier {tier_of!r}")
        else:
            factors[tier] = _frame.number(value, f"effect[{tier!r}]")
    if not isinstance(effect, Mapping):
        tier, factor, interval = _rd_factor(effect, names, thresholds)
        factors = dict.fromkeys(names, 1.0)
        factors[tier], intervals[tier] = factor, interval
    missing = [name for name in names if name not in factors]
    if missing:
        raise InvalidInputError(f"effect: no factor for tier(s) {missing}; use 1.0 for no effect")
    if not intervals:
        return [factors[name] for name in names], None
    return [factors[name] for name in names], [intervals.get(name, (factors[name],) * 2) for name in names]


def _candidates(
    thresholds: Mapping[str, Sequence[float]] | None, arr: np.ndarray, names: Sequence[str], current: Sequence[float]
) -> list[list[float]]:
    """Candidate lower edges per boundary: as given, else ARR quantiles and the model's own threshold."""
    if thresholds is not None and not isinstance(thresholds, Mapping):
        raise InvalidInputError(
            f"thresholds: expected a mapping tier -> candidate thresholds, got {type(thresholds).__name__}"
        )
    given = dict(thresholds or {})
    unknown = [tier for tier in given if tier not in names[1:]]
    if unknown:
        raise InvalidInputError(
            f"thresholds: {unknown[0]!r} is not a tier with a lower edge ({', '.join(map(repr, names[1:]))})"
        )
    # Default: ARR quantiles, as many per boundary as the grid limit allows (99 for up to two boundaries).
    points = min(99, math.floor(MAX_COMBINATIONS ** (1 / max(1, len(current)))) - 1)
    levels = np.arange(1, points + 1) / (points + 1)
    quantiles = [float(q) for q in np.unique(np.quantile(arr, levels)) if q > 0] if arr.size else []
    return [
        _frame.numbers(given[tier], f"thresholds[{tier!r}]") if tier in given else [*quantiles, edge]
        for tier, edge in zip(names[1:], current)
    ]


def _data_column(accounts: pd.DataFrame, values: Any, argument: str) -> np.ndarray:
    """A numeric column named in ``accounts``, or values aligned with its rows."""
    given = cast(_frame.ArrayLike, _frame.labels_of(accounts, values, argument, "accounts"))
    return _frame.numeric(given, argument, booleans=False)


def _top(table: pd.DataFrame, column: str) -> pd.Series:
    """The first row with the highest ``column``."""
    return table.iloc[int(np.argmax(table[column].to_numpy()))]


@dataclasses.dataclass(frozen=True, repr=False)
class TargetedCoverage(_display.Summarized):
    """The same CSMs spent on the accounts where coverage saves the most (:meth:`CoveragePlan.targeted`).

    Attributes
    ----------
    segments : pandas.Series
        Each account's tier under targeted coverage (ordered categorical, the accounts' index).
    summary : pandas.DataFrame
        Rows ``thresholds`` (the threshold plan whose tier sizes are kept) and ``targeted``:
        ``csms_needed``, ``cost``, ``expected_retained_arr``, ``net_value``.
    retained_gain : float
        Expected retained ARR of targeted coverage minus that of the threshold plan.
    promoted : pandas.DataFrame
        The accounts targeted coverage serves with a lower churn factor than the thresholds do:
        ``arr``, ``churn``, ``value`` (the ranking value), ``threshold_tier``, ``targeted_tier``.

    Examples
    --------
    >>> import pandas as pd, cssegment as cs
    >>> accounts = pd.DataFrame({"arr": [5e3, 8e3, 60e3], "churn": [0.9, 0.1, 0.01]})
    >>> plan = cs.plan_coverage(accounts, cs.TierModel.touch(), "churn", csm_cost=1.0,
    ...                         effect={"Tech touch": 1.0, "Low touch": 1.0, "High touch": 0.5},
    ...                         thresholds={"Low touch": [6e3], "High touch": [50e3]})
    >>> plan.targeted().promoted.index.tolist()
    [0]
    """

    segments: pd.Series
    summary: pd.DataFrame
    retained_gain: float
    promoted: pd.DataFrame

    def _summary(self) -> str:
        return f"{self.retained_gain:,.0f} more expected retained ARR; {len(self.promoted):,} accounts promoted"

    def _tables(self) -> list[str]:
        return [_display.frame(self.summary, caption="summary")]


class CoveragePlan(_display.Summarized):
    """Every evaluated combination of tier thresholds, priced and valued (:func:`plan_coverage`).

    Made by :func:`plan_coverage`, which passes its inputs on; the attributes below are what to read.

    Parameters
    ----------
    table : pandas.DataFrame
        The evaluated combinations (the attribute ``table``).
    current : pandas.Series
        Today's plan, evaluated like a row of the table.
    accounts : pandas.DataFrame
        The accounts planned for, as given to :func:`plan_coverage`.
    model : TierModel
        The tier model whose thresholds vary.
    arr, churn : numpy.ndarray
        Each account's ARR and churn probability without coverage.
    factors : list of float
        The churn factor of each tier, in the model's order.
    factor_intervals : list of (float, float), optional
        Their intervals (RD effects only).
    budget : float, optional
        The CSM budget ``best`` respects.
    margin : float
        Gross margin on retained ARR.
    csm_cost : float
        Cost of one CSM.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per combination: ``threshold[<tier>]`` per boundary, ``accounts[<tier>]`` and
        ``csms_needed[<tier>]`` per tier, then ``csms_needed``, ``cost``,
        ``expected_churned_arr``, ``expected_retained_arr``, ``net_value``, ``accounts_moved``
        (with ``previous``), and ``expected_retained_arr_low`` / ``_high`` (with an RD effect).
    best : pandas.Series
        The row with the highest ``net_value`` within ``budget``; empty when no plan fits
        (``message`` says why).
    current : pandas.Series
        Today's plan: the model's own thresholds, evaluated like a row of the table.
    factors : dict
        The churn factor of each tier; ``factor_intervals`` their intervals (RD effects only).
    message : str
        Empty, or why ``best`` is empty.

    Examples
    --------
    >>> import pandas as pd, cssegment as cs
    >>> accounts = pd.DataFrame({"arr": [5e3, 20e3, 60e3], "churn": [0.3, 0.2, 0.1]})
    >>> plan = cs.plan_coverage(accounts, cs.TierModel.touch(), "churn", csm_cost=100_000, budget=0,
    ...                         effect={"Tech touch": 1.0, "Low touch": 0.8, "High touch": 0.5})
    >>> plan.best.empty, plan.message.startswith("no plan costs at most 0")
    (True, True)
    """

    def __init__(
        self,
        table: pd.DataFrame,
        *,
        current: pd.Series,
        accounts: pd.DataFrame,
        model: TierModel,
        arr: np.ndarray,
        churn: np.ndarray,
        factors: list[float],
        factor_intervals: list[tuple[float, float]] | None,
        budget: float | None,
        margin: float,
        csm_cost: float,
    ) -> None:
        self.table = table
        self.model = model
        self.budget = budget
        self.margin = margin
        self.csm_cost = csm_cost
        names = list(model.get_params()["names"])
        self._names = names
        self.factors = dict(zip(names, factors))
        self.factor_intervals = None if factor_intervals is None else dict(zip(names, factor_intervals))
        self._accounts, self._arr, self._churn = accounts, arr, churn
        self._boundaries = [f"threshold[{name}]" for name in names[1:]]
        within = table if budget is None else table[table["cost"] <= budget]
        if within.empty:
            self.best = pd.Series(dtype=float)
            self.message = f"no plan costs at most {budget:g}; the cheapest costs {table['cost'].min():g}"
        else:
            self.best = _top(within, "net_value")
            self.message = ""
        self.current = current

    @property
    def frontier(self) -> pd.DataFrame:
        """The rows no other row beats on both cost and expected retained ARR, cheapest first.

        A row is on the frontier when no other costs less (or the same) and retains more (or the
        same), with one of the two strictly.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> accounts = pd.DataFrame({"arr": [5e3, 20e3, 60e3], "churn": [0.3, 0.2, 0.1]})
        >>> plan = cs.plan_coverage(accounts, cs.TierModel.touch(), "churn", csm_cost=100_000,
        ...                         effect={"Tech touch": 1.0, "Low touch": 0.8, "High touch": 0.5})
        >>> bool(plan.frontier["cost"].is_monotonic_increasing)
        True
        """
        on = _core.segment.coverage_frontier(
            self.table["cost"].to_numpy(np.float64), self.table["expected_retained_arr"].to_numpy(np.float64)
        )
        return self.table[np.asarray(on, dtype=bool)].sort_values(["cost", "expected_retained_arr"], kind="stable")

    def marginal(self, boundary: str, at: pd.Series | None = None) -> pd.DataFrame:
        """What lowering one tier's threshold step by step costs and buys, the others held.

        Parameters
        ----------
        boundary : str
            The tier whose lower edge moves (e.g. ``"High touch"``).
        at : pandas.Series, optional
            A row of ``table`` whose other thresholds are held (default ``best``, or the
            row of highest ``net_value`` when ``best`` is empty).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``threshold`` (highest first): ``accounts`` (in the tier), ``csms_needed``,
            ``cost``, ``expected_retained_arr``, and per step down ``marginal_cost``,
            ``marginal_retained_arr`` and ``marginal_value`` (margin x marginal retained ARR minus
            marginal cost; NaN on the first row). Lowering pays while ``marginal_value`` > 0.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> accounts = pd.DataFrame({"arr": [5e3, 20e3, 60e3], "churn": [0.3, 0.2, 0.1]})
        >>> plan = cs.plan_coverage(accounts, cs.TierModel.touch(), "churn", csm_cost=1_000,
        ...                         effect={"Tech touch": 1.0, "Low touch": 0.8, "High touch": 0.5},
        ...                         thresholds={"High touch": [15e3, 50e3]})
        >>> round(float(plan.marginal("High touch")["marginal_cost"].iloc[1]), 2)  # 1000 x (1/15 - 1/100)
        56.67
        """
        column = f"threshold[{boundary}]"
        if column not in self._boundaries:
            raise InvalidInputError(
                f"boundary: {boundary!r} is not a tier with a lower edge "
                f"({', '.join(repr(c[10:-1]) for c in self._boundaries)})"
            )
        held = [c for c in self._boundaries if c != column]
        if at is not None and not (isinstance(at, pd.Series) and all(c in at.index for c in held)):
            raise InvalidInputError(
                f"at: expected a row of the plan's table (a pandas Series), got {type(at).__name__}"
            )
        if at is None:
            at = self.best if not self.best.empty else _top(self.table, "net_value")
        rows = self.table[(self.table[held] == at[held]).all(axis=1)] if held else self.table
        steps = rows.sort_values(column, ascending=False, kind="stable")
        result = pd.DataFrame(
            {
                "accounts": steps[f"accounts[{boundary}]"].to_numpy(),
                "csms_needed": steps["csms_needed"].to_numpy(),
                "cost": steps["cost"].to_numpy(),
                "expected_retained_arr": steps["expected_retained_arr"].to_numpy(),
            },
            index=pd.Index(steps[column].to_numpy(), name="threshold"),
        )
        result["marginal_cost"] = result["cost"].diff()
        result["marginal_retained_arr"] = result["expected_retained_arr"].diff()
        result["marginal_value"] = self.margin * result["marginal_retained_arr"] - result["marginal_cost"]
        return result

    def targeted(self, capacity: float | None = None, potential: Any = None) -> TargetedCoverage:
        """The same CSM capacity spent on the accounts where coverage saves the most.

        The reference is the threshold plan retaining the most expected ARR with at most
        ``capacity`` CSMs. Targeted coverage keeps its accounts per tier (so its CSMs and cost)
        and fills the tiers by value = churn x (arr + potential), highest value to the tier with
        the lowest churn factor. Without ``potential`` no assignment with these tier sizes
        retains more expected ARR.

        Parameters
        ----------
        capacity : float, optional
            CSMs (FTE) available; default those of ``best`` (or ``current`` when
            ``best`` is empty).
        potential : str or array-like, optional
            A column of the accounts (or values aligned with them) added to ARR in the ranking
            value only: expansion potential that coverage protects too.

        Returns
        -------
        TargetedCoverage

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> accounts = pd.DataFrame({"arr": [5e3, 20e3, 60e3, 8e3], "churn": [0.6, 0.2, 0.1, 0.5]})
        >>> plan = cs.plan_coverage(accounts, cs.TierModel.touch(), "churn", csm_cost=100_000,
        ...                         effect={"Tech touch": 1.0, "Low touch": 0.8, "High touch": 0.5})
        >>> targeted = plan.targeted()
        >>> bool(targeted.summary.loc["targeted", "expected_retained_arr"]
        ...      >= targeted.summary.iloc[0]["expected_retained_arr"])
        True
        """
        reference = self.best if not self.best.empty else self.current
        limit = float(reference["csms_needed"]) if capacity is None else _frame.number(capacity, "capacity")
        fits = self.table[self.table["csms_needed"] <= limit * (1 + 1e-12)]
        if fits.empty:
            raise InvalidInputError(
                f"capacity: {limit:g} CSMs; the cheapest plan needs {self.table['csms_needed'].min():g}"
            )
        chosen = _top(fits, "expected_retained_arr")
        names = self._names
        sizes = [float(chosen[f"accounts[{name}]"]) for name in names]
        extra = None if potential is None else _data_column(self._accounts, potential, "potential")
        factors = [self.factors[name] for name in names]
        core_model = _core_model(self.model, [float(chosen[c]) for c in self._boundaries])
        codes, churned = _core.segment.targeted_tiers(core_model, self._arr, self._churn, extra, sizes, factors)
        threshold_codes = core_model.assign(self._arr, None)
        retained = math.fsum(self._arr) - churned
        summary = pd.DataFrame(
            {
                "csms_needed": [chosen["csms_needed"]] * 2,
                "cost": [chosen["cost"]] * 2,
                "expected_retained_arr": [chosen["expected_retained_arr"], retained],
                "net_value": [chosen["net_value"], self.margin * retained - chosen["cost"]],
            },
            index=pd.Index(["thresholds", "targeted"], name="plan"),
        )
        factor_of = np.asarray(factors)
        promoted = np.flatnonzero(factor_of[codes] < factor_of[threshold_codes])
        index = self._accounts.index
        value = self._churn * (self._arr + (0.0 if extra is None else extra))
        return TargetedCoverage(
            segments=pd.Series(_frame.categorical(codes, names), index=index, name="tier"),
            summary=summary,
            retained_gain=float(retained - chosen["expected_retained_arr"]),
            promoted=pd.DataFrame(
                {
                    "arr": self._arr[promoted],
                    "churn": self._churn[promoted],
                    "value": value[promoted],
                    "threshold_tier": _frame.categorical(threshold_codes[promoted], names),
                    "targeted_tier": _frame.categorical(codes[promoted], names),
                },
                index=index[promoted],
            ),
        )

    def _summary(self) -> str:
        best = "none within budget" if self.best.empty else f"best net value {self.best['net_value']:,.0f}"
        return f"{len(self.table):,} combinations; {best}"

    def _tables(self) -> list[str]:
        return [_display.frame(self.frontier, caption="frontier")]


def _core_model(model: TierModel, thresholds: list[float]) -> _core.segment.tier_model:
    """The core tier model of ``model``'s tiers and ratios at other thresholds."""
    params = model.get_params()
    return _core.segment.tier_model(thresholds, params["names"], params["column"], params["csm_ratios"], 0.0, "raise")


def _evaluated(
    planner: _core.segment.coverage_planner,
    candidates: list[list[float]],
    names: list[str],
    factors: list[float],
    intervals: list[tuple[float, float]] | None,
    csm_cost: float,
    margin: float,
    moved: bool,
) -> pd.DataFrame:
    """The plan table of a grid of candidates."""
    columns = planner.evaluate(candidates, factors, csm_cost, margin)
    table = pd.DataFrame(
        {
            **{f"threshold[{name}]": columns["thresholds"][:, b] for b, name in enumerate(names[1:])},
            **{f"accounts[{name}]": columns["accounts"][:, k].astype(np.int64) for k, name in enumerate(names)},
            **{f"csms_needed[{name}]": columns["csms_needed"][:, k] for k, name in enumerate(names)},
            "csms_needed": columns["total_csms"],
            "cost": columns["cost"],
            "expected_churned_arr": columns["expected_churned_arr"],
            "expected_retained_arr": columns["expected_retained_arr"],
            "net_value": columns["net_value"],
        }
    )
    if moved:
        table["accounts_moved"] = columns["accounts_moved"].astype(np.int64)
    if intervals is not None:
        # Retained ARR falls as a factor rises: the interval's high factors give the low end.
        for end, pick in (("low", 1), ("high", 0)):
            bound = planner.evaluate(candidates, [i[pick] for i in intervals], csm_cost, margin)
            table[f"expected_retained_arr_{end}"] = bound["expected_retained_arr"]
    return table


def plan_coverage(
    accounts: pd.DataFrame,
    model: TierModel,
    churn: str | _frame.ArrayLike,
    *,
    effect: Effect,
    arr: str | _frame.ArrayLike = "arr",
    thresholds: Mapping[str, Sequence[float]] | None = None,
    csm_cost: float,
    budget: float | None = None,
    margin: float = 1.0,
    previous: str | _frame.Labels | None = None,
) -> CoveragePlan:
    """Price and value every combination of tier thresholds: how low can you go?

    The model's tiers and CSM ratios are kept and its thresholds varied over a grid of candidates;
    every combination whose edges ascend is evaluated (at most 1,000,000 in the grid).

    Parameters
    ----------
    accounts : pandas.DataFrame
        One row per account.
    model : TierModel
        Tiers and ratios (accounts per CSM; None = no CSM).
    churn : str or array-like
        Each account's probability of churning over the planning horizon without CSM coverage, in
        [0, 1] (a column name or values aligned with the rows).
    effect : mapping or RD result
        Tier -> factor on the churn probability of an account served by that tier, >= 0 (1.0: no
        effect). A value may be a regression-discontinuity result, or ``effect`` one such result
        (other tiers 1.0): see the coverage guide for the conversion.
    arr : str or array-like
        ARR column (or values), the value thresholds apply to.
    thresholds : mapping, optional
        Tier -> candidate lower edges (a tier not given: the default); default the ARR quantiles
        (1% to 99% for up to three tiers) and the model's own threshold.
    csm_cost : float
        Fully loaded cost of one CSM over the horizon.
    budget : float, optional
        The most ``cost`` may be for ``CoveragePlan.best``.
    margin : float
        Value of a dollar of retained ARR (1.0: revenue; a gross margin to count profit).
    previous : str or array-like, optional
        Each account's tier today: adds ``accounts_moved``.

    Returns
    -------
    CoveragePlan

    Examples
    --------
    >>> import cssegment as cs
    >>> book = cs.datasets.synthetic_book(n_accounts=500)
    >>> churn = [0.2] * len(book.accounts)
    >>> plan = cs.plan_coverage(book.accounts, cs.TierModel.touch(), churn, csm_cost=120_000,
    ...                         effect={"Tech touch": 1.0, "Low touch": 0.9, "High touch": 0.7})
    >>> len(plan.table) > 1000, bool(plan.best["net_value"] >= plan.current["net_value"])
    (True, True)
    """
    accounts = _frame.accounts_frame(accounts, "accounts")
    if not isinstance(model, TierModel):
        raise InvalidInputError(f"model: expected a TierModel, got {type(model).__name__}")
    arr_values = _data_column(accounts, arr, "arr")
    churn_values = _data_column(accounts, churn, "churn")
    params = model.get_params()
    names, current = list(params["names"]), list(params["thresholds"])
    factors, intervals = _factors(effect, names, current)
    cost = _frame.number(csm_cost, "csm_cost")
    value = _frame.number(margin, "margin")
    limit = _frame.optional_number(budget, "budget")
    previous_codes = (
        None
        if previous is None
        else _frame.codes_for(_frame.labels_of(accounts, previous, "previous", "accounts"), names, "previous")
    )
    planner = _core.segment.coverage_planner(_core_model(model, current), arr_values, churn_values, previous_codes)
    candidates = _candidates(thresholds, arr_values, names, current)
    table = _evaluated(planner, candidates, names, factors, intervals, cost, value, previous_codes is not None)
    today = _evaluated(
        planner, [[t] for t in current], names, factors, intervals, cost, value, previous_codes is not None
    )
    return CoveragePlan(
        table,
        current=today.iloc[0],
        accounts=accounts,
        model=model,
        arr=arr_values,
        churn=churn_values,
        factors=factors,
        factor_intervals=intervals,
        budget=limit,
        margin=value,
        csm_cost=cost,
    )
