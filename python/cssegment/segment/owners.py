"""CSM book assignment: an owner for every account of a CSM-covered segment
(C++: ``segment/owners.hpp``).

Examples
--------
>>> import pandas as pd, cssegment as cs
>>> data = pd.DataFrame({"arr": [90e3, 80e3, 2e3]})
>>> result = cs.assign_owners(data, cs.TierModel.touch(), {"High touch": ["Ana"]}, names=["High touch"])
>>> result.owners.tolist()
['Ana', 'Ana', nan]
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .. import _core, _deprecation, _display, _frame
from .._core import InvalidInputError
from .models import Ratio, RuleModel, SegmentModel

__all__ = ["OwnerAssignment", "assign_owners"]

Labels = _frame.Labels
_F = TypeVar("_F", bound=Callable[..., Any])


@dataclasses.dataclass(frozen=True, repr=False)
class OwnerAssignment(_display.Summarized):
    """What :func:`assign_owners` decided.

    Attributes
    ----------
    owners : pandas.Series
        Each account's owner (a CSM, a pool, or missing for segments without CSMs), a
        categorical aligned with the accounts.
    books : pandas.DataFrame
        One row per owner: ``segment``, ``csms`` (1, or the pool's size), ``accounts``, ``arr``,
        ``capacity`` and ``capacity_used``.
    kept, reassigned : int
        Accounts whose previous owner (on the roster) kept them, or lost them.

    Examples
    --------
    >>> import pandas as pd, cssegment as cs
    >>> accounts = pd.DataFrame({"arr": [90e3, 80e3, 70e3], "csm": ["Bo", "Bo", None]})
    >>> result = cs.assign_owners(accounts, cs.TierModel.touch(), {"High touch": ["Ana", "Bo"]},
    ...                           previous="csm", names=["High touch"])
    >>> result.owners.tolist(), result.kept, result.reassigned
    (['Bo', 'Bo', 'Ana'], 2, 0)
    """

    owners: pd.Series
    books: pd.DataFrame
    kept: int
    reassigned: int

    def _summary(self) -> str:
        owned = int(self.owners.notna().sum())
        return (
            f"{owned:,} of {len(self.owners):,} accounts owned by {len(self.books):,} owners; "
            f"{self.kept:,} kept, {self.reassigned:,} reassigned"
        )

    def _tables(self) -> list[str]:
        return [_display.frame(self.books, caption="books")]


def _coverage_of(
    segments: Sequence[str], csm_ratios: Mapping[str, Ratio] | SegmentModel | None, pooled: Sequence[str] | None
) -> list[tuple[str, Ratio, bool]]:
    if isinstance(csm_ratios, SegmentModel):
        ratios: Mapping[str, Ratio] = csm_ratios.csm_ratios
        model_pools = csm_ratios.pooled if isinstance(csm_ratios, RuleModel) else {}
    elif csm_ratios is None or isinstance(csm_ratios, Mapping):
        ratios, model_pools = csm_ratios or {}, {}
    else:
        raise InvalidInputError(
            "csm_ratios: expected a mapping of segment to accounts per CSM, or a segment model; "
            f"got {type(csm_ratios).__name__} {_frame.describe(csm_ratios)}"
        )
    pools = set(pooled) if pooled is not None else {s for s, p in model_pools.items() if p}
    return [
        (s, None if (ratio := ratios.get(s)) is None else _frame.number(ratio, f"csm_ratios[{s!r}]"), s in pools)
        for s in segments
    ]


def _renamed_in_0_2(function: _F) -> _F:
    """0.1's keywords: ``accounts=`` is ``data=``, ``segment=`` (labels) is ``segments=``, and the
    keyword-only ``segments=`` of 0.1 (names to staff) is ``names=``.

    A ``segments=`` keyword is 0.1's list of names when the labels come by position or as
    ``segment=``; otherwise it is the labels.
    """

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        renames = {"accounts": "data", "segment": "segments"}
        if "segments" in kwargs and ("segment" in kwargs or len(args) >= 2):
            renames = {"segments": "names", **renames}
        _deprecation.rename_keywords(kwargs, renames, "assign_owners")
        return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@_renamed_in_0_2
@_frame.accepts_frames
def assign_owners(
    data: pd.DataFrame,
    segments: Labels | str | SegmentModel,
    csms: pd.DataFrame | Mapping[str, Sequence[str]],
    strategy: str = "balance_arr",
    previous: Labels | str | None = None,
    *,
    names: Sequence[str] | None = None,
    csm_ratios: Mapping[str, Ratio] | SegmentModel | None = None,
    pooled: Sequence[str] | None = None,
    arr: str | None = "arr",
) -> OwnerAssignment:
    """Give every account of a CSM-covered segment an owner from that segment's roster.

    Each CSM holds at most their capacity: the ``capacity`` column of ``csms`` or, by default, the
    segment's accounts-per-CSM ratio (rounded down). Accounts keep their ``previous`` owner while
    that CSM serves their segment and has room (largest ARR first); the others are placed by
    ``strategy``: ``"balance_arr"`` (largest account to the CSM with the least ARR),
    ``"balance_count"`` (to the CSM with the fewest accounts) or ``"round_robin"`` (in order).
    A pooled segment (``RuleModel.four_tier``'s 1:Many) is owned by its pool; segments without
    CSMs get no owner. A segment that needs more CSMs than its roster has raises
    InvalidInputError saying how many are missing.

    Renamed in 0.2 (the old keywords still work, with a DeprecationWarning): ``accounts=`` is
    ``data=``, ``segment=`` is ``segments=``, and the keyword-only list of segments to staff
    (0.1's ``segments=``) is ``names=``.

    Parameters
    ----------
    data : pandas.DataFrame
        The accounts (with the ``arr`` column).
    segments : segment model, column name or labels
        Each account's segment: a model (its labels, ratios and pools are used), a column of
        ``data`` or labels aligned with it.
    csms : pandas.DataFrame or mapping of str to sequence of str
        The roster: columns ``csm``, ``segment`` (and optional ``capacity``), or a mapping from
        segment to CSM names.
    strategy : {"balance_arr", "balance_count", "round_robin"}
        How accounts without a kept owner are placed.
    previous : column name or labels, optional
        Each account's earlier owner (a CSM name; names not on the roster, such as CSMs who
        left, and missing values count as no previous owner).
    names : sequence of str, optional
        The segments to staff (default: every segment with a CSM ratio, or a CSM on the
        roster); accounts of the others get no owner.
    csm_ratios : mapping or segment model, optional
        Accounts per CSM by segment (default: the model's, if ``segments`` is one).
    pooled : sequence of str, optional
        Segments served by a pool (default: the model's pooled segments).
    arr : str or None
        Column of ARR (None: balance without ARR).

    Returns
    -------
    OwnerAssignment
        Owners, books, and the counts of accounts whose previous owner (on the roster) kept or
        lost them.

    Raises
    ------
    InvalidInputError
        If a segment needs more CSMs than its roster has (the message says how many are
        missing), or a CSM serves a segment not staffed.

    Examples
    --------
    >>> import pandas as pd, cssegment as cs
    >>> accounts = pd.DataFrame({"arr": [90e3, 80e3, 70e3, 60e3, 2e3]})
    >>> roster = {"High touch": ["Ana", "Bo"]}
    >>> result = cs.assign_owners(accounts, cs.TierModel.touch(), roster, names=["High touch"])
    >>> result.owners.tolist()
    ['Ana', 'Bo', 'Bo', 'Ana', nan]
    >>> result.books[["accounts", "arr", "capacity_used"]]
           accounts       arr  capacity_used
    owner
    Ana           2  150000.0       0.133333
    Bo            2  150000.0       0.133333
    """
    accounts = _frame.accounts_frame(data)
    if isinstance(csms, pd.DataFrame):
        roster = csms
    elif isinstance(csms, Mapping):
        pairs = [(csm, s) for s, staff in csms.items() for csm in _frame.texts(staff, f"csms[{s!r}]")]
        roster = pd.DataFrame(pairs, columns=["csm", "segment"])
    else:
        raise InvalidInputError(
            f"csms: expected a DataFrame or a mapping of segment to CSM names, got {type(csms).__name__}"
        )
    if isinstance(segments, SegmentModel):
        labels: Labels = segments.assign(accounts, output="pandas")
        ranked = segments.categories
        coverage = _coverage_of(ranked, csm_ratios if csm_ratios is not None else segments, pooled)
    else:
        labels = _frame.labels_of(accounts, segments, "segments")
        # Plain labels: a segment on the roster may have no account today.
        roster_segments = _frame.column(roster, "segment", "csms")
        ranked = _frame.ordered_categories({"segments": labels, "csms['segment']": roster_segments})
        coverage = _coverage_of(ranked, csm_ratios, pooled)
    codes = _frame.codes_for(labels, ranked, "segments")
    for argument, listed in (("names", names), ("pooled", pooled)):
        unknown = [s for s in listed or [] if s not in ranked]
        if unknown:
            raise InvalidInputError(f"{argument}: unknown segment(s) {unknown}; segments are {ranked}")
    if names is not None:
        coverage = [(s, ratio if s in names else None, pool and s in names) for s, ratio, pool in coverage]
    csm_names = _frame.texts(_frame.column(roster, "csm", "csms"), "csms['csm']")
    seat_segments = _frame.codes_for(_frame.column(roster, "segment", "csms"), ranked, "csms['segment']")
    capacity = (
        _frame.numeric(roster["capacity"], "csms['capacity']") if "capacity" in roster else np.full(len(roster), np.nan)
    )
    seats = [(csm, int(s), None if np.isnan(c) else float(c)) for csm, s, c in zip(csm_names, seat_segments, capacity)]
    if names is not None:
        for row, (csm, s, _) in enumerate(seats):
            if s < 0 or ranked[s] not in names:
                where = "no segment" if s < 0 else repr(ranked[s])
                raise InvalidInputError(f"csms[{row}]: {csm!r} serves {where}, not one of names {list(names)}")
    previous_codes = None
    if previous is not None:
        earlier = _frame.labels_of(accounts, previous, "previous")
        _frame.labels(earlier, "previous")  # CSM names (strings) or missing, one per account
        before = pd.Series(np.asarray(earlier, dtype=object))
        position = {csm: i for i, csm in enumerate(csm_names)}
        previous_codes = before.map(lambda v: position.get(v, -1)).fillna(-1).to_numpy(dtype=np.int32)
    arr_values = None if arr is None else _frame.numeric(_frame.column(accounts, arr, "data"), arr, booleans=False)
    result = _core.segment.assign_owners(codes, arr_values, coverage, seats, str(strategy), previous_codes)
    books = pd.DataFrame(
        result["books"], columns=["owner", "segment", "csms", "accounts", "arr", "capacity"]
    ).set_index("owner")
    books["segment"] = _frame.categorical(books["segment"].to_numpy(dtype=np.int32), ranked)
    books["capacity_used"] = books["accounts"] / books["capacity"].where(books["capacity"] > 0)
    if arr is None:
        books = books.drop(columns="arr")
    owner_labels = pd.Categorical.from_codes(result["owners"], categories=pd.Index(list(books.index)))
    owners = pd.Series(owner_labels, index=accounts.index, name="owner")
    return OwnerAssignment(owners, books, int(result["kept"]), int(result["reassigned"]))
