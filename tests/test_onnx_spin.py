"""Single queries on a spinning ONNX Runtime session when that is faster: the same vectors, and a chooser
that follows the measured latency (speed itself is measured in benchmarks/, never here)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from regenkg.config import DEFAULT_MODEL
from regenkg.embed.convert import BLOB_SHA256, PROMPTS
from regenkg.embed.onnx import SPIN_AFTER, OnnxEmbedder, SpinChooser
from regenkg.embed.onnx_export import ensure_exported

DATA = Path(__file__).parent / "data"


def test_each_kind_is_measured_before_one_is_preferred() -> None:
    chooser = SpinChooser(probe_every=4)
    first = chooser.choose()
    chooser.record(first, 5.0)
    second = chooser.choose()
    assert second != first


def test_the_faster_kind_is_taken_and_the_other_probed_now_and_then() -> None:
    chooser = SpinChooser(probe_every=4)
    chooser.record(True, 5.0)
    chooser.record(False, 6.5)
    picks = [chooser.choose() for _ in range(8)]
    assert picks.count(True) == 6 and picks.count(False) == 2  # every 4th call tries the slower one


def test_the_choice_follows_the_machine_when_the_spinning_kind_slows_down() -> None:
    chooser = SpinChooser(probe_every=4, weight=0.5)
    chooser.record(True, 5.0)
    chooser.record(False, 6.5)
    for _ in range(6):  # other processes now hold the cores: spinning costs 15 ms a query
        chooser.record(True, 15.0)
    assert chooser.choose() is False


@pytest.mark.model
@pytest.mark.parametrize("threads,adaptive,chooses", [(1, True, False), (2, False, False), (2, True, True)])
def test_only_several_threads_have_a_spinning_session(threads: int, adaptive: bool, chooses: bool) -> None:
    # With one thread there is no worker to spin; adaptive_spin=False keeps the steady session only.
    embedder = OnnxEmbedder(ensure_exported(), threads=threads, model_id=DEFAULT_MODEL, weights_hash=BLOB_SHA256,
                            adaptive_spin=adaptive, query_cache_size=0)
    assert (embedder._chooser is not None) is chooses
    for i in range(SPIN_AFTER):  # the first queries (a CLI call's) run on the session already open
        embedder.encode_queries([f"who develops TCR-T {i}"])
    assert embedder._spinning is None
    embedder.encode_queries(["who develops CAR-T"])
    assert (embedder._spinning is not None) is chooses


@pytest.mark.model
def test_prepare_opens_the_spinning_session_up_front() -> None:
    embedder = OnnxEmbedder(ensure_exported(), threads=2, model_id=DEFAULT_MODEL, weights_hash=BLOB_SHA256)
    embedder.prepare()
    assert embedder._spinning is not None


def _questions() -> list[str]:
    out: list[str] = []
    for name in ("questions.yaml", "analyst_questions.yaml"):
        out += [q["q"] for q in yaml.safe_load((DATA / name).read_text(encoding="utf-8")) if isinstance(q, dict)]
    return list(dict.fromkeys(out))


@pytest.mark.model
def test_spinning_and_steady_sessions_give_the_same_vectors() -> None:
    embedder = OnnxEmbedder(ensure_exported(), threads=2, query_prompt=PROMPTS["query"],
                            passage_prompt=PROMPTS["passage"], model_id=DEFAULT_MODEL, weights_hash=BLOB_SHA256,
                            chinese_script="traditional", query_cache_size=0)
    assert embedder._chooser is not None
    steady, spinning = embedder._session, embedder._spinning_session()
    questions = _questions()
    assert len(questions) >= 60
    for q in questions:
        ids = np.asarray(embedder._tokens.encode([PROMPTS["query"] + q]), dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        np.testing.assert_array_equal(steady.run(None, feed)[0], spinning.run(None, feed)[0], err_msg=q)
    # And through the public call, whichever session the chooser takes.
    for q in questions[:20]:
        embedder._chooser.mean = {True: None, False: None}
        a = embedder.encode_queries([q])
        b = embedder.encode_queries([q])
        np.testing.assert_array_equal(a, b, err_msg=q)


@pytest.mark.model
def test_the_exported_graph_fuses_attention_and_gives_the_plain_graphs_vectors(tmp_path) -> None:
    import onnx
    import onnxruntime as ort

    from regenkg.embed.convert import blob_path, parse_blob
    from regenkg.embed.onnx import _PAD_ID, SentencePieceTokens
    from regenkg.embed.onnx_export import build_graph

    folder = ensure_exported()
    shipped = onnx.load(str(folder / "model.onnx"), load_external_data=False)
    assert sum(n.op_type == "MultiHeadAttention" for n in shipped.graph.node) == 12  # one per layer
    plain = tmp_path / "plain.onnx"
    onnx.save_model(build_graph(parse_blob(blob_path())), str(plain))
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    a = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
    b = ort.InferenceSession(str(plain), options, providers=["CPUExecutionProvider"])
    ids = SentencePieceTokens(folder).encode([PROMPTS["query"] + q for q in _questions()[:32]])
    width = max(map(len, ids))
    x = np.full((len(ids), width), _PAD_ID, dtype=np.int64)
    mask = np.zeros_like(x)
    for row, seq in enumerate(ids):  # one padded batch, as a build runs it
        x[row, :len(seq)], mask[row, :len(seq)] = seq, 1
    feed = {"input_ids": x, "attention_mask": mask}
    np.testing.assert_array_equal(a.run(None, feed)[0], b.run(None, feed)[0])
