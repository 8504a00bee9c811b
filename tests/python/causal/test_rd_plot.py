"""cs.plot.rd_plot: bin means, fits and bands checked against numpy and pandas computations."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import cssegment as cs
import cssegment.plot
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def design() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(4)
    x = rng.uniform(-2.0, 3.0, 3_000)
    y = 1.0 + 0.4 * x - 0.05 * x**2 + 0.5 * (x >= 0.5) + rng.normal(0.0, 0.2, x.size)
    return y, x


def _scatter(ax) -> np.ndarray:
    return np.asarray(ax.collections[0].get_offsets())


def test_evenly_spaced_bins_hold_the_means_of_their_observations(design) -> None:
    y, x = design
    ax = cs.plot.rd_plot(y, x, cutoff=0.5, bins="es", n_bins=7)
    expected = []
    for side in (x < 0.5, x >= 0.5):
        xs, ys = x[side], y[side]
        edges = np.linspace(xs.min(), xs.max(), 8)
        groups = pd.cut(xs, edges, include_lowest=True, right=False).codes
        groups = np.where(xs == xs.max(), 6, groups)  # the last bin is closed
        frame = pd.DataFrame({"x": xs, "y": ys, "bin": groups}).groupby("bin").mean()
        expected.append(frame[["x", "y"]].to_numpy())
    np.testing.assert_allclose(_scatter(ax), np.vstack(expected), rtol=1e-12)


def test_quantile_spaced_bins_hold_equal_numbers_of_observations() -> None:
    x = np.arange(-100.0, 60.0)  # 100 values below 0, 60 at or above
    y = x**2
    offsets = _scatter(cs.plot.rd_plot(y, x, bins="qs", n_bins=10))
    assert len(offsets) == 20
    expected = [part.mean() for side in (x[x < 0], x[x >= 0]) for part in np.array_split(side, 10)]
    np.testing.assert_allclose(offsets[:, 0], expected, rtol=1e-12)
    expected_y = [part.mean() for side in (y[x < 0], y[x >= 0]) for part in np.array_split(side, 10)]
    np.testing.assert_allclose(offsets[:, 1], expected_y, rtol=1e-12)


def test_global_fits_equal_numpy_polyfit_and_a_noise_free_line_has_no_band() -> None:
    x = np.linspace(-1.0, 1.0, 401)
    y = np.where(x < 0, 2.0 + x, 3.0 - 0.5 * x)
    ax = cs.plot.rd_plot(y, x, p=1, n_bins=5)
    lines = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
    left, right = lines[0].get_xydata(), lines[1].get_xydata()
    np.testing.assert_allclose(left[:, 1], 2.0 + left[:, 0], atol=1e-9)
    np.testing.assert_allclose(right[:, 1], 3.0 - 0.5 * right[:, 0], atol=1e-9)
    band = ax.collections[1].get_paths()[0].vertices[:, 1]
    assert np.ptp(band) <= np.ptp(left[:, 1]) + 1e-6  # the band collapses onto the line


def test_order_four_fit_matches_polyfit(design) -> None:
    y, x = design
    ax = cs.plot.rd_plot(y, x, cutoff=0.5)
    right = [line for line in ax.get_lines() if line.get_linestyle() == "-"][1].get_xydata()
    side = x >= 0.5
    reference = np.polyval(np.polyfit(x[side] - 0.5, y[side], 4), right[:, 0] - 0.5)
    np.testing.assert_allclose(right[:, 1], reference, rtol=1e-8)


def test_cutoff_is_marked_and_titled(design) -> None:
    y, x = design
    ax = cs.plot.rd_plot(pd.Series(y), pd.Series(x), cutoff=0.5, xlabel="ARR", ylabel="Churned")
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert dashed[0].get_xdata()[0] == 0.5
    assert ax.get_title() == "Binned means and order-4 fits on each side of the cut-off 0.5"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("ARR", "Churned")


def test_with_a_result_the_lines_are_the_estimates_local_fits(design) -> None:
    y, x = design
    result = cs.rd_estimate(y, x, 0.5, kernel="epanechnikov")
    ax = cs.plot.rd_plot(y, x, result=result)
    left, right = (line.get_xydata() for line in ax.get_lines() if line.get_linestyle() == "-")
    assert left[0, 0] == pytest.approx(0.5 - result.h[0])
    assert right[-1, 0] == pytest.approx(0.5 + result.h[1])
    # At the cut-off the two lines are the estimate's conventional intercepts: their gap is the estimate.
    assert (left[-1, 1], right[0, 1]) == pytest.approx(result.intercept, rel=1e-8)
    assert right[0, 1] - left[-1, 1] == pytest.approx(result.estimate, rel=1e-8)
    low, high = result.ci_robust
    assert ax.get_title() == (
        f"Effect at the cut-off 0.5: {result.estimate:.3g} (robust 95% CI {low:.3g} to {high:.3g})"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda y, x: cs.plot.rd_plot(y[:-1], x), "y: has length 2999 but x has length 3000"),
        (lambda y, x: cs.plot.rd_plot(np.r_[np.nan, y[1:]], x), "y[0] = nan: values must be finite"),
        (lambda y, x: cs.plot.rd_plot(y, x, bins="esmv"), "bins: 'esmv' must be 'es' (evenly spaced) or 'qs'"),
        (lambda y, x: cs.plot.rd_plot(y, x, level=100), "level: 100 must be in (0, 100)"),
        (lambda y, x: cs.plot.rd_plot(y, x, n_bins=0), "n_bins: 0 must be >= 1"),
        (lambda y, x: cs.plot.rd_plot(y, x, p=9), "p: 9 must be in [0, 8]"),
        (lambda y, x: cs.plot.rd_plot(y, x, cutoff=10), "x: needs at least 2 values at or above the cutoff 10, got 0"),
        (lambda y, x: cs.plot.rd_plot(y, x, ax="axes"), "ax: expected a matplotlib Axes, got str"),
    ],
)
def test_bad_input_names_the_argument(design, call, message) -> None:
    y, x = design
    with pytest.raises(cs.InvalidInputError) as caught:
        call(y, x)
    assert str(caught.value).startswith(message)
