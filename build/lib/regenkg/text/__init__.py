"""Text half of the pipeline: files → Documents → Sentences (with language and tokens)."""

from __future__ import annotations

from .encoding import decode_bytes
from .ingest import IngestResult, document_id, ingest, iter_source_files, normalized_text
from .lang import chinese_script, fold, normalize_lang, script_of, to_hans, to_hant
from .segment import segment, sentence_spans, split_sentences
from .tokens import Tokenizer

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
