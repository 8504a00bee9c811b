"""One scorecard per segment or lifecycle stage (mirrors ``include/cssegment/health/scorecard_set.hpp``).

Examples
--------
>>> import cssegment as cs
>>> usage = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])
>>> cards = cs.health.scorecard_set.ScorecardSet({"SMB": usage})
>>> cards.score({"segment": ["SMB"], "logins": [10]})["score"].tolist()
[50.0]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, overload

import pandas as pd

from .. import _core, _display, _frame
from .._core import InvalidInputError
from .._model import Check, Model
from .history import HistoryScoring
from .scorecard import (
    Columns,
    Scorecard,
    earlier_columns,
    index_of,
    named_columns,
    previous_scores,
    row_count,
    score_frame,
)

if TYPE_CHECKING:
    import polars as pl

__all__ = ["ScorecardSet"]


def _card(card: Any, argument: str) -> Any:
    """The core scorecard of a Scorecard (the core keeps copies: fitting the set changes no card given)."""
    if not isinstance(card, Scorecard):
        raise InvalidInputError(f"{argument} = {card!r}: expected a cssegment.Scorecard")
    return card._model


def _scorecards(scorecards: Mapping[str, Scorecard], argument: str) -> list[tuple[str, Any]]:
    if not isinstance(scorecards, Mapping):
        raise InvalidInputError(f"{argument}: expected a mapping of segment to Scorecard, got {scorecards!r}")
    cards = [(name, _card(card, f"{argument}[{name!r}]")) for name, card in scorecards.items()]
    return [(_frame.text(name, argument), card) for name, card in cards]


def _default(card: Scorecard | None, argument: str) -> Any:
    # Named as the set names it: scorecards['default'].
    return None if card is None else _card(card, f"scorecards[{ScorecardSet.DEFAULT!r}]")


class ScorecardSet(HistoryScoring, Model):
    """One scorecard per segment or lifecycle stage, with a default for the others.

    ``by`` names the column holding each account's segment. All scorecards must share the same
    band names (each bands its scores with its own bounds). ``fit`` fits each scorecard on its own
    segment's rows (the default on the rows no other scorecard takes, or on all rows when there
    are none). ``score`` returns the columns of :meth:`Scorecard.score` plus ``scorecard`` (which
    one scored the row); ``contrib_<column>`` covers every measure of every scorecard, 0 for
    measures not in the row's scorecard (so a row's contributions still add up to its score), NaN
    where there is no score. Without a default, an account of another segment (or of none) is an
    error. Scoring runs in the C++ core, parallel across rows.

    Parameters
    ----------
    scorecards : mapping of str to Scorecard
        Segment -> its scorecard.
    default : Scorecard, optional
        The scorecard of every other segment.
    by : str
        Column of each account's segment.

    Examples
    --------
    >>> import pandas as pd, cssegment as cs
    >>> usage = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])
    >>> sponsor = cs.Scorecard([cs.Measure("sponsor", cs.Boolean())])
    >>> cards = cs.ScorecardSet({"Enterprise": sponsor}, default=usage)
    >>> df = pd.DataFrame({"segment": ["Enterprise", "SMB"], "logins": [2, 15], "sponsor": [True, False]})
    >>> cards.score(df)[["score", "band", "scorecard", "contrib_sponsor", "contrib_logins"]]
       score   band   scorecard  contrib_sponsor  contrib_logins
    0  100.0  green  Enterprise            100.0             0.0
    1   75.0  green     default              0.0            75.0
    """

    _core_type = _core.health.scorecard_set
    _model: _core.health.scorecard_set
    DEFAULT = "default"
    # In the core constructor's order (by first).
    _parameters: ClassVar[Mapping[str, Check]] = {
        "by": _frame.text,
        "scorecards": _scorecards,
        "default": _default,
    }

    def __init__(
        self, scorecards: Mapping[str, Scorecard], default: Scorecard | None = None, by: str = "segment"
    ) -> None:
        self._model = _core.health.scorecard_set(*self._checked(locals()))

    @property
    def scorecards(self) -> dict[str, Scorecard]:
        """Segment -> its scorecard (copies: fit the set, not these).

        Examples
        --------
        >>> import cssegment as cs
        >>> usage = cs.Scorecard([cs.Measure("logins", cs.Percentile())])
        >>> cards = cs.ScorecardSet({"Enterprise": usage}, default=usage)
        >>> list(cards.scorecards)
        ['Enterprise']
        """
        return {name: Scorecard._wrap(card) for name, card in self._model.scorecards}

    @property
    def default(self) -> Scorecard | None:
        """The scorecard of accounts of every other segment (None: they are an error).

        Examples
        --------
        >>> import cssegment as cs
        >>> usage = cs.Scorecard([cs.Measure("logins", cs.Percentile())])
        >>> cards = cs.ScorecardSet({"Enterprise": usage}, default=usage)
        >>> cards.default == usage
        True
        """
        default = self._model.default
        return None if default is None else Scorecard._wrap(default)

    @property
    def by(self) -> str:
        """The column holding each account's segment.

        Examples
        --------
        >>> import cssegment as cs
        >>> usage = cs.Scorecard([cs.Measure("logins", cs.Percentile())])
        >>> cards = cs.ScorecardSet({"Enterprise": usage}, default=usage)
        >>> cards.by
        'segment'
        """
        return str(self._model.by)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"scorecards": self.scorecards, "default": self.default, "by": self.by}

    def _repr_fields(self) -> Mapping[str, Any]:
        return {**self.get_params(), "scorecards": list(self.scorecards)}

    def _html_sections(self) -> list[str]:
        cards = [*self.scorecards.items(), *([(self.DEFAULT, self.default)] if self.default is not None else [])]
        rows = [
            (name, ", ".join(m.column for m in card.measures), card._model.combine, _display.short(card.bands))
            for name, card in cards
        ]
        return [_display.table(rows, header=[self.by, "measures", "combine", "bands"])]

    def _columns(self, data: Any) -> tuple[Columns, int]:
        """The segment column and every column a scorecard reads that ``data`` has; the core names
        any missing one a scorecard with rows needs."""
        row_count(data)  # a DataFrame or a mapping of columns, before looking into it
        cards = [card for _, card in self._model.scorecards]
        if self._model.default is not None:
            cards.append(self._model.default)
        groups = [n.by for card in cards for _, n, _ in card.measures if n.by and n.by in data]
        labelled = [
            c for card in cards for c, n, _ in card.measures if (n.kind == "category" or n.labels) and c in data
        ]
        numeric = [column for column in self._model.measure_columns if column in data and column not in labelled]
        earlier = [name for card in cards for name in earlier_columns(data, card.measures)]
        return named_columns(data, numeric + earlier, [self.by, *labelled, *groups])

    @_frame.reads_columns
    def fit(self, data: _frame.Frame) -> ScorecardSet:
        """Fit each scorecard on its segment's rows.

        The default is fitted on the remaining rows (all rows when no row is left).

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            The ``by`` column and the columns the scorecards read.

        Returns
        -------
        ScorecardSet
            The set itself, fitted.

        Examples
        --------
        >>> import cssegment as cs
        >>> usage = cs.Scorecard([cs.Measure("logins", cs.Percentile())])
        >>> cards = cs.ScorecardSet({"Enterprise": usage}, default=usage)
        >>> data = {"segment": ["Enterprise", "Enterprise", "SMB", "SMB"], "logins": [10, 30, 1, 3]}
        >>> cards.fit(data).score(data)["score"].tolist()
        [25.0, 75.0, 25.0, 75.0]
        """
        columns, rows = self._columns(data)
        self._model.fit(columns, rows)
        return self

    @overload
    def score(
        self, data: _frame.Frame, previous: _frame.ArrayLike | None = None, *, output: _frame.PolarsOutput
    ) -> pl.DataFrame: ...
    @overload
    def score(
        self, data: _frame.Frame, previous: _frame.ArrayLike | None = None, *, output: _frame.PandasOutput = None
    ) -> pd.DataFrame: ...
    @_frame.reads_columns
    def score(
        self, data: _frame.Frame, previous: _frame.ArrayLike | None = None, *, output: _frame.Output = None
    ) -> pd.DataFrame | pl.DataFrame:
        """Score each account with its segment's scorecard.

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            The ``by`` column and the columns the scorecards read.
        previous : array-like of float, optional
            Earlier scores in the same row order as ``data`` (NaN: none).
        output : {"pandas", "polars"}, optional
            The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

        Returns
        -------
        pandas.DataFrame
            The columns of :meth:`Scorecard.score` plus ``scorecard`` (which one scored the row).

        Raises
        ------
        InvalidInputError
            If an account's segment has no scorecard and there is no default.

        Examples
        --------
        >>> import cssegment as cs
        >>> cards = cs.ScorecardSet({"Enterprise": cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])})
        >>> cards.score({"segment": ["Enterprise"], "logins": [15]})[["score", "scorecard"]]
           score   scorecard
        0   75.0  Enterprise
        """
        columns, rows = self._columns(data)
        earlier = previous_scores(previous, rows)
        result = self._model.score(columns, rows, earlier)
        which = pd.Categorical.from_codes(result["scorecard"], categories=pd.Index(self._model.scorecard_names))
        index = index_of(data)
        frame = score_frame(result, self._model.band_names, self._model.measure_columns, index, {"scorecard": which})
        return _frame.output(frame, output)
