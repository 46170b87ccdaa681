"""Retrieval evaluation: recall@k and MRR of sentence search, split by query → sentence language.

Pairs (query → expected sentences) come from two places:

* the dev set's gold facts (``gold.json``): each fact's ``evidence`` sentence is asked about in English,
  Traditional and Simplified Chinese. The questions are written by a fixed template per relation from
  the fact's subject and object labels, taken from the gold's ``names`` and ``terms`` tables in the
  query's language (the English name where a table has no Chinese one) — never hand-written, never read
  from the sentence;
* ``tests/data/xling_pairs.yaml``: each side of a translation pair is the query for the other side.

A pair's direction is ``en->zh`` (English query, Chinese sentence), ``zh->en`` or ``same`` (same
language; a Traditional question for a Simplified sentence is ``same``), read from the language the index
gave the expected sentence. A pair is *found at k* when any of its expected sentences is among the first
``k`` hits; recall@k is the share of pairs found at k and MRR the mean of ``1 / rank`` of the first
expected hit (0 beyond the ranking depth).

>>> from regenkg.evaluate.retrieval import question
>>> question("acquired", "Gilead", "Kite Pharma", "en")
'Did Gilead acquire Kite Pharma?'
>>> question("acquired", "吉利德", "Kite Pharma", "zh-Hans")
'吉利德是否收购了Kite Pharma？'
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "DIRECTIONS",
    "Pair",
    "Scores",
    "build_eval_index",
    "dev_pairs",
    "evaluate",
    "kb_methods",
    "question",
    "resolve",
    "score",
    "within_language",
    "write_xling_documents",
    "xling_pairs",
]

logger = logging.getLogger(__name__)

DIRECTIONS = ("en->zh", "zh->en", "same")
QUERY_LANGS = ("en", "zh-Hant", "zh-Hans")
CUTOFFS = (1, 5, 10)

# One short yes/no question per relation of the gold set; {s} subject, {o} object, in the query's language.
TEMPLATES: dict[str, dict[str, str]] = {
    "develops": {"en": "Does {s} develop {o}?", "zh-Hant": "{s}是否在開發{o}？", "zh-Hans": "{s}是否在开发{o}？"},
    "targets": {"en": "Does {s} target {o}?", "zh-Hant": "{s}是否針對{o}？", "zh-Hans": "{s}是否针对{o}？"},
    "partneredWith": {"en": "Did {s} partner with {o}?", "zh-Hant": "{s}是否與{o}合作？",
                      "zh-Hans": "{s}是否与{o}合作？"},
    "acquired": {"en": "Did {s} acquire {o}?", "zh-Hant": "{s}是否收購了{o}？", "zh-Hans": "{s}是否收购了{o}？"},
    "licensedFrom": {"en": "Did {s} license rights from {o}?", "zh-Hant": "{s}是否從{o}取得授權？",
                     "zh-Hans": "{s}是否从{o}取得授权？"},
    "operatesIn": {"en": "Does {s} operate in {o}?", "zh-Hant": "{s}是否在{o}營運？", "zh-Hans": "{s}是否在{o}营运？"},
    "spunOutFrom": {"en": "Was {s} spun out of {o}?", "zh-Hant": "{s}是否從{o}分拆出來？",
                    "zh-Hans": "{s}是否从{o}分拆出来？"},
    "soldTo": {"en": "Did {s} sell assets to {o}?", "zh-Hant": "{s}是否把資產賣給{o}？",
               "zh-Hans": "{s}是否把资产卖给{o}？"},
    "jointVentureWith": {"en": "Did {s} form a joint venture with {o}?", "zh-Hant": "{s}是否與{o}成立合資公司？",
                         "zh-Hans": "{s}是否与{o}成立合资公司？"},
    "exited": {"en": "Did {s} exit {o}?", "zh-Hant": "{s}是否退出{o}？", "zh-Hans": "{s}是否退出{o}？"},
}


@dataclass(frozen=True)
class Pair:
    """A query and the sentence texts that answer it.

    Attributes:
        query: the query text.
        lang: the query's language (``en``, ``zh-Hant``, ``zh-Hans``).
        expected: the expected sentences' texts (as in the source; matched to the index by :func:`resolve`).
        source: ``dev`` (or the name :func:`dev_pairs` was given for another gold file) or ``xling``.
    """

    query: str
    lang: str
    expected: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Scores:
    """recall@k and MRR of one method on one group of pairs."""

    pairs: int
    recall: Mapping[int, float]
    mrr: float

    def to_dict(self) -> dict[str, Any]:
        return {"pairs": self.pairs, **{f"recall@{k}": round(v, 4) for k, v in self.recall.items()},
                "mrr": round(self.mrr, 4)}


def question(relation: str, subject: str, obj: str, lang: str) -> str:
    """The template question for a fact, in ``lang``.

    Raises:
        ValueError: unknown relation or language.
    """
    try:
        template = TEMPLATES[relation][lang]
    except KeyError:
        raise ValueError(f"no question template for relation {relation!r} in {lang!r}") from None
    return template.format(s=subject, o=obj)


def _label_table(gold: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for row in [*gold.get("names", []), *gold.get("terms", [])]:
        labels = {lang: row[lang] for lang in QUERY_LANGS if row.get(lang)}
        for key in [row.get("en"), *row.get("aliases", [])]:
            if key:
                table.setdefault(key, labels)
    return table


def dev_pairs(gold_path: Path, source: str = "dev") -> list[Pair]:
    """Pairs from a gold file: every fact asked in English, Traditional and Simplified Chinese.

    Facts that give the same question (same subject, relation and object) make one pair expecting each
    of their evidence sentences.

    Raises:
        FileNotFoundError: ``gold_path`` does not exist.
        ValueError: the file is not a gold set (no ``facts`` list), naming the file.
    """
    gold_path = Path(gold_path)
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    if not isinstance(gold, dict) or not isinstance(gold.get("facts"), list):
        raise ValueError(f"{gold_path}: not a gold set (no 'facts' list)")  # noqa: TRY004 (bad file content)
    labels = _label_table(gold)
    grouped: dict[tuple[str, str], list[str]] = {}
    for fact in gold["facts"]:
        relation, subject, obj, evidence = (fact.get(k) for k in ("relation", "subject", "object", "evidence"))
        if not (relation in TEMPLATES and subject and obj and evidence):
            continue
        for lang in QUERY_LANGS:
            s = labels.get(subject, {}).get(lang) or subject
            o = labels.get(obj, {}).get(lang) or obj
            texts = grouped.setdefault((question(relation, s, o, lang), lang), [])
            if evidence not in texts:
                texts.append(evidence)
    return [Pair(q, lang, tuple(texts), source) for (q, lang), texts in grouped.items()]


def _xling_rows(path: Path) -> list[dict[str, str]]:
    rows = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(rows, list) or not all(isinstance(r, dict) and r.get("en") and r.get("zh") for r in rows):
        raise ValueError(f"{path}: expected a list of {{en, zh, script}} mappings")
    return rows


def xling_pairs(path: Path) -> list[Pair]:
    """Both directions of every translation pair in ``path`` (tests/data/xling_pairs.yaml)."""
    out = []
    for row in _xling_rows(path):
        out.append(Pair(row["en"], "en", (row["zh"],), "xling"))
        out.append(Pair(row["zh"], row.get("script", "zh-Hant"), (row["en"],), "xling"))
    return out


def write_xling_documents(path: Path, folder: Path) -> list[Path]:
    """Write the pairs' English and Chinese sides as two Markdown documents (one sentence a paragraph)."""
    rows = _xling_rows(path)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for side, title in (("en", "Cross-lingual pairs, English side"), ("zh", "跨語言句對（中文）")):
        body = "\n\n".join(row[side] for row in rows)
        target = folder / f"xling_{side}.md"
        target.write_text(f"# {title}\n\n{body}\n", encoding="utf-8")
        out.append(target)
    return out


def build_eval_index(dev_dir: Path, xling: Path | None, index: Path, settings: Any = None,
                     *, embedder: Any = None, distractors: Sequence[Path] = ()) -> Path:
    """Build one index of the dev articles (and the translation pairs' sides) at ``index``.

    The articles are copied (``gold.json`` left out) into a temporary folder first, so the build reads
    nothing else of ``dev_dir``.

    Args:
        distractors: more folders whose articles join the index (e.g. ``corpus/``): sentences no pair
            expects, which make the ranking harder the way a real collection does.
    """
    from ..pipeline import build_index
    from ..text.ingest import SUPPORTED_SUFFIXES

    dev_dir = Path(dev_dir)
    articles = sorted(p for p in dev_dir.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES)
    if not articles:
        raise FileNotFoundError(f"no articles in {dev_dir}")
    extra = sorted(p for folder in map(Path, distractors) for p in folder.iterdir()
                   if p.suffix.lower() in SUPPORTED_SUFFIXES)
    with tempfile.TemporaryDirectory(prefix="regenkg-retrieval-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        for p in articles:
            shutil.copy(p, corpus / p.name)
        for p in extra:
            # A prefix keeps a distractor from overwriting an article of the same name.
            shutil.copy(p, corpus / f"distractor_{p.name}")
        if xling is not None:
            write_xling_documents(xling, corpus)
        build_index([corpus], index, settings, embedder=embedder)
    return index


_SPACE = re.compile(r"\s+")
_MARKUP = re.compile(r"[*_`#>|]")


def _key(text: str) -> str:
    # Markdown emphasis and table pipes differ between a gold evidence string and the indexed sentence.
    return _SPACE.sub("", _MARKUP.sub("", unicodedata.normalize("NFKC", text))).lower()


@dataclass(frozen=True)
class Resolved:
    """A pair with its expected sentence ids in one index and its direction."""

    pair: Pair
    ids: frozenset[int]
    direction: str


@dataclass
class Resolution:
    resolved: list[Resolved] = field(default_factory=list)
    unmatched: list[Pair] = field(default_factory=list)


def _group(lang: str) -> str:
    return "zh" if lang.startswith("zh") else "en"


def resolve(pairs: Iterable[Pair], sentences: Iterable[Any], min_overlap: int = 12) -> Resolution:
    """Match each pair's expected texts to indexed sentences.

    A sentence is expected when its text and an expected text contain one another (after NFKC, without
    whitespace and Markdown marks) and the shared part has at least ``min_overlap`` characters (so a
    heading such as "CAR-T" does not match every sentence naming it). A pair whose expected sentences
    lie in both language groups is split by group, one direction each.

    Args:
        pairs: the pairs.
        sentences: the index's sentences (objects with ``id``, ``lang`` and ``text``).
    """
    rows = [(s.id, _group(s.lang), _key(s.text)) for s in sentences]
    out = Resolution()
    for pair in pairs:
        by_group: dict[str, set[int]] = {}
        for text in pair.expected:
            key = _key(text)
            for sid, group, skey in rows:
                if min(len(skey), len(key)) >= min_overlap and (skey in key or key in skey):
                    by_group.setdefault(group, set()).add(sid)
        if not by_group:
            out.unmatched.append(pair)
            continue
        qgroup = _group(pair.lang)
        for group, ids in sorted(by_group.items()):
            direction = "same" if group == qgroup else f"{qgroup}->{group}"
            out.resolved.append(Resolved(pair, frozenset(ids), direction))
    return out


def score(rankings: Sequence[Sequence[int]], expected: Sequence[frozenset[int]],
          cutoffs: Sequence[int] = CUTOFFS) -> Scores:
    """recall@k (share of queries with an expected id in the first k) and MRR.

    >>> score([[3, 1, 2], [9, 8]], [frozenset({1}), frozenset({7})], cutoffs=(1, 2)).to_dict()
    {'pairs': 2, 'recall@1': 0.0, 'recall@2': 0.5, 'mrr': 0.25}
    """
    if len(rankings) != len(expected):
        raise ValueError(f"{len(rankings)} rankings for {len(expected)} expected sets")
    n = len(rankings)
    found = {k: 0 for k in cutoffs}
    rr = 0.0
    for ranking, ids in zip(rankings, expected):
        rank = next((i for i, sid in enumerate(ranking, 1) if sid in ids), None)
        if rank is None:
            continue
        rr += 1.0 / rank
        for k in cutoffs:
            found[k] += rank <= k
    return Scores(n, {k: (found[k] / n if n else 0.0) for k in cutoffs}, rr / n if n else 0.0)


def within_language(resolved: Sequence[Resolved], rankings: Mapping[str, Sequence[int]],
                    group_of: Mapping[int, str], cutoffs: Sequence[int] = (1, 2, 3, 4, 5)) -> dict[str, dict[str, Any]]:
    """recall@n *within the expected sentences' language*: each ranking keeps only sentences of that language.

    This bounds every way of sharing the first k places between the two languages: a method that gives
    the expected language ``n`` of them finds the pair exactly when its within-language rank is at most ``n``.
    So ``same`` at n = 4 is what a same-language query keeps when one place goes to the other language.

    Args:
        resolved: the pairs (all expected ids of one :class:`Resolved` lie in one language group).
        rankings: query → ranked sentence ids (deep enough for the largest cutoff in each language).
        group_of: sentence id → language group (``en``/``zh``).

    >>> r = [Resolved(Pair("q", "en", ("x",), "dev"), frozenset({7}), "en->zh")]
    >>> within_language(r, {"q": [1, 7, 2]}, {1: "en", 2: "en", 7: "zh"}, cutoffs=(1, 2))
    {'dev en->zh': {'pairs': 1, 'recall@1': 1.0, 'recall@2': 1.0}}
    """
    found: dict[str, list[int]] = {}
    pairs: dict[str, int] = {}
    for r in resolved:
        key = f"{r.pair.source} {r.direction}"
        pairs[key] = pairs.get(key, 0) + 1
        counts = found.setdefault(key, [0] * len(cutoffs))
        group = next((group_of[i] for i in r.ids if i in group_of), None)
        order = [i for i in rankings[r.pair.query] if group_of.get(i) == group]
        rank = next((n for n, i in enumerate(order, 1) if i in r.ids), None)
        for n, k in enumerate(cutoffs):
            counts[n] += rank is not None and rank <= k
    return {key: {"pairs": pairs[key], **{f"recall@{k}": round(c / pairs[key], 4) for k, c in zip(cutoffs, counts)}}
            for key, counts in sorted(found.items())}


Search = Callable[[list[str]], list[list[int]]]


def evaluate(resolved: Sequence[Resolved], methods: Mapping[str, Search]) -> dict[str, dict[str, dict[str, Any]]]:
    """Scores of each method per source and direction: ``{method: {"dev en->zh": {...}, ...}}``.

    Args:
        resolved: pairs resolved against the index the methods search.
        methods: name → function from a batch of queries to one ranked list of sentence ids per query.
    """
    queries = sorted({r.pair.query for r in resolved})
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for name, search in methods.items():
        ranked = dict(zip(queries, search(queries)))
        groups: dict[str, list[Resolved]] = {}
        for r in resolved:
            groups.setdefault(f"{r.pair.source} {r.direction}", []).append(r)
            groups.setdefault(f"{r.pair.source} all", []).append(r)
        out[name] = {
            key: score([ranked[r.pair.query] for r in rs], [r.ids for r in rs]).to_dict()
            for key, rs in sorted(groups.items())
        }
    return out


def kb_methods(kb: Any, fusions: Mapping[str, Any], depth: int = max(CUTOFFS),
               single_cut: Sequence[str] = ()) -> dict[str, Search]:
    """One :data:`Search` per fusion over ``kb`` (what ``KnowledgeBase.search_many`` runs), embedding each
    query once.

    Every method ranks the same candidates: one :class:`~regenkg.query.search.HybridSearch` call with the
    same ``k`` (so the same dense and lexical candidate depths) per method; only the fusion differs.

    Args:
        kb: an open :class:`~regenkg.kb.KnowledgeBase`.
        fusions: name → fusion (see :mod:`regenkg.query.fuse`).
        depth: hits per query.
        single_cut: names of fusions to run on the dense candidates of one cut at the search depth, as
            before issue #19, instead of per language group.
    """
    import numpy as np

    from ..query.search import HybridSearch

    vectors: dict[str, Any] = {}

    def embed(queries: list[str]) -> Any:
        missing = [q for q in dict.fromkeys(queries) if q not in vectors]
        if missing:
            vectors.update(zip(missing, kb.embedder.encode_queries(missing)))
        return np.stack([vectors[q] for q in queries])

    def method(fusion: Any, per_group: bool) -> Search:
        def search(queries: list[str]) -> list[list[int]]:
            results = HybridSearch(kb, fusion, per_group=per_group)(queries, k=depth, qvecs=embed(queries))
            return [[hit.sentence for hit in hits] for hits in results]

        return search

    return {name: method(fusion, name not in single_cut) for name, fusion in fusions.items()}
