"""Per-segment scorecards (ScorecardSet)."""

from __future__ import annotations

import inspect
import json
import pickle
import re
from collections.abc import Callable

import cssegment as cs
import numpy as np
import pandas as pd
import pytest

MEASURES = ["nps", "logins_per_user", "seats_used_pct", "tickets_90d", "exec_sponsor", "renewal_days"]


# ----------------------------------------------------------------------------------------------
# Per-segment scorecards


def test_scorecard_set_scores_each_segment_with_its_own_card(book: pd.DataFrame) -> None:
    usage = cs.Scorecard([cs.Measure("logins_per_user", cs.Percentile(by="region")), cs.Measure("nps", cs.ZScore())])
    sponsor = cs.Scorecard([cs.Measure("exec_sponsor", cs.Boolean()), cs.Measure("nps", cs.ZScore())])
    cards = cs.ScorecardSet({"Enterprise": sponsor}, default=usage, by="segment")
    data = book.assign(segment=np.where(book["arr"] >= 50_000, "Enterprise", "SMB"))
    assert cards.fit(data) is cards
    assert not usage.fitted  # the set fits its own copies
    scores = cards.score(data)
    big = data["segment"] == "Enterprise"
    own = cs.Scorecard(sponsor.measures).fit(data[big]).score(data[big])
    np.testing.assert_allclose(scores.loc[big, "score"], own["score"])
    np.testing.assert_allclose(scores.loc[big, "contrib_logins_per_user"], 0.0)
    rest = cs.Scorecard(usage.measures).fit(data[~big]).score(data[~big])
    np.testing.assert_allclose(scores.loc[~big, "score"], rest["score"])
    assert list(scores["scorecard"].cat.categories) == ["Enterprise", "default"]
    assert (scores.loc[big, "scorecard"] == "Enterprise").all()
    contrib = scores[[c for c in scores.columns if c.startswith("contrib_")]]
    np.testing.assert_allclose(contrib.sum(axis=1), scores["score"])
    later = cards.score(data.assign(nps=data["nps"] - 1), previous=scores["score"])
    np.testing.assert_allclose(later["trend"], later["score"] - scores["score"])
    assert (later["trend"].dropna() <= 1e-12).all() and later["trend"].notna().any()
    restored = pickle.loads(pickle.dumps(cards))
    assert restored == cards
    pd.testing.assert_frame_equal(restored.score(data), scores)
    assert cs.ScorecardSet.from_json(cards.to_json()) == cards


def test_scorecard_set_refuses_what_it_cannot_score(book: pd.DataFrame, hand_set: Callable[[], cs.Scorecard]) -> None:
    card = hand_set()
    data = book.assign(segment=np.where(book["arr"] >= 50_000, "Enterprise", "SMB"))
    strict = cs.ScorecardSet({"Enterprise": card})
    first = int(np.flatnonzero(data["segment"].to_numpy() == "SMB")[0])
    with pytest.raises(cs.InvalidInputError, match=rf"data\['segment'\]\[{first}\] = 'SMB': no scorecard"):
        strict.score(data)
    other_bands = cs.Scorecard(card.measures, bands={"at risk": 0, "fine": 60})
    with pytest.raises(cs.InvalidInputError, match="must share band names"):
        cs.ScorecardSet({"a": card}, default=other_bands)
    with pytest.raises(cs.InvalidInputError, match="at least one scorecard"):
        cs.ScorecardSet({})


def test_scorecard_set_matches_scoring_each_segment_apart(
    book: pd.DataFrame, hand_set: Callable[[], cs.Scorecard]
) -> None:
    card, usage = hand_set(), cs.Scorecard([cs.Measure("renewal_days", cs.Linear(0, 365))])
    cards = cs.ScorecardSet({"SMB": card, "Mid": usage}, default=cs.Scorecard(card.measures[:2]), by="tier")
    tier = pd.Series(np.where(book["arr"] >= 50_000, "Mid", "SMB"), index=book.index, dtype="str")
    tier.iloc[::7] = "Strategic"  # no scorecard of its own: the default
    tier.iloc[::11] = None  # no segment: the default
    data = book.assign(tier=tier)
    scores = cards.score(data)
    assert list(scores.columns[:4]) == ["score", "band", "trend", "scorecard"]
    contributions = [f"contrib_{c}" for c in [*MEASURES[:5], "renewal_days"]]
    assert list(scores.columns[4:]) == contributions
    chosen = tier.map({"SMB": "SMB", "Mid": "Mid"}).fillna("default")
    assert (scores["scorecard"].astype("str") == chosen).all()
    for name, own in [("SMB", card), ("Mid", usage), ("default", cards.default)]:
        rows = chosen == name
        assert own is not None and rows.any()
        alone = own.score(data[rows])
        pd.testing.assert_series_equal(scores.loc[rows, "score"], alone["score"])
        pd.testing.assert_series_equal(scores.loc[rows, "band"], alone["band"])
        for column in contributions:
            expected = alone[column] if column in alone else pd.Series(0.0, index=alone.index, name=column)
            expected = expected.where(alone["score"].notna())
            pd.testing.assert_series_equal(scores.loc[rows, column], expected)
    np.testing.assert_allclose(scores[contributions].sum(axis=1, min_count=1), scores["score"])


def test_scorecard_set_errors_name_rows_of_the_whole_frame(
    book: pd.DataFrame, hand_set: Callable[[], cs.Scorecard]
) -> None:
    data = book.assign(segment=np.where(book["arr"] >= 50_000, "Enterprise", "SMB"))
    cards = cs.ScorecardSet({"Enterprise": hand_set()}, default=cs.Scorecard([cs.Measure("nps", cs.Linear(0, 10))]))
    row = int(np.flatnonzero(data["segment"].to_numpy() == "Enterprise")[3])
    bad = data.assign(logins_per_user=data["logins_per_user"].where(np.arange(len(data)) != row, np.inf))
    with pytest.raises(cs.InvalidInputError, match=rf"data\['logins_per_user'\]\[{row}\] = inf"):
        cards.score(bad)
    cards.score(data.drop(columns="tickets_90d").assign(segment="SMB"))  # the Enterprise card has no rows
    with pytest.raises(cs.InvalidInputError, match="no column 'tickets_90d'"):
        cards.score(data.drop(columns="tickets_90d"))
    with pytest.raises(cs.InvalidInputError, match="previous: has length 3"):
        cards.score(data, previous=[1.0, 2.0, 3.0])
    with pytest.raises(cs.InvalidInputError, match="'default': this name is reserved"):
        cs.ScorecardSet({"default": hand_set()})
    with pytest.raises(cs.InvalidInputError, match=r"scorecards\['x'\] = 1: expected a cssegment.Scorecard"):
        cs.ScorecardSet({"x": 1})  # type: ignore[dict-item]


def test_scorecard_set_json_keeps_the_set_order(book: pd.DataFrame) -> None:
    usage = cs.Scorecard([cs.Measure("logins_per_user", cs.Percentile(by="region"))])
    sponsor = cs.Scorecard([cs.Measure("exec_sponsor", cs.Boolean())])
    data = book.assign(segment=np.where(book["arr"] >= 50_000, "Enterprise", "SMB"))
    cards = cs.ScorecardSet({"SMB": usage, "Enterprise": sponsor}, default=sponsor).fit(data)
    given = cards.scorecards
    restored = cs.ScorecardSet.from_json(cards.to_json())
    assert restored == cards and list(restored.scorecards) == ["SMB", "Enterprise"]
    pd.testing.assert_frame_equal(restored.score(data), cards.score(data))
    document = json.loads(cards.to_json())
    assert document["kind"] == "ScorecardSet" and document["cssegment_version"] == cs.__version__
    assert [entry["segment"] for entry in document["scorecards"]] == ["SMB", "Enterprise"]
    assert not usage.fitted and given["SMB"].fitted  # the set fitted its own copy
    assert "ScorecardSet" in cards._repr_html_() and "Enterprise" in repr(cards)


def test_scorecard_set_params_runs_the_checks_of_init(hand_set: Callable[[], cs.Scorecard]) -> None:
    assert set(cs.ScorecardSet._parameters) == set(inspect.signature(cs.ScorecardSet).parameters)
    for change, message in [
        ({"by": None}, "by: expected a str, got NoneType None"),
        ({"scorecards": [hand_set()]}, "scorecards: expected a mapping of segment to Scorecard"),
        ({"scorecards": {"x": 1}}, "scorecards['x'] = 1: expected a cssegment.Scorecard"),
        ({"default": 1}, "scorecards['default'] = 1: expected a cssegment.Scorecard"),
        ({"scorecards": {"default": hand_set()}}, "'default': this name is reserved"),
    ]:
        with pytest.raises(cs.InvalidInputError, match=re.escape(message)):
            cs.ScorecardSet(**{"scorecards": {"a": hand_set()}, **change})
        cards = cs.ScorecardSet({"a": hand_set()})
        with pytest.raises(cs.InvalidInputError, match=re.escape(message)):
            cards.set_params(**change)
        assert cards == cs.ScorecardSet({"a": hand_set()})  # a refused change leaves the set as it was
