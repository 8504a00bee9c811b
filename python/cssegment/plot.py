"""Plots for the analyst's notebook: the book's segments, its coverage, how its revenue moves,
how well its health scores predict churn, and what coverage did at a tier threshold.

Every function takes the library's own results (``QuadrantModel``, ``RevenueLedger.movements``,
``retention``, ``cohorts``, ``survivors``, ``Scorecard.score``, ``Backtest``,
``ShiftedBetaGeometric``, ``coverage``, ``plan_coverage``, ``RDResult``), draws on ``ax`` (a new
figure without it) and returns the matplotlib ``Axes`` so that titles, limits and labels can still
be changed. Colours are the
Okabe-Ito palette, readable with every common colour-vision deficiency; health bands are drawn
red / amber / green in its vermillion, orange and bluish green. Text is never read as mathtext,
so currency symbols such as ``$`` print as they are.

matplotlib is an optional dependency: ``pip install cssegment[plot]``. The examples draw with
whatever backend matplotlib picks (inline in Jupyter; Agg where there is no display).

Examples
--------
>>> import cssegment as cs, cssegment.plot
>>> book = cs.datasets.synthetic_book(500, seed=6)
>>> ax = cs.plot.tier_distribution(cs.TierModel.touch().assign(book.accounts), book.accounts["arr"])
>>> ax.get_title()
'Accounts vs ARR by segment: 500 accounts, $14.6M ARR'
>>> import matplotlib.pyplot as plt; plt.close("all")
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from statistics import NormalDist
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
import pandas as pd

try:
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes
    from matplotlib.colors import LinearSegmentedColormap, TwoSlopeNorm, to_rgb
    from matplotlib.legend import Legend
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter
except ImportError as error:  # exercised in a subprocess without matplotlib
    raise ImportError("cssegment.plot needs matplotlib, an optional dependency: pip install cssegment[plot]") from error

from . import _deprecation, _frame
from ._core import InvalidInputError
from .health import Backtest, LeadTime
from .segment import CoveragePlan, QuadrantModel, TargetedCoverage
from .survival import ShiftedBetaGeometric

if TYPE_CHECKING:
    from .causal import RDResult

__all__ = [
    "BAND_COLOURS",
    "OKABE_ITO",
    "backtest_chart",
    "book_metrics",
    "cohort_heatmap",
    "coverage_chart",
    "coverage_frontier",
    "health_distribution",
    "lead_time",
    "marginal_coverage",
    "quadrant_map",
    "rd_plot",
    "retention_curves",
    "revenue_bridge",
    "survival_projection",
    "tier_distribution",
]

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
"""Okabe & Ito's colour-blind-safe palette (blue, orange, bluish green, reddish purple, sky blue,
vermillion, yellow, black): segment ``i`` is drawn in ``OKABE_ITO[i % 8]``."""

BAND_COLOURS = {"red": "#D55E00", "yellow": "#E69F00", "amber": "#E69F00", "green": "#009E73"}
"""Health band colours: red, amber (yellow) and green in Okabe-Ito's vermillion, orange and
bluish green. Other band names get a vermillion-to-green ramp by rank."""

_GAIN, _LOSS, _TOTAL, _GRID = "#009E73", "#D55E00", "#0072B2", "#BBBBBB"
_FIGSIZE = (8.0, 5.0)
_PLAIN: dict[str, Any] = {"parse_math": False}  # labels are text, not mathtext: "$1.2M to $1.5M" stays as written
_ABBREVIATIONS = {"arr": "ARR", "acv": "ACV", "mrr": "MRR", "nps": "NPS"}
_RETENTION_NAMES = {"nrr": "NRR", "grr": "GRR", "logo_retention": "Logo retention"}
_RETENTION_STYLES = {"nrr": "-", "grr": "--", "logo_retention": ":"}
_BRIDGE = ("new", "reactivation", "expansion", "contraction", "churn")
_MOVES = ("moved_in", "moved_out")
_GAINS = ("moved_in", "new", "reactivation", "expansion")

ArrayLike = _frame.ArrayLike
Labels = _frame.Labels


# ----------------------------------------------------------------------------------------------
# Formatting


def _money(value: float, currency: str = "$") -> str:
    """$1.2M / $350k / $4,200: how a CS leader reads money."""
    size = abs(value)
    if size >= 1e9:
        text = f"{size / 1e9:,.1f}B"
    elif size >= 1e6:
        text = f"{size / 1e6:,.1f}M"
    elif size >= 1e4:
        text = f"{size / 1e3:,.0f}k"
    else:
        text = f"{size:,.0f}"
    return f"{'-' if value < 0 else ''}{currency}{text}"


def _money_axis(currency: str) -> FuncFormatter:
    """Axis ticks: $500 / $5k / $50k / $1.5M."""

    def tick(value: float, _: Any) -> str:
        if 1e3 <= abs(value) < 1e6:
            return f"{'-' if value < 0 else ''}{currency}{abs(value) / 1e3:,.3g}k"
        return _money(value, currency)

    return FuncFormatter(tick)


_COUNT_AXIS = FuncFormatter(lambda value, _: f"{value:,.0f}")
_PERCENT_AXIS = PercentFormatter(1.0, decimals=0)


def _pretty(field: str) -> str:
    return _ABBREVIATIONS.get(field.lower(), field.replace("_", " ").capitalize())


def _colour(i: int) -> str:
    return OKABE_ITO[i % len(OKABE_ITO)]


def _band_colours(names: Sequence[str]) -> list[Any]:
    """Known band names get their colour; others a vermillion -> orange -> green ramp by rank."""
    ramp = LinearSegmentedColormap.from_list(
        "bands", [BAND_COLOURS["red"], BAND_COLOURS["amber"], BAND_COLOURS["green"]]
    )
    positions = np.linspace(0.0, 1.0, len(names)) if len(names) > 1 else np.array([1.0])
    return [BAND_COLOURS.get(name.lower(), ramp(p)) for name, p in zip(names, positions)]


def _legend(ax: Axes, **options: Any) -> Legend:
    legend = ax.legend(frameon=False, **options)
    for text in legend.get_texts():
        text.set_parse_math(False)
    return legend


def _grid(ax: Axes, axis: str = "both") -> None:
    ax.grid(True, axis=axis, color=_GRID, linewidth=0.5, alpha=0.6)  # type: ignore[arg-type]
    ax.set_axisbelow(True)


# ----------------------------------------------------------------------------------------------
# Checks


def _axes(ax: Axes | None, figsize: tuple[float, float] = _FIGSIZE) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
        return ax
    if not isinstance(ax, Axes):
        raise InvalidInputError(f"ax: expected a matplotlib Axes, got {type(ax).__name__}")
    return ax


def _frame_with(frame: Any, argument: str, columns: Sequence[str], source: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInputError(f"{argument}: expected the DataFrame of {source}, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidInputError(f"{argument}: no column(s) {missing}; expected the DataFrame of {source}")
    if frame.empty:
        raise InvalidInputError(f"{argument}: is empty; there is nothing to plot")
    return frame


def _by_segment(frame: pd.DataFrame) -> list[tuple[str | None, pd.DataFrame]]:
    """(segment, rows) per segment of a (period or cohort, segment) MultiIndex, in the segments'
    order; one (None, frame) without segments."""
    if not (isinstance(frame.index, pd.MultiIndex) and "segment" in frame.index.names):
        return [(None, frame)]
    segments = frame.index.get_level_values("segment")
    names = list(segments.categories) if isinstance(segments, pd.CategoricalIndex) else list(dict.fromkeys(segments))
    return [(str(name), pd.DataFrame(frame.xs(name, level="segment"))) for name in names if (segments == name).any()]


def _one_segment(frame: pd.DataFrame, segment: str | None, argument: str) -> pd.DataFrame:
    """The rows of `segment`, or (None) every segment summed."""
    parts = _by_segment(frame)
    if parts[0][0] is None:
        if segment is not None:
            raise InvalidInputError(f"segment: {segment!r} given but {argument} is not split by segment")
        return frame
    if segment is None:
        return frame.groupby(level=[n for n in frame.index.names if n != "segment"], sort=True).sum()
    found = dict(parts)
    if segment not in found:
        raise InvalidInputError(f"segment: {segment!r} is not one of the segments of {argument} ({list(found)})")
    return found[segment]


def _positions(index: pd.Index) -> Any:
    """x values matplotlib understands for period labels: timestamps for pandas Periods."""
    return index.to_timestamp() if isinstance(index, pd.PeriodIndex) else index


# ----------------------------------------------------------------------------------------------
# Segmentation and coverage


def quadrant_map(
    accounts: pd.DataFrame,
    model: QuadrantModel | None = None,
    *,
    ax: Axes | None = None,
    currency: str = "$",
) -> Axes:
    """Client size x contract value on log-log axes, one dot per account.

    Each dot's area is proportional to its contract value, the model's thresholds are dashed
    lines, and every quadrant is named with its accounts, value and share of value.

    Parameters
    ----------
    accounts : pandas.DataFrame
        One row per account with the model's size and value columns (``employees`` and ``arr``
        by default). Both must be > 0 (log axes): plot the paying accounts.
    model : QuadrantModel, optional
        The quadrants (default ``QuadrantModel()``: 1,000 employees x $50k ARR).
    ax : matplotlib Axes, optional
        Where to draw (default: a new figure).
    currency : str
        Currency symbol of the value axis.

    Returns
    -------
    matplotlib.axes.Axes
        One scatter collection per quadrant and one text per quadrant, in the model's order.

    Examples
    --------
    >>> import cssegment as cs, cssegment.plot
    >>> accounts = cs.datasets.synthetic_book(1000, seed=1).accounts
    >>> ax = cs.plot.quadrant_map(accounts[accounts["arr"] > 0])
    >>> ax.get_xscale(), ax.get_yscale()
    ('log', 'log')
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    model = QuadrantModel() if model is None else model
    if not isinstance(model, QuadrantModel):
        raise InvalidInputError(f"model: expected a cssegment.QuadrantModel, got {type(model).__name__}")
    if not isinstance(accounts, pd.DataFrame):
        raise InvalidInputError(f"accounts: expected a DataFrame, got {type(accounts).__name__}")
    if accounts.empty:
        raise InvalidInputError("accounts: is empty; there is nothing to plot")
    params = model.get_params()
    size_field, value_field = params["size_column"], params["value_column"]
    labels = model.assign(accounts, output="pandas")
    sizes = _frame.numeric(_frame.column(accounts, size_field), size_field)
    values = _frame.numeric(_frame.column(accounts, value_field), value_field)
    for field, column in ((size_field, sizes), (value_field, values)):
        bad = np.flatnonzero(~(column > 0))
        if bad.size:
            row = int(bad[0])
            raise InvalidInputError(
                f"accounts[{field!r}][{row}] = {_frame.describe(column[row])}: a log-log map needs values > 0; "
                f"plot the paying accounts, e.g. accounts[accounts[{value_field!r}] > 0]"
            )
    ax = _axes(ax, (8.5, 7.0))
    names = list(params["names"])
    # Dot area in points^2 proportional to value; the 99th percentile gets 150 so that one giant
    # account does not shrink every other dot to nothing.
    points_per_value = 150.0 / float(np.quantile(values, 0.99))
    areas = np.clip(points_per_value * values, 2.0, 400.0)
    codes = np.asarray(labels.codes)
    total = float(values.sum())
    # (small, small) bottom left, (large client, small contract) bottom right, (small client,
    # large contract) top left, (large, large) top right: the order of the model's names.
    corners = [(0.02, 0.02, "left", "bottom"), (0.98, 0.02, "right", "bottom")]
    corners += [(0.02, 0.98, "left", "top"), (0.98, 0.98, "right", "top")]
    for i, name in enumerate(names):
        members = codes == i
        ax.scatter(
            sizes[members],
            values[members],
            s=areas[members],
            color=_colour(i),
            alpha=0.45,
            linewidths=0,
            label=name,
            rasterized=bool(members.sum() > 5000),
        )
        value = float(values[members].sum())
        x, y, ha, va = corners[i]
        ax.text(
            x,
            y,
            f"{name}\n{int(members.sum()):,} accounts\n"
            f"{_money(value, currency)} {_pretty(value_field)} ({value / total if total else 0.0:.0%})",
            transform=ax.transAxes,
            ha=ha,
            va=va,
            color=_colour(i),
            fontweight="bold",
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "alpha": 0.85, "edgecolor": _colour(i)},
            **_PLAIN,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    # Room in the corners for the quadrant notes: a fifth of the data's span on each side.
    for setter, column, threshold in (
        (ax.set_xlim, sizes, params["size_threshold"]),
        (ax.set_ylim, values, params["value_threshold"]),
    ):
        low = np.log10(min(float(column.min()), threshold))
        high = np.log10(max(float(column.max()), threshold))
        pad = max(high - low, 1.0) * 0.2
        setter(10 ** (low - pad), 10 ** (high + pad))
    ax.axvline(params["size_threshold"], color="#333333", linestyle="--", linewidth=1.0)
    ax.axhline(params["value_threshold"], color="#333333", linestyle="--", linewidth=1.0)
    ax.xaxis.set_major_formatter(_COUNT_AXIS)
    ax.yaxis.set_major_formatter(_money_axis(currency))
    ax.set_xlabel(
        f"Client size: {_pretty(size_field).lower()} (log scale; line at {params['size_threshold']:,.0f})", **_PLAIN
    )
    ax.set_ylabel(
        f"Contract value: {_pretty(value_field)} in {currency} (log scale; line at "
        f"{_money(params['value_threshold'], currency)})",
        **_PLAIN,
    )
    ax.set_title(f"Client size x contract value: {len(values):,} accounts, {_money(total, currency)}", **_PLAIN)
    # The key to the dot sizes: up to three powers of ten within the data.
    powers = range(int(np.floor(np.log10(values.min()))), int(np.floor(np.log10(values.max()))) + 1)
    keys = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            color="#777777",
            alpha=0.6,
            label=_money(10.0**p, currency),
            markersize=float(np.sqrt(np.clip(points_per_value * 10.0**p, 2.0, 400.0))),
        )
        for p in list(powers)[-3:]
    ]
    _legend(ax, handles=keys, title=f"{_pretty(value_field)} (dot area)", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    _grid(ax)
    return ax


def tier_distribution(
    segments: Labels,
    arr: ArrayLike,
    *,
    ax: Axes | None = None,
    currency: str = "$",
) -> Axes:
    """Share of accounts beside share of ARR per segment: the Pareto picture of a book.

    In a B2B book a few large accounts carry most of the revenue.

    Parameters
    ----------
    segments : pandas.Categorical or array-like of str
        Each account's segment (e.g. ``TierModel.assign``); categories keep their order, other
        labels are sorted. Accounts without a segment are shown as ``"(none)"``.
    arr : array-like of float
        Each account's ARR (finite, >= 0), aligned with ``segments``.
    ax : matplotlib Axes, optional
    currency : str

    Returns
    -------
    matplotlib.axes.Axes
        Two bars per segment (all the accounts bars first, then the ARR bars), each labelled
        with its share.

    Examples
    --------
    >>> import cssegment as cs, cssegment.plot
    >>> model = cs.TierModel.touch()
    >>> arr = [5_000] * 8 + [80_000] * 2
    >>> ax = cs.plot.tier_distribution(model.assign(arr), arr)
    >>> [text.get_text() for text in ax.texts]
    ['80%', '0%', '20%', '20%', '0%', '80%']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    codes, names = _frame.ranked_labels(segments, "segments")
    values = _frame.numeric(arr, "arr")
    _frame.check_length("arr", values, "segments", len(codes))
    bad = np.flatnonzero(~(np.isfinite(values) & (values >= 0)))
    if bad.size:
        row = int(bad[0])
        raise InvalidInputError(f"arr[{row}] = {_frame.describe(values[row])}: ARR must be finite and >= 0")
    if not len(values):
        raise InvalidInputError("segments: is empty; there is nothing to plot")
    if (codes < 0).any():
        codes = np.where(codes < 0, len(names), codes)
        names = [*names, _frame.NONE_LABEL]
    counts = np.bincount(codes, minlength=len(names)).astype(np.float64)
    totals = np.bincount(codes, weights=values, minlength=len(names))
    account_share = counts / counts.sum()
    arr_share = totals / totals.sum() if totals.sum() > 0 else np.zeros(len(names))
    ax = _axes(ax)
    x = np.arange(len(names), dtype=np.float64)
    width = 0.38
    for offset, share, colour, label in (
        (-width / 2, account_share, OKABE_ITO[4], "% of accounts"),
        (width / 2, arr_share, OKABE_ITO[0], "% of ARR"),
    ):
        bars = ax.bar(x + offset, share, width, color=colour, label=label)
        ax.bar_label(bars, labels=[f"{s:.0%}" for s in share], padding=2, **_PLAIN)
    ticks = [f"{name}\n{int(n):,} accounts\n{_money(t, currency)}" for name, n, t in zip(names, counts, totals)]
    ax.set_xticks(x, ticks, **_PLAIN)
    ax.yaxis.set_major_formatter(_PERCENT_AXIS)
    ax.set_ylim(0, max(float(account_share.max()), float(arr_share.max())) * 1.15)
    ax.set_ylabel("Share of the book (%)")
    ax.set_title(
        f"Accounts vs ARR by segment: {int(counts.sum()):,} accounts, {_money(totals.sum(), currency)} ARR", **_PLAIN
    )
    _legend(ax, loc="upper left")
    _grid(ax, "y")
    return ax


def coverage_chart(plan: pd.DataFrame, *, ax: Axes | None = None, currency: str = "$") -> Axes:
    """CSMs needed per segment, with each segment's share of CS resources and its CSM ratio.

    Bars of CSMs needed, labelled with the share of CS resources and the accounts-per-CSM ratio;
    segments without a CSM are marked digital.

    Parameters
    ----------
    plan : pandas.DataFrame
        The result of :func:`cssegment.coverage`.
    ax : matplotlib Axes, optional
    currency : str
        Currency symbol, used when the plan has a ``total_cost`` column.

    Returns
    -------
    matplotlib.axes.Axes
        One horizontal bar per segment in the plan's order from the bottom (the highest-touch
        tier on top), each labelled with its CSMs and resource share.

    Examples
    --------
    >>> import cssegment as cs, cssegment.plot
    >>> model = cs.TierModel.touch()
    >>> plan = cs.coverage(model.assign([5e3] * 2000 + [20e3] * 300 + [80e3] * 30), model)
    >>> ax = cs.plot.coverage_chart(plan)
    >>> [round(float(bar.get_width()), 1) for bar in ax.patches]
    [2.0, 3.0, 2.0]
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    plan = _frame_with(plan, "plan", ["accounts", "csm_ratio", "csms_needed", "resource_share"], "cssegment.coverage")
    ax = _axes(ax, (8.0, 1.2 + 0.9 * len(plan)))
    y = np.arange(len(plan), dtype=np.float64)
    needed = plan["csms_needed"].to_numpy(dtype=np.float64)
    ratios = plan["csm_ratio"].to_numpy(dtype=np.float64, na_value=np.nan)
    bars = ax.barh(y, needed, color=[_colour(i) for i in range(len(plan))], height=0.6)
    notes = [
        "no named CSM (digital)" if np.isnan(ratio) else f"{csms:,.1f} CSMs, {share:.0%} of CS resources"
        for csms, ratio, share in zip(needed, ratios, plan["resource_share"])
    ]
    ax.bar_label(bars, labels=notes, padding=4, **_PLAIN)
    ticks = [
        f"{name}\n{'no CSM' if np.isnan(ratio) else f'{ratio:,.0f}:1'}, {accounts:,} accounts"
        for name, ratio, accounts in zip(plan.index, ratios, plan["accounts"])
    ]
    ax.set_yticks(y, ticks, **_PLAIN)
    ax.set_xlim(0, max(float(needed.max()), 1.0) * 1.45)
    ax.xaxis.set_major_formatter(_COUNT_AXIS)
    ax.set_xlabel("CSMs needed (full-time equivalents)")
    title = f"Coverage plan: {needed.sum():,.1f} CSMs"
    if "total_cost" in plan.columns:
        title += f" costing {_money(float(plan['total_cost'].sum()), currency)} a year"
    ax.set_title(title, **_PLAIN)
    _grid(ax, "x")
    return ax


# ----------------------------------------------------------------------------------------------
# Revenue


def revenue_bridge(
    movements: pd.DataFrame,
    *,
    first: Any = None,
    last: Any = None,
    segment: str | None = None,
    ax: Axes | None = None,
    currency: str = "$",
) -> Axes:
    """Waterfall of recurring revenue over a range of periods.

    Start -> new -> reactivation -> expansion -> contraction -> churn -> end; for one segment,
    moved in -> moved out (accounts that changed segment) between start and new.

    Parameters
    ----------
    movements : pandas.DataFrame
        The result of :meth:`RevenueLedger.movements` (with or without ``by``).
    first, last : period labels, optional
        The movement periods summed, inclusive (default: the last 12). "Start" is the revenue
        at the start of ``first`` (the end of the period before it), "End" the revenue at the end
        of ``last``.
    segment : str, optional
        With a frame split by segment: the segment to show (default: all segments together,
        where the moves between segments cancel).
    ax : matplotlib Axes, optional
    currency : str

    Returns
    -------
    matplotlib.axes.Axes
        Seven bars, each labelled with its amount; gains green, losses vermillion. Nine, with
        "Moved in" and "Moved out" after "Start", for a `segment`, and for a frame not split by
        segment whose summed periods have moves (one segment's rows, e.g. taken with ``xs``).

    Examples
    --------
    >>> import pandas as pd, cssegment as cs, cssegment.plot
    >>> rows = pd.DataFrame({"account_id": [1, 1, 2, 3], "month": [1, 2, 1, 2], "mrr": [10.0, 15.0, 5.0, 7.0]})
    >>> ax = cs.plot.revenue_bridge(cs.RevenueLedger(rows).movements())
    >>> [text.get_text() for text in ax.texts]
    ['$15', '+$7', '+$0', '+$5', '-$0', '-$5', '$22']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    # One segment's moves are drawn; the moves of all segments together cancel.
    split = isinstance(movements, pd.DataFrame) and "segment" in movements.index.names
    moves = segment is not None or (not split and isinstance(movements, pd.DataFrame) and "moved_in" in movements)
    columns = ["start", *(_MOVES if moves else ()), *_BRIDGE, "end"]
    movements = _frame_with(movements, "movements", columns, "RevenueLedger.movements")
    frame = _one_segment(movements[columns], segment, "movements")
    if first is None and last is None:
        rows = frame.iloc[-12:]
    else:
        try:
            rows = frame.loc[first:last]
        except (KeyError, TypeError, ValueError):
            rows = frame.iloc[:0]
        if rows.empty:
            known = f"{frame.index[0]} to {frame.index[-1]}"
            raise InvalidInputError(f"first, last: no periods from {first!r} to {last!r}; movements has {known}")
    opening, closing = float(rows["start"].iloc[0]), float(rows["end"].iloc[-1])
    steps = list(_BRIDGE)
    if segment is not None or (moves and bool((rows[list(_MOVES)] != 0).any(axis=None))):
        steps = [*_MOVES, *steps]
    flows = rows[steps].sum()
    ax = _axes(ax)
    level = opening
    bottoms, heights, colours, labels = [0.0], [opening], [_TOTAL], [_money(opening, currency)]
    levels = [opening]  # the running total after each bar, carried to the next by a connector
    for name in steps:
        amount = float(flows[name])
        gain = name in _GAINS
        level = level + amount if gain else level - amount
        bottoms.append(level - amount if gain else level)
        heights.append(amount)
        colours.append(_GAIN if gain else _LOSS)
        labels.append(("+" if gain else "-") + _money(amount, currency))
        levels.append(level)
    bottoms.append(0.0)
    heights.append(closing)
    colours.append(_TOTAL)
    labels.append(_money(closing, currency))
    x = np.arange(len(heights), dtype=np.float64)
    bars = ax.bar(x, heights, bottom=bottoms, color=colours, width=0.65)
    ax.bar_label(bars, labels=labels, padding=2, **_PLAIN)
    for i, running in enumerate(levels):
        ax.plot([x[i] + 0.33, x[i + 1] - 0.33], [running, running], color="#666666", linewidth=0.8)
    ax.set_xticks(x, ["Start", *(name.replace("_", " ").capitalize() for name in steps), "End"])
    ax.yaxis.set_major_formatter(_money_axis(currency))
    ax.set_ylabel(f"Recurring revenue per period ({currency})", **_PLAIN)
    ax.set_ylim(0, max(b + h for b, h in zip(bottoms, heights)) * 1.1)
    change = f" ({(closing - opening) / opening:+.1%})" if opening > 0 else ""
    where = f" ({segment})" if segment is not None else ""
    span = str(rows.index[0]) if len(rows) == 1 else f"{rows.index[0]} to {rows.index[-1]}"
    ax.set_title(
        f"Revenue bridge{where}, {span}: {_money(opening, currency)} to {_money(closing, currency)}{change}", **_PLAIN
    )
    _grid(ax, "y")
    return ax


def retention_curves(
    retention: pd.DataFrame,
    *,
    metrics: Sequence[str] = ("nrr", "grr", "logo_retention"),
    ax: Axes | None = None,
) -> Axes:
    """NRR, GRR and logo retention by start period, per segment, against a 100% line.

    NRR above 100% while logo retention falls is expansion hiding churn.

    Parameters
    ----------
    retention : pandas.DataFrame
        The result of :meth:`RevenueLedger.retention` (with or without ``by``).
    metrics : sequence of {"nrr", "grr", "logo_retention"}
        The ratios drawn. Split by segment: a colour per segment and a line style per metric
        (NRR solid, GRR dashed, logo retention dotted); otherwise a colour per metric.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One line per segment and metric, then the 100% line.

    Examples
    --------
    >>> import cssegment as cs, cssegment.plot
    >>> ledger = cs.RevenueLedger(cs.datasets.synthetic_book(500, seed=1).revenue)
    >>> ax = cs.plot.retention_curves(ledger.retention(horizon=12))
    >>> [line.get_label() for line in ax.get_lines()]
    ['NRR', 'GRR', 'Logo retention', '100%']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    if isinstance(metrics, str) or not metrics or any(m not in _RETENTION_NAMES for m in metrics):
        raise InvalidInputError(f"metrics: {metrics!r} must list some of {list(_RETENTION_NAMES)}")
    retention = _frame_with(retention, "retention", list(metrics), "RevenueLedger.retention")
    parts = _by_segment(retention)
    split = parts[0][0] is not None
    ax = _axes(ax, (9.5, 5.0))
    for i, (segment, rows) in enumerate(parts):
        x = _positions(rows.index)
        for j, metric in enumerate(metrics):
            name = _RETENTION_NAMES[metric]
            ax.plot(
                x,
                rows[metric].to_numpy(dtype=np.float64),
                color=_colour(i if split else j),
                linestyle=_RETENTION_STYLES[metric] if split else "-",
                linewidth=1.8,
                label=f"{name}, {segment}" if split else name,
            )
    ax.axhline(1.0, color="#333333", linewidth=0.9, label="100%")
    ax.yaxis.set_major_formatter(_PERCENT_AXIS)
    ax.set_xlabel("Start period (retention measured over the horizon that follows)")
    ax.set_ylabel("Retention (% of the start period's revenue or accounts)")
    names = ", ".join(_RETENTION_NAMES[m] if m != "logo_retention" else "logo retention" for m in metrics)
    ax.set_title(f"{names} by start period" + (" and segment" if split else ""))
    _grid(ax)
    if split:
        _legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    else:
        _legend(ax)
    return ax


def cohort_heatmap(
    cohorts: pd.DataFrame,
    *,
    segment: str | None = None,
    annotate: bool | None = None,
    ax: Axes | None = None,
) -> Axes:
    """First-revenue cohorts (rows) by age (columns) as a heatmap.

    Retention tables (divided by age 0) read as percentages, on a red-blue scale diverging at 100%
    when revenue expands past it; totals on a plain scale.

    Parameters
    ----------
    cohorts : pandas.DataFrame
        The result of :meth:`RevenueLedger.cohorts` or :meth:`RevenueLedger.survivors`.
    segment : str, optional
        With a table split by segment: the segment to show (required).
    annotate : bool, optional
        Write each cell's value in it (default: when the table has at most 400 cells).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        The heatmap (``ax.images[0]``, NaN cells blank) with its colour bar beside it.

    Examples
    --------
    >>> import cssegment as cs, cssegment.plot
    >>> ledger = cs.RevenueLedger(cs.datasets.synthetic_book(500, seed=1).revenue)
    >>> ax = cs.plot.cohort_heatmap(ledger.cohorts("logos", cohort_length=6))
    >>> ax.get_xlabel()
    'Age (periods since first revenue)'
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    cohorts = _frame_with(cohorts, "cohorts", [], "RevenueLedger.cohorts")
    if isinstance(cohorts.index, pd.MultiIndex) and segment is None:
        names = [name for name, _ in _by_segment(cohorts)]
        raise InvalidInputError(f"segment: the cohorts are split by segment; pick one of {names}")
    cohorts = _one_segment(cohorts, segment, "cohorts")
    values = cohorts.to_numpy(dtype=np.float64, na_value=np.nan)
    first_age = values[:, 0]
    ratio = bool(np.allclose(first_age[~np.isnan(first_age)], 1.0))
    rows, columns = values.shape
    ax = _axes(ax, (10.0, min(2.0 + 0.3 * rows, 9.0)))
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    norm: TwoSlopeNorm | None = None
    cmap = "viridis"
    if ratio and low < 1.0 < high:
        norm, cmap = TwoSlopeNorm(vmin=low, vcenter=1.0, vmax=high), "RdBu"
    image = ax.imshow(np.ma.masked_invalid(values), aspect="auto", cmap=cmap, norm=norm, interpolation="nearest")
    bar = ax.figure.colorbar(image, ax=ax, format=_PERCENT_AXIS if ratio else _COUNT_AXIS, pad=0.01)
    bar.set_label("% of the cohort at age 0" if ratio else "Total at this age")
    if annotate if annotate is not None else rows * columns <= 400:
        for r, c in zip(*np.nonzero(np.isfinite(values))):
            red, green, blue = to_rgb(tuple(image.cmap(image.norm(values[r, c]))))
            dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
            text = f"{values[r, c]:.0%}" if ratio else f"{values[r, c]:,.0f}"
            ax.text(c, r, text, ha="center", va="center", fontsize=7, color="white" if dark else "black", **_PLAIN)
    labels = [str(label) for label in cohorts.index]
    ax.yaxis.set_major_locator(MaxNLocator(nbins=min(rows, 24), integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: labels[int(v)] if 0 <= v < rows and v == int(v) else ""))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=min(columns, 24), integer=True))
    ax.set_xlabel("Age (periods since first revenue)")
    ax.set_ylabel("Cohort (first revenue period)")
    where = f" ({segment})" if segment is not None else ""
    ax.set_title(f"Cohort retention by age{where}" if ratio else f"Cohorts by age{where}", **_PLAIN)
    return ax


@_deprecation.renamed_keywords({"alive": "survivors"})
def survival_projection(
    model: ShiftedBetaGeometric,
    survivors: ArrayLike,
    *,
    periods: int | None = None,
    constant_churn: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """A shifted-beta-geometric fit against the survivors it was fitted on, and its projection.

    Optionally beside the naive view of one constant churn rate fitted to the same counts.

    Parameters
    ----------
    model : ShiftedBetaGeometric
        Fitted (or with given parameters).
    survivors : array-like of float
        Customers still active at the start of each period, ``survivors[0]`` the cohort size (e.g. a
        row of :meth:`RevenueLedger.survivors`); trailing NaN (ages not observed yet) are ignored.
    periods : int, optional
        Last period of the projection (default: twice the observed periods, at least 12).
    constant_churn : bool
        Also draw (dotted) the survival under the best constant churn rate: customers lost /
        customer-periods at risk, the maximum-likelihood geometric fit. Where churn propensity
        varies across customers it falls below the sBG projection: the naive CLTV undervalues
        them.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Lines ``observed`` (markers), ``sBG fit`` (over the observed periods), ``projection``
        (dashed) and, with ``constant_churn``, the constant-churn curve, with the survival the
        sBG model projects at ``periods`` written at the end of its curve.

    Examples
    --------
    >>> import cssegment as cs, cssegment.plot
    >>> survivors = [1000, 631, 468, 382, 326, 289, 262, 241]
    >>> ax = cs.plot.survival_projection(cs.ShiftedBetaGeometric().fit(survivors), survivors, periods=24)
    >>> ax.texts[-1].get_text()
    'S(24) = 10.7%'
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    if not isinstance(model, ShiftedBetaGeometric):
        raise InvalidInputError(f"model: expected a cssegment.ShiftedBetaGeometric, got {type(model).__name__}")
    counts = _frame.numeric(survivors, "survivors")
    observed = len(counts)
    while observed and np.isnan(counts[observed - 1]):
        observed -= 1
    counts = counts[:observed]
    bad = np.flatnonzero(~(np.isfinite(counts) & (counts >= 0)))
    if bad.size:
        row = int(bad[0])
        raise InvalidInputError(f"survivors[{row}] = {_frame.describe(counts[row])}: counts must be finite and >= 0")
    if not observed or counts[0] <= 0:
        raise InvalidInputError("survivors: needs a cohort size survivors[0] > 0")
    horizon = max(2 * (observed - 1), 12) if periods is None else periods
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < observed - 1:
        raise InvalidInputError(
            f"periods: must be a whole number >= {observed - 1} (the last observed), got {periods!r}"
        )
    horizon = int(horizon)
    curve = model.project(horizon)["survival"].to_numpy()
    ax = _axes(ax)
    ages = np.arange(observed)
    ax.plot(
        ages, counts / counts[0], "o", color="#000000", markersize=4, label=f"observed ({counts[0]:,.0f} customers)"
    )
    fit = f"sBG fit (alpha = {model.alpha_:.3g}, beta = {model.beta_:.3g})"
    ax.plot(ages, curve[:observed], color=OKABE_ITO[0], linewidth=2, label=fit)
    later = np.arange(observed - 1, horizon + 1)
    ax.plot(later, curve[observed - 1 :], color=OKABE_ITO[0], linewidth=2, linestyle="--", label="projection")
    below = True  # where the S(horizon) note goes: away from the constant-churn curve
    if constant_churn:
        if observed < 2 or counts[0] == counts[-1]:
            raise InvalidInputError("constant_churn: needs at least two observed periods and some customers lost")
        churn = (counts[0] - counts[-1]) / counts[:-1].sum()
        naive = (1.0 - churn) ** np.arange(horizon + 1)
        label = f"constant churn {churn:.1%} a period: S({horizon}) = {naive[-1]:.1%}"
        ax.plot(np.arange(horizon + 1), naive, color=OKABE_ITO[5], linewidth=2, linestyle=":", label=label)
        below = bool(naive[-1] > curve[-1])
    end = float(curve[-1])
    ax.annotate(
        f"S({horizon}) = {end:.1%}",
        (float(horizon), end),
        xytext=(0, -10 if below else 10),
        textcoords="offset points",
        ha="right",
        va="top" if below else "bottom",
        color=OKABE_ITO[0],
        fontweight="bold",
        **_PLAIN,
    )
    ax.yaxis.set_major_formatter(_PERCENT_AXIS)
    ax.set_ylim(0, 1.03)
    ax.set_xlim(0, horizon * 1.02)
    ax.set_xlabel("Periods since the cohort started")
    ax.set_ylabel("Customers still active (% of the cohort)")
    ax.set_title(f"Survival: shifted-beta-geometric fit on {observed - 1} periods, projected to {horizon}")
    _grid(ax)
    _legend(ax)
    return ax


# ----------------------------------------------------------------------------------------------
# Health


def health_distribution(
    scores: pd.DataFrame,
    by: Labels | str | None = None,
    *,
    bins: int = 20,
    ax: Axes | None = None,
) -> Axes:
    """Histogram of health scores, each bar split by band colour (red / amber / green).

    With ``by``, one histogram per segment stacked as ridges, each labelled with its size and the
    share of its accounts in every band.

    Parameters
    ----------
    scores : pandas.DataFrame
        The result of ``Scorecard.score``, ``CalibratedScorecard.score`` or
        ``ScorecardSet.score``: columns ``score`` (0-100, NaN when unscored) and ``band``. Bars
        take the colour of each account's own band.
    by : str or array-like of labels, optional
        A column of ``scores`` or one label per row (e.g. the touch tier).
    bins : int
        Equal-width bins over 0-100 (20: five points each, so the default bands' bounds at 50
        and 75 fall on bin edges).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        ``bins`` bars per band (per segment with ``by``). Unscored accounts are not drawn; the
        title counts them.

    Examples
    --------
    >>> import cssegment as cs, cssegment.plot
    >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(20, 90))])
    >>> scores = card.score(cs.datasets.synthetic_book(1000, seed=1).accounts)
    >>> ax = cs.plot.health_distribution(scores)
    >>> len(ax.patches)  # 20 bins x 3 bands
    60
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    scores = _frame_with(scores, "scores", ["score", "band"], "Scorecard.score")
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise InvalidInputError(f"bins: must be a whole number >= 1, got {bins!r}")
    values = _frame.numeric(scores["score"], "scores['score']")
    band_codes, band_names = _frame.labels(scores["band"], "scores['band']")
    if isinstance(by, str):
        by = _frame.column(scores, by)
    if by is not None:
        _frame.check_length("by", by, "scores", len(values))
        codes, segments = _frame.ranked_labels(by, "by")
        if (codes < 0).any():
            codes = np.where(codes < 0, len(segments), codes)
            segments = [*segments, _frame.NONE_LABEL]
    else:
        codes, segments = np.zeros(len(values), dtype=np.int32), ["all accounts"]
    scored = ~np.isnan(values)
    edges = np.linspace(0.0, 100.0, int(bins) + 1)
    colours = _band_colours(band_names)
    ax = _axes(ax, (9.0, 1.5 + 1.3 * len(segments)) if by is not None else _FIGSIZE)
    ticks = []
    for s, segment in enumerate(segments):
        members = scored & (codes == s)
        total = int(members.sum())
        counts = np.array([np.histogram(values[members & (band_codes == b)], edges)[0] for b in range(len(band_names))])
        # Ridges: segment s sits on baseline -s (the first on top), its tallest stack 0.85 high.
        base, scale = (0.0, 1.0) if by is None else (-float(s), 0.85 / max(float(counts.sum(axis=0).max()), 1.0))
        bottom = np.full(len(edges) - 1, base)
        for b, name in enumerate(band_names):
            ax.bar(
                edges[:-1],
                counts[b] * scale,
                edges[1] - edges[0],
                bottom=bottom,
                align="edge",
                color=colours[b],
                edgecolor="white",
                linewidth=0.5,
                label=name if s == 0 else None,
            )
            bottom = bottom + counts[b] * scale
        shares = ", ".join(
            f"{name} {float((band_codes[members] == b).mean()) if total else 0.0:.0%}"
            for b, name in enumerate(band_names)
        )
        ticks.append(f"{segment}\n{total:,} accounts\n{shares}")
    unscored = int((~scored).sum())
    missing = f" ({unscored:,} unscored not shown)" if unscored else ""
    ax.set_xlim(0, 100)
    ax.set_xlabel("Health score (0-100)")
    if by is None:
        ax.yaxis.set_major_formatter(_COUNT_AXIS)
        ax.set_ylabel("Accounts")
        ax.set_title("Health scores: " + ticks[0].split("\n", 1)[1].replace("\n", ": ") + missing, **_PLAIN)
        _grid(ax, "y")
    else:
        ax.set_yticks(-np.arange(len(segments)) + 0.4, ticks, fontsize="small", **_PLAIN)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-len(segments) + 1 - 0.05, 1.0)
        ax.set_title(f"Health scores by segment (bar heights relative within each segment){missing}", **_PLAIN)
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
    _legend(ax, title="band", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


def _backtest_panel(ax: Axes, backtest: Backtest, name: str | None) -> None:
    deciles = backtest.deciles
    rates = deciles["churn_rate"].to_numpy(dtype=np.float64)
    lifts = deciles["lift"].to_numpy(dtype=np.float64)
    x = deciles.index.to_numpy()
    bars = ax.bar(x, np.nan_to_num(rates), color=OKABE_ITO[0], width=0.7)
    lift_labels = ["" if np.isnan(lift) else f"{lift:.1f}x" for lift in lifts]
    ax.bar_label(bars, labels=lift_labels, padding=2, fontsize="small", **_PLAIN)
    overall = f"overall {backtest.churn_rate:.1%}"
    ax.axhline(backtest.churn_rate, color=_LOSS, linestyle="--", linewidth=1.2, label=overall)
    ax.set_xticks(x)
    ax.yaxis.set_major_formatter(_PERCENT_AXIS)
    ax.set_xlabel("Health score decile (1 = least healthy)")
    ax.set_ylabel("Churn rate (%); lift above each bar")
    brier = "" if backtest.brier is None else f", Brier {backtest.brier:.3f}"
    ax.set_title(f"{name + ': ' if name else ''}AUC {backtest.auc:.3f}{brier}", **_PLAIN)
    _legend(ax, loc="upper right")
    _grid(ax, "y")


@overload
def backtest_chart(backtest: Backtest, *, ax: Axes | None = None) -> Axes: ...
@overload
def backtest_chart(backtest: Mapping[str, Backtest], *, ax: Sequence[Axes] | None = None) -> np.ndarray: ...
def backtest_chart(
    backtest: Backtest | Mapping[str, Backtest], *, ax: Axes | Sequence[Axes] | None = None
) -> Axes | np.ndarray:
    """Churn rate and lift by health-score decile, for one backtest or several side by side.

    Each decile's churn rate with its lift (churn rate / overall churn rate): a useful score puts
    the churn in the low deciles. Give several backtests by name (e.g. hand-set and calibrated
    weights) to see them side by side on one scale.

    Parameters
    ----------
    backtest : Backtest or mapping of str to Backtest
        ``Scorecard.backtest`` / ``CalibratedScorecard.backtest`` results.
    ax : matplotlib Axes, or for a mapping a sequence of Axes (one per backtest); optional

    Returns
    -------
    matplotlib.axes.Axes or numpy.ndarray of Axes
        The Axes for one backtest; for a mapping, a numpy array of Axes (one per backtest, in
        the mapping's order; drawn here, they share the churn-rate scale in one figure). Each
        has ten bars labelled with their lift and a dashed line at the overall churn rate.

    Examples
    --------
    >>> import cssegment as cs, cssegment.plot
    >>> accounts = cs.datasets.synthetic_book(2000, seed=1).accounts
    >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(20, 90)),
    ...                      cs.Measure("tickets_90d", cs.Linear(10, 0))])
    >>> axes = cs.plot.backtest_chart({"hand-set": card.backtest(accounts),
    ...                                "calibrated": card.calibrate(accounts).backtest(accounts)})
    >>> [len(panel.patches) for panel in axes]
    [10, 10]
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    if isinstance(backtest, Backtest):
        if ax is not None and not isinstance(ax, Axes):
            raise InvalidInputError(f"ax: expected a matplotlib Axes, got {type(ax).__name__}")
        single = _axes(ax)
        _backtest_panel(single, backtest, None)
        return single
    if not isinstance(backtest, Mapping) or not backtest:
        raise InvalidInputError(
            f"backtest: expected a cssegment.Backtest or a mapping of names to Backtests, got {backtest!r:.80}"
        )
    for name, result in backtest.items():
        if not isinstance(result, Backtest):
            raise InvalidInputError(f"backtest[{name!r}]: expected a cssegment.Backtest, got {type(result).__name__}")
    panels = np.empty(len(backtest), dtype=object)
    if ax is None:
        figure, grid = plt.subplots(
            1, len(backtest), figsize=(5.5 * len(backtest), 4.5), sharey=True, layout="constrained", squeeze=False
        )
        panels[:] = list(grid[0])
        figure.suptitle("Backtest: churn rate by health-score decile")
    else:
        if isinstance(ax, Axes) or len(ax) != len(backtest):
            raise InvalidInputError(f"ax: expected a sequence of {len(backtest)} Axes, one per backtest")
        panels[:] = [_axes(one) for one in ax]
    for panel, (name, result) in zip(panels, backtest.items()):
        _backtest_panel(panel, result, str(name))
    return panels


# ----------------------------------------------------------------------------------------------
# Coverage planner: how low can you go?


def _plan(plan: Any) -> CoveragePlan:
    if not isinstance(plan, CoveragePlan):
        raise InvalidInputError(
            f"plan: expected the CoveragePlan of cssegment.plan_coverage, got {type(plan).__name__}"
        )
    return plan


def coverage_frontier(
    plan: CoveragePlan, *, targeted: TargetedCoverage | None = None, ax: Axes | None = None, currency: str = "$"
) -> Axes:
    """Cost vs expected retained ARR of every threshold combination, with the frontier.

    The plans to compare are marked: today's thresholds, the best plan and targeted coverage.

    Parameters
    ----------
    plan : CoveragePlan
        The result of :func:`cssegment.plan_coverage`.
    targeted : TargetedCoverage, optional
        Marked as well (default ``plan.targeted()``: the best plan's CSMs spent by expected saving).
    ax : matplotlib Axes, optional
    currency : str

    Returns
    -------
    matplotlib.axes.Axes
        A scatter of all combinations (first collection), the frontier as a line (first line),
        then one marker per plan: today, the best (when one fits the budget), targeted.

    Examples
    --------
    >>> import cssegment as cs, cssegment.plot
    >>> book = cs.datasets.synthetic_book(500, seed=2)
    >>> plan = cs.plan_coverage(book.accounts, cs.TierModel.touch(), [0.2] * 500, csm_cost=120_000,
    ...                         effect={"Tech touch": 1.0, "Low touch": 0.9, "High touch": 0.7})
    >>> ax = cs.plot.coverage_frontier(plan)
    >>> [line.get_label() for line in ax.get_lines()]
    ['frontier', 'today', 'best', 'targeted']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    plan = _plan(plan)
    if targeted is None:
        targeted = plan.targeted()
    elif not isinstance(targeted, TargetedCoverage):
        raise InvalidInputError(f"targeted: expected a TargetedCoverage, got {type(targeted).__name__}")
    ax = _axes(ax)
    table, frontier = plan.table, plan.frontier
    ax.scatter(table["cost"], table["expected_retained_arr"], s=6, color=_GRID, label="threshold combinations")
    ax.plot(frontier["cost"], frontier["expected_retained_arr"], color=_TOTAL, linewidth=1.5, label="frontier")
    marks: list[tuple[str, pd.Series | None, str, str]] = [
        ("today", plan.current, _colour(1), "o"),
        ("best", None if plan.best.empty else plan.best, _colour(2), "*"),
    ]
    for label, row, colour, marker in marks:
        if row is not None:
            ax.plot(row["cost"], row["expected_retained_arr"], marker, color=colour, markersize=11, label=label)
    summary = targeted.summary.loc["targeted"]
    ax.plot(summary["cost"], summary["expected_retained_arr"], "D", color=_colour(5), markersize=8, label="targeted")
    ax.xaxis.set_major_formatter(_money_axis(currency))
    ax.yaxis.set_major_formatter(_money_axis(currency))
    ax.set_xlabel("CSM cost", **_PLAIN)
    ax.set_ylabel("Expected retained ARR", **_PLAIN)
    ax.set_title(f"Coverage frontier: {len(table):,} plans, {len(frontier):,} on the frontier", **_PLAIN)
    _legend(ax, loc="lower right")
    _grid(ax)
    return ax


def marginal_coverage(
    plan: CoveragePlan,
    boundary: str | None = None,
    *,
    at: pd.Series | None = None,
    ax: Axes | None = None,
    currency: str = "$",
) -> Axes:
    """What each step down of one tier's threshold costs and buys (:meth:`CoveragePlan.marginal`).

    Two lines over the threshold (lowered from left to right): the marginal CSM cost of the step
    and the value of the ARR it retains (margin x marginal retained ARR). Lowering pays while the
    value line is above the cost line; the last threshold before it first falls below is marked.

    Parameters
    ----------
    plan : CoveragePlan
        The result of :func:`cssegment.plan_coverage`.
    boundary : str, optional
        The tier whose lower edge moves; default the highest tier.
    at : pandas.Series, optional
        The row of ``plan.table`` whose other thresholds are held (default the best plan).
    ax : matplotlib Axes, optional
    currency : str

    Returns
    -------
    matplotlib.axes.Axes
        Lines ``marginal cost`` and ``marginal value of retained ARR``; a dashed vertical line at
        the lowest threshold that still pays (when a step does not).

    Examples
    --------
    >>> import cssegment as cs, cssegment.plot
    >>> accounts = cs.datasets.synthetic_book(800, seed=5).accounts
    >>> plan = cs.plan_coverage(accounts, cs.TierModel.touch(), [0.3] * 800, csm_cost=90_000,
    ...                         effect={"Tech touch": 1.0, "Low touch": 0.8, "High touch": 0.6})
    >>> ax = cs.plot.marginal_coverage(plan, "Low touch")
    >>> [line.get_label() for line in ax.get_lines()][:2]
    ['marginal cost', 'marginal value of retained ARR']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    plan = _plan(plan)
    if boundary is None:
        boundary = list(plan.factors)[-1]
    marginal = plan.marginal(boundary, at=at)
    steps = marginal.iloc[1:]
    ax = _axes(ax)
    thresholds = steps.index.to_numpy(dtype=np.float64)
    gained = plan.margin * steps["marginal_retained_arr"]
    ax.plot(thresholds, steps["marginal_cost"], "o-", color=_LOSS, label="marginal cost")
    ax.plot(thresholds, gained, "o-", color=_GAIN, label="marginal value of retained ARR")
    losing = np.flatnonzero(steps["marginal_value"].to_numpy() <= 0)
    title = f"How low can you go? {boundary}"
    if losing.size:
        stop = float(marginal.index[losing[0]])  # where the first step that does not pay starts
        ax.axvline(stop, color=_TOTAL, linestyle="--", linewidth=1)
        title += f": lowering pays down to {_money(stop, currency)}"
    ax.set_xlim(float(thresholds.max(initial=1.0)) * 1.05, float(thresholds.min(initial=0.0)) * 0.95)
    ax.xaxis.set_major_formatter(_money_axis(currency))
    ax.yaxis.set_major_formatter(_money_axis(currency))
    ax.set_xlabel(f"{boundary} threshold (lowered to the right)", **_PLAIN)
    ax.set_ylabel("Per step down", **_PLAIN)
    ax.set_title(title, **_PLAIN)
    _legend(ax)
    _grid(ax)
    return ax


# ----------------------------------------------------------------------------------------------
# Coverage effects (regression discontinuity)

_KERNELS = {
    "triangular": lambda u: 1.0 - np.abs(u),
    "epanechnikov": lambda u: 0.75 * (1.0 - u * u),
    "uniform": lambda u: np.full_like(u, 0.5),
}


def _polynomial_band(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray, order: int, grid: np.ndarray, z: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted least-squares fit of y on (1, u, ..., u^order), u = x / max|x|, evaluated on grid:
    the fit and its band fit -/+ z se, se from the heteroskedasticity-robust (HC1) variance."""
    scale = float(np.max(np.abs(x))) or 1.0
    design = np.vander(x / scale, order + 1, increasing=True)
    weighted = design * weights[:, None]
    bread = np.linalg.pinv(weighted.T @ design)
    coef = bread @ (weighted.T @ y)
    residual = y - design @ coef
    meat = (weighted * residual[:, None] ** 2).T @ weighted
    dof = max(len(x) - order - 1, 1)
    variance = bread @ meat @ bread * len(x) / dof
    at = np.vander(grid / scale, order + 1, increasing=True)
    fit = at @ coef
    se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", at, variance, at), 0.0))
    return fit, fit - z * se, fit + z * se


def _bin_means(x: np.ndarray, y: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean x and mean y of the non-empty bins [edges[i], edges[i + 1]) (the last bin closed)."""
    which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
    counts = np.bincount(which, minlength=len(edges) - 1)
    filled = counts > 0
    mean_x = np.bincount(which, weights=x, minlength=len(edges) - 1)[filled] / counts[filled]
    mean_y = np.bincount(which, weights=y, minlength=len(edges) - 1)[filled] / counts[filled]
    return mean_x, mean_y


def rd_plot(
    y: Any,
    x: Any,
    cutoff: float = 0.0,
    *,
    result: RDResult | None = None,
    p: int = 4,
    bins: Literal["es", "qs"] = "es",
    n_bins: int = 20,
    level: float = 95.0,
    ax: Axes | None = None,
    xlabel: str = "Running variable",
    ylabel: str = "Outcome",
) -> Axes:
    """The regression discontinuity at a glance: binned means, the fit on each side, its band.

    In the style of rdplot (Calonico, Cattaneo and Titiunik): the outcome's mean in ``n_bins``
    bins on each side of the cut-off (evenly spaced, ``"es"``, or holding equal numbers of
    observations, ``"qs"``), and on each side a polynomial fit with its pointwise confidence band
    (heteroskedasticity-robust, HC1). Without ``result`` the fit is a global polynomial of order
    ``p`` over each side's data, as rdplot draws it. With an :class:`~cssegment.RDResult` it is
    the estimate's own local fit: order ``result.p``, its kernel's weights, within its bandwidths
    (shaded), so that the jump between the two fitted lines at the cut-off is the conventional
    estimate; the title gives the estimate and its robust confidence interval. The number of bins
    is given, not chosen by rdplot's selectors.

    Parameters
    ----------
    y, x : array-like or Series
        Outcome and running variable, finite, of the same length.
    cutoff : float, default 0.0
        The threshold; ignored when ``result`` is given (its cut-off is used).
    result : RDResult, optional
        A ``cs.rd_estimate`` result on the same ``y`` and ``x``.
    p : int, default 4
        Order of the global fits (without ``result``), 0 to 8.
    bins : {"es", "qs"}, default "es"
        Evenly spaced bins or quantile-spaced bins.
    n_bins : int, default 20
        Bins on each side, at least 1.
    level : float, default 95
        Confidence level of the band, in (0, 100).
    ax : matplotlib Axes, optional
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    matplotlib.axes.Axes
        Dots for the bin means, a line and a shaded band per side, a dashed line at the cut-off.

    Examples
    --------
    >>> import numpy as np
    >>> import cssegment as cs, cssegment.plot
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(-1, 1, 2_000)
    >>> y = 0.5 * x + 0.3 * (x >= 0) + rng.normal(0, 0.1, 2_000)
    >>> ax = cs.plot.rd_plot(y, x, n_bins=10)
    >>> len(ax.collections[0].get_offsets()), ax.get_title()
    (20, 'Binned means and order-4 fits on each side of the cut-off 0')
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    ys = _frame.numeric(y, "y")
    xs = _frame.numeric(x, "x")
    _frame.check_length("y", ys, "x", len(xs))
    for name, values in (("x", xs), ("y", ys)):
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise InvalidInputError(f"{name}[{bad[0]}] = {values[bad[0]]}: values must be finite")
    if result is not None:
        cutoff = float(result.cutoff)
    cut = _frame.number(cutoff, "cutoff")
    order = _frame.integer(p, "p", 0, 8)
    count = _frame.integer(n_bins, "n_bins", 1)
    spacing = _frame.text(bins, "bins")
    if spacing not in ("es", "qs"):
        raise InvalidInputError(f"bins: {spacing!r} must be 'es' (evenly spaced) or 'qs' (quantile-spaced)")
    confidence = _frame.number(level, "level")
    if not 0.0 < confidence < 100.0:
        raise InvalidInputError(f"level: {confidence:g} must be in (0, 100)")
    z = NormalDist().inv_cdf(0.5 + confidence / 200.0)
    left = xs < cut
    for side, mask in (("below", left), ("at or above", ~left)):
        if mask.sum() < 2:
            raise InvalidInputError(f"x: needs at least 2 values {side} the cutoff {cut:g}, got {int(mask.sum())}")
    ax = _axes(ax)
    means_x, means_y = [], []
    for mask in (left, ~left):
        xi = xs[mask]
        if spacing == "es":
            edges = np.linspace(xi.min(), xi.max(), count + 1)
        else:
            edges = np.unique(np.quantile(xi, np.linspace(0.0, 1.0, count + 1)))
            edges = edges if len(edges) > 1 else np.array([xi.min(), xi.max() + 1.0])
        mx, my = _bin_means(xi, ys[mask], edges)
        means_x.append(mx)
        means_y.append(my)
    ax.scatter(np.concatenate(means_x), np.concatenate(means_y), s=14, color=OKABE_ITO[7], zorder=3, label="bin means")
    for i, mask in enumerate((left, ~left)):
        centred = xs[mask] - cut
        if result is None:
            keep, weights, fit_order = np.ones(len(centred), bool), np.ones(len(centred)), order
            low, high = float(centred.min()), float(centred.max())
        else:
            h = float(result.h[i])
            keep = np.abs(centred) <= h
            weights = _KERNELS[result.kernel](centred[keep] / h)
            fit_order = int(result.p)
            low, high = (-h, 0.0) if i == 0 else (0.0, h)
            ax.axvspan(cut + low, cut + high, color=_colour(i), alpha=0.06, linewidth=0)
        grid = np.linspace(low, high, 100)
        fit, lower, upper = _polynomial_band(centred[keep], ys[mask][keep], weights, fit_order, grid, z)
        label = ("below", "at or above")[i] + " the cut-off"
        ax.plot(cut + grid, fit, color=_colour(i), linewidth=2, label=label)
        ax.fill_between(cut + grid, lower, upper, color=_colour(i), alpha=0.2, linewidth=0)
    ax.axvline(cut, color=OKABE_ITO[7], linestyle="--", linewidth=1)
    ax.set_xlabel(xlabel, **_PLAIN)
    ax.set_ylabel(ylabel, **_PLAIN)
    if result is None:
        title = f"Binned means and order-{order} fits on each side of the cut-off {cut:g}"
    else:
        low_ci, high_ci = result.ci_robust
        title = (
            f"Effect at the cut-off {cut:g}: {result.estimate:.3g} "
            f"(robust {result.level:g}% CI {low_ci:.3g} to {high_ci:.3g})"
        )
    ax.set_title(title, **_PLAIN)
    _legend(ax)
    _grid(ax)
    return ax


# ----------------------------------------------------------------------------------------------
# CSM books (cs.book_metrics)

_BOOK_METRICS = ("nrr", "grr", "logo_retention", "mix_adjusted_nrr")


def book_metrics(
    kpis: pd.DataFrame, metric: str = "mix_adjusted_nrr", *, top: int | None = None, ax: Axes | None = None
) -> Axes:
    """Owners ranked by a book metric, each with its confidence interval.

    One row per owner, best at the top: a dot at the estimate and a line across its interval,
    so that owners whose intervals overlap are seen not to differ. Mix-adjusted NRR (the
    default) is drawn around 0 (the NRR the owner's mix predicts), the others around the
    book-wide value.

    Parameters
    ----------
    kpis : pandas.DataFrame
        The result of :func:`cssegment.book_metrics`.
    metric : {"mix_adjusted_nrr", "nrr", "grr", "logo_retention"}, default "mix_adjusted_nrr"
    top : int, optional
        Draw only the `top` best and the `top` worst owners (all by default).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One error bar per owner drawn (owners without accounts are left out).

    Examples
    --------
    >>> import cssegment as cs, cssegment.plot
    >>> book = cs.datasets.synthetic_book(2000, seed=4)
    >>> kpis = cs.book_metrics(cs.RevenueLedger(book.revenue), book.owners)
    >>> ax = cs.plot.book_metrics(kpis, top=5)
    >>> len(ax.get_yticks())
    10
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    if metric not in _BOOK_METRICS:
        raise InvalidInputError(f"metric: {metric!r} must be one of {list(_BOOK_METRICS)}")
    columns = [metric, f"{metric}_low", f"{metric}_high", "accounts"]
    frame = _frame_with(kpis, "kpis", columns, "cssegment.book_metrics").dropna(subset=[metric])
    if top is not None:
        top = _frame.integer(top, "top", 1)
    ranked = frame.sort_values(metric)
    if top is not None and 2 * top < len(ranked):
        ranked = pd.concat([ranked.head(top), ranked.tail(top)])
    ax = _axes(ax, (8.0, max(3.0, 0.28 * len(ranked) + 1.2)))
    y = np.arange(len(ranked))
    estimate = ranked[metric].to_numpy()
    low = estimate - ranked[f"{metric}_low"].to_numpy()
    high = ranked[f"{metric}_high"].to_numpy() - estimate
    ax.errorbar(estimate, y, xerr=np.nan_to_num(np.vstack([low, high])), fmt="o", color=OKABE_ITO[0], capsize=2)
    centre = 0.0 if metric == "mix_adjusted_nrr" else float(np.average(estimate, weights=ranked["accounts"]))
    ax.axvline(centre, color=_GRID, linestyle="--", linewidth=1.2)
    ax.set_yticks(y, [f"{owner} ({n:,})" for owner, n in zip(ranked.index, ranked["accounts"])], **_PLAIN)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    level = kpis.attrs.get("level")
    interval = f", {level:.0%} intervals" if level is not None else ""
    name = "Mix-adjusted NRR" if metric == "mix_adjusted_nrr" else _RETENTION_NAMES[metric]
    ax.set_xlabel(f"{name}{interval}", **_PLAIN)
    ax.set_title(f"{name} by owner (accounts at start)", **_PLAIN)
    _grid(ax, "x")
    return ax


# ---- Lead time (health over time)


def lead_time(result: LeadTime, *, ax: Axes | None = None) -> Axes:
    """AUC of the health score against the lead before churn: how early the score warns.

    Parameters
    ----------
    result : LeadTime
        :func:`cssegment.backtest_lead`'s result.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One point per lead (periods before churn) joined by a line, labelled with the AUC, and a
        dashed line at 0.5 (chance).

    Examples
    --------
    >>> import pandas as pd, cssegment as cs, cssegment.plot
    >>> card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])
    >>> usage = pd.DataFrame({"account_id": list("aabbcc"), "month": [1, 2] * 3, "logins": [8, 4, 15, 16, 10, 3]})
    >>> result = cs.backtest_lead(card.score_history(usage), pd.DataFrame({"account_id": ["a"], "month": [3]}), [1, 2])
    >>> ax = cs.plot.lead_time(result)
    >>> [round(float(y), 2) for y in ax.lines[0].get_ydata()]
    [0.5, 1.0]
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    if not isinstance(result, LeadTime):
        raise InvalidInputError(f"result: expected a cssegment.LeadTime (backtest_lead), got {type(result).__name__}")
    ax = _axes(ax)
    leads = result.summary.index.to_numpy()
    auc = result.summary["auc"].to_numpy(dtype=np.float64)
    ax.plot(leads, auc, marker="o", color=OKABE_ITO[0], label="AUC")
    for lead, value in zip(leads, auc):
        ax.annotate(f"{value:.2f}", (lead, value), textcoords="offset points", xytext=(0, 6), ha="center", **_PLAIN)
    ax.axhline(0.5, color=_LOSS, linestyle="--", linewidth=1.2, label="chance")
    ax.set_xticks(leads)
    ax.set_xlabel("Lead: periods before churn")
    ax.set_ylabel("AUC of the health score")
    ax.set_title("How early the health score warns", **_PLAIN)
    _legend(ax, loc="lower left")
    _grid(ax, "y")
    return ax
