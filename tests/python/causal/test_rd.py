"""rd_estimate against rdrobust: its U.S. Senate data and a deterministic design, stored values and
run-time comparisons, plus the invariances of the estimate."""

# ruff: noqa: E501 -- the stored values keep one case per line

from __future__ import annotations

import math
import warnings
from importlib import resources

import cssegment as cs
import numpy as np
import pandas as pd
import polars as pl
import pytest

with warnings.catch_warnings():  # rdrobust's plotting dependencies warn on import
    warnings.simplefilter("ignore")
    from rdrobust import rdrobust


def _senate() -> pd.DataFrame:
    # Cattaneo, Frandsen & Titiunik (2015), as bundled with rdrobust (GPL-3.0, a test dependency).
    with resources.files("rdrobust").joinpath("data/rdrobust_RDsenate.csv").open("r") as handle:
        return pd.read_csv(handle).dropna(subset=["margin", "vote"]).reset_index(drop=True)


SENATE = _senate()


def _frac(v: float) -> float:
    return v - math.floor(v)


def _design(n: int = 1000) -> pd.DataFrame:
    """The deterministic design of tests/cpp/causal/test_rd.cpp (the same doubles)."""
    rows = []
    for i in range(n):
        k = float(i + 1)
        a, b, c = _frac(k * 0.6180339887498949), _frac(k * 0.7548776662466927), _frac(k * 0.5698402909980532)
        x = 2.0 * a - 1.0
        treated = x >= 0.0
        y = 1.0 + x - 0.5 * x * x + (0.4 if treated else 0.0) + (b - 0.5)
        rows.append((y, x, 1.0 if c < (0.8 if treated else 0.2) else 0.0, i % 37))
    return pd.DataFrame(rows, columns=["y", "x", "t", "cluster"])


DESIGN = _design()

# rdrobust 2.1.1 on the Senate data (vote on margin, cut-off 0): estimate, bias-corrected
# estimate, se, robust se, robust CI, h (left, right), b (left, right).
SENATE_STORED = {
    "default": (7.414130749110065, 7.506502364866051, 1.4587159889059338, 1.7412583753231818, 4.093698661453887, 10.919306068278216, 17.75439819269227, 17.75439819269227, 28.028088587710084, 28.028088587710084),
    "p2_uniform": (8.173593594436674, 8.176717120688096, 1.9026521048106233, 2.1020624455907995, 4.056750434075942, 12.29668380730025, 18.765329447037985, 18.765329447037985, 31.076618532328276, 31.076618532328276),
    "msetwo": (7.453606979425082, 7.53352611907583, 1.49715233148197, 1.7594832288695093, 4.085002359089347, 10.982049879062313, 16.16981983416053, 18.126468701997876, 27.103889674689896, 29.343562175465028),
    "hc1": (7.416199427655265, 7.5038324805309955, 1.4601243037701959, 1.7442981520243734, 4.0850709242634515, 10.92259403679854, 17.703691723553664, 17.703691723553664, 28.124908721391467, 28.124908721391467),
    "fixed_h": (7.984687486946122, 11.921819606781789, 1.8380641505193522, 2.7177920155588895, 6.595045138815843, 17.248594074747736, 10.0, 10.0, 10.0, 10.0),
    "cluster_state": (7.394837783190958, 7.504956304285024, 1.5339246326384757, 1.7959445457469643, 3.9849696763898264, 11.02494293218022, 18.084289311356528, 18.084289311356528, 27.650685075356837, 27.650685075356837),
}  # fmt: skip

SENATE_OPTIONS: dict[str, dict[str, object]] = {
    "default": {},
    "p2_uniform": {"p": 2, "kernel": "uniform"},
    "msetwo": {"bwselect": "msetwo"},
    "hc1": {"vce": "hc1"},
    "fixed_h": {"h": 10.0},
    "cluster_state": {"cluster": SENATE["state"]},
}


def _ours(fit: cs.RDResult) -> np.ndarray:
    return np.array([fit.estimate, fit.estimate_bc, fit.se, fit.se_robust, *fit.ci_robust, *fit.h, *fit.b])


def _theirs(fit: object) -> np.ndarray:
    coef, se, ci, bws = (getattr(fit, name).to_numpy() for name in ("coef", "se", "ci", "bws"))
    return np.array([coef[0, 0], coef[1, 0], se[0, 0], se[2, 0], *ci[2], *bws.ravel()])


def _rdrobust(y: object, x: object, **options: object) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rdrobust(y, x, **options)


@pytest.mark.parametrize("case", list(SENATE_STORED))
def test_senate_equals_stored_rdrobust_values(case: str) -> None:
    fit = cs.rd_estimate(SENATE["vote"], SENATE["margin"], **SENATE_OPTIONS[case])  # type: ignore[arg-type]
    np.testing.assert_allclose(_ours(fit), SENATE_STORED[case], rtol=1e-6)


@pytest.mark.parametrize("case", list(SENATE_STORED))
def test_senate_equals_rdrobust_at_run_time(case: str) -> None:
    options = dict(SENATE_OPTIONS[case])
    if "cluster" in options:
        options["cluster"] = SENATE["state"].to_numpy()
    theirs = _rdrobust(SENATE["vote"].to_numpy(), SENATE["margin"].to_numpy(), **options)
    fit = cs.rd_estimate(SENATE["vote"], SENATE["margin"], **SENATE_OPTIONS[case])  # type: ignore[arg-type]
    np.testing.assert_allclose(_ours(fit), _theirs(theirs), rtol=1e-6)
    assert fit.n_effective == tuple(int(v) for v in theirs.N_h)  # type: ignore[attr-defined]
    assert fit.n == (int(theirs.N[0]), int(theirs.N[1]))  # type: ignore[attr-defined]


DESIGN_OPTIONS: list[dict[str, object]] = [
    {"fuzzy": DESIGN["t"]},
    {"fuzzy": DESIGN["t"], "vce": "hc2", "bwselect": "msetwo"},
    {"kernel": "epanechnikov", "bwselect": "cercomb2", "vce": "hc3"},
    {"bwselect": "msecomb1", "vce": "hc0", "p": 0},
    {"bwselect": "certwo", "p": 3, "q": 5},
    {"cluster": DESIGN["cluster"], "bwselect": "cersum"},
    {"h": (0.3, 0.4), "b": 0.6, "kernel": "uniform", "level": 90},
    {"nnmatch": 5, "bwselect": "msesum"},
]


@pytest.mark.parametrize("options", DESIGN_OPTIONS, ids=lambda o: "-".join(sorted(o)))
def test_design_equals_rdrobust_at_run_time(options: dict[str, object]) -> None:
    theirs_options = {k: (v.to_numpy() if isinstance(v, pd.Series) else v) for k, v in options.items()}
    if "level" in theirs_options:
        theirs_options["level"] = theirs_options["level"]
    theirs = _rdrobust(DESIGN["y"].to_numpy(), DESIGN["x"].to_numpy(), **theirs_options)
    fit = cs.rd_estimate(DESIGN["y"], DESIGN["x"], **options)  # type: ignore[arg-type]
    np.testing.assert_allclose(_ours(fit), _theirs(theirs), rtol=1e-6)
    assert fit.fuzzy == ("fuzzy" in options)


def test_fuzzy_equals_stored_rdrobust_value() -> None:
    fit = cs.rd_estimate(DESIGN["y"], DESIGN["x"], fuzzy=DESIGN["t"])
    stored = (0.5916879000922685, 0.5830689242889773, 0.14285115127686773, 0.1713177060418273)
    np.testing.assert_allclose([fit.estimate, fit.estimate_bc, fit.se, fit.se_robust], stored, rtol=1e-6)
    # The fuzzy estimate is the outcome's jump over the treatment's.
    sharp = cs.rd_estimate(DESIGN["y"], DESIGN["x"], h=fit.h, b=fit.b)
    assert fit.estimate == pytest.approx(sharp.estimate / fit.first_stage, rel=1e-12)


def test_intercepts_are_the_fits_at_the_cutoff() -> None:
    fit = cs.rd_estimate(SENATE["vote"], SENATE["margin"])
    theirs = _rdrobust(SENATE["vote"].to_numpy(), SENATE["margin"].to_numpy())
    np.testing.assert_allclose(fit.intercept, theirs.tau_cl, rtol=1e-6)  # type: ignore[attr-defined]
    assert fit.intercept[1] - fit.intercept[0] == pytest.approx(fit.estimate, rel=1e-12)


def test_row_order_shift_and_scale() -> None:
    shuffled = SENATE.sample(frac=1.0, random_state=4)
    base = cs.rd_estimate(SENATE["vote"], SENATE["margin"])
    np.testing.assert_allclose(_ours(cs.rd_estimate(shuffled["vote"], shuffled["margin"])), _ours(base), rtol=1e-10)
    shifted = cs.rd_estimate(SENATE["vote"], SENATE["margin"] + 50_000.0, cutoff=50_000.0)
    np.testing.assert_allclose(_ours(shifted), _ours(base), rtol=1e-6)
    scaled = cs.rd_estimate(SENATE["vote"] * 2.5 + 3.0, SENATE["margin"])
    np.testing.assert_allclose(_ours(scaled)[:6], 2.5 * _ours(base)[:6], rtol=1e-9)
    np.testing.assert_allclose(_ours(scaled)[6:], _ours(base)[6:], rtol=1e-9)


def test_frames_of_other_libraries() -> None:
    base = cs.rd_estimate(SENATE["vote"], SENATE["margin"])
    frame = pl.from_pandas(SENATE[["vote", "margin"]])
    assert _ours(cs.rd_estimate(frame["vote"], frame["margin"])).tolist() == _ours(base).tolist()
    lists = cs.rd_estimate(SENATE["vote"].tolist(), SENATE["margin"].tolist())
    assert _ours(lists).tolist() == _ours(base).tolist()


def test_result_is_a_frozen_value_with_the_named_fields() -> None:
    fit = cs.causal.rd_estimate(SENATE["vote"], SENATE["margin"], cluster=SENATE["state"])
    with pytest.raises(AttributeError):
        fit.estimate = 0.0  # type: ignore[misc]
    assert (fit.cutoff, fit.p, fit.q, fit.kernel, fit.bwselect, fit.vce, fit.level, fit.fuzzy) == (
        0.0, 1, 2, "triangular", "mserd", "nn", 95.0, False,
    )  # fmt: skip
    theirs = _rdrobust(SENATE["vote"].to_numpy(), SENATE["margin"].to_numpy(), cluster=SENATE["state"].to_numpy())
    assert fit.clusters == theirs.n_clust  # type: ignore[attr-defined]
    assert cs.rd_estimate(SENATE["vote"], SENATE["margin"], h=10.0).bwselect == "manual"


def test_summary_and_html_read_like_rdrobust() -> None:
    fit = cs.rd_estimate(SENATE["vote"], SENATE["margin"])
    text = fit.summary()
    assert text.splitlines()[0] == "Sharp RD estimates using local polynomial regression."
    assert "Number of Observations:                  1297" in text
    assert "Bandwidth Estimation           17.754     17.754" in text
    assert "Conventional       7.414    1.459    5.083   3.722e-07    [4.555, 10.273]" in text
    assert "Robust                 -        -    4.311   1.625e-05    [4.094, 10.919]" in text
    html = fit._repr_html_()
    assert html.startswith("<div><strong>RDResult</strong>")
    assert "<th>Effective observations</th><td>360</td><td>323</td>" in html
