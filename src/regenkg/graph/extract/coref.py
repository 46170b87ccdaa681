"""Coreference inside a document: the sentence topic, and what "it", "該公司", "the Boston biotech" stand for."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from .mentions import _M
from .patterns import (
    _ACQ_ACTIVE,
    _DEFINITE,
    _GRANT_TO,
    _HEDGE,
    _MID_PRONOUN,
    _PRONOUN,
    _TERM_ANAPHOR,
    _ZH_ZERO,
    COMPANY,
    INDICATION,
    MODALITY,
    _fold,
)


def solid(m: _M) -> bool:
    """Whether a company mention is sure enough to be what a pronoun stands for: a curated name, a name of
    several words or in Han script, a pronoun itself, or one its apposition describes ("EsoBiotec, a lentiviral
    delivery specialist based in Belgium, …") — not a lone capitalised word ("Kymriah")."""
    return m.curated or " " in m.surface or not m.surface.isascii() or m.pronoun or bool(m.described)


# A time or sequence adverbial and its comma opening a sentence ("2023年5月，", "In 2021,", "此外，").
_TIME_LEAD = re.compile(r"^\s*(?:(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?(?:初|底|中|時|时)?|今年|去年|近日|日前|近期|此外|另外|同時|同时|"
                        # relative time: "一年後", "兩個月后", "數年後", "隨後"; "A year later", "Two months later"
                        r"[一二兩两三四五六七八九十數数半幾几\d]+(?:個|个)?(?:年|月|週|周|星期|天)多?(?:後|后)|"
                        r"隨後|随后|之後|之后|其後|其后|此後|此后|"
                        r"(?:In|By|Since|Earlier in|Later in) (?:\d{4}|(?:early|late|mid-)\s*\d{4})|Meanwhile|Separately|"
                        r"(?:A|One|Two|Three|Several|A few) (?:years?|months?|weeks?) later|Later|"
                        r"Earlier this year|Last year)\s*[,，]\s*")


def topic(text: str, ms: list[_M]) -> _M | None:
    """The company a sentence is about: one named at its very start."""
    for m in ms:
        if m.kind == COMPANY and not m.affiliate_of:
            solid_ = solid(m)
            lead = _TIME_LEAD.sub("", text[:m.start])
            # "A month later Capstan was snapped up…", "2023年，晴禾生技…": a short adverbial may open the sentence;
            # a company after a colon opens a list ("報告把這個族群寫成：X、Y…"), not the sentence's topic.
            opener = m.start <= 3 or (m.start <= 30 and not re.search(
                r"[,，;；:：]|\b(?:by|with|from|of|to|for|and|than)\s*$|[与和从向被由将與從將]\s*$", lead))
            if not (opener and solid_):
                return None
            # "金斯瑞旗下的传奇生物开发…", "Gilead's unit Kite …": the unit the sentence goes on about.
            unit = next((n for n in ms if n.kind == COMPANY and n.start >= m.end and n.iri != m.iri), None)
            if unit is not None and solid(unit) and _UNIT_OF.fullmatch(text, m.end, unit.start):
                return unit
            return m
    return None


_UNIT_OF = re.compile(r"\s*(?:旗下(?:的)?|[’']s?\s+(?:unit|subsidiary|affiliate))\s*")


def described(phrase: str, prev_ms: Sequence[_M], prev: _M | None, types: Mapping[str, str]) -> _M | None:
    """"The Seattle biotech", "The Boston drugmaker": the last company named before that the description fits.

    One described with those words ("Quillon Bio, a Seattle developer…", "Seattle-based Quillon") first;
    else one of the right kind — a drugmaker is a pharma, a biotech is not the big pharma that bought it;
    else the previous sentence's topic.
    """
    words = phrase.split()
    # h/rd3: "The Cambridge, Massachusetts-based company": the place words, without punctuation and "-based"
    noun, marks = words[-1].lower(), [re.sub(r"-based$", "", w.strip(",.")) for w in words[1:-1]]
    cands = [m for m in prev_ms if m.kind == COMPANY and not m.appositive and not m.pronoun]
    named = [m for m in cands if any(w in m.described for w in marks)]
    if named:
        return named[-1]

    def pharma(m: _M) -> bool:
        return types.get(m.iri) == "PharmaCompany" or bool(
            re.search(r"\bPharma(?:ceuticals?)?\b|製藥|制药|藥業|药业", m.surface))

    if noun in _UNIT_NOUNS:
        # "The unit": the company described as a unit, else one named before that is not the topic (its parent).
        units = [m for m in cands if re.search(rf"\b{noun}\b", m.described, re.IGNORECASE)]
        others = [m for m in cands if prev is None or m.iri != prev.iri]
        return units[-1] if units else others[-1] if others else prev
    want = noun in ("drugmaker", "pharma", "group")
    kind = [m for m in cands if pharma(m) == want]
    if kind and (not want or prev is None or not pharma(prev)):
        return kind[-1]
    return prev


_ZH_OPENER = re.compile(r"^\s*((?:该|这家|这间|此)(?:[^，。,;；：:]{0,30}?)(?:公司|企业|新创|药厂|药企|集团|业者|厂商|团队|"
                        r"开发商|制造商|供应商|大厂|生技厂|厂(?![商房区])|子公司|母公司)"
                        r"|(?:它|其)(?=[a-z0-9])"
                        # h/rec6p: a bare "公司" opening a press release's sentence is the company it is about
                        # ("公司已與北城醫院合作…", "公司表示…"), not the start of a compound ("公司法", "公司治理").
                        r"|公司(?=先是|首先|以|斥资|随后|随即|又|再度|曾|更|则|早在|已|将|也|亦|并|目前|今年|此前|同时|日前|近期|近日|表示|指出|宣布|预计|计划|拟|正|还|再|与|和|携手|联手|"
                        r"通过|透过|旗下|自主|获得|取得|于|在|的(?!法|治理)))")
_UNIT_NOUNS = ("unit", "subsidiary", "division", "arm")
# "the NK cell therapy developer", "該CAR-T新創": a description naming a modality stands for the company
# that develops it.
_MODALITY_DESC = re.compile(
    r"\bthe\s+(?:[\w-]+\s+){1,4}?(?:developer|maker|specialist|company|biotech|firm|start-?up|player)\b"
    r"|(?:该|这家|此)[^，。,;；、]{2,12}?(?:开发商|公司|企业|新创|药企|厂商)", re.IGNORECASE)


def resolve_developer_descriptions(text: str, ms: list[_M], developers: Mapping[str, _M]) -> None:
    """"…partnered with the NK cell therapy developer": the company an earlier sentence said develops the
    modality the description names (changed in place; the modality mention inside it goes).

    Args:
        text: the sentence.
        ms: its mentions, before pronoun resolution.
        developers: modality IRI -> the company last stated to develop it in this document.
    """
    if not developers:
        return
    for dm in _MODALITY_DESC.finditer(_fold(text)):
        a, b = dm.span()
        inner = [m for m in ms if m.kind == MODALITY and a <= m.start and m.end <= b]
        if not inner or any(m.kind != MODALITY and m.start < b and a < m.end for m in ms):
            continue
        if a <= 3 or re.search(r"[,，]\s*$", text[:a]):
            continue  # the sentence's opener, or an apposition describing the company just named
        owner = developers.get(inner[-1].iri)
        if owner is None or any(m.iri == owner.iri and not m.pronoun for m in ms):
            continue
        for m in inner:
            ms.remove(m)
        ms.append(_M(a, b, owner.iri, COMPANY, text[a:b], owner.curated, pronoun=True))
    ms.sort(key=lambda m: m.start)


# "X's allogeneic CAR-T HB-7", "X將旗下異體CAR-T療法CP-201授權給Y", "X licensed its TCR-T HB-7": the company
# written before the product with a possessive (and a few words describing the product) owns it.
_POSSESSOR_GAP = re.compile(r"(?:'s|’s|(?<=s)'|(?<=s)’)\s+(?:[\w-]+\s+){0,4}|"
                            r"\s*(?:(?:将|把|也|已|将其|把其)\s*)?(?:旗下的?|的|其)\s*[^,，;；。、与和]{0,16}|"
                            r"\s+(?:[\w-]+\s+){0,2}?(?:its|their)\s+(?:[\w-]+\s+){0,4}")


def possessor(text: str, companies: Sequence[_M], p: _M) -> _M | None:
    """The company written right before the product ``p`` with a possessive, or None."""
    if not text:
        return None
    before = [m for m in companies if m.end <= p.start and not m.pronoun]
    folded = _fold(text)
    if not before or not _POSSESSOR_GAP.fullmatch(folded, before[-1].end, p.start):
        return None
    if "其" in folded[before[-1].end:p.start] and _GRANT_TO.search(folded, max(0, before[-1].start - 5),
                                                                              before[-1].start):
        return None  # "授予Y其自主研發的P": 其 is the grantor's, not Y's
    return before[-1]


def link_products(ms: list[_M], products: Sequence[_M], known: dict[str, _M], text: str = "") -> None:
    """A product or platform name belongs to the company named nearest to it where it is first read as one
    ("Velorix, the approved CAR-T therapy of Halvorsen", "Halvorsen's Velorix"); afterwards the name is never
    a company itself ("Velorix sales doubled" makes no company Velorix), and in a sentence that names no
    company it stands for its owner ("Velorix is approved for multiple myeloma" is Halvorsen's fact).

    Args:
        ms: the sentence's mentions after pronoun resolution (changed in place).
        products: the names :meth:`~.mentions.MentionFinder.find` read as products in this sentence.
        known: folded product name -> owner mention, carried through the document.
        text: the sentence; a company written before the product with a possessive owns it, else the
            company named nearest to it.
    """
    taken = [m for m in ms if m.kind == COMPANY and not m.curated and not m.pronoun and _fold(m.surface) in known]
    for m in taken:
        ms.remove(m)
    if not products and not taken:
        return
    companies = [m for m in ms if m.kind == COMPANY]
    for p in [*products, *taken]:
        key = _fold(p.surface)
        owner = known.get(key)
        if owner is None and companies:
            owner = possessor(text, companies, p) or min(
                companies, key=lambda m: min(abs(m.start - p.end), abs(p.start - m.end)))
            known[key] = owner
        elif owner is not None and not companies:
            ms.append(_M(p.start, p.end, owner.iri, COMPANY, p.surface, owner.curated, pronoun=True))
    ms.sort(key=lambda m: m.start)


# coref2: a product or drug named by description only ("这款产品", "該款藥物", "该药", "此款疗法").
_PRODUCT_ANAPHOR = re.compile(r"(?:这款|這款|该款|該款|此款|这项|這項|该项|該項)(?:疗法|療法|产品|產品|药物|藥物|新药|新藥|"
                              r"候选药物|候選藥物|细胞疗法|細胞療法)|(?:该|該)(?:产品|產品|药物|藥物|新药|新藥)")


def resolve_term_anaphora(text: str, ms: list[_M], last: _M | None) -> None:
    """"…授權給Y，Y將推進該療法", "这款产品": the modality named last in the document (changed in place)."""
    if last is None:
        return
    spans = sorted([*_TERM_ANAPHOR.finditer(text), *_PRODUCT_ANAPHOR.finditer(text)], key=lambda t: t.start())
    for tm in spans:
        a, b = tm.start(), tm.end()
        if any(m.start < b and a < m.end for m in ms):
            continue
        before = [m for m in ms if m.kind == MODALITY and m.end <= a and not m.pronoun]
        ref = before[-1] if before else last
        ms.append(_M(a, b, ref.iri, MODALITY, text[a:b], True, pronoun=True))
    ms.sort(key=lambda m: m.start)


# h/anaph: a sentence that names no company continues one of the previous sentence.
IMPLICIT = "ImplicitSubject"
"""The kind of the zero-width mention a sentence without any company gets (never a company to other rules)."""

def implicit_antecedent(prev_ms: Sequence[_M], related: Collection[str], targets: Collection[str] = ()) -> _M | None:
    """The company a sentence naming none continues: the last one the previous sentence both named and stated
    a fact of ("…partnered with Quillon Bio to develop CAR-T. The programme is in a phase 1 trial…" is
    Quillon's). A company the previous sentence only mentions, or one named further back, is too weak a
    guess: without a fact just read about it, a subjectless sentence is as often a remark about the field.

    h/anaph2: after an acquisition ("Halvane agreed to buy Quillon Bio. The CAR-T programme is in a phase 1 trial…"), the
    work described next is the acquired company's — what the buyer paid for — so a target named in the
    previous sentence comes first (``targets``: the companies it said were acquired).
    """
    # coref2: a target is a company by the purchase itself, even as a lone capitalised word ("…buy Quorix").
    named = [m for m in prev_ms if (m.kind == COMPANY and m.org_type == COMPANY and not m.pronoun
                                    and (solid(m) or m.iri in targets)
                                    or m.kind == IMPLICIT) and not m.appositive and not m.affiliate_of
             and (m.iri in related or m.iri in targets)]
    bought = [m for m in named if m.iri in targets and m.kind == COMPANY]
    return bought[-1] if bought else named[-1] if named else None


# coref2: what may follow a lone capitalised name bought ("…buy Quorix for $1bn", "…buy Quorix, a Seattle
# biotech"), so that "…buy Zolgensma rights" names no company bought.
_NAME_END = re.compile(r"\s*(?:[,，;；.。(（]|(?:for|in|at|last|this|on)\b|$)")


def bought_names(text: str, ms: Sequence[_M]) -> frozenset[str]:
    """h/rd: the companies a sentence says are being bought, by its words alone ("X agreed to buy Y for $1bn",
    "X以…收購Y"), when no deal rule read the deal: the company right after an acquisition verb (up to three
    words between: "buy Boston-based biotech Y", never "from"/"with"/"by"), with no hedging or denial up to that name ("in a deal that could be worth up to $2bn" hedges the
    price, not the purchase). The next sentence's subjectless work is theirs."""
    folded = _fold(text)
    out = set()
    for verb in _ACQ_ACTIVE.finditer(folded):
        nxt = next((m for m in ms if m.start >= verb.end()), None)
        if nxt is not None and nxt.kind == COMPANY and nxt.org_type == COMPANY and not nxt.pronoun and \
                re.fullmatch(r"\s*(?:(?!(?:from|with|and|by)\b)[\w$.-]+\s+){0,3}|[^,，;；。\s]{0,6}的?\s*",
                             folded[verb.end():nxt.start]) and (solid(nxt) or _NAME_END.match(folded, nxt.end)) \
                and not _HEDGE.search(folded, 0, nxt.end):
            out.add(nxt.iri)
    return frozenset(out)


def mark_implicit(ms: list[_M], prev_ms: Sequence[_M], related: Collection[str],
                  targets: Collection[str] = ()) -> None:
    """Give a sentence that names no company, no pronoun and at least one term an :data:`IMPLICIT` subject
    (changed in place).

    Args:
        ms: the sentence's mentions.
        prev_ms: the previous sentence's.
        related: the IRIs the previous sentence stated a fact of (as subject).
        targets: the IRIs the previous sentence said were acquired (h/anaph2).
    """
    if any(m.kind in (COMPANY, IMPLICIT) for m in ms) or not any(m.kind in (MODALITY, INDICATION) for m in ms):
        return
    ref = implicit_antecedent(prev_ms, related, targets)
    if ref is not None:
        ms.insert(0, _M(0, 0, ref.iri, IMPLICIT, "", ref.curated, pronoun=True))


# "The therapy", "The lead candidate", "該療法", "这款产品": a sentence about a product it does not name.
_PRODUCT_OPENER = re.compile(r"\s*(?:the|its)\s+(?:[\w-]+\s+){0,3}?(?:therapy|treatment|drug|product|candidate|medicine|"
                             r"programme|program|asset)\b|\s*(?:该|这款|这一|此|这个|其)[^，。,;；]{0,8}?(?:疗法|药物|产品|候选药物|"
                             r"候选产品|管线|新药)", re.IGNORECASE)


def mark_product_opener(text: str, ms: list[_M], developers: Mapping[str, _M], last_modality: _M | None) -> None:
    """A sentence that opens with a product it does not name ("The therapy was approved for …", "該療法獲批
    用於…") is about the company last said to develop the modality it names, else the last modality read.

    The subject is an :data:`IMPLICIT` mention whose surface is "product" (changed in place): unlike the one
    :func:`mark_implicit` gives, it holds in a clause that names other companies ("The therapy, partnered with
    Y in Europe, …"), since the description already tells whose product the clause is about.

    Args:
        text: the sentence.
        ms: its mentions after pronoun and term anaphora resolution.
        developers: modality IRI -> the company last stated to develop it in this document.
        last_modality: the modality named last before this sentence.
    """
    folded = _fold(text)
    lead = _TIME_LEAD.match(folded)
    at = lead.end() if lead else 0
    pm = _PRODUCT_OPENER.match(folded, at)
    if pm is None or any(m.kind in (COMPANY, IMPLICIT) and m.start < pm.end() for m in ms):
        return
    if any(m.kind == COMPANY and re.fullmatch(r"\s*(?:of|from|by|developed by|made by|owned by)\s+(?:the\s+)?",
                                             folded[pm.end():m.start]) for m in ms if m.start >= pm.end()):
        return  # "The CAR-T therapy of X …": the product's owner is written
    inner = [m for m in ms if m.kind == MODALITY and pm.start() <= m.start and m.end <= pm.end()]
    mod = inner[-1] if inner else last_modality
    owner = developers.get(mod.iri) if mod is not None else None
    if owner is not None:
        ms.insert(0, _M(0, 0, owner.iri, IMPLICIT, "product", owner.curated, pronoun=True))


# A verb of taking right before "its"/"其": "…partnered with Y to use its platform", "X取得其技術" — the
# possessor is the party taken from (the last one named), not the sentence's subject.
TAKE = re.compile(r"\b(?:use|using|access|accessing|leverage|leveraging|license|licensing|in-license|tap|tapping|"
                   r"gain(?:ing)? access to|access to|rights to|adopt|adopting)\s*$|(?:利用|使用|获得|取得|引进|引入|采用)\s*$")


# Between a company and a definite description: the company's own verb taking it as its object.
_TAKES_OBJECT = re.compile(r"\s+(?:(?:has|have|had|will|would|is|was|agreed|plans?|offered|moved|said it would)\s+(?:to\s+)?)?"
                           r"(?:acquir\w*|buy(?:s|ing)?|bought|purchas\w*|tak(?:e|es|ing) over|snap(?:s|ped)? up|"
                           r"licen[cs]\w*|partner\w* with|collaborat\w* with|invest\w* in)\s+")
# Between a company and a pronoun: reported speech ("Amgen said it would …", "Y announced that its …").
_SAID_IT = re.compile(r"\s+(?:also\s+)?(?:said|says|announced|confirmed|stated|added|noted|disclosed|told \w+)\s+"
                      r"(?:on \w+\s+)?(?:that\s+)?")


def resolve_pronoun(text: str, ms: list[_M], prev: _M | None, prev_ms: Sequence[_M],
                    types: Mapping[str, str], related: Collection[str] = (),
                    targets: Collection[str] = ()) -> None:
    """"It was bought by …" / "該公司…": the pronoun stands for the previous sentence's topic.

    ``related`` (the IRIs the previous sentence stated a fact of) lets a sentence naming no company at all
    continue one of them (:func:`mark_implicit`); ``targets`` (the companies it said were acquired) are
    preferred there.
    """
    # "該公司2023年…", "這家位於台中的新創…", "該生技公司…": a Chinese description opening the sentence,
    # whatever follows it (the shared _PRONOUN wants a Han character or a space after it).
    pm = _PRONOUN.match(text) or _ZH_OPENER.match(_fold(text))
    span = (pm.start(1), pm.end(1)) if pm else None
    if pm and span and pm.re is _ZH_OPENER:
        # "這家由北辰大學衍生的新創": the university inside describes the company, it fills no slot itself
        # (the spin-out rule still reads it as the parent).
        for m in ms:
            if m.kind == COMPANY and span[0] <= m.start < span[1]:
                m.appositive = True
    if pm and (re.match(r"The (?:(?:[A-Z][A-Za-z.-]+|[a-z]+-[a-z]+),? ){1,3}", pm.group(1)) or pm.group(1).split()[-1].lower() in _UNIT_NOUNS):
        prev = described(pm.group(1), prev_ms, prev, types)
    if prev is not None and prev.org_type != COMPANY:
        # "該公司", "it": a company, not the hospital or university named last ("…與北辰大學合作。該公司…").
        prev = next((m for m in reversed(prev_ms) if m.kind == COMPANY and m.org_type == COMPANY
                     and not m.appositive and solid(m)), prev)
    if prev is not None and pm is None:
        zero = _ZH_ZERO.match(_fold(text))
        if zero and re.match(r"[^，,。；;]{0,30}的(?:企业|公司|厂商|药企|业者)(?:包括|有|如)", _fold(text)):
            zero = None  # "布局NK細胞療法的企業包括X、Y": the verb describes the companies listed, not a subject
        if zero and not any(m.kind == COMPANY and m.start < zero.end() for m in ms):
            # "…。專注於間質幹細胞療法，…" / "並與台大醫院合作…": a Chinese sentence that opens with its
            # predicate has the previous sentence's topic as its subject (zero anaphora).
            ms.insert(0, _M(0, 0, prev.iri, COMPANY, "", prev.curated, pronoun=True))
    if prev is not None and span and not any(m.start < span[1] and (m.kind == COMPANY and not m.appositive
                                                                     or m.start < span[0]) for m in ms):
        ms.insert(0, _M(span[0], span[1], prev.iri, COMPANY, text[span[0]:span[1]], prev.curated, pronoun=True))
    # "…a collaboration with the Boston biotech": the last company named before it, else the topic.
    for dm in _DEFINITE.finditer(text):
        if dm.start() <= 3 or any(m.start < dm.end() and dm.start() < m.end for m in ms):
            continue
        before = [m for m in ms if m.kind == COMPANY and m.end <= dm.start() and not m.appositive]
        first = before[0] if before else None
        # "…with the Boston biotech": not the sentence's own subject. "…，該公司已…": the company just named.
        english = dm.group(0)[:1].isascii()
        cand = [m for m in before if first is None or m.iri != first.iri or not english]
        ref = cand[-1] if cand else prev
        if english and ref is not None and before and ref is before[-1] and _TAKES_OBJECT.fullmatch(text, ref.end, dm.start()):
            # "Shares of X jumped after Y agreed to acquire the company": Y's object is not Y; it is X.
            ref = next((m for m in reversed(before[:-1]) if m.iri != ref.iri), None) or prev
        if ref is not None:
            ms.append(_M(dm.start(), dm.end(), ref.iri, COMPANY, text[dm.start():dm.end()], ref.curated,
                         pronoun=True))
    # "…, and it will pay …", "…，它也…", "…, its lead programme …": a pronoun inside the sentence stands
    # for the company the sentence opened with, else for the previous sentence's topic.
    for pm2 in _MID_PRONOUN.finditer(text):
        g = 1 if pm2.group(1) else 2
        a, b = pm2.start(g), pm2.end(g)
        if a <= 3 and not re.fullmatch(r"[^,，]{1,3}[,，]\s*", text[:a]) or any(m.start < b and a < m.end for m in ms):
            continue  # h/rd3: after a short lead-in ("此外，其…", "據悉，其…") it is no opening pronoun
        # A lone capitalised word is a company here only as the sentence's opening subject ("EsoBiotec … its").
        # h/prec3: within its own clause ("…; Y will keep developing its …" is Y's, not the sentence opener's).
        stop = max(text.rfind(c, 0, a) for c in ";；")
        before = [m for m in ms if m.kind == COMPANY and stop < m.start and m.end <= a and not m.appositive
                  and not m.affiliate_of and (solid(m) or m.start <= 3 or m.start <= stop + 3)]
        ref = before[0] if before else prev
        if before and _SAID_IT.fullmatch(text, before[-1].end, a):
            ref = before[-1]  # "… after Amgen said it would buy …": the speaker
        elif len({m.iri for m in before}) > 1 and g == 1 and TAKE.search(_fold(text), max(0, a - 24), a):
            ref = before[-1]  # h/anaph: "A partnered with B to use its platform": B's
            if not re.search(r"\b(?:with|from|to|by)\s+(?:the\s+)?$", text[max(0, ref.start - 12):ref.start]) \
                    and re.match(r"\s+(?:has\s+|have\s+|will\s+)?(?:agreed|agrees|offered|paid|pays|will pay|"
                                 r"obtained|acquired|bought|secured|won|took|gained)\b", text[ref.end:a]):
                # "X rose after Y agreed to pay … for rights to its programme": Y takes; the rights are another's
                ref = next((m for m in reversed(before) if m.iri != ref.iri), ref)
        if ref is not None:
            ms.append(_M(a, b, ref.iri, COMPANY, text[a:b], ref.curated, pronoun=True))
    mark_implicit(ms, prev_ms, related, targets)  # h/anaph2: targets
    ms.sort(key=lambda m: m.start)
