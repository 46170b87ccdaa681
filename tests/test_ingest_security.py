"""The ingestion and index cases of security-cases.md that tests/test_ingest.py does not reach: whole
builds over bad files, duplicates at build level, 1 MB lines through tokenising segmentation, and query
vectors against a built index."""

from __future__ import annotations

import codecs
import shutil
import time
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from conftest import DATA, ENCODINGS, encoding_samples

from regenkg.errors import IndexMismatch, IngestError, QueryError
from regenkg.index.store import SentenceTable, read_manifest, resolve_snapshot
from regenkg.index.vectors import VectorIndex
from regenkg.records import Answer
from regenkg.text.ingest import ingest
from regenkg.text.lang import to_hans, to_hant

SAMPLES = encoding_samples()
BINARIES = {
    "report.md": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
    "bundle.html": (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)), "ZIP"),
    "feed.jsonl": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40), "PNG"),
}
UNUSABLE = {"empty.txt", "whitespace.txt", "bom_only.txt", "png_header.txt", "nul_bytes.txt", *BINARIES}
PASSAGES = {"big5.txt": SAMPLES.ZH_HANT, "gb18030.txt": SAMPLES.ZH_HANS, "big5hkscs.txt": SAMPLES.ZH_HK,
            "crlf.txt": SAMPLES.EN}
# Articles whose companies are discovered from the text, in legacy encodings: their labels must not be mojibake.
ARTICLES = {"u3-big5.md": ("u3_ruifeng-anze.md", "big5"), "u4-gbk.md": ("u4_lanyu-qiheng.md", "gbk")}
DUPLICATES = {"utf8_bom.txt": "big5.txt", "utf16le_bom.txt": "big5.txt", "utf16be_bom.txt": "gb18030.txt"}


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def encodings_build(tmp_path_factory, settings):
    """Every shipped encoding sample plus binaries in text clothing, built into one index."""
    from regenkg.pipeline import build_index

    root = tmp_path_factory.mktemp("encodings")
    folder = root / "in"
    shutil.copytree(ENCODINGS, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    for name, (data, _) in BINARIES.items():
        (folder / name).write_bytes(data)
    for name, (source, encoding) in ARTICLES.items():
        (folder / name).write_bytes((DATA / "unseen" / source).read_text(encoding="utf-8").encode(encoding))
    index = root / "idx"
    report = build_index([folder], index, settings)
    return folder, index, report


# ---------------------------------------------------------------------------------------------- encodings
def test_build_keeps_every_encoding_and_names_every_rejected_file(encodings_build):
    folder, index, report = encodings_build
    assert {Path(s.path).name for s in report.skipped} == UNUSABLE
    for s in report.skipped:
        assert s.reason, s
        name = Path(s.path).name
        if name in BINARIES:
            assert f"binary file ({BINARIES[name][1]}" in s.reason, s
    assert {Path(s.path).name: s.reason for s in report.duplicates} == {
        dup: f"duplicate of {folder / first}" for dup, first in DUPLICATES.items()}
    assert report.documents == len(PASSAGES) + len(ARTICLES)
    manifest = read_manifest(resolve_snapshot(index))
    assert {Path(s.path).name for s in manifest.skipped} == UNUSABLE


def test_built_sentences_and_graph_hold_the_exact_text(encodings_build):
    _, index, _ = encodings_build
    snap = resolve_snapshot(index)
    table = SentenceTable(snap / "sentences.sqlite")
    try:
        docs = table.documents()
        by_name = {Path(d.path).name: d for d in docs.values()}
        assert set(by_name) == set(PASSAGES) | set(ARTICLES)
        for name, (source, encoding) in ARTICLES.items():
            original = ingest([DATA / "unseen" / source]).documents[0]
            assert (by_name[name].text, by_name[name].title) == (original.text, original.title)
            assert by_name[name].encoding == ("gb18030" if encoding == "gbk" else encoding)
        for name, passage in PASSAGES.items():
            doc = by_name[name]
            assert doc.text == passage, name
            sentences = list(table.iter_sentences(doc.id))
            assert _squash("".join(s.text for s in sentences)) == _squash(passage), name
            assert all(doc.text[s.start:s.end] == s.text for s in sentences), name
    finally:
        table.close()
    graph = "".join(p.read_text(encoding="utf-8") for p in (snap / "graph").glob("doc-*.nq"))
    assert "\ufffd" not in graph
    for chars in ("刘䶮", "㗎", "嘅", "咗", "細胞製劑CDMO"):
        assert chars in graph, chars  # rkg:text literals carry the characters outside GBK/Big5


def test_entity_labels_are_not_mojibake(encodings_build):
    """A label found in a document uses only characters of that document (in either Chinese script)."""
    _, index, _ = encodings_build
    snap = resolve_snapshot(index)
    table = SentenceTable(snap / "sentences.sqlite")
    try:
        docs = table.documents()
    finally:
        table.close()
    checked = 0
    for doc in docs.values():
        text = doc.text + to_hans(doc.text) + to_hant(doc.text)
        allowed = set(unicodedata.normalize("NFKC", text).casefold()) | set(text.casefold()) | set(" -")
        nq = (snap / "graph" / f"doc-{doc.id}.nq").read_text(encoding="utf-8")
        for line in nq.splitlines():
            if "<http://www.w3.org/2004/02/skos/core#prefLabel>" in line and '"' in line:
                label = line.split('"', 2)[1]  # pyoxigraph writes UTF-8, not \u escapes
                assert set(label.casefold()) <= allowed, (doc.path, label)
                checked += 1
    assert checked >= 2  # the two legacy-encoded articles name companies that only discovery finds


def test_cli_build_reports_each_rejected_file(encodings_build, tmp_path):
    from click.testing import CliRunner

    from regenkg.cli import main

    folder, _, _ = encodings_build
    result = CliRunner().invoke(main, ["build", str(folder), "--index", str(tmp_path / "idx")])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    for name in UNUSABLE:
        assert f"skipped {folder / name}" in out, name
    for name in DUPLICATES:
        assert f"duplicate {folder / name}" in out, name


def test_nothing_buildable_is_an_error_naming_the_files(tmp_path, settings):
    from click.testing import CliRunner

    from regenkg.cli import main
    from regenkg.pipeline import build_index

    for name in ("empty.txt", "bom_only.txt", "nul_bytes.txt"):
        shutil.copy(ENCODINGS / name, tmp_path / name)
    (tmp_path / "scan.md").write_bytes(BINARIES["report.md"][0])
    with pytest.raises(IngestError) as info:
        build_index([tmp_path], tmp_path / "idx", settings)
    for name in ("empty.txt", "bom_only.txt", "nul_bytes.txt", "scan.md"):
        assert name in str(info.value)
    result = CliRunner().invoke(main, ["build", str(tmp_path), "--index", str(tmp_path / "idx")])
    assert result.exit_code != 0 and "Traceback" not in result.output and "nothing could be built" in result.output
    assert not (tmp_path / "idx").exists()


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".jsonl"])
@pytest.mark.parametrize(("data", "kind"), list(BINARIES.values()), ids=["pdf", "zip", "png"])
def test_binary_in_any_text_format_is_rejected_naming_the_file(tmp_path, suffix, data, kind):
    path = tmp_path / f"upload{suffix}"
    path.write_bytes(data)
    result = ingest([path])
    assert result.documents == ()
    assert len(result.skipped) == 1 and result.skipped[0].path == str(path)
    assert f"binary file ({kind}" in result.skipped[0].reason


# ---------------------------------------------------------------------------------------------- long lines
def test_one_megabyte_line_through_tokenising_segmentation_in_bounded_time(tmp_path):
    from regenkg.graph.ontology import Gazetteer, ontology_dir
    from regenkg.text.segment import segment
    from regenkg.text.tokens import Tokenizer

    tokenizer = Tokenizer(Gazetteer.load(sorted(p for p in ontology_dir().glob("*.ttl")
                                                if "shape" not in p.name)).words())
    lines = {"zh.txt": "細胞治療再生醫療間質幹細胞" * 80_660,  # 1 048 580 characters, no punctuation
             "mixed.md": "CAR-T細胞療法 gene therapy 间质干细胞 " * 40_000}
    for name, line in lines.items():
        (tmp_path / name).write_text(line, encoding="utf-8")
        started = time.perf_counter()
        docs = ingest([tmp_path / name]).documents
        sentences = segment(docs, tokenizer=tokenizer, max_chars=400)
        elapsed = time.perf_counter() - started
        assert elapsed < 20, (name, elapsed)
        assert sentences and all(0 < len(s.text) <= 400 and s.tokens for s in sentences), name
        assert _squash("".join(s.text for s in sentences)) == _squash(docs[0].text), name
        assert len({s.id for s in sentences}) == len(sentences)


# ---------------------------------------------------------------------------------------------- duplicates
def _variants(data: bytes) -> dict[str, bytes]:
    text = data.decode("utf-8")
    title, body = text.split("\n", 1)
    width = {c: chr(ord(c) + 0xFEE0) for c in map(chr, range(0x21, 0x7F))} | {" ": "\u3000"}
    return {
        "x1-renamed.txt": data,
        "x2-big5.txt": text.encode("big5"),
        "x3-gb18030.txt": text.encode("gb18030"),
        "x4-utf16.txt": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        "x5-simplified.txt": (title + "\n" + to_hans(body)).encode("utf-8"),
        "x6-fullwidth.txt": (title + "\n" + body.translate(str.maketrans(width))).encode("utf-8"),
        "x7-crlf-bom.txt": codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8"),
    }


def _counts(report) -> tuple[int, ...]:
    return report.documents, report.sentences, report.vectors, report.triples, report.entities


def test_duplicates_leave_the_index_unchanged(seed_dir, tmp_path, settings):
    from regenkg.pipeline import build_index

    seed = next(seed_dir.glob("*.txt"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed, corpus / "a-original.txt")
    index = tmp_path / "idx"
    first = build_index([corpus], index, settings)
    snap = resolve_snapshot(index)

    variants = _variants(seed.read_bytes())
    for name, data in variants.items():
        (corpus / name).write_bytes(data)
    second = build_index([corpus], index, settings)
    assert sorted(Path(d.path).name for d in second.duplicates) == sorted(variants)
    assert second.noop and resolve_snapshot(index) == snap
    assert _counts(second) == _counts(first)
    assert build_index([corpus], index, settings).noop

    # A copy that sorts first becomes the kept file: a new path, the same text, nothing to embed again.
    (corpus / "0-big5.txt").write_bytes(variants["x2-big5.txt"])
    third = build_index([corpus], index, settings)
    assert not third.noop and third.embedded == 0 and third.reused == first.sentences
    assert _counts(third) == _counts(first)
    assert len(third.duplicates) == len(variants) + 1


# ---------------------------------------------------------------------------------------------- query vectors
def test_query_vectors_against_a_built_index(encodings_build, settings):
    _, index, report = encodings_build
    snap = resolve_snapshot(index)
    dim = read_manifest(snap).dimension
    vi = VectorIndex.load(snap / "vectors.faiss", expected_dimension=dim)
    assert vi.count == report.sentences
    with pytest.raises(IndexMismatch, match="vectors.faiss"):
        VectorIndex.load(snap / "vectors.faiss", expected_dimension=dim * 2)
    good = vi.vectors(vi.ids[:1])
    bad = {
        "dimension": np.ones((1, dim + 1), np.float32),
        "NaN": np.where(np.arange(dim) == 3, np.nan, good[0])[None, :],
        "infinite": np.where(np.arange(dim) == 3, np.inf, good[0])[None, :],
        "zeros": np.zeros((1, dim), np.float32),
    }
    for what, query in bad.items():
        with pytest.raises(QueryError, match="dimension|NaN|infinite|zeros"):
            vi.search(query, k=3)
    with pytest.raises(QueryError):
        vi.search(good, k=0)
    for k in (vi.count + 1, 10**9):
        found = vi.search(good, k=k)[0]
        assert len(found) == vi.count and {i for i, _ in found} == set(vi.ids.tolist())
        assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)
        assert found[0][0] == int(vi.ids[0])


def test_knowledge_base_query_limits(encodings_build, settings):
    from regenkg.kb import KnowledgeBase

    _, index, report = encodings_build
    with KnowledgeBase.open(index, settings) as kb:
        hits = kb.search("細胞製劑 CDMO", k=10**6)
        assert 0 < len(hits) <= report.sentences
        for k in (0, -1, 2.5):
            with pytest.raises(QueryError):
                kb.search("CDMO", k=k)


class _WrongDimension:
    """An embedder of another model (8-d): the index must refuse it rather than search with it."""

    dimension = 8
    model_id = "other"

    def encode_queries(self, texts):
        return np.ones((len(texts), 8), np.float32)

    encode_documents = encode_queries


def test_an_embedder_of_another_dimension_is_refused(encodings_build, settings):
    from regenkg.kb import KnowledgeBase

    _, index, _ = encodings_build
    with KnowledgeBase.open(index, settings, embedder=_WrongDimension()) as kb:
        with pytest.raises(IndexMismatch, match="8-d"):
            kb.search("CDMO")


def test_empty_index_answers_with_nothing(tmp_path, settings):
    from regenkg.kb import KnowledgeBase
    from regenkg.pipeline import build_index, remove_documents

    index = tmp_path / "idx"
    build_index([ENCODINGS / "crlf.txt"], index, settings)
    report = remove_documents(["crlf.txt"], index, settings)
    assert (report.documents, report.sentences, report.vectors) == (0, 0, 0)
    with KnowledgeBase.open(index, settings) as kb:
        assert kb.vectors.count == 0 and kb.table.count() == 0
        assert kb.vectors.search(np.ones(kb.vectors.dimension, np.float32), k=5) == [[]]
        assert list(kb.search("regenerative medicine", k=5)) == []
        answer = kb.ask("who develops CAR-T")
        assert isinstance(answer, Answer) and answer.passages == ()
        assert all(not a.evidence for a in answer.answers)
    again = build_index([ENCODINGS / "crlf.txt"], index, settings)
    assert again.documents == 1 and again.vectors == again.sentences > 0
