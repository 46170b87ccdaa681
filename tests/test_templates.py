"""The SPARQL templates of questions that are not one relation between two ends (query/templates.py)."""

from __future__ import annotations

import pyoxigraph

from regenkg.query.compose import PREFIXES, values
from regenkg.query.templates import TEMPLATES

RKG = "https://w3id.org/regenkg/ontology#"
ID = "https://w3id.org/regenkg/id/"
CDMO = ID + "segment/cdmo"


def _store() -> pyoxigraph.Store:
    """A CDMO-class company and a biotech, each named in a sentence, with no operatesIn fact stated."""
    store = pyoxigraph.Store()
    ttl = f"""@prefix rkg: <{RKG}> .
<{ID}company/harbourline> a rkg:CDMO .
<{ID}company/quillfern> a rkg:Biotech .
<{ID}sentence/1> rkg:mentions <{ID}company/harbourline> .
<{ID}sentence/2> rkg:mentions <{ID}company/quillfern> .
"""
    store.load(ttl.encode(), pyoxigraph.RdfFormat.TURTLE)
    return store


def _answers(store: pyoxigraph.Store, target: str) -> set[str]:
    sparql = PREFIXES + TEMPLATES["companies_in"] % {"values": values("target", [target]), "country": ""}
    return {row["answer"].value for row in store.query(sparql)}


def test_companies_in_cdmo_segment_includes_cdmo_class_companies():
    # The CDMO-class branch binds ?target itself; unbound, its FILTER was never true.
    assert _answers(_store(), CDMO) == {ID + "company/harbourline"}


def test_companies_in_other_segment_does_not_add_cdmos():
    assert _answers(_store(), ID + "modality/car-t") == set()
