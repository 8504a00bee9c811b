"""cssegment.dask on a real LocalCluster (2 worker processes) and on the local schedulers equals
the in-memory results exactly."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator

import cssegment as cs
import cssegment.dask as csd
import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from dask.distributed import Client, LocalCluster
from pandas.testing import assert_frame_equal


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        Client(cluster) as connected,
    ):
        yield connected


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    """A book with holes (churn and returns), duplicated rows and rows in random order, so that
    partitions split accounts' histories until the shuffle brings them together."""
    book = cs.datasets.synthetic_book(n_accounts=2000, n_months=24, seed=11)
    revenue = book.revenue
    rng = np.random.default_rng(2)
    revenue = revenue[rng.random(len(revenue)) > 0.05]
    duplicates = revenue.sample(frac=0.05, random_state=3)
    revenue = pd.concat([revenue, duplicates], ignore_index=True).sample(frac=1.0, random_state=4)
    tier = np.where(revenue["mrr"] >= 2_000, "large", "small")
    return revenue.assign(tier=pd.Categorical(tier, categories=["small", "large"], ordered=True)).reset_index(drop=True)


@pytest.fixture(scope="module")
def stacked() -> pd.DataFrame:
    """Three to six rows for every account and month whose float sum depends on the order in which
    they are added (0.1 + 0.2 + 0.3, 1 + 1 + 1e16), in random order over the input."""
    rng = np.random.default_rng(5)
    cells = pd.MultiIndex.from_product([np.arange(300), pd.period_range("2024-01", periods=8, freq="M")])
    repeats = rng.integers(3, 7, len(cells))
    amounts = np.array([0.1, 0.2, 0.3, 1.0, 1e16, 3e15 / 7, 1 / 3])
    account, month = (np.repeat(cells.get_level_values(level), repeats) for level in (0, 1))
    rows = pd.DataFrame({"account_id": account, "month": month, "mrr": rng.choice(amounts, repeats.sum())})
    return rows.sample(frac=1.0, random_state=6).reset_index(drop=True)


@pytest.fixture(scope="module")
def industries() -> pd.Series:
    accounts = cs.datasets.synthetic_book(n_accounts=2000, n_months=24, seed=11).accounts
    return pd.Series(accounts["industry"].array, index=accounts["account_id"])


@pytest.mark.parametrize("window", [None, 1])
def test_movements_equal_in_memory(client: Client, rows: pd.DataFrame, window: int | None) -> None:
    ddf = dd.from_pandas(rows, npartitions=5)
    expected = cs.RevenueLedger(rows).movements(reactivation_window=window)
    got = csd.movements(ddf, reactivation_window=window)
    assert_frame_equal(got, expected, check_exact=True)
    assert (got["logos_reactivated"] > 0).any()


def test_retention_equal_in_memory_by_account_segment(
    client: Client, rows: pd.DataFrame, industries: pd.Series
) -> None:
    ddf = dd.from_pandas(rows, npartitions=4)
    expected = cs.RevenueLedger(rows).retention(horizon=6, by=industries)
    got = csd.retention(ddf, horizon=6, by=industries)
    assert_frame_equal(got, expected, check_exact=True)
    assert got.index.names == ["period", "segment"]


@pytest.mark.parametrize(
    ("scheduler", "shuffle"),
    [("sync", "disk"), ("threads", "disk"), ("sync", "tasks"), ("distributed", "tasks"), ("distributed", "p2p")],
)
def test_rows_of_one_cell_are_summed_in_input_order(
    client: Client, stacked: pd.DataFrame, scheduler: str, shuffle: str
) -> None:
    """The shuffle brings a cell's rows together in an order of its own (the disk shuffle's, the
    default without a distributed client, varies from run to run); each cell is still the exact
    sum of its rows rounded once (math.fsum), as in memory, whatever their order."""
    cell_sums = stacked.groupby(["account_id", "month"])["mrr"]
    reversed_sums = stacked[::-1].groupby(["account_id", "month"])["mrr"]
    in_order = cell_sums.agg(lambda amounts: sum(amounts.tolist()))
    backwards = reversed_sums.agg(lambda amounts: sum(amounts.tolist()))
    assert (in_order != backwards).mean() > 0.2  # the order of the rows matters to a plain sum
    ledger = cs.RevenueLedger(stacked)
    np.testing.assert_array_equal(ledger.revenue.to_numpy().ravel(), cell_sums.agg(math.fsum).to_numpy())
    np.testing.assert_array_equal(cs.RevenueLedger(stacked[::-1]).revenue.to_numpy(), ledger.revenue.to_numpy())
    movements, retention = ledger.movements(), ledger.retention(horizon=4)
    chosen = client if scheduler == "distributed" else scheduler
    with dask.config.set({"scheduler": chosen, "dataframe.shuffle.method": shuffle}):
        for partitions in (2, 5, 11):
            ddf = dd.from_pandas(stacked, npartitions=partitions)
            assert_frame_equal(csd.movements(ddf), movements, check_exact=True)
            assert_frame_equal(csd.retention(ddf, horizon=4), retention, check_exact=True)
        assert_frame_equal(csd.movements(ddf, progress=True), movements, check_exact=True)


def test_segment_column_equals_the_long_frame_in_memory(client: Client, rows: pd.DataFrame) -> None:
    ddf = dd.from_pandas(rows, npartitions=3)
    long = rows[["account_id", "month", "tier"]].drop_duplicates(["account_id", "month"])
    ledger = cs.RevenueLedger(rows)
    # Duplicated rows carry the same tier, so the long frame is consistent.
    assert_frame_equal(csd.retention(ddf, horizon=3, by="tier"), ledger.retention(horizon=3, by=long), check_exact=True)
    moves = csd.movements(ddf, by="tier", reactivation_window=2)
    assert_frame_equal(moves, ledger.movements(by=long, reactivation_window=2), check_exact=True)
    # Tiers change with revenue, so the equality covers the moves between segments.
    assert (moves.groupby(level="period")["logos_moved_in"].sum() > 0).all()
    assert moves["moved_in"].sum() == pytest.approx(moves["moved_out"].sum(), rel=1e-12)


def test_unknown_categories_are_found(client: Client, rows: pd.DataFrame) -> None:
    ddf = dd.from_pandas(rows, npartitions=3)
    unknown = ddf.assign(tier=ddf["tier"].cat.as_unknown())
    assert not unknown["tier"].cat.known
    assert_frame_equal(csd.movements(unknown, by="tier"), csd.movements(ddf, by="tier"), check_exact=True)


def test_string_ids_and_integer_periods(client: Client, rows: pd.DataFrame) -> None:
    renamed = rows.assign(
        account_id="acct-" + rows["account_id"].astype(str),
        month=rows["month"].array.asi8 - rows["month"].array.asi8.min(),
    )
    ddf = dd.from_pandas(renamed, npartitions=4)
    assert_frame_equal(csd.movements(ddf), cs.RevenueLedger(renamed).movements(), check_exact=True)


def test_bad_input_is_named(client: Client, rows: pd.DataFrame) -> None:
    ddf = dd.from_pandas(rows, npartitions=2)
    with pytest.raises(cs.InvalidInputError, match="horizon: 0 must be >= 1"):
        csd.retention(ddf, horizon=0)
    with pytest.raises(cs.InvalidInputError, match="no column 'arr'") as in_dask:
        csd.movements(ddf, amount="arr")
    with pytest.raises(cs.InvalidInputError) as in_memory:
        cs.RevenueLedger(rows[list(ddf.columns)], amount="arr")
    assert str(in_dask.value) == str(in_memory.value).replace("revenue:", "ddf:", 1)  # one message
    with pytest.raises(cs.InvalidInputError, match=r"ddf: expected a dask\.dataframe\.DataFrame"):
        csd.movements(rows)  # type: ignore[arg-type]
    bad = rows.copy()
    bad.loc[7, "mrr"] = -1.0
    with pytest.raises(cs.InvalidInputError, match=r"mrr\[\d+\] = -1: amounts must be finite"):
        csd.movements(dd.from_pandas(bad, npartitions=2))
    with pytest.raises(cs.InvalidInputError, match=r"by: account .* has revenue in period .* but no segment"):
        csd.retention(ddf, horizon=2, by=pd.Series(["a"], index=[rows["account_id"].iloc[0]]))


def test_a_frame_indexed_by_account_is_not_shuffled(
    client: Client, rows: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Known divisions on the account index keep every account in one partition: no shuffle."""
    indexed = dd.from_pandas(rows.set_index("account_id"), npartitions=5)
    assert indexed.known_divisions

    def no_shuffle(*args: object, **kwargs: object) -> None:
        raise AssertionError("shuffled")

    monkeypatch.setattr(dd.DataFrame, "shuffle", no_shuffle)
    ledger = cs.RevenueLedger(indexed.compute().reset_index())
    got = csd.movements(indexed, reactivation_window=1)
    assert_frame_equal(got, ledger.movements(reactivation_window=1), check_exact=True)
    assert_frame_equal(csd.retention(indexed, horizon=6), ledger.retention(horizon=6), check_exact=True)
    assert (got["logos_reactivated"] > 0).any()
    with pytest.raises(AssertionError, match="shuffled"):  # the same rows by column are shuffled
        csd.movements(dd.from_pandas(rows, npartitions=5))


def test_partition_ledgers_are_built_through_the_package_constructor(rows: pd.DataFrame) -> None:
    """Two halves of the accounts, each a ledger over the whole period range, merge to the whole."""
    from cssegment.metrics.ledger import ledger_over_periods, movement_frame, partial_sums
    from cssegment.metrics.ledger_input import period_keys

    whole = cs.RevenueLedger(rows)
    first = int(whole.periods[0].ordinal)
    names = ("account_id", "month", "mrr")
    odd = rows["account_id"].astype(str).str[-1].isin(list("13579"))
    halves = [ledger_over_periods(rows[mask], names, (first, whole.n_periods)) for mask in (odd, ~odd)]
    assert [half.n_periods for half in halves] == [whole.n_periods] * 2
    assert sum(half.n_accounts for half in halves) == whole.n_accounts
    sums = [partial_sums(half, "movements", None, None, None) for half in halves]
    merged = sums[0].copy().merge(sums[1])
    assert_frame_equal(movement_frame(merged, period_keys(rows["month"], "month")[1], None), whole.movements())


# Row-wise work, calibration and backtests: three partitionings each (one partition; sorted
# with known divisions; unknown divisions with an empty partition among them).
PARTITIONINGS = ["one", "known", "unknown-with-empty"]


@pytest.fixture(scope="module")
def accounts() -> pd.DataFrame:
    book = cs.datasets.synthetic_book(n_accounts=1500, seed=21).accounts
    rng = np.random.default_rng(3)
    labels = np.array([None, *cs.TierModel.touch().categories], dtype=object)
    earlier = rng.choice(labels, len(book))
    return book.assign(previous_tier=earlier, previous_score=rng.uniform(0, 100, len(book)))


def partitioned(frame: pd.DataFrame, how: str) -> dd.DataFrame:
    if how == "one":
        return dd.from_pandas(frame, npartitions=1)
    if how == "known":
        return dd.from_pandas(frame, npartitions=4)
    pieces = [frame.iloc[:400], frame.iloc[:0], frame.iloc[400:1100], frame.iloc[1100:]]
    ddf = dd.concat([dd.from_pandas(piece, npartitions=1, sort=False) for piece in pieces])
    assert not ddf.known_divisions and ddf.npartitions == 4
    return ddf


def card_with_peers() -> cs.Scorecard:
    return cs.Scorecard(
        [
            cs.Measure("seats_used_pct", cs.Linear(0, 100), weight=2),
            cs.Measure("logins_per_user", cs.Percentile(by="industry")),
            cs.Measure("tickets_90d", cs.ZScore(higher_is_better=False)),
            cs.Measure("nps", cs.Percentile()),
        ]
    )


@pytest.mark.parametrize("how", PARTITIONINGS)
def test_assign_equals_in_memory_for_every_model(client: Client, accounts: pd.DataFrame, how: str) -> None:
    ddf = partitioned(accounts, how)
    models: list[tuple[cs.segment.SegmentModel, str | None]] = [
        (cs.TierModel.touch(hysteresis=0.2), "previous_tier"),
        (cs.TierModel.touch(), None),
        (cs.QuadrantModel(size_column="employees", value_column="arr"), None),
        (cs.RuleModel.four_tier(), None),
    ]
    lazy = [csd.assign(model, ddf, previous=previous) for model, previous in models]
    computed = dask.compute(*lazy, csd.assign(models[0][0], ddf))
    for (model, previous), got, labels in zip(models, lazy, computed):
        assert got.dtype == pd.CategoricalDtype(model.categories, ordered=True)  # meta: no re-categorising
        assert labels.dtype == got.dtype and labels.index.equals(accounts.index)
        expected = model.assign(accounts, None if previous is None else accounts[previous])
        np.testing.assert_array_equal(np.asarray(labels, dtype=object), np.asarray(expected, dtype=object))
    assert not computed[0].equals(computed[-1])  # previous= reached the model: hysteresis


@pytest.mark.parametrize("how", PARTITIONINGS)
def test_fit_and_score_equal_in_memory(client: Client, accounts: pd.DataFrame, how: str) -> None:
    ddf = partitioned(accounts, how)
    card = csd.fit(card_with_peers(), ddf)
    in_memory = card_with_peers().fit(accounts)
    for previous in (None, "previous_score"):
        got = csd.score(card, ddf, previous=previous)
        earlier = None if previous is None else accounts[previous]
        expected = in_memory.score(accounts, earlier)
        assert got.dtypes.equals(expected.dtypes)
        assert_frame_equal(got.compute(), expected, check_exact=True)
    # A card fitted on one partition only scores differently: the fit saw every partition.
    alone = card_with_peers().fit(accounts.iloc[:300])
    assert not alone.score(accounts)["score"].equals(in_memory.score(accounts)["score"])


def usage() -> pd.DataFrame:
    """Over 4,096 distinct values (sampled knots), ties, missing values and rows without a group."""
    rng = np.random.default_rng(8)
    value = np.round(rng.lognormal(3.0, 1.0, 6000), 3)
    value[::9], value[::13] = 7.0, np.nan
    region = np.array(["north", "south", None], dtype=object)[rng.integers(0, 3, len(value))]
    return pd.DataFrame({"usage": value, "usage_z": value[::-1], "region": region})


def usage_card() -> cs.Scorecard:
    return cs.Scorecard(
        [
            cs.Measure("usage", cs.Percentile(by="region")),
            cs.Measure("usage_z", cs.ZScore(by="region")),
            cs.Measure("region", cs.Category({"north": 20.0, "south": 80.0})),
        ]
    )


@pytest.mark.parametrize("how", PARTITIONINGS)
def test_fit_equals_the_in_memory_fit_exactly(client: Client, accounts: pd.DataFrame, how: str) -> None:
    frame = usage()
    for card, data in ((card_with_peers, accounts), (usage_card, frame)):
        fitted = csd.fit(card(), partitioned(data, how))
        assert fitted.to_json() == card().fit(data).to_json()  # knots, counts, means and sds alike
    measures = json.loads(fitted.to_json())["measures"]
    assert len(measures[0]["normalizer"]["population"]["knots"]) < frame["usage"].nunique()  # sampled
    assert [group["name"] for group in measures[1]["normalizer"]["groups"]] == ["south", "north"]
    # Partials differ from the fit of one partition: the fit saw every partition.
    assert usage_card().fit(frame.iloc[:2000]).to_json() != fitted.to_json()


def _pieces(result: object) -> Iterator[object]:
    if isinstance(result, (list, tuple)):
        for item in result:
            yield from _pieces(item)
    elif isinstance(result, dict):
        yield from _pieces(list(result.values()))
    else:
        yield result


def spied(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The pieces of every result ``dask.compute`` brings to the client from now on; computing a
    Dask collection itself (gathering its rows) fails."""
    results: list[object] = []
    compute = dask.compute

    def spy(*args: object, **kwargs: object) -> object:
        out = compute(*args, **kwargs)
        results.extend(_pieces(out))
        return out

    def gathered(*args: object, **kwargs: object) -> None:
        raise AssertionError("a column was gathered to the client")

    monkeypatch.setattr(dask, "compute", spy)
    for collection in (dd.DataFrame, dd.Series):
        monkeypatch.setattr(collection, "compute", gathered)
    return results


def test_fit_brings_no_rows_to_the_client(
    client: Client, accounts: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = spied(monkeypatch)
    fitted = csd.fit(card_with_peers(), partitioned(accounts, "known"))
    monkeypatch.undo()
    assert fitted.to_json() == card_with_peers().fit(accounts).to_json()
    assert not any(isinstance(piece, (pd.DataFrame, pd.Series)) for piece in results)
    arrays = [piece for piece in results if isinstance(piece, np.ndarray)]
    # The Percentile measures' distinct values and counts, nothing row by row.
    distinct = accounts["logins_per_user"].nunique() + accounts["nps"].nunique()
    assert (
        0
        < sum(array.size for array in arrays)
        <= 2 * (distinct + accounts.groupby("industry", observed=True)["logins_per_user"].nunique().sum())
    )


@pytest.fixture(scope="module")
def segmented(accounts: pd.DataFrame) -> pd.DataFrame:
    """Accounts with a segment: "High touch" absent from the first 400 rows (the first partition
    of the partitionings in several), some missing, some of a segment without a scorecard."""
    segment = np.asarray(cs.TierModel.touch().assign(accounts), dtype=object)
    segment[:400][segment[:400] == "High touch"] = "Low touch"
    segment[::37], segment[5::41] = None, "Partner"
    return accounts.assign(segment=segment)


def usage_by_industry() -> cs.Scorecard:
    return cs.Scorecard([cs.Measure("nps", cs.ZScore(by="industry")), cs.Measure("tickets_90d", cs.Percentile())])


def every_case() -> dict[str, cs.Scorecard]:
    """A scorecard per segment, "Dormant" a segment without rows."""
    return {"High touch": card_with_peers(), "Low touch": usage_by_industry(), "Dormant": card_with_peers()}


@pytest.mark.parametrize("how", PARTITIONINGS)
def test_scorecard_set_fit_equals_in_memory_exactly(client: Client, segmented: pd.DataFrame, how: str) -> None:
    ddf = partitioned(segmented, how)
    assert how == "one" or not ddf.partitions[0]["segment"].compute().eq("High touch").any()

    def cards(default: cs.Scorecard | None) -> cs.ScorecardSet:
        return cs.ScorecardSet(every_case(), default=default)

    fitted = csd.fit(cards(card_with_peers()), ddf)
    in_memory = cards(card_with_peers()).fit(segmented)
    assert fitted.to_json() == in_memory.to_json()  # every card: knots, counts, means and sds alike
    assert_frame_equal(csd.score(fitted, ddf).compute(), in_memory.score(segmented), check_exact=True)
    # Each card saw its own rows (the default: "Partner" and missing segments), not all rows.
    assert fitted.default != card_with_peers().fit(segmented) and fitted.scorecards["Low touch"].fitted
    assert not fitted.scorecards["Dormant"].fitted  # no rows: left as it was, as in memory
    # Every row taken by a segment's scorecard: the default is fitted on all rows; without a
    # default, the others alone.
    covered = segmented.assign(segment=segmented["segment"].where(segmented["segment"] == "High touch", "Low touch"))
    ddf = partitioned(covered, how)
    for default in (card_with_peers(), None):
        fitted = csd.fit(cards(default), ddf)
        assert fitted.to_json() == cards(default).fit(covered).to_json()
    assert csd.fit(cards(card_with_peers()), ddf).default == card_with_peers().fit(covered)


def test_scorecard_set_fit_brings_no_rows_to_the_client(
    client: Client, segmented: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = spied(monkeypatch)
    fitted = csd.fit(cs.ScorecardSet(every_case(), default=card_with_peers()), partitioned(segmented, "known"))
    monkeypatch.undo()
    assert fitted.to_json() == cs.ScorecardSet(every_case(), default=card_with_peers()).fit(segmented).to_json()
    assert not any(isinstance(piece, (pd.DataFrame, pd.Series)) for piece in results)
    # The rows each card takes in each partition (4 x 4 counts), then each card's Percentile
    # measures' distinct values and counts, nothing row by row.
    arrays = sum(piece.size for piece in results if isinstance(piece, np.ndarray))
    distinct = segmented[["logins_per_user", "nps", "tickets_90d"]].nunique()
    bound = 4 * 4 + 2 * 2 * (2 * distinct["logins_per_user"] + distinct["nps"] + distinct["tickets_90d"])
    assert 4 * 4 < arrays <= bound


def test_scorecard_set_fit_bad_input_is_named(client: Client, segmented: pd.DataFrame) -> None:
    ddf = partitioned(segmented, "unknown-with-empty")
    cards = cs.ScorecardSet(every_case(), default=card_with_peers())
    tasks_before = len(client.who_has())
    with pytest.raises(cs.InvalidInputError, match="ddf: no column 'segment'"):
        csd.fit(cards, ddf.drop(columns=["segment"]))
    with pytest.raises(cs.InvalidInputError, match=r"ddf\['segment'\]: has dtype int64; a column of labels"):
        csd.fit(cards, ddf.assign(segment=1))
    assert len(client.who_has()) == tasks_before  # refused before any task ran
    # Without a default, a row of another segment (or of none) is refused, as in memory.
    alone = cs.ScorecardSet(every_case())
    with pytest.raises(cs.InvalidInputError, match=r"data\['segment'\]\[0\] = missing: no scorecard for this segment"):
        alone.fit(segmented)
    # Every partition holds such rows; the first partition's first is named, whichever task ends first.
    first = int(np.flatnonzero(ddf.partitions[0]["segment"].compute().isna().to_numpy())[0])
    with pytest.raises(
        cs.InvalidInputError,
        match=rf"ddf partition 0: data\['segment'\]\[{first}\] = missing: no scorecard for this segment and no",
    ):
        csd.fit(alone, ddf)
    # A scorecard whose rows hold no value of a peer-group measure, though other rows do.
    holes = segmented.assign(nps=segmented["nps"].where(segmented["segment"] != "Low touch"))
    with pytest.raises(cs.InvalidInputError, match=r"data\['nps'\]: has no observed \(non-missing\) values to fit"):
        cs.ScorecardSet(every_case(), default=card_with_peers()).fit(holes)
    unobserved = r"ddf\['nps'\]: has no observed \(non-missing\) values to fit zscore on, in the rows of scorecard 'Low"
    with pytest.raises(cs.InvalidInputError, match=unobserved):
        csd.fit(cards, partitioned(holes, "unknown-with-empty"))
    assert cards.to_json() == cs.ScorecardSet(every_case(), default=card_with_peers()).to_json()  # unchanged


@pytest.mark.parametrize("how", PARTITIONINGS)
def test_backtest_and_calibrate_equal_in_memory(client: Client, accounts: pd.DataFrame, how: str) -> None:
    ddf = partitioned(accounts, how)
    card = card_with_peers().fit(accounts)
    # Few distinct scores: ties split across partitions.
    tied = cs.Scorecard([cs.Measure("tickets_90d", cs.Linear(10, 0)), cs.Measure("nps", cs.Linear(0, 10))])
    got, expected = csd.backtest(tied, ddf), tied.backtest(accounts)
    assert tied.score(accounts)["score"].nunique() < 200 and 0.5 < got.auc == expected.auc
    assert_frame_equal(got.deciles, expected.deciles, check_exact=True)
    assert_frame_equal(got.bands, expected.bands, check_exact=True)
    got, expected = csd.backtest(card, ddf), card.backtest(accounts)
    assert got.auc == expected.auc and got.accounts == expected.accounts == len(accounts)
    assert got.churned == expected.churned and got.unscored == expected.unscored and got.brier is None
    assert_frame_equal(got.deciles, expected.deciles, check_exact=True)
    assert_frame_equal(got.bands, expected.bands, check_exact=True)
    model, reference = csd.calibrate(card, ddf, l2=0.5), card.calibrate(accounts, l2=0.5)
    np.testing.assert_allclose(model.coef_.to_numpy(), reference.coef_.to_numpy(), rtol=0, atol=1e-10)
    assert abs(model.intercept_ - reference.intercept_) <= 1e-10
    assert (model.coef_ != 0).all()
    # Without a penalty and with missing values imputed from the means of all partitions.
    holes = accounts.assign(nps=accounts["nps"].where(np.arange(len(accounts)) % 7 != 0))
    for l2 in (0.0, 3.0):
        model, reference = csd.calibrate(tied, partitioned(holes, how), l2=l2), tied.calibrate(holes, l2=l2)
        np.testing.assert_allclose(model.coef_.to_numpy(), reference.coef_.to_numpy(), rtol=0, atol=1e-10)
        np.testing.assert_allclose(model.means_.to_numpy(), reference.means_.to_numpy(), rtol=1e-14)
        assert abs(model.intercept_ - reference.intercept_) <= 1e-10 and model.l2 == l2
    # The features' range, checked before the fit, counts the imputed means: a measure observed
    # at one value and imputed elsewhere is constant, named as in memory.
    constant = accounts.assign(nps=np.where(np.arange(len(accounts)) % 5 == 0, np.nan, 7.0))
    for run in (
        lambda: csd.calibrate(tied, partitioned(constant, how), l2=0.0),
        lambda: tied.calibrate(constant, l2=0.0),
    ):
        with pytest.raises(cs.InvalidInputError, match=r"data\['nps'\]: normalises to 70 in every row"):
            run()
    # A calibrated scorecard: its probability's Brier score from the merged sums of squared errors.
    got, expected = csd.backtest(reference, ddf), reference.backtest(accounts)
    assert got.brier is not None and expected.brier is not None
    assert abs(got.brier - expected.brier) <= 1e-12 * expected.brier
    assert got.auc == expected.auc
    assert_frame_equal(got.deciles, expected.deciles, check_exact=True)
    assert_frame_equal(got.bands, expected.bands, check_exact=True)


def test_backtest_counts_merge_to_the_whole_and_travel_by_pickle() -> None:
    """The partial a worker returns: pickled (as between workers), merged in any order, it gives
    the in-memory backtest of all the rows."""
    import pickle

    rng = np.random.default_rng(9)
    health = np.where(rng.random(900) < 0.05, np.nan, rng.integers(0, 60, 900) / 2.0)
    band = np.where(np.isnan(health), -1, (health >= 15).astype(np.int8)).astype(np.int8)
    outcome = (rng.random(900) < 0.7 - health / 60).astype(float)
    counts = [
        cs._core.health.backtest_counts.of(health[a:b], band[a:b], 2, outcome[a:b])
        for a, b in [(0, 300), (300, 300), (300, 900)]
    ]
    travelled = [pickle.loads(pickle.dumps(c)) for c in counts]
    merged = travelled[2].copy().merge(travelled[0]).merge(travelled[1])
    assert merged.distinct_scores == len(np.unique(health[~np.isnan(health)])) <= 60
    whole = cs._core.health.backtest(health, band, 2, outcome)
    got = merged.result()
    assert got["auc"] == whole["auc"] and got["unscored"] == whole["unscored"] > 0
    for table in ("deciles", "bands"):
        for column, values in whole[table].items():
            np.testing.assert_array_equal(got[table][column], values)


def test_row_wise_bad_input_is_named(client: Client, accounts: pd.DataFrame) -> None:
    ddf = partitioned(accounts, "unknown-with-empty")
    tasks_before = len(client.who_has())
    with pytest.raises(cs.InvalidInputError, match="no column 'arr'"):
        csd.assign(cs.TierModel.touch(), ddf.drop(columns=["arr"]))
    with pytest.raises(cs.InvalidInputError, match="previous: no column 'earlier'"):
        csd.assign(cs.TierModel.touch(), ddf, previous="earlier")
    with pytest.raises(cs.InvalidInputError, match="no column 'nps'"):
        csd.fit(card_with_peers(), ddf.drop(columns=["nps"]))
    with pytest.raises(cs.InvalidInputError, match="no column 'nps'"):
        csd.score(cs.Scorecard([cs.Measure("nps", cs.Linear(0, 10))]), ddf.drop(columns=["nps"]))
    with pytest.raises(cs.InvalidInputError, match="outcome: no column 'lost'"):
        csd.backtest(card_with_peers().fit(accounts), ddf, outcome="lost")
    assert len(client.who_has()) == tasks_before  # refused before any task ran
    bad = accounts.assign(churned=accounts["churned"].astype(float))
    bad.loc[1200, "churned"] = 2.0
    # Row 1200 is row 100 of the fourth partition (the second holds no row).
    with pytest.raises(cs.InvalidInputError, match=r"churned: partition 3, row 100 \(index 1200\): 2\.0; outcomes"):
        csd.backtest(card_with_peers().fit(accounts), partitioned(bad, "unknown-with-empty"))
    with pytest.raises(cs.InvalidInputError, match=r"churned: partition 3, row 100 \(index 1200\)"):
        csd.calibrate(card_with_peers().fit(accounts), partitioned(bad, "unknown-with-empty"))
