"""The gazetteer of a snapshot, parsed from its ontology graph once and then read from the user cache.

Parsing ``graph/base.nq`` with rdflib and walking it costs ~1.4 s at every start of a query process.
The gazetteer's fields (entities, hierarchy, …) are pickled into a private folder,
``cache_dir()/gazetteer/<key>.pickle``, where the key hashes the N-Quads file, the source of
:mod:`regenkg.graph.ontology` (so a change in how the gazetteer is derived invalidates the cache) and
the Python version. The rdflib graph itself is not cached: it is parsed again only if someone asks
for ``gazetteer.graph``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..config import cache_dir
from ..text.tokens import _private_dir
from . import ontology
from .ontology import Gazetteer

__all__ = ["Gazetteer", "load_gazetteer"]

logger = logging.getLogger(__name__)

_FORMAT = 1


class _CachedGazetteer(Gazetteer):
    """A :class:`Gazetteer` read from the cache; ``graph`` is parsed from the snapshot on first use."""

    _base: Path

    @property
    def graph(self) -> Any:
        if "_graph" not in self.__dict__:
            from .store import read_graph

            self.__dict__["_graph"] = read_graph(self._base)
        return self.__dict__["_graph"]

    @graph.setter
    def graph(self, value: Any) -> None:
        self.__dict__["_graph"] = value


def _key(base_graph: Path) -> str:
    digest = hashlib.sha256(f"{_FORMAT}\0{sys.version_info[:2]}\0".encode())
    digest.update(Path(ontology.__file__).read_bytes())
    digest.update(base_graph.read_bytes())
    return digest.hexdigest()[:32]


def _fields(gaz: Gazetteer) -> dict[str, Any]:
    return {f.name: getattr(gaz, f.name) for f in dataclasses.fields(gaz) if f.name != "graph"}


def _restore(fields: dict[str, Any], base_graph: Path) -> Gazetteer:
    gaz = _CachedGazetteer.__new__(_CachedGazetteer)
    gaz.__dict__.update(fields)
    gaz._base = base_graph
    return gaz


def load_gazetteer(base_graph: Path, cache: Path | None = None) -> Gazetteer:
    """The gazetteer of the ontology graph ``base_graph`` (a snapshot's ``graph/base.nq``).

    Args:
        base_graph: the N-Quads file the snapshot was built with.
        cache: folder for the pickles; defaults to ``cache_dir()/gazetteer``.
    """
    from .store import read_graph

    folder = _private_dir(Path(cache) if cache is not None else cache_dir() / "gazetteer")
    path = folder / f"{_key(base_graph)}.pickle"
    try:
        with path.open("rb") as fh:
            fields = pickle.load(fh)
        return _restore(fields, base_graph)
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - a damaged cache file is rebuilt, never trusted
        logger.warning("ignoring unreadable gazetteer cache %s (%s)", path, exc)
    graph = read_graph(base_graph)
    gaz = Gazetteer.from_graph(graph)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".gazetteer-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(_fields(gaz), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return gaz
