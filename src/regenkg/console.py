"""How the `regenkg` command prints: Rich tables for people, JSON / NDJSON / CSV for programs.

Every piece of text that comes from an article or from the user goes through :func:`plain`, so Rich never
reads it as markup (``[/]`` in a sentence used to crash the table, ``[sic]`` to vanish).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable
from typing import Any

import click

__all__ = ["ANSWER_COLUMNS", "ENTITY_COLUMNS", "HIT_COLUMNS", "answer_rows", "console", "emit", "plain",
           "print_answer", "print_result_table", "print_skipped", "relation_rows", "short", "term_text"]


def console(stderr: bool = False) -> Any:
    """A Rich console on stdout (or stderr); 140 columns wide when not a terminal."""
    from rich.console import Console

    console = Console(stderr=stderr, soft_wrap=False)
    if not console.is_terminal:
        # Piped output (logs, CI, `| less`) gets a width that keeps tables readable.
        console = Console(stderr=stderr, soft_wrap=False, width=140)
    return console


def short(text: str, n: int) -> str:
    """``text`` on one line, cut to ``n`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def plain(text: Any, n: int | None = None) -> str:
    """Text from the corpus or the user, escaped for Rich (``[/]`` would crash it, ``[sic]`` vanish)."""
    from rich.markup import escape

    text = "" if text is None else str(text)
    return escape(short(text, n) if n else text)


def emit(fmt: str, document: dict[str, Any], records: Iterable[dict[str, Any]],
          rows: Callable[[], Iterable[dict[str, Any]]], columns: tuple[str, ...]) -> None:
    """Print a result as ``json`` (``document``), ``ndjson`` (``records``) or ``csv`` (``rows()``)."""
    if fmt == "json":
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    elif fmt == "ndjson":
        for record in records:
            click.echo(json.dumps(record, ensure_ascii=False))
    else:
        writer = csv.DictWriter(sys.stdout, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows())


HIT_COLUMNS = ("sentence", "score", "dense", "lexical", "lang", "doc", "title", "start", "end", "text")


ANSWER_COLUMNS = ("iri", "label", "type", "relation", "score", "sentence", "doc", "title", "lang", "start",
                  "end", "text")


def answer_rows(document: dict[str, Any]) -> Iterable[dict[str, Any]]:
    """CSV rows of an answer's JSON form: one per answer and evidence sentence."""
    for a in document["answers"]:
        base = {k: a[k] for k in ("iri", "label", "type", "relation", "score")}
        for ev in a["evidence"] or [{}]:
            yield {**base, **ev}


def print_answer(question: str, answer: Any, explain: bool) -> None:
    """The answer table (or the closest sentences when the graph had none), and the SPARQL on request."""
    from rich.table import Table

    out = console()
    # What the question was read as, and what could not be used, before any answer (issue 15).
    if answer.understood.get("text"):
        out.print(f"[dim]understood as:[/] {plain(answer.understood['text'])}")
    for note in answer.notes:
        out.print(f"[yellow]note:[/] {plain(note)}")
    if answer.answers:
        table = Table(title=f"{plain(question, 80)}  ({plain(answer.intent)})", show_lines=True)
        table.add_column("answer", no_wrap=True)
        # A deal line can be long ("acquired by X (completed, 2024-02, USD 1.2 billion)"): fold it rather than
        # squeeze the evidence column to nothing.
        table.add_column("relation", overflow="fold", max_width=44)
        table.add_column("score", justify="right")
        table.add_column("evidence (sentence — document \\[start:end])", overflow="fold")
        for a in answer.answers:
            ev = "\n".join(f"“{plain(e.text, 110)}” — {plain(e.title, 40)} \\[{e.start}:{e.end}]"
                           for e in a.evidence)
            table.add_row(f"{plain(a.label)}\n[dim]{plain(a.type)}[/]", plain(a.relation), f"{a.score:.2f}",
                          ev)
        out.print(table)
    else:
        out.print(f"[yellow]No answer found in the graph[/] for: {plain(question, 200)}")
        if answer.passages:
            out.print("Closest sentences (hybrid search, not a graph answer):")
            for h in answer.passages:
                out.print(f"  • {plain(h.text, 160)}  — {plain(h.title, 50)}")
    if explain:
        out.print("[bold]SPARQL:[/]")
        click.echo(answer.sparql or "(no SPARQL: no intent/entity recognised; search fallback only)")


def print_result_table(result: Any) -> None:
    """A SPARQL result as a Rich table (ASK: true/false; a graph: its Turtle)."""
    from rich.table import Table

    out = console()
    if result.kind == "ask":
        out.print("true" if result.boolean else "false")
        return
    if result.kind == "graph":
        sys.stdout.buffer.write(result.body)
        return
    rows = result.rows
    cols = list(getattr(result, "variables", None) or (rows[0].keys() if rows else []))
    table = Table(show_lines=False)
    for c in cols:
        table.add_column(plain(c), overflow="fold")
    for row in rows:
        table.add_row(*[plain(term_text(row.get(c))) for c in cols])
    out.print(table)
    out.print(f"{len(rows)} row(s)")


def term_text(term: Any) -> str:
    """A result term as text: a literal with its @language, an IRI as it is."""
    if term is None:
        return ""
    if isinstance(term, dict):
        value = term.get("value", "")
        if term.get("xml:lang"):
            return f"{value}@{term['xml:lang']}"
        return str(value)
    return getattr(term, "value", str(term))


ENTITY_COLUMNS = ("iri", "direction", "predicate", "other", "other_label", "sentence", "doc", "title", "lang",
                  "start", "end", "text")


def relation_rows(document: dict[str, Any]) -> Iterable[dict[str, Any]]:
    """CSV rows of an entity's JSON form: one per relation and evidence sentence."""
    from .records import pick_label

    for rel in document["relations"]:
        base = {"iri": document["iri"], "direction": rel["direction"], "predicate": rel["predicate"],
                "other": rel["other"], "other_label": pick_label(rel["other_labels"], "en", rel["other"])}
        for ev in rel["evidence"] or [{}]:
            yield {**base, **ev}


def print_skipped(report: Any) -> None:
    """The files a build or add skipped (unreadable, unsupported) and the duplicates it left out."""
    out = console()
    for s in report.skipped:
        out.print(f"[yellow]skipped[/] {plain(s.path)}: {plain(s.reason)}")
    for s in report.duplicates:
        out.print(f"[dim]duplicate[/] {plain(s.path)}: {plain(s.reason)}")
