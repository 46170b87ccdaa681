"""Shared fixtures: paths to shipped data, and indexes built once per session with the real model."""

from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests draw the same examples on every machine, so `make test` passes or fails alike everywhere;
# a failure prints the blob that reproduces it. HYPOTHESIS_PROFILE=explore draws new examples on each run.
hypothesis_settings.register_profile("repeatable", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("explore", derandomize=False, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SEED_ARTICLE = SEEDS / "000_5f1ba68eed5f7bda.txt"
ENCODINGS = DATA / "encodings"
# Articles about companies the gazetteer does not know: three for a base index, one to add later.
UNSEEN = DATA / "unseen"
UNSEEN_BASE = ("u1_halvard-corvine.md", "u2_meridian-tessaly.md", "u3_ruifeng-anze.md")
UNSEEN_EXTRA = "u4_lanyu-qiheng.md"


def require_shared(sub: str = "") -> Path:
    path = SHARED / sub
    if not path.exists():
        pytest.skip(f"../shared/{sub} not present (a user's clone has no ../shared)")
    return path


def encoding_samples():
    """tests/data/encodings/make_samples.py as a module (the texts the encoded sample files hold)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_samples", ENCODINGS / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def settings():
    from regenkg.config import Settings

    return Settings.load(threads=2)


@pytest.fixture(scope="session")
def seed_dir(tmp_path_factory) -> Path:
    src = require_shared("seeds")
    out = tmp_path_factory.mktemp("seedcorpus")
    for f in src.glob("*.txt"):
        shutil.copy(f, out / f.name)
    return out


@pytest.fixture(scope="session")
def seed_index(seed_dir, tmp_path_factory, settings) -> Path:
    from regenkg.pipeline import build_index

    index = tmp_path_factory.mktemp("idx") / "seed"
    build_index([seed_dir], index, settings)
    return index


@pytest.fixture(scope="session")
def seed_kb(seed_index, settings):
    from regenkg.kb import KnowledgeBase

    kb = KnowledgeBase.open(seed_index, settings)
    yield kb
    kb.close()


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory, settings) -> Path:
    from regenkg.pipeline import build_index

    index = tmp_path_factory.mktemp("idx") / "corpus"
    build_index([CORPUS], index, settings)
    return index


@pytest.fixture(scope="session")
def corpus_kb(corpus_index, settings):
    from regenkg.kb import KnowledgeBase

    kb = KnowledgeBase.open(corpus_index, settings)
    yield kb
    kb.close()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class RunningServer:
    url: str
    proc: subprocess.Popen


@contextmanager
def running_server(args: list[str], *, wait: float = 120.0) -> Iterator[RunningServer]:
    """Start ``python <args> --port N`` (regenkg.server or regenkg.cli serve), wait for /health, yield it."""
    import httpx

    port = free_port()
    proc = subprocess.Popen([sys.executable, *args, "--port", str(port)], env=dict(os.environ))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"server {' '.join(args)} did not start")
            time.sleep(0.2)
        yield RunningServer(base, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


class Canary(http.server.BaseHTTPRequestHandler):
    """A loopback HTTP listener that records every request: any hit means the endpoint fetched a URL."""

    hits: list[str] = []  # noqa: RUF012 - shared by every handler instance on purpose

    def _record(self) -> None:
        Canary.hits.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"LEAK"}}]}}')

    do_GET = do_POST = do_HEAD = _record

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def canary() -> Iterator[int]:
    """The port of a running :class:`Canary` (one per test module)."""
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Canary)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv.server_port
    srv.shutdown()


def extract_texts(extractor: Any, *texts: str, lang: str = "en") -> tuple[set[tuple[str, str, str]], Any, Any]:
    """Run ``extractor`` over ``texts`` as one document's sentences: the facts as (subject, predicate, object)
    labels, the extraction, and the label function (discovered names first, then the gazetteer's)."""
    from regenkg.records import Sentence

    sents, pos = [], 0
    for i, t in enumerate(texts):
        sents.append(Sentence(i, "doc", i, pos, pos + len(t), lang, t))
        pos += len(t) + 1
    ex = extractor.extract(sents)
    label = _labeller(extractor, ex, english_first=False)
    facts = {(label(r.subject), r.predicate, label(r.object)) for r in ex.relations}
    return facts, ex, label


def _labeller(extractor: Any, ex: Any, english_first: bool) -> Any:
    """An IRI's label: the discovered entity's, else the gazetteer's (English first, or the first one)."""
    names = {e.iri: e for e in ex.entities}
    for e in extractor.gazetteer.entities.values():
        names.setdefault(e.iri, e)

    def label(iri: str) -> str:
        ent = names.get(iri)
        if ent is None or not ent.labels:
            return iri.rsplit("/", 1)[-1]
        return (ent.labels.get("en") if english_first else None) or next(iter(ent.labels.values()))

    return label



def extract_with_deals(extractor: Any, *texts: str, lang: str | None = None) -> tuple[Any, Any, Any]:
    """Run ``extractor`` over ``texts`` (one document, one sentence each; ``lang`` or each text's script):
    the facts as (subject, predicate, object) labels (English first), the deals as (kind, status, sorted
    (role, label) parties), and the extraction."""
    from regenkg.records import Sentence
    from regenkg.text.lang import script_of

    sents = [Sentence(i, "doc", i, 0, len(t), lang or script_of(t), t) for i, t in enumerate(texts)]
    ex = extractor.extract(sents)
    label = _labeller(extractor, ex, english_first=True)
    facts = {(label(r.subject), r.predicate, label(r.object)) for r in ex.relations}
    deals = {(d.kind, d.status, tuple(sorted((role, label(i)) for role, i in d.parties))) for d in ex.deals}
    return facts, deals, ex

def relation_pairs(extractor: Any, predicate: str, *texts: str) -> set[tuple[str, str]]:
    """The (subject, object) labels of ``predicate``'s facts that :func:`extract_with_deals` gives ``texts``."""
    facts, _, _ = extract_with_deals(extractor, *texts)
    return {(s, o) for s, p, o in facts if p == predicate}


class CountingStore:
    """A pyoxigraph store wrapper that counts the SPARQL queries it answers (for cache tests)."""

    def __init__(self, store: Any) -> None:
        self.store, self.queries = store, 0

    def query(self, query: str) -> Any:
        self.queries += 1
        return self.store.query(query)

    def quads_for_pattern(self, *args: Any) -> Any:
        return self.store.quads_for_pattern(*args)
