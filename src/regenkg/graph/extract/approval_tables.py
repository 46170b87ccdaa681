"""Markdown approval tables (``| 公司 | 产品 | 适应症 | 获批时间 |``, ``| Developer | Product | Status | Date |``):
one :class:`~..approvals.Approval` per row.

A table is an approval table when its header names a company column and either a status column or an
approval-date column ("获批时间", "approval date"). A row's status is its status cell (approved, conditional,
filed, reimbursed; a trial phase is no event), or Approved when the approval-date cell holds a date. The
companies are the names in the company columns (a cell with no known name is taken whole, as in
:mod:`.tables`), the marketer those in a commercial-partner column.
"""

from __future__ import annotations

import re

from ...records import Sentence
from ..approvals import AGENCIES, Approval, ApprovalStatus, find_agencies
from ..deals import parse_date
from .mentions import _M, MentionFinder
from .names import party_cell_ok
from .patterns import COMPANY, COUNTRY, INDICATION, MODALITY, _fold
from .tables import markdown_rows

__all__ = ["ApprovalTables"]

_COUNTRY_NS = "https://w3id.org/regenkg/id/country/"

# Header cell -> column role (folded text); the first that matches wins.
_ROLES = (
    ("marketer", r"商业化|销售|经销|推广|代理|commerciali|marketing|marketer|distribut|commercial partner"),
    ("approval_date", r"获批|批准|核准|上市时间|上市日期|上市年份|approv|authori[sz]ation date|launch"),
    ("company", r"公司|企业|厂商|开发商|研发|申请人|持有人|药厂|developer|company|sponsor|applicant|manufacturer|maker|\bmah\b"),
    ("product", r"产品|药品|商品名|通用名|品名|疗法名称|product|brand|drug|therapy name|^name$"),
    ("indication", r"适应症|适应证|疾病|indication|disease"),
    ("status", r"状态|进展|进度|阶段|status|stage"),
    ("country", r"国家|地区|市场|监管|country|region|market|agency|regulator|jurisdiction"),
    ("date", r"时间|日期|年份|year|date"),
    ("modality", r"类型|类别|技术|modality|type|technology|platform"),
)
_STATUS: tuple[tuple[ApprovalStatus, re.Pattern[str]], ...] = (
    ("Reimbursed", re.compile(r"医保|给付|报销|reimburs|coverage")),
    ("Conditional", re.compile(r"附条件|有条件|conditional")),
    ("Filed", re.compile(r"申报|递交|提交|受理|申请|审评|审查中|filed|submitted|under review|(?<![a-z])(?:bla|nda|maa)(?![a-z])")),
    ("Approved", re.compile(r"获批|批准|核准|已上市|上市|approved|marketed|launched|authori[sz]ed")),
)


def _row_status(text: str) -> ApprovalStatus | None:
    folded = _fold(text)
    if re.search(r"临床|phase|trial|preclinical|未获|尚未|not approved|rejected|撤回|withdrawn", folded):
        return None
    return next((s for s, pat in _STATUS if pat.search(folded)), None)


class ApprovalTables:
    """Reads approval tables row by row through a document; the header is carried between sentences."""

    def __init__(self, finder: MentionFinder) -> None:
        self.finder = finder
        self.doc: str | None = None
        self.header: list[str | None] | None = None
        self.context: tuple[str, ...] = ()  # modalities of the last sentence before a table that named any
        self.table_mods: tuple[str, ...] = ()  # ... when the current table began: its caption's topic

    def read(self, sent: Sentence, ms: list[_M]) -> tuple[list[Approval], list[_M]]:
        """The events of the table rows in ``sent`` and the company mentions added for unknown names."""
        if sent.doc_id != self.doc:
            self.doc, self.header, self.context = sent.doc_id, None, ()
        if not re.search(r"^\s*\|", sent.text, re.MULTILINE):
            mods = tuple(dict.fromkeys(m.iri for m in ms if m.kind == MODALITY and not m.pronoun))
            self.context = mods or self.context
            return [], []
        out: list[Approval] = []
        added: list[_M] = []
        for line, cells in markdown_rows(sent.text):
            roles = [self._role(c[2]) for c in cells]
            if not any(re.search(r"\d", c[2]) for c in cells) and "company" in roles and (
                    "status" in roles or "approval_date" in roles):
                self.header, self.table_mods = roles, self.context
                continue
            if self.header is None or len(self.header) != len(cells):
                if self.header is not None and len(self.header) != len(cells) and not re.search(r"\d", line):
                    self.header = None  # another table begins
                continue
            ev = self._row(sent, ms, cells, added)
            if ev is not None:
                out.append(ev)
        return out, added

    @staticmethod
    def _role(cell: str) -> str | None:
        low = _fold(cell).strip()
        return next((role for role, pattern in _ROLES if low and re.search(pattern, low)), None)

    def _row(self, sent: Sentence, ms: list[_M], cells: list[tuple[int, int, str]], added: list[_M]) -> Approval | None:
        assert self.header is not None
        by_role: dict[str, list[tuple[int, int, str]]] = {}
        for role, cell in zip(self.header, cells):
            if role is not None and cell[2]:
                by_role.setdefault(role, []).append(cell)
        status: ApprovalStatus | None = None
        if "status" in by_role:
            status = _row_status(" ".join(c[2] for c in by_role["status"]))
        date_cells = by_role.get("approval_date", [])
        if status is None and "status" not in by_role and date_cells and parse_date(_fold(date_cells[0][2])):
            status = "Approved"
        if status is None:
            return None
        companies = self._companies(sent, ms, by_role.get("company", []), added)
        marketers = tuple(c for c in self._companies(sent, ms, by_role.get("marketer", []), added) if c not in companies)
        if not companies and not marketers:
            return None
        row_a, row_b = cells[0][0], cells[-1][1]
        row_ms = [m for m in ms if row_a <= m.start and m.end <= row_b]
        inds = tuple(dict.fromkeys(m.iri for m in row_ms if m.kind == INDICATION))
        # A row that names no modality is about its table's topic ("下表为国产CAR-T的获批进度").
        mods = tuple(dict.fromkeys(m.iri for m in row_ms if m.kind == MODALITY)) or self.table_mods
        folded_row = _fold(sent.text[row_a:row_b])
        agencies = find_agencies(folded_row)
        agency = agencies[0][0] if agencies else None
        country = _COUNTRY_NS + AGENCIES[agency][0] if agency else next(
            (m.iri for m in row_ms if m.kind == COUNTRY and m.iri.startswith(_COUNTRY_NS)), None)
        date = next((d for c in date_cells + by_role.get("date", []) + by_role.get("status", [])
                     if (d := parse_date(re.sub(r"[.。]\s*$", "", _fold(c[2]))))), None)
        product = by_role.get("product", [(0, 0, "")])[0][2] or None
        return Approval(status, sent.id, sent.doc_id, "approval-table-row", companies, marketers, None, product,
                        agency, country, inds, mods, date, False)

    def _companies(self, sent: Sentence, ms: list[_M], cells: list[tuple[int, int, str]], added: list[_M]) -> tuple[str, ...]:
        out: list[str] = []
        for a, b, text in cells:
            inside = [m for m in ms + added if a <= m.start and m.end <= b and m.kind == COMPANY and not m.pronoun]
            covered = any(m.start <= a and b <= m.end and m.kind != COMPANY for m in ms)
            if not inside and not covered and 2 <= len(text) <= 40 and not re.fullmatch(r"[\d\s.,$%/-]+|n/?a|—|-", text) \
                    and party_cell_ok(text):
                m = _M(a, b, self.finder.discovered_iri(text), COMPANY, sent.text[a:b], curated=False)
                added.append(m)
                inside = [m]
            out += [m.iri for m in inside]
        return tuple(dict.fromkeys(out))
