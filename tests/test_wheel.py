"""The wheel round trip a user makes: build it, install it (not editable), build an index and ask, away from
the checkout.

The wheel is built from a copy of the files git knows (so a stale ``build/`` or a local file cannot slip
in) and installed with ``--no-deps`` into a fresh virtualenv. That venv sees this test run's dependencies
(torch, faiss, …) through a ``.pth`` line naming their site-packages folder: a path in a ``.pth`` file is
added to ``sys.path`` but its own ``.pth`` files are not run, so an editable regenkg installed there is
not importable, and the venv's own site-packages (holding the wheel) comes first. The test checks that the
``regenkg`` that ran is the wheel's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT

# Three bundled articles (English, Traditional, Simplified) that name TCR-T developers.
ARTICLES = ("006_tcr-t-landscape.md", "024_astrazeneca-neogene-zh-hant.md", "037_tcr-t-players-zh-hans.md")


def _tracked_files() -> list[str]:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the wheel is built from the files git tracks")
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                         check=True, capture_output=True).stdout.decode()
    return [f for f in out.split("\0") if f and (ROOT / f).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for rel in _tracked_files():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, src / rel)
    vendor = ROOT / "src" / "regenkg" / "server" / "static" / "vendor"  # npm output, git-ignored
    if vendor.is_dir():
        shutil.copytree(vendor, src / "src" / "regenkg" / "server" / "static" / "vendor")
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(dist), str(src)], check=True, timeout=300)
    (found,) = dist.glob("regenkg-*.whl")
    return found


def test_wheel_contents(wheel: Path):
    import regenkg

    names = zipfile.ZipFile(wheel).namelist()
    assert wheel.name.startswith(f"regenkg-{regenkg.__version__}-")
    assert {"regenkg/ontology/regenkg.ttl", "regenkg/ontology/entities.ttl", "regenkg/ontology/shapes.ttl",
            "regenkg/py.typed", "regenkg/server/static/index.html"} <= set(names)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(meta).decode()
    assert f"Version: {regenkg.__version__}" in text
    assert "License-Expression: MIT" in text
    assert "Classifier: Programming Language :: Python :: 3.11" in text
    assert "Project-URL: Homepage" in text
    assert not any(n.startswith(("tests/", "build/", "corpus/")) for n in names)


def test_wheel_installs_builds_and_answers(wheel: Path, tmp_path: Path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "_regenkg_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)], check=True, timeout=300)

    work = tmp_path / "elsewhere"  # not the checkout: no corpus/, ontology/ or src/ beside it
    (work / "articles").mkdir(parents=True)
    for name in ARTICLES:
        shutil.copy(CORPUS / name, work / "articles" / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "REGENKG_INDEX")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"

    where = subprocess.run([str(py), "-c", "import regenkg; print(regenkg.__file__)"], cwd=work, env=env,
                           check=True, capture_output=True, text=True).stdout.strip()
    assert Path(where).is_relative_to(site), f"regenkg came from {where}, not the installed wheel"

    regenkg = str(venv / "bin" / "regenkg")
    built = subprocess.run([regenkg, "build", "articles", "--index", "idx"], cwd=work, env=env,
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    assert "3 documents" in built.stdout
    asked = subprocess.run([regenkg, "ask", "who develops TCR-T", "--index", "idx", "--format", "json"],
                           cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert asked.returncode == 0, asked.stderr
    import json

    answer = json.loads(asked.stdout)
    assert answer["found"] and answer["intent"]
    assert all(ev["doc"] for a in answer["answers"] for ev in a["evidence"])
