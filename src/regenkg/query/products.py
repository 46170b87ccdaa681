"""Questions about a named product (a therapy's brand or code name): whose product it is, what it treats.

Products are ``rkg:Product`` entities minted under ``id/product/`` and linked to their company with
``rkg:productOf``; the extractor states no indication of a product itself, so "which diseases does Kymriah
treat" is read from the targets/treats facts of the sentences that name the product (see the
``product_indications`` template). These helpers work on the entity-masked, folded cue text
:func:`~regenkg.query.understand.understand` builds.
"""

from __future__ import annotations

import re

from ..graph.ontology import RES
from .cues import _COMPANY_WORD, _INDICATION_WORD, _TREAT, _WHO, _deal_relations

__all__ = ["OWNER", "PRODUCT_NS", "PRODUCT_WORD", "asks_indications_too", "entity_type", "product_intent"]

PRODUCT_NS = str(RES["product/"])
# "whose product", "which company makes / markets / owns X", "X是哪家公司的产品", "由哪家公司生产".
OWNER = re.compile(r"谁的产品|谁家的|出品|生产|制造|属于|归属|持有|谁(?:开发|研发)|\bwhose\b|\bmakes?\b|\bmade\b|"
                   r"\bmanufactur\w*|\bmarket(?:s|ed)\b|\bowns?\b|\bowned\b|\bowner\b|\bproduct of\b|\bsells?\b|"
                   r"\bbehind\b|\bbelongs?\b|\bwho (?:developed|develops)\b")

# The noun itself says only that a product is meant (it is read, never a condition).
PRODUCT_WORD = re.compile(r"产品|\bproducts?\b")


def entity_type(iri: str, types: dict[str, str]) -> str:
    """The coarse type of a linked entity; a minted product is a ``Product``, never a company."""
    if iri.startswith(PRODUCT_NS):
        return "Product"
    return types.get(iri, "Company")


def product_intent(cues: str, by_type: dict[str, list[str]]) -> str | None:
    """``product_owner`` or ``product_indications`` when the question asks about a named product, else None.

    A company named beside the product ("Novartis's Kymriah") does not change what is asked; a modality
    ("the CAR-T Kymriah") neither. A deal word without an owner word is a deal question about the product
    ("which companies licensed X"); with no owner or indication word nothing is asked of it.
    """
    if not by_type.get("Product"):
        return None
    # "which company … X" asks its maker unless a deal is asked ("which companies licensed X").
    owner = OWNER.search(cues) or (not _deal_relations(cues) and _WHO.search(cues) and _COMPANY_WORD.search(cues))
    indication = _INDICATION_WORD.search(cues) or _TREAT.search(cues)
    if owner and (not indication or owner.start() < indication.start()):
        return "product_owner"
    if indication:
        return "product_indications"
    return None


def asks_indications_too(cues: str) -> bool:
    """Whether an owner question also asks what the product treats ("whose product is X, and for what")."""
    return bool(_INDICATION_WORD.search(cues) or _TREAT.search(cues))
