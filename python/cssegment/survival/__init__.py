"""Survival models: the shifted-beta-geometric (sBG) model of Fader & Hardie.

Customers of a cohort churn at the end of each period with their own probability, which varies
across customers as a Beta(alpha, beta) distribution. Survival (the share still active) therefore
falls ever more slowly with tenure, and lifetime value is higher than the constant-churn formula
says: ignoring heterogeneity undervalues the customers who stay. ("Retention" in cssegment means
NRR, GRR and logo retention of a :class:`~cssegment.RevenueLedger`.)

Examples
--------
>>> import cssegment as cs
>>> model = cs.survival.ShiftedBetaGeometric(alpha=1.0, beta=3.0)
>>> model.retention_rate([1, 2, 3]).round(3).tolist()
[0.75, 0.8, 0.833]
"""

from __future__ import annotations

from .sbg import ShiftedBetaGeometric

__all__ = ["ShiftedBetaGeometric"]
