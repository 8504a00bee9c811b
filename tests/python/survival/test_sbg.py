"""Retention models from Python: the shifted-beta-geometric model against scipy and hand-computed
cases, its discounted lifetimes against direct summation, fit_many, and bad input."""

from __future__ import annotations

import inspect
import json
import pickle
import re

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from cssegment import InvalidInputError, NotFittedError, _core
from scipy import optimize, special

# Fader & Hardie (2007), "How to project customer retention", Table 1.
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]


def negative_log_likelihood(log_params: np.ndarray, alive: np.ndarray) -> float:
    """The sBG likelihood written independently, with the recursions of docs/guide/survival.md."""
    a, b = np.exp(log_params)
    t = np.arange(1, len(alive))
    churn = np.cumprod(np.r_[a / (a + b), (b + t[1:] - 2) / (a + b + t[1:] - 1)])
    survival = np.cumprod((b + t - 1) / (a + b + t - 1))
    lost = alive[:-1] - alive[1:]
    return -float(lost @ np.log(churn) + alive[-1] * np.log(survival[-1]))


def survival_reference(a: float, b: float, t: np.ndarray) -> np.ndarray:
    return np.exp(special.betaln(a, b + t) - special.betaln(a, b))


def test_published_estimates():
    regular = cs.ShiftedBetaGeometric().fit(REGULAR[:8])
    assert regular.alpha_ == pytest.approx(0.704, abs=5e-4)
    assert regular.beta_ == pytest.approx(1.182, abs=5e-4)
    assert regular.log_likelihood_ == pytest.approx(-1680.3, abs=0.05)
    high = cs.ShiftedBetaGeometric().fit(HIGH_END[:8])
    assert (round(high.alpha_, 3), round(high.beta_, 3)) == (0.668, 3.806)
    assert high.log_likelihood_ == pytest.approx(-1611.2, abs=0.05)
    assert high.n_periods_ == 7


@pytest.mark.parametrize("cohort", [REGULAR, HIGH_END, REGULAR[:4], [800, 500, 390, 330, 290, 262], [60, 41, 35, 33]])
def test_fit_matches_scipy_minimize(cohort):
    alive = np.asarray(cohort, dtype=float)
    ours = cs.ShiftedBetaGeometric().fit(alive)
    theirs = optimize.minimize(negative_log_likelihood, np.zeros(2), args=(alive,), method="BFGS", tol=1e-10)
    assert ours.log_likelihood_ == pytest.approx(-negative_log_likelihood(np.log([ours.alpha_, ours.beta_]), alive))
    assert ours.log_likelihood_ >= -theirs.fun - 1e-7
    assert np.allclose([ours.alpha_, ours.beta_], np.exp(theirs.x), rtol=1e-4)


def test_a_constant_churn_cohort_has_its_maximum_at_infinity():
    # Churn 20% every period: alpha and beta grow without bound at a fixed ratio; the fit gets at
    # least scipy's likelihood and predicts the constant rate.
    alive = 1e5 * 0.8 ** np.arange(10)
    ours = cs.ShiftedBetaGeometric().fit(alive)
    theirs = optimize.minimize(negative_log_likelihood, np.zeros(2), args=(alive,), method="BFGS")
    assert ours.log_likelihood_ >= -theirs.fun - 1e-7
    assert ours.retention_rate([1, 9]) == pytest.approx([0.8, 0.8], rel=1e-4)


def test_curves_match_beta_function_forms():
    model = cs.ShiftedBetaGeometric(0.7, 2.4)
    t = np.arange(0, 40)
    assert np.allclose(model.survival(t), survival_reference(0.7, 2.4, t), rtol=1e-12)
    later = t[1:]
    assert np.allclose(model.retention_rate(later), (2.4 + later - 1) / (0.7 + 2.4 + later - 1), rtol=1e-14)
    churn = np.exp(special.betaln(1.7, 2.4 + later - 1) - special.betaln(0.7, 2.4))
    assert np.allclose(model.churn_probability(later), churn, rtol=1e-12)
    assert isinstance(model.survival(3), float)
    series = pd.Series([1, 2], index=["a", "b"])
    assert model.survival(series).index.tolist() == ["a", "b"]
    # Heterogeneous cohorts: retention rises with tenure.
    assert np.all(np.diff(model.retention_rate(later)) > 0)


def test_project():
    model = cs.ShiftedBetaGeometric(1.0, 1.0)
    table = model.project(4, cohort_size=120)
    assert table.index.name == "period"
    assert table["survival"].tolist() == pytest.approx([1, 1 / 2, 1 / 3, 1 / 4, 1 / 5])
    assert table["alive"].tolist() == pytest.approx([120, 60, 40, 30, 24])
    assert np.isnan(table.loc[0, "retention_rate"])
    assert table.loc[1:, "retention_rate"].tolist() == pytest.approx([1 / 2, 2 / 3, 3 / 4, 4 / 5])


@pytest.mark.parametrize("d", [1.0, 0.1, 0.01, 1e-3, 1e-4, 1e-6])
@pytest.mark.parametrize(("b", "alpha"), [(0.05, 0.3), (1.182, 0.704), (3.0, 1.0), (20.0, 4.0), (0.3, 0.2)])
def test_hypergeometric_matches_scipy(b, alpha, d):
    z = 1 / (1 + d)
    ours = _core.survival.hyp2f1_unit_a(b, b + alpha, z)
    assert ours == pytest.approx(special.hyp2f1(1.0, b, b + alpha, z), rel=1e-9 if d < 1e-4 else 1e-12)


@pytest.mark.parametrize("d", [0.2, 0.05, 0.01])
def test_discounted_lifetimes_match_direct_summation(d):
    model = cs.ShiftedBetaGeometric(1.3, 2.1)
    t = np.arange(0, 60_000)
    survival = survival_reference(1.3, 2.1, t)
    discount = (1 + d) ** -t.astype(float)
    assert model.discounted_expected_lifetime(d) == pytest.approx(np.sum(survival * discount), rel=1e-10)
    for n in (0, 3, 10):
        residual = survival[n + 1 :] / survival[n] * (1 + d) ** -np.arange(0, len(t) - n - 1, dtype=float)
        assert model.discounted_expected_residual_lifetime(d, renewals=n) == pytest.approx(np.sum(residual), rel=1e-10)
    assert model.clv(250.0, d) == pytest.approx(250.0 * model.discounted_expected_lifetime(d))
    rates = np.array([0.1, 0.2])
    assert np.allclose(
        model.discounted_expected_lifetime(rates),
        [model.discounted_expected_lifetime(0.1), model.discounted_expected_lifetime(0.2)],
    )


def test_homogeneous_cohorts_approach_the_constant_churn_formula():
    # alpha, beta -> infinity with alpha / (alpha + beta) = churn: every customer churns at the same
    # rate, and DEL becomes (1 + d) / (d + churn), the naive CLTV multiplier.
    churn, d = 0.2, 0.1
    model = cs.ShiftedBetaGeometric(churn * 1e7, (1 - churn) * 1e7)
    assert model.discounted_expected_lifetime(d) == pytest.approx((1 + d) / (d + churn), rel=1e-6)
    # With heterogeneity and the same first-period churn, customers are worth more.
    assert cs.ShiftedBetaGeometric(churn * 1.0, (1 - churn) * 1.0).discounted_expected_lifetime(
        d
    ) > model.discounted_expected_lifetime(d)


def test_fit_many_matches_fit_and_keeps_the_index():
    rows = [REGULAR[:8], HIGH_END[:5], [40]]
    frame = pd.DataFrame(
        [r + [np.nan] * (8 - len(r)) for r in rows],
        index=pd.MultiIndex.from_tuples([("2024Q1", "High"), ("2024Q1", "Low"), ("2024Q2", "High")]),
        columns=range(8),
    )
    for alive in (frame, rows, frame.to_numpy()):
        fits = cs.ShiftedBetaGeometric.fit_many(alive)
        assert list(fits.columns) == [
            "alpha",
            "beta",
            "log_likelihood",
            "periods",
            "converged",
            "boundary",
            "constant_churn",
        ]
        assert fits["periods"].tolist() == [7, 4, 0]
        assert fits["alpha"].iloc[0] == cs.ShiftedBetaGeometric().fit(REGULAR[:8]).alpha_
        assert fits["beta"].iloc[1] == cs.ShiftedBetaGeometric().fit(HIGH_END[:5]).beta_
        assert np.isnan(fits["alpha"].iloc[2])
    assert cs.ShiftedBetaGeometric.fit_many(frame).index.equals(frame.index)
    strict = cs.ShiftedBetaGeometric.fit_many(frame, min_periods=5)
    assert strict["periods"].tolist() == [7, 0, 0]


def test_fit_many_scales_to_many_cohorts(rng):
    truth_a, truth_b = rng.uniform(0.3, 3, 2_000), rng.uniform(0.5, 8, 2_000)
    t = np.arange(0, 13)
    alive = 5_000 * survival_reference(truth_a[:, None], truth_b[:, None], t[None, :])
    fits = cs.ShiftedBetaGeometric.fit_many(alive)
    assert np.allclose(fits["alpha"], truth_a, rtol=1e-5)
    assert np.allclose(fits["beta"], truth_b, rtol=1e-5)


def test_round_trips_and_params():
    fitted = cs.ShiftedBetaGeometric().fit(REGULAR[:8])
    for restored in (cs.ShiftedBetaGeometric.from_json(fitted.to_json()), pickle.loads(pickle.dumps(fitted))):
        assert restored == fitted
        assert restored.log_likelihood_ == fitted.log_likelihood_
    given = cs.ShiftedBetaGeometric(0.5, 2.0)
    assert json.loads(given.to_json())["kind"] == "ShiftedBetaGeometric"
    assert given.get_params() == {"alpha": 0.5, "beta": 2.0}
    assert np.isnan(given.log_likelihood_)
    assert cs.ShiftedBetaGeometric(**fitted.get_params()).alpha_ == fitted.alpha_
    assert given != fitted
    assert cs.ShiftedBetaGeometric() == cs.ShiftedBetaGeometric()
    assert "ShiftedBetaGeometric" in given._repr_html_()
    assert given.set_params(alpha=1.5).alpha_ == 1.5


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda m: m.fit([10]), "survivors: needs at least 2 counts"),
        (lambda m: m.fit([10, 8, 9]), "survivors[2] = 9: survivor counts must not increase (previous is 8)"),
        (lambda m: m.fit([10, -1]), "survivors[1] = -1: survivor counts must be finite and >= 0"),
        (lambda m: m.fit([0, 0]), "survivors[0] = 0: the cohort must start with more than 0 customers"),
        (lambda m: m.fit_many([[10, 8], [5, 6]]), "survivors[1][1] = 6: survivor counts must not increase"),
        (lambda m: m.fit_many([[10, np.nan, 3]]), "survivors[0][2] = 3: a count after a missing one"),
        (
            lambda m: cs.ShiftedBetaGeometric(1.0, 1.0).discounted_expected_lifetime(-1.0),
            "discount_rate: -1 must be finite and > -1",
        ),
        (lambda m: cs.ShiftedBetaGeometric(1.0, 1.0).survival(0.5), "t: 0.5 must be a whole number >= 0"),
        (lambda m: cs.ShiftedBetaGeometric(alpha=1.0), "alpha, beta: give both parameters"),
        (lambda m: cs.ShiftedBetaGeometric(-1.0, 1.0), "alpha: -1 must be finite and > 0"),
    ],
)
def test_bad_input(action, message):
    with pytest.raises(InvalidInputError) as error:
        action(cs.ShiftedBetaGeometric())
    assert message in str(error.value)


def test_use_before_fit():
    with pytest.raises(NotFittedError):
        cs.ShiftedBetaGeometric().survival(1)
    with pytest.raises(NotFittedError):
        _ = cs.ShiftedBetaGeometric().alpha_


def test_negative_discount_rates_make_lifetimes_infinite():
    assert cs.ShiftedBetaGeometric(2.0, 1.0).discounted_expected_lifetime(-0.1) == np.inf
    assert cs.ShiftedBetaGeometric(2.0, 1.0).discounted_expected_lifetime(0.0) == pytest.approx(
        2.0
    )  # (a + b - 1) / (a - 1)


def test_renamed_names_are_deprecated_aliases():
    model = cs.ShiftedBetaGeometric(alpha=1.2, beta=2.5)
    with pytest.warns(DeprecationWarning, match="discounted_expected_lifetime"):
        assert model.del_(0.1) == model.discounted_expected_lifetime(0.1)
    with pytest.warns(DeprecationWarning, match="discounted_expected_residual_lifetime"):
        assert model.derl(0.1, renewals=2) == model.discounted_expected_residual_lifetime(0.1, renewals=2)
    with pytest.warns(DeprecationWarning, match="survivors"):
        fitted = cs.ShiftedBetaGeometric().fit(alive=REGULAR)
    assert fitted == cs.ShiftedBetaGeometric().fit(survivors=REGULAR)
    with pytest.warns(DeprecationWarning, match="survivors"):
        many = cs.ShiftedBetaGeometric.fit_many(alive=[REGULAR, HIGH_END])
    pd.testing.assert_frame_equal(many, cs.ShiftedBetaGeometric.fit_many(survivors=[REGULAR, HIGH_END]))
    with pytest.raises(TypeError, match="got both 'alive' and 'survivors'"):
        cs.ShiftedBetaGeometric().fit(survivors=REGULAR, alive=REGULAR)


def test_retention_module_is_a_deprecated_alias_of_survival():
    import importlib
    import sys

    sys.modules.pop("cssegment.retention", None)
    with pytest.warns(DeprecationWarning, match="cssegment.survival"):
        retention = importlib.import_module("cssegment.retention")
    assert retention.ShiftedBetaGeometric is cs.survival.ShiftedBetaGeometric is cs.ShiftedBetaGeometric
    assert cs.retention is retention  # still reachable from the package, loaded on first use
    assert "retention" not in cs.__all__ and "survival" in cs.__all__


def test_set_params_runs_the_checks_of_init() -> None:
    assert list(cs.ShiftedBetaGeometric._parameters) == list(inspect.signature(cs.ShiftedBetaGeometric).parameters)
    for change, message in [
        ({"alpha": "a"}, "alpha: expected a number, got str 'a'"),
        ({"alpha": -1}, "alpha: -1 must be finite and > 0"),
        ({"beta": None}, "alpha, beta: give both parameters, or neither"),
    ]:
        with pytest.raises(InvalidInputError, match=re.escape(message)):
            cs.ShiftedBetaGeometric(**{"alpha": 1.0, "beta": 2.0, **change})
        model = cs.ShiftedBetaGeometric(1.0, 2.0)
        with pytest.raises(InvalidInputError, match=re.escape(message)):
            model.set_params(**change)
        assert model == cs.ShiftedBetaGeometric(1.0, 2.0)  # a refused change leaves the model as it was
    with pytest.raises(InvalidInputError, match=re.escape("alpha, beta: give both parameters, or neither")):
        cs.ShiftedBetaGeometric().set_params(alpha=1.0)
