"""Read source files into :class:`~regenkg.records.Document` records, once per distinct text.

Formats (by extension, case-insensitive):

- ``.txt``: when the first line holds a ``|`` (``title|subtitle``, as in the seed articles) that whole
  line, stripped, is the title and the body is everything after it; otherwise the title is the first
  non-empty line (shortened to 120 characters) and the body is the whole file.
- ``.md`` / ``.markdown``: optional YAML front matter (``title``, ``date``, ``language``/``lang``,
  ``sources``/``source``) between ``---`` lines; the body is the rest, markup kept. The title falls
  back to the first ``#`` heading, then the first line.
- ``.html`` / ``.htm``: the main text only (the largest ``<article>``, else ``<main>``, else
  ``<body>``; ``nav``/``header``/``footer``/``aside``/``script``/``style``/forms dropped), one
  paragraph per block element; title from ``<title>``, else ``<h1>``; ``<html lang>``, date metas
  and ``<link rel=canonical>`` as metadata.
- ``.jsonl``: one article per line, ``{"title", "date", "language", "sources", "text"}``; such a
  document's ``path`` (and a bad line's :class:`Skipped` path) is ``"<file>:line <n>"``.

``Document.text`` is the file exactly as decoded, after removing the BOM and turning ``\\r\\n`` and
``\\r`` into ``\\n``; ``Document.body_start`` is where the body begins after a ``.txt`` title line or ``.md``
front matter, and sentence offsets index ``Document.text``, so for ``.txt``/``.md`` files they slice the
decoded source (``open(path, encoding=…).read()[start:end]``, a BOM aside). For ``.html`` they index the
extracted main text (paragraphs joined by blank lines), and for ``.jsonl`` the record's ``text`` value. ``Document.id`` is the sha256 of
:func:`normalized_text` (NFKC, Traditional → Simplified, whitespace collapsed), so a re-encoded,
renamed, full-/half-width or 繁/简 copy is recognised and reported in ``duplicates``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from ..errors import IngestError
from ..records import Document, Skipped
from .encoding import decode_bytes
from .lang import normalize_lang, script_of, to_hans

__all__ = [
    "SUPPORTED_SUFFIXES",
    "IngestResult",
    "document_id",
    "ingest",
    "iter_source_files",
    "normalized_text",
]

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".jsonl"})
_TITLE_CHARS = 120
_WHITESPACE = re.compile(r"\s+")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+(.*\S)", re.MULTILINE)
_HTML_DROP = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "canvas",
    "button",
    "select",
)
_HTML_BLOCKS = (
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "address",
    "hr",
    "details",
    "summary",
    "caption",
)
_HTML_DATE_META = (
    "article:published_time",
    "date",
    "pubdate",
    "dc.date",
    "dcterms.date",
    "citation_publication_date",
    "og:published_time",
)
# Private-use markers survive BeautifulSoup untouched and never occur in decoded text we keep.
_PARAGRAPH_MARK = "\ue000"
_LINE_MARK = "\ue001"


@dataclass(frozen=True)
class IngestResult:
    """What :func:`ingest` read: documents, files or lines it could not use, and repeated texts."""

    documents: tuple[Document, ...]
    skipped: tuple[Skipped, ...]
    duplicates: tuple[Skipped, ...]


@dataclass(frozen=True)
class _Article:
    path: str
    title: str
    body: str
    date: str | None = None
    lang: str | None = None
    sources: tuple[str, ...] = ()
    prefix: str = ""  # the decoded text before the body (title line, front matter): offsets count it


class _Reject(Exception):
    """An article or a file is not usable; the message is the reason."""


def normalized_text(text: str) -> str:
    """The comparison form of a body: NFKC, Traditional → Simplified, whitespace runs → one space.

    >>> normalized_text("ＣＡＲ－Ｔ  細胞\\n療法") == normalized_text("CAR-T 细胞 疗法")
    True
    """
    return _WHITESPACE.sub(" ", to_hans(unicodedata.normalize("NFKC", text))).strip()


def document_id(text: str) -> str:
    """sha256 hex digest of :func:`normalized_text` — a document's identity."""
    return hashlib.sha256(normalized_text(text).encode("utf-8", "surrogatepass")).hexdigest()


def _is_hidden(parts: Iterable[str]) -> bool:
    return any(part.startswith(".") for part in parts)


def iter_source_files(paths: Iterable[str | Path] | str | Path) -> list[Path]:
    """Every file named in ``paths`` or found below a named folder.

    Folders are walked recursively without following symbolic links to folders; hidden files and
    folders (name starting with ``.``) inside them are ignored; each folder's files come sorted by
    relative path. A file named explicitly is always included. A file reached twice is listed once.

    Raises:
        IngestError: A path does not exist.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    found: list[Path] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            found.append(path)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            below: list[Path] = []
            for folder, dirs, files in os.walk(path):
                rel = Path(folder).relative_to(path)
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                below.extend(Path(folder, f) for f in files if not _is_hidden((*rel.parts, f)))
            for file in sorted(below, key=lambda p: p.relative_to(path).parts):
                if file.is_file():
                    add(file)
        elif path.is_file():
            add(path)
        else:
            raise IngestError(f"{path}: no such file or folder")
    return found


def _title_from_line(line: str, fallback: str) -> str:
    line = line.strip()
    if not line:
        return fallback
    return line if len(line) <= _TITLE_CHARS else line[: _TITLE_CHARS - 1].rstrip() + "…"


def _first_line(text: str) -> str:
    return next((line for line in text.split("\n") if line.strip()), "")


def _date(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip() or None


def _sources(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if v is not None and str(v).strip())
    return (str(value),)


def _parse_txt(text: str, path: Path) -> list[_Article]:
    first, newline, rest = text.partition("\n")
    if "|" in first and first.strip() and newline and rest.strip():
        return [_Article(str(path), first.strip(), rest, prefix=first + newline)]
    return [_Article(str(path), _title_from_line(_first_line(text), path.stem), text)]


def _parse_markdown(text: str, path: Path) -> list[_Article]:
    meta: dict[str, Any] = {}
    body = text
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            loaded = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise _Reject(f"invalid YAML front matter: {problem}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise _Reject("YAML front matter is not a mapping")
        meta = loaded or {}
        body = text[match.end() :]
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        heading = _MD_HEADING.search(body)
        title = (
            _title_from_line(heading.group(1).rstrip("# \t"), path.stem)
            if heading
            else _title_from_line(_first_line(body), path.stem)
        )
    return [
        _Article(
            str(path),
            title.strip(),
            body,
            _date(meta.get("date")),
            meta.get("language", meta.get("lang")),
            _sources(meta.get("sources", meta.get("source"))),
            prefix=text[: len(text) - len(body)],
        )
    ]


def _html_main(soup: BeautifulSoup) -> Tag:
    articles = soup.find_all("article")
    if articles:
        return max(articles, key=lambda a: len(a.get_text()))
    return soup.find("main") or soup.body or soup


def _html_text(root: Tag) -> str:
    # One iterative walk, no tree edits: inserting markers into bs4 costs O(siblings) per insert (a page
    # of 20,000 paragraphs took minutes) and recursion fails on deeply nested markup.
    pieces: list[str] = []
    stack: list[tuple[Any, bool, bool]] = [(root, False, False)]
    while stack:
        node, closing, in_pre = stack.pop()
        if closing:
            pieces.append(_PARAGRAPH_MARK)
        elif isinstance(node, NavigableString):
            if not isinstance(node, (Comment, Declaration, Doctype, ProcessingInstruction)):
                pieces.append(str(node) if in_pre else _WHITESPACE.sub(" ", str(node)))
        elif isinstance(node, Tag):
            if node.name == "br":
                pieces.append(_LINE_MARK)
                continue
            if node is not root and node.name in _HTML_DROP:
                continue
            if node.name in _HTML_BLOCKS:
                pieces.append(_PARAGRAPH_MARK)
                stack.append((node, True, in_pre))
            elif node.name in ("td", "th"):
                stack.append((NavigableString(" "), False, in_pre))
            child_pre = in_pre or node.name == "pre"
            stack.extend((child, False, child_pre) for child in reversed(node.contents))
    raw = "".join(pieces).replace(_LINE_MARK, "\n")
    paragraphs = []
    for block in raw.split(_PARAGRAPH_MARK):
        lines = [line.strip() for line in block.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def _parse_html(text: str, path: Path) -> list[_Article]:
    soup = BeautifulSoup(text.replace(_PARAGRAPH_MARK, "").replace(_LINE_MARK, ""), "html.parser")
    title = ""
    h1 = soup.find("h1")
    if soup.title and soup.title.get_text(strip=True):
        title = soup.title.get_text(" ", strip=True)
    elif isinstance(h1, Tag):
        title = h1.get_text(" ", strip=True)
    date = None
    for meta in soup.find_all("meta"):
        key = str(meta.get("property") or meta.get("name") or "").lower()
        if key in _HTML_DATE_META and meta.get("content"):
            date = str(meta["content"]).strip()
            break
    time_tag = soup.find("time", attrs={"datetime": True})
    if date is None and isinstance(time_tag, Tag):
        date = str(time_tag["datetime"]).strip()
    html_tag = soup.find("html")
    lang = html_tag.get("lang") if isinstance(html_tag, Tag) else None
    canonical = soup.find("link", rel="canonical", href=True)
    sources = (str(canonical["href"]),) if canonical else ()
    body = _html_text(_html_main(soup))
    return [
        _Article(
            str(path),
            title or _title_from_line(_first_line(body), path.stem),
            body,
            date,
            lang if isinstance(lang, str) else None,
            sources,
        )
    ]


def _parse_jsonl(text: str, path: Path, skipped: list[Skipped]) -> list[_Article]:
    articles = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}:line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            skipped.append(Skipped(where, f"invalid JSON: {exc.msg} (column {exc.colno})"))
            continue
        except RecursionError:
            skipped.append(Skipped(where, "invalid JSON: nested too deeply"))
            continue
        if not isinstance(record, dict):
            skipped.append(Skipped(where, f"expected a JSON object, got {type(record).__name__}"))
            continue
        body = record.get("text")
        if not isinstance(body, str):
            skipped.append(Skipped(where, 'missing or non-string "text"'))
            continue
        title = record.get("title")
        title = title.strip() if isinstance(title, str) and title.strip() else None
        body = body.replace("\r\n", "\n").replace("\r", "\n")
        articles.append(
            _Article(
                where,
                title or _title_from_line(_first_line(body), f"{path.stem} {number}"),
                body,
                _date(record.get("date")),
                record.get("language", record.get("lang")),
                _sources(record.get("sources", record.get("source"))),
            )
        )
    return articles


def _read(path: Path, skipped: list[Skipped]) -> tuple[list[_Article], str]:
    """The articles of one file and its encoding; raises :class:`_Reject` for an unusable file."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise _Reject(f"unsupported file type {suffix or '(no extension)'}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _Reject(f"cannot read: {exc.strerror or exc}") from None
    if not data:
        raise _Reject("empty file (0 bytes)")
    try:
        text, encoding = decode_bytes(data, str(path))
    except IngestError as exc:
        raise _Reject(str(exc).removeprefix(f"{path}: ")) from None
    if not text:
        raise _Reject("BOM only, no text")
    if not text.strip():
        raise _Reject("whitespace only, no text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if suffix == ".txt":
        return _parse_txt(text, path), encoding
    if suffix in (".md", ".markdown"):
        return _parse_markdown(text, path), encoding
    if suffix in (".html", ".htm"):
        try:
            return _parse_html(text, path), encoding
        except RecursionError:
            raise _Reject("HTML nested too deeply") from None
    return _parse_jsonl(text, path, skipped), encoding


def _document(article: _Article, encoding: str) -> Document:
    lang = normalize_lang(article.lang)
    # "mixed" (bilingual newsletters) is a valid declaration: each sentence gets its own language.
    if article.lang is not None and lang is None and str(article.lang).strip().lower() not in ("mixed", "multi", "bilingual"):
        logger.warning("%s: unknown language %r, detecting it instead", article.path, article.lang)
    return Document(
        id=document_id(article.body),
        title=article.title,
        text=article.prefix + article.body,
        path=article.path,
        date=article.date,
        lang=lang or script_of(article.body),
        sources=article.sources,
        encoding=encoding,
        body_start=len(article.prefix),
    )


def _iter_documents(paths: Iterable[str | Path] | str | Path, skipped: list[Skipped]) -> Iterator[Document]:
    for path in iter_source_files(paths):
        try:
            articles, encoding = _read(path, skipped)
        except _Reject as exc:
            skipped.append(Skipped(str(path), str(exc)))
            continue
        for article in articles:
            if not article.body.strip():
                skipped.append(Skipped(article.path, "whitespace only, no text"))
                continue
            yield _document(article, encoding)


def ingest(paths: Iterable[str | Path] | str | Path) -> IngestResult:
    """Read files and folders into documents, each distinct text once.

    Args:
        paths: Files and/or folders (see :func:`iter_source_files`).

    Returns:
        The documents in file order; the files or JSONL lines that were skipped, with the reason
        (unsupported type, empty, binary, undecodable, bad front matter or JSON); and the later
        copies of an already ingested text (reason ``"duplicate of <first path>"``).

    Raises:
        IngestError: A named path does not exist.
    """
    skipped: list[Skipped] = []
    duplicates: list[Skipped] = []
    documents: list[Document] = []
    first_path: dict[str, str] = {}
    for doc in _iter_documents(paths, skipped):
        if doc.id in first_path:
            duplicates.append(Skipped(doc.path, f"duplicate of {first_path[doc.id]}"))
            continue
        first_path[doc.id] = doc.path
        documents.append(doc)
    for item in skipped:
        logger.warning("skipped %s: %s", item.path, item.reason)
    for item in duplicates:
        logger.info("skipped %s: %s", item.path, item.reason)
    logger.info(
        "ingested %d documents (%d skipped, %d duplicates)", len(documents), len(skipped), len(duplicates)
    )
    return IngestResult(tuple(documents), tuple(skipped), tuple(duplicates))
