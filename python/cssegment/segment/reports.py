"""Segment reports: transitions between two assignments and the coverage plan
(C++: ``segment/transitions.hpp``, ``segment/coverage.hpp``).

Segments rank as a categorical's own categories, else sorted: the same rule everywhere
(:func:`cssegment._frame.ordered_categories`). The coverage guide (``docs/guide/coverage.md``)
explains the columns.

Examples
--------
>>> import cssegment as cs
>>> model = cs.TierModel.touch()
>>> cs.transitions(model.assign([5e3, 60e3]), model.assign([20e3, 60e3]))["upgraded"].tolist()
[1, 0, 0, 0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, overload

import numpy as np
import pandas as pd

from .. import _core, _frame
from .._core import InvalidInputError
from .models import Ratio, SegmentModel

if TYPE_CHECKING:
    import polars as pl

__all__ = ["coverage", "transitions"]

Labels = _frame.Labels


@overload
def transitions(
    before: Labels, after: Labels, weights: _frame.ArrayLike | None = None, *, output: _frame.PolarsOutput
) -> pl.DataFrame: ...
@overload
def transitions(
    before: Labels, after: Labels, weights: _frame.ArrayLike | None = None, *, output: _frame.PandasOutput = None
) -> pd.DataFrame: ...
@_frame.accepts_frames
def transitions(
    before: Labels, after: Labels, weights: _frame.ArrayLike | None = None, *, output: _frame.Output = None
) -> pd.DataFrame | pl.DataFrame:
    """How accounts moved between segments: a from x to table.

    Counts (or summed ``weights``, e.g. ARR), with per-row ``upgraded``, ``downgraded``,
    ``unchanged`` and ``total``.

    Segments rank as the categories of ``before`` (or ``after``) if categorical, else sorted.
    Accounts with no label on a side (new or gone) are counted under ``"(none)"``.

    Parameters
    ----------
    before, after : array-like of str
        Each account's segment at the two dates, aligned (missing: no segment).
    weights : array-like of float, optional
        Summed instead of counting accounts (e.g. ARR).
    output : {"pandas", "polars"}, optional
        The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``from``, columns ``to`` (every segment and ``"(none)"``), then
        ``upgraded``, ``downgraded``, ``unchanged`` and ``total``; int64 counts, or float sums
        of ``weights``.

    Examples
    --------
    >>> import cssegment as cs
    >>> model = cs.TierModel.touch()
    >>> table = cs.transitions(model.assign([5e3, 20e3]), model.assign([20e3, 20e3]))
    >>> int(table["upgraded"].sum()), int(table["unchanged"].sum())
    (1, 1)
    """
    _frame.check_length("after", after, "before", _frame.length(before, "before"))
    ranked = _frame.ordered_categories({"before": before, "after": after})
    before_codes = _frame.codes_for(before, ranked, "before")
    after_codes = _frame.codes_for(after, ranked, "after")
    weight_values = _frame.optional_array(weights, "weights")
    if weight_values is not None:
        _frame.check_length("weights", weight_values, "before", len(before_codes))
    cells, moves = _core.segment.transitions(before_codes, after_codes, len(ranked), weight_values)
    labels = [*ranked, _frame.NONE_LABEL]
    table = pd.DataFrame(cells, index=pd.Index(labels, name="from"), columns=pd.Index(labels, name="to"))
    # The core splits the moves of each segment; the "(none)" row (new accounts) has none.
    summary = pd.DataFrame(
        {
            "upgraded": np.append(moves["upgrades_from"], 0.0),
            "downgraded": np.append(moves["downgrades_from"], 0.0),
            "unchanged": np.append(moves["unchanged_from"], 0.0),
            "total": cells.sum(axis=1),
        },
        index=table.index,
    )
    result = pd.concat([table, summary], axis=1)
    if weight_values is None:
        result = result.astype(np.int64)
    return _frame.output(result, output)


@overload
def coverage(
    segments: Labels,
    csm_ratios: Mapping[str, Ratio] | Sequence[Ratio] | SegmentModel,
    arr: _frame.ArrayLike | None = None,
    csm_cost: float | None = None,
    *,
    output: _frame.PolarsOutput,
) -> pl.DataFrame: ...
@overload
def coverage(
    segments: Labels,
    csm_ratios: Mapping[str, Ratio] | Sequence[Ratio] | SegmentModel,
    arr: _frame.ArrayLike | None = None,
    csm_cost: float | None = None,
    *,
    output: _frame.PandasOutput = None,
) -> pd.DataFrame: ...
@_frame.accepts_frames
def coverage(
    segments: Labels,
    csm_ratios: Mapping[str, Ratio] | Sequence[Ratio] | SegmentModel,
    arr: _frame.ArrayLike | None = None,
    csm_cost: float | None = None,
    *,
    output: _frame.Output = None,
) -> pd.DataFrame | pl.DataFrame:
    """Coverage plan per segment: how many CSMs each segment needs and what it costs.

    Accounts, ARR, CSM ratio, CSMs needed (fractional FTE), resource share, cost to serve per
    account (``csm_cost / ratio``), total cost and ARR per CSM.

    Parameters
    ----------
    segments : array-like of str
        Each account's segment.
    csm_ratios : segment model, mapping or sequence
        Accounts per CSM: a model (its ratios), a mapping from segment to ratio, or a list
        aligned with the categories. A ratio of None means no CSM (digital only).
    arr : array-like of float, optional
        Each account's ARR (adds ``arr`` and ``arr_per_csm``).
    csm_cost : float, optional
        Fully loaded cost of a CSM (adds ``cost_to_serve_per_account`` and ``total_cost``).
    output : {"pandas", "polars"}, optional
        The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``segment``: ``accounts``, ``arr``, ``csm_ratio``, ``csms_needed``,
        ``resource_share``, ``cost_to_serve_per_account``, ``total_cost``, ``arr_per_csm``.

    Examples
    --------
    >>> import cssegment as cs
    >>> model = cs.TierModel.touch()
    >>> plan = cs.coverage(model.assign([5e3] * 2000 + [80e3] * 30), model, csm_cost=150_000)
    >>> plan["csms_needed"].tolist()
    [2.0, 0.0, 2.0]
    """
    if isinstance(csm_ratios, SegmentModel):
        ranked, ratios = csm_ratios.categories, list(csm_ratios.csm_ratios.values())
    else:
        ranked = _frame.ordered_categories({"segments": segments})
        if isinstance(csm_ratios, Mapping):
            missing = [s for s in ranked if s not in csm_ratios]
            if missing:
                raise InvalidInputError(f"csm_ratios: no ratio for segment(s) {missing}; use None for no CSM")
            ratios = [csm_ratios[s] for s in ranked]
        else:
            ratios = _frame.listed(csm_ratios, "csm_ratios")
            if len(ratios) != len(ranked):
                raise InvalidInputError(f"csm_ratios: has {len(ratios)} ratios for {len(ranked)} segments {ranked}")
    codes = _frame.codes_for(segments, ranked, "segments")
    arr_values = _frame.optional_array(arr, "arr")
    if arr_values is not None:
        _frame.check_length("arr", arr_values, "segments", len(codes))
    cost = None if csm_cost is None else _frame.number(csm_cost, "csm_cost")
    columns = _core.segment.coverage(codes, _frame.ratios(ratios), arr_values, cost)
    table = pd.DataFrame(columns, index=pd.Index(ranked, name="segment"))
    table["accounts"] = table["accounts"].astype(np.int64)
    dropped = [] if arr_values is not None else ["arr", "arr_per_csm"]
    dropped += [] if cost is not None else ["cost_to_serve_per_account", "total_cost"]
    return _frame.output(table.drop(columns=dropped), output)
