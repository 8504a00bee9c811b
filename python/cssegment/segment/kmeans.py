"""Learned segments: k-means with k-means++ seeding and restarts (C++: ``segment/kmeans.hpp``).

Examples
--------
>>> import pandas as pd, cssegment as cs
>>> data = pd.DataFrame({"arr": [1e3, 1.2e3, 1e5, 1.1e5], "seats": [5, 6, 300, 320]})
>>> cs.KMeans(2, scale="log").fit_predict(data).tolist()
[0, 0, 1, 1]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from .. import _core, _deprecation, _display, _frame, _progress
from .._core import InvalidInputError
from .._model import Check, Model

if TYPE_CHECKING:
    import polars as pl

__all__ = ["KMeans"]

Scale = str | None

# The core names the features X in its messages; Python's messages about them follow it.
_X = "data"
# fit / fit_predict / predict read their frame as ``data``; ``X=`` is the 0.1 keyword.
_RENAMED = {"X": "data"}


def _scale_names(scale: Scale | Sequence[Scale], argument: str) -> list[str]:
    if scale is None or isinstance(scale, str):
        return ["none" if scale is None else scale]
    return ["none" if s is None else str(s) for s in _frame.listed(scale, argument)]


# Restarts cost a whole k-means run each: more than this is a typo, not a search.
MAX_RESTARTS = 10_000


def _count(value: Any, argument: str) -> int:
    """A whole number; the core checks its range (>= 1), negative values are refused here."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise InvalidInputError(f"{argument}: must be a whole number >= 1, got {value!r}")
    if argument == "n_init":
        return _frame.integer(value, argument, 1, MAX_RESTARTS)
    return _frame.integer(value, argument)


def _seed(value: Any, argument: str) -> int:
    return _frame.integer(value, argument, 0, 2**64 - 1)


def _features(data: pd.DataFrame | np.ndarray | Sequence[Sequence[float]]) -> tuple[np.ndarray, list[str]]:
    """A C-contiguous float64 rows x features matrix and its column names (empty for arrays)."""
    if isinstance(data, pd.DataFrame):
        names = [str(c) for c in data.columns]
        columns = [_frame.numeric(_frame.column(data, c, _X), f"{_X}[{c!r}]") for c in data.columns]
        if not columns:
            raise InvalidInputError(f"{_X}: needs at least one feature column")
        return np.ascontiguousarray(np.column_stack(columns)), names
    array = _frame.as_array(data, _X)
    if array.ndim != 2:
        raise InvalidInputError(f"{_X}: must be two-dimensional (rows x features), got shape {array.shape}")
    if array.dtype.kind not in "biuf":
        raise InvalidInputError(f"{_X}: has dtype {array.dtype}; numeric features are required")
    return np.ascontiguousarray(array, dtype=np.float64), []


class KMeans(Model):
    """Learned segments: k-means (Lloyd) with greedy k-means++ seeding and ``n_init`` restarts.

    Features are scaled before clustering: ``"standard"`` (z-scores), ``"log"`` (``log1p`` then
    z-scores: for money, headcounts and other heavy-tailed values, which must be >= 0) or None;
    one scale for every feature or one per feature. Clusters are numbered by their centres in
    lexicographic order of the scaled features (first feature first), so the numbering is stable.
    Results do not depend on the number of threads; ``seed`` fixes them.

    Attributes after ``fit``: ``cluster_centers_`` (in the input's units; log features give
    geometric means), ``inertia_`` (sum of squared distances in the scaled space optimised),
    ``n_iter_``, ``n_features_in_``, ``feature_names_in_`` (when fitted on a DataFrame).

    Parameters
    ----------
    n_clusters : int
        Number of clusters (segments), >= 1.
    n_init : int
        Restarts from different seeds; the lowest inertia wins.
    max_iter : int
        Lloyd iterations per restart at most.
    tol : float
        Stop when no centre moves more than this (in the scaled space).
    scale : {"standard", "log", None} or a sequence of them
        Scaling of every feature, or of each feature.
    seed : int
        Seed of the k-means++ seeding.

    Examples
    --------
    >>> import pandas as pd, cssegment as cs
    >>> data = pd.DataFrame({"arr": [1e3, 1.2e3, 1e5, 1.1e5], "seats": [5, 6, 300, 320]})
    >>> model = cs.KMeans(2, scale="log").fit(data)
    >>> model.predict(data).tolist()
    [0, 0, 1, 1]
    """

    _core_type = _core.segment.kmeans
    _model: _core.segment.kmeans
    _parameters: ClassVar[Mapping[str, Check]] = {
        "n_clusters": _count,
        "n_init": _count,
        "max_iter": _count,
        "tol": _frame.number,
        "scale": _scale_names,
        "seed": _seed,
    }

    def __init__(
        self,
        n_clusters: int,
        n_init: int = 4,
        max_iter: int = 300,
        tol: float = 1e-4,
        scale: Scale | Sequence[Scale] = "standard",
        seed: int = 0,
    ) -> None:
        self._model = _core.segment.kmeans(*self._checked(locals()))

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        model = self._model
        scales: list[Scale] = [None if s == "none" else s for s in model.scale]
        return {
            "n_clusters": model.n_clusters,
            "n_init": model.n_init,
            "max_iter": model.max_iter,
            "tol": model.tol,
            "scale": scales[0] if len(scales) == 1 else scales,
            "seed": model.seed,
        }

    @_deprecation.renamed_keywords(_RENAMED)
    @_frame.accepts_frames
    def fit(self, data: pd.DataFrame | np.ndarray, y: None = None, *, progress: bool = False) -> KMeans:
        """Learn the clusters of ``data``.

        Parameters
        ----------
        data : pandas.DataFrame or 2-D array
            Rows x features: every column of a DataFrame is a feature (its names are kept). The
            keyword ``X=`` is a deprecated alias.
        y : None
            Ignored: there for scikit-learn's ``Pipeline``, which passes it.
        progress : bool, default False
            Show a progress bar over the ``n_init`` restarts (tqdm,
            ``pip install cssegment[progress]``); the model is the same, bit for bit.

        Returns
        -------
        KMeans
            The model itself, fitted.

        Raises
        ------
        InvalidInputError
            If a value is missing or not finite, a log-scaled value is negative, or there are
            fewer rows than clusters.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> data = pd.DataFrame({"arr": [1e3, 1.2e3, 1e5, 1.1e5], "seats": [5, 6, 300, 320]})
        >>> model = cs.KMeans(2, scale="log").fit(data)
        >>> model.n_features_in_, model.feature_names_in_
        (2, ['arr', 'seats'])
        """
        self.fit_predict(data, progress=progress, output="pandas")
        return self

    @_deprecation.renamed_keywords(_RENAMED)
    @_frame.accepts_frames
    def fit_predict(
        self,
        data: pd.DataFrame | np.ndarray,
        y: None = None,
        *,
        progress: bool = False,
        output: _frame.Output = None,
    ) -> pd.Series:
        """Fit, and return each row's cluster.

        Parameters
        ----------
        data : pandas.DataFrame or 2-D array
            As in :meth:`fit`.
        y : None
            Ignored, as in :meth:`fit`.
        progress : bool, default False
            Show a progress bar that advances as each of the ``n_init`` restarts finishes (tqdm,
            ``pip install cssegment[progress]``). The restarts run one core call at a time, each
            drawing from the same random stream as in one call: the result is the same, bit for bit.
        output : {"pandas", "polars"}, optional
            The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

        Returns
        -------
        pandas.Series
            int32 cluster numbers named ``cluster``, aligned with ``data``'s index.

        Examples
        --------
        >>> import numpy as np, cssegment as cs
        >>> data = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
        >>> cs.KMeans(2, n_init=3).fit_predict(data).tolist()
        [0, 0, 1, 1]
        """
        values, names = _features(data)
        if not _progress.wanted(progress):
            return _frame.output(self._labels(self._model.fit(values, names), data), output)
        with _progress.bar(self._model.n_init, "k-means restarts", unit="restart") as bar:
            restarts = _core.segment.kmeans_fit(self._model, values, names)
            while not restarts.done:
                restarts.run(1)
                bar.update(1)
            return _frame.output(self._labels(restarts.finish(self._model), data), output)

    @_deprecation.renamed_keywords(_RENAMED)
    @_frame.accepts_frames
    def predict(self, data: pd.DataFrame | np.ndarray, *, output: _frame.Output = None) -> pd.Series:
        """The nearest cluster of each row.

        Parameters
        ----------
        data : pandas.DataFrame or 2-D array
            A DataFrame needs the columns the model was fitted on (found by name, in any order).
        output : {"pandas", "polars"}, optional
            The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

        Returns
        -------
        pandas.Series
            int32 cluster numbers named ``cluster``, aligned with ``data``'s index.

        Raises
        ------
        NotFittedError
            Before :meth:`fit`.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> data = pd.DataFrame({"arr": [1e3, 1.2e3, 1e5, 1.1e5], "seats": [5, 6, 300, 320]})
        >>> model = cs.KMeans(2, scale="log").fit(data)
        >>> model.predict(pd.DataFrame({"seats": [250], "arr": [90e3]})).tolist()
        [1]
        """
        names = self._model.feature_names if self._model.fitted else []
        if isinstance(data, pd.DataFrame) and names:
            by_name = {str(c): c for c in data.columns}  # names were stored as text
            data = pd.DataFrame(
                {name: _frame.column(data, by_name.get(name, name), _X) for name in names}, index=data.index
            )
        values, _ = _features(data)
        return _frame.output(self._labels(self._model.predict(values), data), output)

    def __sklearn_is_fitted__(self) -> bool:
        return bool(self._model.fitted)

    def __sklearn_tags__(self) -> Any:
        """scikit-learn's description of a clusterer (scikit-learn is imported only when it asks)."""
        from sklearn.utils import InputTags, Tags, TargetTags  # type: ignore[import-untyped]

        return Tags(
            estimator_type="clusterer",
            target_tags=TargetTags(required=False),
            transformer_tags=None,
            classifier_tags=None,
            regressor_tags=None,
            input_tags=InputTags(allow_nan=False),
        )

    @staticmethod
    def _labels(codes: np.ndarray, data: Any) -> pd.Series:
        index = data.index if isinstance(data, pd.DataFrame) else None
        return pd.Series(codes, index=index, name="cluster")

    @property
    def cluster_centers_(self) -> npt.NDArray[np.float64]:
        """Cluster centres (clusters x features) in the input's units.

        Log-scaled features give geometric means.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> data = pd.DataFrame({"arr": [1e3, 1.2e3, 1e5, 1.1e5], "seats": [5, 6, 300, 320]})
        >>> model = cs.KMeans(2, scale="log").fit(data)
        >>> model.cluster_centers_.round(0).tolist()
        [[1095.0, 5.0], [104881.0, 310.0]]
        """
        return np.asarray(self._model.cluster_centers)

    @property
    def inertia_(self) -> float:
        """Sum of squared distances of the rows to their centres, in the scaled space optimised.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> data = pd.DataFrame({"arr": [1e3, 1.2e3, 1e5, 1.1e5], "seats": [5, 6, 300, 320]})
        >>> model = cs.KMeans(2, scale="log").fit(data)
        >>> round(model.inertia_, 4)
        0.0078
        """
        return float(self._model.inertia)

    @property
    def n_iter_(self) -> int:
        """Lloyd iterations of the best restart.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> data = pd.DataFrame({"arr": [1e3, 1.2e3, 1e5, 1.1e5], "seats": [5, 6, 300, 320]})
        >>> model = cs.KMeans(2, scale="log").fit(data)
        >>> model.n_iter_ >= 1
        True
        """
        return int(self._model.n_iter)

    @property
    def n_features_in_(self) -> int:
        """Number of features seen in :meth:`fit`.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> data = pd.DataFrame({"arr": [1e3, 1.2e3, 1e5, 1.1e5], "seats": [5, 6, 300, 320]})
        >>> model = cs.KMeans(2, scale="log").fit(data)
        >>> model.n_features_in_
        2
        """
        return int(self._fitted().n_features)

    @property
    def feature_names_in_(self) -> list[str]:
        """Names of the features seen in :meth:`fit` (empty when fitted on an array).

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> data = pd.DataFrame({"arr": [1e3, 1.2e3, 1e5, 1.1e5], "seats": [5, 6, 300, 320]})
        >>> model = cs.KMeans(2, scale="log").fit(data)
        >>> model.feature_names_in_
        ['arr', 'seats']
        """
        return list(self._fitted().feature_names)

    def _html_sections(self) -> list[str]:
        if not self._model.fitted:
            return ["<p>Not fitted.</p>"]
        names = self.feature_names_in_ or [f"x{j}" for j in range(self.n_features_in_)]
        centers = pd.DataFrame(self.cluster_centers_, columns=names, index=pd.RangeIndex(self._model.n_clusters))
        centers.index.name = "cluster"
        fit = _display.table([("inertia_", self.inertia_), ("n_iter_", self.n_iter_)])
        return [fit, _display.frame(centers, caption="cluster_centers_")]

    @overload
    def profile(self, data: pd.DataFrame, arr: str = "arr", *, output: _frame.PolarsOutput) -> pl.DataFrame: ...
    @overload
    def profile(self, data: pd.DataFrame, arr: str = "arr", *, output: _frame.PandasOutput = None) -> pd.DataFrame: ...
    @_frame.accepts_frames
    def profile(
        self, data: pd.DataFrame, arr: str = "arr", *, output: _frame.Output = None
    ) -> pd.DataFrame | pl.DataFrame:
        """Per-cluster profile of ``data``.

        Accounts, share of accounts, ARR share and the mean of every feature.

        Parameters
        ----------
        data : pandas.DataFrame
            The features the model was fitted on and the ``arr`` column.
        arr : str
            Column of ARR (it may also be a feature).
        output : {"pandas", "polars"}, optional
            The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``cluster``, ordered by mean ARR (lowest first): ``accounts``,
            ``account_share``, ``arr_share`` and ``mean_<feature>`` for every feature and for
            ``arr``, in the input's units.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> data = pd.DataFrame({"arr": [1e3, 1.2e3, 1e5, 1.1e5], "seats": [5, 6, 300, 320]})
        >>> model = cs.KMeans(2, scale="log").fit(data)
        >>> model.profile(data)[["accounts", "arr_share", "mean_seats"]]
                 accounts  arr_share  mean_seats
        cluster
        0               2   0.010368         5.5
        1               2   0.989632       310.0
        """
        labels = self.predict(data, output="pandas").to_numpy()
        names = self._fitted().feature_names or [str(c) for c in data.columns]
        columns = {name: _frame.numeric(_frame.column(data, name), name) for name in [*names, arr]}
        grouped = pd.DataFrame(columns, index=data.index).groupby(labels)
        counts, totals = grouped.size(), grouped[arr].sum()
        table = pd.DataFrame(
            {"accounts": counts, "account_share": counts / counts.sum(), "arr_share": totals / totals.sum()}
        ).join(grouped.mean().add_prefix("mean_"))
        table.index.name = "cluster"
        return _frame.output(table.sort_values(f"mean_{arr}", kind="stable"), output)
