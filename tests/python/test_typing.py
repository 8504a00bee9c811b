"""The type stubs of the C++ extension (``_core.pyi``) say exactly what ``_core`` exports: every
name, every class member, and every function's parameter names and which of them have defaults
(read from the signatures pybind11 writes into the docstrings). mypy --strict checks the rest."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from cssegment import _core

Signature = tuple[tuple[str, ...], int]  # parameter names, number with a default
STUB = Path(__file__).parents[2] / "python" / "cssegment" / "_core.pyi"


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


STUB_TREE = ast.parse(STUB.read_text())
STUB_MODULE = _stub_members(STUB_TREE.body)
STUB_CLASSES = {node.name: node for node in STUB_TREE.body if isinstance(node, ast.ClassDef)}


def test_stub_lists_every_export_and_nothing_else() -> None:
    runtime = {name for name in dir(_core) if not name.startswith("_") or name == "__version__"}
    assert runtime == set(STUB_MODULE)


@pytest.mark.parametrize("name", sorted(n for n in STUB_MODULE if callable(getattr(_core, n, None))))
def test_stub_signatures_match_the_bindings(name: str) -> None:
    value = getattr(_core, name)
    if not isinstance(value, type):
        assert STUB_MODULE[name] == _runtime_signatures(value), name
        return
    stub = _stub_members(STUB_CLASSES[name].body)
    runtime = {member for member in vars(value) if not member.startswith("_")}
    assert runtime == set(stub), f"{name}: members differ"
    for member in sorted(runtime):
        raw = vars(value)[member]
        if isinstance(raw, property):
            continue  # a property's type is all the stub says
        function = getattr(raw, "__func__", raw)  # staticmethod
        assert stub[member] == _runtime_signatures(function), f"{name}.{member}"
