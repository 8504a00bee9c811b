"""Health scorecards, calibration and backtests, checked against numpy, scipy and scikit-learn."""

from __future__ import annotations

import json
import pickle

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score

MEASURES = ["nps", "logins_per_user", "seats_used_pct", "tickets_90d", "exec_sponsor", "renewal_days"]


@pytest.fixture(scope="module")
def book() -> pd.DataFrame:
    accounts = cs.datasets.synthetic_book(4000, seed=3).accounts
    accounts.index = accounts.index * 10 + 7  # results must follow the input's index
    return accounts


def hand_set() -> cs.Scorecard:
    return cs.Scorecard(
        [
            cs.Measure("nps", cs.Bands([7, 9], [0, 50, 100]), weight=2),
            cs.Measure("logins_per_user", cs.Linear(0, 20), weight=3),
            cs.Measure("seats_used_pct", cs.Linear(20, 90), weight=3),
            cs.Measure("tickets_90d", cs.Linear(10, 0), weight=1),
            cs.Measure("exec_sponsor", cs.Boolean(), weight=1),
        ]
    )


# ----------------------------------------------------------------------------------------------
# Normalisers against independent implementations


def test_linear_bands_and_boolean_match_numpy(book: pd.DataFrame) -> None:
    card = cs.Scorecard(
        [
            cs.Measure("logins_per_user", cs.Linear(2, 18)),
            cs.Measure("tickets_90d", cs.Linear(8, 1)),
            cs.Measure("nps", cs.Bands([7, 9], [0, 40, 100])),
            cs.Measure("exec_sponsor", cs.Boolean(higher_is_better=False)),
        ]
    )
    x = card.transform(book)
    assert list(x.columns) == ["logins_per_user", "tickets_90d", "nps", "exec_sponsor"]
    assert x.index.equals(book.index)
    np.testing.assert_allclose(x["logins_per_user"], np.clip((book["logins_per_user"] - 2) / 16 * 100, 0, 100))
    np.testing.assert_allclose(x["tickets_90d"], np.clip((8 - book["tickets_90d"]) / 7 * 100, 0, 100))
    nps = book["nps"].to_numpy()
    expected = np.array([0.0, 40.0, 100.0])[np.searchsorted([7, 9], nps, side="right")]
    np.testing.assert_array_equal(x["nps"], np.where(np.isnan(nps), np.nan, expected))
    np.testing.assert_array_equal(x["exec_sponsor"], np.where(book["exec_sponsor"], 0.0, 100.0))


def test_percentile_is_scipy_mean_percentileofscore(book: pd.DataFrame) -> None:
    card = cs.Scorecard([cs.Measure("tickets_90d", cs.Percentile(higher_is_better=False))]).fit(book)
    x = card.transform(book)["tickets_90d"]
    fitted = book["tickets_90d"].to_numpy()
    expected = 100 - stats.percentileofscore(fitted, fitted, kind="mean")
    np.testing.assert_allclose(x, expected, atol=1e-9)


def test_zscore_is_the_normal_cdf(book: pd.DataFrame) -> None:
    card = cs.Scorecard([cs.Measure("nps", cs.ZScore())]).fit(book)
    values = book["nps"]
    expected = 100 * stats.norm.cdf((values - values.mean()) / values.std(ddof=0))
    np.testing.assert_allclose(card.transform(book)["nps"], expected, atol=1e-9)


@pytest.mark.parametrize("normalizer", [cs.Percentile(by="region"), cs.ZScore(by="region")])
def test_peer_groups_are_fitted_apart(book: pd.DataFrame, normalizer: cs.Percentile | cs.ZScore) -> None:
    card = cs.Scorecard([cs.Measure("logins_per_user", normalizer)]).fit(book)
    got = card.transform(book)["logins_per_user"]
    for _, group in book.groupby("region", observed=True):
        values = group["logins_per_user"].to_numpy()
        if isinstance(normalizer, cs.Percentile):
            expected = stats.percentileofscore(values, values, kind="mean")
        else:
            expected = 100 * stats.norm.cdf((values - values.mean()) / values.std())
        np.testing.assert_allclose(got.loc[group.index], expected, atol=1e-9)


def test_unseen_peer_group_falls_back_to_the_population_or_raises(book: pd.DataFrame) -> None:
    fit_on = book[book["region"] != "APAC"]
    lenient = cs.Scorecard([cs.Measure("seats_used_pct", cs.Percentile(by="region"))]).fit(fit_on)
    population = cs.Scorecard([cs.Measure("seats_used_pct", cs.Percentile())]).fit(fit_on)
    apac = book[book["region"] == "APAC"]
    assert len(apac) > 0
    pd.testing.assert_frame_equal(lenient.transform(apac), population.transform(apac))
    strict = cs.Scorecard([cs.Measure("seats_used_pct", cs.Percentile(by="region", unseen="raise"))]).fit(fit_on)
    first = book.index.get_loc(apac.index[0])
    with pytest.raises(
        cs.InvalidInputError, match=rf"data\['region'\]\[{first}\] = 'APAC': peer group not seen in fit"
    ):
        strict.score(book)


def test_learned_normalisers_must_be_fitted(book: pd.DataFrame) -> None:
    card = cs.Scorecard([cs.Measure("nps", cs.Percentile())])
    assert not card.fitted
    with pytest.raises(cs.NotFittedError, match="call fit"):
        card.score(book)
    with pytest.raises(cs.NotFittedError):
        card.transform(book)
    assert card.fit(book) is card and card.fitted


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
    book: pd.DataFrame, missing: str, min_measures: int
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
def test_worst_is_the_lowest_measure(book: pd.DataFrame, missing: str) -> None:
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


def test_trend_is_the_change_since_previous(book: pd.DataFrame) -> None:
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


def test_bad_data_names_column_row_and_value(book: pd.DataFrame) -> None:
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


def test_bad_outcomes_and_penalties_are_refused(book: pd.DataFrame) -> None:
    card = hand_set()
    with pytest.raises(cs.InvalidInputError, match=r"outcome\[1\] = 2: outcomes must be 0 or 1"):
        card.calibrate(book, outcome=np.r_[0, 2, np.zeros(len(book) - 2)])
    with pytest.raises(cs.InvalidInputError, match="outcome: has only 0s"):
        card.calibrate(book, outcome=np.zeros(len(book)))
    with pytest.raises(cs.InvalidInputError, match="l2: -1 must be finite and >= 0"):
        card.calibrate(book, l2=-1)
    with pytest.raises(cs.InvalidInputError, match="outcome: has length 3"):
        card.calibrate(book, outcome=[0, 1, 0])
    with pytest.raises(cs.InvalidInputError, match=r"outcome\[0\] = nan"):
        card.backtest(book, outcome=np.full(len(book), np.nan))
    thin = cs.Scorecard(card.measures, min_measures=5)
    with pytest.raises(cs.InvalidInputError, match="health: no account has a score"):
        thin.backtest(book.assign(nps=np.nan))


def test_separable_outcomes_without_penalty_are_a_clear_error() -> None:
    data = pd.DataFrame({"usage": np.linspace(0, 100, 200)})
    churned = data["usage"] < 40  # low usage always churns: perfectly separable
    card = cs.Scorecard([cs.Measure("usage", cs.Linear(0, 100))])
    with pytest.raises(cs.InvalidInputError, match="l2: 0 leaves the fit without an optimum"):
        card.calibrate(data, churned, l2=0)
    assert card.calibrate(data, churned, l2=1.0).coef_["usage"] < 0


# ----------------------------------------------------------------------------------------------
# Calibration against scikit-learn


def sklearn_features(card: cs.Scorecard, data: pd.DataFrame) -> np.ndarray:
    x = card.transform(data) / 100
    return x.fillna(x.mean()).to_numpy()


@pytest.mark.parametrize("l2", [0.01, 1.0, 30.0])
def test_calibration_reaches_scikit_learns_optimum(book: pd.DataFrame, l2: float) -> None:
    card = hand_set()
    model = card.calibrate(book, "churned", l2=l2)
    x, y = sklearn_features(card, book), book["churned"].to_numpy()
    oracle = LogisticRegression(C=1 / l2, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(x, y)
    np.testing.assert_allclose(model.coef_.to_numpy(), oracle.coef_[0], rtol=0, atol=1e-6)
    assert abs(model.intercept_ - oracle.intercept_[0]) < 1e-6
    np.testing.assert_allclose(model.predict_proba(book), oracle.predict_proba(x)[:, 1], atol=1e-7)
    np.testing.assert_allclose(model.means_, np.nanmean(card.transform(book) / 100, axis=0))
    assert list(model.coef_.index) == [m.column for m in card.measures]


def test_calibration_without_penalty_matches_an_unpenalised_fit(book: pd.DataFrame) -> None:
    card = hand_set()
    model = card.calibrate(book, "churned", l2=0)
    x, y = sklearn_features(card, book), book["churned"].to_numpy()
    oracle = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(x, y)
    np.testing.assert_allclose(model.coef_.to_numpy(), oracle.coef_[0], rtol=0, atol=1e-6)


def test_as_scorecard_uses_learned_weights_and_warns_on_wrong_signs(book: pd.DataFrame) -> None:
    card = cs.Scorecard(
        [
            cs.Measure("seats_used_pct", cs.Linear(0, 100)),
            cs.Measure("tickets_90d", cs.Linear(0, 10)),  # wrong direction on purpose: more tickets "healthier"
        ]
    )
    model = card.calibrate(book, "churned", l2=1.0)
    assert model.coef_["seats_used_pct"] < 0 < model.coef_["tickets_90d"]
    with pytest.warns(UserWarning, match=r"\['tickets_90d'\] have a positive churn coefficient"):
        learned = model.as_scorecard()
    weights = {m.column: m.weight for m in learned.measures}
    assert weights == {"seats_used_pct": -model.coef_["seats_used_pct"], "tickets_90d": 0.0}
    assert model.scorecard == card  # the hand-set one is unchanged


# ----------------------------------------------------------------------------------------------
# AUC, Brier and backtests


def test_auc_equals_scikit_learns_with_ties(rng: np.random.Generator) -> None:
    for n in (50, 20_000):
        health = np.round(rng.uniform(0, 100, n))  # a coarse grid: many ties
        churned = rng.uniform(0, 100, n) > health + rng.normal(0, 30, n)
        assert cs.health.auc(health, churned) == pytest.approx(roc_auc_score(churned, -health), abs=1e-12)


def test_backtest_matches_pandas(book: pd.DataFrame) -> None:
    card = cs.Scorecard(hand_set().measures, min_measures=5)
    result = card.backtest(book)
    scores = card.score(book)
    scored = scores["score"].notna()
    churned = book["churned"][scored]
    assert result.unscored == int((~scored).sum()) > 0
    assert result.accounts == int(scored.sum()) and result.churned == int(churned.sum())
    assert result.brier is None
    assert result.auc == pytest.approx(roc_auc_score(churned, -scores["score"][scored]), abs=1e-12)
    by_band = churned.groupby(scores["band"][scored], observed=False).agg(["size", "sum", "mean"])
    np.testing.assert_array_equal(result.bands["accounts"], by_band["size"])
    np.testing.assert_allclose(result.bands["churn_rate"], by_band["mean"])
    np.testing.assert_allclose(result.bands["lift"], by_band["mean"] / churned.mean())
    # Deciles by rank with ties kept together: decile d holds scores with d/10 .. (d+1)/10 of scores below.
    s = scores["score"][scored].to_numpy()
    below = np.searchsorted(np.sort(s), s, side="left")
    decile = np.floor(below * 10 / len(s)).astype(int) + 1
    expected = pd.Series(churned.to_numpy()).groupby(decile).agg(["size", "sum"]).reindex(range(1, 11), fill_value=0)
    np.testing.assert_array_equal(result.deciles["accounts"], expected["size"])
    np.testing.assert_array_equal(result.deciles["churned"], expected["sum"])
    assert result.deciles.index.name == "decile" and list(result.bands.index) == ["red", "yellow", "green"]
    assert "AUC" in result._repr_html_()


def test_calibrated_backtest_has_brier_and_beats_chance(book: pd.DataFrame) -> None:
    model = hand_set().calibrate(book, "churned", l2=1.0)
    result = model.backtest(book)
    p = model.predict_proba(book)
    assert result.brier == pytest.approx(brier_score_loss(book["churned"], p), abs=1e-12)
    assert result.auc == pytest.approx(roc_auc_score(book["churned"], p), abs=1e-12)
    assert result.auc > 0.6
    scores = model.score(book)
    np.testing.assert_allclose(scores["score"], 100 * (1 - p))
    assert cs.health.brier([0.9, 0.2], [1, 0]) == pytest.approx(0.025)


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


def test_scorecard_set_refuses_what_it_cannot_score(book: pd.DataFrame) -> None:
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


def test_scorecard_set_matches_scoring_each_segment_apart(book: pd.DataFrame) -> None:
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


def test_scorecard_set_errors_name_rows_of_the_whole_frame(book: pd.DataFrame) -> None:
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


# ----------------------------------------------------------------------------------------------
# Models: JSON, pickle, equality, display


def test_scorecards_round_trip_through_json_and_pickle(book: pd.DataFrame) -> None:
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
    with pytest.raises(TypeError, match="made by Scorecard.calibrate"):
        cs.CalibratedScorecard()


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
