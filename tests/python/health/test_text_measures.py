"""Text in scorecards: Category measures, Boolean label sets, outcomes given as labels, and numbers
stored as text refused with the one-line fix."""

from __future__ import annotations

import pickle

import cssegment as cs
import numpy as np
import pandas as pd
import polars as pl
import pytest

CONTRACT = cs.Category({"Month-to-month": 0, "One year": 60, "Two year": 100})
POINTS = {"Month-to-month": 0.0, "One year": 60.0, "Two year": 100.0}


def contracts(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    contract = rng.choice(list(POINTS), size=n, p=[0.55, 0.25, 0.2])
    points = np.array([POINTS[c] for c in contract])
    churned = rng.random(n) < 1 / (1 + np.exp(-(1.0 - points / 40)))
    return pd.DataFrame(
        {
            "contract": contract,
            "support": rng.choice(["Yes", "No", "No internet service"], size=n),
            "logins": rng.gamma(2.0, 5.0, size=n),
            "churn": np.where(churned, "Yes", "No"),
        }
    )


def test_category_scores_each_label_and_missing_labels_are_missing() -> None:
    data = {"contract": ["Two year", "Month-to-month", None, "One year"]}
    card = cs.Scorecard([cs.Measure("contract", CONTRACT)])
    assert card.transform(data)["contract"].tolist()[:2] == [100.0, 0.0]
    assert np.isnan(card.transform(data)["contract"][2])
    # A pandas categorical with its own category order reads the same labels.
    categorical = pd.Categorical(data["contract"], categories=["Two year", "One year", "Month-to-month"])
    pd.testing.assert_frame_equal(card.transform({"contract": categorical}), card.transform(data))


def test_unknown_labels_follow_the_named_policy() -> None:
    data = {"contract": ["One year", "Weekly"]}
    with pytest.raises(cs.InvalidInputError, match=r"data\['contract'\]\[1\] = 'Weekly': label has no points"):
        cs.Scorecard([cs.Measure("contract", CONTRACT)]).transform(data)
    lenient = cs.Category(POINTS, unknown="missing")
    scored = cs.Scorecard([cs.Measure("contract", lenient)]).transform(data)["contract"]
    assert scored[0] == 60.0 and np.isnan(scored[1])
    with pytest.raises(cs.InvalidInputError, match="unknown: 'skip' must be 'error' or 'missing'"):
        cs.Scorecard([cs.Measure("contract", cs.Category(POINTS, unknown="skip"))])
    with pytest.raises(cs.InvalidInputError, match=r"points\['Two year'\]: 120 must be in \[0, 100\]"):
        cs.Scorecard([cs.Measure("contract", cs.Category({"Two year": 120}))])


def test_category_needs_labels_not_numbers() -> None:
    with pytest.raises(cs.InvalidInputError, match="has dtype int64; a column of labels"):
        cs.Scorecard([cs.Measure("contract", CONTRACT)]).transform({"contract": np.array([1, 2])})


def test_boolean_reads_true_false_one_zero_and_label_sets() -> None:
    card = cs.Scorecard([cs.Measure("flag", cs.Boolean())])
    expected = [100.0, 0.0, 100.0]
    assert card.transform({"flag": [True, False, True]})["flag"].tolist() == expected
    assert card.transform({"flag": [1, 0, 1]})["flag"].tolist() == expected
    with_none = card.transform({"flag": pd.Series([True, None, False], dtype=object)})["flag"]
    assert with_none[0] == 100.0 and np.isnan(with_none[1]) and with_none[2] == 0.0
    labelled = cs.Scorecard([cs.Measure("flag", cs.Boolean(true="Yes"))])
    scored = labelled.transform({"flag": ["Yes", "No", "No internet service", None]})["flag"]
    assert scored.tolist()[:3] == [100.0, 0.0, 0.0] and np.isnan(scored[3])
    several = cs.Scorecard([cs.Measure("flag", cs.Boolean(higher_is_better=False, true=["Y", "Yes"]))])
    assert several.transform({"flag": ["Y", "Yes", "No"]})["flag"].tolist() == [0.0, 0.0, 100.0]


def test_label_measures_round_trip_through_json_and_pickle() -> None:
    card = cs.Scorecard(
        [cs.Measure("contract", cs.Category(POINTS, unknown="missing")), cs.Measure("support", cs.Boolean(true="Yes"))]
    )
    assert cs.Scorecard.from_json(card.to_json()) == card
    assert pickle.loads(pickle.dumps(card)) == card
    normalizers = [m.normalizer for m in cs.Scorecard.from_json(card.to_json()).measures]
    assert normalizers == [cs.Category(POINTS, unknown="missing"), cs.Boolean(true=["Yes"])]


def test_category_calibrates_as_one_weight_on_its_points() -> None:
    """Calibrating a Category is calibrating a 0-100 measure holding its points: one coefficient."""
    data = contracts(3000, seed=5)
    by_label = cs.Scorecard([cs.Measure("contract", CONTRACT), cs.Measure("logins", cs.Linear(0, 30))])
    by_points = cs.Scorecard([cs.Measure("points", cs.Linear(0, 100)), cs.Measure("logins", cs.Linear(0, 30))])
    model = by_label.calibrate(data, "churn", positive="Yes")
    reference = by_points.calibrate(data.assign(points=data["contract"].map(POINTS)), "churn", positive="Yes")
    assert list(model.coef_.index) == ["contract", "logins"]
    np.testing.assert_allclose(model.coef_.to_numpy(), reference.coef_.to_numpy(), rtol=1e-12)
    assert model.coef_["contract"] < 0  # longer contracts, less churn: the data were made so


def test_outcome_as_labels_with_positive() -> None:
    data = contracts(2000, seed=7)
    card = cs.Scorecard([cs.Measure("contract", CONTRACT)])
    as_labels = card.backtest(data, "churn", positive="Yes")
    as_numbers = card.backtest(data.assign(churn=(data["churn"] == "Yes").astype(int)), "churn")
    assert as_labels.auc == as_numbers.auc and as_labels.churned == as_numbers.churned
    calibrated = card.calibrate(data, "churn", positive="Yes")
    assert calibrated.backtest(data, "churn", positive="Yes").brier == pytest.approx(
        calibrated.backtest(data.assign(churn=(data["churn"] == "Yes").astype(int)), "churn").brier, abs=0
    )
    with pytest.raises(cs.InvalidInputError, match=r"churn: holds labels \('.*'\); .* positive="):
        card.calibrate(data, "churn")
    with pytest.raises(cs.InvalidInputError, match="positive: 'yes' is not a label of churn"):
        card.calibrate(data, "churn", positive="yes")


def test_numbers_stored_as_text_name_the_first_blank_and_the_fix() -> None:
    card = cs.Scorecard([cs.Measure("total", cs.Linear(0, 100))])
    data = pd.DataFrame({"total": ["29.85", "1889.5", " ", "108.15", ""]})
    with pytest.raises(cs.InvalidInputError) as raised:
        card.score(data)
    assert str(raised.value) == (
        "data['total'][2] = ' ': expected a number, got str (numbers stored as text with blanks: "
        "pd.to_numeric(data['total'], errors='coerce') makes them missing)"
    )
    fixed = card.score(data.assign(total=pd.to_numeric(data["total"], errors="coerce")))
    assert fixed["score"].notna().tolist() == [True, True, False, True, False]
    with pytest.raises(cs.InvalidInputError, match=r"\[0\] = '29.85': expected a number, got str \(numbers stored"):
        card.score(pd.DataFrame({"total": ["29.85", "1.5"]}))
    with pytest.raises(cs.InvalidInputError, match=r"\(a column of labels is read by a Category or Boolean"):
        card.score(pd.DataFrame({"total": ["Yes", "No"]}))


def test_label_measures_from_polars_and_in_a_scorecard_set() -> None:
    data = contracts(500, seed=9).assign(segment=lambda d: np.where(d["logins"] > 10, "Active", "Quiet"))
    card = cs.Scorecard([cs.Measure("contract", CONTRACT), cs.Measure("support", cs.Boolean(true="Yes"))])
    pd.testing.assert_frame_equal(card.score(pl.from_pandas(data)), card.score(data.reset_index(drop=True)))
    cards = cs.ScorecardSet({"Active": card, "Quiet": card}, by="segment")
    pd.testing.assert_frame_equal(cards.score(data).drop(columns="scorecard"), card.score(data))
