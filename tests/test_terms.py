"""The vocabulary module: closed ontology namespace, IRI shapes parsed back, one language-tag normaliser."""

from __future__ import annotations

import pytest

from regenkg.graph import terms
from regenkg.graph.terms import RKG, label_lang, local_name, sentence_id, sentence_iri, sparql_prefixes, term_name


def test_a_typo_in_an_ontology_term_is_an_error():
    assert str(RKG.acquired) == "https://w3id.org/regenkg/ontology#acquired"
    with pytest.raises(AttributeError):
        RKG.aquired  # noqa: B018


def test_the_deal_vocabulary_is_there():
    for name in ("Deal", "dealKind", "status", "Acquisition", "Licence", "Rumoured", "acquirer", "amountKind"):
        assert str(getattr(RKG, name)).endswith("#" + name)


@pytest.mark.parametrize("sid", [0, 42, 2**63 - 1])
def test_sentence_ids_round_trip(sid):
    assert sentence_id(sentence_iri(sid)) == sid


@pytest.mark.parametrize("iri", ["https://w3id.org/regenkg/id/company/gsk", "https://w3id.org/regenkg/id/sentence/",
                                 "https://w3id.org/regenkg/id/sentence/12a", "not an iri"])
def test_other_iris_have_no_sentence_id(iri):
    assert sentence_id(iri) is None


def test_local_and_term_names():
    assert local_name("https://w3id.org/regenkg/ontology#develops") == "develops"
    assert local_name("https://w3id.org/regenkg/id/doc/abc") == "abc"
    assert term_name(RKG.develops) == "develops"
    assert term_name("http://example.org/ns#knows") == "http://example.org/ns#knows"


@pytest.mark.parametrize(("tag", "key"), [(None, "en"), ("", "en"), ("en", "en"), ("zh-hant", "zh-Hant"),
                                          ("zh-TW", "zh-Hant"), ("zh-Hans", "zh-Hans"), ("zh-cn", "zh-Hans"),
                                          ("zh", "zh-Hans"), ("fr", "fr")])
def test_one_language_tag_normaliser(tag, key):
    assert label_lang(tag) == key


def test_prefixes_are_built_from_the_namespaces():
    for prefix, ns in terms.NAMESPACES.items():
        assert f"PREFIX {prefix}: <{ns}>\n" in terms.PREFIXES
    assert sparql_prefixes("rkg") == f"PREFIX rkg: <{RKG._NS}>\n"
