"""`onewindow-server`: run the central server (`--demo` on the demo hall) or do an administrator's task."""

from __future__ import annotations

import sys

from server.cli import run


def main(argv: list[str] | None = None) -> int:
    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
