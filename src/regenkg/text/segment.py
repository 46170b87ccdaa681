"""Split documents into sentences with exact character offsets (``doc.text[s.start:s.end] == s.text``).

Boundaries, strongest first:

1. A blank line always ends a sentence. A single newline ends one when the line before looks like a
   heading or list item (``#``, ``-``/``*``/``•`` bullets, ``1.``/``(1)``/``一、`` numbering, or a short
   line ≤ 40 characters without trailing comma-like punctuation) or the line after starts a list item.
2. Chinese sentence ends ``。！？；`` and ``……`` always end a sentence; so do ``!``/``?`` before a CJK
   character, the end of the text, or a space and a capital; a half-width ``;`` ends one when a CJK
   character stands next to it (the seed articles separate list items with ``;``). Commas never do.
3. English ``.`` ends a sentence before a space and a non-lower-case character (or a CJK character),
   except after abbreviations (e.g., Inc., Co., Dr., U.S., et al., No. 5, …), initials (``J. Smith``) and
   inside decimals (3.06, 25.1%). Closing quotes and brackets after an end stay with the sentence.
4. No boundary falls inside a matched pair of brackets ``()（）[]【】`` shorter than 300 characters, so
   ``Novartis(Legendbiotech)`` or ``(Contract Development …,委託開發暨製造服務)`` stay whole.
5. A sentence longer than ``max_chars`` is cut at the last newline in the window, else after the
   last ``，,、：:；;`` in its second half, else at the last space there, else hard at ``max_chars``.

Every sentence is stripped of surrounding whitespace and none is empty; the sentences cover every
non-whitespace character of the document exactly once. Cost is linear in the text length.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..records import Document, Lang, Sentence, sentence_id
from .lang import HAN_RANGES, normalize_lang, script_of

if TYPE_CHECKING:
    from .tokens import Tokenizer

__all__ = ["segment", "sentence_spans", "split_sentences"]

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_ENDS = re.compile(r"[。！？；!?;.…]+")
_CJK = re.compile(f"[{HAN_RANGES}\u3000-\u303f\u3040-\u30ff\uff00-\uffef]")
_STRONG = frozenset("。！？；")
_CLOSERS = frozenset("\"'”’」』）)]】》〉")
_OPEN_CLOSE = {"(": ")", "（": "）", "[": "]", "【": "】"}
_CLOSE_OPEN = {v: k for k, v in _OPEN_CLOSE.items()}
_BRACKETS = re.compile(r"[()（）\[\]【】]")
_MAX_BRACKET = 300
_HEADING_CHARS = 40
_CONTINUATION = frozenset(',，、;；:：-–—(（[「『"“')
_LIST_ITEM = re.compile(
    r"(?:#{1,6}\s|[-*+•·▪●○◦‣–—]\s|\d{1,3}[.)、](?!\d)|[(（]\d{1,3}[)）]|[一二三四五六七八九十]{1,3}、"
    r"|[(（][一二三四五六七八九十]{1,3}[)）])"
)
_SOFT_CUTS = ("，", ",", "、", "：", ":", "；", ";")
_WORD_BEFORE = re.compile(r"([A-Za-z]+(?:\.[A-Za-z]+)*)$")
_ET_AL = re.compile(r"\bet\s+al$")
_ABBREVIATION_LIST = (
    "e.g i.e etc inc co ltd corp dr mr mrs ms prof st vs cf approx fig figs eq ref refs dept univ jr sr "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.s.a e.u p.m a.m al ph.d m.d b.v n.v "
    "s.a plc llc gmbh mt vol pp ed eds est min max avg"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_LIST.split())


def _is_cjk(char: str) -> bool:
    return _CJK.match(char) is not None


def _protected(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Interiors of matched bracket pairs in ``text[start:end]``, merged and sorted."""
    stack: list[tuple[str, int]] = []
    spans: list[tuple[int, int]] = []
    for match in _BRACKETS.finditer(text, start, end):
        i, char = match.start(), match.group()
        if char in _OPEN_CLOSE:
            stack.append((char, i))
        elif char in _CLOSE_OPEN:
            # Unwind to the matching opener; unmatched closers are ignored.
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == _CLOSE_OPEN[char]:
                    opened = stack[depth][1]
                    del stack[depth:]
                    if i - opened <= _MAX_BRACKET:
                        spans.append((opened, i))
                    break
    spans.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def _inside(spans: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    k = bisect.bisect_right(starts, pos) - 1
    return k >= 0 and spans[k][0] < pos < spans[k][1]


def _next_visible(text: str, pos: int, end: int) -> str | None:
    while pos < end:
        if not text[pos].isspace():
            return text[pos]
        pos += 1
    return None


def _prev_visible(text: str, pos: int, start: int) -> str | None:
    while pos > start:
        pos -= 1
        if not text[pos].isspace():
            return text[pos]
    return None


def _is_abbreviation(text: str, dot: int, start: int, following: str | None) -> bool:
    before = text[max(start, dot - 24) : dot]
    match = _WORD_BEFORE.search(before)
    if match is None:
        return False
    word = match.group(1)
    if _ET_AL.search(before):
        return True
    if word in ("No", "Nos"):
        return following is not None and following.isdigit()
    if word.lower() in _ABBREVIATIONS:
        return True
    # An initial ("J. Smith") but not the last letter of "CAR-T." or "NK cell T."
    preceding = text[dot - 2] if dot - 2 >= start else " "
    if not (len(word) == 1 and word.isupper() and (preceding.isspace() or preceding in '(（"“')):
        return False
    # "haemophilia B. Halvard will…", "hepatitis B. The…": a letter after a lower-case word names a type, not
    # a person ("John B. Smith", "J. Smith" keep their initial).
    prev_word = re.search(r"([A-Za-z][\w-]*)\s+$", text[max(start, dot - 40):dot - 1])
    return prev_word is None or not prev_word.group(1)[0].islower()


def _is_end(text: str, i: int, j: int, start: int, end: int) -> bool:
    """Whether the run of end marks ``text[i:j]`` ends a sentence (``j`` is after closing quotes)."""
    run = text[i:j].rstrip("".join(_CLOSERS))
    if any(c in _STRONG for c in run) or run.count("…") >= 2:
        return True
    after = text[j] if j < end else None
    following = _next_visible(text, j, end)
    if after is not None and not after.isspace() and not _is_cjk(after):
        return False  # "3.06", "U.S", "e.g.,", "example.com", "a;b"
    if run.endswith(";"):
        before = _prev_visible(text, i, start)
        return (before is not None and _is_cjk(before)) or (following is not None and _is_cjk(following))
    if following is None or (after is not None and _is_cjk(after)):
        return True
    if following.islower():
        return False
    return not (run == "." and _is_abbreviation(text, i, start, following))


def _soft_boundaries(text: str, start: int, end: int) -> list[int]:
    spans = _protected(text, start, end)
    starts = [lo for lo, _ in spans]
    cuts = []
    for match in _ENDS.finditer(text, start, end):
        i, j = match.span()
        if _inside(spans, starts, i):
            continue
        if match.group() == "." and 0 < i and j < end and text[i - 1].isdigit() and text[j].isdigit():
            continue
        while j < end and text[j] in _CLOSERS:
            j += 1
        if _is_end(text, i, j, start, end):
            cuts.append(j)
    return cuts


def _is_heading_line(line: str, next_line: str) -> bool:
    line = line.strip()
    if not line:
        return False
    if _LIST_ITEM.match(line):
        return True
    nxt = next_line.strip()
    return len(line) <= _HEADING_CHARS and line[-1] not in _CONTINUATION and not nxt[:1].islower()


def _line_boundaries(text: str, start: int, end: int) -> list[int]:
    cuts = []
    line_start = start
    newline = text.find("\n", start, end)
    while newline != -1:
        following_end = text.find("\n", newline + 1, end)
        following_end = end if following_end == -1 else following_end
        next_line = text[newline + 1 : following_end]
        if _is_heading_line(text[line_start:newline], next_line) or _LIST_ITEM.match(next_line.strip()):
            cuts.append(newline)
        line_start = newline + 1
        newline = text.find("\n", line_start, end)
    return cuts


# A press release's dateline: "BOSTON, March 3, 2026 --", "CAMBRIDGE, Mass. and SHANGHAI, 3 March 2026
# /PRNewswire/ —". It is its own sentence, so the first sentence opens with the company, as the rules expect.
_DATELINE = re.compile(
    r"\s*[A-Z][\w.'’-]*(?:(?:\s+|\s*,\s*)(?:and\s+|&\s+)?[A-Z][\w.'’-]*){0,5}\s*,\s*"
    r"(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}|"
    r"\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{4})"
    r"\s*(?:/\s*[A-Za-z][\w .-]{1,40}/)?\s*(?:--|—|–)")


def _dateline_boundaries(text: str, start: int, end: int) -> list[int]:
    match = _DATELINE.match(text, start, end)
    return [match.end()] if match else []


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    # Index walking, not slicing: the remainder of a 1 MB line must not be copied per sentence.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cut_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    pieces = []
    while end - start > max_chars:
        limit = start + max_chars
        floor = start + max_chars // 2
        cut = text.rfind("\n", start + 1, limit)
        if cut == -1:
            # rfind gives -1 when absent, so "+ 1" makes 0: never above floor.
            cut = max(text.rfind(mark, floor, limit) + 1 for mark in _SOFT_CUTS)
            if cut <= floor:
                space = max(text.rfind(" ", floor + 1, limit), text.rfind("\u3000", floor + 1, limit))
                cut = space if space != -1 else limit
        lo, hi = _strip(text, start, cut)
        if hi > lo:
            pieces.append((lo, hi))
        start, end = _strip(text, cut, end)
    if end > start:
        pieces.append((start, end))
    return pieces


def sentence_spans(text: str, max_chars: int = 400) -> list[tuple[int, int]]:
    """``(start, end)`` of every sentence of ``text`` (see the module docstring for the rules).

    >>> t = "Novartis(Legendbiotech) grew 3.06 times. It is big!第二句。第三句; 第四句"
    >>> [t[a:b] for a, b in sentence_spans(t)]
    ['Novartis(Legendbiotech) grew 3.06 times.', 'It is big!', '第二句。', '第三句;', '第四句']
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be ≥ 1, got {max_chars}")
    blocks = []
    position = 0
    for match in _BLANK_LINE.finditer(text):
        blocks.append((position, match.start()))
        position = match.end()
    blocks.append((position, len(text)))
    spans: list[tuple[int, int]] = []
    for block_start, block_end in blocks:
        cuts = sorted(
            {
                *_line_boundaries(text, block_start, block_end),
                *_soft_boundaries(text, block_start, block_end),
                *_dateline_boundaries(text, block_start, block_end),
                block_end,
            }
        )
        previous = block_start
        for cut in cuts:
            lo, hi = _strip(text, previous, cut)
            if hi > lo:
                spans.extend(_cut_long(text, lo, hi, max_chars))
            previous = cut
    return spans


def _document_hint(doc: Document) -> Lang | None:
    hint = normalize_lang(doc.lang)
    return hint if hint is not None else script_of(doc.text[doc.body_start:])


def segment(
    docs: Iterable[Document], tokenizer: Tokenizer | None = None, max_chars: int = 400
) -> list[Sentence]:
    """Sentences of every document, in order, with language and (given a tokenizer) tokens.

    Args:
        docs: Documents from :func:`regenkg.text.ingest.ingest`.
        tokenizer: Fills :attr:`Sentence.tokens` when given (one batched call).
        max_chars: No sentence is longer than this.

    Returns:
        Sentences with ``id = sentence_id(doc.id, n)`` for ``n = 0, 1, …`` within each document.
    """
    sentences: list[Sentence] = []
    for doc in docs:
        hint = _document_hint(doc)
        base = doc.body_start  # offsets index the whole decoded file; the title line/front matter is not text
        for n, (start, end) in enumerate(sentence_spans(doc.text[base:], max_chars)):
            start, end = start + base, end + base
            text = doc.text[start:end]
            sentences.append(
                Sentence(
                    id=sentence_id(doc.id, n),
                    doc_id=doc.id,
                    n=n,
                    start=start,
                    end=end,
                    lang=script_of(text, hint),
                    text=text,
                )
            )
    if tokenizer is not None and sentences:
        tokens = tokenizer.tokenize_many([s.text for s in sentences])
        sentences = [
            Sentence(s.id, s.doc_id, s.n, s.start, s.end, s.lang, s.text, tuple(t))
            for s, t in zip(sentences, tokens, strict=True)
        ]
    return sentences


def split_sentences(doc: Document, *, max_chars: int = 400) -> list[Sentence]:
    """The sentences of one document (see :func:`segment`)."""
    return segment([doc], max_chars=max_chars)
