"""The sentence table of a snapshot: lookups by id, and the decoded-sentence cache of a read-only table."""

from __future__ import annotations

from pathlib import Path

from regenkg.index.store import SentenceTable
from regenkg.records import Document, Sentence


def _table(tmp_path: Path, n: int = 1200) -> Path:
    path = tmp_path / "sentences.sqlite"
    text = " ".join(f"s{i}." for i in range(n))
    with SentenceTable(path, readonly=False) as table:
        sentences, start = [], 0
        for i in range(n):
            piece = f"s{i}."
            sentences.append(Sentence(10_000 + 7 * i, "d1", i, start, start + len(piece), "en", piece, (f"s{i}",)))
            start += len(piece) + 1
        table.write([Document("d1", "Title", text, "d1.md")], sentences)
    return path


def test_read_only_lookups_equal_uncached_ones(tmp_path: Path) -> None:
    path = _table(tmp_path)
    # The same ids three ways: unsorted with duplicates and unknown ids, crossing the 500-id chunks.
    asked = [10_000 + 7 * i for i in (900, 3, 3, 1100, 42)] + [5] + [10_000 + 7 * i for i in range(600, 0, -1)]
    with SentenceTable(path, readonly=False) as plain, SentenceTable(path) as cached:
        expected = plain.sentences(asked)
        assert 5 not in expected and len(expected) == 602
        first = cached.sentences(asked)      # decoded from SQLite, kept
        again = cached.sentences(asked)      # from the cache
        assert list(first.items()) == list(expected.items())
        assert list(again.items()) == list(expected.items())
        assert cached.sentences([]) == {}


def test_cache_is_bounded(tmp_path: Path) -> None:
    path = _table(tmp_path)
    with SentenceTable(path) as table:
        table.CACHE_SIZE = 50
        ids = [10_000 + 7 * i for i in range(300)]
        assert len(table.sentences(ids)) == 300
        assert len(table._cache) == 50
        # The most recently read are the ones kept; the rest are read again, unchanged.
        assert set(table._cache) == set(ids[-50:])
        assert table.sentences(ids[:3])[ids[0]].text == "s0."
