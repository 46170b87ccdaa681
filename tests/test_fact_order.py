"""The facts an answer rests on are read in a fixed order, whatever order the store yields rows in."""

from __future__ import annotations

import pyoxigraph

from regenkg.query.ask import Planner
from regenkg.query.compose import PREFIXES

_ROWS = [
    # (other, status, date, amount, sentence)
    ("gilead", None, None, None, 3),
    ("gilead", "Announced", '"2017-08"', '"11900000000"', 5),
    ("gilead", "Completed", '"2017-10"', None, 7),
    ("gilead", "Announced", '"2017-08"', None, 9),
    ("gilead", "Rumoured", None, None, 2),
]


def _query(rows) -> str:
    def term(x, kind):
        if x is None:
            return "UNDEF"
        return {"iri": f"<https://w3id.org/regenkg/id/company/{x}>", "status": f"rkg:{x}", "lit": x,
                "sid": f"<https://w3id.org/regenkg/id/sentence/{x}>"}[kind]
    data = " ".join(
        f"(<https://w3id.org/regenkg/id/company/kite> {term(o, 'iri')} rkg:acquired \"o\" {term(sid, 'sid')} 0.9"
        f" {term(st, 'status')} UNDEF {term(date, 'lit')} {term(amount, 'lit')} UNDEF UNDEF)"
        for o, st, date, amount, sid in rows)
    return PREFIXES + ("SELECT * WHERE { VALUES (?answer ?other ?pred ?dir ?sentence ?conf ?status ?year ?date"
                       f" ?amount ?currency ?amountKind) {{ {data} }} }}")


def _facts(rows):
    store = pyoxigraph.Store()
    facts = Planner._collect(store.query(_query(rows)))
    return [(f.status, f.date, f.amount, f.sid) for f in facts["https://w3id.org/regenkg/id/company/kite"]]


def test_fact_order_does_not_depend_on_row_order():
    assert _facts(_ROWS) == _facts(list(reversed(_ROWS))) == _facts(_ROWS[2:] + _ROWS[:2])


def test_fact_order_is_status_then_amount_then_recency():
    assert _facts(_ROWS) == [
        ("Completed", "2017-10", None, 7),
        ("Announced", "2017-08", 11.9e9, 5),
        ("Announced", "2017-08", None, 9),
        (None, None, None, 3),
        ("Rumoured", None, None, 2),
    ]
