"""The extract package's rule registry: a relation rule is a function in ``RULES`` (docs/architecture.md).

The sentences are written for these tests (invented names), not taken from the eval sets.
"""

from __future__ import annotations

import inspect
import re

import pytest

from regenkg.graph.extract import RULES, Extractor, core
from regenkg.graph.extract.clauses import Add, Clause
from regenkg.graph.extract.patterns import COMPANY
from regenkg.graph.ontology import Gazetteer
from regenkg.records import Sentence


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _facts(extractor: Extractor, text: str) -> set[tuple[str, str, str, str]]:
    ex = extractor.extract([Sentence(0, "doc", 0, 0, len(text), "en", text)])
    return {(r.subject.rsplit("/", 1)[-1], r.predicate, r.object.rsplit("/", 1)[-1], r.rule) for r in ex.relations}


def rule_mentored(clause: Clause, add: Add) -> None:
    """A rule written the documented way: "X mentored Y" → X partneredWith Y."""
    comps = [m for m in clause.cms if m.kind == COMPANY]
    for trig in re.finditer(r"\bmentored\b", clause.folded[clause.cs:clause.ce]):
        pos = clause.cs + trig.start()
        before = [m for m in comps if m.end <= pos]
        after = [m for m in comps if m.start >= pos]
        if before and after:
            add(before[-1].iri, "partneredWith", after[0].iri, "mentored", 0.6, (before[-1].start, after[0].end))


def test_every_rule_is_a_module_function_of_clause_and_add():
    for rule in RULES:
        assert inspect.isfunction(rule) and rule.__name__.startswith("rule_"), rule
        assert list(inspect.signature(rule).parameters) == ["clause", "add"], rule.__name__


def test_a_rule_added_to_rules_runs_on_every_clause_and_keeps_the_hedging_check(extractor, monkeypatch):
    text = "Quorvane Therapeutics mentored Bellisk Bio; Quorvane Therapeutics may have mentored Tarrow Bio."
    assert not any(f[3] == "mentored" for f in _facts(extractor, text))
    monkeypatch.setattr(core, "RULES", (*RULES, rule_mentored))
    facts = {f for f in _facts(extractor, text) if f[3] == "mentored"}
    # The first clause states it; "may have" hedges the second, judged by the window around the fact.
    assert facts == {("quorvane", "partneredWith", "bellisk", "mentored")}


def test_a_claiming_rule_silences_the_partnership_rule(extractor, monkeypatch):
    text = "Quorvane Therapeutics and Bellisk Bio signed a collaboration agreement."
    assert ("quorvane", "partneredWith", "bellisk", "partnership") in _facts(extractor, text)

    def rule_claim_all(clause: Clause, add: Add) -> bool:
        return True

    monkeypatch.setattr(core, "RULES", (rule_claim_all, *RULES))
    assert not any(f[3] == "partnership" for f in _facts(extractor, text))
