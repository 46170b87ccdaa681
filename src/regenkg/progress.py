"""Progress reporting for long steps: Rich bars in a terminal, tqdm in notebooks, silent otherwise."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["progress_callback", "rich_progress"]


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython  # type: ignore

        shell = get_ipython()
        return shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell"
    except Exception:
        return False


def rich_progress(console: Any = None) -> Any:
    """The terminal bar: stage, bar, done/total, time elapsed and the estimated time left.

    Args:
        console: a ``rich.console.Console`` to draw on (default: stderr).
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    if console is None:
        from rich.console import Console

        console = Console(stderr=True)  # stdout is for results (`regenkg build … > log` keeps the bars out)
    return Progress(TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("ETA"), TimeRemainingColumn(), console=console, transient=False)


@contextmanager
def progress_callback(enabled: bool = True) -> Iterator[Any]:
    """Yield a ``(stage, done, total)`` callback drawing bars only where someone can see them."""
    if not enabled:
        yield None
        return
    if _in_notebook():
        from tqdm.auto import tqdm

        bars: dict[str, Any] = {}

        def cb(stage: str, done: int, total: int) -> None:
            bar = bars.get(stage)
            if bar is None:
                bar = bars[stage] = tqdm(total=total, desc=stage)
            bar.n = done
            bar.refresh()

        try:
            yield cb
        finally:
            for bar in bars.values():
                bar.close()
        return
    if not sys.stderr.isatty():
        yield None
        return
    with rich_progress() as prog:
        tasks: dict[str, Any] = {}

        def cb(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = prog.add_task(stage, total=total)
            prog.update(tasks[stage], completed=done, total=total)

        yield cb
