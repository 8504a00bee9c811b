"""The type stubs of the C++ extension (the stub package ``_core/``: ``__init__.pyi`` and one stub
per submodule) say exactly what ``_core`` and each of its submodules export: every name, every
class member, and every function's parameter names and which of them have defaults (read from
the signatures pybind11 writes into the docstrings). mypy --strict checks the rest."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import ModuleType

import pytest
from cssegment import _core

Signature = tuple[tuple[str, ...], int]  # parameter names, number with a default
STUBS = Path(__file__).parents[2] / "python" / "cssegment" / "_core"
SUBMODULES = ["segment", "metrics", "health", "survival", "causal", "datasets"]


def _stub_members(body: list[ast.stmt]) -> dict[str, set[Signature] | None]:
    """Public names defined in a stub body: functions with their signatures, other names None."""
    members: dict[str, set[Signature] | None] = {}
    for node in body:
        if isinstance(node, ast.FunctionDef):
            arguments = [a.arg for a in node.args.posonlyargs + node.args.args if a.arg not in ("self", "cls")]
            signatures = members.setdefault(node.name, set())
            assert signatures is not None
            signatures.add((tuple(arguments), len(node.args.defaults)))
        elif isinstance(node, ast.ClassDef):
            members[node.name] = None
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            members[node.target.id] = None
        elif isinstance(node, ast.ImportFrom):  # `from . import segment as segment`: a re-export
            for alias in node.names:
                if alias.asname == alias.name:
                    members[alias.name] = None
    return {name: value for name, value in members.items() if not name.startswith("_") or name == "__version__"}


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [part.strip() for part in [*parts, current] if part.strip()]


def _runtime_signatures(function: object) -> set[Signature]:
    """Parameter names and defaults of a pybind11 function, from the signature lines it documents."""
    name = getattr(function, "__name__", "")
    lines = [line for line in (function.__doc__ or "").splitlines() if re.match(rf"^(\d+\. )?{name}\(", line)]
    signatures = set()
    for line in lines:
        inside = line[line.index("(") + 1 : line.rindex(") -> ")]
        if inside == "*args, **kwargs":  # the header line of an overloaded function
            continue
        parameters = [part.split(":")[0].strip() for part in _split_top_level(inside)]
        parameters = [p for p in parameters if p not in ("self", "/", "*")]
        signatures.add((tuple(parameters), sum("=" in part for part in _split_top_level(inside))))
    return signatures


def _module(submodule: str) -> ModuleType:
    return _core if submodule == "" else getattr(_core, submodule)


def _stub_tree(submodule: str) -> ast.Module:
    return ast.parse((STUBS / f"{submodule or '__init__'}.pyi").read_text())


MODULES = ["", *SUBMODULES]


@pytest.mark.parametrize("submodule", MODULES)
def test_stub_lists_every_export_and_nothing_else(submodule: str) -> None:
    module = _module(submodule)
    runtime = {name for name in dir(module) if not name.startswith("_") or name == "__version__"}
    assert runtime == set(_stub_members(_stub_tree(submodule).body))


def test_every_submodule_has_a_stub() -> None:
    assert {path.stem for path in STUBS.glob("*.pyi")} == {"__init__", *SUBMODULES}
    assert {name for name in dir(_core) if isinstance(getattr(_core, name), ModuleType)} == set(SUBMODULES)


def _callables() -> list[tuple[str, str]]:
    listed = []
    for submodule in MODULES:
        module = _module(submodule)
        for name in sorted(_stub_members(_stub_tree(submodule).body)):
            value = getattr(module, name, None)
            if callable(value) and not isinstance(value, ModuleType):
                listed.append((submodule, name))
    return listed


@pytest.mark.parametrize(("submodule", "name"), _callables())
def test_stub_signatures_match_the_bindings(submodule: str, name: str) -> None:
    tree = _stub_tree(submodule)
    value = getattr(_module(submodule), name)
    if not isinstance(value, type):
        assert _stub_members(tree.body)[name] == _runtime_signatures(value), name
        return
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    stub = _stub_members(classes[name].body)
    runtime = {member for member in vars(value) if not member.startswith("_")}
    assert runtime == set(stub), f"{name}: members differ"
    for member in sorted(runtime):
        raw = vars(value)[member]
        if isinstance(raw, property):
            continue  # a property's type is all the stub says
        function = getattr(raw, "__func__", raw)  # staticmethod
        assert stub[member] == _runtime_signatures(function), f"{name}.{member}"
