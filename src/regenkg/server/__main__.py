"""``python -m regenkg.server INDEX [--port N]``: run the endpoint without the full CLI."""

from __future__ import annotations

import argparse

from ..cli_options import SERVER_OPTIONS, add_server_arguments
from ..errors import RegenkgError
from . import serve


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and serve."""
    parser = argparse.ArgumentParser(prog="python -m regenkg.server", description=__doc__)
    parser.add_argument("index", help="index folder (indexes/<name>)")
    add_server_arguments(parser)  # the options `regenkg serve` has too, defined once in cli_options
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args(argv)
    try:
        serve(args.index, log_level=args.log_level, **{opt.name: getattr(args, opt.name) for opt in SERVER_OPTIONS})
    except RegenkgError as exc:
        parser.exit(2, f"error: {exc}\n")


if __name__ == "__main__":
    main()
