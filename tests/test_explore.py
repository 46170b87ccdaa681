"""regenkg.explore on a real index built from the seed article: networkx graphs and their provenance,
tables and HTML, CJK drawings, the offline interactive view, and exports that parse back.

Uses the session fixtures ``seed_kb`` / ``seed_index`` from conftest.py (the real pipeline and model).
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings

import networkx as nx
import pyoxigraph as ox
import pytest

from regenkg.errors import ConfigError, QueryError
from regenkg.explore import draw as drawing
from regenkg.explore import export as exporting
from regenkg.explore import fonts, frames, network
from regenkg.records import Answer, AnswerItem, Evidence, Hit

RES = "https://w3id.org/regenkg/id/"
NOVARTIS = RES + "company/novartis"
LEGEND = RES + "company/legend-biotech"
TCRT = RES + "modality/tcr-t"
EVIL = "<script>alert('x')</script>"


# ---- networkx -------------------------------------------------------------------------------------------

def test_entity_graph_nodes_edges_and_labels(seed_kb):
    g = seed_kb.to_networkx(lang="zh-Hant")
    assert isinstance(g, nx.MultiDiGraph) and g.number_of_edges() > 10
    node = g.nodes[NOVARTIS]
    assert node["label"] == node["label_zh_Hant"] == "諾華"
    assert node["label_en"] == "Novartis" and node["label_zh_Hans"] == "诺华"
    assert node["type"] == "PharmaCompany" and node["curated"] is True
    assert g.has_edge(NOVARTIS, LEGEND)
    for u, v, key, data in g.edges(keys=True, data=True):
        assert key == data["relation"] and data["predicate"].endswith("#" + key)
        assert data["evidence"] == len(data["sentences"]) >= 1
        assert 0 < data["confidence"] <= 1
    # Developers of TCR-T in the seed article ("GSK、Astellas、Roche…佈局TCR-T細胞療法").
    developers = {u for u, v, k in g.in_edges(TCRT, keys=True) if k == "develops"}
    assert {RES + "company/gsk", RES + "company/astrazeneca"} <= developers
    # Label language follows lang, with fallback across scripts.
    assert seed_kb.to_networkx(lang="en").nodes[NOVARTIS]["label"] == "Novartis"
    assert seed_kb.to_networkx(lang="zh-Hans").nodes[NOVARTIS]["label"] == "诺华"
    only_zh = next(n for n, d in g.nodes(data=True) if not d["label_en"] and d["label_zh_Hant"])
    assert seed_kb.to_networkx(lang="en").nodes[only_zh]["label"] == g.nodes[only_zh]["label_zh_Hant"]


def test_networkx_edge_round_trips_to_sparql_with_its_evidence(seed_kb):
    g = seed_kb.to_networkx()
    s, o, _, data = next((u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True) if k == "develops")
    q = """PREFIX rkg: <https://w3id.org/regenkg/ontology#>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    SELECT ?s ?p ?o ?sentence ?text WHERE {
      ?s ?p ?o .
      ?a rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?sentence .
      ?sentence rkg:text ?text }"""
    rows = list(seed_kb.store.query(q, substitutions={
        ox.Variable("s"): ox.NamedNode(s), ox.Variable("p"): ox.NamedNode(data["predicate"]),
        ox.Variable("o"): ox.NamedNode(o)}))
    assert sorted(int(r["sentence"].value.rsplit("/", 1)[-1]) for r in rows) == data["sentences"]
    label = g.nodes[s]["label_en"]
    assert any(label.split()[0] in r["text"].value for r in rows)


def test_full_graph_matches_rdflib_conversion(seed_kb):
    from rdflib import Graph, URIRef
    from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph

    full = seed_kb.to_networkx(kind="full")
    distinct = {(q.subject, q.predicate, q.object) for q in seed_kb.store}
    assert full.number_of_edges() == len(distinct)
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    assert full.has_edge(NOVARTIS, "https://w3id.org/regenkg/ontology#PharmaCompany", key=rdf_type)
    assert full.nodes[NOVARTIS]["label_zh_Hant"] == "諾華"
    union = Graph()
    for triple in seed_kb.graph.triples((None, None, None)):  # the Dataset's default graph is the union
        union.add(triple)
    reference = rdflib_to_networkx_multidigraph(union)
    ours = {(u, k, v) for u, v, k in full.edges(keys=True) if not u.startswith("_:") and not v.startswith(('"', "_:"))}
    theirs = {(str(u), str(k), str(v)) for u, v, k in reference.edges(keys=True)
              if isinstance(u, URIRef) and isinstance(v, URIRef)}
    assert ours == theirs


def test_bad_kind_and_lang(seed_kb):
    with pytest.raises(ConfigError, match="kind"):
        seed_kb.to_networkx(kind="people")
    with pytest.raises(ConfigError, match="lang"):
        seed_kb.to_networkx(lang="fr")


def test_neighbours(seed_kb):
    ego = seed_kb.neighbours("諾華", depth=1, lang="zh-Hant")
    assert ego.graph["center"] == NOVARTIS and LEGEND in ego
    assert ego.nodes[LEGEND]["label"] == "傳奇生物"
    # Direction is ignored: depth 2 from Legend reaches Novartis' other neighbours and Legend's in-edges.
    wide = seed_kb.neighbours("company/legend-biotech", depth=2)
    assert NOVARTIS in wide and set(ego) <= set(wide)
    assert set(seed_kb.neighbours("Novartis", depth=0)) == {NOVARTIS}
    with pytest.raises(QueryError, match="Zorblax"):
        seed_kb.neighbours("Zorblax Therapeutics")
    with pytest.raises(QueryError, match="not in this knowledge base"):
        seed_kb.neighbours("https://example.org/nobody")
    with pytest.raises(ConfigError, match="depth"):
        seed_kb.neighbours("Novartis", depth=-1)


def test_partner_counts_are_deal_partners_that_develop_cell_therapy(seed_kb):
    rows = network.partner_counts(seed_kb)
    assert rows, "the seed article names pharma/biotech pairs such as Gilead(Kite)"
    closure = seed_kb.gazetteer.narrower_closure(RES + "modality/cell-therapy")
    g = seed_kb.to_networkx()
    assert [r["partners"] for r in rows] == sorted((r["partners"] for r in rows), reverse=True)
    for row in rows:
        assert row["partners"] == len(row["partner_iris"]) == len(set(row["partner_iris"]))
        for other in row["partner_iris"]:
            assert any(k == "develops" and v in closure for _, v, k in g.out_edges(other, keys=True))
            linked = {k for u, v, k in g.edges(keys=True) if {u, v} == {row["iri"], other}}
            assert linked & set(network.DEAL_RELATIONS)
    pharma = network.partner_counts(seed_kb, types={"PharmaCompany"}, lang="zh-Hant")
    assert all(r["type"] == "PharmaCompany" for r in pharma)
    assert {r["iri"] for r in pharma} <= {r["iri"] for r in rows}
    with pytest.raises(QueryError):
        network.partner_counts(seed_kb, modality="no such modality xyz")


def test_shortest_path(seed_kb):
    path = network.shortest_path(seed_kb, "AstraZeneca", "葛蘭素史克")
    assert path is not None and path.nodes[0] == RES + "company/astrazeneca"
    assert path.nodes[-1] == RES + "company/gsk" and len(path) == 2
    g = seed_kb.to_networkx()
    for s, rel, o in path.steps:
        assert g.has_edge(s, o, key=rel)
    assert "develops" in str(path)
    with pytest.raises(QueryError):
        network.shortest_path(seed_kb, "Novartis", "Zorblax Therapeutics")


# ---- frames and HTML ------------------------------------------------------------------------------------

def test_answer_frame_and_html_bilingual(seed_kb):
    answer = seed_kb.ask("誰在開發TCR-T")
    assert answer.lang == "zh-Hant" and answer.answers
    df = answer.to_df()
    assert list(df.columns) == list(frames.ANSWER_COLUMNS)
    assert len(df) == sum(max(1, len(a.evidence)) for a in answer.answers)
    assert "葛蘭素史克" in set(df["label"])
    first = answer.answers[0].evidence[0]
    row = df[df["sentence"] == first.sentence].iloc[0]
    assert row["text"] == first.text and (row["start"], row["end"]) == (first.start, first.end)
    page = answer._repr_html_()
    assert "葛蘭素史克" in page and "TCR-T" in page and "no answer found" not in page
    en = seed_kb.ask("who develops TCR-T")
    assert "GSK" in set(en.to_df()["label"])


def test_html_escapes_text():
    ev = Evidence(1, "d", EVIL, "en", f"Acme {EVIL} develops CAR-T", 0, 10)
    item = AnswerItem(RES + "company/acme", EVIL, {"en": EVIL}, "Company", "develops", 1.0, (ev,))
    hit = Hit(2, "d", EVIL, "en", EVIL, 0, 5, 0.5, 0.4, None)
    pages = [
        frames.answer_html(Answer(EVIL, "who_develops", (), (item,), sparql=EVIL)),
        frames.answer_html(Answer(EVIL, None, (), (), passages=(hit,))),
        frames.hits_html([hit]),
    ]
    for page in pages:
        assert "<script>" not in page and "&lt;script&gt;" in page
    assert "no answer found" in pages[1]
    df = frames.hits_frame([hit])
    assert list(df.columns) == list(frames.HIT_COLUMNS) and df.loc[0, "text"] == EVIL
    assert frames.answer_frame(Answer("q", None, (), ())).empty


def test_entity_html(seed_kb):
    from regenkg.kb import EntityView

    page = seed_kb.entity("諾華")._repr_html_()
    assert "Novartis" in page and "諾華" in page and "hasAffiliate" in page
    evil = EntityView(RES + "company/x", "Company", {"en": EVIL}, False,
                      ({"predicate": "develops", "direction": "out", "other": RES + "modality/car-t",
                        "other_labels": {"en": EVIL}, "evidence": [{"text": EVIL, "title": EVIL}]},))
    assert "<script>" not in frames.entity_html(evil)


def test_sparql_table(seed_kb):
    q = """PREFIX rkg: <https://w3id.org/regenkg/ontology#>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    SELECT ?company ?conf WHERE { ?a rdf:subject ?company ; rdf:predicate rkg:develops ; rdf:object ?m ;
      rkg:confidence ?conf } ORDER BY ?company LIMIT 5"""
    table = frames.SparqlTable(seed_kb.sparql(q))
    df = table.to_df()
    assert list(df.columns) == ["company", "conf"] and len(df) == len(table.rows) > 0
    assert df["company"].str.startswith(RES).all() and df["conf"].map(lambda v: isinstance(v, float)).all()
    assert table.kind == "select" and frames.SparqlTable(table).result is table.result
    assert "<table>" in table._repr_html_()
    evil = frames.SparqlTable(seed_kb.sparql(f'SELECT ?x WHERE {{ BIND("{EVIL}" AS ?x) }}'))
    assert evil.to_df().loc[0, "x"] == EVIL and "<script>" not in evil._repr_html_()
    ask = frames.SparqlTable(seed_kb.sparql("ASK { ?s ?p ?o }"))
    assert bool(ask.to_df().loc[0, "boolean"]) is True and "true" in ask._repr_html_()
    graph = frames.SparqlTable(seed_kb.sparql(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ <{NOVARTIS}> }} ?s ?p ?o }}"))
    gdf = graph.to_df()
    assert list(gdf.columns) == ["subject", "predicate", "object"] and set(gdf["subject"]) == {NOVARTIS}
    assert "諾華" in set(gdf["object"])


# ---- drawing ----------------------------------------------------------------------------------------------

def _render(text: str, family: list[str]):
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1.2, 0.6), dpi=100)
    FigureCanvasAgg(fig)
    fig.text(0.1, 0.2, text, fontfamily=family, fontsize=24)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def test_cjk_font_is_found_and_has_the_glyphs():
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = fonts.cjk_font()
    assert path is not None, 'no CJK font: pip install "regenkg[notebook]" or apt-get install fonts-noto-cjk'
    assert fonts.has_glyphs(path, "諾華傳奇生物诺华细胞")
    family = fonts.cjk_family("zh-Hant")
    assert font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False) == str(path)
    dejavu = FT2Font(font_manager.findfont("DejaVu Sans"))
    assert dejavu.get_char_index(ord("諾")) == 0  # DejaVu alone would draw a box


def test_draw_renders_chinese_labels_with_real_glyphs(seed_kb, tmp_path):
    import numpy as np
    from matplotlib import font_manager

    png = tmp_path / "novartis.png"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = seed_kb.draw("諾華", depth=1, lang="zh-Hant", path=png)
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_fontproperties"))
             if re.search(r"[\u4e00-\u9fff]", t.get_text() or "")]
    shown = {t.get_text() for t in texts}
    assert {"諾華", "傳奇生物"} <= shown
    cjk = str(fonts.cjk_font())
    for t in texts:
        assert font_manager.findfont(t.get_fontproperties()) == cjk
        assert fonts.has_glyphs(cjk, t.get_text())
    # Tofu test: with DejaVu Sans every Han character is the same box; with the CJK font they differ.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tofu = _render("諾", ["DejaVu Sans"])
        assert np.array_equal(tofu, _render("華", ["DejaVu Sans"]))
    a, b = _render("諾", fonts.font_families("zh-Hant")), _render("華", fonts.font_families("zh-Hant"))
    assert not np.array_equal(a, b) and not np.array_equal(a, tofu)


def test_draw_into_axes_and_unknown_entity(seed_kb):
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    assert seed_kb.draw("AstraZeneca", depth=2, ax=ax) is fig
    assert ax.get_title() == "AstraZeneca"
    with pytest.raises(QueryError):
        seed_kb.draw("Zorblax Therapeutics")


def test_interactive_view_is_offline_and_escaped(seed_kb, tmp_path):
    page = drawing.interactive(seed_kb, "諾華", lang="zh-Hant")
    assert isinstance(page, str) and "vis.Network" in page
    assert "諾華" in page or json.dumps("諾華")[1:-1] in page  # node data is JSON in the page
    assert not re.search(r"""(src|href)\s*=\s*["']?https?://""", page, re.IGNORECASE)
    assert page.save(tmp_path / "g.html").read_text(encoding="utf-8") == page
    assert page._repr_html_().startswith("<iframe srcdoc=")
    g = nx.MultiDiGraph()
    g.add_node("x", label=f"</script>{EVIL}", type="Company")
    g.add_node("y", label="y", type="Modality")
    g.add_edge("x", "y", key="develops", evidence=1)
    assert EVIL not in drawing.interactive_graph(g)


# ---- export -----------------------------------------------------------------------------------------------

def test_export_formats_parse_back(seed_kb, tmp_path):
    import rdflib

    n = seed_kb.export(tmp_path / "g.ttl", format="ttl")
    g = rdflib.Graph().parse(tmp_path / "g.ttl", format="turtle")
    assert len(g) == n == len({(q.subject, q.predicate, q.object) for q in seed_kb.store})

    n = seed_kb.export(tmp_path / "g.nq", format="nq")
    quads = list(ox.parse(path=str(tmp_path / "g.nq"), format=ox.RdfFormat.N_QUADS))
    named = [q for q in seed_kb.store if not isinstance(q.graph_name, ox.DefaultGraph)]
    assert len(quads) == n == len(named)
    assert any(str(q.graph_name.value).startswith("https://w3id.org/regenkg/graph/doc/") for q in quads)

    n = seed_kb.export(tmp_path / "g.trig", format="trig")
    ds = rdflib.Dataset()
    ds.parse(tmp_path / "g.trig", format="trig")
    assert len(list(ds.quads((None, None, None, None)))) == n

    n = seed_kb.export(tmp_path / "g.graphml", format="graphml")
    gm = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    ref = seed_kb.to_networkx()
    assert gm.number_of_edges() == n == ref.number_of_edges()
    assert gm.nodes[NOVARTIS]["label_zh_Hant"] == "諾華"
    u, v, k, d = next(iter(ref.edges(keys=True, data=True)))
    assert gm.edges[u, v, k]["sentences"] == " ".join(map(str, d["sentences"]))

    n = seed_kb.export(tmp_path / "facts.csv", format="csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "facts.csv").read_text(encoding="utf-8"))))
    assert len(rows) == n and tuple(rows[0]) == exporting.CSV_COLUMNS
    assert n == sum(d["evidence"] for *_, d in ref.edges(data=True))
    nov = [r for r in rows if r["subject"] == NOVARTIS and r["object"] == LEGEND]
    assert nov and nov[0]["subject_label"] == "Novartis" and "Legend" in nov[0]["text"]
    assert all(r["text"] and r["doc"] and float(r["confidence"]) > 0 for r in rows)

    with pytest.raises(ConfigError, match="format"):
        seed_kb.export(tmp_path / "g.xlsx", format="xlsx")
    assert not list(tmp_path.glob(".*.tmp"))
