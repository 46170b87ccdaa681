"""The extractor: per document, mentions and coreference, then every rule of :data:`RULES` on every clause.

Where to add a relation rule: write ``def rule_x(clause: Clause, add: Add) -> None`` in the module of its
family (:mod:`.deals`, :mod:`.assets`, or a new one), read the clause's mentions (``clause.cms``) around a
trigger from :mod:`.patterns`, call ``add(subject, predicate, object, rule_name, confidence, span)``, and
put the function into :data:`RULES`. ``add`` turns a deal predicate into a :class:`~..deals.Deal` with its
status, and drops hedged or denied facts, judged on the words around ``span``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from ...records import Entity, Mention, Relation, Sentence
from ..approvals import Approval
from ..deals import EDGELESS, KIND_OF, Deal, deal_status, last_year
from ..names_model import default_tagger
from ..ontology import Gazetteer
from .assets import (
    rule_apposition,
    rule_developed_by,
    rule_develops,
    rule_own,
    rule_place,
    rule_product,
    rule_products_from,
    rule_rnd_subject,
    rule_treats,
)
from .clauses import Add, Clause, _undisclosed, _window, split_clauses
from .continuation import continued_company
from .focus import rule_players, rule_segment, rule_segment_copula
from .cooccur import rule_rnd_cooccur
from .coref import (
    bought_names,
    link_products,
    mark_product_opener,
    resolve_developer_descriptions,
    resolve_pronoun,
    resolve_term_anaphora,
    solid,
    topic,
)
from .approval_tables import ApprovalTables
from .approvals import sentence_approvals
from .deals import build_deal, name_both_parties, rule_acquisition, rule_partner
from .figures import Figure, market_figures
from .implicit import rule_implicit_subject
from .joint import rule_both_parties, rule_parenthesis_note
from .kinds import rule_company_kind
from .lists import rule_described_developer, rule_shared_predicate
from .mainclause import rule_main_clause
from .mentions import _M, MentionFinder
from .names import document_products, product_links
from .owners import settle_asset_owners, settle_asset_sales, settle_product_names
from .products import code_owners, remember_owned_names, rule_develops_purpose, rule_product_scope
from .patterns import (
    _DEAL_CANCEL,
    _DENIED_BACK,
    _DIGIT_COMMA,
    _EXIT,
    _FUTURE,
    _HEDGE,
    _REJECTED_BACK,
    _WORK_OFF,
    _WORK_SHUT,
    COMPANY,
    MODALITY,
    THOUSANDS,
    _fold,
)
from .homes import rule_home
from .status import carry_status, carry_terms, ended_work, shifted_away
from .tables import table_rows
from .origins import rule_home_more, rule_origin
from .partners import rule_fronted_partner, rule_institution_project, rule_partner_list, rule_trial_site
from .transfers import (rule_controlling_stake, rule_fronted_purchase, rule_joint_venture, rule_merger, rule_sale,
                        rule_spinout)

logger = logging.getLogger(__name__)

_LISTING = re.compile(r"\s*[:：]\s*[A-Za-z0-9]")
_TABLE_LINE = re.compile(r"(?m)^[ \t]*\|.*\|")

Rule = Callable[[Clause, Add], bool | None]
"""A relation rule. It returns True when it *claims* the clause's deal (a joint venture, a sale)."""

# The order is the order facts and deals are recorded in: of two equal facts with the same confidence
# the first keeps its rule.
RULES: tuple[Rule, ...] = (
    rule_develops,
    rule_own,
    rule_developed_by,
    rule_spinout,
    rule_joint_venture,
    rule_sale,
    rule_acquisition,
    rule_controlling_stake,  # "以3億元取得Y 51%股權", "acquired a 60% stake in Y"
    rule_fronted_purchase,  # "繼收購X後，Y…", "After buying X, Y …"
    rule_partner,
    rule_treats,
    rule_product,
    rule_products_from,
    rule_segment,
    rule_segment_copula,  # "X is a CDMO for …", "X是…的CDMO"
    rule_place,
    rule_rnd_subject,
    rule_implicit_subject,  # h/anaph: a sentence that names no company continues the previous one's
    rule_company_kind,  # h/rnd: "CAR-T developers X and Y", "X、Y等CAR-T業者"
    rule_players,  # "CAR-T領域的代表企業包括X、Y", "Key players in TCR-T include X and Y"
    rule_home,  # h/deals: "X, headquartered in Japan", "X's Japan subsidiary", "台灣細胞治療公司X"
    rule_rnd_cooccur,  # h/rd2: the guarded fallback: one company and a term in one clause
    rule_merger,  # h/deals3: "Y merged into X" (acquired), "X and Y merged" (a Merger deal, no edge)
    rule_shared_predicate,  # h/rd3: "X and Y are both CAR-T developers", "X與Y皆有狼瘡臨床試驗"
    rule_described_developer,  # h/rd3: "…a partnership with the NK cell therapy developer"
    rule_main_clause,  # h/rd3: the R&D frames again on "X, <closed modifier>, <predicate>" without the modifier
    rule_origin,  # h/rec4: "X was founded on technology from Y University", "源自Y大學的X"
    rule_home_more,  # h/rec4: "X is a Japan-based …", "listed in Hong Kong", "獲日本厚生勞動省核准"
    rule_fronted_partner,  # h/rec6p: "In collaboration with Y Hospital, X …", "在與Y的合作下，X…"
    rule_partner_list,  # h/rec6p: "X's collaborators include A, B and C", "X的合作夥伴包括A、B"
    rule_institution_project,  # h/rec6p: "X與Y醫院的細胞治療計畫獲核准", "X and Y Hospital are conducting a trial"
    rule_trial_site,  # h/rec6p: "X's CVB-101 is being studied at Y Hospital", "X的療法在Y醫院完成首例治療"
)
# Rules that stay silent once an earlier rule claimed the clause: "A與B合資成立C" is not also a partnership.
SKIPPED_WHEN_CLAIMED: frozenset[Rule] = frozenset({rule_partner, rule_fronted_partner, rule_partner_list,
                                                  rule_institution_project, rule_trial_site})


@dataclass(frozen=True)
class Merge:
    """A discovered name folded into an entity written differently ("Corvine" → Corvine Cell Sciences)."""

    name: str
    into: str
    sentence_id: int


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from a batch of sentences."""

    mentions: tuple[Mention, ...]
    relations: tuple[Relation, ...]
    entities: tuple[Entity, ...]  # discovered (not curated) entities
    figures: tuple[Figure, ...] = ()
    merges: tuple[Merge, ...] = ()
    deals: tuple[Deal, ...] = ()  # every stated deal, whatever its status; direct edges only from positive ones
    approvals: tuple[Approval, ...] = ()  # approvals, filings, conditional approvals, reimbursement (no edges)




# What may stand before a clause's own subject ("，並與Y簽署…" has none: 與 makes Y the object, and the subject
# carried from the clause before stays).
_OWN_SUBJECT = re.compile(r"[\s,，]*(?:(?:then|later|also|in \d{4}|今年|去年|明年|目前|随后|此后|近日|日前)\s*)?")

class Extractor:
    """Extract mentions, relations, discovered entities and market figures from sentences."""

    def __init__(self, gazetteer: Gazetteer, keep_separate: frozenset[str] = frozenset(), use_tagger: bool = False):
        """
        Args:
            gazetteer: curated entities.
            keep_separate: discovered names (any script/case) that must not be merged into another entity;
                this is how a recorded merge is undone (`regenkg unmerge NAME`).
            use_tagger: let the learned name tagger (:mod:`..names_model`) propose Chinese names no rule
                finds. Off by default: on the dev and private sets it adds no correct fact (bench_extract.py).
        """
        self.gazetteer = gazetteer
        self.keep_separate = frozenset(_fold(n).strip() for n in keep_separate)
        self.finder = MentionFinder(gazetteer, self.keep_separate, default_tagger() if use_tagger else None)
        self.matcher = self.finder.matcher

    def extract(self, sentences: Iterable[Sentence]) -> Extraction:
        """Run every rule over ``sentences`` (batch; the only real implementation)."""
        mentions: list[Mention] = []
        relations: dict[tuple[str, str, str, int], Relation] = {}
        discovered: dict[str, Entity] = {}
        figures: list[Figure] = []
        merges: list[Merge] = []
        merge_seen: set[tuple[str, str]] = set()
        deals: dict[str, Deal] = {}
        approvals: dict[str, Approval] = {}
        approval_tables = ApprovalTables(self.finder)
        sents = list(sentences)
        common = frozenset(w for s in sents for w in re.findall(r"\b[a-z][a-z-]+\b", s.text))
        products: list[list[_M]] = [[] for _ in sents]
        all_ms = [self.finder.find(s.text, common, prods) for s, prods in zip(sents, products)]
        known_products: dict[str, _M] = {}
        product_owners: dict[str, str] = {}  # h/names3: folded product name -> its company
        self.finder.merge_short_names(all_ms)
        self.finder.add_short_names(sents, all_ms)
        document_products(sents, all_ms, products)  # h/names3: a product anywhere is one everywhere
        first_seen: dict[str, tuple[_M, Sentence]] = {}
        prev_subject: _M | None = None
        last_named: _M | None = None
        last_modality: _M | None = None
        prev_ms: list[_M] = []
        prev_related: frozenset[str] = frozenset()  # h/anaph: subjects of the previous sentence's facts
        prev_targets: frozenset[str] = frozenset()  # h/anaph2: what the previous sentence said was acquired
        developers: dict[str, _M] = {}
        prev_sent: Sentence | None = None  # coref2
        table_doc, header = "", None
        # (document, the year of its last dated approval so far, the last year it wrote so far): what 同年 means
        doc_year: tuple[str, str | None, str | None] = ("", None, None)
        for sent, ms, prods in zip(sents, all_ms, products):
            for m in ms:
                if not m.curated and not m.pronoun and m.kind == COMPANY:
                    first_seen.setdefault(m.iri, (m, sent))
            # Before any sentence has opened with a company, "it" can only mean the last company named.
            resolve_developer_descriptions(sent.text, ms, developers)  # h/xent
            carried = prev_targets or (frozenset() if prev_related else continued_company(prev_sent, sent, prev_ms))
            resolve_pronoun(sent.text, ms, prev_subject or last_named, prev_ms, self.finder.types,
                            prev_related, carried)  # h/anaph: prev_related; h/anaph2: prev_targets; coref2: carried
            name_both_parties(_fold(sent.text), ms, prev_ms)  # h/deals3: "the two companies signed…"
            prev_sent = sent
            link_products(ms, prods, known_products, sent.text)
            code_owners(sent.text, ms, known_products)  # "…療法CP-201授權給Y。CP-201適應症為I": X's
            resolve_term_anaphora(sent.text, ms, last_modality)
            mark_product_opener(sent.text, ms, developers, last_modality)  # h/anaph
            mods = [m for m in ms if m.kind == MODALITY and not m.pronoun]
            last_modality = mods[-1] if mods else last_modality
            prev_ms = ms
            if sent.doc_id != table_doc:
                table_doc, header = sent.doc_id, None
            header, trels, tdeals, tms = table_rows(self.finder, sent, ms, header)
            ms.extend(tms)
            rels, sent_deals = self._relations(sent, ms, prods)
            remember_owned_names(_fold(sent.text), ms, known_products)  # h/rec6t: "X's Zelvora …. Zelvora is …"
            rels += trels
            p_ents, p_rels, p_mentions = product_links(sent, ms, prods, product_owners)  # h/names3
            rels += p_rels
            mentions += p_mentions
            for ent in p_ents:
                discovered.setdefault(ent.iri, ent)
            for r in rels:  # h/xent: "the NK cell therapy developer" in a later sentence
                owner = next((m for m in ms if m.iri == r.subject and m.kind == COMPANY), None)
                if r.predicate == "develops" and owner is not None:
                    developers[r.object] = owner
            sent_deals += tdeals
            prev_related = frozenset(r.subject for r in rels)
            prev_targets = frozenset(r.object for r in rels if r.predicate == "acquired")  # h/anaph2
            prev_targets = prev_targets or bought_names(sent.text, ms)  # h/rd: a deal no rule read
            prev_subject = topic(sent.text, ms) or prev_subject
            named = [m for m in ms if m.kind == COMPANY and not m.appositive and not m.pronoun
                     and (solid(m) or m.start <= 3)]
            last_named = named[-1] if named else last_named
            used = {r.subject for r in rels} | {r.object for r in rels}
            for d in sent_deals:
                deals.setdefault(d.iri, d)
                used |= {iri for _, iri in d.parties}
            table_aps, table_ms = approval_tables.read(sent, ms)  # h/appr6: approval tables, row by row
            ms.extend(table_ms)
            if doc_year[0] != sent.doc_id:
                doc_year = (sent.doc_id, None, None)
            ap_year = doc_year[1]
            for ap in table_aps or sentence_approvals(sent, ms, prods, product_owners, doc_year[1] or doc_year[2]):
                if ap.product is not None and ap.product not in discovered:
                    ap = replace(ap, product=None)  # a product node only when the product is an entity
                approvals.setdefault(ap.iri, ap)
                used |= {*ap.developers, *ap.marketers}
                ap_year = ap.date[:4] if ap.date else ap_year
            doc_year = (sent.doc_id, ap_year, last_year(_fold(sent.text)) or doc_year[2])
            for iri in used:
                # A company that fills a slot only through "該公司"/"it" is still an entity.
                if iri in first_seen and iri not in discovered and not any(
                        m.iri == iri and not m.pronoun for m in ms):
                    fm, fs = first_seen[iri]
                    discovered[iri] = self.finder.discovered_entity(fm, fs)
            for m in ms:
                if m.pronoun:
                    continue
                if m.curated or m.iri in used:
                    mentions.append(Mention(sent.id, m.start, m.end, m.surface, m.kind, m.iri, m.curated))
                if not m.curated and m.iri in used and m.iri not in discovered:
                    discovered[m.iri] = self.finder.discovered_entity(m, sent)
                if not m.curated and not m.pronoun and m.iri in used and m.iri in discovered:
                    first = next(iter(discovered[m.iri].labels.values()))
                    if _fold(first) != _fold(m.surface) and (m.surface, m.iri) not in merge_seen:
                        merge_seen.add((m.surface, m.iri))
                        merges.append(Merge(m.surface, m.iri, sent.id))
            for rel in rels:
                key = (rel.subject, rel.predicate, rel.object, rel.sentence_id)
                if key not in relations or relations[key].confidence < rel.confidence:
                    relations[key] = rel
            figures.extend(market_figures(sent, ms))
        # h/deals3: a later sentence that ends, denies or leaves unconfirmed a deal named earlier.
        deal_list, dropped = carry_status(sents, all_ms, list(deals.values()), self.gazetteer.broader)
        deal_list = carry_terms(sents, all_ms, deal_list)  # "根據合約，X將收取…簽約金": the amount of the deal before
        dropped |= ended_work(sents, all_ms, relations.values(), self.gazetteer.narrower_closure)
        dropped |= shifted_away(sents, all_ms, relations.values())  # "shifted its focus from A to B": not A
        for key in dropped & relations.keys():
            del relations[key]
        return Extraction(tuple(mentions), tuple(relations.values()), tuple(discovered.values()), tuple(figures),
                          tuple(merges), tuple(deal_list), tuple(approvals.values()))

    def _discovered_iri(self, name: str) -> str:
        """The IRI a discovered name gets (suffixes such as "Inc."/"生技" dropped unless kept separate)."""
        return self.finder.discovered_iri(name)

    def _relations(self, sent: Sentence, ms: list[_M], brands: Sequence[_M] = ()) -> tuple[list[Relation], list[Deal]]:
        text = sent.text
        # "以3,500萬美元併購": a digit-grouping comma is no clause boundary (same length, offsets stay aligned).
        folded = _DIGIT_COMMA.sub(THOUSANDS, _fold(text))
        rels: list[Relation] = []
        deals: list[Deal] = []

        # Hospitals and universities are partners, licensors and parents; a programme is the company's.
        institutions = {m.iri for m in ms if m.org_type in ("Hospital", "University") and not m.curated}

        def add(s: str, p: str, o: str, rule: str, conf: float) -> None:
            if s != o and not (s in institutions and p in ("develops", "targets", "exited")):
                rels.append(Relation(s, p, o, sent.id, sent.doc_id, rule, conf))

        for m in ms:
            if m.affiliate_of:
                add(m.affiliate_of, "hasAffiliate", m.iri, "parenthetical-affiliate", 0.7)

        for cs, ce, carried in split_clauses(folded, ms):
            if _TABLE_LINE.search(text, cs, ce):
                continue  # h/deals3: a markdown table is read row by row (tables.py), not as one clause
            # "(Nasdaq: HLVN)": a stock exchange named before a ticker fills no slot.
            cms = [m for m in ms if m.start >= cs and m.end <= ce and not m.appositive
                   and not (m.kind == COMPANY and _LISTING.match(folded, m.end))]
            if carried is not None and not any(m.kind == COMPANY and _OWN_SUBJECT.fullmatch(folded, cs, m.start) for m in cms):
                # "X stopped short of buying Y and instead signed…": the coordinated verb keeps X as subject.
                cms.insert(0, _M(cs, cs, carried.iri, COMPANY, carried.surface, carried.curated, pronoun=True))
            if not cms:
                continue
            # "X, a spin-off of Y Pharma, …": the parent sits inside X's apposition.
            wide = [m for m in ms if m.start >= cs and m.end <= ce] if carried is None else cms
            clause = Clause(sent, folded, cs, ce, cms, wide, self.finder.types)

            def add_local(s: str, p: str, o: str, rule: str, conf: float, span: tuple[int, int],
                          _cs: int = cs, _ce: int = ce) -> None:
                # Hedging/negation is judged on the words around the fact, not on the whole sentence
                # ("…將有可能改變競爭格局,如Gilead…成功開發CAR-T" states a fact after a hedged remark).
                a, b = span
                # "Roche denied … that it was preparing to buy X": when a party is there through a pronoun,
                # the words around the company it stands for count too.
                if any(m.pronoun and m.iri in (s, o) and a <= m.start < b for m in ms):
                    a = min([a] + [m.start for m in ms if not m.pronoun and m.iri in (s, o) and _cs <= m.start < a])
                window = _window(folded, _cs, a, b)
                if p in KIND_OF and s == o:
                    return  # h/deals3: a deal needs two parties ("X … with X" through a pronoun)
                if p in KIND_OF:
                    status = "Completed" if rule.endswith("-nominal") else deal_status(_undisclosed(window))
                    if rule.startswith("option"):
                        status = "Announced"
                    elif status in ("Announced", "Completed") and (
                            _DENIED_BACK.search(folded, b) or _REJECTED_BACK.search(folded, b)):
                        status = "Denied"  # "…有意收購Y，但X發言人否認此事": said of the clause before
                    deals.append(build_deal(p, s, o, status, rule, sent, folded[_cs:_ce]))
                    if status in ("Announced", "Completed") and not rule.startswith("option") and p not in EDGELESS:
                        add(s, p, o, rule, conf)
                    return
                if rule in ("deal-asset", "licence-asset") and (_DEAL_CANCEL.search(window) or _EXIT.search(window)):
                    return
                if p != "exited" and _HEDGE.search(window) or p == "exited" and _FUTURE.search(window):
                    return  # "would discontinue the platform": a reported plan, not an exit
                if p in ("develops", "targets") and (_WORK_OFF.search(window) or _WORK_SHUT.search(window)
                                                   or _EXIT.search(window)):
                    return  # "put its CAR-T pipeline on hold", "which once developed": no current work
                add(s, p, o, rule, conf)

            claimed = False
            for rule in RULES:
                if claimed and rule in SKIPPED_WHEN_CLAIMED:
                    continue
                claimed = bool(rule(clause, add_local)) or claimed
        settle_asset_owners(folded, ms, rels)  # h/anaph: "to use Y's platform" is Y's work only
        settle_product_names(folded, ms, rels)  # h/rd: "X's Velarix was approved for I" is X's work
        rule_apposition(text, folded, ms, add)
        rule_both_parties(folded, ms, add)  # h/rd: "…，雙方將合作開發M"
        rule_parenthesis_note(folded, ms, add)  # h/rd: "Y ($1.1 billion; in vivo CAR-T)"
        rule_product_scope(text, folded, ms, brands, add, self.gazetteer.broader)  # h/rnd: a product's owner gets what it is and treats
        rule_develops_purpose(folded, ms, [(r.subject, r.object) for r in rels if r.predicate == "develops"], add,
                              self.gazetteer.broader)  # h/rnd: "X develops M, initially in I"
        settle_asset_sales(folded, ms, rels)  # h/rd: "X acquired Y's CAR-T programme" is X's work now
        return rels, deals


def describe(relations: Sequence[Relation]) -> list[str]:
    """Human-readable one-liners (debugging aid)."""
    return [f"{r.subject.rsplit('/', 1)[-1]} {r.predicate} {r.object.rsplit('/', 1)[-1]} [{r.rule}]"
            for r in relations]
