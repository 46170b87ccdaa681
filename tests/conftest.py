"""Shared fixtures: paths to shipped data, and indexes built once per session with the real model."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"


def require_shared(sub: str = "") -> Path:
    path = SHARED / sub
    if not path.exists():
        pytest.skip(f"../shared/{sub} not present (a user's clone has no ../shared)")
    return path


@pytest.fixture(scope="session")
def settings():
    from regenkg.config import Settings

    return Settings.load(threads=2)


@pytest.fixture(scope="session")
def seed_dir(tmp_path_factory) -> Path:
    src = require_shared("seeds")
    out = tmp_path_factory.mktemp("seedcorpus")
    for f in src.glob("*.txt"):
        shutil.copy(f, out / f.name)
    return out


@pytest.fixture(scope="session")
def seed_index(seed_dir, tmp_path_factory, settings) -> Path:
    from regenkg.pipeline import build_index

    index = tmp_path_factory.mktemp("idx") / "seed"
    build_index([seed_dir], index, settings)
    return index


@pytest.fixture(scope="session")
def seed_kb(seed_index, settings):
    from regenkg.kb import KnowledgeBase

    kb = KnowledgeBase.open(seed_index, settings)
    yield kb
    kb.close()


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory, settings) -> Path:
    from regenkg.pipeline import build_index

    index = tmp_path_factory.mktemp("idx") / "corpus"
    build_index([CORPUS], index, settings)
    return index


@pytest.fixture(scope="session")
def corpus_kb(corpus_index, settings):
    from regenkg.kb import KnowledgeBase

    kb = KnowledgeBase.open(corpus_index, settings)
    yield kb
    kb.close()
