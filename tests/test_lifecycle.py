"""The index lifecycle (issues 14 and 17): readers lease snapshots, one writer at a time, verify before
publish, ingest policy (symlinks, limits, YAML aliases) and RDF imports.

The cheap parts run on graph-only indexes made with ``import_rdf`` (no model); the rest on real builds
and real ``regenkg`` processes: two concurrent ``add``s, and a server answering through three ``add``s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import UNSEEN, UNSEEN_BASE, UNSEEN_EXTRA, free_port

from regenkg.config import Settings
from regenkg.errors import IndexBusy, IndexMismatch, IngestError
from regenkg.index.lease import Lease, SnapshotFollower, is_leased, writer_lock
from regenkg.index.store import MANIFEST, resolve_snapshot
from regenkg.kb import KnowledgeBase
from regenkg.text.ingest import IngestPolicy, ingest

REGENKG = [sys.executable, "-m", "regenkg.cli"]
ROOT = Path(__file__).resolve().parents[1]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGENKG_")}
    env.update(PYTHONIOENCODING="utf-8", OMP_NUM_THREADS="1", REGENKG_THREADS="1", HF_HUB_OFFLINE="1",
               TOKENIZERS_PARALLELISM="false", PYTHONPATH=os.pathsep.join([str(ROOT / "src"),
                                                                           os.environ.get("PYTHONPATH", "")]))
    env.update(extra)
    return env


def _waiting_line(proc: subprocess.Popen) -> str:
    """The line in which a writer says it waits for another (read from its stderr as it comes)."""
    seen = []
    for line in iter(proc.stderr.readline, ""):
        seen.append(line)
        if "waiting" in line:
            return line
    return "".join(seen)


def _ttl(path: Path, n: int) -> Path:
    path.write_text("".join(f"<https://example.org/s{n}-{i}> <https://example.org/p> \"v{i}\" .\n"
                            for i in range(3)), encoding="utf-8")
    return path


def _snapshots(index: Path) -> list[Path]:
    return sorted(p for p in (index.parent / f".{index.name}.snapshots").iterdir() if p.is_dir())


def _count(kb: KnowledgeBase, graph: str = "?g") -> int:
    row = next(iter(kb.store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH {graph} {{ ?s ?p ?o }} }}")))
    return int(row["n"].value)


def _objects(kb: KnowledgeBase, graph: str, var: str = "o") -> set[str]:
    return {row[var].value for row in kb.store.query(f"SELECT ?s ?o {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")}


def _import(index: Path, tmp: Path, n: int) -> Path:
    from regenkg.pipeline import import_rdf

    import_rdf(_ttl(tmp / f"data{n}.ttl", n), index)
    return resolve_snapshot(index)


# ---------------------------------------------------------------------------------------------- leases
def test_a_leased_snapshot_survives_later_publishes_and_goes_once_released(tmp_path):
    index = tmp_path / "idx"
    first = _import(index, tmp_path, 0)
    kb = KnowledgeBase.open(index)
    assert kb.snapshot == first and is_leased(first)
    for n in range(1, 5):
        _import(index, tmp_path, n)
    assert first.is_dir() and (first / MANIFEST).is_file()  # older than KEEP_SNAPSHOTS, but leased
    assert _count(kb) == 3  # its own data: the first import only
    kb.close()
    assert not is_leased(first)
    last = _import(index, tmp_path, 5)
    assert not first.exists()
    assert resolve_snapshot(index) == last and len(_snapshots(index)) == 2


def test_a_lease_held_by_another_process_is_respected_and_dies_with_it(tmp_path):
    index = tmp_path / "idx"
    first = _import(index, tmp_path, 0)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from regenkg.index.lease import Lease; "
         f"lease = Lease.acquire({str(index)!r}); print(lease.snapshot, flush=True); time.sleep(600)"],
        env=_env(), stdout=subprocess.PIPE, text=True)
    try:
        assert Path(holder.stdout.readline().strip()) == first
        for n in range(1, 4):
            _import(index, tmp_path, n)
        assert first.is_dir() and is_leased(first)
    finally:
        holder.kill()
        holder.wait(30)
    assert not is_leased(first)  # the kernel dropped the lock with the process
    _import(index, tmp_path, 4)
    assert not first.exists()


def test_lease_acquire_reads_the_link_again_when_its_target_vanished(tmp_path):
    index = tmp_path / "idx"
    _import(index, tmp_path, 0)
    second = _import(index, tmp_path, 1)
    with Lease.acquire(index) as lease:
        assert lease.snapshot == second and lease.held
    assert not lease.held and not is_leased(second)


def test_follower_switches_between_uses_and_frees_the_old_one_after_its_last(tmp_path):
    index = tmp_path / "idx"
    first = _import(index, tmp_path, 0)
    opened: list[Path] = []
    closed: list[Path] = []
    follower: SnapshotFollower[Path] = SnapshotFollower(index, lambda snap, prev: opened.append(snap) or snap,
                                                         closed.append)
    try:
        with follower.use() as (snap, value):  # a request in flight on the first snapshot
            second = _import(index, tmp_path, 1)
            assert follower.refresh()
            assert snap == value == first and first.is_dir() and is_leased(first)
            with follower.use() as (snap2, _):  # a request that starts now gets the new one
                assert snap2 == second
            assert closed == []  # the first is still in use
        assert closed == [first] and not is_leased(first) and is_leased(second)
        assert opened == [first, second]
        assert not follower.poll()  # nothing moved
    finally:
        follower.close()
    assert closed == [first, second] and not is_leased(second)


def test_follower_keeps_serving_when_the_new_snapshot_cannot_be_opened(tmp_path):
    index = tmp_path / "idx"
    first = _import(index, tmp_path, 0)

    def open_(snap: Path, prev: Path | None) -> Path:
        if prev is not None:
            raise IndexMismatch("broken on purpose")
        return snap

    follower = SnapshotFollower(index, open_)
    try:
        _import(index, tmp_path, 1)
        assert not follower.refresh()
        assert follower.snapshot == first and "broken on purpose" in (follower.last_error or "")
    finally:
        follower.close()


# ---------------------------------------------------------------------------------------------- one writer
def test_second_writer_is_refused_naming_the_first_or_waits_for_it(tmp_path):
    index = tmp_path / "idx"
    _import(index, tmp_path, 0)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from regenkg.index.lease import writer_lock\n"
         f"with writer_lock({str(index)!r}):\n    print('locked', flush=True); sys.stdin.readline()"],
        env=_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        ttl = _ttl(tmp_path / "more.ttl", 9)
        refused = subprocess.run([*REGENKG, "import", str(ttl), "--index", str(index), "--no-wait"],
                                 env=_env(), capture_output=True, text=True, timeout=120)
        assert refused.returncode != 0 and "Traceback" not in refused.stderr
        assert f"being written by pid {holder.pid}" in refused.stderr
        with pytest.raises(IndexBusy, match=f"pid {holder.pid}"):
            with writer_lock(index, wait=0):
                pass
        waiting = subprocess.Popen([*REGENKG, "import", str(ttl), "--index", str(index)], env=_env(),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # It announces that it waits (and for whom), then it waits: nothing is published meanwhile.
        line = _waiting_line(waiting)
        assert f"pid {holder.pid}" in line, line
        assert waiting.poll() is None and len(json.loads((resolve_snapshot(index) / MANIFEST).read_text())[
            "imports"]) == 1
        holder.stdin.write("\n")
        holder.stdin.flush()
        out, err = waiting.communicate(timeout=120)
        assert waiting.returncode == 0, err
        assert "imported 3 triples" in out
        assert len(json.loads((resolve_snapshot(index) / MANIFEST).read_text())["imports"]) == 2
    finally:
        holder.kill()
        holder.wait(30)


def test_a_writer_that_times_out_names_the_other_writer(tmp_path):
    index = tmp_path / "idx"
    with writer_lock(index):
        result = subprocess.run([*REGENKG, "import", str(_ttl(tmp_path / "a.ttl", 1)), "--index", str(index),
                                 "--wait-timeout", "0.5"], env=_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and f"pid {os.getpid()}" in result.stderr and "after 0.5 s" in result.stderr
    assert not index.exists()


def test_the_writer_lock_is_free_after_a_writer_is_killed(tmp_path):
    index = tmp_path / "idx"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import time; from regenkg.index.lease import writer_lock\n"
         f"with writer_lock({str(index)!r}):\n    print('locked', flush=True); time.sleep(600)"],
        env=_env(), stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    holder.kill()
    holder.wait(30)
    with writer_lock(index, wait=0):
        pass


# ---------------------------------------------------------------------------------------------- imports
RDF_XML = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">
  <rdf:Description rdf:about="https://example.org/kite"><ex:develops rdf:resource="https://example.org/car-t"/>
    <ex:name xml:lang="zh-Hant">凱特</ex:name></rdf:Description>
</rdf:RDF>
"""
JSON_LD = json.dumps({"@context": {"ex": "https://example.org/"}, "@id": "ex:kite",
                      "ex:develops": {"@id": "ex:tcr-t"}, "ex:name": {"@value": "凯特", "@language": "zh-Hans"}})


@pytest.mark.parametrize(("name", "text", "label"), [("kite.rdf", RDF_XML, '"凱特"@zh-Hant'),
                                                      ("kite.jsonld", JSON_LD, '"凯特"@zh-Hans')])
def test_rdf_xml_and_json_ld_are_imported(tmp_path, name, text, label):
    from regenkg.pipeline import import_rdf

    index = tmp_path / "idx"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    iri, n = import_rdf(path, index)
    assert n == 2
    with KnowledgeBase.open(index) as kb:
        assert label.split('"')[1] in _objects(kb, iri)


def test_bad_rdf_xml_is_refused_naming_the_file(tmp_path):
    from regenkg.errors import ConfigError
    from regenkg.pipeline import import_rdf

    path = tmp_path / "broken.rdf"
    path.write_text("<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><oops", encoding="utf-8")
    with pytest.raises(ConfigError, match="broken.rdf"):
        import_rdf(path, tmp_path / "idx")
    assert not (tmp_path / "idx").exists()


def test_two_different_files_of_one_name_do_not_merge_and_a_reimport_replaces(tmp_path):
    from regenkg.pipeline import import_rdf

    index = tmp_path / "idx"
    a, b = tmp_path / "a" / "data.ttl", tmp_path / "b" / "data.ttl"
    a.parent.mkdir()
    b.parent.mkdir()
    _ttl(a, 1)
    _ttl(b, 2)
    iri_a, _ = import_rdf(a, index)
    iri_b, _ = import_rdf(b, index)
    assert iri_a != iri_b and "data.ttl" in iri_a
    again, _ = import_rdf(a, index)
    assert again == iri_a
    manifest = json.loads((resolve_snapshot(index) / MANIFEST).read_text())
    assert sorted(imp["graph"] for imp in manifest["imports"]) == sorted([iri_a, iri_b])
    assert manifest["counts"]["triples"] == 6
    with KnowledgeBase.open(index) as kb:
        for iri, n in ((iri_a, 1), (iri_b, 2)):
            assert _objects(kb, iri, "s") == {f"https://example.org/s{n}-{i}" for i in range(3)}


# ---------------------------------------------------------------------------------------------- ingest policy
def test_symlinks_out_of_the_input_folder_are_not_followed(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("SECRET-TOKEN-42 should never be indexed.\n", encoding="utf-8")
    (folder / "a.txt").write_text("Stem cells repair tissue in this article.\n", encoding="utf-8")
    os.symlink("/etc/passwd", folder / "passwd.txt")
    os.symlink(outside / "secret.txt", folder / "sub" / "secret.txt")
    os.symlink(outside, folder / "linked")
    os.symlink("a.txt", folder / "same.txt")  # inside the folder: followed (and a duplicate path of a.txt)
    os.symlink("missing.txt", folder / "dangling.txt")
    os.symlink("loop2.txt", folder / "loop1.txt")
    os.symlink("loop1.txt", folder / "loop2.txt")
    result = ingest([folder])
    assert [Path(d.path).name for d in result.documents] == ["a.txt"]
    assert not any("root:" in d.text or "SECRET" in d.text for d in result.documents)
    reasons = {Path(s.path).name: s.reason for s in result.skipped}
    assert "/etc/passwd leaves the input folders" in reasons["passwd.txt"]
    assert "leaves the input folders" in reasons["secret.txt"] and "leaves" in reasons["linked"]
    assert reasons["dangling.txt"].startswith("dangling symbolic link")
    assert reasons["loop1.txt"] == reasons["loop2.txt"] == "symbolic link loop"
    # A link named on the command line is judged the same way (`regenkg build in/*` names each file).
    named = ingest([folder / "passwd.txt", folder / "a.txt"])
    assert [Path(d.path).name for d in named.documents] == ["a.txt"]
    followed = ingest([folder], IngestPolicy(follow_symlinks=True))
    names = {Path(d.path).name for d in followed.documents}
    assert {"a.txt", "passwd.txt", "secret.txt"} <= names


def test_cli_build_reports_the_symlink_and_does_not_index_it(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    os.symlink("/etc/passwd", folder / "passwd.txt")
    result = subprocess.run([*REGENKG, "build", str(folder), "--index", str(tmp_path / "idx")], env=_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "passwd.txt" in result.stderr and "leaves the input folders" in result.stderr
    assert not (tmp_path / "idx").exists()


ALIAS_BOMB = ("---\ntitle: bomb\n" + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
              + "".join(f"{c}: &{c} [{','.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdef", "bcdefg"))
              + f"sources: [{','.join(['*g'] * 9)}]\n---\nGene therapy body text for the bomb file.\n")


def test_limits_and_yaml_aliases_are_reported_by_name(tmp_path):
    assert len(ALIAS_BOMB.encode()) < 400
    (tmp_path / "bomb.md").write_text(ALIAS_BOMB, encoding="utf-8")
    (tmp_path / "anchor.md").write_text("---\ntitle: &t plain anchor\n---\nAnchors alone are harmless text.\n",
                                        encoding="utf-8")
    (tmp_path / "long-title.md").write_text(f"---\ntitle: {'T' * 2000}\n---\nBody of a long title.\n",
                                            encoding="utf-8")
    for name, n in (("meta.md", 110), ("front.md", 200)):
        (tmp_path / name).write_text("---\nsources:\n" + "".join(f"  - https://e.org/{i:05d}\n" for i in range(n))
                                     + "---\nBody with many sources.\n", encoding="utf-8")
    (tmp_path / "lines.txt").write_text("short\n" + "x" * 5000 + "\n", encoding="utf-8")
    (tmp_path / "big.txt").write_text("y " * 15_000, encoding="utf-8")
    with (tmp_path / "feed.jsonl").open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"title": "T" * 3000, "text": "A line with a long title."}) + "\n")
        fh.write(json.dumps({"text": "x" * 6000}) + "\n")
        fh.write(json.dumps({"title": "fine", "text": "A good line about iPSC therapy."}) + "\n")
    policy = IngestPolicy(max_file_bytes=20_000, max_line_chars=4000, max_title_chars=1000, max_meta_chars=2000)
    result = ingest([tmp_path], policy)
    reasons = {Path(s.path).name: s.reason for s in result.skipped}
    assert "YAML aliases (*a) are not allowed" in reasons["bomb.md"]
    assert "max_title_chars" in reasons["long-title.md"] and "2,000" in reasons["long-title.md"]
    assert "metadata (date, language, sources) is 2,090 characters, over max_meta_chars" in reasons["meta.md"]
    assert "YAML front matter is" in reasons["front.md"] and "max_title_chars + max_meta_chars" in reasons["front.md"]
    assert "line 2 is 5,000 characters, over max_line_chars" in reasons["lines.txt"]
    assert "30,000 bytes, over max_file_bytes (20,000)" in reasons["big.txt"]
    assert "max_title_chars" in reasons["feed.jsonl:line 1"]
    assert "over max_line_chars" in reasons["feed.jsonl:line 2"]
    assert sorted(Path(d.path).name for d in result.documents) == ["anchor.md", "feed.jsonl:line 3"]


def test_limits_come_from_settings_and_the_environment(monkeypatch):
    monkeypatch.setenv("REGENKG_MAX_TITLE_CHARS", "77")
    monkeypatch.setenv("REGENKG_FOLLOW_SYMLINKS", "false")
    policy = IngestPolicy.from_settings(Settings.load())
    assert policy.max_title_chars == 77 and policy.follow_symlinks is False
    monkeypatch.setenv("REGENKG_FOLLOW_SYMLINKS", "1")
    assert IngestPolicy.from_settings(Settings.load()).follow_symlinks is True
    monkeypatch.setenv("REGENKG_FOLLOW_SYMLINKS", "maybe")
    from regenkg.errors import ConfigError

    with pytest.raises(ConfigError, match="follow_symlinks"):
        Settings.load()


# ---------------------------------------------------------------------------------------------- real builds
@pytest.fixture(scope="module")
def built(tmp_path_factory, settings):
    """A real index of the three base articles, and the model that built it (reused by later builds)."""
    from regenkg.pipeline import build_index

    root = tmp_path_factory.mktemp("lifecycle")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in (*UNSEEN_BASE, UNSEEN_EXTRA):
        shutil.copy(UNSEEN / name, corpus / name)
    index = root / "idx"
    build_index([corpus / n for n in UNSEEN_BASE], index, settings)
    kb = KnowledgeBase.open(index, settings)
    embedder = kb.embedder
    kb.close()
    return index, corpus, embedder


def _copy(index: Path, home: Path) -> Path:
    home.mkdir(parents=True)
    snaps = index.parent / f".{index.name}.snapshots"
    shutil.copytree(snaps, home / snaps.name, symlinks=True)
    shutil.copy2(index, home / index.name, follow_symlinks=False)
    return home / index.name


def _answers(index: Path, settings: Settings) -> list[str]:
    with KnowledgeBase.open(index, settings) as kb:
        return [h.doc for h in kb.search("CAR-T cell therapy", k=3)]


def test_bombs_leave_the_previous_index_answering(built, tmp_path, settings):
    from regenkg.pipeline import add_documents, build_index

    index = _copy(built[0], tmp_path / "home")
    before = resolve_snapshot(index)
    hits = _answers(index, settings)
    bombs = tmp_path / "bombs"
    bombs.mkdir()
    (bombs / "bomb.md").write_text(ALIAS_BOMB, encoding="utf-8")
    with (bombs / "title.jsonl").open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"title": "T" * 20_000_000, "text": "CAR-T cell therapy text under a huge title."}))
    # Ingest refuses both by name; nothing else is there, so nothing is built, nothing published.
    with pytest.raises(IngestError) as info:
        build_index([bombs], index, settings, embedder=built[2])
    assert "bomb.md" in str(info.value) and "title.jsonl:line 1" in str(info.value)
    with pytest.raises(IngestError):
        add_documents([bombs], index, settings, embedder=built[2])
    assert resolve_snapshot(index) == before and _answers(index, settings) == hits
    # With the ingest limits raised, the verification before publishing is what stops the huge title:
    # Oxigraph cannot load its line, so the new snapshot is discarded and the old one keeps answering.
    lax = settings.replace(max_line_chars=10**9, max_title_chars=10**9, max_meta_chars=10**9)
    with pytest.raises(IndexMismatch) as info:
        add_documents([bombs / "title.jsonl"], index, lax, embedder=built[2])
    message = str(info.value)
    assert "not published" in message and "Oxigraph" in message and "previous snapshot" in message
    assert resolve_snapshot(index) == before and _answers(index, settings) == hits
    assert _snapshots(index) == [before]  # the refused snapshot is gone


def test_a_snapshot_disagreeing_with_its_manifest_is_not_published(built, tmp_path, settings, monkeypatch):
    from regenkg.index import store
    from regenkg.pipeline import add_documents

    index = _copy(built[0], tmp_path / "home")
    before = resolve_snapshot(index)
    real = store.file_checksums

    def damage(root: Path) -> dict[str, str]:  # a new vectors file breaks between writing and publishing
        if root != before:
            (root / "vectors.faiss").write_bytes(b"not a faiss index")
        return real(root)

    monkeypatch.setattr(store, "file_checksums", damage)
    with pytest.raises(IndexMismatch, match="vectors vectors.faiss cannot be loaded"):
        add_documents([built[1] / UNSEEN_EXTRA], index, settings, embedder=built[2])
    assert resolve_snapshot(index) == before


def _run_add(index: Path, path: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen([*REGENKG, "add", str(path), "--index", str(index)], env=_env(**env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_concurrent_adds_both_land(built, tmp_path, settings):
    index = _copy(built[0], tmp_path / "home")
    extra = tmp_path / "x.md"
    extra.write_text("---\ntitle: X\n---\nHalvard Bio develops CAR-T cell therapy for lymphoma in Oslo.\n",
                     encoding="utf-8")
    other = tmp_path / "y.md"
    other.write_text("---\ntitle: Y\n---\nMeridian Cells licenses an iPSC platform for retinal disease.\n",
                     encoding="utf-8")
    marker, go = tmp_path / "paused", tmp_path / "go"
    # The first add holds the lock, paused inside its build until `go` exists; the others start meanwhile.
    first = _run_add(index, extra, REGENKG_BUILD_PAUSE="graph", REGENKG_BUILD_PAUSE_FILE=str(marker),
                     REGENKG_BUILD_PAUSE_UNTIL=str(go), REGENKG_BUILD_PAUSE_SECONDS="600")
    second = None
    try:
        deadline = time.monotonic() + 300
        while not marker.exists() and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.exists(), first.communicate()[1][-3000:]
        refused = subprocess.run([*REGENKG, "add", str(other), "--index", str(index), "--no-wait"], env=_env(),
                                 capture_output=True, text=True, timeout=120)
        assert refused.returncode != 0 and "Traceback" not in refused.stderr
        assert f"being written by pid {first.pid}" in refused.stderr and " add " in refused.stderr
        second = _run_add(index, other)
        line = _waiting_line(second)
        assert f"pid {first.pid}" in line and "add" in line, line  # it says whom it waits for
        go.touch()
        out1, err1 = first.communicate(timeout=600)
        out2, err2 = second.communicate(timeout=600)
    finally:
        go.touch()
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
    assert first.returncode == 0, err1[-3000:]
    assert second.returncode == 0, err2[-3000:]
    # The second built on the first's result: nothing lost.
    assert "index now has 4 documents" in out1 and "index now has 5 documents" in out2
    manifest = json.loads((resolve_snapshot(index) / MANIFEST).read_text())
    assert {Path(d["path"]).name for d in manifest["documents"]} == {*UNSEEN_BASE, "x.md", "y.md"}


def test_a_server_keeps_answering_through_three_adds(built, tmp_path, settings):
    import httpx

    index = _copy(built[0], tmp_path / "home")
    docs = []
    for i, (company, therapy) in enumerate([("Aldren Vasko", "TCR-T"), ("Briova Tensel", "AAV gene therapy"),
                                            ("Corelle Dunmar", "iPSC-derived islet cells")]):
        path = tmp_path / f"n{i}.md"
        path.write_text(f"---\ntitle: {company}\n---\n{company} Therapeutics develops {therapy} for patients. "
                        f"{company} Therapeutics raised new funding for its {therapy} programme.\n", encoding="utf-8")
        docs.append(path)
    port = free_port()
    server = subprocess.Popen([*REGENKG, "serve", "--index", str(index), "--port", str(port), "--workers", "1"],
                              env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    failures: list[str] = []
    snapshots: set[str] = set()
    counts: list[int] = []
    stop = threading.Event()

    def client() -> None:
        with httpx.Client(timeout=120) as http:
            while not stop.is_set():
                for path in ("/api/search?q=CAR-T%20cell%20therapy&k=3", "/api/entity/modality/car-nk",
                             "/health"):
                    r = http.get(base + path)
                    if r.status_code != 200:
                        failures.append(f"{path}: {r.status_code} {r.text[:200]}")
                    elif path == "/health":
                        snapshots.add(r.json()["snapshot"])
                        counts.append(r.json()["documents"])

    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(f"{base}/api/search?q=CAR-T", timeout=120).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.3)
        thread = threading.Thread(target=client, daemon=True)
        thread.start()
        for path in docs:
            add = subprocess.run([*REGENKG, "add", str(path), "--index", str(index)], env=_env(),
                                 capture_output=True, text=True, timeout=600)
            assert add.returncode == 0, add.stderr[-3000:]
        final = resolve_snapshot(index).name
        deadline = time.monotonic() + 300
        while final not in snapshots and time.monotonic() < deadline and thread.is_alive():
            time.sleep(0.3)
        stop.set()
        thread.join(300)
        assert failures == []
        assert final in snapshots and len(snapshots) >= 2
        assert counts[0] == len(UNSEEN_BASE) and counts[-1] == len(UNSEEN_BASE) + 3
        assert counts == sorted(counts)  # never back to an older snapshot
        r = httpx.get(f"{base}/api/search", params={"q": "Briova Tensel AAV gene therapy", "k": 3}, timeout=120)
        assert any("Briova" in h["text"] for h in r.json()["hits"])
        # Snapshots the server let go of are pruned by the next publish: a bounded number remains.
        assert len(_snapshots(index)) <= 3
    finally:
        stop.set()
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
