"""``python -m regenkg.server INDEX [--port N]``: run the endpoint without the full CLI."""

from __future__ import annotations

import argparse

from ..errors import RegenkgError
from . import serve


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and serve."""
    parser = argparse.ArgumentParser(prog="python -m regenkg.server", description=__doc__)
    parser.add_argument("index", help="index folder (indexes/<name>)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--max-rows", type=int, default=10_000)
    parser.add_argument("--max-body", type=int, default=1_000_000)
    parser.add_argument("--max-url", type=int, default=8192)
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--threads", type=int, default=8, help="queries waiting on evaluators per process")
    parser.add_argument("--evaluators", type=int, default=2, help="evaluator processes per server process")
    parser.add_argument("--memory-limit", type=int, default=None, help="bytes one query may allocate")
    parser.add_argument("--max-bytes", type=int, default=None, help="result bytes at most (then truncated)")
    parser.add_argument("--max-header", type=int, default=16_384, help="request header bytes (431 above)")
    parser.add_argument("--header-timeout", type=float, default=10.0, help="seconds to send request headers")
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args(argv)
    try:
        serve(args.index, args.host, args.port, timeout=args.timeout, max_rows=args.max_rows,
              max_body=args.max_body, max_url=args.max_url, workers=args.workers,
              threads=args.threads, evaluators=args.evaluators, memory_limit=args.memory_limit,
              max_bytes=args.max_bytes, max_header=args.max_header, header_timeout=args.header_timeout,
              log_level=args.log_level)
    except RegenkgError as exc:
        parser.exit(2, f"error: {exc}\n")


if __name__ == "__main__":
    main()
