"""Property tests (hypothesis) across the public API.

Each property holds for every input hypothesis draws: the movement identity per period and
segment, GRR <= min(1, NRR) per segment, partial sums of any split of the accounts merge into
the whole, Dask equals in memory, hysteresis 0 equals no hysteresis, raising values never lowers
a tier, contributions add up to the score, JSON and pickle round trips are exact for every model
type, and every output accounts for every input row.

The metrics suite keeps its own whole-book properties next to its oracles (movements and
retention against pandas, partial sums of split accounts without segments); these add segments
and the rest of the API. Examples are derandomized (a fixed sequence, the same on every run and
in CI) and few enough for the file to run in well under a minute.
"""

from __future__ import annotations

import json
import pickle
import re
from collections.abc import Callable, Iterator
from typing import Any

import cssegment as cs
import cssegment.dask as csd
import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from cssegment import _core
from cssegment._model import Model
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

# Fixed examples: reproducible in CI, no example database written next to the sources.
PROPERTY = settings(max_examples=40, deadline=None, derandomize=True, database=None)
FEW = settings(max_examples=8, deadline=None, derandomize=True, database=None)

SEGMENTS = ["a", "b", "c"]

# --------------------------------------------------------------------------------------------
# Strategies


@st.composite
def books(draw: st.DrawFn, max_accounts: int = 8, max_periods: int = 7) -> tuple[pd.DataFrame, pd.Series]:
    """Long revenue rows (duplicated rows, gaps, money from cents to 1e9) and one segment per
    account."""
    accounts = draw(st.integers(1, max_accounts))
    periods = draw(st.integers(2, max_periods))
    amount = st.one_of(st.just(0.0), st.just(0.0), st.floats(0.01, 1e9, allow_nan=False).map(lambda v: round(v, 2)))
    values = draw(st.lists(amount, min_size=accounts * periods, max_size=accounts * periods))
    rows = [(10 * a + 3, p, v) for (a, p), v in zip(np.ndindex(accounts, periods), values, strict=True) if v > 0]
    rows += [(10 * accounts + 3, 0, 1.0), (10 * accounts + 3, periods - 1, 1.0)]  # every period exists
    frame = pd.DataFrame(rows, columns=["account_id", "month", "mrr"])
    duplicated = draw(st.lists(st.integers(0, len(frame) - 1), max_size=4))
    frame = pd.concat([frame, frame.iloc[duplicated]], ignore_index=True)  # several products
    ids = np.unique(frame["account_id"])
    labels = draw(st.lists(st.sampled_from(SEGMENTS), min_size=len(ids), max_size=len(ids)))
    segments = pd.Series(pd.Categorical(labels, categories=SEGMENTS), index=ids)
    return frame, segments


money = st.floats(0.0, 1e12, allow_nan=False)
money_arrays = st.lists(money, min_size=1, max_size=40).map(np.array)


# --------------------------------------------------------------------------------------------
# Movements and retention per segment


@PROPERTY
@given(books(), st.one_of(st.none(), st.integers(0, 3)))
def test_movement_identity_holds_per_period_and_segment(
    book: tuple[pd.DataFrame, pd.Series], window: int | None
) -> None:
    rows, segments = book
    ledger = cs.RevenueLedger(rows)
    moves = ledger.movements(by=segments, reactivation_window=window)
    rebuilt = moves["start"] + moves["new"] + moves["reactivation"] + moves["expansion"]
    rebuilt -= moves["contraction"] + moves["churn"]
    scale = moves[["start", "end"]].to_numpy().max(initial=1.0)
    np.testing.assert_allclose(moves["end"], rebuilt, rtol=1e-12, atol=1e-12 * scale)
    logos = moves["logos_start"] + moves["logos_new"] + moves["logos_reactivated"] - moves["logos_churned"]
    assert (logos == moves["logos_end"]).all()
    # Segments split the book: their sums are the whole book's movements.
    whole = ledger.movements(reactivation_window=window)
    summed = moves.groupby(level="period").sum()
    np.testing.assert_allclose(summed[whole.columns.drop("quick_ratio")], whole.drop(columns="quick_ratio"), rtol=1e-12)
    # Every paying account is counted in each period it pays.
    paying = (ledger.revenue > 0).sum().to_numpy()
    np.testing.assert_array_equal(whole["logos_end"], paying[1:])
    np.testing.assert_array_equal(whole["logos_start"], paying[:-1])


@PROPERTY
@given(books(), st.integers(1, 6))
def test_grr_never_exceeds_one_or_nrr_per_segment(book: tuple[pd.DataFrame, pd.Series], horizon: int) -> None:
    rows, segments = book
    ledger = cs.RevenueLedger(rows)
    if horizon >= ledger.n_periods:  # nothing fits: refused (issue 21), not an empty table
        with pytest.raises(cs.InvalidInputError, match="reach beyond the ledger's"):
            ledger.retention(horizon=horizon, by=segments)
        return
    retention = ledger.retention(horizon=horizon, by=segments)
    paying = retention[retention["cohort_accounts"] > 0]
    assert retention.loc[retention["cohort_accounts"] == 0, ["nrr", "grr", "logo_retention"]].isna().all().all()
    assert (paying["grr"] <= 1.0).all()
    assert (paying["grr"] <= paying["nrr"]).all()
    assert paying["logo_retention"].between(0.0, 1.0).all()
    assert (paying["retained_revenue"] <= paying[["start_revenue", "end_revenue"]].min(axis=1)).all()
    assert (paying["nrr_masks_churn"] == ((paying["nrr"] >= 1) & (paying["logo_retention"] < 0.9))).all()


# --------------------------------------------------------------------------------------------
# Partial sums: any split of the accounts merges, in any order, into the whole


def core_ledger(rows: pd.DataFrame, first: int | None = None, count: int | None = None) -> Any:
    return _core.metrics.revenue_ledger.from_rows(
        rows["account_id"].to_numpy(),
        rows["month"].to_numpy().astype(np.int64),
        0,
        rows["mrr"].to_numpy(),
        first,
        count,
    )


def core_segments(ledger: Any, segments: pd.Series) -> Any:
    keys = np.asarray(ledger.account_keys)
    codes = segments.cat.codes.reindex(keys).to_numpy().astype(np.int32)
    return _core.metrics.account_segments.per_account(ledger, keys, codes, len(SEGMENTS))


PARTIALS: list[Callable[[Any, Any], Any]] = [
    lambda ledger, segments: ledger.movement_partials(segments, None),
    lambda ledger, segments: ledger.movement_partials(segments, 1),
    lambda ledger, segments: ledger.retention_partials(segments, 1),
    lambda ledger, segments: ledger.retention_partials(segments, 3),
]


@PROPERTY
@given(books(), st.integers(0, 2**32 - 1), st.integers(2, 4))
def test_partial_sums_of_any_split_merge_in_any_order(
    book: tuple[pd.DataFrame, pd.Series], seed: int, parts: int
) -> None:
    rows, segments = book
    whole = core_ledger(rows)
    rng = np.random.default_rng(seed)
    part_of = pd.Series(rng.integers(0, parts, len(segments)), index=segments.index)
    pieces = []
    for part in range(parts):
        chosen = rows[part_of.reindex(rows["account_id"]).to_numpy() == part]
        ledger = core_ledger(chosen, whole.first_period, whole.n_periods)
        pieces.append((ledger, core_segments(ledger, segments)))
    for compute in PARTIALS:
        total = compute(whole, core_segments(whole, segments))
        forward = compute(*pieces[0]).copy()
        for piece in pieces[1:]:
            forward.merge(compute(*piece))
        backward = compute(*pieces[-1]).copy()
        for piece in reversed(pieces[:-1]):
            backward.merge(compute(*piece))
        assert forward == total and backward == total
        assert _core.metrics.partial_sums.from_json(forward.to_json()) == total
        assert pickle.loads(pickle.dumps(forward)) == total


@PROPERTY
@given(books(), st.integers(0, 2**32 - 1))
def test_ledgers_of_split_accounts_hold_the_rows_of_the_whole(book: tuple[pd.DataFrame, pd.Series], seed: int) -> None:
    rows, _ = book
    whole = cs.RevenueLedger(rows)
    half = np.random.default_rng(seed).random(len(whole.accounts)) < 0.5
    chosen = pd.Series(half, index=whole.accounts)
    mask = chosen.reindex(rows["account_id"]).to_numpy()
    parts = [cs.RevenueLedger(rows[m]) for m in (mask, ~mask) if m.any()]
    combined = pd.concat([p.revenue for p in parts]).fillna(0.0).sort_index()
    assert_frame_equal(combined.reindex(columns=whole.periods, fill_value=0.0), whole.revenue, check_exact=True)
    assert sum(p.summary()["rows_read"] for p in parts) == len(rows) == whole.summary()["rows_read"]
    assert sum(p.summary()["duplicate_rows"] for p in parts) == whole.summary()["duplicate_rows"]


# --------------------------------------------------------------------------------------------
# Dask equals in memory (few examples: every one builds and runs a task graph)


@FEW
@given(books(max_accounts=12), st.integers(1, 4), st.integers(1, 4), st.one_of(st.none(), st.integers(0, 2)))
def test_dask_equals_in_memory(
    book: tuple[pd.DataFrame, pd.Series], partitions: int, horizon: int, window: int | None
) -> None:
    rows, segments = book
    rows = rows.sample(frac=1.0, random_state=partitions).reset_index(drop=True)  # histories split across partitions
    ddf = dd.from_pandas(rows, npartitions=partitions)
    ledger = cs.RevenueLedger(rows)
    with dask.config.set(scheduler="synchronous"):
        moves = csd.movements(ddf, by=segments, reactivation_window=window)
        assert_frame_equal(moves, ledger.movements(by=segments, reactivation_window=window), check_exact=True)
        if horizon >= ledger.n_periods:  # both refuse a horizon nothing fits, with one message
            with pytest.raises(cs.InvalidInputError) as in_memory:
                ledger.retention(horizon=horizon)
            with pytest.raises(cs.InvalidInputError, match=re.escape(str(in_memory.value))):
                csd.retention(ddf, horizon=horizon)
            return
        retention = csd.retention(ddf, horizon=horizon)
    assert_frame_equal(retention, ledger.retention(horizon=horizon), check_exact=True)


# --------------------------------------------------------------------------------------------
# Segmentation: hysteresis 0 is no hysteresis; raising values never lowers a segment

# Per account: ARR, a second size measure (employees / potential), a previous segment code (-1:
# none) and an amount to raise both values by.
Accounts = tuple[list[float], list[float], list[int], list[float]]
accounts_and_previous = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(0.0, 2e5, allow_nan=False), min_size=n, max_size=n),
        st.lists(st.floats(0.0, 2e5, allow_nan=False), min_size=n, max_size=n),
        st.lists(st.integers(-1, 3), min_size=n, max_size=n),
        st.lists(st.floats(0.0, 5e4, allow_nan=False), min_size=n, max_size=n),
    )
)


def previous_labels(codes: list[int], categories: list[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(np.array(codes) % (len(categories) + 1) - 1, categories)


def segment_models(hysteresis: float) -> list[cs.TierModel | cs.QuadrantModel | cs.RuleModel]:
    return [
        cs.TierModel.touch(hysteresis=hysteresis),
        cs.TierModel([5e3, 2e4, 6e4], ["s", "m", "l", "xl"], hysteresis=hysteresis),
        cs.QuadrantModel(hysteresis=hysteresis),
        cs.RuleModel.four_tier().set_params(hysteresis=hysteresis),
    ]


def axes(model: cs.TierModel | cs.QuadrantModel | cs.RuleModel) -> tuple[int, ...]:
    """Masks of the codes' axes: quadrants have two (size: bit 0, value: bit 1) that hysteresis
    and ranking treat apart; ranked segments have one (all bits)."""
    return (1, 2) if isinstance(model, cs.QuadrantModel) else (-1,)


def frame_of(arr: list[float], other: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"arr": arr, "employees": np.array(other) / 20, "potential": np.array(other) * 20})


@PROPERTY
@given(accounts_and_previous)
def test_hysteresis_zero_is_no_hysteresis(drawn: Accounts) -> None:
    arr, other, codes, _ = drawn
    frame = frame_of(arr, other)
    for model in segment_models(0.0):
        plain = model.assign(frame)
        previous = previous_labels(codes, model.categories)
        assert list(model.assign(frame, previous=previous)) == list(plain)
        assert list(model.assign(frame, previous=list(previous))) == list(plain)


@PROPERTY
@given(accounts_and_previous, st.floats(0.0, 0.5))
def test_hysteresis_keeps_the_previous_segment_or_takes_the_plain_one(drawn: Accounts, hysteresis: float) -> None:
    arr, other, codes, _ = drawn
    frame = frame_of(arr, other)
    for model in segment_models(hysteresis):
        plain = model.assign(frame)
        previous = previous_labels(codes, model.categories)
        sticky = model.assign(frame, previous=previous)
        for bit in axes(model):  # each axis keeps its previous side or takes the plain one
            kept = (sticky.codes & bit) == (previous.codes & bit)
            plain_side = (sticky.codes & bit) == (plain.codes & bit)
            assert (plain_side | (kept & (previous.codes >= 0))).all()
        assert list(model.assign(frame)) == list(plain)  # no previous: no hysteresis


@PROPERTY
@given(accounts_and_previous, st.floats(0.0, 0.5))
def test_raising_every_value_never_lowers_a_segment(drawn: Accounts, hysteresis: float) -> None:
    arr, other, codes, raise_by = drawn
    low = frame_of(arr, other)
    high = frame_of(list(np.array(arr) + raise_by), list(np.array(other) + raise_by))
    for model in segment_models(hysteresis):
        previous = previous_labels(codes, model.categories)
        for given_previous in (None, previous):
            before = model.assign(low, previous=given_previous)
            after = model.assign(high, previous=given_previous)
            for bit in axes(model):
                assert ((after.codes & bit) >= (before.codes & bit)).all()


@PROPERTY
@given(
    st.integers(1, 40).flatmap(
        lambda n: st.tuples(
            st.lists(st.one_of(st.none(), st.floats(0, 10)), min_size=n, max_size=n),
            st.lists(st.one_of(st.none(), st.floats(0, 100)), min_size=n, max_size=n),
            st.lists(st.floats(0, 50), min_size=n, max_size=n),
        )
    ),
    st.sampled_from(["renormalize", "penalize"]),
    st.sampled_from(["weighted", "worst"]),
)
def test_scores_add_up_and_never_fall_when_measures_improve(
    drawn: tuple[list[float | None], list[float | None], list[float]], missing: str, combine: str
) -> None:
    nps, usage, raise_by = drawn
    frame = pd.DataFrame({"nps": pd.array(nps, dtype="Float64"), "usage": pd.array(usage, dtype="Float64")})
    frame.index = frame.index * 3 + 1
    card = cs.Scorecard(
        [cs.Measure("nps", cs.Linear(0, 10), weight=2.0), cs.Measure("usage", cs.Bands([20, 60], [0, 40, 100]))],
        combine=combine,
        missing=missing,
    )
    scores = card.score(frame)
    assert scores.index.equals(frame.index)
    contributions = scores[["contrib_nps", "contrib_usage"]].sum(axis=1, min_count=1)
    scored = scores["score"].notna()
    np.testing.assert_allclose(contributions[scored], scores.loc[scored, "score"], rtol=1e-12, atol=1e-12)
    assert scores.loc[scored, "score"].between(0, 100).all()
    better = frame + pd.Series(raise_by, index=frame.index).to_numpy()[:, None]
    improved = card.score(better)["score"]
    assert (improved[scored] >= scores.loc[scored, "score"] - 1e-12).all()


# --------------------------------------------------------------------------------------------
# JSON and pickle round trips are exact, for every model type, fitted and unfitted

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)


@st.composite
def models(draw: st.DrawFn) -> list[Model]:
    labels = draw(st.lists(names, min_size=3, max_size=5, unique=True))
    cuts = draw(st.lists(st.floats(0.0, 1e12, allow_nan=False), min_size=len(labels) - 1, max_size=len(labels) - 1))
    thresholds = np.cumsum(np.array(cuts) + 1.0).tolist()
    hysteresis = draw(st.floats(0.0, 0.9))
    ratios = draw(st.lists(st.one_of(st.none(), st.floats(0.5, 1e4)), min_size=len(labels), max_size=len(labels)))
    seed = draw(st.integers(0, 2**63 - 1))
    rng = np.random.default_rng(seed % 2**32)
    data = pd.DataFrame({"arr": rng.lognormal(9, 2, 60), "usage": rng.uniform(0, 100, 60), "seg": "x"})
    data["churned"] = (rng.random(60) < 1 / (1 + np.exp(0.05 * (data["usage"] - 50)))).astype(float)
    data.loc[:1, "churned"] = [0.0, 1.0]  # both outcomes
    card = cs.Scorecard(
        [
            cs.Measure("usage", cs.Linear(draw(st.floats(-10, 10)), 100.0), weight=draw(st.floats(0.1, 5))),
            cs.Measure("arr", cs.Percentile(), weight=1.0),
        ],
        bands={labels[0]: 0.0, labels[1]: draw(st.floats(1, 99))},
    )
    kmeans = cs.KMeans(
        draw(st.integers(1, 3)), n_init=1, scale=draw(st.sampled_from(["standard", "log", None])), seed=seed
    )
    sbg = cs.ShiftedBetaGeometric(draw(st.floats(1e-4, 1e4)), draw(st.floats(1e-4, 1e4)))
    return [
        cs.TierModel(thresholds, labels, csm_ratios=ratios, hysteresis=hysteresis),
        cs.QuadrantModel(size_threshold=thresholds[0], value_threshold=thresholds[-1], hysteresis=hysteresis),
        cs.RuleModel(
            [cs.Segment(labels[0], f"arr >= {thresholds[0]!r} or usage < 5", ratios[0]), cs.Segment(labels[1], "true")],
            default=labels[-1],
            hysteresis=hysteresis,
        ),
        kmeans,
        cs.KMeans(1).set_params(seed=seed).fit(data[["arr", "usage"]]) if seed % 2 else kmeans.fit(data[["arr"]]),
        cs.CadencePolicy({labels[0]: draw(st.floats(1, 90)), labels[1]: 30.0}),
        card,
        card.fit(data) if seed % 3 else cs.Scorecard([cs.Measure("usage", cs.ZScore(by="seg"))]).fit(data),
        card.fit(data).calibrate(data, "churned", l2=draw(st.floats(0.01, 10))),
        cs.ScorecardSet({labels[0]: card}, default=card, by="seg"),
        cs.ScorecardSet({"x": card}, by="seg").fit(data),
        cs.ShiftedBetaGeometric(),
        sbg,
        cs.ShiftedBetaGeometric().fit(np.round(1e6 * sbg.survival(np.arange(8)))),
    ]


def model_types() -> set[type[Model]]:
    def below(cls: type[Model]) -> Iterator[type[Model]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    return {cls for cls in below(Model) if "_core_type" in vars(cls)}  # concrete models, not shared bases


@PROPERTY
@given(models())
def test_json_and_pickle_round_trips_are_exact(drawn: list[Model]) -> None:
    assert {type(m) for m in drawn} == model_types()  # a new model type must be added here
    for model in drawn:
        text = model.to_json()
        assert json.loads(text)["cssegment_version"] == cs.__version__
        again = type(model).from_json(text)
        assert again == model
        assert again.to_json() == text
        assert pickle.loads(pickle.dumps(model)) == model
        assert again.get_params().keys() == model.get_params().keys()


# --------------------------------------------------------------------------------------------
# Every output accounts for every input row


@PROPERTY
@given(money_arrays, st.lists(st.integers(0, 2), min_size=40, max_size=40), st.integers(0, 1000))
def test_segmentation_outputs_have_a_row_per_input_row(arr: np.ndarray, before_codes: list[int], shift: int) -> None:
    n = len(arr)
    frame = pd.DataFrame({"arr": arr, "employees": arr / 100, "potential": arr}, index=np.arange(n) * 7 + shift)
    model = cs.TierModel.touch(csm_ratios=[None, 100, 15])  # tech touch: no CSM
    tiers = model.assign(frame)
    assert len(tiers) == n
    before = pd.Categorical.from_codes(np.array(before_codes[:n]), model.categories)
    for other in (cs.QuadrantModel(), cs.RuleModel.four_tier()):
        assert len(other.assign(frame)) == n
    moves = cs.transitions(before, tiers, weights=frame["arr"])
    counts = cs.transitions(before, tiers)
    assert counts["total"].sum() == n
    assert counts[["upgraded", "downgraded", "unchanged"]].sum().sum() == n
    np.testing.assert_allclose(moves["total"].sum(), arr.sum(), rtol=1e-12)
    plan = cs.coverage(tiers, model, frame["arr"], csm_cost=1e5)
    assert plan["accounts"].sum() == n
    np.testing.assert_allclose(plan["arr"].sum(), arr.sum(), rtol=1e-12)
    if n >= 2:
        clusters = cs.KMeans(min(2, len(np.unique(arr))), n_init=1, scale="log").fit_predict(frame[["arr"]])
        assert clusters.index.equals(frame.index)
    accounts = frame.assign(segment=np.asarray(tiers), tenure_days=400.0, renewal_days=200.0)
    roster = pd.DataFrame(
        {"csm": ["h1", "h2", "l1"], "segment": ["High touch", "High touch", "Low touch"], "capacity": [n, n, n]}
    )
    owners = cs.assign_owners(accounts, "segment", roster, csm_ratios=model)
    assert owners.owners.index.equals(frame.index)
    staffed = accounts["segment"].isin(["High touch", "Low touch"]).to_numpy()
    assert owners.owners.notna().to_numpy().tolist() == staffed.tolist()
    assert owners.books["accounts"].sum() == staffed.sum()
    assert owners.kept == owners.reassigned == 0  # no previous owners
    schedule = cs.CadencePolicy({"Tech touch": 90, "Low touch": 30, "High touch": 14}).schedule(
        accounts, "segment", csm_ratios=model
    )
    assert schedule.index.equals(frame.index)
    assert (schedule["channel"] == np.where(staffed, "csm", "digital")).all()


@PROPERTY
@given(books())
def test_ledger_outputs_account_for_every_row_and_account(book: tuple[pd.DataFrame, pd.Series]) -> None:
    rows, segments = book
    ledger = cs.RevenueLedger(rows)
    summary = ledger.summary()
    assert summary["rows_read"] == len(rows)
    assert summary["accounts"] == rows["account_id"].nunique() == len(ledger.revenue)
    assert summary["duplicate_rows"] == rows.duplicated(["account_id", "month"]).sum()
    np.testing.assert_allclose(ledger.revenue.to_numpy().sum(), rows["mrr"].sum(), rtol=1e-12)
    cohorts = ledger.cohorts("logos", include_first_period=True, normalize=False)
    first = ledger.revenue.gt(0).idxmax(axis=1)
    assert cohorts[0].sum() == len(first) == first.groupby(first).size().sum()
    split = ledger.survivors(by=segments, include_first_period=True)
    assert split[0].sum() == len(first)
    retention = ledger.retention(horizon=1, by=segments)
    paying = (ledger.revenue > 0).sum().to_numpy()
    np.testing.assert_array_equal(retention["cohort_accounts"].groupby(level="period").sum(), paying[:-1])
