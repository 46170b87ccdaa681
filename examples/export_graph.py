"""Export a regenkg graph for other tools: Turtle, N-Quads, TriG, GraphML (Gephi, Cytoscape) and a CSV of facts.

Usage: python examples/export_graph.py INDEX OUTDIR [--lang zh-Hant]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from regenkg import KnowledgeBase

FORMATS = ("ttl", "nq", "trig", "graphml", "csv")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", help="index folder, e.g. indexes/default")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--lang", default="en", choices=("en", "zh-Hant", "zh-Hans"),
                        help="label language for GraphML and CSV")
    args = parser.parse_args(argv)
    from regenkg.explore.export import export  # the facade's kb.export, with the label language exposed

    with KnowledgeBase.open(args.index) as kb:
        for fmt in FORMATS:
            path = args.outdir / f"regenkg.{fmt}"
            count = export(kb, path, format=fmt, lang=args.lang)
            print(f"{fmt:8} {count:8d}  {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
