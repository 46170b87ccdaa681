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

from .clauses import SentenceAdd, _subject_list, _window
from .coref import IMPLICIT, possessor, solid
from .mentions import _M
from .names import NOT_NAME
from .patterns import _DEVELOP, _EXIT, _GRANT_TO, _HEDGE, _WORK_OFF, _WORK_SHUT, COMPANY, INDICATION, MODALITY, PRODUCT, _fold

# A development code: letters, an optional hyphen, digits ("HLV-201", "CT041", "LB2102", "NTLA-2001").
# Antigens, genes and cytokines look alike ("CD19", "IL-6", "PD-1", "SMN1"), so a code needs three digits
# or a hyphen (and is not one of those families).
_CODE = re.compile(r"(?<![A-Za-z0-9-])(?:[A-Z]{2,6}[a-z]?-\d{1,5}|[A-Z]{2,6}\d{3,5})(?:[A-Z]|-\d{1,3})?(?![A-Za-z0-9-])")
_NOT_CODE = re.compile(r"(?:CD|IL|PD|HLA|COVID|SARS|CTLA|HER|FGF|VEGF|TGF|TNF|ISO|GMP|NCT|EU|US|USD|RMB|NT|Q|H|FY)-?\d",
                       re.IGNORECASE)
# INN stems of cell and gene therapies and the Chinese generic-name endings: "tisagenlecleucel", "obe-cel",
# "onasemnogene abeparvovec", "…仑赛注射液" (the end is the anchor; the owner's possessive reaches over the stem).
_INN = re.compile(r"\b[a-z]{4,}(?:leucel|temcel|parvovec|repvec|gene [a-z]+(?:vec|cel))\b|\b[a-z]{2,6}-cel\b|"
                  r"仑赛(?:注射液)?|注射液")
# A product noun right after its owner's possessive: "X's lead candidate", "X旗下的CAR-T產品".
_NOUN = re.compile(r"\b(?:candidates?|assets?|products?|therap(?:y|ies)|programmes?|programs?|drugs?|medicines?|"
                   r"treatments?)\b|候选药物|候选药|候选产品|产品|药物|新药|疗法|管线")
# Between owner and product: "X's lead CAR-T candidate ", "X旗下的CAR-T產品", "X的" (≤ 40 characters, no comma).
_OWNER_GAP = re.compile(r"(?:'s|’s|(?<=s)'|(?<=s)’)\s+[^,;:()（）]{0,40}?|\s*(?:旗下的?|的)\s*[^,，;；、()（）]{0,24}?")
# h/rd: an apposition or relative clause naming the company as the product's maker: "Y, maker of P",
# "Y, the developer of P", "Y, which markets P", "Y, whose approved therapy P".
_MAKER_GAP = re.compile(r"\s*,\s*(?:(?:(?:an?|the)\s+)?(?:[\w-]+\s+){0,2}?(?:maker|developer|manufacturer|owner|"
                        r"marketer|inventor|creator|seller)s?\s+of|(?:which|that|who)\s+(?:also\s+)?(?:makes|made|markets|"
                        r"marketed|sells|sold|developed|develops|owns|launched|discovered))\s+(?:the\s+)?")
# "X與Y醫院合作(開發)的CAR-T產品": a partner hospital or school between the owner and the product.
_PARTNER_GAP = re.compile(r"\s*(?:合作|共同|联合)(?:开发|研发)?的\s*[^,，;；、()（）]{0,24}?")
# "X said its …", "X宣布，其…": a possessive pronoun standing for the company just named.
_ITS_GAP = re.compile(r"[^;；。()（）]{0,16}?(?:\bits\b|其)\s*[^,，;；、()（）]{0,30}?")
# After the product: the owner in brackets or named as its developer.
_OWNER_AFTER = re.compile(r"\s*(?:[(（]\s*|,\s*(?:developed|discovered|made|engineered|created|invented) by\s+|"
                          r"(?:是)?由\s*)")
_DEVELOPER_TAIL = re.compile(r"\s*(?:[)）]|(?:自主|独立)?(?:开发|研发|研制|打造)|[,，]|'s|’s|的|$)")
# Where a product's words stop: another sentence-level statement.
_SCOPE_END = re.compile(r"[;；。]|\b(?:while|whereas|unlike|but)\b|但是|然而|不过|相比之下")
# Said of the product, these end or deny the work or make it another's: the product gives nothing.
_STOP = re.compile(_EXIT.pattern + r"|类似|相似|不同于|相比|\bsimilar to\b|\bunlike\b|\bcompared (?:with|to)\b|\bversus\b|"
                   r"\bvs\.?\s|终止|取消|结束|\bended\b|\bcancel\w*")
# A deal: before the product it changes hands ("X sold P"), the deal rules' business; after it ("X's P, a
# CAR-T for lupus, was bought by Y") the words up to the deal's clause still describe the product.
_DEAL = re.compile(r"\bsold\b|\bsale\b|\bsell\w*|出售|转让|卖给|授权|许可|\blicen[cs]\w* (?:\w+ )*?to\b|\bout-licen\w*|"
                   r"\bdivest\w*|\bacquir\w*|\bbought\b|\bbuy\w*|收购|并购|买下")
# A procedure the patients had, not the product's modality ("造血幹細胞移植後").
_PROCEDURE = re.compile(r"\s*(?:移植|transplant)")


# A target antigen read as a name ("Claudin18.2 CAR-T", "GPC3", "B7-H3"): it develops nothing.
_ANTIGEN = re.compile(r"(?:[A-Za-z]{2,8}-?\d{1,2}(?:\.\d)?|[A-Z]\d-?[A-Z]\d)")


def antigen_like(m: _M) -> bool:
    """A discovered "company" (or a pronoun standing for one) that is a target antigen's name."""
    local = m.iri.rsplit("/", 1)[-1]
    return not m.curated and bool(_ANTIGEN.fullmatch(m.surface) or re.fullmatch(r"[a-z]{2,8}-?\d{1,2}(?:-\d)?", local))


def _codes(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _CODE.finditer(text) if not _NOT_CODE.match(m.group(0))]


def product_spans(text: str, ms: Sequence[_M], brands: Sequence[_M] = (), folded: str = "") -> list[tuple[int, int]]:
    """Where the sentence names a product: development codes, INN stems and brands, none inside another mention.

    Args:
        text: the sentence.
        ms: its mentions (a code inside a company or term name is that name's).
        brands: the names the mention finder read as products or platforms in this sentence.
        folded: the folded sentence, for INN stems and Chinese generic names (none read when empty).
    """
    spans = {(b.start, b.end) for b in brands if not re.search(r"\s+(?:platform|technology|system)\b",
                                                                 text[b.end:b.end + 14], re.IGNORECASE)}
    found = _codes(text) + [(m.start(), m.end()) for m in _INN.finditer(folded)]
    for a, b in found:
        if not any(m.start < b and a < m.end for m in ms if not m.pronoun):
            spans.add((a, b))
    return sorted(spans)


def possessed_names(folded: str, ms: Sequence[_M], comps: Sequence[_M]) -> list[tuple[_M, _M]]:
    """"X's Lumora, an allogeneic CAR-T for lupus": a discovered name owned by a company and described as a
    therapy is X's product, not a company (pairs of product and owner)."""
    out = []
    for owner, m in zip(comps, comps[1:]):
        if m.curated or m.pronoun or owner.iri == m.iri or not _POSSESSIVE.fullmatch(folded, owner.end, m.start):
            continue
        desc = re.match(r"\s*(?:[(（][^()（）]{0,30}[)）]\s*)?(?:,\s*(?:an?|the|its)\s|[(（])[^,;()（）]{0,60}", folded[m.end:])
        note = re.match(r"\s*[(（][^()（）]{1,40}[)）]", folded[m.end:])
        if desc and (_NOUN.search(desc.group(0)) or any(
                o.kind == MODALITY and m.end + desc.start() <= o.start < m.end + desc.end() for o in ms)) \
                or _PRODUCT_PREDICATE.match(folded, m.end) or note is not None and any(  # h/rd: "X's P (lymphoma)"
                    o.kind == INDICATION and m.end <= o.start < m.end + note.end() for o in ms):
            out.append((m, owner))
        elif (aim := _PRODUCT_AIM.match(folded, m.end)) is not None and any(
                o.kind == INDICATION and o.start == aim.end() for o in ms):
            out.append((m, owner))  # h/rec6t: "recommended X's P for patients with I", "X的P用於治療I"
    return out


def _grantor(folded: str, comps: Sequence[_M], at: int) -> _M | None:
    """"X授予諾華其CAR-T產品QH-101…": the code after 其 is the grantor's, the company before the one granted to."""
    to = next((m for m in reversed(comps) if m.end <= at and not m.pronoun), None)
    if to is None or "其" not in folded[to.end:at] or not _GRANT_TO.search(folded, max(0, to.start - 5), to.start):
        return None
    return next((m for m in reversed(comps) if m.end <= to.start and m.iri != to.iri), None)


def code_owners(text: str, ms: list[_M], known: dict[str, _M]) -> None:
    """A development code is its owner's in the rest of the document: "X將旗下…療法CP-201授權給Y。CP-201適應症為I"
    states X's indication. The owner is the company written before the code with a possessive
    (:func:`.coref.possessor`), else the only company of the sentence; a later sentence that names no company and writes
    the code gets the owner as a mention there (changed in place), as :func:`.coref.link_products` does for
    brands.
    """
    spans = [(a, b) for a, b in _codes(text) if not any(m.start < b and a < m.end for m in ms)]
    if not spans:
        return
    comps = [m for m in ms if m.kind == COMPANY and not m.affiliate_of and not m.appositive]
    for a, b in spans:
        key = _fold(text[a:b])
        code = _M(a, b, "", PRODUCT, text[a:b], curated=False)
        owner = known.get(key)
        if owner is None and comps:
            owner = possessor(text, comps, code) or _grantor(_fold(text), comps, a) or (
                comps[0] if len({m.iri for m in comps}) == 1 and comps[0].org_type == COMPANY and solid(comps[0])
                else None)
            if owner is not None and owner.org_type == COMPANY:
                known[key] = owner
        elif owner is not None and not any(not m.pronoun for m in comps):
            # "CP-201適應症為I": the code, not the subject coreference guessed for the sentence, is its owner
            for m in [m for m in ms if m.kind in (COMPANY, IMPLICIT) and m.pronoun and m.end <= a]:
                ms.remove(m)
            ms.append(_M(a, b, owner.iri, COMPANY, text[a:b], owner.curated, pronoun=True))
    ms.sort(key=lambda m: m.start)


def remember_owned_names(folded: str, ms: Sequence[_M], known: dict[str, _M]) -> None:
    """h/rec6t: a discovered name a sentence writes as a company's product (:func:`possessed_names`) is that
    company's product in the rest of the document too ("X's Zelvora, a CAR-T … . Zelvora is approved for I":
    X targets I), through the product table :func:`.coref.link_products` reads (``known``, changed in place)."""
    comps = [m for m in ms if m.kind == COMPANY and not m.affiliate_of and not m.appositive and not m.pronoun]
    for p, owner in possessed_names(folded, ms, comps):
        if owner.org_type == COMPANY and not antigen_like(owner):
            known.setdefault(_fold(p.surface), owner)


# h/rd: the owner's possessive before a discovered name: "X's", "X的", "X旗下(的)".
_POSSESSIVE = re.compile(r"(?:'s|’s|(?<=s)'|(?<=s)’)\s+|\s*(?:旗下的?|的)\s*")
# h/rd: what only a product is said to be or get, right after its name (a parenthesis may come first): "X's P
# became the first CRISPR therapy", "X's P was approved for …", "X的P（…）獲批用於…", "X的P是一款…".
_PRODUCT_PREDICATE = re.compile(
    r"\s*(?:[(（][^()（）]{0,30}[)）]\s*)?(?:,\s*)?(?:(?:is|was|became|becomes|remains|has become)\s+(?:an?|the)\s+"
    r"(?:first\s+|only\s+|second\s+)?(?:[\w-]+\s+){0,3}?(?:therapy|treatment|drug|product|medicine|gene therapy|cell therapy)\b|"
    r"(?:is|was|has been|were|won|received|gained)\s+(?:\w+\s+)?(?:approved|cleared|authori[sz]ed|approval|clearance)\b|"
    r"(?:获批|获准|核准|批准|是一款|是一种|为一款|为一种|已获))")


# h/rec6t: what a product is for, right after its name: "for (the treatment of / patients with) I", "用於治療I".
_PRODUCT_AIM = re.compile(
    r"\s*(?:[(（][^()（）]{0,40}[)）]\s*)?(?:,\s*)?(?:(?:for|to treat|against)\s+(?:the\s+treatment\s+of\s+)?"
    r"(?:(?:adult|paediatric|pediatric|adolescent)?\s*(?:patients|adults|children|people)\s+with\s+)?"
    r"(?:(?:relapsed|refractory|or|and|/|severe|advanced|early-stage|inherited|rare)[\s/]+){0,4}|"
    r"(?:用于|适用于|获批用于|获准用于)(?:治疗)?\s*(?:复发|难治|或|性|/|晚期|成人|儿童)*)")


def _owner(folded: str, comps: Sequence[_M], a: int, b: int, noun: bool = False, code: bool = False,
           ms: Sequence[_M] = ()) -> _M | None:
    """The company that owns the product at ``a:b``, by the words that join them, or None.

    A product noun (``noun``: "candidate", "產品") has an owner only through a possessive; a development code
    (``code``) in a sentence with a single firm company belongs to it.
    """
    before = [m for m in comps if m.end <= a]
    firms = [m for m in before if m.org_type == COMPANY]
    if firms:
        m = firms[-1]
        # "青嶺生技與台大醫院合作的CAR-T產品": a hospital or school partner in between leaves the owner.
        between = [o for o in before if o.start >= m.end]
        if _OWNER_GAP.fullmatch(folded, m.end, a) or not noun and re.fullmatch(
                r",\s*whose\s+(?:[\w-]+\s+){0,3}", folded[m.end:a]):
            return m
        if _MAKER_GAP.fullmatch(folded, m.end, a):
            return m  # h/rd: "Y, maker of P", "Y, which markets P", "Y, the developer of P"
        if between and re.fullmatch(r"\s*(?:与|和|同|跟)", folded[m.end:between[0].start]) and \
                _PARTNER_GAP.fullmatch(folded, between[-1].end, a):
            return m
        # "X宣布，其自主研發的…產品P", "X said its lead candidate P": its owner is the company the clause is about.
        if not between and _ITS_GAP.fullmatch(folded, m.end, a) and len({f.iri for f in firms}) == 1:
            return m  # with two companies before it, whose "its" is the deal's question
    if noun:
        return None
    # "X is advancing P", "X推進P": the company that opens the sentence works on what its verb names.
    if before and before[0].start <= 3 and len({m.iri for m in before}) == 1:
        verb = _DEVELOP.search(folded, before[0].end, a)
        gap = re.sub(r"^\s*,\s*(?:an?|the)\s[^,;]{0,60},", " ", folded[before[0].end:a])  # "X, a Boston biotech, is …"
        if verb is not None and re.fullmatch(r"[^,，;；]{0,30}", gap):
            return before[0]
    after = _OWNER_AFTER.match(folded, b)
    if after is not None:
        dev = next((c for c in comps if c.start == after.end()), None)
        if dev is not None and _DEVELOPER_TAIL.match(folded, dev.end):
            return dev
    # "MT-101, Marlowe Therapeutics' TCR-T therapy, …": the owner's possessive in the apposition.
    app = re.match(r"\s*[,，]\s*", folded[b:])
    if app is not None:
        dev = next((c for c in comps if c.start == b + app.end()), None)
        if dev is not None and re.match(r"(?:'s|’s|(?<=s)'|(?<=s)’)\s", folded[dev.end:dev.end + 3]):
            return dev
    # h/rnd2: "Velorix, the approved CAR-T cell therapy of Halvorsen, …": the owner after "of" in the apposition.
    app = re.match(r"\s*,\s*(?:the|an?)\s+[^,;()]{0,50}?\b(?:of|from)\s+", folded[b:])
    if app is not None and (_NOUN.search(app.group(0)) or any(
            o.kind == MODALITY for o in ms if b < o.start < b + app.end())):
        dev = next((c for c in comps if c.start == b + app.end()), None)
        if dev is not None and re.match(r"\s*(?:[,;.]|$)", folded[dev.end:dev.end + 2]):
            return dev
    # A development code in a sentence that names one company, firmly: that company's.
    if code and len({m.iri for m in comps}) == 1 and solid(comps[0]) and comps[0].org_type == COMPANY:
        return comps[0]
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
    # A development code named earlier stands for its owner here (:func:`code_owners`): "FW-220 is an allogeneic
    # γδ T cell therapy" is the owner's product.
    standins = [m for m in ms if m.kind == COMPANY and m.pronoun and _CODE.fullmatch(m.surface)]
    comps = [m for m in ms if m.kind == COMPANY and not m.affiliate_of and not m.appositive and not m.pronoun]
    if not comps and not standins:
        return
    owned = dict((id(p), o) for p, o in possessed_names(folded, ms, comps))
    comps = [m for m in comps if id(m) not in owned]
    spans = product_spans(text, ms, brands, folded)
    fixed = {(p.start, p.end): o for p in ms if (o := owned.get(id(p))) is not None}
    fixed.update({(m.start, m.end): m for m in standins})
    comps += standins
    nouns = [(n.start(), n.end()) for n in _NOUN.finditer(folded)
             if not any(m.start < n.end() and n.start() < m.end for m in ms)]
    spans = sorted(set(spans) | set(fixed) | set(nouns))
    codes = set(_codes(text))
    owners = [fixed.get((a, b)) or _owner(folded, comps, a, b, noun=(a, b) in nouns and (a, b) not in fixed,
                                          code=(a, b) in codes, ms=ms) for a, b in spans]
    _shared_apposition(text, folded, ms, comps, spans, owners, add)
    for i, (a, b) in enumerate(spans):
        owner = owners[i]
        if owner is None or owner.org_type != COMPANY or antigen_like(owner):
            continue
        # The product's words: from the owner (or the product) to the next product of another owner (or of
        # none: a code or brand, not a noun such as "該藥物"), the next other company, or the end of the statement.
        start = min(owner.start, a)
        end = len(folded)
        stop = _SCOPE_END.search(folded, b)
        if stop is not None:
            end = stop.start()
        last = b
        for (na, nb), nown in zip(spans[i + 1:], owners[i + 1:]):
            if re.fullmatch(r"\s*[(（]\s*", folded[last:na]):
                last = nb
                continue  # "Amtagvi (lifileucel)", "CT041（舒瑞基奧侖賽）": the same product, twice named
            if nown is not None and nown.iri != owner.iri or nown is None and (na, nb) not in nouns:
                end = min(end, na)
                break
        other = next((m for m in comps if m.iri != owner.iri and m.start >= b and m.start < end), None)
        if other is not None:
            end = other.start
        if any(m.iri != owner.iri and start < m.start < a and m.org_type == COMPANY for m in comps):
            continue  # "X's partner Y's P": the nearest name is not clearly the owner
        deal = _DEAL.search(folded, max(0, start - 20), end)
        if deal is not None and (deal.start() < b or not re.search(r"[,，]", folded[b:deal.start()])):
            continue  # "X sold P", "X將其P出售給Y", "P was sold to Y": the product itself changes hands
        if deal is not None:
            end = deal.start()
        window = folded[max(0, start - 20):end]
        # "拟用于治疗…" says what a product is for, not a plan that may not happen.
        hedged = _HEDGE.search(re.sub(r"拟(?=用于|治疗|开发)", " ", _window(folded, 0, start, end)))
        if _STOP.search(window) or hedged or _WORK_OFF.search(window) \
                or _WORK_SHUT.search(window):
            continue
        inside = [o for o in ms if not o.pronoun and start <= o.start and o.end <= end
                  and not owner.start <= o.start < owner.end]
        wider = set().union(*(_ancestors(o.iri, broader) for o in inside)) if broader else set()
        # "X、Y的CAR-T產品": every company of the list owns the product; "分別/respectively" pairs the
        # indications with them one by one, which the treat rules read.
        group = [c for c in _subject_list(folded, comps, owner.end, 0) if c.org_type == COMPANY] \
            if owner.end <= a else [owner]
        respectively = bool(re.search(r"分别|\brespectively\b", window))
        for o in inside:
            if o.iri in wider or any(c.start <= o.start < c.end for c in group):
                continue
            for c in group or [owner]:
                if o.kind == MODALITY and not _PROCEDURE.match(folded, o.end):
                    add(c.iri, "develops", o.iri, "product-scope", 0.65)
                elif o.kind == INDICATION and not respectively:
                    add(c.iri, "targets", o.iri, "product-scope", 0.65)


# h/rnd2: "X's P and Y's Q, both CAR-T cell therapies, …": an apposition that every listed product shares.
_SHARED = re.compile(r"(?:\s*[,，]\s*(?:both|all|each)\b|\s*[,，]?\s*(?:两者)?(?:皆为|均为|都是|同为))\s*[^,，;；。()（）]{0,80}")
_LIST_JOIN = re.compile(r"\s*(?:,\s*and|,|and|&|、|与|和|及)\s*")


def _shared_apposition(text: str, folded: str, ms: Sequence[_M], comps: Sequence[_M], spans: Sequence[tuple[int, int]],
                       owners: Sequence[_M | None], add: SentenceAdd) -> None:
    """Each owner of a list of products followed by "both/all M" develops M (and targets its indication).

    A capitalised word right after a company's possessive ("Novartis's Kymriah") counts as that company's
    product here, where the shared apposition says what it is.
    """
    found = dict(zip(spans, owners))
    for c in comps:
        w = re.match(r"(?:(?:'s|’s|(?<=s)'|(?<=s)’)\s+|\s*的\s*)([A-Z][A-Za-z0-9-]{2,})(?![A-Za-z0-9-])", text[c.end:])
        if w is not None:
            a, b = c.end + w.start(1), c.end + w.end(1)
            # a discovered "company" of exactly that span is the possessor's product here ("諾華的Kymriah")
            if not any(m.start < b and a < m.end and (m.curated or m.kind != COMPANY or (m.start, m.end) != (a, b))
                       for m in ms) and w.group(1).lower() not in NOT_NAME:
                found.setdefault((a, b), c)
    spans = sorted(found)
    owners = [found[sp] for sp in spans]
    for k, (a, b) in enumerate(spans):
        app = _SHARED.match(folded, b)
        if app is None or owners[k] is None:
            continue
        listed = [k]
        while listed[0] > 0:
            j = listed[0] - 1
            nxt_start = min(spans[listed[0]][0], *(o.start for o in [owners[listed[0]]] if o is not None))
            if owners[j] is None or not _LIST_JOIN.fullmatch(folded, spans[j][1], nxt_start):
                break
            listed.insert(0, j)
        body = folded[app.start():app.end()]
        if len(listed) < 2 or _STOP.search(body) or _HEDGE.search(body) or _DEAL.search(body):
            continue
        for o in ms:
            if o.pronoun or not (app.start() <= o.start and o.end <= app.end()):
                continue
            for j in listed:
                own = owners[j]
                if own is None or own.org_type != COMPANY or antigen_like(own):
                    continue
                if o.kind == MODALITY:
                    add(own.iri, "develops", o.iri, "product-list", 0.65)
                elif o.kind == INDICATION:
                    add(own.iri, "targets", o.iri, "product-list", 0.65)


def rule_develops_purpose(folded: str, ms: list[_M], developed: Sequence[tuple[str, str]], add: SentenceAdd,
                          broader: Mapping[str, set[str]] | None = None) -> None:
    """The indication named right after a modality a company develops is the company's target.

    "X推進其異體CAR-T，適應症為狼瘡", "X develops allogeneic CAR-T cells, initially in lupus": once the
    sentence says X develops M, an indication that follows M closely (≤ 60 characters, the same statement,
    no company or other modality between: "licensed M from X for I" is the licensee's aim) is what X develops M for.

    Args:
        folded: the folded sentence.
        ms: its mentions.
        developed: (company IRI, modality IRI) pairs the sentence's rules found.
        add: records a fact of the sentence.
        broader: SKOS broader links; an indication a narrower one in the sentence specifies is skipped.
    """
    if re.search(r"分别|\brespectively\b", folded):
        return  # the n-th company's indication is the n-th one: the treat rules pair them
    wider = set().union(*(_ancestors(m.iri, broader) for m in ms if m.kind == INDICATION)) if broader else set()
    for comp, mod_iri in developed:
        for mod in (m for m in ms if m.kind == MODALITY and m.iri == mod_iri and not m.pronoun):
            for ind in (m for m in ms if m.kind == INDICATION and not m.pronoun and mod.end <= m.start <= mod.end + 60
                        and m.iri not in wider):
                gap = folded[mod.end:ind.start]
                if _SCOPE_END.search(gap) or _STOP.search(gap) or _HEDGE.search(gap) or any(
                        (o.kind == COMPANY and (o.curated or o.surface != o.surface.lower())
                         or o.kind == MODALITY and o.iri != mod_iri) and mod.end <= o.start < ind.start
                        for o in ms):
                    continue
                add(comp, "targets", ind.iri, "develops-purpose", 0.6)



def owners_of_listed(folded: str, ms: Sequence[_M], cs: int, end: int) -> list[_M]:
    """h/rec6t: the owners of a list of owned modalities before ``end``, in order: "X的A與Y的B分別用於…",
    "X's A and Y's B are used respectively in …" give [X, Y] (an empty list unless every item is "owner's M")."""
    pairs: list[tuple[_M, _M]] = []
    for c in (m for m in ms if m.kind == COMPANY and cs <= m.start and m.end <= end and not m.pronoun):
        mod = next((o for o in ms if o.kind == MODALITY and o.start >= c.end), None)
        if mod is None or mod.end > end or not _POSSESSIVE.fullmatch(folded, c.end, mod.start):
            continue
        if pairs and not re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|and|、|与|和|及)\s*", folded[pairs[-1][1].end:c.start]):
            return []
        pairs.append((c, mod))
    return [c for c, _ in pairs] if len(pairs) > 1 else []


def respective_owners(folded: str, ms: Sequence[_M], comps: Sequence[_M], cs: int, end: int) -> list[_M]:
    """The companies a "respectively" clause pairs with its objects: the subject list before the last company
    ("X、Y的CAR-T產品分別用於A與B"), else the owners of a list of owned modalities ("X的A與Y的B分別用於A與B")."""
    listed = _subject_list(folded, list(comps), comps[-1].end, cs)
    if len(listed) < 2 and re.search(r"分别|\brespectively\b", folded[cs:end]):
        return owners_of_listed(folded, ms, cs, end) or listed
    return listed


def opening_list(folded: str, cms: list[_M], cs: int, comp: _M) -> list[_M]:
    """h/rec6t: the companies of the list that opens the clause (or the words after a comma) and ends in ``comp``
    ("X and Y won approval for P in I", "此外，X與Y聯合開發的P獲批用於I": both), else ``comp`` alone."""
    listed = [m for m in _subject_list(folded, cms, comp.end, cs) if m.end <= comp.end]
    if len(listed) < 2 or listed[-1] is not comp or not re.search(r"(?:^|[,，;；:：])\s*$", folded[cs:listed[0].start]):
        return [comp]
    return [m for m in listed if m.org_type == COMPANY] or [comp]


# h/rec6t: a product noun right after a modality ("CAR-T產品", "基因療法", "NK細胞候選藥物").
_ZH_PRODUCT_NOUN = re.compile(r"\s*(?:细胞)?(?:疗法|产品|管线|候选药物|候选产品|新药|药物|平台)")


def juxtaposed_owner(folded: str, m: _M, mod: _M) -> bool:
    """"青嶺生技CAR-T產品", "X基因療法": a Chinese company name written right before a modality that a product
    noun ends (or that is itself a therapy's name) owns it, as with 的."""
    return bool(re.search(r"[\u4e00-\u9fff]$", m.surface)) and (
        bool(_ZH_PRODUCT_NOUN.match(folded, mod.end)) or bool(re.search(r"疗法|治疗$", folded[mod.start:mod.end])))
