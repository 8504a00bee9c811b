"""Segmentation: revenue tiers, the client-size x contract-value quadrants, rule-based segments,
learned (k-means) segments, transition reports, coverage planning, CSM book assignment and the
engagement cadence.

One module per concept, named after its C++ header(s) in ``include/cssegment/segment/``:
``models`` (tiers, quadrants, rules), ``reports`` (transitions, coverage), ``planner`` (the
coverage planner), ``kmeans``, ``owners`` and ``cadence``. Every public name is importable from
here and from ``cssegment``.

Every model assigns an ordered ``pandas.Categorical`` whose categories are ranked lowest first,
pickles, and round-trips through JSON. Hysteresis (``previous=``) keeps accounts in their segment
while their value wobbles near a boundary.

Examples
--------
>>> import cssegment as cs
>>> cs.segment.TierModel is cs.TierModel and cs.segment.models.TierModel is cs.TierModel
True
"""

from __future__ import annotations

from .cadence import DAYS_PER_MONTH as DAYS_PER_MONTH
from .cadence import CadencePolicy
from .kmeans import KMeans
from .kmeans import Scale as Scale
from .models import Labels as Labels
from .models import QuadrantModel, RuleModel, Segment, TierModel
from .models import Ratio as Ratio
from .models import SegmentModel as SegmentModel
from .owners import OwnerAssignment, assign_owners
from .planner import CoveragePlan, TargetedCoverage, plan_coverage
from .reports import coverage, transitions

__all__ = [
    "CadencePolicy",
    "KMeans",
    "OwnerAssignment",
    "QuadrantModel",
    "RuleModel",
    "Segment",
    "TierModel",
    "assign_owners",
    "coverage",
    "transitions",
    # coverage planner
    "CoveragePlan",
    "TargetedCoverage",
    "plan_coverage",
]
