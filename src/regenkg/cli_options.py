"""What every ``regenkg`` command shares: exit codes, the error handling and the common options.

:mod:`regenkg.cli` declares the commands with these; the options put what they read where the commands
find it (``--store`` on the click context, read back by :func:`command_settings`).
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from .config import DEFAULT_INDEX
from .errors import RegenkgError

if TYPE_CHECKING:
    from .config import Settings

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_NO_RESULT",
    "EXIT_OK",
    "EXIT_USAGE",
    "FORMATS",
    "INDEX_ENV",
    "SERVER_OPTIONS",
    "CommandGroup",
    "NoResult",
    "ServerOption",
    "add_server_arguments",
    "command_settings",
    "format_option",
    "handle_errors",
    "index_option",
    "output_format",
    "server_options",
    "settings_options",
    "store_option",
    "writer_options",
    "writer_wait_of",
]

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_NO_RESULT = 1  # also any RegenkgError (click.ClickException exits 1)
EXIT_USAGE = 2  # click.UsageError / BadParameter
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
INDEX_ENV = "REGENKG_INDEX"
FORMATS = ("table", "json", "ndjson", "csv")


class NoResult(click.ClickException):
    """Nothing found: the message goes to stderr and the exit code is :data:`EXIT_NO_RESULT`."""

    exit_code = EXIT_NO_RESULT

    def show(self, file: Any = None) -> None:
        if self.message:  # empty when the table already said so on stdout
            click.echo(self.message, err=True)


def handle_errors(fn: F) -> F:
    """Turn regenkg errors into a one-line message and exit code 1 (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except RegenkgError as exc:
            raise click.ClickException(str(exc)) from None

    return cast(F, wrapper)


class CommandGroup(click.Group):
    """The command group; Ctrl-C anywhere in a command exits 130 with one line, not click's exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)


def index_option(fn: F) -> F:
    return click.option("--index", "index", default=DEFAULT_INDEX, show_default=True, envvar=INDEX_ENV,
                        show_envvar=True, type=click.Path(path_type=Path), help="Index directory.")(fn)


def format_option(fn: F) -> F:
    """``--format table|json|ndjson|csv`` (and ``--json`` for ``--format json``) of ask, search, entity."""
    fn = click.option("--json", "as_json", is_flag=True, help="Same as --format json.")(fn)
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                        help="table for people; json (one document), ndjson (one record a line) or csv "
                             "(one row per record and evidence sentence) for programs.")(fn)


def output_format(fmt: str, as_json: bool) -> str:
    if as_json and fmt not in ("table", "json"):
        raise click.UsageError(f"--json and --format {fmt} ask for different outputs: give one")
    return "json" if as_json else fmt


def store_option(fn: F) -> F:
    """``--store URL``: query the graph in an external SPARQL 1.1 store instead of in memory."""

    def remember(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value:
            from .graph.remote import parse_store_url

            try:
                parse_store_url(value)  # a bad URL is a clear error here, not later
            except RegenkgError as exc:
                raise click.BadParameter(str(exc), param=param) from None
            # Kept on the click context: command_settings() puts it into the Settings the command passes down.
            ctx.meta[STORE_KEY] = value
        return value

    return click.option("--store", default=None, expose_value=False, callback=remember,
                        help="Graph in an external SPARQL store, e.g. sparql+http://127.0.0.1:7878 "
                             "(load it first with `regenkg push`).")(fn)


def settings_options(fn: F) -> F:
    fn = click.option("--config", "config", type=click.Path(path_type=Path), default=None,
                      help="Settings file (TOML); REGENKG_* environment variables override it.")(fn)
    return fn


def writer_options(fn: F) -> F:
    """``--wait/--no-wait``, ``--wait-timeout``: what to do while another process writes the index."""
    fn = click.option("--wait-timeout", type=click.FloatRange(min=0), default=None,
                      help="Seconds to wait for another writer of the index (default: setting writer_wait, 600).")(fn)
    fn = click.option("--wait/--no-wait", "wait", default=True, show_default=True,
                      help="While another build/add/remove/import/unmerge writes this index: wait for it, "
                           "or fail at once naming it (pid, command).")(fn)
    return fn


def writer_wait_of(wait: bool, timeout: float | None) -> float | None:
    return 0.0 if not wait else timeout


STORE_KEY = "regenkg.store"


def command_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """The command's settings, built once: file, environment, then the command's options (``--store``)."""
    from .config import Settings

    ctx = click.get_current_context(silent=True)
    store = ctx.meta.get(STORE_KEY) if ctx is not None else None
    return Settings.load(config, **{"store": store, **overrides})


@dataclass(frozen=True)
class ServerOption:
    """One option of the HTTP server, the same for ``regenkg serve`` and ``python -m regenkg.server``.

    Attributes:
        name: the keyword of :func:`regenkg.server.serve` it fills; the flag is ``--`` + name with dashes.
        kind: ``int``, ``float`` or ``str``.
        default: the value when the flag is not given (``None``: the server's own default, named in ``help``).
        help: what it limits, and what a client sees past it.
        positive: numbers must be > 0 (the server refuses anything else too).
    """

    name: str
    kind: type[int | float | str]
    default: int | float | str | None
    help: str
    positive: bool = True

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


# The one definition of the server's options; docs/security.md lists the budgets they set.
SERVER_OPTIONS: tuple[ServerOption, ...] = (
    ServerOption("host", str, "127.0.0.1", "Address to listen on (loopback by default)."),
    ServerOption("port", int, 8000, "TCP port (0: any free port).", positive=False),
    ServerOption("timeout", float, 10.0, "Per-query timeout (s); past it the answer is 503 and the work is killed."),
    ServerOption("max_rows", int, 10_000, "Row cap per query (then X-SPARQL-Truncated: true)."),
    ServerOption("max_body", int, 1_000_000, "Request body bytes accepted (413 above)."),
    ServerOption("max_url", int, 8192, "Request-target bytes accepted (414 above)."),
    ServerOption("workers", int, 2, "Server processes (each holds the graph and its evaluator processes)."),
    ServerOption("threads", int, 8, "Queries waiting on evaluators per server process."),
    ServerOption("evaluators", int, 2, "Evaluator processes per server process (queries evaluated at once)."),
    ServerOption("memory_limit", int, None,
                 "Bytes one query may allocate in its evaluator, on top of the loaded store (503 above; "
                 "default 2 GiB)."),
    ServerOption("max_bytes", int, None, "Result bytes at most, then truncated like --max-rows (default 32 MiB)."),
    ServerOption("max_header", int, 16_384, "Request header bytes accepted (431 above)."),
    ServerOption("header_timeout", float, 10.0,
                 "Seconds a client has to send its request headers (then 408 and the connection closes)."),
)


def _click_type(opt: ServerOption) -> Any:
    if opt.kind is str or not opt.positive:
        return opt.kind
    return click.IntRange(min=1) if opt.kind is int else click.FloatRange(min=0, min_open=True)


def server_options(fn: F) -> F:
    """Every :data:`SERVER_OPTIONS` entry as a click option (the command gets them as keywords)."""
    for opt in reversed(SERVER_OPTIONS):
        fn = click.option(opt.flag, opt.name, type=_click_type(opt), default=opt.default,
                          show_default=opt.default is not None, help=opt.help)(fn)
    return fn


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    """Every :data:`SERVER_OPTIONS` entry as an argparse option (``python -m regenkg.server``)."""
    for opt in SERVER_OPTIONS:
        parser.add_argument(opt.flag, dest=opt.name, type=_argparse_type(opt), default=opt.default,
                            help=opt.help + ("" if opt.default is None else f" [default: {opt.default}]"))


def _argparse_type(opt: ServerOption) -> Callable[[str], Any]:
    if opt.kind is str or not opt.positive:
        return opt.kind

    def positive(text: str) -> int | float:
        value = opt.kind(text)
        if not isinstance(value, (int, float)) or not value > 0:
            raise argparse.ArgumentTypeError(f"must be a positive number, not {text}")
        return value

    return positive
