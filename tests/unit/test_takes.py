"""The takes folder without ffmpeg or a database: facts written whole, a start settling stores."""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import Self

import pytest

from gbf_desktop.errors import DatabaseUnavailable, MediaError
from gbf_desktop.services.files import partial_path, sweep_partials
from gbf_desktop.services.takes import IMPORTED, RECORDED, TRIMMED, Take, TakeStore


class FakeMedia:
    def __init__(self, stored: set[str]) -> None:
        self.stored = stored

    def clip_info(self, media_id: str) -> object | None:
        return object() if media_id in self.stored else None


class FakeUow:
    def __init__(self, stored: set[str]) -> None:
        self.media = FakeMedia(stored)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        return None

    def commit(self) -> None:
        raise AssertionError("recovering takes writes nothing to the database")

    def rollback(self) -> None:
        return None


def _take(store: TakeStore, data: bytes = b"clip", **facts: object) -> Take:
    path = store.new_clip_path()
    path.write_bytes(data)
    origin = str(facts.pop("origin", RECORDED))
    return store.keep(path, origin=origin, **facts)  # type: ignore[arg-type]


def test_a_kept_take_is_found_and_listed_with_its_facts(tmp_path: Path) -> None:
    store = TakeStore(tmp_path / "takes")
    kept = _take(store, origin=IMPORTED, source_name="squat.mov", duration_s=4.5)
    [take] = store.pending()
    assert take == store.find(kept.path) == kept
    assert (take.label, take.duration_s, take.size_bytes) == ("Imported from squat.mov", 4.5, 4)
    assert store.find(tmp_path / "elsewhere.mp4") is None


def test_a_start_discards_a_take_whose_store_committed_and_offers_one_that_did_not(
    tmp_path: Path,
) -> None:
    store = TakeStore(tmp_path / "takes")
    committed = store.mark_storing(_take(store), "media-1")
    rolled_back = store.mark_storing(_take(store), "media-2")
    untouched = _take(store)
    offered = store.recover(lambda: FakeUow({"media-1"}))  # type: ignore[arg-type,return-value]
    assert sorted(t.id for t in offered) == sorted([rolled_back.id, untouched.id])
    assert all(t.storing_media_id is None for t in offered)
    assert not committed.path.exists()
    # Settled for good: the mark is gone from the file too.
    assert all(t.storing_media_id is None for t in store.pending())


def test_without_a_database_an_interrupted_store_stays_marked(tmp_path: Path) -> None:
    store = TakeStore(tmp_path / "takes")
    marked = store.mark_storing(_take(store), "media-9")
    [offered] = store.recover(None)
    assert offered.storing_media_id == "media-9"
    assert marked.path.exists()


def test_a_clip_without_its_facts_is_still_offered(tmp_path: Path) -> None:
    store = TakeStore(tmp_path / "takes")
    path = store.new_clip_path()
    path.write_bytes(b"recorded, then killed before the facts were written")
    [take] = store.recover(None)
    assert (take.path, take.label) == (path, "Clip")


def test_partials_of_dead_processes_are_swept_and_live_ones_kept(tmp_path: Path) -> None:
    mine = partial_path(tmp_path / "clip.mp4")
    mine.write_bytes(b"being written by this process")
    dead = tmp_path / f".clip.{2**22 + 12345}-0123abcd.partial.mp4"
    dead.write_bytes(b"left by a killed process")
    unrelated = tmp_path / ".notes.partial"
    unrelated.write_bytes(b"not ours")
    assert sweep_partials([tmp_path, tmp_path / "missing"]) == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, unrelated.name])
    assert str(os.getpid()) in mine.name


def test_an_export_copies_the_take_and_keeps_it(tmp_path: Path) -> None:
    store = TakeStore(tmp_path / "takes")
    take = _take(store, b"bytes of the clip")
    target = store.export(take, tmp_path / "out" / "squat.mp4")
    assert target.read_bytes() == b"bytes of the clip"
    assert take.path.exists()
    named = store.export(take, tmp_path / "out")
    assert named.parent == tmp_path / "out"
    assert named.name.startswith("clip-")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(MediaError, match="could not be saved"):
        store.export(take, blocker / "squat.mp4")


@pytest.mark.parametrize(
    ("origin", "source_name", "label"),
    [
        (RECORDED, None, "Recorded with the camera"),
        (IMPORTED, "squat.mov", "Imported from squat.mov"),
        (TRIMMED, "squat.mov", "Cut from squat.mov"),
        (TRIMMED, None, "Cut from a recording"),
        ("", None, "Clip"),
    ],
)
def test_a_take_is_named_by_where_it_came_from(
    tmp_path: Path, origin: str, source_name: str | None, label: str
) -> None:
    store = TakeStore(tmp_path / "takes")
    assert _take(store, origin=origin, source_name=source_name).label == label


def test_an_unreachable_database_leaves_an_interrupted_store_marked(tmp_path: Path) -> None:
    store = TakeStore(tmp_path / "takes")
    marked = store.mark_storing(_take(store), "media-3")

    def unreachable() -> FakeUow:
        raise DatabaseUnavailable("The database server at db.example.org cannot be reached.")

    [offered] = store.recover(unreachable)  # type: ignore[arg-type]
    assert offered.storing_media_id == "media-3"
    assert marked.path.exists()
