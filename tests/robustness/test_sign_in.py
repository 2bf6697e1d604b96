"""Sign-in with what a careless (or hostile) person types: each gets a message, none a crash,
and the database is left as it was. Add a case by adding a row."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from gbf_desktop.errors import KnownError
from tests.platform_db import table_fingerprints
from tests.robustness.conftest import assert_one_clear_line
from tests.robustness.world import (
    COACH_EMAIL,
    COACH_PASSWORD,
    STUDENT_EMAIL,
    backend_on,
    build_world,
)

pytestmark = pytest.mark.db

NOT_RIGHT = "Email or password is not right."


@dataclass(frozen=True)
class SignInCase:
    name: str
    email: object
    password: object
    says: str
    field: str | None = None


CASES = [
    SignInCase("both-empty", "", "", "Enter your email and your password."),
    SignInCase("no-password", COACH_EMAIL, "", "Enter your email and your password."),
    SignInCase("blank-email", "   ", COACH_PASSWORD, "Enter your email and your password."),
    SignInCase(
        "nul-in-email",
        "coach\x00@robust.example",
        COACH_PASSWORD,
        "Email contains a NUL character",
        "email",
    ),
    SignInCase(
        "nul-in-password",
        COACH_EMAIL,
        "coach-pass\x002026",
        "Password contains a NUL character",
        "password",
    ),
    SignInCase(
        "email-too-long",
        "a" * 300 + "@robust.example",
        COACH_PASSWORD,
        "Email can hold at most 254 characters",
        "email",
    ),
    SignInCase(
        "password-too-long",
        COACH_EMAIL,
        "x" * 5000,
        "Password can hold at most 1024 characters.",
        "password",
    ),
    SignInCase(
        "email-not-text", 12345, COACH_PASSWORD, "Email must be text, not a number.", "email"
    ),
    SignInCase("email-none", None, COACH_PASSWORD, "Email is required.", "email"),
    SignInCase("password-not-text", COACH_EMAIL, 2026, "Password must be text.", "password"),
    SignInCase("password-none", COACH_EMAIL, None, "Password must be text.", "password"),
    SignInCase(
        "line-break-in-email",
        "coach@robust\n.example",
        COACH_PASSWORD,
        "Email cannot hold line breaks or control characters.",
        "email",
    ),
    SignInCase(
        "escape-sequence-in-email",
        "coach\x1b[31m@robust.example",
        COACH_PASSWORD,
        "Email cannot hold line breaks or control characters.",
        "email",
    ),
    SignInCase("wrong-password", COACH_EMAIL, "not-the-password", NOT_RIGHT),
    SignInCase("unknown-email", "nobody@robust.example", COACH_PASSWORD, NOT_RIGHT),
    SignInCase("password-past-bcrypt-72-bytes", COACH_EMAIL, COACH_PASSWORD + "x" * 100, NOT_RIGHT),
    SignInCase("sql-in-email", "' OR 1=1 --", COACH_PASSWORD, NOT_RIGHT),
    SignInCase("like-wildcard-email", "%", COACH_PASSWORD, NOT_RIGHT),
    SignInCase("accented-lookalike", "coäch@robust.example", COACH_PASSWORD, NOT_RIGHT),
    SignInCase(
        "student-account",
        STUDENT_EMAIL,
        COACH_PASSWORD,
        "This is a student account; the desktop app is for coaches.",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_bad_sign_in_is_a_message(case: SignInCase, engine: Engine) -> None:
    build_world(engine)
    backend = backend_on(engine)
    before = table_fingerprints(engine)
    with pytest.raises(KnownError) as refused:
        backend.sign_in(case.email, case.password)  # type: ignore[arg-type]  # the bad input
    line = assert_one_clear_line(str(refused.value), secret=COACH_PASSWORD)
    assert case.says in line
    assert refused.value.field == case.field
    assert table_fingerprints(engine) == before


def test_spaces_around_the_email_are_not_a_mistake(engine: Engine) -> None:
    build_world(engine)
    user = backend_on(engine).sign_in(f"  {COACH_EMAIL}  ", COACH_PASSWORD)
    assert user.email == COACH_EMAIL
