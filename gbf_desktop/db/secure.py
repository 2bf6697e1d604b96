"""Isolation enforced by the database (opt-in): row-level security for coaches' own roles.

`install` (the `db secure` command) creates a group role holding only the grants the desktop
needs, and one policy per table and command letting a member see and change only their students'
user rows, logs and clips, their own and the global exercises, their programs and assignments.
Each coach signs in through a login role of their own (`db coach-role add`), a member of the group,
mapped to their `users` row in `gbf_desktop.coach_roles`.

Design choices, and why:

- **The web backend is not affected**: it owns the tables, and row security does not apply to a
  table's owner unless FORCE is set, which is never done here.
- **Policies name key columns only, and are cheap.** A policy that names a column makes
  PostgreSQL refuse to change that column's type, so a policy here names only a table's id or
  foreign-key columns (and the exercises' `scope`), never a data column: a web release can change
  any other column with the policies on. Each compares the key with a set the coach may reach,
  `"studentId" IN (SELECT gbf_desktop.my_students())`: the set is computed once per statement
  and probed by hash per row, so a page costs about what it costs the owner. (A first design
  passed the whole row to a function, naming no column at all; it called a query per row and
  copied every row, clips' bytes included: pages took seconds, see `bench/rls.py`.)
- **The set functions are SECURITY DEFINER** (owned by the admin who ran `db secure`, who owns
  the tables): their lookups are not themselves filtered, so policies never recurse. Their
  search_path is pinned.
- **Who is asking** is `session_user`, the login role: `SET ROLE` to the group changes nothing,
  and a coach is no member of another coach's role.
- **No password hash is readable by a coach role**, not even its own coach's: SELECT on
  `users` is granted column by column, without `password`; signing in reads the coach's own
  hash through `my_password_hash()` (SECURITY DEFINER, like the sets). `check` reports a hash
  column a role can read, or a column the web added since the install (not in the grant).
- **Closed, not open**: if the web's `db push` drops the policies while row security stays on,
  coach roles see nothing; `check` says so and names the command to run.

Nothing here touches rows. `remove` takes every policy and function off (for a web upgrade) and
keeps the coach roles and their mapping, so `install` afterwards restores everything.

The coach roles themselves (their creation, listing and removal) are in `db.coach_roles`.
Over 500 lines: the table rules, the set functions they compare with, and their install, check
and removal change together (a new rule needs all four); the set functions' SQL would move out
next.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

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
    # The read check, SQL over the table's own key columns; `write` the same for writes.
    read: str
    write: str | None = None
    # Columns the group may never read, even in rows it reaches: SELECT is then granted on the
    # table's other columns only (a column grant, which no column type change is blocked by).
    hidden: tuple[str, ...] = ()

    @property
    def qualified(self) -> str:
        return f'{self.schema}."{self.table}"'


# The checks name only key columns (ids and the exercise scope), each compared with a set the
# coach may reach, computed once per statement: `col IN (SELECT gbf_desktop.f())` becomes a
# hashed subplan, so a policy costs a hash probe per row, never a query per row.
def _in(column: str, function: str) -> str:
    return f'"{column}" IN (SELECT {SCHEMA}.{function}())'


_ME = f"(SELECT {SCHEMA}.me())"

RULES: tuple[TableRule, ...] = (
    # Users' bcrypt hashes stay out of a coach role's reach, their students' and their own:
    # signing in reads the coach's own hash through `my_password_hash`, nothing else needs one.
    TableRule(
        "public", "users", ("SELECT",), read=_in("id", "visible_users"), hidden=("password",)
    ),
    TableRule(
        "public",
        "exercises",
        ("SELECT", "INSERT", "UPDATE", "DELETE"),
        read=f"scope = 'global' OR (scope = 'coach' AND \"ownerId\" = {_ME})",
        write=f"scope = 'coach' AND \"ownerId\" = {_ME}",
    ),
    TableRule(
        "public",
        "favorite_exercises",
        ("SELECT", "INSERT", "DELETE"),
        read=f'"userId" = {_ME}',
        write=f'"userId" = {_ME} AND ' + _in("exerciseId", "visible_exercises"),
    ),
    TableRule("public", "groups", ("SELECT",), read=f'"ownerId" = {_ME}'),
    TableRule("public", "group_members", ("SELECT",), read=_in("groupId", "my_groups")),
    TableRule(
        "public",
        "programs",
        ("SELECT", "INSERT", "UPDATE", "DELETE"),
        read=_in("id", "readable_programs"),
        write=f'"coachId" = {_ME}',
    ),
    TableRule(
        "public",
        "program_blocks",
        ("SELECT", "INSERT", "UPDATE", "DELETE"),
        read=_in("programId", "readable_programs"),
        write=_in("programId", "my_programs"),
    ),
    TableRule(
        "public",
        "weeks",
        ("SELECT", "INSERT", "UPDATE", "DELETE"),
        read=_in("blockId", "readable_blocks"),
        write=_in("blockId", "my_blocks"),
    ),
    TableRule(
        "public",
        "sessions",
        ("SELECT", "INSERT", "UPDATE", "DELETE"),
        read=_in("weekId", "readable_weeks"),
        write=_in("weekId", "my_weeks"),
    ),
    TableRule(
        "public",
        "session_exercises",
        ("SELECT", "INSERT", "UPDATE", "DELETE"),
        read=_in("sessionId", "readable_sessions"),
        # Only exercises of the coach's library go into their programs.
        write=_in("sessionId", "my_sessions") + " AND " + _in("exerciseId", "visible_exercises"),
    ),
    TableRule(
        "public",
        "program_assignments",
        ("SELECT", "INSERT", "DELETE"),
        read=_in("programId", "my_programs") + " OR " + _in("studentId", "my_students"),
        write=_in("programId", "my_programs") + " AND " + _in("studentId", "my_students"),
    ),
    TableRule(
        "public",
        "program_audit",
        ("SELECT", "INSERT"),
        read=_in("programId", "readable_programs"),
        write=_in("programId", "my_programs") + f' AND "changedBy" = {_ME}',
    ),
    TableRule(
        "public",
        "notifications",
        ("SELECT", "INSERT"),
        read=_in("userId", "visible_users"),
        write=_in("userId", "my_students"),
    ),
    TableRule(
        "public",
        "session_progress",
        ("SELECT", "INSERT", "UPDATE"),
        read=_in("studentId", "my_students"),
        write=_in("studentId", "my_students"),
    ),
    TableRule(
        "public",
        "exercise_media",
        ("SELECT", "INSERT", "DELETE"),
        read=_in("progressId", "readable_progress"),
        write=_in("progressId", "readable_progress"),
    ),
    TableRule(
        SCHEMA,
        "clip_annotations",
        # Saved with INSERT … ON CONFLICT DO UPDATE, which needs all three.
        ("SELECT", "INSERT", "UPDATE"),
        read=f'"coachId" = {_ME} AND ' + _in("mediaId", "readable_media"),
        write=f'"coachId" = {_ME} AND ' + _in("mediaId", "readable_media"),
    ),
    TableRule(
        SCHEMA,
        "clip_reviews",
        ("SELECT", "INSERT"),
        read=_in("mediaId", "readable_media"),
        write=f'"reviewerId" = {_ME} AND ' + _in("mediaId", "readable_media"),
    ),
)

# Tables the group may read without row filtering: the schema version only.
READ_ONLY_PLAIN = (f"{SCHEMA}.alembic_version",)

_DEFINER = "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public"


def _set_function(name: str, body: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION {SCHEMA}.{name}() RETURNS SETOF text {_DEFINER} AS $$
        {body}
    $$"""


_MY_PROGRAMS = f'SELECT p.id FROM public.programs p WHERE p."coachId" = {SCHEMA}.me()'
_READABLE_PROGRAMS = (
    f'{_MY_PROGRAMS} UNION SELECT a."programId" FROM public.program_assignments a '
    f'WHERE a."studentId" IN (SELECT {SCHEMA}.my_students())'
)

# The sets the policies compare with. They run as the tables' owner (row security does not
# apply to it), so they never recurse into the policies they serve.
_HELPERS = (
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.me() RETURNS text {_DEFINER} AS $$
        SELECT user_id FROM {MAPPING} WHERE role_name = session_user::text
    $$""",
    _set_function(
        "my_students",
        "SELECT u.id FROM public.users u WHERE u.role = 'student' AND (u.\"coachId\" = "
        f'{SCHEMA}.me() OR u.id IN (SELECT gm."userId" FROM public.group_members gm '
        f'JOIN public.groups g ON g.id = gm."groupId" WHERE g."ownerId" = {SCHEMA}.me()))',
    ),
    _set_function("visible_users", f"SELECT {SCHEMA}.me() UNION SELECT {SCHEMA}.my_students()"),
    # The one hash a coach role may read: its own coach's, to check the password typed at
    # sign-in (the column itself is not granted to the group).
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.my_password_hash() RETURNS text {_DEFINER} AS $$
        SELECT u.password FROM public.users u WHERE u.id = {SCHEMA}.me()
    $$""",
    _set_function(
        "my_groups", f'SELECT g.id FROM public.groups g WHERE g."ownerId" = {SCHEMA}.me()'
    ),
    _set_function(
        "visible_exercises",
        "SELECT e.id FROM public.exercises e WHERE e.scope = 'global' "
        f"OR (e.scope = 'coach' AND e.\"ownerId\" = {SCHEMA}.me())",
    ),
    _set_function("my_programs", _MY_PROGRAMS),
    _set_function("readable_programs", _READABLE_PROGRAMS),
    _set_function(
        "my_blocks",
        f'SELECT b.id FROM public.program_blocks b WHERE b."programId" IN '
        f"(SELECT {SCHEMA}.my_programs())",
    ),
    _set_function(
        "readable_blocks",
        f'SELECT b.id FROM public.program_blocks b WHERE b."programId" IN '
        f"(SELECT {SCHEMA}.readable_programs())",
    ),
    _set_function(
        "my_weeks",
        f'SELECT w.id FROM public.weeks w WHERE w."blockId" IN (SELECT {SCHEMA}.my_blocks())',
    ),
    _set_function(
        "readable_weeks",
        f'SELECT w.id FROM public.weeks w WHERE w."blockId" IN (SELECT {SCHEMA}.readable_blocks())',
    ),
    _set_function(
        "my_sessions",
        f'SELECT s.id FROM public.sessions s WHERE s."weekId" IN (SELECT {SCHEMA}.my_weeks())',
    ),
    _set_function(
        "readable_sessions",
        f'SELECT s.id FROM public.sessions s WHERE s."weekId" IN '
        f"(SELECT {SCHEMA}.readable_weeks())",
    ),
    _set_function(
        "readable_progress",
        f'SELECT sp.id FROM public.session_progress sp WHERE sp."studentId" IN '
        f"(SELECT {SCHEMA}.my_students())",
    ),
    _set_function(
        "readable_media",
        f'SELECT m.id FROM public.exercise_media m WHERE m."progressId" IN '
        f"(SELECT {SCHEMA}.readable_progress())",
    ),
)
HELPER_NAMES = (
    "me",
    "my_students",
    "visible_users",
    "my_password_hash",
    "my_groups",
    "visible_exercises",
    "my_programs",
    "readable_programs",
    "my_blocks",
    "readable_blocks",
    "my_weeks",
    "readable_weeks",
    "my_sessions",
    "readable_sessions",
    "readable_progress",
    "readable_media",
)


@dataclass(frozen=True)
class Policy:
    rule: TableRule
    command: str

    @property
    def name(self) -> str:
        return f"{POLICY_PREFIX}{self.command.lower()}"

    def create(self) -> str:
        read, write = f"({self.rule.read})", f"({self.rule.write or 'false'})"
        clause = {
            "SELECT": f"USING {read}",
            "INSERT": f"WITH CHECK {write}",
            "UPDATE": f"USING {write} WITH CHECK {write}",
            "DELETE": f"USING {write}",
        }[self.command]
        return (
            f'CREATE POLICY "{self.name}" ON {self.rule.qualified} AS PERMISSIVE '
            f"FOR {self.command} TO {GROUP_ROLE} {clause}"
        )


def expected_policies() -> tuple[Policy, ...]:
    return tuple(Policy(rule, command) for rule in RULES for command in rule.commands)


# --- install and remove ------------------------------------------------------------------------


def ddl(connection: Connection, statement: str) -> None:
    # Straight to the driver: DDL bodies hold `::` casts and SCRAM verifiers hold `:`, which
    # SQLAlchemy's text() would take for bind parameters.
    connection.exec_driver_sql(statement)


def role_exists(connection: Connection, name: str) -> bool:
    found = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
    return found.first() is not None


def check_admin(connection: Connection) -> None:
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
    ddl(connection, f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"')
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
        check_admin(connection)
        _ensure_mapping(connection)
        if not role_exists(connection, GROUP_ROLE):
            ddl(connection, f"CREATE ROLE {GROUP_ROLE} NOLOGIN")
            lines.append(f"created the group role {GROUP_ROLE}")
        _drop_policies_and_functions(connection)
        ddl(connection, f"GRANT USAGE ON SCHEMA public, {SCHEMA} TO {GROUP_ROLE}")
        for statement in _HELPERS:
            ddl(connection, statement)
        present = _present_rules(connection)
        for rule in RULES:
            if rule not in present:
                lines.append(f"skipped {rule.qualified}: not in this database (run `db upgrade`)")
                continue
            # Table-level REVOKE takes the column grants of an earlier install off too.
            ddl(connection, f"REVOKE ALL ON {rule.qualified} FROM {GROUP_ROLE}")
            _grant(connection, rule)
            ddl(connection, f"ALTER TABLE {rule.qualified} ENABLE ROW LEVEL SECURITY")
        for policy in expected_policies():
            if policy.rule in present:
                ddl(connection, policy.create())
        for table in READ_ONLY_PLAIN:
            ddl(connection, f"GRANT SELECT ON {table} TO {GROUP_ROLE}")
        # The functions are the group's to call, nobody else's (PUBLIC may execute by default).
        for name in _all_function_signatures(connection):
            ddl(connection, f"REVOKE ALL ON FUNCTION {name} FROM PUBLIC")
            ddl(connection, f"GRANT EXECUTE ON FUNCTION {name} TO {GROUP_ROLE}")
    lines.append(
        f"row-level security on {len(RULES)} tables, {len(expected_policies())} policies, "
        f"for members of {GROUP_ROLE}; the tables' owner (the web backend) is not affected"
    )
    lines.append("add a coach's role with `gbf-desktop db coach-role add EMAIL`")
    return lines


def _columns(connection: Connection, rule: TableRule) -> list[str]:
    return list(
        connection.execute(
            text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = :s AND table_name = :t ORDER BY ordinal_position"
            ),
            {"s": rule.schema, "t": rule.table},
        ).scalars()
    )


def _grant(connection: Connection, rule: TableRule) -> None:
    commands = list(rule.commands)
    if rule.hidden and "SELECT" in commands:
        commands.remove("SELECT")
        shown = [c for c in _columns(connection, rule) if c not in rule.hidden]
        columns = ", ".join(f'"{c}"' for c in shown)
        ddl(connection, f"GRANT SELECT ({columns}) ON {rule.qualified} TO {GROUP_ROLE}")
    if commands:
        ddl(connection, f"GRANT {', '.join(commands)} ON {rule.qualified} TO {GROUP_ROLE}")


def _column_reach(connection: Connection, rule: TableRule) -> tuple[list[str], list[str]]:
    """The hidden columns the group can read, and the others it cannot (a column the web added
    after `db secure` ran, which the grant does not cover)."""
    rows = connection.execute(
        text(
            "SELECT column_name, has_column_privilege(:r, :t, column_name, 'SELECT') "
            "FROM information_schema.columns WHERE table_schema = :s AND table_name = :n "
            "ORDER BY ordinal_position"
        ),
        {"r": GROUP_ROLE, "t": rule.qualified, "s": rule.schema, "n": rule.table},
    ).all()
    readable: dict[str, bool] = {row[0]: row[1] for row in rows}
    exposed = [c for c in rule.hidden if readable.get(c)]
    unreadable = [c for c, ok in readable.items() if not ok and c not in rule.hidden]
    return exposed, unreadable


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
            # Per-table checks of the first version of `db secure`, dropped on upgrade.
            "OR p.proname LIKE 'read\\_%' OR p.proname LIKE 'write\\_%')"
        ),
        {"s": SCHEMA, "helpers": list(HELPER_NAMES)},
    ).scalars()
    return list(rows)


def _drop_policies_and_functions(connection: Connection) -> None:
    for rule in _present_rules(connection):
        for command in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            name = Policy(rule, command).name
            ddl(connection, f'DROP POLICY IF EXISTS "{name}" ON {rule.qualified}')
    for signature in _all_function_signatures(connection):
        ddl(connection, f"DROP FUNCTION IF EXISTS {signature}")


def remove(engine: Engine) -> list[str]:
    """Take every policy, function and grant off, and row security with them; keep the roles.

    Run before upgrading the web platform (its `db push` may need to change a column), then
    `install` again after.
    """
    with engine.begin() as connection:
        check_admin(connection)
        _drop_policies_and_functions(connection)
        for rule in _present_rules(connection):
            ddl(connection, f"ALTER TABLE {rule.qualified} DISABLE ROW LEVEL SECURITY")
            if role_exists(connection, GROUP_ROLE):
                ddl(connection, f"REVOKE ALL ON {rule.qualified} FROM {GROUP_ROLE}")
        if role_exists(connection, GROUP_ROLE):
            for table in READ_ONLY_PLAIN:
                ddl(connection, f"REVOKE ALL ON {table} FROM {GROUP_ROLE}")
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
    # "users.password": hidden columns the group can read (an install before they were hidden);
    # "users.x": other columns it cannot (added by the web after the install).
    exposed_columns: tuple[str, ...] = ()
    ungranted_columns: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not (
            self.missing_policies
            or self.rls_off
            or self.missing_functions
            or self.exposed_columns
            or self.ungranted_columns
        )

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
        if self.exposed_columns:
            lines.append(
                "  coach roles can read " + ", ".join(self.exposed_columns) + " (the password "
                "hashes), which an earlier `db secure` granted"
            )
        if self.ungranted_columns:
            lines.append(
                "  coach roles cannot read " + ", ".join(self.ungranted_columns) + ", added "
                "since `db secure` ran"
            )
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
    wanted_functions = list(HELPER_NAMES)
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
    exposed: list[str] = []
    ungranted: list[str] = []
    if installed and role_exists(connection, GROUP_ROLE):
        for rule in present:
            if rule.hidden:
                shown, missing = _column_reach(connection, rule)
                exposed += [f"{rule.table}.{c}" for c in shown]
                ungranted += [f"{rule.table}.{c}" for c in missing]
    roles = 0
    if mapping_exists(connection):
        roles = connection.execute(text(f"SELECT count(*) FROM {MAPPING}")).scalar_one()
    return SecurityReport(
        installed=installed,
        missing_policies=missing_policies if installed else (),
        rls_off=rls_off if installed else (),
        missing_functions=missing_functions if installed else (),
        coach_roles=roles,
        exposed_columns=tuple(exposed),
        ungranted_columns=tuple(ungranted),
    )


def mapping_exists(connection: Connection) -> bool:
    return connection.execute(text("SELECT to_regclass(:t)"), {"t": MAPPING}).scalar() is not None
