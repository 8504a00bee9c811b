"""cs.book_metrics: growth KPIs per CSM book, their jackknife intervals and mix-adjusted NRR."""

from __future__ import annotations

from statistics import NormalDist

import cssegment as cs
import cssegment.plot as cs_plot
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import stats


@pytest.fixture(scope="module")
def owned_book() -> cs.datasets.Book:
    return cs.datasets.synthetic_book(n_accounts=2500, n_months=24, seed=19)


@pytest.fixture(scope="module")
def ledger(owned_book: cs.datasets.Book) -> cs.RevenueLedger:
    return cs.RevenueLedger(owned_book.revenue)


def test_points_equal_the_retention_table_by_owner(owned_book: cs.datasets.Book, ledger: cs.RevenueLedger) -> None:
    kpis = cs.book_metrics(ledger, owned_book.owners, horizon=6)
    retention = ledger.retention(horizon=6, by=owned_book.owners)
    start = kpis.attrs["start"]
    assert start == ledger.periods[-7]
    expected = retention.xs(start, level="period")
    assert list(kpis.index) == list(expected.index)
    for name in ["nrr", "grr", "logo_retention", "start_revenue", "end_revenue"]:
        np.testing.assert_array_equal(kpis[name].to_numpy(), expected[name].to_numpy(), err_msg=name)
    np.testing.assert_array_equal(kpis["accounts"].to_numpy(), expected["cohort_accounts"].to_numpy())
    # Any start period: the table's row of that period.
    other = cs.book_metrics(ledger, owned_book.owners, horizon=6, start=ledger.periods[3])
    np.testing.assert_array_equal(other["nrr"], retention.xs(ledger.periods[3], level="period")["nrr"])


def test_expansion_churn_and_mix_by_the_long_way(owned_book: cs.datasets.Book, ledger: cs.RevenueLedger) -> None:
    tiers = pd.Series(
        np.where(owned_book.accounts["potential"] > 60_000, "large", "small"), index=owned_book.accounts["account_id"]
    )
    kpis = cs.book_metrics(ledger, owned_book.owners, horizon=12, by=tiers)
    revenue = ledger.revenue
    s = revenue.iloc[:, -13].to_numpy()
    e = revenue.iloc[:, -1].to_numpy()
    owners = owned_book.owners
    at_start = owners[owners["month"] == ledger.periods[-13]].set_index("account_id")["owner"]
    owner = at_start.reindex(revenue.index).to_numpy()
    tier = tiers.reindex(revenue.index).to_numpy()
    paying = s > 0
    frame = pd.DataFrame({"owner": owner[paying], "tier": tier[paying], "s": s[paying], "e": e[paying]})
    tier_nrr = frame.groupby("tier")["e"].sum() / frame.groupby("tier")["s"].sum()
    frame["expected"] = frame["s"] * frame["tier"].map(tier_nrr)
    frame["expansion"] = (frame["e"] - frame["s"]).clip(lower=0)
    frame["churned"] = frame["s"].where(frame["e"] == 0, 0.0)
    sums = frame.groupby("owner", observed=True)[["s", "e", "expected", "expansion", "churned"]].sum()
    got = kpis.loc[sums.index]
    np.testing.assert_allclose(got["expansion"], sums["expansion"], rtol=1e-12)
    np.testing.assert_allclose(got["churned"], sums["churned"], rtol=1e-12)
    np.testing.assert_allclose(got["expected_nrr"], sums["expected"] / sums["s"], rtol=1e-12)
    np.testing.assert_allclose(got["mix_adjusted_nrr"], (sums["e"] - sums["expected"]) / sums["s"], atol=1e-12)
    np.testing.assert_allclose(pd.Series(kpis.attrs["segment_nrr"])[tier_nrr.index], tier_nrr, rtol=1e-12)
    # The jackknife t interval of NRR, by leaving each account out in turn; t with Kish's
    # effective number of accounts by start revenue, minus one.
    owner = "csm 3" if "csm 3" in sums.index else sums.index[0]
    mine = frame[frame["owner"] == owner]
    n, start = len(mine), mine["s"].to_numpy()
    left_out = [np.delete(mine["e"].to_numpy(), i).sum() / np.delete(start, i).sum() for i in range(n)]
    se = np.sqrt((n - 1) / n * np.sum((np.array(left_out) - np.mean(left_out)) ** 2))
    df = max(np.floor(start.sum() ** 2 / np.sum(start**2) - 1), 1)
    assert df < n - 1  # lognormal revenue: fewer effective accounts than accounts
    np.testing.assert_allclose(
        got.loc[owner, "nrr_high"] - got.loc[owner, "nrr"], stats.t.ppf(0.975, df) * se, rtol=1e-9
    )


def test_intervals_by_hand_on_a_small_book() -> None:
    """The intervals recomputed by leaving each account out, with scipy's t and beta quantiles,
    on a small two-owner book with a mix: NRR +- t se (Kish's effective accounts by start revenue
    - 1 degrees of freedom), mix-adjusted NRR +- t se (n - 1), GRR by Korn and Graubard
    (Clopper-Pearson on the effective number of accounts, t from the losing accounts)."""
    rng = np.random.default_rng(5)
    n = 14
    start = np.exp(rng.normal(7, 1, n))
    end = np.where(rng.random(n) < 0.25, 0.0, start * np.exp(rng.normal(0, 0.4, n)))
    owner = np.where(np.arange(n) < 9, "ann", "bob")
    segment = np.where(rng.random(n) < 0.5, "x", "y")
    ids = np.arange(n)
    rows = pd.DataFrame({"account_id": np.r_[ids, ids], "month": np.repeat([0, 1], n), "mrr": np.r_[start, end]})
    kpis = cs.book_metrics(
        cs.RevenueLedger(rows), pd.Series(owner, index=ids), horizon=1, by=pd.Series(segment, index=ids), level=0.9
    )
    segment_nrr = {k: end[segment == k].sum() / start[segment == k].sum() for k in ("x", "y")}
    expected = np.array([segment_nrr[k] for k in segment]) * start
    for name in ("ann", "bob"):
        mine = owner == name
        s, k = start[mine], mine.sum()
        t = stats.t.ppf(0.95, k - 1)
        t_nrr = stats.t.ppf(0.95, max(np.floor(s.sum() ** 2 / np.sum(s**2) - 1), 1))
        for metric, x in {"nrr": end, "grr": np.minimum(start, end), "mix_adjusted_nrr": end - expected}.items():
            x = x[mine]
            ratio = x.sum() / s.sum()
            left_out = np.array([np.delete(x, i).sum() / np.delete(s, i).sum() for i in range(k)])
            se = np.sqrt((k - 1) / k * np.sum((left_out - left_out.mean()) ** 2))
            assert kpis.loc[name, metric] == pytest.approx(ratio, rel=1e-12)
            if metric == "grr":  # t with Kish's effective number of losing accounts - 1
                loss = s - x
                t_lost = stats.t.ppf(0.95, max(np.floor(loss.sum() ** 2 / np.sum(loss**2) - 1), 1))
                size = ratio * (1 - ratio) / se**2 * (stats.norm.ppf(0.95) / t_lost) ** 2
                low = stats.beta.ppf(0.05, size * ratio, size * (1 - ratio) + 1)
                high = stats.beta.ppf(0.95, size * ratio + 1, size * (1 - ratio))
                assert 0 < low < ratio < high <= 1
            else:
                tq = t_nrr if metric == "nrr" else t
                low, high = ratio - tq * se, ratio + tq * se
            assert kpis.loc[name, f"{metric}_low"] == pytest.approx(low, rel=1e-9, abs=1e-12), (name, metric)
            assert kpis.loc[name, f"{metric}_high"] == pytest.approx(high, rel=1e-9, abs=1e-12), (name, metric)


@pytest.mark.parametrize("level", [0.95, 0.8, 0.99])
def test_grr_intervals_equal_scipy_beta_quantiles_across_books(level: float) -> None:
    """Korn-Graubard GRR bounds of 60 owners (2 to 200 accounts, 2% to 60% churn) against
    scipy.stats.beta.ppf and t.ppf at run time: the core's beta and t quantiles over a wide range
    of shapes (effective sizes from below 1 to thousands)."""
    rng = np.random.default_rng(23)
    sizes = rng.integers(2, 200, 60)
    churn = rng.uniform(0.02, 0.6, 60)
    owner = np.repeat(np.arange(60), sizes)
    start = np.exp(rng.normal(6, 1.2, owner.size))
    end = np.where(rng.random(owner.size) < churn[owner], 0.0, start * np.exp(rng.normal(0, 0.5, owner.size)))
    ids = np.arange(owner.size)
    rows = pd.DataFrame({"account_id": np.r_[ids, ids], "month": np.repeat([0, 1], ids.size), "mrr": np.r_[start, end]})
    names = np.array([f"csm {o}" for o in range(60)])
    kpis = cs.book_metrics(cs.RevenueLedger(rows), pd.Series(names[owner], index=ids), horizon=1, level=level)
    alpha, z = 1 - level, stats.norm.ppf(0.5 + level / 2)
    sizes_seen = []
    for o in range(60):
        s, x = start[owner == o], np.minimum(start, end)[owner == o]
        k, ratio = s.size, x.sum() / s.sum()
        left_out = (x.sum() - x) / (s.sum() - s)
        variance = (k - 1) / k * np.sum((left_out - left_out.mean()) ** 2)
        loss = s - x
        if variance == 0 or loss.sum() == 0:
            continue
        t = stats.t.ppf(0.5 + level / 2, max(np.floor(loss.sum() ** 2 / np.sum(loss**2) - 1), 1))
        size = ratio * (1 - ratio) / variance * (z / t) ** 2
        sizes_seen.append(size)
        low = stats.beta.ppf(alpha / 2, size * ratio, size * (1 - ratio) + 1)
        high = stats.beta.ppf(1 - alpha / 2, size * ratio + 1, size * (1 - ratio))
        assert kpis.loc[names[o], "grr_low"] == pytest.approx(low, rel=1e-9, abs=1e-300), o
        assert kpis.loc[names[o], "grr_high"] == pytest.approx(high, rel=1e-9), o
    assert len(sizes_seen) > 50 and min(sizes_seen) < 5 and max(sizes_seen) > 100


def test_a_series_of_owners_and_the_wilson_interval() -> None:
    rows = pd.DataFrame(
        {"account_id": [1, 1, 2, 2, 3, 3, 4], "month": [1, 2, 1, 2, 1, 2, 1], "mrr": [10.0, 12, 5, 5, 8, 4, 3]}
    )
    owners = pd.Series({1: "ann", 2: "ann", 3: "bob", 4: "bob"})
    kpis = cs.book_metrics(cs.RevenueLedger(rows), owners, horizon=1, level=0.9)
    assert kpis.loc["ann", "nrr"] == 17 / 15 and kpis.loc["bob", "logo_retention"] == 0.5
    assert kpis.loc["bob", "churned"] == 3 and kpis.loc["ann", "expansion"] == 2
    # Wilson for 1 of 2 at 90%: centre 1/2, half-width z sqrt(1/8 + z^2/16) / (1 + z^2/2).
    z = NormalDist().inv_cdf(0.95)
    half = z * np.sqrt(0.25 / 2 + z * z / 16) / (1 + z * z / 2)
    assert kpis.loc["bob", "logo_retention_low"] == pytest.approx(0.5 - half)
    assert kpis.loc["bob", "logo_retention_high"] == pytest.approx(0.5 + half)
    assert kpis.attrs["level"] == 0.9


def test_a_long_owner_frame_with_a_gap_names_the_account(
    owned_book: cs.datasets.Book, ledger: cs.RevenueLedger
) -> None:
    owners = owned_book.owners[owned_book.owners["account_id"] != 5]
    with pytest.raises(cs.InvalidInputError, match=r"^owners: account 5 has revenue in period .* but no owner$"):
        cs.book_metrics(ledger, owners)


def test_only_the_start_period_of_long_frames_counts(owned_book: cs.datasets.Book, ledger: cs.RevenueLedger) -> None:
    owners = owned_book.owners
    start = ledger.periods[-13]
    full = cs.book_metrics(ledger, owners, horizon=12)
    at_start = cs.book_metrics(ledger, owners[owners["month"] == start], horizon=12)
    pd.testing.assert_frame_equal(full, at_start)
    # A gap in another period is no error: only the owner at the start defines the book.
    gap = owners[~((owners["account_id"] == 5) & (owners["month"] != start))]
    pd.testing.assert_frame_equal(cs.book_metrics(ledger, gap, horizon=12), full)
    # Owners as strings, not categories: the same table.
    as_strings = owners.assign(owner=owners["owner"].astype(str))
    pd.testing.assert_frame_equal(cs.book_metrics(ledger, as_strings, horizon=12), full)


def test_plot_ranks_owners_with_their_intervals(owned_book: cs.datasets.Book, ledger: cs.RevenueLedger) -> None:
    kpis = cs.book_metrics(ledger, owned_book.owners)
    ax = cs_plot.book_metrics(kpis, top=4)
    labels = [label.get_text() for label in ax.get_yticklabels()]
    ranked = kpis.dropna(subset=["mix_adjusted_nrr"]).sort_values("mix_adjusted_nrr")
    expected = [*ranked.index[:4], *ranked.index[-4:]]
    assert [label.rsplit(" (", 1)[0] for label in labels] == expected  # worst at the bottom, best at the top
    ax = cs_plot.book_metrics(kpis, "grr")
    assert len(ax.get_yticklabels()) == kpis["grr"].notna().sum()
    with pytest.raises(cs.InvalidInputError, match=r"^metric: 'arr' must be one of"):
        cs_plot.book_metrics(kpis, "arr")
    with pytest.raises(cs.InvalidInputError, match=r"^kpis: no column\(s\)"):
        cs_plot.book_metrics(owned_book.revenue)
    plt.close("all")
