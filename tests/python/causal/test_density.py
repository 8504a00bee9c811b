from __future__ import annotations

import warnings
from importlib.resources import files

import cssegment as cs
import numpy as np
import pandas as pd
import pytest

# rddensity 3.0 on rdrobust's U.S. Senate data (margin of the Democratic party, cutoff 0):
# rddensity(margin) -> t_jk, p_jk, h (left, right), effective observations (left, right).
SENATE = {
    (2, "comb"): (-0.8752730140825867, 0.38142537375718155, (19.84110843639213, 27.118786663630047), (408, 460)),
    (1, "each"): (0.13912420139825024, 0.8893520042478753, (4.510093774907913, 6.0131130265806565), (120, 141)),
    (3, "diff"): (-1.086565440605352, 0.27722890525095756, (50.345531841458055, 50.345531841458055), (603, 609)),
    (2, "sum"): (-0.7995549499066145, 0.4239686975722148, (19.531202570860504, 19.531202570860504), (406, 368)),
}


@pytest.fixture(scope="module")
def margin() -> pd.Series:
    path = files("rdrobust").joinpath("data", "rdrobust_RDsenate.csv")
    with path.open() as handle:
        return pd.read_csv(handle)["margin"]


def golden(n: int = 1500) -> np.ndarray:
    """The C++ suite's deterministic sample: u_i = frac(i x golden ratio), x = u^2 - 0.3."""
    u = np.fmod(np.arange(1, n + 1, dtype=float) * 0.6180339887498949, 1.0)
    return u * u - 0.3


@pytest.mark.parametrize(("p", "bwselect"), list(SENATE))
def test_senate_margin_equals_stored_rddensity_values(margin: pd.Series, p: int, bwselect: str) -> None:
    statistic, p_value, h, n_effective = SENATE[(p, bwselect)]
    test = cs.density_test(margin, p=p, bwselect=bwselect)  # type: ignore[arg-type]
    assert test.statistic == pytest.approx(statistic, rel=1e-8)
    assert test.p_value == pytest.approx(p_value, rel=1e-7)
    assert test.h == pytest.approx(h, rel=1e-9)
    assert test.n_effective == n_effective
    assert test.n == (640, 750)
    assert (test.p, test.q, test.bwselect) == (p, p + 1, bwselect)


def _rddensity(x: np.ndarray, **options: object) -> object:
    from rddensity import rddensity

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its own FutureWarnings and the mass-point notice
        return rddensity(x, **options)


@pytest.mark.parametrize(
    ("sample", "options"),
    [
        ("senate", {}),
        ("senate", {"p": 1, "bwselect": "each"}),
        ("golden", {"c": 0.1, "p": 3, "bwselect": "diff"}),
        ("rounded", {}),  # tied values: the mass-point adjustment
        ("golden", {"h": [0.2, 0.25]}),
    ],
)
def test_equals_rddensity_at_run_time(margin: pd.Series, sample: str, options: dict[str, object]) -> None:
    x = {"senate": margin.to_numpy(), "golden": golden(), "rounded": np.round(margin.to_numpy())}[sample]
    reference = _rddensity(x, **options)
    given = options.get("h")
    test = cs.density_test(
        x,
        cutoff=float(options.get("c", 0.0)),  # type: ignore[arg-type]
        p=int(options.get("p", 2)),  # type: ignore[call-overload]
        bwselect=str(options.get("bwselect", "comb")),  # type: ignore[arg-type]
        h=None if given is None else tuple(given),  # type: ignore[arg-type]
    )
    assert test.statistic == pytest.approx(reference.test["t_jk"], rel=1e-8)  # type: ignore[attr-defined]
    assert test.p_value == pytest.approx(reference.test["p_jk"], rel=1e-7)  # type: ignore[attr-defined]
    assert test.h == pytest.approx(tuple(reference.h), rel=1e-9)  # type: ignore[attr-defined]
    expected_n = reference.n  # type: ignore[attr-defined]
    assert test.n == (expected_n["left"], expected_n["right"])
    assert test.n_effective == (expected_n["eff_left"], expected_n["eff_right"])
    assert test.density == pytest.approx(tuple(reference.hat[["left", "right"]]), rel=1e-9)  # type: ignore[attr-defined]
    assert test.se_difference == pytest.approx(reference.sd_jk["diff"], rel=1e-8)  # type: ignore[attr-defined]


def test_bunching_above_a_threshold_is_rejected_and_a_smooth_density_is_not() -> None:
    rng = np.random.default_rng(3)
    arr = rng.lognormal(np.log(30_000), 0.8, size=4_000)
    pushed = np.concatenate([arr, rng.uniform(50_000, 53_000, size=200)])  # deals closed just over $50k
    assert cs.density_test(arr, cutoff=50_000).p_value > 0.05
    bunched = cs.density_test(pushed, cutoff=50_000)
    assert bunched.p_value < 1e-3
    assert bunched.statistic > 0  # more mass just above the threshold
    assert bunched.density[1] > bunched.density[0]


def test_series_list_and_array_give_the_same_test() -> None:
    x = golden()
    from_array = cs.density_test(x)
    assert cs.density_test(pd.Series(x, index=np.arange(x.size)[::-1])) == from_array
    assert cs.density_test(list(x)) == from_array
    assert cs.density_test(x, h=0.1) == cs.density_test(x, h=(0.1, 0.1))


def test_display_shows_the_statistic_and_bandwidths() -> None:
    test = cs.density_test(golden())
    assert repr(test).startswith(f"DensityTest(T = {test.statistic:.4f}, p = {test.p_value:.4f}")
    html = test._repr_html_()
    assert "Effective observations" in html
    assert "Jackknife standard error" in html
    summary = test.summary()
    assert f"{test.h[0]:.4f}" in summary
    assert summary.splitlines()[-1].split()[1:] == [f"{test.statistic:.4f}", f"{test.p_value:.4f}"]
    with pytest.raises(dataclasses_frozen_error()):
        test.statistic = 0.0  # type: ignore[misc]


def dataclasses_frozen_error() -> type[Exception]:
    import dataclasses

    return dataclasses.FrozenInstanceError


def test_is_exported_from_the_area_and_the_top_level() -> None:
    assert cs.causal.density_test is cs.density_test
    assert cs.causal.DensityTest is cs.DensityTest
