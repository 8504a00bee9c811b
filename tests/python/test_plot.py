"""cssegment.plot: every plot rendered with Agg, its content checked against figures computed here
from the inputs (pandas, numpy, scikit-learn), bad input rejected with the argument named."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import cssegment as cs
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from sklearn.metrics import roc_auc_score

plot = cs.plot


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def book() -> cs.datasets.Book:
    return cs.datasets.synthetic_book(2000, seed=3)


@pytest.fixture(scope="module")
def active(book) -> pd.DataFrame:
    return book.accounts[book.accounts["arr"] > 0]


@pytest.fixture(scope="module")
def ledger(book) -> cs.RevenueLedger:
    return cs.RevenueLedger(book.revenue)


@pytest.fixture(scope="module")
def monthly_tiers(book) -> pd.DataFrame:
    revenue = book.revenue
    tiers = cs.TierModel.touch().assign(revenue.assign(arr=revenue["mrr"] * 12))
    return revenue[["account_id", "month"]].assign(tier=tiers)


def card() -> cs.Scorecard:
    return cs.Scorecard(
        [
            cs.Measure("nps", cs.Bands([7, 9], [0, 50, 100])),
            cs.Measure("logins_per_user", cs.Linear(0, 20), weight=2),
            cs.Measure("seats_used_pct", cs.Linear(20, 90), weight=2),
            cs.Measure("tickets_90d", cs.Linear(10, 0)),
        ]
    )


def rendered(ax: Axes) -> Axes:
    """Draw the figure for real: text that matplotlib cannot lay out (mathtext) fails here."""
    ax.figure.canvas.draw()
    return ax


def texts(ax: Axes) -> list[str]:
    return [text.get_text() for text in ax.texts]


def money(value: float) -> str:
    return plot._money(value)


# ---------------------------------------------------------------------------------------------
# matplotlib is optional


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    package_root = str(Path(cs.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": package_root}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)


def test_cssegment_works_without_matplotlib_and_plot_says_how_to_install_it():
    code = (
        "import sys\n"
        "import cssegment as cs\n"
        "print('matplotlib imported:', 'matplotlib' in sys.modules)\n"
        "sys.modules['matplotlib'] = None  # as if it were not installed\n"
        "print(cs.TierModel.touch().assign([5e3]).tolist())\n"
        "try:\n"
        "    cs.plot\n"
        "except ImportError as error:\n"
        "    print('ImportError:', error)\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert "matplotlib imported: False" in result.stdout
    assert "['Tech touch']" in result.stdout
    assert "ImportError:" in result.stdout
    assert "pip install cssegment[plot]" in result.stdout


def test_plot_is_reachable_as_an_attribute_and_a_module():
    import cssegment.plot as module

    assert cs.plot is module
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        cs.nonsense  # noqa: B018


# ---------------------------------------------------------------------------------------------
# quadrant_map


def test_quadrant_map_names_counts_and_values_of_every_quadrant(active):
    ax = rendered(plot.quadrant_map(active))
    large_client = active["employees"].to_numpy() >= 1000
    large_contract = active["arr"].to_numpy() >= 50_000
    masks = {
        "Small Business": ~large_client & ~large_contract,
        "Large Opportunity": large_client & ~large_contract,
        "Major": ~large_client & large_contract,
        "Enterprise": large_client & large_contract,
    }
    total = active["arr"].sum()
    notes = texts(ax)
    assert len(notes) == 4
    for (name, mask), note, dots in zip(masks.items(), notes, ax.collections):
        arr = active["arr"].to_numpy()[mask].sum()
        assert note == f"{name}\n{int(mask.sum()):,} accounts\n{money(arr)} ARR ({arr / total:.0%})"
        assert len(dots.get_offsets()) == mask.sum()
        assert dots.get_label() == name
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    vertical = [line for line in ax.get_lines() if line.get_xdata()[0] == line.get_xdata()[1]]
    horizontal = [line for line in ax.get_lines() if line.get_ydata()[0] == line.get_ydata()[1]]
    assert [v.get_xdata()[0] for v in vertical] == [1000]
    assert [h.get_ydata()[0] for h in horizontal] == [50_000]
    assert f"{len(active):,} accounts" in ax.get_title()
    assert "employees" in ax.get_xlabel() and "ARR in $" in ax.get_ylabel()


def test_quadrant_map_areas_follow_value(active):
    ax = plot.quadrant_map(active)
    dots = ax.collections[0]
    values = dots.get_offsets()[:, 1]
    sizes = dots.get_sizes()
    inner = (sizes > 2.0) & (sizes < 400.0)  # clipped at both ends
    ratio = sizes[inner] / values[inner]
    assert np.allclose(ratio, ratio[0])
    # The key: powers of ten within the data, drawn at the same area per dollar.
    arr = active["arr"]
    powers = list(range(int(np.floor(np.log10(arr.min()))), int(np.floor(np.log10(arr.max()))) + 1))[-3:]
    legend = ax.get_legend()
    assert [text.get_text() for text in legend.get_texts()] == [money(10.0**p) for p in powers]
    for key, p in zip(legend.legend_handles, powers):
        area = key.get_markersize() ** 2  # type: ignore[union-attr]
        if 2.0 < area < 400.0:
            assert area == pytest.approx(ratio[0] * 10.0**p)


def test_quadrant_map_uses_the_models_fields_and_thresholds(active):
    model = cs.QuadrantModel(size_column="company_revenue", size_threshold=1e8, value_threshold=20_000)
    _fig, given = plt.subplots()
    ax = plot.quadrant_map(active, model, ax=given, currency="EUR ")
    assert ax is given
    enterprise = (active["company_revenue"] >= 1e8) & (active["arr"] >= 20_000)
    assert texts(ax)[3].startswith(f"Enterprise\n{int(enterprise.sum()):,} accounts\nEUR ")
    assert "company revenue" in ax.get_xlabel()


def test_quadrant_map_rejects_what_a_log_map_cannot_show(book):
    row = int(np.flatnonzero(book.accounts["arr"].to_numpy() == 0)[0])
    with pytest.raises(cs.InvalidInputError, match=rf"accounts\['arr'\]\[{row}\] = 0.0: a log-log map needs"):
        plot.quadrant_map(book.accounts)
    with pytest.raises(cs.InvalidInputError, match=r"model: expected a cssegment\.QuadrantModel"):
        plot.quadrant_map(book.accounts, cs.TierModel.touch())  # type: ignore[arg-type]
    with pytest.raises(cs.InvalidInputError, match="no column 'employees'"):
        plot.quadrant_map(book.accounts[["arr"]])
    with pytest.raises(cs.InvalidInputError, match="ax: expected a matplotlib Axes"):
        plot.quadrant_map(book.accounts[book.accounts["arr"] > 0], ax="left")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# tier_distribution


def test_tier_distribution_bars_are_the_shares_of_accounts_and_arr(active):
    model = cs.TierModel.touch()
    tiers = model.assign(active)
    ax = rendered(plot.tier_distribution(tiers, active["arr"]))
    frame = pd.DataFrame({"tier": np.asarray(tiers, dtype=object), "arr": active["arr"].to_numpy()})
    grouped = frame.groupby("tier")["arr"]
    counts = grouped.size().reindex(model.categories, fill_value=0)
    totals = grouped.sum().reindex(model.categories, fill_value=0.0)
    account_share, arr_share = counts / counts.sum(), totals / totals.sum()
    heights = [bar.get_height() for bar in ax.patches]
    assert len(heights) == 6
    np.testing.assert_allclose(heights[:3], account_share.to_numpy())
    np.testing.assert_allclose(heights[3:], arr_share.to_numpy())
    assert texts(ax) == [f"{s:.0%}" for s in [*account_share, *arr_share]]
    ticks = [tick.get_text() for tick in ax.get_xticklabels()]
    assert ticks == [f"{t}\n{counts[t]:,} accounts\n{money(totals[t])}" for t in model.categories]
    assert ax.get_legend_handles_labels()[1] == ["% of accounts", "% of ARR"]
    assert "(%)" in ax.get_ylabel()
    assert f"{len(active):,} accounts" in ax.get_title()


def test_tier_distribution_shows_accounts_without_a_segment_and_sorts_plain_labels():
    ax = plot.tier_distribution(["b", None, "a", "b"], [10.0, 5.0, 30.0, 0.0])
    ticks = [tick.get_text().split("\n")[0] for tick in ax.get_xticklabels()]
    assert ticks == ["a", "b", "(none)"]
    np.testing.assert_allclose([bar.get_height() for bar in ax.patches[3:]], [30 / 45, 10 / 45, 5 / 45])


def test_tier_distribution_rejects_bad_input():
    with pytest.raises(cs.InvalidInputError, match="arr: has length 1 but segments has length 2"):
        plot.tier_distribution(["a", "b"], [1.0])
    with pytest.raises(cs.InvalidInputError, match=r"arr\[1\] = -5.0: ARR must be finite and >= 0"):
        plot.tier_distribution(["a", "b"], [1.0, -5.0])
    with pytest.raises(cs.InvalidInputError, match=r"segments\[0\] = 3"):
        plot.tier_distribution(np.array([3, "a"], dtype=object), [1.0, 2.0])


# ---------------------------------------------------------------------------------------------
# coverage_chart


def test_coverage_chart_bars_are_csms_needed_with_resource_share(active):
    model = cs.TierModel.touch()
    tiers = model.assign(active)
    plan = cs.coverage(tiers, {"Tech touch": None, "Low touch": 100, "High touch": 15}, csm_cost=150_000)
    ax = rendered(plot.coverage_chart(plan))
    counts = pd.Series(np.asarray(tiers, dtype=object)).value_counts()
    needed = {"Tech touch": 0.0, "Low touch": counts["Low touch"] / 100, "High touch": counts["High touch"] / 15}
    widths = [bar.get_width() for bar in ax.patches]
    np.testing.assert_allclose(widths, list(needed.values()))
    total = sum(needed.values())
    assert texts(ax) == [
        "no named CSM (digital)",
        f"{needed['Low touch']:,.1f} CSMs, {needed['Low touch'] / total:.0%} of CS resources",
        f"{needed['High touch']:,.1f} CSMs, {needed['High touch'] / total:.0%} of CS resources",
    ]
    ticks = [tick.get_text() for tick in ax.get_yticklabels()]
    assert ticks[0] == f"Tech touch\nno CSM, {counts['Tech touch']:,} accounts"
    assert ticks[2] == f"High touch\n15:1, {counts['High touch']:,} accounts"
    assert ax.get_title() == f"Coverage plan: {total:,.1f} CSMs costing {money(total * 150_000)} a year"
    assert "CSMs needed" in ax.get_xlabel()


def test_coverage_chart_rejects_other_frames():
    with pytest.raises(cs.InvalidInputError, match=r"plan: no column\(s\) \['csm_ratio', 'csms_needed'"):
        plot.coverage_chart(pd.DataFrame({"accounts": [1], "resource_share": [1.0]}))
    with pytest.raises(cs.InvalidInputError, match=r"plan: expected the DataFrame of cssegment\.coverage"):
        plot.coverage_chart([1, 2])  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# revenue_bridge


def bridge_heights(ax: Axes) -> list[float]:
    return [bar.get_height() for bar in ax.patches]


def test_revenue_bridge_walks_from_start_to_end_of_the_last_twelve_periods(ledger):
    movements = ledger.movements()
    ax = rendered(plot.revenue_bridge(movements))
    matrix = ledger.revenue  # the balances, read from the ledger itself
    opening, closing = matrix.iloc[:, -13].sum(), matrix.iloc[:, -1].sum()
    flows = movements.iloc[-12:][["new", "reactivation", "expansion", "contraction", "churn"]].sum()
    heights = bridge_heights(ax)
    np.testing.assert_allclose(heights, [opening, *flows, closing], rtol=1e-9)
    # Each step starts where the last one ended, and the walk ends at the closing balance.
    bars = ax.patches
    level = opening
    for bar, name in zip(bars[1:6], flows.index):
        gain = name in ("new", "reactivation", "expansion")
        assert bar.get_y() == pytest.approx(level if gain else level - flows[name])
        level += flows[name] if gain else -flows[name]
    assert level == pytest.approx(closing)
    assert texts(ax) == [
        money(opening),
        *[("+" if n in ("new", "reactivation", "expansion") else "-") + money(v) for n, v in flows.items()],
        money(closing),
    ]
    labels = [tick.get_text() for tick in ax.get_xticklabels()]
    assert labels == ["Start", "New", "Reactivation", "Expansion", "Contraction", "Churn", "End"]
    periods = ledger.periods
    assert ax.get_title() == (
        f"Revenue bridge, {periods[-12]} to {periods[-1]}: {money(opening)} to {money(closing)} "
        f"({(closing - opening) / opening:+.1%})"
    )
    assert ax.title.get_parse_math() is False  # "$1.2M to $1.5M" is not mathtext
    assert "($)" in ax.get_ylabel()


def test_revenue_bridge_over_a_range_and_per_segment(ledger, monthly_tiers):
    by_tier = ledger.movements(by=monthly_tiers)
    periods = ledger.periods
    _fig, given = plt.subplots()
    ax = plot.revenue_bridge(by_tier, first=periods[3], last=periods[8], segment="High touch", ax=given)
    assert ax is given
    rows = by_tier.xs("High touch", level="segment").loc[periods[3] : periods[8]]
    steps = ["moved_in", "moved_out", "new", "reactivation", "expansion", "contraction", "churn"]
    flows = rows[steps].sum()
    assert flows["moved_in"] > 0 and flows["moved_out"] > 0  # tiers change month to month
    expected = [rows["start"].iloc[0], *flows]
    np.testing.assert_allclose(bridge_heights(ax), [*expected, rows["end"].iloc[-1]])
    # The moves are a gain and a loss like the others, and the walk ends at the segment's end.
    level = rows["start"].iloc[0]
    for bar, name in zip(ax.patches[1:8], steps):
        gain = name in ("moved_in", "new", "reactivation", "expansion")
        assert bar.get_y() == pytest.approx(level if gain else level - flows[name])
        level += flows[name] if gain else -flows[name]
    assert level == pytest.approx(rows["end"].iloc[-1])
    assert [tick.get_text() for tick in ax.get_xticklabels()][:4] == ["Start", "Moved in", "Moved out", "New"]
    assert texts(ax)[1:3] == ["+" + money(flows["moved_in"]), "-" + money(flows["moved_out"])]
    assert ax.get_title().startswith(f"Revenue bridge (High touch), {periods[3]} to {periods[8]}:")
    # One segment's rows taken by hand show the same nine bars.
    taken = plot.revenue_bridge(by_tier.xs("High touch", level="segment"), first=periods[3], last=periods[8])
    np.testing.assert_allclose(bridge_heights(taken), bridge_heights(ax))
    # All segments together are the whole book.
    together = plot.revenue_bridge(by_tier)
    whole = plot.revenue_bridge(ledger.movements())
    np.testing.assert_allclose(bridge_heights(together), bridge_heights(whole), rtol=1e-9)
    assert len(together.patches) == 7  # the moves between segments cancel


def test_revenue_bridge_rejects_bad_input(ledger, monthly_tiers):
    movements = ledger.movements()
    with pytest.raises(cs.InvalidInputError, match=r"movements: no column\(s\) \['churn'\]"):
        plot.revenue_bridge(movements.drop(columns="churn"))
    with pytest.raises(cs.InvalidInputError, match="segment: 'High touch' given but movements is not split"):
        plot.revenue_bridge(movements, segment="High touch")
    with pytest.raises(cs.InvalidInputError, match="segment: 'Gold' is not one of the segments"):
        plot.revenue_bridge(ledger.movements(by=monthly_tiers), segment="Gold")
    with pytest.raises(cs.InvalidInputError, match="first, last: no periods from"):
        plot.revenue_bridge(movements, first=pd.Period("2040-01", "M"))
    with pytest.raises(cs.InvalidInputError, match="movements: is empty"):
        plot.revenue_bridge(movements.iloc[:0])


# ---------------------------------------------------------------------------------------------
# retention_curves


def test_retention_curves_one_line_per_segment_and_metric_and_a_100_percent_line(ledger, monthly_tiers):
    retention = ledger.retention(horizon=12, by=monthly_tiers)
    ax = rendered(plot.retention_curves(retention))
    lines = ax.get_lines()
    tiers = cs.TierModel.touch().categories
    assert len(lines) == 3 * 3 + 1
    expected_labels = [f"{m}, {t}" for t in tiers for m in ("NRR", "GRR", "Logo retention")]
    assert [line.get_label() for line in lines] == [*expected_labels, "100%"]
    for line, (tier, metric) in zip(lines, [(t, m) for t in tiers for m in ("nrr", "grr", "logo_retention")]):
        np.testing.assert_allclose(line.get_ydata(), retention.xs(tier, level="segment")[metric].to_numpy())
    assert list(lines[-1].get_ydata()) == [1.0, 1.0]
    assert [line.get_linestyle() for line in lines[:3]] == ["-", "--", ":"]
    assert len({line.get_color() for line in lines[:-1]}) == 3  # a colour per tier
    assert ax.get_legend() is not None
    assert ax.yaxis.get_major_formatter()(1.05, 0) == "105%"
    assert ax.get_title() == "NRR, GRR, logo retention by start period and segment"


def test_retention_curves_of_the_whole_book_match_the_ratios_computed_by_hand(ledger):
    retention = ledger.retention(horizon=12)
    _fig, given = plt.subplots()
    ax = plot.retention_curves(retention, metrics=["nrr", "logo_retention"], ax=given)
    assert ax is given
    matrix = ledger.revenue.to_numpy()
    start, end = matrix[:, :-12], matrix[:, 12:]
    nrr = np.where(start > 0, end, 0).sum(axis=0) / start.sum(axis=0)
    logos = ((start > 0) & (end > 0)).sum(axis=0) / (start > 0).sum(axis=0)
    nrr_line, logo_line, hundred = ax.get_lines()
    np.testing.assert_allclose(nrr_line.get_ydata(), nrr)
    np.testing.assert_allclose(logo_line.get_ydata(), logos)
    assert nrr_line.get_xdata()[0] == ledger.periods[0].to_timestamp()
    assert hundred.get_label() == "100%"


def test_retention_curves_reject_bad_input(ledger):
    retention = ledger.retention(horizon=12)
    with pytest.raises(cs.InvalidInputError, match="metrics: 'nrr' must list some of"):
        plot.retention_curves(retention, metrics="nrr")
    with pytest.raises(cs.InvalidInputError, match=r"metrics: .*'ndr'"):
        plot.retention_curves(retention, metrics=["ndr"])
    with pytest.raises(cs.InvalidInputError, match="retention: is empty"):
        plot.retention_curves(ledger.retention(horizon=12).iloc[:0])
    with pytest.raises(cs.InvalidInputError, match=r"retention: no column\(s\) \['grr'\]"):
        plot.retention_curves(retention.drop(columns="grr"))


# ---------------------------------------------------------------------------------------------
# cohort_heatmap


def test_cohort_heatmap_shows_the_table_and_writes_each_cell():
    rows = pd.DataFrame(
        {
            "account_id": [1, 2, 2, 2, 3, 3, 4, 4, 5],
            "month": [0, 1, 2, 3, 1, 2, 2, 3, 2],
            "mrr": [9.0, 10.0, 10.0, 10.0, 20.0, 30.0, 5.0, 5.0, 8.0],
        }
    )
    cohorts = cs.RevenueLedger(rows).cohorts("logos")
    ax = rendered(plot.cohort_heatmap(cohorts))
    # By hand: cohort 1 = accounts 2, 3 (both pay at age 1, only 2 at age 2); cohort 2 = 4, 5.
    expected = np.array([[1.0, 1.0, 0.5], [1.0, 0.5, np.nan]])
    np.testing.assert_allclose(ax.images[0].get_array().filled(np.nan), expected)
    assert texts(ax) == ["100%", "100%", "50%", "100%", "50%"]
    assert [t.get_text() for t in ax.get_yticklabels() if t.get_text()] == ["1", "2"]
    assert ax.get_title() == "Cohort retention by age"
    assert ax.figure.axes[1].get_ylabel() == "% of the cohort at age 0"  # the colour bar


def test_cohort_heatmap_of_survivor_counts_and_segments(ledger, monthly_tiers):
    survivors = ledger.survivors(by=monthly_tiers, cohort_length=6)
    _fig, given = plt.subplots()
    ax = plot.cohort_heatmap(survivors, segment="Low touch", ax=given, annotate=False)
    assert ax is given
    table = survivors.xs("Low touch", level="segment")
    np.testing.assert_allclose(ax.images[0].get_array().filled(np.nan), table.to_numpy())
    assert len(ax.texts) == 0
    assert ax.get_title() == "Cohorts by age (Low touch)"
    with pytest.raises(cs.InvalidInputError, match=r"segment: the cohorts are split by segment; pick one of \["):
        plot.cohort_heatmap(survivors)
    with pytest.raises(cs.InvalidInputError, match="cohorts: expected the DataFrame"):
        plot.cohort_heatmap(np.ones((2, 2)))  # type: ignore[arg-type]


def test_cohort_heatmap_diverges_at_100_percent_when_revenue_expands(ledger):
    ax = plot.cohort_heatmap(ledger.cohorts("revenue", cohort_length=3))
    norm = ax.images[0].norm
    assert norm.vcenter == 1.0  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# survival_projection


def sbg_survival(alpha: float, beta: float, periods: int) -> np.ndarray:
    """S(t) = S(t-1) (beta + t - 1) / (alpha + beta + t - 1), the survival guide (docs/guide/survival.md)."""
    t = np.arange(1, periods + 1)
    return np.concatenate([[1.0], np.cumprod((beta + t - 1) / (alpha + beta + t - 1))])


def test_survival_projection_draws_observed_fit_and_projection():
    alive = [1000, 631, 468, 382, 326, 289, 262, 241]
    model = cs.ShiftedBetaGeometric().fit(alive)
    ax = rendered(plot.survival_projection(model, alive, periods=36))
    observed, fit, projection = ax.get_lines()
    survival = sbg_survival(model.alpha_, model.beta_, 36)
    np.testing.assert_allclose(observed.get_ydata(), np.array(alive) / 1000)
    np.testing.assert_allclose(fit.get_ydata(), survival[:8], rtol=1e-9)
    np.testing.assert_allclose(projection.get_xdata(), np.arange(7, 37))
    np.testing.assert_allclose(projection.get_ydata(), survival[7:], rtol=1e-9)
    assert projection.get_linestyle() == "--"
    assert texts(ax) == [f"S(36) = {survival[36]:.1%}"]
    assert observed.get_label() == "observed (1,000 customers)"
    assert f"alpha = {model.alpha_:.3g}" in fit.get_label()
    assert ax.get_title() == "Survival: shifted-beta-geometric fit on 7 periods, projected to 36"


def test_survival_projection_beside_the_constant_churn_view():
    alive = np.array([500.0, 400, 340, 300, 275])
    model = cs.ShiftedBetaGeometric().fit(alive)
    ax = plot.survival_projection(model, alive, periods=20, constant_churn=True)
    naive = ax.get_lines()[3]
    # Geometric maximum likelihood by hand: 225 lost over 500 + 400 + 340 + 300 customer-periods.
    churn = 225 / 1540
    np.testing.assert_allclose(naive.get_ydata(), (1 - churn) ** np.arange(21))
    assert naive.get_label() == f"constant churn {churn:.1%} a period: S(20) = {(1 - churn) ** 20:.1%}"
    assert naive.get_ydata()[-1] < sbg_survival(model.alpha_, model.beta_, 20)[-1]  # it undervalues
    with pytest.raises(cs.InvalidInputError, match="constant_churn: needs at least two observed periods"):
        plot.survival_projection(model, [500.0, 500.0], constant_churn=True)


def test_survival_projection_of_a_ragged_survivors_row(ledger):
    survivors = ledger.survivors(cohort_length=3)
    row = survivors.iloc[-3]  # a late cohort: its oldest ages are NaN
    assert row.isna().any()
    model = cs.ShiftedBetaGeometric(alpha=1.0, beta=3.0)
    _fig, given = plt.subplots()
    ax = plot.survival_projection(model, row, ax=given)
    assert ax is given
    observed = row.dropna().to_numpy()
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), observed / observed[0])
    horizon = max(2 * (len(observed) - 1), 12)
    assert ax.get_lines()[2].get_xdata()[-1] == horizon


def test_survival_projection_alive_keyword_is_a_deprecated_alias():
    counts = [100.0, 60.0, 45.0]
    model = cs.ShiftedBetaGeometric().fit(counts)
    with pytest.warns(DeprecationWarning, match="survivors="):
        ax = plot.survival_projection(model, alive=counts)
    assert ax.get_lines()[0].get_label() == "observed (100 customers)"
    plt.close("all")


def test_survival_projection_rejects_bad_input():
    model = cs.ShiftedBetaGeometric(alpha=1.0, beta=3.0)
    with pytest.raises(cs.InvalidInputError, match=r"survivors\[1\] = nan: counts must be finite and >= 0"):
        plot.survival_projection(model, [100, np.nan, 80])
    with pytest.raises(cs.InvalidInputError, match=r"survivors: needs a cohort size survivors\[0\] > 0"):
        plot.survival_projection(model, [0, 0])
    with pytest.raises(cs.InvalidInputError, match="periods: must be a whole number >= 2"):
        plot.survival_projection(model, [100, 90, 80], periods=1)
    with pytest.raises(cs.InvalidInputError, match=r"model: expected a cssegment\.ShiftedBetaGeometric"):
        plot.survival_projection(cs.TierModel.touch(), [100, 90])  # type: ignore[arg-type]
    with pytest.raises(cs.NotFittedError):
        plot.survival_projection(cs.ShiftedBetaGeometric(), [100, 90])


# ---------------------------------------------------------------------------------------------
# health_distribution


def test_health_distribution_bars_are_counts_per_band_and_bin(active):
    scores = card().score(active)
    ax = rendered(plot.health_distribution(scores))
    bars = ax.patches
    assert len(bars) == 20 * 3
    edges = np.linspace(0, 100, 21)
    for b, band in enumerate(["red", "yellow", "green"]):
        expected, _ = np.histogram(scores.loc[scores["band"] == band, "score"], edges)
        np.testing.assert_array_equal([bar.get_height() for bar in bars[20 * b : 20 * (b + 1)]], expected)
        assert {bar.get_facecolor()[:3] for bar in bars[20 * b : 20 * (b + 1)]} == {
            matplotlib.colors.to_rgb(plot.BAND_COLOURS[band])
        }
    shares = scores["band"].value_counts(normalize=True)
    assert ax.get_title() == (
        f"Health scores: {len(active):,} accounts: red {shares['red']:.0%}, yellow {shares['yellow']:.0%}, "
        f"green {shares['green']:.0%}"
    )
    assert ax.get_legend_handles_labels()[1] == ["red", "yellow", "green"]
    assert ax.get_xlim() == (0.0, 100.0)


def test_health_distribution_by_segment_labels_each_ridge(active):
    tiers = cs.TierModel.touch().assign(active)
    scores = card().score(active).assign(tier=np.asarray(tiers, dtype=object))
    scores.loc[scores.index[:7], "score"] = np.nan  # unscored accounts
    scores.loc[scores.index[:7], "band"] = np.nan
    _fig, given = plt.subplots()
    ax = rendered(plot.health_distribution(scores, by="tier", bins=10, ax=given))
    assert ax is given
    assert len(ax.patches) == 3 * 10 * 3
    ticks = [tick.get_text() for tick in ax.get_yticklabels()]
    order = ["High touch", "Low touch", "Tech touch"]  # plain labels are sorted
    for tier, tick in zip(order, ticks):
        rows = scores[(scores["tier"] == tier) & scores["score"].notna()]
        share = rows["band"].value_counts(normalize=True)
        assert tick == (
            f"{tier}\n{len(rows):,} accounts\nred {share.get('red', 0):.0%}, "
            f"yellow {share.get('yellow', 0):.0%}, green {share.get('green', 0):.0%}"
        )
    assert "(7 unscored not shown)" in ax.get_title()
    # Each ridge is scaled to its own tallest stack.
    top = max(bar.get_y() + bar.get_height() for bar in ax.patches[:30])
    assert top == pytest.approx(0.85)


def test_health_distribution_rejects_bad_input(active):
    scores = card().score(active)
    with pytest.raises(cs.InvalidInputError, match=r"scores: no column\(s\) \['band'\]"):
        plot.health_distribution(scores[["score"]])
    with pytest.raises(cs.InvalidInputError, match="bins: must be a whole number >= 1, got 0"):
        plot.health_distribution(scores, bins=0)
    with pytest.raises(cs.InvalidInputError, match="by: has length 2 but scores has length"):
        plot.health_distribution(scores, by=["a", "b"])
    with pytest.raises(cs.InvalidInputError, match="no column 'tier'"):
        plot.health_distribution(scores, by="tier")


# ---------------------------------------------------------------------------------------------
# backtest_chart


def test_backtest_chart_shows_churn_and_lift_by_decile(book):
    accounts = book.accounts
    backtest = card().backtest(accounts)
    ax = rendered(plot.backtest_chart(backtest))
    deciles = backtest.deciles
    rates = deciles["churned"] / deciles["accounts"]
    np.testing.assert_allclose([bar.get_height() for bar in ax.patches], rates.to_numpy())
    overall = accounts["churned"].mean()  # every account has a score here
    assert texts(ax) == [f"{rate / overall:.1f}x" for rate in rates]
    (line,) = ax.get_lines()
    assert line.get_ydata()[0] == pytest.approx(overall)
    assert line.get_label() == f"overall {overall:.1%}"
    auc = roc_auc_score(accounts["churned"], -card().score(accounts)["score"])
    assert ax.get_title() == f"AUC {auc:.3f}"
    assert [tick.get_text() for tick in ax.get_xticklabels()] == [str(d) for d in range(1, 11)]
    assert "1 = least healthy" in ax.get_xlabel()


def test_backtest_chart_side_by_side(book):
    accounts = book.accounts
    hand = card().backtest(accounts)
    calibrated = card().calibrate(accounts).backtest(accounts)
    axes = plot.backtest_chart({"hand-set": hand, "calibrated": calibrated})
    assert isinstance(axes, np.ndarray) and axes.shape == (2,)
    assert axes[0].figure is axes[1].figure
    assert axes[0].get_shared_y_axes().joined(axes[0], axes[1])
    assert axes[0].get_title() == f"hand-set: AUC {hand.auc:.3f}"
    assert axes[1].get_title() == f"calibrated: AUC {calibrated.auc:.3f}, Brier {calibrated.brier:.3f}"
    assert [len(panel.patches) for panel in axes] == [10, 10]
    rendered(axes[0])
    _fig, given = plt.subplots(1, 2)
    drawn = plot.backtest_chart({"a": hand, "b": calibrated}, ax=list(given))
    assert list(drawn) == list(given)


def test_backtest_chart_rejects_bad_input(book):
    hand = card().backtest(book.accounts)
    with pytest.raises(cs.InvalidInputError, match=r"backtest: expected a cssegment\.Backtest"):
        plot.backtest_chart(hand.deciles)  # type: ignore[call-overload]
    with pytest.raises(cs.InvalidInputError, match=r"backtest\['b'\]: expected a cssegment.Backtest"):
        plot.backtest_chart({"a": hand, "b": 0.7})  # type: ignore[dict-item]
    _fig, given = plt.subplots()
    with pytest.raises(cs.InvalidInputError, match="ax: expected a sequence of 2 Axes, one per backtest"):
        plot.backtest_chart({"a": hand, "b": hand}, ax=[given])
    with pytest.raises(cs.InvalidInputError, match="ax: expected a matplotlib Axes"):
        plot.backtest_chart(hand, ax=[given])  # type: ignore[call-overload]
