"""The quickstart notebook runs top to bottom in a real kernel, shows its plots, and is stored
without outputs."""

from __future__ import annotations

import time
from pathlib import Path

import cssegment as cs
import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "notebooks" / "quickstart.ipynb"
CELL_TIMEOUT = 120  # seconds; the whole notebook takes seconds


def code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_notebook_is_stored_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    cells = code_cells(notebook)
    assert len(cells) >= 20
    for cell in cells:
        assert cell.outputs == [], cell.source
        assert cell.execution_count is None, cell.source


@pytest.fixture(scope="module")
def executed() -> tuple[nbformat.NotebookNode, float]:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    with pytest.MonkeyPatch.context() as env:
        # The kernel imports the cssegment under test, and draws with its own inline backend.
        package_root = str(Path(cs.__file__).resolve().parents[1])
        env.setenv("PYTHONPATH", package_root)
        env.delenv("MPLBACKEND", raising=False)
        client = NotebookClient(
            notebook,
            kernel_name="python3",
            timeout=CELL_TIMEOUT,
            resources={"metadata": {"path": str(NOTEBOOK.parent)}},
        )
        start = time.perf_counter()
        client.execute()  # raises CellExecutionError on the first failing cell
        seconds = time.perf_counter() - start
    return notebook, seconds


def test_notebook_runs_without_errors_or_warnings(executed):
    notebook, _ = executed
    for cell in code_cells(notebook):
        assert cell.execution_count is not None
        for output in cell.outputs:
            assert output.output_type != "error", cell.source
            assert not (output.output_type == "stream" and output.name == "stderr"), f"{cell.source}\n{output.text}"


def test_notebook_imports_the_cssegment_under_test(executed):
    notebook, _ = executed
    book = next(cell for cell in code_cells(notebook) if "synthetic_book" in cell.source)
    shown = book.outputs[-1]["data"]["text/plain"]
    assert shown == repr(cs.datasets.synthetic_book(n_accounts=5_000, seed=0))


def test_every_plot_is_shown(executed):
    notebook, _ = executed
    plots = [cell for cell in code_cells(notebook) if "cs.plot." in cell.source]
    drawn = {name for cell in plots for name in cs.plot.__all__ if f"cs.plot.{name}(" in cell.source}
    assert drawn == {name for name in cs.plot.__all__ if name.islower()}  # all nine plots
    for cell in plots:
        images = [output for output in cell.outputs if "image/png" in output.get("data", {})]
        assert len(images) == 1, cell.source
