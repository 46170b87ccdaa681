"""The R&D frames read again on the main clause of "X, <closed modifier>, <predicate>" (see :mod:`.modifiers`).

"X, which was spun out of Y in 2019, is testing its CAR-T in lupus": read whole, the clause shows two companies
and a deal word, so the R&D rules stay silent or give X's work to Y; read without the modifier, it is X's.
"""

from __future__ import annotations

from .assets import rule_develops, rule_own, rule_place, rule_rnd_subject
from .clauses import Add, Clause
from .cooccur import rule_rnd_cooccur
from .modifiers import main_clause


def rule_main_clause(clause: Clause, add: Add) -> None:
    """The R&D and place frames, read again on the main clause of "X, <closed modifier>, <predicate>"."""
    found = main_clause(clause)
    if found is None:
        return
    masked, spans = found

    def add_main(s: str, p: str, o: str, rule: str, conf: float, span: tuple[int, int]) -> None:
        if p not in ("develops", "targets", "operatesIn"):
            return  # deals are read on the whole clause, with their parties in the modifier
        start, end = span
        for _, b in spans:
            if start < b <= end:
                start = b  # hedging is judged on the main clause's words, not on the modifier's
        add(s, p, o, rule + "+main", conf, (start, end))

    for rule in (rule_develops, rule_own, rule_rnd_subject, rule_place, rule_rnd_cooccur):
        rule(masked, add_main)
