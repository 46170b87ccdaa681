"""The knowledge graph: ontology and gazetteer, extraction, linking, RDF building and the store."""
