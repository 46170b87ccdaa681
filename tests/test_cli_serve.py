"""`regenkg serve` hands its settings and limits down as arguments: no environment variable carries them.

Nothing here starts a server: the CLI's call of :func:`regenkg.server.serve`, the uvicorn config that
``serve`` builds (and pickles into each server process), and the app it makes are checked directly.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pickle
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import click
import pytest
from click.testing import CliRunner

pytest.importorskip("uvicorn")
pytest.importorskip("starlette")

from regenkg import cli_options
from regenkg.cli import main
from regenkg.config import Settings
from regenkg.errors import IndexNotFound

STORE = "sparql+http://127.0.0.1:7878"
GUARDS = ["--evaluators", "3", "--memory-limit", "123456789", "--max-bytes", "54321", "--max-header", "4096",
          "--header-timeout", "2.5", "--threads", "5", "--max-body", "2048", "--max-url", "1024"]
EXPECTED = {"evaluators": 3, "memory_limit": 123456789, "max_bytes": 54321, "max_header": 4096,
            "header_timeout": 2.5, "threads": 5, "max_body": 2048, "max_url": 1024}


@pytest.fixture
def no_store_env(monkeypatch):
    for name in ("REGENKG_STORE", "REGENKG_SERVE_CONFIG", "REGENKG_CONFIG"):
        monkeypatch.delenv(name, raising=False)


def test_cli_serve_passes_store_and_guard_options_to_the_server(monkeypatch, tmp_path, no_store_env):
    import regenkg.server

    calls: list[tuple[Path, dict[str, Any]]] = []
    monkeypatch.setattr(regenkg.server, "serve", lambda index, **kw: calls.append((index, kw)))
    result = CliRunner().invoke(main, ["serve", "--index", str(tmp_path), "--store", STORE, "--port", "0", *GUARDS])
    assert result.exit_code == 0, result.output
    [(index, kw)] = calls
    assert index == tmp_path
    assert isinstance(kw["settings"], Settings) and kw["settings"].store == STORE
    assert {k: kw[k] for k in EXPECTED} == EXPECTED
    assert (kw["host"], kw["port"], kw["workers"], kw["timeout"]) == ("127.0.0.1", 0, 2, 10.0)
    assert "REGENKG_STORE" not in os.environ and "REGENKG_SERVE_CONFIG" not in os.environ


def test_cli_serve_defaults_leave_the_server_defaults(monkeypatch, tmp_path, no_store_env):
    import regenkg.server

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(regenkg.server, "serve", lambda index, **kw: calls.append(kw))
    assert CliRunner().invoke(main, ["serve", "--index", str(tmp_path)]).exit_code == 0
    [kw] = calls
    assert kw["memory_limit"] is None and kw["max_bytes"] is None  # the sparql package's defaults apply
    assert kw["settings"].store == ""


@pytest.mark.parametrize("flag,value", [("--evaluators", "0"), ("--header-timeout", "0"), ("--max-header", "-1")])
def test_cli_serve_refuses_a_limit_that_is_not_positive_naming_it(monkeypatch, tmp_path, flag, value):
    import regenkg.server

    monkeypatch.setattr(regenkg.server, "serve", lambda index, **kw: pytest.fail("served with a bad limit"))
    result = CliRunner().invoke(main, ["serve", "--index", str(tmp_path), flag, value])
    assert result.exit_code == 2 and flag in result.output


def test_both_entry_points_offer_the_same_server_options():
    serve_flags = {p.opts[0] for p in main.commands["serve"].params if isinstance(p, click.Option)}
    parser = argparse.ArgumentParser()
    cli_options.add_server_arguments(parser)
    parsed = {a.option_strings[0] for a in parser._actions if a.option_strings and a.dest != "help"}
    ours = {opt.flag for opt in cli_options.SERVER_OPTIONS}
    assert ours <= serve_flags and parsed == ours
    args = parser.parse_args(GUARDS)
    assert {k: getattr(args, k) for k in EXPECTED} == EXPECTED
    with pytest.raises(SystemExit):
        parser.parse_args(["--evaluators", "0"])


def test_python_m_regenkg_server_help_lists_the_guard_options():
    out = subprocess.run([sys.executable, "-m", "regenkg.server", "--help"], capture_output=True, text=True,
                         timeout=120, env=dict(os.environ), check=True).stdout
    for flag in ("--evaluators", "--memory-limit", "--max-bytes", "--max-header", "--header-timeout"):
        assert flag in out


class _FakeSupervisor:
    """Stands in for uvicorn's process supervisor: records the config instead of spawning processes."""

    seen: ClassVar[list[Any]] = []

    def __init__(self, config: Any, sockets: list[socket.socket]) -> None:
        self.processes: list[Any] = []
        type(self).seen.append(config)
        for sock in sockets:
            sock.close()

    def run(self) -> None:
        pass


def test_serve_puts_settings_and_limits_into_the_pickled_uvicorn_config(monkeypatch, tmp_path, no_store_env):
    import uvicorn.supervisors

    from regenkg.server import serve
    from regenkg.server.http import GuardLimits, ServeConfig

    (tmp_path / "graph").mkdir()
    _FakeSupervisor.seen = []
    monkeypatch.setattr(uvicorn.supervisors, "Multiprocess", _FakeSupervisor)
    settings = Settings.load(store=STORE)
    serve(tmp_path, port=0, workers=1, settings=settings, **EXPECTED)
    [config] = _FakeSupervisor.seen
    assert "REGENKG_STORE" not in os.environ and "REGENKG_SERVE_CONFIG" not in os.environ
    # What each spawned server process receives: the config, pickled.
    child = pickle.loads(pickle.dumps(config))
    assert isinstance(child, ServeConfig) and child.factory
    assert child.guard == GuardLimits(max_url=1024, max_header=4096, header_timeout=2.5)
    app_kwargs = child.app.keywords
    assert app_kwargs["settings"] == settings and app_kwargs["settings"].store == STORE
    assert {k: app_kwargs[k] for k in ("evaluators", "memory_limit", "max_bytes", "threads", "max_body")} == {
        "evaluators": 3, "memory_limit": 123456789, "max_bytes": 54321, "threads": 5, "max_body": 2048}
    assert child.app.args == (str(tmp_path.absolute()),)


def test_the_guarded_protocol_reads_its_limits_from_the_config():
    from uvicorn.server import ServerState

    from regenkg.server.http import GuardedHttpToolsProtocol, GuardLimits, ServeConfig

    async def app(scope: Any, receive: Any, send: Any) -> None:  # pragma: no cover - never called
        pass

    loop = asyncio.new_event_loop()
    try:
        config = ServeConfig(app, guard=GuardLimits(max_url=111, max_header=222, header_timeout=3.5))
        proto = GuardedHttpToolsProtocol(config=config, server_state=ServerState(), app_state={}, _loop=loop)
        assert (proto._max_url, proto._max_header, proto._header_timeout) == (111, 222, 3.5)
    finally:
        loop.close()


def test_create_app_opens_the_knowledge_base_with_the_given_settings(monkeypatch, tmp_path):
    """The JSON API's knowledge base gets the app's settings (its store), not a fresh Settings.load()."""
    from starlette.testclient import TestClient

    from regenkg.kb import KnowledgeBase
    from regenkg.server import create_app

    nt = tmp_path / "a.nt"
    nt.write_text("<https://example.org/a> <https://example.org/p> <https://example.org/b> .\n", encoding="utf-8")
    idx = tmp_path / "idx"
    done = CliRunner().invoke(main, ["import", str(nt), "--index", str(idx)])
    assert done.exit_code == 0, done.output
    opened: list[Settings | None] = []

    def fake_open(cls: Any, index: Any, settings: Settings | None = None, **kw: Any) -> Any:
        opened.append(settings)
        raise IndexNotFound("stopped here by the test")

    monkeypatch.setattr(KnowledgeBase, "open", classmethod(fake_open))
    settings = Settings.load(store=STORE)
    with TestClient(create_app(idx, timeout=5, settings=settings)) as client:
        client.get("/api/ask", params={"q": "who develops TCR-T"})
    assert opened and all(s is settings for s in opened)


def test_the_help_states_the_sparql_defaults_it_leaves_to_the_server():
    from regenkg.sparql import DEFAULT_MAX_BYTES, DEFAULT_MEMORY_LIMIT

    helps = {opt.name: opt.help for opt in cli_options.SERVER_OPTIONS}
    assert f"default {DEFAULT_MEMORY_LIMIT // 2**30} GiB" in helps["memory_limit"]
    assert f"default {DEFAULT_MAX_BYTES // 2**20} MiB" in helps["max_bytes"]
