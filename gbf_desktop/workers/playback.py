"""The clip player's engine: a thread that owns the open file and decodes, a cache of the frames it
decoded last, and a clock that paces playback in the GUI thread.

One thread per open clip, not a task on the runner's pools: a player holds its file open for as
long as it is on screen, and two players (the comparison) would otherwise take half of the read
pool from the database work for good.

The thread touches no QObject. It takes the newest request from a `_Channel` and leaves its
results there; the GUI thread collects them on a timer that runs only while something is awaited
or playing. So nothing the thread does can reach a widget that is gone: closing a player (or
deleting it, or letting Python collect it) closes the channel, and the thread ends at its next
picture, closing the file.

Each request carries a generation number; a result of an older one (a picture decoded for a seek
the coach has already moved past) is dropped unseen. Pictures go over as QImages copied out of
their RGB arrays, with their times, and the newest ones stay in a cache bounded in bytes: stepping
back a frame, or seeking to a place just shown, needs no decoding.

Playback is paced by a clock (`PlayClock`): the clip time is where play started plus the wall time
since, times the rate. The thread decodes a little ahead of it; when decoding falls behind, it
skips to the clock's time (frames are dropped, the clock never drifts).
"""

from __future__ import annotations

import logging
import math
import threading
import time
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QImage

from gbf_desktop.domain import clips
from gbf_desktop.errors import KnownError

if TYPE_CHECKING:
    from gbf_desktop.video.camera import Image
    from gbf_desktop.video.playback import ClipReader

log = logging.getLogger(__name__)

# About 64 frames of a stored clip (854x480 RGB): more than a keyframe interval, so every step
# back after the first one is served from memory. An uploaded 1080p file gets about 12 of them.
CACHE_BYTES = 64 * clips.MAX_WIDTH * clips.MAX_HEIGHT * 3
# How far ahead of the clock (in wall time) the thread decodes while playing.
_LEAD_S = 0.08
# How often the GUI thread paces the picture while playing, and looks for the picture of a seek
# or a step while paused (a step served from the cache arrives within a millisecond).
_TICK_MS = 5
_AWAIT_TICK_MS = 1
# Frames before a seek's target kept in the cache: turning a frame into RGB costs more than
# decoding it, so a seek (a scrub) keeps only the few a step back needs first; a step back past
# them, which says the coach is going back frame by frame, keeps all the cache holds.
_SEEK_KEEP = 3
# While playing, the position is reported with each new picture, and at least this often.
_REPORT_S = 0.05
# Pictures left uncollected before the thread waits: the GUI thread collects every few ms, so this
# is only reached while it is held up, and then memory stays at a few frames instead of growing.
_BACKLOG = 4

BUG_MESSAGE = "A bug in the app stopped this clip from playing. Please close it and open it again."


def _unplayable(reason: str) -> str:
    return (
        f"This clip cannot be played here ({reason.rstrip('.')}). "
        "Export it and open it in another player to check it."
    )


@dataclass(frozen=True)
class PlayClock:
    """Clip time `start_s` at monotonic wall time `wall_s`, advancing `rate` times as fast."""

    start_s: float
    wall_s: float
    rate: float

    def at(self, wall_s: float) -> float:
        return self.start_s + (wall_s - self.wall_s) * self.rate


@dataclass(frozen=True)
class ShownPicture:
    """A decoded frame ready for the screen: shown from `start_us` up to `end_us`."""

    start_us: int
    end_us: int
    image: QImage

    @property
    def size_bytes(self) -> int:
        return int(self.image.sizeInBytes())

    def shows(self, time_s: float) -> bool:
        return self.start_us <= round(time_s * 1_000_000) < self.end_us


class FrameCache:
    """The pictures decoded last, by start time, within `max_bytes` (the oldest used goes first)."""

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._pictures: OrderedDict[int, ShownPicture] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._pictures)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def find(self, time_s: float) -> ShownPicture | None:
        for key, picture in self._pictures.items():
            if picture.shows(time_s):
                self._pictures.move_to_end(key)
                return picture
        return None

    def add(self, picture: ShownPicture) -> None:
        old = self._pictures.pop(picture.start_us, None)
        if old is not None:
            self._bytes -= old.size_bytes
        self._pictures[picture.start_us] = picture
        self._bytes += picture.size_bytes
        while self._bytes > self.max_bytes and len(self._pictures) > 1:
            _, dropped = self._pictures.popitem(last=False)
            self._bytes -= dropped.size_bytes

    def frames_that_fit(self, picture_bytes: int) -> int:
        return max(1, self.max_bytes // max(1, picture_bytes))


# -- between the GUI thread and the decoding thread ----------------------------------------------


@dataclass(frozen=True)
class _Show:
    generation: int
    time_s: float


@dataclass(frozen=True)
class _Play:
    generation: int
    clock: PlayClock


@dataclass(frozen=True)
class _Idle:
    generation: int


_Request = _Show | _Play | _Idle


@dataclass(frozen=True)
class _Opened:
    duration_s: float
    fps: float


@dataclass(frozen=True)
class _Ended:
    generation: int


@dataclass(frozen=True)
class _Failed:
    message: str


_Result = _Opened | ShownPicture | _Ended | _Failed


class _Channel:
    """The newest request, the results not yet collected, and whether the player closed."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._request: _Request | None = None
        self._results: deque[tuple[int, _Result]] = deque()
        self._closed = False
        # Frames the thread decoded (written by it alone; read by tests through the player).
        self.decoded = 0

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._results.clear()
            self._lock.notify_all()

    def ask(self, request: _Request) -> None:
        with self._lock:
            self._request = request
            self._lock.notify_all()

    def take(self, timeout: float | None) -> _Request | None:
        """The newest request (consumed), waiting up to `timeout` seconds for one."""
        with self._lock:
            if self._request is None and not self._closed:
                self._lock.wait(timeout)
            request, self._request = self._request, None
            return request

    def pending(self) -> bool:
        """Whether a newer request waits (the thread drops what it was doing for it)."""
        return self._request is not None or self._closed

    def wait(self, timeout: float) -> None:
        """Sleep up to `timeout` seconds, waking for a new request or the close."""
        with self._lock:
            if self._request is None and not self._closed:
                self._lock.wait(timeout)

    def put(self, generation: int, result: _Result) -> None:
        with self._lock:
            if not self._closed:
                self._results.append((generation, result))

    def backlog(self) -> int:
        return len(self._results)

    def collect(self) -> list[tuple[int, _Result]]:
        with self._lock:
            results = list(self._results)
            self._results.clear()
            return results


def _serve(
    channel: _Channel, path: Path, cache_bytes: int, open_reader: Callable[[Path], ClipReader]
) -> None:
    """The decoding thread: open the file, then answer requests until the channel closes."""
    try:
        reader = open_reader(path)
    except KnownError as err:
        channel.put(0, _Failed(_unplayable(getattr(err, "message", str(err)))))
        return
    except Exception as err:
        log.error("Opening %s for playback failed with a bug", path.name, exc_info=err)
        channel.put(0, _Failed(BUG_MESSAGE))
        return
    try:
        channel.put(0, _Opened(reader.duration_s, reader.fps))
        _Decoding(channel, reader, FrameCache(cache_bytes)).run()
    except KnownError as err:
        channel.put(0, _Failed(_unplayable(getattr(err, "message", str(err)))))
    except Exception as err:
        log.error("Playing %s failed with a bug", path.name, exc_info=err)
        channel.put(0, _Failed(BUG_MESSAGE))
    finally:
        reader.close()


class _Decoding:
    """The thread's side: a reader, its cache, and the request being served."""

    def __init__(self, channel: _Channel, reader: ClipReader, cache: FrameCache) -> None:
        self._channel = channel
        self._reader = reader
        self._cache = cache
        self._picture_bytes = 0

    def run(self) -> None:
        request: _Request | None = None
        while not self._channel.closed:
            if isinstance(request, _Show):
                picture = self._picture_at(request.time_s, keep_before=True)
                if picture is not None:
                    self._channel.put(request.generation, picture)
            elif isinstance(request, _Play):
                self._play(request)
            # An idle request (a pause) only stops what was being done.
            request = self._channel.take(timeout=0.5)

    def _play(self, request: _Play) -> None:
        clock = request.clock
        # From where the clock is now: a request taken late (the thread was busy) starts late.
        target = max(clock.start_s, clock.at(time.monotonic()))
        last: ShownPicture | None = None
        while not self._channel.pending():
            picture = self._picture_at(target, keep_before=False)
            if picture is None and self._channel.pending():
                return  # a newer request came in while decoding
            if picture is None or (last is not None and picture.start_us <= last.start_us):
                self._channel.put(request.generation, _Ended(request.generation))
                return
            while self._channel.backlog() >= _BACKLOG and not self._channel.pending():
                self._channel.wait(0.02)
            self._channel.put(request.generation, picture)
            last = picture
            # The next picture is decoded shortly before it is due; if that moment has passed
            # by more than a picture, decoding fell behind: go straight to where the clock is.
            target = picture.end_us / 1_000_000
            due = (target - clock.at(time.monotonic())) / clock.rate - _LEAD_S
            if due > 0:
                self._channel.wait(due)
            now = clock.at(time.monotonic())
            if now > target + (picture.end_us - picture.start_us) / 1_000_000:
                target = now

    def _picture_at(self, time_s: float, *, keep_before: bool) -> ShownPicture | None:
        """The picture shown at `time_s`, from the cache or decoded; None when a newer request
        or the close interrupted decoding."""
        last_start_s = self._reader.last_start_s
        if last_start_s is not None and time_s > last_start_s:
            # Past the last picture (the clip's full length, where the comparison parks a shorter
            # clip many times a second): that picture, from the cache, not decoded again.
            time_s = last_start_s
        cached = self._cache.find(time_s)
        if cached is not None:
            return cached
        fps = self._reader.fps
        window = 0  # playing keeps only what it shows
        if keep_before:
            stepping_back = self._cache.find(time_s + 1.5 / fps) is not None
            fit = self._cache.frames_that_fit(self._picture_bytes or 3 * clips.MAX_WIDTH * 480)
            window = fit if stepping_back else min(_SEEK_KEEP, fit)

        def keep(start_s: float) -> bool:
            return (time_s - start_s) * fps < window

        shown: ShownPicture | None = None
        for found in self._reader.walk(time_s, keep):
            self._channel.decoded = self._reader.decoded
            if found.rgb is not None:
                shown = _to_shown(found.start_s, found.end_s, found.rgb)
                self._picture_bytes = shown.size_bytes
                self._cache.add(shown)
            if self._channel.pending():
                return None
        return shown


def _to_shown(start_s: float, end_s: float, rgb: Image) -> ShownPicture:
    height, width = rgb.shape[:2]
    # Copied: the QImage then owns its pixels and never points into an array that is freed.
    image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
    return ShownPicture(round(start_s * 1_000_000), round(end_s * 1_000_000), image)


def _open_reader(path: Path) -> ClipReader:
    from gbf_desktop.video.playback import ClipReader  # noqa: PLC0415 (PyAV loads with a clip)

    return ClipReader(path)


# -- the GUI thread's side ------------------------------------------------------------------------


class _Closer:
    """Holds the open channel, so that the player's destruction can close it without the
    callback holding the player (a plain object, never a widget)."""

    def __init__(self) -> None:
        self.channel: _Channel | None = None

    def close(self, *_args: object) -> None:
        if self.channel is not None:
            self.channel.close()


class Playback(QObject):
    """One clip file played in the GUI thread's terms: open, play, pause, seek, rate.

    `picture` carries each `ShownPicture` to put on screen; `opened` the duration in ms once the
    file is open; `ended` when play reached the last picture (left on screen, paused);
    `failed` a message for the coach when the file cannot be opened or decoded.
    """

    opened = Signal(int)
    picture = Signal(object)
    position_changed = Signal(int)
    playing_changed = Signal(bool)
    ended = Signal()
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None, *, cache_bytes: int = CACHE_BYTES) -> None:
        super().__init__(parent)
        self._cache_bytes = cache_bytes
        self._closer = _Closer()
        # Whichever comes first: the C++ object deleted with its widget, or Python collecting it.
        self.destroyed.connect(self._closer.close)
        weakref.finalize(self, self._closer.close)
        self._thread: threading.Thread | None = None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(_TICK_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._rate = 1.0
        self._reset()

    def _reset(self) -> None:
        self._generation = 0
        self._duration_ms = 0
        self._fps = float(clips.FPS)
        self._position_ms = 0
        self._clock: PlayClock | None = None
        self._due: deque[ShownPicture] = deque()
        self._awaiting = False
        self._exhausted = False
        self._last_shown: ShownPicture | None = None
        self._last_report = 0.0
        self._at_end = False

    # -- state ----------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._closer.channel is not None

    @property
    def is_playing(self) -> bool:
        return self._clock is not None

    @property
    def is_running(self) -> bool:
        """Whether the decoding thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def awaiting(self) -> bool:
        """Whether a picture asked for while paused (a seek, a step) is still on its way."""
        return self._awaiting

    @property
    def at_end(self) -> bool:
        return self._at_end

    @property
    def position(self) -> int:
        return self._position_ms

    @property
    def duration(self) -> int:
        return self._duration_ms

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def fps(self) -> float:
        """The open clip's frame rate (its average, for a variable one), known once opened."""
        return self._fps

    @property
    def decoded(self) -> int:
        """Frames the thread decoded since the file was opened."""
        channel = self._closer.channel
        return channel.decoded if channel is not None else 0

    # -- commands -------------------------------------------------------------------------------

    def open(self, path: Path) -> None:
        """Open `path` in a new decoding thread, paused on its first picture."""
        self.close()
        channel = _Channel()
        self._closer.channel = channel
        self._thread = threading.Thread(
            target=_serve,
            args=(channel, path, self._cache_bytes, _open_reader),
            name=f"playback {path.name}",
            daemon=True,
        )
        self._thread.start()
        self._show(0)

    def close(self, timeout_s: float = 5.0) -> None:
        """Stop the thread and let go of the file (so it can be deleted, even on Windows)."""
        was_playing = self.is_playing
        self._closer.close()
        self._closer.channel = None
        thread, self._thread = self._thread, None
        if thread is not None:
            # Ends at its next picture (a few ms), or at once when idle.
            thread.join(timeout_s)
        self._timer.stop()
        self._reset()
        if was_playing:
            self.playing_changed.emit(False)

    def play(self) -> None:
        if not self.is_open or self.is_playing:
            return
        if self._at_end:
            self._position_ms = 0
        self._start_clock(self._position_ms)
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if not self.is_playing:
            return
        self._stop_clock()
        self.playing_changed.emit(False)

    def seek(self, ms: int) -> None:
        if not self.is_open:
            return
        ms = max(0, min(ms, self._duration_ms)) if self._duration_ms else max(0, ms)
        if self.is_playing:
            self._start_clock(ms)
        else:
            self._show(ms)
        self._report(ms)

    def set_rate(self, rate: float) -> None:
        self._rate = rate
        if self.is_playing:
            self._start_clock(self._position_ms)

    # -- inside ---------------------------------------------------------------------------------

    def _ask(self, request: Callable[[int], _Request]) -> None:
        self._generation += 1
        channel = self._closer.channel
        if channel is not None:
            channel.ask(request(self._generation))
        self._timer.start()

    def _show(self, ms: int) -> None:
        self._at_end = False
        self._position_ms = ms
        self._awaiting = True
        self._ask(lambda generation: _Show(generation, ms / 1000))
        self._timer.setInterval(_AWAIT_TICK_MS)

    def _start_clock(self, ms: int) -> None:
        self._at_end = False
        self._position_ms = ms
        self._clock = PlayClock(ms / 1000, time.monotonic(), self._rate)
        self._due.clear()
        self._exhausted = False
        self._awaiting = False
        clock = self._clock
        self._ask(lambda generation: _Play(generation, clock))
        self._timer.setInterval(_TICK_MS)

    def _stop_clock(self) -> None:
        if self._clock is not None:
            self._position_ms = self._clock_ms(self._clock)
        self._clock = None
        self._due.clear()
        self._ask(_Idle)

    def _clock_ms(self, clock: PlayClock) -> int:
        ms = math.floor(clock.at(time.monotonic()) * 1000)
        return min(max(0, ms), self._duration_ms) if self._duration_ms else max(0, ms)

    def _report(self, ms: int) -> None:
        self._last_report = time.monotonic()
        self.position_changed.emit(ms)

    def _shown(self, picture: ShownPicture) -> None:
        self._last_shown = picture
        self.picture.emit(picture)

    @Slot()
    def _on_timer_timeout(self) -> None:
        channel = self._closer.channel
        if channel is None:
            self._timer.stop()
            return
        for generation, result in channel.collect():
            if isinstance(result, _Failed):
                self.close()
                self.failed.emit(result.message)
                return
            if isinstance(result, _Opened):
                self._duration_ms = round(result.duration_s * 1000)
                self._fps = result.fps
                self.opened.emit(self._duration_ms)
            elif generation != self._generation:
                continue  # for a request the coach has moved past
            elif isinstance(result, _Ended):
                self._exhausted = True
            elif self.is_playing:
                self._due.append(result)
            else:
                self._awaiting = False
                self._shown(result)
            if self._closer.channel is not channel:
                # A handler of what was just emitted closed the file or opened another: the rest
                # of the batch is the old file's (its generation numbers start again at 1).
                return
        if self._clock is not None:
            self._pace(self._clock)
        elif not self._awaiting:
            self._timer.stop()

    def _pace(self, clock: PlayClock) -> None:
        now_s = clock.at(time.monotonic())
        due: ShownPicture | None = None
        while self._due and self._due[0].start_us <= now_s * 1_000_000:
            due = self._due.popleft()  # any earlier one came too late to be seen: dropped
        self._position_ms = self._clock_ms(clock)
        if due is not None:
            self._shown(due)
        last = self._last_shown
        finished = self._exhausted and not self._due
        past_end = last is not None and now_s * 1_000_000 >= last.end_us
        # Half a second past the stated length ends it too, should the file say more than it has.
        overdue = self._duration_ms > 0 and now_s * 1000 > self._duration_ms + 500
        if (finished and past_end) or overdue:
            # The end: paused on the last picture, at the clip's full length.
            self._clock = None
            self._at_end = True
            self._position_ms = self._duration_ms
            self._ask(_Idle)
            self._timer.stop()
            self._report(self._position_ms)
            self.playing_changed.emit(False)
            self.ended.emit()
            return
        if due is not None or time.monotonic() - self._last_report >= _REPORT_S:
            self._report(self._position_ms)
