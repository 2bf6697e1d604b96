"""Coaches' own database login roles, for the isolation `db secure` installs.

`add_coach_role` creates a login role for a coach (a member of the group role, mapped to the
coach's `users` row in `gbf_desktop.coach_roles`) with a new random password, which the caller
shows once or writes to the keyring. Role names are cluster-wide, so each carries a short random
tail. The password reaches the server only as a SCRAM verifier made on this side.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from gbf_desktop.db.secure import (
    GROUP_ROLE,
    MAPPING,
    ROLE_PREFIX,
    SecureError,
    check_admin,
    ddl,
    mapping_exists,
    role_exists,
)


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
        check_admin(connection)
        if not role_exists(connection, GROUP_ROLE) or not mapping_exists(connection):
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
        ddl(
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
        if not mapping_exists(connection):
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
        check_admin(connection)
        if not mapping_exists(connection):
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
        if role_exists(connection, role):
            try:
                with connection.begin_nested():
                    ddl(connection, f'DROP OWNED BY "{role}"')
                    ddl(connection, f'DROP ROLE "{role}"')
            except DBAPIError as err:
                raise SecureError(
                    f"The role {role} could not be dropped: {err.orig}.",
                    hint="It may still own objects in another database of this server.",
                ) from err
    return str(role)
