"""Moved to :mod:`regenkg.sparql.formats`; this name stays for existing imports."""

from __future__ import annotations

from ..sparql.formats import *  # noqa: F403
from ..sparql.formats import __all__  # noqa: F401
