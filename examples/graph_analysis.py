"""Network analysis of a regenkg graph with networkx: hubs, deal partners, and how two entities connect.

Usage: python examples/graph_analysis.py INDEX [--lang zh-Hant] [--path A B]
"""

from __future__ import annotations

import argparse

import networkx as nx

from regenkg import KnowledgeBase
from regenkg.explore.network import partner_counts, shortest_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", help="index folder, e.g. indexes/default")
    parser.add_argument("--lang", default="en", choices=("en", "zh-Hant", "zh-Hans"))
    parser.add_argument("--modality", default="modality/cell-therapy")
    parser.add_argument("--path", nargs=2, metavar=("A", "B"), default=("AstraZeneca", "GSK"))
    args = parser.parse_args(argv)
    with KnowledgeBase.open(args.index) as kb:
        graph = kb.to_networkx(lang=args.lang)
        print(f"{graph.number_of_nodes()} entities, {graph.number_of_edges()} facts")

        print("\nMost connected (degree centrality):")
        centrality = nx.degree_centrality(graph)
        for iri in sorted(centrality, key=lambda n: (-centrality[n], n))[:8]:
            node = graph.nodes[iri]
            print(f"  {centrality[iri]:.3f}  {node['label']}  [{node['type']}]")

        print(f"\nCompanies with the most deal partners developing {args.modality}:")
        for row in partner_counts(kb, args.modality, lang=args.lang)[:8]:
            print(f"  {row['partners']}  {row['label']}: {', '.join(row['partner_labels'])}")

        path = shortest_path(kb, *args.path, lang=args.lang)
        print(f"\nShortest path {args.path[0]} → {args.path[1]}:")
        print(f"  {path}" if path else "  not connected")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
