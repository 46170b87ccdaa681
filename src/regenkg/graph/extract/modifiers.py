"""Closed modifiers of a clause's opening company, and the main clause left without them.

Trade press hangs a second company and a second relation on the subject before the predicate comes:
"X, which was spun out of Y in 2019, is testing its CAR-T in lupus", "X, backed by Y, has CAR-T trials in
lupus", "X, Y's former cell therapy unit, now runs trials in…", "X (formerly a Y unit) runs…",
"X（Y旗下子公司）…". The modifier is read by the rules on the whole clause (a spin-out, a backer); what follows
it is X's. Read whole, the clause shows two companies and a deal word, so the R&D rules either stay silent or
give X's work to Y (the nearer name before "its").

:func:`closed_modifier` finds such a modifier and :func:`main_clause` blanks it out (same length, offsets unchanged)
and drops its mentions; :func:`.mainclause.rule_main_clause` reads the R&D frames again on what is left;
:func:`embedded` tells "its" to skip a company named inside a modifier.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from .clauses import Clause
from .mentions import _M
from .patterns import COMPANY, MODALITY, INDICATION, COUNTRY

# ", which was spun out of Y in 2019," / ", backed by Y," / ", a Y spin-out," / "(formerly a Y unit)".
_CLOSED = re.compile(
    r"\s*(?:[(（](?P<paren>[^()（）]{2,80})[)）]|,\s*(?P<body>(?:which|who|whose|that|an?|the|its|their|itself|"
    r"spun|spin-?(?:out|off)|carved|backed|funded|financed|founded|co-?founded|formed|created|incubated|started|"
    r"launched|based|headquartered|formerly|once|now|owned|controlled|majority-owned|wholly|acquired|bought|"
    r"part|one|previously|recently|until|born|led|run)\b[^,;:()]{1,120}?)\s*,(?!\s*(?:and|or|as well as|plus|"
    r"but)\b))", re.IGNORECASE)
# ", Y's former cell therapy unit," — the modifier opens with another company's possessive.
_POSSESSIVE_BODY = re.compile(r"\s*(?:'s|’s|')\s+[^,;:()]{1,80}?,(?!\s*(?:and|or|as well as|plus|but)\b)")
_COMMA = re.compile(r"\s*,\s*")
# Later in the clause: ", licensed from Y," / ", co-developed with Y," / ", which Y helped design," — a
# participle or relative clause between commas that hangs a second company on the subject's asset.
_PARTICIPLE = re.compile(
    r",\s*(?:(?:in-?|sub-?|out-?)?licen[cs]ed|acquired|bought|obtained|sourced|partnered|co-?developed|developed|"
    r"discovered|designed|invented|originated|spun|backed|funded|which|that|whose)\b[^,;:()]{1,100}?,"
    r"(?!\s*(?:and|or|as well as|plus|but)\b)", re.IGNORECASE)
_LEAD = re.compile(r"^[^,，;；。]{0,30}$")  # what may stand before the opening company ("In March, ", "另外，")


def closed_modifier(folded: str, comps: Sequence[_M], subject: _M, limit: int) -> tuple[int, int] | None:
    """The span of the closed modifier right after ``subject`` (ending before ``limit``), if it holds anything.

    The modifier must name another company or be a paren (a code, a former name, a parent): a plain
    ", a Boston biotech," hides no second party.
    """
    m = _CLOSED.match(folded, subject.end, limit)
    if m is not None:
        span = (m.start(), m.end())
    else:
        comma = _COMMA.match(folded, subject.end, limit)
        inner = next((c for c in comps if comma is not None and c.start == comma.end() and c.iri != subject.iri), None)
        tail = _POSSESSIVE_BODY.match(folded, inner.end, limit) if inner is not None else None
        if tail is None:
            return None
        span = (subject.end, tail.end())
    if span[1] >= limit or not folded[span[1]:limit].strip():
        return None  # the modifier ends the clause: there is no main clause after it
    if not any(span[0] <= c.start and c.end <= span[1] for c in comps if c.iri != subject.iri):
        return None
    return span


def opening_company(clause: Clause) -> _M | None:
    """The company that opens the clause (only a short lead-in before it), not carried over."""
    comps = [m for m in clause.cms if m.kind == COMPANY and not m.affiliate_of]
    if not comps or comps[0].start == comps[0].end:
        return None
    first = comps[0]
    if any(m.start < first.start for m in clause.cms) or not _LEAD.match(clause.folded[clause.cs:first.start]):
        return None
    return first


def embedded(folded: str, comps: Sequence[_M], m: _M, pos: int) -> bool:
    """Whether company ``m`` sits inside a closed modifier of an earlier company, closed before ``pos``.

    "X, spun out of Y, is testing its CAR-T": "its" is X's, not Y's.
    """
    for head in comps:
        if head.end > m.start or head.iri == m.iri or head.start == head.end:
            continue
        span = closed_modifier(folded, comps, head, len(folded))
        if span is not None and span[0] <= m.start and m.end <= span[1] <= pos:
            return True
    return False


def main_clause(clause: Clause) -> tuple[Clause, list[tuple[int, int]]] | None:
    """``clause`` with the closed modifiers hung on its opening company blanked out, and their spans.

    The opening company's own modifier ("X, spun out of Y, …") and, later in the clause, a participle or
    relative clause between commas that names another company ("X's CAR-T, licensed from Y, showed…").
    """
    subject = opening_company(clause)
    if subject is None:
        return None
    folded, ce = clause.folded, clause.ce
    comps = [m for m in clause.with_appositives if m.kind == COMPANY]
    spans = [span] if (span := closed_modifier(folded, comps, subject, ce)) is not None else []
    for pm in _PARTICIPLE.finditer(folded, spans[0][1] if spans else subject.end, ce):
        a, b = pm.start(), pm.end()
        if folded[b:ce].strip() and any(a <= c.start and c.end <= b for c in comps if c.iri != subject.iri):
            spans.append((a, b))
    if not spans:
        return None
    for a, b in spans:
        folded = folded[:a] + " " * (b - a) + folded[b:]

    def outside(ms: Sequence[_M]) -> list[_M]:
        return [m for m in ms if not any(a <= m.start and m.end <= b for a, b in spans)]

    cms = outside(clause.cms)
    if not any(m.kind in (MODALITY, INDICATION, COUNTRY) for m in cms):
        return None
    return replace(clause, folded=folded, cms=cms, with_appositives=outside(clause.with_appositives)), spans
