"""Normalisers (Linear, Bands, Percentile, ZScore, Boolean) against numpy and scipy."""

from __future__ import annotations

import dataclasses

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from scipy import stats

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


@pytest.mark.parametrize("kind", [cs.Linear, cs.Bands, cs.Percentile, cs.ZScore, cs.Boolean])
def test_normaliser_checks_are_declared_once_in_the_fields_order(kind: type) -> None:
    assert list(kind._parameters) == [field.name for field in dataclasses.fields(kind)]


def test_replacing_a_normaliser_field_runs_the_same_checks() -> None:
    # A peer-group column is refused when the normaliser is made, by dataclasses.replace too ...
    for kind in (cs.Percentile, cs.ZScore):
        with pytest.raises(cs.InvalidInputError, match="by: '' must name a column of peer-group labels"):
            kind(by="")
        with pytest.raises(cs.InvalidInputError, match="by: '' must name a column of peer-group labels"):
            dataclasses.replace(kind(by="region"), by="")
    # ... the other fields when a scorecard uses it, made or replaced alike.
    with pytest.raises(cs.InvalidInputError, match="higher_is_better: expected True or False, got str 'no'"):
        cs.Scorecard([cs.Measure("nps", dataclasses.replace(cs.Percentile(), higher_is_better="no"))])
    with pytest.raises(cs.InvalidInputError, match="bad: expected a number, got str 'a'"):
        cs.Scorecard([cs.Measure("nps", dataclasses.replace(cs.Linear(0, 10), bad="a"))])
