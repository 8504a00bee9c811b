"""progress=True: the same results bit for bit, a bar that reaches its total, and a clear
ImportError when tqdm is missing."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import cssegment as cs
import cssegment.dask
import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
import tqdm
import tqdm.auto
from cssegment import _progress
from dask.distributed import Client, LocalCluster


class Bars:
    """The bars the library made, drawn as text into one stream."""

    def __init__(self) -> None:
        self.made: list[tqdm.tqdm[Any]] = []
        self.stream = io.StringIO()

    def factory(self, **options: Any) -> tqdm.tqdm[Any]:
        bar: tqdm.tqdm[Any] = tqdm.tqdm(file=self.stream, mininterval=0, miniters=1, **options)
        self.made.append(bar)
        return bar

    def only(self) -> tqdm.tqdm[Any]:
        assert len(self.made) == 1
        return self.made[0]

    def check_finished(self, total: int) -> None:
        bar = self.only()
        assert bar.total == total and bar.n == total
        if total:  # tqdm draws a total of 0 as an unknown total
            assert f"{total}/{total}" in self.stream.getvalue()
            assert "100%" in self.stream.getvalue()


@pytest.fixture
def bars(monkeypatch: pytest.MonkeyPatch) -> Bars:
    recorder = Bars()
    monkeypatch.setattr(_progress, "_tqdm", lambda: recorder.factory)
    return recorder


@pytest.fixture(scope="module")
def book() -> cs.datasets.Book:
    return cs.datasets.synthetic_book(3000, n_months=24, seed=11)


def test_the_bar_suits_notebooks_and_terminals() -> None:
    assert _progress._tqdm() is tqdm.auto.tqdm


@pytest.mark.parametrize("min_size", [1, 64])
def test_batches_cover_every_row_once(min_size: int) -> None:
    for total in (0, 1, 7, 99, 100, 101, 1234, 100_003):
        spans = list(_progress.batches(total, min_size=min_size))
        assert len(spans) <= _progress.MAX_UPDATES
        assert all(end - begin >= min_size for begin, end in spans[:-1])
        covered = [i for begin, end in spans for i in range(begin, end)]
        assert covered == list(range(total))


# --- k-means -----------------------------------------------------------------------------------


@pytest.mark.parametrize("n_init", [1, 6])
def test_kmeans_restarts_equal_one_call(book: cs.datasets.Book, bars: Bars, n_init: int) -> None:
    X = book.accounts[["arr", "employees", "seats_used_pct"]]
    quiet = cs.KMeans(5, n_init=n_init, scale=["log", "log", "standard"], seed=3)
    shown = cs.KMeans(5, n_init=n_init, scale=["log", "log", "standard"], seed=3)
    expected = quiet.fit_predict(X)
    labels = shown.fit_predict(X, progress=True)
    pd.testing.assert_series_equal(labels, expected)
    assert shown == quiet and shown.to_json() == quiet.to_json()
    assert shown.inertia_ == quiet.inertia_ and shown.n_iter_ == quiet.n_iter_
    np.testing.assert_array_equal(shown.cluster_centers_, quiet.cluster_centers_)
    bars.check_finished(n_init)


def test_kmeans_fit_returns_the_model(book: cs.datasets.Book, bars: Bars) -> None:
    X = book.accounts[["arr", "employees"]].to_numpy()
    model = cs.KMeans(3, n_init=3)
    assert model.fit(X, progress=True) is model
    assert model == cs.KMeans(3, n_init=3).fit(X)
    bars.check_finished(3)


def test_kmeans_errors_leave_the_model_unfitted(bars: Bars) -> None:
    model = cs.KMeans(3, n_init=2)
    with pytest.raises(cs.InvalidInputError, match="3 clusters requested but data has only 1 distinct points"):
        model.fit(np.zeros((10, 2)), progress=True)
    assert not model._model.fitted


# --- sBG cohorts -------------------------------------------------------------------------------


def cohorts(rng: np.random.Generator, count: int) -> np.ndarray:
    """Survivor counts of `count` ragged cohorts drawn from sBG processes."""
    alive = np.full((count, 13), np.nan)
    for i in range(count):
        p = rng.beta(rng.uniform(0.5, 3), rng.uniform(0.5, 5), size=int(rng.integers(50, 2000)))
        lifetimes = rng.geometric(p)
        observed = int(rng.integers(1, 14))
        alive[i, :observed] = [(lifetimes > t).sum() for t in range(observed)]
    return alive


@pytest.mark.parametrize("min_batch", [1, 256])
def test_fit_many_in_batches_equals_one_call(
    rng: np.random.Generator, bars: Bars, monkeypatch: pytest.MonkeyPatch, min_batch: int
) -> None:
    monkeypatch.setattr(cs.survival.sbg, "_MIN_BATCH", min_batch)
    alive = pd.DataFrame(cohorts(rng, 257), index=pd.RangeIndex(1000, 1257, name="cohort"))
    expected = cs.ShiftedBetaGeometric.fit_many(alive, min_periods=2)
    result = cs.ShiftedBetaGeometric.fit_many(alive, min_periods=2, progress=True)
    pd.testing.assert_frame_equal(result, expected, check_exact=True)
    assert expected["alpha"].notna().sum() > 200
    bars.check_finished(257)


def test_fit_many_names_the_bad_row_as_without_batches(
    rng: np.random.Generator, bars: Bars, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cs.survival.sbg, "_MIN_BATCH", 1)
    alive = cohorts(rng, 150)
    alive[120, :3] = [100, 120, 90]  # survivors rise: row 120 is in a later batch
    with pytest.raises(cs.InvalidInputError) as quiet:
        cs.ShiftedBetaGeometric.fit_many(alive)
    with pytest.raises(cs.InvalidInputError) as shown:
        cs.ShiftedBetaGeometric.fit_many(alive, progress=True)
    assert str(shown.value) == str(quiet.value)
    assert str(quiet.value).startswith("survivors[120]")


def test_fit_many_of_no_cohorts(bars: Bars) -> None:
    result = cs.ShiftedBetaGeometric.fit_many(np.zeros((0, 4)), progress=True)
    one = cs.ShiftedBetaGeometric.fit_many([[10, 5]])  # the columns of any fit
    assert len(result) == 0 and list(result.columns) == list(one.columns)
    bars.check_finished(0)


# --- the revenue ledger ------------------------------------------------------------------------


@pytest.mark.parametrize("step_rows", [1, 1000, 1 << 20])
def test_ledger_in_steps_equals_one_call(
    book: cs.datasets.Book, bars: Bars, monkeypatch: pytest.MonkeyPatch, step_rows: int
) -> None:
    monkeypatch.setattr(cs.metrics.ledger, "_LEDGER_STEP_ROWS", step_rows)
    rng = np.random.default_rng(5)
    rows = book.revenue.sample(frac=1.0, random_state=1)  # rows in any order
    rows = pd.concat([rows, rows.iloc[:5000]])  # duplicates summed
    rows = rows.assign(mrr=rng.uniform(0, 1000, len(rows)))  # sums that depend on their order
    expected = cs.RevenueLedger(rows)
    ledger = cs.RevenueLedger(rows, progress=True)
    pd.testing.assert_frame_equal(ledger.revenue, expected.revenue, check_exact=True)
    pd.testing.assert_series_equal(ledger.summary(), expected.summary())
    assert ledger.summary()["duplicate_rows"] == 5000
    pd.testing.assert_frame_equal(ledger.movements(), expected.movements(), check_exact=True)
    bars.check_finished(3 * len(rows))
    updates = bars.stream.getvalue().count("\r")
    assert 3 <= updates <= _progress.MAX_UPDATES + 5
    if step_rows == 1000:  # the core ran in many steps
        assert updates > 50


def test_ledger_errors_are_the_same(bars: Bars) -> None:
    rows = pd.DataFrame({"account_id": [1, 2], "month": [1, 2], "mrr": [5.0, -1.0]})
    with pytest.raises(cs.InvalidInputError) as quiet:
        cs.RevenueLedger(rows)
    with pytest.raises(cs.InvalidInputError) as shown:
        cs.RevenueLedger(rows, progress=True)
    assert str(shown.value) == str(quiet.value) == "mrr[1] = -1: amounts must be finite and >= 0"
    assert bars.only().n == 2  # read, then the check failed


# --- Dask --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def revenue_ddf(book: cs.datasets.Book) -> tuple[pd.DataFrame, dd.DataFrame]:
    rows = book.revenue.assign(month=book.revenue["month"].dt.to_timestamp())
    return rows, dd.from_pandas(rows, npartitions=5)


@pytest.mark.parametrize("scheduler", ["sync", "threads"])
def test_dask_local_schedulers(
    revenue_ddf: tuple[pd.DataFrame, dd.DataFrame], bars: Bars, book: cs.datasets.Book, scheduler: str
) -> None:
    rows, ddf = revenue_ddf
    segments = pd.Series(book.accounts["region"].to_numpy(), index=book.accounts["account_id"])
    with dask.config.set(scheduler=scheduler):
        expected = cssegment.dask.movements(ddf, by=segments)
        result = cssegment.dask.movements(ddf, by=segments, progress=True)
    pd.testing.assert_frame_equal(result, expected, check_exact=True)
    pd.testing.assert_frame_equal(result, cs.RevenueLedger(rows).movements(by=segments), check_exact=True)
    bars.check_finished(ddf.npartitions)


def test_dask_distributed(revenue_ddf: tuple[pd.DataFrame, dd.DataFrame], bars: Bars) -> None:
    rows, ddf = revenue_ddf
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster,
        Client(cluster),
    ):
        expected = cssegment.dask.retention(ddf, horizon=6)
        result = cssegment.dask.retention(ddf, horizon=6, progress=True)
    pd.testing.assert_frame_equal(result, expected, check_exact=True)
    pd.testing.assert_frame_equal(result, cs.RevenueLedger(rows).retention(horizon=6), check_exact=True)
    bars.check_finished(ddf.npartitions)


# --- without tqdm ------------------------------------------------------------------------------


def calls(book: cs.datasets.Book) -> dict[str, Callable[[bool], object]]:
    X = book.accounts[["arr", "employees"]]
    ddf = dd.from_pandas(book.revenue.iloc[:2000], npartitions=2)
    return {
        "kmeans": lambda progress: cs.KMeans(2, n_init=2).fit(X, progress=progress),
        "fit_many": lambda progress: cs.ShiftedBetaGeometric.fit_many([[100, 60, 40]], progress=progress),
        "ledger": lambda progress: cs.RevenueLedger(book.revenue, progress=progress),
        "dask": lambda progress: cssegment.dask.movements(ddf, progress=progress),
    }


@pytest.fixture
def no_tqdm(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in [name for name in sys.modules if name == "tqdm" or name.startswith("tqdm.")]:
        monkeypatch.setitem(sys.modules, name, None)  # import tqdm... raises ImportError
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    return


@pytest.mark.parametrize("call", ["kmeans", "fit_many", "ledger", "dask"])
def test_missing_tqdm_is_a_clear_import_error(book: cs.datasets.Book, no_tqdm: None, call: str) -> None:
    run = calls(book)[call]
    run(False)  # the default path never needs tqdm
    with dask.config.set(scheduler="sync"), pytest.raises(ImportError) as error:
        run(True)
    assert str(error.value) == "progress=True needs tqdm, which is not installed: pip install cssegment[progress]"


def test_cssegment_imports_without_tqdm() -> None:
    code = (
        "import sys; sys.modules['tqdm'] = None; sys.modules['tqdm.auto'] = None\n"
        "import cssegment, cssegment.dask\n"
        "print(cssegment.KMeans(2).fit([[0.0], [1.0], [5.0]]).n_iter_ >= 1, 'tqdm' in str(sys.modules.get('tqdm')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False"]
