"""Unit economics: CLTV, CRC, CAC, CLTV : CAC and CAC payback."""

from __future__ import annotations

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_series_equal


def test_cltv_formulas() -> None:
    assert cs.cltv(1000.0, 0.02) == pytest.approx(50_000)
    assert cs.cltv(1000.0, 0.02, cost_to_serve=100.0, gross_margin=0.8) == pytest.approx(700 / 0.02)
    d, r = 0.01, 0.98
    assert cs.cltv(1000.0, 0.02, discount_rate=d) == pytest.approx(1000 * (1 + d) / (1 + d - r))
    arpa = pd.Series([100.0, 200.0], index=["x", "y"])
    got = cs.cltv(arpa, np.array([0.1, 0.5]))
    assert_series_equal(got, pd.Series([1000.0, 400.0], index=["x", "y"], name="cltv"))
    np.testing.assert_allclose(cs.cltv([100.0, 200.0], 0.1), [1000.0, 2000.0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"churn_rate": 0.0}, r"churn_rate\[0\] = 0: must be in \(0, 1\]"),
        ({"churn_rate": 1.5}, r"churn_rate\[0\] = 1.5: must be in \(0, 1\]"),
        ({"gross_margin": 0.0}, r"gross_margin\[0\] = 0: must be in \(0, 1\]"),
        ({"gross_margin": 1.2}, r"gross_margin\[0\] = 1.2"),
        ({"arpa": -1.0}, r"arpa\[0\] = -1"),
        ({"discount_rate": np.nan}, r"discount_rate\[0\] = nan"),
    ],
)
def test_cltv_rejects_bad_input(kwargs: dict[str, float], message: str) -> None:
    arguments = {"arpa": 100.0, "churn_rate": 0.1, **kwargs}
    with pytest.raises(cs.InvalidInputError, match=message):
        cs.cltv(**arguments)


def test_crc_cac_ratio_and_payback() -> None:
    assert cs.crc(90_000.0, 450) == 200.0
    assert cs.crc(90_000.0, 500, denominator="start") == 180.0
    with pytest.raises(cs.InvalidInputError, match="denominator: 'end' must be 'retained' or 'start'"):
        cs.crc(1.0, 1.0, denominator="end")  # type: ignore[arg-type]
    with pytest.raises(cs.InvalidInputError, match=r"customers \(start\)\[1\] = 0: must be finite and > 0"):
        cs.crc([1.0, 2.0], [3, 0], denominator="start")
    np.testing.assert_allclose(cs.cac([100.0, 300.0], [4, 10]), [25.0, 30.0])
    assert cs.cltv_cac_ratio(9000.0, 3000.0) == 3.0
    assert cs.cac_payback(3000.0, 500.0, gross_margin=0.75) == 8.0
    with pytest.raises(cs.InvalidInputError, match="different lengths"):
        cs.cac([1.0, 2.0], [1.0, 2.0, 3.0])
