"""A gold set: annotated articles, facts with polarity, questions, and the names/terms they resolve to.

The schema is the one of ``../shared/eval/dev/gold.json`` (see that folder's README). Loading checks the
parts the scorer relies on and names the file and the entry when something is missing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import ConfigError
from ..graph.match import fold_aligned

__all__ = ["RELATIONS", "SYMMETRIC", "GoldEntry", "GoldFact", "GoldQuestion", "GoldSet", "fold", "load_gold"]

Polarity = Literal["true", "denied", "rumour", "ended"]
POLARITIES = ("true", "denied", "rumour", "ended")
RELATIONS = ("acquired", "partneredWith", "licensedFrom", "jointVentureWith", "develops", "targets",
             "operatesIn", "exited", "soldTo", "spunOutFrom")
SYMMETRIC = frozenset({"partneredWith", "jointVentureWith"})


def fold(text: str) -> str:
    """Case, width and Traditional/Simplified folding used for every name comparison.

    >>> fold("諾華 AG") == fold("诺华 ag")
    True
    """
    return " ".join(fold_aligned(text).split())


@dataclass(frozen=True)
class GoldEntry:
    """One organisation (``names``) or term (``terms``) with every surface it may be written as."""

    key: str  # the ``en`` label, which facts use
    kind: str  # "company" … for names, the term kind ("modality", "indication", …) for terms
    surfaces: tuple[str, ...]
    parent: str | None = None  # ``parent`` (names) or ``broader`` (terms), as an ``en`` label


@dataclass(frozen=True)
class GoldFact:
    article: str
    subject: str
    relation: str
    object: str
    polarity: Polarity
    evidence: str = ""
    equivalent: tuple[tuple[str, str, str], ...] = ()
    amount: str | None = None
    currency: str | None = None
    date: str | None = None

    def encodings(self) -> tuple[tuple[str, str, str], ...]:
        """(subject, relation, object) forms that count as this fact, both orders for symmetric ones."""
        out = [(self.subject, self.relation, self.object), *self.equivalent]
        out += [(o, r, s) for s, r, o in list(out) if r in SYMMETRIC]
        return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class GoldQuestion:
    q: str
    lang: str
    expect: tuple[tuple[str, ...], ...]
    forbid: tuple[str, ...] = ()
    expect_text: tuple[tuple[str, ...], ...] = ()
    forbid_text: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    tests: tuple[str, ...] = ()


@dataclass(frozen=True)
class GoldSet:
    path: Path
    articles: dict[str, str]  # file name -> language
    facts: tuple[GoldFact, ...]
    questions: tuple[GoldQuestion, ...]
    entries: dict[str, GoldEntry] = field(default_factory=dict)  # en label -> entry

    @property
    def folder(self) -> Path:
        return self.path.parent

    def article_paths(self) -> list[Path]:
        return [self.folder / name for name in self.articles]

    def surface_index(self) -> dict[str, set[str]]:
        """Folded surface -> the entries (``en`` keys) written that way."""
        out: dict[str, set[str]] = {}
        for entry in self.entries.values():
            for s in entry.surfaces:
                out.setdefault(fold(s), set()).add(entry.key)
        return out

    def ancestors(self, key: str) -> set[str]:
        """Entries above ``key`` along ``parent``/``broader`` (not ``key`` itself)."""
        out: set[str] = set()
        cur = self.entries.get(key)
        while cur is not None and cur.parent and cur.parent not in out:
            out.add(cur.parent)
            cur = self.entries.get(cur.parent)
        return out


def _need(obj: dict[str, Any], key: str, where: str) -> Any:
    if key not in obj:
        raise ConfigError(f"{where}: missing {key!r}")
    return obj[key]


def _groups(value: Any, where: str) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list) or not all(isinstance(g, list) for g in value):
        raise ConfigError(f"{where}: expected a list of lists of strings")
    return tuple(tuple(str(x) for x in g) for g in value)


def load_gold(path: str | Path) -> GoldSet:
    """Read and check a gold file; its articles are the files named in ``articles`` beside it."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"gold file not found: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read gold file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a JSON object with articles, facts, questions, names, terms")
    articles: dict[str, str] = {}
    for i, a in enumerate(_need(data, "articles", str(path))):
        where = f"{path}: articles[{i}]"
        name = str(_need(a, "file", where))
        articles[name] = str(a.get("language", "en"))
        if not (path.parent / name).is_file():
            raise ConfigError(f"{where}: article file {path.parent / name} does not exist")
    entries: dict[str, GoldEntry] = {}
    for section in ("names", "terms"):
        for i, e in enumerate(data.get(section, [])):
            where = f"{path}: {section}[{i}]"
            key = str(_need(e, "en", where))
            surfaces = [key, *(e.get(k) for k in ("zh-Hant", "zh-Hans")), *e.get("aliases", [])]
            kind = str(e.get("type" if section == "names" else "kind", section))
            parent = e.get("parent") if section == "names" else e.get("broader")
            entries[key] = GoldEntry(key, kind, tuple(dict.fromkeys(str(s) for s in surfaces if s)),
                                     str(parent) if parent else None)
    facts: list[GoldFact] = []
    for i, f in enumerate(_need(data, "facts", str(path))):
        where = f"{path}: facts[{i}]"
        pol = str(_need(f, "polarity", where))
        if pol not in POLARITIES:
            raise ConfigError(f"{where}: polarity {pol!r} is not one of {', '.join(POLARITIES)}")
        art = str(_need(f, "article", where))
        if art not in articles:
            raise ConfigError(f"{where}: article {art!r} is not listed in 'articles'")
        eq = tuple((str(_need(x, "subject", where)), str(_need(x, "relation", where)),
                    str(_need(x, "object", where))) for x in f.get("equivalent", []))
        fact = GoldFact(art, str(_need(f, "subject", where)), str(_need(f, "relation", where)),
                        str(_need(f, "object", where)), pol, str(f.get("evidence", "")), eq,  # type: ignore[arg-type]
                        f.get("amount"), f.get("currency"), f.get("date"))
        for s, _, o in fact.encodings():
            for name in (s, o):
                if name not in entries:
                    raise ConfigError(f"{where}: {name!r} is not the en label of an entry in names/terms")
        facts.append(fact)
    questions: list[GoldQuestion] = []
    for i, q in enumerate(data.get("questions", [])):
        where = f"{path}: questions[{i}]"
        questions.append(GoldQuestion(
            q=str(_need(q, "q", where)), lang=str(q.get("lang", "en")),
            expect=_groups(q.get("expect", []), where + ".expect"),
            forbid=tuple(str(x) for x in q.get("forbid", [])),
            expect_text=_groups(q.get("expect_text", []), where + ".expect_text"),
            forbid_text=tuple(str(x) for x in q.get("forbid_text", [])),
            articles=tuple(str(x) for x in (q.get("article") or [])),
            tests=tuple(str(x) for x in q.get("tests", []))))
    return GoldSet(path, articles, tuple(facts), tuple(questions), entries)
