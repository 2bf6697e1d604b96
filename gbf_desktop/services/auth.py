"""Signing in against the platform's own accounts.

`users.password` holds bcrypt hashes made by node's bcrypt (`$2b$10$…`). Only coaches and admins
may use the desktop app; students have the web app.
"""

from __future__ import annotations

from dataclasses import dataclass

import bcrypt

from gbf_desktop.domain import write_rules as rules
from gbf_desktop.domain.model import STAFF_ROLES
from gbf_desktop.errors import AuthError
from gbf_desktop.services.ports import UnitOfWorkFactory

# node's bcrypt writes $2b$; hashes from older PHP or Ruby tools may carry $2a$ or $2y$.
_BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$")
# The cost the platform uses: a hash made here must be indistinguishable from one made there.
PLATFORM_BCRYPT_COST = 10


@dataclass(frozen=True)
class SignedInUser:
    id: str
    email: str
    display_name: str
    role: str


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=PLATFORM_BCRYPT_COST)).decode()


def _password_matches(password: str, stored_hash: str) -> bool:
    if not stored_hash.startswith(_BCRYPT_PREFIXES):
        return False
    try:
        return bcrypt.checkpw(password.encode(), stored_hash.encode())
    except ValueError:
        # A malformed hash in the table is that account's problem, not a crash of the app.
        return False


def sign_in(uow_factory: UnitOfWorkFactory, email: str, password: str) -> SignedInUser:
    if (isinstance(email, str) and not email.strip()) or password == "":
        raise AuthError("Enter your email and your password.")
    # Before any query: a NUL in the email would make the driver fail mid-statement.
    email, password = rules.check_sign_in(email, password)
    with uow_factory() as uow:
        found = uow.users.credentials_by_email(email)
    # The same message for an unknown email and a wrong password: the screen must not tell a
    # stranger which addresses have accounts.
    if found is None or not _password_matches(password, found.password_hash):
        raise AuthError(
            "Email or password is not right.",
            hint="Use the email and password of your GoBeyondFit account.",
        )
    user = found.user
    if user.role not in STAFF_ROLES:
        raise AuthError(
            "This is a student account; the desktop app is for coaches.",
            hint="Students log their workouts in the GoBeyondFit web app.",
        )
    return SignedInUser(
        id=user.id, email=user.email, display_name=user.display_name, role=user.role
    )
