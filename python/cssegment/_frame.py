"""Conversion between pandas/numpy inputs and the contiguous arrays the C++ core reads.

Everything the core cannot check (dtypes, column presence, label lookups) is validated here,
with messages that name the argument, the row and the value, like the core's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from ._core import InvalidInputError

Frame = pd.DataFrame | Mapping[str, Any]
ArrayLike = pd.Series | np.ndarray | Sequence[Any]
Labels = pd.Categorical | pd.Series | np.ndarray | Sequence[Any]

NONE_LABEL = "(none)"


def column(data: Frame, name: str) -> Any:
    """The column `name` of a DataFrame or mapping, or a clear error listing what is there."""
    try:
        return data[name]
    except (KeyError, IndexError, TypeError):
        known = ", ".join(repr(str(c)) for c in list(data.keys())[:20]) or "none"
        raise InvalidInputError(f"data: no column {name!r} (columns: {known})") from None


def _describe(value: Any) -> str:
    return repr(value.item() if isinstance(value, np.generic) else value)


def numeric(values: ArrayLike, argument: str) -> np.ndarray:
    """A 1-D contiguous float64 array (NaN = missing) from numbers, booleans or nullable columns."""
    if isinstance(values, (pd.Series, pd.Index)):
        dtype = values.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            raise InvalidInputError(f"{argument}: is categorical; a numeric column is required")
        if isinstance(dtype, np.dtype):
            array = values.to_numpy()  # a view: numpy-backed columns are not copied
        elif pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
            return np.ascontiguousarray(values.to_numpy(dtype=np.float64, na_value=np.nan))  # nullable: NA -> NaN
        else:
            array = values.to_numpy()
    else:
        array = np.asarray(values)
    if array.ndim != 1:
        raise InvalidInputError(f"{argument}: must be one-dimensional, got shape {array.shape}")
    kind = array.dtype.kind
    if kind in "biuf":
        return np.ascontiguousarray(array, dtype=np.float64)
    if kind == "O":
        for row, value in enumerate(array):
            if value is None or (isinstance(value, float) and np.isnan(value)):
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
                raise InvalidInputError(
                    f"{argument}[{row}] = {_describe(value)}: expected a number, got {type(value).__name__}"
                )
        return np.array([np.nan if v is None else float(v) for v in array], dtype=np.float64)
    raise InvalidInputError(f"{argument}: has dtype {array.dtype}; a numeric column is required")


def check_length(argument: str, values: Any, reference: str, expected: int) -> None:
    if len(values) != expected:
        raise InvalidInputError(f"{argument}: has length {len(values)} but {reference} has length {expected}")


def labels(values: Labels, argument: str) -> tuple[np.ndarray, list[str]]:
    """Integer codes (int32, -1 = missing) and the label list of a string-like column."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        codes, categories = values.cat.codes.to_numpy(), values.cat.categories
    elif isinstance(values, pd.Categorical):
        codes, categories = values.codes, values.categories
    elif isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype):
        # Strings for sure: pandas factorizes its string arrays fastest as they are.
        string_codes, found = pd.factorize(values, use_na_sentinel=True)
        return string_codes.astype(np.int32), [str(label) for label in found]
    else:
        array = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
        if array.ndim != 1:
            raise InvalidInputError(f"{argument}: must be one-dimensional, got shape {array.shape}")
        dtype = getattr(values, "dtype", array.dtype)
        if getattr(dtype, "kind", "O") in "biufcmM":
            raise InvalidInputError(f"{argument}: has dtype {dtype}; a column of labels (strings) is required")
        if not isinstance(dtype, pd.StringDtype) and pd.api.types.infer_dtype(array, skipna=True) not in (
            "string",
            "empty",
        ):
            _raise_first_non_string(array, argument)
        codes, uniques = pd.factorize(array, use_na_sentinel=True)
        return codes.astype(np.int32), [str(u) for u in uniques]
    return np.asarray(codes, dtype=np.int32), [str(c) for c in categories]


def _raise_first_non_string(array: np.ndarray, argument: str) -> None:
    for row, value in enumerate(array):
        if not (
            isinstance(value, str) or value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))
        ):
            raise InvalidInputError(
                f"{argument}[{row}] = {_describe(value)}: labels must be strings, got {type(value).__name__}"
            )


def codes_for(values: Labels, categories: Sequence[str], argument: str) -> np.ndarray:
    """Codes of `values` in a model's `categories` (-1 for missing); unknown labels are an error."""
    own_codes, own_labels = labels(values, argument)
    if own_labels == list(categories):  # already in the model's order: the usual case, and free
        return own_codes
    position = {label: i for i, label in enumerate(categories)}
    lookup = np.array([position.get(label, -2) for label in own_labels] + [-1], dtype=np.int32)
    codes = lookup[own_codes]  # code -1 picks the trailing -1: missing stays missing
    unknown = np.flatnonzero(codes == -2)
    if unknown.size:
        row = int(unknown[0])
        raise InvalidInputError(
            f"{argument}[{row}] = {own_labels[own_codes[row]]!r}: not one of the segments "
            f"({', '.join(repr(c) for c in categories)})"
        )
    return codes


def categorical(codes: np.ndarray, categories: Sequence[str]) -> pd.Categorical:
    """Ordered segment labels, ranked lowest first, from codes the core produced."""
    labels = pd.Categorical.from_codes(codes, categories=pd.Index(list(categories)), ordered=True, validate=False)
    return cast(pd.Categorical, labels)


def optional_array(values: ArrayLike | None, argument: str) -> np.ndarray | None:
    return None if values is None else numeric(values, argument)
