from __future__ import annotations

from typing import Any

import pytest

from gbf_desktop.domain.progress import session_is_complete


@pytest.mark.parametrize(
    ("status", "progress", "complete"),
    [
        ("completed", {"exercises": [{"status": "completed"}, {"status": "in_progress"}]}, False),
        ("partial", {"exercises": [{"status": "completed"}, {"status": "skipped"}]}, True),
        ("completed", None, True),
        ("pending", None, False),
        (None, {"exercises": "not a list"}, False),
        ("completed", {"exercises": [None, 3, {"status": " completed "}]}, True),
        ("completed", {"exercises": [{}]}, False),
    ],
)
def test_session_completion(
    status: str | None, progress: dict[str, Any] | None, complete: bool
) -> None:
    assert session_is_complete(status, progress) is complete
