"""Every examples/*.py runs as a script against a real index (the session's seed index) and says something true."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TIMEOUT = 600


def _run(script: str, *args: str) -> str:
    env = {**os.environ, "OMP_NUM_THREADS": "2", "TOKENIZERS_PARALLELISM": "false", "HF_HUB_OFFLINE": "1",
           "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, str(EXAMPLES / script), *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=TIMEOUT, check=False)
    assert done.returncode == 0, f"{script} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_every_example_is_tested():
    tested = {"ask_bilingual.py", "graph_analysis.py", "export_graph.py"}
    assert {p.name for p in EXAMPLES.glob("*.py")} == tested


def test_ask_bilingual(seed_index):
    out = _run("ask_bilingual.py", str(seed_index))
    assert "Q [en] who develops TCR-T" in out and "Q [zh-Hant] 誰在開發TCR-T" in out
    assert "Q [zh-Hans] 谁在开发TCR-T" in out
    assert "GSK" in out and "葛蘭素史克" in out and "葛兰素史克" in out
    assert "TCR-T細胞療法" in out  # the evidence sentence is quoted


def test_graph_analysis(seed_index):
    out = _run("graph_analysis.py", str(seed_index), "--lang", "zh-Hant", "--path", "Novartis", "傳奇生物")
    assert "entities" in out and "degree centrality" in out
    assert "諾華 —hasAffiliate→ 傳奇生物" in out


def test_export_graph(seed_index, tmp_path):
    import networkx as nx

    out = _run("export_graph.py", str(seed_index), str(tmp_path), "--lang", "zh-Hant")
    counts = {line.split()[0]: int(line.split()[1]) for line in out.splitlines() if line.strip()}
    assert set(counts) == {"ttl", "nq", "trig", "graphml", "csv"} and all(counts.values())
    with (tmp_path / "regenkg.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == counts["csv"] and any(r["subject_label"] == "諾華" for r in rows)
    assert nx.read_graphml(tmp_path / "regenkg.graphml").number_of_edges() == counts["graphml"]


@pytest.mark.parametrize("script", ["ask_bilingual.py", "graph_analysis.py", "export_graph.py"])
def test_examples_have_help(script):
    assert "usage:" in _run(script, "--help").lower()
