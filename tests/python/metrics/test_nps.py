"""NPS, its standard error and the z-test of two scores."""

from __future__ import annotations

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from scipy import stats


def test_nps_by_hand_and_its_standard_error() -> None:
    scores = [10, 9, 9, 8, 7, 6, 0, 10, 3, 9]
    result = cs.nps(scores)
    p, d, n = 5 / 10, 3 / 10, 10
    assert result["nps"] == pytest.approx(20.0)
    se = 100 * np.sqrt((p + d - (p - d) ** 2) / n)
    assert result["standard_error"] == pytest.approx(se)
    assert result["ci_low"] == pytest.approx(20 - stats.norm.ppf(0.975) * se)
    assert result[["n", "promoters", "passives", "detractors"]].tolist() == [10, 5, 2, 3]
    # The standard error is the bootstrap-free one: the sample std of +100/0/-100 scores / sqrt(n).
    points = np.select([np.array(scores) >= 9, np.array(scores) <= 6], [100.0, -100.0], 0.0)
    assert se == pytest.approx(points.std(ddof=0) / np.sqrt(n))


def test_nps_by_segment_and_missing_answers() -> None:
    scores = pd.Series([10, 0, np.nan, 9, 7])
    table = cs.nps(scores, by=["b", "a", "a", "b", "a"])
    assert list(table.index) == ["a", "b"]
    assert table.loc["a", "nps"] == pytest.approx(-50.0)
    assert table.loc["a", "n"] == 2
    assert table.loc["b", "nps"] == 100.0
    assert table.loc["b", "standard_error"] == 0.0


@pytest.mark.parametrize(("score", "shown"), [(11, "11"), (7.5, "7.5"), (-1, "-1")])
def test_nps_rejects_bad_scores(score: float, shown: str) -> None:
    with pytest.raises(cs.InvalidInputError, match=rf"scores\[1\] = {shown}: NPS scores must be whole numbers"):
        cs.nps([9, score])
    with pytest.raises(cs.InvalidInputError, match=rf"b\[1\] = {shown}"):
        cs.nps_difference([9, 9], [9, score])


def test_nps_difference_is_a_z_test() -> None:
    rng = np.random.default_rng(5)
    a, b = rng.integers(0, 11, 400), rng.integers(3, 11, 300)
    result = cs.nps_difference(a, b)
    ea, eb = cs.nps(a), cs.nps(b)
    se = np.hypot(ea["standard_error"], eb["standard_error"])
    z = (ea["nps"] - eb["nps"]) / se
    assert result["difference"] == pytest.approx(ea["nps"] - eb["nps"])
    assert result["standard_error"] == pytest.approx(se)
    assert result["z"] == pytest.approx(z)
    assert result["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)))
    # TSIA: a 2-point gap on ~100 answers each is well within the noise.
    close = cs.nps_difference([10] * 52 + [0] * 48, [10] * 51 + [0] * 49)
    assert close["p_value"] > 0.5
    with pytest.raises(cs.InvalidInputError, match="a: has no scores"):
        cs.nps_difference([np.nan], [9])
