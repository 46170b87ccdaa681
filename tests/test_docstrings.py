"""The public API outside the facade documents its parameters and shows an example, as ``help()`` renders it.

(``KnowledgeBase`` in kb.py is documented with the kb refactor; this covers the records, settings, errors,
the notebook helpers, exports and the sample corpus.)
"""

from __future__ import annotations

import dataclasses
import inspect
import pydoc

import pytest

import regenkg
from regenkg import explore
from regenkg.explore import draw, export
from regenkg.samples import sample_corpus

PUBLIC = [getattr(regenkg, name) for name in regenkg.__all__ if name not in ("KnowledgeBase", "__version__")]
PUBLIC += [getattr(explore, name) for name in explore.__all__]
PUBLIC += [draw.draw, draw.interactive, export.export, sample_corpus]
ERRORS = tuple(obj for obj in PUBLIC if isinstance(obj, type) and issubclass(obj, Exception))


def _parameters(obj) -> list[str]:
    if dataclasses.is_dataclass(obj):
        return [f.name for f in dataclasses.fields(obj)]
    target = obj.__init__ if isinstance(obj, type) else obj
    try:
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return []
    return [p for p in sig.parameters if p not in ("self", "cls")
            and sig.parameters[p].kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)]


@pytest.mark.parametrize("obj", PUBLIC, ids=lambda o: o.__qualname__)
def test_public_docstring_has_parameters_and_example(obj):
    doc = inspect.getdoc(obj) or ""
    assert doc and len(doc.splitlines()) > 1 or obj in ERRORS, f"{obj.__qualname__}: no docstring beyond one line"
    if obj in ERRORS:
        assert doc, f"{obj.__qualname__} has no docstring"
        return
    params = _parameters(obj)
    if params:
        section = "Attributes:" if dataclasses.is_dataclass(obj) else "Args:"
        assert section in doc, f"{obj.__qualname__}: no {section} section"
        missing = [p for p in params if f"{p}:" not in doc and f"{p} (" not in doc]
        assert not missing, f"{obj.__qualname__}: parameters not documented: {missing}"
    assert ">>>" in doc, f"{obj.__qualname__}: no example"
    rendered = pydoc.render_doc(obj, renderer=pydoc.plaintext)
    assert ">>>" in rendered and (not params or "Args:" in rendered or "Attributes:" in rendered)
