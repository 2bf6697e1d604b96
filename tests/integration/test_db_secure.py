"""Database-enforced isolation: after `db secure`, a coach's own role reaches only their rows.

Plain psycopg as the coach's role: the other coach's rows are invisible and unwritable on every
table the policies cover; the desktop's services work the same through that role as through the
owner's URL; `db check` flags a dropped policy; policies never block a column type change.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import errors as pg_errors
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from gbf_desktop import cli
from gbf_desktop.db import coach_roles, secure
from gbf_desktop.db.engine import build_engine, plain_libpq_url
from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.domain import program_edit as pe
from gbf_desktop.domain.program_edit import ExerciseDoc
from gbf_desktop.services import library as lib
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.logging_on_behalf import ExerciseLog
from tests.two_coaches import PASSWORD, CoachWorld, TwoCoaches, all_fingerprints, two_coaches

pytestmark = pytest.mark.db

CLIP = b"\x00\x00\x00\x18ftypmp42" + bytes(range(64))


@pytest.fixture(autouse=True)
def _private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The commands log and tighten modes in the data and cache folders: never the real ones.
    monkeypatch.setenv("GBF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("GBF_DATABASE_URL", raising=False)


@dataclass(frozen=True)
class Secured:
    world: TwoCoaches
    owner_url: str
    mine_url: str  # coach A's own role
    theirs_url: str


def _role_url(owner_url: str, role: coach_roles.NewCoachRole) -> str:
    return plain_libpq_url(make_url(owner_url).set(username=role.role, password=role.password))


@pytest.fixture
def secured(engine: Engine, db_url: str) -> Iterator[Secured]:
    world = two_coaches(engine, CLIP)
    secure.install(engine)
    mine = coach_roles.add_coach_role(engine, world.mine.email)
    theirs = coach_roles.add_coach_role(engine, world.theirs.email)
    try:
        yield Secured(world, db_url, _role_url(db_url, mine), _role_url(db_url, theirs))
    finally:
        # Roles are cluster-wide: never leave one behind for the next database.
        for role in coach_roles.list_coach_roles(engine):
            coach_roles.remove_coach_role(engine, role.role)
        secure.remove(engine)


# The table, and which of a coach's ids are that table's rows.
OWN_ROWS: dict[str, tuple[str, ...]] = {
    "users": ("coach", "student", "group_student"),
    "exercises": ("exercise",),
    "favorite_exercises": ("favourite",),
    "groups": ("group",),
    "group_members": ("group_member",),
    "programs": ("program",),
    "program_blocks": ("block",),
    "weeks": ("week",),
    "sessions": ("session",),
    "session_exercises": ("session_exercise",),
    "program_assignments": ("assignment",),
    "program_audit": ("audit",),
    "notifications": ("notification",),
    "session_progress": ("progress",),
    "exercise_media": ("media",),
    "gbf_desktop.clip_reviews": ("review",),
    "gbf_desktop.clip_annotations": ("annotation",),
}


def test_every_covered_table_is_in_the_isolation_test() -> None:
    covered = {r.table if r.schema == "public" else f"{r.schema}.{r.table}" for r in secure.RULES}
    assert covered == set(OWN_ROWS)


def test_every_table_of_the_desktops_own_schema_has_rules() -> None:
    # A new desktop table without rules would be out of a coach role's reach (no grant): the
    # feature using it would fail for every coach signed in that way.
    from gbf_desktop.db.models import DESKTOP_SCHEMA, Base

    own = {t.name for t in Base.metadata.tables.values() if t.schema == DESKTOP_SCHEMA}
    assert own
    assert own <= {r.table for r in secure.RULES if r.schema == secure.SCHEMA}


def _ids(world: CoachWorld, table: str) -> list[str]:
    return [getattr(world, key) for key in OWN_ROWS[table]]


def _table(name: str) -> str:
    schema, _, table = name.rpartition(".")
    return f'{schema or "public"}."{table}"'


def test_the_other_coachs_rows_are_invisible_on_every_table(secured: Secured) -> None:
    mine, theirs = secured.world.mine, secured.world.theirs
    with psycopg.connect(secured.mine_url) as conn:
        for table in OWN_ROWS:
            wanted = _ids(mine, table) + _ids(theirs, table)
            seen = {
                row[0]
                for row in conn.execute(
                    f"SELECT id FROM {_table(table)} WHERE id = ANY(%s)",  # type: ignore[arg-type]
                    (wanted,),
                )
            }
            assert seen == set(_ids(mine, table)), table
        everything = conn.execute('SELECT count(*) FROM public.users WHERE "coachId" IS NULL')
        # Only the coach and the group student, not the other coach nor their group student.
        assert everything.fetchone() == (2,)
        shared = conn.execute("SELECT count(*) FROM exercises WHERE scope = 'global'").fetchone()
        assert shared == (1,)


def _inserts(mine: CoachWorld, theirs: CoachWorld) -> dict[str, tuple[str, tuple[Any, ...]]]:
    """For each table, an insert that would put a row into the other coach's world."""

    def new() -> str:
        return str(uuid.uuid4())

    return {
        "users": (
            'INSERT INTO users (id, email, pseudo, password, role, "coachId", "updatedAt") '
            "VALUES (%s, 'x@example.org', 'x', 'x', 'student', %s, now())",
            (new(), theirs.coach),
        ),
        "exercises": (
            'INSERT INTO exercises (id, name, type, scope, "ownerId", "updatedAt") '
            "VALUES (%s, 'Planted', 'standard', 'global', %s, now())",
            (new(), mine.coach),
        ),
        "favorite_exercises": (
            'INSERT INTO favorite_exercises (id, "userId", "exerciseId") VALUES (%s, %s, %s)',
            (new(), mine.coach, theirs.exercise),
        ),
        "groups": (
            'INSERT INTO groups (id, "ownerId", name, "updatedAt") VALUES (%s, %s, %s, now())',
            (new(), theirs.coach, "Planted"),
        ),
        "group_members": (
            'INSERT INTO group_members (id, "groupId", "userId") VALUES (%s, %s, %s)',
            (new(), mine.group, theirs.student),
        ),
        "programs": (
            'INSERT INTO programs (id, title, "coachId", "updatedAt") VALUES (%s, %s, %s, now())',
            (new(), "Planted", theirs.coach),
        ),
        "program_blocks": (
            'INSERT INTO program_blocks (id, "programId", position) VALUES (%s, %s, 9)',
            (new(), theirs.program),
        ),
        "weeks": (
            'INSERT INTO weeks (id, "blockId", "weekNumber", position) VALUES (%s, %s, 9, 9)',
            (new(), theirs.block),
        ),
        "sessions": (
            'INSERT INTO sessions (id, "weekId", position) VALUES (%s, %s, 9)',
            (new(), theirs.week),
        ),
        "session_exercises": (
            # Into the coach's own session, but with the other coach's private exercise.
            'INSERT INTO session_exercises (id, "sessionId", "exerciseId", position) '
            "VALUES (%s, %s, %s, 9)",
            (new(), mine.session, theirs.exercise),
        ),
        "program_assignments": (
            'INSERT INTO program_assignments (id, "programId", "studentId") VALUES (%s, %s, %s)',
            (new(), mine.program, theirs.student),
        ),
        "program_audit": (
            'INSERT INTO program_audit (id, "programId", "changedBy", "changeType") '
            "VALUES (%s, %s, %s, 'update')",
            (new(), theirs.program, mine.coach),
        ),
        "notifications": (
            'INSERT INTO notifications (id, "userId", type) VALUES (%s, %s, %s)',
            (new(), theirs.student, "assignment"),
        ),
        "session_progress": (
            'INSERT INTO session_progress (id, "sessionId", "studentId", "updatedAt") '
            "VALUES (%s, %s, %s, now())",
            (new(), mine.session, theirs.student),
        ),
        "exercise_media": (
            'INSERT INTO exercise_media (id, "progressId", data, "mimeType", size) '
            "VALUES (%s, %s, 'x', 'video/mp4', 1)",
            (new(), theirs.progress),
        ),
        "gbf_desktop.clip_annotations": (
            'INSERT INTO gbf_desktop.clip_annotations (id, "mediaId", "coachId") '
            "VALUES (%s, %s, %s)",
            (new(), theirs.media, mine.coach),
        ),
        "gbf_desktop.clip_reviews": (
            'INSERT INTO gbf_desktop.clip_reviews (id, "mediaId", "reviewerId") '
            "VALUES (%s, %s, %s)",
            (new(), theirs.media, mine.coach),
        ),
    }


REFUSED = (pg_errors.InsufficientPrivilege,)  # RLS violations are this SQLSTATE class too


def test_the_other_coachs_rows_are_unwritable_on_every_table(
    secured: Secured, engine: Engine
) -> None:
    mine, theirs = secured.world.mine, secured.world.theirs
    before = all_fingerprints(engine)
    inserts = _inserts(mine, theirs)
    assert set(inserts) == set(OWN_ROWS)
    with psycopg.connect(secured.mine_url, autocommit=True) as conn:
        for table in OWN_ROWS:
            target = _ids(theirs, table)
            for statement in (
                f"UPDATE {_table(table)} SET id = id WHERE id = ANY(%s)",
                f"DELETE FROM {_table(table)} WHERE id = ANY(%s)",
            ):
                try:
                    changed = conn.execute(statement, (target,)).rowcount  # type: ignore[arg-type]
                except REFUSED:
                    changed = 0
                assert changed == 0, f"{statement} changed {changed} row(s)"
            sql, params = inserts[table]
            with pytest.raises(REFUSED):
                conn.execute(sql, params)  # type: ignore[arg-type]
    assert all_fingerprints(engine) == before


def _backend(url: str) -> tuple[Backend, Engine]:
    engine = build_engine(url)
    return Backend(lambda: SqlUnitOfWork(uow_factory(engine)), "test"), engine


def test_the_desktops_services_work_the_same_through_a_coach_role(
    secured: Secured, tmp_path: Path
) -> None:
    me = secured.world.mine
    owner, owner_engine = _backend(secured.owner_url)
    coach, coach_engine = _backend(secured.mine_url)
    try:
        assert coach.sign_in(me.email, PASSWORD).id == me.coach
        # Reads: the same values through either door.
        for read in (
            lambda b: b.dashboard(me.coach),
            lambda b: b.students(me.coach),
            lambda b: b.student_progress(me.coach, me.student),
            lambda b: b.clip_library(me.coach),
            lambda b: b.review_queue(me.coach),
            lambda b: b.attach_choices(me.coach),
            lambda b: b.programs(me.coach),
            lambda b: b.library(me.coach),
            lambda b: b.open_program(me.coach, me.program),
            lambda b: b.program_assignments(me.coach, me.program),
        ):
            assert read(coach) == read(owner)

        # Writes, each as the app makes them.
        assert coach.set_favourite(me.coach, me.global_exercise, True)
        assert not coach.set_favourite(me.coach, me.exercise, False)
        made = coach.create_exercise(me.coach, lib.ExerciseDraft(name="Coach role row"))
        coach.update_exercise(me.coach, made.id, lib.ExerciseDraft(name="Coach role row 2"))
        opened = coach.open_program(me.coach, me.program)
        session = opened.document.blocks[0].weeks[0].sessions[0]
        extra = ExerciseDoc(id=pe.fresh_id(), exercise_id=made.id, config={"sets": 3, "reps": 5})
        edited = pe.insert_node(opened.document, (0, 0, 0), len(session.exercises), extra)
        saved = coach.save_program(me.coach, opened, edited)
        assert saved.changes
        copy = coach.duplicate_program(me.coach, me.program)
        report = coach.assign_program(me.coach, copy.document.id, [me.student, me.group_student])
        assert len(report.assigned) == 2
        entry = ExerciseLog(exercise_id=me.global_exercise, position=1, status="skipped")
        logged = coach.student_progress(me.coach, me.student).logs[me.session]
        coach.log_session(
            me.coach, me.student, me.session, [entry], expected_updated_at=logged.updated_at
        )
        fresh = str(uuid.uuid4())
        with owner_engine.begin() as conn:  # a new clip, as a student's upload on the web
            conn.execute(
                text(
                    'INSERT INTO exercise_media (id, "progressId", data, "mimeType", size) '
                    "VALUES (:i, :p, :d, 'video/mp4', :n)"
                ),
                {"i": fresh, "p": me.progress, "d": CLIP, "n": len(CLIP)},
            )
        assert coach.mark_clip_reviewed(me.coach, fresh, "Knees out").media_id == fresh
        assert coach.clip_annotations(me.coach, me.media) == owner.clip_annotations(
            me.coach, me.media
        )
        drawn = coach.save_clip_bar_path(me.coach, me.media, {"path": [], "reps": []})
        assert drawn.bar_path == {"path": [], "reps": []}
        coach.save_clip_drawings(me.coach, fresh, [], 854, 480)
        exported = coach.export_clip(me.coach, me.media, tmp_path / "clip.mp4")
        assert exported.path.read_bytes() == CLIP
        view = coach.unassign(me.coach, report.assigned[1].assignment_id)
        assert view.student_id == me.group_student
        coach.delete_clip(me.coach, me.media)
        coach.delete_program(me.coach, copy.document.id)
        spare = coach.create_exercise(me.coach, lib.ExerciseDraft(name="Spare"))
        coach.delete_exercise(me.coach, spare.id)
        assert coach.clip_library(me.coach) == owner.clip_library(me.coach)
    finally:
        owner_engine.dispose()
        coach_engine.dispose()


def test_a_coach_role_reads_no_password_hash_and_signs_in_only_as_its_coach(
    secured: Secured,
) -> None:
    me, theirs = secured.world.mine, secured.world.theirs
    with psycopg.connect(secured.mine_url) as conn:
        # Every other column of the rows it reaches, as before...
        rows = conn.execute('SELECT id, email, pseudo, "coachId" FROM public.users').fetchall()
        assert {row[0] for row in rows} == {me.coach, me.student, me.group_student}
        # ...but not the hashes, not even its own, and not through `*`.
        for query in ("SELECT password FROM public.users", "SELECT * FROM public.users"):
            with pytest.raises(REFUSED):
                conn.execute(query)
            conn.rollback()
        # The one hash it may have is its own coach's, for signing in.
        own = conn.execute("SELECT gbf_desktop.my_password_hash()").fetchone()
        assert own is not None
        assert own[0].startswith("$2b$")
    coach, engine = _backend(secured.mine_url)
    try:
        assert coach.sign_in(me.email, PASSWORD).id == me.coach
        # The other coach's email with their right password: not through this coach's role.
        with pytest.raises(Exception, match="Email or password is not right"):
            coach.sign_in(theirs.email, PASSWORD)
        with pytest.raises(Exception, match="Email or password is not right"):
            coach.sign_in(me.email, "wrong password")
    finally:
        engine.dispose()


def test_db_check_flags_readable_hashes_and_columns_the_grant_misses(
    secured: Secured, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    # What the first `db secure` granted (the whole table), and a column the web adds later.
    with engine.begin() as conn:
        conn.execute(text(f"GRANT SELECT ON public.users TO {secure.GROUP_ROLE}"))
        conn.execute(text('ALTER TABLE public.users ADD COLUMN "nickname" text'))
    try:
        with engine.begin() as conn:
            conn.execute(text(f"REVOKE SELECT ON public.users FROM {secure.GROUP_ROLE}"))
            conn.execute(
                text(f"GRANT SELECT (id, email, password) ON public.users TO {secure.GROUP_ROLE}")
            )
        assert cli.main(["db", "check", "--database-url", secured.owner_url]) == cli.EXIT_FAILED
        out = capsys.readouterr().out
        assert "coach roles can read users.password" in out
        assert "coach roles cannot read users.pseudo" in out
        assert "users.nickname" in out
        secure.install(engine)
        # (The schema check reports the web's new column on its own line, as an error.)
        cli.main(["db", "check", "--database-url", secured.owner_url])
        assert "database-enforced isolation: complete" in capsys.readouterr().out
        with psycopg.connect(secured.mine_url) as conn:
            assert conn.execute("SELECT count(nickname) FROM public.users").fetchone() == (0,)
            with pytest.raises(REFUSED):
                conn.execute("SELECT password FROM public.users")
    finally:
        with engine.begin() as conn:
            conn.execute(text('ALTER TABLE public.users DROP COLUMN "nickname"'))


def test_a_review_is_written_through_a_coach_role(secured: Secured) -> None:
    me, theirs = secured.world.mine, secured.world.theirs
    coach, engine = _backend(secured.theirs_url)
    try:
        # The other coach's own clip has their review already: a second is a conflict...
        with pytest.raises(Exception, match="already reviewed"):
            coach.mark_clip_reviewed(theirs.coach, theirs.media, "again")
        # ...and this coach's clip is not theirs to review, by the database's rules too.
        with pytest.raises(Exception, match="not from one of your students"):
            coach.mark_clip_reviewed(theirs.coach, me.media, "sneaky")
    finally:
        engine.dispose()


def test_db_check_flags_a_dropped_policy_and_coach_roles_then_see_nothing(
    secured: Secured, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["db", "check", "--database-url", secured.owner_url]) == cli.EXIT_OK
    assert "database-enforced isolation: complete" in capsys.readouterr().out

    # What a web `db push` that drops unknown policies would leave: row security still on.
    with engine.begin() as conn:
        conn.execute(text('DROP POLICY "gbf_coach_select" ON public.exercises'))
    assert cli.main(["db", "check", "--database-url", secured.owner_url]) == cli.EXIT_FAILED
    out = capsys.readouterr().out
    assert "INCOMPLETE" in out
    assert "exercises.gbf_coach_select" in out
    assert "gbf-desktop db secure --database-url ADMIN_URL" in out
    with psycopg.connect(secured.mine_url) as conn:
        assert conn.execute("SELECT count(*) FROM exercises").fetchone() == (0,)  # closed

    secure.install(engine)
    assert cli.main(["db", "check", "--database-url", secured.owner_url]) == cli.EXIT_OK
    with psycopg.connect(secured.mine_url) as conn:
        assert conn.execute("SELECT count(*) FROM exercises").fetchone() == (2,)


KEY_COLUMNS = re.compile(r"^(id|[a-z]+Id|changedBy|scope)$")


def test_policies_name_only_key_columns_so_the_web_can_change_the_others(
    secured: Secured, engine: Engine
) -> None:
    with engine.begin() as conn:
        named = conn.execute(
            text(
                "SELECT DISTINCT c.relname, a.attname FROM pg_depend d "
                "JOIN pg_policy p ON p.oid = d.objid "
                "JOIN pg_class c ON c.oid = d.refobjid "
                "JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
                "WHERE d.classid = 'pg_policy'::regclass AND d.refobjsubid <> 0"
            )
        ).all()
        assert named, "the dependency query found nothing: it checks nothing"
        assert [(t, c) for t, c in named if not KEY_COLUMNS.match(c)] == []
        # What a web release might do to data columns while the policies are on.
        conn.execute(text("ALTER TABLE public.programs ALTER COLUMN title TYPE varchar(300)"))
        conn.execute(text("ALTER TABLE public.session_progress ALTER COLUMN notes TYPE varchar"))
        conn.execute(text("ALTER TABLE public.exercise_media ALTER COLUMN size TYPE bigint"))


def test_secure_remove_takes_everything_off_and_keeps_the_roles(
    secured: Secured, engine: Engine
) -> None:
    secure.remove(engine)
    with engine.connect() as conn:
        report = secure.check(conn)
        assert not report.installed
        assert (
            conn.execute(
                text("SELECT count(*) FROM pg_policies WHERE policyname LIKE 'gbf_coach_%'")
            ).scalar_one()
            == 0
        )
    assert len(coach_roles.list_coach_roles(engine)) == 2
    with psycopg.connect(secured.mine_url) as conn, pytest.raises(REFUSED):
        conn.execute("SELECT count(*) FROM exercise_media")
    secure.install(engine)
    with psycopg.connect(secured.mine_url) as conn:
        assert conn.execute("SELECT count(*) FROM exercise_media").fetchone() == (1,)


def test_coach_role_commands(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    world = two_coaches(engine, CLIP)
    assert cli.main(["db", "coach-role", "add", world.mine.email, "--database-url", db_url]) == 1
    assert "db secure" in capsys.readouterr().err
    assert cli.main(["db", "secure", "--database-url", db_url]) == cli.EXIT_OK
    try:
        assert (
            cli.main(["db", "coach-role", "add", world.mine.email, "--database-url", db_url]) == 0
        )
        out = capsys.readouterr().out
        role = out.split("created the role ", 1)[1].split()[0]
        password = out.split("shown once, store it now): ", 1)[1].strip()
        assert len(password) >= 24
        with psycopg.connect(
            plain_libpq_url(make_url(db_url).set(username=role, password=password))
        ) as conn:
            assert conn.execute("SELECT gbf_desktop.me()").fetchone() == (world.mine.coach,)
        assert cli.main(["db", "coach-role", "list", "--database-url", db_url]) == 0
        listed = capsys.readouterr().out
        assert role in listed
        assert world.mine.email in listed
        assert password not in listed
        assert cli.main(["db", "coach-role", "add", "nobody@example.org", "--database-url",
                         db_url]) == 1  # fmt: skip
        assert "No coach has the email" in capsys.readouterr().err
        assert cli.main(["db", "coach-role", "remove", world.mine.email, "--database-url",
                         db_url]) == 0  # fmt: skip
        with engine.connect() as conn:
            assert (
                conn.execute(
                    text("SELECT count(*) FROM pg_roles WHERE rolname = :r"), {"r": role}
                ).scalar_one()
                == 0
            )
    finally:
        for left in coach_roles.list_coach_roles(engine):
            coach_roles.remove_coach_role(engine, left.role)
        secure.remove(engine)


def test_coach_role_add_to_the_keyring(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import keyring
    from keyring.backends import fail

    from gbf_desktop.connections import parse_url, stored_password
    from tests.keyring_backends import MemoryKeyring

    world = two_coaches(engine, CLIP)
    secure.install(engine)
    previous = keyring.get_keyring()
    try:
        keyring.set_keyring(fail.Keyring())
        args = ["db", "coach-role", "add", world.mine.email, "--keyring", "--database-url", db_url]
        assert cli.main(args) == cli.EXIT_FAILED
        assert "No role was created" in capsys.readouterr().err
        assert coach_roles.list_coach_roles(engine) == []

        keyring.set_keyring(MemoryKeyring())
        assert cli.main(args) == cli.EXIT_OK
        out = capsys.readouterr().out
        role = coach_roles.list_coach_roles(engine)[0].role
        assert f"created the role {role}" in out
        url = out.split("connect with: gbf-desktop --database-url ", 1)[1].strip()
        target, password = parse_url(url)
        assert password is None
        assert target.user == role
        saved = stored_password(target)
        assert saved is not None
        assert saved not in out
        with psycopg.connect(
            plain_libpq_url(make_url(db_url).set(username=role, password=saved))
        ) as conn:
            assert conn.execute("SELECT gbf_desktop.me()").fetchone() == (world.mine.coach,)
    finally:
        keyring.set_keyring(previous)
        for left in coach_roles.list_coach_roles(engine):
            coach_roles.remove_coach_role(engine, left.role)
        secure.remove(engine)


def test_a_login_that_may_not_read_hashes_without_db_secure_gets_told_what_to_do(
    engine: Engine,
) -> None:
    from sqlalchemy.orm import Session

    from gbf_desktop.db.repositories import SqlUserRepository
    from gbf_desktop.errors import AuthError

    world = two_coaches(engine, CLIP)
    with engine.connect() as conn, conn.begin() as transaction:
        # A login a DBA limited by hand, on a database without `db secure`; CREATE ROLE is
        # transactional, so the rollback takes it away again.
        conn.execute(text("CREATE ROLE gbf_test_limited NOLOGIN"))
        conn.execute(text("GRANT USAGE ON SCHEMA public TO gbf_test_limited"))
        conn.execute(text("GRANT SELECT (id, email) ON public.users TO gbf_test_limited"))
        conn.execute(text("SET ROLE gbf_test_limited"))
        with Session(bind=conn) as session, pytest.raises(AuthError) as refused:
            SqlUserRepository(session).credentials_by_email(world.mine.email)
        assert "may not read the platform's passwords" in str(refused.value)
        assert "db coach-role add" in (refused.value.hint or "")
        transaction.rollback()
