"""Health over time: score histories, bands that do not flicker, overrides that expire, band changes.

Mirrors ``include/cssegment/health/history.hpp``. A history is a long frame, one row per account
and period; periods are read as the ledger reads them (integers, dates by month, 'YYYY-MM'
strings, pandas Periods), one kind per column.

Examples
--------
>>> import pandas as pd, cssegment as cs
>>> card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])
>>> usage = pd.DataFrame({"account_id": ["a", "a", "b"], "month": ["2024-01", "2024-02", "2024-01"],
...                       "logins": [18, 6, 12]})
>>> card.score_history(usage)[["score", "band"]]
                    score   band
account_id month
a          2024-01   90.0  green
           2024-02   30.0    red
b          2024-01   60.0  yellow
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import _core, _frame
from .._core import InvalidInputError
from ..metrics.ledger_input import PeriodKind, period_keys

if TYPE_CHECKING:
    from .scorecard import Columns

__all__ = ["changes"]  # and HistoryScoring, history_keys, period_ordinals: used by the scorecards and lead


def period_ordinals(values: Any, argument: str, like: PeriodKind | None = None) -> tuple[np.ndarray, PeriodKind]:
    """Ordinals of consecutive periods (months since 1970 for dates) of a period column, and its
    kind; with `like`, the column must hold periods of that kind."""
    read_like = like.read_like() if like is not None else {}
    keys, kind = period_keys(values, argument, **read_like)
    if like is not None and not like.same_periods(kind):
        raise InvalidInputError(f"{argument}: holds {kind}, but the history's periods are {like}")
    if kind.name == "datetime":
        keys = kind.core_calendar().period_ordinals(keys, kind.ticks, argument)
    return np.ascontiguousarray(keys, dtype=np.int64), kind


def history_keys(data: Any, account: str, period: str) -> tuple[np.ndarray, pd.Index, np.ndarray, PeriodKind]:
    """Account codes and their labels, period ordinals and their kind, of a history frame."""
    if not isinstance(data, pd.DataFrame):
        raise InvalidInputError(f"data: expected a pandas DataFrame (one row per account and period), got {data!r:.80}")
    accounts = _frame.column(data, _frame.text(account, "account"))
    codes, labels = pd.factorize(pd.Series(accounts, copy=False), sort=False)
    if (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0])
        raise InvalidInputError(f"data[{account!r}][{row}] = {accounts.iloc[row]!r}: accounts must not be missing")
    ordinals, kind = period_ordinals(_frame.column(data, _frame.text(period, "period")), f"data[{period!r}]")
    return codes.astype(np.int32), pd.Index(labels), ordinals, kind


def history_index(data: pd.DataFrame, account: str, period: str, codes: np.ndarray, accounts: int) -> pd.MultiIndex:
    """The (account, period) index of a history's rows: ``pd.MultiIndex.from_arrays`` of the two
    columns (same levels, sorted, and codes), but with the accounts' level built from `codes`
    (history_keys()'s, `accounts` of them) instead of factorising the account column again, which
    is most of from_arrays' time on a long history."""
    values = data[account].to_numpy()
    first = np.empty(accounts, dtype=np.intp)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # each account's first row
    try:
        level, order = pd.Index(values[first]).sort_values(return_indexer=True)
    except TypeError:  # labels that do not sort: from_arrays keeps them in order of appearance
        return pd.MultiIndex.from_arrays([values, data[period].to_numpy()], names=[account, period])
    rank = np.empty(accounts, dtype=np.int32)
    rank[order] = np.arange(accounts, dtype=np.int32)
    periods = pd.Categorical(data[period].to_numpy())
    levels: list[Any] = [level, periods.categories]
    level_codes: list[Any] = [rank[codes], periods.codes]
    return pd.MultiIndex(levels=levels, codes=level_codes, names=[account, period], verify_integrity=False)


def _overrides(
    overrides: pd.DataFrame, account: str, labels: pd.Index, kind: PeriodKind, band_names: list[str]
) -> tuple[Any, np.ndarray]:
    """The core's override arrays and the reasons, from an overrides frame."""
    if not isinstance(overrides, pd.DataFrame):
        raise InvalidInputError(f"overrides: expected a pandas DataFrame, got {type(overrides).__name__}")
    for column in (account, "start", "end"):
        if column not in overrides:
            raise InvalidInputError(f"overrides: needs a column {column!r} (columns: {list(overrides.columns)})")
    if "band" not in overrides and "score" not in overrides:
        raise InvalidInputError("overrides: needs a column 'band' and/or 'score'")
    who = labels.get_indexer(pd.Index(overrides[account])).astype(np.int32)
    start, _ = period_ordinals(overrides["start"], "overrides['start']", kind)
    end, _ = period_ordinals(overrides["end"], "overrides['end']", kind)
    codes = np.full(len(overrides), -1, dtype=np.int8)
    if "band" in overrides:
        for row, name in enumerate(overrides["band"].tolist()):
            if name is None or (isinstance(name, float) and np.isnan(name)):
                continue
            if name not in band_names:
                raise InvalidInputError(
                    f"overrides['band'][{row}] = {name!r}: unknown band (bands: {', '.join(map(repr, band_names))})"
                )
            codes[row] = band_names.index(name)
    score = (
        _frame.numeric(overrides["score"], "overrides['score']", booleans=False)
        if "score" in overrides
        else np.full(len(overrides), np.nan)
    )
    reasons = overrides["reason"].to_numpy(dtype=object) if "reason" in overrides else np.full(len(overrides), None)
    return (who, start, end, codes, score), reasons


def score_history(
    model: HistoryScoring,
    columns: Any,
    data: pd.DataFrame,
    account: str,
    period: str,
    band_hysteresis: float | None,
    overrides: pd.DataFrame | None,
) -> pd.DataFrame:
    """The body of ``Scorecard.score_history`` and ``ScorecardSet.score_history``; `columns` are the
    (columns, rows) the model reads from `data`."""
    from .scorecard import score_frame  # scorecard.py builds on this module

    codes, labels, ordinals, kind = history_keys(data, account, period)
    core = model._model
    band_names = list(core.band_names)
    listed = None
    reasons = np.empty(0, dtype=object)
    if overrides is not None:
        listed, reasons = _overrides(overrides, account, labels, kind, band_names)
    hysteresis = None if band_hysteresis is None else _frame.number(band_hysteresis, "band_hysteresis")
    table, rows = columns
    result = _core.health.score_history(core, table, rows, codes, ordinals, len(labels), hysteresis, listed)
    index = history_index(data, account, period, codes, len(labels))
    more: dict[str, Any] = {}
    if result["scorecard"] is not None:
        more["scorecard"] = pd.Categorical.from_codes(result["scorecard"], categories=pd.Index(core.scorecard_names))
    if result["overridden"] is not None:
        which = result["overridden"]
        reason = np.full(len(which), None, dtype=object)
        reason[which >= 0] = reasons[which[which >= 0]]
        more["overridden"] = which >= 0
        more["reason"] = reason
    measures = list(core.measure_columns) if result["scorecard"] is not None else [c for c, _, _ in core.measures]
    return score_frame(result, band_names, measures, index, more).drop(columns="trend")


class HistoryScoring:
    """``score_history`` of Scorecard and ScorecardSet, which give the columns they read."""

    _model: Any

    def _columns(self, data: Any) -> tuple[Columns, int]:
        raise NotImplementedError

    def score_history(
        self,
        data: pd.DataFrame,
        account: str = "account_id",
        period: str = "month",
        *,
        band_hysteresis: float | None = None,
        overrides: pd.DataFrame | None = None,
        output: _frame.Output = None,
    ) -> pd.DataFrame:
        """Score a history of measures, one row per account and period, in one pass.

        Percentile and ZScore measures are fitted on each period's rows, so every period scores as
        ``fit(period_rows).score(period_rows)`` would on its own. A :class:`ScorecardSet` scores each
        row with its segment's scorecard (fitted on the period's rows as :meth:`ScorecardSet.fit`
        would), adds ``scorecard``, and applies hysteresis with each row's scorecard's bands.

        Parameters
        ----------
        data : pandas.DataFrame
            One row per account and period: ``account``, ``period`` and every measure's column
            (for a ScorecardSet, its ``by`` column too).
        account, period : str
            The columns of accounts and of periods (integers, dates by month, 'YYYY-MM' strings or
            pandas Periods; one kind).
        band_hysteresis : float, optional
            Points of score: along each account's history, its band moves up only when the score
            reaches the new band's lower bound plus this margin, down only when it falls below the
            band's upper bound minus it (the first scored period takes its plain band).
        overrides : pandas.DataFrame, optional
            Columns ``account`` (same name as in ``data``), ``start``, ``end`` (periods), ``band``
            and/or ``score``, optionally ``reason``: in [start, end) the override wins. A score
            override (0-100) sets the score, its band (unless ``band`` is given) and NaN
            contributions; a band override sets the band only. Overrides of one account must not
            overlap.
        output : {"pandas", "polars"}, optional
            The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

        Returns
        -------
        pandas.DataFrame
            Indexed by (account, period) in the rows' order: the columns of :meth:`score` without
            ``trend``, and, with ``overrides``, ``overridden`` (bool) and ``reason``.

        Raises
        ------
        InvalidInputError
            Repeated (account, period) rows, periods of mixed kinds, ``band_hysteresis`` < 0,
            overrides with end <= start, an unknown band, or overlapping.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])
        >>> usage = pd.DataFrame({"account_id": ["a"] * 4, "month": [1, 2, 3, 4], "logins": [16, 14, 16, 9]})
        >>> card.score_history(usage, band_hysteresis=5)["band"].tolist()
        ['green', 'green', 'green', 'yellow']
        """
        frame = score_history(self, self._columns(data), data, account, period, band_hysteresis, overrides)
        return _frame.output(frame, output)


def changes(history: pd.DataFrame) -> pd.DataFrame:
    """Band changes along each account's history, worst first.

    Parameters
    ----------
    history : pandas.DataFrame
        A score history (``Scorecard.score_history``): indexed by (account, period), with a
        ``band`` column. Unscored periods (no band) are skipped: a change is between an account's
        consecutive scored periods.

    Returns
    -------
    pandas.DataFrame
        One row per change: the account, the period of the new band, ``from`` and ``to`` (bands)
        and ``steps`` (bands moved: negative is worse). Sorted by ``steps`` (the largest drops
        first), then by period, latest first.

    Examples
    --------
    >>> import pandas as pd, cssegment as cs
    >>> card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])
    >>> usage = pd.DataFrame({"account_id": ["a", "a", "a", "b", "b"], "month": [1, 2, 3, 1, 2],
    ...                       "logins": [18, 12, 4, 8, 16]})
    >>> cs.health.changes(card.score_history(usage))
      account_id  month    from     to  steps
    0          a      3  yellow    red     -1
    1          a      2   green yellow     -1
    2          b      2     red   green      2
    """
    if not isinstance(history, pd.DataFrame) or history.index.nlevels != 2 or "band" not in history:
        raise InvalidInputError(
            "history: expected a score history (Scorecard.score_history): a DataFrame indexed by (account, period) "
            "with a 'band' column"
        )
    band = history["band"]
    if not isinstance(band.dtype, pd.CategoricalDtype):
        raise InvalidInputError("history['band']: expected the categorical bands of a score history")
    account, period = (str(name) for name in history.index.names)
    scored = history.loc[band.notna().to_numpy(), ["band"]].sort_index(level=[0, 1], kind="stable")
    codes = scored["band"].cat.codes.to_numpy(dtype=np.int64)
    keys = scored.index.get_level_values(0)
    same = np.zeros(len(scored), dtype=bool)
    same[1:] = keys[1:] == keys[:-1]
    moved = np.zeros(len(scored), dtype=bool)
    moved[1:] = same[1:] & (codes[1:] != codes[:-1])
    where = np.flatnonzero(moved)
    categories = band.cat.categories
    frame = pd.DataFrame(
        {
            account: keys[where],
            period: scored.index.get_level_values(1)[where],
            "from": pd.Categorical.from_codes(codes[where - 1], categories=categories, ordered=True),
            "to": pd.Categorical.from_codes(codes[where], categories=categories, ordered=True),
            "steps": codes[where] - codes[where - 1],
        }
    )
    frame = frame.sort_values(period, ascending=False, kind="stable").sort_values("steps", kind="stable")
    return frame.reset_index(drop=True)
