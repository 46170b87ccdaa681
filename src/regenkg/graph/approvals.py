"""Regulatory events: one :class:`Approval` per stated approval, filing, conditional approval or reimbursement.

Like :mod:`.deals`, an event is a node (``rkg:Approval``) with its status, its product, its companies by role
(``rkg:developer``, the maker; ``rkg:marketer``, a partner that sells it), the agency and country that decided,
the indications and modalities it is for, a date, and the sentence that states it. Approval questions read
these nodes (:mod:`regenkg.query.approvals`); no direct edge is derived from them (the ``approved-for`` rule
already gives ``targets``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pyoxigraph import Literal as RDFLiteral
from pyoxigraph import NamedNode, Quad

from .deals import _PROV, _RDF_TYPE, _XSD, _rkg
from .terms import RES, sentence_iri

__all__ = ["AGENCIES", "APPROVAL_STATUSES", "Approval", "ApprovalStatus", "agency_iri", "approval_quads",
           "find_agencies"]

ApprovalStatus = Literal["Approved", "Filed", "Conditional", "Reimbursed"]
APPROVAL_STATUSES: tuple[ApprovalStatus, ...] = ("Approved", "Filed", "Conditional", "Reimbursed")

# Agency key -> (country code, pattern on folded text: lower case, Simplified Chinese). The labels live in
# the ontology (``rkgr:agency/<key>``); a country-level payer is its own agency (健保署, 国家医保局).
AGENCIES: dict[str, tuple[str, re.Pattern[str]]] = {
    "fda": ("US", re.compile(r"(?<![a-z0-9])(?:us |u\.s\. )?fda(?![a-z0-9])|美国食品药品监督管理局|美国食品药物管理局|美国食药局|美国fda")),
    "ema": ("EU", re.compile(r"(?<![a-z0-9])ema(?![a-z0-9])|\beuropean medicines agency\b|\beuropean commission\b|(?<![a-z0-9])chmp(?![a-z0-9])|欧洲药品管理局|欧盟委员会|欧洲药管局")),
    "pmda": ("JP", re.compile(r"(?<![a-z0-9])pmda(?![a-z0-9])|(?<![a-z0-9])mhlw(?![a-z0-9])|\bjapan(?:'s|ese)? (?:health )?ministry\b|厚生劳动省|厚劳省|日本药品医疗器械综合机构")),
    "nmpa": ("CN", re.compile(r"(?<![a-z0-9])nmpa(?![a-z0-9])|(?<![a-z0-9])cde(?![a-z0-9])|国家药监局|国家药品监督管理局|药审中心|国家药品监督管理局药品审评中心|中国药监")),
    "tfda": ("TW", re.compile(r"(?<![a-z0-9])tfda(?![a-z0-9])|台湾食药署|食药署|卫福部|卫生福利部|食品药物管理署")),
    "nhia": ("TW", re.compile(r"(?<![a-z0-9])nhia(?![a-z0-9])|健保署|中央健康保险署")),
    "nhsa": ("CN", re.compile(r"(?<![a-z0-9])nhsa(?![a-z0-9])|国家医保局|国家医疗保障局")),
    "mfds": ("KR", re.compile(r"(?<![a-z0-9])mfds(?![a-z0-9])|韩国食品医药品安全处|韩国食药处")),
    "mhra": ("GB", re.compile(r"(?<![a-z0-9])mhra(?![a-z0-9])")),
    "health-canada": ("CA", re.compile(r"\bhealth canada\b|加拿大卫生部")),
}


def agency_iri(key: str) -> str:
    return str(RES) + "agency/" + key


def find_agencies(folded: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    """``(agency key, start, end)`` of every agency named in ``folded[start:end]``, in text order.

    >>> [a for a, _, _ in find_agencies("the u.s. fda approved it after the ema did")]
    ['fda', 'ema']
    """
    end = len(folded) if end is None else end
    found = [(key, m.start(), m.end()) for key, (_, pat) in AGENCIES.items() for m in pat.finditer(folded, start, end)]
    return sorted(found, key=lambda x: x[1])


@dataclass(frozen=True)
class Approval:
    """One stated regulatory event. Entities are IRIs; ``product_name`` is the product as written."""

    status: ApprovalStatus
    sentence_id: int
    doc_id: str
    rule: str
    developers: tuple[str, ...] = ()
    marketers: tuple[str, ...] = ()
    product: str | None = None
    product_name: str | None = None
    agency: str | None = None  # agency key (:data:`AGENCIES`)
    country: str | None = None  # country IRI
    indications: tuple[str, ...] = ()
    modalities: tuple[str, ...] = ()
    date: str | None = None  # "YYYY" or "YYYY-MM"
    first: bool = False  # "the first approved …", "首款获批的…"

    @property
    def iri(self) -> str:
        key = "\x1f".join((self.doc_id, str(self.sentence_id), self.status, self.product or "",
                           *sorted(self.developers), *sorted(self.marketers), self.agency or "", self.country or ""))
        return str(RES) + "approval/" + hashlib.blake2b(key.encode(), digest_size=10).hexdigest()


def approval_quads(approvals: Iterable[Approval], graph: NamedNode) -> list[Quad]:
    """``?a a rkg:Approval ; rkg:approvalStatus S ; rkg:developer ?c ; rkg:agency ?g ; prov:wasDerivedFrom ?s …``."""
    out: list[Quad] = []
    for a in approvals:
        node = NamedNode(a.iri)
        out += [Quad(node, _RDF_TYPE, _rkg("Approval"), graph),
                Quad(node, _rkg("approvalStatus"), _rkg(a.status), graph),
                Quad(node, _PROV, NamedNode(str(sentence_iri(a.sentence_id))), graph),
                Quad(node, _rkg("rule"), RDFLiteral(a.rule), graph)]
        out += [Quad(node, _rkg("developer"), NamedNode(c), graph) for c in a.developers]
        out += [Quad(node, _rkg("marketer"), NamedNode(c), graph) for c in a.marketers]
        out += [Quad(node, _rkg("indication"), NamedNode(i), graph) for i in a.indications]
        out += [Quad(node, _rkg("modality"), NamedNode(m), graph) for m in a.modalities]
        if a.product:
            out.append(Quad(node, _rkg("product"), NamedNode(a.product), graph))
        if a.product_name:
            out.append(Quad(node, _rkg("productName"), RDFLiteral(a.product_name), graph))
        if a.agency:
            out.append(Quad(node, _rkg("agency"), NamedNode(agency_iri(a.agency)), graph))
        if a.country:
            out.append(Quad(node, _rkg("country"), NamedNode(a.country), graph))
        if a.date:
            out.append(Quad(node, _rkg("date"), RDFLiteral(a.date), graph))
            out.append(Quad(node, _rkg("year"), RDFLiteral(a.date[:4], datatype=NamedNode(_XSD + "integer")), graph))
        if a.first:
            out.append(Quad(node, _rkg("first"), RDFLiteral("true", datatype=NamedNode(_XSD + "boolean")), graph))
    return out
