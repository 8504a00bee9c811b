"""Engagement cadence: days between touches per account, and the CSM workload it makes
(C++: ``segment/cadence.hpp``).

Examples
--------
>>> import pandas as pd, cssegment as cs
>>> policy = cs.CadencePolicy({"High touch": 30})
>>> data = pd.DataFrame({"tenure_days": [400], "renewal_days": [300]})
>>> policy.schedule(data, ["High touch"])["interval_days"].tolist()
[30.0]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .. import _core, _deprecation, _frame
from .._core import InvalidInputError
from .._model import Check, Model
from .models import Ratio, SegmentModel
from .owners import OwnerAssignment

__all__ = ["DAYS_PER_MONTH", "CadencePolicy"]

Labels = _frame.Labels

_DEFAULT_HEALTH_FACTORS = {"red": 0.5, "yellow": 1.0, "green": 1.5}
#: Average days in a month (365.25 / 12): touches per month = DAYS_PER_MONTH / interval.
DAYS_PER_MONTH = 365.25 / 12


def _days_table(table: Mapping[str, float], argument: str) -> list[tuple[str, float]]:
    if not isinstance(table, Mapping):
        raise InvalidInputError(f"{argument}: expected a mapping of label to number, got {type(table).__name__}")
    return [(_frame.text(k, argument), _frame.number(v, f"{argument}[{k!r}]")) for k, v in table.items()]


def _health_factors(table: Mapping[str, float] | None, argument: str) -> list[tuple[str, float]]:
    return _days_table(_DEFAULT_HEALTH_FACTORS if table is None else table, argument)


class CadencePolicy(Model):
    """Dynamic contact cadence: days between touches per account.

    The account's segment sets ``base_days``; accounts in onboarding (tenure below
    ``onboarding_days``) are touched ``onboarding_factor`` times as far apart, accounts within
    ``renewal_window_days`` of renewal (overdue included) ``renewal_factor`` times, and the health
    band multiplies by its ``health_factors`` entry (any labels; missing health: no factor). The
    interval is then clipped to ``[min_days, max_days]``. Segments without CSMs are served through
    the ``"digital"`` channel.

    Parameters
    ----------
    base_days : mapping of str to float
        Segment -> days between touches.
    onboarding_days : float
        Tenure (days) below which an account is onboarding.
    onboarding_factor : float
        Interval factor during onboarding.
    renewal_window_days : float
        Days before renewal from which the renewal factor applies.
    renewal_factor : float
        Interval factor near renewal.
    health_factors : mapping of str to float, optional
        Health band -> interval factor (default red 0.5, yellow 1, green 1.5).
    min_days, max_days : float
        Bounds of the interval.

    Examples
    --------
    >>> import pandas as pd, cssegment as cs
    >>> policy = cs.CadencePolicy({"High touch": 30, "Low touch": 60})
    >>> accounts = pd.DataFrame({"tenure_days": [30, 400], "renewal_days": [300, 60]})
    >>> plan = policy.schedule(accounts, segments=["High touch", "Low touch"], health=["red", "green"])
    >>> plan[["interval_days", "reason"]]
       interval_days                              reason
    0            7.5  onboarding x0.5, red x0.5
    1           45.0            renewal x0.5, green x1.5
    """

    _core_type = _core.segment.cadence_policy
    _model: _core.segment.cadence_policy
    _parameters: ClassVar[Mapping[str, Check]] = {
        "base_days": _days_table,
        "onboarding_days": _frame.number,
        "onboarding_factor": _frame.number,
        "renewal_window_days": _frame.number,
        "renewal_factor": _frame.number,
        "health_factors": _health_factors,
        "min_days": _frame.number,
        "max_days": _frame.number,
    }

    def __init__(
        self,
        base_days: Mapping[str, float],
        onboarding_days: float = 90,
        onboarding_factor: float = 0.5,
        renewal_window_days: float = 120,
        renewal_factor: float = 0.5,
        health_factors: Mapping[str, float] | None = None,
        min_days: float = 7,
        max_days: float = 180,
    ) -> None:
        self._model = _core.segment.cadence_policy(*self._checked(locals()))

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        model = self._model
        return {
            "base_days": dict(model.base_days),
            "onboarding_days": model.onboarding_days,
            "onboarding_factor": model.onboarding_factor,
            "renewal_window_days": model.renewal_window_days,
            "renewal_factor": model.renewal_factor,
            "health_factors": dict(model.health_factors),
            "min_days": model.min_days,
            "max_days": model.max_days,
        }

    @_deprecation.renamed_keywords({"accounts": "data", "segment": "segments"})
    @_frame.accepts_frames
    def schedule(
        self,
        data: pd.DataFrame,
        segments: Labels | str | SegmentModel,
        health: Labels | str | None = None,
        *,
        csm_ratios: Mapping[str, Ratio] | SegmentModel | None = None,
        tenure: str | None = "tenure_days",
        renewal: str | None = "renewal_days",
    ) -> pd.DataFrame:
        """Days between touches for every account.

        Renamed in 0.2: ``accounts=`` is ``data=`` and ``segment=`` is ``segments=`` (the old
        keywords still work, with a DeprecationWarning).

        Parameters
        ----------
        data : pandas.DataFrame
            The accounts, with the ``tenure`` and ``renewal`` columns.
        segments : segment model, column name or labels
            Each account's segment: a model (it assigns them), a column of ``data``, or labels
            aligned with ``data``. Every segment needs a ``base_days`` entry.
        health : column name or labels, optional
            Each account's health band (missing: no health factor).
        csm_ratios : mapping or segment model, optional
            Accounts per CSM by segment: segments whose ratio is None are served digitally.
            Default: the segment model's ratios, if ``segments`` is a model.
        tenure, renewal : str or None
            Columns of days since start and days to renewal (None: not used; NaN: unknown, the
            factor is not applied).

        Returns
        -------
        pandas.DataFrame
            Aligned with ``data``: ``segment``, ``interval_days``, ``touches_per_month``,
            ``channel`` (``"csm"`` or ``"digital"``) and ``reason`` (the factors applied).

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> policy = cs.CadencePolicy({"Tech touch": 90, "Low touch": 60, "High touch": 30})
        >>> accounts = pd.DataFrame({"arr": [5e3, 80e3], "tenure_days": [400, 400],
        ...                          "renewal_days": [300, 300]})
        >>> policy.schedule(accounts, cs.TierModel.touch(), tenure=None)[["interval_days", "channel"]]
           interval_days channel
        0           90.0     csm
        1           30.0     csm
        """
        accounts = _frame.accounts_frame(data)
        names = [name for name, _ in self._model.base_days]
        if isinstance(segments, SegmentModel):
            ratios_source: Mapping[str, Ratio] | SegmentModel | None = (
                csm_ratios if csm_ratios is not None else segments
            )
            labels: Labels = segments.assign(accounts, output="pandas")
        else:
            ratios_source = csm_ratios
            labels = _frame.labels_of(accounts, segments, "segments")
        codes = _frame.codes_for(labels, names, "segments")
        digital = np.zeros(len(names), dtype=np.uint8)
        if ratios_source is not None:
            ratios = ratios_source.csm_ratios if isinstance(ratios_source, SegmentModel) else ratios_source
            digital = np.array([name in ratios and ratios[name] is None for name in names], dtype=np.uint8)
        tenure_days = None if tenure is None else _frame.numeric(_frame.column(accounts, tenure, "data"), tenure)
        renewal_days = None if renewal is None else _frame.numeric(_frame.column(accounts, renewal, "data"), renewal)
        bands = [name for name, _ in self._model.health_factors]
        health_codes = None
        if health is not None:
            health_codes = _frame.codes_for(_frame.labels_of(accounts, health, "health"), bands, "health")
        interval, channel, reasons = self._model.schedule(codes, digital, tenure_days, renewal_days, health_codes)
        # Several codes may read the same (a health band with factor 1 changes nothing).
        unique, inverse = np.unique(reasons, return_inverse=True)
        texts, text_codes = pd.factorize(np.array([self._model.describe(int(u)) for u in unique], dtype=object))
        reason = pd.Categorical.from_codes(texts[inverse], categories=pd.Index(text_codes))
        return pd.DataFrame(
            {
                "segment": _frame.categorical(codes, names),
                "interval_days": interval,
                "touches_per_month": DAYS_PER_MONTH / interval,
                "channel": pd.Categorical.from_codes(channel, categories=pd.Index(["csm", "digital"])),
                "reason": reason,
            },
            index=accounts.index,
        )

    @_frame.accepts_frames
    def workload(
        self,
        schedule: pd.DataFrame,
        owners: OwnerAssignment | Labels,
        minutes_per_touch: float | Mapping[str, float] = 45.0,
    ) -> pd.DataFrame:
        """Hours of CSM contact per owner per month: touches per month x minutes per touch.

        Parameters
        ----------
        schedule : pandas.DataFrame
            The output of :meth:`schedule`.
        owners : OwnerAssignment or labels
            Each account's owner, aligned with ``schedule``.
        minutes_per_touch : float or mapping of segment to float
            Minutes of CSM time per touch: one number, or one per segment.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``owner``, busiest first: ``accounts``, ``touches_per_month`` and
            ``hours_per_month`` (and ``hours_per_csm`` for pools, with an ``OwnerAssignment``).
            Digital touches cost no CSM time and are listed under ``"(digital)"``; CSM-channel
            accounts without an owner under ``"(no owner)"`` (owners named so are refused).

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> policy = cs.CadencePolicy({"High touch": 30}, min_days=1)
        >>> accounts = pd.DataFrame({"tenure_days": [400] * 3, "renewal_days": [300] * 3})
        >>> plan = policy.schedule(accounts, ["High touch"] * 3)
        >>> policy.workload(plan, ["Ana", "Ana", "Bo"], minutes_per_touch=60).round(2)
               accounts  touches_per_month  hours_per_month
        owner
        Ana           2               2.03             2.03
        Bo            1               1.01             1.01
        """
        if not isinstance(schedule, pd.DataFrame):
            raise InvalidInputError(f"schedule: expected what schedule() returns, got {type(schedule).__name__}")
        assignment = owners if isinstance(owners, OwnerAssignment) else None
        labels: Labels = owners.owners if isinstance(owners, OwnerAssignment) else owners
        _frame.check_length("owners", labels, "schedule", len(schedule))
        _frame.labels(labels, "owners")  # names (strings) or missing, one per row
        names = np.asarray(labels, dtype=object)
        reserved = np.flatnonzero(np.isin(names, [_NO_OWNER, _DIGITAL]))
        if reserved.size:  # a CSM named like a sentinel row would merge with it
            row = int(reserved[0])
            raise InvalidInputError(
                f"owners[{row}] = {names[row]!r}: the name of the workload's own row for "
                f"{'accounts without an owner' if names[row] == _NO_OWNER else 'digital touches'}; rename the CSM"
            )
        owner = pd.Series(names, index=schedule.index).fillna(_NO_OWNER)
        digital = (_frame.column(schedule, "channel", "schedule") == "digital").to_numpy()
        owner[digital] = _DIGITAL
        segment, touches_column = (
            _frame.column(schedule, name, "schedule") for name in ("segment", "touches_per_month")
        )
        if isinstance(minutes_per_touch, Mapping):
            missing = [s for s in segment.unique() if s not in minutes_per_touch]
            if missing:
                raise InvalidInputError(f"minutes_per_touch: no minutes for segment(s) {sorted(map(str, missing))}")
            per_segment = {
                s: _frame.number(minutes_per_touch[s], f"minutes_per_touch[{s!r}]") for s in segment.unique()
            }
            minutes = segment.map(per_segment).astype(np.float64).to_numpy()
        else:
            minutes = np.full(len(schedule), _frame.number(minutes_per_touch, "minutes_per_touch"))
        if not (np.isfinite(minutes).all() and (minutes >= 0).all()):
            raise InvalidInputError("minutes_per_touch: minutes must be finite and >= 0")
        touches = _frame.numeric(touches_column, "schedule['touches_per_month']", booleans=False)
        hours = np.where(digital, 0.0, touches * minutes / 60.0)
        frame = pd.DataFrame({"owner": owner.to_numpy(), "touches_per_month": touches, "hours_per_month": hours})
        table = frame.groupby("owner", sort=False).agg(
            accounts=("touches_per_month", "size"),
            touches_per_month=("touches_per_month", "sum"),
            hours_per_month=("hours_per_month", "sum"),
        )
        if assignment is not None:
            csms = assignment.books["csms"].reindex(table.index)
            table["hours_per_csm"] = table["hours_per_month"] / csms.where(csms > 0)
        return table.sort_values("hours_per_month", ascending=False, kind="stable")


_NO_OWNER = "(no owner)"
_DIGITAL = "(digital)"
