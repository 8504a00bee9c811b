"""Segmentation from Python: tiers, quadrants, rules, transitions, coverage and their bad inputs."""

from __future__ import annotations

import json
import pickle

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from cssegment import InvalidInputError
from hypothesis import given, settings
from hypothesis import strategies as st

TOUCH = ["Tech touch", "Low touch", "High touch"]


def plain_tiers(values: np.ndarray, thresholds: list[float]) -> np.ndarray:
    """Independent reference: tier i holds [t[i-1], t[i])."""
    return np.searchsorted(np.asarray(thresholds), values, side="right")


def hysteresis_reference(values, thresholds, previous, h):
    """Row-by-row transcription of DESIGN.md's hysteresis rule."""
    bounds = [-np.inf, *thresholds, np.inf]
    out = plain_tiers(np.asarray(values), thresholds)
    for i, (value, before) in enumerate(zip(values, previous)):
        if before >= 0:
            lo, hi = bounds[before], bounds[before + 1]
            if lo - h * abs(lo) <= value < hi + h * abs(hi):
                out[i] = before
    return out


# --- TierModel -------------------------------------------------------------------------------


def test_touch_preset_assigns_ordered_categories():
    labels = cs.TierModel.touch().assign([0, 9_999.99, 10_000, 49_999, 50_000, 1e9])
    assert isinstance(labels, pd.Categorical)
    assert labels.ordered
    assert list(labels.categories) == TOUCH
    assert list(labels.codes) == [0, 0, 1, 1, 2, 2]
    assert (labels.min(), labels.max()) == ("Tech touch", "High touch")


def test_tiers_match_searchsorted_on_random_money(rng):
    arr = rng.lognormal(np.log(15_000), 1.3, 100_000)
    model = cs.TierModel([1_000, 10_000, 50_000, 250_000], ["a", "b", "c", "d", "e"])
    assert np.array_equal(model.assign(arr).codes, plain_tiers(arr, [1_000, 10_000, 50_000, 250_000]))


def test_accepts_frames_series_lists_ints_and_nullable():
    model = cs.TierModel.touch()
    frame = pd.DataFrame({"arr": [5_000, 60_000]})
    assert list(model.assign(frame)) == ["Tech touch", "High touch"]
    assert list(model.assign(frame["arr"])) == ["Tech touch", "High touch"]
    assert list(model.assign({"arr": [20_000]})) == ["Low touch"]
    with pytest.raises(InvalidInputError, match="arr: is a column of true/false values"):
        model.assign(np.array([True, False]))  # a flag is not an amount (see test_bad_input.py)
    nullable = pd.Series([20_000, None], dtype="Float64")
    lenient = cs.TierModel.touch(missing="unassigned")
    assert list(lenient.assign(nullable)) == ["Low touch", "Unassigned"]
    employees = cs.TierModel([100], ["small", "large"], field="employees")
    assert list(employees.assign(pd.DataFrame({"employees": [10, 1000]}))) == ["small", "large"]


def test_empty_input_gives_an_empty_result():
    labels = cs.TierModel.touch().assign(np.array([], dtype=float))
    assert len(labels) == 0
    assert list(labels.categories) == TOUCH


def test_hysteresis_matches_the_reference(rng):
    thresholds = [10_000.0, 50_000.0]
    values = rng.uniform(0, 80_000, 50_000)
    values[:6] = [9_000, 8_999.999, 55_000, 54_999.999, 45_000, 11_000]
    previous_codes = rng.integers(-1, 3, values.size)
    previous_codes[:6] = [1, 1, 1, 1, 2, 0]
    previous = pd.Categorical.from_codes(previous_codes, TOUCH)
    model = cs.TierModel.touch(hysteresis=0.1)
    got = model.assign(values, previous=previous).codes
    assert np.array_equal(got, hysteresis_reference(values, thresholds, previous_codes, 0.1))
    assert list(got[:6]) == [1, 0, 2, 1, 2, 1]
    # Hysteresis zero equals no hysteresis.
    assert np.array_equal(cs.TierModel.touch().assign(values, previous=previous).codes, plain_tiers(values, thresholds))


def test_previous_as_plain_strings_with_missing():
    model = cs.TierModel.touch(hysteresis=0.2)
    got = model.assign([9_000, 9_000, 9_000], previous=["Low touch", None, np.nan])
    assert list(got) == ["Low touch", "Tech touch", "Tech touch"]


def test_core_and_python_agree(rng):
    arr = rng.lognormal(10, 1.5, 10_000)
    model = cs.TierModel.touch()
    assert np.array_equal(model.assign(arr).codes, model._model.assign(arr))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([1.0, np.nan], r"arr\[1\] = nan: missing value"),
        ([1.0, 2.0, np.inf], r"arr\[2\] = inf: values must be finite and >= 0"),
        ([-5.0], r"arr\[0\] = -5: values must be finite and >= 0"),
        (["a", "b"], r"arr: has dtype <U1; a numeric column is required"),
        (np.array(["2024-01-01"], dtype="datetime64[D]"), r"arr: has dtype datetime64"),
        (np.array([1.0, "x"], dtype=object), r"arr\[1\] = 'x': expected a number, got str"),
        (np.ones((2, 2)), r"arr: must be one-dimensional"),
    ],
)
def test_bad_values_name_field_row_and_value(values, message):
    with pytest.raises(InvalidInputError, match=message):
        cs.TierModel.touch().assign(values)


def test_missing_unassigned_still_rejects_negative_values():
    with pytest.raises(InvalidInputError, match=r"arr\[1\] = -1"):
        cs.TierModel.touch(missing="unassigned").assign([np.nan, -1.0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"thresholds": [50, 10], "names": ["a", "b", "c"]},
            r"thresholds\[1\] = 10: thresholds must be strictly ascending",
        ),
        ({"thresholds": [10, 10], "names": ["a", "b", "c"]}, r"thresholds\[1\] = 10"),
        ({"thresholds": [10], "names": ["a", "b", "c"]}, r"names: has 3 names for 1 thresholds"),
        ({"thresholds": [10], "names": ["a", "a"]}, r"names\[1\] = 'a': duplicate name"),
        ({"thresholds": [10], "names": ["a", "b"], "csm_ratios": [10]}, r"csm_ratios: has 1 ratios for 2 tiers"),
        ({"thresholds": [10], "names": ["a", "b"], "csm_ratios": [10, 0]}, r"csm_ratios\[1\] = 0: CSM ratios must be"),
        ({"thresholds": [10], "names": ["a", "b"], "csm_ratios": [-3, None]}, r"csm_ratios\[0\] = -3"),
        ({"thresholds": [10], "names": ["a", "b"], "hysteresis": 1.5}, r"hysteresis: 1.5 must be in \[0, 1\)"),
        ({"thresholds": [10], "names": ["a", "b"], "missing": "drop"}, r"missing: 'drop' is not a missing policy"),
    ],
)
def test_bad_construction(kwargs, message):
    with pytest.raises(InvalidInputError, match=message):
        cs.TierModel(**kwargs)


def test_touch_rejects_unknown_overrides():
    with pytest.raises(InvalidInputError, match="overrides: unknown parameter"):
        cs.TierModel.touch(thresold=[1])


def test_bad_previous():
    model = cs.TierModel.touch(hysteresis=0.1)
    with pytest.raises(InvalidInputError, match=r"previous: has length 1 but data has length 2"):
        model.assign([1.0, 2.0], previous=["Low touch"])
    with pytest.raises(InvalidInputError, match=r"previous\[1\] = 'Gold': not one of the segments"):
        model.assign([1.0, 2.0], previous=["Low touch", "Gold"])
    with pytest.raises(InvalidInputError, match=r"previous\[0\] = 3: labels must be strings"):
        model.assign([1.0], previous=np.array([3], dtype=object))


def test_missing_field_in_frame():
    with pytest.raises(InvalidInputError, match=r"data: no column 'arr' \(columns: 'ARR'\)"):
        cs.TierModel.touch().assign(pd.DataFrame({"ARR": [1.0]}))


# --- JSON, pickle, display (every model) ------------------------------------------------------


def all_models():
    return [
        cs.TierModel.touch(hysteresis=0.1, missing="unassigned"),
        cs.TierModel([5, 50], ["s", "m", "l"], field="employees", csm_ratios=[None, 100, 10]),
        cs.QuadrantModel(size_threshold=500, hysteresis=0.05, csm_ratios=[200, 100, 25, 10]),
        cs.RuleModel.four_tier(),
        cs.RuleModel(
            [cs.Segment("Key", 'region in ("EMEA", "APAC") and arr >= 1.5M', 5), cs.Segment("Rest", "true", 50, True)],
            default="Never",
            hysteresis=0.15,
        ),
    ]


@pytest.mark.parametrize("model", all_models(), ids=lambda m: type(m).__name__)
def test_json_and_pickle_round_trips_are_exact(model):
    text = model.to_json()
    document = json.loads(text)
    assert document["kind"] == type(model).__name__
    assert document["cssegment_version"] == cs.__version__
    assert type(model).from_json(text) == model
    assert pickle.loads(pickle.dumps(model)) == model
    assert type(model).from_json(text).get_params() == model.get_params()
    assert pickle.loads(pickle.dumps(model)).categories == model.categories


@pytest.mark.parametrize("model", all_models(), ids=lambda m: type(m).__name__)
def test_display(model):
    html = model._repr_html_()
    assert html.startswith("<div><strong>" + type(model).__name__)
    for key in model.get_params():
        assert f">{key}<" in html
    assert "\n" not in repr(model)
    assert repr(model).startswith(type(model).__name__ + "(")


def test_json_of_another_kind_or_version_is_refused():
    tier_json = cs.TierModel.touch().to_json()
    with pytest.raises(InvalidInputError, match=r"json: is a 'TierModel' document, not a 'QuadrantModel'"):
        cs.QuadrantModel.from_json(tier_json)
    newer = json.loads(tier_json)
    newer["cssegment_version"] = "99.0.0"
    with pytest.raises(InvalidInputError, match=r"written by cssegment 99.0.0, newer than this"):
        cs.TierModel.from_json(json.dumps(newer))
    with pytest.raises(InvalidInputError, match=r"json: not a valid JSON document"):
        cs.TierModel.from_json(tier_json[:-5])
    with pytest.raises(InvalidInputError, match=r"json: expected a str"):
        cs.TierModel.from_json(b"{}")  # type: ignore[arg-type]
    broken = json.loads(tier_json)
    broken["names"] = ["a"]
    with pytest.raises(InvalidInputError, match=r"names: has 1 names"):
        cs.TierModel.from_json(json.dumps(broken))


def test_pickle_state_is_versioned():
    model = cs.TierModel.touch()
    version, payload = model.__getstate__()
    assert version == 1 and set(payload) == {"json"}
    clone = cs.TierModel.__new__(cs.TierModel)
    with pytest.raises(InvalidInputError, match="newer than this cssegment"):
        clone.__setstate__((2, payload))
    with pytest.raises(InvalidInputError, match="not a TierModel pickle state"):
        clone.__setstate__("junk")  # type: ignore[arg-type]


# --- QuadrantModel -------------------------------------------------------------------------------


def test_quadrants_cross_client_size_and_contract_value(rng):
    frame = pd.DataFrame({"employees": rng.lognormal(6, 1.5, 20_000), "arr": rng.lognormal(10, 1.3, 20_000)})
    labels = cs.QuadrantModel().assign(frame)
    expected = (frame["employees"] >= 1000).to_numpy().astype(int) + 2 * (frame["arr"] >= 50_000).to_numpy()
    assert np.array_equal(labels.codes, expected)
    assert list(labels.categories) == ["Small Business", "Large Opportunity", "Major", "Enterprise"]


def test_quadrant_hysteresis_works_per_axis():
    model = cs.QuadrantModel(hysteresis=0.1)
    frame = pd.DataFrame({"employees": [900, 899, 1099, 1100], "arr": [45_000, 45_000, 54_999, 54_999]})
    previous = ["Enterprise", "Enterprise", "Small Business", "Small Business"]
    assert list(model.assign(frame, previous=previous)) == [
        "Enterprise",
        "Major",
        "Small Business",
        "Large Opportunity",
    ]


def test_quadrant_bad_input():
    model = cs.QuadrantModel()
    with pytest.raises(InvalidInputError, match=r"data: no column 'employees'"):
        model.assign(pd.DataFrame({"arr": [1.0]}))
    with pytest.raises(InvalidInputError, match=r"employees\[1\] = -2"):
        model.assign(pd.DataFrame({"employees": [1.0, -2.0], "arr": [1.0, 1.0]}))
    with pytest.raises(InvalidInputError, match=r"names: has 3 names; expected 4"):
        cs.QuadrantModel(names=["a", "b", "c"])
    with pytest.raises(InvalidInputError, match=r"size_threshold: -1 must be finite and > 0"):
        cs.QuadrantModel(size_threshold=-1)
    with pytest.raises(InvalidInputError, match=r"arr: has length 1 but employees has length 2"):
        model._model.assign(np.ones(2), np.ones(1))


# --- RuleModel -------------------------------------------------------------------------------


def test_four_tier_on_hand_made_accounts():
    model = cs.RuleModel.four_tier()
    frame = pd.DataFrame(
        {"arr": [300_000, 120_000, 50_000, 20_000, 5_000], "potential": [1e6, 2e5, 600_000, 30_000, 5_000]}
    )
    assert list(model.assign(frame)) == ["Enterprise", "Strategic", "Strategic", "1:Many", "Self-Service"]
    assert model.categories == ["Self-Service", "1:Many", "Strategic", "Enterprise"]
    assert model.csm_ratios == {"Self-Service": None, "1:Many": 200.0, "Strategic": 25.0, "Enterprise": 10.0}
    assert model.columns == ["arr", "potential"]
    assert model.pooled == {"Self-Service": False, "1:Many": True, "Strategic": False, "Enterprise": False}


def test_rules_with_strings_missing_values_and_first_match():
    model = cs.RuleModel(
        [
            cs.Segment("Unknown size", "is_missing(employees)"),
            cs.Segment("Global", 'region in ("EMEA", "APAC") and employees >= 1k'),
            cs.Segment("Americas", 'region == "NA" or region == "LATAM"'),
        ],
        default="Other",
    )
    frame = pd.DataFrame(
        {
            "employees": [np.nan, 5_000, 5_000, 10, 20],
            "region": pd.Series(["EMEA", "APAC", "NA", "EMEA", None], dtype="object"),
        }
    )
    assert list(model.assign(frame)) == ["Unknown size", "Global", "Americas", "Other", "Other"]
    as_category = frame.assign(region=frame["region"].astype("category"))
    assert list(model.assign(as_category)) == list(model.assign(frame))


def test_rule_hysteresis_equals_tier_hysteresis(rng):
    values = rng.uniform(0, 80_000, 20_000)
    previous_codes = rng.integers(-1, 3, values.size)
    previous = pd.Categorical.from_codes(previous_codes, TOUCH)
    rules = cs.RuleModel(
        [cs.Segment("High touch", "arr >= 50k"), cs.Segment("Low touch", "arr >= 10k")],
        default="Tech touch",
        hysteresis=0.1,
    )
    tiers = cs.TierModel.touch(hysteresis=0.1)
    frame = pd.DataFrame({"arr": values})
    assert rules.categories == TOUCH
    assert list(rules.assign(frame, previous=previous)) == list(tiers.assign(frame, previous=previous))


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("arr >= 50k and )", r"unexpected '\)' at column 16 in \"arr >= 50k and \)\""),
        ("arr >=", r"unexpected end of expression"),
        ("(arr > 1", r"at column"),
    ],
)
def test_rule_parse_errors_show_the_position(when, message):
    with pytest.raises(InvalidInputError, match=message):
        cs.RuleModel([cs.Segment("A", when)])


def test_rule_type_and_column_errors():
    model = cs.RuleModel([cs.Segment("A", "region >= 5"), cs.Segment("B", "potencial > 1")])
    frame = pd.DataFrame({"region": ["EMEA"], "potential": [1.0]})
    with pytest.raises(InvalidInputError, match="region"):
        model.assign(frame)
    with pytest.raises(InvalidInputError, match="potencial"):
        cs.RuleModel([cs.Segment("B", "potencial > 1")]).assign(frame)
    with pytest.raises(InvalidInputError, match=r"names\[1\] = 'A': duplicate name|duplicate"):
        cs.RuleModel([cs.Segment("A", "true"), cs.Segment("A", "true")])
    with pytest.raises(InvalidInputError, match=r"segments\[0\] = 'A': expected a cssegment.Segment"):
        cs.RuleModel(["A"])  # type: ignore[list-item]
    with pytest.raises(InvalidInputError, match=r"data\['region'\]\[1\] = 3: labels must be strings"):
        cs.RuleModel([cs.Segment("A", 'region == "EMEA"')]).assign(
            pd.DataFrame({"region": pd.Series(["EMEA", 3], dtype=object)})
        )


def test_rules_on_empty_frame():
    labels = cs.RuleModel.four_tier().assign(pd.DataFrame({"arr": [], "potential": []}))
    assert len(labels) == 0


# --- transitions ---------------------------------------------------------------------------------


def test_transitions_account_for_every_row():
    model = cs.TierModel.touch()
    before = model.assign([5e3, 2e4, 6e4, 1e3, 2e4])
    after = model.assign([2e4, 2e4, 2e4, 1e3, 6e4])
    table = cs.transitions(before, after)
    assert table.loc["Tech touch", "Low touch"] == 1
    assert table.loc["High touch", "Low touch"] == 1
    assert table["upgraded"].sum() == 2
    assert table["downgraded"].sum() == 1
    assert table["unchanged"].sum() == 2
    assert table["total"].sum() == 5
    assert list(table.index) == [*TOUCH, "(none)"]


def test_transitions_with_new_and_gone_accounts_and_weights():
    before = pd.Categorical(["Low touch", None, "High touch"], categories=TOUCH, ordered=True)
    after = pd.Categorical(["Low touch", "Tech touch", None], categories=TOUCH, ordered=True)
    table = cs.transitions(before, after, weights=[10.0, 20.0, 30.0])
    assert table.loc["(none)", "Tech touch"] == 20.0
    assert table.loc["High touch", "(none)"] == 30.0
    assert table.loc["Low touch", "unchanged"] == 10.0
    assert table[[*TOUCH, "(none)"]].to_numpy().sum() == 60.0


def test_transitions_bad_input():
    with pytest.raises(InvalidInputError, match="after: has length 1 but before has length 2"):
        cs.transitions(["a", "b"], ["a"])
    model = cs.TierModel.touch()
    with pytest.raises(InvalidInputError, match=r"after\[0\] = 'Gold'"):
        cs.transitions(model.assign([1.0]), ["Gold"])
    with pytest.raises(InvalidInputError, match=r"weights\[0\] = nan"):
        cs.transitions(["a"], ["a"], weights=[np.nan])


# --- coverage ------------------------------------------------------------------------------------


def test_coverage_table_by_hand():
    model = cs.TierModel.touch()
    arr = [5_000.0] * 2000 + [20_000.0] * 300 + [100_000.0] * 30
    plan = cs.coverage(model.assign(arr), model, arr=arr, csm_cost=150_000)
    assert list(plan.index) == TOUCH
    assert plan["accounts"].tolist() == [2000, 300, 30]
    assert plan["csms_needed"].tolist() == [2.0, 3.0, 2.0]
    assert plan["resource_share"].tolist() == pytest.approx([2 / 7, 3 / 7, 2 / 7])
    assert plan["cost_to_serve_per_account"].tolist() == [150.0, 1500.0, 10_000.0]
    assert plan["arr_per_csm"].tolist() == [5e6, 2e6, 1.5e6]
    assert plan["total_cost"].sum() == 7 * 150_000


def test_coverage_with_mapping_and_no_money():
    segments = pd.Series(["Digital", "Pooled", "Pooled"])
    plan = cs.coverage(segments, {"Digital": None, "Pooled": 2})
    assert list(plan.columns) == ["accounts", "csm_ratio", "csms_needed", "resource_share"]
    assert plan.loc["Pooled", "csms_needed"] == 1.0
    assert plan.loc["Digital", "csms_needed"] == 0.0


def test_coverage_bad_input():
    model = cs.TierModel.touch()
    labels = model.assign([1.0, 2.0])
    with pytest.raises(InvalidInputError, match=r"csm_ratios: no ratio for segment"):
        cs.coverage(labels, {"Tech touch": 10})
    with pytest.raises(InvalidInputError, match=r"csm_ratios\[1\] = 0"):
        cs.coverage(labels, [10, 0, 5])
    with pytest.raises(InvalidInputError, match=r"arr: has length 1 but segments has length 2"):
        cs.coverage(labels, model, arr=[1.0])
    with pytest.raises(InvalidInputError, match=r"segments\[1\] = missing"):
        cs.coverage(pd.Categorical(["Tech touch", None], categories=TOUCH), model)
    with pytest.raises(InvalidInputError, match=r"csm_cost: -1 must be finite and >= 0"):
        cs.coverage(labels, model, csm_cost=-1)


def test_package_exposes_exceptions_and_version():
    assert issubclass(cs.InvalidInputError, ValueError)
    assert issubclass(cs.NotFittedError, ValueError)
    assert cs.InvalidInputError.__module__ == "cssegment"
    assert cs.__version__.count(".") == 2


# --- KMeans ------------------------------------------------------------------------------------


def blobs(rng, centres, per_blob=300, sd=1.0):
    centres = np.asarray(centres, dtype=float)
    points = np.concatenate([c + rng.normal(0, sd, (per_blob, centres.shape[1])) for c in centres])
    return points, np.repeat(np.arange(len(centres)), per_blob)


def same_partition(a, b) -> bool:
    """Two labelings split the rows the same way (up to renumbering)."""
    pairs = pd.crosstab(np.asarray(a), np.asarray(b))
    return bool(((pairs > 0).sum(axis=1) == 1).all() and ((pairs > 0).sum(axis=0) == 1).all())


def test_kmeans_recovers_well_separated_blobs(rng):
    X, truth = blobs(rng, [[0, 0, 0], [12, 0, 3], [0, 12, -3], [12, 12, 9]])
    labels = cs.KMeans(4, seed=3).fit_predict(X)
    assert same_partition(labels, truth)


def test_kmeans_inertia_matches_scikit_learn(rng):
    from sklearn.cluster import KMeans as SkKMeans

    X, _ = blobs(rng, rng.normal(0, 3, (6, 5)), per_blob=2_000, sd=1.5)
    ours = cs.KMeans(6, n_init=4, scale=None, seed=0).fit(X)
    theirs = SkKMeans(6, n_init=4, algorithm="lloyd", random_state=0).fit(X)
    assert ours.inertia_ <= theirs.inertia_ * 1.01
    # The inertia is the sum of squared distances to the centres (the scaled space is the input here).
    labels = ours.predict(X).to_numpy()
    direct = ((X - ours.cluster_centers_[labels]) ** 2).sum()
    assert ours.inertia_ == pytest.approx(direct, rel=1e-9)
    assert 1 <= ours.n_iter_ <= 300


def test_kmeans_standard_scaling_equals_scikit_learn_on_z_scores(rng):
    from sklearn.cluster import KMeans as SkKMeans
    from sklearn.preprocessing import StandardScaler

    X = np.column_stack([rng.lognormal(10, 1, 3_000), rng.normal(50, 20, 3_000)])
    ours = cs.KMeans(5, seed=1).fit(X)
    Z = StandardScaler().fit_transform(X)
    theirs = SkKMeans(5, n_init=4, algorithm="lloyd", random_state=1).fit(Z)
    assert ours.inertia_ <= theirs.inertia_ * 1.01
    # Centres come back in the input's units.
    labels = ours.predict(X).to_numpy()
    means = pd.DataFrame(X).groupby(labels).mean().to_numpy()
    assert np.allclose(ours.cluster_centers_, means, rtol=1e-6)


def test_kmeans_log_scale_and_dataframes(rng):
    frame = pd.DataFrame(
        {"arr": np.r_[rng.uniform(1e3, 2e3, 100), rng.uniform(1e5, 2e5, 100)], "nps": rng.integers(0, 11, 200)},
        index=pd.RangeIndex(1000, 1200),
    )
    model = cs.KMeans(2, scale=["log", "standard"], seed=0).fit(frame)
    labels = model.predict(frame)
    assert labels.index.equals(frame.index)
    assert labels.name == "cluster"
    assert model.feature_names_in_ == ["arr", "nps"]
    assert model.n_features_in_ == 2
    # Columns are found by name, in any order; names that are not strings work too.
    assert model.predict(frame[["nps", "arr"]]).equals(labels)
    numbered = frame.set_axis([0, 1], axis=1)
    assert (
        cs.KMeans(2, seed=0).fit(numbered).predict(numbered[[1, 0]]).equals(cs.KMeans(2, seed=0).fit_predict(numbered))
    )
    # Clusters are numbered by centre, first feature first: the small accounts are cluster 0.
    assert (labels.iloc[:100] == 0).all() and (labels.iloc[100:] == 1).all()
    profile = model.profile(frame)
    assert list(profile.index) == [0, 1]
    assert profile["accounts"].tolist() == [100, 100]
    assert profile["arr_share"].sum() == pytest.approx(1.0)
    assert profile.loc[1, "mean_arr"] == pytest.approx(frame["arr"].iloc[100:].mean())


def test_kmeans_does_not_depend_on_the_thread_count(rng):
    X, _ = blobs(rng, rng.normal(0, 2, (5, 4)), per_blob=10_000, sd=2.0)
    model = cs.KMeans(5, n_init=2, seed=7)
    one, two = model._model, cs.KMeans(5, n_init=2, seed=7)._model
    a, b = one.fit(X, [], 1), two.fit(X, [], 2)
    assert np.array_equal(a, b)
    assert one.inertia == two.inertia
    assert np.array_equal(one.cluster_centers, two.cluster_centers)


def test_kmeans_round_trips_and_params(rng):
    X, _ = blobs(rng, [[0, 0], [5, 5]], per_blob=50)
    model = cs.KMeans(2, n_init=2, tol=1e-3, scale=[None, "standard"], seed=9)
    assert cs.KMeans.from_json(model.to_json()) == model
    model.fit(X)
    for restored in (cs.KMeans.from_json(model.to_json()), pickle.loads(pickle.dumps(model))):
        assert restored == model
        assert np.array_equal(restored.predict(X), model.predict(X))
    assert json.loads(model.to_json())["kind"] == "KMeans"
    params = model.get_params()
    assert params == {
        "n_clusters": 2,
        "n_init": 2,
        "max_iter": 300,
        "tol": 1e-3,
        "scale": [None, "standard"],
        "seed": 9,
    }
    assert cs.KMeans(**params) != model  # unfitted
    assert model.set_params(n_clusters=3).get_params()["n_clusters"] == 3
    assert "KMeans" in model._repr_html_()
    with pytest.raises(cs.NotFittedError):
        _ = model.inertia_


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: cs.KMeans(0).fit(np.ones((3, 1))), "n_clusters: must be >= 1, got 0"),
        (lambda: cs.KMeans(3).fit([[1.0], [1.0], [2.0]]), "X has only 2 distinct points"),
        (lambda: cs.KMeans(1).fit(pd.DataFrame({"a": [1.0, np.nan]})), "X['a'][1] = nan: missing value"),
        (lambda: cs.KMeans(1).fit(np.array([[1.0], [np.inf]])), "X[:, 0][1] = inf: features must be finite"),
        (lambda: cs.KMeans(1, scale="log").fit(pd.DataFrame({"arr": [1.0, -5.0]})), "X['arr'][1] = -5: scale='log'"),
        (lambda: cs.KMeans(1, scale="minmax").fit(np.ones((2, 1))), "scale: 'minmax' is not one of"),
        (lambda: cs.KMeans(1).fit(np.ones(3)), "X: must be two-dimensional"),
        (lambda: cs.KMeans(1).fit(np.ones((2, 1))).predict(np.ones((2, 2))), "X: has 2 features but the model"),
        (lambda: cs.KMeans(1).fit(pd.DataFrame({"a": [1.0]})).predict(pd.DataFrame({"b": [1.0]})), "no column 'a'"),
        (lambda: cs.KMeans(2.5), "n_clusters: must be a whole number"),  # type: ignore[arg-type]
    ],
)
def test_kmeans_bad_input(make, message):
    with pytest.raises(InvalidInputError) as error:
        make()
    assert message in str(error.value)


def test_kmeans_predict_before_fit():
    with pytest.raises(cs.NotFittedError):
        cs.KMeans(2).predict(np.ones((2, 1)))


# --- assign_owners -----------------------------------------------------------------------------


def test_owners_respect_capacity_and_balance_books(rng):
    arr = rng.lognormal(np.log(120_000), 0.8, 200)
    accounts = pd.DataFrame({"arr": arr}, index=pd.RangeIndex(10, 210))
    roster = {"High touch": [f"csm{i}" for i in range(15)]}
    result = cs.assign_owners(accounts, cs.TierModel.touch(), roster, segments=["High touch"])
    books = result.books
    assert result.owners.index.equals(accounts.index)
    assert (books["accounts"] <= books["capacity"]).all()
    assert books["capacity"].eq(15).all()
    assert books["accounts"].sum() == (arr >= 50_000).sum()
    # Books are built from the owners, and balanced: they differ by at most the largest account.
    by_owner = accounts["arr"].groupby(result.owners.astype(object)).sum()
    assert np.allclose(by_owner.reindex(books.index).to_numpy(), books["arr"].to_numpy())
    assert books["arr"].max() - books["arr"].min() <= arr.max()
    assert result.owners[accounts["arr"] < 50_000].isna().all()
    assert books["capacity_used"].tolist() == (books["accounts"] / 15).tolist()


def test_owners_keep_previous_owners_where_capacity_allows():
    accounts = pd.DataFrame({"arr": [90e3, 80e3, 70e3, 60e3], "before": ["Bo", "Bo", "Cy", None]})
    csms = pd.DataFrame({"csm": ["Ana", "Bo"], "segment": ["High touch", "High touch"], "capacity": [3, 1]})
    result = cs.assign_owners(accounts, cs.TierModel.touch(), csms, previous="before", segments=["High touch"])
    # Bo has room for one: the larger account stays, the other moves. Cy is not on the roster
    # (left the team): that account has no previous owner to keep.
    assert result.owners.tolist() == ["Bo", "Ana", "Ana", "Ana"]
    assert (result.kept, result.reassigned) == (1, 1)


def test_owners_strategies_and_pools():
    model = cs.RuleModel.four_tier()
    accounts = pd.DataFrame({"arr": [300e3, 260e3, 120e3, 20e3, 15e3, 5e3], "potential": [0.0] * 6})
    roster = {"Enterprise": ["E1", "E2"], "Strategic": ["S1"], "1:Many": ["P1", "P2"]}
    result = cs.assign_owners(accounts, model, roster, strategy="round_robin")
    assert result.owners.tolist() == ["E1", "E2", "S1", "1:Many pool", "1:Many pool", np.nan]
    pool = result.books.loc["1:Many pool"]
    assert (pool["csms"], pool["accounts"], pool["capacity"]) == (2, 2, 400)
    counted = cs.assign_owners(accounts, model, roster, strategy="balance_count")
    assert counted.books.loc[["E1", "E2"], "accounts"].tolist() == [1, 1]


def test_owners_from_labels_with_ratios():
    labels = pd.Categorical(["a", "a", "a", "b"])
    accounts = pd.DataFrame({"arr": [1.0, 2.0, 3.0, 4.0]})
    result = cs.assign_owners(accounts, labels, {"a": ["x", "y"]}, csm_ratios={"a": 2, "b": None})
    assert result.owners.iloc[:3].notna().all() and pd.isna(result.owners.iloc[3])


@pytest.mark.parametrize(
    ("roster", "kwargs", "message"),
    [
        ({"High touch": ["a"]}, {}, "segment 'High touch' has 30 accounts but its 1 CSMs hold 15 at 15:1; 1 more CSM"),
        ({"High touch": []}, {}, "has 30 accounts but no CSM on its roster at 15:1; 2 more CSMs are needed"),
        ({"High touch": ["a", "b"]}, {"strategy": "random"}, "strategy: 'random' is not one of"),
        ({"Gold": ["a"]}, {}, "csms['segment'][0] = 'Gold': not one of the segments"),
        ({"High touch": ["a", "a"]}, {}, "csms[1]: 'a' is listed twice"),
    ],
)
def test_owners_bad_input(roster, kwargs, message):
    accounts = pd.DataFrame({"arr": [60e3] * 30})
    with pytest.raises(InvalidInputError) as error:
        cs.assign_owners(accounts, cs.TierModel.touch(), roster, segments=["High touch"], **kwargs)
    assert message in str(error.value)


def test_owners_need_a_roster_for_every_staffed_segment():
    with pytest.raises(InvalidInputError, match="segment 'Low touch' has 1 accounts but no CSM"):
        cs.assign_owners(pd.DataFrame({"arr": [20e3]}), cs.TierModel.touch(), {"High touch": ["a"]})


# --- CadencePolicy -----------------------------------------------------------------------------


def cadence_reference(policy, segment, tenure, renewal, health):
    """Row-by-row transcription of the cadence rule."""
    p = policy.get_params()
    out = []
    for s, t, r, h in zip(segment, tenure, renewal, health):
        days = p["base_days"][s]
        days *= p["onboarding_factor"] if t < p["onboarding_days"] else 1.0
        days *= p["renewal_factor"] if r <= p["renewal_window_days"] else 1.0
        days *= p["health_factors"][h] if isinstance(h, str) else 1.0
        out.append(min(max(days, p["min_days"]), p["max_days"]))
    return out


def test_cadence_follows_each_factor(rng):
    book = cs.datasets.synthetic_book(n_accounts=2_000, seed=3).accounts
    touch = cs.TierModel.touch()
    policy = cs.CadencePolicy({"Tech touch": 90, "Low touch": 45, "High touch": 14})
    health = pd.Series(rng.choice(np.array(["red", "yellow", "green", None], dtype=object), len(book)))
    plan = policy.schedule(book, touch, health=health)
    expected = cadence_reference(policy, touch.assign(book), book["tenure_days"], book["renewal_days"], health)
    assert np.allclose(plan["interval_days"], expected)
    assert plan.index.equals(book.index)
    assert plan["interval_days"].between(7, 180).all()
    assert np.allclose(plan["touches_per_month"], (365.25 / 12) / plan["interval_days"])
    # The touch preset's Tech touch has a ratio (1000:1), so every channel is a CSM here...
    assert (plan["channel"] == "csm").all()
    # ...unless the ratios say the segment has no CSM.
    digital = policy.schedule(book, touch, health=health, csm_ratios={"Tech touch": None, "Low touch": 100})
    assert ((digital["channel"] == "digital") == (digital["segment"] == "Tech touch")).all()
    onboarding = plan["reason"].astype(str).str.contains("onboarding")
    assert (onboarding == (book["tenure_days"] < 90)).all()


def test_cadence_reasons_and_clipping():
    policy = cs.CadencePolicy({"a": 10, "b": 150}, health_factors={"red": 0.25, "green": 2.0})
    accounts = pd.DataFrame({"tenure_days": [10, 400, 400], "renewal_days": [10, 300, np.nan]})
    plan = policy.schedule(accounts, ["a", "b", "b"], health=["red", "green", None])
    assert plan["interval_days"].tolist() == [7.0, 180.0, 150.0]
    assert plan["reason"].tolist() == [
        "onboarding x0.5, renewal x0.5, red x0.25, min 7 days",
        "green x2, max 180 days",
        "base",
    ]


def test_cadence_workload_sums_hours_per_owner():
    policy = cs.CadencePolicy({"High touch": 30, "Tech touch": 90})
    accounts = pd.DataFrame({"tenure_days": [400] * 4, "renewal_days": [300] * 4})
    plan = policy.schedule(
        accounts, ["High touch"] * 3 + ["Tech touch"], csm_ratios={"High touch": 15, "Tech touch": None}
    )
    load = policy.workload(plan, ["Ana", "Ana", "Bo", None], minutes_per_touch={"High touch": 60, "Tech touch": 5})
    month = 365.25 / 12
    assert load.loc["Ana", "hours_per_month"] == pytest.approx(2 * month / 30)
    assert load.loc["Bo", "accounts"] == 1
    assert load.loc["(digital)", "hours_per_month"] == 0.0
    assert load["accounts"].sum() == 4


def test_cadence_round_trips():
    policy = cs.CadencePolicy({"a": 10}, min_days=3, max_days=60)
    assert cs.CadencePolicy.from_json(policy.to_json()) == policy
    assert pickle.loads(pickle.dumps(policy)) == policy
    assert cs.CadencePolicy(**policy.get_params()) == policy


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"onboarding_factor": 0}, "onboarding_factor: 0 must be finite and > 0"),
        ({"health_factors": {"red": -1}}, "health_factors['red']: -1 must be finite and > 0"),
        ({"min_days": 30, "max_days": 10}, "min_days: 30 is greater than max_days = 10"),
        ({"base_days": {"a": 0}}, "base_days['a']: 0 must be finite and > 0"),
    ],
)
def test_cadence_bad_input(kwargs, message):
    params = {"base_days": {"a": 10}, **kwargs}
    with pytest.raises(InvalidInputError) as error:
        cs.CadencePolicy(**params)
    assert message in str(error.value)


def test_cadence_unknown_labels():
    policy = cs.CadencePolicy({"a": 10})
    accounts = pd.DataFrame({"tenure_days": [400], "renewal_days": [300]})
    with pytest.raises(InvalidInputError, match=r"segment\[0\] = 'b': not one of the segments"):
        policy.schedule(accounts, ["b"])
    with pytest.raises(InvalidInputError, match=r"health\[0\] = 'amber'"):
        policy.schedule(accounts, ["a"], health=["amber"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 2), st.floats(0, 1e6), st.integers(-1, 5)), min_size=1, max_size=60),
    st.lists(st.integers(1, 12), min_size=6, max_size=6),
    st.sampled_from(["balance_arr", "balance_count", "round_robin"]),
)
def test_owners_properties(accounts, capacities, strategy):
    """Books never exceed capacity; every account gets a CSM of its own segment; an account loses
    its previous owner only when that CSM's book is full."""
    segments = np.array([s for s, _, _ in accounts])
    frame = pd.DataFrame({"arr": [a for _, a, _ in accounts], "segment": np.array(["a", "b", "c"])[segments]})
    roster = pd.DataFrame(
        {"csm": [f"csm{i}" for i in range(6)], "segment": ["a", "a", "b", "b", "c", "c"], "capacity": capacities}
    )
    previous = [None if p < 0 else f"csm{p}" for _, _, p in accounts]
    for name in ("a", "b", "c"):
        needed = int((frame["segment"] == name).sum())
        held = roster.loc[roster["segment"] == name, "capacity"].sum()
        if needed > held:
            with pytest.raises(InvalidInputError, match=f"segment '{name}' has {needed} accounts"):
                cs.assign_owners(frame, "segment", roster, strategy, previous=previous)
            return
    result = cs.assign_owners(frame, "segment", roster, strategy, previous=previous)
    books = result.books
    assert (books["accounts"] <= books["capacity"]).all()
    owner_segment = roster.set_index("csm")["segment"]
    assert (owner_segment.reindex(result.owners.astype(str)).to_numpy() == frame["segment"].to_numpy()).all()
    for owner, before, segment in zip(result.owners, previous, frame["segment"]):
        if before is not None and owner != before and owner_segment[before] == segment:
            assert books.loc[before, "accounts"] == books.loc[before, "capacity"]


def test_rule_expressions_are_bounded_in_length_and_depth():
    longest = "arr > 1".ljust(64 * 1024)
    frame = pd.DataFrame({"arr": [0.5, 2.0]})
    assert list(cs.RuleModel([cs.Segment("A", longest)]).assign(frame)) == ["Unassigned", "A"]
    with pytest.raises(
        InvalidInputError,
        match=r"^segments\[0\] \('A'\): when: expression of 65537 bytes exceeds the limit of 65536 "
        r"\(max_expression_length\)$",
    ):
        cs.RuleModel([cs.Segment("A", longest + " ")])
    # Bytes, not characters: 32,773 characters, but 65,540 bytes in UTF-8.
    with pytest.raises(InvalidInputError, match=r"when: expression of 65540 bytes exceeds the limit"):
        cs.RuleModel([cs.Segment("A", "`" + "é" * 32767 + "` > 1")])

    def nested(depth: int) -> str:
        return "(" * depth + "arr > 1" + ")" * depth

    assert list(cs.RuleModel([cs.Segment("A", nested(64))]).assign(frame)) == ["Unassigned", "A"]
    with pytest.raises(
        InvalidInputError,
        match=r"^segments\[0\] \('A'\): when: nesting deeper than 64 levels \(max_expression_depth\) at column 65$",
    ):
        cs.RuleModel([cs.Segment("A", nested(65))])
    with pytest.raises(InvalidInputError, match=r"when: nesting deeper than 64 levels"):
        cs.RuleModel([cs.Segment("A", "not " * 65 + "arr > 1")])


def test_json_documents_are_bounded_in_size_and_depth():
    model = cs.TierModel.touch()
    text = model.to_json()
    largest = text.ljust(16 * 2**20)
    assert cs.TierModel.from_json(largest) == model
    with pytest.raises(
        InvalidInputError,
        match=r"^json: document of 16777217 bytes exceeds the limit of 16777216 \(max_document_bytes\)$",
    ):
        cs.TierModel.from_json(largest + " ")

    def with_nesting(depth: int) -> str:
        """The model's document with a field holding depth - 1 nested lists (the document is one level)."""
        document = json.loads(text)
        value: list[object] = []
        for _ in range(depth - 2):
            value = [value]
        document["padding"] = value
        return json.dumps(document)

    assert cs.TierModel.from_json(with_nesting(64)) == model
    for kind in (cs.TierModel, cs.QuadrantModel, cs.RuleModel, cs.KMeans, cs.CadencePolicy):
        with pytest.raises(InvalidInputError, match=r"^json: nesting deeper than 64 levels \(max_document_depth\)$"):
            kind.from_json(with_nesting(65))
    with pytest.raises(InvalidInputError, match=r"^json: nesting deeper than 64 levels"):
        cs.TierModel.from_json("[" * 100_000)
