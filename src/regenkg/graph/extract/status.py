"""Document-level deal status: a later sentence that ends, denies or calls unconfirmed a deal named earlier.

"Marlowe agreed to buy Quillon. In May the deal was terminated." states no acquisition, although the first
sentence alone does. A sentence refers back to an earlier deal when it names two of its parties, or names a
deal noun ("the deal", "the collaboration", "該交易", "雙方…合作") and at most parties of that deal; the
deal then takes the status the sentence gives it (the most recent matching deal when no party is named),
keeps both sentences as evidence, and its direct edge is dropped. A sentence that states its own positive
deal between the same parties ("…completed the acquisition") is a new fact, not a status of the old one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

from ...records import Relation, Sentence
from ..deals import KIND_OF, Deal, DealKind, DealStatus, parse_amount
from .mentions import _M
from .products import _ancestors
from .patterns import (_DENIED_BACK, _EXIT, _REJECTED_BACK, _WORK_OFF, _WORK_SHUT, COMPANY, INDICATION, MODALITY,
                       _fold)

# A noun that points back at a deal, and the kinds it can name (empty: any kind).
_DEAL_NOUN: tuple[tuple[re.Pattern[str], frozenset[DealKind]], ...] = (
    (re.compile(r"\b(?:the|that|this|its|their|such an?|an?)\s+(?:[\w$.-]+\s+){0,3}?(?:acquisition|merger|takeover|"
                r"buyout|bid|offer)s?\b|收购案|并购案|收购计划|并购计划|(?:该|此|这项|这笔|上述)(?:收购|并购)"),
     frozenset({"Acquisition", "Option", "Merger"})),
    (re.compile(r"\b(?:the|that|this|its|their)\s+(?:[\w-]+\s+){0,3}?(?:collaboration|partnership|alliance|"
                r"co-development|research pact)s?\b|(?:该|此|这项|这个|上述|双方的?)(?:合作|联盟|结盟)|"
                r"(?:终止|结束|中止|解除)(?:了)?(?:双方的?)?(?:合作|联盟|结盟)|(?:合作|联盟)(?:关系)?(?:已|宣告|正式)?"
                r"(?:终止|结束|告终|破局|中止)|"
                # "终止与Y（在M上）的合作": the pair's collaboration
                r"(?:终止|结束|中止|解除)(?:了)?[与和同跟][^,，;；。]{1,30}?的(?:合作|联盟|结盟)"), frozenset({"Collaboration", "JointVenture", "Licence", "Option"})),
    (re.compile(r"\b(?:the|that|this|its|their)\s+(?:[\w-]+\s+){0,3}?licen[cs](?:e|ing)(?:\s+(?:agreement|deal|pact))?s?\b|"
                r"(?:该|此|这项|上述|双方的?)(?:授权|许可)|"
                # h/deals3: rights handed back ("Y later returned the rights", "Y已歸還相關權利")
                r"\b(?:returned|regained|handed back|gave back|reacquired)\b[^.;]{0,20}?\brights?\b|"
                r"\b(?:handed|gave|given|handing|giving)\s+(?:the|its|all|those)?\s*(?:[\w-]+\s+)?rights?\s+back\b|"
                r"(?:归还|交还|收回|取回|退还)[^。；]{0,12}?(?:权利|权益)"), frozenset({"Licence"})),
    (re.compile(r"\b(?:the|that|this|its|their)\s+(?:[\w$.-]+\s+){0,3}?(?:deal|agreement|transaction|pact|talks|"
                r"negotiations|tie-up)s?\b|(?:该|此|这项|这笔|该笔|上述|整起|这起)(?:交易|协议|合约|案子|案)|"
                r"交易(?:已|宣告|正式)?(?:终止|取消|告吹|破局|中止)|(?:终止|取消|中止|解除)(?:了)?(?:这项|该|此|双方的?)?"
                r"(?:交易|协议|合约)|双方"), frozenset()),
    (re.compile(r"\b(?:the|that|this|these|those|such)\s+(?:[\w-]+\s+){0,2}?(?:reports?|rumou?rs?|speculation|"
                r"claims?|news)\b|(?:该|此|上述|相关|市场|这则|这些)(?:传闻|消息|报导|报道|传言)|此事"), frozenset()),
)
# What the later sentence says of it (folded text).
_ENDED = re.compile(r"终止|结束|取消|告吹|破局|中止|解除|解约|分手|喊停|叫停|告终|划下句点|画下句点|分道扬镳|"
                    r"\bterminat\w*|\bcancel\w*|\bcalled off\b|\bcall(?:s|ing)? off\b|\bscrapp\w*|\bended\b|\bends\b|"
                    r"\bunwound\b|\bwound down\b|\bwalked away\b|\bwalk(?:s|ing)? away\b|\bcollaps\w*|\bfell through\b|"
                    r"\bfell apart\b|\babandon\w*|\bpulled out\b|\bexpired\b|\blapsed\b|\bregained (?:\w+ )?rights\b|"
                    r"\breturned (?:\w+ )?rights\b|\bhanded back\b|\b(?:handed|gave|given) (?:the |its |all )?(?:\w+ )?rights? back\b|\bopted out\b|\bparted ways\b|\bblocked\b|"
                    r"\bwithdr[ae]w\w*|\bno longer\b|退回|交还|归还|撤回|未能完成|未获批准|遭(?:到)?(?:否决|阻止|驳回)")
_DENIED = re.compile(r"\bden(?:ied|ies|y|ying)\b|\bdismiss(?:ed|es)\b|\brefut\w*|\bno (?:such )?(?:deal|talks|plans?)\b|"
                     r"\bnot (?:in talks|true|accurate)\b|否认|驳斥|澄清|辟谣|不实|并无此事|无此事|不属实|纯属臆测|"
                     r"\bbaseless\b|\bunfounded\b|\bfalse\b|"
                     # "a partnership, not an acquisition", "此次合作並非收購"
                     r"\b(?:not|rather than|instead of|short of)\s+(?:an?\s+)?(?:full\s+|outright\s+)?(?:acquisition|"
                     r"takeover|buyout|merger|purchase)\b|(?:并非|不是|而非|并不是|不涉及)(?:一项|一次)?(?:收购|并购)")
# "這是一筆授權交易，而不是併購": the denial names the acquisition; the licence the sentence speaks of stands.
_NOT_ACQUISITION = re.compile(r"\b(?:not|rather than|instead of|short of)\s+(?:an?\s+)?(?:full\s+|outright\s+)?(?:acquisition|"
                              r"takeover|buyout|merger|purchase)\b|(?:并非|不是|而非|并不是|不涉及)(?:一项|一次|一笔)?(?:收购|并购)")
_UNCONFIRMED = re.compile(r"\b(?:declin\w*|refus\w*|would not|did not|won't|didn't) (?:to )?(?:comment|confirm)\b|"
                          r"\bno comment\b|\bunconfirmed\b|\bnot (?:been )?confirmed\b|\byet to (?:be )?confirm\w*|"
                          r"不予?评论|不评论|不予置评|未予?证实|未获证实|不予证实|尚未证实|未经证实|未回应|不回应|"
                          r"尚未获得证实|仍待证实")

# Said by sources, not by the parties, anywhere in the sentence ("据悉，…", "…, people familiar with the matter said").
_SOURCED = re.compile(r"据悉|据报|据报道|据知情人士|知情人士|消息人士|据媒体|据外媒|外媒报导|外媒报道|据传|"
                      r"\bpeople (?:familiar|close) (?:with|to)\b|\bsources? (?:said|say|says|told|familiar|close)\b|"
                      r"\baccording to (?:a |an |the )?(?:[\w-]+ ){0,3}?(?:reports?|sources?|people|media)\b|"
                      r"\bunnamed sources?\b|\b(?:reports?|reported) (?:by|in) (?:the )?[a-z]+\b")


def _status_of(folded: str) -> DealStatus | None:
    if _ENDED.search(folded):
        return "Terminated"
    if _DENIED.search(folded) or _DENIED_BACK.search(folded) or _REJECTED_BACK.search(folded):
        return "Denied"
    if _UNCONFIRMED.search(folded):
        return "Rumoured"
    return None


def _parties(deal: Deal) -> frozenset[str]:
    return frozenset(iri for _, iri in deal.parties)


# Deals about shared work: between two named parties, the returned rights of a collaboration end it too.
_WORK_DEALS = frozenset({"Collaboration", "JointVenture", "Licence", "Option"})


def _same_work(a: set[str], b: set[str], broader: Mapping[str, set[str]]) -> bool:
    """Whether two sentences' modalities can be one programme: either names none, or one term is the other's or
    lies under it ("CAR-T" and "allogeneic CAR-T"), not "NK" against "allogeneic CAR-T"."""
    if not a or not b:
        return True
    return any(x == y or x in _ancestors(y, broader) or y in _ancestors(x, broader) for x in a for y in b)


def carry_status(sents: Sequence[Sentence], mentions: Sequence[Sequence[_M]], deals: Sequence[Deal],
                 broader: Mapping[str, set[str]] | None = None) -> tuple[list[Deal], set[tuple[str, str, str, int]]]:
    """Deals with the status later sentences give them, and the direct edges (subject, predicate, object,
    sentence id) that are no longer positive.

    A sentence naming both parties ends only a deal its deal noun can name (ending "the collaboration" leaves
    the pair's sale or acquisition standing) and only one about the same work: "終止與Y在NK細胞療法上的合作"
    does not end the pair's licence of an allogeneic CAR-T.

    Args:
        sents: the batch's sentences, in document order.
        mentions: each sentence's mentions (pronouns already resolved).
        deals: every deal the sentences state, in the order found.
        broader: SKOS broader links between modalities (a narrower term is the same work as its parent).
    """
    broader = broader or {}
    order = {s.id: i for i, s in enumerate(sents)}
    mods = [{m.iri for m in ms if m.kind == MODALITY} for ms in mentions]
    out = list(deals)
    dropped: set[tuple[str, str, str, int]] = set()
    merged: set[str] = set()
    for i, sent in enumerate(sents):
        folded = _fold(sent.text)
        if _SOURCED.search(folded):
            for j, d in enumerate(out):
                if d.sentence_id == sent.id and d.positive and d.kind != "Option":
                    out[j] = replace(d, status="Rumoured")
                    dropped |= _edges(d)
        status = _status_of(folded)
        if status is None:
            continue
        named = {m.iri for m in mentions[i] if m.kind == COMPANY and not m.affiliate_of}
        kinds = [k for pat, k in _DEAL_NOUN if pat.search(folded)]
        only: frozenset[str] | None = None
        if status == "Denied" and _NOT_ACQUISITION.search(folded):
            only = frozenset({"Acquisition", "Option", "Merger"})  # h/deals3: only a takeover is denied
        own = [d for d in out if d.sentence_id == sent.id and d.positive]
        earlier = [(j, d) for j, d in enumerate(out) if d.doc_id == sent.doc_id and d.positive
                   and order.get(d.sentence_id, i) < i and (only is None or d.kind in only)
                   and not any(_parties(o) == _parties(d) for o in own)]
        chosen: list[int] = []
        for j, d in earlier:
            if (len(named & _parties(d)) >= 2 and (not kinds or any(not k or d.kind in k or d.kind in _WORK_DEALS
                                                                    and k & _WORK_DEALS for k in kinds))
                    and _same_work(mods[i], mods[order[d.sentence_id]] | ({d.asset} if d.asset else set()), broader)):
                chosen.append(j)
        if not chosen and kinds:
            fits = [j for j, d in earlier if any(not k or d.kind in k for k in kinds)
                    and named <= _parties(d) | {m.iri for m in mentions[i] if m.pronoun}
                    and _same_work(mods[i], mods[order[d.sentence_id]] | ({d.asset} if d.asset else set()), broader)]
            with_party = [j for j in fits if named & _parties(out[j])]
            pick = with_party or (fits if not named else [])
            if pick:
                last = max(order[out[j].sentence_id] for j in pick)
                chosen = [j for j in pick if order[out[j].sentence_id] == last]
        for j in chosen:
            d = out[j]
            out[j] = replace(d, status=status, status_sentence_id=sent.id)
            dropped |= _edges(d)
            # h/deals3: "2023年，雙方終止合作" also states its own ended deal; it is the earlier one's end.
            merged |= {o.iri for o in out if o.sentence_id == sent.id and not o.positive and o.kind == d.kind
                       and _parties(o) == _parties(d)}
    return [d for d in out if d.iri not in merged], dropped


def _edges(d: Deal) -> set[tuple[str, str, str, int]]:
    """The direct edge a positive deal gave (both orders: symmetric kinds are written either way)."""
    pred = next((p for p, (kind, _, _) in KIND_OF.items() if kind == d.kind), None)
    if pred is None or len(d.parties) < 2:
        return set()
    a, b = d.parties[0][1], d.parties[1][1]
    return {(a, pred, b, d.sentence_id), (b, pred, a, d.sentence_id)}


_SEGMENT = re.compile(r"[^,，;；。]+")


def ended_work(sents: Sequence[Sentence], mentions: Sequence[Sequence[_M]], relations: Iterable[Relation],
               narrower: Callable[[str], set[str]] = lambda iri: {iri}) -> set[tuple[str, str, str, int]]:
    """The ``develops`` edges of a document that a sentence of the same document ends.

    "青嶺生技開發CAR-T療法。… 青嶺生技已暫停CAR-T療法開發。": the work is paused, so neither sentence states a current
    programme. A sentence ends a company's work on a modality when the company is the only one it names and a
    stop word (halted, on hold, 暫停, 結束…業務, exited) stands in the same comma-delimited stretch as the modality.
    Leaving a field ends the work on every modality under it (``narrower``: the term and the terms below it):
    a company that winds down its cell therapy business no longer develops its CAR-T.
    """
    ended: dict[str, set[tuple[str, str]]] = {}
    rels = list(relations)
    for r in rels:
        if r.predicate == "exited":
            ended.setdefault(r.doc_id, set()).add((r.subject, r.object))
    for sent, ms in zip(sents, mentions):
        folded = _fold(sent.text)
        comps = {m.iri for m in ms if m.kind == COMPANY and not m.affiliate_of}
        if len(comps) != 1:
            continue
        (company,) = comps
        for seg in _SEGMENT.finditer(folded):
            part = seg.group(0)
            if not (_WORK_OFF.search(part) or _WORK_SHUT.search(part) or _EXIT.search(part) or "结束" in part):
                continue
            for m in ms:
                if m.kind == MODALITY and seg.start() <= m.start and m.end <= seg.end():
                    ended.setdefault(sent.doc_id, set()).add((company, m.iri))
    below = {doc: {(c, n) for c, m in pairs for n in narrower(m)} for doc, pairs in ended.items()}
    return {(r.subject, r.predicate, r.object, r.sentence_id) for r in rels
            if r.predicate == "develops" and (r.subject, r.object) in below.get(r.doc_id, set())}



# "X 把重心從 A 轉到 B", "从A转向B", "X shifted its focus from A to B", "pivoted from A to B": A is what X left.
_SHIFT_FROM = re.compile(
    r"(?:从|由)(?P<zh>[^,，;；。]{1,40}?)(?:转向|转到|转往|转移到|转移至|转至|转为|转进|转战)|"
    r"\b(?:shift(?:s|ed|ing)?|pivot(?:s|ed|ing)?|refocus(?:es|ed|ing|sed|sing)?|mov(?:es|ed|ing)|turn(?:s|ed|ing)|"
    r"switch(?:es|ed|ing)?|redirect(?:s|ed|ing)?)\b[^.;,]{0,40}?\baway from\b(?P<away>[^.;]{1,60}?)"
    r"(?=\b(?:to|toward|towards|into|and|in favou?r of)\b|[.;,]|$)|"
    r"\b(?:shift(?:s|ed|ing)?|pivot(?:s|ed|ing)?|refocus(?:es|ed|ing|sed|sing)?|mov(?:es|ed|ing)|turn(?:s|ed|ing)|"
    r"switch(?:es|ed|ing)?|redirect(?:s|ed|ing)?)\b[^.;,]{0,40}?\bfrom\b(?P<en>[^.;]{1,60}?)"
    r"\b(?:to|toward|towards|into)\b")


def shifted_away(sents: Sequence[Sentence], mentions: Sequence[Sequence[_M]],
                 relations: Iterable[Relation]) -> set[tuple[str, str, str, int]]:
    """The ``develops``/``targets`` edges a sentence gives for the field it says a company moved away from.

    "Halvane shifted its focus from lymphoma to lupus", "昱川生技把重心從淋巴瘤轉到狼瘡", "从肿瘤转向自身免疫病":
    lymphoma is no current target of that sentence; the field moved to still is. Only the sentence's own
    edges are dropped: another sentence that says the company works on the field keeps its fact.
    """
    left: set[tuple[int, str]] = set()
    for sent, ms in zip(sents, mentions):
        folded = _fold(sent.text)
        for sm in _SHIFT_FROM.finditer(folded):
            group = next(g for g in ("zh", "away", "en") if sm.group(g) is not None)
            a, b = sm.span(group)
            left |= {(sent.id, m.iri) for m in ms if m.kind in (MODALITY, INDICATION) and a <= m.start and m.end <= b}
    return {(r.subject, r.predicate, r.object, r.sentence_id) for r in relations
            if r.predicate in ("develops", "targets") and (r.sentence_id, r.object) in left}


# A sentence that gives the terms of a deal told just before ("根據合約，X將收取1,500萬美元簽約金", "Under the
# agreement, Y will pay $50 million upfront", "The deal is valued at $1.2 billion").
_TERMS = re.compile(r"根据(?:协议|合约|合同|协定|条款|约定)|依(?:据)?(?:协议|合约|合同)|协议(?:内容|条款)|交易(?:总额|金额|价值)|"
                    r"首付款|预付款|签约金|里程碑|\bunder the (?:terms of the )?(?:agreement|deal|terms|licen[cs]e)\b|"
                    r"\bthe (?:deal|agreement|transaction|acquisition|licen[cs]e)(?: is| was)? (?:valued|worth)\b|\bvaluing\b|\bper share\b|每股|"
                    r"\bupfront\b|\bup-front\b|\bmilestones?\b")


def carry_terms(sents: Sequence[Sentence], mentions: Sequence[Sequence[_M]], deals: Sequence[Deal]) -> list[Deal]:
    """Deals with the amount a following sentence of terms gives them, when their own sentence gave none.

    The sentence must state no deal of its own, carry a terms word and an amount, come at most two
    sentences after the deal in the same document, and name no company outside the deal's parties.
    The amount's sentence is kept (``terms_sentence_id``) as the deal's second evidence.
    """
    order = {s.id: i for i, s in enumerate(sents)}
    out = list(deals)
    own = {d.sentence_id for d in deals}
    for i, sent in enumerate(sents):
        if sent.id in own:
            continue
        folded = _fold(sent.text)
        if not _TERMS.search(folded):
            continue
        amount = parse_amount(folded, sent.lang)
        if amount is None:
            continue
        named = {m.iri for m in mentions[i] if m.kind == COMPANY and not m.affiliate_of}
        earlier = [(j, d) for j, d in enumerate(out) if d.doc_id == sent.doc_id and 0 < i - order.get(d.sentence_id, i) <= 2
                   and named <= _parties(d)]
        if not earlier:
            continue
        last = max(order[d.sentence_id] for _, d in earlier)
        chosen = [(j, d) for j, d in earlier if order[d.sentence_id] == last]
        if len(chosen) != 1 or chosen[0][1].amount is not None:
            continue  # two deals in that sentence, or it gave its own amount: the terms' deal is not clear
        j, d = chosen[0]
        out[j] = replace(d, amount=amount[0], currency=amount[1], amount_kind=amount[2], terms_sentence_id=sent.id)
    return out

