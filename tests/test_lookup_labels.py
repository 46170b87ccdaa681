"""GraphLookup.labels: read once per IRI from the store, the same answer as a direct query, copies out."""

from __future__ import annotations

import pyoxigraph as ox
from conftest import CountingStore

from regenkg.query.lookup import GraphLookup

SKOS = "http://www.w3.org/2004/02/skos/core#prefLabel"


def _store() -> ox.Store:
    store = ox.Store()
    label = ox.NamedNode(SKOS)
    for iri, values in {"https://x.org/a": [("Alpha", "en"), ("阿爾法", "zh-Hant"), ("Alfa", "en")],
                        "https://x.org/b": [("Beta", None)]}.items():
        for text, lang in values:
            literal = ox.Literal(text, language=lang) if lang else ox.Literal(text)
            store.add(ox.Quad(ox.NamedNode(iri), label, literal))
    return store


def test_labels_are_read_once_and_returned_as_copies() -> None:
    counting = CountingStore(_store())
    lookup = GraphLookup(counting, gazetteer=None, evidence=None)  # type: ignore[arg-type]
    asked = ["https://x.org/b", "https://x.org/none", "https://x.org/a", "https://x.org/b"]
    first = lookup.labels(asked)
    assert list(first) == ["https://x.org/b", "https://x.org/a"]  # asked order, unknown IRIs left out
    assert first["https://x.org/b"] == {"en": "Beta"}
    assert first["https://x.org/a"]["zh-Hant"] == "阿爾法"
    assert first["https://x.org/a"]["en"] in ("Alpha", "Alfa")  # one per language
    first["https://x.org/a"]["en"] = "changed by a caller"
    again = lookup.labels(["https://x.org/a", "https://x.org/none"])
    assert again["https://x.org/a"] != first["https://x.org/a"]
    assert counting.queries == 1  # the second call, unknown IRI included, came from the cache
    assert lookup.labels([]) == {}
