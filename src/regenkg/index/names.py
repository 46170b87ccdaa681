"""A bilingual name table learned from the indexed texts: ``中文名（English）`` and ``English（中文名）``.

Chinese trade press gives a company, product or term its English name once, in brackets, at first
mention (細胞治療公司邦耀生物（BRL Medicine）; 由Kite Pharma（凱特製藥）開發). An English question naming
"BRL Medicine" shares no word with the Chinese sentences that say 邦耀生物, and the gazetteer knows the
name in one language at most, so the label bridge (:mod:`regenkg.query.bridge`) cannot help. The table
holds each bracketed pair found in the collection itself; search adds the other side of every name a
query contains to its bridged BM25 query.

The Chinese side of ``中文名（English）`` is the run of hanzi just before the bracket, cut after the last
function character (的, 與, 由, …) and to its last :data:`MAX_ZH` characters: a bracket names the words
right before it, and a longer run is a description, not a name. Names are compared folded
(:func:`regenkg.text.lang.fold`: one Chinese script, lower case), so 繁 and 简 meet.

Saved as one JSON file in the snapshot (``names.json``: its format version and the pairs); an index
built before the table existed has none, and search then works without it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import IndexMismatch
from ..text.lang import fold

__all__ = ["FORMAT", "MAX_ZH", "NameTable", "bracket_pairs"]

#: Version of ``names.json``'s format.
FORMAT = 1
#: The longest Chinese name kept (characters).
MAX_ZH = 10
#: The most other-language names one name may bring (a key bracketed with many names is no name).
MAX_OTHERS = 3

_HAN = "\u3400-\u9fff"
# Characters a name does not run across: particles, prepositions, conjunctions, verbs of relation.
_STOP = set("的與与和及、將将由在為为是了於于對对把被向從从以其並并而或即稱称旗下與同跟讓让使於至自")
_LATIN_NAME = r"[A-Za-z0-9][A-Za-z0-9&.'’+\-]*(?:,?[ /][A-Za-z0-9][A-Za-z0-9&.'’+\-]*){0,5}"
# 中文名（English）: hanzi right before an opening bracket that holds Latin text only.
_ZH_EN = re.compile(rf"([{_HAN}]{{2,}})\s*[（(]\s*({_LATIN_NAME})\s*[,，;；]?\s*[）)]")
# English（中文名）: a capitalised word sequence right before a bracket that holds hanzi only.
_EN_ZH = re.compile(rf"(?<![A-Za-z0-9])([A-Z][A-Za-z0-9&.'’+\-]*(?: [A-Z0-9][A-Za-z0-9&.'’+\-]*){{0,5}})"
                    rf"\s*[（(]\s*([{_HAN}]{{2,{MAX_ZH}}})\s*[）)]")
# Units of a date, left off a run that starts right after a number.
_DATE = set("年月日號号")
# Legal forms left off an English name ("Kite Pharma, Inc." is asked for as "Kite Pharma").
_LEGAL = re.compile(r"[\s,]+(?:inc|ltd|co|corp|corporation|limited|llc|plc|ag|sa|gmbh|bv|nv|kk)\.?$", re.I)


# Words that describe the name after them (細胞治療公司邦耀生物, 美國藥廠吉利德): the name starts after the last.
_DESCRIPTOR = re.compile("利用|採用|采用|使用|收購|收购|併購|并购|宣布|投資|投资|授權|授权|合作|取得|引進|引进|公司|企業|企业|藥廠|药厂|大廠|大厂|巨頭|巨头|廠商|厂商|夥伴|伙伴|新創|新创|機構|机构|業者|业者")


def _chinese_name(run: str) -> str:
    """The name at the end of a run of hanzi: after its last function character and describing word
    (when a name of two characters or more is left), at most :data:`MAX_ZH` characters."""
    cut = max((i for i, ch in enumerate(run) if ch in _STOP), default=-1)
    name = run[cut + 1:]
    described = [m.end() for m in _DESCRIPTOR.finditer(name) if len(name) - m.end() >= 2]
    if described:
        name = name[described[-1]:]
    return name[-MAX_ZH:]


def _english_name(text: str) -> str:
    name = _LEGAL.sub("", text.strip(" .,;-"))
    return name.strip(" .,;-")


def bracket_pairs(text: str) -> list[tuple[str, str]]:
    """The ``(English, Chinese)`` name pairs one text states by brackets, in order.

    >>> bracket_pairs("細胞治療公司邦耀生物（BRL Medicine）宣布，由Kite Pharma（凱特製藥）授權。")
    [('BRL Medicine', '邦耀生物'), ('Kite Pharma', '凱特製藥')]
    >>> bracket_pairs("嵌合抗原受體療法（CAR-T）")
    [('CAR-T', '嵌合抗原受體療法')]
    >>> bracket_pairs("revenue rose (see table) 32%")
    []
    >>> bracket_pairs("3月美國食品藥物管理局（FDA）核准")
    [('FDA', '美國食品藥物管理局')]
    """
    out: list[tuple[str, str]] = []
    for m in _ZH_EN.finditer(text):
        run = m.group(1)
        if m.start(1) and text[m.start(1) - 1].isdigit() and run[0] in _DATE:
            run = run[1:]  # "12月美國食品藥物管理局（FDA）": the date's unit is no part of the name
        zh, en = _chinese_name(run), _english_name(m.group(2))
        if len(zh) >= 2 and sum(ch.isalpha() for ch in en) >= 2:
            out.append((en, zh))
    for m in _EN_ZH.finditer(text):
        en = _english_name(m.group(1))
        if sum(ch.isalpha() for ch in en) >= 2:
            out.append((en, m.group(2)))
    return sorted(set(out), key=lambda p: text.find(p[1]))


class NameTable:
    """English ↔ Chinese names, each name with the names it was bracketed with.

    >>> table = NameTable.build(["邦耀生物（BRL Medicine）今日宣布", "由Kite（凱特）開發"])
    >>> table.terms("Did BRL Medicine partner with Kite?")
    ['邦耀生物', '凱特']
    >>> table.terms("邦耀生物與哪家公司合作？")
    ['BRL Medicine']
    >>> table.terms("What did BRLMedicine do?")   # a name is matched whole
    []
    """

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self.pairs = tuple(sorted(set(pairs)))
        others: dict[str, dict[str, str]] = {}
        for en, zh in self.pairs:
            others.setdefault(fold(en), {}).setdefault(fold(zh), zh)
            others.setdefault(fold(zh), {}).setdefault(fold(en), en)
        self._others = {key: list(names.values()) for key, names in others.items() if len(names) <= MAX_OTHERS}
        # Latin keys are matched as whole words, hanzi keys as substrings; the longest name first, so that
        # "Kite Pharma" is read before "Kite".
        keys = sorted(self._others, key=lambda k: (-len(k), k))
        latin = [k for k in keys if re.search(r"[a-z0-9]", k) and not re.search(f"[{_HAN}]", k)]
        han = [k for k in keys if k not in set(latin)]
        self._latin = (re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, latin)) + r")(?![a-z0-9])")
                       if latin else None)
        self._han = re.compile("|".join(map(re.escape, han))) if han else None

    def __len__(self) -> int:
        return len(self.pairs)

    @classmethod
    def build(cls, texts: Iterable[str], surfaces: Iterable[tuple[str, str]] = ()) -> NameTable:
        """The table of every bracketed pair in ``texts``.

        Of two Chinese names of one English name where one ends the other (治療公司邦耀生物, 邦耀生物), only
        the shorter is kept: the rest was description. ``surfaces``: the gazetteer's ``(label, IRI)``
        pairs; a bracket whose Chinese name is a label of entities the English name is not a label of
        names an affiliate, not a translation (吉利德（Kite）: Gilead's Kite), and is left out.

        >>> NameTable.build(["吉利德（Kite）與亘喜生物（Gracell）"], [("吉利德", "x:gild"), ("Gilead", "x:gild")]).pairs
        (('Gracell', '亘喜生物'),)
        """
        known: dict[str, set[str]] = {}
        for label, iri in surfaces:
            known.setdefault(fold(label), set()).add(iri)
        by_en: dict[str, set[str]] = {}
        for text in texts:
            for en, zh in bracket_pairs(text):
                if fold(zh) in known and not known[fold(zh)] & known.get(fold(en), set()):
                    continue
                by_en.setdefault(en, set()).add(zh)
        return cls((en, zh) for en, names in by_en.items() for zh in names
                   if not any(other != zh and zh.endswith(other) for other in names))

    def spans(self, query: str) -> list[tuple[int, int, list[str]]]:
        """``(start, end, other-language names)`` of each name ``query`` contains, left to right, longest first
        where two overlap. Offsets are into the folded query (the query's own where folding keeps its length,
        as it does for Latin text and for Traditional → Simplified).

        >>> NameTable([("Kite Pharma", "凱特製藥"), ("Kite", "凱特")]).spans("Did Kite Pharma sell?")
        [(4, 15, ['凱特製藥'])]
        """
        key = fold(query)
        found: list[tuple[int, int, str]] = []
        for pattern in (self._latin, self._han):
            if pattern is not None:
                found += [(m.start(), m.end(), m.group()) for m in pattern.finditer(key)]
        out: list[tuple[int, int, list[str]]] = []
        end = -1
        for start, stop, name in sorted(found, key=lambda f: (f[0], -f[1])):
            if start < end:
                continue  # inside a longer name already read (the other alternation)
            others = [o for o in self._others.get(name, ()) if fold(o) not in key]
            if others:
                out.append((start, stop, others))
            end = stop
        return out

    def terms(self, query: str) -> list[str]:
        """The other-language names of the names ``query`` contains, each once, in the order found."""
        return list(dict.fromkeys(other for _, _, others in self.spans(query) for other in others))

    def save(self, path: Path) -> None:
        """Write the table as JSON (format version and pairs)."""
        data = {"format": FORMAT, "pairs": [list(p) for p in self.pairs]}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> NameTable:
        """The table saved at ``path``; an empty one when the index has none (built before it existed)."""
        if not path.is_file():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise IndexMismatch(f"{path} has name-table format {data.get('format')!r}, this version reads {FORMAT}")
        pairs: Sequence[Sequence[str]] = data.get("pairs", [])
        return cls((str(en), str(zh)) for en, zh in pairs)
