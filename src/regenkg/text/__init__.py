"""Text half of the pipeline: files → Documents → Sentences (with language and tokens).

The names below load on first use (PEP 562): a query process needs :mod:`.lang` and :mod:`.tokens`, and
importing any submodule runs this file, so eager imports here would pull :mod:`.ingest` (BeautifulSoup,
YAML; ~0.12 s) into every ``regenkg ask``.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

from regenkg._lazy import lazy_exports

if TYPE_CHECKING:
    from .encoding import decode_bytes
    from .ingest import IngestResult, document_id, ingest, iter_source_files, normalized_text
    from .lang import chinese_script, fold, normalize_lang, script_of, to_hans, to_hant
    from .segment import segment, sentence_spans, split_sentences
    from .tokens import Tokenizer

#: Public name → the submodule that defines it.
_WHERE = {
    "decode_bytes": "encoding",
    "IngestResult": "ingest", "document_id": "ingest", "ingest": "ingest", "iter_source_files": "ingest",
    "normalized_text": "ingest",
    "chinese_script": "lang", "fold": "lang", "normalize_lang": "lang", "script_of": "lang", "to_hans": "lang",
    "to_hant": "lang",
    "segment": "segment", "sentence_spans": "segment", "split_sentences": "segment",
    "Tokenizer": "tokens",
}

__all__ = [
    "IngestResult",
    "Tokenizer",
    "chinese_script",
    "decode_bytes",
    "document_id",
    "fold",
    "ingest",
    "iter_source_files",
    "normalize_lang",
    "normalized_text",
    "script_of",
    "segment",
    "sentence_spans",
    "split_sentences",
    "to_hans",
    "to_hant",
]


#: Functions named like the module that defines them.
_SHADOWED = frozenset({"ingest", "segment"})


class _Package(types.ModuleType):
    """Keeps ``regenkg.text.ingest`` and ``.segment`` the functions, as the eager imports made them.

    Importing a submodule binds it to its package's attribute of the same name; before, the eager
    ``from .ingest import ingest`` bound the function over it, now nothing would.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__getattr__, __dir__ = lazy_exports(__name__, _WHERE, __all__)
