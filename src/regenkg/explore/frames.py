"""Tables for notebooks: search hits, answers, entities and SPARQL results as pandas frames and HTML.

The HTML is written here (every text escaped with :func:`html.escape`) rather than by pandas, so
``_repr_html_`` works without pandas and a sentence holding ``<script>`` shows as text.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..graph.terms import XSD
from ..records import Answer, EntityView, Hit, pick_label

__all__ = [
    "ANSWER_COLUMNS",
    "HIT_COLUMNS",
    "SparqlTable",
    "answer_frame",
    "answer_html",
    "entity_html",
    "hits_frame",
    "hits_html",
    "sparql_frame",
    "sparql_html",
    "term_value",
    "register_display",
]

logger = logging.getLogger(__name__)

HIT_COLUMNS = ("rank", "score", "dense", "lexical", "lang", "text", "title", "doc", "sentence", "start", "end")
ANSWER_COLUMNS = ("label", "iri", "type", "relation", "score", "sentence", "text", "title", "lang", "start",
                  "end", "doc")
_TEXT_CUT = 400
_STYLE = ("<style>.rkg table{border-collapse:collapse;margin:4px 0}.rkg th,.rkg td{border:1px solid #ddd;"
          "padding:3px 6px;text-align:left;vertical-align:top}.rkg th{background:#f4f4f4}"
          ".rkg .muted{color:#777;font-size:90%}</style>")


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - the notebook extra installs it
        from ..errors import BackendUnavailable

        raise BackendUnavailable('tables need pandas: pip install "regenkg[notebook]"') from None
    return pd


def _e(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return html.escape(str(value))


def _cut(text: str, limit: int = _TEXT_CUT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]], raw: Sequence[int] = ()) -> str:
    """An HTML table; cells are escaped unless their column index is in ``raw`` (already-built HTML)."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell if i in raw else _e(cell)}</td>" for i, cell in enumerate(row)) + "</tr>"
        for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _wrap(inner: str) -> str:
    return f'{_STYLE}<div class="rkg">{inner}</div>'


# ---- search hits --------------------------------------------------------------------------------------

def hits_frame(hits: Sequence[Hit]) -> Any:
    """Search hits as a DataFrame, one row per sentence, best first (columns :data:`HIT_COLUMNS`)."""
    pd = _pandas()
    rows = [(i + 1, h.score, h.dense, h.lexical, h.lang, h.text, h.title, h.doc, h.sentence, h.start, h.end)
            for i, h in enumerate(hits)]
    return pd.DataFrame(rows, columns=list(HIT_COLUMNS))


def hits_html(hits: Sequence[Hit]) -> str:
    """Search hits as an HTML table."""
    query = getattr(hits, "query", "")
    title = f"<p><b>search</b> {_e(query)} <span class='muted'>({len(hits)} hits)</span></p>" if query else ""
    if not hits:
        return _wrap(title + "<p><i>no matching sentences</i></p>")
    rows = [(i + 1, h.score, h.dense, h.lexical, h.lang, _cut(h.text), h.title) for i, h in enumerate(hits)]
    return _wrap(title + _table(("#", "score", "dense", "lexical", "lang", "sentence", "document"), rows))


# ---- answers ------------------------------------------------------------------------------------------

def _answer_label(item: Any, lang: str) -> str:
    labels = dict(item.labels or {})
    return pick_label(labels, lang, item.iri) if labels else item.label


def answer_frame(answer: Answer) -> Any:
    """One row per (answer, evidence sentence); an answer without evidence gets one row with empty evidence.

    Labels are in the asker's language (``answer.lang``). When nothing was found the frame is empty;
    ``hits_frame(answer.passages)`` shows the fallback passages.
    """
    pd = _pandas()
    rows: list[tuple[Any, ...]] = []
    for item in answer.answers:
        label = _answer_label(item, answer.lang)
        base = (label, item.iri, item.type, item.relation, item.score)
        if not item.evidence:
            rows.append((*base, None, None, None, None, None, None, None))
        for ev in item.evidence:
            rows.append((*base, ev.sentence, ev.text, ev.title, ev.lang, ev.start, ev.end, ev.doc))
    return pd.DataFrame(rows, columns=list(ANSWER_COLUMNS))


def answer_html(answer: Answer) -> str:
    """The question, its intent and answers (labels in ``answer.lang``) with their evidence sentences.

    Without answers it says "no answer found" and lists the fallback passages.
    """
    head = (f"<p><b>Q:</b> {_e(answer.question)} <span class='muted'>intent: {_e(answer.intent or '—')}"
            f" · lang: {_e(answer.lang)}</span></p>")
    if answer.answers:
        rows: list[tuple[Any, ...]] = []
        for item in answer.answers:
            evidence = "".join(
                f"<div>{_e(_cut(ev.text))} <span class='muted'>— {_e(ev.title)} [{_e(ev.start)}:{_e(ev.end)}]"
                f"</span></div>" for ev in item.evidence) or "<span class='muted'>no evidence sentence</span>"
            label = f"{_e(_answer_label(item, answer.lang))}<div class='muted'>{_e(item.iri)}</div>"
            rows.append((label, item.type, item.relation, item.score, evidence))
        body = _table(("answer", "type", "relation", "score", "evidence"), rows, raw=(0, 4))
    else:
        body = "<p><b>no answer found</b> in the graph"
        if answer.passages:
            rows = [(i + 1, h.score, h.lang, _cut(h.text), h.title) for i, h in enumerate(answer.passages)]
            body += "; closest passages:</p>" + _table(("#", "score", "lang", "sentence", "document"), rows)
        else:
            body += ".</p>"
    if answer.sparql:
        body += f"<details><summary class='muted'>SPARQL</summary><pre>{_e(answer.sparql)}</pre></details>"
    return _wrap(head + body)


# ---- entities -----------------------------------------------------------------------------------------

def entity_html(view: EntityView) -> str:
    """An :class:`~regenkg.records.EntityView`: labels per language, type, aliases and relations with evidence."""
    labels = " · ".join(f"{_e(v)} <span class='muted'>{_e(k)}</span>" for k, v in sorted(view.labels.items()))
    head = (f"<p><b>{_e(view.label('en'))}</b> <span class='muted'>{_e(view.type)}"
            f"{' · curated' if view.curated else ' · discovered'} · {_e(view.mentions)} mentions</span>"
            f"<br><span class='muted'>{_e(view.iri)}</span></p><p>{labels}</p>")
    if view.aliases:
        head += f"<p class='muted'>aliases: {_e(', '.join(view.aliases))}</p>"
    rows = []
    for rel in view.relations:
        other = pick_label(dict(rel.get("other_labels") or {}), "en", rel.get("other", ""))
        arrow = "→" if rel.get("direction") == "out" else "←"
        evidence = "".join(f"<div>{_e(_cut(ev.get('text', '')))} <span class='muted'>— {_e(ev.get('title'))}"
                           f"</span></div>" for ev in rel.get("evidence", ()))
        rows.append((f"{arrow} {_e(rel.get('predicate'))}",
                     f"{_e(other)}<div class='muted'>{_e(rel.get('other'))}</div>", evidence))
    body = _table(("relation", "other", "evidence"), rows, raw=(0, 1, 2)) if rows else \
        "<p class='muted'>no relations</p>"
    return _wrap(head + body)


# ---- SPARQL -------------------------------------------------------------------------------------------

_NUMERIC = {"integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
            "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort",
            "unsignedByte"}
_XSD = str(XSD)


def term_value(term: Any) -> Any:
    """A pyoxigraph term as a plain Python value: IRIs as strings, numbers and booleans typed."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        local = dt[len(_XSD):] if dt.startswith(_XSD) else ""
        try:
            if local in _NUMERIC:
                return int(term.value)
            if local in ("decimal", "double", "float"):
                return float(term.value)
            if local == "boolean":
                return term.value in ("true", "1")
        except ValueError:
            return term.value
        return term.value
    return str(term)


def sparql_frame(result: Any) -> Any:
    """A SPARQL result as a DataFrame: SELECT → one column per variable; ASK → one ``boolean`` cell;
    CONSTRUCT/DESCRIBE → ``subject``, ``predicate``, ``object`` columns."""
    pd = _pandas()
    if isinstance(result, SparqlTable):
        result = result.result
    if result.kind == "select":
        columns = list(result.variables)
        return pd.DataFrame([[term_value(row.get(v)) for v in columns] for row in result.rows], columns=columns)
    if result.kind == "ask":
        return pd.DataFrame({"boolean": [result.boolean]})
    return pd.DataFrame([(term_value(t.subject), term_value(t.predicate), term_value(t.object))
                         for t in result.triples], columns=["subject", "predicate", "object"])


def sparql_html(result: Any) -> str:
    """A SPARQL result as an HTML table (with a note when the row cap cut it)."""
    if isinstance(result, SparqlTable):
        result = result.result
    note = (f"<p class='muted'>{_e(result.row_count)} {'rows' if result.kind == 'select' else 'items'}"
            f"{' (truncated at the row limit)' if result.truncated else ''}</p>")
    if result.kind == "select":
        columns = list(result.variables)
        cells = [[term_value(row.get(v)) for v in columns] for row in result.rows]
        return _wrap(_table(columns, cells) + note)
    if result.kind == "ask":
        return _wrap(f"<p><b>ASK</b>: {_e(str(result.boolean).lower())}</p>")
    rows = [(term_value(t.subject), term_value(t.predicate), term_value(t.object)) for t in result.triples]
    return _wrap(_table(("subject", "predicate", "object"), rows) + note)


class SparqlTable:
    """A :class:`~regenkg.query.sparql.SparqlResult` that shows as a table in Jupyter and converts to pandas.

    Every attribute of the wrapped result (``rows``, ``variables``, ``boolean``, ``triples``, ``kind``,
    ``body``, ``truncated`` …) stays reachable; iterating gives the SELECT rows.

    >>> table = SparqlTable(kb.sparql("SELECT * WHERE { ?s ?p ?o } LIMIT 3"))   # doctest: +SKIP
    >>> table.to_df().shape                                                     # doctest: +SKIP
    (3, 3)
    """

    __slots__ = ("result",)
    result: Any

    def __init__(self, result: Any) -> None:
        self.result = result.result if isinstance(result, SparqlTable) else result

    def __getattr__(self, name: str) -> Any:
        if name == "result":  # not set yet (copy/pickle): no delegation loop
            raise AttributeError(name)
        return getattr(self.result, name)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.result.rows)

    def __eq__(self, other: object) -> bool:
        other = other.result if isinstance(other, SparqlTable) else other
        return self.result == other

    __hash__ = None  # type: ignore[assignment]

    def to_df(self) -> Any:
        """The result as a pandas DataFrame (see :func:`sparql_frame`)."""
        return sparql_frame(self.result)

    def _repr_html_(self) -> str:
        return sparql_html(self.result)

    def __repr__(self) -> str:
        return f"SparqlTable({self.result!r})"


def register_display() -> None:
    """Give the records notebook display: ``Answer.to_df()``, ``Answer._repr_html_``, ``EntityView._repr_html_``.

    Registered from here, so :mod:`regenkg.records` stays pure data and imports nothing of ``explore``;
    importing :mod:`regenkg.kb` (or this module) registers them.
    """
    setattr(Answer, "to_df", answer_frame)
    setattr(Answer, "_repr_html_", answer_html)
    setattr(EntityView, "_repr_html_", entity_html)


register_display()
