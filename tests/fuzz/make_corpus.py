"""Writes the JSON seeds of tests/fuzz/corpus/json: one document per loader, as cssegment writes
them, prefixed with the loader's selector byte ('0'..'9', see fuzz_json.cpp).

Run from the repository root with the extension built: PYTHONPATH=python python tests/fuzz/make_corpus.py
"""

from __future__ import annotations

import json
import pathlib

import cssegment as cs
import pandas as pd
from cssegment.metrics.ledger import partial_sums

corpus = pathlib.Path(__file__).parent / "corpus" / "json"
book = cs.datasets.synthetic_book(300, seed=1)
accounts = book.accounts
card = cs.Scorecard(
    [
        cs.Measure("seats_used_pct", cs.Linear(0, 100), weight=2),
        cs.Measure("tickets_90d", cs.Bands([2, 5], [100, 50, 0])),
        cs.Measure("logins_per_user", cs.Percentile(by="region")),
    ],
    missing="penalize",
).fit(accounts)
fitted = cs.Scorecard(
    [cs.Measure("seats_used_pct", cs.ZScore()), cs.Measure("tickets_90d", cs.Linear(10, 0))],
    combine="worst",
).fit(accounts)
models = {
    "0": [cs.TierModel.touch(), cs.TierModel([1_000, 50_000], ["low", "mid", "high"], missing="unassigned")],
    "1": [cs.QuadrantModel("arr", 50_000, "health", 70)],
    "2": [
        cs.RuleModel.four_tier(),
        cs.RuleModel([cs.Segment("A", "region in ('EMEA', 'NA') and not is_missing(arr)")], hysteresis=0.1),
    ],
    "3": [
        cs.KMeans(3, seed=1),
        cs.KMeans(2, seed=2).fit(pd.DataFrame({"arr": accounts["arr"], "employees": accounts["employees"]})),
    ],
    "4": [card, fitted],
    "5": [cs.ScorecardSet({"Enterprise": fitted}, default=card)],
    "6": [fitted.calibrate(accounts, "churned", l2=1.0)],
    "7": [cs.ShiftedBetaGeometric(1.2, 3.4), cs.ShiftedBetaGeometric().fit([1000, 800, 700, 650])],
    "8": [cs.CadencePolicy({"Enterprise": 14, "SMB": 60}, min_days=3, max_days=90)],
    # Partial sums are written by the Dask integration; the core's ledger makes them.
    "9": [partial_sums(cs.RevenueLedger(book.revenue), "movements", 3, None, None)],
}
corpus.mkdir(parents=True, exist_ok=True)
for selector, instances in models.items():
    for number, model in enumerate(instances):
        text = model.to_json()
        (corpus / f"{selector}-{json.loads(text)['kind']}-{number}.json").write_text(selector + text)
print(sorted(p.name for p in corpus.iterdir()))
