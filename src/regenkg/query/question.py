"""The typed-question data model: what a question asks, independent of its wording and script.

:func:`~regenkg.query.understand.understand` fills these in; :mod:`regenkg.query.compose` turns a
:class:`TypedQuery` into SPARQL and :mod:`regenkg.query.ask` answers it. Plain frozen records, no parsing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "COMPANY_KINDS",
    "DEAL_RELATIONS",
    "INTENTS",
    "RELATIONS",
    "STATUSES",
    "Constraint",
    "Question",
    "Slot",
    "TimeRange",
    "TypedQuery",
]

INTENTS = ("who_develops", "what_develops", "indications_of", "acquirer_of", "acquired_by", "partners_of", "targets_indication",
           "modalities_for", "modality_treats", "companies_in", "regulation", "market", "deals", "compare",
           "product_owner", "product_indications", "approval")

# Graph predicates a typed query can ask about (local names in the rkg: namespace).
RELATIONS = ("develops", "targets", "treats", "acquired", "partneredWith", "licensedFrom", "jointVentureWith",
             "soldTo", "spunOutFrom", "exited", "operatesIn", "headquarteredIn", "regulation", "market", "productOf")
# Relations that are also recorded as rkg:Deal events (kind, subject role, object role).
DEAL_RELATIONS = {
    "acquired": ("Acquisition", "acquirer", "target"),
    "partneredWith": ("Collaboration", "partner", "partner"),
    "licensedFrom": ("Licence", "licensee", "licensor"),
    "jointVentureWith": ("JointVenture", "partner", "partner"),
    "soldTo": ("Divestment", "seller", "buyer"),
    "spunOutFrom": ("SpinOut", "spinOut", "parentOrg"),
}
STATUSES = ("Announced", "Completed", "Terminated", "Denied", "Rumoured")
COMPANY_KINDS = ("PharmaCompany", "Biotech", "CDMO")


@dataclass(frozen=True)
class TimeRange:
    """Years a fact must fall in (inclusive bounds; ``None`` = open), and the words that said so."""

    start: int | None
    end: int | None
    surface: str
    month: int | None = None

    def contains(self, year: int) -> bool:
        return (self.start is None or year >= self.start) and (self.end is None or year <= self.end)

    def describe(self) -> str:
        if self.start == self.end and self.start is not None:
            return f"in {self.start}" + (f"-{self.month:02d}" if self.month else "")
        if self.start is not None and self.end is not None:
            return f"{self.start}–{self.end}"
        return f"from {self.start}" if self.start is not None else f"until {self.end}"


@dataclass(frozen=True)
class Slot:
    """One end of the asked relation: bound entities and/or constraints on what may fill it.

    Attributes:
        anchors: IRIs the end is bound to (``VALUES``); empty = a variable.
        kind: a company class (``PharmaCompany``, ``Biotech``, ``CDMO``) the entity must have.
        countries: country IRIs the entity must be headquartered or operate in.
        develops: modality IRIs the entity must develop (narrower concepts included) — the second hop.
        acquired_by_kind: the entity must have been acquired by a company of this kind (second hop).
        related: other second hops, ``(predicate, anchors)``: the entity must have that relation to one of
            the anchors or a concept below them ("a University of Pennsylvania spin-out" = spunOutFrom Penn).
    """

    anchors: tuple[str, ...] = ()
    kind: str | None = None
    countries: tuple[str, ...] = ()
    develops: tuple[str, ...] = ()
    acquired_by_kind: str | None = None
    related: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def constrained(self) -> bool:
        return bool(self.anchors or self.kind or self.countries or self.develops or self.acquired_by_kind
                    or self.related)


@dataclass(frozen=True)
class Constraint:
    """A qualifier found in the question, for the "understood as" line.

    ``evaluated`` is filled in by the planner: ``False`` means the index holds nothing to test it with.
    """

    kind: str  # time | country | company_kind | status | sub_modality | develops | acquired_by | related | amount | count | largest | topic | approval | answer_type | follow_up | also_named (the other entity a shared label names)
    value: str
    applies_to: str  # answer | other | fact
    surface: str


@dataclass(frozen=True)
class TypedQuery:
    """What a question asks, independent of its wording and script.

    Attributes:
        relations: graph predicates (local names) the answer is read from; several are unioned.
        answer: which end of the relation is the answer: ``subject``, ``object`` or ``either`` (symmetric).
        subject, object: the two ends (see :class:`Slot`).
        time: years the fact must fall in.
        statuses: deal statuses asked for (``Terminated`` …); empty = positive facts only.
        measure: ``entities``, ``amount``, ``count`` or ``largest``.
        compare: companies compared side by side (``compare A and B in X``).
        topic: modalities the facts must be about (deal assets, compared areas).
        sub_modality: qualifiers the graph cannot test — modifier words with no narrower concept in the
            vocabulary, or an approval/permit condition (the graph records no approvals).
        constraints: every qualifier, for display.
        unused: content words of the question that nothing above used.
        also_other: the question also asks for the other party ("…, and by whom?", "收購方是誰？",
            "who were the parties"): the bound or constrained end's entities are answers too.
        between: both ends are named and the question asks whether / how they are related ("did A
            acquire B?", "A和B是什么关系"): every relation the index states between them is read too.
        topic_in_document: the topic qualifies the document, not the fact ("the deals described in the
            off-the-shelf cell therapy article"): a fact counts when its article names the topic.
        follow_ups: later questions about the answers, ``(relation, answer end)``: "Kite收購了哪家公司？這家
            公司源自哪所大學？" asks spunOutFrom of the acquired company (the answers, or the first question's
            named company when its answers are not organisations).
    """

    relations: tuple[str, ...]
    answer: str
    subject: Slot = Slot()
    object: Slot = Slot()
    time: TimeRange | None = None
    statuses: tuple[str, ...] = ()
    measure: str = "entities"
    compare: tuple[str, ...] = ()
    topic: tuple[str, ...] = ()
    sub_modality: tuple[str, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    unused: tuple[str, ...] = ()
    also_other: bool = False
    between: bool = False
    follow_ups: tuple[tuple[str, str], ...] = ()
    topic_in_document: bool = False

    @property
    def answer_slot(self) -> Slot:
        return self.object if self.answer == "object" else self.subject

    @property
    def other_slot(self) -> Slot:
        return self.subject if self.answer == "object" else self.object

    def entity_key(self) -> tuple:
        """Everything that decides the answer set (not the surfaces): equal across translations."""
        return (self.relations, self.answer, self.subject, self.object,
                (self.time.start, self.time.end) if self.time else None, self.statuses, self.measure,
                self.compare, self.topic, self.sub_modality, self.also_other, self.between, self.follow_ups,
                self.topic_in_document)


@dataclass(frozen=True)
class Question:
    """A parsed question: text, script, linked entities by type, the intent label and the typed query."""

    text: str
    lang: str
    intent: str | None
    entities: tuple[str, ...]
    by_type: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)
    query: TypedQuery | None = field(default=None, compare=False)
    surfaces: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
