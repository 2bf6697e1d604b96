"""The plate tracker and `gbf-desktop clip bar-path` on synthetic lifts with a known path."""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path

import pytest

from gbf_desktop.cli import main
from gbf_desktop.domain import bar_path
from gbf_desktop.video import bar_tracker
from tests.synthetic_lift import LiftScene, RepPlan, render_clip

pytestmark = pytest.mark.ffmpeg

TWO_REPS = LiftScene(
    start_pause_s=0.4,
    reps=(RepPlan(0.8, 0.2, 0.6, 0.4, 130.0), RepPlan(0.8, 0.2, 0.8, 0.4, 128.0)),
    occluder=(1.2, 900.0, 40.0),
)
# A wide board crawling past hides the plate for about a second.
HIDDEN = LiftScene(
    start_pause_s=0.4,
    reps=(RepPlan(0.8, 0.2, 0.6, 0.4, 130.0), RepPlan(0.8, 0.2, 0.8, 0.4, 128.0)),
    occluder=(0.0, 260.0, 380.0),
)


@pytest.fixture(scope="module")
def two_reps(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_clip(TWO_REPS, tmp_path_factory.mktemp("lift") / "two.mp4")


@pytest.fixture(scope="module")
def hidden(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_clip(HIDDEN, tmp_path_factory.mktemp("lift") / "hidden.mp4")


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GBF_DATA_DIR", str(tmp_path / "data"))


def _mark(scene: LiftScene, t: float) -> bar_tracker.PlateMark:
    x, y = scene.position(t)
    return bar_tracker.PlateMark(x, y, scene.radius_px, t)


def test_the_path_follows_the_plate_from_a_mark_in_the_middle(two_reps: Path) -> None:
    # Marked mid-clip: tracked backwards to the start and forwards to the end.
    tracked = bar_tracker.track(two_reps, [_mark(TWO_REPS, 2.0)])
    assert tracked.frames == len(tracked.samples) == round(TWO_REPS.duration_s * 24)
    errors = [math.dist((s.x_px, s.y_px), TWO_REPS.position(s.t_s)) for s in tracked.samples]
    assert statistics.median(errors) < 1.0
    assert max(errors) < 3.0
    analysis = bar_path.analyse(tracked.samples, tracked.radius_px)
    assert len(analysis.reps) == 2
    # 45 cm over 110 px: 130 px is 53.2 cm.
    assert analysis.reps[0].rom_cm == pytest.approx(130 * 45 / 110, abs=0.5)


def test_the_command_prints_the_path_and_the_reps(
    two_reps: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    x, y = TWO_REPS.position(0.0)
    code = main(["clip", "bar-path", str(two_reps), "--plate", f"{x:.1f},{y:.1f},55"])
    out = capsys.readouterr()
    assert code == 0, out.err
    result = json.loads(out.out)
    assert len(result["path"]) == round(TWO_REPS.duration_s * 24)
    t, px, py = result["path"][30]
    assert math.dist((px, py), TWO_REPS.position(t)) < 1.5
    reps = result["reps"]
    assert [r["number"] for r in reps] == [1, 2]
    truth = bar_path.analyse(
        [bar_path.PathSample(k / 1000, *TWO_REPS.position(k / 1000)) for k in range(6000)], 55.0
    ).reps
    for rep, real in zip(reps, truth, strict=True):
        assert rep["start_s"] < rep["end_s"]
        assert rep["rom_cm"] == pytest.approx(real.rom_cm, abs=1.0)
        assert rep["mean_velocity_m_s"] == pytest.approx(real.mean_velocity_m_s, rel=0.05)
        assert rep["peak_velocity_m_s"] == pytest.approx(real.peak_velocity_m_s, rel=0.05)
    assert result["velocity_loss_pct"] > 0


def test_a_lost_plate_is_one_line_with_the_frame_and_exit_1(
    hidden: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    x, y = HIDDEN.position(0.0)
    code = main(["clip", "bar-path", str(hidden), "--plate", f"{x},{y},55"])
    out = capsys.readouterr()
    assert code == 1
    assert out.out == ""
    assert "The plate was lost at" in out.err
    assert "(frame " in out.err
    assert "Mark the plate again" in out.err
    assert len(out.err.strip().splitlines()) == 1


def test_marking_the_plate_again_after_it_was_lost_completes_the_path(hidden: Path) -> None:
    with pytest.raises(bar_tracker.TrackingLost) as lost:
        bar_tracker.track(hidden, [_mark(HIDDEN, 0.0)])
    assert lost.value.samples  # what was found before the loss is kept
    # The coach marks the plate where it shows again, after the board passed.
    again = lost.value.time_s + 1.0
    tracked = bar_tracker.track(hidden, [_mark(HIDDEN, 0.0), _mark(HIDDEN, again)])
    assert tracked.samples[-1].t_s == pytest.approx(round(HIDDEN.duration_s * 24 - 1) / 24)
    late = [s for s in tracked.samples if s.t_s >= again]
    errors = [math.dist((s.x_px, s.y_px), HIDDEN.position(s.t_s)) for s in late]
    assert statistics.median(errors) < 1.0


@pytest.mark.parametrize(
    ("plate", "message"),
    [("10,20", "X,Y,R"), ("a,b,c", "X,Y,R"), ("10,20,-3", "R positive"), ("2000,20,50", "outside")],
)
def test_a_bad_plate_is_a_clear_message(
    two_reps: Path, capsys: pytest.CaptureFixture[str], plate: str, message: str
) -> None:
    assert main(["clip", "bar-path", str(two_reps), "--plate", plate]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_cancelling_stops_the_tracking(two_reps: Path) -> None:
    calls = iter(range(1000))
    with pytest.raises(bar_tracker.TrackingCancelled):
        bar_tracker.track(two_reps, [_mark(TWO_REPS, 0.0)], cancel=lambda: next(calls) > 20)
