"""Work two named parties share, and work a parenthesis notes beside a company (h/rd, issue #12).

- "X入股Y，雙方將合作開發NK細胞療法", "X partnered with Y; the two companies will co-develop CAR-T therapies
  for lupus": a plural description ("雙方", "both companies", "the pair") stands for the sentence's two parties,
  and each develops (and targets) what the shared verb names.
- "X acquired Y ($1.1 billion; in vivo CAR-T)", "X（CAR-T）": a bracketed note right after a company that names a
  modality (or an indication) says what that company works on; a ticker or an alias in the brackets names none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .clauses import SentenceAdd
from .mentions import _M
from .patterns import _EXIT, _HEDGE, _WORK_OFF, _WORK_SHUT, COMPANY, INDICATION, MODALITY

# The two parties as one subject.
_BOTH = re.compile(r"双方|两家公司|两家企业|两者|二者|\b(?:both (?:companies|firms|parties|partners)|the two (?:companies|firms|"
                   r"partners|groups)|the pair|the partners|the companies)\b")
# A verb of shared work right after it ("双方将合作开发", "the two companies will jointly develop").
_SHARED_WORK = re.compile(r"\s*(?:也|还|将|会|计划|预计|已|正|同意|拟)?\s*(?:共同|合作|联合|携手|一起)?\s*(?:开发|研发|推进|布局|打造)|"
                          r"\s+(?:will|plan to|agreed to|are to|aim to|have agreed to|also)?\s*(?:jointly\s+|together\s+)?"
                          r"(?:co-develop|develop|work on|advance|commerciali[sz]e)\b")
_STATEMENT_END = re.compile(r"[;；。]")
# A parenthesis right after a company: its words up to the closing bracket.
_NOTE = re.compile(r"\s*[(（](?P<body>[^()（）]{1,60})[)）]")


def _clean(window: str) -> bool:
    return not (_HEDGE.search(window) or _EXIT.search(window) or _WORK_OFF.search(window) or _WORK_SHUT.search(window))


def rule_both_parties(folded: str, ms: Sequence[_M], add: SentenceAdd) -> None:
    """"…，雙方將合作開發M(用於I)": each of the sentence's two named companies develops M (and targets I)."""
    for both in _BOTH.finditer(folded):
        verb = _SHARED_WORK.match(folded, both.end())
        if verb is None:
            continue
        parties = {m.iri: m for m in ms if m.kind == COMPANY and m.org_type == COMPANY and not m.pronoun
                   and not m.appositive and not m.affiliate_of and m.end <= both.start()}
        if len(parties) != 2:
            continue
        if re.match(r"\s*的", folded[verb.end():]):
            continue  # "雙方共同開發的NK細胞療法將由X獨立推進": a relative clause about past work, not a statement
        stop = _STATEMENT_END.search(folded, verb.end())
        end = stop.start() if stop else len(folded)
        begin = max((m.end() for m in _STATEMENT_END.finditer(folded, 0, both.start())), default=0)
        if not _clean(folded[begin:end]):
            continue  # "X結束了與Y的合作，雙方…", "the two companies may develop …"
        terms = [m for m in ms if m.kind in (MODALITY, INDICATION) and verb.end() <= m.start < end and not m.pronoun]
        if not any(t.kind == MODALITY for t in terms):
            continue
        for p in parties.values():
            for t in terms:
                add(p.iri, "develops" if t.kind == MODALITY else "targets", t.iri, "both-parties", 0.7)


def rule_parenthesis_note(folded: str, ms: Sequence[_M], add: SentenceAdd) -> None:
    """"Y ($1.1 billion; in vivo CAR-T)", "Y（CAR-T，淋巴瘤）": the bracketed note names Y's work."""
    for c in ms:
        if c.kind != COMPANY or c.org_type != COMPANY or c.pronoun or c.affiliate_of:
            continue
        note = _NOTE.match(folded, c.end)
        if note is None or not _clean(note.group("body")):
            continue
        a, b = note.start("body"), note.end("body")
        inside = [m for m in ms if a <= m.start and m.end <= b and not m.pronoun]
        if any(m.kind == COMPANY for m in inside) or not any(m.kind == MODALITY for m in inside):
            continue  # "Y（X旗下）", "Y (a unit of X)": a company's note, not a term list
        for m in inside:
            if m.kind in (MODALITY, INDICATION):
                add(c.iri, "develops" if m.kind == MODALITY else "targets", m.iri, "parenthesis-note", 0.65)
