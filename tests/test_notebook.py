"""notebooks/explore.ipynb: committed with its outputs, and runnable top to bottom from the package alone.

The run uses ``notebooks/execute.py`` (what refreshes the committed outputs): a kernel on this Python, a
fresh folder with no index, so the notebook builds the sample articles shipped in the package
(``regenkg.samples``), as it does for a user who installed the wheel.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOK = NOTEBOOKS / "explore.ipynb"
# Output that is noise to a reader: tqdm bars and the warning tqdm prints without ipywidgets.
NOISE = ("Loading weights", "IProgress not found", "it/s]", "Traceback")


def _outputs(nb, kind: str) -> list[str]:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if kind == "stream" and o.get("output_type") == "stream":
                out.append(o.get("text", ""))
            elif kind in o.get("data", {}):
                data = o["data"][kind]
                out.append(data if isinstance(data, str) else json.dumps(data))
    return out


def _check_outputs(nb) -> None:
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    html = "\n".join(_outputs(nb, "text/html"))
    assert "葛蘭素史克" in html                        # the Chinese question answered in Traditional script
    assert "vis.Network" in html                       # the interactive view rendered
    assert len(_outputs(nb, "image/png")) >= 2         # both drawings
    stream = "\n".join(_outputs(nb, "stream"))
    assert "zh-Hant" in stream and "develops" in stream
    assert "missing from font" not in stream           # no tofu warnings from the CJK drawing
    noisy = [n for n in NOISE if n in stream]
    assert not noisy, f"noise in cell output: {noisy}"
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "parents[" not in code, "the notebook must not depend on the repository layout"


def test_committed_notebook_shows_its_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit the notebook executed"
    _check_outputs(nb)


def test_notebook_runs_from_the_installed_package(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("execute_notebook", NOTEBOOKS / "execute.py")
    execute = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(execute)
    for name in ("REGENKG_INDEX", "REGENKG_NOTEBOOK_CORPUS", "REGENKG_NOTEBOOK_INDEX"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))  # execute() writes its kernelspec there
    nb = execute.execute(NOTEBOOK, tmp_path, timeout=600)
    _check_outputs(nb)
    assert (tmp_path / "indexes" / "default").exists()  # built from the package's sample articles
