"""The sample sessions are full, realistic records."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmtui.core import sessionfile as sf
from pmtui.core import whys as whytree
from pmtui.core.models import EventKind
from pmtui.service.files import read_session_file
from tests.conftest import SAMPLES


def test_there_are_at_least_four() -> None:
    assert len(SAMPLES) >= 4


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_sample_is_a_full_record(sample: Path) -> None:
    pm = read_session_file(sample)
    assert len(pm.timeline) >= 8
    kinds = {e.kind for e in pm.timeline}
    assert {
        EventKind.START,
        EventKind.DETECTION,
        EventKind.MITIGATION,
        EventKind.RESOLUTION,
    } <= kinds
    assert pm.went_right and pm.went_wrong and pm.got_lucky
    assert pm.whys and all(whytree.depth(chain) >= 3 for chain in pm.whys)
    assert len(pm.action_items) >= 3
    names = {p.name for p in pm.participants}
    assert len(names) >= 4 and all(name.strip() for name in names)
    assert pm.owner in names
    assert all(item.owner in names for item in pm.action_items if item.owner)
    text = sf.dumps(sf.to_document(pm)).lower()
    assert "human error" not in text and "should have" not in text
