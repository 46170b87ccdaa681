"""Entity and relation extraction without an LLM, in English and Chinese.

Per sentence: gazetteer matches (:mod:`.match`) plus *discovered* company names (capitalised Latin names,
Chinese organisation names ending in 生技/製藥/…, items of ``A、B、C等多家廠商`` lists) are laid out as a
sequence of mentions; relation rules then read that sequence around trigger words:

- ``develops``   ``A、B和C佈局NK細胞療法`` / ``MSD, Gilead and AbbVie are developing NK cell therapies``
- ``exited``     ``X 已退出 NK 細胞療法`` / ``X discontinued its CAR-T programme`` (not turned into ``develops``)
- ``acquired``   ``X以119億美元收購Y`` / ``Y被X收購`` / ``X acquired Y`` / ``Y was bought by X``
- ``partneredWith`` / ``licensedFrom``  ``X與Y合作`` / ``X從Y取得授權`` / ``X licensed … from Y``
- ``hasAffiliate`` ``Gilead(Kite)``: the deal type is not stated, so it is not called an acquisition
- ``treats`` / ``targets``  ``間質幹細胞產品治療退化性關節炎`` / ``X develops TCR-T for solid tumours``
- ``operatesIn`` ``樂迦再生、台寶生醫等多家廠商則著重在細胞製劑CDMO``
- apposition ``Neogene, a Dutch TCR-T company, …``
- market figures ``2023年全球再生醫療的市場規模約160億美元``

Hedged, denied or called-off statements produce nothing. Every relation carries its sentence and rule.

Layout (each module one stage; a relation rule is a function in :data:`.core.RULES`):

- :mod:`.patterns`  trigger lexicons, cue tables, ``_fold``
- :mod:`.mentions`  gazetteer and discovered mentions, short names, aliases, affiliates ``X(Y)``
- :mod:`.coref`     sentence topic, pronouns and definite descriptions
- :mod:`.clauses`   clause splitting, subject/object lists, the hedging window; :class:`.clauses.Clause`, ``Add``
- :mod:`.deals`     acquisition, partnership, licence, spin-out, joint venture and sale rules; Deal building
- :mod:`.assets`    develops, developed-by, own, place, treats, apposition, possessive rules
- :mod:`.focus`     a segment or modality named as a company's focus
- :mod:`.tables`    markdown deal tables
- :mod:`.figures`   market figures
- :mod:`.core`      :class:`Extractor`: the per-document loop that runs them
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from regenkg._lazy import lazy_exports

if TYPE_CHECKING:
    from .core import RULES, Extraction, Extractor, Merge, describe
    from .figures import Figure

__all__ = ["RULES", "Extraction", "Extractor", "Figure", "Merge", "describe"]

#: Loaded on first use (PEP 562): query code reads only :mod:`.patterns`' lexicons (index.relwords), and
#: importing a submodule runs this file; eager imports here loaded every rule module (~0.1 s) into each
#: ``regenkg ask``.
_WHERE = {"RULES": "core", "Extraction": "core", "Extractor": "core", "Merge": "core", "describe": "core",
          "Figure": "figures"}


__getattr__, __dir__ = lazy_exports(__name__, _WHERE, __all__)
