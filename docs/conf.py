"""Sphinx configuration of the cssegment documentation (built by scripts/docs.sh)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import cssegment
from docutils.nodes import Element
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger("cssegment.docs")

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
# "$10k to $50k" in prose is money, not maths: inline maths may not start or end with a space.
myst_dmath_allow_space = False
# The notebook is stored without outputs: run it on every build and fail on any cell error.
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 120
# The guide pages set output_stderr: warn in their front matter, so that a warning printed by one
# of their examples (a deprecation, a pandas warning) fails the build; the notebook may show
# progress bars, which are written to stderr.
nb_output_stderr = "show"

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
    """Full names listed in the autosummary tables of the reference pages."""
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


def _check_reference(app: Sphinx) -> None:
    """Warn (an error under -W) about a public name that no reference page lists."""
    documented = _documented_names(Path(app.srcdir) / "reference")
    areas = [cssegment] + [getattr(cssegment, area) for area in ("segment", "metrics", "health", "survival", "causal")]
    for module in areas:
        for name in module.__all__:
            if inspect.ismodule(getattr(module, name)) or name == "__version__":
                continue
            if f"cssegment.{name}" not in documented and f"{module.__name__}.{name}" not in documented:
                logger.warning("%s.%s is public but no page of docs/reference lists it", module.__name__, name)


def _resolve_in_package(app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: Element) -> Element | None:
    """Resolve a short Python reference such as ``RevenueLedger.cohorts``, written in a docstring of
    another module of the package, as ``cssegment.RevenueLedger.cohorts``: the names are
    re-exported at the top level, where the reference documents them."""
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target or target.startswith(("cssegment.", "~", ".")):
        return None
    python = env.get_domain("py")
    retry = node.deepcopy()
    retry["reftarget"] = f"cssegment.{target}"
    return python.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], retry["reftarget"], retry, contnode)


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", _check_reference)
    app.connect("missing-reference", _resolve_in_package)
