"""The watchdog that stops the built-in PostgreSQL when the app that started it dies.

`pg_ctl start` detaches the server from the app (its parent exits at once), so a parent-death
signal cannot reach it and a crashed or killed app would leave it running. The app therefore starts
this small process beside the server and keeps the write end of a pipe whose read end only the
watchdog holds. The kernel closes that write end however the app ends (a clean exit, a crash,
SIGKILL), so the watchdog's read returns: then, unless another live app has taken the server over
in the meantime, it stops the server.

It runs as `python -m gbf_desktop.db.pg_watchdog` (or `gbf-desktop pg-watchdog` in a bundle).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

# The hidden command name a frozen bundle is started with (see `cli.main`).
COMMAND = "pg-watchdog"

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=COMMAND, add_help=False)
    parser.add_argument("--pgdata", required=True, type=Path)
    parser.add_argument("--fd", required=True, type=int)
    parser.add_argument("--owner", required=True, type=int)
    # The postmaster it guards: a later server over the same folder is never its to stop.
    parser.add_argument("--server", type=int, default=None)
    # The cluster was just made without initdb's fsync: flush it to disk first.
    parser.add_argument("--sync", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # A Ctrl+C in the app's terminal is for the app, not for us: we outlive it on purpose.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if args.sync and hasattr(os, "sync"):
        os.sync()
    with os.fdopen(args.fd, "rb", buffering=0) as pipe:
        # Blocks until the app's end of the pipe is closed: nothing is ever written on it.
        while pipe.read(1):
            pass
    from gbf_desktop.db.embedded import stop_if_abandoned  # noqa: PLC0415 (keep start light)

    stop_if_abandoned(args.pgdata, dead_owner=args.owner, server_pid=args.server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
