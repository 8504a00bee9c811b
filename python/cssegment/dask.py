"""Ledger metrics over Dask DataFrames, equal to the in-memory results.

The rows are shuffled by account, so that every account's whole history lives in one partition
(reactivation windows and retention horizons never cross partitions), and each partition puts its
rows back in the frame's order, so that an account's several rows in one period are summed in the
same order as in memory. Each partition builds its own ledger over the global periods and computes
the C++ core's partial sums; the partial sums (exact sums, rounded once) are merged in a tree and
turned into the same tables as :meth:`cssegment.RevenueLedger.movements` and
:meth:`~cssegment.RevenueLedger.retention`. Because the totals are exact, the result does not
depend on the partitioning or the shuffle: it equals the in-memory result on the same rows in the
same order (``ddf.compute()``) bit for bit.

Scorecards go the same way: :func:`~cssegment.dask.backtest` merges per-partition counts (per
distinct score, the accounts that churned and stayed) into the in-memory backtest exactly, and
:func:`~cssegment.dask.calibrate` runs Newton's method with the in-memory solver on merged
per-partition gradients and Hessians; no row comes to the client. :func:`~cssegment.dask.assign`
and :func:`~cssegment.dask.score` work row by row; :func:`~cssegment.dask.fit` fits a scorecard's
Percentile and ZScore measures (of each scorecard of a ScorecardSet, on its segment's rows) from
per-partition value counts and running sums, equal to the in-memory fit exactly.

:func:`~cssegment.dask.kmeans` fits a :class:`cssegment.KMeans` by k-means|| and Lloyd steps over
merged per-partition sums, the same model whatever the partitioning.

Requires the ``dask`` extra (``pip install 'cssegment[dask]'``); import it as
``import cssegment.dask``.

Examples
--------
>>> import dask.dataframe as dd, cssegment as cs, cssegment.dask
>>> book = cs.datasets.synthetic_book(500, seed=4)
>>> rows = dd.from_pandas(book.revenue, npartitions=4)
>>> cs.dask.movements(rows).equals(cs.RevenueLedger(book.revenue).movements())
True
"""

from __future__ import annotations

import importlib
import json
import math
from collections.abc import Callable
from typing import Any, Literal, NamedTuple

import dask  # type: ignore[import-not-found, unused-ignore]
import dask.callbacks  # type: ignore[import-not-found, unused-ignore]
import dask.dataframe as dd  # type: ignore[import-not-found, unused-ignore]
import numpy as np
import pandas as pd

from . import _core, _frame, _progress
from ._core import InvalidInputError
from .health.backtest import Backtest, backtest_of
from .health.calibrate import CalibratedScorecard
from .health.scorecard import Scorecard, measure_columns
from .health.scorecard_set import ScorecardSet
from .metrics.ledger import ledger_over_periods, movement_frame, partial_sums, retention_frame
from .metrics.ledger_input import (
    PeriodKind,
    PeriodReading,
    check_horizon,
    check_horizon_fits,
    check_reactivation_window,
    long_segment_column,
    period_keys,
)
from .metrics.periods import calendar_of
from .segment.kmeans import KMeans
from .segment.models import SegmentModel

__all__ = ["assign", "backtest", "calibrate", "fit", "kmeans", "movements", "retention", "score"]

Segments = pd.Series | pd.DataFrame | str | None
# A row's position: partition number << 40 | row in the partition (2^40 rows would be 8 TB of
# amounts alone; 2^23 partitions, a graph no scheduler holds).
_ROW_BITS = 40


def movements(
    ddf: dd.DataFrame,
    account: str = "account_id",
    period: str = "month",
    amount: str = "mrr",
    by: Segments = None,
    reactivation_window: int | None = None,
    *,
    progress: bool = False,
    freq: str | None = None,
    fiscal_year_start: int = 1,
    period_format: str | None = None,
) -> pd.DataFrame:
    """:meth:`cssegment.RevenueLedger.movements` over a Dask DataFrame of long revenue rows.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        Rows of (account, period, amount), as for :class:`cssegment.RevenueLedger`.
    account, period, amount : str
        Column names.
    by : pandas.Series, pandas.DataFrame or str, optional
        Segments: a pandas Series indexed by account id or a long pandas frame, as in memory
        (sent to every partition), or the name of a column of `ddf` holding each row's segment
        (the account's segment in that period).
    reactivation_window : int, optional
        As in memory.
    progress : bool, default False
        Show a progress bar (tqdm, ``pip install cssegment[progress]``) counting the partitions
        whose partial sums are done; the result is the same.
    freq, fiscal_year_start, period_format
        How periods are read, as for :class:`cssegment.RevenueLedger` (dates by month by default).

    Returns
    -------
    pandas.DataFrame
        Equal to the in-memory result on the same rows in the same order (``ddf.compute()``);
        the order only matters to the last bits of periods where an account has several rows.

    Notes
    -----
    The rows are shuffled by account, unless `ddf` is indexed by the `account` column with known
    divisions (``dd.read_parquet(path, index="account_id", calculate_divisions=True)`` on files
    written by account, or after ``set_index``): every account's rows then sit in one partition
    already, and no row moves between workers.

    Raises
    ------
    InvalidInputError
        If a column is missing, the rows are invalid (as in memory), or partitions hold
        different kinds of periods.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd, cssegment as cs, cssegment.dask
    >>> rows = pd.DataFrame({"account_id": [1, 1, 2, 2, 3], "month": [1, 2, 1, 2, 2],
    ...                      "mrr": [10.0, 15.0, 5.0, 0.0, 7.0]})
    >>> cs.dask.movements(dd.from_pandas(rows, npartitions=2))[["start", "new", "expansion", "churn", "end"]]
            start  new  expansion  churn   end
    period
    2        15.0  7.0        5.0    5.0  22.0
    """
    check_reactivation_window(reactivation_window)
    reading = PeriodReading(calendar_of(freq, fiscal_year_start), period_format)
    return _compute(ddf, (account, period, amount), by, "movements", reactivation_window, reading, progress=progress)


def retention(
    ddf: dd.DataFrame,
    horizon: int = 12,
    account: str = "account_id",
    period: str = "month",
    amount: str = "mrr",
    by: Segments = None,
    masks_churn_below: float = 0.9,
    *,
    progress: bool = False,
    freq: str | None = None,
    fiscal_year_start: int = 1,
    period_format: str | None = None,
) -> pd.DataFrame:
    """:meth:`cssegment.RevenueLedger.retention` over a Dask DataFrame of long revenue rows.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        Rows of (account, period, amount), as for :class:`cssegment.RevenueLedger`; shuffled by
        account unless indexed by it with known divisions, as in :func:`movements`.
    horizon : int
        Periods from start to end, as in memory.
    account, period, amount : str
        Column names.
    by : pandas.Series, pandas.DataFrame or str, optional
        Segments, as in :func:`movements`.
    masks_churn_below : float
        As in memory.
    progress : bool, default False
        As in :func:`movements`.
    freq, fiscal_year_start, period_format
        As in :func:`movements`.

    Returns
    -------
    pandas.DataFrame
        Equal to the in-memory result on the same rows.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd, cssegment as cs, cssegment.dask
    >>> rows = pd.DataFrame({"account_id": [1, 1, 2, 2, 3], "month": [1, 2, 1, 2, 2],
    ...                      "mrr": [10.0, 15.0, 5.0, 0.0, 7.0]})
    >>> cs.dask.retention(dd.from_pandas(rows, npartitions=2), horizon=1)[["nrr", "grr", "logo_retention"]]
            nrr       grr  logo_retention
    period
    1       1.0  0.666667             0.5
    """
    check_horizon(horizon)
    reading = PeriodReading(calendar_of(freq, fiscal_year_start), period_format)
    return _compute(
        ddf, (account, period, amount), by, "retention", horizon, reading, masks_churn_below, progress=progress
    )


def _compute(
    ddf: dd.DataFrame,
    names: tuple[str, str, str],
    by: Segments,
    what: Literal["movements", "retention"],
    parameter: int | None,
    reading: PeriodReading,
    masks_churn_below: float = 0.9,
    *,
    progress: bool = False,
) -> pd.DataFrame:
    # Made first: a missing tqdm is reported before any work.
    bar = _progress.bar(0, f"cssegment.dask.{what}", unit="partition") if _progress.wanted(progress) else None
    if not isinstance(ddf, dd.DataFrame):
        raise InvalidInputError(f"ddf: expected a dask.dataframe.DataFrame, got {type(ddf).__name__}")
    # Indexed by account with known divisions: each account's rows sit in one partition already.
    by_account = ddf.index.name == names[0] and names[0] not in ddf.columns and ddf.known_divisions
    if by_account:
        ddf = ddf.reset_index()
    columns = list(names) + ([by] if isinstance(by, str) else [])
    for name in columns:
        if name not in ddf.columns:
            raise _frame.no_column("ddf", name, ddf.columns)
    if by is not None and not isinstance(by, (str, pd.Series, pd.DataFrame)):
        raise InvalidInputError(
            f"by: expected a pandas Series or DataFrame, or the name of a column of ddf; got {type(by).__name__}"
        )
    rows = ddf[columns]
    kind, first, count = _global_periods(rows[names[1]], reading)
    if what == "retention":
        check_horizon_fits(int(parameter or 0), count, kind)
    categories = _global_categories(rows, by, names)
    position = _unused_name("_cssegment_row", columns)
    numbered = _numbered(rows, position)
    shuffled = numbered if by_account else numbered.shuffle(on=names[0])
    shared_by = dask.delayed(by, pure=True) if isinstance(by, (pd.Series, pd.DataFrame)) else by
    partials = [
        dask.delayed(_partition_partials)(
            part, names, (first, count), reading, shared_by, categories, what, parameter, position
        )
        for part in _partitions(shuffled)
    ]
    if bar is None:
        total = _tree(partials, dask.delayed(_merged))
    else:
        with bar:
            bar.reset(total=len(partials))
            # Merged here rather than in the graph: exact sums, so the same result in any order.
            total = _tree(_counted(partials, bar), _merged)
    if total is None:
        raise InvalidInputError("ddf: has no partitions")
    (sums,) = dask.compute(total)
    if what == "movements":
        return movement_frame(sums, kind, categories)
    return retention_frame(sums, kind, categories, masks_churn_below)


def _counted(partials: list[Any], bar: Any) -> list[Any]:
    """Computes the delayed `partials`, advancing `bar` as each one is done: through futures on
    a distributed client, through a scheduler callback on the local schedulers."""
    client: Any = getattr(dask.base.get_scheduler(), "__self__", None)
    if client is not None and hasattr(client, "compute") and hasattr(client, "gather"):
        futures = client.compute(partials)
        for _ in importlib.import_module("distributed").as_completed(futures):
            bar.update(1)
        return list(client.gather(futures))
    keys = {partial.key for partial in partials}

    def partition_done(key: Any, result: Any, dsk: Any, state: Any, worker_id: Any) -> None:
        if key in keys:
            bar.update(1)

    with dask.callbacks.Callback(posttask=partition_done):
        return list(dask.compute(*partials))


def _unused_name(name: str, columns: list[str]) -> str:
    while name in columns:
        name += "_"
    return name


def _numbered(rows: dd.DataFrame, position: str) -> dd.DataFrame:
    """`rows` with a column `position` that sorts them in the frame's order. The shuffle gathers
    an account's rows in an order of its own (the local disk shuffle's even varies from run to
    run); sorted back by position, the rows of a cell are summed in the order the in-memory ledger
    sums them, so the float sums agree bit for bit."""

    def number(part: pd.DataFrame, partition_info: dict[str, Any]) -> pd.DataFrame:
        start = partition_info["number"] << _ROW_BITS
        numbered: pd.DataFrame = part.assign(**{position: np.arange(start, start + len(part), dtype=np.int64)})
        return numbered

    meta = rows._meta.assign(**{position: np.zeros(0, dtype=np.int64)})
    untyped: Any = rows
    numbered: dd.DataFrame = untyped.map_partitions(number, meta=meta)
    return numbered


def _partitions(frame: dd.DataFrame | dd.Series) -> list[Any]:
    """The delayed partitions of `frame`, in order."""
    untyped: Any = frame
    return list(untyped.to_delayed())


def _partition_range(periods: pd.Series, reading: PeriodReading) -> tuple[PeriodKind | None, int, int, bool]:
    """Kind and first and last ordinal of a partition's periods, read (and checked) by the core,
    and whether they all read as yyyymm dates (integers)."""
    keys, kind = period_keys(periods, str(periods.name), *reading)
    if len(keys) == 0:
        return None, 0, -1, True
    ledger = _core.metrics.revenue_ledger.from_rows(
        np.zeros(len(keys), dtype=np.int64),
        keys,
        kind.ticks_per_day(),
        np.zeros(len(keys)),
        calendar=kind.core_calendar(),
    )
    yyyymm = kind.name == "integer" and _core.metrics.all_read_as_yyyymm(keys)
    return kind, ledger.first_period, ledger.first_period + ledger.n_periods - 1, yyyymm


def _global_periods(periods: dd.Series, reading: PeriodReading) -> tuple[PeriodKind, int, int]:
    """The kind of the periods and the (first ordinal, count) every partition's ledger spans."""
    ranges = dask.compute(*[dask.delayed(_partition_range)(part, reading) for part in _partitions(periods)])
    seen = [(kind, low, high) for kind, low, high, _ in ranges if kind is not None]
    if not seen:
        raise InvalidInputError("ddf: has no rows")
    kinds = {kind for kind, _, _ in seen}
    if len({(k.name, None if k.name == "datetime" else k.freq) for k in kinds}) > 1:
        raise InvalidInputError(f"period: partitions hold different kinds of periods: {', '.join(map(str, kinds))}")
    if all(yyyymm for kind, _, _, yyyymm in ranges if kind is not None):
        # Each partition checked its own integers; yyyymm across partitions is refused here.
        bounds = np.array([bound for _, low, high in seen for bound in (low, high)], dtype=np.int64)
        _core.metrics.check_not_yyyymm(bounds, f"{periods.name} (first and last periods of the partitions)")
    first = min(low for _, low, _ in seen)
    last = max(high for _, _, high in seen)
    return seen[0][0], first, last - first + 1


def _global_categories(rows: dd.DataFrame, by: Segments, names: tuple[str, str, str]) -> list[str] | None:
    """Segment names shared by every partition: a categorical's order, else sorted labels."""
    if by is None:
        return None
    if isinstance(by, pd.Series):
        return _frame.ranked_labels(by, "by")[1]
    if isinstance(by, pd.DataFrame):
        return _frame.ranked_labels(by[long_segment_column(by, names[0], names[1])], "by")[1]
    column = rows[by]
    if isinstance(column.dtype, pd.CategoricalDtype):
        if column.cat.known:
            return [str(c) for c in column.cat.categories]
        # Unknown to the graph, known to every partition: their categories, in first-seen order.
        listed = column.map_partitions(
            lambda part: pd.Series(list(part.cat.categories), dtype=object), meta=(by, object)
        )
        return [str(c) for c in pd.unique(listed.compute().to_numpy())]
    labels = column.dropna().unique().compute()
    return _frame.ranked_labels(pd.Series(labels), "by")[1]


def _partition_partials(
    part: pd.DataFrame,
    names: tuple[str, str, str],
    period_range: tuple[int, int],
    reading: PeriodReading,
    by: Segments,
    categories: list[str] | None,
    what: Literal["movements", "retention"],
    parameter: int | None,
    position: str,
) -> Any:
    positions = part[position]
    # Usually in order already after the tasks and p2p shuffles (one O(n) check); not after the disk
    # shuffle, whose pieces a stable argsort (timsort) merges as the runs they are.
    if not positions.is_monotonic_increasing:
        part = part.take(np.argsort(positions.to_numpy(), kind="stable"))
    ledger = ledger_over_periods(part, names, period_range, reading)
    frame = part[[names[0], names[1], by]].rename(columns={by: "segment"}) if isinstance(by, str) else by
    return partial_sums(ledger, what, parameter, frame, categories)


def _merged(a: Any, b: Any) -> Any:
    """a + b as a new value: task results must not change once computed."""
    return a.copy().merge(b)


def _tree(items: list[Any], combine: Callable[[Any, Any], Any]) -> Any:
    while len(items) > 1:
        items = [combine(items[i], items[i + 1]) if i + 1 < len(items) else items[i] for i in range(0, len(items), 2)]
    return items[0] if items else None


# Row-wise work: segments, scores and backtests, partition by partition.
#
# Each function runs the in-memory method on every partition (``map_partitions``); its ``meta`` is
# the method's own result on the frame's empty ``_meta``, so a missing column is named before any
# task runs and the dtypes (the model's ordered categories, the bands) are those of memory.

Card = Scorecard | ScorecardSet


def _frame_of(ddf: Any) -> dd.DataFrame:
    if not isinstance(ddf, dd.DataFrame):
        raise InvalidInputError(f"ddf: expected a dask.dataframe.DataFrame, got {type(ddf).__name__}")
    return ddf


def _row_wise(work: Callable[..., Any], model: Any, ddf: Any, previous: str | None) -> Any:
    """`work(partition, model, previous)` on every partition; its meta is `work` on the empty meta."""
    rows = _frame_of(ddf)
    if previous is not None and previous not in rows.columns:
        raise _frame.no_column("previous", previous, rows.columns)
    untyped: Any = rows
    return untyped.map_partitions(work, model, previous, meta=work(untyped._meta, model, previous))


def _assigned(part: pd.DataFrame, model: SegmentModel | KMeans, previous: str | None) -> pd.Series:
    if isinstance(model, KMeans):
        if previous is not None:
            raise InvalidInputError("previous: KMeans has no hysteresis; leave previous out")
        return model.predict(part, output="pandas")
    earlier = None if previous is None else part[previous]
    labels = model.assign(part, earlier, output="pandas")
    return pd.Series(labels, index=part.index, name="segment")


def assign(model: SegmentModel | KMeans, ddf: dd.DataFrame, previous: str | None = None) -> dd.Series:
    """A segment model's ``assign`` (:meth:`cssegment.TierModel.assign` and peers) over a Dask DataFrame.

    Parameters
    ----------
    model : TierModel, QuadrantModel, RuleModel or KMeans
        The segmentation model (a fitted KMeans predicts each row's cluster).
    ddf : dask.dataframe.DataFrame
        The accounts, with the columns the model reads.
    previous : str, optional
        Column of `ddf` holding each account's earlier segment (turns hysteresis on).

    Returns
    -------
    dask.dataframe.Series
        Named ``segment``, aligned with `ddf`, of the model's ordered categorical dtype (so the
        partitions concatenate without re-categorising); equal to the in-memory labels. For a
        KMeans: ``predict``'s int32 clusters, named ``cluster``.

    Raises
    ------
    InvalidInputError
        Before any task runs, if a column is missing; when computed, as in memory.

    Examples
    --------
    >>> import dask.dataframe as dd, cssegment as cs, cssegment.dask
    >>> accounts = cs.datasets.synthetic_book(200, seed=1).accounts
    >>> labels = cs.dask.assign(cs.TierModel.touch(), dd.from_pandas(accounts, npartitions=3))
    >>> list(labels.compute()) == list(cs.TierModel.touch().assign(accounts))
    True
    """
    result: dd.Series = _row_wise(_assigned, model, ddf, previous)
    return result


def _fit_columns(card: Card) -> list[str]:
    """The columns a scorecard (or each scorecard of a set) reads in ``fit``."""
    cards = [card] if isinstance(card, Scorecard) else [*card.scorecards.values(), *filter(None, [card.default])]
    columns = [] if isinstance(card, Scorecard) else [card.by]
    for one in cards:
        for measure in one.measures:
            columns.append(measure.column)
            by = getattr(measure.normalizer, "by", None)
            if by is not None:
                columns.append(by)
    return list(dict.fromkeys(columns))


# Peer-group fits (Percentile, ZScore) from per-partition partials.
class _Learned(NamedTuple):
    """A Percentile or ZScore measure of one of the cards fitted at once."""

    card: int  # which card
    measure: int  # its place in the card's measures
    kind: str
    column: str
    by: str | None  # its peer-group column
    place: int | None  # the rows: those a ScorecardSet routes to its scorecard number `place`; None: all


# Distinct values (sorted) and how many rows hold each.
_Counts = tuple[np.ndarray, np.ndarray]
# Per learned measure: the peer groups in order of first appearance, and per group (None: the
# population) a partial: _Counts for a Percentile, [running sum, rows] for a ZScore.
_Partial = list[tuple[list[str], dict[str | None, Any]]]
# A card to fit: the card, the scorecard number of its rows in its set (None: all rows) and the
# end of the message naming a measure without an observed value.
_Fitting = tuple[Scorecard, int | None, str]


def _learned(fitting: list[_Fitting]) -> list[_Learned]:
    return [
        _Learned(c, i, m["normalizer"]["kind"], m["column"], m["normalizer"]["by"] or None, place)
        for c, (card, place, _) in enumerate(fitting)
        for i, m in enumerate(json.loads(card.to_json())["measures"])
        if m["normalizer"]["kind"] in ("percentile", "zscore")
    ]


def _observed(
    part: pd.DataFrame, measure: _Learned, number: int, route: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The observed values of `measure`'s column in its rows of the partition (`route`: each
    row's scorecard number), in row order, their peer-group codes (-1: none) and the groups' names
    in order of first appearance in the whole partition, checked as the in-memory fit checks
    them."""
    column, by = measure.column, measure.by
    argument = f"ddf[{column!r}]"
    try:
        x = part[column].to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{argument}: numbers are required, got dtype {part[column].dtype}") from None
    codes, names = (np.full(len(x), -1, dtype=np.int32), []) if by is None else _frame.labels(part[by], f"ddf[{by!r}]")
    rows = None if measure.place is None or route is None else np.flatnonzero(route == measure.place)
    if rows is not None:
        x, codes = x[rows], np.asarray(codes)[rows]
    infinite = np.isinf(x)
    if infinite.any():
        at = int(np.argmax(infinite))
        row = at if rows is None else int(rows[at])
        raise InvalidInputError(
            f"{argument}: partition {number}, row {row} (index {part.index[row]}): {x[at]}; "
            "values must be finite or missing"
        )
    here = ~np.isnan(x)
    return x[here], np.asarray(codes)[here], names


def _counts_of(values: np.ndarray) -> _Counts:
    distinct, counts = np.unique(values, return_counts=True)
    return distinct, counts.astype(np.int64)


def _merged_value_counts(a: _Counts, b: _Counts) -> _Counts:
    # Two sorted runs: a stable sort (timsort) merges them in linear time.
    order = np.argsort(np.concatenate([a[0], b[0]]), kind="stable")
    values, counts = np.concatenate([a[0], b[0]])[order], np.concatenate([a[1], b[1]])[order]
    if not len(values):
        return values, counts
    first = np.flatnonzero(np.concatenate([[True], values[1:] != values[:-1]]))
    return values[first], np.add.reduceat(counts, first)


def _first_seen(a: list[str], b: list[str]) -> list[str]:
    return list(dict.fromkeys([*a, *b]))


def _percentile_partial(part: pd.DataFrame, learned: list[_Learned], number: int, route: np.ndarray | None) -> _Partial:
    """Per Percentile measure, the value counts of its rows of the partition, overall and per
    peer group."""
    out: _Partial = []
    for measure in learned:
        values, codes, names = _observed(part, measure, number, route)
        groups: dict[str | None, Any] = {None: _counts_of(values)}
        for code in np.unique(codes[codes >= 0]):
            groups[names[code]] = _counts_of(values[codes == code])
        out.append((names, groups))
    return out


def _merged_percentile(a: _Partial, b: _Partial) -> _Partial:
    out: _Partial = []
    for (names_a, groups_a), (names_b, groups_b) in zip(a, b):
        groups = dict(groups_a)
        for name, counts in groups_b.items():
            groups[name] = _merged_value_counts(groups[name], counts) if name in groups else counts
        out.append((_first_seen(names_a, names_b), groups))
    return out


def _sum_on(total: float, terms: np.ndarray) -> float:
    """`total` + each of `terms` in turn, rounded at each step as a loop of doubles rounds."""
    return float(np.add.accumulate(np.concatenate([[total], terms]))[-1]) if len(terms) else total


def _zscore_pass(
    part: pd.DataFrame,
    learned: list[_Learned],
    number: int,
    carry: _Partial | None,
    means: list[dict[Any, float]],
    route: np.ndarray | None,
) -> _Partial:
    """One link of the chain over the partitions in order: the running sums of the values (or,
    with `means`, of the squared deviations) carried on by each measure's rows of this partition,
    in row order."""
    out: _Partial = []
    for m, measure in enumerate(learned):
        values, codes, names = _observed(part, measure, number, route)
        names_before, sums_before = ([], {}) if carry is None else carry[m]
        sums = {key: list(entry) for key, entry in sums_before.items()}

        def add(key: str | None, x: np.ndarray, m: int = m, sums: dict[Any, list[Any]] = sums) -> None:
            total, rows = sums.get(key, [0.0, 0])
            terms = x if not means else (x - means[m][key]) * (x - means[m][key])
            sums[key] = [_sum_on(total, terms), rows + len(x)]

        add(None, values)
        for code in np.unique(codes[codes >= 0]):
            add(names[code], values[codes == code])
        out.append((_first_seen(names_before, names), sums))
    return out


def _unobserved(kind: str, column: str, where: str) -> InvalidInputError:
    return InvalidInputError(f"ddf[{column!r}]: has no observed (non-missing) values to fit {kind} on{where}")


def _percentile_fitted(counts: _Counts) -> dict[str, Any]:
    """The in-memory Percentile fit of the rows these value counts count (the core's fit from
    counts): the same knots, counts, mean and sd, bit for bit."""
    knots, weights, mean, sd = _core.health.fit_counted_distribution(counts[0], counts[1].astype(np.uint64))
    return {"knots": knots.tolist(), "counts": weights.tolist(), "mean": mean, "sd": sd}


def _fit_peer_groups(fitting: list[_Fitting], parts: list[Any], routes: list[Any] | None) -> list[dict[str, Any]]:
    """The JSON document of each card of `fitting`, its Percentile and ZScore measures fitted from
    per-partition partials of its rows (see :func:`fit`; `routes`: each partition's scorecard
    number of every row, delayed, for cards of a set); the cards are left unchanged. The measures
    of all the cards share each partition's tasks."""
    learned = _learned(fitting)
    percentiles = [one for one in learned if one.kind == "percentile"]
    zscores = [one for one in learned if one.kind == "zscore"]
    routed = [None] * len(parts) if routes is None else routes

    def task(work: Callable[..., Any]) -> Any:
        return dask.delayed(work, pure=True)

    merged = _tree(
        [task(_percentile_partial)(part, percentiles, n, route) for n, (part, route) in enumerate(zip(parts, routed))],
        task(_merged_percentile),
    )

    def chain(means: list[dict[Any, float]]) -> Any:
        carry = None
        for number, (part, route) in enumerate(zip(parts, routed)):
            carry = task(_zscore_pass)(part, zscores, number, carry, means, route)
        return carry

    counted, sums = dask.compute(merged if percentiles else None, chain([]) if zscores else None)
    fits: dict[tuple[int, int], tuple[list[str], dict[str | None, dict[str, Any]]]] = {}
    for measure, (names, groups) in zip(percentiles, counted or []):
        if not len(groups[None][0]):
            raise _unobserved(measure.kind, measure.column, fitting[measure.card][2])
        fits[measure.card, measure.measure] = (names, {key: _percentile_fitted(c) for key, c in groups.items()})
    if zscores:
        for measure, (_, totals) in zip(zscores, sums):
            if totals[None][1] == 0:
                raise _unobserved(measure.kind, measure.column, fitting[measure.card][2])
        means = [{key: total / float(n) for key, (total, n) in totals.items()} for _, totals in sums]
        (squares,) = dask.compute(chain(means))
        for measure, (names, totals), mean in zip(zscores, squares, means):
            fitted = {key: {"mean": mean[key], "sd": math.sqrt(total / float(n))} for key, (total, n) in totals.items()}
            fits[measure.card, measure.measure] = (names, fitted)
    documents = [json.loads(card.to_json()) for card, _, _ in fitting]
    for (card, index), (names, fitted) in fits.items():
        normalizer = documents[card]["measures"][index]["normalizer"]
        normalizer["population"] = fitted[None]
        normalizer["groups"] = [{**fitted[name], "name": name} for name in names if name in fitted]
    return documents


def _set_json(model: Card, document: dict[str, Any]) -> None:
    version, _ = model.__getstate__()
    model.__setstate__((version, {"json": json.dumps(document)}))


def _routed(part: pd.DataFrame, set_json: str, by: str, number: int) -> np.ndarray:
    """Each row's scorecard in a set (its place in ``scorecard_names``), routed by the core as
    ScorecardSet.fit routes rows."""
    codes, names = _frame.labels(part[by], f"ddf[{by!r}]")
    try:
        return _core.health.scorecard_set.from_json(set_json).route([(by, codes, names)], len(part))
    except InvalidInputError as error:
        raise InvalidInputError(f"ddf partition {number}: {error}") from None


def _routed_counts(part: pd.DataFrame, set_json: str, by: str, number: int, cards: int) -> np.ndarray | str:
    """The rows each of the `cards` scorecards takes in the partition, or the message of its first
    unroutable row (returned, not raised, so that the client reports the first partition's, as in
    memory)."""
    try:
        return np.bincount(_routed(part, set_json, by, number), minlength=cards)
    except InvalidInputError as error:
        return str(error)


def _fit_set(cards: ScorecardSet, rows: dd.DataFrame) -> None:
    """Fits each scorecard of `cards` from per-partition partials of its rows, routed as in
    :meth:`cssegment.ScorecardSet.fit` (see :func:`fit`)."""
    segments, default = list(cards.scorecards.items()), cards.default
    names = [name for name, _ in segments]
    route = (cards.to_json(), cards.by)
    _routed(rows._meta, *route, 0)  # a segment column of numbers, refused before any task runs

    def task(work: Callable[..., Any]) -> Any:
        return dask.delayed(work, pure=True)

    # Round 1 reads the segments alone: how many rows each scorecard takes (and unknown segments
    # without a default are refused before anything is fitted).
    counted = dask.compute(
        *[
            task(_routed_counts)(part, *route, n, len(names) + (default is not None))
            for n, part in enumerate(_partitions(rows[[cards.by]]))
        ]
    )
    for refused in counted:
        if isinstance(refused, str):
            raise InvalidInputError(refused)
    taken = np.sum(counted, axis=0) if counted else np.zeros(len(names) + (default is not None), dtype=np.int64)
    parts = _partitions(rows[_fit_columns(cards)])
    routes = [task(_routed)(part, *route, n) for n, part in enumerate(parts)]
    fitting: list[_Fitting] = []
    places = []
    total = int(taken.sum())
    for place, (name, card) in enumerate([*segments, *([(cards.DEFAULT, default)] if default is not None else [])]):
        everything = place == len(names) and taken[place] == 0  # the default takes all rows when no row is left
        if (total if everything else taken[place]) == 0:
            continue  # a scorecard without rows stays as it is
        fitting.append((card, None if everything else place, f", in the rows of scorecard {name!r}"))
        places.append(place)
    document = json.loads(cards.to_json())
    for place, fitted in zip(places, _fit_peer_groups(fitting, parts, routes)):
        if place < len(names):
            document["scorecards"][place]["scorecard"] = fitted
        else:
            document["default"] = fitted
    _set_json(cards, document)


def fit(card: Card, ddf: dd.DataFrame) -> Card:
    """:meth:`cssegment.Scorecard.fit` (or :meth:`cssegment.ScorecardSet.fit`) over a Dask DataFrame.

    A Scorecard's Percentile and ZScore statistics are fitted over all partitions at once, from
    per-partition partials, equal to the in-memory fit on ``ddf.compute()`` exactly (the same
    JSON), whatever the partitioning:

    - Percentile: each partition counts its distinct values (per peer group and overall); the
      counts are merged in a tree and the client makes the in-memory fit from them (its knots,
      and its mean and sd summed over the values in sorted order). The client holds each distinct
      value once with its count: for a continuous measure about as many as there are rows
      (16 bytes each), never the rows' other columns.
    - ZScore: the sums of the values, then of their squared deviations from the mean, are carried
      from partition to partition in the frame's order (a chain of small tasks on the workers), so
      they are rounded exactly as the in-memory loop rounds them; the client holds a few numbers
      per peer group.

    A ScorecardSet is fitted the same way, each scorecard on its own rows, routed partition by
    partition as :meth:`cssegment.ScorecardSet.fit` routes them: the rows of a segment with a
    scorecard to it, the others (other segments, missing segments) to the default, or all rows to
    the default when no row is left for it; a scorecard without rows is left as it is. A first
    round reads the ``by`` column alone and counts each scorecard's rows; then the partials of
    every scorecard, each over its own rows, share each partition's tasks (the ZScore chain,
    visiting the partitions in the frame's order, carries every scorecard's sums, so that each
    runs over its rows in the in-memory order). The fitted
    set equals ``card.fit(ddf.compute())`` exactly (the same JSON), whatever the partitioning;
    no row comes to the client.

    Parameters
    ----------
    card : Scorecard or ScorecardSet
        The scorecard(s) to fit.
    ddf : dask.dataframe.DataFrame
        The accounts.

    Returns
    -------
    Scorecard or ScorecardSet
        `card` itself, fitted.

    Raises
    ------
    InvalidInputError
        Before any task runs, if a column is missing or a ScorecardSet's ``by`` column holds
        numbers; if a measure's value is infinite (naming the partition and the row) or a measure
        has no observed value (in a ScorecardSet: in the rows of one of its scorecards, named);
        without a default, if a row's segment has no scorecard or is missing (naming the
        partition and the row). The card is unchanged on error.

    Examples
    --------
    >>> import dask.dataframe as dd, cssegment as cs, cssegment.dask
    >>> accounts = cs.datasets.synthetic_book(200, seed=1).accounts
    >>> card = cs.Scorecard([cs.Measure("logins_per_user", cs.Percentile(by="industry"))])
    >>> in_memory = cs.Scorecard.from_json(card.to_json()).fit(accounts)
    >>> cs.dask.fit(card, dd.from_pandas(accounts, npartitions=3)).to_json() == in_memory.to_json()
    True
    >>> def by_region():
    ...     return cs.ScorecardSet({"EMEA": card}, default=cs.Scorecard([cs.Measure("nps", cs.ZScore())]), by="region")
    >>> fitted = cs.dask.fit(by_region(), dd.from_pandas(accounts, npartitions=3))
    >>> fitted.to_json() == by_region().fit(accounts).to_json()
    True
    """
    rows = _frame_of(ddf)
    columns = _fit_columns(card)
    for name in columns:
        if name not in rows.columns:
            raise _frame.no_column("ddf", name, rows.columns)
    if isinstance(card, Scorecard):
        (document,) = _fit_peer_groups([(card, None, "")], _partitions(rows[columns]), None)
        _set_json(card, document)
    else:
        _fit_set(card, rows)
    return card


def _scored(part: pd.DataFrame, card: Card, previous: str | None) -> pd.DataFrame:
    earlier = None if previous is None else part[previous].to_numpy(dtype=float)
    return card.score(part, earlier, output="pandas")


def score(card: Card, ddf: dd.DataFrame, previous: str | None = None) -> dd.DataFrame:
    """:meth:`cssegment.Scorecard.score` (or :meth:`cssegment.ScorecardSet.score`) over a Dask DataFrame.

    A scorecard with Percentile or ZScore measures is fitted first (in memory, or with
    :func:`fit` over all partitions); each partition is then scored with the same fitted card.

    Parameters
    ----------
    card : Scorecard or ScorecardSet
        The scorecard(s).
    ddf : dask.dataframe.DataFrame
        The accounts.
    previous : str, optional
        Column of `ddf` holding each account's earlier score (NaN: none).

    Returns
    -------
    dask.dataframe.DataFrame
        The columns of the in-memory ``score`` with its dtypes (``band`` the ordered bands),
        aligned with `ddf`; equal to the in-memory scores.

    Raises
    ------
    InvalidInputError
        Before any task runs, if a column is missing; NotFittedError if a peer-group measure
        has not been fitted.

    Examples
    --------
    >>> import dask.dataframe as dd, cssegment as cs, cssegment.dask
    >>> accounts = cs.datasets.synthetic_book(200, seed=1).accounts
    >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100))])
    >>> scores = cs.dask.score(card, dd.from_pandas(accounts, npartitions=3)).compute()
    >>> scores.equals(card.score(accounts))
    True
    """
    result: dd.DataFrame = _row_wise(_scored, card, ddf, previous)
    return result


def _outcomes(part: pd.DataFrame, outcome: str, partition_info: dict[str, Any] | None = None) -> pd.Series:
    values = part[outcome]
    numbers = pd.to_numeric(values, errors="coerce").astype(float) if values.dtype != bool else values.astype(float)
    bad = ~numbers.isin([0.0, 1.0])
    if bad.any():
        at = int(np.argmax(bad.to_numpy()))
        number = "?" if partition_info is None else partition_info["number"]
        raise InvalidInputError(
            f"{outcome}: partition {number}, row {at} (index {part.index[at]}): {values.iloc[at]}; "
            "outcomes must be 0 or 1"
        )
    return numbers


def _partition_counts(
    part: pd.DataFrame, card: Card | CalibratedScorecard, outcome: str, number: int
) -> tuple[Any, float, int]:
    """A partition's backtest counts, its sum of squared errors of the churn probability (0
    without one) and its row count."""
    values = _outcomes(part, outcome, {"number": number}).to_numpy()
    scores = card.score(part, output="pandas")
    band = scores["band"]
    codes = band.cat.codes.to_numpy().astype(np.int8)
    counts = _core.health.backtest_counts.of(scores["score"].to_numpy(), codes, len(band.cat.categories), values)
    probability = scores.get("churn_probability")
    squared = 0.0 if probability is None else float(np.sum((probability.to_numpy() - values) ** 2))
    return counts, squared, len(part)


def _merged_counts(a: tuple[Any, float, int], b: tuple[Any, float, int]) -> tuple[Any, float, int]:
    return a[0].copy().merge(b[0]), a[1] + b[1], a[2] + b[2]


def backtest(card: Card | CalibratedScorecard, ddf: dd.DataFrame, outcome: str = "churned") -> Backtest:
    """:meth:`cssegment.Scorecard.backtest` over a Dask DataFrame, equal to the in-memory backtest.

    Each partition is scored, its outcomes checked, and counted on its worker: for every distinct
    score, how many accounts holding it churned and how many stayed, and each band's accounts,
    churned and score range. The counts (integers) are merged in a tree, and the backtest is made
    from the merged counts: the AUC (exact, no sampling or histogram), deciles and bands are the
    in-memory ones bit for bit, whatever the partitioning (the in-memory backtest is made from the
    same counts). No row comes to the client; the merged counts hold 24 bytes per distinct score.
    For a calibrated scorecard ``brier`` is the merged sum of squared errors over the rows, equal
    to the in-memory one up to the rounding of the sum (within 1e-12).

    Parameters
    ----------
    card : Scorecard, ScorecardSet or CalibratedScorecard
        The scorecard(s), fitted if they have peer-group measures.
    ddf : dask.dataframe.DataFrame
        The accounts, with the `outcome` column (0/1 or booleans).
    outcome : str
        Column of `ddf`: 1 (or True) = churned.

    Returns
    -------
    Backtest
        As in memory.

    Raises
    ------
    InvalidInputError
        Before any task runs, if a column is missing; when computed, if an outcome is not 0 or 1
        (naming the partition, the row in it and the value), or as in memory.

    Examples
    --------
    >>> import dask.dataframe as dd, cssegment as cs, cssegment.dask
    >>> accounts = cs.datasets.synthetic_book(500, seed=1).accounts
    >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100))])
    >>> result = cs.dask.backtest(card, dd.from_pandas(accounts, npartitions=3))
    >>> result.auc == card.backtest(accounts).auc
    True
    """
    rows = _frame_of(ddf)
    if outcome not in rows.columns:
        raise _frame.no_column("outcome", outcome, rows.columns)
    untyped: Any = rows
    meta = card.score(untyped._meta, output="pandas")  # names a missing column before any task runs
    shared = dask.delayed(card, pure=True)
    partials = [
        dask.delayed(_partition_counts)(part, shared, outcome, number) for number, part in enumerate(_partitions(rows))
    ]
    ((counts, squared, total),) = dask.compute(_tree(partials, dask.delayed(_merged_counts)))
    brier = squared / total if isinstance(card, CalibratedScorecard) else None
    return backtest_of(counts.result(), list(meta["band"].cat.categories), brier)


def _core_card(card_json: str) -> Any:
    return _core.health.scorecard.from_json(card_json)


def _calibration_scaled(
    part: pd.DataFrame, card_json: str, outcome: str, number: int
) -> tuple[np.ndarray, np.ndarray, tuple[Any, ...]]:
    """A partition's normalised measures / 100 (measure-major, missing values NaN: the features
    before imputation), its outcomes (checked), and its summary: each measure's observed sum and
    count (the partials of the imputation means), each measure's least and greatest observed
    value / 100 (+inf and -inf without one), its count of 1s and its row count."""
    values = _outcomes(part, outcome, {"number": number}).to_numpy()
    core = _core_card(card_json)
    columns, rows = measure_columns(part, core)
    sums, observed = _core.health.calibration_observed_sums(core, columns, rows)
    # Imputed with NaN means, missing values stay missing; the others are divided by 100.
    scaled = _core.health.calibration_features(core, columns, rows, np.full(len(sums), np.nan))
    block = scaled.reshape(len(sums), rows)
    low = np.fmin.reduce(block, axis=1, initial=np.inf)
    high = np.fmax.reduce(block, axis=1, initial=-np.inf)
    return scaled, values, (sums, observed, low, high, int(values.sum()), rows)


def _summary(scaled: tuple[np.ndarray, np.ndarray, tuple[Any, ...]]) -> tuple[Any, ...]:
    return scaled[2]


def _imputed(
    scaled: tuple[np.ndarray, np.ndarray, tuple[Any, ...]], means: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The features the fit reads (missing values imputed with the global `means`, as the core's
    calibration_features does) and the outcomes."""
    block = scaled[0].reshape(len(means), -1)
    features = np.where(np.isnan(block), means[:, np.newaxis], block).reshape(-1)
    return features, scaled[1]


def _newton(features: tuple[np.ndarray, np.ndarray], beta: np.ndarray) -> Any:
    return _core.health.newton_partial.of(features[0], len(beta) - 1, features[1], beta)


def _merged_summaries(summaries: tuple[tuple[Any, ...], ...]) -> tuple[Any, ...]:
    """The partitions' summaries merged in partition order: sums and counts added, ranges
    widened."""
    sums, observed, low, high, ones, rows = summaries[0]
    for more in summaries[1:]:
        sums, observed = sums + more[0], observed + more[1]
        low, high = np.minimum(low, more[2]), np.maximum(high, more[3])
        ones, rows = ones + more[4], rows + more[5]
    return sums, observed, low, high, ones, rows


def calibrate(card: Scorecard, ddf: dd.DataFrame, outcome: str = "churned", l2: float = 1.0) -> CalibratedScorecard:
    """:meth:`cssegment.Scorecard.calibrate` over a Dask DataFrame, equal to the in-memory fit.

    Distributed Newton's method, with the in-memory solver: each partition normalises its
    measures once, checks its outcomes and returns their sums (the imputation means) and ranges;
    it then imputes its features once (kept on the workers) and, for every Newton pass, computes
    its log-loss, gradient and Hessian at the current coefficients (a partial of (p + 1)^2
    numbers, added on the client in partition order). The client solves each step (the same
    objective, intercept, penalty, line search and stopping rule as in memory) and sends the next
    coefficients: one round of tasks per pass, plus one before. No row comes to the client. The
    coefficients equal the in-memory ones to 1e-10 whatever the partitioning: only the order in
    which the partials are added differs.

    Parameters
    ----------
    card : Scorecard
        The scorecard, fitted if it has peer-group measures.
    ddf : dask.dataframe.DataFrame
        The accounts, with the `outcome` column (0/1 or booleans).
    outcome : str
        Column of `ddf`: 1 (or True) = churned.
    l2 : float
        L2 penalty on the coefficients (>= 0), as in memory.

    Returns
    -------
    CalibratedScorecard
        Equal to ``card.calibrate(ddf.compute(), outcome, l2)`` (to 1e-10).

    Raises
    ------
    InvalidInputError
        Before any task runs, if a column is missing; when computed, if an outcome is not 0 or 1
        (naming the partition, the row in it and the value), or as in memory.

    Examples
    --------
    >>> import dask.dataframe as dd, cssegment as cs, cssegment.dask
    >>> book = cs.datasets.synthetic_book(400, seed=2).accounts
    >>> tickets = cs.Scorecard([cs.Measure("tickets_90d", cs.Linear(10, 0))])
    >>> calibrated = cs.dask.calibrate(tickets, dd.from_pandas(book, npartitions=2), l2=2.0)
    >>> bool(abs(calibrated.coef_ - tickets.calibrate(book, l2=2.0).coef_).max() < 1e-10)
    True
    """
    rows = _frame_of(ddf)
    columns = _fit_columns(card)
    if outcome not in rows.columns:
        raise _frame.no_column("outcome", outcome, rows.columns)
    for name in columns:
        if name not in rows.columns:
            raise _frame.no_column("ddf", name, rows.columns)
    penalty = _frame.number(l2, "l2")
    card_json = card.to_json()
    core = _core_card(card_json)
    # Round 1: each partition's measures, kept on its worker, and their summaries.
    (*scaled,) = dask.persist(
        *[dask.delayed(_calibration_scaled)(part, card_json, outcome, n) for n, part in enumerate(_partitions(rows))]
    )
    summaries = dask.compute(*[dask.delayed(_summary)(part) for part in scaled])
    total, observed, low, high, ones, count = _merged_summaries(summaries)
    means = np.asarray(_core.health.calibration_means(core, total, observed))
    # The features' range: the observed values' and, where a value is missing, the mean.
    imputing = observed < count
    low = np.where(imputing, np.minimum(low, means), low)
    high = np.where(imputing, np.maximum(high, means), high)
    _core.health.calibration_check_identified(core, low, high, penalty)
    # The features, imputed once and kept on the workers (the measures are released).
    (*features,) = dask.persist(*[dask.delayed(_imputed)(part, means) for part in scaled])
    del scaled

    def pass_at(beta: np.ndarray) -> Any:
        # One round of tasks; the partials come to the client and are added in partition order.
        partials = dask.compute(*[dask.delayed(_newton)(part, beta) for part in features])
        merged = partials[0].copy()
        for partial in partials[1:]:
            merged.merge(partial)
        return merged

    coef, intercept, iterations = _core.health.fit_logistic_passes(len(means), count, ones, penalty, pass_at)
    fitted = _core.health.calibrated_from_fit(core, coef, intercept, list(means), penalty, iterations)
    return CalibratedScorecard.from_json(fitted.to_json())


# k-means: k-means|| initialisation and Lloyd steps over mergeable per-partition partials
# (C++: segment/kmeans_partial.hpp).

# k-means|| rounds (Bahmani et al. find 5 enough) and rows sampled per round, per cluster.
_KMEANS_ROUNDS = 5
_KMEANS_OVERSAMPLING = 2.0
# Rounds beyond _KMEANS_ROUNDS, only while a restart has fewer than k distinct candidates.
_KMEANS_EXTRA_ROUNDS = 50
# Local k-means++ runs on the weighted candidates, the best kept (they are few: this is cheap).
_KMEANS_LOCAL_TRIALS = 10
# A restart's k-means|| stream: restart << 32 | round.
_KMEANS_STREAM_BITS = 32


def _kmeans_values(part: pd.DataFrame, labels: list[Any]) -> np.ndarray:
    """A partition's feature columns as a rows x features float64 matrix, checked as in memory."""
    columns = [_frame.numeric(_frame.column(part, label, "ddf"), f"data[{str(label)!r}]") for label in labels]
    return np.ascontiguousarray(np.column_stack(columns), dtype=np.float64)


def _kmeans_rows(part: pd.DataFrame, labels: list[Any], model_json: str, number: int) -> np.ndarray:
    """A partition's features after the log of log features, checked as ``KMeans.fit`` checks them."""
    names = [str(label) for label in labels]
    try:
        return _core.segment.kmeans.from_json(model_json).prepared(_kmeans_values(part, labels), names)
    except InvalidInputError as error:
        raise InvalidInputError(f"ddf partition {number}: {error}") from None


def _kmeans_moments(z: np.ndarray, power: np.ndarray | None, mean: np.ndarray | None) -> Any:
    return _core.segment.feature_moments.of(z, power, mean)


def _kmeans_scaled(
    z: np.ndarray, model_json: str, names: list[str], scaling: tuple[np.ndarray, np.ndarray], rows: tuple[int, int]
) -> np.ndarray:
    core = _core.segment.kmeans.from_json(model_json)
    return core.standardized(z, names, scaling[0], scaling[1], rows[0], rows[1])


def _kmeans_row(z: np.ndarray, at: int) -> np.ndarray:
    return np.array(z[at])


def _kmeans_candidates(
    z: np.ndarray,
    first: int,
    candidates: list[np.ndarray],
    seed: int,
    streams: list[int],
    oversampling: float,
    costs: list[float],
) -> list[Any]:
    """A partition's k-means|| partial for each restart (its cost alone where the cost is 0)."""
    return [
        _core.segment.kmeans_candidates.of(z, points, first, seed, stream, oversampling, cost)
        for points, stream, cost in zip(candidates, streams, costs)
    ]


def _kmeans_partials(z: np.ndarray, first: int, centers: list[np.ndarray]) -> list[Any]:
    """A partition's Lloyd partial for each restart's centres."""
    return [_core.segment.kmeans_partial.of(z, points, first) for points in centers]


def _merged_each(a: list[Any], b: list[Any]) -> list[Any]:
    return [x.copy().merge(y) for x, y in zip(a, b)]


def kmeans(model: KMeans, ddf: dd.DataFrame, columns: list[Any] | None = None) -> KMeans:
    """:meth:`cssegment.KMeans.fit` over a Dask DataFrame: k-means|| initialisation, then Lloyd steps.

    No row comes to the client. Each partition's features are checked and prepared once (the log
    of log features) and kept on the workers. The scaling is learnt from statistics merged across
    partitions (exact sums), so it equals the in-memory one bit for bit. Then, for each of the
    ``n_init`` restarts (run side by side in the same passes over the data), k-means|| (Bahmani et
    al., "Scalable k-means++", 2012): a first centre drawn uniformly, then 5 rounds in which
    every row joins the candidates with probability ``2 n_clusters`` times its share of the cost
    (the squared distance to the nearest candidate over their sum); the candidates, weighted by
    the rows nearest each, are reclustered in memory into ``n_clusters`` centres (greedy
    k-means++ and Lloyd, the best of 10 runs). Lloyd steps over the data follow, as in memory (the same stopping rule,
    ``tol`` relative to the mean variance of the scaled features, ``max_iter``, the same handling
    of empty clusters), each a merge of per-partition partials: per cluster the row count and
    the exact sums of the coordinates. The restart of lowest inertia wins.

    Whatever the partitioning, the result is the same bit for bit: sums are exact, a row's
    nearest centre depends on the row alone, and each row's k-means|| draw is a hash of the
    seed, the round and the row's number in the frame, not a random stream read partition by
    partition. It differs from the in-memory fit (k-means++ seeding) only by its seeding; the
    inertia is typically within a fraction of a percent of it.

    Parameters
    ----------
    model : KMeans
        The model: its ``n_clusters``, ``n_init``, ``max_iter``, ``tol``, ``scale`` and ``seed``
        are used; it is left unchanged.
    ddf : dask.dataframe.DataFrame
        The rows to cluster.
    columns : list, optional
        The feature columns of `ddf` (default: every column), as the columns of the frame given
        to :meth:`cssegment.KMeans.fit`.

    Returns
    -------
    KMeans
        A new model, fitted: ``predict`` (and :func:`assign`) label rows as in memory.

    Raises
    ------
    InvalidInputError
        Before any task runs, if a column is missing or not numeric; when computed, as
        :meth:`cssegment.KMeans.fit` (a missing or infinite value, a negative value of a log
        feature, fewer rows than clusters), naming the partition and the row in it.

    Examples
    --------
    >>> import dask.dataframe as dd, cssegment as cs, cssegment.dask
    >>> accounts = cs.datasets.synthetic_book(400, seed=1).accounts
    >>> features = accounts[["arr", "employees", "logins_per_user"]]
    >>> model = cs.dask.kmeans(cs.KMeans(3, scale="log"), dd.from_pandas(features, npartitions=3))
    >>> model.cluster_centers_.shape
    (3, 3)
    >>> bool(model.inertia_ <= 1.01 * cs.KMeans(3, scale="log").fit(features).inertia_)
    True
    """
    rows = _frame_of(ddf)
    if not isinstance(model, KMeans):
        raise InvalidInputError(f"model: expected a cssegment.KMeans, got {type(model).__name__}")
    labels = list(rows.columns) if columns is None else _frame.listed(columns, "columns")
    for label in labels:
        if label not in rows.columns:
            raise _frame.no_column("ddf", label, rows.columns)
    untyped: Any = rows[labels]
    names = [str(label) for label in labels]
    params = model.get_params()
    k, restarts, max_iter, seed = (int(params[name]) for name in ("n_clusters", "n_init", "max_iter", "seed"))
    model_json = model.to_json()
    core = _core.segment.kmeans.from_json(model_json)
    # A column that is not numeric, or scales that do not fit the columns, before any task runs.
    for label in labels:
        dtype = untyped._meta[label].dtype
        if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)):
            raise InvalidInputError(f"data[{str(label)!r}]: has dtype {dtype}; k-means needs numeric features")
    core.prepared(_kmeans_values(untyped._meta, labels), names)

    prepared = dask.persist(
        *[dask.delayed(_kmeans_rows)(part, labels, model_json, n) for n, part in enumerate(_partitions(untyped))]
    )
    ranges = list(dask.compute(*[dask.delayed(_kmeans_moments)(z, None, None) for z in prepared]))
    lengths = [int(r.rows) for r in ranges]
    total = sum(lengths)
    if total < k:
        raise InvalidInputError(f"n_clusters: {k} clusters need at least as many rows; data has {total}")
    firsts = [sum(lengths[:p]) for p in range(len(lengths))]
    extent = _tree(ranges, _merged)
    power = extent.powers()

    # Each pass computes every partition's partial; the client merges them in a tree.
    def moments(parts: tuple[Any, ...], mean: np.ndarray | None) -> Any:
        return _tree(list(dask.compute(*[dask.delayed(_kmeans_moments)(z, power, mean) for z in parts])), _merged)

    sums = moments(prepared, None)
    offset, spread, mean_variance = core.scaling_from(extent, sums, moments(prepared, sums.means()))
    scaled = dask.persist(
        *[
            dask.delayed(_kmeans_scaled)(z, model_json, names, (offset, spread), (first, total))
            for z, first in zip(prepared, firsts)
        ]
    )
    del prepared  # the workers drop the unscaled rows once the scaled ones are made
    tolerance = params["tol"] * mean_variance

    def each_pass(work: Callable[..., list[Any]], *args: Any) -> list[Any]:
        partials = dask.compute(*[dask.delayed(work)(z, first, *args) for z, first in zip(scaled, firsts)])
        merged: list[Any] = _tree(list(partials), _merged_each)
        return merged

    # k-means||, the restarts side by side.
    starts = _core.segment.kmeans_parallel_first_rows(seed, restarts, total)
    owner = [int(np.searchsorted(firsts, row, side="right")) - 1 for row in starts]
    fetched = dask.compute(*[dask.delayed(_kmeans_row)(scaled[p], row - firsts[p]) for row, p in zip(starts, owner)])
    candidates = [np.asarray(point).reshape(1, -1) for point in fetched]
    every = list(range(restarts))

    def round_of(active: list[int], round_: int, costs: list[float]) -> list[Any]:
        streams = [(r << _KMEANS_STREAM_BITS) | round_ for r in active]
        chosen = [candidates[r] for r in active]
        return each_pass(_kmeans_candidates, chosen, seed, streams, _KMEANS_OVERSAMPLING * k, costs)

    def enough(r: int) -> bool:
        return bool(len(np.unique(candidates[r], axis=0)) >= k)

    cost = [partial.cost for partial in round_of(every, 0, [0.0] * restarts)]
    for round_ in range(1, _KMEANS_ROUNDS + _KMEANS_EXTRA_ROUNDS + 1):
        active = [r for r in every if cost[r] > 0 and (round_ <= _KMEANS_ROUNDS or not enough(r))]
        if not active:
            break
        for r, drawn in zip(active, round_of(active, round_, [cost[r] for r in active])):
            candidates[r] = np.vstack([candidates[r], drawn.points])
        if round_ >= _KMEANS_ROUNDS and all(enough(r) for r in active):
            break
        for r, again in zip(active, round_of(active, round_, [0.0] * len(active))):
            cost[r] = again.cost
    weights = [partial.counts for partial in each_pass(_kmeans_partials, candidates)]
    centers = [
        _core.segment.kmeans_recluster(
            candidates[r], weights[r], k, (seed + r + 1) % 2**64, max_iter, tolerance, _KMEANS_LOCAL_TRIALS
        )
        for r in every
    ]

    # Lloyd steps, as in memory.
    iterations = [0] * restarts
    active = every
    while active:
        moving = []
        for r, partial in zip(active, each_pass(_kmeans_partials, [centers[r] for r in active])):
            updated = partial.updated(centers[r])
            shift = float(np.sum((updated - centers[r]) ** 2))
            centers[r], iterations[r] = updated, iterations[r] + 1
            if shift > tolerance and iterations[r] < max_iter:
                moving.append(r)
        active = moving
    inertia = [partial.inertia for partial in each_pass(_kmeans_partials, centers)]
    best = int(np.argmin(inertia))
    fitted = core.fitted_with(names, offset, spread, centers[best], inertia[best], iterations[best])
    return KMeans.from_json(fitted.to_json())
