"""Scorecards: combining measures, bad input, JSON, pickle and display."""

from __future__ import annotations

import dataclasses
import inspect
import json
import pickle
import re
from collections.abc import Callable

import cssegment as cs
import numpy as np
import pandas as pd
import pytest

# ----------------------------------------------------------------------------------------------
# Combining measures


def oracle_weighted(x: pd.DataFrame, weights: np.ndarray, missing: str, min_measures: int) -> np.ndarray:
    values = x.to_numpy()
    present = ~np.isnan(values)
    numerator = np.nansum(values * weights, axis=1)
    denominator = (present * weights).sum(axis=1) if missing == "renormalize" else np.full(len(x), weights.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        score = numerator / denominator
    return np.where((present.sum(axis=1) >= min_measures) & (denominator > 0), score, np.nan)


@pytest.mark.parametrize("missing", ["renormalize", "penalize"])
@pytest.mark.parametrize("min_measures", [1, 5])
def test_weighted_scores_match_numpy_and_contributions_add_up(
    book: pd.DataFrame, missing: str, min_measures: int, hand_set: Callable[[], cs.Scorecard]
) -> None:
    base = hand_set()
    card = cs.Scorecard(base.measures, missing=missing, min_measures=min_measures)
    scores = card.score(book)
    weights = np.array([m.weight for m in card.measures])
    expected = oracle_weighted(card.transform(book), weights, missing, min_measures)
    np.testing.assert_allclose(scores["score"], expected, rtol=1e-12, atol=1e-12)
    contrib = scores[[f"contrib_{m.column}" for m in card.measures]]
    np.testing.assert_allclose(contrib.sum(axis=1, skipna=False), scores["score"], atol=1e-9)
    assert scores["score"].isna().any() == (min_measures == 5)  # nps is missing for about 30%
    assert list(scores.columns[:3]) == ["score", "band", "trend"]
    assert scores.index.equals(book.index)


@pytest.mark.parametrize("missing", ["renormalize", "penalize"])
def test_worst_is_the_lowest_measure(book: pd.DataFrame, missing: str, hand_set: Callable[[], cs.Scorecard]) -> None:
    card = cs.Scorecard(hand_set().measures, combine="worst", missing=missing)
    x = card.transform(book)
    expected = x.min(axis=1) if missing == "renormalize" else x.fillna(0).min(axis=1)
    scores = card.score(book)
    np.testing.assert_array_equal(scores["score"], expected)
    contrib = scores[[c for c in scores.columns if c.startswith("contrib_")]].to_numpy()
    np.testing.assert_array_equal(contrib.sum(axis=1), scores["score"])
    assert ((contrib != 0).sum(axis=1) <= 1).all()


def test_bands_hold_scores_from_their_lower_bound() -> None:
    card = cs.Scorecard([cs.Measure("x", cs.Linear(0, 100))], bands={"red": 0, "yellow": 50, "green": 75})
    scores = card.score(pd.DataFrame({"x": [0, 49.999, 50, 74.999, 75, 100, np.nan]}))
    assert list(scores["band"].astype(object).fillna("-")) == ["red", "red", "yellow", "yellow", "green", "green", "-"]
    band = scores["band"].cat
    assert band.ordered and list(band.categories) == ["red", "yellow", "green"]
    assert card.bands == {"red": 0.0, "yellow": 50.0, "green": 75.0}


def test_trend_is_the_change_since_previous(book: pd.DataFrame, hand_set: Callable[[], cs.Scorecard]) -> None:
    card = hand_set()
    before = card.score(book)["score"]
    later = book.assign(logins_per_user=book["logins_per_user"] * 0.5)
    after = card.score(later, previous=before)
    np.testing.assert_allclose(after["trend"], after["score"] - before)
    assert (after["trend"] <= 1e-12).all()
    assert card.score(book)["trend"].isna().all()
    with pytest.raises(cs.InvalidInputError, match="previous: has length 3 but data has length"):
        card.score(book, previous=[1.0, 2.0, 3.0])


# ----------------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: cs.Scorecard([cs.Measure("x", cs.Linear(0, 1), weight=-1)]), r"weights\[0\] = -1: weights must be"),
        (lambda: cs.Scorecard([cs.Measure("x", cs.Linear(0, 1), weight=np.nan)]), r"weights\[0\] = nan"),
        (lambda: cs.Scorecard([cs.Measure("x", cs.Linear(0, 1), weight=0)]), "all weights are 0"),
        (lambda: cs.Linear(5, 5)._core(), "good: 5 equals bad"),
        (lambda: cs.Bands([9, 7], [0, 50, 100])._core(), r"edges\[1\] = 7: thresholds must be strictly ascending"),
        (
            lambda: cs.Scorecard([cs.Measure("x", cs.Linear(0, 1))], bands={"red": 10, "green": 50}),
            r"bands\[0\] = 10: the first band must start at 0",
        ),
        (
            lambda: cs.Scorecard([cs.Measure("x", cs.Linear(0, 1))], bands={"red": 0, "green": 80, "blue": 60}),
            r"bands\[2\] = 60: thresholds must be strictly ascending",
        ),
        (lambda: cs.Scorecard([cs.Measure("x", cs.Linear(0, 1))], combine="mean"), "combine: 'mean' is not a combine"),
        (lambda: cs.Scorecard([cs.Measure("x", cs.Linear(0, 1))], missing="zero"), "missing: 'zero' is not a"),
        (lambda: cs.Percentile(unseen="ignore")._core(), "unseen: 'ignore' is not a policy"),
        (lambda: cs.ZScore(False), "by: False must name a column"),  # type: ignore[arg-type]
        (lambda: cs.Scorecard([("x", cs.Linear(0, 1))]), r"measures\[0\] = .*: expected a cssegment.Measure"),  # type: ignore[list-item]
    ],
)
def test_bad_scorecards_are_refused(build, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(cs.InvalidInputError, match=message):
        build()


def test_bad_data_names_column_row_and_value(book: pd.DataFrame, hand_set: Callable[[], cs.Scorecard]) -> None:
    card = hand_set()
    with pytest.raises(cs.InvalidInputError, match="data: no column 'nps'"):
        card.score(book.drop(columns="nps"))
    broken = book.assign(tickets_90d=book["tickets_90d"].astype(float))
    broken.iloc[5, broken.columns.get_loc("tickets_90d")] = np.inf
    with pytest.raises(cs.InvalidInputError, match=r"data\['tickets_90d'\]\[5\] = inf: values must be finite"):
        card.score(broken)
    sponsor = book.assign(exec_sponsor=book["exec_sponsor"].astype(float))
    sponsor.iloc[2, sponsor.columns.get_loc("exec_sponsor")] = 0.5
    with pytest.raises(
        cs.InvalidInputError, match=r"data\['exec_sponsor'\]\[2\] = 0.5: Boolean measures must be 0 or 1"
    ):
        card.score(sponsor)


# ----------------------------------------------------------------------------------------------
# Models: JSON, pickle, equality, display


def test_scorecards_round_trip_through_json_and_pickle(
    book: pd.DataFrame, hand_set: Callable[[], cs.Scorecard]
) -> None:
    card = cs.Scorecard(
        [
            cs.Measure("nps", cs.Percentile(by="region", unseen="raise")),
            cs.Measure("tickets_90d", cs.ZScore(higher_is_better=False)),
        ],
        combine="worst",
        bands={"low": 0, "high": 40},
        missing="penalize",
        min_measures=2,
    )
    assert cs.Scorecard.from_json(card.to_json()) == card
    card.fit(book)
    for restored in (cs.Scorecard.from_json(card.to_json()), pickle.loads(pickle.dumps(card))):
        assert restored == card and restored.fitted
        pd.testing.assert_frame_equal(restored.score(book), card.score(book))
    assert cs.Scorecard(**card.get_params()) != card  # get_params rebuilds the unfitted card
    assert cs.Scorecard(**card.get_params()).fit(book) == card
    document = json.loads(card.to_json())
    assert document["kind"] == "Scorecard" and document["cssegment_version"] == cs.__version__
    assert "Scorecard" in card._repr_html_() and "worst" in repr(card)
    model = hand_set().calibrate(book, "churned")
    for restored_model in (cs.CalibratedScorecard.from_json(model.to_json()), pickle.loads(pickle.dumps(model))):
        assert restored_model == model
        pd.testing.assert_series_equal(restored_model.predict_proba(book), model.predict_proba(book))
    assert pickle.loads(pickle.dumps(model)).n_iter_ == model.n_iter_
    assert "CalibratedScorecard" in model._repr_html_()
    with pytest.raises(cs.InvalidInputError, match="is a 'Scorecard' document, not a 'CalibratedScorecard'"):
        cs.CalibratedScorecard.from_json(card.to_json())
    with pytest.raises(TypeError, match=r"made by Scorecard\.calibrate"):
        cs.CalibratedScorecard()


def test_zscore_fits_keep_their_mean_and_sd_and_older_documents_still_load() -> None:
    data = pd.DataFrame({"x": [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]})  # mean 5, population sd 2
    card = cs.Scorecard([cs.Measure("x", cs.ZScore())]).fit(data)
    document = json.loads(card.to_json())
    assert document["measures"][0]["normalizer"]["population"] == {"mean": 5.0, "sd": 2.0}
    # Documents written before ZScore fits dropped their sorted values carry knots and counts.
    document["measures"][0]["normalizer"]["population"].update(knots=[2.0, 4.0, 5.0, 7.0, 9.0], counts=[1, 3, 2, 1, 1])
    older = cs.Scorecard.from_json(json.dumps(document))
    assert older == card
    pd.testing.assert_frame_equal(older.score(data), card.score(data), check_exact=True)


def test_measures_and_params_read_back() -> None:
    measures = [
        cs.Measure("a", cs.Linear(1, 2), 0.5),
        cs.Measure("b", cs.Bands([1.0], [0.0, 100.0])),
        cs.Measure("c", cs.Percentile(by="segment", higher_is_better=False)),
        cs.Measure("d", cs.ZScore(unseen="raise")),
        cs.Measure("e", cs.Boolean(False), 2.0),
    ]
    card = cs.Scorecard(measures)
    assert card.measures == measures
    assert card.get_params()["combine"] == "weighted"


def test_scorecard_set_params_runs_the_checks_of_init(hand_set: Callable[[], cs.Scorecard]) -> None:
    assert set(cs.Scorecard._parameters) == set(inspect.signature(cs.Scorecard).parameters)
    assert list(cs.Measure._parameters) == [field.name for field in dataclasses.fields(cs.Measure)]
    linear = [cs.Measure("nps", cs.Linear(0, 10))]
    for change, message in [
        ({"min_measures": 1.5}, "min_measures: expected an integer, got float 1.5"),
        ({"bands": [0, 50]}, "bands: expected a mapping of band name to lower bound"),
        ({"combine": "mean"}, "combine: 'mean' is not a combine mode"),
        ({"measures": [cs.Measure("nps", abs)]}, "measures[0].normalizer = <built-in function abs>: expected Linear"),  # type: ignore[arg-type]
        ({"measures": [cs.Measure("nps", cs.Linear(0, 10), weight="heavy")]}, "measures[0].weight: expected a number"),  # type: ignore[arg-type]
    ]:
        with pytest.raises(cs.InvalidInputError, match=re.escape(message)):
            cs.Scorecard(**{"measures": linear, **change})
        card = hand_set()
        with pytest.raises(cs.InvalidInputError, match=re.escape(message)):
            card.set_params(**change)
        assert card == hand_set()  # a refused change leaves the scorecard as it was
