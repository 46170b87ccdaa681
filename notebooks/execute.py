"""Run notebooks/explore.ipynb top to bottom and save it with its outputs (what GitHub shows).

    python notebooks/execute.py [--index DIR]

The kernel is this interpreter (``sys.executable``), so it imports the same regenkg. The notebook runs in a
fresh temporary folder: with no ``--index`` it builds the package's sample articles there, as a new user's
first run would (the only paths in the saved outputs are under that temporary folder).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import nbclient
import nbformat

NOTEBOOK = Path(__file__).resolve().with_name("explore.ipynb")


def execute(notebook: Path, workdir: Path, index: Path | None = None, timeout: int = 900) -> nbformat.NotebookNode:
    """Execute ``notebook`` with a kernel on this Python, in ``workdir``; return it with outputs."""
    spec = workdir / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (regenkg)", "language": "python"}), encoding="utf-8")
    os.environ["JUPYTER_PATH"] = str(workdir / "jupyter")
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    if index is not None:
        os.environ["REGENKG_INDEX"] = str(index)
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=timeout,
                            resources={"metadata": {"path": str(workdir)}}).execute()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return nb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=None, help="Use this index instead of building the sample.")
    parser.add_argument("--output", type=Path, default=NOTEBOOK, help="Where to save (default: in place).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="regenkg-notebook-") as tmp:
        nb = execute(NOTEBOOK, Path(tmp), args.index)
    nbformat.write(nb, args.output)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
