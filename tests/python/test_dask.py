"""cssegment.dask on a real LocalCluster (2 worker processes) equals the in-memory results exactly."""

from __future__ import annotations

from collections.abc import Iterator

import cssegment as cs
import cssegment.dask as csd
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from dask.distributed import Client, LocalCluster
from pandas.testing import assert_frame_equal


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
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


def test_segment_column_equals_the_long_frame_in_memory(client: Client, rows: pd.DataFrame) -> None:
    ddf = dd.from_pandas(rows, npartitions=3)
    long = rows[["account_id", "month", "tier"]].drop_duplicates(["account_id", "month"])
    ledger = cs.RevenueLedger(rows)
    # Duplicated rows carry the same tier, so the long frame is consistent.
    assert_frame_equal(csd.retention(ddf, horizon=3, by="tier"), ledger.retention(horizon=3, by=long), check_exact=True)
    assert_frame_equal(
        csd.movements(ddf, by="tier", reactivation_window=2),
        ledger.movements(by=long, reactivation_window=2),
        check_exact=True,
    )


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
    with pytest.raises(cs.InvalidInputError, match="no column 'arr'"):
        csd.movements(ddf, amount="arr")
    with pytest.raises(cs.InvalidInputError, match="ddf: expected a dask.dataframe.DataFrame"):
        csd.movements(rows)  # type: ignore[arg-type]
    bad = rows.copy()
    bad.loc[7, "mrr"] = -1.0
    with pytest.raises(cs.InvalidInputError, match=r"mrr\[\d+\] = -1: amounts must be finite"):
        csd.movements(dd.from_pandas(bad, npartitions=2))
    with pytest.raises(cs.InvalidInputError, match="by: account .* has revenue in period .* but no segment"):
        csd.retention(ddf, horizon=2, by=pd.Series(["a"], index=[rows["account_id"].iloc[0]]))
