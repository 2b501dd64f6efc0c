"""What lies under the follow-through screens: tags edited in a live meeting (undo, the
session format, the minutes), the stage that shows a search hit, and which postmortems
the wrap-up calls earlier."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pmtui.core import search, sessionfile
from pmtui.core.clock import FakeClock
from pmtui.core.live import EditError, LiveMeeting
from pmtui.core.models import ActionItem, Note, Why, WhyChain
from pmtui.export.markdown import render_markdown
from pmtui.service.archive import Archive
from pmtui.service.ledger import FollowThrough
from pmtui.service.settings import Settings

T0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
SAMPLES = Path(__file__).resolve().parents[2] / "sample_sessions"


@pytest.fixture
def live() -> LiveMeeting:
    live = LiveMeeting.new("Checkout errors", 30, FakeClock(T0.timestamp()))
    live.add_chain("checkout failed")
    live.add_answer(0, "a flag flipped in production")
    return live


def why_id(live: LiveMeeting) -> str:
    return live.pm.whys[0].answers[0].id


def test_a_tag_toggles_on_the_meeting_and_undo_takes_it_back(live: LiveMeeting) -> None:
    assert live.toggle_tag("  Config   Change ") == ["config change"]
    assert live.toggle_tag("deployment") == ["config change", "deployment"]
    assert live.toggle_tag("config change") == ["deployment"]
    assert live.undo() == "untag meeting 'config change'"
    assert live.pm.tags == ["config change", "deployment"]
    live.undo()
    live.undo()
    assert live.pm.tags == []
    live.redo()
    assert live.pm.tags == ["config change"]


def test_a_tag_on_a_why_is_its_own_and_undoes(live: LiveMeeting) -> None:
    target = why_id(live)
    assert live.toggle_tag("database", target) == ["database"]
    assert live.pm.tags == [] and live.tags_of(target) == ["database"]
    live.undo()
    assert live.tags_of(target) == []


def test_bad_tags_are_refused_and_change_nothing(live: LiveMeeting) -> None:
    version = live.version
    with pytest.raises(EditError, match="needs a name"):
        live.toggle_tag("   ")
    with pytest.raises(EditError, match="at most"):
        live.toggle_tag("x" * 200)
    with pytest.raises(EditError, match="no longer there"):
        live.toggle_tag("network", "no-such-why")
    assert live.version == version and live.pm.tags == []


def test_tags_made_in_the_meeting_reach_the_record_and_the_minutes(live: LiveMeeting) -> None:
    live.toggle_tag("config change")
    live.toggle_tag("feature flags", why_id(live))
    back = sessionfile.from_record(live.record())
    assert back.tags == ["config change"]
    assert back.whys[0].answers[0].tags == ["feature flags"]
    doc = sessionfile.to_document(back)
    assert doc["tags"] == ["config change"]
    assert sessionfile.from_document(doc).whys[0].answers[0].tags == ["feature flags"]
    minutes = render_markdown(back, now=T0)
    assert "## Tags" in minutes and "config change, feature flags" in minutes


def test_every_place_a_hit_can_have_maps_to_the_stage_that_shows_it() -> None:
    pm = LiveMeeting.new("Replica lag", 30, FakeClock(T0.timestamp())).pm
    pm.summary = pm.impact = pm.trigger = pm.detection = pm.resolution = "replica lag"
    pm.incident_id = "lag-1"
    pm.went_right = [Note("replica lag seen")]
    pm.went_wrong = [Note("replica lag grew")]
    pm.got_lucky = [Note("replica lag stopped")]
    pm.whys = [WhyChain("replica lag", [Why("replica lag because")])]
    pm.action_items = [ActionItem("alert on replica lag", note="replica lag")]
    pm.tags = ["replica lag"]
    found = {hit.place: search.stage_of(hit.place) for hit in search.search(pm, "lag")}
    assert found == {
        "Title": "setup",
        "Incident id": "setup",
        "Summary": "wrapup",
        "Impact": "wrapup",
        "Trigger": "wrapup",
        "Detection": "wrapup",
        "Resolution": "wrapup",
        "Went right, note 1": "lessons",
        "Went wrong, note 1": "lessons",
        "Got lucky, note 1": "lessons",
        "Chain 1, problem": "whys",
        "Chain 1, why 1": "whys",
        "Action item 1": "actions",
        "Action item 1, note": "actions",
        "Tags": "setup",
    }


def test_recurring_causes_name_only_earlier_postmortems(tmp_path: Path) -> None:
    archive = Archive(Settings.load(data=tmp_path))
    older = archive.import_file(SAMPLES / "aws-s3-2017-us-east-1.json")  # 2017
    newer = archive.import_file(SAMPLES / "cloudflare-2019-waf-regex.json")  # 2019
    service = FollowThrough(archive)
    for pm in (older, newer):
        service.tag(pm.id, ["config change"])
    (found,) = service.recurring(archive.load(newer.id))
    assert found.describe() == f"config change: also in 1 earlier postmortem ({older.title})"
    assert service.recurring(archive.load(older.id)) == []
    undated = LiveMeeting.new("Flag flip", 30, FakeClock(T0.timestamp())).pm
    undated.tags = ["config change"]  # a new meeting, no timeline yet: every other is earlier
    (found,) = service.recurring(undated)
    assert found.titles == (older.title, newer.title) or found.titles == (newer.title, older.title)
    archive.add(undated)  # stored: created now, so it is earlier than no 2019 incident
    (found,) = service.recurring(archive.load(newer.id))
    assert found.titles == (older.title,)
