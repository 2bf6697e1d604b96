"""The `gbf-desktop` command: the GUI by default, and headless commands for admins and scripts.

Every command turns a `KnownError` into one line on stderr and exit code 1; a bug is logged with its
traceback and reported in one line that names the log file. No traceback reaches a person.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gbf_desktop import __version__
from gbf_desktop.errors import ConfigError, KnownError
from gbf_desktop.settings import APP_NAME, Settings

if TYPE_CHECKING:
    from gbf_desktop.app import Database
    from gbf_desktop.connections import ConnectionTarget

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

Command = Callable[[argparse.Namespace, Settings], int]


def _add_database_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: an option given before the subcommand is not reset by the subparser's default.
    parser.add_argument(
        "--database-url",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="a shared PostgreSQL server, postgresql://USER@HOST:PORT/DB or service=NAME (also "
        "GBF_DATABASE_URL); leave the password out: it is asked for, or found in the keyring or "
        "~/.pgpass. Without it the built-in database in your data folder is used",
    )
    parser.add_argument(
        "--connection",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="a saved connection (see Connect to a server); its password is in the keyring",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gbf-desktop",
        description=f"{APP_NAME}: programs, progress review and form clips for coaches. "
        "Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    _add_database_option(parser)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="load the demo data (safe to repeat) and open the app signed in as the demo coach",
    )
    # Hidden: bench/startup.py times a start to the dashboard's first data, then quits.
    parser.add_argument("--exit-when-ready", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--camera",
        metavar="SOURCE",
        default=None,
        help="camera for recording clips: a device number, file:PATH or test: (also GBF_CAMERA)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    db = commands.add_parser("db", help="set up, check or adopt a database")
    db_actions = db.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (
        ("upgrade", "bring the schema to this version (builds it on an empty database)"),
        ("check", "compare the live schema with what this version expects; list differences"),
        ("adopt", "take over a database the web platform created, without changing its rows"),
    ):
        _add_database_option(db_actions.add_parser(name, help=text, description=text))
    secure_text = (
        "database-enforced isolation: a group role with the desktop's grants and row-level "
        "security letting each coach's role reach only their own students (run with the URL of "
        "the tables' owner); --remove takes it off, e.g. before upgrading the web platform"
    )
    secure = db_actions.add_parser("secure", help=secure_text, description=secure_text)
    secure.add_argument("--remove", action="store_true", help="take the policies and grants off")
    _add_database_option(secure)
    roles_text = "a coach's own database login role, for database-enforced isolation"
    roles = db_actions.add_parser("coach-role", help=roles_text, description=roles_text)
    role_actions = roles.add_subparsers(dest="role_action", metavar="ACTION", required=True)
    add = role_actions.add_parser("add", help="create the login role of the coach with EMAIL")
    add.add_argument("email", metavar="EMAIL")
    add.add_argument(
        "--keyring",
        action="store_true",
        help="store the new password in this computer's keyring instead of showing it",
    )
    remove = role_actions.add_parser("remove", help="drop a coach's login role")
    remove.add_argument("who", metavar="EMAIL|ROLE")
    role_actions.add_parser("list", help="list the coach roles")
    for sub in role_actions.choices.values():
        _add_database_option(sub)

    demo = commands.add_parser("demo", help="demo data")
    demo_actions = demo.add_subparsers(dest="action", metavar="ACTION", required=True)
    _add_database_option(
        demo_actions.add_parser(
            "seed", help="insert the demo coach, students, programs, progress and clips"
        )
    )

    clip = commands.add_parser("clip", help="probe or compress a video file (no database needed)")
    clip_actions = clip.add_subparsers(dest="action", metavar="ACTION", required=True)
    probe = clip_actions.add_parser("probe", help="print what a video file holds, as JSON")
    probe.add_argument("file", metavar="FILE")
    compress = clip_actions.add_parser(
        "compress",
        help="make a clip in the agreed format: H.264 MP4, at most 480p, 24 fps, 15 s, 15 MB",
    )
    compress.add_argument("input", metavar="IN")
    compress.add_argument("output", metavar="OUT")
    compress.add_argument("--start", type=float, default=None, metavar="S", help="cut from S s")
    compress.add_argument("--end", type=float, default=None, metavar="S", help="cut up to S s")
    compress.add_argument(
        "--keep-audio", action="store_true", help="keep the sound (AAC); dropped by default"
    )

    bar = clip_actions.add_parser(
        "bar-path",
        help="track a barbell plate through a video: its path, the reps and their speeds (JSON)",
    )
    bar.add_argument("file", metavar="FILE")
    bar.add_argument(
        "--plate",
        required=True,
        metavar="X,Y,R",
        help="the plate's centre and radius in pixels of the upright picture",
    )
    bar.add_argument(
        "--time", type=float, default=0.0, metavar="S", help="when the plate is there (s)"
    )
    bar.add_argument(
        "--plate-cm", type=float, default=45.0, metavar="CM", help="plate diameter (45 cm)"
    )

    check = commands.add_parser(
        "self-check", help="check Qt, ffmpeg and the database; exit 0 only when all pass"
    )
    _add_database_option(check)
    check.add_argument(
        "--pages",
        action="store_true",
        help="open the window offscreen-ready on the built-in database with demo data, visit "
        "every page, and say how each went (the smoke test of an installed package)",
    )
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.load(
        database_url=getattr(args, "database_url", None),
        connection=getattr(args, "connection", None),
        camera=args.camera,
    )


PASSWORD_ON_COMMAND_LINE = (
    "gbf-desktop: warning: the password in --database-url can be read by every user of this "
    "computer (ps, /proc) and stays in your shell history. Leave it out to be asked, or use a "
    "saved connection (keyring), ~/.pgpass or service=NAME."
)


def _warn_password_in_argv(args: argparse.Namespace) -> None:
    from gbf_desktop.connections import parse_url

    url = getattr(args, "database_url", None)
    if url is None:
        return
    try:
        _target, password = parse_url(url)
    except KnownError:
        return  # Settings reports the unreadable URL
    if password is not None:
        print(PASSWORD_ON_COMMAND_LINE, file=sys.stderr)


def _ask_on_terminal(target: ConnectionTarget, reason: str) -> str | None:
    """Ask for the password on the terminal, never echoing it; None when there is no terminal."""
    import getpass

    if not sys.stdin.isatty():
        return None
    try:
        return getpass.getpass(f"{reason} Password for {target.label}: ")
    except EOFError:
        return None


def _open(settings: Settings) -> Database:
    from gbf_desktop.app import open_database

    return open_database(settings, ask_password=_ask_on_terminal)


def _cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from gbf_desktop.db import adopt, migrate, secure

    db = _open(settings)
    try:
        if args.action == "upgrade":
            outcome = migrate.upgrade(db.engine)
            if outcome.before == outcome.after:
                print(f"{db.label}: already at {outcome.after}; nothing to do.")
            else:
                print(f"{db.label}: upgraded from {outcome.before or 'empty'} to {outcome.after}.")
            return EXIT_OK
        if args.action == "check":
            report = adopt.check(db.engine)
            with db.engine.connect() as connection:
                security = secure.check(connection)
            for line in [*report.lines(), *security.lines()]:
                print(line)
            return EXIT_OK if report.ok and security.ok else EXIT_FAILED
        if args.action == "secure":
            done = secure.remove(db.engine) if args.remove else secure.install(db.engine)
            for line in done:
                print(f"{db.label}: {line}")
            return EXIT_OK
        if args.action == "coach-role":
            return _coach_role(args, db)
        result = adopt.adopt(db.engine)
        for line in result.lines():
            print(line)
        return EXIT_OK
    finally:
        db.close()


def _coach_role(args: argparse.Namespace, db: Database) -> int:
    from gbf_desktop.db import coach_roles

    if args.role_action == "list":
        found = coach_roles.list_coach_roles(db.engine)
        if not found:
            print("no coach role")
        for role in found:
            state = "" if role.can_login else "  (role missing on the server)"
            print(f"{role.role}  {role.email}  {role.name}{state}")
        return EXIT_OK
    if args.role_action == "remove":
        print(f"dropped the role {coach_roles.remove_coach_role(db.engine, args.who)}")
        return EXIT_OK
    from gbf_desktop.connections import keyring_status, store_password

    if args.keyring and not keyring_status().available:
        # Said before the role exists: a password that reaches no keyring must not be lost.
        raise ConfigError(
            f"No role was created: {keyring_status().reason}.",
            hint="Run it without --keyring to see the password once.",
        )
    new = coach_roles.add_coach_role(db.engine, args.email)
    if args.keyring and db.target is not None:
        target = db.target.with_user(new.role)
        try:
            where = store_password(target, new.password)
        except KnownError as err:
            print(f"gbf-desktop: {err}", file=sys.stderr)
        else:
            print(f"created the role {new.role} for {new.email}; its password is in {where}")
            print(f"connect with: gbf-desktop --database-url {target.url_without_password()}")
            return EXIT_OK
    print(f"created the role {new.role} for {new.email}")
    print(f"password (shown once, store it now): {new.password}")
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from gbf_desktop.app import ensure_ready, seed_demo

    db = _open(settings)
    try:
        ensure_ready(db)
        summary = seed_demo(db, settings)
        for line in summary.lines():
            print(line)
        return EXIT_OK
    finally:
        db.close()


def _cmd_self_check(args: argparse.Namespace, settings: Settings) -> int:
    from gbf_desktop.selfcheck import run_self_check

    if args.pages:
        if not settings.uses_embedded_database:
            # The tour seeds demo data: never into a shared database.
            raise ConfigError(
                "self-check --pages runs on the built-in database only (it adds demo data).",
                hint="Leave out --database-url / GBF_DATABASE_URL for this check.",
            )
        from gbf_desktop.app import run_gui

        return run_gui(settings, demo=True, tour=True)

    results = run_self_check(settings)
    for result in results:
        print(result.line())
    return EXIT_OK if all(r.passed for r in results) else EXIT_FAILED


def _cmd_clip(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from gbf_desktop.video.compress import compress
    from gbf_desktop.video.probe import probe, probe_to_json

    if args.action == "probe":
        print(json.dumps(probe_to_json(probe(Path(args.file))), indent=2))
        return EXIT_OK
    if args.action == "bar-path":
        from gbf_desktop.video.bar_tracker import bar_path_json

        print(json.dumps(bar_path_json(Path(args.file), args.plate, args.time, args.plate_cm)))
        return EXIT_OK
    clip = compress(
        Path(args.input),
        Path(args.output),
        start_s=args.start,
        end_s=args.end,
        keep_audio=args.keep_audio,
        ffmpeg_path=settings.ffmpeg_path,
    )
    print(
        f"{clip.path}: {clip.width}x{clip.height}, {clip.duration_s:.2f} s, "
        f"{clip.size_bytes:,} bytes"
    )
    for warning in clip.warnings:
        print(f"gbf-desktop: warning: {warning}", file=sys.stderr)
    return EXIT_OK


def _cmd_gui(args: argparse.Namespace, settings: Settings) -> int:
    from gbf_desktop.app import run_gui

    return run_gui(settings, demo=args.demo, exit_when_ready=args.exit_when_ready)


COMMANDS: dict[str | None, Command] = {
    None: _cmd_gui,
    "db": _cmd_db,
    "demo": _cmd_demo,
    "self-check": _cmd_self_check,
    "clip": _cmd_clip,
}


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    from gbf_desktop.db import pg_watchdog

    if arguments[:1] == [pg_watchdog.COMMAND]:
        # Hidden: how a frozen bundle starts the built-in database's watchdog (no `-m` there).
        return pg_watchdog.main(arguments[1:])
    args = build_parser().parse_args(arguments)
    log_path: Path | str = "the log file"
    try:
        _warn_password_in_argv(args)
        settings = _settings(args)
        from gbf_desktop.app import configure_logging, make_files_private

        make_files_private(settings)

        log_path = configure_logging(settings.log_dir, verbose=args.verbose)
        return COMMANDS[args.command](args, settings)
    except KnownError as err:
        print(f"gbf-desktop: {err}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("gbf-desktop: interrupted", file=sys.stderr)
        return EXIT_FAILED
    except Exception:
        log.exception("unexpected failure")
        print(
            f"gbf-desktop: something went wrong inside the app; details are in {log_path}",
            file=sys.stderr,
        )
        return EXIT_FAILED
