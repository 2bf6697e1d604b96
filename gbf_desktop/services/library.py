"""The exercise library: search as you type, filters, facets, favourites, the coach's own exercises.

Search design: the coach's whole visible library (about 3,200 global exercises plus their own) is
loaded once into a `LibraryCatalog`, with each exercise's searchable text folded (case and accents)
ahead of time; every keystroke then filters that list in memory. `bench/library_search.py`
measured both over 5,000 exercises (96 keystrokes): about 4 ms per keystroke in memory, against
about 100 ms for the bare SQL query alone (accent folding with `translate` over every row's name,
muscles and description defeats any index) and 128 ms through the unit of work, before any network
round trip. Loading the catalogue costs about 0.4 s once per page. So the catalogue is what the UI
calls on every keystroke; the SQL design stays in `SqlLibraryRepository.search` for the benchmark.
Writes (favourites, own exercises) go to the database; the UI folds their result into its catalogue
with `with_favourite`, `with_record` or `without` instead of reloading it.

Global exercises keep the admin catalogue's meta (`difficultyLevel`, `targetMuscleGroup`, demo
links); the coach's own use the web exercise form's shape (`difficulty`, `muscleGroups[]`,
`instructions[]`, `videoUrl`, `sets`, `reps`). Both are read into the same plain values here.

Over 500 lines: the catalogue search (folding, facets) and the writes of the coach's own exercises
share the catalogue type; the search part could move to its own module next.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from gbf_desktop.domain import write_rules as rules
from gbf_desktop.domain.model import ExerciseRecord, UserRecord
from gbf_desktop.errors import KnownError, ValidationError
from gbf_desktop.services.ports import UnitOfWorkBase

EXERCISE_TYPES = ("standard", "EMOM", "AMRAP", "circuit", "custom")
DIFFICULTIES = ("beginner", "intermediate", "advanced")
# The web exercise form's defaults (frontend/app/exercises/create/page.tsx).
WEB_DIFFICULTY_DEFAULT = "Beginner"
WEB_DEFAULT_SETS = 3
WEB_DEFAULT_REPS = 12
Scope = Literal["global", "mine"]
MAX_NAME = 200
MAX_DESCRIPTION = 4000


class NotAllowed(KnownError):
    """The user may not change this exercise: a global one, or another coach's."""


class ExerciseInUse(NotAllowed):
    """Deleting an exercise that sessions use; `programs` names the programs using it."""

    def __init__(self, name: str, programs: tuple[str, ...]) -> None:
        listed = ", ".join(f'"{t}"' for t in programs)
        super().__init__(
            f'"{name}" is used in {len(programs)} program'
            f"{'s' if len(programs) != 1 else ''}: {listed}.",
            hint="Replace it in those programs first, then delete it.",
        )
        self.programs = programs


class ExerciseNotFound(KnownError):
    """The exercise is not in the coach's library: deleted, or another coach's private one."""

    def __init__(self) -> None:
        super().__init__(
            "This exercise is not in your library: it may have been deleted elsewhere.",
            hint="Refresh the library (F5).",
        )


def fold(text: str) -> str:
    """Text as search compares it: accents dropped, case folded ("Fémur" finds "femur")."""
    # ASCII decomposes to itself and holds no combining marks: most names skip the per-character
    # pass, which was most of loading the library (bench/scale.py).
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed.casefold()
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# --- rows in and out of the repository ---------------------------------------------------------


@dataclass(frozen=True)
class ExerciseRow:
    """An exercise as written: the columns the coach's form sets."""

    id: str
    name: str
    description: str | None
    type: str
    scope: str
    owner_id: str | None
    meta: dict[str, Any]


@dataclass(frozen=True)
class SqlSearch:
    """A library query for the SQL design (kept for the benchmark); tokens already folded."""

    tokens: tuple[str, ...] = ()
    type: str | None = None
    scope: Scope | None = None
    difficulty: str | None = None
    muscle_group: str | None = None


class LibraryRows(Protocol):
    def visible_to(self, coach_id: str) -> Sequence[ExerciseRecord]: ...

    def get(self, exercise_id: str) -> ExerciseRecord | None: ...

    def favourites(self, user_id: str) -> frozenset[str]: ...

    def set_favourite(
        self, favourite_id: str, user_id: str, exercise_id: str, on: bool, now: datetime
    ) -> None: ...

    def insert(self, row: ExerciseRow, now: datetime) -> None: ...

    def update(self, row: ExerciseRow, now: datetime) -> None: ...

    def delete(self, exercise_id: str) -> None: ...

    def programs_using(self, exercise_id: str) -> Sequence[str]: ...


class UserLookup(Protocol):
    def get(self, user_id: str) -> UserRecord | None: ...


class LibraryUnitOfWork(UnitOfWorkBase, Protocol):
    @property
    def users(self) -> UserLookup: ...

    @property
    def library(self) -> LibraryRows: ...


class LibraryUowFactory(Protocol):
    def __call__(self) -> LibraryUnitOfWork: ...


# --- the catalogue -----------------------------------------------------------------------------


def _texts(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, list):
        return tuple(v.strip() for v in value if isinstance(v, str) and v.strip())
    return ()


# The keys of `meta` the list reads (`_difficulty`, `_muscles`): all a listing selects.
LISTED_META_KEYS = ("difficultyLevel", "difficulty", "targetMuscleGroup", "muscleGroups")


def _difficulty(meta: Mapping[str, Any]) -> str | None:
    # Read in lower case: rows say "Intermediate", older desktop rows "intermediate".
    for key in ("difficultyLevel", "difficulty"):
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip().lower()
    return None


def _muscles(meta: Mapping[str, Any]) -> tuple[str, ...]:
    return _texts(meta.get("targetMuscleGroup")) + _texts(meta.get("muscleGroups"))


@dataclass(frozen=True)
class LibraryEntry:
    """One exercise as the library list shows it."""

    id: str
    name: str
    description: str | None
    type: str
    scope: str
    owner_id: str | None
    difficulty: str | None  # lower case: beginner, intermediate, advanced (or what is stored)
    muscle_groups: tuple[str, ...]
    is_favourite: bool
    mine: bool
    _name: str = field(repr=False, compare=False)
    _haystack: str = field(repr=False, compare=False)
    _muscles: frozenset[str] = field(repr=False, compare=False)

    @classmethod
    def of(cls, record: ExerciseRecord, user_id: str, favourite: bool) -> LibraryEntry:
        meta = record.meta if isinstance(record.meta, dict) else {}
        muscles = _muscles(meta)
        return cls(
            id=record.id,
            name=record.name,
            description=record.description,
            type=record.type,
            scope=record.scope,
            owner_id=record.owner_id,
            difficulty=_difficulty(meta),
            muscle_groups=muscles,
            is_favourite=favourite,
            mine=record.scope == "coach" and record.owner_id == user_id,
            _name=fold(record.name),
            _haystack=fold(" ".join((record.name, *muscles, record.description or ""))),
            _muscles=frozenset(fold(m) for m in muscles),
        )


@dataclass(frozen=True)
class Facets:
    """What the filter combos offer: only values present in the library."""

    types: tuple[str, ...]
    difficulties: tuple[str, ...]
    muscle_groups: tuple[str, ...]


@dataclass(frozen=True)
class LibraryCatalog:
    """The coach's visible library in memory, searched on every keystroke."""

    user_id: str
    entries: tuple[LibraryEntry, ...]

    def search(
        self,
        text: str = "",
        *,
        exercise_type: str | None = None,
        scope: Scope | None = None,
        difficulty: str | None = None,
        muscle_group: str | None = None,
        favourites_only: bool = False,
        limit: int | None = None,
    ) -> tuple[LibraryEntry, ...]:
        """Entries holding every word of `text` in their name, muscle groups or description.

        Names that start with the text come first, then names that contain it, then the rest,
        each by name; filters narrow the list. Case and accents never matter.
        """
        tokens = fold(text).split()
        phrase = " ".join(tokens)
        level = difficulty.lower() if difficulty else None
        muscle = fold(muscle_group) if muscle_group else None
        hits: list[tuple[int, LibraryEntry]] = []
        for e in self.entries:
            if exercise_type is not None and e.type != exercise_type:
                continue
            if scope == "global" and e.scope != "global":
                continue
            if scope == "mine" and not e.mine:
                continue
            if level is not None and e.difficulty != level:
                continue
            if muscle is not None and muscle not in e._muscles:
                continue
            if favourites_only and not e.is_favourite:
                continue
            if not all(t in e._haystack for t in tokens):
                continue
            rank = 0 if e._name.startswith(phrase) else 1 if phrase in e._name else 2
            hits.append((rank, e))
        # Entries are already in name order and the sort is stable: rank alone keeps it.
        hits.sort(key=lambda pair: pair[0])
        found = tuple(e for _, e in hits)
        return found[:limit] if limit is not None else found

    def facets(self) -> Facets:
        muscles: dict[str, str] = {}
        for e in self.entries:
            for name in e.muscle_groups:
                muscles.setdefault(fold(name), name)
        levels = {e.difficulty for e in self.entries if e.difficulty}
        known = [d for d in DIFFICULTIES if d in levels]
        return Facets(
            types=tuple(t for t in EXERCISE_TYPES if any(e.type == t for e in self.entries)),
            difficulties=(*known, *sorted(levels - set(known))),
            muscle_groups=tuple(muscles[k] for k in sorted(muscles)),
        )

    def get(self, exercise_id: str) -> LibraryEntry | None:
        return next((e for e in self.entries if e.id == exercise_id), None)

    def with_favourite(self, exercise_id: str, on: bool) -> LibraryCatalog:
        return replace(
            self,
            entries=tuple(
                replace(e, is_favourite=on) if e.id == exercise_id else e for e in self.entries
            ),
        )

    def with_record(self, record: ExerciseRecord) -> LibraryCatalog:
        """The catalogue with an exercise added or replaced, kept in name order."""
        old = self.get(record.id)
        entry = LibraryEntry.of(record, self.user_id, old.is_favourite if old else False)
        others = [e for e in self.entries if e.id != record.id]
        others.append(entry)
        others.sort(key=lambda e: (e.name.lower(), e.id))
        return replace(self, entries=tuple(others))

    def without(self, exercise_id: str) -> LibraryCatalog:
        return replace(self, entries=tuple(e for e in self.entries if e.id != exercise_id))


def build_catalog(
    user_id: str, records: Iterable[ExerciseRecord], favourites: frozenset[str]
) -> LibraryCatalog:
    return LibraryCatalog(
        user_id=user_id,
        entries=tuple(LibraryEntry.of(r, user_id, r.id in favourites) for r in records),
    )


# --- details -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLink:
    label: str
    url: str


@dataclass(frozen=True)
class ExerciseDetails:
    """What the detail pane shows, from `meta` read as plain values."""

    id: str
    name: str
    description: str | None
    type: str
    scope: str
    difficulty: str | None
    muscle_groups: tuple[str, ...]
    instructions: tuple[str, ...]
    links: tuple[DemoLink, ...]
    default_sets: int | None
    default_reps: int | None
    editable: bool
    # Keys of meta the form does not show, kept as they are on every edit.
    other_meta: Mapping[str, Any]


_GLOBAL_KEYS = frozenset(
    {"exercise", "shortDemonstration", "inDepthExplanation", "shortDemonstrationLink"}
    | {"inDepthExplanationLink", "difficultyLevel", "targetMuscleGroup"}
)
_COACH_KEYS = frozenset({"difficulty", "muscleGroups", "instructions", "videoUrl", "sets", "reps"})


def _url(value: object) -> str | None:
    if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
        return value.strip()
    return None


def _count(value: object) -> int | None:
    # Messy rows hold numbers as strings; a value that is no count is shown as missing.
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def details_of(record: ExerciseRecord, user: UserRecord) -> ExerciseDetails:
    meta = record.meta if isinstance(record.meta, dict) else {}
    links = []
    for label_key, link_key, fallback in (
        ("shortDemonstration", "shortDemonstrationLink", "Short demonstration"),
        ("inDepthExplanation", "inDepthExplanationLink", "In-depth explanation"),
        (None, "videoUrl", "Video"),
    ):
        url = _url(meta.get(link_key))
        if url:
            label = meta.get(label_key) if label_key else None
            links.append(DemoLink(label if isinstance(label, str) and label else fallback, url))
    return ExerciseDetails(
        id=record.id,
        name=record.name,
        description=record.description,
        type=record.type,
        scope=record.scope,
        difficulty=_difficulty(meta),
        muscle_groups=_muscles(meta),
        instructions=_texts(meta.get("instructions")),
        links=tuple(links),
        default_sets=_count(meta.get("sets")),
        default_reps=_count(meta.get("reps")),
        editable=_may_edit(record, user),
        other_meta={k: v for k, v in meta.items() if k not in _GLOBAL_KEYS | _COACH_KEYS},
    )


# --- the coach's form --------------------------------------------------------------------------


@dataclass(frozen=True)
class ExerciseDraft:
    """What the exercise form holds; validated by `check()` before anything is written."""

    name: str
    type: str = "standard"
    description: str | None = None
    difficulty: str | None = None
    muscle_groups: tuple[str, ...] = ()
    instructions: tuple[str, ...] = ()
    video_url: str | None = None
    sets: int | None = None
    reps: int | None = None

    def check(self) -> None:
        if isinstance(self.name, str) and not self.name.strip():
            raise ValidationError("The exercise needs a name.", field="name")
        # Types, NUL and control characters, lengths, whole numbers: the domain's rules.
        rules.check_exercise_draft(
            name=self.name,
            type=self.type,
            description=self.description,
            difficulty=self.difficulty,
            muscle_groups=self.muscle_groups,
            instructions=self.instructions,
            video_url=self.video_url,
            sets=self.sets,
            reps=self.reps,
            types=EXERCISE_TYPES,
            difficulties=DIFFICULTIES,
        )
        if self.video_url and not _url(self.video_url):
            raise ValidationError(
                "The video link must start with https:// (or http://).", field="video_url"
            )

    def coach_meta(self, keep: Mapping[str, Any]) -> dict[str, Any]:
        """Meta in the web exercise form's shape; keys the form does not know are kept.

        As the web's create page writes it (frontend/app/exercises/create/page.tsx): the
        difficulty capitalised as its select offers it (Beginner when none is chosen, its
        default, which its edit page also shows for a missing one), `videoUrl` "" when there is
        none, and 3 sets of 12 reps when the coach gives no defaults.
        """
        level = self.difficulty.strip().capitalize() if self.difficulty else WEB_DIFFICULTY_DEFAULT
        return {
            **keep,
            "difficulty": level,
            "muscleGroups": [m.strip() for m in self.muscle_groups if m.strip()],
            "instructions": [i.strip() for i in self.instructions if i.strip()],
            "videoUrl": self.video_url.strip() if self.video_url else "",
            "sets": self.sets if self.sets is not None else WEB_DEFAULT_SETS,
            "reps": self.reps if self.reps is not None else WEB_DEFAULT_REPS,
        }

    def global_meta(self, old: Mapping[str, Any]) -> dict[str, Any]:
        """An admin's edit of a global exercise, in the admin catalogue's shape."""
        meta = dict(old)
        meta["exercise"] = self.name.strip()
        if self.difficulty:
            meta["difficultyLevel"] = self.difficulty.strip().capitalize()
        if self.muscle_groups:
            meta["targetMuscleGroup"] = self.muscle_groups[0].strip()
        return meta


def _may_edit(record: ExerciseRecord, user: UserRecord) -> bool:
    if user.role == "admin":
        return True
    return record.scope == "coach" and record.owner_id == user.id


def _now() -> datetime:
    now = datetime.now(UTC).replace(tzinfo=None)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _user(uow: LibraryUnitOfWork, user_id: str) -> UserRecord:
    user = uow.users.get(user_id)
    if user is None or user.role not in ("coach", "admin"):
        raise NotAllowed("Only coaches and admins can use the exercise library.")
    return user


def _may_see(record: ExerciseRecord, user: UserRecord) -> bool:
    return record.scope == "global" or _may_edit(record, user)


def _visible(uow: LibraryUnitOfWork, user: UserRecord, exercise_id: str) -> ExerciseRecord:
    """The exercise if the user's library holds it; another coach's private exercise is refused
    exactly like a deleted one, so its existence and name are never confirmed."""
    record = uow.library.get(exercise_id)
    if record is None or not _may_see(record, user):
        raise ExerciseNotFound()
    return record


def _editable(uow: LibraryUnitOfWork, user: UserRecord, exercise_id: str) -> ExerciseRecord:
    record = _visible(uow, user, exercise_id)
    if not _may_edit(record, user):
        raise NotAllowed(
            f'"{record.name}" belongs to the shared library and is read-only for coaches.',
            hint="Create your own exercise to change it.",
        )
    return record


# --- use cases ---------------------------------------------------------------------------------


def load_library(uow_factory: LibraryUowFactory, user_id: str) -> LibraryCatalog:
    with uow_factory() as uow:
        user = _user(uow, user_id)
        records = uow.library.visible_to(user.id)
        favourites = uow.library.favourites(user.id)
    return build_catalog(user.id, records, favourites)


def exercise_details(
    uow_factory: LibraryUowFactory, user_id: str, exercise_id: str
) -> ExerciseDetails:
    with uow_factory() as uow:
        user = _user(uow, user_id)
        return details_of(_visible(uow, user, exercise_id), user)


def set_favourite(uow_factory: LibraryUowFactory, user_id: str, exercise_id: str, on: bool) -> bool:
    """Mark or unmark a favourite; returns the new state. Repeating a state is harmless."""
    rules.check_ids(user_id=user_id, exercise_id=exercise_id)
    with uow_factory() as uow:
        user = _user(uow, user_id)
        _visible(uow, user, exercise_id)
        uow.library.set_favourite(str(uuid.uuid4()), user.id, exercise_id, on, _now())
        uow.commit()
    return on


def create_exercise(
    uow_factory: LibraryUowFactory, user_id: str, draft: ExerciseDraft
) -> ExerciseRecord:
    """A new exercise of the coach's own (scope `coach`), as the web form creates it."""
    rules.check_ids(user_id=user_id)
    draft.check()
    with uow_factory() as uow:
        user = _user(uow, user_id)
        row = ExerciseRow(
            id=str(uuid.uuid4()),
            name=draft.name.strip(),
            description=(draft.description or "").strip() or None,
            type=draft.type,
            scope="coach",
            owner_id=user.id,
            meta=draft.coach_meta({}),
        )
        rules.check_exercise(name=row.name, description=row.description, meta=row.meta)
        uow.library.insert(row, _now())
        record = uow.library.get(row.id)
        uow.commit()
    assert record is not None
    return record


def update_exercise(
    uow_factory: LibraryUowFactory, user_id: str, exercise_id: str, draft: ExerciseDraft
) -> ExerciseRecord:
    """Edit one of the coach's own exercises (admins: any). Global ones refuse coaches."""
    rules.check_ids(user_id=user_id, exercise_id=exercise_id)
    draft.check()
    with uow_factory() as uow:
        user = _user(uow, user_id)
        old = _editable(uow, user, exercise_id)
        old_meta = old.meta if isinstance(old.meta, dict) else {}
        if old.scope == "global":
            meta = draft.global_meta(old_meta)
        else:
            meta = draft.coach_meta({k: v for k, v in old_meta.items() if k not in _COACH_KEYS})
        row = ExerciseRow(
            id=old.id,
            name=draft.name.strip(),
            description=(draft.description or "").strip() or None,
            type=draft.type,
            scope=old.scope,
            owner_id=old.owner_id,
            meta=meta,
        )
        # The kept keys come from the stored row: an outsized or odd meta is refused, not sent.
        rules.check_exercise(name=row.name, description=row.description, meta=row.meta)
        uow.library.update(row, _now())
        record = uow.library.get(old.id)
        uow.commit()
    assert record is not None
    return record


def delete_exercise(uow_factory: LibraryUowFactory, user_id: str, exercise_id: str) -> None:
    """Delete an own exercise; refused, naming the programs, while any session uses it."""
    rules.check_ids(user_id=user_id, exercise_id=exercise_id)
    with uow_factory() as uow:
        user = _user(uow, user_id)
        record = _editable(uow, user, exercise_id)
        titles = uow.library.programs_using(exercise_id)
        if titles:
            raise ExerciseInUse(record.name, tuple(titles))
        uow.library.delete(exercise_id)
        uow.commit()
