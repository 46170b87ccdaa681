"""Package attributes loaded on first use (PEP 562), one mechanism for every package that defers imports.

``regenkg ask`` must not import networkx, BeautifulSoup or every extraction rule; a package lists which of its
submodules defines each public name and gets the module-level ``__getattr__``/``__dir__`` pair from here.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Collection, Mapping
from typing import Any


def lazy_exports(package: str, where: Mapping[str, str], public: Collection[str],
                 modules: Collection[str] = ()) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: a name in ``where`` imports its submodule on first access
    and is then cached in the package; a name in ``modules`` is that submodule itself."""
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> Any:
        if name in modules:
            return importlib.import_module(f"{package}.{name}")
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *public, *modules})

    return __getattr__, __dir__
