"""The SQLAlchemy unit of work: one session, rolled back unless `commit()` is called.

Connection failures surface here as `DatabaseUnavailable`, with the URL masked, so every caller gets
a message a person can act on instead of a driver traceback.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

import psycopg
from sqlalchemy import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from gbf_desktop.db.annotation_repo import SqlAnnotationRepository
from gbf_desktop.db.engine import connection_problem
from gbf_desktop.db.library_repo import SqlLibraryRepository
from gbf_desktop.db.media_repo import SqlClipStoreRepository
from gbf_desktop.db.program_repo import SqlProgramEditRepository
from gbf_desktop.db.repositories import (
    SqlExerciseRepository,
    SqlMediaRepository,
    SqlProgramRepository,
    SqlProgressRepository,
    SqlUserRepository,
)
from gbf_desktop.db.review_repo import SqlClipReviewRepository, SqlReviewRepository
from gbf_desktop.errors import DatabaseUnavailable


def unreachable(engine: Engine, err: BaseException) -> DatabaseUnavailable:
    """What a person reads when the database cannot be used; see `engine.connection_problem`."""
    return connection_problem(engine.url, err)


class SqlUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._session

    def __enter__(self) -> Self:
        # expire_on_commit=False: values read before commit stay readable after it.
        self._session = self._session_factory()
        self.users = SqlUserRepository(self._session)
        self.exercises = SqlExerciseRepository(self._session)
        self.programs = SqlProgramRepository(self._session)
        self.progress = SqlProgressRepository(self._session)
        self.media = SqlMediaRepository(self._session)
        self.clip_store = SqlClipStoreRepository(self._session)
        self.program_rows = SqlProgramEditRepository(self._session)
        self.library = SqlLibraryRepository(self._session)
        self.review = SqlReviewRepository(self._session)
        self.clip_reviews = SqlClipReviewRepository(self._session)
        self.annotations = SqlAnnotationRepository(self._session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self.session, None
        try:
            session.rollback()
        except (OperationalError, InterfaceError, psycopg.OperationalError):
            pass  # the connection is already gone; there is nothing left to roll back
        finally:
            session.close()
        # Clip bytes go through the raw psycopg connection (COPY), whose errors SQLAlchemy never
        # wraps: a server lost mid-copy raises psycopg's own.
        if isinstance(exc, OperationalError | InterfaceError | psycopg.OperationalError):
            bind = session.get_bind()
            assert isinstance(bind, Engine)
            raise unreachable(bind, exc) from exc

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


def uow_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
