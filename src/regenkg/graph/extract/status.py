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
from collections.abc import Sequence
from dataclasses import replace

from ...records import Sentence
from ..deals import KIND_OF, Deal, DealKind, DealStatus
from .mentions import _M
from .patterns import _DENIED_BACK, _REJECTED_BACK, COMPANY, _fold

# A noun that points back at a deal, and the kinds it can name (empty: any kind).
_DEAL_NOUN: tuple[tuple[re.Pattern[str], frozenset[DealKind]], ...] = (
    (re.compile(r"\b(?:the|that|this|its|their|such an?|an?)\s+(?:[\w$.-]+\s+){0,3}?(?:acquisition|merger|takeover|"
                r"buyout|bid|offer)s?\b|收购案|并购案|收购计划|并购计划|(?:该|此|这项|这笔|上述)(?:收购|并购)"),
     frozenset({"Acquisition", "Option"})),
    (re.compile(r"\b(?:the|that|this|its|their)\s+(?:[\w-]+\s+){0,3}?(?:collaboration|partnership|alliance|"
                r"co-development|research pact)s?\b|(?:该|此|这项|这个|上述|双方的?)(?:合作|联盟|结盟)|"
                r"(?:终止|结束|中止|解除)(?:了)?(?:双方的?)?(?:合作|联盟|结盟)|(?:合作|联盟)(?:关系)?(?:已|宣告|正式)?"
                r"(?:终止|结束|告终|破局|中止)"), frozenset({"Collaboration", "JointVenture", "Licence", "Option"})),
    (re.compile(r"\b(?:the|that|this|its|their)\s+(?:[\w-]+\s+){0,3}?licen[cs](?:e|ing)(?:\s+(?:agreement|deal|pact))?s?\b|"
                r"(?:该|此|这项|上述|双方的?)(?:授权|许可)"), frozenset({"Licence"})),
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
                    r"\breturned (?:\w+ )?rights\b|\bhanded back\b|\bopted out\b|\bparted ways\b|\bblocked\b|"
                    r"\bwithdr[ae]w\w*|\bno longer\b|退回|交还|归还|撤回|未能完成|未获批准|遭(?:到)?(?:否决|阻止|驳回)")
_DENIED = re.compile(r"\bden(?:ied|ies|y|ying)\b|\bdismiss(?:ed|es)\b|\brefut\w*|\bno (?:such )?(?:deal|talks|plans?)\b|"
                     r"\bnot (?:in talks|true|accurate)\b|否认|驳斥|澄清|辟谣|不实|并无此事|无此事|不属实|纯属臆测|"
                     r"\bbaseless\b|\bunfounded\b|\bfalse\b")
_UNCONFIRMED = re.compile(r"\b(?:declin\w*|refus\w*|would not|did not|won't|didn't) (?:to )?(?:comment|confirm)\b|"
                          r"\bno comment\b|\bunconfirmed\b|\bnot (?:been )?confirmed\b|\byet to (?:be )?confirm\w*|"
                          r"不予?评论|不评论|不予置评|未予?证实|未获证实|不予证实|尚未证实|未经证实|未回应|不回应|"
                          r"尚未获得证实|仍待证实")


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


def carry_status(sents: Sequence[Sentence], mentions: Sequence[Sequence[_M]],
                 deals: Sequence[Deal]) -> tuple[list[Deal], set[tuple[str, str, str, int]]]:
    """Deals with the status later sentences give them, and the direct edges (subject, predicate, object,
    sentence id) that are no longer positive.

    Args:
        sents: the batch's sentences, in document order.
        mentions: each sentence's mentions (pronouns already resolved).
        deals: every deal the sentences state, in the order found.
    """
    order = {s.id: i for i, s in enumerate(sents)}
    out = list(deals)
    dropped: set[tuple[str, str, str, int]] = set()
    for i, sent in enumerate(sents):
        folded = _fold(sent.text)
        status = _status_of(folded)
        if status is None:
            continue
        named = {m.iri for m in mentions[i] if m.kind == COMPANY and not m.affiliate_of}
        kinds = [k for pat, k in _DEAL_NOUN if pat.search(folded)]
        own = [d for d in out if d.sentence_id == sent.id and d.positive]
        earlier = [(j, d) for j, d in enumerate(out) if d.doc_id == sent.doc_id and d.positive
                   and order.get(d.sentence_id, i) < i
                   and not any(_parties(o) == _parties(d) for o in own)]
        chosen: list[int] = []
        for j, d in earlier:
            if len(named & _parties(d)) >= 2:
                chosen.append(j)
        if not chosen and kinds:
            fits = [j for j, d in earlier if any(not k or d.kind in k for k in kinds)
                    and named <= _parties(d) | {m.iri for m in mentions[i] if m.pronoun}]
            with_party = [j for j in fits if named & _parties(out[j])]
            pick = with_party or (fits if not named else [])
            if pick:
                last = max(order[out[j].sentence_id] for j in pick)
                chosen = [j for j in pick if order[out[j].sentence_id] == last]
        for j in chosen:
            d = out[j]
            out[j] = replace(d, status=status, status_sentence_id=sent.id)
            pred = next(p for p, (kind, _, _) in KIND_OF.items() if kind == d.kind) if d.kind != "Option" else None
            if pred is None:
                continue
            a, b = d.parties[0][1], d.parties[1][1]
            dropped |= {(a, pred, b, d.sentence_id), (b, pred, a, d.sentence_id)}
    return out, dropped
