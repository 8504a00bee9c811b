"""The exact AUC, both forms, against scikit-learn."""

from __future__ import annotations

from fractions import Fraction

import cssegment as cs
import numpy as np
import pytest
from cssegment import _core
from sklearn.metrics import roc_auc_score


def test_health_auc_equals_scikit_learns_with_ties(rng: np.random.Generator) -> None:
    for n in (50, 20_000):
        health = np.round(rng.uniform(0, 100, n))  # a coarse grid: many ties
        churned = rng.uniform(0, 100, n) > health + rng.normal(0, 30, n)
        assert cs.health.health_auc(health, churned) == pytest.approx(roc_auc_score(churned, -health), abs=1e-12)
        assert cs.health.auc(churned, -health) == cs.health.health_auc(health, churned)


def test_auc_takes_scikit_learns_order_and_meaning(rng: np.random.Generator) -> None:
    for n in (50, 20_000):
        probability = rng.uniform(0, 1, n)
        churned = rng.uniform(0, 1, n) < probability
        assert cs.health.auc(churned, probability) == pytest.approx(roc_auc_score(churned, probability), abs=1e-12)
        tied = np.round(probability, 1)  # eleven distinct values: many ties
        assert cs.health.auc(churned, tied) == pytest.approx(roc_auc_score(churned, tied), abs=1e-12)
        assert cs.health.auc(churned.astype(int).tolist(), tied.tolist()) == cs.health.auc(churned, tied)
    assert cs.health.auc([1, 1, 0, 0], [0.9, 0.5, 0.5, 0.1]) == 0.875


def test_auc_in_the_old_health_first_order_is_an_error_not_one_minus_auc() -> None:
    with pytest.raises(cs.InvalidInputError, match=r"y_true: .*use cssegment\.health\.health_auc\(health, outcome\)"):
        cs.health.auc([10, 50, 50, 90], [True, True, False, False])
    # Its errors name its own arguments.
    with pytest.raises(cs.InvalidInputError, match=r"y_true\[1\] = 2: outcomes must be 0 or 1"):
        cs.health.auc([1, 2], [0.5, 0.7])
    with pytest.raises(cs.InvalidInputError, match=r"y_score\[0\] = nan: scores must be finite"):
        cs.health.auc([1, 0, 0], [np.nan, 0.2, 0.3])
    with pytest.raises(cs.InvalidInputError, match=r"outcome\[1\] = 2: outcomes must be 0 or 1"):
        cs.health.health_auc([1, 2], [1, 2])


def test_errors_are_the_cores_and_name_each_forms_arguments() -> None:
    with pytest.raises(cs.InvalidInputError, match=r"^y_true: has length 2 but y_score has length 3$"):
        cs.health.auc([1, 0], [0.1, 0.2, 0.3])
    with pytest.raises(cs.InvalidInputError, match=r"^y_true: has only 1s in 2 rows; both outcomes are needed$"):
        cs.health.auc([1, 1], [0.1, 0.2])
    with pytest.raises(cs.InvalidInputError, match=r"^outcome: has length 2 but health has length 3$"):
        cs.health.health_auc([1, 2, 3], [1, 0])
    with pytest.raises(cs.InvalidInputError, match=r"^outcome: has only 0s in 2 rows; both outcomes are needed$"):
        cs.health.health_auc([1, 2], [0, 0])
    with pytest.raises(cs.InvalidInputError, match=r"^health\[1\] = inf: scores must be finite$"):
        cs.health.health_auc([1, np.inf], [0, 1])


def test_the_core_computes_both_forms_without_swapping() -> None:
    y_true, y_score = np.array([1.0, 1.0, 0.0, 0.0]), np.array([0.9, 0.5, 0.5, 0.1])
    assert _core.health.roc_auc(y_true, y_score) == 0.875
    assert _core.health.health_auc(-y_score, y_true) == 0.875


def test_both_forms_are_the_exact_pair_fraction_correctly_rounded(rng: np.random.Generator) -> None:
    for n in (7, 400):
        score = np.round(rng.normal(0, 2, n))  # integers: many ties
        y_true = (rng.uniform(size=n) < 0.3).astype(float)
        y_true[:2] = [0.0, 1.0]
        positives, negatives = score[y_true == 1.0], score[y_true == 0.0]
        # Twice the pairs a positive wins, plus the ties, counted in integers.
        twice_won = sum(2 * int((p > negatives).sum()) + int((p == negatives).sum()) for p in positives)
        exact = float(Fraction(twice_won, 2 * len(positives) * len(negatives)))
        assert cs.health.auc(y_true, score) == exact
        assert cs.health.health_auc(-score, y_true) == exact
