"""How cssegment objects show themselves: a one-line ``repr`` and small HTML tables for notebooks.

Every object a notebook shows (models, the revenue ledger, backtests, owner assignments) renders
through these helpers, so that they all look alike and every label coming from user data is
escaped once, here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

import numpy as np
import pandas as pd

#: The longest ``repr`` an object returns; longer ones end in ``...)``.
REPR_WIDTH = 100
#: Rows of a frame shown in HTML before the rest is summarised in one line.
MAX_ROWS = 20

_ITEMS_SHOWN = 4
_TEXT_WIDTH = 32


def short(value: Any) -> str:
    """A short, one-line ``repr`` of a parameter value: long lists, mappings, strings and nested
    objects are abridged with ``...``.

    Examples
    --------
    >>> from cssegment._display import short
    >>> short([1, 2, 3, 4, 5, 6])
    '[1, 2, 3, ... 6 items]'
    >>> short("a very long segment name that goes on and on")
    "'a very long segment name th...'"
    """
    if isinstance(value, str):
        text = repr(value)
        return text if len(text) <= _TEXT_WIDTH else text[: _TEXT_WIDTH - 4] + "...'"
    if isinstance(value, Mapping):
        items = [f"{short(k)}: {short(v)}" for k, v in list(value.items())[:_ITEMS_SHOWN]]
        return "{" + _abridged(items, len(value)) + "}"
    if isinstance(value, (list, tuple)):
        items = [short(v) for v in value[:_ITEMS_SHOWN]]
        open_, close = ("[", "]") if isinstance(value, list) else ("(", ")")
        return open_ + _abridged(items, len(value)) + close
    if isinstance(value, np.generic):
        value = value.item()
    text = repr(value)
    if "\n" in text or len(text) > 2 * _TEXT_WIDTH:
        return f"{type(value).__name__}(...)"
    return text


def _abridged(items: list[str], total: int) -> str:
    if total <= _ITEMS_SHOWN:
        return ", ".join(items)
    return ", ".join(items[: _ITEMS_SHOWN - 1]) + f", ... {total} items"


def one_line(name: str, fields: Mapping[str, Any] | Sequence[str]) -> str:
    """``name(key=value, ...)`` on one line of at most :data:`REPR_WIDTH` characters.

    ``fields`` maps keys to values (shown with :func:`short`) or lists ready-made texts.

    Examples
    --------
    >>> from cssegment._display import one_line
    >>> one_line("TierModel", {"thresholds": [10_000.0, 50_000.0], "field": "arr"})
    "TierModel(thresholds=[10000.0, 50000.0], field='arr')"
    >>> len(one_line("Wide", {f"p{i}": "x" * 20 for i in range(10)})) <= 100
    True
    """
    parts = [f"{k}={short(v)}" for k, v in fields.items()] if isinstance(fields, Mapping) else list(fields)
    text = f"{name}({', '.join(parts)})"
    while len(text) > REPR_WIDTH and len(parts) > 1:
        parts.pop()
        text = f"{name}({', '.join([*parts, '...'])})"
    return text if len(text) <= REPR_WIDTH else text[: REPR_WIDTH - 4] + "...)"


def text(value: Any) -> str:
    """A value as a table cell shows it: thousands separators, 6 significant digits, NaN as "NaN".

    Examples
    --------
    >>> from cssegment._display import text
    >>> text(1234567.0), text(0.72341234), text(12), text(float("nan"))
    ('1,234,567', '0.723412', '12', 'NaN')
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return f"{value:,.0f}" if abs(value) >= 1e6 else f"{value:,.6g}"
    return str(value)


def _html(value: Any) -> str:
    """The text of a value, escaped for an HTML element's content."""
    return escape(text(value), quote=False)


def table(rows: Iterable[Sequence[Any]], header: Sequence[Any] | None = None, caption: str | None = None) -> str:
    """An HTML table; the first cell of each row is a header cell (the row's label). Cells go
    through :func:`text` unless they are already strings, and everything is escaped.

    Examples
    --------
    >>> from cssegment._display import table
    >>> table([("<b>&", 1.5)], header=["band", "lift"])
    '<table><thead><tr><th>band</th><th>lift</th></tr></thead><tbody><tr><th>&lt;b&gt;&amp;</th><td>1.5</td></tr></tbody></table>'
    """
    parts = ["<table>"]
    if caption is not None:
        parts.append(f"<caption>{_html(caption)}</caption>")
    if header is not None:
        parts.append("<thead><tr>" + "".join(f"<th>{_html(h)}</th>" for h in header) + "</tr></thead>")
    parts.append("<tbody>")
    for label, *cells in rows:
        parts.append(f"<tr><th>{_html(label)}</th>" + "".join(f"<td>{_html(c)}</td>" for c in cells) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def params(values: Mapping[str, Any]) -> str:
    """A two-column table of parameters: name, then ``repr`` of the value.

    Examples
    --------
    >>> from cssegment._display import params
    >>> params({"field": "arr"})
    "<table><tbody><tr><th>field</th><td>'arr'</td></tr></tbody></table>"
    """
    return table((key, repr(value)) for key, value in values.items())


def frame(data: pd.DataFrame, caption: str | None = None, max_rows: int = MAX_ROWS) -> str:
    """A DataFrame as a table (its index as row labels), the first ``max_rows`` rows shown.

    Examples
    --------
    >>> import pandas as pd
    >>> from cssegment._display import frame
    >>> html = frame(pd.DataFrame({"accounts": range(30)}), max_rows=2)
    >>> html.count("<tr>"), "28 more rows" in html
    (4, True)
    """
    index_name = ", ".join(str(n) for n in data.index.names if n is not None)
    header = [index_name, *data.columns]
    labels = [", ".join(map(text, i)) if isinstance(i, tuple) else i for i in data.index[:max_rows]]
    rows: list[Sequence[Any]] = [(label, *row) for label, row in zip(labels, data.iloc[:max_rows].itertuples(False))]
    if len(data) > max_rows:
        rows.append((f"... {len(data) - max_rows:,} more rows", *[""] * len(data.columns)))
    return table(rows, header=header, caption=caption)


class Summarized:
    """Display of a result object: ``repr`` is its name around the one-line ``_summary()``; the
    HTML is its name, the summary, then the tables of ``_tables()``.

    Examples
    --------
    >>> from cssegment._display import Summarized, table
    >>> class Plan(Summarized):
    ...     def _summary(self) -> str:
    ...         return "3 CSMs, 450 accounts"
    ...     def _tables(self) -> list[str]:
    ...         return [table([("Ana", 150)])]
    >>> Plan()
    Plan(3 CSMs, 450 accounts)
    >>> Plan()._repr_html_().startswith("<div><strong>Plan</strong> <span>3 CSMs, 450 accounts</span><table>")
    True
    """

    def _summary(self) -> str:
        raise NotImplementedError

    def _tables(self) -> list[str]:
        return []

    def __repr__(self) -> str:
        return one_line(type(self).__name__, [self._summary()])

    def _repr_html_(self) -> str:
        return block(type(self).__name__, *self._tables(), note=self._summary())


def block(title: str, *parts: str, note: str | None = None) -> str:
    """The HTML of an object: its title in bold, an optional one-line note, then its tables.

    Examples
    --------
    >>> from cssegment._display import block
    >>> block("Ledger <&>", note="3 accounts")
    '<div><strong>Ledger &lt;&amp;&gt;</strong> <span>3 accounts</span></div>'
    """
    body = "" if note is None else f" <span>{_html(note)}</span>"
    return f"<div><strong>{_html(title)}</strong>{body}{''.join(parts)}</div>"
