"""cssegment.plot's coverage-planner plots (coverage_frontier, marginal_coverage), rendered with Agg,
their content checked against the plan's own tables."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import cssegment as cs
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

plot = cs.plot
FACTORS = {"Tech touch": 1.0, "Low touch": 0.85, "High touch": 0.7}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def plan() -> cs.CoveragePlan:
    accounts = cs.datasets.synthetic_book(1000, seed=4).accounts
    churn = np.linspace(0.02, 0.4, len(accounts))
    return cs.plan_coverage(
        accounts, cs.TierModel.touch(), churn, effect=FACTORS, csm_cost=120_000, budget=2_000_000, margin=0.8
    )


def test_coverage_frontier_draws_every_plan_the_frontier_and_the_marks(plan):
    targeted = plan.targeted()
    ax = plot.coverage_frontier(plan, targeted=targeted)
    ax.figure.canvas.draw()
    points = ax.collections[0].get_offsets()
    np.testing.assert_allclose(points[:, 0], plan.table["cost"])
    np.testing.assert_allclose(points[:, 1], plan.table["expected_retained_arr"])
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines) == ["frontier", "today", "best", "targeted"]
    np.testing.assert_allclose(lines["frontier"].get_xdata(), plan.frontier["cost"])
    for label, row in (("today", plan.current), ("best", plan.best), ("targeted", targeted.summary.loc["targeted"])):
        assert lines[label].get_xdata()[0] == row["cost"]
        assert lines[label].get_ydata()[0] == row["expected_retained_arr"]
    assert ax.get_title() == f"Coverage frontier: {len(plan.table):,} plans, {len(plan.frontier):,} on the frontier"


def test_marginal_coverage_draws_the_steps_and_marks_where_lowering_stops_paying(plan):
    ax = plot.marginal_coverage(plan, "High touch")
    steps = plan.marginal("High touch")
    lines = ax.get_lines()
    np.testing.assert_allclose(lines[0].get_xdata(), steps.index[1:])
    np.testing.assert_allclose(lines[0].get_ydata(), steps["marginal_cost"].iloc[1:])
    np.testing.assert_allclose(lines[1].get_ydata(), 0.8 * steps["marginal_retained_arr"].iloc[1:])
    losing = np.flatnonzero(steps["marginal_value"].iloc[1:].to_numpy() <= 0)
    assert losing.size  # at $120k a CSM the lowest quantiles do not pay on this book
    stop = steps.index[losing[0]]
    assert lines[2].get_xdata()[0] == stop
    assert ax.get_title().startswith("How low can you go? High touch: lowering pays down to $")


def test_planner_plots_reject_other_objects(plan):
    with pytest.raises(cs.InvalidInputError, match=r"^plan: expected the CoveragePlan of cssegment.plan_coverage"):
        plot.coverage_frontier(pd.DataFrame())  # type: ignore[arg-type]
    with pytest.raises(cs.InvalidInputError, match=r"^targeted: expected a TargetedCoverage, got dict"):
        plot.coverage_frontier(plan, targeted={})  # type: ignore[arg-type]
    with pytest.raises(cs.InvalidInputError, match=r"^boundary: 'Tech touch' is not a tier with a lower edge"):
        plot.marginal_coverage(plan, "Tech touch")
