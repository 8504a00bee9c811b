"""The coverage planner against independent references: every column by a pandas loop over the
combinations, the frontier by a direct dominance check, targeted coverage by a greedy loop and by
exhaustive search, accounts_moved by cs.transitions."""

from __future__ import annotations

import dataclasses
import itertools

import cssegment as cs
import numpy as np
import pandas as pd
import pytest

NAMES = ["Tech touch", "Low touch", "High touch"]
MODEL = cs.TierModel([10.0, 50.0], NAMES, csm_ratios=[None, 10.0, 2.0])
FACTORS = {"Tech touch": 1.0, "Low touch": 0.8, "High touch": 0.5}
CANDIDATES = {"Low touch": [5.0, 10.0, 20.0, 30.0], "High touch": [20.0, 30.0, 50.0, 80.0]}


def book(seed: int, n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    arr = np.round(rng.lognormal(3.0, 1.0, n))  # whole numbers: many accounts sit on a threshold
    previous = pd.Series(rng.choice([*NAMES, None], n), dtype=object)
    return pd.DataFrame(
        {"arr": arr, "churn": rng.uniform(0, 1, n), "previous": previous, "potential": rng.uniform(0, 50, n)},
        index=pd.RangeIndex(100, 100 + n),
    )


def brute_force(accounts: pd.DataFrame, low: float, high: float, csm_cost: float, margin: float) -> dict[str, float]:
    """The straightforward way: assign tiers with comparisons, group, sum."""
    tier = (accounts["arr"] >= low).astype(int) + (accounts["arr"] >= high).astype(int)
    frame = accounts.assign(tier=tier.map(dict(enumerate(NAMES))), factor=tier.map(dict(enumerate(FACTORS.values()))))
    counts = frame.groupby("tier")["arr"].size().reindex(NAMES, fill_value=0)
    ratios = {"Tech touch": np.inf, "Low touch": 10.0, "High touch": 2.0}
    csms = {name: counts[name] / ratios[name] for name in NAMES}
    churned = (frame["arr"] * frame["churn"] * frame["factor"]).sum()
    retained = frame["arr"].sum() - churned
    cost = sum(csms.values()) * csm_cost
    row = {f"accounts[{n}]": counts[n] for n in NAMES} | {f"csms_needed[{n}]": csms[n] for n in NAMES}
    moved = (frame["tier"] != frame["previous"]).sum()  # a missing previous tier differs too
    return row | {
        "csms_needed": sum(csms.values()),
        "cost": cost,
        "expected_churned_arr": churned,
        "expected_retained_arr": retained,
        "net_value": margin * retained - cost,
        "accounts_moved": moved,
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_column_matches_a_pandas_loop(seed: int) -> None:
    accounts = book(seed)
    plan = cs.plan_coverage(
        accounts,
        MODEL,
        "churn",
        effect=FACTORS,
        thresholds=CANDIDATES,
        csm_cost=1000.0,
        margin=1.3,
        previous="previous",
    )
    pairs = [(lo, hi) for lo in CANDIDATES["Low touch"] for hi in CANDIDATES["High touch"] if lo < hi]
    assert len(plan.table) == len(pairs) == 13
    for _, row in plan.table.iterrows():
        lo, hi = row["threshold[Low touch]"], row["threshold[High touch]"]
        expected = brute_force(accounts, lo, hi, 1000.0, 1.3)
        for column, value in expected.items():
            assert row[column] == pytest.approx(value, rel=1e-12, abs=1e-9), column
    assert sorted(zip(plan.table["threshold[Low touch]"], plan.table["threshold[High touch]"])) == sorted(pairs)
    assert plan.table["accounts[High touch]"].dtype == np.int64


def test_accounts_moved_agrees_with_transitions() -> None:
    accounts = book(4)
    plan = cs.plan_coverage(
        accounts, MODEL, "churn", effect=FACTORS, thresholds=CANDIDATES, csm_cost=1.0, previous="previous"
    )
    for _, row in plan.table.iterrows():
        model = cs.TierModel([row["threshold[Low touch]"], row["threshold[High touch]"]], NAMES)
        moves = cs.transitions(
            pd.Categorical(accounts["previous"], categories=NAMES, ordered=True), model.assign(accounts)
        )
        assert row["accounts_moved"] == moves["total"].sum() - moves["unchanged"].sum()


def test_frontier_is_exactly_the_undominated_rows() -> None:
    plan = cs.plan_coverage(book(5), MODEL, "churn", effect=FACTORS, thresholds=CANDIDATES, csm_cost=1000.0)
    cost, kept = plan.table["cost"].to_numpy(), plan.table["expected_retained_arr"].to_numpy()
    dominated = [
        any(
            cost[j] <= cost[i] and kept[j] >= kept[i] and (cost[j] < cost[i] or kept[j] > kept[i])
            for j in range(len(cost))
        )
        for i in range(len(cost))
    ]
    assert set(plan.frontier.index) == {i for i in plan.table.index if not dominated[i]}
    assert plan.frontier["cost"].is_monotonic_increasing


def test_best_is_the_highest_net_value_within_budget() -> None:
    plan = cs.plan_coverage(
        book(6), MODEL, "churn", effect=FACTORS, thresholds=CANDIDATES, csm_cost=50.0, budget=2500.0
    )
    within = plan.table[plan.table["cost"] <= 2500.0]
    assert len(within) < len(plan.table)
    assert plan.best["net_value"] == within["net_value"].max()
    assert plan.best["cost"] <= 2500.0
    assert plan.message == ""


def test_a_budget_below_the_cheapest_plan_gives_an_empty_best_and_says_why() -> None:
    plan = cs.plan_coverage(book(6), MODEL, "churn", effect=FACTORS, thresholds=CANDIDATES, csm_cost=50.0, budget=1.0)
    assert plan.best.empty
    cheapest = plan.table["cost"].min()
    assert plan.message == f"no plan costs at most 1; the cheapest costs {cheapest:g}"


def test_default_grid_holds_the_current_thresholds_priced_as_coverage() -> None:
    accounts = book(7, 200)
    model = cs.TierModel.touch(thresholds=[10.0, 50.0])
    plan = cs.plan_coverage(accounts, model, "churn", effect=FACTORS, csm_cost=1000.0)
    assert list(plan.current[["threshold[Low touch]", "threshold[High touch]"]]) == [10.0, 50.0]
    today = cs.coverage(model.assign(accounts), model, csm_cost=1000.0)
    assert plan.current["cost"] == pytest.approx(today["total_cost"].sum(), rel=1e-12)
    quantiles = set(np.unique(np.quantile(accounts["arr"], np.arange(1, 100) / 100)))
    # Every quantile above the lowest Low touch candidate pairs with one below it.
    assert set(plan.table["threshold[High touch]"]) == {q for q in quantiles if q > min(quantiles)} | {50.0}
    assert set(plan.table["threshold[Low touch]"]) == {q for q in quantiles if q < max(quantiles)} | {10.0}


def test_marginal_steps_down_one_threshold_with_the_others_held() -> None:
    plan = cs.plan_coverage(book(8), MODEL, "churn", effect=FACTORS, thresholds=CANDIDATES, csm_cost=30.0, margin=0.8)
    at = plan.table.iloc[0]  # Low touch threshold 5
    steps = plan.marginal("High touch", at=at)
    rows = plan.table[plan.table["threshold[Low touch]"] == at["threshold[Low touch]"]]
    rows = rows.sort_values("threshold[High touch]", ascending=False)
    assert steps.index.tolist() == rows["threshold[High touch]"].tolist() == [80.0, 50.0, 30.0, 20.0]
    assert np.isnan(steps["marginal_cost"].iloc[0])
    np.testing.assert_allclose(steps["marginal_cost"].iloc[1:], np.diff(rows["cost"].to_numpy()))
    gained = np.diff(rows["expected_retained_arr"].to_numpy())
    np.testing.assert_allclose(steps["marginal_value"].iloc[1:], 0.8 * gained - np.diff(rows["cost"].to_numpy()))
    # Lowering a threshold moves accounts up: never fewer CSMs, never less retained ARR.
    assert (steps["marginal_cost"].iloc[1:] >= 0).all() and (steps["marginal_retained_arr"].iloc[1:] >= 0).all()


def greedy(accounts: pd.DataFrame, sizes: dict[str, int], value: pd.Series) -> pd.Series:
    """Reference for targeted coverage: largest value first into the lowest-factor tier."""
    order = np.argsort(-value.to_numpy(), kind="stable")
    tiers = sorted(NAMES, key=lambda name: (FACTORS[name], -NAMES.index(name)))
    labels = np.empty(len(accounts), dtype=object)
    labels[order] = [tier for tier in tiers for _ in range(sizes[tier])]
    return pd.Series(labels, index=accounts.index)


@pytest.mark.parametrize("with_potential", [False, True])
def test_targeted_matches_a_greedy_reference(with_potential: bool) -> None:
    accounts = book(9)
    plan = cs.plan_coverage(accounts, MODEL, "churn", effect=FACTORS, thresholds=CANDIDATES, csm_cost=100.0, margin=2.0)
    result = plan.targeted(capacity=40.0, potential="potential" if with_potential else None)
    fits = plan.table[plan.table["csms_needed"] <= 40.0]
    chosen = fits.loc[fits["expected_retained_arr"].idxmax()]
    sizes = {name: int(chosen[f"accounts[{name}]"]) for name in NAMES}
    value = accounts["churn"] * (accounts["arr"] + (accounts["potential"] if with_potential else 0.0))
    expected = greedy(accounts, sizes, value)
    assert result.segments.tolist() == expected.tolist()
    assert result.segments.index.equals(accounts.index)
    factor = expected.map(FACTORS)
    retained = accounts["arr"].sum() - (accounts["arr"] * accounts["churn"] * factor).sum()
    assert result.summary.loc["targeted", "expected_retained_arr"] == pytest.approx(retained, rel=1e-12)
    assert result.summary.loc["thresholds", "expected_retained_arr"] == chosen["expected_retained_arr"]
    assert result.summary["csms_needed"].tolist() == [chosen["csms_needed"]] * 2
    assert result.retained_gain == pytest.approx(retained - chosen["expected_retained_arr"], rel=1e-12)
    if not with_potential:
        assert result.retained_gain >= 0
    threshold_tier = pd.Series(
        cs.TierModel([chosen["threshold[Low touch]"], chosen["threshold[High touch]"]], NAMES).assign(accounts),
        index=accounts.index,
    ).astype(object)
    promoted = expected.map(FACTORS) < threshold_tier.map(FACTORS)
    assert result.promoted.index.tolist() == accounts.index[promoted].tolist()
    assert (result.promoted["arr"] == accounts.loc[promoted, "arr"]).all()


def test_targeted_is_the_best_assignment_with_the_same_tier_sizes() -> None:
    accounts = book(10, 7)
    plan = cs.plan_coverage(accounts, MODEL, "churn", effect=FACTORS, thresholds=CANDIDATES, csm_cost=1.0)
    result = plan.targeted(capacity=plan.table["csms_needed"].max())
    sizes = result.segments.value_counts()
    arr, churn = accounts["arr"].to_numpy(), accounts["churn"].to_numpy()
    labels = [name for name in NAMES for _ in range(int(sizes[name]))]
    best = max(
        arr.sum() - sum(a * c * FACTORS[t] for a, c, t in zip(arr, churn, assignment))
        for assignment in set(itertools.permutations(labels))
    )
    assert result.summary.loc["targeted", "expected_retained_arr"] == pytest.approx(best, rel=1e-12)


@dataclasses.dataclass(frozen=True)
class StandInRD:
    """The agreed interface of an RD result (issue "Does coverage work?")."""

    intercept: tuple[float, float]
    estimate: float
    ci_robust: tuple[float, float]
    cutoff: float
    fuzzy: bool = False


@dataclasses.dataclass(frozen=True)
class StandInCoverageEffect:
    rd: StandInRD
    boundary: str


def test_an_rd_effect_becomes_a_factor_with_its_interval() -> None:
    accounts = book(11)
    rd = StandInRD(intercept=(0.2, 0.15), estimate=-0.05, ci_robust=(-0.09, -0.01), cutoff=50.0)
    plan = cs.plan_coverage(accounts, MODEL, "churn", effect=StandInCoverageEffect(rd, "High touch"), csm_cost=1.0)
    assert plan.factors == {"Tech touch": 1.0, "Low touch": 1.0, "High touch": pytest.approx(0.75)}
    assert plan.factor_intervals is not None
    assert plan.factor_intervals["High touch"] == (pytest.approx(0.55), pytest.approx(0.95))
    assert plan.factor_intervals["Low touch"] == (1.0, 1.0)
    # The interval's ends are the plans at the interval's factors.
    for end, factor in (("low", 0.95), ("high", 0.55)):
        at_end = cs.plan_coverage(
            accounts, MODEL, "churn", csm_cost=1.0, effect=FACTORS | {"Low touch": 1.0, "High touch": factor}
        )
        np.testing.assert_allclose(
            plan.table[f"expected_retained_arr_{end}"], at_end.table["expected_retained_arr"], rtol=1e-12
        )
    assert (plan.table["expected_retained_arr_low"] <= plan.table["expected_retained_arr"]).all()
    # A bare RD result sits at the tier whose lower edge is its cutoff; a mapping mixes numbers and RD.
    bare = cs.plan_coverage(accounts, MODEL, "churn", effect=rd, csm_cost=1.0)
    mixed = cs.plan_coverage(accounts, MODEL, "churn", effect={**FACTORS, "High touch": rd}, csm_cost=1.0)
    assert bare.factors["High touch"] == mixed.factors["High touch"] == pytest.approx(0.75)
    assert mixed.factors["Low touch"] == 0.8


def test_rd_results_that_cannot_be_a_factor_are_refused() -> None:
    accounts = book(12, 20)
    fuzzy = StandInRD((0.2, 0.1), -0.1, (-0.2, 0.0), 50.0, fuzzy=True)
    with pytest.raises(cs.InvalidInputError, match=r"^effect: a fuzzy RD result"):
        cs.plan_coverage(accounts, MODEL, "churn", effect=fuzzy, csm_cost=1.0)
    zero = StandInRD((0.0, 0.1), 0.1, (0.0, 0.2), 50.0)
    with pytest.raises(
        cs.InvalidInputError, match=r"^effect: the RD's churn just below the cutoff \(intercept\[0\]\) is 0.0"
    ):
        cs.plan_coverage(accounts, MODEL, "churn", effect=zero, csm_cost=1.0)
    elsewhere = StandInRD((0.2, 0.1), -0.1, (-0.2, 0.0), 70.0)
    with pytest.raises(cs.InvalidInputError, match=r"^effect: the RD's cutoff 70.0 is not a threshold"):
        cs.plan_coverage(accounts, MODEL, "churn", effect=elsewhere, csm_cost=1.0)
    with pytest.raises(cs.InvalidInputError, match=r"^effect\['Low touch'\]: the RD result is for tier 'High touch'"):
        cs.plan_coverage(
            accounts,
            MODEL,
            "churn",
            effect={**FACTORS, "Low touch": StandInCoverageEffect(elsewhere, "High touch")},
            csm_cost=1.0,
        )
