"""Mentions: gazetteer matches plus discovered organisation names, their short names and aliases.

Per sentence the curated names (:mod:`..match`) and *discovered* ones (capitalised Latin names, Chinese
organisation names ending in 生技/製藥/…, items of ``A、B、C等多家廠商`` lists, hospitals and universities)
are laid out as a sequence of :class:`_M` records that the relation rules read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ...records import Entity, Sentence
from ..match import Matcher
from ..names_model import NameTagger, common_words, word_freq, word_tags
from ..ontology import COMPANY_TYPES, Gazetteer, resource, slugify
from .names import (
    _M,
    DEAL_TRIGGERS,
    NOT_NAME,
    ZH_INSTITUTION_MORE,
    absorb_inner_terms,
    camel_names,
    clean_candidates,
    country_code_lead, country_lead_end,
    _TISSUE,
    exchange_brackets,
    extend_to_suffix,
    inner_he,
    is_person,
    is_product,
    latin_company_name,
    mark_affiliates,
    pair_aliases,
    party_frame_names,
    zh_institutions,
)
from .patterns import (
    _APPOSITION,
    _COMPANY_WORDS,
    _COUNTRY_ADJ,
    _EXCHANGE,
    _INSTITUTION,
    _LATIN_INSTITUTION,
    _LATIN_NAME,
    _LOWER_NAME,
    _NATIONALITY,
    _PLACE_TAIL,
    _PRODUCT_CUE,
    _TW_BOARD,
    _TW_CODE_BRACKET,
    _TW_NAME_MARK,
    _UNIT_APPOSITION,
    _ZH_BOUNDARY,
    _ZH_BRACKETED,
    _ZH_CODE_AFTER,
    _ZH_CUT,
    _ZH_GENERIC,
    _ZH_INSTITUTION_SUFFIX,
    _ZH_LEAD,
    _ZH_LIST,
    _ZH_ORG_SUFFIX,
    COMMON_LEAD_FREQ,
    COMPANY,
    COUNTRY,
    HAN,
    PRODUCT,
    TAGGER_THRESHOLD,
    _fold,
)


def _strip_ordinary_lead(folded: str, j: int, start: int) -> int:
    """"今年晶禾生技", "随后澜川基因": a very common word (jieba's own dictionary) opening a stem of four
    or more characters is the sentence's, not the name's; the name keeps at least two characters."""
    if start - j < 4:
        return j
    words = common_words()
    for k in (3, 2):
        w = folded[j:j + k]
        if start - j - k >= 2 and words.get(w, 0) >= COMMON_LEAD_FREQ:
            return j + k
    return j


# h/anaph2: where a name is based, written before it as one word with it ("Boston-based Corrisant Bio").
_BASED_LEAD = re.compile(r"(?:[A-Z][A-Za-z.]+[ -])*[A-Z][A-Za-z.]+-(?:based|headquartered|listed|owned|backed)\s+")


class MentionFinder:
    """Finds the mentions of one batch of sentences against a gazetteer."""

    def __init__(self, gazetteer: Gazetteer, keep_separate: frozenset[str] = frozenset(),
                 tagger: NameTagger | None = None):
        """
        Args:
            gazetteer: curated entities.
            keep_separate: folded discovered names that must not be merged into another entity.
            tagger: the learned tagger that proposes Chinese names no rule finds (``None``: rules only).
        """
        self.tagger = tagger
        self.keep_separate = keep_separate
        self.matcher = Matcher(gazetteer.surfaces())
        self.types = {iri: e.type for iri, e in gazetteer.entities.items()}

    def kind(self, iri: str) -> str:
        typ = self.types.get(iri, COMPANY)
        return COMPANY if typ in COMPANY_TYPES else typ

    def find(self, text: str, common: frozenset[str] = frozenset(), products: list[_M] | None = None) -> list[_M]:
        """Gazetteer matches plus plausible unlisted company names.

        Args:
            text: the sentence.
            common: lower-case words of the surrounding document; a capitalised single word whose
                lower-case form also occurs there ("Market reviews…" / "the market") is an ordinary word.
            products: if given, receives the names read as products or platforms ("Abecma, a CAR-T
                therapy", "其產品心立舒"), so that coreference can link them to their company.
        """
        found = [_M(m.start, m.end, m.iri, self.kind(m.iri), m.surface) for m in self.matcher.find(text)]
        extend_to_suffix(text, found)
        taken = [(m.start, m.end) for m in found]

        def free(s: int, e: int) -> bool:
            return all(e <= a or s >= b for a, b in taken)

        candidates = self.discover(text, taken)
        candidates = clean_candidates(text, sorted(candidates + self.proposed(text, candidates, taken)))
        absorb_inner_terms(text, candidates, found, taken)
        candidates = sorted(candidates + party_frame_names(text, found, candidates, taken))
        folded = _fold(text)
        # "Westbrook Oncology", "Harbor Cell": a capitalised name ending in a word the gazetteer knows as a
        # term is a company; the term match inside it goes.
        for s, e, name, typ in candidates:
            if typ == COMPANY and " " in name and name[:1].isupper():
                inner = [m for m in found if s < m.start and m.end == e and m.kind != COMPANY
                         and " " not in m.surface and re.fullmatch(r"[A-Z][a-z]+", m.surface)
                         and (_COMPANY_WORDS.search(m.surface) or m.surface in ("Immunotherapy", "Genetics"))
                         and not any(c.kind == COMPANY and c.start <= s < c.end for c in found)]
                for m in inner:
                    found.remove(m)
                    taken.remove((m.start, m.end))
        # "亞太再生", "北海生技": a company suffix right after a place word makes the whole a company — unless an
        # industry word follows ("亞太再生醫療市場" is the region's market).
        for s, e, name, typ in candidates:
            places = [m for m in found if m.kind == COUNTRY and m.start == s and m.end < e]
            if typ == COMPANY and places and folded[places[0].end:e] in _ZH_ORG_SUFFIX \
                    and folded[places[0].end:e] not in ("公司", "集团", "科技", "医疗") and not _PLACE_TAIL.match(folded, e):
                # (not "英國公司Adaptimmune": a place and a generic company word are "a British company")
                found.remove(places[0])
                taken.remove((places[0].start, places[0].end))
        # "某某幹細胞（1234）": a name before a stock code is a company; a term that ends it is its suffix.
        for s, e, name, typ in candidates:
            if typ == COMPANY and _ZH_CODE_AFTER.match(folded, e):
                for m in [m for m in found if m.kind != COMPANY and s < m.start and m.end == e]:
                    found.remove(m)
                    taken.remove((m.start, m.end))
        # Words inside an appositive ("Poseida, a San Diego company…") describe, they are not companies.
        desc_spans = []
        described: dict[int, str] = {}
        for m in found + [_M(s, e, "", COMPANY, n) for s, e, n, _ in candidates]:
            app = _APPOSITION.match(text[m.end:m.end + 140])
            if app:
                desc_spans.append((m.end + app.start("desc"), m.end + app.end()))
                described[m.start] = app.group(0)
            elif m.kind == COMPANY and (unit := _UNIT_APPOSITION.match(text[m.end:m.end + 100])):
                described[m.start] = unit.group(0)  # "Nerine Bio, its cell therapy unit": for "the unit" later
            based = re.search(r"\b([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)?)-based\s+$", text[max(0, m.start - 40):m.start])
            if based:  # "Seattle-based Quillon Bio"
                described[m.start] = based.group(1)
        for s, e, name, org_type in candidates:
            inside = any(a <= s and e <= b for a, b in desc_spans)
            if inside and re.search(r"(?:spin-?(?:off|out)|spinout|subsidiary|unit|division|affiliate|part) (?:of|from)\s+"
                                    r"(?:the\s+)?$", text[max(0, s - 30):s], re.IGNORECASE):
                inside = False  # "X, a spin-off of Y Pharma": Y is a party, not a description word
            if not free(s, e) or inside:
                continue
            if " " not in name and name.isascii() and name.lower() in common and org_type == COMPANY:
                continue
            if org_type == COMPANY and _INSTITUTION.search(name):
                continue
            if org_type == COMPANY and name.isascii() and not _COMPANY_WORDS.search(name) and is_person(text, s, e):
                continue
            described_product = org_type == COMPANY and is_product(text, s, e)
            # "衛福部核准永信生技以…": after an approval word, a name with a company suffix is still the company.
            firm_name = not name.isascii() and _fold(name).endswith(_ZH_FIRM_SUFFIX)
            if described_product or _PRODUCT_CUE.search(folded[max(0, s - 8):s]) and not firm_name:
                if products is not None:
                    products.append(_M(s, e, "", PRODUCT, name, curated=False, firm=described_product))
                continue
            found.append(_M(s, e, self.discovered_iri(name), COMPANY, name, curated=False, org_type=org_type))
            taken.append((s, e))
        for m in found:
            if m.kind == COMPANY and any(a <= m.start and m.end <= b for a, b in desc_spans):
                m.appositive = True
            if m.kind == COMPANY and m.start in described:
                m.described = described[m.start]
        found.sort(key=lambda m: m.start)
        # "拜耳收購了BlueRock，後者…" / "…, the latter …": the latter is the last company named before.
        for lm in re.finditer(r"后者|後者|\bthe latter\b", folded):
            prev = [m for m in found if m.kind == COMPANY and m.end <= lm.start() and not m.appositive]
            if prev and free(lm.start(), lm.end()):
                found.append(_M(lm.start(), lm.end(), prev[-1].iri, COMPANY, lm.group(0), prev[-1].curated,
                                pronoun=True))
        found.sort(key=lambda m: m.start)
        mark_affiliates(text, found)
        pair_aliases(text, found)
        return found

    def discover(self, text: str, taken: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int, str, str]]:
        """Spans that look like organisation names, with their type (Company, Hospital, University).

        They only become entities if a relation rule uses them.
        """
        out: list[tuple[int, int, str, str]] = []
        folded = _fold(text)
        for m in _LATIN_INSTITUTION.finditer(text):
            name = m.group("pre") or m.group("post")
            start = m.start("pre") if m.group("pre") else m.start("post")
            words = name.split()
            while words and words[0].lower() in NOT_NAME:  # "In Boston Children's Hospital"
                start += len(words[0]) + 1
                words = words[1:]
            if len(words) >= 3 and re.fullmatch(r".+['’]s", words[0]) and not re.match(
                    r"(?:University|Hospital|College|Medical|Cancer|Research|Institute|Clinic)\b", words[1]):
                start += len(words[0]) + 1  # "Taiwan's Halden Hospital", not "Children's Hospital"
                words = words[1:]
            name = " ".join(words)
            if len(words) >= 2:
                typ = "Hospital" if re.search(r"Hospital|Medical Cent|Clinic", name) else "University"
                out.append((start, start + len(name), name, typ))
        for m in _LOWER_NAME.finditer(text):
            words, start = m.group(1).split(), m.start(1)
            # "agreed to acquire corvane bio": such names are one word and the company word; a word
            # before it is the sentence's verb or preposition, not part of the name.
            while len(words) > 2:
                start += len(words[0]) + 1
                words = words[1:]
            if words[0] in NOT_NAME or words[0] in ("the", "a", "an", "and", "or", "its", "their", "cell", "gene",
                                                        "stem", "immune", "with", "from", "by", "of"):
                continue
            name = " ".join(words)
            out.append((start, start + len(name), name, COMPANY))
        out += zh_institutions(text, folded, _ZH_INSTITUTION_SUFFIX + ZH_INSTITUTION_MORE) + camel_names(text)
        for m in _LATIN_NAME.finditer(text):
            s, e = m.start(), m.end()
            name = m.group(0)
            # Drop leading function words ("In Neogene") and trailing dots.
            words = name.split()
            while words and words[0].lower() in NOT_NAME and not country_code_lead(text, s, words):
                s += len(words[0]) + (len(name[len(words[0]):]) - len(name[len(words[0]):].lstrip()))
                name = name[len(words[0]):].lstrip()
                words = name.split()
            lead = _BASED_LEAD.match(name)
            if lead and lead.end() < len(name):  # h/anaph2: "Boston-based Corrisant Bio" is Corrisant Bio
                s, name = s + lead.end(), name[lead.end():]
            poss = re.match(r"(.+?)'s\s+(?=[A-Z0-9])", name)
            if poss and (self.is_place(poss.group(1)) or poss.group(1).lower() in _NATIONALITY):
                s, name = s + poss.end(), name[poss.end():]  # h/rd3: "Japan's Corrisant Bio" is Corrisant Bio
            # h/prec6: "to advance Merrow's CAR-T": the possessive ends the name ("Merrow" is Merrow Bio's short form)
            name = re.sub(r"'s$", "", name).rstrip(".'")
            e = s + len(name)
            if not name or name.lower() in NOT_NAME or len(name) < 2:
                continue
            if name.isupper() and len(name) <= 3 and not _COMPANY_WORDS.search(name):
                continue  # bare acronyms are too ambiguous to discover
            if " " not in name and re.fullmatch(r"[A-Z0-9-]+", name):
                continue  # target/gene names and acronyms such as DLL3, CD19, BCMA, HLA
            parts = [p.lower() for p in name.split("-")]
            if len(parts) > 1 and (parts[-1] in ("based", "headquartered", "listed", "owned", "backed")
                                   or any(p in _COUNTRY_ADJ or p in _NATIONALITY for p in parts)):
                continue  # "Amsterdam-based", "British-Swedish"
            if name.lower() in _COUNTRY_ADJ or name.lower() in _NATIONALITY or self.is_place(name) \
                    or _EXCHANGE.fullmatch(name):
                continue
            if any(ch.isdigit() for ch in name) and not re.search(r"[A-Za-z]{3}", name):
                continue
            if name[0].isdigit() and " " not in name:
                continue
            if not text[:s].strip() and re.fullmatch(r"[A-Z][a-z]+(?:ed|ing)", name) and re.match(
                    r"\s+(?:by|in|with|from|at|on|as|to|through|after|a|an|the|its|their)\b", text[e:]):
                continue  # h/prec4: "Backed by X, …", "Founded in 2019, …", "Using a …": a participle opens it
            out.append((s, e, name, COMPANY))
        for suffix in _ZH_ORG_SUFFIX:
            for m in re.finditer(re.escape(suffix), folded):
                start = m.start()
                j = start
                while j > 0 and start - j < 6 and re.match(rf"[{HAN}]", folded[j - 1]) and folded[j - 1] not in _ZH_BOUNDARY:
                    j -= 1
                he = inner_he(folded, j, start)  # "和康生技攜手…", "與大和製藥合作"
                lead = _ZH_LEAD.match(folded, j, start)
                if lead:
                    j = lead.end()
                j = _after_cuts(folded, country_lead_end(folded, j, start), start)
                j = max([j] + [c.end() for c in _ZH_APPROVE_CUT.finditer(folded, j, start) if start - c.end() >= 2])
                lead = _ZH_LEAD.match(folded, j, start)  # "收购了慕远基因": the lead after the cut
                if lead:
                    j = lead.end()
                j = _strip_ordinary_lead(folded, j, start)
                j = _pos_lead(folded, j, start)
                # h/prec3: "細胞治療大廠沐川生醫": a description before the name ends at its last such word.
                j = max([j] + [d.end() for d in _ZH_DESCRIPTION.finditer(folded, j, start) if start - d.end() >= 2])
                if he is not None and j == he[0]:
                    j = he[1]
                if start - j >= 2 and not _ZH_GENERIC.search(folded[j:start]) \
                        and (he is not None and j == he[1] or _stem_ok(folded[j:start])) \
                        and not _ZH_QUALIFIER.fullmatch(folded, j, start) \
                        and not _not_a_firm(folded, j, start, m.end()):
                    if suffix == "细胞" and (re.search(r"[型性体干的]$|t$|nk$|car|" + _TISSUE, folded[j:start]) or re.match(
                            r"疗法|治疗|制剂|产品|药物|技术|株|培养|新药|[a-z]", folded[m.end():m.end() + 2])):
                        continue  # "通用型細胞療法" is a modality, not a company
                    if suffix == "新药" and (re.search(r"[这该此那每各多首款种项类个支批抗新]|主力|候选|明星|重磅|创新|原研|自研|"
                                                      r"核心|主要|旗下|细胞|基因|外泌体|干细胞", folded[j:start])
                                             or folded[j:start] in common_words()):
                        continue  # "這款新藥", "主力新藥", "細胞新藥": a drug, not a company named XX新藥
                    out.append((j, m.end(), text[j:m.end()], COMPANY))
        # "沐川（6721）", "赛诺恒（Sainoheng Bio）": a Han run right before a stock code or a Latin company
        # name in brackets is a company, whatever it ends with.
        # "永泰-KY（6721）", "康霈*（6919）": a -KY / -DR mark or a 「*」 flag may stand between name and code.
        marked = [(k.start(), k.end(), "0000") for k in _TW_NAME_MARK.finditer(folded)
                  if k.start() > 0 and re.match(rf"[{HAN}]", folded[k.start() - 1])]
        marked += [(k.start(), k.start(), "0000") for k in _TW_CODE_BRACKET.finditer(folded)]
        marked += exchange_brackets(folded)
        for start, name_end, inner in marked + [(b.start(), b.start(), text[b.start() + 1:b.end() - 1].strip())
                                                for b in _ZH_BRACKETED.finditer(folded)]:
            j = start
            while j > 0 and start - j < 8 and re.match(rf"[{HAN}]", folded[j - 1]) and folded[j - 1] not in _ZH_BOUNDARY:
                j -= 1
            lead = _ZH_LEAD.match(folded, j, start)
            if lead:
                j = lead.end()
            j0, j = j, _after_cuts(folded, j, start)
            # "細胞治療大廠沐川（6721）", "生技股永泰（6721）": a description or listing board before the name
            # ends at its last generic word.
            ends = [j0 + g.end() for g in re.finditer(_ZH_GENERIC.pattern + r"|大厂|厂商|厂|业者|" + _TW_BOARD.pattern,
                                                      folded[j0:start])]
            j = max([j] + [e for e in ends if start - e >= 2])
            j = _strip_ordinary_lead(folded, j, start)
            j = _pos_lead(folded, j, start)
            if not re.search(r"\d{4}", inner) and not re.fullmatch(r"[A-Z][a-z][A-Za-z0-9]*(?:[ -][A-Za-z0-9]+){0,3}", inner) \
                    and not latin_company_name(inner):
                continue  # "（CAR-T）", "（MY-201）": a term or a code, not the company's Latin name
            # "某某幹細胞（1234）": before a stock code a term word may end the name, as a suffix does.
            core = folded[j:start]
            if re.search(r"\d{4}", inner):
                core = re.sub(r"(?:干细胞|免疫细胞|再生医疗|生技医药|生物医药|细胞治疗|基因治疗)$", "", core)
            if 2 <= len(core) and not _ZH_GENERIC.search(core) and not re.search(
                    r"该|此|本|这|各|其|多家|公司$", folded[j:start]):
                out.append((j, name_end, text[j:name_end], COMPANY))
        for m in _ZH_LIST.finditer(folded):
            pos = m.start(1)
            for item in re.split(r"[、,，]", m.group(1)):
                item_start = folded.find(item, pos)
                pos = item_start + len(item)
                clean = item
                for prefix in ("包含", "包括", "例如", "像是", "诸如", "另外", "而", "则", "如", "另", "其中"):
                    if clean.startswith(prefix):
                        item_start += len(prefix)
                        clean = clean[len(prefix):]
                cut = _after_cuts(folded, item_start, item_start + len(clean))  # "A與B、C等藥廠": B, not A與B
                clean, item_start = clean[cut - item_start:], cut
                if 2 <= len(clean) <= 10 and not _ZH_GENERIC.search(_fold(clean)):
                    out.append((item_start, item_start + len(clean), text[item_start:item_start + len(clean)], COMPANY))
        # A span cut across a gazetteer match ("因专注于眼科基因|治疗") is no name; dropped before it can
        # shadow the right one ("慕远基因").
        out = [t for t in out if all(t[1] <= a or t[0] >= b or (t[0] <= a and b <= t[1]) for a, b in taken)]
        # Institutions first (a hospital's name holds a university's), then longest first; drop overlaps.
        out.sort(key=lambda t: (t[3] == COMPANY, -(t[1] - t[0]), t[0]))
        kept: list[tuple[int, int, str, str]] = []
        for s, e, name, typ in out:
            if all(e <= a or s >= b for a, b, _, _ in kept):
                kept.append((s, e, name, typ))
        return sorted(kept)

    def proposed(self, text: str, candidates: Sequence[tuple[int, int, str, str]],
                 taken: Sequence[tuple[int, int]]) -> list[tuple[int, int, str, str]]:
        """Han names no rule found, proposed by the learned tagger (:mod:`..names_model`) in sentences that
        state a relation; the rules' lead-word and generic-phrase filters apply to them too."""
        folded = _fold(text)
        if self.tagger is None or not re.search(rf"[{HAN}]", text) or not DEAL_TRIGGERS.search(folded):
            return []
        occupied = [(a, b) for a, b, _, _ in candidates] + list(taken)
        out: list[tuple[int, int, str, str]] = []
        for span in self.tagger.spans(text, TAGGER_THRESHOLD):
            s, e = span.start, span.end
            lead = _ZH_LEAD.match(folded, s, e)
            if lead:
                s = lead.end()
            s = _pos_lead(folded, _strip_ordinary_lead(folded, s, e), e)
            name = folded[s:e]
            if e - s < 2 or _ZH_GENERIC.search(name) or _ZH_CUT.search(name) or not re.fullmatch(rf"[{HAN}]+", name) \
                    or not _stem_ok(name) or name in common_words():
                continue  # the rules' filters, and an ordinary dictionary word is no name either
            if not any(a < e and s < b for a, b in occupied):
                out.append((s, e, text[s:e], COMPANY))
        return out

    def is_place(self, name: str) -> bool:
        hits = self.matcher.find(name)
        return bool(hits) and hits[0].end - hits[0].start == len(name) and self.kind(hits[0].iri) == COUNTRY

    def discovered_iri(self, name: str) -> str:
        key = _fold(name)
        if key.strip() in self.keep_separate:
            return str(resource("company", slugify(key)))  # unmerged: its own IRI, suffixes kept
        key = re.sub(r"[\s,.]+(?:inc|ltd|corp|co|ag|plc|gmbh|sa|nv|kk|llc)\.?$", "", key)
        key = re.sub(rf"(?<=[{HAN}])(?:[-－‐]?(?:ky|dr|创)|[*＊])+$", "", key)  # "永泰-KY" is 永泰
        key = re.sub(r"[\s-]+(?:therapeutics|biotherapeutics|pharmaceuticals?|pharma|biosciences?|biotech|bio)$", "", key)
        for suffix in ("生物科技", "生物技术", "生技", "生医", "公司", "集团"):
            if key.endswith(suffix) and len(key) - len(suffix) >= 2:
                key = key[: -len(suffix)]
        if re.fullmatch(rf"[{HAN}]{{4,}}", key):
            # "苏州启澄生物" then "启澄生物": a city written before the name is where it is, not the name.
            first, flag = next(iter(word_tags(key)), ("", ""))
            rest = key[len(first):]
            # Only a company's: the rest is a stem of two characters or more and a company suffix, so
            # "浙东大学" and "上海医药" keep their place.
            if flag == "ns" and len(first) >= 2 and any(rest.endswith(x) and len(rest) - len(x) >= 2
                                                          for x in _ZH_ORG_SUFFIX):
                key = rest
        return str(resource("company", slugify(key)))

    def add_short_names(self, sents: Sequence[Sentence], all_ms: list[list[_M]]) -> None:
        """"禾晟" after "禾晟生技（7712）" in the same document: a Chinese name without its suffix is the same company."""
        stems: dict[str, _M] = {}
        words: dict[str, _M] = {}
        lowered = frozenset(w for t in sents for w in re.findall(r"\b[a-z][a-z-]+\b", t.text))
        for ms in all_ms:
            for m in ms:
                if m.kind != COMPANY or m.curated or m.pronoun:
                    continue
                key = _fold(m.surface)
                if m.surface.isascii():
                    # "corvane" after "corvane bio": a lower-case name's first word is its short form.
                    if _LOWER_NAME.fullmatch(m.surface) and m.surface.split()[0] not in NOT_NAME:
                        words.setdefault(m.surface.split()[0], m)
                    # "Kelso's chief executive" after "Kelso Therapeutics": a capitalised first word the
                    # document never writes in lower case (not "Cell", "Blue") is the name's short form.
                    first = m.surface.split()[0]
                    if " " in m.surface.strip() and re.fullmatch(r"[A-Z][a-z]{3,}", first) \
                            and first not in NOT_NAME and first.lower() not in lowered:
                        words.setdefault(first, m)
                    continue
                key = re.sub(rf"(?<=[{HAN}])(?:[-－‐]?(?:ky|dr|创)|[*＊])+$", "", key)  # "永泰" after "永泰-KY（6721）"
                for suffix in sorted(_ZH_ORG_SUFFIX, key=len, reverse=True):
                    if key.endswith(suffix) and len(key) - len(suffix) >= 2:
                        stems.setdefault(key[: -len(suffix)], m)
                        break
                else:
                    # "沐川" after "沐川（6721）": a name without a suffix recurs as it is.
                    if 2 <= len(key) <= 6 and re.fullmatch(rf"[{HAN}]+", key):
                        stems.setdefault(key, m)
        if not stems and not words:
            return
        for sent, ms in zip(sents, all_ms):
            folded = _fold(sent.text)
            for word, ref in words.items():
                for hit in re.finditer(rf"(?<![A-Za-z0-9-]){re.escape(word)}(?![A-Za-z0-9-])", sent.text):
                    a, b = hit.start(), hit.end()
                    if not any(m.start < b and a < m.end for m in ms):
                        ms.append(_M(a, b, ref.iri, COMPANY, sent.text[a:b], False, org_type=ref.org_type))
            for stem, ref in stems.items():
                for hit in re.finditer(re.escape(stem), folded):
                    a, b = hit.start(), hit.end()
                    if any(m.start < b and a < m.end for m in ms):
                        continue
                    if b < len(folded) and re.match(rf"[{HAN}]", folded[b]) and any(
                            folded.startswith(x, b) for x in _ZH_ORG_SUFFIX):
                        continue
                    ms.append(_M(a, b, ref.iri, COMPANY, sent.text[a:b], False, org_type=ref.org_type))
            ms.sort(key=lambda m: m.start)

    def merge_short_names(self, all_ms: list[list[_M]]) -> None:
        """"Corvine" after "Corvine Cell Sciences" in the same document is the same company."""
        full: dict[str, _M] = {}
        for ms in all_ms:
            for m in ms:
                if m.kind == COMPANY and " " in m.surface.strip():
                    full.setdefault(m.surface.split()[0].lower(), m)
        for ms in all_ms:
            for m in ms:
                if m.kind == COMPANY and not m.curated and " " not in m.surface.strip() \
                        and _fold(m.surface).strip() not in self.keep_separate:
                    long = full.get(m.surface.lower())
                    if long is not None and long.iri != m.iri:
                        m.iri, m.curated = long.iri, long.curated

    def discovered_entity(self, m: _M, sent: Sentence) -> Entity:
        zh = sent.lang if sent.lang in ("zh-Hant", "zh-Hans") else "zh-Hant"
        lang = zh if any("\u4e00" <= c <= "\u9fff" for c in m.surface) else "en"
        labels: dict[str, str] = {lang: m.surface}
        codes: list[str] = []
        for alias in m.aliases:  # "Aurora Cell（澄曦細胞）": the other script's name is its label there
            if any("\u4e00" <= c <= "\u9fff" for c in alias):
                labels.setdefault(zh, alias)
            elif re.fullmatch(r"[\d.A-Z]{3,12}", alias) and any(c.isdigit() for c in alias):
                codes.append(alias)
            else:
                labels.setdefault("en", alias)
        return Entity(iri=m.iri, type=m.org_type, labels=labels, aliases=tuple(codes), curated=False)


# Parts of speech (jieba) that never open a name: verbs, prepositions, conjunctions, particles, adverbs.
_FUNCTION_POS = frozenset("vpcud")
# Parts of speech a stem made only of them is an ordinary phrase ("成立新公司"), not a name.
_PHRASE_POS = frozenset("vpcudarmqf")


# h/prec4: a regulator's approval verb ends what came before the name ("衛福部核准晶禾生技的…" is 晶禾生技), and
# a stem that only qualifies the company word ("新興生技多半專注…": emerging biotechs) is no name.
_ZH_FIRM_SUFFIX = ("生技", "生医", "制药", "药业", "医药", "集团", "公司", "生物", "生物科技", "生物技术")
_ZH_APPROVE_CUT = re.compile(r"核准|批准|获批|核发")
_ZH_QUALIFIER = re.compile(r"(?:新兴|新锐|知名|领先|主要|部分|不少|少数|一些|某些|众多|多数)+")


def _after_cuts(folded: str, j: int, start: int) -> int:
    """Where a name's stem starts after the event words and company suffixes before it.

    A word of :data:`_ZH_CUT` ("收购", "美元") or a company suffix ("完成了澄源医药" after "澜海生物") ends
    what came before; a single cut character only when at least two characters are left after it, so that
    "明日細胞" and "晶元細胞" keep their 日 and 元.
    """
    for cut in _ZH_CUT.finditer(folded, j, start):
        if (len(cut.group()) > 1 or start - cut.end() >= 2) and cut.start() >= j:
            j = cut.end()
    for suffix in _ZH_ORG_SUFFIX:  # it may begin just before the scan's start ("澜海生|物完成了澄源医药")
        k = folded.rfind(suffix, max(0, j - len(suffix) + 1), start)
        if k >= 0 and start - (k + len(suffix)) >= 2:
            j = max(j, k + len(suffix))
    return j


_REPORT_NOUNS = frozenset({"传言", "传闻", "消息", "报道", "市场", "业界", "外界", "媒体"})


def _pos_lead(folded: str, j: int, start: int) -> int:
    """"入股凌岳生物", "但大江製藥", "獲博識醫藥": the words jieba tags as function words at the stem's start
    are the sentence's; the name keeps at least two characters."""
    if start - j < 3:
        return j
    # "業界傳出晴禾生技", "市場傳言晴禾生技": a verb (or a report noun) of two characters or more inside the
    # stem ends what came before it.
    at = j
    for word, flag in word_tags(folded[j:start]):
        at += len(word)
        if len(word) > 1 and (flag[:1] in _FUNCTION_POS or word in _REPORT_NOUNS) and start - at >= 2:
            j = at
    pos = j
    for word, flag in word_tags(folded[j:start]):
        # A lone adverb character (正, 就, 才), or one rarely a word of its own (育 in 育世博), is as often a
        # name's first character: it stays.
        single_ok = len(word) > 1 or flag[:1] != "d" and word_freq(word) >= COMMON_LEAD_FREQ
        if flag[:1] in _FUNCTION_POS and single_ok and start - pos - len(word) >= 2:
            pos += len(word)
        else:
            break
    return pos


# h/prec3: words that describe a company before its name ("細胞治療大廠沐川生醫", "新藥公司晶禾生技").
_ZH_DESCRIPTION = re.compile(r"大厂|龙头|厂商|业者|药厂|新药公司|新创公司|生技公司|生技厂")
# h/prec3: a field of work, not a name, before a company word ("精準醫療", "智慧醫療科技").
# "上游材料科技", "新一代基因", "跨足生技": a stem made of such words (and company words) is no name.
_ZH_FIELD = re.compile(r"(?:精准|智慧|人工智慧|人工智能|数位|数字|远距|个人化|个体化|转化|预防|高端|居家|长照|医美|医材|"
                       r"食品|材料|上游|下游|新一代|次世代|下一代|免疫|异体|自体|跨足|进军|转型|切入|投入|布局|"
                       r"生物科技|生物技术|生技|生医|医疗|科技|生物|细胞|基因)+")
# h/prec3: an institute's abbreviation ("工研院", "中研院", "國衛院") and its unit ("生醫所", "基因體中心").
_ZH_UNIT_AFTER = re.compile(r"(?:体)?(?:所|中心|组|研究所|实验室|团队|处|科)")


def _not_a_firm(folded: str, j: int, start: int, end: int) -> bool:
    """Whether the Han run ``folded[j:end]`` (stem ``folded[j:start]``, then a company word) is no company
    name: its stem is itself a company word or a field of work ("生技公司", "精準醫療"), the company word is
    part of a unit's name ("沐川生醫子公司", "工研院生醫所"), or the stem is an institute's abbreviation."""
    stem = folded[j:start]
    if stem in _ZH_ORG_SUFFIX or _ZH_FIELD.fullmatch(stem) or _ZH_GENERIC.fullmatch(folded, j, end):
        return True  # "免疫細胞" is a generic word whole
    if len(stem) == 2 and folded.startswith(("公司", "集团"), start) and common_words().get(stem, 0) >= COMMON_LEAD_FREQ:
        return True  # h/prec6: "上市公司", "國內公司": a very common word before a bare company word describes
    if re.search(r"(?:子|母|分|孙)$", stem) and folded.startswith("公司", start):
        return True  # "沐川生醫子公司": the parent's name is read from its own suffix
    return stem.endswith("院") or bool(_ZH_UNIT_AFTER.match(folded, end))


def _stem_ok(stem: str) -> bool:
    """A stem that ends in a particle or preposition ("公司的"), or is a phrase of a verb and adjectives,
    numbers and the like ("成立新"), is no name."""
    tags = word_tags(stem)
    if not tags or tags[-1][1][:1] in "upc" and len(tags[-1][0]) == 1:
        return False
    if len(tags) > 1 and tags[0][1][:1] == "v" and len(tags[0][0]) > 1 and len(stem) - len(tags[0][0]) < 2:
        return False  # "设立子公司", "成立新公司": a verb and one character are no name
    # One dictionary word ("鼎新", "明日") or characters jieba cannot place ("泓/q 碩/ag") may well be a name;
    # a phrase built on a verb ("成立/v 新/a") is not.
    return len(tags) < 2 or not all(flag[:1] in _PHRASE_POS for _, flag in tags) or not any(
        flag[:1] == "v" and len(word) > 1 for word, flag in tags)


