"""The numbers the README shows for the bundled corpus are the ones a build of it gives today."""

from __future__ import annotations

import re

from conftest import ROOT


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_build_and_info_numbers(corpus_kb):
    info = corpus_kb.info()
    langs = info["languages"]
    expected = (f"{info['documents']} documents, {info['sentences']} sentences "
                f"({', '.join(f'{k} {v}' for k, v in sorted(langs.items()))}), {info['entities']} entities,\n"
                f"{info['triples']} triples, {info['vectors']} vectors")
    text = _readme()
    built = re.search(r"Built indexes/default: (.*?) \(\d+ embedded", text, re.DOTALL)
    assert built, "README lost its `regenkg build` sample"
    assert built.group(1) == expected, f"update the README's build sample to: {expected}"
    table = dict(re.findall(r"│ (\w+) +│ ([^│]+?) +│", text.split("### `regenkg info`", 1)[1].split("###", 1)[0]))
    wanted = {k: str(info[k]) for k in ("documents", "sentences", "entities", "triples", "vectors")}
    wanted["languages"] = ", ".join(f"{k}: {v}" for k, v in sorted(langs.items()))
    assert {k: table.get(k) for k in wanted} == wanted, "update the README's `regenkg info` sample"
    intro = re.search(r"bundled corpus\n\((\d+) articles", text)
    assert intro and int(intro.group(1)) == info["documents"]
