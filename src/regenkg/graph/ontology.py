"""Ontology terms, IRIs, and the curated gazetteer (labels, aliases, hierarchy) loaded from ``ontology/``."""

from __future__ import annotations

import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from ..errors import ConfigError
from ..records import Entity
from .terms import (
    GRAPH_NS,
    ONTOLOGY_GRAPH,
    OWL,
    PROV,
    RDF,
    RDFS,
    RES,
    RKG,
    SKOS,
    XSD,
    document_graph,
    document_iri,
    label_lang,
    resource,
    sentence_iri,
)

__all__ = [
    "RKG",
    "RES",
    "PROV",
    "SKOS",
    "GRAPH_NS",
    "ONTOLOGY_GRAPH",
    "Gazetteer",
    "ontology_dir",
    "resource",
    "sentence_iri",
    "document_iri",
    "document_graph",
    "LANGS",
]

LANGS = ("en", "zh-Hant", "zh-Hans")


# Classes an entity may have, most specific first (used to pick the one type shown to users).
ENTITY_TYPES = ("PharmaCompany", "Biotech", "CDMO", "Company", "Hospital", "University", "Product", "Modality", "Indication", "Segment",
                "Country", "Regulation", "MarketFigure")
COMPANY_TYPES = frozenset({"PharmaCompany", "Biotech", "CDMO", "Company"})


def ontology_dir() -> Path:
    """Folder with the ontology Turtle files: ``$REGENKG_ONTOLOGY``, else the copy inside the package.

    The Turtle files are package data (``regenkg/ontology/``), so a wheel install finds them as an
    editable one does; ``ontology/`` at the top of the repository is a link to the same folder.
    """
    env = os.environ.get("REGENKG_ONTOLOGY")
    candidates = [Path(env)] if env else [Path(str(resources.files("regenkg").joinpath("ontology")))]
    for path in candidates:
        if path.is_dir() and any(path.glob("*.ttl")):
            return path
    raise ConfigError(f"ontology folder not found (looked in {', '.join(map(str, candidates))})")


def _is_acronym(surface: str) -> bool:
    # Short upper-case aliases (NK, ALL, SMA, MSD) must match case-sensitively: "all patients" is not ALL.
    letters = [c for c in surface if c.isalpha()]
    return bool(letters) and len(surface) <= 5 and all(c.isupper() or not c.isascii() for c in letters)


@dataclass
class Gazetteer:
    """Curated entities with labels per language, aliases and the SKOS hierarchy."""

    entities: dict[str, Entity] = field(default_factory=dict)
    broader: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # skos:related: a market segment's modality ("外泌體新藥" is work on exosomes)
    related: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    graph: Graph = field(default_factory=Graph)

    @classmethod
    def load(cls, paths: Iterable[Path] | None = None) -> Gazetteer:
        """Parse the ontology Turtle files (default: every ``*.ttl`` in :func:`ontology_dir` but shapes)."""
        if paths is None:
            paths = sorted(p for p in ontology_dir().glob("*.ttl") if "shape" not in p.name)
        graph = Graph()
        for path in paths:
            try:
                graph.parse(path, format="turtle")
            except Exception as exc:  # rdflib raises many types; name the file
                raise ConfigError(f"cannot parse ontology file {path}: {exc}") from exc
        return cls.from_graph(graph)

    @classmethod
    def from_graph(cls, graph: Graph) -> Gazetteer:
        gaz = cls(graph=graph)
        types: dict[str, str] = {}
        for s, o in graph.subject_objects(RDF.type):
            if not isinstance(o, URIRef) or not str(o).startswith(str(RKG._NS)):
                continue
            local = str(o)[len(str(RKG._NS)):]
            if local in ENTITY_TYPES:
                prev = types.get(str(s))
                if prev is None or ENTITY_TYPES.index(local) < ENTITY_TYPES.index(prev):
                    types[str(s)] = local
        for iri, typ in types.items():
            node = URIRef(iri)
            labels: dict[str, str] = {}
            for lit in graph.objects(node, SKOS.prefLabel):
                if isinstance(lit, Literal) and lit.language:
                    labels.setdefault(label_lang(lit.language), str(lit))
            aliases = tuple(sorted({str(lit) for lit in graph.objects(node, SKOS.altLabel)}))
            qid = next((str(o) for o in graph.objects(node, SKOS.exactMatch) if "wikidata" in str(o)), None)
            gaz.entities[iri] = Entity(iri=iri, type=typ, labels=labels, aliases=aliases, curated=True, wikidata=qid)
        for s, o in graph.subject_objects(SKOS.broader):
            gaz.broader[str(s)].add(str(o))
        for s, o in graph.subject_objects(SKOS.related):
            gaz.related[str(s)].add(str(o))
        return gaz

    def surfaces(self) -> list[tuple[str, str]]:
        """Every (surface form, IRI) pair: preferred labels and aliases in all scripts.

        A modality's or indication's English surfaces also come in their other spellings (British and
        American, a curly apostrophe, a hyphen written as a space, a Greek letter spelt out, the plural),
        after every written surface, so that a written label of another term always wins.
        """
        out: list[tuple[str, str]] = []
        for ent in self.entities.values():
            if ent.type in ("MarketFigure",):
                continue
            for text in {*ent.labels.values(), *ent.aliases}:
                text = text.strip()
                if text:
                    out.append((text, ent.iri))
        written = {s for s, _ in out}
        extra: dict[str, str] = {}
        for text, iri in out:
            if self.entities[iri].type in ("Modality", "Indication"):
                for v in spelling_variants(text):
                    if v not in written:
                        extra.setdefault(v, iri)
        return out + sorted(extra.items())

    def narrower_closure(self, iri: str) -> set[str]:
        """``iri`` and everything below it in the SKOS hierarchy."""
        children: dict[str, set[str]] = defaultdict(set)
        for child, parents in self.broader.items():
            for parent in parents:
                children[parent].add(child)
        out, stack = {iri}, [iri]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in out:
                    out.add(child)
                    stack.append(child)
        return out

    def is_company(self, iri: str) -> bool:
        ent = self.entities.get(iri)
        return ent is not None and ent.type in COMPANY_TYPES

    def type_of(self, iri: str) -> str | None:
        ent = self.entities.get(iri)
        return ent.type if ent else None

    def words(self) -> list[str]:
        """Surface forms for the jieba user dictionary."""
        return sorted({s for s, _ in self.surfaces()})


# British and American spellings of medical words (each pair both ways), matched case-insensitively.
_SPELLINGS = ((r"(?<=[a-z])aem(?=i[ac])", "em"), (r"\bhaem", "hem"), (r"\boesophag", "esophag"), (r"\boedem", "edem"),
              (r"\btumour", "tumor"), (r"\bpaediatr", "pediatr"), (r"\borthopaed", "orthoped"), (r"\bfoet", "fet"),
              (r"is(?=ation|ed\b)", "iz"))
_AMERICAN = ((r"(?<=an|uk|ch|yc|ic|ss|ox|ur)em(?=i[ac])", "aem"), (r"\bhem(?=[aoa])", "haem"), (r"\besophag", "oesophag"),
             (r"\bedem", "oedem"), (r"\btumor", "tumour"), (r"\bpediatr", "paediatr"), (r"\borthoped", "orthopaed"))
_GREEK = (("β-", "beta-"), ("β", "beta "), ("γδ", "gamma delta "), ("α-", "alpha-"), ("α", "alpha "))
_PLURAL_END = re.compile(r"(?<![A-Z0-9-])([a-z]{4,})$")


def _keep_case(pattern: str, repl: str, text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        return repl[:1].upper() + repl[1:] if m.group(0)[:1].isupper() else repl
    return re.sub(pattern, sub, text, flags=re.IGNORECASE)


def spelling_variants(surface: str) -> set[str]:
    """Other spellings of an English term label: "beta-thalassemia" → "beta-thalassaemia", "beta thalassemia";
    "Parkinson's disease" → "Parkinson’s disease"; "solid tumour" → "solid tumor", "solid tumours"; "β-…" → "beta-…".

    Labels with non-Latin letters other than Greek ones (Chinese labels) have none.
    """
    if any(ord(c) > 0x24F and not "\u0370" <= c <= "\u03ff" for c in surface) or len(surface) < 4:
        return set()
    forms = {surface}
    spelt = surface
    for a, b in _GREEK:
        spelt = spelt.replace(a, b)
    forms.add(re.sub(r"\s+", " ", spelt))
    for table in (_SPELLINGS, _AMERICAN):
        forms |= {v for f in list(forms) if (v := _reduce(table, f)) != f}
    forms |= {f.replace("-", " ") for f in forms if re.search(r"[a-z]{3}-[a-z]{3}", f, re.IGNORECASE)}
    forms |= {f.replace("'", "’") for f in forms if "'" in f}
    plural = set()
    for f in forms:
        last = _PLURAL_END.search(f)
        if last is None or last.group(1).endswith(("s", "x", "ing", "ed", "al", "ic")):
            continue
        word = last.group(1)
        plural.add(f[:last.start()] + (word[:-1] + "ies" if word.endswith("y") and word[-2] not in "aeiou" else word + "s"))
    return (forms | plural) - {surface}


def _reduce(table: tuple[tuple[str, str], ...], text: str) -> str:
    for pattern, repl in table:
        text = _keep_case(pattern, repl, text)
    return text


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The gazetteer from the default ontology folder (parsed once per process)."""
    return Gazetteer.load()


_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """ASCII slug for Latin names; Han names keep their (folded) characters, which IRIs allow.

    >>> slugify("Neogene Therapeutics")
    'neogene-therapeutics'
    """
    text = unicodedata.normalize("NFKC", name).lower()
    if all(ord(c) < 128 for c in text):
        return _SLUG_RE.sub("-", text).strip("-") or "x"
    return re.sub(r"[\s/#?%\"<>\\^`{|}]+", "-", text).strip("-") or "x"


__all__ += ["default_gazetteer", "slugify", "ENTITY_TYPES", "COMPANY_TYPES", "OWL", "RDFS", "XSD", "RDF"]
