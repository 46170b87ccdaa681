"""The bilingual name table learned from the indexed texts' brackets (regenkg.index.names, issue #19)."""

from __future__ import annotations

import json

import pytest

from regenkg.errors import IndexMismatch
from regenkg.index.names import FORMAT, NameTable, bracket_pairs


@pytest.mark.parametrize(("text", "pairs"), [
    # The name is the run of hanzi right before the bracket, after the describing words.
    ("基因治療新創公司澄海基因（Clearsea Genomics）今日宣布完成A輪融資。", [("Clearsea Genomics", "澄海基因")]),
    ("美國藥廠宣布與岳峰細胞（Yuefeng Cell, Inc.）簽署授權協議", [("Yuefeng Cell", "岳峰細胞")]),
    ("由Halden Therapeutics（海登治療）開發的異體CAR-T療法", [("Halden Therapeutics", "海登治療")]),
    ("2025年11月歐洲藥品管理局（EMA）批准了該療法", [("EMA", "歐洲藥品管理局")]),
    ("诱导多能干细胞（iPSC）平台", [("iPSC", "诱导多能干细胞")]),
    # No pair: an English bracket of figures, a bracket of Chinese after Chinese, a lower-case English word.
    ("營收成長（32%）", []),
    ("該公司（總部位於新竹）表示", []),
    ("revenue rose (see table) sharply", []),
])
def test_bracket_pairs(text, pairs):
    assert bracket_pairs(text) == pairs


def test_a_name_is_looked_up_whole_in_either_script_and_case():
    table = NameTable.build(["澄海基因（Clearsea Genomics）今日宣布", "由Halden（海登治療）開發"])
    assert table.terms("Did clearsea genomics partner with Halden?") == ["澄海基因", "海登治療"]
    # Simplified query, Traditional table: both fold to one script.
    assert table.terms("海登治疗是否与澄海基因合作？") == ["Halden", "Clearsea Genomics"]
    assert table.terms("Did Clearsea Genomicsx raise money?") == []
    assert table.terms("What did Haldenfort do?") == []


def test_the_longest_name_is_read_and_a_name_the_query_has_in_both_languages_brings_nothing():
    table = NameTable([("Halden Therapeutics", "海登治療"), ("Halden", "海登")])
    assert table.terms("Did Halden Therapeutics partner?") == ["海登治療"]
    assert table.terms("Did Halden Therapeutics (海登治療) partner?") == []


def test_description_before_the_name_is_dropped_and_affiliates_are_left_out():
    texts = ["細胞治療公司澄海基因（Clearsea Genomics）宣布", "澄海基因（Clearsea Genomics）表示",
             "默克（EMD Serono）的子公司"]
    table = NameTable.build(texts, [("默克", "x:merck"), ("Merck", "x:merck")])
    assert table.pairs == (("Clearsea Genomics", "澄海基因"),)


def test_a_key_bracketed_with_many_names_is_no_name():
    texts = [f"{zh}（CDMO）" for zh in ("委託開發服務", "委託製造服務", "合約開發暨製造", "代工生產服務")]
    assert NameTable.build(texts).terms("Which CDMO did they pick?") == []


def test_saved_and_loaded(tmp_path):
    table = NameTable([("Clearsea Genomics", "澄海基因")])
    path = tmp_path / "names.json"
    table.save(path)
    assert NameTable.load(path).pairs == table.pairs
    assert len(NameTable.load(tmp_path / "missing.json")) == 0  # an index built before the table
    path.write_text(json.dumps({"format": FORMAT + 1, "pairs": []}), encoding="utf-8")
    with pytest.raises(IndexMismatch):
        NameTable.load(path)
