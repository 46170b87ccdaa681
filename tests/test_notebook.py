"""notebooks/explore.ipynb runs top to bottom, in a kernel on this virtualenv's Python, against a real index.

The index is the session's seed index (conftest ``seed_index``), handed to the notebook through
``$REGENKG_NOTEBOOK_INDEX`` so it does not build the bundled corpus.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore.ipynb"
CELL_TIMEOUT = 600


@pytest.fixture
def kernel_env(tmp_path, monkeypatch, seed_index):
    # A kernelspec whose argv names this interpreter, so the kernel imports the same regenkg and packages
    # as the tests whatever `python` is on PATH.
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "regenkg test kernel", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("REGENKG_NOTEBOOK_INDEX", str(seed_index))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return tmp_path


def _outputs(nb, kind: str) -> list[str]:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if kind == "stream" and o.get("output_type") == "stream":
                out.append(o.get("text", ""))
            elif kind in o.get("data", {}):
                out.append(o["data"][kind])
    return out


def test_explore_notebook_runs(kernel_env):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit the notebook without outputs"
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=CELL_TIMEOUT,
                                     resources={"metadata": {"path": str(kernel_env)}})
    client.execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    html = "\n".join(_outputs(nb, "text/html"))
    assert "葛蘭素史克" in html                        # the Chinese question answered in Traditional script
    assert "vis.Network" in html                       # the interactive view rendered
    assert len(_outputs(nb, "image/png")) >= 2         # both drawings
    stream = "\n".join(_outputs(nb, "stream"))
    assert "zh-Hant" in stream and "develops" in stream
    assert "missing from font" not in stream           # no tofu warnings from the CJK drawing
