"""The library's text folding: its fast paths give what the full NFKD pass gives."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from gbf_desktop.services.library import fold


def _full_pass(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@given(st.text())
def test_fold_equals_the_full_pass_on_any_text(text: str) -> None:
    assert fold(text) == _full_pass(text)


def test_fold_examples() -> None:
    assert fold("Fémur ÉLÉVATION") == "femur elevation"
    assert fold("Back Squat") == "back squat"
    assert fold("Straße") == "strasse"
    assert fold("ﬁt") == "fit"  # a compatibility ligature decomposes to ASCII
