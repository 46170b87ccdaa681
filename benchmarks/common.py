"""Helpers the benchmark scripts share: ports, the `oxigraph` binary and its server, result files."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def free_port() -> int:
    """A free loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_binary() -> Path | None:
    """The Rust `oxigraph` server from the PyPI package `oxigraph` (beside this Python, or on PATH)."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.exists():
        return beside
    found = shutil.which("oxigraph")
    return Path(found) if found else None


@contextmanager
def oxigraph_server(binary: Path, location: Path, *, read_only: bool = False,
                    union_default_graph: bool = False) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run ``oxigraph serve`` (or ``serve-read-only``) on a free port; yields its base URL and process."""
    port = free_port()
    command = [str(binary), "serve-read-only" if read_only else "serve", "--location", str(location),
               "--bind", f"127.0.0.1:{port}"]
    if union_default_graph:
        command.append("--union-default-graph")
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"oxigraph {command[1]} did not start on {base}") from None
                time.sleep(0.1)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


def write_results(path: Path, result: dict[str, Any], *, echo: bool = False) -> None:
    """Write a benchmark's JSON result (and print it when ``echo``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    if echo:
        print(text)


def article_sentences(paths: Any) -> tuple[list[Any], dict[str, list[Any]]]:
    """The documents of ``paths`` (ingested as `regenkg build` does) and each document's sentences by id."""
    from collections import defaultdict

    from regenkg.text.ingest import ingest
    from regenkg.text.segment import segment

    docs = ingest(paths).documents
    by_doc: dict[str, list[Any]] = defaultdict(list)
    for s in segment(docs):
        by_doc[s.doc_id].append(s)
    return docs, by_doc


def surface_keys(gold: Any) -> Any:
    """A function from surface strings to the gold `names`/`terms` keys they can stand for (scorer folding)."""
    from regenkg.evaluate.gold import fold

    surfaces = gold.surface_index()

    def keys(names: set[str]) -> set[str]:
        out: set[str] = set()
        for n in names:
            out |= surfaces.get(fold(n), set())
        return out

    return keys
