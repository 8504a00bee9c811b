"""Does coverage work? Regression discontinuity at tier thresholds.

An account just above a tier's lower edge gets the tier's coverage and one just below does not:
comparing outcomes on either side of the threshold estimates what the coverage did, for the
accounts at the threshold. The estimates and inference follow rdrobust (Calonico, Cattaneo,
Farrell and Titiunik) and the manipulation test follows rddensity (Cattaneo, Jansson and Ma).
"""

from __future__ import annotations

__all__: list[str] = []
