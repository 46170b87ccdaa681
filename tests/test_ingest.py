"""Ingestion: encodings, formats, rejects and duplicates, on shipped samples and the seed article."""

from __future__ import annotations

import codecs
import json
import tempfile
import time
from pathlib import Path

import pytest
from conftest import ENCODINGS, SEED_ARTICLE, encoding_samples, require_shared
from hypothesis import given, settings
from hypothesis import strategies as st

from regenkg.errors import IngestError
from regenkg.text.encoding import decode_bytes
from regenkg.text.ingest import IngestResult, document_id, ingest, iter_source_files
from regenkg.text.lang import to_hans
from regenkg.text.segment import split_sentences

SEED = SEED_ARTICLE
SAMPLES = encoding_samples()


@pytest.fixture(scope="module")
def seed_bytes() -> bytes:
    return require_shared(f"seeds/{SEED.name}").read_bytes()


def _sentences(result: IngestResult) -> list[tuple[int, int, str, str]]:
    assert len(result.documents) == 1, result
    return [(s.start, s.end, s.lang, s.text) for s in split_sentences(result.documents[0])]


def test_shipped_samples_match_their_generator():
    for name, data in SAMPLES.SAMPLES.items():
        assert (ENCODINGS / name).read_bytes() == data, f"regenerate {name} with make_samples.py"


@pytest.mark.parametrize(
    ("name", "passage", "encoding"),
    [
        ("big5.txt", "ZH_HANT", "big5"),
        ("gb18030.txt", "ZH_HANS", "gb18030"),
        ("big5hkscs.txt", "ZH_HK", "big5hkscs"),
        ("utf8_bom.txt", "ZH_HANT", "utf-8-sig"),
        ("utf16le_bom.txt", "ZH_HANT", "utf-16-le"),
        ("utf16be_bom.txt", "ZH_HANS", "utf-16-be"),
    ],
)
def test_encodings_decode_to_the_passage(name, passage, encoding):
    text, used = decode_bytes((ENCODINGS / name).read_bytes(), name)
    assert text == getattr(SAMPLES, passage)
    assert used == encoding
    doc = ingest([ENCODINGS / name]).documents[0]
    assert doc.text == getattr(SAMPLES, passage)
    assert doc.encoding == encoding


def test_gb18030_keeps_characters_outside_gbk():
    text, _ = decode_bytes((ENCODINGS / "gb18030.txt").read_bytes(), "gb18030.txt")
    assert "\u4dae" in text  # 䶮
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")


def test_big5_and_gbk_bytes_are_not_mistaken_for_each_other():
    # Each byte string also decodes without error in the other codec: only plausibility tells them apart.
    hant, hans = "細胞製劑技術管理", "临床疗效数据"
    assert hant.encode("big5").decode("gbk") == "灿璏籹警м砃恨瞶"
    assert hans.encode("gbk").decode("big5") == "還散谿虴杅擂"
    assert decode_bytes(hant.encode("big5"), "a.txt") == (hant, "big5")
    assert decode_bytes(hans.encode("gbk"), "b.txt") == (hans, "gb18030")


def test_crlf_becomes_lf():
    doc = ingest([ENCODINGS / "crlf.txt"]).documents[0]
    assert "\r" not in doc.text
    assert doc.text == SAMPLES.EN


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.txt", "empty file (0 bytes)"),
        ("whitespace.txt", "whitespace only, no text"),
        ("bom_only.txt", "BOM only, no text"),
        ("png_header.txt", "binary file (PNG image)"),
        ("nul_bytes.txt", "binary file (NUL bytes and no UTF-16 BOM)"),
    ],
)
def test_unusable_files_are_skipped_with_a_reason(name, reason):
    result = ingest([ENCODINGS / name])
    assert result.documents == ()
    assert [(Path(s.path).name, s.reason) for s in result.skipped] == [(name, reason)]


def test_binary_is_an_ingest_error_naming_the_file():
    for data, kind in [
        (b"\x89PNG\r\n\x1a\n" + bytes(20), "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (b"PK\x03\x04\x14\x00", "ZIP"),
    ]:
        with pytest.raises(IngestError, match=rf"^report\.txt: binary file \({kind}"):
            decode_bytes(data, "report.txt")


def test_undecodable_bytes_are_an_ingest_error():
    with pytest.raises(IngestError, match="^x.txt: "):
        decode_bytes(b"\xff\xfe\xfd" * 3 + b"\x80\x81" * 50, "x.txt")
    with pytest.raises(IngestError, match="invalid utf-16-le after its BOM"):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8\x41", "y.txt")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_decode_bytes_raises_only_ingest_error(data):
    try:
        text, encoding = decode_bytes(data, "fuzz.txt")
    except IngestError as exc:
        assert str(exc).startswith("fuzz.txt: ")
    else:
        assert isinstance(text, str) and encoding


def test_folder_walk_is_sorted_and_skips_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ["b/2.txt", "a.md", "b/1.txt", ".hidden.txt", ".git/config.txt", "c.xyz"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    files = iter_source_files([tmp_path, tmp_path / "a.md"])
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["a.md", "b/1.txt", "b/2.txt", "c.xyz"]
    with pytest.raises(IngestError, match="no such file or folder"):
        iter_source_files([tmp_path / "missing"])


def test_unsupported_extension_is_skipped(tmp_path):
    (tmp_path / "notes.xyz").write_text("Regenerative medicine.", encoding="utf-8")
    (tmp_path / "README").write_text("Regenerative medicine.", encoding="utf-8")
    reasons = sorted(s.reason for s in ingest([tmp_path]).skipped)
    assert reasons == ["unsupported file type (no extension)", "unsupported file type .xyz"]


def test_markdown_front_matter(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(
        "---\ntitle: 台寶生醫 CDMO\ndate: 2024-06-04\nlanguage: zh-TW\nsources:\n  - https://example.org/a\n---\n"
        "# Heading\n\n台寶生醫著重在細胞製劑CDMO。\n",
        encoding="utf-8",
    )
    (tmp_path / "b.md").write_text("# Only a heading title\n\nBody without front matter.\n", encoding="utf-8")
    (tmp_path / "c.md").write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")
    result = ingest([tmp_path])
    a, b = result.documents
    assert (a.title, a.date, a.lang, a.sources) == (
        "台寶生醫 CDMO",
        "2024-06-04",
        "zh-Hant",
        ("https://example.org/a",),
    )
    # Offsets slice the decoded file (issue #12): the text keeps the front matter, the body starts after it.
    assert a.text == path.read_text(encoding="utf-8")
    assert a.text[a.body_start:] == "# Heading\n\n台寶生醫著重在細胞製劑CDMO。\n"
    assert (b.title, b.lang) == ("Only a heading title", "en")
    assert [(Path(s.path).name, s.reason.split(":")[0]) for s in result.skipped] == [
        ("c.md", "invalid YAML front matter")
    ]


def test_html_main_text_only(tmp_path):
    (tmp_path / "a.html").write_text(
        """<!doctype html><html lang="zh-Hant"><head><title>台寶生醫 新聞</title>
        <meta property="article:published_time" content="2024-06-04"><style>p{color:red}</style></head>
        <body><nav>首頁 | 關於</nav><header>Site header</header>
        <article><h1>標題</h1><p>台寶生醫投入<b>間質幹細胞</b>開發。</p><ul><li>CAR-T</li><li>TCR-T</li></ul>
        <script>alert("x")</script><aside>廣告</aside></article><footer>Footer text</footer></body></html>""",
        encoding="utf-8",
    )
    doc = ingest([tmp_path / "a.html"]).documents[0]
    assert doc.title == "台寶生醫 新聞"
    assert (doc.date, doc.lang) == ("2024-06-04", "zh-Hant")
    assert doc.text == "標題\n\n台寶生醫投入間質幹細胞開發。\n\nCAR-T\n\nTCR-T"
    for dropped in ("首頁", "Site header", "alert", "廣告", "Footer", "color"):
        assert dropped not in doc.text


def test_jsonl_bad_lines_are_reported_and_the_rest_goes_on(tmp_path):
    lines = [
        json.dumps(
            {"title": "One", "date": "2024-01-02", "language": "en", "sources": ["s1"], "text": "First."}
        ),
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"title": "No text"}),
        "",
        json.dumps({"title": "Two", "text": "再生醫療\r\n第二篇。"}, ensure_ascii=False),
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ingest([path])
    assert [(d.title, d.path, d.text) for d in result.documents] == [
        ("One", f"{path}:line 1", "First."),
        ("Two", f"{path}:line 6", "再生醫療\n第二篇。"),
    ]
    assert result.documents[0].sources == ("s1",)
    assert [s.path for s in result.skipped] == [f"{path}:line {n}" for n in (2, 3, 4)]
    assert result.skipped[0].reason.startswith("invalid JSON")


def test_seed_title_line_and_body(seed_bytes, tmp_path):
    doc = ingest([SEED]).documents[0]
    first_line = seed_bytes.decode("utf-8").split("\n", 1)[0]
    assert doc.title == first_line.strip()
    assert doc.title.startswith("June_Regenerative Medicine|")
    # The text is the decoded file (so offsets slice it); the body starts after the title line.
    assert doc.text[doc.body_start:].startswith("The era of regenerative medicine is approaching.")
    assert doc.text[:doc.body_start].rstrip("\n") == first_line
    assert doc.id == document_id(doc.text[doc.body_start:])


def test_seed_reencoded_as_big5_and_gb18030_gives_identical_sentences(seed_bytes, tmp_path):
    text = seed_bytes.decode("utf-8")
    reference = _sentences(ingest([SEED]))
    for encoding, detected in [("big5", "big5"), ("gb18030", "gb18030"), ("utf-16-le", "utf-16-le")]:
        path = tmp_path / f"seed-{encoding}.txt"
        bom = codecs.BOM_UTF16_LE if encoding == "utf-16-le" else b""
        path.write_bytes(bom + text.encode(encoding))
        result = ingest([path])
        assert result.documents[0].encoding == detected
        assert _sentences(result) == reference, encoding


def test_duplicates_are_ingested_once(seed_bytes, tmp_path):
    text = seed_bytes.decode("utf-8")
    title, body = text.split("\n", 1)
    width = {c: chr(ord(c) + 0xFEE0) for c in map(chr, range(0x21, 0x7F))} | {" ": "\u3000"}
    variants = {
        "a-original.txt": seed_bytes,
        "b-renamed.txt": seed_bytes,
        "c-big5.txt": text.encode("big5"),
        "d-gb18030.txt": text.encode("gb18030"),
        "e-simplified.txt": (title + "\n" + to_hans(body)).encode("utf-8"),
        "f-fullwidth.txt": (title + "\n" + body.translate(str.maketrans(width))).encode("utf-8"),
        "g-crlf-bom.txt": codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8"),
    }
    for name, data in variants.items():
        (tmp_path / name).write_bytes(data)
    result = ingest([tmp_path])
    assert [Path(d.path).name for d in result.documents] == ["a-original.txt"]
    assert sorted(Path(s.path).name for s in result.duplicates) == sorted(variants)[1:]
    assert all(s.reason == f"duplicate of {tmp_path / 'a-original.txt'}" for s in result.duplicates)
    assert result.skipped == ()


def test_one_megabyte_line_in_bounded_time(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("細胞治療再生醫療" * 131_072 + "\n" + "a" * 1_000_000, encoding="utf-8")
    started = time.perf_counter()
    doc = ingest([path]).documents[0]
    sentences = split_sentences(doc)
    elapsed = time.perf_counter() - started
    assert elapsed < 10, elapsed
    assert all(len(s.text) <= 400 for s in sentences)
    assert sum(len(s.text) for s in sentences) == len(doc.text) - 1  # only the newline is not covered


def test_shipped_encodings_of_one_passage_give_identical_sentences():
    results = [ingest([ENCODINGS / name]) for name in ("big5.txt", "utf8_bom.txt", "utf16le_bom.txt")]
    reference = _sentences(results[0])
    assert len(reference) >= 3
    assert all(_sentences(r) == reference for r in results[1:])
    together = ingest([ENCODINGS / name for name in ("big5.txt", "utf8_bom.txt", "utf16le_bom.txt")])
    assert len(together.documents) == 1 and len(together.duplicates) == 2


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([".txt", ".md", ".html", ".jsonl"]))
def test_ingest_never_raises_on_arbitrary_files(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        result = ingest([path])
    assert len(result.documents) + len(result.skipped) >= 1 or data.strip() == b""
    for doc in result.documents:
        assert doc.text.strip() and "\r" not in doc.text


def test_large_and_deep_html_in_bounded_time(tmp_path):
    (tmp_path / "wide.html").write_text(
        "<article>" + "<p>段落 text。</p>" * 5000 + "</article>", encoding="utf-8"
    )
    (tmp_path / "deep.html").write_text("<div>" * 5000 + "深層文字。" + "</div>" * 5000, encoding="utf-8")
    started = time.perf_counter()
    wide, deep = ingest([tmp_path / "wide.html", tmp_path / "deep.html"]).documents
    assert time.perf_counter() - started < 5
    assert wide.text == "\n\n".join(["段落 text。"] * 5000)
    assert deep.text == "深層文字。"
