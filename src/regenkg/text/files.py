"""Which files a build reads: folder walks, symbolic links and the size limits of ingestion.

A symbolic link is followed only when its target lies inside an input root (a named folder, or the folder
of a named file), unless :attr:`IngestPolicy.follow_symlinks`; links leaving the roots, dangling links
and link loops are reported by name. The limits on files, lines, titles and metadata are applied by
:mod:`regenkg.text.ingest` as it reads.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import IngestError
from ..records import Skipped

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["IngestPolicy", "iter_source_files"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestPolicy:
    """What ingestion follows and how much it reads (defaults = :class:`~regenkg.config.Settings`)."""

    follow_symlinks: bool = False
    max_file_bytes: int = 64_000_000
    max_line_chars: int = 4_000_000
    max_title_chars: int = 1_000
    max_meta_chars: int = 10_000

    @classmethod
    def from_settings(cls, settings: Settings) -> IngestPolicy:
        return cls(settings.follow_symlinks, settings.max_file_bytes, settings.max_line_chars,
                   settings.max_title_chars, settings.max_meta_chars)


def _is_hidden(parts: Iterable[str]) -> bool:
    return any(part.startswith(".") for part in parts)


def _link_problem(path: Path, roots: Sequence[Path], policy: IngestPolicy) -> str | None:
    """Why the symbolic link ``path`` is not followed, or None to follow it."""
    try:
        target = path.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 reports a loop as RuntimeError
        return "symbolic link loop"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        return f"dangling symbolic link (to {os.readlink(path)})"
    if policy.follow_symlinks or any(target == root or target.is_relative_to(root) for root in roots):
        return None
    return f"symbolic link to {target} leaves the input folders (not followed; --follow-symlinks allows it)"


def iter_source_files(paths: Iterable[str | Path] | str | Path, policy: IngestPolicy | None = None,
                      skipped: list[Skipped] | None = None) -> list[Path]:
    """Every file named in ``paths`` or found below a named folder.

    Folders are walked recursively; hidden files and folders (name starting with ``.``) inside them are
    ignored; each folder's files come sorted by relative path. A file reached twice is listed once.
    Symbolic links (named or found) are followed only into the input roots (each named folder, and the
    folder of each named file) unless ``policy.follow_symlinks``; a link to a folder is walked only then
    (each real folder once, so loops end). Links not followed, dangling links and loops are added to
    ``skipped`` with the reason (and logged).

    Raises:
        IngestError: A path does not exist.
    """
    policy = policy or IngestPolicy()
    named = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    found: list[Path] = []
    seen: set[Path] = set()
    refused: list[Skipped] = skipped if skipped is not None else []
    roots: list[Path] = []
    for path in named:
        if not path.exists() and not path.is_symlink():
            raise IngestError(f"{path}: no such file or folder")
        base = path if path.is_dir() and not path.is_symlink() else path.parent
        roots.append(base.resolve())

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            found.append(path)

    def followed(path: Path) -> bool:
        if not path.is_symlink():
            return True
        problem = _link_problem(path, roots, policy)
        if problem is not None:
            refused.append(Skipped(str(path), problem))
            if skipped is None:  # ingest() logs what it returns as skipped
                logger.warning("skipped %s: %s", path, problem)
        return problem is None

    walked: set[Path] = set()
    for path in named:
        if not followed(path):
            continue
        if path.is_dir():
            below: list[Path] = []
            for folder, dirs, files in os.walk(path, followlinks=policy.follow_symlinks):
                real = Path(folder).resolve()
                if real in walked:  # a linked folder seen before (or a loop): once is enough
                    dirs[:] = []
                    continue
                walked.add(real)
                rel = Path(folder).relative_to(path)
                dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                                 and (not Path(folder, d).is_symlink() or followed(Path(folder, d))))
                below.extend(Path(folder, f) for f in files if not _is_hidden((*rel.parts, f)))
            for file in sorted(below, key=lambda p: p.relative_to(path).parts):
                if followed(file) and file.is_file():
                    add(file)
        elif path.is_file():
            add(path)
        else:
            raise IngestError(f"{path}: no such file or folder")
    return found
