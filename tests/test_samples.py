"""The sample articles shipped in the package are exact copies of articles of corpus/ (they cannot drift)."""

from __future__ import annotations

from conftest import CORPUS

from regenkg.samples import sample_corpus


def test_sample_articles_are_corpus_articles():
    samples = sorted(sample_corpus().iterdir())
    assert len(samples) == 7
    for path in samples:
        assert path.read_bytes() == (CORPUS / path.name).read_bytes(), f"{path.name} differs from corpus/"
