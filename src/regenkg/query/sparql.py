"""Moved to :mod:`regenkg.sparql`; this name stays for existing imports (``kb.py``, notebooks)."""

from __future__ import annotations

from ..sparql import *  # noqa: F403
from ..sparql import __all__  # noqa: F401
