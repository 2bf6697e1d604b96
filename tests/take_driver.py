"""The app's take path in a process of its own, for tests that kill it.

Run as `python -m tests.take_driver COMMAND ARGS`.

Each command runs the code the app runs (the worker jobs over the real `compress`, the real store
into PostgreSQL, the start's `recover`) and says on stdout, one line at a time, where it is, so a
test can SIGKILL it at a chosen moment:

    import DATA_DIR SOURCE                 compress SOURCE into a take; "take PATH" when done
    trim DATA_DIR TAKE START END           cut a take; "ffmpeg PID" once encoding, then waits
    store DATA_DIR DB_URL COACH STUDENT SESSION TAKE
                                           store a take; "writing" mid-store, then waits
    recover DATA_DIR [DB_URL]              the start: prints the offered takes as JSON

"Waits" means: reads a line from stdin before going on, so the process is killed in the middle of
the work, not after it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from gbf_desktop.services.takes import TakeStore
from gbf_desktop.workers.video_jobs import check_clip, compress_job, store_job


def _takes(data_dir: str) -> TakeStore:
    return TakeStore(Path(data_dir) / "takes")


def _ffmpeg_children() -> list[int]:
    """Our child processes, found by their parent pid in /proc (the job's ffmpeg)."""
    me = os.getpid()
    pids: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # "pid (comm) state ppid ...": comm may hold spaces, so split after its parenthesis.
        if int(stat.rpartition(")")[2].split()[1]) == me:
            pids.append(int(entry.name))
    return pids


def _say(*words: object) -> None:
    print(*words, flush=True)


def import_(data_dir: str, source: str) -> None:
    steps = compress_job(Path(source), Path("unused.mp4"), takes=_takes(data_dir))
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            _say("take", stop.value.path)
            return


def trim(data_dir: str, take: str, start: str, end: str) -> None:
    steps = compress_job(
        Path(take), Path("unused.mp4"), float(start), float(end), takes=_takes(data_dir)
    )
    for _progress in steps:
        children = _ffmpeg_children()
        if children:
            _say("ffmpeg", *children)
            sys.stdin.readline()  # killed here, mid-encode
    _say("finished")  # not reached when the test kills us


def store(*args: str) -> None:
    data_dir, db_url, coach, student, session, take = args
    from gbf_desktop.app import Database, build_backend
    from gbf_desktop.db.engine import build_engine

    backend = build_backend(
        Database(engine=build_engine(db_url), label="test"), Path(data_dir) / "takes"
    )
    steps = store_job(backend, coach, student, session, check_clip(Path(take)))
    for progress in steps:
        if progress.stage == "writing":
            _say("writing", progress.done_bytes, progress.total_bytes)
            sys.stdin.readline()  # killed here, with the transaction open
    _say("finished")


def recover(data_dir: str, db_url: str | None = None) -> None:
    uow_factory = None
    if db_url is not None:
        from gbf_desktop.db.engine import build_engine
        from gbf_desktop.db.uow import SqlUnitOfWork
        from gbf_desktop.db.uow import uow_factory as sessions_of

        sessions = sessions_of(build_engine(db_url))

        def uow_factory() -> SqlUnitOfWork:
            return SqlUnitOfWork(sessions)

    offered = _takes(data_dir).recover(uow_factory)
    _say(
        json.dumps(
            [
                {
                    "id": take.id,
                    "path": str(take.path),
                    "origin": take.origin,
                    "label": take.label,
                    "storing": take.storing_media_id,
                }
                for take in offered
            ]
        )
    )


def main(argv: list[str]) -> int:
    command, *args = argv
    actions = {"import": import_, "trim": trim, "store": store, "recover": recover}
    actions[command](*args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
