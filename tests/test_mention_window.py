"""Entity mentions count over a sentence and the one before it (issue #19, fifth pass).

The sentence that states a fact often names its subject only in the sentence before ("Its lead
candidate …"); search's mention signal reads the window of the two, and the document signal keeps
each sentence's own mentions. The articles and companies below are made up.
"""

from __future__ import annotations

from types import SimpleNamespace

from regenkg.index.store import SentenceTable
from regenkg.query.fuse import Candidates, ScoreFusion
from regenkg.query.lookup import GraphLookup
from regenkg.query.search import _previous_of
from regenkg.records import Document, Sentence, sentence_id

_A = ["Quillon Biosciences is a Lisbon company founded in 2021.",
      "Its first candidate, QB-17, is being developed with Marrow Lane for lupus.",
      "The trial will open in 2026."]
_B = ["Marrow Lane opened a plant in Porto."]


def _table(tmp_path) -> tuple[SentenceTable, list[int], list[int]]:
    table = SentenceTable(tmp_path / "sentences.sqlite", readonly=False)
    docs, sentences, ids = [], [], {}
    for doc, texts in (("a1", _A), ("b2", _B)):
        docs.append(Document(id=doc, title=doc, text=" ".join(texts), path=f"{doc}.md", lang="en"))
        ids[doc] = []
        for n, text in enumerate(texts):
            sid = sentence_id(doc, n)
            ids[doc].append(sid)
            sentences.append(Sentence(id=sid, doc_id=doc, n=n, start=0, end=len(text), lang="en", text=text))
    table.write(docs, reversed(sentences))  # the order written must not matter
    return table, ids["a1"], ids["b2"]


def test_previous_sentence_is_the_one_before_in_the_same_document(tmp_path) -> None:
    table, a, b = _table(tmp_path)
    assert _previous_of(table, [a[0], a[1], a[2], b[0], 12345]) == {a[1]: a[0], a[2]: a[1]}
    table.close()


def _lookup(mentions: dict[str, set[int]]) -> GraphLookup:
    lookup = GraphLookup.__new__(GraphLookup)  # only the mention cache is read
    lookup.mentioned_in = lambda iris: {i: frozenset(mentions.get(i, set())) for i in iris}  # type: ignore[method-assign]
    return lookup


def test_window_names_the_subject_the_sentence_leaves_to_the_one_before(tmp_path) -> None:
    table, a, b = _table(tmp_path)
    quillon, marrow = "x:quillon", "x:marrow-lane"
    lookup = _lookup({quillon: {a[0]}, marrow: {a[1], b[0]}})
    candidates = [a[1], b[0], a[2], a[0]]
    own, window = lookup.mention_windows([quillon, marrow], candidates, _previous_of(table, candidates))
    assert dict(own) == {a[0]: 0.5, a[1]: 0.5, b[0]: 0.5}  # each sentence alone names one of the two
    assert window[0] == (a[1], 1.0)  # with the sentence before it, the candidate sentence names both
    assert dict(window)[a[2]] == 0.5 and dict(window)[b[0]] == 0.5
    # Without a sentence before, the window is the sentence itself.
    assert lookup.mention_windows([marrow, quillon], candidates, {}) == (own, own)
    matcher = SimpleNamespace(find=lambda q: [SimpleNamespace(iri=quillon), SimpleNamespace(iri=marrow)])
    assert lookup.mention_shares(matcher, "Did Quillon Biosciences partner with Marrow Lane?", candidates) == own
    # The window's share lifts the sentence over the one whose cosine is a little higher.
    c = Candidates(dense=[(b[0], 0.80), (a[1], 0.79), (a[0], 0.70)], lexical=[],
                   groups=dict.fromkeys([a[0], a[1], b[0]], "en"), mentions=own, windows=window)
    assert ScoreFusion(1.0, 0.5, mention_weight=1.0, per_group=True, mention_window=True)(c, 3)[0][0] == a[1]
    assert ScoreFusion(1.0, 0.5, mention_weight=1.0, per_group=True)(c, 3)[0][0] == b[0]  # own mentions only
    table.close()
