"""Property tests: question understanding and ``ask`` never raise on arbitrary Unicode (issue 8).

The segmenter's properties live in tests/test_segment.py.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from regenkg.errors import QueryError
from regenkg.query.question import INTENTS
from regenkg.query.understand import MAX_QUESTION_CHARS, understand
from regenkg.records import Answer

# Every code point but surrogates, control characters included.
ANY_CHAR = st.characters(codec=None, exclude_categories=("Cs",))
# Characters that grow, shrink or vanish under NFC/NFKC/case folding, or move text around.
TRICKY = st.sampled_from(list(
    "\u0344\u0958\u1e9b\u2126\u212b\ufb01\ufdfa\u3392\u337f\uff21\uff41\u00df\u0130\u0131\u03a3\u2028\u2029"
    "\u200b\u200d\u200e\u202e\u2066\ufeff\ufffd\u0301\u0308\u3000\u00a0\x00\x1b\x7f\U0001f9ec\U0001f469"
    "細胞誰谁開发開發TCR-T CAR-T 收購收购併購 who develops acquired 阿斯特捷利康台寶生醫"))
QUESTIONS = st.one_of(
    st.text(ANY_CHAR, max_size=80),
    st.text(TRICKY, max_size=60),
    st.lists(st.sampled_from(["who", "develops", "誰", "在開發", "谁在开发", "TCR-T", "CAR-T", "GSK", "收购",
                              "AstraZeneca", "acquired", "market", "市場", "法規", "?", "？", " ", "\u0301"]),
             max_size=12).map("".join),
)
KNOWN = ["who develops TCR-T", "誰在開發TCR-T", "谁在开发TCR-T", "what did AstraZeneca acquire"]


def _check(question, kb) -> None:
    q = understand(question, kb.matcher, kb._kinds)
    assert q.intent is None or q.intent in INTENTS
    assert isinstance(q.text, str) and len(q.text) <= MAX_QUESTION_CHARS
    assert q.lang in ("en", "zh-Hant", "zh-Hans")
    assert all(isinstance(e, str) and e.startswith("https://") for e in q.entities)
    assert len(set(q.entities)) == len(q.entities)
    assert {e for es in q.by_type.values() for e in es} == set(q.entities)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=QUESTIONS)
@example(question="")
@example(question="\ufdfa" * 50 + "TCR-T")  # one character that NFKC-expands to 18
@example(question="ＴＣＲ－Ｔ 誰在開發")
@example(question="\u0130stanbul CAR-T \u0130\u0130\u0130")  # İ lower-cases to two code points
@example(question="\x00\x1b[31m who develops CAR-T\x7f")
def test_understand_never_raises_on_arbitrary_unicode(seed_kb, question):
    _check(question, seed_kb)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=st.text(st.one_of(ANY_CHAR, TRICKY), min_size=MAX_QUESTION_CHARS - 10,
                        max_size=MAX_QUESTION_CHARS * 4))
@example(question="誰在開發TCR-T" * 2000)
def test_understand_bounds_very_long_questions(seed_kb, question):
    _check(question, seed_kb)


def test_understand_links_known_questions(seed_kb):
    """The property test above is not vacuous: real questions get entities and an intent."""
    for question in KNOWN:
        q = understand(question, seed_kb.matcher, seed_kb._kinds)
        assert q.entities and q.intent in INTENTS, question


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=st.one_of(st.text(ANY_CHAR, max_size=30), st.text(TRICKY, max_size=30)))
@example(question="")
@example(question="？？？")
@example(question="細胞\") } UNION { ?s ?p ?o } #")
@example(question="APPROV")  # found by CI: an approval question's intent must be a listed one
def test_ask_never_raises_on_short_unicode(seed_kb, question):
    answer = seed_kb.ask(question)
    assert isinstance(answer, Answer)
    assert answer.intent is None or answer.intent in INTENTS
    docs = set(seed_kb.titles)
    assert {h.doc for h in answer.passages} <= docs
    assert {e.doc for a in answer.answers for e in a.evidence} <= docs


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.one_of(st.text(ANY_CHAR, max_size=30), st.text(TRICKY, max_size=30)))
def test_search_returns_hits_or_a_query_error(seed_kb, query):
    try:
        hits = seed_kb.search(query, k=3)
    except QueryError as exc:
        assert str(exc)
    else:
        assert len(hits) <= 3
