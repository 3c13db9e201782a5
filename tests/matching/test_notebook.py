"""The match-quality notebook runs top to bottom on the committed cohort."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]


def test_match_quality_notebook_executes() -> None:
    nb = nbformat.read(ROOT / "notebooks" / "match_quality.ipynb", as_version=4)
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()  # fmt: skip
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    # Opened in Jupyter, every plotting cell shows its figure inline (not only to a file).
    plotting = [
        c for c in nb.cells if c.cell_type == "code" and (".plot" in c.source or "plt." in c.source)
    ]
    assert len(plotting) >= 4
    for cell in plotting:
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert images, f"no inline figure from the cell starting {cell.source[:60]!r}"
