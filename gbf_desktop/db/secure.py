"""Isolation enforced by the database (opt-in): row-level security for coaches' own roles.

`install` (the `db secure` command) creates a group role holding only the grants the desktop
needs, and one policy per table and command letting a member see and change only their students'
user rows, logs and clips, their own and the global exercises, their programs and assignments.
Each coach signs in through a login role of their own (`db coach-role add`), a member of the group,
mapped to their `users` row in `gbf_desktop.coach_roles`.

Design choices, and why:

- **The web backend is not affected**: it owns the tables, and row security does not apply to a
  table's owner unless FORCE is set, which is never done here.
- **Policies name no column.** A policy that names a column makes PostgreSQL refuse to change that
  column's type, so a future web release's `prisma db push` could stop at start. Every policy
  passes the whole row to a function in `gbf_desktop` (`gbf_desktop.read_users(users)`); a
  whole-row reference depends on the table, not on a column, so column changes go through.
- **The functions are SECURITY DEFINER** (owned by the admin who ran `db secure`, who owns the
  tables): their lookups in other tables (is this user one of my students? is this block in one of
  my programs?) are not themselves filtered, so policies never recurse. Their search_path is pinned.
- **Who is asking** is `session_user`, the login role: `SET ROLE` to the group changes nothing,
  and a coach is no member of another coach's role.
- **Closed, not open**: if the web's `db push` drops the policies while row security stays on,
  coach roles see nothing; `check` says so and names the command to run.

Nothing here touches rows. `remove` takes every policy and function off (for a web upgrade) and
keeps the coach roles and their mapping, so `install` afterwards restores everything.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from gbf_desktop.errors import KnownError

SCHEMA = "gbf_desktop"
GROUP_ROLE = "gbf_desktop_coach"
MAPPING = f"{SCHEMA}.coach_roles"
POLICY_PREFIX = "gbf_coach_"
ROLE_PREFIX = "gbf_coach_"


class SecureError(KnownError):
    """`db secure` or `db coach-role` cannot do what was asked; nothing was changed."""


# --- what the desktop may do, table by table ---------------------------------------------------


@dataclass(frozen=True)
class TableRule:
    schema: str
    table: str
    # Commands granted to the group role, among SELECT, INSERT, UPDATE, DELETE.
    commands: tuple[str, ...]
    # Body of the read check, over the row `r`; `write` the same for writes (None: no writes).
    read: str
    write: str | None = None

    @property
    def qualified(self) -> str:
        return f'{self.schema}."{self.table}"'

    def function(self, kind: str) -> str:
        return f"{SCHEMA}.{kind}_{self.table}"


# Each body is SQL over `r`, the row being read or written, and `me`, the coach's user id.
_PROGRAM_OF_BLOCK = '(SELECT b."programId" FROM public.program_blocks b WHERE b.id = {})'
_PROGRAM_OF_WEEK = (
    '(SELECT b."programId" FROM public.weeks w JOIN public.program_blocks b ON b.id = w."blockId"'
    " WHERE w.id = {})"
)
_PROGRAM_OF_SESSION = (
    '(SELECT b."programId" FROM public.sessions s JOIN public.weeks w ON w.id = s."weekId"'
    ' JOIN public.program_blocks b ON b.id = w."blockId" WHERE s.id = {})'
)
_BLOCK_PROGRAM = _PROGRAM_OF_BLOCK.format('r."blockId"')
_WEEK_PROGRAM = _PROGRAM_OF_WEEK.format('r."weekId"')
_SESSION_PROGRAM = _PROGRAM_OF_SESSION.format('r."sessionId"')
_EXERCISE_VISIBLE = (
    "EXISTS (SELECT 1 FROM public.exercises e WHERE e.id = {} AND "
    "(e.scope = 'global' OR (e.scope = 'coach' AND e.\"ownerId\" = me)))"
)

RULES: tuple[TableRule, ...] = (
    TableRule(
        "public", "users", ("SELECT",), read=f"r.id = me OR {SCHEMA}.is_student_of(r.id, me)"
    ),
    TableRule(
        "public",
        "exercises",
        ("SELECT", "INSERT", "UPDATE", "DELETE"),
        read="r.scope = 'global' OR (r.scope = 'coach' AND r.\"ownerId\" = me)",
        write="r.scope = 'coach' AND r.\"ownerId\" = me",
    ),
    TableRule(
        "public",
        "favorite_exercises",
        ("SELECT", "INSERT", "DELETE"),
        read='r."userId" = me',
        write='r."userId" = me AND ' + _EXERCISE_VISIBLE.format('r."exerciseId"'),
    ),
    TableRule("public", "groups", ("SELECT",), read='r."ownerId" = me'),
    TableRule(
        "public",
        "group_members",
        ("SELECT",),
        read='EXISTS (SELECT 1 FROM public.groups g WHERE g.id = r."groupId" AND g."ownerId" = me)',
    ),
    TableRule(
        "public",
        "programs",
        ("SELECT", "INSERT", "UPDATE", "DELETE"),
        read=f"{SCHEMA}.program_readable(r.id, me)",
        write='r."coachId" = me',
    ),
    TableRule(
        "public",
        "program_blocks",
        ("SELECT", "INSERT", "UPDATE", "DELETE"),
        read=f'{SCHEMA}.program_readable(r."programId", me)',
        write=f'{SCHEMA}.program_mine(r."programId", me)',
    ),
    TableRule(
        "public",
        "weeks",
        ("SELECT", "INSERT", "UPDATE", "DELETE"),
        read=f"{SCHEMA}.program_readable({_BLOCK_PROGRAM}, me)",
        write=f"{SCHEMA}.program_mine({_BLOCK_PROGRAM}, me)",
    ),
    TableRule(
        "public",
        "sessions",
        ("SELECT", "INSERT", "UPDATE", "DELETE"),
        read=f"{SCHEMA}.program_readable({_WEEK_PROGRAM}, me)",
        write=f"{SCHEMA}.program_mine({_WEEK_PROGRAM}, me)",
    ),
    TableRule(
        "public",
        "session_exercises",
        ("SELECT", "INSERT", "UPDATE", "DELETE"),
        read=f"{SCHEMA}.program_readable({_SESSION_PROGRAM}, me)",
        # Only exercises of the coach's library go into their programs.
        write=f"{SCHEMA}.program_mine({_SESSION_PROGRAM}, me) AND "
        + _EXERCISE_VISIBLE.format('r."exerciseId"'),
    ),
    TableRule(
        "public",
        "program_assignments",
        ("SELECT", "INSERT", "DELETE"),
        read=f'{SCHEMA}.program_mine(r."programId", me) OR '
        f'{SCHEMA}.is_student_of(r."studentId", me)',
        write=f'{SCHEMA}.program_mine(r."programId", me) AND '
        f'{SCHEMA}.is_student_of(r."studentId", me)',
    ),
    TableRule(
        "public",
        "program_audit",
        ("SELECT", "INSERT"),
        read=f'{SCHEMA}.program_readable(r."programId", me)',
        write=f'{SCHEMA}.program_mine(r."programId", me) AND r."changedBy" = me',
    ),
    TableRule(
        "public",
        "notifications",
        ("SELECT", "INSERT"),
        read=f'r."userId" = me OR {SCHEMA}.is_student_of(r."userId", me)',
        write=f'{SCHEMA}.is_student_of(r."userId", me)',
    ),
    TableRule(
        "public",
        "session_progress",
        ("SELECT", "INSERT", "UPDATE"),
        read=f'{SCHEMA}.is_student_of(r."studentId", me)',
        write=f'{SCHEMA}.is_student_of(r."studentId", me)',
    ),
    TableRule(
        "public",
        "exercise_media",
        ("SELECT", "INSERT", "DELETE"),
        read=f'{SCHEMA}.progress_readable(r."progressId", me)',
        write=f'{SCHEMA}.progress_readable(r."progressId", me)',
    ),
    TableRule(
        SCHEMA,
        "clip_annotations",
        # Saved with INSERT … ON CONFLICT DO UPDATE, which needs all three.
        ("SELECT", "INSERT", "UPDATE"),
        read=f'r."coachId" = me AND {SCHEMA}.media_readable(r."mediaId", me)',
        write=f'r."coachId" = me AND {SCHEMA}.media_readable(r."mediaId", me)',
    ),
    TableRule(
        SCHEMA,
        "clip_reviews",
        ("SELECT", "INSERT"),
        read=f'{SCHEMA}.media_readable(r."mediaId", me)',
        write=f'r."reviewerId" = me AND {SCHEMA}.media_readable(r."mediaId", me)',
    ),
)

# Tables the group may read without row filtering: the schema version only.
READ_ONLY_PLAIN = (f"{SCHEMA}.alembic_version",)

_DEFINER = "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public"

# Helpers the table checks share; `me` is passed in so it is looked up once per row check.
_HELPERS = (
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.me() RETURNS text {_DEFINER} AS $$
        SELECT user_id FROM {MAPPING} WHERE role_name = session_user::text
    $$""",
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.is_student_of(uid text, me text) RETURNS boolean
        {_DEFINER} AS $$
        SELECT EXISTS (
            SELECT 1 FROM public.users u
            WHERE u.id = uid AND u.role = 'student' AND (
                u."coachId" = me OR EXISTS (
                    SELECT 1 FROM public.group_members gm
                    JOIN public.groups g ON g.id = gm."groupId"
                    WHERE gm."userId" = u.id AND g."ownerId" = me)))
    $$""",
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.program_mine(pid text, me text) RETURNS boolean
        {_DEFINER} AS $$
        SELECT EXISTS (SELECT 1 FROM public.programs p WHERE p.id = pid AND p."coachId" = me)
    $$""",
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.program_readable(pid text, me text) RETURNS boolean
        {_DEFINER} AS $$
        SELECT {SCHEMA}.program_mine(pid, me) OR EXISTS (
            SELECT 1 FROM public.program_assignments a
            WHERE a."programId" = pid AND {SCHEMA}.is_student_of(a."studentId", me))
    $$""",
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.progress_readable(prid text, me text) RETURNS boolean
        {_DEFINER} AS $$
        SELECT EXISTS (
            SELECT 1 FROM public.session_progress sp
            WHERE sp.id = prid AND {SCHEMA}.is_student_of(sp."studentId", me))
    $$""",
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.media_readable(mid text, me text) RETURNS boolean
        {_DEFINER} AS $$
        SELECT EXISTS (
            SELECT 1 FROM public.exercise_media m
            WHERE m.id = mid AND {SCHEMA}.progress_readable(m."progressId", me))
    $$""",
)
HELPER_NAMES = (
    "me",
    "is_student_of",
    "program_mine",
    "program_readable",
    "progress_readable",
    "media_readable",
)


def _check_function(rule: TableRule, kind: str, body: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION {rule.function(kind)}(r {rule.qualified})
        RETURNS boolean {_DEFINER} AS $$
        SELECT coalesce(({body}), false)
        FROM (SELECT {SCHEMA}.me() AS me) AS who
    $$"""


@dataclass(frozen=True)
class Policy:
    rule: TableRule
    command: str

    @property
    def name(self) -> str:
        return f"{POLICY_PREFIX}{self.command.lower()}"

    def create(self) -> str:
        row = f'"{self.rule.table}"'
        read = f"{self.rule.function('read')}({row})"
        write = f"{self.rule.function('write')}({row})"
        clause = {
            "SELECT": f"USING ({read})",
            "INSERT": f"WITH CHECK ({write})",
            "UPDATE": f"USING ({write}) WITH CHECK ({write})",
            "DELETE": f"USING ({write})",
        }[self.command]
        return (
            f'CREATE POLICY "{self.name}" ON {self.rule.qualified} AS PERMISSIVE '
            f"FOR {self.command} TO {GROUP_ROLE} {clause}"
        )


def expected_policies() -> tuple[Policy, ...]:
    return tuple(Policy(rule, command) for rule in RULES for command in rule.commands)


# --- install and remove ------------------------------------------------------------------------


def _ddl(connection: Connection, statement: str) -> None:
    # Straight to the driver: DDL bodies hold `::` casts and SCRAM verifiers hold `:`, which
    # SQLAlchemy's text() would take for bind parameters.
    connection.exec_driver_sql(statement)


def _role_exists(connection: Connection, name: str) -> bool:
    found = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
    return found.first() is not None


def _check_admin(connection: Connection) -> None:
    """The one who installs policies must own the tables (or be a superuser)."""
    row = connection.execute(
        text(
            "SELECT r.rolsuper, pg_has_role(current_user, t.tableowner, 'USAGE') AS owns, "
            "t.tableowner FROM pg_roles r, pg_tables t "
            "WHERE r.rolname = current_user AND t.schemaname = 'public' AND t.tablename = 'users'"
        )
    ).first()
    if row is None:
        raise SecureError(
            "This database has no GoBeyondFit tables.",
            hint="Point --database-url at the platform's database.",
        )
    if not (row.rolsuper or row.owns):
        raise SecureError(
            f"The tables belong to the role {row.tableowner!r}; this URL signs in as another one.",
            hint="Run `db secure` with the URL of the role that owns the tables (the web "
            "backend's) or of a superuser.",
        )


def _ensure_mapping(connection: Connection) -> None:
    _ddl(connection, f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"')
    connection.execute(
        text(
            f"CREATE TABLE IF NOT EXISTS {MAPPING} ("
            " role_name text PRIMARY KEY,"
            " user_id text NOT NULL UNIQUE REFERENCES public.users(id) ON DELETE CASCADE,"
            ' "createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP)'
        )
    )


def install(engine: Engine) -> list[str]:
    """Create (or re-create) the group role, its grants, the functions and the policies."""
    lines = []
    with engine.begin() as connection:
        _check_admin(connection)
        _ensure_mapping(connection)
        if not _role_exists(connection, GROUP_ROLE):
            _ddl(connection, f"CREATE ROLE {GROUP_ROLE} NOLOGIN")
            lines.append(f"created the group role {GROUP_ROLE}")
        _drop_policies_and_functions(connection)
        _ddl(connection, f"GRANT USAGE ON SCHEMA public, {SCHEMA} TO {GROUP_ROLE}")
        for statement in _HELPERS:
            _ddl(connection, statement)
        present = _present_rules(connection)
        for rule in RULES:
            if rule not in present:
                lines.append(f"skipped {rule.qualified}: not in this database (run `db upgrade`)")
                continue
            _ddl(connection, f"REVOKE ALL ON {rule.qualified} FROM {GROUP_ROLE}")
            connection.execute(
                text(f"GRANT {', '.join(rule.commands)} ON {rule.qualified} TO {GROUP_ROLE}")
            )
            _ddl(connection, _check_function(rule, "read", rule.read))
            _ddl(connection, _check_function(rule, "write", rule.write or "false"))
            _ddl(connection, f"ALTER TABLE {rule.qualified} ENABLE ROW LEVEL SECURITY")
        for policy in expected_policies():
            if policy.rule in present:
                _ddl(connection, policy.create())
        for table in READ_ONLY_PLAIN:
            _ddl(connection, f"GRANT SELECT ON {table} TO {GROUP_ROLE}")
        # The functions are the group's to call, nobody else's (PUBLIC may execute by default).
        for name in _all_function_signatures(connection):
            _ddl(connection, f"REVOKE ALL ON FUNCTION {name} FROM PUBLIC")
            _ddl(connection, f"GRANT EXECUTE ON FUNCTION {name} TO {GROUP_ROLE}")
    lines.append(
        f"row-level security on {len(RULES)} tables, {len(expected_policies())} policies, "
        f"for members of {GROUP_ROLE}; the tables' owner (the web backend) is not affected"
    )
    lines.append("add a coach's role with `gbf-desktop db coach-role add EMAIL`")
    return lines


def _present_rules(connection: Connection) -> list[TableRule]:
    """The rules whose table exists (a database behind the latest revision lacks newer ones)."""
    return [
        rule
        for rule in RULES
        if connection.execute(text("SELECT to_regclass(:t)"), {"t": rule.qualified}).scalar()
    ]


def _all_function_signatures(connection: Connection) -> list[str]:
    rows = connection.execute(
        text(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = :s AND (p.proname = ANY(:helpers) "
            "OR p.proname LIKE 'read\\_%' OR p.proname LIKE 'write\\_%')"
        ),
        {"s": SCHEMA, "helpers": list(HELPER_NAMES)},
    ).scalars()
    return list(rows)


def _drop_policies_and_functions(connection: Connection) -> None:
    for rule in _present_rules(connection):
        for command in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            name = Policy(rule, command).name
            _ddl(connection, f'DROP POLICY IF EXISTS "{name}" ON {rule.qualified}')
    for signature in _all_function_signatures(connection):
        _ddl(connection, f"DROP FUNCTION IF EXISTS {signature}")


def remove(engine: Engine) -> list[str]:
    """Take every policy, function and grant off, and row security with them; keep the roles.

    Run before upgrading the web platform (its `db push` may need to change a column), then
    `install` again after.
    """
    with engine.begin() as connection:
        _check_admin(connection)
        _drop_policies_and_functions(connection)
        for rule in _present_rules(connection):
            _ddl(connection, f"ALTER TABLE {rule.qualified} DISABLE ROW LEVEL SECURITY")
            if _role_exists(connection, GROUP_ROLE):
                _ddl(connection, f"REVOKE ALL ON {rule.qualified} FROM {GROUP_ROLE}")
        if _role_exists(connection, GROUP_ROLE):
            for table in READ_ONLY_PLAIN:
                _ddl(connection, f"REVOKE ALL ON {table} FROM {GROUP_ROLE}")
    return [
        "row-level security, its policies and the coach roles' grants are removed; "
        "coach roles stay (they can reach nothing until `db secure` runs again)"
    ]


# --- check -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SecurityReport:
    installed: bool  # any trace of `db secure`: the group role with grants, a policy, a function
    missing_policies: tuple[str, ...]
    rls_off: tuple[str, ...]
    missing_functions: tuple[str, ...]
    coach_roles: int

    @property
    def complete(self) -> bool:
        return not (self.missing_policies or self.rls_off or self.missing_functions)

    @property
    def ok(self) -> bool:
        """Not installed (it is optional) or installed completely."""
        return not self.installed or self.complete

    def lines(self) -> list[str]:
        if not self.installed:
            return [
                "database-enforced isolation: not installed (optional: "
                "`gbf-desktop db secure --database-url ADMIN_URL`)"
            ]
        if self.complete:
            return [
                f"database-enforced isolation: complete ({len(expected_policies())} policies, "
                f"{self.coach_roles} coach role(s))"
            ]
        lines = ["database-enforced isolation: INCOMPLETE"]
        if self.missing_policies:
            lines.append(
                f"  {len(self.missing_policies)} policies missing: "
                + ", ".join(self.missing_policies[:8])
                + (" …" if len(self.missing_policies) > 8 else "")
            )
            lines.append(
                "  coach roles see nothing in those tables (row security stays on); the web "
                "platform's `db push` may have removed the policies"
            )
        if self.rls_off:
            lines.append(
                "  row security is OFF on " + ", ".join(self.rls_off) + ": coach roles reach "
                "every row of it"
            )
        if self.missing_functions:
            lines.append("  policy functions missing: " + ", ".join(self.missing_functions))
        lines.append("  run `gbf-desktop db secure --database-url ADMIN_URL` to restore them")
        return lines


def check(connection: Connection) -> SecurityReport:
    """Which of the expected policies, functions and row-security switches are in place."""
    policies = {
        (schema, table, name)
        for schema, table, name in connection.execute(
            text("SELECT schemaname, tablename, policyname FROM pg_policies")
        ).all()
    }
    rls = {
        (schema, table): enabled
        for schema, table, enabled in connection.execute(
            text(
                "SELECT n.nspname, c.relname, c.relrowsecurity FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r'"
            )
        ).all()
    }
    functions = set(
        connection.execute(
            text(
                "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = :s"
            ),
            {"s": SCHEMA},
        ).scalars()
    )
    # A table this database does not have yet is the schema check's to report, not this one's.
    present = _present_rules(connection)
    wanted_functions = [*HELPER_NAMES] + [
        f"{kind}_{rule.table}" for rule in present for kind in ("read", "write")
    ]
    missing_policies = tuple(
        f"{p.rule.table}.{p.name}"
        for p in expected_policies()
        if p.rule in present and (p.rule.schema, p.rule.table, p.name) not in policies
    )
    rls_off = tuple(r.table for r in RULES if rls.get((r.schema, r.table)) is False)
    missing_functions = tuple(f for f in wanted_functions if f not in functions)
    ours = any(name.startswith(POLICY_PREFIX) for _, _, name in policies)
    installed = (
        ours
        or bool(set(wanted_functions) & functions)
        or any(rls.get((r.schema, r.table)) for r in RULES)
    )
    roles = 0
    if _mapping_exists(connection):
        roles = connection.execute(text(f"SELECT count(*) FROM {MAPPING}")).scalar_one()
    return SecurityReport(
        installed=installed,
        missing_policies=missing_policies if installed else (),
        rls_off=rls_off if installed else (),
        missing_functions=missing_functions if installed else (),
        coach_roles=roles,
    )


def _mapping_exists(connection: Connection) -> bool:
    return connection.execute(text("SELECT to_regclass(:t)"), {"t": MAPPING}).scalar() is not None


# --- coach roles -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoachRole:
    role: str
    user_id: str
    email: str
    name: str
    can_login: bool


@dataclass(frozen=True)
class NewCoachRole:
    role: str
    email: str
    password: str


def _role_name(email: str) -> str:
    local = re.sub(r"[^a-z0-9]+", "_", email.split("@", 1)[0].lower()).strip("_")[:24] or "coach"
    # Roles are cluster-wide: a short random tail keeps two databases' coaches apart.
    return f"{ROLE_PREFIX}{local}_{secrets.token_hex(3)}"


def _scram_verifier(connection: Connection, role: str, password: str) -> str:
    """The password as a SCRAM verifier made on this side: the clear text never reaches the
    server, so no statement log or pg_stat_activity ever shows it."""
    dbapi = connection.connection.dbapi_connection
    pgconn = dbapi.pgconn  # type: ignore[union-attr]  # psycopg 3's libpq wrapper
    verifier: bytes = pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256")
    return verifier.decode()


def add_coach_role(engine: Engine, email: str) -> NewCoachRole:
    """A login role for the coach with this email, member of the group; its password is new."""
    with engine.begin() as connection:
        _check_admin(connection)
        if not _role_exists(connection, GROUP_ROLE) or not _mapping_exists(connection):
            raise SecureError(
                "Database-enforced isolation is not installed here.",
                hint="Run `gbf-desktop db secure --database-url ADMIN_URL` first.",
            )
        user = connection.execute(
            text(
                "SELECT id, email, role::text AS role FROM public.users "
                "WHERE lower(email) = lower(:e)"
            ),
            {"e": email.strip()},
        ).first()
        if user is None or user.role != "coach":
            raise SecureError(
                f"No coach has the email {email.strip()!r}.",
                hint="Check the spelling; only users with the coach role get a coach role.",
            )
        existing = connection.execute(
            text(f"SELECT role_name FROM {MAPPING} WHERE user_id = :u"), {"u": user.id}
        ).scalar()
        if existing is not None:
            raise SecureError(
                f"{user.email} already has the role {existing}.",
                hint=f"Remove it first with `gbf-desktop db coach-role remove {user.email}`.",
            )
        role = _role_name(user.email)
        password = secrets.token_urlsafe(24)
        verifier = _scram_verifier(connection, role, password)
        _ddl(
            connection,
            f"CREATE ROLE {role} LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE "
            f"IN ROLE {GROUP_ROLE} PASSWORD '{verifier.replace(chr(39), '')}'",
        )
        connection.execute(
            text(f"INSERT INTO {MAPPING} (role_name, user_id) VALUES (:r, :u)"),
            {"r": role, "u": user.id},
        )
    return NewCoachRole(role=role, email=user.email, password=password)


def list_coach_roles(engine: Engine) -> list[CoachRole]:
    with engine.connect() as connection:
        if not _mapping_exists(connection):
            return []
        rows = connection.execute(
            text(
                f"SELECT c.role_name, c.user_id, u.email, "
                "coalesce(nullif(trim(concat_ws(' ', u.\"firstName\", u.\"lastName\")), ''),"
                " u.pseudo) AS name, coalesce(r.rolcanlogin, false) AS can_login "
                f"FROM {MAPPING} c JOIN public.users u ON u.id = c.user_id "
                "LEFT JOIN pg_roles r ON r.rolname = c.role_name ORDER BY u.email"
            )
        ).all()
    return [CoachRole(r.role_name, r.user_id, r.email, r.name, r.can_login) for r in rows]


def remove_coach_role(engine: Engine, email_or_role: str) -> str:
    """Drop the coach's login role and its mapping; returns the role's name."""
    key = email_or_role.strip()
    with engine.begin() as connection:
        _check_admin(connection)
        if not _mapping_exists(connection):
            raise SecureError("No coach role exists in this database.")
        role = connection.execute(
            text(
                f"SELECT c.role_name FROM {MAPPING} c JOIN public.users u ON u.id = c.user_id "
                "WHERE lower(u.email) = lower(:k) OR c.role_name = :k"
            ),
            {"k": key},
        ).scalar()
        if role is None:
            raise SecureError(
                f"No coach role matches {key!r}.",
                hint="`gbf-desktop db coach-role list` shows them.",
            )
        connection.execute(text(f"DELETE FROM {MAPPING} WHERE role_name = :r"), {"r": role})
        if _role_exists(connection, role):
            try:
                with connection.begin_nested():
                    _ddl(connection, f'DROP OWNED BY "{role}"')
                    _ddl(connection, f'DROP ROLE "{role}"')
            except DBAPIError as err:
                raise SecureError(
                    f"The role {role} could not be dropped: {err.orig}.",
                    hint="It may still own objects in another database of this server.",
                ) from err
    return str(role)
