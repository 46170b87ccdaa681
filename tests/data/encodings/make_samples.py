"""Write the encoding samples in this folder: ``python tests/data/encodings/make_samples.py``.

Each sample holds one of the passages below in one encoding; ``test_ingest.py`` checks that the
committed files still equal what this script writes, and that ingesting them gives the passages back.
"""

from __future__ import annotations

import codecs
from pathlib import Path

HERE = Path(__file__).resolve().parent

# From the seed article (Traditional, Taiwan), with its half-width ";" list separators.
ZH_HANT = (
    "綜觀國際大藥廠，近年都在積極佈局再生醫療相關領域。如Gilead(Kite)、Novartis(Legendbiotech)、"
    "BMS(Juno)和Janssen成功開發CAR-T細胞療法; GSK、Astellas、Roche(Adaptimmune),或Takeda(Zelluna),"
    "若AstraZeneca (Neogene)佈局TCR-T細胞療法。台寶生醫著重在細胞製劑CDMO，以及外泌體與間質幹細胞新藥研發。\n"
)
# Simplified, with 䶮 (U+4DAE), which GB2312 and GBK lack and GB18030 has.
ZH_HANS = (
    "南汉高祖刘䶮的名字只能用GB18030编码。台宝生医著重在细胞制剂CDMO，以及外泌体与间质干细胞新药研发。\n"
)
# Cantonese characters that only Big5-HKSCS has.
ZH_HK = "香港增補字符集收錄粵語用字，例如㗎、嘅、咗，再生醫療報導常見。\n"
EN = "Regenerative medicine is growing fast. The market was about 16 billion U.S. dollars in 2023.\n"

SAMPLES: dict[str, bytes] = {
    "big5.txt": ZH_HANT.encode("big5"),
    "gb18030.txt": ZH_HANS.encode("gb18030"),
    "big5hkscs.txt": ZH_HK.encode("big5hkscs"),
    "utf8_bom.txt": codecs.BOM_UTF8 + ZH_HANT.encode("utf-8"),
    "utf16le_bom.txt": codecs.BOM_UTF16_LE + ZH_HANT.encode("utf-16-le"),
    "utf16be_bom.txt": codecs.BOM_UTF16_BE + ZH_HANS.encode("utf-16-be"),
    "crlf.txt": EN.replace("\n", "\r\n").encode("ascii"),
    "empty.txt": b"",
    "whitespace.txt": b" \t\r\n\n  \n",
    "bom_only.txt": codecs.BOM_UTF8,
    "png_header.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00",
    "nul_bytes.txt": b"Regenerative\x00medicine\x00",
}


def main() -> None:
    for name, data in SAMPLES.items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
