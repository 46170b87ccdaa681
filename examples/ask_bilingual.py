"""Ask the same question in English, Traditional and Simplified Chinese; print answers with their proof.

Usage: python examples/ask_bilingual.py INDEX ["question" ...]

Labels come back in the script of the question; every answer names the sentence it was read from.
"""

from __future__ import annotations

import argparse

from regenkg import KnowledgeBase

DEFAULT_QUESTIONS = ("who develops TCR-T", "誰在開發TCR-T", "谁在开发TCR-T")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", help="index folder, e.g. indexes/default")
    parser.add_argument("questions", nargs="*", default=list(DEFAULT_QUESTIONS))
    args = parser.parse_args(argv)
    with KnowledgeBase.open(args.index) as kb:
        for answer in kb.ask_many(args.questions):  # one batched embedding call for all questions
            print(f"Q [{answer.lang}] {answer.question}  (intent: {answer.intent})")
            if not answer.found:
                print("  no answer found; closest passages:")
                for hit in answer.passages[:3]:
                    print(f"    {hit.score:.3f}  {hit.text[:100]}")
            for item in answer.answers:
                print(f"  {item.label}  [{item.type}, {item.relation}, score {item.score:.2f}]")
                for ev in item.evidence[:1]:
                    print(f"      « {ev.text[:100]} »  ({ev.title[:40]}, chars {ev.start}-{ev.end})")
            print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
