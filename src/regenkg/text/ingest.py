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

Policy (:class:`IngestPolicy`, from :class:`~regenkg.config.Settings`): a symbolic link is followed only
when its target lies inside an input root (a named folder, or the folder of a named file), unless
``follow_symlinks``; links leaving the roots, dangling links and link loops are reported by name in
``skipped``. A file over ``max_file_bytes``, a line over ``max_line_chars``, a title over
``max_title_chars`` and metadata (date, language, sources; front matter) over ``max_meta_chars`` are
skipped with a reason naming the setting. YAML front matter may not use aliases (``*name``): a few
hundred bytes of nested aliases expand to gigabytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from ..errors import IngestError
from ..records import Document, Skipped
from .encoding import decode_bytes
from .files import IngestPolicy, iter_source_files
from .lang import normalize_lang, script_of, to_hans

__all__ = [
    "SUPPORTED_SUFFIXES",
    "IngestPolicy",
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


# Files above this size get a log line when their reading starts (their parse can take a while).
_LARGE_FILE = 8_000_000


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


class _NoAliasLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses aliases: anchors are harmless, expanding ``*refs`` is the bomb."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"YAML aliases (*{event.anchor}) are not allowed in front matter", event.start_mark)
        return super().compose_node(parent, index)


def _longest_line(text: str) -> tuple[int, int]:
    """(length, 1-based number) of the longest line of ``text``, without splitting it into a list."""
    best = (0, 1)
    start, number = 0, 1
    while True:
        end = text.find("\n", start)
        length = (len(text) if end < 0 else end) - start
        if length > best[0]:
            best = (length, number)
        if end < 0:
            return best
        start, number = end + 1, number + 1


def _check_article(article: _Article, policy: IngestPolicy) -> None:
    if len(article.title) > policy.max_title_chars:
        raise _Reject(f"title is {len(article.title):,} characters, over max_title_chars ({policy.max_title_chars:,})")
    meta = (len(article.date or "") + len(str(article.lang or "")) + sum(len(s) for s in article.sources))
    if meta > policy.max_meta_chars:
        raise _Reject(f"metadata (date, language, sources) is {meta:,} characters, over max_meta_chars "
                      f"({policy.max_meta_chars:,})")


def normalized_text(text: str) -> str:
    """The comparison form of a body: NFKC, Traditional → Simplified, whitespace runs → one space.

    >>> normalized_text("ＣＡＲ－Ｔ  細胞\\n療法") == normalized_text("CAR-T 细胞 疗法")
    True
    """
    return _WHITESPACE.sub(" ", to_hans(unicodedata.normalize("NFKC", text))).strip()


def document_id(text: str) -> str:
    """sha256 hex digest of :func:`normalized_text` — a document's identity."""
    return hashlib.sha256(normalized_text(text).encode("utf-8", "surrogatepass")).hexdigest()


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


def _parse_markdown(text: str, path: Path, policy: IngestPolicy) -> list[_Article]:
    meta: dict[str, Any] = {}
    body = text
    match = _FRONT_MATTER.match(text)
    if match:
        limit = policy.max_title_chars + policy.max_meta_chars
        if len(match.group(1)) > limit:
            raise _Reject(f"YAML front matter is {len(match.group(1)):,} characters, over max_title_chars + "
                          f"max_meta_chars ({limit:,})")
        try:
            loaded = yaml.load(match.group(1), Loader=_NoAliasLoader)
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


def _parse_jsonl(text: str, path: Path, skipped: list[Skipped], policy: IngestPolicy) -> list[_Article]:
    articles = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}:line {number}"
        if len(line) > policy.max_line_chars:
            skipped.append(Skipped(where, f"line is {len(line):,} characters, over max_line_chars "
                                          f"({policy.max_line_chars:,})"))
            continue
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
        article = _Article(
            where,
            title or _title_from_line(_first_line(body), f"{path.stem} {number}"),
            body,
            _date(record.get("date")),
            record.get("language", record.get("lang")),
            _sources(record.get("sources", record.get("source"))),
        )
        try:
            _check_article(article, policy)
        except _Reject as exc:
            skipped.append(Skipped(where, str(exc)))
            continue
        articles.append(article)
    return articles


def _read(path: Path, skipped: list[Skipped], policy: IngestPolicy | None = None) -> tuple[list[_Article], str]:
    """The articles of one file and its encoding; raises :class:`_Reject` for an unusable file."""
    policy = policy or IngestPolicy()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise _Reject(f"unsupported file type {suffix or '(no extension)'}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _Reject(f"cannot read: {exc.strerror or exc}") from None
    if size > policy.max_file_bytes:
        raise _Reject(f"file is {size:,} bytes, over max_file_bytes ({policy.max_file_bytes:,})")
    if size > _LARGE_FILE:
        logger.warning("reading %s (%.0f MB)", path, size / 1e6)
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
    if suffix == ".jsonl":  # lines are checked one by one: a bad line is skipped, not the file
        return _parse_jsonl(text, path, skipped, policy), encoding
    longest, number = _longest_line(text)
    if longest > policy.max_line_chars:
        raise _Reject(f"line {number} is {longest:,} characters, over max_line_chars ({policy.max_line_chars:,})")
    if suffix == ".txt":
        articles = _parse_txt(text, path)
    elif suffix in (".md", ".markdown"):
        articles = _parse_markdown(text, path, policy)
    else:
        try:
            articles = _parse_html(text, path)
        except RecursionError:
            raise _Reject("HTML nested too deeply") from None
    for article in articles:
        _check_article(article, policy)
    return articles, encoding


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


def _iter_documents(paths: Iterable[str | Path] | str | Path, skipped: list[Skipped], policy: IngestPolicy,
                    progress: Callable[[str, int, int], None] | None) -> Iterator[Document]:
    files = iter_source_files(paths, policy, skipped)
    for i, path in enumerate(files):
        if progress is not None:
            progress("read", i, len(files))
        try:
            articles, encoding = _read(path, skipped, policy)
        except _Reject as exc:
            skipped.append(Skipped(str(path), str(exc)))
            continue
        for article in articles:
            if not article.body.strip():
                skipped.append(Skipped(article.path, "whitespace only, no text"))
                continue
            yield _document(article, encoding)
    if progress is not None:
        progress("read", len(files), len(files))


def ingest(paths: Iterable[str | Path] | str | Path, policy: IngestPolicy | None = None, *,
           progress: Callable[[str, int, int], None] | None = None) -> IngestResult:
    """Read files and folders into documents, each distinct text once.

    Args:
        paths: Files and/or folders (see :func:`iter_source_files`).
        policy: Symlinks and size limits (default: :class:`IngestPolicy` defaults).
        progress: Called with ``("read", files done, files)`` before each file.

    Returns:
        The documents in file order; the files or JSONL lines that were skipped, with the reason
        (unsupported type, empty, binary, undecodable, bad front matter or JSON, over a limit, a
        symbolic link not followed); and the later
        copies of an already ingested text (reason ``"duplicate of <first path>"``).

    Raises:
        IngestError: A named path does not exist.
    """
    skipped: list[Skipped] = []
    duplicates: list[Skipped] = []
    documents: list[Document] = []
    first_path: dict[str, str] = {}
    for doc in _iter_documents(paths, skipped, policy or IngestPolicy(), progress):
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
