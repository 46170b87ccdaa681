"""A learned tagger for Chinese organisation names: which runs of Han characters name a company.

The rules find a Chinese name by its suffix (生技, 製藥, 醫院 …). Trade press also writes names without
one — ``沐川（6721）``, ``某某與某某合作``, a big pharma's short name — and the rules cannot list them.
This module learns the *contexts* names stand in instead of the names themselves:

* **Data** (distant supervision, repository only): the sentences of ``corpus/``, where every Han
  surface of a gazetteer company is a name. Each sentence is also copied with its names replaced by other names — other
  gazetteer companies, and synthetic ones built from the characters of gazetteer names with or
  without an organisation suffix — so that the model cannot just memorise the names it has seen.
* **Model**: multinomial logistic regression over hashed character features (the character, its
  neighbours, bigrams and trigrams around it, character classes, gazetteer-term membership) that
  labels every Han character ``O``/``B``/``I``; spans are decoded greedily and scored by their least
  sure character. Features are hashed with CRC-32 and the optimiser is deterministic L-BFGS, so a
  retrain on the same data gives the same weights.
* **Shipped small**: the weights (float16, pruned) are a file beside this module, written by
  ``python -m regenkg.graph.names_model --train corpus --out …``; loading it needs only numpy.

The extractor uses it only as a proposer of Han names that no rule found (it then applies the same
filters as to any discovered name, and a name becomes an entity only when a relation uses it).
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .match import Matcher, fold_aligned

if TYPE_CHECKING:
    from .ontology import Gazetteer

__all__ = ["NameSpan", "NameTagger", "common_words", "default_tagger", "training_examples"]

logger = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).with_name("names_tagger.npz")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]+")
O, B, I = 0, 1, 2
# Organisation suffixes, longest first; used as features and to build synthetic names.
SUFFIXES = ("生物科技", "生物技术", "生物医药", "再生科技", "细胞科技", "生技", "生医", "制药", "药业", "医药", "集团",
            "生物", "基因", "细胞", "医疗", "科技", "公司", "医院", "大学")
_TERM_KINDS = frozenset({"Modality", "Indication", "Country", "Segment", "Regulation"})
_COMPANY_TYPES = frozenset({"Company", "PharmaCompany", "Biotech", "CDMO"})


@dataclass(frozen=True)
class NameSpan:
    """A proposed name: character offsets in the text and the tagger's confidence (its least sure character)."""

    start: int
    end: int
    score: float


def _cls(c: str) -> str:
    if _HAN.match(c):
        return "H"
    if c.isdigit():
        return "D"
    if c.isascii() and c.isalpha():
        return "L"
    if c in "（(":
        return "("
    if c in "）)":
        return ")"
    if c in "，、,；;：:。":
        return ","
    return "_" if c.isspace() else "P"


@lru_cache(maxsize=1)
def common_words() -> dict[str, int]:
    """jieba's own dictionary (not the gazetteer-extended one): ordinary words, with their counts."""
    import jieba

    with jieba.get_dict_file() as fh:  # read directly: no prefix dictionary to build, no user words mixed in
        text = fh.read().decode("utf-8")
    return {w: int(f) for w, f in re.findall(r"^(\S{2,4}) (\d+)", text, re.MULTILINE) if int(f) >= 3}


@lru_cache(maxsize=1)
def _pos_tokenizer() -> Any:
    """jieba's part-of-speech tokenizer on its own dictionary, with its prefix cache in regenkg's cache folder."""
    import jieba
    import jieba.posseg

    from ..config import cache_dir

    logging.getLogger("jieba").setLevel(logging.WARNING)
    folder = cache_dir() / "jieba-pos"
    folder.mkdir(parents=True, exist_ok=True)
    tok = jieba.Tokenizer()
    tok.tmp_dir = str(folder)
    tok.cache_file = "jieba-pos.cache"
    shared = jieba.posseg.dt  # importing jieba.posseg already read the word-tag table of jieba's dictionary
    if shared.tokenizer.dictionary != tok.dictionary:
        return jieba.posseg.POSTokenizer(tok)
    # Same dictionary file: share the table instead of parsing it a second time (~0.6 s of every build).
    # Nothing here calls ``shared.cut``, so the table holds the dictionary's tags only, no user words.
    pos = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
    pos.tokenizer = tok
    pos.word_tag_tab = shared.word_tag_tab
    return pos


def word_freq(word: str) -> int:
    """How often jieba's dictionary counts ``word`` as a word of its own (0 if never)."""
    tok = _pos_tokenizer().tokenizer
    tok.check_initialized()
    return int(tok.FREQ.get(word) or 0)


@lru_cache(maxsize=16384)
def word_tags(folded: str) -> tuple[tuple[str, str], ...]:
    """jieba's words of a short Han run with their part of speech (``("入股", "v"), ("凌岳", "nr")``).

    The name rules read it to tell the sentence's function words (verbs, prepositions, conjunctions,
    particles, adverbs) from the characters of a name, instead of listing such words by hand.
    """
    return tuple((p.word, p.flag) for p in _pos_tokenizer().cut(folded, HMM=True))


def _word_marks(folded: str) -> list[str]:
    """Per character: where it sits in the longest ordinary word covering it (``B2``, ``E3`` …), or ``-``."""
    words = common_words()
    marks = ["-"] * len(folded)
    best = [0] * len(folded)
    for i in range(len(folded)):
        for k in (4, 3, 2):
            w = folded[i:i + k]
            if len(w) == k and w in words:
                bucket = "h" if words[w] >= 1000 else "m" if words[w] >= 50 else "l"
                for j in range(i, i + k):
                    if k > best[j]:
                        best[j] = k
                        marks[j] = f"{'B' if j == i else 'E' if j == i + k - 1 else 'M'}{k}{bucket}"
                break
    return marks


def _features(folded: str, terms: Sequence[bool], i: int, marks: Sequence[str] = ()) -> list[str]:
    p = "^^^" + folded + "$$$"
    j = i + 3
    cls = "".join(_cls(c) for c in p[j - 3:j + 4])
    f = [f"c0{p[j]}", f"c-1{p[j - 1]}", f"c+1{p[j + 1]}", f"c-2{p[j - 2]}", f"c+2{p[j + 2]}",
         f"b-{p[j - 1:j + 1]}", f"b+{p[j:j + 2]}", f"L2{p[j - 2:j]}", f"R2{p[j + 1:j + 3]}",
         f"L3{p[j - 3:j]}", f"R3{p[j + 1:j + 4]}", f"k{cls}", f"kl{cls[:4]}", f"kr{cls[3:]}",
         f"t{int(terms[i])}{int(i > 0 and terms[i - 1])}{int(i + 1 < len(terms) and terms[i + 1])}", "bias"]
    if marks:  # an ordinary dictionary word ("补强", "宣布") is rarely a name
        f += [f"w{marks[i]}", f"w-{marks[i - 1] if i else '^'}", f"w+{marks[i + 1] if i + 1 < len(marks) else '$'}"]
    for k in range(1, 5):  # an organisation suffix starts k characters on ("沐川生技": 川 is 1 before 生技)
        if any(folded.startswith(s, i + k) for s in SUFFIXES):
            f.append(f"sfx{k}")
            break
    for k in range(1, 8):  # a stock code or a Latin name in brackets follows the run ("沐川（6721）")
        if i + k < len(folded) and folded[i + k] in "（(":
            if not _HAN.match(folded[i + 1:i + k] or "x") or all(_HAN.match(c) for c in folded[i + 1:i + k]):
                nxt = folded[i + k + 1:i + k + 2]
                f.append(f"par{min(k, 4)}{'D' if nxt.isdigit() else 'L' if nxt.isascii() else 'H'}")
            break
    return f


def _hash(feats: Iterable[str], dim: int) -> list[int]:
    return [zlib.crc32(x.encode()) % dim for x in feats]


class NameTagger:
    """O/B/I logistic regression over hashed character features of Han text."""

    def __init__(self, weights: np.ndarray, matcher: Matcher | None = None):
        """
        Args:
            weights: ``(dim, 3)`` float array (rows are hash buckets, columns the tags O, B, I).
            matcher: gazetteer terms (modality, indication, place …), for the term-membership feature.
        """
        self.weights = weights.astype(np.float32)
        self.dim = int(weights.shape[0])
        self.matcher = matcher

    # ---------------------------------------------------------------- inference
    def _term_mask(self, folded: str) -> list[bool]:
        mask = [False] * len(folded)
        if self.matcher is not None:
            for m in self.matcher.find(folded):
                for k in range(m.start, m.end):
                    mask[k] = True
        return mask

    def probabilities(self, text: str) -> np.ndarray:
        """``(len(text), 3)`` tag probabilities; characters that are not Han get ``O`` with certainty."""
        folded = fold_aligned(text)
        out = np.zeros((len(text), 3), dtype=np.float32)
        out[:, O] = 1.0
        idx = [i for i, c in enumerate(folded) if _HAN.match(c)]
        if not idx:
            return out
        terms = self._term_mask(folded)
        marks = _word_marks(folded)
        rows = [_hash(_features(folded, terms, i, marks), self.dim) for i in idx]
        scores = np.stack([self.weights[r].sum(axis=0) for r in rows])
        scores -= scores.max(axis=1, keepdims=True)
        prob = np.exp(scores)
        prob /= prob.sum(axis=1, keepdims=True)
        out[idx] = prob
        return out

    def spans(self, text: str, threshold: float = 0.5, min_len: int = 2, max_len: int = 10) -> list[NameSpan]:
        """Names the tagger proposes in ``text``: a ``B`` then ``I``\\ s, each at least ``threshold`` sure."""
        prob = self.probabilities(text)
        out: list[NameSpan] = []
        i, n = 0, len(text)
        while i < n:
            if prob[i, B] >= threshold and prob[i, B] >= prob[i, O]:
                j, low = i + 1, float(prob[i, B])
                while j < n and prob[j, I] >= threshold and prob[j, I] >= prob[j, B]:
                    low = min(low, float(prob[j, I]))
                    j += 1
                if min_len <= j - i <= max_len:
                    out.append(NameSpan(i, j, round(low, 3)))
                i = max(j, i + 1)
            else:
                i += 1
        return out

    # ---------------------------------------------------------------- training
    @classmethod
    def train(cls, examples: Sequence[tuple[str, Sequence[tuple[int, int]]]], matcher: Matcher | None = None, *,
              dim: int = 2 ** 17, l2: float = 0.3, max_iter: int = 300) -> NameTagger:
        """Fit the weights on ``(text, name spans)`` pairs (only Han characters are training rows).

        Args:
            examples: sentences with the character spans of the names in them.
            matcher: gazetteer terms for the term-membership feature (the same one must be used to tag).
            dim: hash buckets.
            l2: L2 penalty on the weights.
            max_iter: L-BFGS iterations.
        """
        from scipy.optimize import minimize
        from scipy.sparse import csr_matrix

        tagger = cls(np.zeros((dim, 3), dtype=np.float32), matcher)
        indices: list[int] = []
        indptr = [0]
        labels: list[int] = []
        for text, spans in examples:
            folded = fold_aligned(text)
            tags = [O] * len(folded)
            for s, e in spans:
                if 0 <= s < e <= len(folded):
                    tags[s] = B
                    for k in range(s + 1, e):
                        tags[k] = I
            terms = tagger._term_mask(folded)
            marks = _word_marks(folded)
            for i, c in enumerate(folded):
                if _HAN.match(c):
                    indices += sorted(set(_hash(_features(folded, terms, i, marks), dim)))
                    indptr.append(len(indices))
                    labels.append(tags[i])
        x = csr_matrix((np.ones(len(indices), dtype=np.float64), indices, indptr), shape=(len(labels), dim))
        y = np.asarray(labels)
        onehot = np.zeros((len(y), 3))
        onehot[np.arange(len(y)), y] = 1.0
        # Names are rare next to other characters: weight them up so the decision is not "always O".
        weight = np.where(y == O, 1.0, 3.0)

        def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
            wm = w.reshape(dim, 3)
            z = x @ wm
            z -= z.max(axis=1, keepdims=True)
            logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
            val = -float((weight * (onehot * logp).sum(axis=1)).sum()) + 0.5 * l2 * float((w * w).sum())
            grad = x.T @ ((np.exp(logp) - onehot) * weight[:, None]) + l2 * wm
            return val, np.asarray(grad).ravel()

        res = minimize(loss, np.zeros(dim * 3), jac=True, method="L-BFGS-B", options={"maxiter": max_iter})
        logger.info("name tagger: %d Han characters, %d names, loss %.1f", len(y), int((y == B).sum()), res.fun)
        tagger.weights = res.x.reshape(dim, 3).astype(np.float32)
        return tagger

    def save(self, path: Path) -> None:
        """Write the weights as float16, zeroing the negligible ones (the file stays small)."""
        w = self.weights.copy()
        w[np.abs(w) < 1e-3] = 0.0
        nz = np.flatnonzero(w.any(axis=1))
        np.savez_compressed(path, dim=np.int64(self.dim), rows=nz.astype(np.int32), values=w[nz].astype(np.float16))

    @classmethod
    def load(cls, path: Path, matcher: Matcher | None = None) -> NameTagger:
        """The tagger saved by :meth:`save`."""
        with np.load(path) as data:
            w = np.zeros((int(data["dim"]), 3), dtype=np.float32)
            w[data["rows"]] = data["values"].astype(np.float32)
        return cls(w, matcher)


def term_matcher(gazetteer: Gazetteer) -> Matcher:
    """A matcher over the gazetteer's term surfaces (not its companies: the model must not learn a list)."""
    return Matcher([(s, iri) for s, iri in gazetteer.surfaces() if gazetteer.entities[iri].type in _TERM_KINDS])


@lru_cache(maxsize=1)
def default_tagger() -> NameTagger | None:
    """The shipped tagger with the default gazetteer's terms, or ``None`` when the weights file is absent."""
    from .ontology import default_gazetteer

    if not MODEL_FILE.is_file():
        logger.warning("name tagger weights %s missing: Chinese names without a suffix are not proposed", MODEL_FILE)
        return None
    return NameTagger.load(MODEL_FILE, term_matcher(default_gazetteer()))


# -------------------------------------------------------------------- training data
def _synthetic_names(texts: Sequence[str], rng: random.Random, n: int) -> list[str]:
    # Characters of any text, not only of names: a name's characters then tell the model little, and
    # the context around them has to.
    chars = sorted({c for t in texts for c in fold_aligned(t) if _HAN.match(c) and not any(c in s for s in SUFFIXES)})
    out = []
    for _ in range(n):
        stem = "".join(rng.choice(chars) for _ in range(rng.choice((2, 2, 2, 3))))
        out.append(stem + (rng.choice(SUFFIXES[:16]) if rng.random() < 0.5 else ""))
    return out


def training_examples(sentences: Sequence[tuple[str, Sequence[tuple[int, int]]]], gazetteer_names: Sequence[str],
                      *, copies: int = 6, seed: int = 13) -> list[tuple[str, list[tuple[int, int]]]]:
    """The labelled sentences plus ``copies`` versions of each with its names swapped for other names.

    Args:
        sentences: ``(text, name spans)`` read off the corpus (gazetteer and rule-discovered companies).
        gazetteer_names: Han surfaces of gazetteer companies (the pool replacements are drawn from).
        copies: how many swapped copies per sentence that holds a name.
        seed: the random seed (training data, and so the weights, are deterministic).
    """
    rng = random.Random(seed)
    pool = sorted({fold_aligned(n) for n in gazetteer_names if _HAN.search(n)})
    synthetic = _synthetic_names([*pool, *(t for t, _ in sentences)], rng, 4000)
    out: list[tuple[str, list[tuple[int, int]]]] = []
    for text, spans in sentences:
        spans = sorted(set(spans))
        out.append((text, list(spans)))
        if not spans:
            continue
        for _ in range(copies):
            pieces, new_spans, pos = [], [], 0
            length = 0
            for s, e in spans:
                if s < pos:
                    continue
                pieces.append(text[pos:s])
                length += s - pos
                name = rng.choice(pool) if rng.random() < 0.3 else rng.choice(synthetic)
                new_spans.append((length, length + len(name)))
                pieces.append(name)
                length += len(name)
                pos = e
            pieces.append(text[pos:])
            out.append(("".join(pieces), new_spans))
    return out


def corpus_sentences(folder: Path) -> tuple[list[tuple[str, list[tuple[int, int]]]], list[str]]:
    """Han sentences of ``folder`` with the spans of the gazetteer companies in them, and the gazetteer's
    Han company surfaces. Only curated names label the data, so the weights depend on the repository's
    corpus and gazetteer alone, not on how the rules happen to discover names today."""
    from ..text.ingest import ingest
    from ..text.segment import segment
    from .ontology import Gazetteer

    gaz = Gazetteer.load()
    companies = [(s, iri) for s, iri in gaz.surfaces() if gaz.entities[iri].type in _COMPANY_TYPES]
    matcher = Matcher(companies)
    out: list[tuple[str, list[tuple[int, int]]]] = []
    for path in sorted(folder.iterdir()):
        for s in segment(ingest([path]).documents):
            if _HAN.search(s.text):
                out.append((s.text, [(m.start, m.end) for m in matcher.find(s.text) if _HAN.search(m.surface)]))
    return out, [s for s, _ in companies if _HAN.search(s)]


def main(argv: Sequence[str] | None = None) -> None:
    """Train the tagger from a corpus folder and write the weights file."""
    ap = argparse.ArgumentParser(description="Train the Chinese organisation-name tagger from a corpus folder.")
    ap.add_argument("--train", type=Path, required=True, help="folder of articles (the repository's corpus/)")
    ap.add_argument("--out", type=Path, default=MODEL_FILE)
    args = ap.parse_args(argv)
    from .ontology import Gazetteer

    sents, names = corpus_sentences(args.train)
    tagger = NameTagger.train(training_examples(sents, names), term_matcher(Gazetteer.load()))
    tagger.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes) from {len(sents)} sentences")


if __name__ == "__main__":
    main()
