"""The package as users meet it: public names, exceptions, version, typing."""

from __future__ import annotations

import re
from pathlib import Path

import cssegment as cs
import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_version_has_one_source():
    header = (ROOT / "include" / "cssegment" / "version.hpp").read_text()
    assert f'#define CSSEGMENT_VERSION "{cs.__version__}"' in header
    assert re.fullmatch(r"\d+\.\d+\.\d+", cs.__version__)


def test_public_names():
    for name in cs.__all__:
        assert hasattr(cs, name), name
    assert cs.segment.TierModel is cs.TierModel


def test_exceptions_are_value_errors_raised_by_core_and_python():
    assert issubclass(cs.InvalidInputError, ValueError)
    assert issubclass(cs.NotFittedError, ValueError)
    assert issubclass(cs.NotFittedError, AttributeError)  # as scikit-learn's: hasattr() is False before fit()
    assert cs.NotFittedError.__module__ == "cssegment"
    assert cs.InvalidInputError.__module__ == "cssegment"
    for bad in (lambda: cs.TierModel([2, 1], ["a", "b", "c"]), lambda: cs.TierModel.touch().assign(["x"])):
        with pytest.raises(cs.InvalidInputError, match=r"\S"):
            bad()


def test_typing_markers_ship_with_the_package():
    package = Path(cs.__file__).parent
    assert (package / "py.typed").exists()
    stubs = package / "_core"
    for stub, name in [
        ("segment", "class tier_model"),
        ("segment", "class quadrant_model"),
        ("segment", "class rule_model"),
        ("segment", "def transitions"),
        ("segment", "def coverage"),
        ("datasets", "def synthetic_book"),
        ("__init__", "class InvalidInputError"),
    ]:
        assert name in (stubs / f"{stub}.pyi").read_text(), name
