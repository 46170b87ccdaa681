"""Owner chains and confirmation questions (issue 15), on made-up names and a hand-made matcher.

"先后并入了哪些公司" asks who bought the company and who bought the buyer in turn; "was it confirmed?" asks the
status of every report of the deal (rumoured, denied, announced, completed), not only the rumour.
"""

from __future__ import annotations

import datetime as dt

import pytest

from regenkg.graph.match import Matcher
from regenkg.query.compose import compose
from regenkg.query.understand import understand

RES = "https://w3id.org/regenkg/id/"
QUILL = RES + "company/quillfern"
MARROW = RES + "company/marrowgate"


@pytest.fixture(scope="module")
def parts():
    surfaces = [("Quillfern Bio", QUILL), ("奎芬生技", QUILL), ("Marrowgate", MARROW),
                ("馬洛門製藥", MARROW), ("马洛门制药", MARROW)]
    return Matcher(surfaces), {QUILL: "Company", MARROW: "Company"}


def _q(parts, text):
    matcher, kinds = parts
    return understand(text, matcher, kinds, today=dt.date(2025, 6, 1))


@pytest.mark.parametrize("text", ["奎芬生技先後併入了哪些公司？", "奎芬生技先后并入了哪些公司？",
                                  "Which companies did Quillfern Bio successively become part of?",
                                  "Which companies acquired Quillfern Bio in turn?"])
def test_a_chain_of_owners_asks_the_buyers_buyer(parts, text):
    q = _q(parts, text).query
    assert q.relations == ("acquired",) and q.answer == "subject" and q.object.anchors == (QUILL,), text
    assert q.follow_ups == (("acquired", "subject"),), text
    assert not q.unused, (text, q.unused)


def test_a_plain_buyer_question_has_no_chain(parts):
    q = _q(parts, "Who acquired Quillfern Bio?").query
    assert q.relations == ("acquired",) and q.follow_ups == ()


@pytest.mark.parametrize("text", ["市場傳出馬洛門製藥收購奎芬生技，消息是否屬實？", "市场传出马洛门制药收购奎芬生技的消息，是否获得证实？",
                                  "Marrowgate was rumoured to buy Quillfern Bio. Was it confirmed?"])
def test_was_it_confirmed_asks_every_status(parts, text):
    q = _q(parts, text).query
    assert q.relations[0] == "acquired", text
    assert set(q.statuses) == {"Rumoured", "Denied", "Announced", "Completed"}, text
    assert not q.unused, (text, q.unused)
    composed = compose(q)
    assert composed is not None and "rkg:Rumoured" in composed.sparql and "rkg:Completed" in composed.sparql


def test_a_rumour_alone_asks_the_rumour(parts):
    q = _q(parts, "Who was rumoured to acquire Quillfern Bio?").query
    assert q.statuses == ("Rumoured",) and q.answer == "subject"
