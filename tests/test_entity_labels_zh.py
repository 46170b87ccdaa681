"""Western companies the Chinese trade press writes by their Chinese names carry those names in both scripts,
so a Chinese sentence naming them links to the same entity as the English name (retrieval and extraction)."""

from __future__ import annotations

import pytest

from regenkg.graph.ontology import default_gazetteer


@pytest.mark.parametrize("slug,names", [
    ("kite", ("Kite Pharma", "凱特製藥", "凯特制药")),
    ("juno", ("Juno Therapeutics", "朱諾治療", "朱诺治疗")),
    ("bluebird-bio", ("bluebird bio", "藍鳥生物", "蓝鸟生物")),
    ("biomarin", ("BioMarin", "百傲萬里", "百傲万里")),
    ("csl-behring", ("CSL Behring", "傑特貝林", "杰特贝林")),
    ("catalent", ("Catalent", "康泰倫特", "康泰伦特")),
    ("novo-holdings", ("Novo Holdings", "諾和控股", "诺和控股")),
])
def test_chinese_names_link_to_the_english_entity(slug: str, names: tuple[str, ...]) -> None:
    iris = {iri for surface, iri in default_gazetteer().surfaces() if surface in names}
    assert len(iris) == 1 and next(iter(iris)).endswith("/company/" + slug)
