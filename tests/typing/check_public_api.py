"""What a user's type checker sees: mypy --strict checks these statements (this file is in the
``files`` of ``[tool.mypy]``; it is never run). A changed return type fails ``assert_type``."""

from __future__ import annotations

from typing import assert_type

import cssegment as cs
import numpy as np
import numpy.typing as npt
import pandas as pd

Floats = npt.NDArray[np.float64]
arpa = pd.Series([1000.0, 500.0])
rates = np.array([0.02, 0.05], dtype=np.float64)  # np.array of a list is NDArray[Any]: results Any

assert_type(cs.cltv(1000.0, 0.02), float)
assert_type(cs.cltv(arpa, 0.02, gross_margin=0.8), pd.Series)
assert_type(cs.cltv(rates * 1e4, rates), Floats)
assert_type(cs.cac(120_000.0, 40), float)
assert_type(cs.crc(90_000.0, 500, denominator="start"), float)
assert_type(cs.cac_payback(rates, 500.0), Floats)
assert_type(cs.nps([10, 9, 3]), pd.Series)
assert_type(cs.nps([10, 9, 3], by=["a", "a", "b"]), pd.DataFrame)

model = cs.ShiftedBetaGeometric().fit([1000, 631, 468])
assert_type(model, cs.ShiftedBetaGeometric)
assert_type(model.survival(3), float)
assert_type(model.survival([1, 2, 3]), Floats)
assert_type(model.retention_rate(pd.Series([1, 2])), pd.Series)
assert_type(model.clv(100.0, 0.1), float)
assert_type(cs.ShiftedBetaGeometric.fit_many([[10, 5], [8]]), pd.DataFrame)

tiers = cs.TierModel.touch()
assert_type(tiers, cs.TierModel)
assert_type(tiers.assign([5_000.0, 80_000.0]), pd.Categorical)
assert_type(cs.TierModel.from_json(tiers.to_json()), cs.TierModel)
assert_type(tiers.set_params(hysteresis=0.1), cs.TierModel)
assert_type(cs.coverage(tiers.assign([5_000.0]), tiers), pd.DataFrame)

kmeans = cs.KMeans(2).fit(pd.DataFrame({"arr": [1.0, 2.0, 9.0]}))
assert_type(kmeans, cs.KMeans)
assert_type(kmeans.cluster_centers_, Floats)
assert_type(kmeans.predict(np.zeros((1, 1))), pd.Series)

book = cs.datasets.synthetic_book(100)
ledger = cs.RevenueLedger(book.revenue)
assert_type(ledger.movements(), pd.DataFrame)
assert_type(ledger.summary(), pd.Series)

card = cs.Scorecard([cs.Measure("nps", cs.Bands([7, 9], [0, 50, 100]))])
assert_type(card.calibrate(book.accounts, "churned"), cs.CalibratedScorecard)
assert_type(card.backtest(book.accounts).auc, float)
assert_type(cs.health.auc([1, 0], [0.9, 0.2]), float)
assert_type(cs.health.health_auc([1.0, 2.0], [1, 0]), float)

effect = cs.rd_estimate(arpa, arpa, 750.0, h=(300.0, 300.0))
assert_type(effect, cs.RDResult)
assert_type(effect.ci_robust, tuple[float, float])
assert_type(effect.n_effective, tuple[int, int])
assert_type(effect.summary(), str)
