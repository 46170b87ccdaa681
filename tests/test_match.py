"""The gazetteer matcher: leftmost-longest by surface length, and its cache of the last texts."""

from __future__ import annotations

import random

from regenkg.graph.match import Match, Matcher, fold_aligned

SURFACES = [
    ("Novartis", "x:nvs"), ("諾華", "x:nvs"), ("CAR-T", "x:cart"), ("CAR-T cell therapy", "x:cart-therapy"),
    ("CAR", "x:car"), ("NK", "x:nk"), ("NK cell", "x:nk-cell"), ("ALL", "x:all"), ("細胞療法", "x:ct"),
    ("细胞", "x:cell"), ("Kite", "x:kite"), ("Kite Pharma", "x:kite"), ("T細胞", "x:tcell"), ("Sana", "x:sana"),
]


def _scan(matcher: Matcher, text: str) -> list[Match]:
    """The matches as a scan of every surface with the position's first character finds them (longest first)."""
    folded, cased = fold_aligned(text), fold_aligned(text, lower=False)
    keys = [({c: sorted(d, key=len, reverse=True) for c, d in table.items()}, table, hay)
            for table, hay in ((matcher._folded, folded), (matcher._exact, cased))]
    out, i = [], 0
    while i < len(text):
        best = None
        for by_first, table, hay in keys:
            for key in by_first.get(hay[i], ()):
                if best is not None and len(key) <= best[0]:
                    break
                if hay.startswith(key, i) and Matcher._bounded(text, i, i + len(key)):
                    best = (len(key), table[hay[i]][key])
                    break
        if best is None:
            i += 1
            continue
        out.append(Match(i, i + best[0], best[1], text[i:i + best[0]]))
        i += best[0]
    return out


def test_longest_match_by_length_equals_a_scan_of_every_surface() -> None:
    matcher = Matcher(SURFACES)
    words = ["Novartis", "諾華", "CAR-T", "car-t", "cell", "therapy", "NK", "nk", "ALL", "all", "細胞", "療法",
             "Kite", "Pharma", "T", "Sana", "Sanafe", "xNK", "的", " ", ", ", "ＣＡＲ－Ｔ"]
    rng = random.Random(7)
    texts = ["Novartis and Kite Pharma signed a CAR-T cell therapy deal", "諾華的T細胞療法", "ALL patients, NK cells",
             "Sanafe is no Sana", "ＣＡＲ－Ｔ細胞療法"]
    texts += ["".join(rng.choice(words) + rng.choice(["", " "]) for _ in range(rng.randint(1, 12)))
              for _ in range(400)]
    for text in texts:
        assert matcher.find(text) == _scan(matcher, text), text
    assert [m.iri for m in matcher.find("Kite Pharma's CAR-T cell therapy")] == ["x:kite", "x:cart-therapy"]


def test_find_gives_a_new_list_each_time() -> None:
    matcher = Matcher(SURFACES)
    first = matcher.find("Novartis licensed NK cell assets")
    first.append(Match(0, 1, "x:extra", "N"))
    again = matcher.find("Novartis licensed NK cell assets")
    assert [m.iri for m in again] == ["x:nvs", "x:nk-cell"]
    assert again is not matcher.find("Novartis licensed NK cell assets")
    # More texts than the cache keeps: each is still matched the same.
    texts = [f"Sana {n} and Kite" for n in range(Matcher.FOUND_CACHE * 3)]
    assert all([m.iri for m in matcher.find(t)] == ["x:sana", "x:kite"] for t in texts)
    assert len(matcher._found) <= Matcher.FOUND_CACHE
