"""Turning any accepted video into a clip of the agreed format, and making test-pattern clips.

The pipeline: probe the source (bad files stop here with a one-line reason), check the trim range
against the 15 s limit, encode with the contract's settings into a temporary file beside the target,
re-encode at a lower rate while the file is over the size limit, read the result back and check it
against the contract, and only then move it into place. The target path therefore either holds a
conforming clip or nothing: never a partial, oversize or half-checked file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ffmpeg as ffmpeg_python

from gbf_desktop.domain import clips
from gbf_desktop.errors import MediaError
from gbf_desktop.services.files import partial_path, sweep_partials
from gbf_desktop.video import mp4
from gbf_desktop.video.ffmpeg import (
    CancelCheck,
    DecodeStats,
    Progress,
    complete,
    find_ffmpeg,
    run,
)
from gbf_desktop.video.probe import MediaInfo, probe

# A decode that stops this far short of the expected length means the source ends early.
_SHORTFALL_S = 0.5
_SHORTFALL_FRACTION = 0.05


@dataclass(frozen=True)
class EncodedClip:
    """A finished clip that meets the contract."""

    path: Path
    size_bytes: int
    duration_s: float
    width: int
    height: int
    video_bitrate: int
    has_audio: bool
    attempts: int = 1
    # Said to the coach beside the clip, e.g. how much of a damaged source was patched over.
    warnings: tuple[str, ...] = ()


def _encoder_options(video_bitrate: int, *, audio_channels: int | None) -> dict[str, Any]:
    options: dict[str, Any] = {
        "c:v": clips.VIDEO_ENCODER,
        "profile:v": clips.H264_PROFILE,
        "preset": clips.X264_PRESET,
        "refs": clips.X264_REFS,
        "crf": clips.X264_CRF,
        "maxrate": video_bitrate,
        "bufsize": clips.buffer_size(video_bitrate),
        "g": clips.GOP_FRAMES,
        "keyint_min": clips.GOP_FRAMES,
        # Scene-cut keyframes would break the fixed 2 s keyframe grid browsers seek on.
        "sc_threshold": 0,
        "pix_fmt": clips.PIXEL_FORMAT,
        "color_range": clips.COLOR_RANGE,
        "fps_mode": "cfr",
        "movflags": "+faststart",
        # Phones write location and device names into metadata; a stored clip carries none of it.
        "map_metadata": -1,
        "map_chapters": -1,
        "f": clips.CONTAINER,
    }
    if audio_channels is None:
        options["an"] = None
    else:
        options["c:a"] = clips.AUDIO_CODEC
        options["b:a"] = clips.AUDIO_BITRATE
        options["ac"] = min(audio_channels, clips.AUDIO_MAX_CHANNELS)
    return options


def _picture(stream: Any, size: clips.Size, info: MediaInfo | None = None) -> Any:
    # Rate first so the scaler only touches frames that are kept; setsar=1 declares the square
    # pixels the scale produced, since the size already accounts for the source's pixel shape.
    # out_range squeezes a full-range source (MJPEG webcams, some phones) into the limited range
    # browsers assume; the format then drops 4:2:2, 4:4:4 and 10-bit pictures to 8-bit 4:2:0.
    picture = stream.filter("fps", fps=clips.FPS)
    if info is not None and info.hdr_transfer is not None:
        picture = _to_standard_range(picture, size, info)
    else:
        picture = picture.filter("scale", size.width, size.height, out_range=clips.COLOR_RANGE)
    return picture.filter("setsar", 1).filter("format", clips.PIXEL_FORMAT)


def _to_standard_range(picture: Any, size: clips.Size, info: MediaInfo) -> Any:
    """An HDR picture (PQ or HLG, BT.2020 primaries) made a standard BT.709 one.

    Without it a PQ clip plays grey and dim in every browser (its signal read as if standard),
    and an HLG one with washed-out colours (BT.2020 primaries read as BT.709). Scaled first, in
    its own signal, so that the float stages work on 480 lines, not 2160; then to linear light
    and BT.709 primaries, and back to BT.709's curve in limited range.
    - PQ is absolute light: 100 nits are taken as 1.0 (a standard picture's white) and mobius
      compresses the highlights above its knee, leaving the values below as they are (skin and
      the bar keep their tone).
    - HLG was made to be watched as it is on a standard screen (BT.2100): its curve is read as
      a standard one, so only its colours change. Converted as light, its middle grey came out
      a third brighter than a standard screen shows it.
    The source's tags are given, not read from frames, so a stream that tags only its header
    converts the same way.
    """
    pq = info.hdr_transfer == "smpte2084"
    # zscale resizes too: swscale refuses a BT.2020 constant-luminance picture outright. Every
    # input property is given and so are the output primaries, since an untagged frame would
    # leave zimg "no path between colorspaces".
    linear = picture.filter(
        "zscale",
        w=size.width,
        h=size.height,
        tin=info.hdr_transfer if pq else "bt709",
        min=info.hdr_matrix or "bt2020nc",
        pin="bt2020",
        rin="pc" if info.color_range == "pc" else "tv",
        t="linear",
        p="bt2020",
        npl=100,
    )
    standard = linear.filter("format", "gbrpf32le").filter("zscale", p="bt709")
    if pq:
        standard = standard.filter("tonemap", tonemap="mobius", desat=0)
    return standard.filter("zscale", t="bt709", m="bt709", r=clips.COLOR_RANGE)


def compress_args(
    ffmpeg_exe: str,
    info: MediaInfo,
    output: Path,
    trim: clips.TrimRange,
    *,
    video_bitrate: int,
    keep_audio: bool,
) -> list[str]:
    """The ffmpeg argument list that encodes `trim` of the probed source to the contract."""
    whole = trim.start_s == 0 and trim.end_s >= info.duration_s
    # Input-side seeking decodes from the preceding keyframe and drops frames before the start, so
    # the cut is frame-accurate while skipping the decoding of everything earlier.
    source = ffmpeg_python.input(str(info.path), **({} if whole else {"ss": f"{trim.start_s:.6f}"}))
    size = clips.output_size(
        info.width, info.height, rotation=info.rotation, sample_aspect=info.sample_aspect
    )
    streams = [_picture(source[str(info.video_stream)], size, info)]
    audio_channels = None
    if keep_audio and info.audio_stream is not None:
        streams.append(source[str(info.audio_stream)])
        audio_channels = info.audio_channels or clips.AUDIO_MAX_CHANNELS
    options = _encoder_options(video_bitrate, audio_channels=audio_channels)
    if info.hdr_transfer is not None:
        # Said in the stream too, so no player takes the converted picture for HDR still.
        options.update(color_primaries="bt709", color_trc="bt709", colorspace="bt709")
    # The output-side limit is the guard for the whole-file case too: a header that understated
    # the length cannot produce a clip past what was validated.
    options["t"] = f"{trim.duration_s:.6f}"
    args: list[str] = ffmpeg_python.output(*streams, str(output), **options).compile(cmd=ffmpeg_exe)
    return args


def _facts(path: Path) -> tuple[clips.ClipFacts, MediaInfo]:
    info = probe(path)
    layout = mp4.read_layout(path)
    frames = info.frame_count
    duration = frames / clips.FPS if frames else info.duration_s
    facts = clips.ClipFacts(
        codec=info.codec,
        profile=info.profile,
        pixel_format=info.pixel_format,
        width=info.width,
        height=info.height,
        sample_aspect=info.sample_aspect,
        fps=info.fps or 0.0,
        duration_s=duration,
        size_bytes=info.size_bytes,
        moov_before_mdat=layout.moov_before_mdat,
        audio_codec=info.audio_codec,
        rotation=info.rotation,
        color_range=info.color_range,
    )
    return facts, info


def check_source(info: MediaInfo) -> None:
    """Refuse, before any encode, a source too small or too short to make a clip of."""
    problem = clips.source_problem(info.width, info.height, info.frame_count)
    if problem is not None:
        raise MediaError(
            f"{info.path.name} {problem}", hint="Choose a video recorded by a camera or a phone."
        )


def check_output(output: Path) -> None:
    """Refuse, before any encode, a target that is a folder or lies in a folder not writable."""
    if output.is_dir():
        raise MediaError(
            f"{output} is a folder; the clip needs a file name.",
            hint=f"Give a file name inside it, such as {output / 'clip.mp4'}.",
        )
    folder = output.parent
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise MediaError(
            f"The clip cannot be written to {output}: {existing} is a file, not a folder.",
            hint="Choose a file name in an existing folder.",
        )
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise MediaError(
            f"The clip cannot be written to {output}: you may not write in {existing}.",
            hint="Choose a folder of yours.",
        )


def damage_warning(source: Path, decode: DecodeStats | None) -> str | None:
    """How much of a source the decoder had to patch over, as a sentence; None when nothing."""
    if decode is None or decode.damaged == 0:
        return None
    if decode.packets > 0:
        share = min(100.0, 100.0 * decode.damaged / decode.packets)
        amount = f"{decode.damaged} of its {decode.packets} pictures ({share:.0f} %)"
        if share < 1:
            amount = f"{decode.damaged} of its {decode.packets} pictures (under 1 %)"
    else:
        amount = f"{decode.damaged} pictures"
    return (
        f"{source.name} is damaged: {amount} could not be decoded and were replaced by the "
        "neighbouring pictures. Check the clip before storing it."
    )


def _partial_path(output: Path) -> Path:
    # Beside the target, so the final move is a rename on one file system, never a copy; ffmpeg
    # creates it, so it gets the user's usual permissions rather than a private temp file's. The
    # name carries our pid: a start after a crash sweeps it (`files.sweep_partials`).
    return partial_path(output)


def iter_compress(
    source: Path,
    output: Path,
    *,
    start_s: float | None = None,
    end_s: float | None = None,
    keep_audio: bool = False,
    ffmpeg_path: str | None = None,
    max_bytes: int = clips.MAX_BYTES,
    cancel: CancelCheck | None = None,
) -> Generator[Progress, None, EncodedClip]:
    """Compress `source` (or `start_s`..`end_s` of it) into a contract clip at `output`.

    Yields progress per encode attempt; returns the clip. Raises `MediaError` for a source that
    cannot be used or a clip that cannot be made to fit, `ValidationError` for a bad trim range and
    `Cancelled` when `cancel()` turns true. On any of these `output` does not exist afterwards.
    """
    source, output = Path(source), Path(output)
    check_output(output)
    if output.exists() and output.resolve() == source.resolve():
        raise MediaError(
            "The compressed clip cannot overwrite its own source.", hint="Choose another file."
        )
    info = probe(source)
    check_source(info)
    trim = clips.validate_trim(start_s, end_s, info.duration_s)
    exe = find_ffmpeg(ffmpeg_path)
    keeps_audio = keep_audio and info.has_audio
    audio_rate = clips.AUDIO_BITRATE if keeps_audio else 0
    rate = min(
        clips.TARGET_BITRATE,
        clips.bitrate_for_size(max_bytes, trim.duration_s, audio_bitrate=audio_rate),
    )
    if rate < clips.MIN_BITRATE:
        raise MediaError(
            f"A {trim.duration_s:.1f} s clip cannot fit in {max_bytes} bytes "
            "at a watchable quality.",
            hint="Choose a shorter part of the video.",
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    # A compress killed earlier (the CLI, a crashed app) left its partial here; nobody else will.
    sweep_partials([output.parent])
    partial = _partial_path(output)
    attempts = 0
    warnings: list[str] = []
    try:
        while True:
            attempts += 1
            args = compress_args(
                exe, info, partial, trim, video_bitrate=rate, keep_audio=keeps_audio
            )
            outcome = yield from run(
                args,
                output=partial,
                duration_s=trim.duration_s,
                cancel=cancel,
                doing=f"compress {source.name}",
            )
            shortfall = trim.duration_s - outcome.out_time_s
            if shortfall > max(_SHORTFALL_S, _SHORTFALL_FRACTION * trim.duration_s):
                raise MediaError(
                    f"{source.name} ends early: only {outcome.out_time_s:.1f} s of the expected "
                    f"{trim.duration_s:.1f} s could be read (the file looks truncated or damaged).",
                    hint="Copy or download the file again, or choose an earlier part.",
                )
            produced = partial.stat().st_size
            if produced <= max_bytes:
                damage = damage_warning(source, outcome.decode)
                if damage is not None:
                    warnings.append(damage)
                break
            new_rate = clips.retry_bitrate(rate, produced, max_bytes=max_bytes)
            if new_rate is None:
                raise MediaError(
                    f"The clip from {source.name} stays over {max_bytes} bytes even at a low "
                    "quality.",
                    hint="Choose a shorter part of the video.",
                )
            rate = new_rate
        facts, result = _facts(partial)
        problems = clips.contract_violations(facts)
        if problems:
            raise MediaError(
                f"The clip made from {source.name} does not meet the clip format: "
                + "; ".join(problems)
                + ".",
                hint="This is a bug in GoBeyondFit Desktop; please report it with the file.",
            )
        os.replace(partial, output)
        return EncodedClip(
            path=output,
            size_bytes=facts.size_bytes,
            duration_s=facts.duration_s,
            width=facts.width,
            height=facts.height,
            video_bitrate=rate,
            has_audio=result.has_audio,
            attempts=attempts,
            warnings=tuple(warnings),
        )
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()


def compress(
    source: Path,
    output: Path,
    *,
    start_s: float | None = None,
    end_s: float | None = None,
    keep_audio: bool = False,
    ffmpeg_path: str | None = None,
    max_bytes: int = clips.MAX_BYTES,
    on_progress: Callable[[Progress], None] | None = None,
    cancel: CancelCheck | None = None,
) -> EncodedClip:
    """`iter_compress` run to the end, for callers without an event loop (the CLI, scripts)."""
    return complete(
        iter_compress(
            source,
            output,
            start_s=start_s,
            end_s=end_s,
            keep_audio=keep_audio,
            ffmpeg_path=ffmpeg_path,
            max_bytes=max_bytes,
            cancel=cancel,
        ),
        on_progress,
    )


def _label_colour(label: str) -> str:
    # A stable colour per label tells seeded clips apart at a glance without drawtext's font.
    digest = hashlib.sha256(label.encode("utf-8")).hexdigest()
    return f"0x{digest[:6]}"


def encode_test_pattern(
    output: Path,
    *,
    duration_s: float = 1.0,
    width: int = clips.MAX_WIDTH,
    height: int = clips.MAX_HEIGHT,
    label: str | None = None,
    ffmpeg_path: str | None = None,
    cancel: CancelCheck | None = None,
) -> EncodedClip:
    """A contract clip of ffmpeg's moving test pattern, for the self-check and the demo data.

    A `label` draws a colour band derived from it (no font needed) and becomes the clip's title.
    """
    trim = clips.validate_trim(0.0, duration_s, duration_s)
    size = clips.output_size(width, height)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial_path(output)
    try:
        pattern = ffmpeg_python.input(
            f"testsrc2=size={size}:rate={clips.FPS}:duration={trim.duration_s:.6f}", f="lavfi"
        )
        if label:
            pattern = pattern.filter(
                "drawbox",
                x=0,
                y=0,
                w="iw",
                h="ih/8",
                color=_label_colour(label),
                t="fill",
            )
        options = _encoder_options(clips.TARGET_BITRATE, audio_channels=None)
        if label:
            options["metadata"] = f"title={label}"
            del options["map_metadata"]
        args: list[str] = ffmpeg_python.output(
            _picture(pattern, size), str(partial), **options
        ).compile(cmd=find_ffmpeg(ffmpeg_path))
        complete(
            run(
                args,
                output=partial,
                duration_s=trim.duration_s,
                cancel=cancel,
                doing="make a test clip",
            )
        )
        produced = partial.stat().st_size
        os.replace(partial, output)
        return EncodedClip(
            path=output,
            size_bytes=produced,
            duration_s=trim.duration_s,
            width=size.width,
            height=size.height,
            video_bitrate=clips.TARGET_BITRATE,
            has_audio=False,
        )
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()


def encode_lift_demo(
    output: Path,
    *,
    duration_s: float,
    seed: int = 1,
    ffmpeg_path: str | None = None,
    cancel: CancelCheck | None = None,
) -> EncodedClip:
    """A contract clip of a lifter squatting a barbell (`synthetic.SquatScene`), for the demo.

    The frames are drawn here and piped to ffmpeg raw, as the recorder pipes a camera's.
    """
    from gbf_desktop.video.synthetic import SquatScene  # noqa: PLC0415 (cv2 is heavy)

    trim = clips.validate_trim(0.0, duration_s, duration_s)
    size = clips.output_size(clips.MAX_WIDTH, clips.MAX_HEIGHT)
    scene = SquatScene(size.width, size.height, clips.FPS, seed=seed)
    count = round(trim.duration_s * clips.FPS)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial_path(output)
    source = ffmpeg_python.input(
        "pipe:0", f="rawvideo", pix_fmt="bgr24", s=f"{size.width}x{size.height}", r=clips.FPS
    )
    options = _encoder_options(clips.TARGET_BITRATE, audio_channels=None)
    options["metadata"] = f"title={scene.label}"
    del options["map_metadata"]
    args: list[str] = ffmpeg_python.output(_picture(source, size), str(partial), **options).compile(
        cmd=find_ffmpeg(ffmpeg_path)
    )
    read_fd, write_fd = os.pipe()
    failure: list[OSError] = []

    def feed() -> None:
        try:
            for image in scene.frames(count):
                data = memoryview(image.tobytes())
                while data:
                    data = data[os.write(write_fd, data) :]
        except OSError as err:  # EPIPE: ffmpeg stopped; its own error says why
            failure.append(err)
        finally:
            os.close(write_fd)

    writer = threading.Thread(target=feed, name="demo-clip-frames", daemon=True)
    writer.start()
    try:
        complete(
            run(
                args,
                output=partial,
                duration_s=trim.duration_s,
                cancel=cancel,
                doing="make a demo clip",
                stdin=read_fd,
            )
        )
        writer.join()
        produced = partial.stat().st_size
        os.replace(partial, output)
        return EncodedClip(
            path=output,
            size_bytes=produced,
            duration_s=trim.duration_s,
            width=size.width,
            height=size.height,
            video_bitrate=clips.TARGET_BITRATE,
            has_audio=False,
        )
    finally:
        # ffmpeg has ended either way: closing the read end unblocks a writer still writing.
        os.close(read_fd)
        writer.join()
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
