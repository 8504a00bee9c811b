"""Account hierarchies: revenue rolled up to each account's top-most ancestor.

Package-internal (used by :class:`cssegment.RevenueLedger`): the rule (any depth, cycles and
self-parents refused) is the C++ core's ``top_ancestors`` (``include/cssegment/metrics/hierarchy.hpp``).

Examples
--------
>>> import pandas as pd
>>> from cssegment.metrics import hierarchy
>>> tops = hierarchy.top_parents(pd.Series({"eu-sub": "eu", "eu": "group", "us": None}))
>>> tops.to_dict()
{'eu-sub': 'group', 'eu': 'group'}
>>> hierarchy.roll_up(["eu-sub", "us", "eu"], tops).tolist()
['group', 'us', 'group']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import _core, _frame
from .._core import InvalidInputError

__all__: list[str] = []  # package-internal: nothing here is part of the public API


def top_parents(hierarchy: Any, account: str = "account_id", argument: str = "hierarchy") -> pd.Series:
    """Each account of `hierarchy` (a Series: account -> parent, missing parent = top level; or a
    frame of the `account` column and a parent column) that has a parent, mapped to its top-most
    ancestor. Parents need not have revenue of their own."""
    hierarchy = _frame.keyed_by_account(hierarchy, account, argument, "parent")
    if not isinstance(hierarchy, pd.Series):
        raise InvalidInputError(
            f"{argument}: expected a pandas Series mapping account id -> parent id, or a frame with columns "
            f"{account!r} and 'parent'; got {type(hierarchy).__name__}"
        )
    links = hierarchy[hierarchy.notna()]
    children = pd.Index(links.index)
    if children.hasnans:
        row = int(np.flatnonzero(pd.isna(hierarchy.index))[0])
        raise InvalidInputError(f"{argument}: index[{row}] is missing; every account needs an id")
    if children.has_duplicates:
        child = children[children.duplicated()][0]
        raise InvalidInputError(f"{argument}: account {_frame.describe(child)} has more than one parent")
    parents = pd.Index(links.to_numpy())
    if parents.dtype.kind == "f" and children.dtype.kind in "iu" and (parents == np.floor(parents)).all():
        parents = parents.astype(np.int64)  # integer ids that a missing parent turned into floats
    nodes = children.append(parents).unique()
    parent_of = np.full(len(nodes), -1, dtype=np.int64)
    parent_of[nodes.get_indexer(children)] = nodes.get_indexer(parents)
    top = _core.metrics.top_ancestors(parent_of, lambda node: _frame.describe(nodes[node]))
    rolled = top != np.arange(len(nodes))
    return pd.Series(nodes[top[rolled]], index=nodes[rolled], name="top_parent")


def roll_up(accounts: Any, tops: pd.Series) -> np.ndarray:
    """Account ids with every account of `tops` replaced by its top-most ancestor."""
    ids = np.asarray(accounts.to_numpy() if isinstance(accounts, (pd.Series, pd.Index)) else accounts)
    found = tops.index.get_indexer(pd.Index(ids))
    if not (found >= 0).any():
        return ids
    top_ids = np.asarray(tops.to_numpy())
    integers = ids.dtype.kind in "iu" and top_ids.dtype.kind in "iu"
    out = ids.astype(np.int64 if integers else object, copy=True)
    out[found >= 0] = top_ids[found[found >= 0]]
    return out


def check_segments(ids: Any, tops: pd.Series | None, argument: str = "by") -> None:
    """Refuse `by` segments keyed by accounts whose revenue rolled up to a parent."""
    if tops is None or len(tops) == 0:
        return
    rolled = pd.Index(ids).isin(tops.index)
    if rolled.any():
        row = int(np.flatnonzero(rolled)[0])
        child = pd.Index(ids)[row]
        raise InvalidInputError(
            f"{argument}: account {_frame.describe(child)} (row {row}) rolls up to "
            f"{_frame.describe(tops[child])} in the ledger's hierarchy; give segments of top-level accounts"
        )
