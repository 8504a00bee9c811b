"""cssegment.dask.kmeans on a real 2-worker LocalCluster: k-means|| and Lloyd over merged partials."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import cssegment as cs
import cssegment.dask as cs_dask
import dask.dataframe as dd
import distributed
import numpy as np
import pandas as pd
import pytest

SCALE = ["log", "standard", None, "standard"]


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """2,400 rows around six centres in four features: money (log-scaled), two z-scored, one raw."""
    rng = np.random.default_rng(5)
    centres = rng.normal(0.0, 4.0, (6, 4))
    values = centres[rng.integers(0, 6, 2400)] + rng.normal(0.0, 1.0, (2400, 4))
    data = pd.DataFrame(values, columns=["arr", "seats", "tickets", "logins"])
    data["arr"] = np.exp(data["arr"] / 2.0) * 1000.0
    return data


def model(**overrides: Any) -> cs.KMeans:
    parameters: dict[str, Any] = {"n_clusters": 6, "n_init": 2, "scale": SCALE, "seed": 11} | overrides
    return cs.KMeans(**parameters)


# Three partitionings: one partition, even ones, and uneven ones cut at odd rows.
def partitionings(data: pd.DataFrame) -> list[Any]:
    uneven = dd.from_pandas(data, npartitions=1).repartition(divisions=[0, 7, 1000, 1001, len(data) - 1])
    return [dd.from_pandas(data, npartitions=1), dd.from_pandas(data, npartitions=4), uneven]


def fit_state(fitted: cs.KMeans) -> dict[str, Any]:
    state: dict[str, Any] = json.loads(fitted.to_json())["fit"]
    return state


def test_the_fit_is_the_same_bit_for_bit_under_three_partitionings(client: Any, frame: pd.DataFrame) -> None:
    fits = [cs_dask.kmeans(model(), rows) for rows in partitionings(frame)]
    assert fits[2].inertia_ > 0
    for other in fits[1:]:
        assert fit_state(other) == fit_state(fits[0])  # centres, scaling, inertia, n_iter
        assert other.predict(frame).equals(fits[0].predict(frame))


def test_inertia_is_within_one_percent_of_the_in_memory_fit(client: Any, frame: pd.DataFrame) -> None:
    memory = model().fit(frame)
    distributed_fit = cs_dask.kmeans(model(), dd.from_pandas(frame, npartitions=3))
    assert abs(distributed_fit.inertia_ / memory.inertia_ - 1.0) < 0.01
    # The inertia is that of the fitted centres on the rows, as in memory.
    labels = distributed_fit.predict(frame).to_numpy()
    assert len(np.unique(labels)) == 6
    # The scaling is learnt from exact sums merged across partitions: the in-memory one, bit for bit.
    assert fit_state(distributed_fit)["offset"] == fit_state(memory)["offset"]
    assert fit_state(distributed_fit)["spread"] == fit_state(memory)["spread"]
    assert distributed_fit.feature_names_in_ == memory.feature_names_in_


def test_assign_predicts_a_fitted_kmeans_row_by_row(client: Any, frame: pd.DataFrame) -> None:
    rows = dd.from_pandas(frame, npartitions=3)
    fitted = cs_dask.kmeans(model(n_init=1, scale=["log", "standard"]), rows, columns=["arr", "seats"])
    assert fitted.feature_names_in_ == ["arr", "seats"]
    labels = cs_dask.assign(fitted, rows)
    assert labels.dtype == np.int32
    assert labels.compute().equals(fitted.predict(frame))


def test_more_restarts_never_do_worse_and_max_iter_is_respected(client: Any, frame: pd.DataFrame) -> None:
    rows = dd.from_pandas(frame, npartitions=2)
    one = cs_dask.kmeans(model(n_init=1), rows)
    three = cs_dask.kmeans(model(n_init=3), rows)
    assert three.inertia_ <= one.inertia_  # restart 0 is the same in both
    assert cs_dask.kmeans(model(n_init=1, max_iter=1), rows).n_iter_ == 1


def test_empty_partitions_change_nothing(client: Any, frame: pd.DataFrame) -> None:
    rows = dd.from_pandas(frame, npartitions=4)
    # Partitions 0 and 2 lose every row.
    holes = rows.map_partitions(
        lambda part, partition_info=None: part.iloc[:0] if partition_info["number"] in (0, 2) else part,
        meta=frame.iloc[:0],
    )
    kept = holes.compute()
    assert len(kept) == len(frame) // 2
    assert fit_state(cs_dask.kmeans(model(), holes)) == fit_state(cs_dask.kmeans(model(), dd.from_pandas(kept, 2)))


def _never(part: pd.DataFrame) -> pd.DataFrame:
    raise AssertionError("a task ran")


def test_a_missing_or_non_numeric_column_is_named_before_any_task_runs(client: Any, frame: pd.DataFrame) -> None:
    untouchable = dd.from_pandas(frame.assign(plan="pro"), npartitions=2).map_partitions(
        _never, meta=frame.assign(plan="pro").iloc[:0]
    )
    with pytest.raises(cs.InvalidInputError, match="ddf: no column 'mrr'"):
        cs_dask.kmeans(model(), untouchable, columns=["arr", "mrr"])
    with pytest.raises(cs.InvalidInputError, match=r"data\['plan'\]: has dtype \w+; k-means needs numeric"):
        cs_dask.kmeans(model(), untouchable, columns=["arr", "seats", "tickets", "plan"])
    with pytest.raises(cs.InvalidInputError, match="scale: has 4 entries for 5 features"):
        cs_dask.kmeans(model(), untouchable.drop(columns="plan").assign(extra=1.0))
    with pytest.raises(cs.InvalidInputError, match=r"model: expected a cssegment\.KMeans"):
        cs_dask.kmeans(cs.TierModel.touch(), untouchable)


def test_bad_rows_are_refused_as_in_memory_naming_partition_and_row(client: Any, frame: pd.DataFrame) -> None:
    holed = frame.copy()
    holed.loc[1500, "seats"] = np.nan
    with pytest.raises(cs.InvalidInputError, match="missing value"):
        model().fit(holed)
    with pytest.raises(cs.InvalidInputError, match=r"ddf partition 1: data\['seats'\]\[300\] = nan: missing value"):
        cs_dask.kmeans(model(), dd.from_pandas(holed, npartitions=2))
    negative = frame.copy()
    negative.loc[3, "arr"] = -5.0
    with pytest.raises(cs.InvalidInputError, match=r"ddf partition 0: data\['arr'\]\[3\] = -5: scale='log'"):
        cs_dask.kmeans(model(), dd.from_pandas(negative, npartitions=2))
    with pytest.raises(cs.InvalidInputError, match="n_clusters: 6 clusters need at least as many rows; data has 5"):
        cs_dask.kmeans(model(), dd.from_pandas(frame.head(5), npartitions=2))
