"""A few articles shipped inside the package, so an installed regenkg can be tried without a corpus.

They are copies of seven articles of the repository's ``corpus/`` (English, Traditional and Simplified
Chinese, and mixed): TCR-T and NK developers, AstraZeneca's acquisitions, Novartis and Janssen.

>>> from regenkg.samples import sample_corpus
>>> sorted(p.suffix for p in sample_corpus().iterdir())[:1]
['.md']
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["sample_corpus"]


def sample_corpus() -> Path:
    """The folder of sample articles inside the installed package (give it to ``regenkg build``).

    Returns:
        The ``regenkg/samples/articles`` folder.

    Example:
        >>> from regenkg import KnowledgeBase                        # doctest: +SKIP
        >>> kb = KnowledgeBase.build([sample_corpus()], "indexes/sample")  # doctest: +SKIP
    """
    return Path(str(resources.files(__package__).joinpath("articles")))
