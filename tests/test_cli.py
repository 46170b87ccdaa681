"""The `regenkg` command as a user runs it (real subprocesses on a real index)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from conftest import ROOT

REGENKG = [sys.executable, "-m", "regenkg.cli"]


def run(*args: str, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    proc = subprocess.run([*REGENKG, *args], capture_output=True, text=True, cwd=cwd or ROOT, env=env, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def test_every_command_is_documented():
    from regenkg.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, cmd in main.commands.items():
        assert cmd.help and len(cmd.help) > 20, f"command {name} has no help text"
        assert f"regenkg {name}" in readme, f"README does not show `regenkg {name}`"
        assert isinstance(cmd, click.Command)


def test_missing_index_says_build_first(tmp_path):
    proc = run("ask", "who develops TCR-T", "--index", str(tmp_path / "nope"), check=False)
    assert proc.returncode != 0
    assert "regenkg build" in proc.stderr and "Traceback" not in proc.stderr


def test_ask_search_sparql_entity_json(seed_index):
    idx = str(seed_index)
    ask = json.loads(run("ask", "谁在开发TCR-T", "--index", idx, "--json").stdout)
    assert {a["iri"].rsplit("/", 1)[-1] for a in ask["answers"]} == {"gsk", "astellas", "roche", "takeda",
                                                                      "astrazeneca"}
    assert ask["answers"][0]["labels"]["zh-Hans"] and ask["answers"][0]["evidence"]
    assert set(ask) >= {"question", "intent", "entities", "answers", "sparql", "passages"}
    search = json.loads(run("search", "regenerative medicine market", "--index", idx, "--json", "--k", "3").stdout)
    assert len(search["hits"]) == 3 and set(search["hits"][0]) >= {"sentence", "doc", "title", "lang", "text",
                                                                   "start", "end", "score", "dense", "lexical"}
    out = run("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--index", idx, "--format", "csv").stdout
    assert out.splitlines()[0].strip() == "n" and int(out.splitlines()[1]) > 1000
    ent = json.loads(run("entity", "阿斯特捷利康", "--index", idx, "--json").stdout)
    assert ent["iri"].endswith("company/astrazeneca") and ent["relations"]


def test_explain_and_fallback(seed_index):
    out = run("ask", "who develops NK cell therapy", "--index", str(seed_index), "--explain").stdout
    assert "VALUES ?target" in out
    # No answer is exit 1 (like grep finding nothing), documented in the CLI's exit codes (#16); it was 0.
    none = run("ask", "what is the weather", "--index", str(seed_index), check=False)
    assert none.returncode == 1 and "No answer found" in none.stdout


@pytest.mark.parametrize("args,msg", [
    (["search", "", ], "empty"),
    (["search", "CAR-T", "--k", "0"], "--k"),
    (["sparql", "SELEC * {}"], "line 1, column 1"),
    (["sparql", "INSERT DATA { <a:b> <a:c> <a:d> }"], "update"),
])
def test_bad_input_is_a_clear_error(seed_index, args, msg):
    proc = run(*args, "--index", str(seed_index), check=False)
    assert proc.returncode != 0
    assert msg.lower() in proc.stderr.lower() and "Traceback" not in proc.stderr


def test_build_reports_skipped_files_and_exit_codes(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    (src / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    proc = run("build", str(src), "--index", str(tmp_path / "idx"), check=False)
    assert proc.returncode != 0 and "nothing could be built" in proc.stderr
    (src / "ok.md").write_text("---\ntitle: t\n---\nNovartis develops CAR-T cell therapies for lymphoma.\n",
                               encoding="utf-8")
    proc = run("build", str(src), "--index", str(tmp_path / "idx"))
    assert "skipped" in proc.stdout and "empty.txt" in proc.stdout and "image.png" in proc.stdout
    info = json.loads(run("info", "--index", str(tmp_path / "idx"), "--json").stdout)
    assert info["documents"] == 1 and len(info["skipped"]) == 2
    again = run("build", str(src), "--index", str(tmp_path / "idx"))
    assert "up to date" in again.stdout


def test_import_export_remove(tmp_path, seed_dir):
    idx = tmp_path / "idx"
    run("build", str(seed_dir), "--index", str(idx))
    ttl = tmp_path / "extra.ttl"
    ttl.write_text('<https://example.org/a> <https://example.org/p> "細胞"@zh-Hant .\n', encoding="utf-8")
    assert "imported 1" in run("import", str(ttl), "--index", str(idx), "--graph", "https://example.org/g").stdout
    out = run("sparql", 'SELECT ?o WHERE { GRAPH <https://example.org/g> { ?s ?p ?o } }', "--index", str(idx),
              "--format", "tsv").stdout
    assert '"細胞"@zh-Hant' in out or '"細胞"@zh-hant' in out
    for fmt in ("ttl", "nq", "trig", "graphml", "csv"):
        target = tmp_path / f"out.{fmt}"
        run("export", "--index", str(idx), "--format", fmt, "-o", str(target))
        assert target.stat().st_size > 100
    bad = run("import", str(tmp_path / "missing.ttl"), "--index", str(idx), check=False)
    assert bad.returncode != 0 and "missing.ttl" in bad.stderr
    info = json.loads(run("info", "--index", str(idx), "--json").stdout)
    doc = info["index"]
    docs = json.loads((Path(doc) / "manifest.json").read_text())["documents"]
    run("remove", docs[0]["id"][:12], "--index", str(idx))
    after = json.loads(run("info", "--index", str(idx), "--json").stdout)
    assert after["documents"] == 0 and after["vectors"] == 0
    # the import survives the removal of documents
    out = run("sparql", "ASK { GRAPH <https://example.org/g> { ?s ?p ?o } }", "--index", str(idx),
              "--format", "json").stdout
    assert json.loads(out)["boolean"] is True


def test_unmerge_survives_rebuilds(tmp_path):
    from conftest import DATA

    idx = str(tmp_path / "idx")
    src = DATA / "unseen" / "u1_halvard-corvine.md"
    run("build", str(src), "--index", idx)
    q = ("PREFIX rkg: <https://w3id.org/regenkg/ontology#> SELECT ?name ?into WHERE "
         "{ ?m a rkg:Merge ; rkg:mergedName ?name ; rkg:mergedInto ?into }")
    merges = json.loads(run("sparql", q, "--index", idx, "--format", "json").stdout)["results"]["bindings"]
    assert sorted(b["name"]["value"] for b in merges) == ["Corvine", "Halvard"]
    run("unmerge", "Corvine", "--index", idx)
    left = json.loads(run("sparql", q, "--index", idx, "--format", "json").stdout)["results"]["bindings"]
    assert [b["name"]["value"] for b in left] == ["Halvard"]
    run("build", str(src), "--index", idx)  # the undo is kept by later builds
    ent = json.loads(run("entity", "company/corvine", "--index", idx, "--json").stdout)
    assert ent["iri"].endswith("/company/corvine") and not ent["curated"]


def test_import_without_an_index_creates_a_graph_only_one(tmp_path):
    idx = tmp_path / "indexes" / "curated"
    ttl = tmp_path / "curated.ttl"
    ttl.write_text('<https://example.org/kite> <https://example.org/develops> <https://example.org/car-t> .\n'
                   '<https://example.org/kite> <http://www.w3.org/2004/02/skos/core#prefLabel> "凱特"@zh-Hant .\n',
                   encoding="utf-8")
    out = run("import", str(ttl), "--index", str(idx), "--graph", "https://example.org/g").stdout
    assert "imported 2 triples" in out and "created graph-only index" in out
    info = json.loads(run("info", "--index", str(idx), "--json").stdout)
    assert info["kind"] == "graph" and info["documents"] == 0 and info["triples"] == 2
    # the default graph is exactly the imported data: no ontology, no documents
    count = run("sparql", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "--index", str(idx), "--format", "json").stdout
    assert json.loads(count)["results"]["bindings"][0]["n"]["value"] == "2"
    for command in (("ask", "who develops CAR-T"), ("search", "CAR-T")):
        proc = run(*command, "--index", str(idx), check=False)
        assert proc.returncode == 1 and "only imported RDF" in proc.stderr and "Traceback" not in proc.stderr
    # documents built into it later keep the import
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("---\ntitle: t\n---\nKite develops CAR-T cell therapies for lymphoma.\n",
                               encoding="utf-8")
    run("build", str(docs), "--index", str(idx))
    info = json.loads(run("info", "--index", str(idx), "--json").stdout)
    assert info["kind"] == "full" and info["documents"] == 1 and len(info["imports"]) == 1
    ask = run("sparql", 'ASK { GRAPH <https://example.org/g> { ?s ?p "凱特"@zh-Hant } }', "--index", str(idx),
              "--format", "json").stdout
    assert json.loads(ask)["boolean"] is True


def test_import_refuses_a_damaged_index(tmp_path):
    from regenkg.errors import IndexMismatch
    from regenkg.pipeline import import_rdf

    idx = tmp_path / "idx"
    nt = tmp_path / "a.nt"
    nt.write_text("<https://example.org/a> <https://example.org/p> <https://example.org/b> .\n", encoding="utf-8")
    import_rdf(nt, idx)
    snapshot = idx.resolve()
    damaged = next((snapshot / "graph").glob("import-*.nq"))
    damaged.write_text("tampered\n", encoding="utf-8")
    with pytest.raises(IndexMismatch, match="checksum"):
        import_rdf(nt, idx, "https://example.org/other")
    assert idx.resolve() == snapshot


# --------------------------------------------------------------------------- CLI conventions (#16)

MARKUP_ARTICLE = """---
title: "Pipeline notes [draft] [/]"
---
GSK [sic] develops TCR-T cell therapies [/] for solid tumours [see ref].
"""


@pytest.fixture(scope="module")
def markup_index(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """An index built through ``$REGENKG_INDEX`` (no --index) from an article full of Rich-markup look-alikes."""
    base = tmp_path_factory.mktemp("markup")
    (base / "in").mkdir()
    (base / "in" / "notes.md").write_text(MARKUP_ARTICLE, encoding="utf-8")
    idx = base / "idx"
    env = dict(os.environ, PYTHONIOENCODING="utf-8", REGENKG_INDEX=str(idx))
    built = subprocess.run([*REGENKG, "build", str(base / "in")], capture_output=True, text=True, env=env,
                           timeout=600)
    assert built.returncode == 0, built.stderr
    return idx, built


def test_index_from_environment_and_quiet_libraries(markup_index):
    idx, built = markup_index
    assert idx.is_dir() and str(idx) in built.stdout
    assert "DEBUG" not in built.stderr, built.stderr  # bm25s logs at DEBUG on its own
    env = dict(os.environ, PYTHONIOENCODING="utf-8", REGENKG_INDEX=str(idx))
    info = subprocess.run([*REGENKG, "info", "--json"], capture_output=True, text=True, env=env, timeout=600)
    assert info.returncode == 0 and json.loads(info.stdout)["documents"] == 1
    assert "REGENKG_INDEX" in run("ask", "--help").stdout


def test_markup_in_article_text_is_printed_verbatim(markup_index):
    idx = str(markup_index[0])
    for args in (("search", "GSK TCR-T solid tumours"), ("entity", "GSK"), ("ask", "who develops TCR-T")):
        proc = run(*args, "--index", idx)
        assert "Traceback" not in proc.stderr
        text = " ".join(proc.stdout.split())
        assert "[sic]" in text and "[/]" in text, (args, proc.stdout)
    assert "[draft]" in " ".join(run("search", "GSK TCR-T", "--index", idx).stdout.split())


def test_output_formats(seed_index):
    import csv
    import io

    from regenkg.console import ANSWER_COLUMNS, ENTITY_COLUMNS, HIT_COLUMNS

    idx = str(seed_index)
    lines = run("ask", "who develops TCR-T", "--index", idx, "--format", "ndjson").stdout.splitlines()
    answers = [json.loads(line) for line in lines]
    assert len(answers) == 5 and all(a["evidence"] and isinstance(a["evidence"][0]["sentence"], str)
                                     for a in answers)
    rows = list(csv.DictReader(io.StringIO(run("ask", "who develops TCR-T", "--index", idx, "--format",
                                               "csv").stdout)))
    assert tuple(rows[0]) == ANSWER_COLUMNS
    assert {r["iri"] for r in rows} == {a["iri"] for a in answers}
    assert len(rows) == sum(len(a["evidence"]) for a in answers)
    assert all(int(r["sentence"]) > 0 and r["text"] for r in rows)

    hits = list(csv.DictReader(io.StringIO(run("search", "TCR-T", "--k", "4", "--index", idx, "--format",
                                               "csv").stdout)))
    assert len(hits) == 4 and tuple(hits[0]) == HIT_COLUMNS
    as_json = json.loads(run("search", "TCR-T", "--k", "4", "--index", idx, "--format", "json").stdout)
    assert [h["sentence"] for h in as_json["hits"]] == [h["sentence"] for h in hits]
    assert all(isinstance(h["sentence"], str) for h in as_json["hits"])
    ndjson = run("search", "TCR-T", "--k", "4", "--index", idx, "--format", "ndjson").stdout.splitlines()
    assert [json.loads(line)["sentence"] for line in ndjson] == [h["sentence"] for h in hits]

    rels = [json.loads(line) for line in run("entity", "AstraZeneca", "--index", idx, "--format",
                                             "ndjson").stdout.splitlines()]
    ent_rows = list(csv.DictReader(io.StringIO(run("entity", "AstraZeneca", "--index", idx, "--format",
                                                   "csv").stdout)))
    assert rels and tuple(ent_rows[0]) == ENTITY_COLUMNS
    assert {r["other"] for r in ent_rows} == {r["other"] for r in rels}
    assert all(isinstance(e["sentence"], str) for r in rels for e in r["evidence"])


@pytest.mark.parametrize("args,code", [
    (["ask", ""], 2),
    (["ask", "   "], 2),
    (["search", ""], 2),
    (["entity", ""], 2),
    (["sparql"], 2),
    (["ask", "who develops TCR-T", "--format", "yaml"], 2),
    (["search", "TCR-T", "--json", "--format", "csv"], 2),
    (["ask", "what is the weather", "--format", "json"], 1),
    (["search", "TCR-T", "--lang", "xx"], 2),
    (["entity", "no such thing at all 9q"], 1),
    (["sparql", "SELEC * {}"], 1),
])
def test_exit_codes(seed_index, args, code):
    proc = run(*args, "--index", str(seed_index), check=False)
    assert proc.returncode == code, (args, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and proc.stderr.strip()


def test_interrupt_exits_130(seed_index, monkeypatch):
    from click.testing import CliRunner

    from regenkg import kb
    from regenkg.cli import EXIT_INTERRUPTED, main

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(kb.KnowledgeBase, "open", interrupted)
    result = CliRunner().invoke(main, ["ask", "who develops TCR-T", "--index", str(seed_index)])
    assert result.exit_code == EXIT_INTERRUPTED == 130 and "interrupted" in result.output


def test_sparql_from_stdin_and_export_to_stdout(seed_index, tmp_path):
    idx = str(seed_index)
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    piped = subprocess.run([*REGENKG, "sparql", "-", "--index", idx, "--format", "csv"], input=query,
                           capture_output=True, text=True, env=env, timeout=600)
    assert piped.returncode == 0, piped.stderr
    (tmp_path / "q.rq").write_text(query, encoding="utf-8")
    with (tmp_path / "q.rq").open() as fh:
        from_file = subprocess.run([*REGENKG, "sparql", "--file", "-", "--index", idx, "--format", "csv"],
                                   stdin=fh, capture_output=True, text=True, env=env, timeout=600)
    assert piped.stdout == from_file.stdout == run("sparql", query, "--index", idx, "--format", "csv").stdout

    out = subprocess.run([*REGENKG, "export", "--index", idx, "--format", "nq", "-o", "-"], capture_output=True,
                         env=env, timeout=600)
    assert out.returncode == 0 and not (Path.cwd() / "-").exists()
    quads = out.stdout.decode().splitlines()
    assert f"wrote {len(quads)} quads to stdout" in out.stderr.decode()
    assert all(line.endswith(" .") for line in quads)


def test_export_honours_the_umask(seed_index, tmp_path):
    target = tmp_path / "facts.csv"
    proc = subprocess.run([*REGENKG, "export", "--index", str(seed_index), "--format", "csv", "-o", str(target)],
                          capture_output=True, text=True, timeout=600, preexec_fn=lambda: os.umask(0o027))
    assert proc.returncode == 0, proc.stderr
    assert target.stat().st_mode & 0o777 == 0o640


def test_completion_script_completes_commands():
    script = run("completion", "bash").stdout
    assert "_REGENKG_COMPLETE=bash_complete" in script
    env = dict(os.environ, _REGENKG_COMPLETE="bash_complete", COMP_WORDS="regenkg as", COMP_CWORD="1")
    proc = subprocess.run([*REGENKG], capture_output=True, text=True, env=env, timeout=120)
    assert "plain,ask" in proc.stdout.split()  # click's bash protocol: type,value per line
    assert run("completion", "zsh").stdout.strip() and run("completion", "fish").stdout.strip()


def test_progress_bar_shows_time_left():
    import io

    from rich.console import Console

    from regenkg.progress import rich_progress

    sink = io.StringIO()
    with rich_progress(Console(file=sink, force_terminal=True, width=120)) as prog:
        task = prog.add_task("embed", total=100)
        prog.update(task, completed=40)
        prog.refresh()
    drawn = sink.getvalue()
    assert "ETA" in drawn and "40/100" in drawn


def test_one_triple_count_everywhere(tmp_path):
    """info, /health, COUNT(*), and exports agree: triples = the merged default graph, quads = named graphs."""
    from starlette.testclient import TestClient

    from regenkg.server import create_app

    idx = tmp_path / "idx"
    shared = "<https://example.org/kite> <https://example.org/develops> <https://example.org/car-t> .\n"
    (tmp_path / "a.nt").write_text(shared + '<https://example.org/kite> <https://example.org/p> "a" .\n',
                                   encoding="utf-8")
    (tmp_path / "b.nt").write_text(shared, encoding="utf-8")  # the same fact in a second graph
    run("import", str(tmp_path / "a.nt"), "--index", str(idx), "--graph", "https://example.org/a")
    run("import", str(tmp_path / "b.nt"), "--index", str(idx), "--graph", "https://example.org/b")
    info = json.loads(run("info", "--index", str(idx), "--json").stdout)
    assert (info["triples"], info["quads"]) == (2, 3)
    count = run("sparql", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "--index", str(idx), "--format", "csv").stdout
    assert int(count.splitlines()[1]) == info["triples"]
    assert f"wrote {info['triples']} triples" in run("export", "--index", str(idx), "--format", "ttl", "-o",
                                                      str(tmp_path / "g.ttl")).stdout
    assert f"wrote {info['quads']} quads" in run("export", "--index", str(idx), "--format", "nq", "-o",
                                                  str(tmp_path / "g.nq")).stdout
    with TestClient(create_app(idx, timeout=5)) as client:
        assert client.get("/health").json()["triples"] == info["triples"]
    assert "quads" in run("info", "--index", str(idx)).stdout
