"""Follow-through in the core: policies, the ledger, review history, tags, search, stats."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pmtui.core import review, sessionfile
from pmtui.core.ledger import Change, Filters, apply, rows, summary_overdue
from pmtui.core.models import (
    ActionItem,
    ActionStatus,
    EventKind,
    Postmortem,
    Priority,
    Status,
    TimelineEvent,
    Why,
    WhyChain,
)
from pmtui.core.policy import (
    Policy,
    PolicyError,
    add_business_days,
    deadline,
    from_data,
)
from pmtui.core.search import search
from pmtui.core.stats import compute
from pmtui.core.tags import recurring, vocabulary
from tests.conftest import SAMPLES


def meeting(title: str = "Outage", held: str = "2026-11-02T10:00:00Z", **kw: object) -> Postmortem:
    pm = Postmortem(title=title, **kw)  # type: ignore[arg-type]
    pm.meeting.held_at = datetime.fromisoformat(held.replace("Z", "+00:00"))
    return pm


def test_business_days_skip_weekends() -> None:
    friday = date(2026, 11, 27)
    assert add_business_days(friday, 1) == date(2026, 11, 30)  # Monday
    assert add_business_days(friday, 5) == date(2026, 12, 4)
    assert add_business_days(date(2026, 11, 30), 5) == date(2026, 12, 7)


def test_item_without_due_is_due_by_policy_from_the_meeting_day() -> None:
    pm = meeting()
    pm.action_items = [ActionItem("Add alert on replica lag", priority=Priority.P1)]
    (row,) = rows([pm], Policy(), date(2026, 11, 20))
    assert row.due == date(2026, 11, 17) and row.due_by_policy
    assert row.days_overdue == 3


def test_meeting_day_is_the_teams_day() -> None:
    # 23:30 UTC on the 1st is already the 2nd in Tokyo.
    pm = meeting(held="2026-11-01T23:30:00Z")
    pm.action_items = [ActionItem("x", priority=Priority.P0)]
    assert rows([pm], Policy(), date(2026, 11, 1))[0].due == date(2026, 11, 8)
    tokyo = Policy(timezone="Asia/Tokyo")
    assert rows([pm], tokyo, date(2026, 11, 1))[0].due == date(2026, 11, 9)
    assert tokyo.today(datetime(2026, 11, 1, 23, 30, tzinfo=UTC)) == date(2026, 11, 2)


def test_ledger_orders_most_overdue_first_and_filters() -> None:
    a = meeting("A", severity="SEV-1", tags=["deployment"])
    a.action_items = [
        ActionItem("late", owner="Ana", due=date(2026, 11, 10), priority=Priority.P1),
        ActionItem("later", owner="Bo", due=date(2026, 11, 1), priority=Priority.P2),
        ActionItem("fine", owner="Ana", due=date(2026, 12, 30)),
        ActionItem("closed", due=date(2026, 10, 1), status=ActionStatus.DONE),
    ]
    b = meeting("B", severity="sev2")
    b.action_items = [ActionItem("b late", due=date(2026, 11, 15), owner="Cy")]
    today = date(2026, 11, 20)
    found = rows([a, b], Policy(), today)
    assert [r.title for r in found] == ["later", "late", "b late", "fine"]
    assert [r.days_overdue for r in found] == [19, 10, 5, 0]
    assert [r.title for r in rows([a, b], Policy(), today, Filters(overdue=True, owner="ana"))] == [
        "late"
    ]
    assert [r.title for r in rows([a, b], Policy(), today, Filters(severity="SEV 2"))] == ["b late"]
    assert len(rows([a, b], Policy(), today, Filters(tag="deployment"))) == 3
    assert rows([a, b], Policy(), today, Filters(include_closed=True))[-1].title == "closed"


def test_summary_tells_the_overdue_priorities_without_reading_the_meeting() -> None:
    pm = meeting()
    pm.action_items = [
        ActionItem("a", due=date(2026, 11, 3), priority=Priority.P1),
        ActionItem("b", priority=Priority.P0),  # policy: 2026-11-09
        ActionItem("c", due=date(2026, 12, 3), priority=Priority.P0),
    ]
    summary = sessionfile.summarize(sessionfile.to_record(pm))
    assert summary_overdue(summary, Policy(), date(2026, 11, 8)) == ["P1"]
    assert summary_overdue(summary, Policy(), date(2026, 11, 10)) == ["P1", "P0"]


def test_ledger_rows_from_summaries_are_the_rows_read_from_the_meetings() -> None:
    from pmtui.core.ledger import rows_from_summaries, sort_rows

    a = meeting("A", severity="SEV-1", tags=["deployment"])
    a.action_items = [
        ActionItem("late", owner="Ana", due=date(2026, 11, 10), priority=Priority.P1),
        ActionItem("by policy", priority=Priority.P0),  # due 2026-11-08
        ActionItem("fine", owner="Ana", due=date(2026, 12, 30)),
        ActionItem("closed", due=date(2026, 10, 1), status=ActionStatus.DONE),
    ]
    b = meeting("B", severity="sev2")
    b.action_items = [ActionItem("b late", due=date(2026, 11, 15), owner="Cy")]
    summaries = [sessionfile.summarize(sessionfile.to_record(pm)) for pm in (a, b)]
    for summary, pm in zip(summaries, (a, b), strict=True):
        summary["id"] = pm.id
    today = date(2026, 11, 20)
    quick, unknown = rows_from_summaries(summaries, Policy(), today)
    assert unknown == []
    assert sort_rows(quick) == rows([a, b], Policy(), today)
    late, _ = rows_from_summaries(summaries, Policy(), today, overdue_only=True)
    assert sort_rows(late) == rows([a, b], Policy(), today, Filters(overdue=True))
    assert [r.title for r in sort_rows(late)] == ["by policy", "late", "b late"]
    # A summary whose items text smuggles a second list is not trusted, and the others
    # are still read from their own summaries.
    summaries[0]["open_items"] += ',[["x", "P0", "", "", "smuggled"]]'
    quick, unknown = rows_from_summaries(summaries, Policy(), today)
    assert [s["id"] for s in unknown] == [a.id]
    assert [r.title for r in quick] == ["b late"]


def test_postmortem_deadlines_by_severity() -> None:
    pm = Postmortem(title="x", severity="SEV-2")
    pm.timeline = [TimelineEvent(datetime(2026, 11, 27, 9, tzinfo=UTC), "x", EventKind.START)]
    found = deadline(Policy(), pm, date(2026, 12, 6))
    assert found is not None and found.what == "meeting" and found.due == date(2026, 12, 4)
    assert found.describe() == "meeting due 2 days ago"
    pm.severity = "sev1"
    assert deadline(Policy(), pm, date(2026, 11, 28)).describe() == "meeting due in 2 days"
    pm.meeting.held_at = datetime(2026, 11, 29, 15, tzinfo=UTC)
    assert deadline(Policy(), pm, date(2026, 12, 5)).describe() == "publish due tomorrow"
    pm.status = Status.PUBLISHED
    assert deadline(Policy(), pm, date(2027, 1, 1)) is None


def test_policy_file_changes_defaults_and_refuses_nonsense() -> None:
    policy = from_data(
        {
            "due_days": {"P0": 3},
            "meeting_deadlines": {"sev3": {"business_days": 10}, "SEV-1": None},
            "timezone": "europe/paris",
            "tags": ["Feature Flags"],
        }
    )
    assert policy.due_days["P0"] == 3 and policy.due_days["P1"] == 15
    assert policy.meeting_deadlines == {"SEV-2": (5, True), "SEV-3": (10, True)}
    assert policy.timezone == "Europe/Paris"
    assert vocabulary(policy.tags)[-1] == "feature flags"
    for bad in (
        {"due_days": {"P9": 1}},
        {"due_days": {"P0": -1}},
        {"timezone": "Mars/Base"},
        {"x": 1},
    ):
        with pytest.raises(PolicyError):
            from_data(bad)


def test_changes_to_an_item() -> None:
    item = ActionItem("x")
    apply(item, Change("done"), date(2026, 1, 2))
    assert item.status is ActionStatus.DONE and item.closed_on == date(2026, 1, 2)
    with pytest.raises(ValueError):
        apply(item, Change("wontdo"), date(2026, 1, 2))
    apply(item, Change("wontdo", why="superseded"), date(2026, 1, 3))
    assert item.status is ActionStatus.WONT_DO and item.note == "superseded"
    apply(item, Change("assign", owner=" Sam "), date(2026, 1, 3))
    apply(item, Change("due", due=date(2026, 2, 1)), date(2026, 1, 3))
    assert (item.owner, item.due) == ("Sam", date(2026, 2, 1))


def test_status_history_round_trips_and_records_reopening() -> None:
    pm = Postmortem(title="x")
    review.move(pm, review.parse_status("in-review"), "Ana", datetime(2026, 1, 1, tzinfo=UTC))
    review.move(pm, Status.PUBLISHED, "Bo", datetime(2026, 1, 2, tzinfo=UTC))
    review.move(pm, Status.DRAFT, "Cy", datetime(2026, 1, 3, tzinfo=UTC))
    with pytest.raises(ValueError):
        review.move(pm, Status.DRAFT, "Cy", datetime(2026, 1, 3, tzinfo=UTC))
    with pytest.raises(ValueError):
        review.parse_status("shipped")
    back = sessionfile.from_record(sessionfile.to_record(pm))
    assert [(h.status, h.by, h.note) for h in back.history] == [
        (Status.IN_REVIEW, "Ana", ""),
        (Status.PUBLISHED, "Bo", ""),
        (Status.DRAFT, "Cy", "reopened"),
    ]


def test_tags_round_trip_through_the_format_and_old_readers_see_no_change() -> None:
    pm = Postmortem(title="x", tags=["config change"])
    pm.whys = [WhyChain("down", [Why("bad flag", tags=["config change", "deployment"])])]
    pm.action_items = [ActionItem("x", note="n", status=ActionStatus.WONT_DO)]
    doc = sessionfile.to_document(pm)
    assert doc["tags"] == ["config change"]
    assert doc["whys"][0]["answers"][0]["tags"] == ["config change", "deployment"]
    back = sessionfile.from_document(doc)
    assert back.tags == ["config change"] and back.whys[0].answers[0].tags[1] == "deployment"
    assert back.action_items[0].note == "n"
    assert sessionfile.summarize(sessionfile.to_record(pm))["tags"] == "config change;deployment"
    plain = sessionfile.to_document(Postmortem(title="y"))
    assert "tags" not in plain and "history" not in plain
    with pytest.raises(sessionfile.SessionFileError, match=r"tags\[0\]"):
        sessionfile.from_document({**doc, "tags": [""]})


def test_recurring_tags_name_the_earlier_postmortems() -> None:
    pm = Postmortem(title="new", tags=["config change", "network"])
    earlier = [("a", "Old one", ["config change"]), ("b", "Older", ["config change", "x"])]
    (found,) = recurring(pm, earlier)
    assert found.describe() == "config change: also in 2 earlier postmortems (Old one, Older)"


def test_search_names_places_as_the_screen_does() -> None:
    pm = sessionfile.parse_session(SAMPLES[1].read_bytes())  # cloudflare
    hits = search(pm, "REGEX")
    places = [h.place for h in hits]
    assert "Title" in places and "Chain 1, why 3" in places
    before, found, after = hits[0].snippet()
    assert found.lower() == "regex" and before == "… WAF rule with a backtracking " and after == ""
    assert search(pm, "   ") == []


def test_stats_against_hand_computed_figures_on_the_samples() -> None:
    meetings = [sessionfile.parse_session(p.read_bytes()) for p in SAMPLES]
    figures = compute(meetings, Policy(), date(2026, 12, 1), by="severity")
    total = figures.total.as_dict()
    assert total["postmortems"] == 4
    assert total["actions_opened"] == 21 and total["actions_closed"] == 10
    assert total["actions_overdue"] == 11  # every open item of the samples (3+3+3+2)
    # time to detect: 1h00 (gitlab), 3m (s3), 2m (github), 3m (cloudflare): median 3m
    assert total["median_detect_s"] == 180
    by_month = compute(meetings, Policy(), date(2026, 12, 1), since=date(2018, 1, 1))
    assert [g.key for g in by_month.groups] == ["2018-10", "2019-07"]


def test_minutes_show_tags_and_history_but_the_public_copy_does_not_name_movers() -> None:
    from pmtui.export import render_markdown

    pm = sessionfile.parse_session(SAMPLES[0].read_bytes())
    pm.tags = ["capacity", "runbook and process"]
    review.move(pm, Status.DRAFT, "Ana Reviewer", datetime(2026, 1, 2, 9, tzinfo=UTC))
    text = render_markdown(pm, "minutes")
    assert "## Tags\n\ncapacity, runbook and process" in text
    assert "- 2026-01-02 09:00 UTC: reopened as draft by Ana Reviewer" in text
    public = render_markdown(pm, "minutes", public=True)
    assert "capacity" in public and "Ana Reviewer" not in public


def test_a_status_move_in_the_wrap_up_is_recorded_and_undone_with_it() -> None:
    from pmtui.core.clock import FakeClock
    from pmtui.core.live import LiveMeeting

    live = LiveMeeting.new("x", 30, FakeClock(1_700_000_000))
    live.pm.meeting.facilitator = "Fe"
    live.set_choice("status", Status.IN_REVIEW)
    assert [(h.status, h.by) for h in live.pm.history] == [(Status.IN_REVIEW, "Fe")]
    live.undo()
    assert live.pm.history == [] and live.pm.status is Status.DRAFT
