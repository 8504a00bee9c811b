"""The bad-input matrix: what every public entry point does with bad values and missing values.

Each row of ``MATRIX`` is one bad call, the exact exception class it raises and the start of its
message. The convention the rows pin down:

- ``cssegment.InvalidInputError`` (a ``ValueError``) for every bad value *and* every value of the
  wrong kind (a string where a number is expected, a list where a DataFrame is expected, a
  foreign JSON document...). Its message starts with the argument's name, then the first
  offending row and its value where the problem is about a row: ``arr[1] = -5: ...``.
- ``cssegment.NotFittedError`` for a model used before ``fit``.
- ``TypeError`` only where Python itself raises it: a call with missing or unknown arguments,
  and building a ``CalibratedScorecard`` by hand.
- ``pickle.UnpicklingError`` for a truncated pickle: the pickle module refuses it before any
  cssegment code runs.

``JUNK`` goes the other way round: every argument of every entry point in turn gets None, NaN, a
str, a dict, ragged lists, a 2-D array, an arbitrary object...; each call works or raises a
cssegment error, never an AttributeError, a KeyError or numpy's own.

``COUNTED`` lists the inputs that do *not* raise because a missing value has a documented meaning
(skipped, a separate category, an unknown comparison); each row checks that what was set aside
shows in the result and can be counted. ``docs/reference/bad-input.md`` is checked against both
tables: every function it lists has rows here, and every example message it quotes is a row's.
"""

# ruff: noqa: E501 -- the matrix keeps one bad call per line, so that it reads as a table

from __future__ import annotations

import json
import pickle
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import cssegment as cs
import cssegment.dask as csd
import dask.dataframe as dd
import numpy as np
import pandas as pd
import polars as pl
import pytest
from cssegment import InvalidInputError, NotFittedError

# --- small inputs the rows share --------------------------------------------------------------

TOUCH = cs.TierModel.touch()
REVENUE = pd.DataFrame({"account_id": [1, 1, 2], "month": [1, 2, 1], "mrr": [10.0, 20.0, 5.0]})
LEDGER = cs.RevenueLedger(REVENUE)
X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [1.0, 2.0, 3.0, 5.0]})
HEALTH = pd.DataFrame(
    {"nps": [1.0, 5.0, 9.0], "logins": [1.0, 2.0, 3.0], "segment": ["a", "b", "a"], "churned": [0, 1, 0]}
)
CARD = cs.Scorecard([cs.Measure("nps", cs.Linear(0, 10))])
POLICY = cs.CadencePolicy({"High touch": 30, "Low touch": 60, "Tech touch": 90})
ACCOUNT = pd.DataFrame({"tenure_days": [30.0], "renewal_days": [10.0]})
SBG = cs.ShiftedBetaGeometric(1.0, 2.0)
RUNNING = np.linspace(-1.0, 1.0, 200)  # a running variable, evenly spread around the cutoff 0
TIERED = pd.DataFrame({"arr": np.linspace(1_000, 99_000, 300), "churned": np.arange(300) % 3 == 0})
RD_X = np.linspace(-1.0, 1.0, 40)
RD_Y = RD_X + (RD_X >= 0) + 0.1 * np.sin(7.0 * RD_X)
OWNERS = pd.Series({1: "ann", 2: "bob"})  # CSM books (issue 19)


def _tampered_kmeans(field: str, value: Any) -> str:
    """A fitted KMeans document with one field of its fitted state replaced (issue 21)."""
    document = json.loads(cs.KMeans(2, seed=0, n_init=1).fit(X).to_json())
    document["fit"][field] = value
    return json.dumps(document)


def ledger_rows(**columns: Any) -> pd.DataFrame:
    return REVENUE.assign(**columns)


def subscriptions(**columns: Any) -> pd.DataFrame:
    return pd.DataFrame(
        {"account_id": [1, 2], "start": ["2024-01-01", "2024-02-01"], "end": [None, None], "amount": [10.0, 20.0],
         "interval": ["month", "year"]}
    ).assign(**columns)  # fmt: skip


def with_field(document: str, **fields: Any) -> str:
    loaded = json.loads(document)
    loaded.update(fields)
    return json.dumps(loaded)


def set_state(model: type, state: Any) -> Any:
    return model.__new__(model).__setstate__(state)


def percentile_card() -> cs.Scorecard:
    return cs.Scorecard([cs.Measure("nps", cs.Linear(0, 10)), cs.Measure("logins", cs.Percentile())])


def peer_card() -> cs.Scorecard:
    return cs.Scorecard([cs.Measure("nps", cs.Percentile(by="segment", unseen="raise"))]).fit(HEALTH)


def owners(csms: Any, **options: Any) -> cs.OwnerAssignment:
    return cs.assign_owners(pd.DataFrame({"arr": [90e3]}), TOUCH, csms, **options)


def roster(**columns: Any) -> pd.DataFrame:
    return pd.DataFrame({"csm": ["A"], "segment": ["High touch"], **columns})


def dask_rows(frame: pd.DataFrame = REVENUE) -> dd.DataFrame:
    return dd.from_pandas(frame, npartitions=2)


def bad(api: str, what: str, call: Callable[[], object], message: str, error: type[BaseException] = InvalidInputError):
    """One row: `api` is the public function or method, `message` the start of the error's text."""
    return pytest.param(api, call, error, message, id=f"{api} | {what}")


# Coverage planner (issue 17): a three-account book, its effect factors and an RD stand-in.
PLAN_BOOK = pd.DataFrame({"arr": [5e3, 20e3, 60e3], "churn": [0.1, 0.2, 0.3]})
PLAN_EFFECT = {"Tech touch": 1.0, "Low touch": 0.9, "High touch": 0.7}


def plan(**overrides: Any) -> cs.CoveragePlan:
    arguments = {"churn": "churn", "effect": PLAN_EFFECT, "csm_cost": 1.0} | overrides
    return cs.plan_coverage(PLAN_BOOK, TOUCH, **arguments)


class FakeRD:
    """The agreed interface of an RD result (issue 16)."""

    def __init__(self, left: float, fuzzy: bool = False) -> None:
        self.intercept, self.estimate, self.ci_robust, self.cutoff, self.fuzzy = (
            (left, 0.1),
            0.1 - left,
            (-0.1, 0.0),
            50e3,
            fuzzy,
        )


# --- the matrix -------------------------------------------------------------------------------

USAGE_CARD = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 10))])


def usage_history(**columns: Any) -> pd.DataFrame:
    """A score-history input: three accounts over months 1-2 (health over time rows)."""
    return pd.DataFrame({"account_id": ["a", "b", "a", "b"], "month": [1, 1, 2, 2], "logins": [3, 9, 8, 2], **columns})


# fmt: off
MATRIX = [
    # TierModel
    bad("TierModel.assign", "NaN", lambda: TOUCH.assign([1.0, np.nan]), "arr[1] = nan: missing value (use missing='unassigned'"),
    bad("TierModel.assign", "+inf", lambda: TOUCH.assign([1.0, np.inf]), "arr[1] = inf: values must be finite and >= 0"),
    bad("TierModel.assign", "-inf", lambda: TOUCH.assign([-np.inf]), "arr[0] = -inf: values must be finite and >= 0"),
    bad("TierModel.assign", "negative money", lambda: TOUCH.assign([1.0, -5]), "arr[1] = -5: values must be finite and >= 0"),
    bad("TierModel.assign", "strings", lambda: TOUCH.assign(pd.DataFrame({"arr": ["a", "b"]})), "arr[0] = 'a': expected a number, got str"),
    bad("TierModel.assign", "datetimes", lambda: TOUCH.assign(pd.Series(pd.to_datetime(["2020-01-01"]))), "arr: has dtype datetime64"),
    bad("TierModel.assign", "mixed object column", lambda: TOUCH.assign(pd.Series([1.0, "x"], dtype=object)), "arr[1] = 'x': expected a number, got str"),
    bad("TierModel.assign", "booleans", lambda: TOUCH.assign(pd.Series([True, False])), "arr: is a column of true/false values"),
    bad("TierModel.assign", "unknown column", lambda: TOUCH.assign(pd.DataFrame({"ARR": [1.0]})), "data: no column 'arr' (columns: 'ARR')"),
    bad("TierModel.assign", "two-dimensional", lambda: TOUCH.assign(np.ones((2, 2))), "arr: must be one-dimensional, got shape (2, 2)"),
    bad("TierModel.assign", "unknown previous label", lambda: TOUCH.assign([1.0], previous=["Gold"]), "previous[0] = 'Gold': not one of the segments"),
    bad("TierModel.assign", "previous length", lambda: TOUCH.assign([1.0], previous=["Tech touch"] * 2), "previous: has length 2 but data has length 1"),
    bad("TierModel", "descending thresholds", lambda: cs.TierModel([10, 5], ["a", "b", "c"]), "thresholds[1] = 5: thresholds must be strictly ascending"),
    bad("TierModel", "negative threshold", lambda: cs.TierModel([-10, 5], ["a", "b", "c"]), "thresholds[0] = -10: thresholds must be > 0"),
    bad("TierModel", "threshold not a number", lambda: cs.TierModel(["x"], ["a", "b"]), "thresholds[0]: expected a number, got str 'x'"),
    bad("TierModel", "names count", lambda: cs.TierModel([10], ["a"]), "names: has 1 names for 1 thresholds; expected 2"),
    bad("TierModel", "duplicated names", lambda: cs.TierModel([10], ["a", "a"]), "names[1] = 'a': duplicate name"),
    bad("TierModel", "names as one string", lambda: cs.TierModel([10], "ab"), "names: expected a list, got str 'ab'"),
    bad("TierModel", "column None", lambda: cs.TierModel([10], ["a", "b"], column=None), "column: expected a str, got NoneType None"),
    bad("TierModel", "hysteresis < 0", lambda: cs.TierModel([10], ["a", "b"], hysteresis=-0.1), "hysteresis: -0.1 must be in [0, 1)"),
    bad("TierModel", "unknown missing policy", lambda: cs.TierModel([10], ["a", "b"], missing="drop"), "missing: 'drop' is not a missing policy"),
    bad("TierModel", "CSM ratio 0", lambda: cs.TierModel([10], ["a", "b"], csm_ratios=[0, 1]), "csm_ratios[0] = 0: CSM ratios must be finite and > 0"),
    bad("TierModel.touch", "unknown override", lambda: cs.TierModel.touch(foo=1), "overrides: unknown parameter(s) ['foo']"),
    bad("TierModel.set_params", "unknown parameter", lambda: cs.TierModel.touch().set_params(foo=1), "params: unknown parameter(s) ['foo']"),
    bad("TierModel.from_json", "a KMeans document", lambda: cs.TierModel.from_json(cs.KMeans(2).to_json()), "json: is a 'KMeans' document, not a 'TierModel'"),
    bad("TierModel.from_json", "newer version", lambda: cs.TierModel.from_json(with_field(TOUCH.to_json(), cssegment_version="99.0.0")), "json: written by cssegment 99.0.0, newer than this"),
    bad("TierModel.from_json", "garbled version", lambda: cs.TierModel.from_json(with_field(TOUCH.to_json(), cssegment_version="abc")), "json: cssegment_version 'abc' is not a version"),
    bad("TierModel.from_json", "truncated JSON", lambda: cs.TierModel.from_json(TOUCH.to_json()[:-5]), "json: not a valid JSON document"),
    bad("TierModel.from_json", "bytes", lambda: cs.TierModel.from_json(TOUCH.to_json().encode()), "json: expected a str, got bytes"),
    bad("TierModel.from_json", "field of the wrong type", lambda: cs.TierModel.from_json(with_field(TOUCH.to_json(), thresholds="x")), "json: field 'thresholds' has the wrong type"),
    bad("TierModel.from_json", "values a constructor refuses", lambda: cs.TierModel.from_json(with_field(TOUCH.to_json(), thresholds=[5, 1])), "thresholds[1] = 1: thresholds must be strictly ascending"),
    bad("pickle.loads", "truncated pickle", lambda: pickle.loads(pickle.dumps(TOUCH)[:-10]), "pickle data was truncated", pickle.UnpicklingError),
    bad("pickle.loads", "garbled payload", lambda: pickle.loads(pickle.dumps(TOUCH).replace(b'"kind"', b'"ki\x00d"')), "json: not a valid JSON document"),
    bad("Model.__setstate__", "newer state version", lambda: set_state(cs.TierModel, (99, {"json": TOUCH.to_json()})), "state: version 99 is newer than this cssegment understands"),
    bad("Model.__setstate__", "not a state", lambda: set_state(cs.TierModel, (1, {})), "state: not a TierModel pickle state"),
    bad("Model.__setstate__", "version of the wrong kind", lambda: set_state(cs.TierModel, ("1", {"json": TOUCH.to_json()})), "state: version '1' is not a cssegment pickle version"),
    bad("Model.__setstate__", "another model's JSON", lambda: set_state(cs.TierModel, (1, {"json": cs.KMeans(2).to_json()})), "json: is a 'KMeans' document, not a 'TierModel'"),
    # QuadrantModel
    bad("QuadrantModel.assign", "length mismatch", lambda: cs.QuadrantModel().assign({"employees": [1, 2], "arr": [1.0]}), "arr: has length 1 but employees has length 2"),
    bad("QuadrantModel.assign", "NaN", lambda: cs.QuadrantModel().assign({"employees": [np.nan], "arr": [1.0]}), "employees[0] = nan: missing value"),
    bad("QuadrantModel.assign", "a list, not a frame", lambda: cs.QuadrantModel().assign([1, 2]), "data: expected a DataFrame or a mapping of columns, got list"),
    bad("QuadrantModel", "three names", lambda: cs.QuadrantModel(names=("a", "b", "c")), "names: has 3 names; expected 4"),
    bad("QuadrantModel", "negative threshold", lambda: cs.QuadrantModel(size_threshold=-1), "size_threshold: -1 must be finite and > 0"),
    bad("QuadrantModel", "names as one string", lambda: cs.QuadrantModel(names="abcd"), "names: expected a list, got str 'abcd'"),
    bad("QuadrantModel.from_json", "a TierModel document", lambda: cs.QuadrantModel.from_json(TOUCH.to_json()), "json: is a 'TierModel' document, not a 'QuadrantModel'"),
    # RuleModel
    bad("RuleModel", "parse error", lambda: cs.RuleModel([cs.Segment("a", "arr >= 50k and )")]), "segments[0] ('a'): unexpected ')' at column 16"),
    bad("RuleModel", "expression too long", lambda: cs.RuleModel([cs.Segment("a", "arr > 1 or " * 6_000 + "true")]), "segments[0] ('a'): when: expression of 66004 bytes exceeds the limit of 65536"),
    bad("RuleModel", "expression nested too deep", lambda: cs.RuleModel([cs.Segment("a", "(" * 100 + "true" + ")" * 100)]), "segments[0] ('a'): when: nesting deeper than 64 levels"),
    bad("RuleModel", "a tuple, not a Segment", lambda: cs.RuleModel([("a", "true")]), "segments[0] = ('a', 'true'): expected a cssegment.Segment"),
    bad("RuleModel", "name None", lambda: cs.RuleModel([cs.Segment(None, "true")]), "segments[0].name: expected a str, got NoneType None"),
    bad("RuleModel", "pooled a string", lambda: cs.RuleModel([cs.Segment("a", "true", pooled="no")]), "segments[0].pooled: expected True or False, got str 'no'"),
    bad("RuleModel", "default is a segment's name", lambda: cs.RuleModel([cs.Segment("a", "true")], default="a"), "default: 'a' is also the name of segments[0]"),
    bad("RuleModel.four_tier", "thresholds out of order", lambda: cs.RuleModel.four_tier(strategic_arr=100), "strategic_arr: 100 must be above one_to_many_arr (10000)"),
    bad("RuleModel.assign", "unknown column", lambda: cs.RuleModel.four_tier().assign({"arr": [1.0]}), "data: no column 'potential' (columns: 'arr')"),
    bad("RuleModel.assign", "strings compared with a number", lambda: cs.RuleModel.four_tier().assign({"arr": ["x"], "potential": [1.0]}), "segments[0] ('Enterprise'): categorical (string) column 'arr' compared with a number"),
    bad("RuleModel.assign", "+inf", lambda: cs.RuleModel.four_tier().assign({"arr": [np.inf], "potential": [1.0]}), "data['arr'][0] = inf: values must be finite (NaN means missing)"),
    bad("RuleModel.assign", "columns of different lengths", lambda: cs.RuleModel.four_tier().assign({"arr": [1.0, 2.0], "potential": [1.0]}), "data['potential']: has 1 rows but the other columns have 2"),
    bad("RuleModel.from_json", "not JSON", lambda: cs.RuleModel.from_json("{segments"), "json: not a valid JSON document"),
    # transitions and coverage
    bad("transitions", "length mismatch", lambda: cs.transitions(["a", "b"], ["a"]), "after: has length 1 but before has length 2"),
    bad("transitions", "negative weight", lambda: cs.transitions(["a"], ["a"], weights=[-1]), "weights[0] = -1: values must be finite and >= 0"),
    bad("transitions", "NaN weight", lambda: cs.transitions(["a"], ["a"], weights=[np.nan]), "weights[0] = nan: values must be finite and >= 0"),
    bad("transitions", "numbers as labels", lambda: cs.transitions([1, 2], [1, 2]), "before[0] = 1: labels must be strings, got int"),
    bad("transitions", "unknown label", lambda: cs.transitions(TOUCH.assign([1.0]), ["Gold"]), "after[0] = 'Gold': not one of the segments"),
    bad("coverage", "segment without a ratio", lambda: cs.coverage(["a", "b"], {"a": 10}), "csm_ratios: no ratio for segment(s) ['b']"),
    bad("coverage", "ratio 0", lambda: cs.coverage(["a"], {"a": 0}), "csm_ratios[0] = 0: CSM ratios must be finite and > 0"),
    bad("coverage", "negative ARR", lambda: cs.coverage(["a"], {"a": 1}, arr=[-1]), "arr[0] = -1: values must be finite and >= 0"),
    bad("coverage", "booleans as ARR", lambda: cs.coverage(["a"], {"a": 1}, arr=[True]), "arr: is a column of true/false values"),
    bad("coverage", "NaN CSM cost", lambda: cs.coverage(["a"], {"a": 1}, csm_cost=np.nan), "csm_cost: nan must be finite and >= 0"),
    bad("coverage", "missing segment", lambda: cs.coverage(["a", None], {"a": 1}), "segments[1] = missing: every account needs one of the 1 segments"),
    # KMeans
    bad("KMeans", "k = 0", lambda: cs.KMeans(0), "n_clusters: must be >= 1, got 0"),
    bad("KMeans", "k not whole", lambda: cs.KMeans(2.5), "n_clusters: must be a whole number >= 1, got 2.5"),
    bad("KMeans", "negative seed", lambda: cs.KMeans(2, seed=-1), "seed: -1 must be in [0, 18446744073709551615]"),
    bad("KMeans", "seed beyond 64 bits", lambda: cs.KMeans(2, seed=2**64), "seed: 18446744073709551616 must be in [0, 18446744073709551615]"),
    bad("KMeans", "negative tol", lambda: cs.KMeans(2, tol=-1), "tol: -1 must be finite and >= 0"),
    bad("KMeans", "unknown scale", lambda: cs.KMeans(2, scale="minmax"), "scale: 'minmax' is not one of 'standard', 'log', 'none'"),
    bad("KMeans", "no n_clusters", lambda: cs.KMeans(), "KMeans.__init__() missing 1 required positional argument", TypeError),
    bad("KMeans.predict", "before fit", lambda: cs.KMeans(2).predict(X), "KMeans: call fit() before using the model", NotFittedError),
    bad("KMeans.cluster_centers_", "before fit", lambda: cs.KMeans(2).cluster_centers_, "KMeans: call fit() before using the model", NotFittedError),
    bad("KMeans.profile", "before fit", lambda: cs.KMeans(2).profile(X), "KMeans: call fit() before using the model", NotFittedError),
    bad("KMeans.fit", "NaN", lambda: cs.KMeans(2).fit(X.assign(a=[1, np.nan, 3, 4])), "data['a'][1] = nan: missing value; k-means needs every feature of every row"),
    bad("KMeans.fit", "+inf", lambda: cs.KMeans(2).fit(X.assign(a=[1, np.inf, 3, 4])), "data['a'][1] = inf: features must be finite"),
    bad("KMeans.fit", "strings", lambda: cs.KMeans(2).fit(X.assign(a=["1", "2", "3", "4"])), "data['a'][0] = '1': expected a number, got str"),
    bad("KMeans.fit", "more clusters than rows", lambda: cs.KMeans(5).fit(X), "n_clusters: 5 clusters need at least as many rows; data has 4"),
    bad("KMeans.fit", "duplicated column", lambda: cs.KMeans(2).fit(pd.concat([X, X[["a"]]], axis=1)), "data: has 2 columns named 'a'; which one is meant?"),
    bad("KMeans.fit", "empty frame", lambda: cs.KMeans(2).fit(X.iloc[:0]), "n_clusters: 2 clusters need at least as many rows; data has 0"),
    bad("KMeans.fit", "one-dimensional X", lambda: cs.KMeans(2).fit(np.ones(4)), "data: must be two-dimensional (rows x features), got shape (4,)"),
    bad("KMeans.fit_predict", "log of a negative", lambda: cs.KMeans(2, scale="log").fit_predict(X.assign(a=[-1, 2, 3, 4])), "data['a'][0] = -1: scale='log' needs values >= 0"),
    bad("KMeans.predict", "unknown column", lambda: cs.KMeans(2).fit(X).predict(X[["a"]]), "data: no column 'b' (columns: 'a')"),
    bad("KMeans.predict", "wrong width", lambda: cs.KMeans(2).fit(X).predict(np.ones((2, 3))), "data: has 3 features but the model was fitted on 2"),
    bad("KMeans.from_json", "a newer version", lambda: cs.KMeans.from_json(with_field(cs.KMeans(2).to_json(), cssegment_version="1.0.0")), "json: written by cssegment 1.0.0, newer than this"),
    bad("KMeans.profile", "no ARR column", lambda: cs.KMeans(2).fit(X).profile(X), "data: no column 'arr' (columns: 'a', 'b')"),
    # assign_owners
    bad("assign_owners", "roster segment unknown", lambda: owners({"Gold": ["Ana"]}), "csms['segment'][0] = 'Gold': not one of the segments"),
    bad("assign_owners", "unknown strategy", lambda: owners({"High touch": ["Ana"]}, strategy="x"), "strategy: 'x' is not one of 'balance_arr', 'balance_count', 'round_robin'"),
    bad("assign_owners", "negative capacity", lambda: owners(roster(capacity=[-1])), "csms[0]: 'A' has capacity -1; it must be finite and >= 0"),
    bad("assign_owners", "duplicated CSM", lambda: owners({"High touch": ["Ana", "Ana"]}), "csms[1]: 'Ana' is listed twice"),
    bad("assign_owners", "CSM name missing", lambda: owners(pd.DataFrame({"csm": [None], "segment": ["High touch"]})), "csms['csm'][0]: expected a str, got NoneType None"),
    bad("assign_owners", "CSM names as one string", lambda: owners({"High touch": "Ana"}), "csms['High touch']: expected a list, got str 'Ana'"),
    bad("assign_owners", "numbers as previous owners", lambda: owners({"High touch": ["Ana"]}, previous=[5]), "previous[0] = 5: labels must be strings, got int"),
    bad("assign_owners", "unknown pooled segment", lambda: owners({"High touch": ["Ana"]}, pooled=["Gold"]), "pooled: unknown segment(s) ['Gold']"),
    bad("assign_owners", "data a list", lambda: cs.assign_owners([1, 2], TOUCH, {"High touch": ["Ana"]}), "data: expected a DataFrame"),
    bad("assign_owners", "too few CSMs", lambda: cs.assign_owners(pd.DataFrame({"arr": [9e4] * 40}), TOUCH, {"High touch": ["Ana"]}), "csms: segment 'High touch' has 40 accounts but its 1 CSMs hold 15"),
    # CadencePolicy
    bad("CadencePolicy", "negative base days", lambda: cs.CadencePolicy({"a": -1}), "base_days['a']: -1 must be finite and > 0"),
    bad("CadencePolicy", "min above max", lambda: cs.CadencePolicy({"a": 10}, min_days=100, max_days=10), "min_days: 100 is greater than max_days = 10"),
    bad("CadencePolicy", "factor not a number", lambda: cs.CadencePolicy({"a": 10}, renewal_factor="half"), "renewal_factor: expected a number, got str 'half'"),
    bad("CadencePolicy.schedule", "unknown segment", lambda: POLICY.schedule(ACCOUNT, segments=["Gold"]), "segments[0] = 'Gold': not one of the segments"),
    bad("CadencePolicy.schedule", "unknown health band", lambda: POLICY.schedule(ACCOUNT, segments=["High touch"], health=["blue"]), "health[0] = 'blue': not one of the segments ('red', 'yellow', 'green')"),
    bad("CadencePolicy.schedule", "negative tenure", lambda: POLICY.schedule(ACCOUNT.assign(tenure_days=-5.0), segments=["High touch"]), "tenure_days[0] = -5: tenure must be finite and >= 0"),
    bad("CadencePolicy.schedule", "missing segment", lambda: POLICY.schedule(ACCOUNT, segments=[None]), "segments[0] = missing: every account needs a segment"),
    bad("CadencePolicy.schedule", "unknown column", lambda: POLICY.schedule(ACCOUNT[["tenure_days"]], segments=["High touch"]), "data: no column 'renewal_days' (columns: 'tenure_days')"),
    bad("CadencePolicy.workload", "negative minutes", lambda: POLICY.workload(POLICY.schedule(ACCOUNT, segments=["High touch"]), ["Ana"], minutes_per_touch=-1), "minutes_per_touch: minutes must be finite and >= 0"),
    bad("CadencePolicy.workload", "owners length", lambda: POLICY.workload(POLICY.schedule(ACCOUNT, segments=["High touch"]), ["Ana", "Bo"]), "owners: has length 2 but schedule has length 1"),
    bad("CadencePolicy.workload", "not a schedule", lambda: POLICY.workload(pd.DataFrame({"x": [1]}), ["Ana"]), "schedule: no column 'channel' (columns: 'x')"),
    bad("CadencePolicy.from_json", "a TierModel document", lambda: cs.CadencePolicy.from_json(TOUCH.to_json()), "json: is a 'TierModel' document, not a 'CadencePolicy'"),
    # RevenueLedger
    bad("RevenueLedger", "NaN amount", lambda: cs.RevenueLedger(ledger_rows(mrr=[1, np.nan, 2])), "mrr[1] = nan: amounts must be finite and >= 0"),
    bad("RevenueLedger", "negative amount", lambda: cs.RevenueLedger(ledger_rows(mrr=[1, -3, 2])), "mrr[1] = -3: amounts must be finite and >= 0"),
    bad("RevenueLedger", "+inf amount", lambda: cs.RevenueLedger(ledger_rows(mrr=[np.inf, 1, 2])), "mrr[0] = inf: amounts must be finite and >= 0"),
    bad("RevenueLedger", "strings as amounts", lambda: cs.RevenueLedger(ledger_rows(mrr=["1", "2", "3"])), "mrr[0] = '1': expected a number, got str"),
    bad("RevenueLedger", "booleans as amounts", lambda: cs.RevenueLedger(ledger_rows(mrr=[True, False, True])), "mrr: is a column of true/false values"),
    bad("RevenueLedger", "unknown column", lambda: cs.RevenueLedger(REVENUE.drop(columns="mrr")), "revenue: no column 'mrr' (columns: 'account_id', 'month')"),
    bad("RevenueLedger", "missing account id", lambda: cs.RevenueLedger(ledger_rows(account_id=["a", None, "b"])), "account_id[1] = nan: account ids must not be missing"),
    bad("RevenueLedger", "ids mixing ints and strings", lambda: cs.RevenueLedger(ledger_rows(account_id=pd.Series([1, "1", 2], dtype=object))), "account_id[1] = '1': account ids mix kinds (int and str)"),
    bad("RevenueLedger", "float periods", lambda: cs.RevenueLedger(ledger_rows(month=[1.0, 2.0, 1.0])), "month: has dtype float64; periods must be integers, dates (datetime64, datetime.date, 'YYYY-MM' strings) or pandas Periods"),
    # -- periods and calendars (issue 14)
    bad("RevenueLedger", "yyyymm integers across a year", lambda: cs.RevenueLedger(ledger_rows(month=[202311, 202312, 202401])), "month[2] = 202401: integer periods are consecutive period numbers, but these all read as yyyymm dates across a year boundary"),
    bad("RevenueLedger", "period_format not matching a row", lambda: cs.RevenueLedger(ledger_rows(month=[202311, 202313, 202401]), period_format="%Y%m"), "month[1] = 202313: does not match period_format '%Y%m'"),
    bad("RevenueLedger", "period_format not matching a string", lambda: cs.RevenueLedger(ledger_rows(month=["2020-01", "2020/02", "2020-01"]), period_format="%Y-%m"), "month[1] = '2020/02': does not match period_format '%Y-%m'"),
    bad("RevenueLedger", "period_format for dates", lambda: cs.RevenueLedger(ledger_rows(month=pd.to_datetime(["2020-01-15"] * 3)), period_format="%Y%m"), "period_format: '%Y%m' reads integers or strings, but month holds datetime64"),
    bad("RevenueLedger", "unparsable date strings", lambda: cs.RevenueLedger(ledger_rows(month=["2020-01", "2020-1x", "2020-01"])), "month[1] = '2020-1x': date strings must be 'YYYY-MM' or 'YYYY-MM-DD' throughout"),
    bad("RevenueLedger", "mixed kinds of dates", lambda: cs.RevenueLedger(ledger_rows(month=pd.Series(["2020-01", pd.Timestamp("2020-02-01"), "2020-01"], dtype=object))), "month[1] = Timestamp('2020-02-01 00:00:00'): mixed kinds of periods (string and date)"),
    bad("RevenueLedger", "time zone mixed with naive dates", lambda: cs.RevenueLedger(ledger_rows(month=pd.Series([pd.Timestamp("2020-01-01", tz="UTC"), pd.Timestamp("2020-02-01"), pd.Timestamp("2020-01-01", tz="UTC")], dtype=object))), "month[1] = Timestamp('2020-02-01 00:00:00'): dates mix time zone UTC and no time zone"),
    bad("RevenueLedger", "missing date", lambda: cs.RevenueLedger(ledger_rows(month=pd.to_datetime(["2020-01-15", None, "2020-02-01"]))), "month[1] = NaT: periods must not be missing"),
    bad("RevenueLedger", "missing date string", lambda: cs.RevenueLedger(ledger_rows(month=["2020-01", None, "2020-02"])), "month[1] = nan: periods must not be missing"),
    bad("RevenueLedger", "unknown freq", lambda: cs.RevenueLedger(ledger_rows(month=pd.to_datetime(["2020-01-15"] * 3)), freq="D"), "freq: 'D': must be 'M', 'Q', 'W' or 'Y'"),
    bad("RevenueLedger", "fiscal_year_start 13", lambda: cs.RevenueLedger(ledger_rows(month=pd.to_datetime(["2020-01-15"] * 3)), freq="Q", fiscal_year_start=13), "fiscal_year_start: 13: must be a month from 1 to 12"),
    bad("RevenueLedger", "fiscal_year_start 0", lambda: cs.RevenueLedger(ledger_rows(month=pd.to_datetime(["2020-01-15"] * 3)), freq="Y", fiscal_year_start=0), "fiscal_year_start: 0: must be a month from 1 to 12"),
    bad("RevenueLedger", "fiscal_year_start not an int", lambda: cs.RevenueLedger(ledger_rows(month=pd.to_datetime(["2020-01-15"] * 3)), freq="Q", fiscal_year_start=4.0), "fiscal_year_start: expected an integer, got float 4.0"),
    bad("RevenueLedger", "fiscal_year_start for months", lambda: cs.RevenueLedger(ledger_rows(month=pd.to_datetime(["2020-01-15"] * 3)), fiscal_year_start=4), "fiscal_year_start: 4: applies to quarters and years only (freq 'Q' or 'Y'), not to freq 'M'"),
    bad("RevenueLedger", "freq for integer periods", lambda: cs.RevenueLedger(REVENUE, freq="Q"), "freq: 'Q' applies to dates, but month holds integers"),
    bad("dask.movements", "yyyymm integers across a year", lambda: csd.movements(dask_rows(ledger_rows(month=[202311, 202312, 202401]))), "month (first and last periods of the partitions)[2] = 202401: integer periods are consecutive period numbers"),
    bad("dask.movements", "fiscal_year_start 13", lambda: csd.movements(dask_rows(), freq="Q", fiscal_year_start=13), "fiscal_year_start: 13: must be a month from 1 to 12"),
    # -- end of periods and calendars
    bad("RevenueLedger", "mixed kinds of periods", lambda: cs.RevenueLedger(ledger_rows(month=pd.Series([1, pd.Period("2020-01", "M"), 1], dtype=object))), "month[1] = Period('2020-01', 'M'): mixed kinds of periods (integer and period)"),
    bad("RevenueLedger", "periods far apart", lambda: cs.RevenueLedger(ledger_rows(month=[0, 10**12, 1])), "month: the ledger's accounts x periods matrix would take 7.3 TiB"),
    bad("RevenueLedger", "columns of different lengths", lambda: cs.RevenueLedger({"account_id": [1, 2], "month": [1], "mrr": [1.0, 2.0]}), "month: has length 1 but account_id has length 2"),
    bad("RevenueLedger", "one column in two roles", lambda: cs.RevenueLedger(REVENUE, account="month"), "period: 'month' is also the account column"),
    bad("RevenueLedger", "a list, not a frame", lambda: cs.RevenueLedger([1, 2]), "revenue: expected a DataFrame or a mapping of columns, got list"),
    bad("RevenueLedger.retention", "horizon 0", lambda: LEDGER.retention(horizon=0), "horizon: 0 must be >= 1 period"),
    bad("RevenueLedger.retention", "horizon not whole", lambda: LEDGER.retention(horizon=1.5), "horizon: expected an integer, got float 1.5"),
    bad("RevenueLedger.retention", "masks_churn_below < 0", lambda: LEDGER.retention(horizon=1, masks_churn_below=-1), "masks_churn_below: -1 must be in [0, 1]"),
    bad("RevenueLedger.retention", "masks_churn_below a string", lambda: LEDGER.retention(horizon=1, masks_churn_below="x"), "masks_churn_below: expected a number, got str 'x'"),
    bad("RevenueLedger.movements", "negative reactivation window", lambda: LEDGER.movements(reactivation_window=-1), "reactivation_window: -1 must be >= 0 or None"),
    bad("RevenueLedger.movements", "reactivation window not whole", lambda: LEDGER.movements(reactivation_window=1.5), "reactivation_window: expected an integer, got float 1.5"),
    bad("RevenueLedger.movements", "by a list", lambda: LEDGER.movements(by=["a", "b"]), "by: expected a Series indexed by account id or a long DataFrame, got list"),
    bad("RevenueLedger.movements", "account without a segment", lambda: LEDGER.movements(by=pd.Series({1: "a"})), "by: account 2 has revenue in period 1 but no segment"),
    bad("RevenueLedger.movements", "duplicated account in by", lambda: LEDGER.movements(by=pd.Series(["a", "b", "c"], index=[1, 1, 2])), "by[1] = 'b': a second, different segment for the same account (account 1)"),
    bad("RevenueLedger.movements", "numbers as segments", lambda: LEDGER.movements(by=pd.Series([1, 2], index=[1, 2])), "by: has dtype int64; a column of labels (strings) is required"),
    # Segment moves (issue 14): per-period segments give one segment per account and period.
    bad("RevenueLedger.movements", "two segments for one account and period", lambda: LEDGER.movements(by=pd.DataFrame({"account_id": [1, 1, 1, 2], "month": [1, 2, 2, 1], "segment": ["a", "a", "b", "a"]})), "by[2] = 'b': a second, different segment for the same account and period"),
    bad("RevenueLedger.movements", "long by with another period kind", lambda: LEDGER.movements(by=pd.DataFrame({"account_id": [1], "month": pd.to_datetime(["2020-01-01"]), "segment": ["a"]})), "by: periods are dates, by months but the ledger's are integers"),
    # Correctly rounded totals (issue 14): amounts are any finite double >= 0; a sum beyond the largest double is refused, never inf.
    bad("RevenueLedger", "rows of one cell summing beyond the largest double", lambda: cs.RevenueLedger(ledger_rows(month=[1, 1, 1], mrr=[1e308, 1e308, 1.0])), "mrr: the rows of account key 1 in period 1 sum beyond the largest double"),
    bad("RevenueLedger.movements", "a total beyond the largest double", lambda: cs.RevenueLedger(ledger_rows(mrr=[1e308, 1.0, 1e308])).movements(), "amounts: the 'movements' total 'start' in row 0 (first period 2), segment 0 is beyond the largest double"),
    bad("RevenueLedger.retention", "a total beyond the largest double", lambda: cs.RevenueLedger(ledger_rows(mrr=[1e308, 1.0, 1e308])).retention(horizon=1), "amounts: the 'retention' total 'start_revenue' in row 0 (first period 1), segment 0 is beyond the largest double"),
    bad("RevenueLedger.cohorts", "unknown metric", lambda: LEDGER.cohorts("arr"), "metric: 'arr' must be 'revenue' or 'logos'"),
    bad("RevenueLedger.cohorts", "cohort_length 0", lambda: LEDGER.cohorts(cohort_length=0), "cohort_length: 0 must be >= 1 period"),
    bad("RevenueLedger.cohorts", "cohort tables beyond the memory budget", lambda: cs.RevenueLedger(pd.DataFrame({"account_id": [1, 2], "month": [0, 10_000], "mrr": 1.0})).cohorts(), "cohort_length: the cohort x age tables would take"),
    bad("RevenueLedger.survivors", "cohort_length not whole", lambda: LEDGER.survivors(cohort_length=1.0), "cohort_length: 1.0 must be an integer >= 1"),
    bad("RevenueLedger.cltv", "window 0", lambda: LEDGER.cltv(window=0), "window: 0 must be an integer >= 1"),
    bad("RevenueLedger.cltv", "gross margin above 1", lambda: LEDGER.cltv(gross_margin=2), "gross_margin[0] = 2: must be in (0, 1]"),
    bad("RevenueLedger.cltv", "a single period", lambda: cs.RevenueLedger(ledger_rows(month=[1, 1, 1])).cltv(), "window: the ledger has 1 period(s); CLTV needs at least two"),
    bad("RevenueLedger.cltv", "an empty ledger", lambda: cs.RevenueLedger(REVENUE.iloc[:0]).cltv(), "window: the ledger has 0 period(s); CLTV needs at least two"),
    # Billing data: subscriptions, currencies, hierarchies (issue 14)
    bad("RevenueLedger.from_subscriptions", "end before start", lambda: cs.RevenueLedger.from_subscriptions(subscriptions(end=["2023-12-31", None]), through="2024-06"), "end[0] = 2023-12-31: ends before its start 2024-01-01"),
    bad("RevenueLedger.from_subscriptions", "unknown interval", lambda: cs.RevenueLedger.from_subscriptions(subscriptions(interval=["month", "fortnight"]), through="2024-06"), "interval[1] = 'fortnight': billing intervals must be 'month', 'quarter', 'year', 'week' or a whole number of months >= 1"),
    bad("RevenueLedger.from_subscriptions", "interval 0", lambda: cs.RevenueLedger.from_subscriptions(subscriptions(interval=[1, 0]), through="2024-06"), "interval[1] = 0: billing intervals must be"),
    bad("RevenueLedger.from_subscriptions", "negative amount", lambda: cs.RevenueLedger.from_subscriptions(subscriptions(amount=[10.0, -5.0]), through="2024-06"), "amount[1] = -5: amounts must be finite and >= 0"),
    bad("RevenueLedger.from_subscriptions", "missing start", lambda: cs.RevenueLedger.from_subscriptions(subscriptions(start=[None, "2024-02-01"]), through="2024-06"), "start[0] = NaT: start dates must not be missing"),
    bad("RevenueLedger.from_subscriptions", "a start that is not a date", lambda: cs.RevenueLedger.from_subscriptions(subscriptions(start=["2024-01-01", "soon"]), through="2024-06"), "start[1] = 'soon': date strings must be 'YYYY-MM' or 'YYYY-MM-DD' throughout (or give period_format=)"),
    bad("RevenueLedger.from_subscriptions", "through before the first start", lambda: cs.RevenueLedger.from_subscriptions(subscriptions(), through="2023-12"), "through: 2023-12 is before the month of the first start (2024-01)"),
    bad("RevenueLedger.from_subscriptions", "open subscription without through", lambda: cs.RevenueLedger.from_subscriptions(subscriptions()), "through: required because 2 subscription(s) have no end (first: row 0)"),
    bad("RevenueLedger.from_subscriptions", "currency without a rate", lambda: cs.RevenueLedger.from_subscriptions(subscriptions(currency=["USD", "GBP"]), through="2024-06", currency="currency", fx={"USD": 1.0}), "currency[1] = 'GBP': no exchange rate for this currency in fx (rates for 'USD')"),
    bad("RevenueLedger.from_subscriptions", "rate 0", lambda: cs.RevenueLedger.from_subscriptions(subscriptions(currency=["USD", "EUR"]), through="2024-06", currency="currency", fx={"USD": 1.0, "EUR": 0}), "fx['EUR'] = 0.0: exchange rates must be finite and > 0"),
    bad("RevenueLedger.from_subscriptions", "rate NaN", lambda: cs.RevenueLedger.from_subscriptions(subscriptions(currency=["USD", "EUR"]), through="2024-06", currency="currency", fx={"USD": 1.0, "EUR": np.nan}), "fx['EUR'] = nan: exchange rates must be finite and > 0"),
    bad("RevenueLedger.from_subscriptions", "no rate for a month", lambda: cs.RevenueLedger.from_subscriptions(subscriptions(currency=["USD", "USD"]), through="2024-06", currency="currency", fx=pd.DataFrame({"currency": ["USD"], "period": ["2024-01"], "rate": [1.0]})), "fx: no rate for 'USD' in period 2024-02"),
    bad("RevenueLedger.from_subscriptions", "hierarchy cycle", lambda: cs.RevenueLedger.from_subscriptions(subscriptions(), through="2024-06", hierarchy=pd.Series({1: 2, 2: 1})), "hierarchy: accounts 1 -> 2 -> 1 form a cycle"),
    bad("RevenueLedger", "hierarchy self-parent", lambda: cs.RevenueLedger(REVENUE, hierarchy=pd.Series({2: 2})), "hierarchy: account 2 is its own parent"),
    bad("RevenueLedger", "currency without fx", lambda: cs.RevenueLedger(REVENUE.assign(currency="EUR"), currency="currency"), "fx: needed with currency='currency'"),
    bad("RevenueLedger", "rate negative", lambda: cs.RevenueLedger(REVENUE.assign(currency="EUR"), currency="currency", fx={"EUR": -1}), "fx['EUR'] = -1.0: exchange rates must be finite and > 0"),
    bad("RevenueLedger.movements", "segments as a polars Series", lambda: cs.RevenueLedger(REVENUE).movements(by=pl.Series(["a", "b"])), "by: a polars Series has no account ids; pass a frame of the account column and one column of values, or a pandas Series indexed by account id"),
    bad("RevenueLedger.movements", "a keyed frame of three columns", lambda: cs.RevenueLedger(REVENUE).movements(by=pd.DataFrame({"account_id": [1], "tier": ["a"], "region": ["b"]})), "by: a frame keyed by account needs the column 'account_id' and one column of values (or one named 'segment'); got ['account_id', 'tier', 'region']"),
    bad("RevenueLedger.movements", "segments of a subsidiary", lambda: cs.RevenueLedger(REVENUE, hierarchy=pd.Series({2: 1})).movements(by=pd.Series({1: "a", 2: "b"})), "by: account 2 (row 1) rolls up to 1 in the ledger's hierarchy; give segments of top-level accounts"),
    # value functions and NPS
    bad("cltv", "NaN ARPA", lambda: cs.cltv(np.nan, 0.1), "arpa[0] = nan: values must be finite and >= 0"),
    bad("cltv", "churn rate 0", lambda: cs.cltv(100, 0.0), "churn_rate[0] = 0: must be in (0, 1]"),
    bad("cltv", "negative discount rate", lambda: cs.cltv(100, 0.1, discount_rate=-0.1), "discount_rate[0] = -0.1: values must be finite and >= 0"),
    bad("cltv", "length mismatch", lambda: cs.cltv([100, 200], [0.1, 0.2, 0.3]), "cltv: arguments have different lengths: arpa has 2, churn_rate has 3"),
    bad("cltv", "strings", lambda: cs.cltv("100", 0.1), "arpa[0] = '100': expected a number, got str"),
    bad("cltv", "Series on different indexes", lambda: cs.cltv(pd.Series([1.0, 2.0]), pd.Series([0.1, 0.2], index=[5, 6])), "churn_rate: its index differs from arpa's"),
    bad("cltv", "no churn rate", lambda: cs.cltv(100.0), "cltv() missing 1 required positional argument: 'churn_rate'", TypeError),
    bad("crc", "unknown denominator", lambda: cs.crc(1, 1, denominator="end"), "denominator: 'end' must be 'retained' or 'start'"),
    bad("crc", "no customers", lambda: cs.crc(100, 0), "customers (retained)[0] = 0: must be finite and > 0"),
    bad("cac", "+inf spend", lambda: cs.cac(np.inf, 5), "acquisition_spend[0] = inf: values must be finite and >= 0"),
    bad("cac", "booleans", lambda: cs.cac([True], [1]), "acquisition_spend: is a column of true/false values"),
    bad("cltv_cac_ratio", "CAC 0", lambda: cs.cltv_cac_ratio(100, 0), "cac[0] = 0: must be finite and > 0"),
    bad("cac_payback", "gross margin above 1", lambda: cs.cac_payback(100, 10, gross_margin=1.5), "gross_margin[0] = 1.5: must be in (0, 1]"),
    bad("nps", "score 11", lambda: cs.nps([11, 5]), "scores[0] = 11: NPS scores must be whole numbers from 0 to 10"),
    bad("nps", "fractional score", lambda: cs.nps([9.5]), "scores[0] = 9.5: NPS scores must be whole numbers from 0 to 10"),
    bad("nps", "+inf", lambda: cs.nps([np.inf]), "scores[0] = inf: NPS scores must be whole numbers from 0 to 10"),
    bad("nps", "booleans", lambda: cs.nps([True, False]), "scores: is a column of true/false values"),
    bad("nps", "missing segment", lambda: cs.nps([10, 9], by=["a", None]), "by[1] = missing: every score needs a segment"),
    bad("nps", "by length", lambda: cs.nps([10, 9], by=["a"]), "by: has length 1 but scores has length 2"),
    bad("nps_difference", "no scores", lambda: cs.nps_difference([], [10]), "a: has no scores"),
    bad("nps_difference", "score 11", lambda: cs.nps_difference([11], [10]), "a[0] = 11: NPS scores must be whole numbers from 0 to 10"),
    # health: normalisers and the scorecard
    bad("Linear", "bad equals good", lambda: cs.Scorecard([cs.Measure("nps", cs.Linear(5, 5))]), "good: 5 equals bad; Linear needs two different anchors"),
    bad("Linear", "anchor a string", lambda: cs.Scorecard([cs.Measure("nps", cs.Linear("a", 5))]), "bad: expected a number, got str 'a'"),
    bad("Bands", "descending edges", lambda: cs.Scorecard([cs.Measure("nps", cs.Bands([9, 7], [0, 50, 100]))]), "edges[1] = 7: thresholds must be strictly ascending"),
    bad("Bands", "score above 100", lambda: cs.Scorecard([cs.Measure("nps", cs.Bands([7], [0, 150]))]), "scores[1] = 150: scores must be in [0, 100]"),
    bad("Percentile", "empty peer column", lambda: cs.Percentile(by=""), "by: '' must name a column of peer-group labels, or be None"),
    bad("ZScore", "unknown unseen policy", lambda: cs.Scorecard([cs.Measure("nps", cs.ZScore(unseen="ignore"))]), "unseen: 'ignore' is not a policy for unseen peer groups"),
    bad("Measure", "negative weight", lambda: cs.Scorecard([cs.Measure("nps", cs.Linear(0, 10), weight=-1)]), "weights[0] = -1: weights must be finite and >= 0 (measure 'nps')"),
    bad("Measure", "weight a string", lambda: cs.Scorecard([cs.Measure("nps", cs.Linear(0, 10), weight="heavy")]), "measures[0].weight: expected a number, got str 'heavy'"),
    bad("Measure", "all weights 0", lambda: cs.Scorecard([cs.Measure("nps", cs.Linear(0, 10), weight=0)]), "weights: all weights are 0"),
    bad("Scorecard", "no measures", lambda: cs.Scorecard([]), "measures: a scorecard needs at least one measure"),
    bad("Scorecard", "unknown normaliser", lambda: cs.Scorecard([cs.Measure("nps", abs)]), "measures[0].normalizer = <built-in function abs>: expected Linear, Bands"),
    bad("Scorecard", "unknown combine", lambda: cs.Scorecard([cs.Measure("nps", cs.Linear(0, 10))], combine="mean"), "combine: 'mean' is not a combine mode"),
    bad("Scorecard", "min_measures negative", lambda: cs.Scorecard([cs.Measure("nps", cs.Linear(0, 10))], min_measures=-1), "min_measures: -1 must be >= 1"),
    bad("Scorecard", "min_measures not whole", lambda: cs.Scorecard([cs.Measure("nps", cs.Linear(0, 10))], min_measures=1.5), "min_measures: expected an integer, got float 1.5"),
    bad("Scorecard", "bands not from 0", lambda: cs.Scorecard([cs.Measure("nps", cs.Linear(0, 10))], bands={"red": 10, "green": 50}), "bands[0] = 10: the first band must start at 0"),
    bad("Scorecard", "bands a list", lambda: cs.Scorecard([cs.Measure("nps", cs.Linear(0, 10))], bands=[0, 50]), "bands: expected a mapping of band name to lower bound"),
    bad("Scorecard.score", "unknown column", lambda: CARD.score(HEALTH.drop(columns="nps")), "data: no column 'nps'"),
    bad("Scorecard.score", "strings", lambda: CARD.score(HEALTH.assign(nps=["a", "b", "c"])), "data['nps'][0] = 'a': expected a number, got str"),
    bad("Scorecard.score", "-inf", lambda: CARD.score(HEALTH.assign(nps=[-np.inf, 1, 2])), "data['nps'][0] = -inf: values must be finite (NaN means missing)"),
    bad("Scorecard.score", "datetimes", lambda: CARD.score(HEALTH.assign(nps=pd.to_datetime(["2020-01-01"] * 3))), "data['nps']: has dtype datetime64"),
    bad("Scorecard.score", "previous score +inf", lambda: CARD.score(HEALTH, previous=[np.inf, 1, 1]), "previous[0] = inf: earlier scores must be in [0, 100]"),
    bad("Scorecard.score", "previous empty", lambda: CARD.score(HEALTH, previous=[]), "previous: has length 0 but data has length 3"),
    bad("Scorecard.score", "duplicated column", lambda: CARD.score(pd.concat([HEALTH, HEALTH[["nps"]]], axis=1)), "data: has 2 columns named 'nps'; which one is meant?"),
    bad("Scorecard.score", "a list, not a frame", lambda: CARD.score([1, 2]), "data: expected a DataFrame or a mapping of columns, got list"),
    bad("Boolean", "direction a string", lambda: cs.Scorecard([cs.Measure("nps", cs.Boolean(higher_is_better="no"))]), "higher_is_better: expected True or False, got str 'no'"),
    bad("Boolean", "values other than 0 and 1", lambda: cs.Scorecard([cs.Measure("nps", cs.Boolean())]).score(HEALTH), "data['nps'][1] = 5: Boolean measures must be 0 or 1"),
    bad("Scorecard.score", "Percentile before fit", lambda: percentile_card().score(HEALTH), "measure 'logins': its percentile normaliser learns from data; call fit(data) first", NotFittedError),
    bad("Scorecard.transform", "Percentile before fit", lambda: percentile_card().transform(HEALTH), "measure 'logins': its percentile normaliser learns from data", NotFittedError),
    bad("Scorecard.fit", "only missing values", lambda: percentile_card().fit(HEALTH.assign(logins=np.nan)), "data['logins']: has no observed (non-missing) values to fit percentile on"),
    bad("Scorecard.score", "peer group not seen in fit", lambda: peer_card().score(HEALTH.assign(segment=["a", "zzz", "a"])), "data['segment'][1] = 'zzz': peer group not seen in fit"),
    bad("Scorecard.transform", "numbers as peer groups", lambda: peer_card().transform(HEALTH.assign(segment=[1, 2, 3])), "data['segment']: has dtype int64; a column of labels (strings) is required"),
    bad("Scorecard.calibrate", "outcome 2", lambda: CARD.calibrate(HEALTH.assign(churned=[0, 2, 1])), "outcome[1] = 2: outcomes must be 0 or 1"),
    bad("Scorecard.calibrate", "outcome NaN", lambda: CARD.calibrate(HEALTH.assign(churned=[0, np.nan, 1])), "outcome[1] = nan: outcomes must be 0 or 1"),
    bad("Scorecard.calibrate", "one class only", lambda: CARD.calibrate(HEALTH.assign(churned=[0, 0, 0])), "outcome: has only 0s in 3 rows; both outcomes are needed"),
    bad("Scorecard.calibrate", "empty frame", lambda: CARD.calibrate(HEALTH.iloc[:0]), "outcome: has only 0s in 0 rows; both outcomes are needed"),
    bad("Scorecard.calibrate", "negative l2", lambda: CARD.calibrate(HEALTH, l2=-1), "l2: -1 must be finite and >= 0"),
    bad("Scorecard.calibrate", "outcome length", lambda: CARD.calibrate(HEALTH, [0, 1]), "outcome: has length 2 but data has length 3"),
    bad("Scorecard.backtest", "no account scored", lambda: CARD.backtest(HEALTH.assign(nps=np.nan)), "health: no account has a score"),
    bad("Scorecard.from_json", "a KMeans document", lambda: cs.Scorecard.from_json(cs.KMeans(2).to_json()), "json: is a 'KMeans' document, not a 'Scorecard'"),
    bad("CalibratedScorecard", "built by hand", lambda: cs.CalibratedScorecard(), "CalibratedScorecard is made by Scorecard.calibrate", TypeError),
    bad("CalibratedScorecard.predict_proba", "unknown column", lambda: CARD.calibrate(HEALTH).predict_proba(HEALTH.drop(columns="nps")), "data: no column 'nps'"),
    bad("CalibratedScorecard.score", "+inf", lambda: CARD.calibrate(HEALTH).score(HEALTH.assign(nps=[np.inf, 1, 2])), "data['nps'][0] = inf: values must be finite"),
    bad("CalibratedScorecard.backtest", "outcome 2", lambda: CARD.calibrate(HEALTH).backtest(HEALTH.assign(churned=[0, 2, 1])), "outcome[1] = 2: outcomes must be 0 or 1"),
    bad("CalibratedScorecard.from_json", "a Scorecard document", lambda: cs.CalibratedScorecard.from_json(CARD.to_json()), "json: is a 'Scorecard' document, not a 'CalibratedScorecard'"),
    bad("ScorecardSet", "a list of scorecards", lambda: cs.ScorecardSet([CARD]), "scorecards: expected a mapping of segment to Scorecard"),
    bad("ScorecardSet", "by None", lambda: cs.ScorecardSet({"a": CARD}, by=None), "by: expected a str, got NoneType None"),
    bad("ScorecardSet", "bands that differ", lambda: cs.ScorecardSet({"a": CARD}, default=cs.Scorecard([cs.Measure("nps", cs.Linear(0, 10))], bands={"low": 0, "high": 50})), "scorecards['default']: bands ['low', 'high'] differ"),
    bad("ScorecardSet.score", "segment without a scorecard", lambda: cs.ScorecardSet({"a": CARD}).score(HEALTH), "data['segment'][1] = 'b': no scorecard for this segment and no default"),
    bad("ScorecardSet.score", "missing segment", lambda: cs.ScorecardSet({"a": CARD}).score(HEALTH.assign(segment=["a", None, "a"])), "data['segment'][1] = missing: no scorecard for this segment"),
    bad("ScorecardSet.fit", "segment without a scorecard", lambda: cs.ScorecardSet({"a": percentile_card()}).fit(HEALTH), "data['segment'][1] = 'b': no scorecard for this segment"),
    bad("ScorecardSet.from_json", "truncated", lambda: cs.ScorecardSet.from_json('{"kind": "ScorecardSet"'), "json: not a valid JSON document"),
    bad("health.auc", "outcomes other than 0 and 1", lambda: cs.health.auc([1, 2], [0.1, 0.2]), "y_true[1] = 2: outcomes must be 0 or 1"),
    bad("health.auc", "NaN score", lambda: cs.health.auc([1, 0, 0], [np.nan, 2, 3]), "y_score[0] = nan: scores must be finite"),
    bad("health.auc", "+inf score", lambda: cs.health.auc([1, 0], [np.inf, 2]), "y_score[0] = inf: scores must be finite"),
    bad("health.auc", "one class only", lambda: cs.health.auc([1, 1], [0.1, 0.2]), "y_true: has only 1s in 2 rows; both outcomes are needed"),
    bad("health.auc", "lengths differ", lambda: cs.health.auc([1, 0], [0.1, 0.2, 0.3]), "y_true: has length 2 but y_score has length 3"),
    bad("health.auc", "the old (health, churned) order", lambda: cs.health.auc([10, 50], [1, 0]), "y_true: holds values other than 0 and 1 while y_score holds only 0 and 1"),
    bad("health.health_auc", "outcomes other than 0 and 1", lambda: cs.health.health_auc([1, 2], [1, 2]), "outcome[1] = 2: outcomes must be 0 or 1"),
    bad("health.health_auc", "NaN health", lambda: cs.health.health_auc([np.nan, 2, 3], [1, 0, 0]), "health[0] = nan: scores must be finite"),
    bad("health.health_auc", "+inf health", lambda: cs.health.health_auc([np.inf, 2, 3], [1, 0, 0]), "health[0] = inf: scores must be finite"),
    bad("health.health_auc", "one class only", lambda: cs.health.health_auc([1, 2], [0, 0]), "outcome: has only 0s in 2 rows; both outcomes are needed"),
    bad("health.health_auc", "lengths differ", lambda: cs.health.health_auc([1, 2, 3], [1, 0]), "outcome: has length 2 but health has length 3"),
    bad("health.brier", "no rows", lambda: cs.health.brier([], []), "probability: is empty"),
    bad("health.brier", "probability above 1", lambda: cs.health.brier([1.5], [1]), "probability[0] = 1.5: probabilities must be in [0, 1]"),
    # health over time: score history, overrides, band changes, lead time
    bad("Scorecard.score_history", "repeated account and period", lambda: USAGE_CARD.score_history(usage_history(month=[1, 1, 1, 2])), "data[2] = row 0's account and period: one row per account and period"),
    bad("Scorecard.score_history", "periods of mixed kinds", lambda: USAGE_CARD.score_history(usage_history(month=pd.Series([1, "2024-01", 2, 2], dtype=object))), "data['month'][1] = '2024-01': mixed kinds of periods (integer and string)"),
    bad("Scorecard.score_history", "negative hysteresis", lambda: USAGE_CARD.score_history(usage_history(), band_hysteresis=-1), "band_hysteresis: -1 must be finite and >= 0"),
    bad("Scorecard.score_history", "override end <= start", lambda: USAGE_CARD.score_history(usage_history(), overrides=pd.DataFrame({"account_id": ["a"], "start": [2], "end": [2], "band": ["red"]})), "overrides[0] = end 2 <= start 2: an override lasts from start up to (not including) end"),
    bad("Scorecard.score_history", "override of an unknown band", lambda: USAGE_CARD.score_history(usage_history(), overrides=pd.DataFrame({"account_id": ["a"], "start": [1], "end": [2], "band": ["blue"]})), "overrides['band'][0] = 'blue': unknown band"),
    bad("Scorecard.score_history", "overlapping overrides", lambda: USAGE_CARD.score_history(usage_history(), overrides=pd.DataFrame({"account_id": ["a", "a"], "start": [1, 2], "end": [3, 4], "band": ["red", "green"]})), "overrides[1] = overlaps row 0: overrides of one account must not overlap"),
    bad("Scorecard.score_history", "override periods of another kind", lambda: USAGE_CARD.score_history(usage_history(), overrides=pd.DataFrame({"account_id": ["a"], "start": ["2024-01"], "end": ["2024-02"], "band": ["red"]})), "overrides['start']: holds dates, by months, but the history's periods are integers"),
    bad("ScorecardSet.score_history", "repeated account and period", lambda: cs.ScorecardSet({}, default=USAGE_CARD).score_history(usage_history(month=[1, 1, 1, 2], segment="x")), "data[2] = row 0's account and period"),
    bad("changes", "not a score history", lambda: cs.changes(usage_history()), "history: expected a score history"),
    bad("backtest_lead", "a lead of 0", lambda: cs.backtest_lead(USAGE_CARD.score_history(usage_history()), pd.DataFrame({"account_id": ["a"], "month": [3]}), leads=[0]), "leads[0] = 0: leads must be between 1 and the history's length (2 periods)"),
    bad("backtest_lead", "a lead longer than the history", lambda: cs.backtest_lead(USAGE_CARD.score_history(usage_history()), pd.DataFrame({"account_id": ["a"], "month": [3]}), leads=[3]), "leads[0] = 3: leads must be between 1 and the history's length (2 periods)"),
    # ShiftedBetaGeometric
    bad("ShiftedBetaGeometric", "alpha without beta", lambda: cs.ShiftedBetaGeometric(alpha=1), "alpha, beta: give both parameters, or neither"),
    bad("ShiftedBetaGeometric", "negative alpha", lambda: cs.ShiftedBetaGeometric(alpha=-1, beta=1), "alpha: -1 must be finite and > 0"),
    bad("ShiftedBetaGeometric", "alpha a string", lambda: cs.ShiftedBetaGeometric(alpha="a", beta=1), "alpha: expected a number, got str 'a'"),
    bad("ShiftedBetaGeometric.fit", "survivors increase", lambda: cs.ShiftedBetaGeometric().fit([100, 120, 50]), "survivors[1] = 120: survivor counts must not increase (previous is 100)"),
    bad("ShiftedBetaGeometric.fit", "one count", lambda: cs.ShiftedBetaGeometric().fit([100]), "survivors: needs at least 2 counts"),
    bad("ShiftedBetaGeometric.fit", "no counts", lambda: cs.ShiftedBetaGeometric().fit([]), "survivors: needs at least 2 counts (the cohort size and one later count), got 0"),
    bad("ShiftedBetaGeometric.fit", "NaN", lambda: cs.ShiftedBetaGeometric().fit([100, np.nan, 50]), "survivors[1] = nan: survivor counts must be finite and >= 0"),
    bad("ShiftedBetaGeometric.fit", "empty cohort", lambda: cs.ShiftedBetaGeometric().fit([0, 0]), "survivors[0] = 0: the cohort must start with more than 0 customers"),
    bad("ShiftedBetaGeometric.survival", "before fit", lambda: cs.ShiftedBetaGeometric().survival(3), "ShiftedBetaGeometric: give alpha and beta, or call fit()", NotFittedError),
    bad("ShiftedBetaGeometric.log_likelihood_", "before fit", lambda: cs.ShiftedBetaGeometric().log_likelihood_, "ShiftedBetaGeometric: call fit() before using the model", NotFittedError),
    bad("ShiftedBetaGeometric.survival", "negative t", lambda: SBG.survival(-1), "t: -1 must be a whole number >= 0"),
    bad("ShiftedBetaGeometric.survival", "t a string", lambda: SBG.survival("a"), "t: expected a number, got str 'a'"),
    bad("ShiftedBetaGeometric.survival", "t list of strings", lambda: SBG.survival(["a"]), "t[0] = 'a': expected a number, got str"),
    bad("ShiftedBetaGeometric.retention_rate", "t = 0", lambda: SBG.retention_rate(0), "t: 0 must be a whole number >= 1"),
    bad("ShiftedBetaGeometric.churn_probability", "t not whole", lambda: SBG.churn_probability(1.5), "t: 1.5 must be a whole number >= 1"),
    bad("ShiftedBetaGeometric.project", "negative periods", lambda: SBG.project(-1), "periods: must be a whole number >= 0, got -1"),
    bad("ShiftedBetaGeometric.project", "negative cohort", lambda: SBG.project(3, cohort_size=-5), "cohort_size: -5.0 must be finite and >= 0"),
    bad("ShiftedBetaGeometric.discounted_expected_lifetime", "NaN discount rate", lambda: SBG.discounted_expected_lifetime(np.nan), "discount_rate: nan must be finite and > -1"),
    bad("ShiftedBetaGeometric.discounted_expected_residual_lifetime", "renewals not whole", lambda: SBG.discounted_expected_residual_lifetime(0.1, renewals=1.5), "renewals: 1.5 must be a whole number >= 0"),
    bad("ShiftedBetaGeometric.clv", "NaN margin", lambda: SBG.clv(np.nan, 0.1), "margin_per_period: nan must be finite"),
    bad("ShiftedBetaGeometric.fit_many", "min_periods 0", lambda: cs.ShiftedBetaGeometric.fit_many([[10, 5]], min_periods=0), "min_periods: must be a whole number >= 1, got 0"),
    bad("ShiftedBetaGeometric.fit_many", "count after a gap", lambda: cs.ShiftedBetaGeometric.fit_many([[10, np.nan, 5]]), "survivors[0][2] = 5: a count after a missing one"),
    bad("ShiftedBetaGeometric.fit_many", "a number, not cohorts", lambda: cs.ShiftedBetaGeometric.fit_many(5), "survivors: expected a list, got int 5"),
    bad("ShiftedBetaGeometric.fit_many", "strings", lambda: cs.ShiftedBetaGeometric.fit_many(pd.DataFrame({"a": ["x"]})), "survivors['a'][0] = 'x': expected a number, got str"),
    bad("ShiftedBetaGeometric.from_json", "a TierModel document", lambda: cs.ShiftedBetaGeometric.from_json(TOUCH.to_json()), "json: is a 'TierModel' document, not a 'ShiftedBetaGeometric'"),
    # datasets
    bad("datasets.synthetic_book", "no accounts", lambda: cs.datasets.synthetic_book(0), "n_accounts: 0 must be in [1, 100000000]"),
    bad("datasets.synthetic_book", "one month", lambda: cs.datasets.synthetic_book(10, 1), "n_months: 1 must be in [2, 1200]"),
    bad("datasets.synthetic_book", "negative seed", lambda: cs.datasets.synthetic_book(10, seed=-1), "seed: -1 must be in [0, 18446744073709551615]"),
    bad("datasets.synthetic_book", "accounts not whole", lambda: cs.datasets.synthetic_book(10.5), "n_accounts: expected an integer, got float 10.5"),
    bad("datasets.synthetic_book", "a bool", lambda: cs.datasets.synthetic_book(True), "n_accounts: expected an integer, got the bool True"),
    # Hostile input (issue 21): integers beyond 64 bits, flags, text that is not UTF-8, JSON versions,
    # signalling NaNs, object columns mixing kinds, keys of another type (branch errors)
    bad("KMeans", "n_clusters beyond 64 bits", lambda: cs.KMeans(2**64), "n_clusters: 18446744073709551616 is beyond the 64-bit integers [-9223372036854775808, 9223372036854775807]"),
    bad("KMeans", "max_iter beyond 64 bits", lambda: cs.KMeans(2, max_iter=2**70), "max_iter: 1180591620717411303424 is beyond the 64-bit integers [-9223372036854775808, 9223372036854775807]"),
    bad("KMeans", "n_init 2**63", lambda: cs.KMeans(2, n_init=2**63), "n_init: 9223372036854775808 must be in [1, 10000]"),
    bad("KMeans.fit", "progress a string", lambda: cs.KMeans(2).fit(X, progress="no"), "progress: expected True or False, got str 'no'"),
    bad("KMeans.predict", "NaN named like fit", lambda: cs.KMeans(2).fit(X).predict(X.assign(b=[1, np.nan, 3, 4])), "data['b'][1] = nan: missing value; k-means needs every feature of every row"),
    bad("KMeans.profile", "NaN named like fit", lambda: cs.KMeans(2).fit(X).profile(X.assign(a=[np.nan, 2, 3, 4], arr=1.0)), "data['a'][0] = nan: missing value; k-means needs every feature of every row"),
    bad("KMeans.from_json", "n_init 2**63", lambda: cs.KMeans.from_json(with_field(cs.KMeans(2).to_json(), n_init=2**63)), "json: n_init: 9223372036854775808 must be in [1, 10000]"),
    bad("TierModel.assign", "signalling Decimal NaN", lambda: TOUCH.assign(pd.Series([Decimal(1), Decimal("sNaN")], dtype=object)), "arr[1] = Decimal('sNaN'): a signalling NaN is not a number (None or NaN means missing)"),
    bad("TierModel.assign", "an int beyond the largest double", lambda: TOUCH.assign(pd.Series([1, 10**400], dtype=object)), "arr[1] = <an int of 1329 bits, about 2**1328>: beyond the largest double (about 1.8e308)"),
    bad("TierModel", "a lone surrogate in a name", lambda: cs.TierModel([10], ["a", "b\udcff"]), "names[1]: '\\udcff' at position 1 is a lone surrogate, not UTF-8 text"),
    bad("transitions", "a lone surrogate in a label", lambda: cs.transitions(["a\ud800", "b"], ["a", "b"]), "before[0] = 'a\\ud800': '\\ud800' at position 1 is a lone surrogate, not UTF-8 text"),
    bad("TierModel.from_json", "a lone surrogate", lambda: cs.TierModel.from_json(TOUCH.to_json().replace("Tech", "\ud800")), "json: '\\ud800' at position 141 is a lone surrogate, not UTF-8 text"),
    bad("TierModel.from_json", "a negative version", lambda: cs.TierModel.from_json(with_field(TOUCH.to_json(), cssegment_version="-1.0.0")), "json: cssegment_version '-1.0.0' is not a version of the form X.Y.Z (three whole numbers of at most 9 digits)"),
    bad("TierModel.from_json", "a four-part version", lambda: cs.TierModel.from_json(with_field(TOUCH.to_json(), cssegment_version="0.1.0.0")), "json: cssegment_version '0.1.0.0' is not a version of the form X.Y.Z (three whole numbers of at most 9 digits)"),
    bad("TierModel.from_json", "a 20-digit version", lambda: cs.TierModel.from_json(with_field(TOUCH.to_json(), cssegment_version="0.18446744073709551617.0")), "json: cssegment_version '0.18446744073709551617.0' is not a version of the form X.Y.Z (three whole numbers of at most 9 digits)"),
    bad("RuleModel.assign", "a plain list to rules reading no column", lambda: cs.RuleModel([cs.Segment("a", "true")]).assign([1, 2]), "data: expected a DataFrame or a mapping of columns, got list"),
    bad("RuleModel", "an expression over 64 KiB", lambda: cs.RuleModel([cs.Segment("a", "arr >= 1" + " " * 65_529)]), "segments[0] ('a'): when: expression of 65537 bytes exceeds the limit of 65536 (max_expression_length)"),
    bad("assign_owners", "csm_ratios a string", lambda: owners(roster(), csm_ratios="ten"), "csm_ratios: expected a mapping of segment to accounts per CSM, or a segment model; got str 'ten'"),
    bad("assign_owners", "csm_ratios a list", lambda: owners(roster(), csm_ratios=[15]), "csm_ratios: expected a mapping of segment to accounts per CSM, or a segment model; got list [15]"),
    bad("assign_owners", "a ratio True", lambda: owners(roster(), csm_ratios={"High touch": True}), "csm_ratios['High touch']: expected a number, got bool True"),
    bad("CadencePolicy.workload", "minutes as text", lambda: POLICY.workload(POLICY.schedule(ACCOUNT, segments=["High touch"]), ["Ana"], minutes_per_touch={"High touch": "45"}), "minutes_per_touch['High touch']: expected a number, got str '45'"),
    bad("CadencePolicy.workload", "no touches column", lambda: POLICY.workload(POLICY.schedule(ACCOUNT, segments=["High touch"]).drop(columns="touches_per_month"), ["Ana"]), "schedule: no column 'touches_per_month' (columns: 'segment', 'interval_days', 'channel', 'reason')"),
    bad("RevenueLedger", "an object period beyond 64 bits", lambda: cs.RevenueLedger(ledger_rows(month=pd.Series([1, 2, 2**70], dtype=object))), "month[2] = <an int of 71 bits, about 2**70>: beyond the 64-bit integers [-9223372036854775808, 9223372036854775807]"),
    bad("RevenueLedger", "list ids", lambda: cs.RevenueLedger(ledger_rows(account_id=[[1], [1], [2]])), "account_id[0] = [1]: account ids must be single values (numbers or strings), got list"),
    bad("RevenueLedger", "a signalling NaN id", lambda: cs.RevenueLedger(ledger_rows(account_id=pd.Series([1, Decimal("sNaN"), "a"], dtype=object))), "account_id[1] = Decimal('sNaN'): a signalling NaN is not a number (None or NaN means missing)"),
    bad("RevenueLedger", "period -2**63", lambda: cs.RevenueLedger(ledger_rows(month=[-(2**63), 1, 1])), "month[0] = -9223372036854775808: the smallest 64-bit integer marks a missing period (NaT); period numbers must be larger"),
    bad("RevenueLedger", "progress a string", lambda: cs.RevenueLedger(REVENUE, progress="no"), "progress: expected True or False, got str 'no'"),
    bad("RevenueLedger.retention", "horizon beyond 64 bits", lambda: LEDGER.retention(horizon=2**63), "horizon: 9223372036854775808 is beyond the 64-bit integers [-9223372036854775808, 9223372036854775807]"),
    bad("RevenueLedger.movements", "reactivation window beyond 64 bits", lambda: LEDGER.movements(reactivation_window=2**64), "reactivation_window: 18446744073709551616 is beyond the 64-bit integers [-9223372036854775808, 9223372036854775807]"),
    bad("RevenueLedger.movements", "by keyed by ints, ids are strings", lambda: cs.RevenueLedger(ledger_rows(account_id=["001", "001", "002"])).movements(by=pd.Series(["a", "b"], index=[1, 2])), "by: account '001' has revenue in period 1 but no segment (by is keyed by int ids, the ledger's account ids are str)"),
    bad("RevenueLedger.cohorts", "cohort_length beyond 64 bits", lambda: LEDGER.cohorts(cohort_length=2**64), "cohort_length: 18446744073709551616 is beyond the 64-bit integers [-9223372036854775808, 9223372036854775807]"),
    bad("Scorecard.score", "a list mixing text and numbers", lambda: CARD.score({"nps": ["x", 2.0]}), "data['nps'][0] = 'x': expected a number, got str"),
    bad("ShiftedBetaGeometric.fit_many", "a list of strings", lambda: cs.ShiftedBetaGeometric.fit_many(["a", "b"]), "survivors[0] = 'a': expected a cohort's survivor counts (a list of numbers), got str"),
    bad("ShiftedBetaGeometric.fit_many", "an array of text", lambda: cs.ShiftedBetaGeometric.fit_many(np.array([["10", "5"]])), "survivors[0][0] = '10': expected a number, got str"),
    bad("ShiftedBetaGeometric.fit_many", "progress a string", lambda: cs.ShiftedBetaGeometric.fit_many([[10, 5]], progress="no"), "progress: expected True or False, got str 'no'"),
    bad("ShiftedBetaGeometric.discounted_expected_residual_lifetime", "renewals beyond the largest double", lambda: SBG.discounted_expected_residual_lifetime(0.1, renewals=10**400), "renewals = <an int of 1329 bits, about 2**1328>: beyond the largest double (about 1.8e308)"),
    bad("dask.movements", "progress a string", lambda: csd.movements(dask_rows(), progress="no"), "progress: expected True or False, got str 'no'"),
    bad("coverage", "ARR per CSM past the largest double", lambda: cs.coverage(["a"], {"a": 10}, arr=[1.7976931348623157e308]), "arr: ARR per CSM of segment[0] overflows the largest double (1.7976931348623157e+308 over 0.1 CSMs)"),
    # cssegment.dask
    bad("dask.movements", "a pandas frame", lambda: csd.movements(REVENUE), "ddf: expected a dask.dataframe.DataFrame, got DataFrame"),
    bad("dask.movements", "unknown column", lambda: csd.movements(dask_rows(), amount="arr"), "ddf: no column 'arr' (columns: 'account_id', 'month', 'mrr')"),
    bad("dask.movements", "NaN amount", lambda: csd.movements(dask_rows(ledger_rows(mrr=[1, np.nan, 1]))), "mrr[1] = nan: amounts must be finite and >= 0"),
    bad("dask.movements", "by a list", lambda: csd.movements(dask_rows(), by=["a"]), "by: expected a pandas Series or DataFrame, or the name of a column of ddf"),
    bad("dask.movements", "no rows", lambda: csd.movements(dask_rows(REVENUE.iloc[:0])), "ddf: has no rows"),
    bad("dask.retention", "negative amount", lambda: csd.retention(dask_rows(ledger_rows(mrr=[1, -1, 1])), horizon=1), "mrr[1] = -1: amounts must be finite and >= 0"),
    bad("dask.retention", "horizon not whole", lambda: csd.retention(dask_rows(), horizon=1.5), "horizon: expected an integer, got float 1.5"),
    bad("dask.retention", "account without a segment", lambda: csd.retention(dask_rows(), horizon=1, by=pd.Series({1: "a"})), "by: account 2 has revenue in period 1 but no segment"),
    bad("dask.assign", "a pandas frame", lambda: csd.assign(TOUCH, HEALTH), "ddf: expected a dask.dataframe.DataFrame, got DataFrame"),
    bad("dask.assign", "unknown previous column", lambda: csd.assign(TOUCH, dd.from_pandas(HEALTH, npartitions=2), previous="prior"), "previous: no column 'prior' (columns: 'nps', 'logins', 'segment', 'churned')"),
    bad("dask.assign", "the model's column absent", lambda: csd.assign(TOUCH, dd.from_pandas(HEALTH, npartitions=2)), "data: no column 'arr' (columns: 'nps', 'logins', 'segment', 'churned')"),
    bad("dask.score", "unknown previous column", lambda: csd.score(CARD, dd.from_pandas(HEALTH, npartitions=2), previous="old"), "previous: no column 'old' (columns: 'nps', 'logins', 'segment', 'churned')"),
    bad("dask.score", "a percentile measure not fitted", lambda: csd.score(cs.Scorecard([cs.Measure("nps", cs.Percentile())]), dd.from_pandas(HEALTH, npartitions=2)), "measure 'nps': its percentile normaliser learns from data; call fit(data) first", NotFittedError),
    bad("dask.fit", "a pandas frame", lambda: csd.fit(CARD, HEALTH), "ddf: expected a dask.dataframe.DataFrame, got DataFrame"),
    bad("dask.fit", "a measure's column absent", lambda: csd.fit(cs.Scorecard([cs.Measure("arr", cs.Percentile())]), dd.from_pandas(HEALTH, npartitions=2)), "ddf: no column 'arr' (columns: 'nps', 'logins', 'segment', 'churned')"),
    # dask.fit from per-partition partials
    bad("dask.fit", "an infinite value in a later partition", lambda: csd.fit(cs.Scorecard([cs.Measure("nps", cs.ZScore())]), dd.from_pandas(HEALTH.assign(nps=[1.0, 2.0, np.inf]), npartitions=2)), "ddf['nps']: partition 1, row 0 (index 2): inf; values must be finite or missing"),
    bad("dask.fit", "no observed value in any partition", lambda: csd.fit(cs.Scorecard([cs.Measure("nps", cs.Percentile(by="segment"))]), dd.from_pandas(HEALTH.assign(nps=np.nan), npartitions=2)), "ddf['nps']: has no observed (non-missing) values to fit percentile on"),
    bad("dask.fit", "a measure of labels", lambda: csd.fit(cs.Scorecard([cs.Measure("segment", cs.ZScore())]), dd.from_pandas(HEALTH, npartitions=2)), "ddf['segment']: numbers are required, got dtype"),
    # dask.fit of a ScorecardSet from per-partition partials
    bad("dask.fit", "a set's segment without a scorecard and no default", lambda: csd.fit(cs.ScorecardSet({"a": CARD}), dd.from_pandas(HEALTH, npartitions=2)), "ddf partition 0: data['segment'][1] = 'b': no scorecard for this segment and no default (scorecards: 'a')"),
    bad("dask.fit", "a set's segment column of numbers", lambda: csd.fit(cs.ScorecardSet({"a": CARD}), dd.from_pandas(HEALTH.assign(segment=1), npartitions=2)), "ddf['segment']: has dtype int64; a column of labels (strings) is required"),
    bad("dask.fit", "a set's scorecard whose rows have no observed value", lambda: csd.fit(cs.ScorecardSet({"b": cs.Scorecard([cs.Measure("nps", cs.Percentile())])}, default=CARD), dd.from_pandas(HEALTH.assign(nps=[1.0, np.nan, 3.0]), npartitions=2)), "ddf['nps']: has no observed (non-missing) values to fit percentile on, in the rows of scorecard 'b'"),
    bad("dask.backtest", "unknown outcome column", lambda: csd.backtest(CARD, dd.from_pandas(HEALTH, npartitions=2), outcome="churn"), "outcome: no column 'churn' (columns: 'nps', 'logins', 'segment', 'churned')"),
    bad("dask.backtest", "an outcome of 2", lambda: csd.backtest(CARD, dd.from_pandas(HEALTH.assign(churned=[0, 2, 0]), npartitions=2)), "churned: partition 0, row 1 (index 1): 2; outcomes must be 0 or 1"),
    bad("dask.backtest", "every account retained (over all partitions)", lambda: csd.backtest(CARD, dd.from_pandas(HEALTH.assign(churned=[0, 0, 0]), npartitions=2)), "outcome: the scored accounts are all retained; a backtest needs both outcomes"),
    bad("dask.calibrate", "unknown outcome column", lambda: csd.calibrate(CARD, dd.from_pandas(HEALTH, npartitions=2), outcome="churn"), "outcome: no column 'churn' (columns: 'nps', 'logins', 'segment', 'churned')"),
    bad("dask.calibrate", "a missing outcome", lambda: csd.calibrate(CARD, dd.from_pandas(HEALTH.assign(churned=[0, 1, np.nan]), npartitions=2)), "churned: partition 1, row 0 (index 2): nan; outcomes must be 0 or 1"),
    bad("dask.calibrate", "a constant measure with l2=0", lambda: csd.calibrate(cs.Scorecard([cs.Measure("nps", cs.Linear(0, 10)), cs.Measure("logins", cs.Linear(5, 5.5))]), dd.from_pandas(HEALTH.assign(logins=9.0), npartitions=2), l2=0), "data['logins']: normalises to 100 in every row: a constant measure has no weight to learn with l2 = 0"),
    bad("dask.calibrate", "a negative penalty", lambda: csd.calibrate(CARD, dd.from_pandas(HEALTH, npartitions=2), l2=-1), "l2: -1 must be finite and >= 0"),
    # CSM books (issue 19): cs.book_metrics
    bad("book_metrics", "an owner missing", lambda: cs.book_metrics(LEDGER, pd.Series({1: "ann"}), horizon=1), "owners: no owner for the accounts with revenue 2 (1 in all)"),
    bad("book_metrics", "a long owner frame with a gap", lambda: cs.book_metrics(LEDGER, REVENUE.iloc[:2].assign(owner="ann")[["account_id", "month", "owner"]], horizon=1), "owners: account 2 has revenue in period 1 but no owner"),
    bad("book_metrics", "numbers as owners", lambda: cs.book_metrics(LEDGER, pd.Series({1: 7, 2: 8}), horizon=1), "owners: has dtype int64; a column of labels (strings) is required"),
    bad("book_metrics", "horizon as long as the ledger", lambda: cs.book_metrics(LEDGER, OWNERS, horizon=2), "horizon: 2 must be shorter than the ledger's 2 periods"),
    bad("book_metrics", "horizon 0", lambda: cs.book_metrics(LEDGER, OWNERS, horizon=0), "horizon: 0 must be"),
    bad("book_metrics", "level 1", lambda: cs.book_metrics(LEDGER, OWNERS, horizon=1, level=1), "level: 1.0 must be in (0, 1)"),
    bad("book_metrics", "unknown start period", lambda: cs.book_metrics(LEDGER, OWNERS, horizon=1, start=7), "start: 7 is not a period of the ledger (1 to 2)"),
    bad("book_metrics", "start too late for the horizon", lambda: cs.book_metrics(LEDGER, OWNERS, horizon=1, start=2), "start: 1 must be in [0, 0]"),
    bad("book_metrics", "a mix segment missing", lambda: cs.book_metrics(LEDGER, OWNERS, horizon=1, by=pd.Series({1: "a"})), "by: account 2 has revenue in period 1 but no segment"),
    bad("book_metrics", "owners None", lambda: cs.book_metrics(LEDGER, None, horizon=1), "owners: expected a Series indexed by account id or a long DataFrame, got NoneType"),
    bad("book_metrics", "not a ledger", lambda: cs.book_metrics(REVENUE, OWNERS), "ledger: expected a RevenueLedger, got DataFrame"),
    # -- end of CSM books (issue 19)
    # Trend measures (issue 19)
    bad("Trend", "periods 0", lambda: cs.Scorecard([cs.Measure("logins", cs.Trend(0, bad=-0.5, good=0.1))]), "periods: 0 must be >= 1"),
    bad("Trend", "bad equals good", lambda: cs.Scorecard([cs.Measure("logins", cs.Trend(3, bad=0.1, good=0.1))]), "good: 0.1 equals bad; Linear needs two different anchors"),
    bad("Trend", "periods a float", lambda: cs.Scorecard([cs.Measure("logins", cs.Trend(1.5, bad=-0.5, good=0.1))]), "periods: expected an integer, got float 1.5"),
    bad("Trend", "no earlier column", lambda: cs.Scorecard([cs.Measure("logins", cs.Trend(3, bad=-0.5, good=0.1))]).score({"logins": [1.0]}), "data: no column 'logins 3 periods earlier'"),
    bad("Trend", "+inf earlier value", lambda: cs.Scorecard([cs.Measure("logins", cs.Trend(3, bad=-0.5, good=0.1, earlier="e"))]).score({"logins": [1.0], "e": [np.inf]}), "data['e'][0] = inf"),
    bad("Trend", "history holds the earlier column", lambda: cs.Scorecard([cs.Measure("logins", cs.Trend(1, bad=-0.5, good=0.1))]).score_history(pd.DataFrame({"account_id": ["a"], "month": [1], "logins": [1.0], "logins 1 periods earlier": [1.0]})), "data['logins 1 periods earlier']: score_history computes a Trend's earlier values"),
    # -- end of Trend measures
    # Text in scorecards and frames other than pandas (issue 15)
    bad("Category", "unknown label", lambda: cs.Scorecard([cs.Measure("segment", cs.Category({"a": 100}))]).score(HEALTH), "data['segment'][1] = 'b': label has no points"),
    bad("Category", "points above 100", lambda: cs.Scorecard([cs.Measure("segment", cs.Category({"a": 120}))]), "points['a']: 120 must be in [0, 100]"),
    bad("Category", "points not a mapping", lambda: cs.Scorecard([cs.Measure("segment", cs.Category(["a"]))]), "points: expected a mapping of label to points, got list"),
    bad("Category", "unknown policy", lambda: cs.Scorecard([cs.Measure("segment", cs.Category({"a": 1}, unknown="skip"))]), "unknown: 'skip' must be 'error' or 'missing'"),
    bad("Category", "numbers, not labels", lambda: cs.Scorecard([cs.Measure("nps", cs.Category({"a": 1}))]).score(HEALTH), "data['nps']: has dtype float64; a column of labels (strings) is required"),
    bad("Boolean", "true labels not strings", lambda: cs.Scorecard([cs.Measure("segment", cs.Boolean(true=[1]))]), "true[0]: expected a str, got int 1"),
    bad("Scorecard.score", "numbers as text with blanks", lambda: CARD.score(HEALTH.assign(nps=["1.5", " ", "2"])), "data['nps'][1] = ' ': expected a number, got str (numbers stored as text with blanks: pd.to_numeric(data['nps'], errors='coerce') makes them missing)"),
    bad("Scorecard.calibrate", "outcome labels without positive", lambda: CARD.calibrate(HEALTH.assign(churned=["No", "Yes", "No"])), "churned: holds labels ('No', 'Yes'); name the label of the outcome (churned), e.g. positive='No'"),
    bad("Scorecard.calibrate", "positive not a label", lambda: CARD.calibrate(HEALTH.assign(churned=["No", "Yes", "No"]), positive="yes"), "positive: 'yes' is not a label of churned ('No', 'Yes')"),
    bad("set_output", "an unknown kind", lambda: cs.set_output("excel"), "output: 'excel' must be 'pandas' or 'polars'"),
    bad("TierModel.assign", "an unknown output", lambda: TOUCH.assign([1.0], output="arrow"), "output: 'arrow' must be 'pandas' or 'polars'"),
    bad("ScorecardClassifier.fit", "not a Scorecard", lambda: cs.ScorecardClassifier("card").fit(HEALTH, HEALTH["churned"]), "scorecard: expected a cssegment.Scorecard, got str"),
    bad("ScorecardClassifier.fit", "outcome 2", lambda: cs.ScorecardClassifier(CARD).fit(HEALTH, [0, 2, 1]), "outcome[1] = 2: outcomes must be 0 or 1"),
    bad("ScorecardClassifier.predict_proba", "before fit", lambda: cs.ScorecardClassifier(CARD).predict_proba(HEALTH), "ScorecardClassifier: call fit() before using the model", NotFittedError),
    bad("ScorecardClassifier.predict", "before fit", lambda: cs.ScorecardClassifier(CARD).predict(HEALTH), "ScorecardClassifier: call fit() before using the model", NotFittedError),
    bad("ScorecardClassifier.score", "outcome of another length", lambda: cs.ScorecardClassifier(CARD).fit(HEALTH, HEALTH["churned"]).score(HEALTH, [0, 1]), "outcome: has length 2 but data has length 3"),
    bad("ScorecardClassifier", "unknown parameter", lambda: cs.ScorecardClassifier(CARD).set_params(C=1.0), "params: unknown parameter(s) ['C']"),
    bad("Scorecard.backtest", "positive not a str", lambda: CARD.backtest(HEALTH.assign(churned=["No", "Yes", "No"]), positive=1), "positive: expected a str, got int 1"),
    # -- coverage planner (issue 17)
    bad("plan_coverage", "NaN churn", lambda: plan(churn=[0.1, np.nan, 0.2]), "churn[1] = nan: probabilities must be in [0, 1]"),
    bad("plan_coverage", "churn above 1", lambda: plan(churn=[1.5, 0.1, 0.2]), "churn[0] = 1.5: probabilities must be in [0, 1]"),
    bad("plan_coverage", "negative factor", lambda: plan(effect=PLAN_EFFECT | {"Low touch": -0.1}), "effect: 'Low touch' = -0.1: factors must be finite and >= 0"),
    bad("plan_coverage", "a tier without a factor", lambda: plan(effect={"Tech touch": 1.0, "Low touch": 0.9}), "effect: no factor for tier(s) ['High touch']"),
    bad("plan_coverage", "effect of the wrong kind", lambda: plan(effect=0.9), "effect: expected a mapping tier -> factor or an RD result, got float"),
    bad("plan_coverage", "fuzzy RD", lambda: plan(effect=FakeRD(0.2, fuzzy=True)), "effect: a fuzzy RD result estimates the effect on the accounts the threshold moves"),
    bad("plan_coverage", "RD without churn below the cutoff", lambda: plan(effect=FakeRD(0.0)), "effect: the RD's churn just below the cutoff (intercept[0]) is 0.0; a factor needs it > 0"),
    bad("plan_coverage", "thresholds that cannot ascend", lambda: plan(thresholds={"Low touch": [60e3], "High touch": [10e3]}), "thresholds: no combination of the candidates keeps the thresholds ascending from tier 'Low touch' up"),
    bad("plan_coverage", "threshold 0", lambda: plan(thresholds={"High touch": [0.0]}), "thresholds['High touch'][0] = 0: thresholds must be finite and > 0"),
    bad("plan_coverage", "a tier without a lower edge", lambda: plan(thresholds={"Tech touch": [1.0]}), "thresholds: 'Tech touch' is not a tier with a lower edge"),
    bad("plan_coverage", "grid too large", lambda: plan(thresholds={"Low touch": list(range(1, 1002)), "High touch": list(range(1, 1002))}), "thresholds: the grid has 1002001 combinations; at most 1000000 are evaluated"),
    bad("plan_coverage", "negative CSM cost", lambda: plan(csm_cost=-1.0), "csm_cost: -1 must be finite and >= 0"),
    bad("CoveragePlan.marginal", "a tier without a lower edge", lambda: plan().marginal("Tech touch"), "boundary: 'Tech touch' is not a tier with a lower edge"),
    bad("CoveragePlan.targeted", "capacity below the cheapest plan", lambda: plan(csm_cost=1.0).targeted(capacity=-1.0), "capacity: -1 CSMs; the cheapest plan needs"),
    # -- end of coverage planner
    # Coverage effects at tier thresholds (issue 16: density test, synthetic book's coverage)
    bad("density_test", "NaN", lambda: cs.density_test(np.r_[RUNNING[:3], np.nan, RUNNING[3:]]), "x[3] = nan: values must be finite"),
    bad("density_test", "+inf", lambda: cs.density_test(np.r_[RUNNING, np.inf]), "x[200] = inf: values must be finite"),
    bad("density_test", "one side empty", lambda: cs.density_test(RUNNING, cutoff=-2.0), "x: needs at least 5 distinct values on each side of the cutoff -2, got 0 below and 200 at or above"),
    bad("density_test", "p out of range", lambda: cs.density_test(RUNNING, p=8), "p: must be an integer from 1 to 7, got 8"),
    bad("density_test", "p not whole", lambda: cs.density_test(RUNNING, p=2.5), "p: expected an integer, got float 2.5"),
    bad("density_test", "unknown bwselect", lambda: cs.density_test(RUNNING, bwselect="mserd"), "bwselect: 'mserd' is not a density bandwidth rule; use 'each', 'diff', 'sum' or 'comb'"),
    bad("density_test", "negative bandwidth", lambda: cs.density_test(RUNNING, h=-1), "h: bandwidths must be finite and > 0, got -1"),
    bad("density_test", "three bandwidths", lambda: cs.density_test(RUNNING, h=(1, 2, 3)), "h: give one bandwidth or two (left, right), got 3"),
    bad("density_test", "bandwidth too narrow", lambda: cs.density_test(RUNNING, h=0.01), "h: the bandwidths hold 1 distinct values below and 1 at or above the cutoff; the order-3 fit needs at least 4 on each side"),
    bad("density_test", "cutoff a str", lambda: cs.density_test(RUNNING, cutoff="0"), "cutoff: expected a number, got str '0'"),
    bad("datasets.synthetic_book", "churn factor above 1", lambda: cs.datasets.synthetic_book(10, high_touch_churn_factor=1.5), "high_touch_churn_factor: 1.5 must be in [0, 1] (1: coverage does not change churn)"),
    bad("datasets.synthetic_book", "churn factor NaN", lambda: cs.datasets.synthetic_book(10, high_touch_churn_factor=np.nan), "high_touch_churn_factor: nan must be in [0, 1]"),
    # Regression discontinuity (issue 16)
    bad("rd_estimate", "NaN x", lambda: cs.rd_estimate(RD_Y, np.where(np.arange(40) == 3, np.nan, RD_X)), "x[3] = nan: values must be finite"),
    bad("rd_estimate", "infinite y", lambda: cs.rd_estimate(np.where(np.arange(40) == 5, np.inf, RD_Y), RD_X), "y[5] = inf: values must be finite"),
    bad("rd_estimate", "lengths differ", lambda: cs.rd_estimate(RD_Y[:39], RD_X), "y: has length 39 but x has length 40"),
    bad("rd_estimate", "nothing above the cutoff", lambda: cs.rd_estimate(RD_Y, RD_X, cutoff=5), "cutoff: no observations on one side of the cutoff 5"),
    bad("rd_estimate", "too few distinct x on a side", lambda: cs.rd_estimate(RD_Y, np.where(RD_X >= 0, np.round(RD_X), RD_X)), "x: fewer distinct values on the right of the cutoff than a polynomial of order q = 2 needs"),
    bad("rd_estimate", "bandwidth too narrow", lambda: cs.rd_estimate(RD_Y, RD_X, h=0.01), "h: fewer distinct x within the bandwidth on the left than the polynomials of order p = 1 and q = 2 need"),
    bad("rd_estimate", "constant y", lambda: cs.rd_estimate(np.ones(40), RD_X), "y: is constant: there is no discontinuity to estimate"),
    bad("rd_estimate", "unknown kernel", lambda: cs.rd_estimate(RD_Y, RD_X, kernel="gaussian"), "kernel: 'gaussian' is not a kernel; use 'triangular', 'epanechnikov' or 'uniform'"),
    bad("rd_estimate", "unknown bwselect", lambda: cs.rd_estimate(RD_Y, RD_X, bwselect="ik"), "bwselect: 'ik' is not a bandwidth selector; use 'mserd', 'msetwo'"),
    bad("rd_estimate", "unknown vce", lambda: cs.rd_estimate(RD_Y, RD_X, vce="cr2"), "vce: 'cr2' is not a variance estimator; use 'nn', 'hc0', 'hc1', 'hc2' or 'hc3'"),
    bad("rd_estimate", "hc3 with clusters", lambda: cs.rd_estimate(RD_Y, RD_X, cluster=np.arange(40) % 5, vce="hc3"), "vce: hc2 and hc3 are not available with clusters (rdrobust switches them to CR2/CR3)"),
    bad("rd_estimate", "treatment 2", lambda: cs.rd_estimate(RD_Y, RD_X, fuzzy=np.full(40, 2.0)), "fuzzy[0] = 2: treatment must be 0/1 or a probability in [0, 1]"),
    bad("rd_estimate", "treatment without a jump", lambda: cs.rd_estimate(RD_Y, RD_X, fuzzy=np.ones(40)), "fuzzy: the treatment does not vary and does not jump at the cutoff"),
    bad("rd_estimate", "missing cluster label", lambda: cs.rd_estimate(RD_Y, RD_X, cluster=["a", None] * 20), "cluster[1] = None: cluster labels must not be missing"),
    bad("rd_estimate", "NaN cluster label", lambda: cs.rd_estimate(RD_Y, RD_X, cluster=np.where(np.arange(40) == 2, np.nan, 1.0)), "cluster[2] = nan: cluster labels must not be missing"),
    bad("rd_estimate", "p above 4", lambda: cs.rd_estimate(RD_Y, RD_X, p=5), "p: must be 0 to 4, got 5"),
    bad("rd_estimate", "q not above p", lambda: cs.rd_estimate(RD_Y, RD_X, p=2, q=2), "q: must be greater than p and at most 8, got 2"),
    bad("rd_estimate", "three bandwidths", lambda: cs.rd_estimate(RD_Y, RD_X, h=[0.5, 0.5, 0.5]), "h: expected one bandwidth or a (left, right) pair, got 3 values"),
    bad("rd_estimate", "negative bandwidth", lambda: cs.rd_estimate(RD_Y, RD_X, h=-1.0), "h: bandwidths must be finite and > 0, got -1"),
    bad("rd_estimate", "level 100", lambda: cs.rd_estimate(RD_Y, RD_X, level=100), "level: must be in (0, 100), got 100"),
    bad("rd_estimate", "nnmatch 0", lambda: cs.rd_estimate(RD_Y, RD_X, nnmatch=0), "nnmatch: must be >= 1, got 0"),
    bad("rd_estimate", "NaN covariate", lambda: cs.rd_estimate(RD_Y, RD_X, covariates=pd.DataFrame({"a": RD_X**2, "b": np.where(np.arange(40) == 6, np.nan, 1.0)})), "covariates[6] = nan: values must be finite (column 1)"),
    bad("rd_estimate", "collinear covariates", lambda: cs.rd_estimate(RD_Y, RD_X, covariates=np.column_stack([RD_X**2, 2 * RD_X**2])), "covariates: column 1 is collinear with the columns before it; drop it"),
    bad("rd_estimate", "covariates of another length", lambda: cs.rd_estimate(RD_Y, RD_X, covariates=RD_X[:30]), "covariates: has 30 values, not 1 columns of 40 rows"),
    bad("rd_estimate", "text covariates", lambda: cs.rd_estimate(RD_Y, RD_X, covariates=pd.DataFrame({"region": ["a"] * 40})), "covariates['region']"),
    # -- end of regression discontinuity
    # Coverage at a tier threshold (issue 16)
    bad("coverage_effect", "not a threshold model", lambda: cs.coverage_effect(TIERED, cs.QuadrantModel()), "model: expected a threshold model such as cssegment.TierModel, got QuadrantModel"),
    bad("coverage_effect", "unknown boundary", lambda: cs.coverage_effect(TIERED, TOUCH, boundary="Enterprise"), "boundary: 'Enterprise' is not a tier of the model (['Tech touch', 'Low touch', 'High touch'])"),
    bad("coverage_effect", "lowest tier", lambda: cs.coverage_effect(TIERED, TOUCH, boundary="Tech touch"), "boundary: 'Tech touch' is the lowest tier; it has no threshold below it"),
    bad("coverage_effect", "horizon without a book", lambda: cs.coverage_effect(TIERED, TOUCH, horizon=12), "horizon: needs a Book (its revenue history); with a DataFrame give the outcome column"),
    bad("coverage_effect", "unknown outcome column", lambda: cs.coverage_effect(TIERED, TOUCH, outcome="nrr"), "outcome: no column 'nrr' (columns: 'arr', 'churned')"),
    bad("coverage_effect", "unknown running column", lambda: cs.coverage_effect(TIERED, TOUCH, running="acv"), "running: no column 'acv' (columns: 'arr', 'churned')"),
    bad("coverage_effect", "tiers not of the model", lambda: cs.coverage_effect(TIERED, TOUCH, tiers=["Gold"] * 300), "tiers[0] = 'Gold': not one of the segments ('Tech touch', 'Low touch', 'High touch')"),
    bad("coverage_effect", "an array, not accounts", lambda: cs.coverage_effect(TIERED.to_numpy(), TOUCH), "book_or_accounts: expected a DataFrame, one row per account; got ndarray"),
    bad("coverage_effect", "horizon outcome", lambda: cs.coverage_effect(cs.datasets.synthetic_book(300), TOUCH, outcome="nps", horizon=3), "outcome: 'nps' over a horizon must be 'churned' or 'nrr'"),
    bad("coverage_effect", "unknown kernel", lambda: cs.coverage_effect(TIERED, TOUCH, kernel="gauss"), "kernel: 'gauss' is not a kernel; use 'triangular', 'epanechnikov' or 'uniform'"),
    bad("coverage_effect", "horizon 0", lambda: cs.coverage_effect(TIERED, TOUCH, horizon=0), "horizon: 0 must be >= 1"),
    # Resource bounds and overflow (issue 21): refused before allocating, or instead of inf/NaN
    bad("RevenueLedger", "a typo period: 10^9 periods from 2 rows", lambda: cs.RevenueLedger(ledger_rows(account_id=[1, 1, 1], month=[0, 10**9, 1])), "month: the ledger's accounts x periods matrix would take 7.5 GiB (1,000,000,001 cells)"),
    bad("transitions", "20,000 distinct labels", lambda: cs.transitions([str(i) for i in range(20_000)], ["0"] * 20_000), "categories: the transition table would take 6 GiB"),
    bad("transitions", "weights summing past 1.8e308", lambda: cs.transitions(["a", "a"], ["a", "a"], weights=[1e308, 1e308]), "weights: their sum overflows the largest double"),
    bad("datasets.synthetic_book", "10^8 accounts x 1200 months", lambda: cs.datasets.synthetic_book(10**8, n_months=1200), "n_accounts: the book's revenue rows would take 2.2 TiB"),
    bad("cltv", "a margin over a churn rate past 1.8e308", lambda: cs.cltv(1e308, 1e-300), "arpa: cltv[0] overflows the largest double"),
    bad("cac", "spend over a subnormal count", lambda: cs.cac(1e308, 1e-308), "acquisition_spend: the result[0] overflows the largest double"),
    bad("coverage", "csm_cost past 1.8e308 a segment", lambda: cs.coverage(["a", "a", "a"], {"a": 0.5}, csm_cost=1e308), "csm_cost: cost per account of segment[0] overflows"),
    bad("KMeans.fit", "unscaled squared distances overflow", lambda: cs.KMeans(2, scale=None, seed=0, n_init=1).fit([[1e155], [0.0], [1.0]]), "data[:, 0][0] = 1e+155: lies"),
    bad("KMeans.from_json", "spread 0", lambda: cs.KMeans.from_json(_tampered_kmeans("spread", [0, 0])), "json: fit.spread[0] = 0: must be finite and > 0"),
    bad("KMeans.from_json", "spread -1", lambda: cs.KMeans.from_json(_tampered_kmeans("spread", [-1, 1])), "json: fit.spread[0] = -1: must be finite and > 0"),
    bad("RevenueLedger.retention", "a horizon beyond the history", lambda: LEDGER.retention(horizon=12), "horizon: 12 periods reach beyond the ledger's 2 periods"),
    bad("RevenueLedger.movements", "by keyed by strings, integer ids", lambda: LEDGER.movements(by=pd.Series(["x"], index=["a"])), "by: account id 'a' (str, row 0) is not an integer"),
    bad("CadencePolicy.workload", "a CSM named like a sentinel row", lambda: POLICY.workload(POLICY.schedule(ACCOUNT, ["High touch"]), ["(digital)"]), "owners[0] = '(digital)': the name of the workload's own row"),
    bad("ShiftedBetaGeometric", "beta beyond 1e300", lambda: cs.ShiftedBetaGeometric(alpha=1.0, beta=1e301), "beta: 1e+301 must be at most 1e300"),
    bad("ShiftedBetaGeometric.fit_many", "min_accounts negative", lambda: cs.ShiftedBetaGeometric.fit_many([[10, 5]], min_accounts=-1), "min_accounts: -1.0 must be finite and >= 0"),
    # k-means on Dask (issue 20): cssegment.dask.kmeans
    bad("dask.kmeans", "a pandas frame", lambda: csd.kmeans(cs.KMeans(2), HEALTH), "ddf: expected a dask.dataframe.DataFrame, got DataFrame"),
    bad("dask.kmeans", "a tier model", lambda: csd.kmeans(TOUCH, dd.from_pandas(HEALTH, npartitions=2)), "model: expected a cssegment.KMeans, got TierModel"),
    bad("dask.kmeans", "unknown column", lambda: csd.kmeans(cs.KMeans(2), dd.from_pandas(HEALTH, npartitions=2), columns=["nps", "mrr"]), "ddf: no column 'mrr' (columns: 'nps', 'logins', 'segment', 'churned')"),
    bad("dask.kmeans", "a column of labels", lambda: csd.kmeans(cs.KMeans(2), dd.from_pandas(HEALTH, npartitions=2), columns=["nps", "segment"]), "data['segment']: has dtype "),
    bad("dask.kmeans", "a NaN feature", lambda: csd.kmeans(cs.KMeans(2), dd.from_pandas(HEALTH.assign(nps=[1.0, 5.0, np.nan]), npartitions=2), columns=["nps"]), "ddf partition 1: data['nps'][0] = nan: missing value; k-means needs every feature of every row"),
    bad("dask.kmeans", "a negative log feature", lambda: csd.kmeans(cs.KMeans(2, scale="log"), dd.from_pandas(HEALTH.assign(nps=[1.0, -1.0, 2.0]), npartitions=2), columns=["nps"]), "ddf partition 0: data['nps'][1] = -1: scale='log' needs values >= 0"),
    bad("dask.assign", "previous with a KMeans", lambda: csd.assign(cs.KMeans(2).fit(HEALTH[["nps", "logins"]]), dd.from_pandas(HEALTH, npartitions=2), previous="segment"), "previous: KMeans has no hysteresis; leave previous out"),
    bad("dask.kmeans", "fewer rows than clusters", lambda: csd.kmeans(cs.KMeans(5), dd.from_pandas(HEALTH, npartitions=2), columns=["nps"]), "n_clusters: 5 clusters need at least as many rows; data has 3"),
]
# fmt: on


@pytest.mark.parametrize(("api", "call", "error", "message"), MATRIX)
def test_bad_input_raises_the_documented_error(
    api: str, call: Callable[[], object], error: type[BaseException], message: str
) -> None:
    with pytest.raises(BaseException) as caught:  # noqa: PT011 - the type is asserted exactly below
        call()
    assert type(caught.value) is error, f"{api}: raised {type(caught.value).__name__}: {caught.value}"
    assert str(caught.value).startswith(message), f"{api}: message {str(caught.value)!r}"


# --- junk in any argument: a cssegment error, never an AttributeError, KeyError or numpy's own --


JUNK = {
    "None": None, "a number": -1, "NaN": np.nan, "True": True, "a str": "x", "bytes": b"x", "an empty list": [],
    "[None]": [None], "a dict": {"a": 1}, "nested ragged lists": [[1, 2], [3]], "a 2-D array": np.array([[1.0]]),
    "an empty frame": pd.DataFrame(), "a frame": pd.DataFrame({"a": [1.0]}), "a str Series": pd.Series(["a"]),
    "an object": object(),
}  # fmt: skip


def _entry_points() -> dict[str, tuple[Callable[..., object], tuple[Any, ...]]]:
    """Each public entry point with arguments it accepts; every argument in turn is replaced by junk."""
    accounts = pd.DataFrame({"arr": [1.0], "employees": [1.0], "potential": [1.0], "s": ["High touch"]})
    days = pd.DataFrame({"tenure_days": [1.0], "renewal_days": [1.0]})
    calibrated = CARD.calibrate(HEALTH)
    fitted = cs.KMeans(1).fit(X[["a"]])
    columns = ("account_id", "start", "end", "amount", "interval")
    billing = (subscriptions(currency="USD"), *columns, "2024-06", "currency", {"USD": 1.0}, pd.Series({1: 2}))
    return {
        "TierModel": (cs.TierModel, ([10.0], ["a", "b"], "arr", None, 0.0, "raise")),
        "TierModel.assign": (TOUCH.assign, ([1.0], None)),
        "QuadrantModel": (cs.QuadrantModel, ("employees", 1000, "arr", 50_000)),
        "QuadrantModel.assign": (cs.QuadrantModel().assign, (accounts, None)),
        "RuleModel": (cs.RuleModel, ([cs.Segment("a", "true")], "d", 0.0)),
        "Segment": (lambda name, when, ratio: cs.RuleModel([cs.Segment(name, when, ratio)]), ("a", "true", 10.0)),
        "RuleModel.assign": (cs.RuleModel.four_tier().assign, (accounts, None)),
        "transitions": (cs.transitions, (["a"], ["a"], None)),
        "coverage": (cs.coverage, (["a"], {"a": 1}, None, None)),
        "KMeans": (cs.KMeans, (1, 1, 10, 1e-4, "standard", 0)),
        "KMeans.fit": (cs.KMeans(1).fit, (X,)),
        "KMeans.predict": (fitted.predict, (X,)),
        "KMeans.profile": (fitted.profile, (X.assign(arr=1.0), "arr")),
        "assign_owners": (cs.assign_owners, (accounts, "s", roster(capacity=[10]), "balance_arr", None)),
        "CadencePolicy": (cs.CadencePolicy, ({"a": 10}, 90, 0.5, 120, 0.5, None, 7, 180)),
        "CadencePolicy.schedule": (POLICY.schedule, (days, ["High touch"], None)),
        "CadencePolicy.workload": (POLICY.workload, (POLICY.schedule(days, ["High touch"]), ["Ana"], 45.0)),
        "RevenueLedger": (cs.RevenueLedger, (REVENUE, "account_id", "month", "mrr")),
        "RevenueLedger.from_subscriptions": (cs.RevenueLedger.from_subscriptions, billing),
        "RevenueLedger.movements": (LEDGER.movements, (None, None)),
        "RevenueLedger.retention": (LEDGER.retention, (1, None, 0.9)),
        "RevenueLedger.cohorts": (LEDGER.cohorts, ("revenue", None, 1, False, True)),
        "RevenueLedger.survivors": (LEDGER.survivors, (None, 1, False)),
        "RevenueLedger.cltv": (LEDGER.cltv, (1, None, 0.0, 1.0, 0.0)),
        "cltv": (cs.cltv, (1.0, 0.1, 0.0, 1.0, 0.0)),
        "crc": (cs.crc, (1.0, 1.0, "retained")),
        "cac": (cs.cac, (1.0, 1.0)),
        "cltv_cac_ratio": (cs.cltv_cac_ratio, (1.0, 1.0)),
        "cac_payback": (cs.cac_payback, (1.0, 1.0, 1.0)),
        "nps": (cs.nps, ([10.0], None)),
        "nps_difference": (cs.nps_difference, ([10.0], [1.0])),
        "Linear": (lambda bad, good: cs.Scorecard([cs.Measure("nps", cs.Linear(bad, good))]), (0, 1)),
        "Bands": (lambda edges, scores: cs.Scorecard([cs.Measure("nps", cs.Bands(edges, scores))]), ([1], [0, 1])),
        "Percentile": (
            lambda by, unseen: cs.Scorecard([cs.Measure("nps", cs.Percentile(by, unseen=unseen))]),
            (None, "raise"),
        ),
        "Measure": (lambda column, weight: cs.Scorecard([cs.Measure(column, cs.Linear(0, 1), weight)]), ("nps", 1.0)),
        "Scorecard": (cs.Scorecard, ([cs.Measure("nps", cs.Linear(0, 1))], "weighted", {"r": 0}, "renormalize", 1)),
        "Scorecard.score": (CARD.score, (HEALTH, None)),
        "Scorecard.fit": (percentile_card().fit, (HEALTH,)),
        "Scorecard.transform": (CARD.transform, (HEALTH,)),
        "Scorecard.calibrate": (CARD.calibrate, (HEALTH, "churned", 1.0)),
        "Scorecard.backtest": (CARD.backtest, (HEALTH, "churned")),
        "CalibratedScorecard.predict_proba": (calibrated.predict_proba, (HEALTH,)),
        "CalibratedScorecard.backtest": (calibrated.backtest, (HEALTH, "churned")),
        "ScorecardSet": (cs.ScorecardSet, ({"a": CARD}, None, "segment")),
        "ScorecardSet.score": (cs.ScorecardSet({"a": CARD}, default=CARD).score, (HEALTH, None)),
        "health.auc": (cs.health.auc, ([0, 1], [1.0, 2.0])),
        "health.health_auc": (cs.health.health_auc, ([1.0, 2.0], [0, 1])),
        "health.brier": (cs.health.brier, ([0.5], [1])),
        "Scorecard.score_history": (USAGE_CARD.score_history, (usage_history(), "account_id", "month")),
        "changes": (cs.changes, (USAGE_CARD.score_history(usage_history()),)),
        "backtest_lead": (
            cs.backtest_lead,
            (USAGE_CARD.score_history(usage_history()), pd.DataFrame({"account_id": ["a"], "month": [3]}), [1]),
        ),
        "ShiftedBetaGeometric": (cs.ShiftedBetaGeometric, (1.0, 2.0)),
        "ShiftedBetaGeometric.fit": (cs.ShiftedBetaGeometric().fit, ([10, 5],)),
        "ShiftedBetaGeometric.fit_many": (cs.ShiftedBetaGeometric.fit_many, ([[10, 5]], 1)),
        "ShiftedBetaGeometric.survival": (SBG.survival, (1,)),
        "ShiftedBetaGeometric.project": (SBG.project, (2, 1.0)),
        "ShiftedBetaGeometric.discounted_expected_residual_lifetime": (
            SBG.discounted_expected_residual_lifetime,
            (0.1, 0),
        ),
        "ShiftedBetaGeometric.clv": (SBG.clv, (1.0, 0.1)),
        "datasets.synthetic_book": (cs.datasets.synthetic_book, (10, 2, 0)),
        "density_test": (cs.density_test, (RUNNING, 0.0)),
        "coverage_effect": (cs.coverage_effect, (TIERED, TOUCH, "churned", "High touch", "arr")),
        "book_metrics": (cs.book_metrics, (LEDGER, OWNERS, 1)),  # CSM books (issue 19)
        "TierModel.from_json": (cs.TierModel.from_json, (TOUCH.to_json(),)),
        "Scorecard.from_json": (cs.Scorecard.from_json, (CARD.to_json(),)),
        # coverage planner (issue 17)
        "plan_coverage": (
            lambda accounts, model, churn, effect, thresholds, csm_cost, budget, margin, previous: cs.plan_coverage(
                accounts,
                model,
                churn,
                effect=effect,
                thresholds=thresholds,
                csm_cost=csm_cost,
                budget=budget,
                margin=margin,
                previous=previous,
            ),
            (PLAN_BOOK, TOUCH, "churn", PLAN_EFFECT, {"High touch": [50e3]}, 1.0, None, 1.0, None),
        ),
        "CoveragePlan.marginal": (plan().marginal, ("High touch", None)),
        "CoveragePlan.targeted": (plan().targeted, (None, None)),
        "rd_estimate": (
            lambda y, x, cutoff, fuzzy, cluster, p, kernel, h, level: cs.rd_estimate(
                y, x, cutoff, fuzzy=fuzzy, cluster=cluster, p=p, kernel=kernel, h=h, level=level
            ),
            (RD_Y, RD_X, 0.0, None, None, 1, "triangular", None, 95),
        ),
    }


@pytest.mark.parametrize("name", list(_entry_points()))
def test_junk_in_any_argument_raises_a_cssegment_error(name: str) -> None:
    function, arguments = _entry_points()[name]
    function(*arguments)  # the arguments as given are fine
    for position in range(len(arguments)):
        for junk_name, junk in JUNK.items():
            call = [*arguments[:position], junk, *arguments[position + 1 :]]
            try:
                function(*call)
            except (InvalidInputError, NotFittedError):
                pass
            except Exception as error:  # the point: no other exception escapes
                pytest.fail(f"{name}: argument {position} = {junk_name}: {type(error).__name__}: {error}")


# --- missing values with a documented meaning: nothing is dropped without a count ------------


def counted(api: str, what: str, check: Callable[[], bool]):
    return pytest.param(api, check, id=f"{api} | {what}")


def _unassigned_tier_is_a_category() -> bool:
    labels = cs.TierModel.touch(missing="unassigned").assign([np.nan, 5e3, np.nan])
    return list(labels.categories)[-1] == "Unassigned" and int((labels == "Unassigned").sum()) == 2


def _quadrant_unassigned() -> bool:
    labels = cs.QuadrantModel(missing="unassigned").assign({"employees": [np.nan, 10.0], "arr": [1.0, 1.0]})
    return list(labels) == ["Unassigned", "Small Business"]


def _rules_treat_missing_as_unknown() -> bool:
    labels = cs.RuleModel.four_tier().assign({"arr": [np.nan, 300e3], "potential": [np.nan, 0.0]})
    return list(labels) == ["Self-Service", "Enterprise"]


def _transitions_count_missing_under_none() -> bool:
    table = cs.transitions(["a", None, "b"], ["a", "b", None])
    return table.loc["(none)", "b"] == 1 and table.loc["b", "(none)"] == 1 and table["total"].sum() == 3


def _ledger_counts_summed_rows() -> bool:
    ledger = cs.RevenueLedger({"account_id": [1, 1, 2], "month": [1, 1, 1], "mrr": [1.0, 2.0, 3.0]})
    summary = ledger.summary()
    return bool(summary["rows_read"] == 3 and summary["duplicate_rows"] == 1 and ledger.revenue.loc[1, 1] == 3.0)


def _nps_counts_answers_only() -> bool:
    result = cs.nps([10, np.nan, 6, None])
    return bool(result["n"] == 2 and result["nps"] == 0.0)


def _scorecard_renormalises_and_counts_unscored() -> bool:
    card = cs.Scorecard([cs.Measure("a", cs.Linear(0, 10)), cs.Measure("b", cs.Linear(0, 10))], min_measures=2)
    data = pd.DataFrame({"a": [5.0, np.nan, 10.0, 0.0], "b": [5.0, 5.0, 10.0, 0.0], "churned": [0, 1, 0, 1]})
    scores = card.score(data)
    backtest = card.backtest(data)
    return bool(np.isnan(scores["score"][1]) and scores["band"].isna()[1] and backtest.unscored == 1)


def _percentile_fit_skips_missing() -> bool:
    card = cs.Scorecard([cs.Measure("a", cs.Percentile())]).fit({"a": [1.0, np.nan, 3.0]})
    return card.transform({"a": [np.nan, 3.0]})["a"].isna().tolist() == [True, False]


def _cadence_without_tenure_uses_base() -> bool:
    plan = POLICY.schedule(ACCOUNT.assign(tenure_days=np.nan, renewal_days=np.nan), segments=["High touch"])
    return list(plan["reason"]) == ["base"] and plan["interval_days"][0] == 30.0


def _owners_left_without_owner_are_visible() -> bool:
    result = cs.assign_owners(
        pd.DataFrame({"arr": [9e4, 9e4], "s": ["High touch", None]}), "s", {"High touch": ["Ana"]},
        csm_ratios={"High touch": 10}, previous=["Zed", "Ana"],
    )  # fmt: skip
    # Zed left: no previous owner. The second account lost its segment, so its owner: counted.
    return result.owners.isna().tolist() == [False, True] and (result.kept, result.reassigned) == (0, 1)


def _fit_many_reports_periods_used() -> bool:
    fits = cs.ShiftedBetaGeometric.fit_many([[100, 60, np.nan], [80]])
    return fits["periods"].tolist() == [1, 0] and bool(fits["alpha"].isna()[1])


COUNTED = [
    counted("TierModel.assign", "missing='unassigned'", _unassigned_tier_is_a_category),
    counted("QuadrantModel.assign", "missing='unassigned'", _quadrant_unassigned),
    counted("RuleModel.assign", "NaN compares as unknown", _rules_treat_missing_as_unknown),
    counted("transitions", "no label on a side", _transitions_count_missing_under_none),
    counted("RevenueLedger", "several rows for one account and period", _ledger_counts_summed_rows),
    counted("nps", "NaN is no answer", _nps_counts_answers_only),
    counted("Scorecard.score", "missing measures", _scorecard_renormalises_and_counts_unscored),
    counted("Scorecard.fit", "NaN skipped", _percentile_fit_skips_missing),
    counted("CadencePolicy.schedule", "NaN tenure and renewal", _cadence_without_tenure_uses_base),
    counted("assign_owners", "no segment, previous owner gone", _owners_left_without_owner_are_visible),
    counted("ShiftedBetaGeometric.fit_many", "ragged cohorts", _fit_many_reports_periods_used),
]


@pytest.mark.parametrize(("api", "check"), COUNTED)
def test_missing_values_have_a_documented_countable_meaning(api: str, check: Callable[[], bool]) -> None:
    assert check(), api


def test_empty_inputs_give_empty_results() -> None:
    """No rows is not an error where nothing has to be learned: the result has no rows either."""
    no_accounts = pd.DataFrame({"arr": np.array([], dtype=float), "potential": np.array([], dtype=float)})
    assert len(TOUCH.assign(no_accounts)) == 0
    assert len(cs.RuleModel.four_tier().assign(no_accounts)) == 0
    assert CARD.score(HEALTH.iloc[:0]).shape == (0, 4)
    empty = cs.RevenueLedger(REVENUE.iloc[:0])
    assert empty.summary()["rows_read"] == 0
    assert len(empty.movements()) == 0 and len(empty.retention(horizon=1)) == 0
    assert cs.transitions([], [])["total"].sum() == 0
    assert cs.nps([])["n"] == 0 and np.isnan(cs.nps([])["nps"])


def test_value_functions_keep_their_name_and_index_with_several_series() -> None:
    index = pd.Index(["a", "b"], name="account")
    result = cs.cltv(pd.Series([100.0, 200.0], index=index), pd.Series([0.1, 0.2], index=index))
    assert result.name == "cltv" and result.index.equals(index) and result.tolist() == [1000.0, 1000.0]


def test_object_columns_read_decimals_as_numbers_and_none_or_na_as_missing() -> None:
    from decimal import Decimal

    arr = pd.Series([Decimal("20000.50"), pd.NA, None, np.nan, 3], dtype=object)
    labels = cs.TierModel.touch(missing="unassigned").assign(arr)
    assert list(labels) == ["Low touch", "Unassigned", "Unassigned", "Unassigned", "Tech touch"]


# --- the matrix covers the public API, and the docs table matches the matrix ------------------

MATRIX_APIS = {param.values[0] for param in MATRIX}
RESULT_TYPES = {  # returned or plain records, no checks of their own
    "Backtest",
    "CoverageEffect",
    "DensityTest",
    "LeadTime",
    "OwnerAssignment",
    "RDResult",
    "Segment",
    "TargetedCoverage",
}
NO_ARGUMENTS = {"get_include", "get_cmake_dir"}  # the C++ package's directories: no input to check
METHODS = (
    "assign", "fit", "fit_predict", "predict", "predict_proba", "score", "transform", "calibrate", "backtest",
    "schedule", "workload", "movements", "retention", "cohorts", "survivors", "cltv", "profile", "from_json",
    "survival", "retention_rate", "churn_probability", "project", "discounted_expected_lifetime", "discounted_expected_residual_lifetime", "clv", "fit_many",
)  # fmt: skip


def test_every_public_name_and_method_has_rows() -> None:
    missing = []
    for name in cs.__all__:
        value = getattr(cs, name)
        if name in NO_ARGUMENTS:
            continue
        if not callable(value) or name in RESULT_TYPES or (isinstance(value, type) and issubclass(value, Exception)):
            continue
        if not any(api == name or api.startswith(f"{name}.") for api in MATRIX_APIS):
            missing.append(name)
        if isinstance(value, type):
            missing += [f"{name}.{m}" for m in METHODS if hasattr(value, m) and f"{name}.{m}" not in MATRIX_APIS]
    missing += [f"dask.{name}" for name in csd.__all__ if f"dask.{name}" not in MATRIX_APIS]
    assert not missing, f"no bad-input rows for {missing}"


DOC = Path(__file__).resolve().parents[2] / "docs" / "reference" / "bad-input.md"


def _doc_rows() -> list[tuple[str, str]]:
    """(function, example message) of every row of the docs' per-function tables."""
    rows, in_table = [], False
    for line in DOC.read_text().splitlines():
        in_table = line.startswith("| Function |") or (in_table and line.startswith("|"))
        if in_table and line.startswith("| `"):
            cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
            rows.append((cells[0].strip("`"), re.sub(r"^`|`$", "", cells[-1]).replace("\\|", "|")))
    return rows


def test_docs_table_lists_the_matrix_and_quotes_its_messages() -> None:
    documented = _doc_rows()
    names = {name for name, _ in documented}
    assert names == MATRIX_APIS | {param.values[0] for param in COUNTED}
    messages = {(param.values[0], param.values[3]) for param in MATRIX}
    for name, example in documented:
        assert example == "" or (name, example) in messages, f"{name}: {example!r} is not a message of the matrix"


# --- hostile input (issue 21, branch errors): what is accepted rather than refused -----------


def test_boolean_reads_an_object_column_of_true_false_and_none() -> None:
    card = cs.Scorecard([cs.Measure("a", cs.Boolean())])
    scores = card.score(pd.DataFrame({"a": pd.Series([True, False, None], dtype=object)}))["score"]
    assert scores.iloc[:2].tolist() == [100.0, 0.0] and np.isnan(scores.iloc[2])


@pytest.mark.parametrize("empty", [[None, None], [np.nan, np.nan], pd.Series([None, None], dtype=object)])
def test_a_label_column_without_values_matches_no_rule(empty: Any) -> None:
    model = cs.RuleModel([cs.Segment("a", 'region == "EMEA" or arr >= 5')])
    assert list(model.assign({"region": empty, "arr": [1.0, 9.0]})) == ["Unassigned", "a"]


def test_the_documented_expression_limit_is_the_parsers() -> None:
    limit = 64 * 1024
    assert "64 KiB (65,536 bytes of UTF-8)" in DOC.read_text()
    cs.RuleModel([cs.Segment("a", "arr >= 1" + " " * (limit - 8))])  # exactly the limit: accepted
    with pytest.raises(InvalidInputError, match=f"expression of {limit + 1} bytes exceeds the limit of {limit}"):
        cs.RuleModel([cs.Segment("a", "arr >= 1" + " " * (limit - 7))])


def test_integers_at_the_64_bit_bounds_reach_the_core() -> None:
    assert cs.KMeans(2, max_iter=2**63 - 1, seed=2**64 - 1).get_params()["max_iter"] == 2**63 - 1
    with pytest.raises(InvalidInputError, match=r"^horizon: -9223372036854775808 must be >= 1 period"):
        LEDGER.retention(horizon=-(2**63))  # the core's own check, reached
