"""What a type checker sees for ``output="polars"``: polars types; the default and ``"pandas"``:
pandas types. mypy --strict checks these statements (``[tool.mypy] files``); it is never run."""

from __future__ import annotations

from typing import assert_type

import cssegment as cs
import pandas as pd
import polars as pl

book = cs.datasets.synthetic_book(100)
tiers = cs.TierModel.touch()
segments = tiers.assign([5_000.0, 80_000.0])
assert_type(segments, pd.Categorical)
assert_type(tiers.assign([5_000.0], output="pandas"), pd.Categorical)
assert_type(tiers.assign([5_000.0], output="polars"), pl.Series)
assert_type(cs.RuleModel.four_tier().assign(book.accounts, output="polars"), pl.Series)

assert_type(cs.transitions(segments, segments), pd.DataFrame)
assert_type(cs.transitions(segments, segments, output="polars"), pl.DataFrame)
assert_type(cs.coverage(segments, tiers, output="polars"), pl.DataFrame)

ledger = cs.RevenueLedger(book.revenue)
assert_type(ledger.movements(output="polars"), pl.DataFrame)
assert_type(ledger.retention(output="polars"), pl.DataFrame)
assert_type(ledger.cohorts(output="polars"), pl.DataFrame)
assert_type(ledger.cohorts(output="pandas"), pd.DataFrame)

card = cs.Scorecard([cs.Measure("nps", cs.Bands([7, 9], [0, 50, 100]))])
assert_type(card.score(book.accounts), pd.DataFrame)
assert_type(card.score(book.accounts, output="polars"), pl.DataFrame)
assert_type(card.calibrate(book.accounts, "churned").score(book.accounts, output="polars"), pl.DataFrame)

kmeans = cs.KMeans(2).fit(pd.DataFrame({"arr": [1.0, 2.0, 9.0]}))
assert_type(kmeans.profile(pd.DataFrame({"arr": [1.0, 2.0, 9.0]}), output="polars"), pl.DataFrame)
