"""Sphinx configuration of the cssegment documentation (built by scripts/docs.sh)."""

from __future__ import annotations

import re
from pathlib import Path

import cssegment

project = "cssegment"
author = "cssegment maintainers"
copyright = "cssegment maintainers, Apache-2.0"
release = cssegment.__version__
version = release

extensions = [
    "myst_nb",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "jupyter_execute", "**.ipynb_checkpoints"]
templates_path = ["_templates"]
root_doc = "index"
nitpicky = True

# --- MyST and the rendered notebook ---------------------------------------------------------
myst_enable_extensions = ["amsmath", "colon_fence", "deflist", "dollarmath", "fieldlist"]
myst_heading_anchors = 3
# The notebook is stored without outputs: run it on every build and fail on any cell error.
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 120
# A warning printed by a cell (a deprecation, a pandas warning) fails the build like any other.
nb_output_stderr = "warn"

# --- API reference ------------------------------------------------------------------------
autosummary_generate = True
autosummary_ignore_module_all = False
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # the numpydoc sections carry the types; signatures stay readable
autodoc_preserve_defaults = True
numpydoc_show_class_members = False  # the autosummary class template lists the members
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()

# Types from other libraries are written in the docstrings as plain names; there is no network
# in CI for intersphinx, so references to them are not checked.
nitpick_ignore_regex = [
    (r"py:.*", r"(pandas|pd|numpy|np|dask|matplotlib|collections|typing|builtins)\..*"),
]

# --- HTML ---------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"cssegment {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_context = {"default_mode": "light"}
html_show_sourcelink = False


# --- every public name is in the reference --------------------------------------------------
def _documented_names(reference: Path) -> set[str]:
    """Names listed in the reference pages' autosummary tables."""
    names: set[str] = set()
    for page in reference.glob("*.rst"):
        module = "cssegment"
        for line in page.read_text().splitlines():
            current = re.match(r"\.\. currentmodule:: ([\w.]+)", line)
            if current:
                module = current.group(1)
            entry = re.fullmatch(r"   ~?([\w.]+)", line)
            if entry:
                names.add(f"{module}.{entry.group(1)}")
    return names


def _check_reference(app: object) -> None:
    from sphinx.util import logging

    documented = _documented_names(Path(__file__).parent / "reference")
    modules = {"cssegment": cssegment}
    modules.update({f"cssegment.{name}": getattr(cssegment, name) for name in ("health", "metrics", "retention",
                                                                                  "segment")})
    logger = logging.getLogger("cssegment.docs")
    for module_name, module in modules.items():
        for name in module.__all__:
            value = getattr(module, name)
            if type(value).__name__ == "module" or name == "__version__":
                continue
            if f"cssegment.{name}" not in documented and f"{module_name}.{name}" not in documented:
                logger.warning("%s.%s is public but missing from docs/reference", module_name, name)


def setup(app: object) -> None:
    app.connect("builder-inited", _check_reference)  # type: ignore[attr-defined]
