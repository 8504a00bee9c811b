"""The package as users meet it: public names, exceptions, version, typing."""

from __future__ import annotations

import ast
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


# The C++ package inside the installed wheel: headers, CMake package, pkg-config file.


def test_get_include_holds_every_public_header():
    include = Path(cs.get_include())
    installed = sorted(path.relative_to(include).as_posix() for path in include.rglob("*.hpp"))
    source = sorted(path.relative_to(ROOT / "include").as_posix() for path in (ROOT / "include").rglob("*.hpp"))
    assert "cssegment/cssegment.hpp" in installed
    assert installed == source


def test_get_cmake_dir_holds_the_cmake_package_of_this_version():
    cmake_dir = Path(cs.get_cmake_dir())
    for name in ("cssegmentConfig", "cssegmentConfigVersion", "cssegmentTargets", "cssegmentDependencies"):
        assert (cmake_dir / f"{name}.cmake").is_file(), name
    assert f'set(PACKAGE_VERSION "{cs.__version__}")' in (cmake_dir / "cssegmentConfigVersion.cmake").read_text()


def test_pkg_config_file_points_at_the_headers():
    pc = Path(cs.get_cmake_dir()).parents[1] / "pkgconfig" / "cssegment.pc"
    fields = dict(line.split("=", 1) for line in pc.read_text().splitlines() if "=" in line and ":" not in line)
    keys = dict(line.split(": ", 1) for line in pc.read_text().splitlines() if ": " in line)
    includedir = fields["includedir"].replace("${pcfiledir}", str(pc.parent))
    assert Path(includedir).resolve() == Path(cs.get_include()).resolve()
    assert keys["Version"] == cs.__version__
    assert keys["Cflags"] == "-I${includedir}"


def test_cmake_prefix_entry_point_leads_to_the_cmake_package():
    from importlib.metadata import entry_points

    (entry,) = entry_points(group="cmake.prefix", name="cssegment")
    prefix = Path(entry.load().__file__).parent
    assert (prefix / "share" / "cmake" / "cssegment" / "cssegmentConfig.cmake").is_file()


def _toml_list(text: str, table: str, key: str) -> list[str]:
    # pyproject.toml read without tomllib, which Python 3.10 lacks: a one-line list under a table.
    body = ("\n" + text).split(f"\n[{table}]\n", 1)[1].split("\n[", 1)[0]
    (line,) = [line for line in body.splitlines() if line.startswith(f"{key} = [")]
    return ast.literal_eval(line.split(" = ", 1)[1])


def test_build_group_is_the_build_requirements_plus_cmake_and_ninja():
    pyproject = (ROOT / "pyproject.toml").read_text()
    requires = _toml_list(pyproject, "build-system", "requires")
    group = _toml_list(pyproject, "dependency-groups", "build")
    assert group[: len(requires)] == requires
    assert [re.split(r"[<>=]", name)[0] for name in group[len(requires) :]] == ["cmake", "ninja"]


def test_readme_links_are_absolute_for_pypi():
    # README.md is the PyPI long description, where relative links break.
    links = re.findall(r"\]\(([^)\s]+)\)", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert links
    assert [link for link in links if not link.startswith("https://")] == []
