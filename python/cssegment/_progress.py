"""Progress bars for long operations (``progress=True``), through the optional tqdm.

The C++ core never calls back into Python, so a bar advances between calls: the Python layer
splits a long job into steps the core already runs on their own (k-means restarts, batches of
cohorts, the phases of a ledger build, Dask tasks) and updates the bar after each. Splitting
never changes a result. With ``progress=False`` (the default) none of this runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import _frame

#: Most bar updates a batched job makes: enough to look smooth, few enough to cost nothing.
MAX_UPDATES = 100

_EXTRA = "pip install cssegment[progress]"


def _tqdm() -> Any:
    """The tqdm class that suits the front end (a widget in Jupyter, text in a terminal)."""
    try:
        from tqdm.auto import tqdm
    except ImportError as error:
        raise ImportError(f"progress=True needs tqdm, which is not installed: {_EXTRA}") from error
    return tqdm


def wanted(progress: Any) -> bool:
    """Whether a ``progress=`` argument asks for a bar: True or False only (``progress="no"`` is a
    truthy str, so it is refused rather than read as True). Every entry point reads it here."""
    return _frame.flag(progress, "progress")


def bar(total: int, desc: str, unit: str = "it") -> Any:
    """A new tqdm progress bar (a context manager that closes it).

    Raises ImportError naming ``pip install cssegment[progress]`` when tqdm is missing, before
    any work starts.

    Parameters
    ----------
    total : int
        The count at which the job is done.
    desc : str
        What the job is, shown before the bar.
    unit : str, default "it"
        What one step is.

    Examples
    --------
    >>> import io
    >>> from cssegment._progress import bar
    >>> with bar(3, "restarts", unit="restart") as progress:
    ...     progress.update(3)
    ...     progress.n == progress.total
    True
    """
    return _tqdm()(total=total, desc=desc, unit=unit, leave=True)


def batches(total: int, updates: int = MAX_UPDATES, min_size: int = 1) -> Iterator[tuple[int, int]]:
    """``(begin, end)`` of consecutive batches covering ``range(total)``: at most ``updates`` of
    them, of at least ``min_size`` items (but the last), and at least one (empty when ``total``
    is 0).

    Examples
    --------
    >>> from cssegment._progress import batches
    >>> list(batches(5, updates=2))
    [(0, 3), (3, 5)]
    >>> list(batches(10, min_size=4))
    [(0, 4), (4, 8), (8, 10)]
    >>> list(batches(0))
    [(0, 0)]
    """
    size = max(1, min_size, -(-total // max(1, updates)))
    yield (0, min(size, total))
    for begin in range(size, total, size):
        yield (begin, min(begin + size, total))
