"""The shape of the code: no import cycles between modules, no module too big to read, a thin facade.

Read from the source with :mod:`ast`, so imports inside functions and under ``TYPE_CHECKING`` count:
a cycle that only lazy imports keep from failing is still two modules that need each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "regenkg"
MAX_LINES = 600
FACADE_MAX_LINES = 300


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, path: Path, level: int, target: str | None) -> str:
    """The absolute name a (possibly relative) ``from`` import refers to."""
    if level == 0:
        return target or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, target] if target else base)


def import_graph() -> nx.DiGraph:
    """Module → modules it imports (regenkg's own only), every import statement anywhere in the file."""
    modules = _modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, path, node.level, node.module)
                targets = [base]
                # ``from .pkg import mod`` imports the submodule too
                targets += [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in modules]
            for target in targets:
                while target and target not in modules:  # ``import a.b.c`` where c is a name, not a module
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph.add_edge(name, target)
    return graph


def test_the_import_graph_sees_lazy_imports():
    """The checker itself: an import inside a function body is an edge (kb builds the index lazily)."""
    graph = import_graph()
    assert graph.has_edge("regenkg.kb", "regenkg.pipeline")  # inside KnowledgeBase.build
    assert graph.has_edge("regenkg.kb", "regenkg.query.search")
    assert graph.has_edge("regenkg.build.stages", "regenkg._version")  # from .._version import __version__
    assert graph.has_edge("regenkg", "regenkg.kb")  # under TYPE_CHECKING and in __getattr__


def test_resolve_relative_imports():
    init = PACKAGE / "query" / "__init__.py"
    mod = PACKAGE / "query" / "ask.py"
    assert _resolve("regenkg.query.ask", mod, 2, "graph.terms") == "regenkg.graph.terms"
    assert _resolve("regenkg.query.ask", mod, 1, None) == "regenkg.query"
    assert _resolve("regenkg.query", init, 1, "ask") == "regenkg.query.ask"


def test_no_import_cycles():
    cycles = [sorted(c) for c in nx.strongly_connected_components(import_graph()) if len(c) > 1]
    assert not cycles, f"modules that import each other (directly or through others): {cycles}"


def test_nothing_in_the_core_imports_an_edge():
    """The CLI and the server are edges: the library never imports them."""
    graph = import_graph()
    edges = {m for m in graph if m == "regenkg.cli" or m.startswith("regenkg.server")}
    core = [m for m in graph if m not in edges]
    bad = [(m, t) for m in core for t in graph.successors(m) if t in edges]
    assert not bad, f"core modules importing an edge: {bad}"


def test_module_sizes():
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in _modules().items()}
    assert sizes["regenkg.kb"] <= FACADE_MAX_LINES, "the facade kb.py implements instead of delegating"
    big = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert not big, f"modules over {MAX_LINES} lines (each holds a second concept): {big}"
