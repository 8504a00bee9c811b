"""Numerical extremes: sBG parameters from 1e-4 to 1e4 and cohorts of 10^9 customers, logistic
calibration on collinear and constant measures, k-means on duplicated points, and money up to
1e12 summed without loss (checked against exact rational arithmetic)."""

from __future__ import annotations

import decimal
import itertools
import math
from decimal import Decimal
from fractions import Fraction

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from scipy import special
from sklearn.linear_model import LogisticRegression

# --------------------------------------------------------------------------------------------
# Shifted-beta-geometric model: alpha, beta from 1e-4 to 1e4

EXTREMES = [1e-4, 1e-2, 1.0, 1e2, 1e4]
GRID = list(itertools.product(EXTREMES, EXTREMES))


def log_survival(alpha: float, beta: float, t: np.ndarray) -> np.ndarray:
    """log S(t) = log B(alpha, beta + t) - log B(alpha, beta) (the Beta-function form)."""
    return special.betaln(alpha, beta + t) - special.betaln(alpha, beta)


def log_likelihood(alive: np.ndarray, alpha: float, beta: float) -> float:
    """Sum of lost_t log P(T = t) + alive_T log S(T) in 50-digit decimal arithmetic, from
    P(T = t) = S(t - 1) h(t), S(t) = prod (1 - h(i)), h(i) = alpha / (alpha + beta + i - 1)."""
    with decimal.localcontext() as context:
        context.prec = 50
        a, b = Decimal(alpha), Decimal(beta)
        total, log_survival = Decimal(0), Decimal(0)
        for t in range(1, len(alive)):
            hazard = a / (a + b + t - 1)
            lost = Decimal(float(alive[t - 1] - alive[t]))
            if lost > 0:
                total += lost * (log_survival + hazard.ln())
            log_survival += (1 - hazard).ln()
        if alive[-1] > 0:
            total += Decimal(float(alive[-1])) * log_survival
        return float(total)


def direct_del(alpha: float, beta: float, d: float, renewals: int | None = None) -> float:
    """sum_t S(t) / (1 + d)^t (DEL), or sum_{t > n} S(t) / S(n) / (1 + d)^(t - n - 1) (DERL),
    summed term by term until the discount leaves less than e^-45."""
    n = 0 if renewals is None else renewals
    terms = n + 2 + int(45 / math.log1p(d))
    t = np.arange(terms, dtype=np.float64)
    logs = log_survival(alpha, beta, t)
    if renewals is None:
        return math.fsum(np.exp(logs - t * math.log1p(d)))
    later = t[n + 1 :]
    return math.fsum(np.exp(logs[n + 1 :] - logs[n] - (later - n - 1) * math.log1p(d)))


@pytest.mark.parametrize(("alpha", "beta"), GRID)
def test_sbg_curves_are_finite_and_match_the_beta_function_forms(alpha: float, beta: float) -> None:
    model = cs.ShiftedBetaGeometric(alpha, beta)
    t = np.array([0, 1, 2, 5, 12, 100, 1000, 100_000], dtype=np.float64)
    survival = model.survival(t)
    assert np.isfinite(survival).all() and (np.diff(survival) <= 0).all()
    expected = np.exp(log_survival(alpha, beta, t))
    np.testing.assert_allclose(survival, expected, rtol=1e-9, atol=1e-300)
    later = t[1:]
    # exact rational reference: (beta + t - 1) / (alpha + beta + t - 1) rounded once
    exact = [float((Fraction(beta) + int(t) - 1) / (Fraction(alpha) + Fraction(beta) + int(t) - 1)) for t in later]
    np.testing.assert_allclose(model.retention_rate(later), exact, rtol=1e-15)
    churn = model.churn_probability(later)
    np.testing.assert_allclose(churn, np.exp(log_survival(alpha, beta, later - 1)) * alpha / (alpha + beta + later - 1))
    curve = model.project(12)["survival"].to_numpy()
    np.testing.assert_allclose(curve, model.survival(np.arange(13)), rtol=1e-12)


@pytest.mark.parametrize(("alpha", "beta"), GRID)
def test_sbg_lifetimes_match_direct_summation(alpha: float, beta: float) -> None:
    model = cs.ShiftedBetaGeometric(alpha, beta)
    for d in (0.1, 1e-3):
        value = model.discounted_expected_lifetime(d)
        assert value == pytest.approx(direct_del(alpha, beta, d), rel=1e-9)
        assert model.clv(250.0, d) == pytest.approx(250.0 * value, rel=1e-15)
        for renewals in (0, 3, 40):
            assert model.discounted_expected_residual_lifetime(d, renewals) == pytest.approx(
                direct_del(alpha, beta, d, renewals), rel=1e-9
            )
    # No discounting: the expected lifetime (alpha + beta - 1) / (alpha - 1), finite for alpha > 1.
    expected = (alpha + beta - 1) / (alpha - 1) if alpha > 1 else math.inf
    assert model.discounted_expected_lifetime(0.0) == pytest.approx(expected, rel=1e-12)
    # Tiny and huge discount rates stay finite, between their limits.
    tiny = model.discounted_expected_lifetime(1e-9)
    assert math.isfinite(tiny) and model.discounted_expected_lifetime(1e-3) <= tiny <= expected * (1 + 1e-9)
    assert model.discounted_expected_lifetime(1e6) == pytest.approx(1 + model.survival(1) / (1 + 1e6), rel=1e-9)
    # After a billion renewals the retention rate r = (beta + n) / (alpha + beta + n) is constant
    # over any horizon that matters: DERL = sum_k r^k z^(k-1) = r / (1 - r z), z = 1 / (1 + d).
    n, z = 10**9, 1 / 1.05
    r = (beta + n) / (alpha + beta + n)
    assert model.discounted_expected_residual_lifetime(0.05, n) == pytest.approx(r / (1 - r * z), rel=1e-9)


def billion_customer_cohort(alpha: float, beta: float, periods: int = 12) -> np.ndarray:
    return np.round(1e9 * cs.ShiftedBetaGeometric(alpha, beta).survival(np.arange(periods + 1)))


@pytest.mark.parametrize(("alpha", "beta"), GRID)
def test_sbg_fit_on_a_billion_customers_reaches_the_maximum(alpha: float, beta: float) -> None:
    alive = billion_customer_cohort(alpha, beta)
    model = cs.ShiftedBetaGeometric().fit(alive)
    assert math.isfinite(model.alpha_) and math.isfinite(model.beta_)
    at_fit = log_likelihood(alive, model.alpha_, model.beta_)
    assert model.log_likelihood_ == pytest.approx(at_fit, rel=1e-10)
    # The fit is the maximum: the true parameters are no more likely (to rounding of ~1e-12).
    assert at_fit >= log_likelihood(alive, alpha, beta) - 1e-12 * abs(at_fit)
    # The fitted curve reproduces the counts to within about a customer in a billion.
    fitted = 1e9 * model.survival(np.arange(len(alive)))
    assert np.abs(fitted - alive).max() < 2.0


@pytest.mark.parametrize(("alpha", "beta"), [(1e-4, 1e-4), (1e-4, 100.0), (1e-2, 1.0), (1.0, 100.0), (100.0, 100.0)])
def test_sbg_fit_recovers_identifiable_parameters_of_a_billion_customers(alpha: float, beta: float) -> None:
    model = cs.ShiftedBetaGeometric().fit(billion_customer_cohort(alpha, beta))
    assert model.alpha_ == pytest.approx(alpha, rel=3e-3)
    assert model.beta_ == pytest.approx(beta, rel=3e-3)


def test_sbg_fit_many_of_extreme_cohorts_equals_fit_one_by_one() -> None:
    cohorts = [billion_customer_cohort(alpha, beta) for alpha, beta in GRID]
    fits = cs.ShiftedBetaGeometric.fit_many(cohorts)
    for (_, row), alive in zip(fits.iterrows(), cohorts, strict=True):
        one = cs.ShiftedBetaGeometric().fit(alive)
        assert (row["alpha"], row["beta"], row["log_likelihood"]) == (one.alpha_, one.beta_, one.log_likelihood_)


# --------------------------------------------------------------------------------------------
# Logistic calibration: collinear and constant measures


@pytest.fixture(scope="module")
def accounts() -> pd.DataFrame:
    book = cs.datasets.synthetic_book(3000, seed=5).accounts
    return book.assign(seats_copy=book["seats_used_pct"], seats_half=book["seats_used_pct"] / 2, flat=5.0)


def features(card: cs.Scorecard, data: pd.DataFrame) -> np.ndarray:
    x = card.transform(data) / 100
    return x.fillna(x.mean()).to_numpy()


def test_collinear_measures_share_their_weight_under_l2(accounts: pd.DataFrame) -> None:
    card = cs.Scorecard(
        [
            cs.Measure("nps", cs.Linear(0, 10)),
            cs.Measure("seats_used_pct", cs.Linear(0, 100)),
            cs.Measure("seats_copy", cs.Linear(0, 100)),
            cs.Measure("seats_half", cs.Linear(0, 50)),  # the same transform: collinear
        ]
    )
    model = card.calibrate(accounts, "churned", l2=1.0)
    coef = model.coef_.to_numpy()
    assert np.isfinite(coef).all()
    # The penalty splits the weight of identical features equally: the minimum-norm optimum.
    assert coef[1] == pytest.approx(coef[2], abs=1e-9) and coef[2] == pytest.approx(coef[3], abs=1e-9)
    x = features(card, accounts)
    oracle = LogisticRegression(C=1.0, solver="lbfgs", tol=1e-12, max_iter=10_000).fit(x, accounts["churned"])
    np.testing.assert_allclose(coef, oracle.coef_[0], atol=1e-5)
    np.testing.assert_allclose(model.predict_proba(accounts), oracle.predict_proba(x)[:, 1], atol=1e-6)
    with pytest.raises(cs.InvalidInputError, match=r"l2: 0 leaves the fit without an optimum.*collinear"):
        card.calibrate(accounts, "churned", l2=0)


def test_a_constant_measure_gets_weight_zero_under_l2(accounts: pd.DataFrame) -> None:
    with_flat = cs.Scorecard([cs.Measure("nps", cs.Linear(0, 10)), cs.Measure("flat", cs.Linear(0, 10))])
    alone = cs.Scorecard([cs.Measure("nps", cs.Linear(0, 10))])
    model = with_flat.calibrate(accounts, "churned", l2=1.0)
    reference = alone.calibrate(accounts, "churned", l2=1.0)
    # The intercept absorbs a constant at no cost, so the penalty drives its coefficient to 0.
    assert abs(model.coef_["flat"]) < 1e-9
    assert model.coef_["nps"] == pytest.approx(reference.coef_["nps"], abs=1e-9)
    np.testing.assert_allclose(model.predict_proba(accounts), reference.predict_proba(accounts), atol=1e-9)
    with pytest.raises(cs.InvalidInputError, match=r"data\['flat'\]: normalises to 50 in every row: a constant"):
        with_flat.calibrate(accounts, "churned", l2=0)


# --------------------------------------------------------------------------------------------
# k-means on duplicated points


@pytest.mark.parametrize("scale", ["standard", "log", None])
def test_kmeans_with_k_equal_to_the_distinct_points(scale: str | None) -> None:
    rng = np.random.default_rng(8)
    distinct = np.abs(rng.normal(size=(6, 3))) * [1.0, 1e3, 1e9] + [0.5, 0.0, 1e6]
    X = distinct[np.concatenate([np.arange(6), rng.integers(0, 6, 600)])]
    model = cs.KMeans(6, scale=scale, n_init=2)
    labels = model.fit_predict(X).to_numpy()
    # 0 but for the rounding of a mean, relative to the total scatter (the inertia of one cluster).
    assert model.inertia_ <= 1e-24 * cs.KMeans(1, scale=scale).fit(X).inertia_
    # Every distinct point is a centre (exact to the rounding of its column's mean: features are
    # centred), and rows equal to one another share their cluster.
    precision = 1e-12 * np.abs(X).max(axis=0)
    assert (np.abs(np.sort(model.cluster_centers_, axis=0) - np.sort(distinct, axis=0)) <= precision).all()
    assert (np.abs(model.cluster_centers_[labels] - X) <= precision).all()
    _, first = np.unique(X, axis=0, return_inverse=True)
    assert len(set(zip(first.ravel(), labels, strict=True))) == 6
    with pytest.raises(cs.InvalidInputError, match="7 clusters requested but data has only 6 distinct points"):
        cs.KMeans(7, scale=scale).fit(X)


def test_kmeans_on_identical_rows() -> None:
    X = np.full((50, 2), 3.0)
    model = cs.KMeans(1).fit(X)
    assert model.inertia_ == 0.0
    np.testing.assert_array_equal(model.cluster_centers_, [[3.0, 3.0]])
    with pytest.raises(cs.InvalidInputError, match="2 clusters requested but data has only 1 distinct points"):
        cs.KMeans(2).fit(X)


def test_kmeans_inertia_of_unscaled_money_far_from_the_origin() -> None:
    rng = np.random.default_rng(9)
    X = 1e9 + rng.normal(0, 1e3, (3000, 2)) + np.repeat([[0.0, 0.0], [1e4, 0.0], [0.0, 1e4]], 1000, axis=0)
    model = cs.KMeans(3, scale=None, n_init=1)
    labels = model.fit_predict(X).to_numpy()
    exact = math.fsum(((X - model.cluster_centers_[labels]) ** 2).ravel())
    assert model.inertia_ == pytest.approx(exact, rel=1e-12)


# --------------------------------------------------------------------------------------------
# Money up to 1e12: sums without loss (compared to exact rational sums)


def exact_sum(values: np.ndarray) -> Fraction:
    return sum((Fraction(float(v)) for v in values), Fraction(0))


def money(rng: np.random.Generator, n: int) -> np.ndarray:
    """Amounts from one cent to 1e12 dollars, in cents, most of them small."""
    return np.round(10 ** rng.uniform(-2, 12, n), 2)


def test_ledger_cells_sum_duplicate_rows_to_the_cent() -> None:
    """Rows of one account and period (several products) are added in input order in double
    precision: each addition rounds by at most half an ulp of the cell (1.2e-4 at 1e12), so
    a cell of 40 rows up to 1e12 is exact to well below a cent. (Compensating every cell cost 3x
    the ledger's build time for no visible cent; totals over cells are exact fixed point.)"""
    rng = np.random.default_rng(10)
    rows = pd.DataFrame({"account_id": rng.integers(0, 50, 4000), "month": rng.integers(0, 3, 4000)})
    rows["mrr"] = money(rng, len(rows))
    rows.loc[rows.index[::50], "mrr"] = 1e12
    revenue = cs.RevenueLedger(rows).revenue
    for (account, month), group in rows.groupby(["account_id", "month"]):
        exact = exact_sum(group["mrr"].to_numpy())
        error = abs(Fraction(revenue.loc[account, month]) - exact)
        assert error <= len(group) * np.spacing(float(exact)) / 2
        assert error < Fraction(1, 1000)


def test_movements_retention_and_cohorts_are_exact_at_1e12() -> None:
    rng = np.random.default_rng(11)
    matrix = np.where(rng.random((400, 6)) < 0.8, money(rng, 2400).reshape(400, 6), 0.0)
    matrix[::7] *= 1e12 / np.maximum(matrix[::7].max(), 1)  # some accounts near 1e12
    matrix = np.round(matrix, 2)
    accounts, months = np.nonzero(matrix)
    rows = pd.DataFrame({"account_id": accounts, "month": months, "mrr": matrix[accounts, months]})
    ledger = cs.RevenueLedger(rows)
    moves = ledger.movements()
    for p in range(1, 6):
        before, now = matrix[:, p - 1], matrix[:, p]
        assert moves.loc[p, "start"] == float(exact_sum(before))
        assert moves.loc[p, "end"] == float(exact_sum(now))
        both = (before > 0) & (now > 0)
        expansion = exact_sum(now[both & (now > before)]) - exact_sum(before[both & (now > before)])
        assert moves.loc[p, "expansion"] == float(expansion)
        assert moves.loc[p, "churn"] == float(exact_sum(before[(before > 0) & (now == 0)]))
    retention = ledger.retention(horizon=2)
    for p in range(4):
        cohort = matrix[:, p] > 0
        start, end = exact_sum(matrix[cohort, p]), exact_sum(matrix[cohort, p + 2])
        retained = exact_sum(np.minimum(matrix[cohort, p], matrix[cohort, p + 2]))
        assert retention.loc[p, "start_revenue"] == float(start)
        assert retention.loc[p, "end_revenue"] == float(end)
        assert retention.loc[p, "nrr"] == pytest.approx(float(end / start), rel=2**-52)
        assert retention.loc[p, "grr"] == pytest.approx(float(retained / start), rel=2**-52)
    cohorts = ledger.cohorts("revenue", include_first_period=True, normalize=False)
    first = np.argmax(matrix > 0, axis=1)
    for age in range(6):
        assert cohorts.loc[0, age] == float(exact_sum(matrix[first == 0, age]))


def test_cltv_of_a_trillion_dollar_segment() -> None:
    rows = pd.DataFrame(
        {"account_id": [1, 1, 2, 2, 3], "month": [0, 1, 0, 1, 0], "mrr": [1e12, 1e12 + 0.01, 0.07, 0.05, 999.99]}
    )
    table = cs.RevenueLedger(rows).cltv(window=1)
    arpa = Fraction(1e12 + 0.01) + Fraction(0.05)
    assert table.loc["all", "arpa"] == float(arpa / 2)
    assert table.loc["all", "churn_rate"] == pytest.approx(1 / 3, rel=1e-15)
    assert table.loc["all", "cltv"] == pytest.approx(float(arpa / 2 * 3), rel=1e-15)


def test_coverage_arr_sums_are_exact() -> None:
    rng = np.random.default_rng(12)
    arr = money(rng, 20_000)
    arr[::100] = 1e12
    model = cs.TierModel([1e3, 1e9], ["small", "mid", "large"], csm_ratios=[None, 100, 5])
    segments = model.assign(arr)
    plan = cs.coverage(segments, model, arr)
    codes = np.asarray(segments.codes)
    for code, name in enumerate(model.categories):
        exact = exact_sum(arr[codes == code])
        assert plan.loc[name, "arr"] == float(exact)
        assert plan.loc[name, "accounts"] == int((codes == code).sum())
    total = exact_sum(arr)
    shares = plan["arr"] / plan["arr"].sum()
    assert float(sum(Fraction(v) for v in plan["arr"])) == pytest.approx(float(total), rel=2**-52)
    assert shares.sum() == pytest.approx(1.0, rel=1e-15)


def test_transition_weights_sum_exactly() -> None:
    rng = np.random.default_rng(13)
    arr = money(rng, 20_000)
    arr[::100] = 1e12
    before = pd.Categorical.from_codes(rng.integers(0, 3, arr.size), ["s", "m", "l"])
    after = pd.Categorical.from_codes(rng.integers(0, 3, arr.size), ["s", "m", "l"])
    table = cs.transitions(before, after, weights=arr)
    for i, name in enumerate(before.categories):
        for j, other in enumerate(after.categories):
            chosen = (before.codes == i) & (after.codes == j)
            assert table.loc[name, other] == float(exact_sum(arr[chosen]))
    assert table["upgraded"].sum() == pytest.approx(float(exact_sum(arr[after.codes > before.codes])), rel=2**-52)
