"""The revenue ledger: revenue of every account in every period, and the metrics read from it
(movements, NRR / GRR / logo retention, cohorts, survivors, CLTV per segment).

The metrics follow the definitions in the user guide (``docs/guide/metrics.md``, "Revenue
metrics") exactly. Every total is the exact sum of its amounts rounded to float64 once (equal to
``math.fsum`` of them), so results do not depend on the row order, the thread count or on how the
accounts were split (see :mod:`cssegment.dask`).

Examples
--------
>>> import cssegment as cs
>>> book = cs.datasets.synthetic_book(1000, seed=3)
>>> ledger = cs.RevenueLedger(book.revenue)
>>> ledger.n_accounts, ledger.n_periods
(1000, 36)
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
import pandas as pd

from .. import _core, _display, _frame, _progress
from .._core import InvalidInputError
from . import currency as currency_rates
from . import hierarchy as account_hierarchy
from . import subscriptions as subscription_input
from .ledger_input import (
    AS_SPELLED,
    PeriodKind,
    PeriodReading,
    account_keys,
    check_horizon,
    check_horizon_fits,
    check_reactivation_window,
    long_segment_column,
    period_keys,
    segment_codes,
    segment_index,
)
from .periods import calendar_of
from .value import cltv

if TYPE_CHECKING:
    import polars as pl

__all__ = ["RevenueLedger"]

_ALL = "all"
# Rows per step of a ledger build with a progress bar: whole blocks of the core's passes (so that
# both cores stay busy within a step), at most about _progress.MAX_UPDATES steps.
_LEDGER_STEP_ROWS = 1 << 20

Segments = pd.Series | pd.DataFrame | None


class RevenueLedger:
    """Revenue of every account in every period: a dense account x period matrix.

    Built from long rows; the input of movements, retention, cohorts and CLTV.

    Parameters
    ----------
    revenue : pandas.DataFrame or mapping of columns
        Long rows, one per (account, period, amount); several rows for the same account and
        period are summed (several products) and counted in :meth:`summary`.
    account : str, default "account_id"
        Column of account ids: any hashable values. Integer ids over a compact range are used
        as they are (fastest); other ids are factorized.
    period : str, default "month"
        Column of periods: integers (consecutive period numbers), ``pandas.Period`` values
        (periods as they are), or dates: ``datetime64`` (daily, month-end or any time of day;
        time-zone-aware dates count at their local wall-clock date), ``datetime.date`` objects,
        or ``'YYYY-MM'`` / ``'YYYY-MM-DD'`` strings. Dates fall into the period of `freq` holding
        them, and the amounts of an account's dates in one period are summed. Every period
        between the first and the last is in the ledger; periods without rows are zero-revenue
        periods. Missing periods raise. Integers that all read as yyyymm (202311, 202312,
        202401) across a year boundary are refused: as period numbers they would leave 88 empty
        periods at each new year; read them with ``period_format="%Y%m"``.
    amount : str, default "mrr"
        Column of recurring revenue: finite and >= 0.
    progress : bool, default False
        Show a progress bar (tqdm, ``pip install cssegment[progress]``) over the three passes of
        the build, counted in rows: reading the columns (account ids are factorized here when
        they are not compact integers), checking every row, then summing the rows into the
        matrix. The core runs the last two a block of rows at a time in input order, so the
        ledger is the same, bit for bit.
    freq : {"M", "Q", "W", "Y"}, optional
        The periods dates fall into: months (the default for dates), quarters, weeks (ISO 8601,
        Monday to Sunday) or years. Also regroups ``pandas.Period`` values by their first day.
        Not for integer periods (they are period numbers already).
    fiscal_year_start : int, default 1
        The month (1-12) quarters and years start in. A fiscal year is named by the calendar
        year it ends in, as pandas' ``Q-<month>``: from April, FY2025 runs from 2024-04-01 to
        2025-03-31 and its first quarter is "FY2025-Q1".
    period_format : str, optional
        A strptime-style format to read the period column as dates, for integers or strings
        such as 202401 (``"%Y%m"``), 20240115 (``"%Y%m%d"``) or "15/01/2024" (``"%d/%m/%Y"``).
        A row that does not match raises, naming it.

    currency : str, optional
        Column of each row's currency; amounts count as ``amount x rate`` in the reporting
        currency (see "From billing data" in ``docs/guide/metrics.md``). Needs `fx`.
    fx : mapping or pandas.DataFrame, optional
        Exchange rates: a mapping currency -> rate (a fixed planning rate, so that exchange-rate
        moves never show as expansion or contraction), or a frame with columns ``currency,
        period, rate`` (a rate per period). Rates must be finite and > 0; a currency without a
        rate raises ``InvalidInputError`` naming it.
    hierarchy : pandas.Series or a frame, optional
        Account -> parent account (missing: top level), any depth: a Series indexed by account
        id, or a frame (pandas, polars, Arrow) of the account column and a ``parent`` column.
        Revenue rolls up to each account's top-most ancestor, so a subsidiary's new contract is
        expansion of its parent; cycles and self-parents raise. Parents need no revenue of their
        own. The ledger keeps the mapping (:attr:`hierarchy`): ``by`` segments keyed by a
        subsidiary are refused.

    Results are indexed by the periods: integers as given; pandas Periods as given; dates by
    month as month-start dates (``datetime64`` input) or monthly Periods, by quarter "2024-Q1"
    (fiscal: "FY2024-Q1"), by year "2024" (fiscal: "FY2024"), by week "2024-W09" (ISO year and
    week). See "Periods and calendars" in the user guide (``docs/guide/metrics.md``).

    Examples
    --------
    >>> import cssegment as cs
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"account_id": ["a", "a", "b", "b", "b"], "month": [1, 2, 1, 2, 2],
    ...                      "mrr": [100.0, 120.0, 50.0, 20.0, 10.0]})
    >>> ledger = cs.RevenueLedger(rows)
    >>> ledger.revenue
    period         1      2
    account_id
    a          100.0  120.0
    b           50.0   30.0
    >>> ledger.summary()["duplicate_rows"]
    np.int64(1)

    Daily dates, bucketed into fiscal quarters of years starting in April:

    >>> daily = pd.DataFrame({"account_id": ["a", "a", "b"], "mrr": [10.0, 5.0, 7.0],
    ...                       "month": pd.to_datetime(["2024-03-05", "2024-03-28", "2024-04-02"])})
    >>> cs.RevenueLedger(daily, freq="Q", fiscal_year_start=4).revenue
    period      FY2024-Q4  FY2025-Q1
    account_id
    a                15.0        0.0
    b                 0.0        7.0
    """

    @_frame.accepts_frames
    def __init__(
        self,
        revenue: pd.DataFrame | Mapping[str, Any],
        account: str = "account_id",
        period: str = "month",
        amount: str = "mrr",
        *,
        progress: bool = False,
        freq: str | None = None,
        fiscal_year_start: int = 1,
        period_format: str | None = None,
        currency: str | None = None,
        fx: Mapping[Any, float] | pd.DataFrame | None = None,
        hierarchy: _frame.Keyed | None = None,
    ) -> None:
        names = (_frame.text(account, "account"), _frame.text(period, "period"), _frame.text(amount, "amount"))
        reading = PeriodReading(calendar_of(freq, fiscal_year_start), period_format)
        tops = None if hierarchy is None else account_hierarchy.top_parents(hierarchy, names[0])
        billing = (None if currency is None else _frame.text(currency, "currency"), fx, tops)
        if not _progress.wanted(progress):
            self._set(*_read(revenue, names, reading=reading, billing=billing), names)
        else:
            with _progress.bar(3 * len(_frame.column(revenue, names[0])), "revenue ledger", unit="row") as bar:
                self._set(*_read(revenue, names, bar=bar, reading=reading, billing=billing), names)
        self._hierarchy = tops

    _hierarchy: pd.Series | None = None

    @classmethod
    @_frame.accepts_frames
    def from_subscriptions(
        cls,
        subscriptions: pd.DataFrame | Mapping[str, Any],
        account: str = "account_id",
        start: str = "start",
        end: str = "end",
        amount: str = "amount",
        interval: str = "interval",
        through: Any = None,
        currency: str | None = None,
        fx: Mapping[Any, float] | pd.DataFrame | None = None,
        hierarchy: _frame.Keyed | None = None,
    ) -> RevenueLedger:
        """The monthly ledger of subscriptions (start, end, amount per billing interval).

        A subscription's monthly recurring revenue (MRR) is `amount` per billing interval
        normalised to a month: ``"month"`` 1, ``"quarter"`` 3, ``"year"`` 12, an integer number of
        months, ``"week"`` amount x 52 / 12. It counts in calendar month m when it is active on
        m's last day: ``start <= last day < end`` (`end` is exclusive; missing = still active).
        Several subscriptions of an account in a month are summed. Discounts and one-off charges
        are not recurring revenue and have no place here; a trial is a subscription with amount 0.
        See "From billing data" in the user guide (``docs/guide/metrics.md``).

        Parameters
        ----------
        subscriptions : pandas.DataFrame or mapping of columns
            One row per subscription.
        account, start, end, amount, interval : str
            Column names. Dates are datetime64 (a time zone's local date), ``datetime.date``,
            Timestamps or ISO strings; times of day are dropped. Amounts are finite and >= 0.
        through : month, optional
            The last month of the ledger (a ``pandas.Period``, ``'YYYY-MM'`` or a date in it);
            required when any subscription has no end. By default the month of the latest end
            (the first month in which no subscription counts, so the last churn shows). Months
            run from the month of the first start; subscriptions starting later count nowhere.
        currency, fx, hierarchy
            As in :class:`RevenueLedger`; `fx` frames give a rate per month (``period`` monthly
            Periods, ``'YYYY-MM'`` strings or dates).

        Returns
        -------
        RevenueLedger
            Periods are monthly ``pandas.Period`` values; every account of the input is a row
            (the top-most ancestor with `hierarchy`), even one with no month counted.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> subscriptions = pd.DataFrame({
        ...     "account_id": ["a", "a", "b"],
        ...     "start": ["2024-01-15", "2024-02-01", "2024-01-01"],
        ...     "end": [None, "2024-04-01", "2024-03-31"],
        ...     "amount": [100.0, 1200.0, 300.0],
        ...     "interval": ["month", "year", "quarter"]})
        >>> cs.RevenueLedger.from_subscriptions(subscriptions, through="2024-04").revenue
        period      2024-01  2024-02  2024-03  2024-04
        account_id
        a             100.0    200.0    200.0    100.0
        b             100.0    100.0      0.0      0.0
        """
        columns = (
            _frame.text(account, "account"),
            _frame.text(start, "start"),
            _frame.text(end, "end"),
            _frame.text(amount, "amount"),
            _frame.text(interval, "interval"),
        )
        ledger, account_ids, tops = subscription_input.read(subscriptions, columns, through, currency, fx, hierarchy)
        self = cls._from_parts(ledger, subscription_input.MONTHLY, account_ids, (columns[0], "month", columns[3]))
        self._hierarchy = tops
        return self

    @property
    def hierarchy(self) -> pd.Series | None:
        """Where subsidiaries' revenue went: each one's top-most ancestor.

        A Series indexed by the subsidiary's id, or None for a ledger built without `hierarchy`.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> rows = pd.DataFrame({"account_id": ["sub", "parent"], "month": [1, 2], "mrr": [5.0, 7.0]})
        >>> ledger = cs.RevenueLedger(rows, hierarchy=pd.Series({"sub": "parent"}))
        >>> ledger.hierarchy.to_dict(), ledger.revenue.to_numpy().tolist()
        ({'sub': 'parent'}, [[5.0, 7.0]])
        """
        return None if self._hierarchy is None else self._hierarchy.copy()

    def _set(self, ledger: Any, kind: PeriodKind, account_ids: pd.Index | None, names: tuple[str, str, str]) -> None:
        """The state of every ledger: the core's ledger, how periods were spelled, the account ids
        of factorized keys (None when the keys are the ids) and the (account, period, amount)
        column names."""
        self._ledger, self._kind, self._account_ids, self._names = ledger, kind, account_ids, names

    @classmethod
    def _from_parts(
        cls, ledger: Any, kind: PeriodKind, account_ids: pd.Index | None, names: tuple[str, str, str]
    ) -> RevenueLedger:
        self = cls.__new__(cls)
        self._set(ledger, kind, account_ids, names)
        return self

    # ---- what the ledger holds

    @property
    def accounts(self) -> pd.Index:
        """The account ids, one per row of :attr:`revenue`.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> rows = pd.DataFrame({"account_id": ["a", "a", "b"], "mrr": [100.0, 120.0, 50.0],
        ...                      "month": pd.PeriodIndex(["2026-01", "2026-03", "2026-02"], freq="M")})
        >>> ledger = cs.RevenueLedger(rows)
        >>> ledger.accounts.tolist()
        ['a', 'b']
        """
        keys = self._ledger.account_keys
        ids: pd.Index = pd.Index(keys) if self._account_ids is None else self._account_ids[keys]
        return ids.rename(self._names[0])

    @property
    def periods(self) -> pd.Index:
        """Every period from the first to the last, gaps included.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> rows = pd.DataFrame({"account_id": ["a", "a", "b"], "mrr": [100.0, 120.0, 50.0],
        ...                      "month": pd.PeriodIndex(["2026-01", "2026-03", "2026-02"], freq="M")})
        >>> ledger = cs.RevenueLedger(rows)
        >>> [str(period) for period in ledger.periods]
        ['2026-01', '2026-02', '2026-03']
        """
        return self._kind.labels(self._ledger.first_period + np.arange(self.n_periods, dtype=np.int64))

    @property
    def n_accounts(self) -> int:
        """The number of accounts: rows of :attr:`revenue`, the length of :attr:`accounts`.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> rows = pd.DataFrame({"account_id": ["a", "a", "b"], "mrr": [100.0, 120.0, 50.0], "month": [1, 3, 2]})
        >>> cs.RevenueLedger(rows).n_accounts
        2
        """
        return int(self._ledger.n_accounts)

    @property
    def n_periods(self) -> int:
        """The number of periods, gaps included: columns of :attr:`revenue`, the length of :attr:`periods`.

        Examples
        --------
        >>> import cssegment as cs
        >>> cs.RevenueLedger({"account_id": [1, 2], "month": [1, 4], "mrr": [5.0, 6.0]}).n_periods  # 2 and 3 too
        4
        """
        return int(self._ledger.n_periods)

    @property
    def revenue(self) -> pd.DataFrame:
        """The account x period matrix R(a, p) (a read-only view, not a copy).

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> rows = pd.DataFrame({"account_id": ["a", "a", "b"], "mrr": [100.0, 120.0, 50.0],
        ...                      "month": pd.PeriodIndex(["2026-01", "2026-03", "2026-02"], freq="M")})
        >>> ledger = cs.RevenueLedger(rows)
        >>> ledger.revenue.to_numpy().tolist()
        [[100.0, 0.0, 120.0], [0.0, 50.0, 0.0]]
        """
        return pd.DataFrame(self._ledger.matrix, index=self.accounts, columns=self.periods, copy=False)

    def summary(self) -> pd.Series:
        """What was read: rows, accounts, periods and duplicate rows.

        ``rows_read``, ``accounts``, ``periods`` and ``duplicate_rows`` (rows summed into an account
        and period that already had a row). Nothing is dropped silently.

        Returns
        -------
        pandas.Series
            int64 counts named ``ledger``.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> rows = pd.DataFrame({"account_id": ["a", "a", "b"], "mrr": [100.0, 120.0, 50.0],
        ...                      "month": pd.PeriodIndex(["2026-01", "2026-03", "2026-02"], freq="M")})
        >>> ledger = cs.RevenueLedger(rows)
        >>> ledger.summary().to_dict()
        {'rows_read': 3, 'accounts': 2, 'periods': 3, 'duplicate_rows': 0}
        """
        return pd.Series(self._ledger.summary(), dtype=np.int64, name="ledger")

    def _span(self) -> str:
        periods = self.periods
        return f"{periods[0]} to {periods[-1]}" if len(periods) else "no periods"

    def __repr__(self) -> str:
        s = self._ledger.summary()
        return _display.one_line(
            "RevenueLedger",
            [f"{s['accounts']:,} accounts x {s['periods']:,} periods, {self._span()}; {s['rows_read']:,} rows"],
        )

    def _repr_html_(self) -> str:
        s = self._ledger.summary()
        matrix = self._ledger.matrix
        empty = int(matrix.shape[1] - np.count_nonzero(matrix.any(axis=0))) if matrix.size else s["periods"]
        account, period, amount = self._names
        rows = [
            ("accounts", s["accounts"]),
            ("periods", f"{s['periods']:,} ({self._span()})"),
            ("rows read", s["rows_read"]),
            ("duplicate rows summed", s["duplicate_rows"]),
            ("periods without revenue (zeros)", empty),
            ("revenue in the last period", float(matrix[:, -1].sum()) if matrix.size else 0.0),
            ("columns", f"account={account!r}, period={period!r}, amount={amount!r}"),
            ("periods are", str(self._kind)),
        ]
        return _display.block("RevenueLedger", _display.table(rows))

    # ---- segments

    def _segments(
        self, by: _frame.Keyed | None, categories: list[str] | None = None, at: int | None = None
    ) -> tuple[Any, list[str] | None]:
        """The core's per-account (or per-period) segments of `by`, checked to cover every account
        and period with revenue, and the segment names (`categories` when given: the codes of
        every Dask partition must refer to the same list). With `at` (a period index), only that
        period counts: the rows of a long frame in other periods are dropped before the core
        reads them (periods and integers; dates are read whole), and nothing is checked (the
        core checks the accounts paying then; :func:`book_sums` names a gap)."""
        if by is None:
            return None, None
        account, period = self._names[:2]
        if isinstance(by, pd.DataFrame) and period not in by.columns:
            by = _frame.keyed_by_account(by, account, "by", "segment")
        if isinstance(by, pd.DataFrame):
            segment = long_segment_column(by, account, period)
            account_hierarchy.check_segments(by[account], self._hierarchy)
            keys = self._keys_of(by[account])
            by_periods, kind = period_keys(by[period], "by", **self._kind.read_like())
            if not self._kind.same_periods(kind):
                raise InvalidInputError(f"by: periods are {kind} but the ledger's are {self._kind}")
            if at is not None and kind.ticks_per_day() == 0:  # ordinals: the rows of `at` only
                rows = np.flatnonzero(by_periods == self._ledger.first_period + at)
                # A categorical keeps its categories when rows are taken: code those rows alone.
                if _frame.is_categorical(by[segment]):
                    codes, categories = segment_codes(by[segment].take(rows), categories)
                else:
                    codes, categories = segment_codes(by[segment], categories)
                    codes = codes[rows]
                with _segment_rows_named(by[account], by[segment], rows):
                    segments = _core.metrics.account_segments.per_account(
                        self._ledger, keys[rows], codes, len(categories)
                    )
            else:
                codes, categories = segment_codes(by[segment], categories)
                with _segment_rows_named(by[account], by[segment]):
                    segments = _core.metrics.account_segments.per_period(
                        self._ledger,
                        keys,
                        by_periods,
                        kind.ticks_per_day(),
                        codes,
                        len(categories),
                        kind.core_calendar(),
                    )
        elif isinstance(by, pd.Series):
            account_hierarchy.check_segments(by.index, self._hierarchy)
            codes, categories = segment_codes(by, categories)
            with _segment_rows_named(by.index, by):
                segments = _core.metrics.account_segments.per_account(
                    self._ledger, self._keys_of(by.index), codes, len(categories)
                )
        else:
            raise InvalidInputError(
                f"by: expected a Series indexed by account id or a long DataFrame, got {type(by).__name__}"
            )
        if at is None:
            self._require_segments(segments, by, segments.first_unsegmented(self._ledger))
        return segments, categories

    def _require_segments(self, segments: Any, by: Any, gap: tuple[int, int] | None) -> None:
        """Raises naming the account and period of `gap` (account row, period index) when there
        is one: an account with revenue but no segment in `by`."""
        if gap is not None:
            account_id = _frame.describe(self.accounts[gap[0]])
            when = self._kind.describe(self._ledger.first_period + gap[1])
            raise InvalidInputError(
                f"by: account {account_id} has revenue in period {when} but no segment{self._key_kinds(by)}"
            )

    def _key_kinds(self, by: pd.Series | pd.DataFrame) -> str:
        """Why `by` may name no account of the ledger: its ids are of another kind (ints against
        strings), told in the message of an account without a segment; "" when the kinds agree."""
        ids = by.index if isinstance(by, pd.Series) else by[self._names[0]]
        given = {type(v.item() if isinstance(v, np.generic) else v).__name__ for v in ids[:1000] if not pd.isna(v)}
        held = {type(v.item() if isinstance(v, np.generic) else v).__name__ for v in self.accounts[:1000]}
        if not given or given & held:
            return ""
        return f" (by is keyed by {'/'.join(sorted(given))} ids, the ledger's account ids are {'/'.join(sorted(held))})"

    def _keys_of(self, ids: Any) -> np.ndarray:
        """Ledger keys of account ids given in `by` (keys no account has for unknown ids)."""
        if self._account_ids is None:
            array = np.asarray(ids)
            if array.dtype.kind in "iu":
                return np.ascontiguousarray(array, dtype=np.int64)
            # Any key value is some integer account's (a sentinel was INT64_MIN's): whole floats
            # are read as integers, other ids are refused.
            array = array.ravel()
            if array.dtype.kind == "f":  # vectorised: by frames of a million rows
                whole = np.isfinite(array) & (array == np.floor(array)) & (array >= -(2.0**63)) & (array < 2.0**63)
            else:
                whole = np.asarray([_is_integer_id(value) for value in array], dtype=bool)
            if not whole.all():
                row = int(np.flatnonzero(~whole)[0])
                raise InvalidInputError(
                    f"by: account id {_frame.describe(array[row])} ({type(array[row]).__name__}, row {row}) "
                    "is not an integer, but the ledger's account ids are integers"
                )
            if array.dtype.kind == "f":
                return np.ascontiguousarray(array, dtype=np.int64)
            return np.asarray([int(value) for value in array], dtype=np.int64)
        return self._account_ids.get_indexer(pd.Index(ids)).astype(np.int64)

    # ---- metrics

    @overload
    def movements(
        self,
        by: _frame.Keyed | None = None,
        reactivation_window: int | None = None,
        *,
        output: _frame.PolarsOutput,
    ) -> pl.DataFrame: ...
    @overload
    def movements(
        self,
        by: _frame.Keyed | None = None,
        reactivation_window: int | None = None,
        *,
        output: _frame.PandasOutput = None,
    ) -> pd.DataFrame: ...
    @_frame.accepts_frames
    def movements(
        self,
        by: _frame.Keyed | None = None,
        reactivation_window: int | None = None,
        *,
        output: _frame.Output = None,
    ) -> pd.DataFrame | pl.DataFrame:
        """Revenue movements into every period after the first.

        See the metric definitions in the user guide (``docs/guide/metrics.md``).

        Parameters
        ----------
        by : pandas.Series or a frame, optional
            Segments: a Series indexed by account id or a frame of the ledger's account column
            and a segment column (one segment per account), or a long frame with the ledger's
            account and period columns and a segment column (segments that change over time,
            e.g. tiers assigned per month). Frames may be pandas, polars or Arrow; a polars or
            Arrow Series is refused, as it carries no account ids. Every account and period with
            revenue needs a segment. An account's start counts in its segment at p - 1; its
            movement and end in its segment at p when it pays then, else at p - 1 (churn). An
            account paying at both p - 1 and p in different segments is moved out of the old
            segment and into the new one at its p - 1 revenue (``moved_out``, ``moved_in``), so
            each segment's ``start`` is its ``end`` of the period before, and the moves of a
            period sum to zero over the segments.
        reactivation_window : int, optional
            A return after more than this many empty periods counts as ``new``; by default any
            return is a ``reactivation``.
        output : {"pandas", "polars"}, optional
            The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``period`` (or ``period``, ``segment``): ``start, moved_in, moved_out,
            new, reactivation, expansion, contraction, churn, end`` (revenue), ``logos_start,
            logos_moved_in, logos_moved_out, logos_new, logos_reactivated, logos_churned,
            logos_end`` (accounts) and ``quick_ratio`` = (new + reactivation + expansion) /
            (contraction + churn), NaN when nothing was lost. The move columns are zero without
            `by` or with one segment per account. ``end = start + moved_in - moved_out + new +
            reactivation + expansion - contraction - churn`` holds exactly in the exact sums;
            each column is then rounded to float64 once.

        Examples
        --------
        >>> import cssegment as cs
        >>> import pandas as pd
        >>> rows = pd.DataFrame({"account_id": [1, 1, 2, 3], "month": [1, 2, 1, 2], "mrr": [10.0, 15.0, 5.0, 7.0]})
        >>> cs.RevenueLedger(rows).movements()[["start", "new", "expansion", "churn", "end"]]
                start  new  expansion  churn   end
        period
        2        15.0  7.0        5.0    5.0  22.0
        """
        segments, categories = self._segments(by)
        check_reactivation_window(reactivation_window)
        partials = self._ledger.movement_partials(segments, reactivation_window)
        return _frame.output(movement_frame(partials, self._kind, categories), output)

    @overload
    def retention(
        self,
        horizon: int = 12,
        by: _frame.Keyed | None = None,
        masks_churn_below: float = 0.9,
        *,
        output: _frame.PolarsOutput,
    ) -> pl.DataFrame: ...
    @overload
    def retention(
        self,
        horizon: int = 12,
        by: _frame.Keyed | None = None,
        masks_churn_below: float = 0.9,
        *,
        output: _frame.PandasOutput = None,
    ) -> pd.DataFrame: ...
    @_frame.accepts_frames
    def retention(
        self,
        horizon: int = 12,
        by: _frame.Keyed | None = None,
        masks_churn_below: float = 0.9,
        *,
        output: _frame.Output = None,
    ) -> pd.DataFrame | pl.DataFrame:
        """NRR, GRR and logo retention over `horizon` periods from every start period.

        The cohort of start period p0 is the accounts paying at p0, in their segment at p0;
        accounts new after p0 never count (see the metric definitions in the user guide,
        ``docs/guide/metrics.md``).

        Parameters
        ----------
        horizon : int, default 12
            Periods from start to end, >= 1, counted in the ledger's periods (a year is 4 on a
            quarterly ledger). Start periods run from the first period to the last minus
            `horizon`; a horizon as long as the history or longer is refused (nothing would fit).
        by : pandas.Series or pandas.DataFrame, optional
            Segments, as in :meth:`movements`.
        masks_churn_below : float, default 0.9
            ``nrr_masks_churn`` flags NRR >= 1 with logo retention below this.
        output : {"pandas", "polars"}, optional
            The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

        Returns
        -------
        pandas.DataFrame
            Indexed by start ``period`` (or ``period``, ``segment``): ``cohort_accounts,
            start_revenue, end_revenue, retained_revenue, nrr, grr, logo_retention,
            nrr_masks_churn``; ratios are NaN for an empty cohort.

        Examples
        --------
        >>> import cssegment as cs
        >>> import pandas as pd
        >>> rows = pd.DataFrame({"account_id": [1, 1, 2, 3, 3], "month": [1, 2, 1, 1, 2],
        ...                      "mrr": [10.0, 30.0, 5.0, 5.0, 5.0]})
        >>> cs.RevenueLedger(rows).retention(horizon=1)[["nrr", "grr", "logo_retention"]]
                nrr  grr  logo_retention
        period
        1       1.75  0.75        0.666667
        """
        check_horizon(horizon)
        check_horizon_fits(horizon, self.n_periods, self._kind)
        segments, categories = self._segments(by)
        partials = self._ledger.retention_partials(segments, horizon)
        return _frame.output(retention_frame(partials, self._kind, categories, masks_churn_below), output)

    @overload
    def cohorts(
        self,
        metric: Literal["revenue", "logos"] = "revenue",
        by: _frame.Keyed | None = None,
        cohort_length: int = 1,
        include_first_period: bool = False,
        normalize: bool = True,
        *,
        output: _frame.PolarsOutput,
    ) -> pl.DataFrame: ...
    @overload
    def cohorts(
        self,
        metric: Literal["revenue", "logos"] = "revenue",
        by: _frame.Keyed | None = None,
        cohort_length: int = 1,
        include_first_period: bool = False,
        normalize: bool = True,
        *,
        output: _frame.PandasOutput = None,
    ) -> pd.DataFrame: ...
    @_frame.accepts_frames
    def cohorts(
        self,
        metric: Literal["revenue", "logos"] = "revenue",
        by: _frame.Keyed | None = None,
        cohort_length: int = 1,
        include_first_period: bool = False,
        normalize: bool = True,
        *,
        output: _frame.Output = None,
    ) -> pd.DataFrame | pl.DataFrame:
        """First-revenue cohort x age table of revenue or logo retention.

        A cohort is the accounts whose first revenue falls in the same block of `cohort_length`
        periods (blocks aligned to the ledger's first period); age t is t periods after each
        account's own first revenue period.

        Parameters
        ----------
        metric : {"revenue", "logos"}
            ``revenue``: the cohort's revenue at age t; ``logos``: its accounts paying at age t
            (an account that returns after churning counts again).
        by : pandas.Series or pandas.DataFrame, optional
            Segments, as in :meth:`movements`; an account counts in its segment at its first
            revenue period.
        cohort_length : int, default 1
            Periods per cohort.
        include_first_period : bool, default False
            Accounts paying in the ledger's first period may have started before it
            (left-censored), so by default they form no cohort.
        normalize : bool, default True
            Divide by age 0 (retention); else totals.
        output : {"pandas", "polars"}, optional
            The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

        Returns
        -------
        pandas.DataFrame
            Rows: cohorts with at least one account, indexed by ``cohort`` (the block's first
            period) or (``cohort``, ``segment``); columns: ages 0, 1, ...; NaN where an age is
            not observed for every account of the cohort.

        Examples
        --------
        >>> import cssegment as cs
        >>> import pandas as pd
        >>> rows = pd.DataFrame({"account_id": [1, 2, 2, 3, 3], "month": [0, 1, 2, 1, 3],
        ...                      "mrr": [9.0, 10.0, 10.0, 10.0, 20.0]})
        >>> cs.RevenueLedger(rows).cohorts("logos")
        age       0    1    2
        cohort
        1       1.0  0.5  0.5
        """
        if not isinstance(metric, str) or metric not in ("revenue", "logos"):
            raise InvalidInputError(f"metric: {metric!r} must be 'revenue' or 'logos'")
        field: Literal["revenue", "paying"] = "revenue" if metric == "revenue" else "paying"
        return _frame.output(self._cohort_table(field, by, cohort_length, include_first_period, normalize), output)

    @_frame.accepts_frames
    def survivors(
        self,
        by: _frame.Keyed | None = None,
        cohort_length: int = 1,
        include_first_period: bool = False,
    ) -> pd.DataFrame:
        """Accounts of each first-revenue cohort still paying without a break, by age.

        The input of shifted-beta-geometric retention curves (``ShiftedBetaGeometric.fit_many``).

        Cohorts are as in :meth:`cohorts`. The value at age t counts the cohort's accounts that
        paid (revenue > 0) in every period from their own first revenue period through first + t:
        contractual survival, so an account that returns after churning stays lost. Age 0 is
        the cohort size; rows never increase.

        Parameters
        ----------
        by : pandas.Series or pandas.DataFrame, optional
            Segments, as in :meth:`movements`; an account counts in its segment at its first
            revenue period.
        cohort_length : int, default 1
            Periods per cohort; blocks start at the ledger's first period.
        include_first_period : bool, default False
            Accounts already paying in the ledger's first period are left-censored: they may have
            started earlier, so their age is unknown and counting them as new would overstate
            early churn. By default they are left out (so the first cohort holds only accounts
            starting in the block's later periods, and with ``cohort_length=1`` there is no first
            cohort); set True to treat the first period as their start.

        Returns
        -------
        pandas.DataFrame
            float64 counts; rows are cohorts with at least one account, indexed by ``cohort`` (the
            block's first period, of the input's period kind) or a MultiIndex (``cohort``,
            ``segment``) with `by`; columns are ages 0, 1, ... (ints). NaN where an age is not
            observed for every account of the cohort (beyond the last period minus the latest
            first revenue period in the cohort): ragged rows, NaN-padded.

        Examples
        --------
        >>> import cssegment as cs
        >>> import pandas as pd
        >>> rows = pd.DataFrame({"account_id": [1, 2, 2, 3, 3, 4], "month": [0, 1, 2, 1, 3, 2],
        ...                      "mrr": [9.0, 10.0, 10.0, 10.0, 20.0, 5.0]})
        >>> cs.RevenueLedger(rows).survivors()
        age       0    1    2
        cohort
        1       2.0  1.0  0.0
        2       1.0  0.0  NaN
        """
        return self._cohort_table("survivors", by, cohort_length, include_first_period, normalize=False)

    def _cohort_table(
        self,
        field: Literal["revenue", "paying", "survivors"],
        by: _frame.Keyed | None,
        cohort_length: int,
        include_first_period: bool,
        normalize: bool,
    ) -> pd.DataFrame:
        if isinstance(cohort_length, bool) or not isinstance(cohort_length, (int, np.integer)):
            raise InvalidInputError(f"cohort_length: {cohort_length!r} must be an integer >= 1")
        cohort_length = _frame.integer(cohort_length, "cohort_length")
        segments, categories = self._segments(by)
        first_period = _frame.flag(include_first_period, "include_first_period")
        sums = self._ledger.cohort_sums(segments, int(cohort_length), first_period)
        values, observed = sums[field], sums["observed_ages"]
        blocks, groups, ages = values.shape
        members = sums["paying"][:, :, 0] if ages else np.zeros((blocks, groups))
        keep = members.reshape(-1) > 0
        values = values.reshape(blocks * groups, ages)[keep]
        observed = observed.reshape(-1)[keep]
        if _frame.flag(normalize, "normalize"):
            values = values / values[:, :1]
        values = np.where(np.arange(ages) < observed[:, None], values, np.nan)
        width = int(observed.max()) if keep.any() else 0
        cohorts = self._kind.labels(
            self._ledger.first_period + np.arange(blocks, dtype=np.int64) * int(cohort_length)
        ).rename("cohort")
        index: pd.Index = cohorts
        if categories is not None:
            index = pd.MultiIndex.from_product([cohorts, segment_index(categories)], names=["cohort", "segment"])
        return pd.DataFrame(values[:, :width], index=index[keep], columns=pd.RangeIndex(width, name="age"))

    @_frame.accepts_frames
    def cltv(
        self,
        window: int = 6,
        by: _frame.Keyed | None = None,
        cost_to_serve: float = 0.0,
        gross_margin: float = 1.0,
        discount_rate: float = 0.0,
    ) -> pd.DataFrame:
        """Customer lifetime value per segment from the ledger's latest periods.

        ARPA is the revenue per paying account in the last period; the churn rate is the mean of
        the logo churn rates (logos_churned / logos_start) of the last `window` periods (periods
        with no paying account at their start are skipped). Then :func:`cltv`.

        Parameters
        ----------
        window : int
            Periods whose churn rates are averaged (>= 1).
        by : pandas.Series or pandas.DataFrame, optional
            Segments, as in :meth:`movements`.
        cost_to_serve, gross_margin, discount_rate : float
            As in :func:`cltv`.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``segment`` (one row ``all`` without `by`): ``accounts, arpa, churn_rate,
            cltv``. CLTV is NaN where the churn rate is 0 or unknown (no churn observed: the
            formula would be infinite).

        Examples
        --------
        >>> import cssegment as cs
        >>> import pandas as pd
        >>> rows = pd.DataFrame({"account_id": [1, 1, 2, 2, 3, 4], "month": [1, 2, 1, 2, 1, 2],
        ...                      "mrr": [100.0, 100.0, 50.0, 50.0, 30.0, 90.0]})
        >>> cs.RevenueLedger(rows).cltv(window=1)
                 accounts  arpa  churn_rate    cltv
        segment
        all             3  80.0    0.333333  240.0
        """
        if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
            raise InvalidInputError(f"window: {window!r} must be an integer >= 1")
        window = _frame.integer(window, "window")
        moves = self.movements(by=by, output="pandas")
        if by is None:
            moves = moves.set_index(segment_index([_ALL])[np.zeros(len(moves), dtype=np.intp)], append=True)
        periods = moves.index.get_level_values("period").unique()
        if len(periods) == 0:
            raise InvalidInputError(f"window: the ledger has {len(self.periods)} period(s); CLTV needs at least two")
        recent = moves.loc[moves.index.get_level_values("period").isin(periods[-window:])]
        rates = (recent["logos_churned"] / recent["logos_start"].where(recent["logos_start"] > 0)).groupby(
            level="segment", observed=False
        )
        churn_rate = rates.mean()
        last = moves.xs(periods[-1], level="period")
        accounts = last["logos_end"].astype(np.int64)
        arpa = last["end"] / accounts.where(accounts > 0)
        value = pd.Series(np.nan, index=churn_rate.index)
        known = (churn_rate > 0) & arpa.notna()
        if known.any():
            value[known] = cltv(
                arpa[known],
                churn_rate[known],
                cost_to_serve=cost_to_serve,
                gross_margin=gross_margin,
                discount_rate=discount_rate,
            )
        return pd.DataFrame({"accounts": accounts, "arpa": arpa, "churn_rate": churn_rate, "cltv": value})


# --------------------------------------------------------------------------------------------
# Building ledgers (package-internal: RevenueLedger and cssegment.dask)


@contextlib.contextmanager
def _segment_rows_named(accounts: Any, labels: Any, rows: np.ndarray | None = None) -> Iterator[None]:
    """The core names a row of `by` that gives an account a second segment by its segment code
    (``by[2] = 0: ...``): the message is given again with the row's label and account id (`rows`:
    the rows of `by` the core was given, when not all)."""
    try:
        yield
    except InvalidInputError as error:
        found = re.match(r"by\[(\d+)\] = -?\d+: (a second, different segment for the same account.*)", str(error))
        if found is None:
            raise
        row = int(found.group(1) if rows is None else rows[int(found.group(1))])
        label, account_id = np.asarray(labels, dtype=object)[row], np.asarray(accounts, dtype=object)[row]
        raise InvalidInputError(
            f"by[{row}] = {_frame.describe(label)}: {found.group(2)} (account {_frame.describe(account_id)})"
        ) from None


def _read(
    revenue: pd.DataFrame | Mapping[str, Any],
    names: tuple[str, str, str],
    period_range: tuple[int, int] | None = None,
    bar: Any = None,
    reading: PeriodReading = AS_SPELLED,
    billing: tuple[str | None, Any, pd.Series | None] = (None, None, None),
) -> tuple[Any, PeriodKind, pd.Index | None]:
    """The core's ledger of `revenue`, the kind of its periods and the ids of factorized account
    keys. `period_range` (first ordinal, count) fixes the periods, so that ledgers of disjoint
    accounts (Dask partitions) share them. A progress `bar` advances by the rows of each pass
    (reading, then the core's checking and summing, in blocks). `billing` (currency column, fx,
    hierarchy top parents) converts amounts and rolls accounts up first."""
    account, period, amount = names
    for later, name in enumerate(names[1:], start=1):
        if name in names[:later]:
            roles = ("account", "period", "amount")
            raise InvalidInputError(f"{roles[later]}: {name!r} is also the {roles[names.index(name)]} column")
    currency, fx, tops = billing
    ids = _frame.column(revenue, account, "revenue")
    keys, account_ids = account_keys(ids if tops is None else account_hierarchy.roll_up(ids, tops), account)
    periods, kind = period_keys(_frame.column(revenue, period, "revenue"), period, *reading)
    amounts = _frame.numeric(_frame.column(revenue, amount, "revenue"), amount, booleans=False)
    if currency is not None or fx is not None:
        if currency is None:
            raise InvalidInputError("currency: needed with fx (the column of each row's currency)")
        currencies = _frame.column(revenue, currency, "revenue")
        amounts = currency_rates.converted(amounts, currencies, _frame.column(revenue, period, "revenue"), fx, currency)
    _frame.check_length(period, periods, account, len(keys))
    _frame.check_length(amount, amounts, account, len(keys))
    first, count = period_range if period_range is not None else (None, None)
    rows = (keys, periods, kind.ticks_per_day(), amounts, first, count, names, kind.core_calendar())
    if bar is None:
        return _core.metrics.revenue_ledger.from_rows(*rows), kind, account_ids
    bar.update(len(keys))
    builder = _core.metrics.revenue_ledger_builder(*rows)
    blocks = -(-builder.work // (_progress.MAX_UPDATES * _LEDGER_STEP_ROWS))
    step = max(1, blocks) * _LEDGER_STEP_ROWS
    while not builder.done:
        done = builder.work_done
        builder.run(step)
        bar.update(builder.work_done - done)
    return builder.finish(), kind, account_ids


def ledger_over_periods(
    revenue: pd.DataFrame,
    names: tuple[str, str, str],
    period_range: tuple[int, int],
    reading: PeriodReading = AS_SPELLED,
) -> RevenueLedger:
    """Package-internal constructor (for :mod:`cssegment.dask`), not part of the public API.

    The ledger of `revenue` with columns `names` (account, period, amount, already checked to be
    str) over the fixed periods `period_range` (first ordinal, count) rather than its own first
    to last, so that the ledgers of disjoint accounts (Dask partitions) line up.
    """
    return RevenueLedger._from_parts(*_read(revenue, names, period_range, reading=reading), names)


def partial_sums(
    ledger: RevenueLedger,
    what: Literal["movements", "retention"],
    parameter: int | None,
    by: _frame.Keyed | None,
    categories: list[str] | None,
) -> Any:
    """Package-internal (for :mod:`cssegment.dask`): the core's exact partial sums of `ledger`.

    Movements with reactivation window `parameter`, or retention over horizon `parameter` (both
    checked by the caller), split by the segments of `by` coded in `categories` (the list every
    partition shares). Merged and turned into tables by :func:`movement_frame` and
    :func:`retention_frame`.
    """
    segments, _ = ledger._segments(by, categories)
    if what == "movements":
        return ledger._ledger.movement_partials(segments, parameter)
    assert parameter is not None  # the horizon, checked by the caller
    return ledger._ledger.retention_partials(segments, parameter)


def book_sums(
    ledger: RevenueLedger,
    owners: pd.Series | pd.DataFrame,
    by: pd.Series | pd.DataFrame | None,
    horizon: int,
    start: int,
    level: float,
) -> tuple[dict[str, np.ndarray], list[str], list[str] | None]:
    """Package-internal (for :mod:`cssegment.metrics.book_metrics`): the core's book metrics of
    `ledger` per owner of `owners` (segments as `by` takes them; a gap raises naming the account
    as an owner) with the mix segments of `by`, over `horizon` periods from period index `start`,
    intervals at `level` (all checked by the caller). Returns the columns, the owner names and the
    mix segment names."""
    with _as_owners():
        owner_segments, owner_names = ledger._segments(owners, at=start)
    mix, mix_names = ledger._segments(by, at=start)
    assert owner_names is not None  # owners is never None
    try:
        columns = _core.metrics.book_metrics(ledger._ledger, owner_segments, mix, horizon, start, level)
    except InvalidInputError:  # an account paying at the start without an owner or segment: name it
        for segments, given in ((owner_segments, owners), (mix, by)):
            if segments is not None:
                row = _core.metrics.first_unsegmented_at(ledger._ledger, segments, start)
                with _as_owners() if given is owners else contextlib.nullcontext():
                    ledger._require_segments(segments, given, None if row is None else (row, start))
        raise
    return columns, owner_names, mix_names


@contextlib.contextmanager
def _as_owners() -> Iterator[None]:
    """An error about `by` told as one about `owners` (book metrics)."""
    try:
        yield
    except InvalidInputError as error:
        message = str(error).removeprefix("by: ").replace("but no segment", "but no owner")
        raise InvalidInputError(f"owners: {message}") from None


# --------------------------------------------------------------------------------------------
# Tables from partial sums (shared with cssegment.dask)


def movement_frame(partials: Any, kind: PeriodKind, categories: list[str] | None) -> pd.DataFrame:
    """The movements table of (merged) movement partial sums."""
    columns = _core.metrics.movement_table(partials)
    for name in [name for name in columns if name.startswith("logos_")]:
        columns[name] = columns[name].astype(np.int64)
    index = _index(kind, partials.first_period, partials.rows, categories)
    return pd.DataFrame(columns, index=index)


def _is_integer_id(value: Any) -> bool:
    """Whether a `by` key names an integer account id (an int, or a whole float within int64)."""
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (int, np.integer)):
        return bool(-(2**63) <= value < 2**63)
    if not isinstance(value, (float, np.floating)):
        return False
    return bool(np.isfinite(value) and float(value).is_integer() and -(2.0**63) <= value < 2.0**63)


def retention_frame(
    partials: Any, kind: PeriodKind, categories: list[str] | None, masks_churn_below: float
) -> pd.DataFrame:
    """The retention table of (merged) retention partial sums."""
    columns = _core.metrics.retention_table(partials, _frame.number(masks_churn_below, "masks_churn_below"))
    columns["cohort_accounts"] = columns["cohort_accounts"].astype(np.int64)
    return pd.DataFrame(columns, index=_index(kind, partials.first_period, partials.rows, categories))


def _index(kind: PeriodKind, first: int, rows: int, categories: list[str] | None) -> pd.Index:
    periods = kind.labels(first + np.arange(rows, dtype=np.int64))
    if categories is None:
        return periods
    return pd.MultiIndex.from_product([periods, segment_index(categories)], names=["period", "segment"])
