"""The company a subjectless sentence continues when the sentence before it stated no fact of any (coref2, #12).

"Halvane agreed to buy Quorix in a deal that could be worth $2bn. The CAR-T programme is in a phase 1 trial
in lupus." — no deal rule read the purchase (so no fact was just stated of anyone), yet the trial is Quorix's. :func:`continued_company` names that company
for :func:`.coref.mark_implicit`; :func:`.implicit.rule_implicit_subject` still decides, with all its guards,
whether the sentence states the company's work at all. Only develops/targets come of it, never a deal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ...records import Sentence
from .mentions import _M
from .patterns import _ACQ_ACTIVE, _ACQ_PASSIVE, _HEDGE, COMPANY, _fold

# A sentence that ends like one; a heading or title does not ("## Pipeline", "Quillon Bio: an overview").
_FINAL = re.compile(r"[.!?。！？；;…」』”\"')）]\s*$")


def same_paragraph(prev: Sentence, sent: Sentence) -> bool:
    """Whether ``sent`` follows ``prev`` inside one paragraph: same document, at most one character between them
    (a space; a paragraph break is a blank line), and ``prev`` is a sentence, not a heading."""
    return prev.doc_id == sent.doc_id and 0 <= sent.start - prev.end <= 1 and bool(_FINAL.search(prev.text))


def continued_company(prev: Sentence | None, sent: Sentence, prev_ms: Sequence[_M]) -> frozenset[str]:
    """The company the previous sentence was about, when a purchase makes it plain which: the last company
    named other than the buyer (the first one named), one written after the verb first — the business bought
    is the one whose work is described next.

    Nothing across a paragraph or heading break, and nothing after a sentence without a purchase verb: a lone
    company the sentence only mentions ("Quorix was founded in 2019.") is too weak a guess (measured on dev:
    no gain), and after "A partnered with B" whose programme follows is not plain.
    """
    if prev is None or not same_paragraph(prev, sent):
        return frozenset()
    cands = [m for m in prev_ms if m.kind == COMPANY and m.org_type == COMPANY and not m.pronoun
             and not m.appositive and not m.affiliate_of]
    if not cands:
        return frozenset()
    folded = _fold(prev.text)
    verb = _ACQ_ACTIVE.search(folded)
    if verb is None or _ACQ_PASSIVE.search(folded) or _HEDGE.search(folded, 0, verb.end()):
        # "Quorix was bought by Halvane": the first named is the one bought, not the buyer; "is in talks to
        # buy", "could buy": no purchase is stated (a hedge after the verb is the price's: "could be worth").
        return frozenset()
    # The buyer is the sentence's subject, named first; the business bought is another one, written after the
    # verb ("…agreed to buy Quorix") or before it ("…paid $1bn for Quorix, agreeing to buy the company").
    others = [m for m in cands if m.iri != cands[0].iri]
    after = [m for m in others if m.start >= verb.end()]
    return frozenset({(after or others)[-1].iri}) if others else frozenset()
