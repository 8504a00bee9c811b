"""Issue 21: k-means on features whose squares overflow a double, and tampered fitted state."""

from __future__ import annotations

import json

import cssegment as cs
import numpy as np
import pytest


@pytest.mark.parametrize("rows", [[[1e155], [0.0], [1.0]], [[1e155, 0.0], [0.0, 1.0], [1.0, 2.0]]])
def test_unscaled_features_whose_distances_overflow_are_refused(rows: list[list[float]]) -> None:
    # The probe's segfault (exit 139).
    with pytest.raises(cs.InvalidInputError, match=r"\[0\] = 1e\+155: lies .* squared distances overflow"):
        cs.KMeans(2, scale=None, seed=0, n_init=1).fit(rows)


def test_standard_scaling_of_extreme_magnitudes_keeps_three_points_apart() -> None:
    model = cs.KMeans(3, seed=0, n_init=1).fit([[1e300], [-1e300], [0.0]])
    assert model.inertia_ == 0.0
    centres = np.sort(model.cluster_centers_.ravel())
    np.testing.assert_allclose(centres, [-1e300, 0.0, 1e300], rtol=1e-12, atol=0)
    two = cs.KMeans(2, seed=0, n_init=1).fit([[1e300], [-1e300], [0.0]])
    assert np.isfinite(two.inertia_) and two.inertia_ > 0
    assert np.isfinite(two.cluster_centers_).all()


@pytest.mark.parametrize(("spread", "message"), [([0, 0], r"fit.spread\[0\] = 0"), ([-1, 1], r"fit.spread\[0\] = -1")])
def test_a_tampered_spread_is_refused(spread: list[float], message: str) -> None:
    model = cs.KMeans(2, seed=0, n_init=1).fit([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0], [6.0, 6.0]])
    document = json.loads(model.to_json())
    document["fit"]["spread"] = spread
    with pytest.raises(cs.InvalidInputError, match=message):
        cs.KMeans.from_json(json.dumps(document))
