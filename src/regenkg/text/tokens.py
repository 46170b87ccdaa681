"""Tokens for lexical search: jieba for Chinese, a word pattern for everything else, all folded.

Text is folded first (:func:`regenkg.text.lang.fold`: NFKC, Traditional → Simplified, lower case), so
台寶生醫 and 台宝生医, ＣＡＲ－Ｔ and car-t give the same tokens, and jieba (whose dictionary is
Simplified) sees the script it knows. Then, left to right:

1. User words that jieba cannot keep whole — any character outside jieba's hanzi range
   U+4E00–U+9FD5, e.g. CAR-T, γδ-T, TCR-T, iPSC, "Contract Development" — are taken out by a longest-match
   pre-pass (a Latin word only matches between non-alphanumerics, so ``ipsc`` is not found in
   ``ipscs``). jieba's own pattern splits "car-t" at the hyphen, and its dictionary format cannot hold
   a space.
2. Runs of hanzi go to a private ``jieba.Tokenizer`` (never the global one) whose dictionary has the
   remaining user words, in their given and folded forms.
3. Any other run of letters or digits is one token, joined across ``-``, ``'`` and ``.``
   (``cell-based``, ``3.06``); punctuation, symbols and whitespace are dropped.

jieba's prefix-dictionary cache (a ``marshal`` file, by default shared in the temp folder) and the
generated user dictionary (UTF-8 without BOM, ``word frequency`` per line) live in a private folder,
``regenkg.config.cache_dir() / "jieba"`` unless ``cache_dir`` is given.

Loading jieba's dictionary (a 350k-entry dict unmarshalled from 9 MB, then the user dictionary on top)
costs ~0.7 s and ~80 MB in every process. So the merged table — jieba's words plus the user words with
their frequencies — is written once per user dictionary into an SQLite file in the same folder
(``freq-<hash>.sqlite``) and then only opened: jieba looks up the few prefixes a text needs, each a
primary-key read, with the hits kept in a dict.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sqlite3
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator, MutableMapping
from pathlib import Path

import jieba

from ..config import cache_dir as default_cache_dir
from ..errors import ConfigError
from .lang import HAN_RANGES, fold

__all__ = ["Tokenizer"]

logger = logging.getLogger(__name__)

_JIEBA_HAN = re.compile("[\u4e00-\u9fd5]+")
_NOT_HAN_WORD = rf"[^\W_{HAN_RANGES}]"
_PLAIN = re.compile(rf"(?P<han>[{HAN_RANGES}]+)|(?P<word>{_NOT_HAN_WORD}+(?:[-'.]{_NOT_HAN_WORD}+)*)")
_ALNUM_ASCII = re.compile("[a-z0-9]")
# A user word must beat its own split by a margin, so that neighbouring words cannot cut it again;
# the floor is an ordinary jieba word frequency.
_FREQ_MARGIN = 10
_FREQ_FLOOR = 1000
# Longer "words" are not names; the limit also bounds the nesting of the trie regex.
_MAX_SPECIAL_CHARS = 120


def _private_dir(path: Path) -> Path:
    """Create ``path`` readable by this user only; refuse a folder others can write to."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name != "posix":
        return path
    info = path.stat()
    if info.st_uid != os.getuid():
        raise ConfigError(
            f"jieba cache folder {path} belongs to another user; set cache_dir to a private folder"
        )
    if stat.S_IMODE(info.st_mode) & 0o077:
        path.chmod(0o700)
    return path


class _FreqTable(MutableMapping[str, int]):
    """jieba's ``FREQ`` dict backed by a read-only SQLite table, with writes kept in memory.

    jieba only calls ``in``, ``[]``, ``get`` and (for words added at run time) ``[]=`` on it.
    """

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._known: dict[str, int | None] = {}
        self._added: dict[str, int] = {}

    def meta(self, key: str) -> str:
        with self._lock:
            (value,) = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return value

    def _lookup(self, word: str) -> int | None:
        if word in self._added:
            return self._added[word]
        try:
            return self._known[word]
        except KeyError:
            with self._lock:
                row = self._db.execute("SELECT n FROM freq WHERE word = ?", (word,)).fetchone()
            value = self._known[word] = row[0] if row else None
            return value

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._lookup(word) is not None

    def __getitem__(self, word: str) -> int:
        value = self._lookup(word)
        if value is None:
            raise KeyError(word)
        return value

    def get(self, word: str, default: int | None = None) -> int | None:  # type: ignore[override]
        value = self._lookup(word)
        return default if value is None else value

    def __setitem__(self, word: str, freq: int) -> None:
        self._added[word] = freq

    def __delitem__(self, word: str) -> None:
        raise TypeError("jieba's frequency table is append-only here")

    def __iter__(self) -> Iterator[str]:
        raise TypeError("jieba's frequency table is not iterable here")

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM freq").fetchone()[0]) + len(self._added)


def _write_freq_table(path: Path, freq: dict[str, int], total: int, user_dict: Path | None) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".freq-", suffix=".tmp")
    os.close(fd)
    try:
        with sqlite3.connect(tmp) as db:
            db.execute("CREATE TABLE freq (word TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.executemany("INSERT INTO freq VALUES (?, ?)", freq.items())
            db.executemany("INSERT INTO meta VALUES (?, ?)",
                           [("total", str(total)), ("user_dict", user_dict.name if user_dict else "")])
        db.close()
        os.replace(tmp, path)  # complete or absent: a reader never sees half a table
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _trie_regex(node: dict[str, dict], last: str) -> str:
    """Alternation over a character trie: longer continuations first, so the longest word wins."""
    options = [
        (r"\s+" if char == " " else re.escape(char)) + _trie_regex(child, char)
        for char, child in sorted(node.items())
        if char
    ]
    if "" in node:
        # A word ending in a Latin letter or digit must not end inside a longer word ("ipsc" in "ipscs").
        options.append(r"(?![a-z0-9])" if _ALNUM_ASCII.match(last) else "")
    return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"


def _trie_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """One regex matching any of ``words`` (longest first) in time independent of their number.

    A plain ``a|b|c…`` alternation tries every word at every position: 3,000 words made each sentence
    cost ~50 ms. Words starting with a Latin letter or digit must also start a word.
    """
    tries: dict[bool, dict[str, dict]] = {True: {}, False: {}}
    for word in words:
        if not word or len(word) > _MAX_SPECIAL_CHARS:
            continue
        node = tries[bool(_ALNUM_ASCII.match(word[0]))]
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    parts = []
    if tries[True]:
        parts.append(r"(?<![a-z0-9])" + _trie_regex(tries[True], ""))
    if tries[False]:
        parts.append(_trie_regex(tries[False], ""))
    return re.compile("|".join(parts)) if parts else None


class Tokenizer:
    """Folded word tokens for Chinese and English text, with a user dictionary of domain words.

    Args:
        user_words: Domain words to keep whole (company names, modalities…), in either script.
        cache_dir: Private folder for jieba's cache and the generated user dictionary.

    >>> tk = Tokenizer(["台寶生醫", "間質幹細胞", "γδ-T", "CAR-T"])  # doctest: +SKIP
    >>> tk.tokenize("台寶生醫開發間質幹細胞與γδ-T、CAR-T細胞療法")  # doctest: +SKIP
    ['台宝生医', '开发', '间质干细胞', '与', 'γδ-t', 'car-t', '细胞', '疗法']
    """

    def __init__(self, user_words: Iterable[str] = (), cache_dir: Path | None = None) -> None:
        self._words = frozenset(w.strip() for w in user_words if w and w.strip())
        self._dir = _private_dir(Path(cache_dir) if cache_dir is not None else default_cache_dir() / "jieba")
        # jieba logs "Building prefix dict…" at DEBUG to its own stderr handler on every start.
        logging.getLogger("jieba").setLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._jieba.tmp_dir = str(self._dir)
        self._jieba.cache_file = "jieba.cache"

        folded = {fold(w) for w in self._words}
        in_jieba = sorted(
            {w for w in self._words | folded if _JIEBA_HAN.fullmatch(w)}, key=lambda w: (-len(w), w)
        )
        special = {" ".join(w.split()) for w in folded if not _JIEBA_HAN.fullmatch(w)}
        self.user_dict_path = self._load_dictionary(in_jieba)
        self._special = _trie_pattern(special)

    def _load_dictionary(self, in_jieba: list[str]) -> Path | None:
        """Give jieba its frequency table (cached, see the module docstring); returns the user dictionary."""
        # jieba.Tokenizer() leaves ``dictionary`` None and reads its bundled dict.txt.
        dictionary = Path(self._jieba.dictionary or Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME))
        info = dictionary.stat()
        key = hashlib.sha256("\0".join(
            [jieba.__version__, str(dictionary), str(info.st_size), str(info.st_mtime_ns), *in_jieba]
        ).encode()).hexdigest()[:16]
        table = self._dir / f"freq-{key}.sqlite"
        if not table.exists():
            self._jieba.initialize()
            user_dict = self._write_user_dict(in_jieba) if in_jieba else None
            if user_dict is not None:
                self._jieba.load_userdict(str(user_dict))
            _write_freq_table(table, self._jieba.FREQ, self._jieba.total, user_dict)
        freq = _FreqTable(table)
        # jieba 0.42 (pinned) reads only FREQ and total once initialised.
        self._jieba.FREQ, self._jieba.total = freq, int(freq.meta("total"))
        self._jieba.initialized = True
        name = freq.meta("user_dict")
        return self._dir / name if name else None

    @property
    def words(self) -> frozenset[str]:
        """The user words as given (stripped)."""
        return self._words

    @property
    def cache_dir(self) -> Path:
        """The private folder holding jieba's cache and the user dictionary."""
        return self._dir

    def _write_user_dict(self, words: list[str]) -> Path:
        lines = [
            f"{w} {max(self._jieba.suggest_freq(w, False) * _FREQ_MARGIN, _FREQ_FLOOR)}\n" for w in words
        ]
        content = "".join(lines).encode("utf-8")
        path = self._dir / f"userdict-{hashlib.sha256(content).hexdigest()[:16]}.txt"
        if not path.exists():
            fd, tmp = tempfile.mkstemp(dir=self._dir, prefix=".userdict-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(content)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return path

    def _plain(self, text: str, out: list[str]) -> None:
        for match in _PLAIN.finditer(text):
            if match.lastgroup == "han":
                out.extend(t for t in self._jieba.cut(match.group(), HMM=True) if not t.isspace())
            else:
                out.append(match.group())

    def _tokens(self, text: str) -> list[str]:
        folded = fold(text)
        out: list[str] = []
        position = 0
        if self._special is not None:
            for match in self._special.finditer(folded):
                self._plain(folded[position : match.start()], out)
                out.append(" ".join(match.group().split()))
                position = match.end()
        self._plain(folded[position:], out)
        return out

    def tokenize_many(self, texts: Iterable[str]) -> list[list[str]]:
        """Tokens of each text (see the module docstring)."""
        return [_with_parts(self._tokens(text)) for text in texts]

    def tokenize(self, text: str) -> list[str]:
        """Tokens of one text.

        >>> Tokenizer().tokenize("Cell-based CAR-T 療法, 25.1%")  # doctest: +SKIP
        ['cell-based', 'car-t', '疗法', '25.1']
        """
        return self.tokenize_many([text])[0]


_MIXED = re.compile(r"[a-z0-9γδαβ][a-z0-9γδαβ.+-]*|[\u3400-\u9fff]+")


def _with_parts(tokens: list[str]) -> list[str]:
    """Add the parts of compound words ("tcr-t细胞疗法" → also "tcr-t", "细胞疗法"; "car-t cell" → "car-t", "cell").

    A user-dictionary word keeps its whole form, and its parts let an English sentence that says only
    "TCR-T" match a Chinese question about "TCR-T細胞療法" (and the reverse).
    """
    out: list[str] = []
    for tok in tokens:
        out.append(tok)
        if " " in tok:
            # A multi-word dictionary phrase ("tcr-t cell therapy") also counts as its words.
            out.extend(w for w in tok.split() if len(w) > 1)
            continue
        parts = _MIXED.findall(tok)
        if len(parts) > 1 and any("\u3400" <= p[0] <= "\u9fff" for p in parts) and any(
                not "\u3400" <= p[0] <= "\u9fff" for p in parts):
            out.extend(p for p in parts if len(p) > 1)
    return out
