"""SPARQL templates for the questions that are not one relation between two ends.

Regulations, markets, companies of a segment or a country: :class:`~regenkg.query.ask.Planner` fills the
``%(values)s`` (and ``%(country)s`` / ``%(kind)s``) slots (in ``_COUNTRY`` ``%(values)s`` binds ?country) and prepends
:data:`~regenkg.query.compose.PREFIXES`. Plain strings, no logic.
"""

from __future__ import annotations

__all__ = ["TEMPLATES"]

# Templates for the questions that are not one relation between two ends (regulations, markets,
# companies of a segment or country). ?target is bound by a VALUES block.
# The VALUES go inside the branch (and each country branch) that uses them: with them at the top,
# Oxigraph evaluated the union and the country test over every company first ("台湾的细胞制剂CDMO企业有哪些":
# 9-11 ms -> 0.9 ms of SPARQL); a VALUES joined with a union is the same as one inside each branch.
# The CDMO-class branch binds ?target with its own VALUES: a group is evaluated bottom-up, so without it the
# FILTER on ?target saw an unbound variable and the branch never answered (a CDMO is in the CDMO segment by
# being one, stated or not).
_COMPANIES_IN = """SELECT ?answer ?pred ?sentence ?conf WHERE {
  {
    %(values)s
    ?a a rkg:Assertion ; rdf:subject ?answer ; rdf:predicate ?pred ; rdf:object ?object ;
       prov:wasDerivedFrom ?sentence ; rkg:confidence ?conf .
    ?object skos:broader* ?target .
    FILTER(?pred IN (rkg:operatesIn, rkg:develops))
  } UNION {
    %(values)s
    ?answer a ?cls . ?cls rdfs:subClassOf* rkg:CDMO . BIND(rkg:operatesIn AS ?pred)
    FILTER(?target = <https://w3id.org/regenkg/id/segment/cdmo>)
    ?sentence rkg:mentions ?answer . BIND(0.6 AS ?conf)
  }
  %(country)s
}"""
_COUNTRY = """{ %(values)s ?answer rkg:headquarteredIn ?country } UNION
  { %(values)s ?c a rkg:Assertion ; rdf:subject ?answer ; rdf:predicate ?cp ; rdf:object ?country .
    FILTER(?cp IN (rkg:headquarteredIn, rkg:operatesIn)) }"""
_IN_COUNTRY = """SELECT ?answer ?pred ?sentence ?conf WHERE {
  %(values)s
  { ?answer rkg:headquarteredIn ?country . BIND(rkg:headquarteredIn AS ?pred) BIND(0.9 AS ?conf)
    ?sentence rkg:mentions ?answer }
  UNION
  { ?a a rkg:Assertion ; rdf:subject ?answer ; rdf:predicate ?pred ; rdf:object ?country ;
       prov:wasDerivedFrom ?sentence ; rkg:confidence ?conf . FILTER(?pred IN (rkg:headquarteredIn, rkg:operatesIn)) }
  %(kind)s
}"""
_MENTIONS = """SELECT ?answer ?pred ?sentence ?conf WHERE {
  %(values)s
  BIND(?target AS ?answer) BIND(rkg:mentions AS ?pred) BIND(1.0 AS ?conf)
  ?sentence rkg:mentions ?target .
}"""
_REG_BY_COUNTRY = """SELECT ?answer ?pred ?sentence ?conf WHERE {
  %(values)s
  ?answer a rkg:Regulation ; rkg:jurisdiction ?target .
  OPTIONAL { ?sentence rkg:mentions ?answer }
  BIND(rkg:mentions AS ?pred) BIND(0.8 AS ?conf)
}"""
_ALL_REGULATIONS = """SELECT ?answer ?pred ?sentence ?conf WHERE {
  ?answer a rkg:Regulation .
  OPTIONAL { ?sentence rkg:mentions ?answer }
  BIND(rkg:mentions AS ?pred) BIND(0.8 AS ?conf)
}"""
_MARKET = """SELECT ?answer ?pred ?sentence ?conf WHERE {
  %(values)s
  ?answer a rkg:MarketFigure ; rkg:subject ?subject ; prov:wasDerivedFrom ?sentence .
  ?subject skos:broader* ?target .
  BIND(rkg:amount AS ?pred) BIND(0.8 AS ?conf)
}"""

# A product's indications: its own targets/treats facts, or those of a sentence that names it (the
# extractor links a product only to its company, so "Abecma … treats multiple myeloma" is a fact of that sentence).
_PRODUCT_INDICATIONS = """SELECT ?answer ?pred ?sentence ?conf WHERE {
  %(values)s
  { ?a rdf:subject ?target } UNION { ?sentence rkg:mentions ?target . ?a prov:wasDerivedFrom ?sentence }
  ?a a rkg:Assertion ; rdf:predicate ?pred ; rdf:object ?answer ; prov:wasDerivedFrom ?sentence ;
     rkg:confidence ?conf .
  FILTER(?pred IN (rkg:targets, rkg:treats))
  ?answer a rkg:Indication .
}"""

TEMPLATES: dict[str, str] = {"companies_in": _COMPANIES_IN, "regulation": _MENTIONS, "market": _MARKET,
                             "product_indications": _PRODUCT_INDICATIONS}
