"""Any frame in: the main workflows give identical results on pandas, polars and pyarrow inputs.

Every input is built from the same pandas data (``pl.from_pandas`` / ``pa.Table.from_pandas``), so
missing values arrive as Arrow nulls, categoricals as polars ``Categorical`` / Arrow dictionaries and
true/false columns as Arrow booleans; the results must equal the pandas ones exactly.
"""

from __future__ import annotations

from typing import Any

import cssegment as cs
import numpy as np
import pandas as pd
import pandas.testing as pdt
import polars as pl
import pyarrow as pa
import pytest
from cssegment import _frame

BOOK = cs.datasets.synthetic_book(400, seed=3)
ACCOUNTS = BOOK.accounts.drop(columns=["start_month"])
# Integer months: a period the three libraries spell alike.
REVENUE = BOOK.revenue.assign(month=lambda r: (r["month"] - r["month"].min()).apply(lambda offset: offset.n))


def as_kind(frame: pd.DataFrame, kind: str) -> Any:
    if kind == "pandas":
        return frame
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table if kind == "pyarrow" else pl.from_arrow(table)


def column_as(values: pd.Series, kind: str) -> Any:
    if kind == "pandas":
        return values
    array = pa.Array.from_pandas(values)
    return array if kind == "pyarrow" else pl.from_arrow(array)


KINDS = ["pandas", "polars", "pyarrow"]
CARD = cs.Scorecard(
    [
        cs.Measure("seats_used_pct", cs.Linear(0, 100), weight=2),
        cs.Measure("nps", cs.Linear(0, 10)),  # missing values: NaN in pandas, nulls in Arrow
        cs.Measure("logins_per_user", cs.Percentile(by="industry")),
        cs.Measure("tickets_90d", cs.Linear(10, 0)),
        cs.Measure("exec_sponsor", cs.Boolean()),
    ]
)


def pandas_result(workflow: Any) -> Any:
    return workflow(ACCOUNTS, REVENUE, "pandas")


def tiers(accounts: Any, _: Any, kind: str) -> Any:
    return pd.Series(cs.TierModel.touch().assign(accounts))


def rules(accounts: Any, _: Any, kind: str) -> Any:
    return pd.Series(cs.RuleModel.four_tier().assign(accounts))


def quadrants(accounts: Any, _: Any, kind: str) -> Any:
    return pd.Series(cs.QuadrantModel().assign(accounts))


def tier_transitions(accounts: Any, _: Any, kind: str) -> Any:
    model = cs.TierModel.touch()
    before = pd.Series(model.assign(ACCOUNTS), dtype=object)
    after = pd.Series(model.assign(ACCOUNTS["arr"] * 1.3), dtype=object)
    return cs.transitions(column_as(before, kind), column_as(after, kind), weights=column_as(ACCOUNTS["arr"], kind))


def movements(_: Any, revenue: Any, kind: str) -> Any:
    return cs.RevenueLedger(revenue, period="month").movements()


def retention(_: Any, revenue: Any, kind: str) -> Any:
    return cs.RevenueLedger(revenue, period="month").retention(horizon=6)


def segmented_movements(_: Any, revenue: Any, kind: str) -> Any:
    rows = REVENUE[["account_id", "month"]].assign(segment=np.where(REVENUE["mrr"] > 1_000, "Large", "Small"))
    return cs.RevenueLedger(revenue, period="month").movements(by=as_kind(rows, kind))


def score(accounts: Any, _: Any, kind: str) -> Any:
    return CARD.fit(accounts).score(accounts)


def calibrate(accounts: Any, _: Any, kind: str) -> Any:
    model = CARD.fit(accounts).calibrate(accounts, "churned")
    return pd.concat([model.coef_, pd.Series({"intercept": model.intercept_})])


def backtest(accounts: Any, _: Any, kind: str) -> Any:
    result = CARD.fit(accounts).backtest(accounts, "churned")
    return pd.concat([result.deciles, result.bands.reset_index(drop=True)], keys=[str(result.auc), "bands"])


def kmeans(accounts: Any, _: Any, kind: str) -> Any:
    features = as_kind(ACCOUNTS[["arr", "employees", "seats_used_pct"]], kind)
    model = cs.KMeans(n_clusters=3, seed=1).fit(features)
    return pd.DataFrame({"label": model.predict(features), "fit_label": model.fit_predict(features)})


def sbg(_: Any, revenue: Any, kind: str) -> Any:
    survivors = cs.RevenueLedger(REVENUE, period="month").survivors().iloc[0].dropna()
    model = cs.ShiftedBetaGeometric().fit(column_as(survivors.reset_index(drop=True), kind))
    return pd.Series({"alpha": model.alpha_, "beta": model.beta_})


WORKFLOWS = [
    tiers,
    rules,
    quadrants,
    tier_transitions,
    movements,
    retention,
    segmented_movements,
    score,
    calibrate,
    backtest,
    kmeans,
    sbg,
]


@pytest.mark.parametrize("kind", ["polars", "pyarrow"])
@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.__name__)
def test_same_results_as_pandas(workflow: Any, kind: str) -> None:
    expected = pandas_result(workflow)
    got = workflow(as_kind(ACCOUNTS, kind), as_kind(REVENUE, kind), kind)
    if isinstance(expected, pd.DataFrame):
        pdt.assert_frame_equal(got, expected, check_exact=True)
    else:
        pdt.assert_series_equal(got, expected, check_exact=True)


def test_inputs_are_what_the_test_means() -> None:
    """The Arrow inputs carry nulls, dictionaries and booleans: the cases the conversion handles."""
    table = as_kind(ACCOUNTS, "pyarrow")
    assert table.column("nps").null_count == ACCOUNTS["nps"].isna().sum() > 0
    assert pa.types.is_dictionary(table.column("industry").type)
    assert as_kind(ACCOUNTS, "polars")["industry"].dtype == pl.Categorical
    assert table.column("exec_sponsor").type == pa.bool_()


@pytest.mark.parametrize("kind", KINDS)
def test_lazy_and_capsule_inputs(kind: str) -> None:
    """A polars LazyFrame is collected; any Arrow PyCapsule object is read as a table."""
    expected = cs.TierModel.touch().assign(ACCOUNTS)

    class Capsule:  # only the Arrow PyCapsule stream interface, as DuckDB or nanoarrow give it
        def __init__(self, table: pa.Table) -> None:
            self.table = table

        def __arrow_c_stream__(self, requested_schema: object = None) -> object:
            return self.table.__arrow_c_stream__(requested_schema)

    inputs = {
        "pandas": ACCOUNTS,
        "polars": pl.from_pandas(ACCOUNTS).lazy(),
        "pyarrow": Capsule(as_kind(ACCOUNTS, "pyarrow")),
    }
    assert list(cs.TierModel.touch().assign(inputs[kind])) == list(expected)


def test_record_batch_chunked_array_and_array() -> None:
    batch = pa.RecordBatch.from_pandas(ACCOUNTS, preserve_index=False)
    assert list(cs.TierModel.touch().assign(batch)) == list(cs.TierModel.touch().assign(ACCOUNTS))
    arr = ACCOUNTS["arr"].to_numpy()
    chunked = pa.chunked_array([arr[:100], arr[100:]])
    assert list(cs.TierModel.touch().assign(chunked)) == list(cs.TierModel.touch().assign(arr))


def test_numbers_reach_the_core_without_a_copy() -> None:
    """A numeric Arrow column without nulls is read through a view of its buffer: same address."""
    table = pa.table({"arr": np.linspace(1.0, 100_000.0, 1_000)})
    buffer = table.column("arr").chunk(0).buffers()[1].address
    converted = _frame.numeric(_frame.column(table, "arr"), "arr")
    assert converted.__array_interface__["data"][0] == buffer
    frame = pl.from_arrow(table)
    converted = _frame.numeric(_frame.column(frame, "arr"), "arr")
    assert converted.__array_interface__["data"][0] == frame["arr"].to_arrow().buffers()[1].address


def test_nulls_are_missing_values() -> None:
    """An Arrow null is a missing value: the same error as NaN where values are required."""
    for values in (pa.array([1.0, None]), pl.Series([1.0, None]), pd.Series([1.0, np.nan])):
        with pytest.raises(cs.InvalidInputError, match=r"arr\[1\] = nan: missing value"):
            cs.QuadrantModel().assign({"employees": [1.0, 2.0], "arr": values})


def test_enum_and_dictionary_labels_as_pandas_categoricals() -> None:
    """Enum / dictionary columns keep their categories and order, like pandas categoricals."""
    labels = pd.Series(pd.Categorical(["b", "a", "b"], categories=["b", "a", "c"], ordered=True))
    enum = pl.Series(["b", "a", "b"], dtype=pl.Enum(["b", "a", "c"]))
    dictionary = pa.array(["b", "a", "b"]).dictionary_encode()
    expected = cs.transitions(labels, labels)
    pdt.assert_frame_equal(cs.transitions(enum, enum), expected)
    in_dictionary_order = pd.Categorical(["b", "a", "b"], categories=["b", "a"])  # as Table.to_pandas gives
    pdt.assert_series_equal(_frame.native(dictionary), pd.Series(in_dictionary_order))


def test_refused_object_names_its_library() -> None:
    with pytest.raises(cs.InvalidInputError, match=r"mapping of columns, got set$"):
        cs.QuadrantModel().assign({1, 2})


# ---- results out: output="polars" -----------------------------------------------------------

LEDGER = cs.RevenueLedger(REVENUE, period="month")
FITTED = CARD.fit(ACCOUNTS)
KMEANS = cs.KMeans(n_clusters=3, seed=1).fit(ACCOUNTS[["arr", "employees"]])
TABLES = {
    "TierModel.assign": lambda output: cs.TierModel.touch().assign(ACCOUNTS, output=output),
    "RuleModel.assign": lambda output: cs.RuleModel.four_tier().assign(ACCOUNTS, output=output),
    "QuadrantModel.assign": lambda output: cs.QuadrantModel().assign(ACCOUNTS, output=output),
    "transitions": lambda output: cs.transitions(
        cs.TierModel.touch().assign(ACCOUNTS), cs.TierModel.touch().assign(ACCOUNTS["arr"] * 1.3), output=output
    ),
    "coverage": lambda output: cs.coverage(cs.TierModel.touch().assign(ACCOUNTS), cs.TierModel.touch(), output=output),
    "movements": lambda output: LEDGER.movements(output=output),
    "retention": lambda output: LEDGER.retention(horizon=3, output=output),
    "cohorts": lambda output: LEDGER.cohorts(output=output),
    "Scorecard.score": lambda output: FITTED.score(ACCOUNTS, output=output),
    "Scorecard.transform": lambda output: FITTED.transform(ACCOUNTS, output=output),
    "ScorecardSet.score": lambda output: cs.ScorecardSet({"a": FITTED}, default=FITTED, by="region").score(
        ACCOUNTS, output=output
    ),
    "CalibratedScorecard.score": lambda output: FITTED.calibrate(ACCOUNTS).score(ACCOUNTS, output=output),
    "CalibratedScorecard.predict_proba": lambda output: FITTED.calibrate(ACCOUNTS).predict_proba(
        ACCOUNTS, output=output
    ),
    "Backtest.deciles": lambda output: FITTED.backtest(ACCOUNTS, output=output).deciles,
    "Backtest.bands": lambda output: FITTED.backtest(ACCOUNTS, output=output).bands,
    "KMeans.predict": lambda output: KMEANS.predict(ACCOUNTS[["arr", "employees"]], output=output),
    "KMeans.profile": lambda output: KMEANS.profile(ACCOUNTS, output=output),
}


def _as_polars_expected(result: Any) -> pd.DataFrame:
    """The pandas result as output="polars" promises it: an informative index first, as columns."""
    if isinstance(result, pd.Categorical):
        result = pd.Series(result)
    frame = result.to_frame(name=result.name or "") if isinstance(result, pd.Series) else result
    index = frame.index
    if not (isinstance(index, pd.RangeIndex) and index.name is None and index.start == 0 and index.step == 1):
        frame = frame.reset_index()
    return frame


@pytest.mark.parametrize("name", TABLES)
def test_output_polars_has_the_same_columns_order_and_values(name: str) -> None:
    expected = _as_polars_expected(TABLES[name]("pandas"))
    got = TABLES[name]("polars")
    frame = got.to_frame() if isinstance(got, pl.Series) else got
    assert isinstance(got, (pl.DataFrame, pl.Series))
    assert frame.columns == [str(c) for c in expected.columns]
    for position, column in enumerate(expected.columns):
        values, polars_values = expected[column], frame.to_series(position)
        if isinstance(values.dtype, pd.CategoricalDtype):
            assert polars_values.dtype == pl.Enum([str(c) for c in values.cat.categories])
            values = values.astype(object).where(values.notna(), None)
        elif isinstance(values.dtype, pd.PeriodDtype):
            values = values.dt.to_timestamp().dt.date
        assert polars_values.to_list() == [None if v is None or v != v else v for v in values.tolist()], column


def test_set_output_is_the_default_of_every_call() -> None:
    cs.set_output("polars")
    try:
        assert isinstance(FITTED.score(ACCOUNTS), pl.DataFrame)
        assert isinstance(FITTED.score(ACCOUNTS, output="pandas"), pd.DataFrame)
        # Methods that use others inside (backtest uses score) still work.
        assert isinstance(FITTED.backtest(ACCOUNTS).bands, pl.DataFrame)
    finally:
        cs.set_output("pandas")
    assert isinstance(FITTED.score(ACCOUNTS), pd.DataFrame)


def test_models_and_scorecards_read_only_the_columns_they_use() -> None:
    """A column no conversion rule covers (a list column) does not matter where it is not read."""
    frame = pl.from_pandas(ACCOUNTS[["arr", "seats_used_pct"]]).with_columns(tags=pl.lit([1, 2]))
    assert list(cs.TierModel.touch().assign(frame)) == list(cs.TierModel.touch().assign(ACCOUNTS))
    card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100))])
    pdt.assert_frame_equal(card.score(frame), card.score(ACCOUNTS.reset_index(drop=True)))
    columns = _frame.native(frame, lazy=True)
    assert isinstance(columns, _frame.Columns) and columns.rows == len(ACCOUNTS) and list(columns) == frame.columns


def test_duckdb_query_results_are_collected_and_read() -> None:
    import duckdb

    revenue = REVENUE  # noqa: F841 -- the name DuckDB's query reads
    relation = duckdb.sql("select account_id, month, sum(mrr) as mrr from revenue group by all order by all")
    pdt.assert_frame_equal(
        cs.RevenueLedger(relation, period="month").movements(), cs.RevenueLedger(REVENUE, period="month").movements()
    )


@pytest.mark.parametrize("kind", KINDS)
def test_values_keyed_by_account_as_frames(kind: str) -> None:
    """`by=` segments and `hierarchy=` parents as a frame of the account column and one value column
    give what a pandas Series indexed by account id gives; a polars / Arrow Series is refused."""
    ledger = cs.RevenueLedger(REVENUE)
    segments = ACCOUNTS[["account_id"]].assign(tier=cs.TierModel.touch().assign(ACCOUNTS))
    by_series = segments.set_index("account_id")["tier"]
    pdt.assert_frame_equal(ledger.retention(by=as_kind(segments, kind)), ledger.retention(by=by_series))
    pdt.assert_frame_equal(ledger.movements(by=as_kind(segments, kind)), ledger.movements(by=by_series))
    ids = ACCOUNTS["account_id"]
    parents = pd.Series(ids.iloc[0], index=ids.iloc[1:21].to_numpy(), name="parent")  # 20 subsidiaries of one
    keyed = parents.rename_axis("account_id").reset_index()
    rolled = cs.RevenueLedger(as_kind(REVENUE, kind), hierarchy=as_kind(keyed, kind))
    pdt.assert_frame_equal(rolled.revenue, cs.RevenueLedger(REVENUE, hierarchy=parents).revenue)
    if kind != "pandas":
        with pytest.raises(cs.InvalidInputError, match=r"^by: a .* has no account ids"):
            ledger.retention(by=column_as(segments["tier"], kind))
        with pytest.raises(cs.InvalidInputError, match=r"^hierarchy: a .* has no account ids"):
            cs.RevenueLedger(REVENUE, hierarchy=column_as(parents, kind))


# ----------------------------------------------------------------------------------------------
# Float columns with nulls reach the scoring pass as their values and validity bitmap, unfilled.

_ROWS = 2_500  # more than two blocks of the core's normalising pass
_RANDOM = np.random.default_rng(15)
_NULLS = pd.DataFrame(
    {
        "logins": np.where(_RANDOM.random(_ROWS) < 0.3, np.nan, _RANDOM.integers(0, 30, _ROWS).astype(float)),
        "sponsor": np.where(_RANDOM.random(_ROWS) < 0.2, np.nan, _RANDOM.integers(0, 2, _ROWS).astype(float)),
        "usage": np.where(_RANDOM.random(_ROWS) < 0.1, np.nan, _RANDOM.normal(50.0, 10.0, _ROWS)),
        "visits": np.where(_RANDOM.random(_ROWS) < 0.2, np.nan, _RANDOM.integers(0, 30, _ROWS).astype(float)),
        "none": np.full(_ROWS, np.nan),
    }
)
_CARD = cs.Scorecard(
    [
        cs.Measure("logins", cs.Linear(0, 20), weight=2),
        cs.Measure("sponsor", cs.Boolean()),
        cs.Measure("usage", cs.Percentile()),
        cs.Measure("visits", cs.Trend(1, bad=-0.5, good=0.5, earlier="logins")),  # both read as NaN there
        cs.Measure("none", cs.Linear(0, 1)),
    ]
).fit(_NULLS)


def _arrow_nulls(frame: pd.DataFrame) -> pa.Table:
    """NaN as Arrow nulls over values the scorecard would score (or refuse): 2.0, not NaN."""
    return pa.table({name: pa.array(frame[name].fillna(2.0), mask=frame[name].isna()) for name in frame.columns})


def _masked_inputs(frame: pd.DataFrame) -> dict[str, Any]:
    """The frame as polars, as one Arrow chunk, as several chunks, and sliced (bit offset 3, not 0)."""
    table = _arrow_nulls(frame)
    return {
        "polars": pl.from_arrow(table),
        "arrow": table,
        "chunks": pa.Table.from_batches(table.to_batches(max_chunksize=700)),
        "sliced": _arrow_nulls(pd.concat([frame.iloc[:3], frame])).slice(3),
    }


@pytest.mark.parametrize("kind", ["polars", "arrow", "chunks", "sliced"])
def test_scores_of_arrow_nulls_equal_pandas_nan(kind: str) -> None:
    """score and transform read Arrow nulls through the bitmap exactly as pandas NaN."""
    data = _masked_inputs(_NULLS)[kind]
    assert sum(column.null_count for column in pa.table(data).columns) > _ROWS  # nulls, not NaN
    for combine in ("weighted", "worst"):
        card = cs.Scorecard(_CARD.measures, combine=combine).fit(_NULLS)
        pdt.assert_frame_equal(card.score(data), card.score(_NULLS), check_exact=True)
        pdt.assert_frame_equal(card.transform(data), card.transform(_NULLS), check_exact=True)


def test_arrow_nulls_reach_the_core_as_views_of_their_buffers() -> None:
    """No filled copy: the values and the bitmap the core reads are the Arrow buffers, at their offset."""
    inputs = _masked_inputs(_NULLS)
    for kind in ("arrow", "sliced", "polars"):
        arrow = pa.table(inputs[kind]).column("logins")
        assert arrow.num_chunks == 1
        validity, values = arrow.chunk(0).buffers()
        masked = _frame.native(inputs[kind], lazy=True).masked("logins")
        assert masked is not None
        floats, bits, offset = masked
        assert offset == arrow.chunk(0).offset == (3 if kind == "sliced" else 0)
        assert floats.__array_interface__["data"][0] == values.address + 8 * offset and len(floats) == _ROWS
        assert bits.__array_interface__["data"][0] == validity.address
        assert np.shares_memory(floats, np.frombuffer(values, np.float64))
    columns = _frame.native(inputs["chunks"], lazy=True)
    combined = columns.masked("logins")
    assert combined is not None and combined[2] == 0 and len(combined[0]) == _ROWS  # combined: one chunk
    # other columns (no nulls, not float64, read already, absent) are converted by __getitem__ as before
    others = _frame.native(pl.DataFrame({"full": [1.0, 2.0], "ints": [1, None], "read": [1.0, None]}), lazy=True)
    assert others["read"].isna().tolist() == [False, True]
    assert [others.masked(name) for name in ("full", "ints", "read", "nope")] == [None] * 4
