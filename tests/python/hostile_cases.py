"""The cases of the hostile-input suite (``test_hostile.py`` runs each in a child process).

A case is a call and what it may do: ``expect`` is an outcome class (``result``, ``invalid``,
``not_fitted``) or ``clean`` (``result`` or ``invalid``: never a crash, a hang, a memory blow-up or
another exception). ``match`` is the start of the message of an expected ``invalid``; ``check``
must hold for a result (a ``clean`` case that raises ``InvalidInputError`` is not checked).

Case ids are ``family:name``. The families: ``issue`` (every reproducer of issue 21, with the
outcome the issue asks for), ``magnitude`` (extreme doubles through every numeric entry point),
``denormal``, ``huge-int`` (Python ints beyond 64 bits in every integer parameter and column),
``span`` (periods, dates and ids far apart), ``sentinel`` (labels named like the labels cssegment
adds), ``tampered`` (models' JSON and pickles edited by hand) and ``mixed`` (object columns
mixing kinds).
"""

# ruff: noqa: E501 -- one case per line, so that the cases read as a table

from __future__ import annotations

import json
import math
import pickle
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import cssegment as cs
import cssegment.dask as csd
import dask.dataframe as dd
import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Case:
    id: str
    call: Callable[[], Any]
    expect: str = "clean"
    match: str | None = None
    check: Callable[[Any], bool] | None = None


CASES: list[Case] = []


def case(id: str, call: Callable[[], Any], expect: str = "clean", match: str | None = None, check: Any = None) -> None:
    CASES.append(Case(id, call, expect, match, check))


def invalid(id: str, call: Callable[[], Any], match: str | None = None) -> None:
    case(id, call, "invalid", match)


def warned(call: Callable[[], Any]) -> tuple[Any, list[str]]:
    """The result of ``call`` and the messages of the warnings it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    return result, [str(w.message) for w in caught]


def finite(value: Any) -> bool:
    """Whether every number of a result (scalar, array, Series, DataFrame) is finite or missing
    where the input was missing: here, simply, no infinity anywhere."""
    if isinstance(value, pd.DataFrame):
        numbers = value.select_dtypes("number").to_numpy(dtype=np.float64)
    elif isinstance(value, (pd.Series, np.ndarray, list, tuple)):
        numbers = np.asarray(pd.to_numeric(pd.Series(np.asarray(value).ravel()), errors="coerce"), dtype=np.float64)
    else:
        numbers = np.asarray([float(value)])
    return not np.isinf(numbers).any()


def no_nan(value: Any) -> bool:
    numbers = value.select_dtypes("number").to_numpy(dtype=np.float64) if isinstance(value, pd.DataFrame) else value
    return bool(np.isfinite(np.asarray(numbers, dtype=np.float64)).all())


# --- shared inputs (built once in the parent; every child inherits them) -----------------------

BOOK = cs.datasets.synthetic_book(300, n_months=12, seed=0)
LEDGER = cs.RevenueLedger(BOOK.revenue)
REVENUE = pd.DataFrame({"account_id": [1, 1, 2], "month": [1, 2, 1], "mrr": [10.0, 20.0, 5.0]})
SMALL = cs.RevenueLedger(REVENUE)
TOUCH = cs.TierModel.touch()
QUADRANT = cs.QuadrantModel()
FOUR = cs.RuleModel.four_tier()
CARD = cs.Scorecard([cs.Measure("a", cs.Linear(0, 10))])
POLICY = cs.CadencePolicy({"High touch": 30, "Low touch": 60, "Tech touch": 90})
SBG = cs.ShiftedBetaGeometric(alpha=0.7, beta=1.2)
X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 10.0], "b": [1.0, 2.0, 3.0, 9.0]})
FITTED = cs.KMeans(2, n_init=1).fit(X)
ACCOUNTS = pd.DataFrame({"tenure_days": [30.0, 400.0], "renewal_days": [10.0, 300.0]})
SCHEDULE = POLICY.schedule(ACCOUNTS, segments=["High touch", "Low touch"])
ROSTER = pd.DataFrame({"csm": ["A", "B"], "segment": ["High touch", "Low touch"]})


def rows(**columns: Any) -> pd.DataFrame:
    return REVENUE.assign(**columns)


def edited(document: str, **fields: Any) -> str:
    loaded = json.loads(document)
    for path, value in fields.items():
        target = loaded
        *parents, last = path.split("__")
        for parent in parents:
            target = target[parent]
        target[last] = value
    return json.dumps(loaded)


def with_version(model: Any, version: str) -> Any:
    return type(model).from_json(edited(model.to_json(), cssegment_version=version))


# === issue 21: every reproducer, with the outcome the issue asks for ===========================

# Crash
case("issue:kmeans-1e155-1d", lambda: cs.KMeans(2, scale=None, seed=0, n_init=1).fit([[1e155], [0.0], [1.0]]))
case("issue:kmeans-1e155-2d", lambda: cs.KMeans(2, scale=None, n_init=1).fit([[1e155, 1.0], [0.0, 2.0], [1.0, 3.0]]))
case("issue:kmeans-1.35e154", lambda: cs.KMeans(2, scale=None, n_init=1).fit([[1.35e154], [-1.35e154], [1.0]]))
# Hangs and super-linear time (each within the case's time limit)
case("issue:sbg-survival-1e15", lambda: SBG.survival(1e15), "result", check=lambda s: 0.0 <= s < 1e-6)
case("issue:sbg-churn-1e15", lambda: SBG.churn_probability(1e15), "result", check=lambda p: 0.0 <= p < 1e-6)
case("issue:sbg-survival-1e9", lambda: SBG.survival(1e9), "result", check=lambda s: 0.0 < s < 1e-3)
case("issue:sbg-project-100k", lambda: SBG.project(100_000), "result", check=lambda f: len(f) >= 100_000)
case(
    "issue:sbg-survival-arange-100k",
    lambda: SBG.survival(np.arange(100_000)),
    "result",
    check=lambda s: bool(np.all(np.diff(s) <= 0)) and s[0] == 1.0,
)
invalid("issue:kmeans-n_init-2**63", lambda: cs.KMeans(2, n_init=2**63), "n_init: 9223372036854775808 must be in [1, ")
# Memory not bounded by input
invalid(
    "issue:ledger-span-1e9",
    lambda: cs.RevenueLedger(pd.DataFrame({"account_id": [1, 1], "month": [0, 10**9], "mrr": [1.0, 2.0]})),
)
invalid(
    "issue:ledger-2000-rows-200k-months",
    lambda: cs.RevenueLedger(
        pd.DataFrame({"account_id": np.arange(2000), "month": np.linspace(0, 200_000, 2000).astype(int), "mrr": 1.0})
    ),
)
invalid("issue:synthetic-book-1e8x1200", lambda: cs.datasets.synthetic_book(10**8, n_months=1200))
case("issue:transitions-20k-labels", lambda: cs.transitions([f"s{i}" for i in range(20_000)], ["a"] * 20_000))


# Silent wrong answers
def _big_ledger() -> pd.DataFrame:
    ids = np.arange(300)
    return pd.DataFrame(
        {"account_id": np.r_[ids, ids], "month": np.r_[np.zeros(300, int), np.ones(300, int)],
         "mrr": np.r_[np.full(300, 0.8e24), np.full(300, 1.2e24)]}
    )  # fmt: skip


case(
    "issue:ledger-sums-past-2**88",
    lambda: cs.RevenueLedger(_big_ledger()).movements(),
    check=lambda m: math.isclose(m["end"].iloc[-1], 3.6e26, rel_tol=1e-9),
)
case(
    "issue:ledger-nrr-past-2**88",
    lambda: cs.RevenueLedger(_big_ledger()).retention(horizon=1),
    check=lambda r: math.isclose(r["nrr"].iloc[0], 1.5, rel_tol=1e-9),
)
case(
    "issue:kmeans-standard-1e300",
    lambda: cs.KMeans(2, n_init=1).fit([[1e300, 1.0], [-1e300, 2.0], [0.0, 3.0], [5e299, 4.0]]),
    check=lambda m: bool(np.isfinite(m.cluster_centers_).all()) and m.inertia_ > 0,
)
case(
    "issue:kmeans-three-distinct-1e300",
    lambda: cs.KMeans(3, n_init=1).fit([[1e300], [-1e300], [0.0]]),
    check=lambda m: len(set(m.predict([[1e300], [-1e300], [0.0]]).tolist())) == 3,
)
case(
    "issue:linear-full-range-at-0",
    lambda: cs.Scorecard([cs.Measure("a", cs.Linear(-1e308, 1e308))]).score({"a": [0.0, 1e308]}),
    check=lambda s: s["score"].tolist() == [50.0, 100.0],
)
case(
    "issue:linear-denormal-span",
    lambda: cs.Scorecard([cs.Measure("a", cs.Linear(0, 5e-324))]).score({"a": [0.0, 5e-324]}),
    check=lambda s: s["score"].tolist() == [0.0, 100.0],
)
for name, spread in (("zero", [0, 0]), ("negative", [-1, 1])):
    invalid(
        f"issue:tampered-kmeans-spread-{name}",
        lambda spread=spread: cs.KMeans.from_json(edited(FITTED.to_json(), fit__spread=spread)),
        "json: fit.spread",
    )
case(
    "issue:by-other-type-int64-min",
    lambda: cs.RevenueLedger(pd.DataFrame({"account_id": [-(2**63), 5], "month": [0, 0], "mrr": [1.0, 2.0]})).movements(
        by=pd.Series(["x", "y"], index=["a", "b"])
    ),
    "invalid",
)
case(
    "issue:by-other-type-float-id",
    lambda: cs.RevenueLedger(pd.DataFrame({"account_id": [1.5, 5.0], "month": [0, 0], "mrr": [1.0, 2.0]})).movements(
        by=pd.Series(["x", "y"], index=["a", "b"])
    ),
    "invalid",
)
case("issue:transitions-weights-1e308", lambda: cs.transitions(["a", "b"], ["b", "a"], weights=[1e308, 1e308]),
     check=finite)  # fmt: skip
case("issue:cltv-1e308-1e-300", lambda: cs.cltv(1e308, 1e-300), check=finite)
case("issue:cac-1e308-1e-308", lambda: cs.cac(1e308, 1e-308), check=finite)
case("issue:coverage-csm-cost-1e308", lambda: cs.coverage(["a"], {"a": 1e-300}, csm_cost=1e308), check=finite)
# What the data identify: the constant churn rate (0 or 1), not the arbitrary alpha and beta.
case(
    "issue:sbg-fit-never-churns",
    lambda: cs.ShiftedBetaGeometric().fit([100, 100, 100, 100]),
    check=lambda m: 0.0 <= getattr(m, "constant_churn_", math.nan) < 1e-6,
)
case(
    "issue:sbg-fit-all-churn",
    lambda: cs.ShiftedBetaGeometric().fit([100, 0, 0]),
    check=lambda m: getattr(m, "constant_churn_", math.nan) == 1.0,
)
case(
    "issue:sbg-fit-many-min-accounts",
    lambda: cs.ShiftedBetaGeometric.fit_many([[100, 90, 80], [5, 5, 5]], min_accounts=10),
    check=lambda f: len(f) >= 1,
)


def _quarterly_ledger() -> cs.RevenueLedger:
    months = pd.period_range("2024-01", periods=12, freq="M").to_timestamp()
    frame = pd.DataFrame({"account_id": 1, "month": months, "mrr": 1.0})
    return cs.RevenueLedger(frame, freq="Q")


case(
    "issue:retention-horizon-12-quarterly",
    lambda: warned(lambda: _quarterly_ledger().retention(horizon=12)),
    check=lambda pair: len(pair[0]) > 0 or any("horizon" in message for message in pair[1]),
)
for sentinel in ("(no owner)", "(digital)"):
    case(
        f"sentinel:workload-csm-named-{sentinel}",
        lambda sentinel=sentinel: POLICY.workload(SCHEDULE, [sentinel, None]),
        check=lambda table: len(table) == 2 and int(table["accounts"].sum()) == 2,
    )

# Unclear errors: each an InvalidInputError naming argument, row and value
invalid("issue:decimal-snan", lambda: TOUCH.assign(pd.Series([Decimal(1), Decimal("sNaN")], dtype=object)),
        "arr[1] = Decimal('sNaN'): a signalling NaN is not a number")  # fmt: skip
invalid("issue:surrogate-label", lambda: cs.transitions(["a\ud800", "b"], ["a", "b"]), "before[0] = 'a\\ud800': ")
invalid("issue:surrogate-tier-name", lambda: cs.TierModel([10], ["a", "\udcff"]), "names[1]: '\\udcff' at position 0")
invalid("issue:surrogate-json", lambda: cs.TierModel.from_json('{"kind": "TierModel", "x": "\ud800"}'),
        "json: '\\ud800' at position")  # fmt: skip
invalid(
    "issue:version-negative", lambda: with_version(TOUCH, "-1.0.0"), "json: cssegment_version '-1.0.0' is not a version"
)
invalid("issue:version-four-parts", lambda: with_version(TOUCH, "0.1.0.0"), "json: cssegment_version '0.1.0.0' is not")
invalid("issue:version-20-digits", lambda: with_version(TOUCH, "18446744073709551617.0.0"), "json: cssegment_version")
invalid(
    "issue:version-20-digit-minor", lambda: with_version(TOUCH, "0.18446744073709551617.0"), "json: cssegment_version"
)
invalid("issue:rule-plain-list", lambda: cs.RuleModel([cs.Segment("a", "true")]).assign([1, 2]),
        "data: expected a DataFrame or a mapping of columns, got list")  # fmt: skip
case("issue:rule-all-missing-object-labels",
     lambda: cs.RuleModel([cs.Segment("a", 'region == "EMEA"')]).assign(pd.DataFrame({"region": [None, None]})),
     "result", check=lambda labels: list(labels) == ["Unassigned", "Unassigned"])  # fmt: skip
case("issue:rule-all-missing-float-labels",
     lambda: cs.RuleModel([cs.Segment("a", 'region in ("EMEA", "APAC")')]).assign({"region": [np.nan, np.nan]}),
     "result", check=lambda labels: list(labels) == ["Unassigned", "Unassigned"])  # fmt: skip
for parameter, call in {
    "n_clusters-2**64": lambda: cs.KMeans(2**64),
    "max_iter-2**70": lambda: cs.KMeans(2, max_iter=2**70),
    "horizon-2**63": lambda: SMALL.retention(horizon=2**63),
    "reactivation_window-2**64": lambda: SMALL.movements(reactivation_window=2**64),
    "cohort_length-2**64": lambda: SMALL.cohorts(cohort_length=2**64),
}.items():
    invalid(f"issue:int-{parameter}", call, parameter.split("-")[0] + ": ")
invalid("issue:kmeans-predict-nan-named", lambda: FITTED.predict(pd.DataFrame({"a": [np.nan], "b": [1.0]})),
        "data['a'][0] = nan")  # fmt: skip
invalid("issue:kmeans-profile-nan-named", lambda: FITTED.profile(X.assign(a=[np.nan, 1, 2, 3], arr=1.0)),
        "data['a'][0] = nan")  # fmt: skip
for name, ratios in (("text", "ten"), ("bool", True), ("list", [15])):
    invalid(f"issue:owners-csm_ratios-{name}",
            lambda ratios=ratios: cs.assign_owners(pd.DataFrame({"arr": [90e3]}), TOUCH, ROSTER, csm_ratios=ratios),
            "csm_ratios: expected a mapping")  # fmt: skip
invalid("issue:owners-csm_ratios-true-value",
        lambda: cs.assign_owners(pd.DataFrame({"arr": [90e3]}), TOUCH, ROSTER, csm_ratios={"High touch": True}),
        "csm_ratios['High touch']: expected a number, got bool True")  # fmt: skip
invalid(
    "issue:workload-not-a-schedule", lambda: POLICY.workload(pd.DataFrame({"x": [1]}), ["Ana"]), "schedule: no column"
)
invalid("issue:workload-string-minutes", lambda: POLICY.workload(SCHEDULE, ["A", "B"], minutes_per_touch="45"),
        "minutes_per_touch: expected a number, got str '45'")  # fmt: skip
invalid("issue:workload-string-minutes-per-segment",
        lambda: POLICY.workload(SCHEDULE, ["A", "B"], minutes_per_touch={"High touch": "45", "Low touch": 30}),
        "minutes_per_touch['High touch']: expected a number, got str '45'")  # fmt: skip
invalid("issue:object-period-2**70", lambda: cs.RevenueLedger(rows(month=pd.Series([1, 2, 2**70], dtype=object))),
        "month[2] = <an int of 71 bits")  # fmt: skip
invalid(
    "issue:list-ids", lambda: cs.RevenueLedger(rows(account_id=[[1], [1], [2]])), "account_id[0] = [1]: account ids"
)
invalid("issue:period-int64-min", lambda: cs.RevenueLedger(rows(month=[-(2**63), 1, 1])),
        "month[0] = -9223372036854775808: the smallest 64-bit integer marks a missing period")  # fmt: skip
invalid("issue:by-duplicate-segment-named",
        lambda: SMALL.movements(by=pd.DataFrame({"account_id": [1, 2, 1], "month": [1, 1, 1], "segment": ["x", "y", "z"]})),
        "by[2] = 'z': a second, different segment for the same account and period (account 1)")  # fmt: skip
invalid("issue:by-duplicate-account-named", lambda: SMALL.movements(by=pd.Series(["x", "y", "z"], index=[1, 2, 1])),
        "by[2] = 'z': a second, different segment for the same account (account 1)")  # fmt: skip
invalid(
    "issue:progress-no", lambda: cs.KMeans(2).fit(X, progress="no"), "progress: expected True or False, got str 'no'"
)
invalid(
    "issue:progress-no-ledger", lambda: cs.RevenueLedger(REVENUE, progress="no"), "progress: expected True or False"
)
invalid("issue:progress-no-fit-many", lambda: cs.ShiftedBetaGeometric.fit_many([[10, 5]], progress="no"), "progress: ")
invalid("issue:progress-no-dask", lambda: csd.movements(dd.from_pandas(REVENUE, npartitions=1), progress="no"),
        "progress: ")  # fmt: skip
invalid(
    "issue:score-mixed-list", lambda: CARD.score({"a": ["x", 2.0]}), "data['a'][0] = 'x': expected a number, got str"
)
case("issue:boolean-object-nullable",
     lambda: cs.Scorecard([cs.Measure("a", cs.Boolean())]).score(pd.DataFrame({"a": pd.Series([True, False, None], dtype=object)})),
     "result", check=lambda s: s["score"].iloc[:2].tolist() == [100.0, 0.0] and np.isnan(s["score"].iloc[2]))  # fmt: skip
invalid("issue:fit-many-strings", lambda: cs.ShiftedBetaGeometric.fit_many(["a", "b"]), "survivors[0] = 'a': ")
invalid("issue:fit-many-string-frame", lambda: cs.ShiftedBetaGeometric.fit_many(pd.DataFrame({"s": ["a", "b"]})),
        "survivors['s'][0] = 'a': expected a number")  # fmt: skip
invalid("issue:fit-many-text-array", lambda: cs.ShiftedBetaGeometric.fit_many(np.array([["10", "5"]])),
        "survivors[0][0] = '10': expected a number, got str")  # fmt: skip
invalid("issue:by-key-types",
        lambda: cs.RevenueLedger(pd.DataFrame({"account_id": ["00001", "00002"], "month": [0, 1], "mrr": [1.0, 2.0]})).movements(
            by=pd.Series(["x", "y"], index=[1, 2])),
        "by: account '00001' has revenue in period 0 but no segment (by is keyed by int ids, the ledger's account ids are str)")  # fmt: skip
case("issue:expression-64KiB-accepted", lambda: cs.RuleModel([cs.Segment("a", "arr >= 1" + " " * (65536 - 8))]),
     "result")  # fmt: skip
invalid("issue:expression-over-64KiB", lambda: cs.RuleModel([cs.Segment("a", "arr >= 1" + " " * (65537 - 8))]),
        "segments[0] ('a'): when: expression of 65537 bytes exceeds the limit of 65536")  # fmt: skip

# === extreme magnitudes through every numeric entry point ======================================

MAGNITUDES = {
    "max": 1.7976931348623157e308, "-max": -1.7976931348623157e308, "1e155": 1e155,
    "min-normal": 2.2250738585072014e-308, "min-denormal": 5e-324, "-0": -0.0, "nan": math.nan, "inf": math.inf,
}  # fmt: skip

ENTRY_POINTS: dict[str, Callable[[float], Any]] = {
    "tier-assign": lambda v: TOUCH.assign([v, 1000.0]),
    "tier-threshold": lambda v: cs.TierModel([v], ["a", "b"]).assign([1.0]),
    "quadrant-assign": lambda v: QUADRANT.assign(pd.DataFrame({"employees": [v, 10.0], "arr": [v, 1.0]})),
    "rules-assign": lambda v: FOUR.assign({"arr": [v, 1.0], "potential": [v, 0.0]}),
    "rules-literal": lambda v: cs.RuleModel([cs.Segment("a", f"arr >= {v!r}")]).assign({"arr": [1.0, v]}),
    "kmeans-none": lambda v: cs.KMeans(2, scale=None, n_init=1).fit([[v], [0.0], [1.0]]).inertia_,
    "kmeans-standard": lambda v: cs.KMeans(2, n_init=1).fit([[v, 1.0], [0.0, 2.0], [1.0, 3.0]]).inertia_,
    "kmeans-log": lambda v: cs.KMeans(2, scale="log", n_init=1).fit([[v], [0.0], [1.0]]).inertia_,
    "kmeans-predict": lambda v: FITTED.predict([[v, v], [1.0, 1.0]]),
    "transitions-weight": lambda v: cs.transitions(["a", "b"], ["b", "a"], weights=[v, 1.0]),
    "coverage-arr": lambda v: cs.coverage(["a", "b"], {"a": 10, "b": 20}, arr=[v, 1.0], csm_cost=1e5),
    "coverage-ratio": lambda v: cs.coverage(["a", "b"], {"a": v, "b": 20}),
    "cltv-arpa": lambda v: cs.cltv(v, 0.1),
    "cltv-churn": lambda v: cs.cltv(100.0, v),
    "cac": lambda v: cs.cac(v, 3.0),
    "crc": lambda v: cs.crc(1000.0, v),
    "nps": lambda v: cs.nps([v, 9.0]),
    "linear-score": lambda v: CARD.score({"a": [v, 5.0]}),
    "linear-bound": lambda v: cs.Scorecard([cs.Measure("a", cs.Linear(v, 10))]).score({"a": [1.0]}),
    "bands-edge": lambda v: cs.Scorecard([cs.Measure("a", cs.Bands([v], [0, 100]))]).score({"a": [1.0, v]}),
    "zscore": lambda v: cs.Scorecard([cs.Measure("a", cs.ZScore())]).fit({"a": [v, 1.0, 2.0]}).score({"a": [v]}),
    "percentile": lambda v: (
        cs.Scorecard([cs.Measure("a", cs.Percentile())]).fit({"a": [v, 1.0, 2.0]}).score({"a": [v]})
    ),
    "weight": lambda v: cs.Scorecard([cs.Measure("a", cs.Linear(0, 10), weight=v)]).score({"a": [5.0]}),
    "calibrate": lambda v: CARD.calibrate({"a": [v, 1.0, 2.0, 3.0], "churned": [0, 1, 0, 1]}).coef_,
    "ledger-mrr": lambda v: cs.RevenueLedger(rows(mrr=[v, 1.0, 2.0])).movements(),
    "ledger-period": lambda v: cs.RevenueLedger(rows(month=[v, 1.0, 2.0])),
    "sbg-alpha": lambda v: cs.ShiftedBetaGeometric(alpha=v, beta=1.0).survival(3),
    "sbg-t": lambda v: SBG.survival(v),
    "sbg-discount": lambda v: SBG.discounted_expected_lifetime(v),
    "sbg-fit": lambda v: cs.ShiftedBetaGeometric().fit([v, v / 2, v / 4]).alpha_,
    "cadence-days": lambda v: cs.CadencePolicy({"High touch": v}).schedule(ACCOUNTS, segments=["High touch"] * 2),
    "cadence-tenure": lambda v: POLICY.schedule(ACCOUNTS.assign(tenure_days=[v, 1.0]), segments=["High touch"] * 2),
}
# Results that must be finite when given finite input (an infinity is a silent overflow).
FINITE_RESULTS = {"cltv-arpa", "cltv-churn", "cac", "crc", "transitions-weight", "coverage-arr", "nps"}

for point, call in ENTRY_POINTS.items():
    for label, value in MAGNITUDES.items():
        check = finite if point in FINITE_RESULTS and math.isfinite(value) else None
        case(f"magnitude:{point}:{label}", lambda call=call, value=value: call(value), check=check)

# === denormals =================================================================================

for name, call in {
    "tier-threshold": lambda: cs.TierModel([5e-324, 1e-323], ["a", "b", "c"]).assign([0.0, 5e-324, 1e-323]),
    "quadrant-threshold": lambda: cs.QuadrantModel(size_threshold=5e-324, value_threshold=5e-324).assign(
        pd.DataFrame({"employees": [0.0, 5e-324], "arr": [5e-324, 0.0]})
    ),
    "bands": lambda: cs.Scorecard([cs.Measure("a", cs.Bands([5e-324], [0, 100]))]).score({"a": [0.0, 5e-324]}),
    "hysteresis": lambda: cs.TierModel([10], ["a", "b"], hysteresis=5e-324).assign([10.0], previous=["a"]),
    "kmeans-tol": lambda: cs.KMeans(2, tol=5e-324, n_init=1).fit(X).inertia_,
    "kmeans-points": lambda: cs.KMeans(2, scale=None, n_init=1).fit([[0.0], [5e-324], [1e-323]]).inertia_,
    "sbg-beta": lambda: cs.ShiftedBetaGeometric(alpha=1.0, beta=5e-324).survival(5),
    "sbg-both": lambda: cs.ShiftedBetaGeometric(alpha=5e-324, beta=5e-324).project(10),
    "cltv-discount": lambda: cs.cltv(100.0, 0.1, discount_rate=5e-324),
    "ledger-mrr": lambda: cs.RevenueLedger(rows(mrr=[5e-324, 5e-324, 1e-323])).retention(horizon=1),
    "zscore-spread": lambda: cs.Scorecard([cs.Measure("a", cs.ZScore())]).fit({"a": [0.0, 5e-324]}).score({"a": [0.0]}),
    "coverage-ratio": lambda: cs.coverage(["a"], {"a": 5e-324}, csm_cost=1.0),
}.items():
    case(f"denormal:{name}", call)

case("denormal:linear-span-score", lambda: cs.Scorecard([cs.Measure("a", cs.Linear(0, 1e-323))]).score({"a": [5e-324]}),
     check=lambda s: s["score"].tolist() == [50.0])  # fmt: skip

# === huge integers =============================================================================

HUGE = {"2**63": 2**63, "2**64": 2**64, "-2**63-1": -(2**63) - 1, "10**400": 10**400}
INTEGER_PARAMETERS: dict[str, Callable[[int], Any]] = {
    "kmeans-n_clusters": lambda n: cs.KMeans(n),
    "kmeans-n_init": lambda n: cs.KMeans(2, n_init=n),
    "kmeans-max_iter": lambda n: cs.KMeans(2, max_iter=n),
    "kmeans-seed": lambda n: cs.KMeans(2, seed=n),
    "retention-horizon": lambda n: SMALL.retention(horizon=n),
    "movements-reactivation_window": lambda n: SMALL.movements(reactivation_window=n),
    "cohorts-cohort_length": lambda n: SMALL.cohorts(cohort_length=n),
    "survivors-cohort_length": lambda n: SMALL.survivors(cohort_length=n),
    "ledger-cltv-window": lambda n: SMALL.cltv(window=n),
    "book-n_accounts": lambda n: cs.datasets.synthetic_book(n),
    "book-n_months": lambda n: cs.datasets.synthetic_book(10, n_months=n),
    "book-seed": lambda n: cs.datasets.synthetic_book(10, n_months=3, seed=n),
    "sbg-project": lambda n: SBG.project(n),
    "sbg-renewals": lambda n: SBG.discounted_expected_residual_lifetime(0.1, renewals=n),
    "sbg-fit-many-min_periods": lambda n: cs.ShiftedBetaGeometric.fit_many([[10, 5]], min_periods=n),
    "scorecard-min_measures": lambda n: cs.Scorecard([cs.Measure("a", cs.Linear(0, 1))], min_measures=n),
    "ledger-fiscal_year_start": lambda n: cs.RevenueLedger(REVENUE, fiscal_year_start=n),
    "dask-horizon": lambda n: csd.retention(dd.from_pandas(REVENUE, npartitions=1), horizon=n),
}
# Values that are in range: seeds are unsigned 64-bit; renewals are counted as a float.
IN_RANGE = {("kmeans-seed", "2**63"), ("book-seed", "2**63"), ("sbg-renewals", "2**63"), ("sbg-renewals", "2**64")}
for parameter, call in INTEGER_PARAMETERS.items():
    for label, value in HUGE.items():
        expect = "clean" if (parameter, label) in IN_RANGE else "invalid"
        case(f"huge-int:{parameter}:{label}", lambda call=call, value=value: call(value), expect)

for label, value in HUGE.items():
    case(f"huge-int:sbg-survival-t:{label}", lambda value=value: SBG.survival(value), check=lambda s: 0.0 <= s <= 1.0)
    case(f"huge-int:tier-object-column:{label}", lambda value=value: TOUCH.assign(pd.Series([value, 1], dtype=object)))
    case(
        f"huge-int:ledger-object-ids:{label}",
        lambda value=value: cs.RevenueLedger(rows(account_id=pd.Series([value, value, 1], dtype=object))),
    )
    invalid(f"huge-int:ledger-object-period:{label}",
            lambda value=value: cs.RevenueLedger(rows(month=pd.Series([value, 1, 1], dtype=object))), "month[0] = ")  # fmt: skip
    case(f"huge-int:nps-score:{label}", lambda value=value: cs.nps(pd.Series([value, 9], dtype=object)))
invalid("huge-int:uint64-period", lambda: cs.RevenueLedger(rows(month=np.array([2**64 - 1, 1, 1], dtype=np.uint64))),
        "month[0] = 18446744073709551615: period is too large")  # fmt: skip
case(
    "huge-int:uint64-ids",
    lambda: cs.RevenueLedger(rows(account_id=np.array([2**64 - 1, 2**64 - 1, 1], dtype=np.uint64))),
)
case("huge-int:int64-max-id", lambda: cs.RevenueLedger(rows(account_id=[2**63 - 1, 2**63 - 1, -(2**63)])).n_accounts,
     check=lambda n: n == 2)  # fmt: skip

# === huge spans ================================================================================

for name, call in {
    "ledger-periods-0-2**62": lambda: cs.RevenueLedger(rows(month=[0, 2**62, 1])),
    "ledger-periods-neg-pos": lambda: cs.RevenueLedger(rows(month=[-(2**62), 2**62, 0])),
    "ledger-dates-1677-2262": lambda: cs.RevenueLedger(rows(month=pd.to_datetime(["1677-09-22", "2262-04-11", "2000-01-01"]))),
    "ledger-periods-year-1-9999": lambda: cs.RevenueLedger(rows(month=pd.PeriodIndex(["0001-01", "9999-12", "2000-01"], freq="M"))),
    "ledger-days-10-million-years": lambda: cs.RevenueLedger(rows(month=np.array([0, 2**62, 1], dtype="datetime64[s]"))),
    "ledger-ids-0-2**62": lambda: cs.RevenueLedger(rows(account_id=[0, 0, 2**62])).movements(),
    "ledger-5000-ids-spread": lambda: cs.RevenueLedger(pd.DataFrame({"account_id": np.arange(5000) * 2**40, "month": 1, "mrr": 1.0})).n_accounts,
    "subscriptions-1900-2200": lambda: cs.RevenueLedger.from_subscriptions(pd.DataFrame(
        {"account_id": [1], "start": ["1900-01-01"], "end": ["2200-01-01"], "amount": [1.0], "interval": ["month"]})),
    "by-periods-far-outside": lambda: SMALL.movements(by=pd.DataFrame({"account_id": [1, 2, 1], "month": [10**12, 1, 1], "segment": ["x", "x", "x"]})),
    "transitions-1e6-rows": lambda: cs.transitions(np.array(["a", "b"] * 500_000, dtype=object), np.array(["b", "a"] * 500_000, dtype=object)),
    "retention-span-10k": lambda: cs.RevenueLedger(pd.DataFrame({"account_id": [1, 1], "month": [0, 10_000], "mrr": 1.0})).retention(horizon=5_000),
}.items():  # fmt: skip
    case(f"span:{name}", call)
invalid(
    "span:cohorts-span-10k",
    lambda: cs.RevenueLedger(pd.DataFrame({"account_id": [1, 2], "month": [0, 10_000], "mrr": 1.0})).cohorts(),
    "cohort_length: the cohort x age tables would take",
)

# === sentinel-name collisions ==================================================================

for name, call in {
    "transitions-label-(none)": lambda: cs.transitions(["(none)", "a", None], ["a", "(none)", "a"]),
    "tier-named-Unassigned": lambda: cs.TierModel([10], ["Unassigned", "b"], missing="unassigned").assign([1.0, np.nan]),
    "quadrant-named-Unassigned": lambda: cs.QuadrantModel(names=["Unassigned", "b", "c", "d"], missing="unassigned"),
    "rules-default-named-like-segment": lambda: cs.RuleModel([cs.Segment("x", "true")], default="x"),
    "ledger-by-segment-all": lambda: SMALL.cltv(window=1, by=pd.Series(["all", "(none)"], index=[1, 2])),
    "ledger-by-segment-(none)": lambda: SMALL.movements(by=pd.Series(["(none)", "x"], index=[1, 2])),
    "coverage-segment-total": lambda: cs.coverage(["total", "a"], {"total": 10, "a": 5}),
    "owners-csm-named-(none)": lambda: cs.assign_owners(pd.DataFrame({"arr": [90e3]}), TOUCH, pd.DataFrame({"csm": ["(none)"], "segment": ["High touch"]})),
    "nps-group-named-all": lambda: cs.nps([9.0, 1.0], by=["all", "x"]),
    "scorecard-column-score": lambda: cs.Scorecard([cs.Measure("score", cs.Linear(0, 10))]).score({"score": [5.0]}),
    "scorecard-column-band": lambda: cs.Scorecard([cs.Measure("band", cs.Linear(0, 10))]).score({"band": [5.0]}),
    "scorecardset-segment-default": lambda: cs.ScorecardSet({"default": CARD}, default=CARD).score({"a": [1.0], "segment": ["default"]}),
    "kmeans-column-cluster": lambda: cs.KMeans(1, n_init=1).fit(pd.DataFrame({"cluster": [1.0, 2.0]})).predict(pd.DataFrame({"cluster": [1.0]})),
}.items():  # fmt: skip
    case(f"sentinel:{name}", call)

# === tampered models ===========================================================================

SCORECARD_JSON = CARD.to_json()
KMEANS_JSON = FITTED.to_json()
for name, call in {
    "kmeans-n_init-2**63": lambda: cs.KMeans.from_json(edited(KMEANS_JSON, n_init=2**63)).fit(X),
    "kmeans-n_clusters-0": lambda: cs.KMeans.from_json(edited(KMEANS_JSON, n_clusters=0)),
    "kmeans-n_clusters-2**64": lambda: cs.KMeans.from_json(edited(KMEANS_JSON, n_clusters=2**64)),
    "kmeans-centers-short": lambda: cs.KMeans.from_json(edited(KMEANS_JSON, fit__centers=[1.0])),
    "kmeans-offset-string": lambda: cs.KMeans.from_json(edited(KMEANS_JSON, fit__offset=["x", "y"])),
    "kmeans-scale-unknown": lambda: cs.KMeans.from_json(edited(KMEANS_JSON, scale=["minmax", "none"])),
    "kmeans-inertia-negative": lambda: cs.KMeans.from_json(edited(KMEANS_JSON, fit__inertia=-1.0)),
    "tier-thresholds-descending": lambda: cs.TierModel.from_json(edited(TOUCH.to_json(), thresholds=[50_000, 10_000])),
    "tier-names-duplicated": lambda: cs.TierModel.from_json(edited(TOUCH.to_json(), names=["a", "a", "b"])),
    "tier-hysteresis-2": lambda: cs.TierModel.from_json(edited(TOUCH.to_json(), hysteresis=2.0)),
    "tier-ratio-negative": lambda: cs.TierModel.from_json(edited(TOUCH.to_json(), csm_ratios=[-1, 1, 1])),
    "tier-kind-quadrant": lambda: cs.TierModel.from_json(edited(TOUCH.to_json(), kind="QuadrantModel")),
    "quadrant-threshold-nan-text": lambda: cs.QuadrantModel.from_json(edited(QUADRANT.to_json(), size_threshold="nan")),
    "rules-when-unparsable": lambda: cs.RuleModel.from_json(FOUR.to_json().replace("arr >=", "arr >>", 1)),
    "scorecard-weight-negative": lambda: cs.Scorecard.from_json(SCORECARD_JSON.replace('"weight":1.0', '"weight":-1.0')),
    "scorecard-empty-object": lambda: cs.Scorecard.from_json('{"kind": "Scorecard", "cssegment_version": "0.0.1"}'),
    "sbg-alpha-negative": lambda: cs.ShiftedBetaGeometric.from_json(edited(SBG.to_json(), alpha=-1.0)),
    "cadence-min-over-max": lambda: cs.CadencePolicy.from_json(edited(POLICY.to_json(), min_days=500, max_days=10)),
    "json-depth-100": lambda: cs.TierModel.from_json('{"kind": "TierModel", "cssegment_version": "0.0.1", "x": ' + "[" * 100 + "]" * 100 + "}"),
    "json-17-MiB": lambda: cs.TierModel.from_json(" " * (17 << 20) + TOUCH.to_json()),
    "json-nan-literal": lambda: cs.KMeans.from_json(KMEANS_JSON.replace('"tol":0.0001', '"tol":NaN')),
    "json-nul-byte": lambda: cs.TierModel.from_json(TOUCH.to_json()[:-1] + "\x00}"),
    "json-version-empty": lambda: with_version(TOUCH, ""),
    "json-version-leading-plus": lambda: with_version(TOUCH, "+0.1.0"),
    "json-version-spaces": lambda: with_version(TOUCH, " 0.1.0"),
    "json-version-number": lambda: cs.TierModel.from_json(edited(TOUCH.to_json(), cssegment_version=1)),
    "pickle-state-version-2**64": lambda: TOUCH.__setstate__((2**64, {"json": TOUCH.to_json()})),
    "pickle-state-json-tampered": lambda: pickle.loads(pickle.dumps(TOUCH).replace(b"[10000.0,50000.0]", b"[50000.0,10000.0]")),
    "pickle-state-not-a-tuple": lambda: TOUCH.__setstate__("x"),
}.items():  # fmt: skip
    invalid(f"tampered:{name}", call)

case(
    "tampered:kmeans-centers-huge",
    lambda: cs.KMeans.from_json(edited(KMEANS_JSON, fit__centers=[1e308] * 4)).predict(X),
)
case("tampered:json-bom", lambda: cs.TierModel.from_json("\ufeff" + TOUCH.to_json()), "result")

# === mixed-type objects ========================================================================

MIXED = {
    "int-str": [1, "x", 2.0], "decimal-none": [Decimal("1.5"), None, 3], "bool-int": [True, 2, 3.0],
    "bytes": [b"1", 2.0, 3.0], "datetime": [pd.Timestamp("2024-01-01"), 1.0, 2.0], "list": [[1], 2.0, 3.0],
    "decimal-inf": [Decimal("Infinity"), 1.0, 2.0], "decimal-snan": [Decimal("-sNaN"), 1.0, 2.0],
    "complex": [1 + 2j, 1.0, 2.0], "numpy-mixed": [np.int8(1), np.float32(2.5), np.uint64(3)],
    "na-nat": [pd.NA, pd.NaT, 1.0], "dict": [{"a": 1}, 1.0, 2.0],
}  # fmt: skip
MIXED_ENTRY_POINTS: dict[str, Callable[[pd.Series], Any]] = {
    "tier": lambda s: cs.TierModel.touch(missing="unassigned").assign(s),
    "score": lambda s: CARD.score({"a": s}),
    "ledger-mrr": lambda s: cs.RevenueLedger(rows(mrr=s)),
    "ledger-ids": lambda s: cs.RevenueLedger(rows(account_id=s)),
    "kmeans": lambda s: cs.KMeans(1, n_init=1).fit(pd.DataFrame({"a": s})),
    "transitions": lambda s: cs.transitions(s, ["a", "b", "c"]),
    "nps": lambda s: cs.nps(s),
}
for point, call in MIXED_ENTRY_POINTS.items():
    for label, values in MIXED.items():
        case(f"mixed:{point}:{label}", lambda call=call, values=values: call(pd.Series(values, dtype=object)))
