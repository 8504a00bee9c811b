"""Conversion between the frames users hold and the contiguous arrays the C++ core reads.

Everything the core cannot check (dtypes, column presence, label lookups) is validated here,
with messages that name the argument, the row and the value, like the core's.

Frames other than pandas (polars, pyarrow, DuckDB results, anything with the Arrow PyCapsule
interface) enter through :func:`native`, applied to every argument of a public entry point by
:func:`accepts_frames`; results leave through :func:`output`. See ``docs/guide/data.md``.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, NoReturn, ParamSpec, Protocol, TypeVar, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._core import InvalidInputError

if TYPE_CHECKING:
    import narwhals as nw


class ArrowStream(Protocol):
    """A table or column with the Arrow PyCapsule stream interface (polars, pyarrow, DuckDB, ...)."""

    def __arrow_c_stream__(self, requested_schema: object = None) -> object: ...


Frame = pd.DataFrame | Mapping[str, Any] | ArrowStream
# Values keyed by account: a Series indexed by account id, or a frame (see keyed_by_account).
Keyed = pd.Series | pd.DataFrame | ArrowStream
Floats = npt.NDArray[np.float64]
Codes = npt.NDArray[np.int32]
ArrayLike = pd.Series | np.ndarray | Sequence[Any]
Labels = pd.Categorical | pd.Series | np.ndarray | Sequence[Any]

NONE_LABEL = "(none)"


# ----------------------------------------------------------------------------------------------
# Frames in: polars, pyarrow and Arrow-interface objects become pandas, numbers without a copy.

# Objects taken as they are: pandas and numpy, Python containers and scalars.
_NATIVE: tuple[type, ...] = (pd.DataFrame, pd.Series, pd.Index, pd.Categorical, np.ndarray, np.generic, Mapping)
_NATIVE += (str, bytes, int, float, list, tuple)
# Backends narwhals wraps that are converted (pandas is native; Dask frames stay lazy for cssegment.dask).
_FOREIGN = ("polars", "pyarrow", "duckdb", "narwhals", "modin", "cudf", "ibis", "sqlframe", "pyspark")

# Arguments that map account ids to values (segments, parents): a pandas Series indexed by account
# id, or a frame of the account column and one column of values. Another library's Series has no
# index, so its rows would be read as accounts 0, 1, 2, ...: refused by name.
_KEYED_BY_ACCOUNT = ("by", "hierarchy")

P = ParamSpec("P")
R = TypeVar("R")


def _is_foreign(value: Any) -> bool:
    if value is None or isinstance(value, _NATIVE):
        return False
    return (
        type(value).__module__.partition(".")[0] in _FOREIGN
        or hasattr(value, "__arrow_c_stream__")
        or hasattr(value, "__arrow_c_array__")
    )


def native(value: Any, argument: str = "data", lazy: bool = False) -> Any:
    """``value`` as pandas when it is another library's frame or column; anything else unchanged.

    polars DataFrame / Series, pyarrow Table / RecordBatch / ChunkedArray / Array, DuckDB results
    and any object with the Arrow PyCapsule interface (``__arrow_c_stream__``/``__arrow_c_array__``)
    become a pandas DataFrame (default RangeIndex) or Series. A polars LazyFrame or a DuckDB
    relation is *collected* first: the whole query runs before the model reads it.

    Column by column (:func:`_pandas_column`): numbers and true/false values without nulls are
    numpy views of the Arrow buffers (no copy, when the column is one chunk); nulls become missing
    values (NaN, or pandas' nullable boolean), by the same rules as NaN (a scorecard's scoring
    pass reads a float64 column with nulls through its validity bitmap instead, see
    ``Columns.masked``); dictionary-encoded,
    ``Categorical`` and ``Enum`` columns become pandas categoricals with the same labels in the same
    order; text, dates and decimals become what ``pyarrow.Table.to_pandas`` gives. With ``lazy``,
    a frame becomes :class:`Columns`, converted as its columns are read.
    """
    if not _is_foreign(value):
        return value
    import narwhals as nw  # an optional dependency, installed with the polars and arrow extras

    wrapped = nw.from_native(_arrow_wrapped(value, argument), pass_through=True, allow_series=True)
    if isinstance(wrapped, nw.LazyFrame):
        wrapped = wrapped.collect()
    if isinstance(wrapped, nw.DataFrame) and lazy:
        return Columns(wrapped)
    if isinstance(wrapped, nw.DataFrame):
        columns = {name: _pandas_column(wrapped.get_column(name)) for name in wrapped.columns}
        return pd.DataFrame(columns, copy=False) if columns else pd.DataFrame(index=pd.RangeIndex(len(wrapped)))
    if isinstance(wrapped, nw.Series):
        if argument in _KEYED_BY_ACCOUNT:
            raise InvalidInputError(
                f"{argument}: a {type(value).__module__.partition('.')[0]} {type(value).__name__} has no account ids; "
                "pass a frame of the account column and one column of values, or a pandas Series indexed by account id"
            )
        return _pandas_column(wrapped)
    raise InvalidInputError(f"{argument}: {type(value).__module__}.{type(value).__name__} is not a frame or column")


def _arrow_wrapped(value: Any, argument: str) -> Any:
    """Arrow objects narwhals does not wrap itself (Array, RecordBatch, PyCapsule) as Table/ChunkedArray."""
    if type(value).__module__.partition(".")[0] in _FOREIGN[:2] and not hasattr(value, "__arrow_c_array__"):
        return value  # polars, and pyarrow Table / ChunkedArray: narwhals wraps them as they are
    try:
        import pyarrow as pa  # type: ignore[import-untyped]
    except ImportError:
        raise InvalidInputError(
            f"{argument}: reading a {type(value).__name__} through the Arrow interface needs pyarrow "
            "(pip install 'cssegment[arrow]')"
        ) from None
    if isinstance(value, (pa.Table, pa.ChunkedArray)):
        return value
    if isinstance(value, pa.RecordBatch):
        return pa.Table.from_batches([value])
    if isinstance(value, pa.Array):
        return pa.chunked_array([value])
    if hasattr(value, "__arrow_c_stream__") and type(value).__module__.partition(".")[0] not in ("duckdb", "narwhals"):
        try:
            return pa.table(value)
        except (TypeError, ValueError, pa.ArrowInvalid):  # a stream of a column, not of records
            return pa.chunked_array(value)
    if hasattr(value, "__arrow_c_array__"):
        return pa.chunked_array([pa.array(value)])
    return value


def _pandas_column(values: nw.Series[Any]) -> pd.Series:
    """One column as pandas: numbers without nulls as a view of the Arrow buffer (see :func:`native`)."""
    import narwhals as nw

    dtype = values.dtype
    name = values.name or None  # polars and Arrow columns without a name: ""
    if dtype.is_numeric() or dtype == nw.Boolean:
        if values.null_count() == 0:
            array = values.to_numpy()  # one chunk: a read-only view of the Arrow buffer
            return pd.Series(array, name=name, copy=False)
        if dtype.is_numeric():  # nulls are missing values: NaN, as in pandas
            return pd.Series(values.cast(nw.Float64).fill_null(np.nan).to_numpy(), name=name, copy=False)
    import pyarrow as pa

    chunked = pa.chunked_array(values.to_arrow())
    if dtype == nw.Boolean:
        return cast(pd.Series, chunked.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get).rename(name))
    return cast(pd.Series, chunked.to_pandas().rename(name))


class Columns(Mapping[str, pd.Series]):
    """A polars / Arrow frame read column by column: each column is converted (by the rules of
    :func:`native`) when first read, so a wide frame costs only the columns a model reads."""

    def __init__(self, frame: nw.DataFrame[Any]) -> None:
        self._frame = frame
        self._read: dict[str, pd.Series] = {}

    def __getitem__(self, name: str) -> pd.Series:
        if name not in self._read:
            if name not in self._frame.columns:
                raise KeyError(name)
            self._read[name] = _pandas_column(self._frame.get_column(name))
        return self._read[name]

    def masked(self, name: str) -> tuple[Floats, npt.NDArray[np.uint8], int] | None:
        """A float64 column with nulls as its values and its Arrow validity bitmap and bit offset,
        numpy views of the Arrow buffers (no filled copy: the core reads a null as NaN); None for
        any other column, which :meth:`__getitem__` converts. A column of several chunks is
        combined into one first (a copy of its buffers)."""
        import narwhals as nw
        import pyarrow as pa

        if name in self._read or name not in self._frame.columns:
            return None
        values = self._frame.get_column(name)
        if values.dtype != nw.Float64 or values.null_count() == 0:
            return None
        native = values.to_native()
        array = native if isinstance(native, pa.ChunkedArray) else values.to_arrow()  # polars: one chunk
        if isinstance(array, pa.ChunkedArray):  # pyarrow: its one chunk as it is, else combined
            array = array.chunk(0) if array.num_chunks == 1 else array.combine_chunks()
        validity, data = array.buffers()
        floats = np.frombuffer(data, np.float64, array.offset + len(array))[array.offset :]
        return floats, np.frombuffer(validity, np.uint8), array.offset

    def __iter__(self) -> Iterator[str]:
        return iter(self._frame.columns)

    def __len__(self) -> int:
        return len(self._frame.columns)

    @property
    def rows(self) -> int:
        return len(self._frame)


def _entry_point(function: Callable[P, R], convert: Callable[[Any, str], Any]) -> Callable[P, R]:
    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        args = tuple(convert(value, "data") for value in args)  # type: ignore[assignment]
        kwargs = {key: convert(value, key) for key, value in kwargs.items()}  # type: ignore[assignment]
        return function(*args, **kwargs)

    return wrapper


def accepts_frames(function: Callable[P, R]) -> Callable[P, R]:
    """A public entry point that takes any frame or column: each argument goes through :func:`native`."""
    return _entry_point(function, native)


def reads_columns(function: Callable[P, R]) -> Callable[P, R]:
    """:func:`accepts_frames` for entry points that read a frame only by :func:`column` (or as a
    mapping): another library's frame becomes :class:`Columns`, converted column by column."""
    return _entry_point(function, lambda value, argument: native(value, argument, lazy=True))


# ----------------------------------------------------------------------------------------------
# Results out: pandas by default, polars on request (output="polars" or set_output("polars")).

Output = Literal["pandas", "polars"] | None
# For typing.overload: output="polars" returns polars types, the default or "pandas" pandas types
# (a set_output("polars") default is not seen by type checkers).
PolarsOutput = Literal["polars"]
PandasOutput = Literal["pandas"] | None
_output_default: list[str] = ["pandas"]
T = TypeVar("T")


def _output_kind(value: Any, argument: str) -> str:
    if value not in ("pandas", "polars"):
        raise InvalidInputError(f"{argument}: {value!r} must be 'pandas' or 'polars'")
    return str(value)


def set_output(output: Literal["pandas", "polars"]) -> None:
    """The kind of table every result is returned as when a call does not say (``output=None``).

    Parameters
    ----------
    output : {"pandas", "polars"}
        ``"pandas"`` (the default) or ``"polars"``.

    Examples
    --------
    >>> import cssegment as cs
    >>> cs.set_output("polars")
    >>> type(cs.TierModel.touch().assign([2_000, 90_000])).__module__.split(".")[0]
    'polars'
    >>> cs.set_output("pandas")
    """
    _output_default[0] = _output_kind(output, "output")


def output(result: T, kind: Output) -> T:
    """``result`` as the kind of table asked for (None: the :func:`set_output` default).

    polars: a DataFrame keeps its columns and their order, with an index that carries information
    (segments, periods, account ids: anything but the default 0..n-1) first as column(s) of its
    name; a Series or Categorical becomes a polars Series. Categoricals become ``Enum`` with the
    same categories in the same order, periods the Date of their first day, NaN becomes null.
    A result object (a :class:`~cssegment.health.Backtest`) has its tables converted.
    Type checkers see polars types where a public method declares ``typing.overload`` s on
    ``output`` (``output="polars"``; a :func:`set_output` default is seen as pandas).
    """
    if (_output_default[0] if kind is None else _output_kind(kind, "output")) == "pandas":
        return result
    try:
        import polars as pl
    except ImportError:
        raise InvalidInputError("output: 'polars' needs polars (pip install 'cssegment[polars]')") from None
    if isinstance(result, pd.DataFrame):
        index = result.index
        plain = isinstance(index, pd.RangeIndex) and index.name is None and index.start == 0 and index.step == 1
        frame = result if plain else result.reset_index()
        return cast(T, pl.DataFrame([_polars_series(frame.iloc[:, i], name) for i, name in enumerate(frame.columns)]))
    if isinstance(result, pd.Categorical):
        return cast(T, _polars_series(pd.Series(result), None))
    if isinstance(result, pd.Series):
        return cast(T, _polars_series(result, result.name))
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        fields = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
        tables = {name: output(value, "polars") for name, value in fields.items() if isinstance(value, pd.DataFrame)}
        return dataclasses.replace(result, **tables)
    return result


def _polars_series(values: pd.Series, name: Any) -> Any:
    import polars as pl

    label = "" if name is None else str(name)
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        names = [str(c) for c in dtype.categories]
        as_text = values.cat.rename_categories(names) if list(dtype.categories) != names else values
        return pl.from_pandas(as_text.rename(None)).cast(pl.Enum(names)).alias(label)
    if isinstance(dtype, pd.PeriodDtype):
        return pl.from_pandas(values.dt.to_timestamp().rename(None)).cast(pl.Date).alias(label)
    return pl.from_pandas(values.rename(None)).alias(label)


def frame(data: Any, argument: str = "data") -> pd.DataFrame | Mapping[str, Any]:
    """`data` as a DataFrame or a mapping of columns, or a clear error naming what it is."""
    data = native(data, argument)
    if not isinstance(data, (pd.DataFrame, Mapping)):
        library = type(data).__module__.partition(".")[0]
        named = type(data).__name__ if library == "builtins" else f"{library}.{type(data).__name__}"
        raise InvalidInputError(f"{argument}: expected a DataFrame or a mapping of columns, got {named}")
    return data


def column(data: Frame, name: str, argument: str = "data") -> Any:
    """The column `name` of a DataFrame or mapping, or a clear error listing what is there."""
    data = frame(data, argument)
    try:
        values = data[name]
    except (KeyError, IndexError, TypeError):
        raise no_column(argument, name, data.keys()) from None
    if isinstance(values, pd.DataFrame):
        raise InvalidInputError(f"{argument}: has {values.shape[1]} columns named {name!r}; which one is meant?")
    return values


def keyed_by_account(values: Any, account: str, argument: str, value: str) -> Any:
    """`values` keyed by account (see ``_KEYED_BY_ACCOUNT``): a frame of the `account` column and
    one more column (or a column named `value`) becomes that column as a Series indexed by
    account id; anything else is returned as it is, for the caller to check."""
    if not isinstance(values, pd.DataFrame):
        return values
    keys = column(values, account, argument)
    rest = [name for name in values.columns if name != account]
    if value not in rest and len(rest) != 1:
        raise InvalidInputError(
            f"{argument}: a frame keyed by account needs the column {account!r} and one column of values "
            f"(or one named {value!r}); got {list(values.columns)}"
        )
    return values[value if value in rest else rest[0]].set_axis(pd.Index(keys))  # categories kept, in order


def no_column(argument: str, name: str, columns: Any) -> InvalidInputError:
    """The error for a missing column `name` of `argument` (any frame: pandas, a mapping, Dask),
    listing the first 20 of its `columns`; the caller raises it."""
    known = ", ".join(repr(str(c)) for c in list(columns)[:20]) or "none"
    return InvalidInputError(f"{argument}: no column {name!r} (columns: {known})")


# Scalar and list parameters. A str is not a sequence of names here, and a bool is not a number:
# both are accepted by float() / list() and would give a silently wrong model.


def number(value: Any, argument: str) -> float:
    """A float parameter; range checks are the callee's (mostly the core's)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidInputError(f"{argument}: expected a number, got {type(value).__name__} {describe(value)}")
    return _object_number(value, argument)


def optional_number(value: Any, argument: str) -> float | None:
    """A number, or None when not given."""
    return None if value is None else number(value, argument)


#: The core reads integer parameters as 64-bit integers: a Python int beyond them would reach
#: pybind11 and come back as a TypeError with the binding's signature.
INT64_RANGE = (-(2**63), 2**63 - 1)


def integer(value: Any, argument: str, low: int | None = None, high: int | None = None) -> int:
    """A whole-number parameter within [low, high] (either bound optional).

    The one place integer parameters are range-checked before they reach the core: every
    integer is also refused, by name, outside the 64-bit integers (:data:`INT64_RANGE`).
    """
    if isinstance(value, (bool, np.bool_)):
        raise InvalidInputError(f"{argument}: expected an integer, got the bool {value!r}")
    try:
        whole = operator.index(value)
    except TypeError:
        raise InvalidInputError(f"{argument}: expected an integer, got {type(value).__name__} {value!r}") from None
    if high is not None and low is not None and not low <= whole <= high:
        raise InvalidInputError(f"{argument}: {whole} must be in [{low}, {high}]")
    if high is None and low is not None and whole < low:
        raise InvalidInputError(f"{argument}: {whole} must be >= {low}")
    if not (INT64_RANGE[0] if low is None else low) <= whole <= (INT64_RANGE[1] if high is None else high):
        raise InvalidInputError(
            f"{argument}: {whole} is beyond the 64-bit integers [{INT64_RANGE[0]}, {INT64_RANGE[1]}]"
        )
    return whole


def int64_column(values: np.ndarray, argument: str) -> npt.NDArray[np.int64]:
    """An object column of Python ints as int64, its first int beyond the 64-bit integers refused
    by row and value (numpy would raise a bare OverflowError)."""
    try:
        return values.astype(np.int64)
    except OverflowError:
        for row, value in enumerate(values):
            if not INT64_RANGE[0] <= value <= INT64_RANGE[1]:
                raise InvalidInputError(
                    f"{argument}[{row}] = {describe(value)}: beyond the 64-bit integers "
                    f"[{INT64_RANGE[0]}, {INT64_RANGE[1]}]"
                ) from None
        raise


def flag(value: Any, argument: str) -> bool:
    """A True/False parameter: the string "no" is truthy, so it is refused rather than read as True."""
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidInputError(f"{argument}: expected True or False, got {type(value).__name__} {describe(value)}")
    return bool(value)


def listed(values: Any, argument: str) -> list[Any]:
    """A parameter that must be a list (or array): not a str, a mapping or a scalar."""
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, (Sequence, np.ndarray, pd.Series, pd.Index)):
        raise InvalidInputError(f"{argument}: expected a list, got {type(values).__name__} {describe(values)}")
    return list(values)


def numbers(values: Any, argument: str) -> list[float]:
    """A list of float parameters (thresholds, edges, ...)."""
    return [number(value, f"{argument}[{i}]") for i, value in enumerate(listed(values, argument))]


def text(value: Any, argument: str) -> str:
    """A str parameter (a column or segment name, an option): None or a number is not a name."""
    if not isinstance(value, str):
        raise InvalidInputError(f"{argument}: expected a str, got {type(value).__name__} {describe(value)}")
    return utf8(str(value), argument)


def texts(values: Any, argument: str) -> list[str]:
    """A list of str parameters (tier or band names)."""
    return [text(value, f"{argument}[{i}]") for i, value in enumerate(listed(values, argument))]


def describe(value: Any) -> str:
    """A value as error messages show it: its repr, numpy scalars as the Python value, and an int
    too long to print (past 64 bits, which Python may refuse to print at all) by its size."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"{'-' if value < 0 else ''}<an int of {value.bit_length()} bits, about 2**{value.bit_length() - 1}>"
    return repr(value.item() if isinstance(value, np.generic) else value)


def utf8(value: str, argument: str) -> str:
    """``value`` if it can be UTF-8 text, as the core reads every string; a lone surrogate (from
    ``surrogateescape`` decoding or a JSON ``\\ud800`` escape) is refused by its position."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InvalidInputError(
            f"{argument}: {value[error.start]!r} at position {error.start} is a lone surrogate, not UTF-8 text"
        ) from None
    return value


def numeric(values: ArrayLike, argument: str, booleans: bool = True) -> Floats:
    """A 1-D contiguous float64 array (NaN = missing) from numbers, booleans or nullable columns.

    ``booleans=False`` for amounts (money, scores): a true/false column there is a mistake.
    """
    values = native(values, argument)
    if isinstance(values, (pd.Series, pd.Index)):
        dtype = values.dtype
        if not booleans and pd.api.types.is_bool_dtype(dtype):
            _refuse_booleans(argument)
        if isinstance(dtype, pd.CategoricalDtype):
            raise InvalidInputError(f"{argument}: is categorical; a numeric column is required")
        if isinstance(dtype, np.dtype):
            array = values.to_numpy()  # a view: numpy-backed columns are not copied
        elif pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
            return np.ascontiguousarray(values.to_numpy(dtype=np.float64, na_value=np.nan))  # nullable: NA -> NaN
        else:
            array = values.to_numpy()
    else:
        array = as_array(values, argument)
        if array.dtype.kind in "US":  # text somewhere: read the values as given, so numbers stay numbers
            array = as_array(values, argument, dtype=object)
        if not booleans and array.dtype.kind == "b":
            _refuse_booleans(argument)
    if array.ndim != 1:
        raise InvalidInputError(f"{argument}: must be one-dimensional, got shape {array.shape}")
    kind = array.dtype.kind
    if kind in "biuf":
        return np.ascontiguousarray(array, dtype=np.float64)
    if kind == "O":
        # Decimal: what SQL drivers give for NUMERIC columns; bools (with None) where booleans are asked for.
        accepted = (int, float, np.integer, np.floating, Decimal, *((bool, np.bool_) if booleans else ()))
        floats = np.empty(len(array), dtype=np.float64)
        for row, value in enumerate(array):
            if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
                floats[row] = np.nan
                continue
            if isinstance(value, str):
                _refuse_text(array, argument)
            if not isinstance(value, accepted) or (not booleans and isinstance(value, (bool, np.bool_))):
                raise InvalidInputError(
                    f"{argument}[{row}] = {describe(value)}: expected a number, got {type(value).__name__}"
                )
            floats[row] = _object_number(value, f"{argument}[{row}]")
        return floats
    raise InvalidInputError(f"{argument}: has dtype {array.dtype}; a numeric column is required")


def refuse_signalling_nan(value: Any, cell: str) -> None:
    """A signalling Decimal NaN refused by its cell: float(), hashing and comparisons raise a bare
    ``decimal.InvalidOperation`` on it."""
    if isinstance(value, Decimal) and value.is_snan():
        raise InvalidInputError(f"{cell} = {value!r}: a signalling NaN is not a number (None or NaN means missing)")


def _object_number(value: Any, cell: str) -> float:
    """One number of an object column as a float: a signalling Decimal NaN (which float() refuses
    with a bare ValueError) and an int beyond the largest double are refused by cell and value."""
    refuse_signalling_nan(value, cell)
    try:
        return float(value)
    except OverflowError:
        raise InvalidInputError(f"{cell} = {describe(value)}: beyond the largest double (about 1.8e308)") from None


def as_array(values: Any, argument: str, dtype: Any = None) -> np.ndarray:
    """np.asarray, with ragged or nested lists refused by name."""
    try:
        return np.asarray(values, dtype=dtype)
    except (ValueError, TypeError):
        raise InvalidInputError(f"{argument}: is not a column of values (nested lists of different lengths?)") from None


def _refuse_text(array: np.ndarray, argument: str) -> NoReturn:
    """Text in a numeric column, refused at its first value that is not a number: numbers stored as
    text with blanks (an export's empty cells) at the first blank, with the one-line fix."""
    present = [(row, value) for row, value in enumerate(array) if isinstance(value, str)]
    parsed = pd.to_numeric(pd.Series([value for _, value in present], dtype=object), errors="coerce").isna()
    bad = np.flatnonzero(parsed.to_numpy())
    if bad.size == len(present):  # no value is a number: labels, not numbers
        row, value = present[0]
        hint = "a column of labels is read by a Category or Boolean(true=...) measure"
    elif bad.size:
        row, value = present[int(bad[0])]
        hint = f"numbers stored as text with blanks: pd.to_numeric({argument}, errors='coerce') makes them missing"
    else:
        row, value = present[0]
        hint = f"numbers stored as text: convert them with pd.to_numeric({argument})"
    raise InvalidInputError(f"{argument}[{row}] = {describe(value)}: expected a number, got str ({hint})")


def _refuse_booleans(argument: str) -> NoReturn:
    raise InvalidInputError(f"{argument}: is a column of true/false values; numbers are required")


def length(values: Any, argument: str) -> int:
    """The length of a column, or a clear error for a scalar, a str or a mapping."""
    if not hasattr(values, "__len__") or isinstance(values, (str, bytes, Mapping)):
        raise InvalidInputError(f"{argument}: expected a column (array, list or Series), got {type(values).__name__}")
    return len(values)


def check_length(argument: str, values: Any, reference: str, expected: int) -> None:
    if length(values, argument) != expected:
        raise InvalidInputError(f"{argument}: has length {len(values)} but {reference} has length {expected}")


def labels(values: Labels, argument: str) -> tuple[Codes, list[str]]:
    """Integer codes (int32, -1 = missing) and the label list of a string-like column."""
    values = native(values, argument)
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        codes, categories = values.cat.codes.to_numpy(), values.cat.categories
    elif isinstance(values, pd.Categorical):
        codes, categories = values.codes, values.categories
    elif isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype):
        # Strings for sure: pandas factorizes its string arrays fastest as they are.
        string_codes, found = pd.factorize(values, use_na_sentinel=True)
        return _utf8_labels(string_codes.astype(np.int32), [str(label) for label in found], argument)
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
        return _utf8_labels(codes.astype(np.int32), [str(u) for u in uniques], argument)
    return _utf8_labels(np.asarray(codes, dtype=np.int32), [str(c) for c in categories], argument)


def _utf8_labels(codes: Codes, names: list[str], argument: str) -> tuple[Codes, list[str]]:
    """``(codes, names)`` once every label is UTF-8 text (:func:`utf8`), else refused at its first row."""
    if _is_utf8("".join(names)):
        return codes, names
    bad = [code for code, name in enumerate(names) if not _is_utf8(name)]
    rows = np.flatnonzero(np.isin(codes, bad))
    if rows.size:
        row = int(rows[0])
        utf8(names[codes[row]], f"{argument}[{row}] = {names[codes[row]]!r}")
    utf8(names[bad[0]], f"{argument} (category {names[bad[0]]!r})")
    return codes, names


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _raise_first_non_string(array: np.ndarray, argument: str) -> None:
    for row, value in enumerate(array):
        if not (
            isinstance(value, str) or value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))
        ):
            raise InvalidInputError(
                f"{argument}[{row}] = {describe(value)}: labels must be strings, got {type(value).__name__}"
            )


def codes_for(values: Labels, categories: Sequence[str], argument: str) -> Codes:
    """Codes of `values` in a model's `categories` (-1 for missing); unknown labels are an error."""
    own_codes, own_labels = labels(values, argument)
    if own_labels == list(categories):  # already in the model's order: the usual case, and free
        return own_codes
    position = {label: i for i, label in enumerate(categories)}
    lookup = np.array([position.get(label, -2) for label in own_labels] + [-1], dtype=np.int32)
    codes: Codes = lookup[own_codes]  # code -1 picks the trailing -1: missing stays missing
    unknown = np.flatnonzero(codes == -2)
    if unknown.size:
        row = int(unknown[0])
        raise InvalidInputError(
            f"{argument}[{row}] = {own_labels[own_codes[row]]!r}: not one of the segments "
            f"({', '.join(repr(c) for c in categories)})"
        )
    return codes


def categorical(codes: npt.NDArray[np.integer], categories: Sequence[str]) -> pd.Categorical:
    """Ordered segment labels, ranked lowest first, from codes the core produced."""
    labels = pd.Categorical.from_codes(codes, categories=pd.Index(list(categories)), ordered=True, validate=False)
    return cast(pd.Categorical, labels)


def optional_array(values: ArrayLike | None, argument: str) -> Floats | None:
    """Optional amounts (ARR, weights): numbers, not true/false."""
    return None if values is None else numeric(values, argument, booleans=False)


# Segment labels and the frames they come with (segmentation, owners, cadence).


def ratios(values: Any, argument: str = "csm_ratios") -> list[float | None]:
    """Accounts-per-CSM ratios, one per segment: numbers or None (no CSM); None for no list at all."""
    if values is None:
        return []
    return [None if r is None else number(r, f"{argument}[{i}]") for i, r in enumerate(listed(values, argument))]


def is_categorical(values: Any) -> bool:
    """Whether labels carry their own order of segments (a pandas categorical)."""
    return isinstance(getattr(values, "dtype", None), pd.CategoricalDtype)


def ordered_categories(named: Mapping[str, Labels]) -> list[str]:
    """Segments ranked lowest first: the first categorical's own order, else every label sorted.

    The one ordering rule of segment names in results; ``named`` maps each argument name (used in
    error messages) to its labels. :func:`ranked_labels` applies it to one set of labels.
    """
    for values in named.values():
        if is_categorical(values):
            return [str(c) for c in pd.Categorical(values).categories]
    return sorted({label for argument, values in named.items() for label in labels(values, argument)[1]})


def ranked_labels(values: Labels, argument: str) -> tuple[Codes, list[str]]:
    """Codes (-1 = missing) into the categories of :func:`ordered_categories`, factorized once."""
    codes, names = labels(values, argument)
    if is_categorical(values):
        return codes, names
    order = np.argsort(np.array(names, dtype=object), kind="stable")
    rank = np.empty(len(names) + 1, dtype=np.int32)
    rank[order] = np.arange(len(names), dtype=np.int32)
    rank[-1] = -1
    return rank[codes], [names[i] for i in order]


def accounts_frame(data: Any, argument: str = "data") -> pd.DataFrame:
    """A DataFrame of accounts, one row per account; anything else is refused by name."""
    if not isinstance(data, pd.DataFrame):
        raise InvalidInputError(f"{argument}: expected a DataFrame, one row per account; got {type(data).__name__}")
    return data


def labels_of(data: pd.DataFrame, values: Labels | str, argument: str, frame: str = "data") -> Labels:
    """Labels given as a column name of ``data`` (the argument ``frame``) or aligned with its rows."""
    if isinstance(values, str):
        return column(data, values, frame)  # type: ignore[no-any-return]
    check_length(argument, values, frame, len(data))
    return values
