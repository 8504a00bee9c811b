"""Renamed public names keep working for one minor version, with a warning that names the new one."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

SINCE = "0.2.0"
REMOVED_IN = "0.3.0"

_F = TypeVar("_F", bound=Callable[..., Any])


def warn(old: str, new: str, stacklevel: int = 3) -> None:
    """Warn that ``old`` was renamed ``new``."""
    warnings.warn(
        f"{old} is deprecated since cssegment {SINCE} and will be removed in {REMOVED_IN}; use {new}",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


def rename_keywords(kwargs: dict[str, Any], renames: Mapping[str, str], where: str, stacklevel: int = 4) -> None:
    """Move each old keyword of ``renames`` (old -> new) in ``kwargs`` to its new name, with a warning.

    Giving both spellings is refused: which one was meant cannot be told.
    """
    for old, new in renames.items():
        if old in kwargs:
            if new in kwargs:
                raise TypeError(f"{where}() got both {old!r} and {new!r}; use {new!r}")
            warn(f"{where}({old}=...)", f"{new}=...", stacklevel=stacklevel)
            kwargs[new] = kwargs.pop(old)


def renamed_keywords(renames: Mapping[str, str]) -> Callable[[_F], _F]:
    """Accept each old keyword of ``renames`` (old -> new) as the new one, with a warning."""

    def decorate(function: _F) -> _F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            rename_keywords(kwargs, renames, function.__qualname__)
            return function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def alias(new: Callable[..., Any], old_name: str) -> Callable[..., Any]:
    """A method or function ``old_name`` that warns and calls ``new``."""

    @functools.wraps(new)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        warn(old_name, new.__name__)
        return new(*args, **kwargs)

    wrapper.__name__ = old_name
    wrapper.__doc__ = f"Deprecated alias of :meth:`{new.__name__}` (removed in {REMOVED_IN})."
    return wrapper
