"""Every docstring example of every module of the package runs and prints what it shows, and
every public name is documented with an example.

Modules are found with pkgutil, so a new module (``cssegment.plot`` ...) is covered as soon as it
exists. This is the only place docstring examples are run.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import cssegment as cs
import matplotlib
import numpy as np
import pandas as pd
import pytest
from numpydoc.docscrape import NumpyDocString

matplotlib.use("Agg")  # before cssegment.plot imports pyplot: no window, no display needed

# Deprecated alias modules warn on import (an error here) and only re-export names checked elsewhere.
DEPRECATED_ALIASES = {"cssegment.retention"}
MODULES = sorted(
    module.name
    for module in pkgutil.walk_packages(cs.__path__, prefix="cssegment.")
    if module.name not in DEPRECATED_ALIASES
)
OPTIONS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def _examples(module: ModuleType) -> list[doctest.DocTest]:
    tests = doctest.DocTestFinder(exclude_empty=True).find(module, module.__name__)
    return [test for test in tests if test.examples]


@pytest.mark.parametrize("name", ["cssegment", *MODULES])
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    # Fixed display settings and random state: examples print the same text on every machine.
    with pd.option_context("display.width", 80, "display.max_columns", 20, "display.precision", 6):
        for test in _examples(module):
            np.random.seed(0)  # noqa: NPY002 - examples may use numpy's global generator
            runner.run(test)
            if "matplotlib.pyplot" in sys.modules:  # plotting examples leave their figures open
                sys.modules["matplotlib.pyplot"].close("all")
    failures, tried = runner.summarize(verbose=False)
    assert failures == 0, f"{failures} of {tried} examples of {name} failed (output above)"


def test_every_public_module_has_examples() -> None:
    counts = {name: sum(len(t.examples) for t in _examples(importlib.import_module(name))) for name in MODULES}
    public = {name: count for name, count in counts.items() if not name.split(".")[-1].startswith("_")}
    assert public and all(count > 0 for count in public.values()), public


def _public_names() -> Iterator[tuple[str, Any]]:
    """Every public module, name in an ``__all__``, and public method or property of a class."""
    modules = [cs, *(importlib.import_module(n) for n in MODULES if not n.split(".")[-1].startswith("_"))]
    for module in modules:
        yield module.__name__, module
        for name in getattr(module, "__all__", []):
            value = getattr(module, name)
            if inspect.ismodule(value) or not callable(value):
                continue  # submodules are walked themselves; constants are documented by #: comments
            yield f"{module.__name__}.{name}", value
            if inspect.isclass(value) and not issubclass(value, BaseException):
                for member, raw in _members(value):
                    yield f"{module.__name__}.{name}.{member}", raw


def _members(cls: type) -> Iterator[tuple[str, Any]]:
    for member in dir(cls):
        if member.startswith("_"):
            continue
        raw = inspect.getattr_static(cls, member)
        if isinstance(raw, property):
            yield member, raw
        elif isinstance(raw, (classmethod, staticmethod)):
            yield member, raw.__func__
        elif inspect.isfunction(raw) and not (raw.__doc__ or "").startswith("Deprecated alias"):
            yield member, raw  # deprecated aliases (_deprecation.alias) are documented by their new name


def _unique(names: Iterator[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """One entry per object (re-exports and inherited methods are the same object)."""
    first: dict[int, tuple[str, Any]] = {}
    for name, value in names:
        first.setdefault(id(value), (name, value))
    return sorted(first.values(), key=lambda item: item[0])


PUBLIC = _unique(_public_names())


@pytest.mark.parametrize(("name", "value"), PUBLIC, ids=[name for name, _ in PUBLIC])
def test_public_name_has_a_docstring_with_an_example(name: str, value: Any) -> None:
    doc = inspect.getdoc(value)
    assert doc, f"{name} has no docstring"
    summary = doc.split("\n\n")[0]
    assert summary.strip(), f"{name}: the docstring starts with a summary line"
    assert inspect.ismodule(value) or "\n" not in summary, f"{name}: the summary is one line"
    examples = doc.partition("\nExamples\n--------\n")[2]
    assert ">>> " in examples, f"{name}: no Examples section with an example"


def _documented(doc: str, *sections: str) -> set[str]:
    parsed = NumpyDocString(doc)
    names = (name for section in sections for item in parsed[section] for name in item.name.split(","))
    return {name.strip().lstrip("*") for name in names}


_CALLABLES = [
    (name, value)
    for name, value in PUBLIC
    if inspect.isfunction(value) or (inspect.isclass(value) and not issubclass(value, BaseException))
]


@pytest.mark.parametrize(("name", "value"), _CALLABLES, ids=[name for name, _ in _CALLABLES])
def test_parameters_and_returns_are_documented(name: str, value: Any) -> None:
    doc = inspect.getdoc(value)
    assert doc
    parameters = [p for p in inspect.signature(value).parameters if p not in ("self", "cls")]
    # Result classes (dataclasses users read, not build) list their fields as Attributes.
    sections = ("Parameters", "Attributes") if inspect.isclass(value) else ("Parameters",)
    undocumented = set(parameters) - _documented(doc, *sections)
    assert not undocumented, f"{name}: parameters {sorted(undocumented)} are not documented"
    if inspect.isfunction(value) and inspect.signature(value).return_annotation not in ("None", None):
        assert NumpyDocString(doc)["Returns"], f"{name}: no Returns section"
