"""A CJK font for matplotlib, so Chinese labels render as glyphs rather than tofu boxes.

Where the font comes from, first found wins:

1. the ``noto-cjk-sans-otc`` PyPI package (Noto Sans CJK, OFL; installed by the ``notebook`` extra);
2. fontconfig (``fc-list :lang=zh``), e.g. Debian's ``fonts-noto-cjk`` or ``fonts-wqy-zenhei``;
3. a few well-known system paths.

The file is registered with matplotlib's font manager (every face of a ``.ttc`` collection), and
:func:`font_families` gives the family list to pass as ``fontfamily=``: the CJK face that suits the
language first (Traditional or Simplified glyph shapes), DejaVu Sans after it as a fallback.
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

__all__ = ["SYSTEM_FONT_PATHS", "cjk_family", "cjk_font", "font_families", "has_glyphs"]

logger = logging.getLogger(__name__)

# Package data first: it installs with pip from pyproject, so every machine gets the same font.
_PACKAGES = (("noto_cjk_sans_otc", "NotoSansCJK-Regular.ttc"),)
SYSTEM_FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKtc-Regular.otf",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msjh.ttc",
)
# Preferred faces of a collection per language: TC/HK shapes for Traditional, SC for Simplified.
_FACE_ORDER = {
    "zh-Hant": ("Noto Sans CJK TC", "Noto Sans CJK HK", "Noto Sans CJK SC"),
    "zh-Hans": ("Noto Sans CJK SC", "Noto Sans CJK TC"),
    "en": ("Noto Sans CJK TC", "Noto Sans CJK SC"),
}
_PROBE = "諾華细胞"  # Traditional and Simplified characters a usable font must have


def _package_fonts() -> list[Path]:
    found = []
    for module, filename in _PACKAGES:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            continue
        for folder in spec.submodule_search_locations:
            path = Path(folder) / filename
            if path.is_file():
                found.append(path)
    return found


def _fontconfig_fonts() -> list[Path]:
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        out = subprocess.run([exe, ":lang=zh", "file"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    paths = [Path(line.split(":", 1)[0].strip()) for line in out.stdout.splitlines() if line.strip()]
    # Sans faces read best at small label sizes; Noto first because its collection has TC and SC faces.
    return sorted((p for p in paths if p.suffix.lower() in (".ttc", ".otf", ".ttf")),
                  key=lambda p: ("noto" not in p.name.lower(), "sans" not in p.name.lower(), str(p)))


def _candidates() -> list[Path]:
    return [*_package_fonts(), *_fontconfig_fonts(), *(Path(p) for p in SYSTEM_FONT_PATHS)]


def has_glyphs(path: str | Path, text: str = _PROBE) -> bool:
    """Whether the font file (its first face) has a glyph for every character of ``text``."""
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(str(path))
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(ch)) != 0 for ch in text if not ch.isspace())


@lru_cache(maxsize=1)
def cjk_font() -> Path | None:
    """The CJK font file in use, registered with matplotlib; ``None`` (with a warning) when there is none.

    >>> path = cjk_font()                      # doctest: +SKIP
    >>> path.name                              # doctest: +SKIP
    'NotoSansCJK-Regular.ttc'
    """
    from matplotlib import font_manager

    for path in _candidates():
        if not path.is_file() or not has_glyphs(path):
            continue
        if not any(entry.fname == str(path) for entry in font_manager.fontManager.ttflist):
            font_manager.fontManager.addfont(str(path))
        # The same family may also be installed system-wide (Debian's fonts-noto-cjk ships the same
        # collection); matplotlib then draws with whichever copy its font cache scored first. Report the
        # file it really resolves the family to, so callers see the file the glyphs come from.
        used = _resolved(path)
        if used is not None and used != path and has_glyphs(used):
            path = used
        logger.debug("CJK font: %s", path)
        return path
    logger.warning('no CJK font found: Chinese labels will show as boxes. Install one with '
                   '`pip install "regenkg[notebook]"` (noto-cjk-sans-otc) or `apt-get install fonts-noto-cjk`')
    return None


def _resolved(path: Path) -> Path | None:
    """The file matplotlib draws the first family of ``path`` from (another copy of it may come first)."""
    from matplotlib import font_manager

    names = [entry.name for entry in font_manager.fontManager.ttflist if entry.fname == str(path)]
    if not names:
        return None
    try:
        found = font_manager.findfont(font_manager.FontProperties(family=names[0]), fallback_to_default=False)
    except ValueError:
        return None
    return Path(str(found))


def cjk_family(lang: str = "zh-Hant") -> str | None:
    """The matplotlib family name of the CJK face best suited to ``lang``, or ``None`` without a font."""
    from matplotlib import font_manager

    path = cjk_font()
    if path is None:
        return None
    names = [entry.name for entry in font_manager.fontManager.ttflist if entry.fname == str(path)]
    for name in _FACE_ORDER.get(lang, _FACE_ORDER["en"]):
        if name in names:
            return name
    return names[0] if names else None


def font_families(lang: str = "en") -> list[str]:
    """Family list for ``fontfamily=``: the CJK face for ``lang`` first, DejaVu Sans as fallback."""
    family = cjk_family(lang)
    return [family, "DejaVu Sans"] if family else ["DejaVu Sans"]
