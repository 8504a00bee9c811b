"""The calibrated scorecard as a scikit-learn classifier: ``fit(X, y)`` calibrates, ``predict_proba``
gives the two class columns scikit-learn expects, so it works in a ``Pipeline``, ``clone`` and the
model-selection tools.

Examples
--------
>>> import cssegment as cs
>>> from sklearn.model_selection import cross_val_score
>>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
>>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100))])
>>> scores = cross_val_score(cs.ScorecardClassifier(card), book, book["churned"], cv=3, scoring="roc_auc")
>>> bool((scores > 0.5).all())
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .. import _frame
from .._core import InvalidInputError, NotFittedError
from .._model import non_default, overridden
from .calibrate import CalibratedScorecard
from .scorecard import Scorecard, outcome_values

__all__ = ["ScorecardClassifier"]


class ScorecardClassifier:
    """A :class:`Scorecard` whose weights are learned by ``fit(X, y)``: a scikit-learn classifier.

    ``fit`` runs :meth:`Scorecard.calibrate` (which fits the scorecard's learned normalisers
    first); ``predict_proba`` returns an (n, 2) array of the probabilities of ``classes_``
    (stayed, churned), ``predict`` the more likely class. The fitted
    :class:`CalibratedScorecard` is ``calibrated_``, with its ``coef_`` and ``intercept_``.

    Parameters
    ----------
    scorecard : Scorecard
        The measures (columns of ``X``) and their normalisers; its weights are replaced by the
        learned ones.
    l2 : float, default 1.0
        L2 penalty of the logistic regression (as in :meth:`Scorecard.calibrate`).
    positive : str, optional
        For an outcome given as labels (``"Yes"``/``"No"``): the label that means churned.

    Examples
    --------
    >>> import cssegment as cs
    >>> from sklearn.base import clone
    >>> card = cs.Scorecard([cs.Measure("contract", cs.Category({"Monthly": 0, "Yearly": 100}))])
    >>> model = cs.ScorecardClassifier(card, positive="Yes")
    >>> hasattr(model, "calibrated_"), clone(model).get_params()["positive"]
    (False, 'Yes')
    """

    def __init__(self, scorecard: Scorecard, l2: float = 1.0, positive: str | None = None) -> None:
        self.scorecard = scorecard
        self.l2 = l2
        self.positive = positive

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor arguments.

        Parameters
        ----------
        deep : bool
            Accepted for scikit-learn; changes nothing (a Scorecard is not an estimator).

        Returns
        -------
        dict
            ``scorecard``, ``l2`` and ``positive``.

        Examples
        --------
        >>> import cssegment as cs
        >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100))])
        >>> cs.ScorecardClassifier(card, l2=0.5).get_params()["l2"]
        0.5
        """
        return {"scorecard": self.scorecard, "l2": self.l2, "positive": self.positive}

    def set_params(self, **params: Any) -> ScorecardClassifier:
        """Change constructor arguments (a fitted classifier keeps its fit until the next ``fit``).

        Parameters
        ----------
        **params
            Constructor arguments to change.

        Returns
        -------
        ScorecardClassifier
            Itself.

        Raises
        ------
        InvalidInputError
            If a name is not a constructor argument.

        Examples
        --------
        >>> import cssegment as cs
        >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100))])
        >>> cs.ScorecardClassifier(card).set_params(l2=2.0).l2
        2.0
        """
        for name, value in overridden(self.get_params(), params, "params").items():
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        changed = non_default(type(self), self.get_params())
        return f"ScorecardClassifier({', '.join(f'{k}={v!r}' for k, v in changed.items())})"

    @_frame.reads_columns
    def fit(self, X: _frame.Frame, y: _frame.ArrayLike) -> ScorecardClassifier:
        """Calibrate the scorecard on ``X`` (a frame of its measures) and the outcome ``y``.

        Parameters
        ----------
        X : DataFrame or mapping of columns
            Every measure's column (any frame :doc:`cssegment reads </guide/data>`).
        y : array-like
            1 (True) = churned, 0 = stayed; or labels with ``positive`` the label of churned.

        Returns
        -------
        ScorecardClassifier
            Itself, fitted.

        Examples
        --------
        >>> import cssegment as cs
        >>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
        >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100))])
        >>> model = cs.ScorecardClassifier(card).fit(book, book["churned"])
        >>> model.classes_.tolist(), model.calibrated_.coef_.round(2).tolist()
        ([0, 1], [-3.69])
        """
        if not isinstance(self.scorecard, Scorecard):
            raise InvalidInputError(f"scorecard: expected a cssegment.Scorecard, got {type(self.scorecard).__name__}")
        self.calibrated_ = self.scorecard.fit(X).calibrate(X, y, self.l2, positive=self.positive)
        if self.positive is None:
            self.classes_ = np.array([0, 1])
        else:  # the other label(s), then the positive one: predict_proba's columns
            others = [label for label in _frame.labels(y, "y")[1] if label != self.positive]
            self.classes_ = np.array([*others[:1], self.positive], dtype=object)
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "calibrated_")

    def __sklearn_tags__(self) -> Any:
        """scikit-learn's description of a binary classifier on a frame of named columns."""
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags  # type: ignore[import-untyped]

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            transformer_tags=None,
            classifier_tags=ClassifierTags(multi_class=False),
            regressor_tags=None,
            input_tags=InputTags(allow_nan=True),
        )

    def _calibrated(self) -> CalibratedScorecard:
        if not hasattr(self, "calibrated_"):
            raise NotFittedError("ScorecardClassifier: call fit() before using the model")
        return self.calibrated_

    @_frame.reads_columns
    def predict_proba(self, X: _frame.Frame) -> npt.NDArray[np.float64]:
        """Probabilities of ``classes_`` (stayed, churned) for every row of ``X``: shape (n, 2).

        Parameters
        ----------
        X : DataFrame or mapping of columns
            Every measure's column.

        Returns
        -------
        numpy.ndarray
            Column 0: stayed, column 1: churned.

        Examples
        --------
        >>> import cssegment as cs
        >>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
        >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100))])
        >>> model = cs.ScorecardClassifier(card).fit(book, book["churned"])
        >>> model.predict_proba(book.head(2)).round(2).tolist()
        [[0.83, 0.17], [0.8, 0.2]]
        """
        churn = self._calibrated().predict_proba(X, output="pandas").to_numpy()
        return np.column_stack([1.0 - churn, churn])

    @_frame.reads_columns
    def predict(self, X: _frame.Frame) -> np.ndarray:
        """The more likely class of every row (churned when its probability is >= 0.5).

        Parameters
        ----------
        X : DataFrame or mapping of columns
            Every measure's column.

        Returns
        -------
        numpy.ndarray
            A label of ``classes_`` per row.

        Examples
        --------
        >>> import cssegment as cs
        >>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
        >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100))])
        >>> model = cs.ScorecardClassifier(card).fit(book, book["churned"])
        >>> model.predict(book.head(3)).tolist()
        [0, 0, 0]
        """
        churned = self.predict_proba(X)[:, 1] >= 0.5
        return np.asarray(self.classes_[churned.astype(np.int64)])

    def score(self, X: _frame.Frame, y: _frame.ArrayLike) -> float:
        """Accuracy of :meth:`predict` against ``y`` (what scikit-learn's classifiers return).

        Parameters
        ----------
        X : DataFrame or mapping of columns
            Every measure's column.
        y : array-like
            The outcomes, as given to :meth:`fit`.

        Returns
        -------
        float
            The share of rows predicted right.

        Examples
        --------
        >>> import cssegment as cs
        >>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
        >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100))])
        >>> model = cs.ScorecardClassifier(card).fit(book, book["churned"])
        >>> round(model.score(book, book["churned"]), 3)
        0.739
        """
        churned = self.predict_proba(X)[:, 1] >= 0.5
        truth = outcome_values(None, y, len(churned), self.positive)
        return float(np.mean(churned == (truth == 1.0)))
