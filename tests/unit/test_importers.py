"""The core's importers: parsed Slack, PagerDuty, Statuspage and table data to entries."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from pmtui.core import sessionfile
from pmtui.core.clock import FakeClock
from pmtui.core.importers import (
    Entry,
    ImportFormatError,
    merge,
    pagerduty,
    plaintable,
    slack,
    statuspage,
    suggest_markers,
)
from pmtui.core.live import LiveMeeting
from pmtui.core.models import EventKind, Participant, Postmortem, TimelineEvent
from pmtui.core.timeutil import zone

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
EXPORT = FIXTURES / "slack-s3-2017"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def slack_batch(**options: Any) -> Any:
    users = slack.read_users(load(EXPORT / "users.json"))
    channels = slack.read_channels(load(EXPORT / "channels.json"))
    channel = slack.find_channel(channels, "#inc-s3-outage", "export")
    days = [(p.name, load(p)) for p in sorted((EXPORT / "inc-s3-outage").glob("*.json"))]
    return slack.read_messages(
        days, channel=channel, users=users, channels=channels, options=slack.Options(**options)
    )


def texts(batch: Any) -> list[str]:
    return [e.text for e in batch.entries]


# -- Slack --------------------------------------------------------------------------------


def test_slack_messages_become_readable_entries_in_time_order() -> None:
    batch = slack_batch()
    got = texts(batch)
    assert got[0] == "Avery Quill: I've been paged: S3 GETs failing in #inc-s3-outage 🚨"
    # <@U..> to the name, <url|label> to the label, a bare link kept, &amp; unescaped
    assert got[1] == (
        "Brenna Okafor: @Avery Quill looking. Dashboard: S3 errors & https://status.example.com"
    )
    assert [e.at for e in batch.entries] == sorted(e.at for e in batch.entries)
    first = batch.entries[0]
    assert first.at == datetime(2017, 2, 28, 17, 39, 0, 300, tzinfo=UTC)
    assert first.source == "slack:1488303540.000300"
    assert first.note.startswith("📌")  # pinned, with its reaction
    assert batch.title == "#inc-s3-outage"


def test_slack_edits_replace_the_text_deletions_remove_and_threads_keep_their_times() -> None:
    batch = slack_batch()
    reply = next(e for e in batch.entries if e.author == "Casimir Vale" and e.thread)
    assert reply.text.startswith("Casimir Vale: A removal command ran with a larger set of servers")
    assert reply.at == datetime(2017, 2, 28, 17, 41, 40, 500, tzinfo=UTC)
    assert reply.source == "slack:1488303700.000500"
    assert not any("wrong channel" in t for t in texts(batch))


def test_slack_skips_joins_topics_and_bots_unless_asked() -> None:
    batch = slack_batch()
    assert not any("joined" in t or "PagerBot" in t or "topic" in t for t in texts(batch))
    assert batch.skipped == {"joins, leaves and topic changes": 2, "bot messages": 1}
    everything = slack_batch(include_system=True, include_bots=True)
    assert any(t.startswith("PagerBot: Triggered") for t in texts(everything))
    assert any("has joined the channel" in t for t in texts(everything))
    assert "PagerBot" not in everything.participants  # a bot is not a participant


def test_slack_files_emoji_and_people() -> None:
    batch = slack_batch()
    graph = next(t for t in texts(batch) if t.startswith("Delphine"))
    assert graph == "Delphine Ruiz: Here's the error graph [file: S3 error rate 17:30-17:50]"
    assert any(t.endswith("Mitigated for reads 🎉") for t in texts(batch))
    # users.json names, a display name, and a user_profile for someone users.json lacks
    assert batch.participants == [
        "Avery Quill",
        "Brenna Okafor",
        "Casimir Vale",
        "Delphine Ruiz",
        "Emeka Strand",
    ]


def test_slack_filters_window_pinned_and_reactions() -> None:
    since = datetime(2017, 2, 28, 19, 0, tzinfo=UTC)
    until = datetime(2017, 2, 28, 23, 0, 1, tzinfo=UTC)
    assert len(slack_batch(since=since, until=until).entries) == 3
    assert len(slack_batch(only="pinned").entries) == 3
    checked = slack_batch(only=slack.parse_only("reacted::white_check_mark:"))
    assert [e.author for e in checked.entries] == ["Brenna Okafor", "Casimir Vale"]
    with pytest.raises(ValueError, match="pinned or reacted:EMOJI"):
        slack.parse_only("starred")


@pytest.mark.parametrize(
    ("markup", "readable"),
    [
        ("<@U01AVERY>", "@Avery Quill"),
        ("<@UNKNOWN>", "@UNKNOWN"),
        ("<@U9|sam>", "@sam"),
        ("<#C0INCS3>", "#inc-s3-outage"),
        ("<!channel> <!here|here>", "@channel here"),
        ("<!subteam^S1|@storage-oncall>", "@storage-oncall"),
        ("<!date^1488303540^{time}|9:39 AM>", "9:39 AM"),
        ("<mailto:ops@example.com|ops@example.com>", "ops@example.com"),
        ("a &lt;b&gt; &amp;&amp; c", "a <b> && c"),
        (":fire: :not_an_emoji_we_know:", "🔥 :not_an_emoji_we_know:"),
        ("<https://x.example/?a=1&amp;b=2>", "https://x.example/?a=1&b=2"),
    ],
)
def test_slack_markup(markup: str, readable: str) -> None:
    users = {"U01AVERY": "Avery Quill"}
    channels = [slack.Channel("C0INCS3", "inc-s3-outage")]
    assert slack.Markup(users, channels)(markup) == readable


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ({"type": "message", "text": "no ts"}, "day.json: message 2: has no ts"),
        ({"text": "x", "ts": "soon"}, 'day.json: message 2: ts "soon" is not a Slack timestamp'),
        ({"text": "x", "ts": "99999999999.1"}, "is not a possible time"),
        ("just text", "day.json: message 2: must be an object, not text"),
    ],
)
def test_slack_bad_messages_name_the_file_and_the_message(message: Any, problem: str) -> None:
    good = {"type": "message", "user": "U1", "text": "ok", "ts": "1488303540.000300"}
    with pytest.raises(ImportFormatError, match=problem.replace("(", r"\(")):
        slack.read_messages(
            [("day.json", [good, message])],
            channel=slack.Channel("C1", "c"),
            users={},
            channels=[],
            options=slack.Options(),
        )


def test_slack_missing_channel_and_bad_listings() -> None:
    channels = [slack.Channel("C1", "general"), slack.Channel("C2", "inc-db")]
    with pytest.raises(ImportFormatError, match=r'x.zip: no channel "inc-web" \(channels: general'):
        slack.find_channel(channels, "inc-web", "x.zip")
    assert slack.find_channel(channels, "C2", "x").name == "inc-db"
    assert slack.find_channel(channels, "#INC-DB", "x").name == "inc-db"
    with pytest.raises(ImportFormatError, match=r"users\.json: must be a list of users"):
        slack.read_users({"users": []})
    with pytest.raises(ImportFormatError, match=r"day\.json: must be a list of messages"):
        slack.read_messages(
            [("day.json", {})], channel=channels[0], users={}, channels=[], options=slack.Options()
        )


# -- markers ------------------------------------------------------------------------------


def test_markers_are_suggested_once_each_and_never_applied() -> None:
    batch = slack_batch()
    suggested = suggest_markers(batch.entries, set())
    marks = {e.suggested: e.text for e in suggested if e.suggested}
    assert marks[EventKind.DETECTION].startswith("Avery Quill: I've been paged")
    assert "Mitigated for reads" in marks[EventKind.MITIGATION]
    assert "all clear" in marks[EventKind.RESOLUTION]
    assert all(e.kind is EventKind.EVENT for e in suggested)
    # a marker the timeline has is not suggested again
    again = suggest_markers(batch.entries, {EventKind.DETECTION})
    assert EventKind.DETECTION not in {e.suggested for e in again}


# -- merging ------------------------------------------------------------------------------


def test_merge_skips_same_source_and_same_time_and_text() -> None:
    at = datetime(2017, 2, 28, 17, 39, tzinfo=UTC)
    existing = [
        TimelineEvent(at, "Avery: paged", source="slack:1.0"),
        TimelineEvent(at, "typed by hand"),
    ]
    entries = [
        Entry(at, "Avery: paged (edited since)", source="slack:1.0"),
        Entry(at, "Typed  by HAND"),
        Entry(at, "new"),
        Entry(at, "new"),
    ]
    fresh, known = merge(existing, entries)
    assert [e.text for e in fresh] == ["new"] and known == 3


def test_live_meeting_adds_an_import_as_one_undo_step() -> None:
    live = LiveMeeting.new("S3", 30, FakeClock())
    live.pm.participants = [Participant("avery quill", "IC")]
    events = [e.event() for e in slack_batch().entries]
    added, known = live.add_imported(events, ["Avery Quill", "Brenna Okafor"])
    assert (added, known) == (8, 0)
    assert [p.name for p in live.pm.participants] == ["avery quill", "Brenna Okafor"]
    assert live.add_imported(events, ["Brenna Okafor"]) == (0, 8)
    assert live.undo() == "import"
    assert live.pm.timeline == [] and len(live.pm.participants) == 1


def test_source_ids_survive_the_session_file() -> None:
    pm = Postmortem(title="S3")
    pm.timeline = [e.event() for e in slack_batch().entries] + [
        TimelineEvent(datetime(2017, 3, 1, tzinfo=UTC), "typed")
    ]
    doc = sessionfile.to_document(pm)
    assert doc["timeline"][0]["source"] == "slack:1488303540.000300"
    assert "source" not in doc["timeline"][-1]  # nothing written for a typed event
    back = sessionfile.from_document(json.loads(json.dumps(doc)))
    assert [e.source for e in back.timeline] == [e.source for e in pm.sorted_timeline()]
    doc["timeline"][0] = {**doc["timeline"][0], "source": 12}
    with pytest.raises(sessionfile.SessionFileError, match=r"timeline\[0\].source: must be text"):
        sessionfile.from_document(doc)


# -- PagerDuty ----------------------------------------------------------------------------


def test_pagerduty_log_gives_markers_notes_and_escalations() -> None:
    batch = pagerduty.read_log(load(FIXTURES / "pagerduty-s3-2017.json"), have=set())
    kinds = [(e.kind, e.text) for e in batch.entries]
    assert kinds[0] == (EventKind.START, "PagerDuty: Triggered through the API")
    assert kinds[1] == (EventKind.DETECTION, "PagerDuty: Acknowledged by Avery Quill")
    assert (EventKind.EVENT, "PagerDuty: Escalated to Brenna Okafor") in kinds
    note = next(e for e in batch.entries if "note" in e.text)
    assert note.text == "PagerDuty note by Brenna Okafor: Index subsystem restart under way"
    assert note.at == datetime(2017, 2, 28, 17, 50, tzinfo=UTC)  # -08:00 converted
    # the second acknowledgement is an event, not a second detection marker
    assert kinds[-2] == (EventKind.EVENT, "PagerDuty: Acknowledged by Brenna Okafor")
    assert kinds[-1][0] is EventKind.RESOLUTION
    assert batch.skipped == {"notifications and other log entries": 1}
    assert batch.entries[0].source == "pagerduty:R1TRIGGER"
    assert batch.participants == ["Avery Quill", "Brenna Okafor", "Casimir Vale"]
    assert batch.title == "S3 us-east-1 elevated error rate"


def test_pagerduty_leaves_a_start_marker_the_timeline_has() -> None:
    batch = pagerduty.read_log(load(FIXTURES / "pagerduty-s3-2017.json"), have={EventKind.START})
    assert batch.entries[0].kind is EventKind.EVENT


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"incidents": []}, "is not a PagerDuty incident log"),
        ([{"type": "trigger_log_entry", "created_at": "2017-02-30T10:00:00Z"}], "log_entries[0]"),
        ([{"created_at": "2017-02-28T10:00:00Z"}], "log_entries[0]: has no type"),
        ([7], "log_entries[0]: must be an object"),
    ],
)
def test_pagerduty_bad_input(data: Any, problem: str) -> None:
    with pytest.raises(ImportFormatError) as error:
        pagerduty.read_log(data, have=set(), source="pd.json")
    assert str(error.value).startswith("pd.json: ") and problem in str(error.value)


# -- Statuspage ---------------------------------------------------------------------------


def test_statuspage_updates_become_events_with_kinds_from_their_status() -> None:
    batch = statuspage.read_incident(load(FIXTURES / "statuspage-s3-2017.json"), have=set())
    assert [e.kind for e in batch.entries] == [
        EventKind.DETECTION,
        EventKind.EVENT,
        EventKind.MITIGATION,
        EventKind.RESOLUTION,
    ]
    assert batch.entries[1].text == (
        "Status page (Identified): We have identified the root cause & are working on recovery."
    )
    assert batch.entries[0].source == "statuspage:u1"
    assert batch.title == "Increased error rates for S3 in US-EAST-1"
    wrapped = statuspage.read_incident(
        {"incident": load(FIXTURES / "statuspage-s3-2017.json")}, have=set()
    )
    assert len(wrapped.entries) == 4
    with pytest.raises(ImportFormatError, match=r"sp\.json: is not a Statuspage incident"):
        statuspage.read_incident({"page": {}}, have=set(), source="sp.json")
    bad = {"incident_updates": [{"status": "resolved", "body": "x", "display_at": "yesterday"}]}
    with pytest.raises(ImportFormatError, match=r"incident_updates\[0\]: display_at"):
        statuspage.read_incident(bad, have=set())


# -- plain timelines ----------------------------------------------------------------------


def test_csv_times_read_as_typed_with_the_date_carried_down() -> None:
    text = (FIXTURES / "timeline-s3-2017.csv").read_text()
    batch = plaintable.read_csv(text, tz=zone("America/Los_Angeles"), day=None, source="t.csv")
    times = [e.at.strftime("%m-%d %H:%M") for e in batch.entries]
    assert times == ["02-28 17:37", "02-28 17:45", "02-28 19:58", "02-28 20:26", "02-28 21:54"]
    assert [e.kind for e in batch.entries] == [
        EventKind.START,
        EventKind.DETECTION,
        EventKind.EVENT,
        EventKind.MITIGATION,
        EventKind.RESOLUTION,
    ]
    assert batch.entries[3].text == "GET, LIST and DELETE recovering"


def test_markdown_table_rolls_over_midnight_and_keeps_escaped_pipes() -> None:
    text = (FIXTURES / "timeline-s3-2017.md").read_text()
    batch = plaintable.read_markdown(text, tz=zone("UTC"), day=None, source="t.md")
    assert [e.at.strftime("%d %H:%M") for e in batch.entries] == [
        "28 23:50",
        "28 23:58",
        "01 00:03",
    ]
    assert batch.entries[1].text == "Capacity checks | pass"


def test_plain_timeline_semicolons_a_date_column_and_a_given_date() -> None:
    text = "Date;Time;What\n2026-11-20;14:32;deploy\n;2:40pm;errors\n"
    batch = plaintable.read_csv(text, tz=zone("Europe/Berlin"), day=None)
    assert [e.at for e in batch.entries] == [
        datetime(2026, 11, 20, 13, 32, tzinfo=UTC),
        datetime(2026, 11, 20, 13, 40, tzinfo=UTC),
    ]
    batch = plaintable.read_csv("time,event\n14:32,x\n", tz=zone("UTC"), day=date(2026, 1, 2))
    assert batch.entries[0].at == datetime(2026, 1, 2, 14, 32, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("time,event\n14:32,x\n", 't.csv: row 2: "14:32" has no date'),
        ("when,what\n2026-11-20 25:99,x\n", 't.csv: row 2: "2026-11-20 25:99" is not a time'),
        ("when,what\n2026-02-30 10:00,x\n", "t.csv: row 2: "),
        ("a,b\n1,2\n", "t.csv: row 1: needs a time column and an event column"),
        ("time,event,kind\n2026-11-20 10:00,x,blame\n", 'row 2: kind "blame" is not one of'),
        ("time,event\n2026-11-20 10:00,\n", "row 2: has no event text"),
        ("time,event\n2026-03-29 02:30,x\n", "does not exist"),
    ],
)
def test_plain_timeline_bad_rows(text: str, problem: str) -> None:
    tz = zone("Europe/Berlin")
    with pytest.raises(ImportFormatError) as error:
        plaintable.read_csv(text, tz=tz, day=None, source="t.csv")
    assert problem in str(error.value)


def test_markdown_without_a_table_is_refused() -> None:
    with pytest.raises(ImportFormatError, match=r"n\.md: has no Markdown table"):
        plaintable.read_markdown("# notes\n\njust prose\n", tz=zone("UTC"), day=None, source="n.md")


# -- hostile shapes -----------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
KEYS = [
    "ts",
    "text",
    "user",
    "subtype",
    "thread_ts",
    "reactions",
    "files",
    "pinned_to",
    "message",
    "attachments",
    "user_profile",
    "bot_id",
    "deleted_ts",
    "username",
]
MESSAGE = st.dictionaries(st.sampled_from(KEYS), JSON | st.just("1488303540.000300"), max_size=8)
PD_ENTRY = st.dictionaries(
    st.sampled_from(["id", "type", "created_at", "summary", "agent", "channel", "assignees"]),
    JSON | st.sampled_from(["trigger_log_entry", "annotate_log_entry", "2017-02-28T17:37:00Z"]),
    max_size=7,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(MESSAGE | JSON, max_size=6))
def test_any_day_file_imports_or_is_refused_with_one_line(day: list[Any]) -> None:
    try:
        slack.read_messages(
            [("d.json", day)],
            channel=slack.Channel("C1", "c"),
            users={},
            channels=[],
            options=slack.Options(only="reacted:eyes"),
        )
    except ImportFormatError as error:
        assert str(error).startswith("d.json: ") and "\n" not in str(error)


@settings(max_examples=150, deadline=None)
@given(st.lists(PD_ENTRY | JSON, max_size=6), JSON)
def test_any_log_or_incident_imports_or_is_refused(entries: list[Any], other: Any) -> None:
    for read, data in (
        (pagerduty.read_log, {"log_entries": entries}),
        (statuspage.read_incident, {"incident_updates": entries}),
        (statuspage.read_incident, other),
    ):
        try:
            read(data, have=set(), source="f.json")
        except ImportFormatError as error:
            assert str(error).startswith("f.json: ")
