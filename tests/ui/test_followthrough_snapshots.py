"""The search and trends screens on the screen-share, at 80x24, pinned as snapshots.
Update them deliberately with `pytest tests/ui/test_followthrough_snapshots.py
--snapshot-update`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from pmtui.core.clock import FakeClock
from pmtui.service.ledger import FollowThrough
from tests.ui.helpers import ROOT, T0, app_for, archive_for, loaded, new_store, type_text


def archive_app(tmp_path: Path) -> Any:
    """Every sample, tagged, in one archive; the home screen."""
    store = new_store(tmp_path)
    archive = archive_for(store)
    tags = {
        "aws-s3-2017-us-east-1": ["config change", "capacity"],
        "cloudflare-2019-waf-regex": ["config change", "deployment"],
        "github-2018-network-partition": ["network", "database"],
        "gitlab-2017-database-outage": ["database", "runbook and process"],
    }
    for name, tagged in tags.items():
        pm = archive.import_file(ROOT / "sample_sessions" / f"{name}.json")
        FollowThrough(archive).tag(pm.id, tagged)
    return app_for(store, FakeClock(T0.timestamp()))


def test_trends_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("s")
        await loaded(pilot)

    assert snap_compare(archive_app(tmp_path), terminal_size=(80, 24), run_before=run_before)


def test_search_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("slash")
        await type_text(pilot, "replica")
        await pilot.press("enter")
        await loaded(pilot)

    assert snap_compare(archive_app(tmp_path), terminal_size=(80, 24), run_before=run_before)
