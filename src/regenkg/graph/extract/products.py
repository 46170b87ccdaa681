"""Products as first-class mentions: a named product carries its owner's modality and indication.

A product (a drug code such as "HLV-201", a brand the mention finder set aside, "候選藥物QL-7") is linked
to the company that owns it by the words around it — a possessive ("X's", "X的", "X旗下"), "whose",
a parenthesis ("P（X開發的…）", "P (X)"), "P, developed by X", "P由X開發" — and what the sentence then says
of the product (its modality in apposition, "for"/"用於治療"/"適應症為" an indication) is said of the owner:
the owner develops that modality and targets that indication. The product's words run until another
product or another company is named, so a partner or buyer named later never gets them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .clauses import SentenceAdd, _window
from .mentions import _M
from .patterns import _DEVELOP, _EXIT, _HEDGE, _WORK_OFF, _WORK_SHUT, COMPANY, INDICATION, MODALITY

# A development code: letters, an optional hyphen, digits ("HLV-201", "CT041", "LB2102", "NTLA-2001").
# Antigens, genes and cytokines look alike ("CD19", "IL-6", "PD-1", "SMN1"), so a code needs three digits
# or a hyphen (and is not one of those families).
_CODE = re.compile(r"(?<![A-Za-z0-9-])(?:[A-Z]{2,6}[a-z]?-\d{1,5}|[A-Z]{2,6}\d{3,5})(?:[A-Z]|-\d{1,3})?(?![A-Za-z0-9-])")
_NOT_CODE = re.compile(r"(?:CD|IL|PD|HLA|COVID|SARS|CTLA|HER|FGF|VEGF|TGF|TNF|ISO|GMP|NCT|EU|US|USD|RMB|NT|Q|H|FY)-?\d",
                       re.IGNORECASE)
# Between owner and product: "X's lead CAR-T candidate ", "X旗下的CAR-T產品", "X的" (≤ 40 characters, no comma).
_OWNER_GAP = re.compile(r"(?:'s|’s|(?<=s)'|(?<=s)’)\s+[^,;:()（）]{0,40}?|\s*(?:旗下的?|的)\s*[^,，;；、()（）]{0,24}?")
# After the product: the owner in brackets or named as its developer.
_OWNER_AFTER = re.compile(r"\s*(?:[(（]\s*|,\s*(?:developed|discovered|made|engineered|created|invented) by\s+|"
                          r"(?:是)?由\s*)")
_DEVELOPER_TAIL = re.compile(r"\s*(?:[)）]|(?:自主|独立)?(?:开发|研发|研制|打造)|[,，]|'s|’s|的|$)")
# Where a product's words stop: another sentence-level statement.
_SCOPE_END = re.compile(r"[;；。]|\b(?:while|whereas|unlike|but)\b|但是|然而|不过|相比之下")
# Said of the product, these take it away from its owner or deny the work (the deal and exit rules' business).
_STOP = re.compile(_EXIT.pattern + r"|类似|相似|不同于|相比|\bsimilar to\b|\bunlike\b|\bcompared (?:with|to)\b|\bversus\b|"
                   r"\bvs\.?\s|终止|取消|结束|\bended\b|\bcancel\w*|\bsold\b|\bsale\b|\bsell\w*|出售|转让|卖给|授权给|"
                   r"\blicen[cs]\w* (?:\w+ )*?to\b|\bout-licen\w*|\bdivest\w*|\bacquir\w*|\bbought\b|\bbuy\w*|收购|并购|买下")
# A procedure the patients had, not the product's modality ("造血幹細胞移植後").
_PROCEDURE = re.compile(r"\s*(?:移植|transplant)")


def _codes(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _CODE.finditer(text) if not _NOT_CODE.match(m.group(0))]


def product_spans(text: str, ms: Sequence[_M], brands: Sequence[_M] = ()) -> list[tuple[int, int]]:
    """Where the sentence names a product: development codes and brands, none inside another mention.

    Args:
        text: the sentence.
        ms: its mentions (a code inside a company or term name is that name's).
        brands: the names the mention finder read as products or platforms in this sentence.
    """
    spans = {(b.start, b.end) for b in brands if not re.search(r"\s+(?:platform|technology|system)\b",
                                                                 text[b.end:b.end + 14], re.IGNORECASE)}
    for a, b in _codes(text):
        if not any(m.start < b and a < m.end for m in ms if not m.pronoun):
            spans.add((a, b))
    return sorted(spans)


def _owner(folded: str, comps: Sequence[_M], a: int, b: int) -> _M | None:
    """The company that owns the product at ``a:b``, by the words that join them, or None."""
    before = [m for m in comps if m.end <= a]
    if before:
        m = before[-1]
        gap = folded[m.end:a]
        if _OWNER_GAP.fullmatch(gap) or re.fullmatch(r",\s*whose\s+(?:[\w-]+\s+){0,3}", gap):
            return m
    # "X is advancing P", "X推進P": the company that opens the sentence works on what its verb names.
    if before and before[0].start <= 3 and len({m.iri for m in comps}) == 1:
        verb = _DEVELOP.search(folded, before[0].end, a)
        if verb is not None and re.fullmatch(r"[^,，;；]{0,30}", folded[before[0].end:a]):
            return before[0]
    after = _OWNER_AFTER.match(folded, b)
    if after is not None:
        dev = next((c for c in comps if c.start == after.end()), None)
        if dev is not None and _DEVELOPER_TAIL.match(folded, dev.end):
            return dev
    return None


def _ancestors(iri: str, broader: Mapping[str, set[str]]) -> set[str]:
    out: set[str] = set()
    todo = [iri]
    while todo:
        for parent in broader.get(todo.pop(), ()):
            if parent not in out:
                out.add(parent)
                todo.append(parent)
    return out


def rule_product_scope(text: str, folded: str, ms: list[_M], brands: Sequence[_M], add: SentenceAdd,
                       broader: Mapping[str, set[str]] | None = None) -> None:
    """Give a product's owner the modality and indication the sentence states of the product.

    "Brightwater Bio's BWB-310, an allogeneic CAR-T for lupus, …", "HLV-201 (Halvorsen Therapeutics) is an
    autologous CAR-T cell therapy for multiple myeloma", "候選藥物QL-7由青嶺生技開發，是一款CAR-NK細胞療法，
    適應症為急性骨髓性白血病", "QL-101（澜川基因开发的AAV基因疗法）用于治疗血友病B".

    Args:
        text: the sentence.
        folded: the sentence folded (:func:`.patterns._fold`), offsets aligned with ``text``.
        ms: the sentence's mentions.
        brands: the names read as products in this sentence.
        add: records a fact of the sentence.
        broader: SKOS broader links; a term whose narrower term the product's words also name is dropped
            ("a TIL therapy for melanoma, a skin cancer" targets melanoma, not cancer).
    """
    comps = [m for m in ms if m.kind == COMPANY and not m.affiliate_of and not m.appositive and not m.pronoun]
    if not comps:
        return
    spans = product_spans(text, ms, brands)
    for i, (a, b) in enumerate(spans):
        owner = _owner(folded, comps, a, b)
        if owner is None or owner.org_type != COMPANY:
            continue
        # The product's words: from the owner (or the product) to the next product, the next other company,
        # or the end of the statement.
        start = min(owner.start, a)
        end = len(folded)
        stop = _SCOPE_END.search(folded, b)
        if stop is not None:
            end = stop.start()
        if i + 1 < len(spans):
            end = min(end, spans[i + 1][0])
        other = next((m for m in comps if m.iri != owner.iri and m.start >= b and m.start < end), None)
        if other is not None:
            end = other.start
        if any(m.iri != owner.iri and start < m.start < a for m in comps):
            continue  # "X's partner Y's P": the nearest name is not clearly the owner
        window = folded[max(0, start - 20):end]
        if _STOP.search(window) or _HEDGE.search(_window(folded, 0, start, end)) or _WORK_OFF.search(window) \
                or _WORK_SHUT.search(window):
            continue
        inside = [o for o in ms if not o.pronoun and start <= o.start and o.end <= end
                  and not owner.start <= o.start < owner.end]
        wider = set().union(*(_ancestors(o.iri, broader) for o in inside)) if broader else set()
        for o in inside:
            if o.iri in wider:
                continue
            if o.kind == MODALITY and not _PROCEDURE.match(folded, o.end):
                add(owner.iri, "develops", o.iri, "product-scope", 0.65)
            elif o.kind == INDICATION:
                add(owner.iri, "targets", o.iri, "product-scope", 0.65)
