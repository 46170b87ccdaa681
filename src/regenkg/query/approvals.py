"""Questions about regulatory events, answered from ``rkg:Approval`` nodes (issue #15, h/appr6).

"Which companies have filed for approval of an iPSC-derived product in Japan", "2023年以后获批用于多发性骨髓瘤
的国产CAR-T由哪些公司开发", "reimbursed CAR-T: whose product, for which diseases", "國內首款獲批的AAV基因療法由誰
開發、誰負責商業化": :func:`approval_query` reads the event's status, agency/country, date, modality,
indication, the "first" qualifier and the roles asked for (developer, marketer, indication, product) into an
:class:`ApprovalQuery`; :func:`approval_sparql` composes the SPARQL, every entity bound with ``VALUES``;
:func:`approval_answer` runs it and returns answers, each proven by the event's sentence.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyoxigraph

from ..graph.approvals import AGENCIES, agency_iri, find_agencies
from ..graph.match import fold_aligned
from ..records import Answer, AnswerItem, Hit, pick_label
from ..graph.terms import PREFIXES
from .compose import values
from .cues import _time
from .facts import Lookup, _local, _sid
from .question import Question, TimeRange

__all__ = ["ApprovalQuery", "approval_answer", "approval_query", "approval_sparql"]

_COUNTRY = "https://w3id.org/regenkg/id/country/"

# Status words of a question (folded: lower case, Simplified Chinese).
_Q_FILED = re.compile(r"递交|提交|送件|上市申请|申请上市|提出[^，,。？?]{0,8}申请|\bfil(?:ed|es|ing)\b|\bsubmit\w*|"
                      r"\bsubmission\b|\bapplied for\b|\bapplications?\b")
_Q_REIMBURSED = re.compile(r"给付|健保|医保|报销|\breimburs\w*|\bcoverage\b|\bcovered by\b")
_Q_CONDITIONAL = re.compile(r"附条件|有条件|\bconditional(?:ly)?\b")
_Q_APPROVED = re.compile(r"获批|获准|核准|批准|许可|药证|\bapprov\w*|\bauthori[sz]\w*|\bcleared\b|\bclearance\b")
_Q_FIRST = re.compile(r"\bfirst\b|首个|首款|首例|首家|首张|第一个|第一款|首支|首项")
# Roles a question asks for.
_Q_MARKETER = re.compile(r"商业化|销售|推广|经销|代理|行销|\bcommerciali[sz]\w*|\bmarket(?:s|ed|ing)?\b|\bsell\w*|"
                         r"\bdistribut\w*")
_Q_INDICATION = re.compile(r"疾病|适应症|适应证|病症|用于(?:治疗)?(?:什么|哪)|治疗(?:什么|哪)|\bdiseases?\b|\bindications?\b|"
                           r"\bconditions?\b|\bfor (?:what|which)\b")
_Q_PRODUCT = re.compile(r"(?:哪些|哪个|哪款|什么|哪一款)(?:产品|疗法|药物|药品)|\bwhich (?:products?|therap(?:y|ies)|drugs?)\b|"
                        r"\bwhat (?:products?|therap(?:y|ies)|drugs?)\b")
_Q_DEVELOPER = re.compile(r"公司|药厂|厂商|企业|业者|谁|开发|研发|\bcompan(?:y|ies)\b|\bwho\b|\bwhose\b|\bdevelop\w*|"
                          r"\bmakers?\b|\bfirms?\b")
_SCRIPT_OF = {"CN": "zh-Hans", "TW": "zh-Hant"}
# "国产"/"国内" is the asker's own country: mainland China in Simplified script, Taiwan in Traditional.
_Q_DOMESTIC = re.compile(r"国产|国内|本土|境内|我国")


@dataclass(frozen=True)
class ApprovalQuery:
    """A question about regulatory events.

    Attributes:
        statuses: event statuses the answer must have (an approval question also takes conditional ones).
        countries: country IRIs the decision must apply in (an agency named gives its country).
        modalities: modality IRIs the event (or, when it names none, its developer) must be about.
        indications: indication IRIs the event must be for.
        companies: companies the event must name (as developer or marketer).
        time: years the event (or, undated, its article) must fall in.
        first: the event must be called the first (else the earliest dated one is taken).
        roles: what is answered: ``developer``, ``marketer``, ``indication``, ``product``.
    """

    statuses: tuple[str, ...]
    countries: tuple[str, ...] = ()
    modalities: tuple[str, ...] = ()
    indications: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    time: TimeRange | None = None
    first: bool = False
    roles: tuple[str, ...] = ("developer",)


def approval_query(q: Question, today: _dt.date | None = None) -> ApprovalQuery | None:
    """The regulatory-event reading of ``q``; ``None`` when the question asks about no such event."""
    folded = fold_aligned(q.text)
    filed, reimbursed = _Q_FILED.search(folded), _Q_REIMBURSED.search(folded)
    conditional, approved = _Q_CONDITIONAL.search(folded), _Q_APPROVED.search(folded)
    statuses: tuple[str, ...]
    if reimbursed:
        statuses = ("Reimbursed",)
    elif filed and not (approved and approved.start() < filed.start() and re.search(r"获批|核准|\bapproved\b", folded)):
        statuses = ("Filed",)  # "filed for approval": the approval is what was asked for
    elif conditional:
        statuses = ("Conditional",)
    elif approved:
        statuses = ("Approved", "Conditional")
    else:
        return None
    t = q.by_type
    countries = list(t.get("Country", ()))
    for key, _, _ in find_agencies(folded):
        countries.append(_COUNTRY + AGENCIES[key][0])
    if _Q_DOMESTIC.search(folded) and q.lang in ("zh-Hans", "zh-Hant"):
        countries.append(_COUNTRY + ("CN" if q.lang == "zh-Hans" else "TW"))
    time = q.query.time if q.query is not None and q.query.time is not None else _time(folded, today or _dt.date.today())
    roles = []
    if _Q_DEVELOPER.search(folded) or not (_Q_MARKETER.search(folded) or _Q_INDICATION.search(folded)):
        roles.append("developer")
    if _Q_MARKETER.search(folded):
        roles.append("marketer")
    if _Q_INDICATION.search(folded):
        roles.append("indication")
    if _Q_PRODUCT.search(folded):
        roles.append("product")
    return ApprovalQuery(statuses, tuple(dict.fromkeys(countries)), tuple(t.get("Modality", ())),
                         tuple(t.get("Indication", ())), tuple(t.get("Company", ())), time,
                         bool(_Q_FIRST.search(folded)), tuple(roles))


def approval_sparql(aq: ApprovalQuery, narrower: Any = None) -> str:
    """The SPARQL of an :class:`ApprovalQuery`: one row per (event, answer, role), entities bound with VALUES.

    Args:
        aq: the query.
        narrower: ``iri -> set of iri and the concepts below it`` (a modality or indication asked covers them).
    """
    def below(iris: Sequence[str]) -> list[str]:
        out: list[str] = []
        for i in iris:
            out += sorted(narrower(i)) if narrower is not None else [i]
        return list(dict.fromkeys(out))

    parts = [f"VALUES ?status {{ {' '.join('rkg:' + s for s in aq.statuses)} }}",
             "?ev a rkg:Approval ; rkg:approvalStatus ?status ; prov:wasDerivedFrom ?sentence ."]
    if aq.countries:
        # The country the event states; when it states none, its developer's home or (mainland China, Taiwan)
        # the script its sentence is written in: a Simplified report of an approval it places nowhere is a
        # mainland one.
        branches = ["{ ?ev rkg:country ?country }",
                    "{ ?ev rkg:developer ?home . ?home rkg:headquarteredIn ?country . FILTER NOT EXISTS { ?ev rkg:country ?c0 } }"]
        for code, lang in _SCRIPT_OF.items():
            if _COUNTRY + code in aq.countries:
                branches.append(f'{{ ?ev prov:wasDerivedFrom ?s{code} . ?s{code} rkg:text ?t{code} . FILTER(langMatches(lang(?t{code}), '
                                f'"{lang}") && NOT EXISTS {{ ?ev rkg:country ?c{code} }}) BIND(<{_COUNTRY}{code}> AS ?country) }}')
        parts.append(f"{values('country', aq.countries)}\n  " + " UNION\n  ".join(branches))
    if aq.indications:
        parts.append(f"?ev rkg:indication ?ind . {values('ind', below(aq.indications))}")
    if aq.companies:
        parts.append(f"?ev rkg:developer|rkg:marketer ?co . {values('co', aq.companies)}")
    if aq.modalities:
        # The event's own modality (or one below it); else what its developer develops, when the event names
        # no modality or only broader ones ("a gene therapy" from a developer of AAV gene therapy).
        parts.append(f"{values('mod', aq.modalities)}\n  {{ ?ev rkg:modality ?em . ?em skos:broader* ?mod }} UNION\n  "
                     "{ ?ev rkg:developer ?dev . ?dev rkg:develops ?dm . ?dm skos:broader* ?mod .\n"
                     "    FILTER NOT EXISTS { ?ev rkg:modality ?m2 . FILTER NOT EXISTS { ?dm skos:broader* ?m2 } } }")
    if aq.first:
        parts.append("OPTIONAL { ?ev rkg:first ?first }")
    answer_of = {"developer": "{ ?ev rkg:developer ?answer . BIND(\"developer\" AS ?role) }",
                "marketer": "{ ?ev rkg:marketer ?answer . BIND(\"marketer\" AS ?role) }",
                "indication": "{ ?ev rkg:indication ?answer . BIND(\"indication\" AS ?role) }",
                "product": "{ ?ev rkg:product ?answer . BIND(\"product\" AS ?role) }"}
    parts.append(" UNION ".join(answer_of[r] for r in aq.roles))
    parts += ["OPTIONAL { ?ev rkg:year ?year }", "OPTIONAL { ?ev rkg:date ?date }",
              "OPTIONAL { ?ev rkg:productName ?productName }", "OPTIONAL { ?ev rkg:agency ?agency }",
              "OPTIONAL { ?sentence rkg:inDocument ?doc . ?doc dcterms:date ?docDate }"]
    select = "?ev ?status ?sentence ?answer ?role ?year ?date ?productName ?agency ?docDate" + (" ?first" if aq.first else "")
    return PREFIXES + f"SELECT DISTINCT {select} WHERE {{\n  " + "\n  ".join(parts) + "\n}"


@dataclass
class _Event:
    iri: str
    status: str
    sids: set[int]
    year: int | None
    date: str | None
    product: str | None
    agency: str | None
    first: bool
    answers: set[tuple[str, str]]  # (role, answer IRI)
    undated: bool = False  # its year is its article's date, not a date the sentence states


def _events(rows: Any) -> dict[str, _Event]:
    out: dict[str, _Event] = {}
    has_first = "first" in [v.value for v in rows.variables]
    for row in rows:
        ev, answer = row["ev"], row["answer"]
        if not isinstance(answer, pyoxigraph.NamedNode):
            continue
        year, date, doc_date = row["year"], row["date"], row["docDate"]
        y = int(year.value) if year is not None and year.value[:4].isdigit() else None
        undated = y is None
        if y is None and doc_date is not None and doc_date.value[:4].isdigit():
            y = int(doc_date.value[:4])  # an undated event happened by the time its article was written
        first = row["first"] if has_first else None
        e = out.setdefault(ev.value, _Event(ev.value, _local(row["status"]) or "", set(), y,
                                            date.value if date is not None else None,
                                            row["productName"].value if row["productName"] is not None else None,
                                            row["agency"].value if row["agency"] is not None else None,
                                            first is not None and first.value == "true", set(), undated))
        sid = _sid(row["sentence"])
        if sid is not None:
            e.sids.add(sid)
        e.answers.add((row["role"].value, answer.value))
    return out


def _shown_year(e: _Event) -> str:
    """The year an answer shows: an undated event's is its article's, and is said to be (\"by 2024, article date\")."""
    if e.year is None:
        return ""
    return f"by {e.year}, article date" if e.undated else str(e.year)


_STATUS_WORD = {"Approved": "approved", "Filed": "filed for approval", "Conditional": "conditionally approved",
                "Reimbursed": "reimbursed"}


def approval_answer(store: Any, lookup: Lookup, q: Question, aq: ApprovalQuery, qvec: np.ndarray | None,
                    passages: tuple[Hit, ...], understood: dict, max_evidence: int = 3) -> Answer:
    """Answer ``q`` from the graph's regulatory events."""
    sparql = approval_sparql(aq, lookup.narrower)
    events = _events(store.query(sparql))
    notes: list[str] = []
    if aq.time is not None:
        kept = {k: e for k, e in events.items() if e.year is not None and aq.time.contains(e.year)}
        if len(kept) < len(events):
            notes.append(f"time {aq.time.describe()}: {len(events) - len(kept)} event(s) outside it or undated left out")
        events = kept
    if aq.first and events:
        firsts = {k: e for k, e in events.items() if e.first}
        if not firsts:
            earliest = min((e.year for e in events.values() if e.year is not None), default=None)
            firsts = {k: e for k, e in events.items() if earliest is not None and e.year == earliest}
            notes.append("no event is called the first; the earliest dated one is shown")
        events = firsts
    by_answer: dict[tuple[str, str], list[_Event]] = defaultdict(list)
    for e in events.values():
        for role, iri in e.answers:
            by_answer[(role, iri)].append(e)
    iris = sorted({iri for _, iri in by_answer} | {e.agency for e in events.values() if e.agency})
    labels = lookup.labels(iris)
    types = lookup.types(iris)
    items: list[AnswerItem] = []
    for (role, iri), evs in by_answer.items():
        sids = sorted({s for e in evs for s in e.sids})
        ev = lookup.evidence(sids, qvec)
        if not ev:
            continue  # an answer no sentence in the index proves is not an answer
        e0 = sorted(evs, key=lambda e: (e.date or str(e.year or ""), e.iri), reverse=True)[0]
        what = ", ".join(x for x in (_STATUS_WORD.get(e0.status, e0.status.lower()),
                                     pick_label(labels.get(e0.agency, {}), q.lang, e0.agency) if e0.agency else "",
                                     e0.date or _shown_year(e0)) if x)
        relation = f"{role} of {e0.product or 'the product'} ({what})"
        best = max((s for _, s in ev), default=0.0)
        score = 1.0 + 0.5 * best + 0.05 * min(len(sids), 5) + (0.1 if role == aq.roles[0] else 0.0)
        lab = labels.get(iri, {})
        items.append(AnswerItem(iri, pick_label(lab, q.lang, iri), lab, types.get(iri, "Thing"), relation,
                                round(score, 4), tuple(e for e, _ in ev[:max_evidence])))
    items.sort(key=lambda a: (-a.score, a.label))
    understood = dict(understood)
    understood["relation"] = ["approval"]
    understood["approval"] = {"statuses": list(aq.statuses), "countries": list(aq.countries),
                              "modalities": list(aq.modalities), "indications": list(aq.indications),
                              "companies": list(aq.companies), "first": aq.first, "roles": list(aq.roles),
                              "time": aq.time.describe() if aq.time else None}
    understood["text"] = "approval events → " + "+".join(aq.roles) + " · " + ", ".join(
        [f"status: {'/'.join(s.lower() for s in aq.statuses)}"]
        + [f"country: {pick_label(lookup.labels([c]).get(c, {}), q.lang, c)}" for c in aq.countries]
        + [f"modality: {pick_label(lookup.labels([m]).get(m, {}), q.lang, m)}" for m in aq.modalities]
        + [f"indication: {pick_label(lookup.labels([i]).get(i, {}), q.lang, i)}" for i in aq.indications]
        + ([f"time: {aq.time.describe()}"] if aq.time else []) + (["first"] if aq.first else []))
    if not items:
        notes.append("no regulatory event in the index matches; see the closest passages")
    return Answer(q.text, "approval", q.entities, tuple(items), sparql, passages, q.lang, understood, tuple(notes))


__all__ += ["agency_iri"]
