"""Markdown deal tables: one fact per row."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ...records import Relation, Sentence
from ..deals import KIND_OF, Deal, deal_status, parse_amount, parse_date
from .clauses import _undisclosed
from .mentions import _M, MentionFinder
from .names import party_cell_ok
from .patterns import COMPANY, COUNTRY, INDICATION, MODALITY, _fold


Cell = tuple[int, int, str]


def markdown_rows(text: str) -> Iterator[tuple[str, list[Cell]]]:
    """The rows of the markdown tables in ``text``: each row's line and its cells as (start, end, stripped
    text) with offsets into ``text``; separator rows (``|---|:--:|``) left out."""
    offset = 0
    for line in text.split("\n"):
        start, offset = offset, offset + len(line) + 1
        if not line.lstrip().startswith("|"):
            continue
        cells, pos = [], start
        for part in line.split("|")[1:-1] if line.rstrip().endswith("|") else line.split("|")[1:]:
            a = text.index(part, pos) if part else pos
            pos = a + len(part)
            lead = len(part) - len(part.lstrip())
            cells.append((a + lead, a + len(part.rstrip()), part.strip()))
        if not cells or all(re.fullmatch(r":?-{2,}:?", c[2]) for c in cells if c[2]):
            continue
        yield line, cells


def table_rows(finder: MentionFinder, sent: Sentence, ms: list[_M], header: list[str | None] | None,
               ) -> tuple[list[str | None] | None, list[Relation], list[Deal], list[_M]]:
    """Markdown deal tables (``| Acquirer | Target | Value | Year | Modality |``): one fact per row.

    The header row names the roles; a row's cells are its parties, amount, year, deal type, modality
    and indication. A cell without a known or discovered name is taken whole as a name (table cells
    hold names only). Returns the header to carry on, relations, deals and the mentions added.
    """
    rels: list[Relation] = []
    deals: list[Deal] = []
    added: list[_M] = []
    for line, cells in markdown_rows(sent.text):
        roles = [_table_role(c[2]) for c in cells]
        if sum(r is not None for r in roles) >= 2 and not any(re.search(r"\d", c[2]) for c in cells):
            header = roles
            continue
        if header is None or len(header) != len(cells):
            continue
        row: dict[str, list[_M] | str] = {}
        for side, (a, b, textcell) in zip(header, cells):
            role = side.split("/")[0] if side else None
            if role is None or not textcell:
                continue
            if role == "object" and _ASSET_CELL.search(_fold(textcell)):
                row["asset"] = textcell  # "福可蘇全球權益", "CAR-T portfolio": what changes hands, not a company
                continue
            if side == "object/seller" and "object" in row:
                role = "seller"  # a seller column beside the target column
            if role == "place" and side:
                row[side] = textcell
                continue
            if role in ("subject", "object", "seller"):
                inside = [m for m in ms + added if a <= m.start and m.end <= b and m.kind == COMPANY]
                # A cell that is all a known place or term ("United States", "AAV gene therapy") is no party.
                covered = any(m.start <= a and b <= m.end and m.kind != COMPANY for m in ms)
                if not inside and not covered and 2 <= len(textcell) <= 40 and not re.fullmatch(r"[\d\s.,$%-]+|n/?a|—|-", textcell) \
                        and party_cell_ok(textcell):  # h/names3: no fragment, asset, shares or list
                    m = _M(a, b, finder.discovered_iri(textcell), COMPANY, sent.text[a:b], curated=False)
                    added.append(m)
                    inside = [m]
                if inside:
                    row[role] = inside[:1]
            else:
                row[role] = textcell
        subj, obj, seller = row.get("subject"), row.get("object"), row.get("seller")
        if not isinstance(obj, list) and isinstance(seller, list):
            obj, seller = seller, None
        if not isinstance(subj, list) or not isinstance(obj, list):
            continue
        s_m, o_m = subj[0], obj[0]
        kind_text = _fold(str(row.get("kind", "")) + " " + " ".join(str(h) for h in header if h))
        pred = _table_predicate(kind_text, header)
        if "asset" in row and pred == "acquired" and any(h and h.endswith("/seller") for h in header):
            pred = "soldTo:reverse"  # the buyer took an asset from the seller: the seller sold it
        folded_row = _fold(line)
        status = deal_status(_undisclosed(_fold(str(row.get("status", "")) or "")))
        amount = parse_amount(_fold(str(row.get("amount", ""))), sent.lang)
        date = parse_date(_fold(str(row.get("date", ""))))
        if pred == "soldTo:reverse":
            pred, s_m, o_m = "soldTo", o_m, s_m
        kind, rs, ro = KIND_OF[pred]
        option = pred == "acquired" and bool(re.search(r"\boptions?\b|期权|选择权", folded_row))
        if option:
            kind = "Option"  # "Corran Therapeutics (option)": the right to buy, no acquisition yet
        deals.append(Deal(kind, status, ((rs, s_m.iri), (ro, o_m.iri)), sent.id, sent.doc_id, "table-row",
                          amount[0] if amount else None, amount[1] if amount else None,
                          amount[2] if amount else None, date))
        if status in ("Announced", "Completed") and s_m.iri != o_m.iri and not option:
            rels.append(Relation(s_m.iri, pred, o_m.iri, sent.id, sent.doc_id, "table-row", 0.85))
        owner = o_m if pred in ("acquired", "licensedFrom") else s_m
        for side, party in (("place/subject", s_m), ("place/object", o_m)):
            for hit in finder.matcher.find(str(row.get(side, ""))):
                if finder.kind(hit.iri) == COUNTRY:
                    rels.append(Relation(party.iri, "operatesIn", hit.iri, sent.id, sent.doc_id, "table-row", 0.75))
        for hit in finder.matcher.find(str(row.get("modality", ""))):
            if finder.kind(hit.iri) == MODALITY:
                rels.append(Relation(owner.iri, "develops", hit.iri, sent.id, sent.doc_id, "table-row", 0.75))
        # "TCR-T for synovial sarcoma": an asset cell may name the indication too
        for hit in finder.matcher.find(str(row.get("indication", "")) + " ; " + str(row.get("modality", ""))):
            if finder.kind(hit.iri) == INDICATION:
                rels.append(Relation(owner.iri, "targets", hit.iri, sent.id, sent.doc_id, "table-row", 0.75))
        del folded_row
    return header, rels, deals, added


# A target cell that names rights or assets, not a company.
_ASSET_CELL = re.compile(r"权益|权利|资产|业务|管线|\brights?\b|\bassets?\b|\bportfolio\b|\bbusiness\b|\bunit\b")

_TABLE_ROLES = (
    # A party's location column ("Target HQ", "Acquirer country", "总部"): checked before the party roles,
    # whose words it contains, so that a country never becomes a party of the row.
    ("place", r"\bhq\b|headquarter|\bcountry\b|\blocation\b|\bbased\b|\bdomicile|总部|国家|国别|所在地|"
              r"\bterritor\w*|\bregions?\b|区域|地区|授权范围"),
    ("subject", (r"acquirer|acquiror|acquiring|buyer|purchaser|licensee|partner ?(?:1|a)|party ?a|^company$|^partner$|"
                 r"(?<!被)收购方|买方|买家|被授权方|被许可方|受让方|引进方|合作方|甲方|^公司$")),
    ("object", (r"target|seller|vendor|licensor|partner ?(?:2|b)|party ?b|counterparty|被收购方|标的|卖方|(?<!被)授权方|"
                r"(?<!被)许可方|出让方|转让方|出售方|合作伙伴|乙方|对象")),
    ("kind", r"deal type|^type$|^deal$|kind|交易类型|类型|形式"),
    ("amount", r"value|amount|price|consideration|upfront|金额|价格|对价|首付"),
    ("date", r"year|date|announced|signed|年份|日期|时间|年度"),
    ("status", r"status|状态|进度"),
    ("modality", r"modality|technology|platform|asset|product|program|技术|平台|疗法|资产|产品|管线"),
    ("indication", r"indication|disease|适应症|疾病"),
)


def _table_role(cell: str) -> str | None:
    """The role a header cell names; a party column keeps whether it is the buyer's or the seller's side
    ("subject/buyer"), as that decides a divestment's direction."""
    low = _fold(cell).strip()
    for role, pattern in _TABLE_ROLES:
        if low and re.search(pattern, low):
            if role == "place":  # whose location: the buyer's side only when the header says so
                # a licence's territory is where the licensee takes the rights
                return "place/subject" if re.search(r"acquir|buyer|purchaser|licensee|买方|收购方|被授权|territor|"
                                                    r"region|区域|地区|授权范围", low) else "place/object"
            if role in ("subject", "object"):
                if re.search(r"seller|vendor|divest|卖方|出让|出售方|转让方", low):
                    return role + "/seller"
                if re.search(r"buyer|purchaser|acquir|买方|买家|受让|收购方", low):
                    return role + "/buyer"
                # A licence or partnership table says so in its party columns ("Licensee | Licensor").
                if re.search(r"licen|授权|许可|引进方", low):
                    return role + "/licence"
                if re.search(r"partner|合作", low):
                    return role + "/partner"
            return role
    return None


def _table_predicate(kind_text: str, header: Sequence[str | None]) -> str:
    if re.search(r"joint venture|\bjv\b|合资", kind_text):
        return "jointVentureWith"
    if re.search(r"licen|授权|许可", kind_text):
        return "licensedFrom"
    if re.search(r"collab|partner|alliance|合作", kind_text) and not re.search(r"acqui|收购", kind_text):
        return "partneredWith"
    if re.search(r"spin|分拆|衍生", kind_text):
        return "spunOutFrom"
    if re.search(r"seller|卖方|出让", kind_text) and not re.search(r"acqui|收购|buyer|买方", kind_text):
        return "soldTo"
    if re.search(r"sale|divest|出售", kind_text):
        return "soldTo:reverse" if re.search(r"buyer|买方", kind_text) else "soldTo"
    return "acquired"
