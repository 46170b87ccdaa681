"""kb.sparql / SparqlEngine from plain scripts, stdin, ``-c``, threads and a notebook: no spawn trap.

Evaluators start with ``python -m regenkg.sparql.worker``, so the caller's ``__main__`` never runs again;
an unguarded script prints its line once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from regenkg.errors import QueryError
from regenkg.sparql import QueryTimeout, SparqlEngine

SRC = str(Path(__file__).resolve().parents[1] / "src")
SCRIPT = textwrap.dedent("""
    import os
    from regenkg import KnowledgeBase
    kb = KnowledgeBase.open(os.environ["REGENKG_TEST_INDEX"])
    joined = kb.sparql("SELECT (COUNT(*) AS ?n) { ?s ?p ?o FILTER(isIRI(?s)) }")
    lookup = kb.sparql("SELECT ?p ?o { <https://w3id.org/regenkg/id/modality/tcr-t> ?p ?o }")
    print("ROWS", int(joined.rows[0]["n"].value), len(lookup.rows) > 0, flush=True)
""")


def _env(index: Path) -> dict[str, str]:
    env = dict(os.environ, REGENKG_TEST_INDEX=str(index), HF_HUB_OFFLINE="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (SRC, env.get("PYTHONPATH")) if p)
    return env


def _check(out: subprocess.CompletedProcess[str]) -> None:
    assert out.returncode == 0, out.stderr[-2000:]
    lines = [line for line in out.stdout.splitlines() if line.startswith("ROWS")]
    assert len(lines) == 1, out.stdout  # the body ran once: nobody re-imported __main__
    _, count, found = lines[0].split()
    assert int(count) > 100 and found == "True"


def test_from_stdin(seed_index: Path) -> None:
    _check(subprocess.run([sys.executable, "-"], check=False, input=SCRIPT, env=_env(seed_index), capture_output=True,
                          text=True, timeout=300))


def test_from_dash_c(seed_index: Path) -> None:
    _check(subprocess.run([sys.executable, "-c", SCRIPT], check=False, env=_env(seed_index), capture_output=True, text=True,
                          timeout=300))


def test_from_unguarded_script(seed_index: Path, tmp_path: Path) -> None:
    script = tmp_path / "plain.py"  # no `if __name__ == "__main__"`
    script.write_text(SCRIPT, encoding="utf-8")
    _check(subprocess.run([sys.executable, str(script)], check=False, env=_env(seed_index), capture_output=True, text=True,
                          timeout=300, cwd=tmp_path))


def test_from_notebook(seed_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "regenkg test kernel", "language": "python"}), encoding="utf-8")
    for name, value in _env(seed_index).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SCRIPT)]
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.get("output_type") == "stream")
    _check(subprocess.CompletedProcess([], 0, stdout=text, stderr=""))


def test_threads_share_an_engine_and_a_runaway_costs_only_its_caller() -> None:
    store = ox.Store()
    ex = "http://example.org/"
    store.extend(ox.Quad(ox.NamedNode(f"{ex}s{i}"), ox.NamedNode(f"{ex}p"), ox.Literal(str(i)))
                 for i in range(300))
    runaway = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    counted = f"SELECT (COUNT(*) AS ?n) {{ ?s <{ex}p> ?o FILTER(STRLEN(?o) > 0) }}"
    with SparqlEngine.from_store(store, workers=2, timeout=2.0) as engine:
        results: list[object] = []

        def one(query: str) -> None:
            try:
                results.append(int(engine.execute(query).rows[0]["n"].value))
            except QueryTimeout as exc:
                results.append(exc)

        threads = [threading.Thread(target=one, args=(runaway if i == 0 else counted,)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sum(isinstance(r, QueryTimeout) for r in results) == 1
        assert sorted(r for r in results if isinstance(r, int)) == [300] * 5
        # the engine goes on with a replaced evaluator
        assert int(engine.execute(counted).rows[0]["n"].value) == 300


def shout(term: object) -> ox.Literal | None:
    """A custom SPARQL function for the registry test (module-level: evaluators import it by name)."""
    return ox.Literal(term.value.upper()) if isinstance(term, ox.Literal) else None


def test_custom_function_registry() -> None:
    fn = "http://example.org/fn/shout"
    with SparqlEngine.from_store(ox.Store(), workers=1, functions={fn: shout}) as engine:
        result = engine.execute(f'SELECT ?x {{ BIND(<{fn}>("細胞 cell") AS ?x) }}')
        assert result.rows[0]["x"].value == "細胞 CELL"
    with pytest.raises(QueryError, match="module-level"):
        SparqlEngine.from_store(ox.Store(), workers=1, functions={fn: lambda t: t}).execute("ASK { FILTER(true) }")
