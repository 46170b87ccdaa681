"""Synthetic N-Quads shaped like a regenkg snapshot, for the SPARQL/graph benchmarks.

One ontology graph (modalities with a skos:broader tree, bilingual labels) and one named graph per
synthetic document, holding its sentences (rkg:text, rkg:inDocument, rkg:mentions) and reified facts
(rkg:Assertion with rdf:subject/predicate/object, prov:wasDerivedFrom, rkg:confidence, rkg:rule) plus the
direct edge (company rkg:develops modality), as the build writes them. Companies have en + zh-Hant labels.
Files go to benchmarks/data/ (git-ignored) and are reused when present; never commit them.

    .venv/bin/python benchmarks/gen_data.py --triples 1000000     # → benchmarks/data/synthetic-1000000.nq
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

__all__ = ["DATA", "GRAPH", "N_MODALITIES", "N_ROOTS", "RES", "RKG", "shape", "synthetic", "write_nquads"]

DATA = Path(__file__).resolve().parent / "data"
RKG = "https://w3id.org/regenkg/ontology#"
RES = "https://w3id.org/regenkg/id/"
GRAPH = "https://w3id.org/regenkg/graph/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
N_MODALITIES = 300
N_ROOTS = 20
PREDICATES = ("develops", "develops", "develops", "targets", "partneredWith", "acquired")
# Per document: 6 sentences × 5 triples + 2 mentions each, 6 facts × 9 triples (8 reified + 1 direct).
_PER_DOC = 6 * 7 + 6 * 9


def shape(n_triples: int) -> dict[str, int]:
    """Documents and companies for about ``n_triples`` triples (companies grow with the corpus)."""
    docs = max(1, n_triples // _PER_DOC)
    return {"documents": docs, "companies": max(50, docs // 4)}


def _lit(text: str, lang: str | None = None, dtype: str | None = None) -> str:
    body = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return body + (f"@{lang}" if lang else "") + (f"^^<{dtype}>" if dtype else "")


def synthetic(n_triples: int, seed: int = 7):
    """Yield N-Quads lines (``str`` ending in newline) for about ``n_triples`` triples."""
    rng = random.Random(seed)
    dims = shape(n_triples)
    onto = f"<{GRAPH}ontology>"
    for m in range(N_MODALITIES):
        node = f"<{RES}modality/m{m}>"
        yield f"{node} <{RDF}type> <{RKG}Modality> {onto} .\n"
        yield f"{node} <{SKOS}prefLabel> {_lit(f'Modality {m}', 'en')} {onto} .\n"
        yield f"{node} <{SKOS}prefLabel> {_lit(f'療法{m}', 'zh-Hant')} {onto} .\n"
        if m >= N_ROOTS:  # a two-level tree under N_ROOTS roots: "CAR-T" under "immune cell therapy"
            yield f"{node} <{SKOS}broader> <{RES}modality/m{m % N_ROOTS}> {onto} .\n"
    for c in range(dims["companies"]):
        node = f"<{RES}company/c{c}>"
        yield f"{node} <{RDF}type> <{RKG}Company> {onto} .\n"
        yield f"{node} <{SKOS}prefLabel> {_lit(f'Company {c}', 'en')} {onto} .\n"
        yield f"{node} <{SKOS}prefLabel> {_lit(f'公司{c}', 'zh-Hant')} {onto} .\n"
    sid = 0
    for d in range(dims["documents"]):
        g = f"<{GRAPH}doc/d{d}>"
        doc = f"<{RES}document/d{d}>"
        sentences = []
        for i in range(6):
            sid += 1
            s = f"<{RES}sentence/{sid}>"
            sentences.append(s)
            company = rng.randrange(dims["companies"])
            yield f"{s} <{RDF}type> <{RKG}Sentence> {g} .\n"
            yield f"{s} <{RKG}text> {_lit(f'Company {company} develops modality {sid % N_MODALITIES}.', 'en')} {g} .\n"
            yield f"{s} <{RKG}inDocument> {doc} {g} .\n"
            yield f"{s} <{RKG}start> {_lit(str(i * 100), None, XSD + 'integer')} {g} .\n"
            yield f"{s} <{RKG}end> {_lit(str(i * 100 + 90), None, XSD + 'integer')} {g} .\n"
            yield f"{s} <{RKG}mentions> <{RES}company/c{company}> {g} .\n"
            yield f"{s} <{RKG}mentions> <{RES}modality/m{rng.randrange(N_MODALITIES)}> {g} .\n"
        for i in range(6):
            subj = f"<{RES}company/c{rng.randrange(dims['companies'])}>"
            pred = rng.choice(PREDICATES)
            if pred in ("partneredWith", "acquired"):
                obj = f"<{RES}company/c{rng.randrange(dims['companies'])}>"
            else:
                obj = f"<{RES}modality/m{rng.randrange(N_ROOTS, N_MODALITIES)}>"
            a = f"<{RES}assertion/d{d}-{i}>"
            yield f"{a} <{RDF}type> <{RKG}Assertion> {g} .\n"
            yield f"{a} <{RDF}subject> {subj} {g} .\n"
            yield f"{a} <{RDF}predicate> <{RKG}{pred}> {g} .\n"
            yield f"{a} <{RDF}object> {obj} {g} .\n"
            yield f"{a} <{PROV}wasDerivedFrom> {sentences[i]} {g} .\n"
            yield f"{a} <{RKG}confidence> {_lit(f'0.{rng.randrange(50, 99)}', None, XSD + 'decimal')} {g} .\n"
            yield f"{a} <{RKG}rule> {_lit(pred)} {g} .\n"
            yield f"{a} <{RKG}sentenceIndex> {_lit(str(i), None, XSD + 'integer')} {g} .\n"
            yield f"{subj} <{RKG}{pred}> {obj} {g} .\n"


def write_nquads(n_triples: int, path: Path | None = None, *, seed: int = 7, force: bool = False) -> Path:
    """Write (or reuse) ``benchmarks/data/synthetic-<n>.nq``; returns its path."""
    path = path or DATA / f"synthetic-{n_triples}.nq"
    if path.exists() and not force:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        out.writelines(synthetic(n_triples, seed))
    tmp.replace(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--force", action="store_true", help="regenerate even if the file exists")
    args = parser.parse_args()
    for n in args.triples:
        path = write_nquads(n, force=args.force)
        with path.open("rb") as f:
            lines = sum(1 for _ in f)
        print(f"{path} ({lines} quads, {path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
