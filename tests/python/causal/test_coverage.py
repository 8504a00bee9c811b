"""cs.coverage_effect: the RD at a tier threshold, checked against rd_estimate and density_test
called directly, and the synthetic book's known effect recovered."""

from __future__ import annotations

import cssegment as cs
import numpy as np
import pandas as pd
import pytest

TOUCH = cs.TierModel.touch()


def tiering_rows(book: cs.datasets.Book) -> pd.DataFrame:
    """Independently of coverage_effect: per account, 12 x the MRR of its first month and churned."""
    first = book.revenue.sort_values(["account_id", "month"]).drop_duplicates("account_id").set_index("account_id")
    churned = book.accounts.set_index("account_id")["churned"]
    return pd.DataFrame({"arr": 12 * first["mrr"], "churned": churned.reindex(first.index).astype(float)})


@pytest.fixture(scope="module")
def book() -> cs.datasets.Book:
    return cs.datasets.synthetic_book(30_000, seed=5)


def test_on_a_book_it_is_the_sharp_rd_on_the_tiering_arr(book) -> None:
    effect = cs.coverage_effect(book, TOUCH)
    rows = tiering_rows(book)
    expected = cs.rd_estimate(rows["churned"], rows["arr"], 50_000)
    assert effect.rd == expected
    assert not effect.rd.fuzzy
    assert effect.density == cs.density_test(rows["arr"], 50_000)
    assert (effect.boundary, effect.threshold, effect.outcome, effect.running) == (
        "High touch",
        50_000.0,
        "churned",
        "arr",
    )
    assert effect.warning is None


def test_lower_boundary_and_rd_options(book) -> None:
    effect = cs.coverage_effect(book, TOUCH, boundary="Low touch", p=2, kernel="uniform")
    rows = tiering_rows(book)
    assert effect.threshold == 10_000.0
    assert effect.rd == cs.rd_estimate(rows["churned"], rows["arr"], 10_000, p=2, kernel="uniform")


def test_a_frame_of_accounts_and_hysteresis_make_a_fuzzy_design(book) -> None:
    rows = tiering_rows(book).reset_index()
    sharp = cs.coverage_effect(rows, TOUCH)
    assert sharp.rd == cs.rd_estimate(rows["churned"], rows["arr"], 50_000)
    sticky = cs.TierModel.touch(hysteresis=0.1)
    previous = TOUCH.assign(rows["arr"] * 1.08)  # last year's tiers, on 8% more ARR
    fuzzy = cs.coverage_effect(rows, sticky, previous=previous)
    treated = np.asarray(sticky.assign(rows["arr"], previous=previous) == "High touch", dtype=float)
    assert fuzzy.rd.fuzzy
    assert fuzzy.rd == cs.rd_estimate(rows["churned"], rows["arr"], 50_000, fuzzy=treated)


def test_actual_tiers_with_overrides_are_the_treatment(book) -> None:
    rows = tiering_rows(book).reset_index()
    tiers = np.asarray(TOUCH.assign(rows["arr"]), dtype=object)
    tiers[:200] = "High touch"  # managers moved 200 accounts up
    effect = cs.coverage_effect(rows.assign(tier=tiers), TOUCH, tiers="tier")
    treated = (tiers == "High touch").astype(float)
    assert effect.rd == cs.rd_estimate(rows["churned"], rows["arr"], 50_000, fuzzy=treated)


def test_outcomes_over_a_horizon_come_from_the_revenue(book) -> None:
    months = 12
    effect = cs.coverage_effect(book, TOUCH, outcome="nrr", horizon=months)
    revenue = book.revenue.set_index(["account_id", "month"])["mrr"]
    first = book.revenue.sort_values(["account_id", "month"]).drop_duplicates("account_id").set_index("account_id")
    first = first[first["month"] + months <= book.revenue["month"].max()]
    later = [revenue.get((account, month + months), 0.0) for account, month in zip(first.index, first["month"])]
    nrr = np.asarray(later) / first["mrr"].to_numpy()
    assert effect.rd == cs.rd_estimate(nrr, 12 * first["mrr"].to_numpy(), 50_000)
    churn = cs.coverage_effect(book, TOUCH, horizon=months)
    assert churn.rd == cs.rd_estimate((np.asarray(later) == 0).astype(float), 12 * first["mrr"].to_numpy(), 50_000)


def test_too_few_accounts_near_the_threshold_warns_in_plain_words() -> None:
    small = cs.datasets.synthetic_book(600, seed=1)
    with pytest.warns(UserWarning, match="too few to say what High touch coverage did to churned"):
        effect = cs.coverage_effect(small, TOUCH)
    assert effect.warning is not None
    assert effect.warning.startswith(f"Only {effect.rd.n_effective[0]} accounts below and {effect.rd.n_effective[1]}")
    assert "Warning" in effect._repr_html_()


def test_display_summarises_estimate_ci_and_density(book) -> None:
    effect = cs.coverage_effect(book, TOUCH)
    assert repr(effect).startswith("CoverageEffect(High touch at arr >= 50,000: churned ")
    html = effect._repr_html_()
    assert "RDResult" in html
    assert "DensityTest" in html


# --- the synthetic book knows the truth (issue 16, item 5) -----------------------------------


def test_default_factor_is_recovered_robust_ci_excludes_zero() -> None:
    for seed in range(5):
        book = cs.datasets.synthetic_book(200_000, seed=seed)  # High touch: churn x 0.7
        effect = cs.coverage_effect(book, TOUCH)
        assert effect.rd.ci_robust[1] < 0, f"seed {seed}: {effect.rd.ci_robust}"


def test_without_an_effect_the_robust_ci_covers_zero_and_the_density_test_does_not_reject() -> None:
    covered, rejected = 0, 0
    for seed in range(10):
        book = cs.datasets.synthetic_book(100_000, seed=seed, high_touch_churn_factor=1.0)
        effect = cs.coverage_effect(book, TOUCH)
        low, high = effect.rd.ci_robust
        covered += low <= 0 <= high
        rejected += effect.density.p_value < 0.05
    # 95% intervals and 5% tests: over 80 seeds the rates were 90% (72/80) and 4% (3/80).
    assert covered >= 7
    assert rejected <= 2


def test_is_exported_from_the_area_and_the_top_level() -> None:
    assert cs.causal.coverage_effect is cs.coverage_effect
    assert cs.causal.CoverageEffect is cs.CoverageEffect
