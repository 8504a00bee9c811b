"""Notebook displays: every model, ledger, backtest and assignment renders a well-formed HTML table
of what it holds (labels from user data escaped) and a ``repr`` that fits on one line."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from cssegment import _display

LABEL = "<b>&"  # a user label that breaks HTML unless escaped
ESCAPED = "&lt;b&gt;&amp;"
VOID_TAGS = {"br", "hr", "img", "input", "meta", "link", "col", "wbr"}


class Fragment(HTMLParser):
    """Checks that every tag is closed in order and collects the tables' cells as text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.captions: list[str] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            return
        self.open.append(tag)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "caption":
            self._caption = []

    def handle_endtag(self, tag: str) -> None:
        assert self.open, f"</{tag}> closes nothing"
        assert self.open[-1] == tag, f"</{tag}> closes <{self.open[-1]}>"
        self.open.pop()
        if tag in ("td", "th"):
            assert self._cell is not None
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "caption":
            assert self._caption is not None
            self.captions.append("".join(self._caption))
            self._caption = None

    def handle_data(self, data: str) -> None:
        for sink in (self._cell, self._caption, self.text):
            if sink is not None:
                sink.append(data)


def parse(html: str) -> Fragment:
    """The parsed fragment; fails unless the HTML is well formed (every tag closed, in order)."""
    fragment = Fragment()
    fragment.feed(html)
    fragment.close()
    assert fragment.open == [], f"unclosed tags {fragment.open}"
    assert html.startswith("<div>") and html.endswith("</div>")
    return fragment


def rows(html: str, table: int | None = None) -> dict[str, list[str]]:
    """Every row of the HTML's tables (or of its `table`-th): its label (first cell) -> the other cells."""
    tables = parse(html).tables
    return {row[0]: row[1:] for rows_ in (tables if table is None else [tables[table]]) for row in rows_ if row}


def check_repr(obj: object) -> str:
    text = repr(obj)
    assert "\n" not in text and 0 < len(text) <= _display.REPR_WIDTH, text
    assert text.startswith(type(obj).__name__ + "(") and text.endswith(")")
    return text


# --- the objects -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def book() -> cs.datasets.Book:
    return cs.datasets.synthetic_book(600, n_months=12, seed=4)


def scorecard(bands: dict[str, float] | None = None) -> cs.Scorecard:
    measures = [
        cs.Measure("seats_used_pct", cs.Linear(0, 100), weight=2.0),
        cs.Measure("tickets_90d", cs.Linear(10, 0)),
    ]
    return cs.Scorecard(measures, bands=bands or {"red": 0.0, "yellow": 50.0, "green": 75.0})


def models(book: cs.datasets.Book) -> dict[str, Any]:
    accounts = book.accounts
    features = accounts[["arr", "employees"]]
    card = scorecard()
    return {
        "TierModel": cs.TierModel.touch(),
        "QuadrantModel": cs.QuadrantModel(),
        "RuleModel": cs.RuleModel.four_tier(),
        "KMeans": cs.KMeans(3, scale="log"),
        "KMeans fitted": cs.KMeans(3, scale="log").fit(features),
        "CadencePolicy": cs.CadencePolicy({"High touch": 30, "Low touch": 60}),
        "Scorecard": card,
        "ScorecardSet": cs.ScorecardSet({"Enterprise": card}, default=scorecard(), by="region"),
        "CalibratedScorecard": card.calibrate(accounts, "churned"),
        "ShiftedBetaGeometric": cs.ShiftedBetaGeometric(),
        "ShiftedBetaGeometric given": cs.ShiftedBetaGeometric(0.7, 1.2),
        "ShiftedBetaGeometric fitted": cs.ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326]),
    }


@pytest.fixture(scope="module")
def every_model(book: cs.datasets.Book) -> dict[str, Any]:
    return models(book)


MODELS = [
    "TierModel",
    "QuadrantModel",
    "RuleModel",
    "KMeans",
    "KMeans fitted",
    "CadencePolicy",
    "Scorecard",
    "ScorecardSet",
    "CalibratedScorecard",
    "ShiftedBetaGeometric",
    "ShiftedBetaGeometric given",
    "ShiftedBetaGeometric fitted",
]


def test_every_public_model_is_covered(every_model: dict[str, Any]) -> None:
    model_classes = {
        name
        for name in cs.__all__
        if isinstance(getattr(cs, name), type) and issubclass(getattr(cs, name), cs._model.Model)
    }
    assert {type(model).__name__ for model in every_model.values()} == model_classes
    assert sorted(every_model) == sorted(MODELS)


@pytest.mark.parametrize("name", MODELS)
def test_model_html_lists_every_parameter(every_model: dict[str, Any], name: str) -> None:
    model = every_model[name]
    html = model._repr_html_()
    table = rows(html, table=0)
    assert parse(html).text[0] == type(model).__name__
    for key, value in model.get_params().items():
        assert table[key] == [repr(value)], key


@pytest.mark.parametrize("name", MODELS)
def test_model_repr_is_one_line(every_model: dict[str, Any], name: str) -> None:
    text = check_repr(every_model[name])
    fields = every_model[name]._repr_fields()
    assert f"{next(iter(fields))}=" in text if fields else text == f"{type(every_model[name]).__name__}()"


def test_short_parameters_repr_in_full() -> None:
    assert repr(cs.ShiftedBetaGeometric(0.5, 2.0)) == "ShiftedBetaGeometric(alpha=0.5, beta=2.0)"
    assert repr(cs.QuadrantModel(size_threshold=500)) == "QuadrantModel(size_threshold=500.0)"  # non-defaults


def test_long_reprs_are_abridged_not_cut_mid_value() -> None:
    model = cs.TierModel(list(range(1, 30)), [f"tier {i}" for i in range(30)])
    text = check_repr(model)
    assert text == "TierModel(thresholds=[1.0, 2.0, 3.0, ... 29 items], ...)"


def test_tier_table(every_model: dict[str, Any]) -> None:
    table = rows(every_model["TierModel"]._repr_html_())
    assert table["tier"] == ["from", "below", "csm_ratio"]
    assert table["Tech touch"] == ["0", "10,000", "1,000"]
    assert table["Low touch"] == ["10,000", "50,000", "100"]
    assert table["High touch"] == ["50,000", "inf", "15"]


def test_rules_table(every_model: dict[str, Any]) -> None:
    model = every_model["RuleModel"]
    table = rows(model._repr_html_())
    for segment in model.segments:
        assert table[segment.name] == [segment.when, _display.text(segment.csm_ratio), str(segment.pooled)]
    assert table["Self-Service"] == ["(no rule matched)", "None", "False"]
    assert "segments=['Enterprise', 'Strategic', '1:Many']" in repr(model)


def test_kmeans_shows_what_it_learned(every_model: dict[str, Any]) -> None:
    assert "Not fitted." in parse(every_model["KMeans"]._repr_html_()).text
    model = every_model["KMeans fitted"]
    fragment = parse(model._repr_html_())
    table = rows(model._repr_html_())
    assert table["inertia_"] == [_display.text(model.inertia_)]
    assert table["n_iter_"] == [str(model.n_iter_)]
    assert table["cluster"] == ["arr", "employees"]
    for cluster, centre in enumerate(model.cluster_centers_):
        assert table[str(cluster)] == [_display.text(v) for v in centre]
    assert "cluster_centers_" in fragment.captions


def test_calibrated_scorecard_shows_coefficients_intercept_and_iterations(every_model: dict[str, Any]) -> None:
    model = every_model["CalibratedScorecard"]
    table = rows(model._repr_html_())
    for measure, coef in model.coef_.items():
        assert table[measure] == [_display.text(coef), _display.text(model.means_[measure])]
    assert table["intercept_"] == [_display.text(model.intercept_)]
    assert table["n_iter_"] == [str(model.n_iter_)] and model.n_iter_ > 0
    assert table["l2"] == ["1"]
    text = check_repr(model)
    assert f"'seats_used_pct': {float(f'{model.coef_.iloc[0]:.4g}')}" in text and "intercept=" in text


def test_scorecards_list_their_measures(every_model: dict[str, Any]) -> None:
    card = every_model["Scorecard"]
    table = rows(card._repr_html_())
    assert table["seats_used_pct"] == ["Linear(bad=0.0, good=100.0)", "2"]
    assert table["tickets_90d"] == ["Linear(bad=10.0, good=0.0)", "1"]
    assert "measures=['seats_used_pct', 'tickets_90d']" in repr(card)
    cards = every_model["ScorecardSet"]
    table = rows(cards._repr_html_(), table=1)
    assert table["region"] == ["measures", "combine", "bands"]
    assert table["Enterprise"][:2] == ["seats_used_pct, tickets_90d", "weighted"]
    assert table["default"][0] == "seats_used_pct, tickets_90d"
    assert repr(cards) == "ScorecardSet(scorecards=['Enterprise'], default=Scorecard(...), by='region')"


def test_sbg_shows_the_fit(every_model: dict[str, Any]) -> None:
    assert "Not fitted." in parse(every_model["ShiftedBetaGeometric"]._repr_html_()).text
    model = every_model["ShiftedBetaGeometric fitted"]
    table = rows(model._repr_html_())
    assert table["log_likelihood_"] == [_display.text(model.log_likelihood_)]
    assert table["n_periods_"] == ["4"]
    assert table["mean churn probability alpha / (alpha + beta)"] == [
        _display.text(model.alpha_ / (model.alpha_ + model.beta_))
    ]


# --- labels from user data are escaped ----------------------------------------------------------


def labelled_objects() -> dict[str, Callable[[], Any]]:
    accounts = pd.DataFrame({"arr": [90e3, 80e3, 5e3, 60e3], LABEL: [1.0, 2.0, 3.0, 4.0]})
    rows_ = pd.DataFrame({LABEL: [1, 1, 2], "month": [1, 2, 2], "mrr": [10.0, 12.0, 5.0]})
    card = cs.Scorecard([cs.Measure(LABEL, cs.Linear(0, 4))], bands={LABEL: 0.0, "ok": 50.0})
    outcome = [1, 0, 1, 0]
    return {
        "TierModel": lambda: cs.TierModel([10_000], [LABEL, "big"]),
        "QuadrantModel": lambda: cs.QuadrantModel(names=(LABEL, "b", "c", "d")),
        "RuleModel": lambda: cs.RuleModel([cs.Segment(LABEL, "arr >= 50k")], default="rest"),
        "KMeans": lambda: cs.KMeans(2).fit(accounts),
        "CadencePolicy": lambda: cs.CadencePolicy({LABEL: 30}),
        "Scorecard": lambda: card,
        "ScorecardSet": lambda: cs.ScorecardSet({LABEL: card}, by=LABEL),
        "CalibratedScorecard": lambda: card.calibrate(accounts, outcome),
        "RevenueLedger": lambda: cs.RevenueLedger(rows_, account=LABEL),
        "Backtest": lambda: card.backtest(accounts, outcome),
        "OwnerAssignment": lambda: cs.assign_owners(
            accounts, cs.TierModel([50_000], ["small", "large"], csm_ratios=[None, 15]), {"large": [LABEL]}
        ),
    }


@pytest.mark.parametrize("name", list(labelled_objects()))
def test_labels_are_escaped(name: str) -> None:
    obj = labelled_objects()[name]()
    html = obj._repr_html_()
    assert ESCAPED in html
    assert LABEL not in html
    fragment = parse(html)
    assert any(LABEL in cell for table in fragment.tables for row in table for cell in row)
    check_repr(obj)


# --- ledger, backtest, assignment, book ---------------------------------------------------------


def test_ledger_summary() -> None:
    rows_ = pd.DataFrame(
        {
            "account_id": ["a", "a", "b", "b", "b", "c"],
            "month": pd.PeriodIndex(["2024-01", "2024-02", "2024-01", "2024-02", "2024-02", "2024-05"], freq="M"),
            "mrr": [100.0, 120.0, 50.0, 20.0, 10.0, 7.5],
        }
    )
    ledger = cs.RevenueLedger(rows_)
    table = rows(ledger._repr_html_())
    assert table["accounts"] == ["3"]
    assert table["periods"] == ["5 (2024-01 to 2024-05)"]
    assert table["rows read"] == ["6"]
    assert table["duplicate rows summed"] == ["1"]
    assert table["periods without revenue (zeros)"] == ["2"]  # 2024-03 and 2024-04
    assert table["revenue in the last period"] == ["7.5"]
    assert table["columns"] == ["account='account_id', period='month', amount='mrr'"]
    assert check_repr(ledger) == "RevenueLedger(3 accounts x 5 periods, 2024-01 to 2024-05; 6 rows)"


def test_empty_ledger_displays() -> None:
    ledger = cs.RevenueLedger(
        pd.DataFrame({"account_id": np.array([], dtype=np.int64), "month": np.array([], dtype=np.int64), "mrr": []})
    )
    assert rows(ledger._repr_html_())["accounts"] == ["0"]
    assert "no periods" in check_repr(ledger)


def test_backtest_tables(book: cs.datasets.Book) -> None:
    card = scorecard()
    for result in (card.backtest(book.accounts), card.calibrate(book.accounts).backtest(book.accounts)):
        html = result._repr_html_()
        fragment = parse(html)
        assert fragment.captions == ["churn by band", "churn by decile (1 = least healthy)"]
        band_table, decile_table = fragment.tables[1], fragment.tables[2]
        assert band_table[0] == ["band", *result.bands.columns]
        assert [row[0] for row in band_table[1:]] == ["red", "yellow", "green"]
        for row, (_, expected) in zip(band_table[1:], result.bands.iterrows()):
            assert row[1:] == [_display.text(v) for v in expected.to_numpy(dtype=object)]
        assert [row[0] for row in decile_table[1:]] == [str(d) for d in range(1, 11)]
        for row, (_, expected) in zip(decile_table[1:], result.deciles.iterrows()):
            assert row[1:] == [_display.text(v) for v in expected.to_numpy(dtype=object)]
        table = rows(html)
        assert table["auc"] == [_display.text(result.auc)]
        assert table["brier"] == ["" if result.brier is None else _display.text(result.brier)]
        assert table["accounts"] == [f"{result.accounts:,}"] and table["churned"] == [f"{result.churned:,}"]
        text = check_repr(result)
        assert f"AUC {result.auc:.4f}" in text and f"{result.accounts:,} accounts" in text
        assert ("Brier" in text) == (result.brier is not None)


def test_owner_assignment(book: cs.datasets.Book) -> None:
    model = cs.TierModel.touch()
    roster = {"High touch": [f"csm{i}" for i in range(20)]}
    result = cs.assign_owners(book.accounts, model, roster, names=["High touch"])
    html = result._repr_html_()
    table = rows(html)
    for owner, book_row in result.books.iterrows():
        assert table[str(owner)] == [_display.text(v) for v in book_row.to_numpy(dtype=object)]
    owned = int(result.owners.notna().sum())
    text = check_repr(result)
    assert text == (
        f"OwnerAssignment({owned:,} of {len(book.accounts):,} accounts owned by {len(result.books)} owners; "
        f"0 kept, 0 reassigned)"
    )


def test_long_frames_are_cut_with_a_count() -> None:
    frame = pd.DataFrame({"accounts": np.arange(45)}, index=pd.Index([f"o{i}" for i in range(45)], name="owner"))
    table = rows("<div>" + _display.frame(frame) + "</div>")
    assert table["owner"] == ["accounts"]
    assert "o19" in table and "o20" not in table
    assert table["... 25 more rows"] == [""]


def test_book(book: cs.datasets.Book) -> None:
    html = book._repr_html_()
    table = rows(html)
    first = book.accounts.iloc[0]
    assert table["0"] == [_display.text(v) for v in first.to_numpy(dtype=object)]
    assert "600 accounts" in "".join(parse(html).text)
    assert "\n" not in repr(book)


def test_cell_text() -> None:
    assert [_display.text(v) for v in (1234567.0, 0.5, 12, np.int64(3), float("nan"), None, True, "x")] == [
        "1,234,567",
        "0.5",
        "12",
        "3",
        "NaN",
        "None",
        "True",
        "x",
    ]
