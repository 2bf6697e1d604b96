"""The demo plan in memory: stable ids, and data that tells a coach something. No database."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from statistics import mean
from typing import Any

from gbf_desktop.demo.plan import DemoPlan, build_plan, demo_id

TODAY = date(2026, 3, 12)


def _all_rows(plan: DemoPlan) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [*plan.users, *plan.groups, *plan.group_members]
    rows += [*plan.exercises, *plan.progress, *(c.row for c in plan.clips)]
    for program in plan.programs:
        rows += [program.program, program.audit, *program.blocks, *program.weeks]
        rows += [*program.sessions, *program.session_exercises]
    for assignment, notification in plan.assignments:
        rows += [assignment, notification]
    return rows


def test_ids_are_unique_uuid4_and_do_not_move_with_the_date() -> None:
    ids = [row["id"] for row in _all_rows(build_plan(TODAY))]
    assert len(ids) == len(set(ids))
    assert all(uuid.UUID(i).version == 4 and str(uuid.UUID(i)) == i for i in ids)
    assert demo_id("user", "coach") == demo_id("user", "coach")

    later = [row["id"] for row in _all_rows(build_plan(TODAY + timedelta(days=30)))]
    assert later == ids


def test_the_plan_is_the_same_on_every_run() -> None:
    assert build_plan(TODAY) == build_plan(TODAY)


def test_loads_go_up_over_the_blocks() -> None:
    plan = build_plan(TODAY)
    camille = demo_id("user", "camille")
    by_block: dict[str, list[float]] = {}
    for row in plan.progress:
        if row["studentId"] != camille:
            continue
        for entry in row["progress"]["exercises"]:
            if entry["exerciseName"] == "Barbell Back Squat":
                by_block.setdefault(row["progress"]["block"], []).append(
                    float(entry["data"]["weightUsed"])
                )
    assert mean(by_block["Intensification"]) > mean(by_block["Accumulation"])


def test_nothing_is_logged_in_the_future() -> None:
    # A Monday: the current week has not started for anyone yet.
    monday = date(2026, 3, 9)
    plan = build_plan(monday)
    assert all(row["savedAt"].date() < monday + timedelta(days=1) for row in plan.progress)
    assert plan.start == monday - timedelta(weeks=8)
