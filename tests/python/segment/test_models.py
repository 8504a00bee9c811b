"""Segmentation models from Python: tiers, quadrants, rules, their JSON, pickles and bad inputs."""

from __future__ import annotations

import inspect
import json
import pickle

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from cssegment import InvalidInputError

TOUCH = ["Tech touch", "Low touch", "High touch"]


def plain_tiers(values: np.ndarray, thresholds: list[float]) -> np.ndarray:
    """Independent reference: tier i holds [t[i-1], t[i])."""
    return np.searchsorted(np.asarray(thresholds), values, side="right")


def hysteresis_reference(values, thresholds, previous, h):
    """Row-by-row transcription of the hysteresis rule in docs/guide/segmentation.md."""
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
    employees = cs.TierModel([100], ["small", "large"], column="employees")
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
        (["a", "b"], r"arr\[0\] = 'a': expected a number, got str"),
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
        cs.TierModel([5, 50], ["s", "m", "l"], column="employees", csm_ratios=[None, 100, 10]),
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


def test_package_exposes_exceptions_and_version():
    assert issubclass(cs.InvalidInputError, ValueError)
    assert issubclass(cs.NotFittedError, ValueError)
    assert cs.InvalidInputError.__module__ == "cssegment"
    assert cs.__version__.count(".") == 2


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


# --- renamed in 0.2 ------------------------------------------------------------------------------


def test_field_is_a_deprecated_alias_of_column():
    with pytest.warns(DeprecationWarning, match="column"):
        model = cs.TierModel([100], ["small", "large"], field="employees")
    assert model == cs.TierModel([100], ["small", "large"], column="employees")
    assert model.column == "employees" and model.get_params()["column"] == "employees"
    with pytest.warns(DeprecationWarning, match="column"):
        assert model.field == "employees"
    with pytest.warns(DeprecationWarning, match="column"):
        assert cs.TierModel.touch(field="seats").column == "seats"
    with pytest.warns(DeprecationWarning, match="column"):
        assert cs.TierModel.touch().set_params(field="seats").column == "seats"
    with pytest.raises(TypeError, match="got both 'field' and 'column'"):
        cs.TierModel([100], ["a", "b"], field="x", column="y")


def test_size_and_value_field_are_deprecated_aliases():
    with pytest.warns(DeprecationWarning, match="size_column"):
        model = cs.QuadrantModel(size_field="seats")
    with pytest.warns(DeprecationWarning, match="value_column"):
        assert cs.QuadrantModel(value_field="mrr").value_column == "mrr"
    assert model == cs.QuadrantModel(size_column="seats")
    assert (model.size_column, model.value_column) == ("seats", "arr")
    with pytest.warns(DeprecationWarning, match="size_column"):
        assert model.size_field == "seats"
    with pytest.warns(DeprecationWarning, match="value_column"):
        assert model.value_field == "arr"
    assert list(model.assign({"seats": [5_000], "arr": [1.0]})) == ["Large Opportunity"]


def test_documents_and_pickles_of_0_1_still_load():
    # 0.1.0 wrote the same JSON (the core's keys) and pickled the JSON under state version 1.
    for model in all_models():
        state = (1, {"json": model.to_json()})
        clone = type(model).__new__(type(model))
        clone.__setstate__(state)
        assert clone == model


def test_parameter_checks_are_declared_once_per_class():
    for kind in (cs.TierModel, cs.QuadrantModel, cs.RuleModel, cs.KMeans, cs.CadencePolicy):
        declared = list(kind._parameters)
        assert declared == list(inspect.signature(kind).parameters), kind
    # set_params rebuilds through __init__, so it runs the same checks.
    with pytest.raises(InvalidInputError, match=r"hysteresis: 2 must be in \[0, 1\)"):
        cs.TierModel.touch().set_params(hysteresis=2)
    with pytest.raises(InvalidInputError, match=r"column: expected a str, got int 5"):
        cs.TierModel.touch(column=5)
