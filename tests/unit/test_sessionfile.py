"""Session file format versions 1 to 3: reading, refusing, writing, round trips."""

from __future__ import annotations

import copy
import json
import pickle
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmtui.core import sessionfile as sf
from pmtui.core import whys as whytree
from pmtui.core.models import (
    ActionItem,
    ActionStatus,
    ActionType,
    Cause,
    EventKind,
    Note,
    Participant,
    Postmortem,
    Priority,
    Status,
    TimelineEvent,
    Why,
    WhyChain,
)
from pmtui.service.files import read_session_file
from tests.conftest import SAMPLES


def doc(**fields: Any) -> dict[str, Any]:
    return {"pmtui": 1, "title": "Checkout errors"} | fields


def refused(document: Any, source: str = "x.json") -> str:
    with pytest.raises(sf.SessionFileError) as caught:
        sf.from_document(document, source=source)
    return str(caught.value)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ([1, 2], "x.json: must be a JSON object, not a list"),
        ("text", "x.json: must be a JSON object, not text"),
        ({"title": "a"}, 'x.json: has no "pmtui" format version (expected "pmtui": 3)'),
        ({"pmtui": 4, "title": "a"}, "x.json: format version 4 is not supported"),
        ({"pmtui": True, "title": "a"}, "x.json: format version true is not supported"),
        ({"pmtui": "1", "title": "a"}, 'x.json: format version "1" is not supported'),
        ({"pmtui": 1}, "x.json: title: is missing or empty"),
        (doc(title="  "), "x.json: title: must not be empty"),
        (doc(title=42), "x.json: title: must be text, not a number"),
        (doc(timeline={}), "x.json: timeline: must be a list, not an object"),
        (doc(participants=["Ada"]), "x.json: participants[0]: must be an object, not text"),
        (doc(went_right=["ok", 3]), "x.json: went_right[1]: must be text, not a number"),
        (doc(timezone="Mars/Base"), 'x.json: timezone: "Mars/Base" is not a known IANA time zone'),
        (doc(status="closed"), 'x.json: status: "closed" is not one of: draft, in review'),
        (
            doc(action_items=[{"title": "t", "due": "2026-13-01"}]),
            'x.json: action_items[0].due: "2026-13-01" is not a date (YYYY-MM-DD)',
        ),
        (
            doc(action_items=[{"title": "t", "priority": "P9"}]),
            'x.json: action_items[0].priority: "P9" is not one of: P0, P1, P2, P3',
        ),
        (doc(whys=[{"answers": ["a"]}]), "x.json: whys[0].problem: is missing or empty"),
        (
            doc(whys=[{"problem": "p", "answers": ["a", 7]}]),
            "x.json: whys[0].answers[1]: must be text or an object, not a number",
        ),
        (
            doc(whys=[{"problem": "p", "answers": [{"cause": "root"}]}]),
            "x.json: whys[0].answers[0].text: is missing or empty",
        ),
        (
            doc(whys=[{"problem": "p", "answers": [{"text": "a", "cause": "blame"}]}]),
            'x.json: whys[0].answers[0].cause: "blame" is not one of: , contributing, root',
        ),
        (
            doc(whys=[{"problem": "p", "answers": [{"text": "a", "branches": ["b"]}]}]),
            "x.json: whys[0].answers[0].branches[0]: must be a list of answers, not text",
        ),
        (
            doc(whys=[{"problem": "p", "answers": [{"text": "a", "branches": [["b", ""]]}]}]),
            "x.json: whys[0].answers[0].branches[0][1]: must not be empty",
        ),
        (
            doc(whys=[{"problem": "p", "answers": ["why"] * 51}]),
            "x.json: whys[0].answers[50]: a chain holds at most 50 whys below one another",
        ),
        (
            doc(action_items=[{"title": "t", "addresses": ["a"]}]),
            "x.json: action_items[0].addresses: must be text, not a list",
        ),
    ],
)
def test_bad_documents_get_one_message_with_file_path_and_problem(
    document: Any, expected: str
) -> None:
    assert refused(document).startswith(expected)


def test_bad_timestamp_names_the_event_and_what_was_written() -> None:
    events = [{"at": "2026-11-20T10:00:00Z", "text": "ok"}] * 3
    events = [*events, {"at": "25:99", "text": "broken"}]
    assert refused(doc(timeline=events)) == 'x.json: timeline[3].at: "25:99" is not a time'


@pytest.mark.parametrize(
    ("at", "problem"),
    [
        ("2026-11-20", "is a date without a time"),
        ("yesterday", "is not a time"),
        ("2026-02-30T10:00:00Z", "is not a time"),
        ("2026-03-29T02:30:00", "does not exist in Europe/Amsterdam"),
        ("2026-10-25T02:30:00", "happens twice in Europe/Amsterdam"),
    ],
)
def test_timestamps_that_cannot_be_read(at: str, problem: str) -> None:
    message = refused(doc(timezone="Europe/Amsterdam", timeline=[{"at": at, "text": "t"}]))
    assert "timeline[0].at" in message and problem in message


def test_unknown_kind_and_counting_further_problems() -> None:
    message = refused(
        doc(timeline=[{"at": "2026-11-20T10:00:00Z", "text": "t", "kind": "x"}], status="nope")
    )
    assert message.startswith("x.json: status:")
    assert "(and 1 more problem)" in message


def test_offsets_are_converted_to_utc_and_bare_times_read_in_the_zone() -> None:
    pm = sf.from_document(
        doc(
            timezone="Europe/Amsterdam",
            timeline=[
                {"at": "2026-01-15T10:00:00", "text": "winter, local", "kind": "start"},
                {"at": "2026-07-15T10:00:00", "text": "summer, local"},
                {"at": "2026-07-15T10:00:00Z", "text": "utc"},
                {"at": "2026-07-15T10:00:00-07:00", "text": "offset"},
            ],
        )
    )
    at = {e.text: e.at for e in pm.timeline}
    assert at["winter, local"] == datetime(2026, 1, 15, 9, tzinfo=UTC)
    assert at["summer, local"] == datetime(2026, 7, 15, 8, tzinfo=UTC)
    assert at["utc"] == datetime(2026, 7, 15, 10, tzinfo=UTC)
    assert at["offset"] == datetime(2026, 7, 15, 17, tzinfo=UTC)
    assert all(e.at.utcoffset() == timedelta(0) for e in pm.timeline)


def test_enums_are_read_case_insensitively_and_metrics_on_import_ignored() -> None:
    pm = sf.from_document(
        doc(
            status="In Review",
            action_items=[{"title": "t", "priority": "p1", "type": "Detect", "status": "DONE"}],
            metrics={"time_to_detect_s": 999},
        )
    )
    assert pm.status is Status.IN_REVIEW
    item = pm.action_items[0]
    assert (item.priority, item.type, item.status) == (
        Priority.P1,
        ActionType.DETECT,
        ActionStatus.DONE,
    )


def test_export_writes_utc_z_and_metrics() -> None:
    t0 = datetime(2026, 11, 20, 10, tzinfo=UTC)
    pm = Postmortem(
        title="x",
        timeline=[
            TimelineEvent(t0 + timedelta(minutes=30), "fixed", EventKind.RESOLUTION),
            TimelineEvent(t0, "starts", EventKind.START),
            TimelineEvent(t0 + timedelta(minutes=4), "alert", EventKind.DETECTION),
        ],
    )
    out = sf.to_document(pm)
    assert [e["at"] for e in out["timeline"]] == [
        "2026-11-20T10:00:00Z",
        "2026-11-20T10:04:00Z",
        "2026-11-20T10:30:00Z",
    ]
    assert out["metrics"] == {
        "time_to_detect_s": 240,
        "time_to_mitigate_s": None,
        "time_to_resolve_s": 1800,
    }


def test_equal_times_keep_their_entered_order() -> None:
    same = "2026-11-20T10:00:00Z"
    pm = sf.from_document(doc(timeline=[{"at": same, "text": t} for t in "cab"]))
    assert [e["text"] for e in sf.to_document(pm)["timeline"]] == ["c", "a", "b"]


def test_summary_for_the_index() -> None:
    record = sf.to_record(
        sf.from_document(
            doc(
                severity="SEV-2",
                timeline=[
                    {"at": "2026-11-20T09:00:00Z", "text": "before", "kind": "event"},
                    {"at": "2026-11-20T10:00:00Z", "text": "impact", "kind": "start"},
                ],
                action_items=[{"title": "a"}, {"title": "b", "status": "done"}],
            )
        )
    )
    summary = sf.summarize(record)
    assert summary["title"] == "Checkout errors" and summary["severity"] == "SEV-2"
    assert summary["incident_at"] == "2026-11-20T10:00:00Z"
    assert summary["open_actions"] == 1
    assert summary["id"] == record["id"]


# -- files ----------------------------------------------------------------------------------


def test_file_problems(tmp_path: Path) -> None:
    cases = {
        "missing.json": None,
        "notjson.json": b"{ nope",
        "latin1.json": '{"pmtui": 1, "title": "caf\xe9"}'.encode("latin-1"),
    }
    for name, content in cases.items():
        if content is not None:
            (tmp_path / name).write_bytes(content)
    with pytest.raises(sf.SessionFileError, match=r"missing\.json: no such file"):
        read_session_file(tmp_path / "missing.json")
    with pytest.raises(sf.SessionFileError, match=r"notjson\.json: is not valid JSON .* line 1"):
        read_session_file(tmp_path / "notjson.json")
    with pytest.raises(sf.SessionFileError, match=r"latin1\.json: is not UTF-8 text"):
        read_session_file(tmp_path / "latin1.json")
    with pytest.raises(sf.SessionFileError, match="is a folder"):
        read_session_file(tmp_path)


def test_a_50_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with open(big, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(sf.SessionFileError, match=r"big\.json: is 52\.4 MB; .* at most 10 MB"):
        read_session_file(big)


# -- round trips ----------------------------------------------------------------------------


def comparable(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in ("id", "metrics")}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_round_trips(sample: Path) -> None:
    original = json.loads(sample.read_text(encoding="utf-8"))
    pm = read_session_file(sample)
    first = sf.to_document(pm)
    again = sf.to_document(sf.from_document(first))
    assert comparable(first) == comparable(again)
    # The exported document says the same as the file, times normalised to UTC; a link
    # the file wrote as a why's text is now that why's id.
    assert first["title"] == original["title"]
    assert len(first["timeline"]) == len(original["timeline"])
    said = [
        {k: whytree.text_of(pm, v) if k == "addresses" else v for k, v in a.items() if k != "id"}
        for a in first["action_items"]
    ]
    assert said == [
        {"due": "", "ticket": "", "owner": "", "priority": "P2", "type": "other", "status": "open"}
        | item
        for item in original["action_items"]
    ]
    # Ids are made on import, and the second reading keeps them.
    assert first["pmtui"] == 3
    assert [a["id"] for a in again["action_items"]] == [a["id"] for a in first["action_items"]]


def test_record_round_trip_keeps_identity_and_clock() -> None:
    pm = sf.from_document(doc())
    pm.meeting.clock = {"version": 1, "anything": [1, 2]}
    back = sf.from_record(sf.to_record(pm))
    assert back.id == pm.id
    assert back.created_at == pm.created_at.replace(microsecond=pm.created_at.microsecond)
    assert back.meeting.clock == pm.meeting.clock
    assert back == pm


ZONES = ["UTC", "Europe/Amsterdam", "America/Los_Angeles", "Asia/Kolkata", "Australia/Sydney"]
text = st.text(min_size=1, max_size=40).filter(lambda s: s.strip() != "")
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
)


# A Five Whys tree: answers with marks and up to three answers below each, four deep.
whys = st.recursive(
    st.builds(Why, text, st.sampled_from(list(Cause))),
    lambda below: st.builds(Why, text, st.sampled_from(list(Cause)), st.lists(below, max_size=3)),
    max_leaves=8,
)


ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789_-", min_size=1, max_size=12)
notes = st.builds(Note, text, st.integers(0, 9))


@st.composite
def postmortems(draw: st.DrawFn) -> Postmortem:
    """A random record whose every item carries a drawn id (unique in the record), and
    whose action items address some of its whys (by id) or none."""
    pm = Postmortem(
        title=draw(text),
        incident_id=draw(st.text(max_size=12)),
        severity=draw(st.sampled_from(["", "SEV-1", "SEV-2"])),
        status=draw(st.sampled_from(list(Status))),
        timezone=draw(st.sampled_from(ZONES)),
        owner=draw(st.text(max_size=20)),
        participants=draw(st.lists(st.builds(Participant, text, st.text(max_size=10)), max_size=4)),
        summary=draw(st.text(max_size=80)),
        timeline=draw(
            st.lists(
                st.builds(TimelineEvent, instants, text, st.sampled_from(list(EventKind))),
                max_size=8,
            )
        ),
        went_right=draw(st.lists(notes, max_size=3)),
        went_wrong=draw(st.lists(notes, max_size=3)),
        got_lucky=draw(st.lists(notes, max_size=3)),
        whys=draw(st.lists(st.builds(WhyChain, text, st.lists(whys, max_size=3)), max_size=2)),
    )
    answers = [row.why for chain in pm.whys for row in whytree.rows(chain)]
    pm.action_items = draw(
        st.lists(
            st.builds(
                ActionItem,
                title=text,
                owner=st.text(max_size=10),
                due=st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2040, 1, 1))),
                priority=st.sampled_from(list(Priority)),
                type=st.sampled_from(list(ActionType)),
                ticket=st.text(max_size=10),
                status=st.sampled_from(list(ActionStatus)),
                addresses=st.sampled_from(["", *range(len(answers))]).map(str),
            ),
            max_size=4,
        )
    )
    items: list[Any] = [*pm.whys, *answers, *pm.action_items]
    count = len(items) + len(pm.timeline) + sum(len(getattr(pm, c)) for c in sf.LESSON_FIELDS)
    drawn = iter(draw(st.lists(ids, min_size=count, max_size=count, unique=True)))
    pm.timeline = [replace(e, id=next(drawn)) for e in pm.timeline]  # events are frozen
    for item in items:
        item.id = next(drawn)
    for column in sf.LESSON_FIELDS:
        setattr(pm, column, [replace(n, id=next(drawn)) for n in getattr(pm, column)])
    for item in pm.action_items:  # from the answer's place to the answer's id
        item.addresses = answers[int(item.addresses)].id if item.addresses else ""
    return pm


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(postmortems())
def test_generated_sessions_round_trip(pm: Postmortem) -> None:
    exported = sf.to_document(pm)
    text_form = json.loads(sf.dumps(exported))
    imported = sf.from_document(text_form)
    assert comparable(sf.to_document(imported)) == comparable(exported)
    assert imported.sorted_timeline() == pm.sorted_timeline()
    assert imported.action_items == pm.action_items


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(postmortems())
def test_generated_records_with_ids_come_back_equal(pm: Postmortem) -> None:
    """Record -> document (as JSON text) -> record: the same record, every id kept."""
    back = sf.from_record(json.loads(sf.dumps(sf.to_record(pm))))
    expected = replace(pm, timeline=pm.sorted_timeline())
    assert back == replace(expected, created_at=back.created_at, updated_at=back.updated_at)
    assert (back.created_at, back.updated_at) == (pm.created_at, pm.updated_at)


def test_notes_with_votes_round_trip_as_objects_with_ids() -> None:
    document = doc(went_wrong=["plain", {"text": "voted", "votes": 3}, {"text": "zero"}])
    pm = sf.from_document(document)
    assert [(n.text, n.votes) for n in pm.went_wrong] == [("plain", 0), ("voted", 3), ("zero", 0)]
    written = sf.to_document(pm)
    assert written["pmtui"] == 3
    assert written["went_wrong"] == [
        {"id": pm.went_wrong[0].id, "text": "plain"},
        {"id": pm.went_wrong[1].id, "text": "voted", "votes": 3},
        {"id": pm.went_wrong[2].id, "text": "zero"},
    ]
    assert sf.from_document(written).went_wrong == pm.went_wrong
    with pytest.raises(sf.SessionFileError, match=r"went_wrong\[0\]\.votes: must be a whole"):
        sf.from_document(doc(went_wrong=[{"text": "x", "votes": -2}]))


def test_two_notes_with_the_same_text_keep_their_own_votes() -> None:
    """Votes belonged to a note's text: the second note's 5 overwrote the first's 2."""
    same = "Alerts were noisy"
    pm = sf.from_document(
        doc(pmtui=2, went_wrong=[{"text": same, "votes": 2}, {"text": same, "votes": 5}])
    )
    assert [n.votes for n in pm.went_wrong] == [2, 5]
    assert pm.went_wrong[0].id != pm.went_wrong[1].id
    written = sf.to_document(pm)["went_wrong"]
    assert [n["votes"] for n in written] == [2, 5]


CHAINS = [
    {"problem": "Checkout failed", "answers": ["Bad config", "Linter skipped anchors"]},
    {"problem": "Alerts were late", "answers": ["Linter  skipped ANCHORS"]},
]


def test_version_2_links_by_text_become_the_id_of_the_first_why_that_reads_so() -> None:
    pm = sf.from_document(
        doc(
            pmtui=2,
            whys=CHAINS,
            action_items=[{"title": "Lint anchors", "addresses": " linter skipped  anchors"}],
        )
    )
    first = pm.whys[0].answers[0].answers[0]
    assert pm.action_items[0].addresses == first.id
    assert sf.to_document(pm)["action_items"][0]["addresses"] == first.id
    message = refused(
        doc(pmtui=2, whys=CHAINS, action_items=[{"title": "t", "addresses": "Nobody said"}])
    )
    assert message == 'x.json: action_items[0].addresses: "Nobody said" is not the text of any why'


def v3(**fields: Any) -> dict[str, Any]:
    return doc(pmtui=3, **fields)


def test_version_3_keeps_the_ids_it_is_given_and_makes_the_missing_ones() -> None:
    pm = sf.from_document(
        v3(
            timeline=[{"id": "ev-1", "at": "2026-11-20T10:00:00Z", "text": "deploy"}],
            went_right=[{"id": "n_1", "text": "quick rollback"}, "no id"],
            whys=[
                {
                    "id": "c1",
                    "problem": "p",
                    "answers": [{"id": "w1", "text": "a"}, {"text": "b"}],
                }
            ],
            action_items=[{"id": "a1", "title": "fix", "addresses": "w1"}],
        )
    )
    assert pm.timeline[0].id == "ev-1"
    assert pm.went_right[0].id == "n_1" and len(pm.went_right[1].id) == 12
    assert (pm.whys[0].id, pm.whys[0].answers[0].id) == ("c1", "w1")
    assert len(pm.whys[0].answers[0].answers[0].id) == 12
    assert (pm.action_items[0].id, pm.action_items[0].addresses) == ("a1", "w1")


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            v3(went_right=[{"id": "x", "text": "a"}], got_lucky=[{"id": "x", "text": "b"}]),
            'x.json: got_lucky[0].id: "x" is already the id of went_right[0]',
        ),
        (
            v3(
                whys=[{"id": "w", "problem": "p", "answers": [{"id": "w", "text": "a"}]}],
            ),
            'x.json: whys[0].answers[0].id: "w" is already the id of whys[0]',
        ),
        (
            v3(timeline=[{"id": "a b", "at": "2026-11-20T10:00:00Z", "text": "t"}]),
            'x.json: timeline[0].id: "a b" is not an id (1 to 64 letters, digits, _ or -)',
        ),
        (
            v3(action_items=[{"id": 7, "title": "t"}]),
            "x.json: action_items[0].id: 7 is not an id",
        ),
        (
            v3(action_items=[{"id": "x" * 65, "title": "t"}]),
            "x.json: action_items[0].id: " + '"' + "x" * 65 + '" is not an id',
        ),
        (
            v3(
                whys=[{"id": "c", "problem": "p", "answers": [{"id": "w", "text": "a"}]}],
                action_items=[{"title": "t", "addresses": "c"}],
            ),
            'x.json: action_items[0].addresses: "c" is not the id of a why',
        ),
    ],
)
def test_version_3_refuses_duplicate_and_invalid_ids(document: Any, expected: str) -> None:
    assert refused(document).startswith(expected)


def test_a_record_without_items_is_still_written_as_version_1() -> None:
    assert sf.to_document(Postmortem(title="empty"))["pmtui"] == 1
    assert sf.to_document(Postmortem(title="x", went_right=[Note("ok")]))["pmtui"] == 3


def test_an_events_written_form_is_shared_between_saves_and_cannot_be_changed() -> None:
    t0 = datetime(2026, 11, 20, 9, tzinfo=UTC)
    pm = Postmortem(title="Shared")
    pm.timeline = [TimelineEvent(t0 + timedelta(minutes=i), f"event {i}") for i in range(5)]
    first = sf.to_record(pm)
    second = sf.to_record(pm)
    assert first["timeline"][2] is second["timeline"][2]  # the store finds it by identity
    assert first["timeline"] is not second["timeline"]
    shared = first["timeline"][2]
    # A change in place would be written or not depending on which cache saw it first:
    # it is refused, every way a dict can be changed.
    for change in (
        lambda d: d.__setitem__("text", "changed by a caller"),
        lambda d: d.__delitem__("text"),
        lambda d: d.update(text="x"),
        lambda d: d.pop("text"),
        lambda d: d.popitem(),
        lambda d: d.setdefault("new", "x"),
        lambda d: d.clear(),
        lambda d: d.__ior__({"text": "x"}),
    ):
        with pytest.raises(TypeError, match="cannot be changed"):
            change(shared)
    assert shared == {"id": pm.timeline[2].id, "at": "2026-11-20T09:02:00Z"} | {
        "text": "event 2",
        "kind": "event",
    }
    # Copies are plain dicts, free to change (a merge deep-copies a record to edit it).
    for made in (dict(shared), copy.copy(shared), copy.deepcopy(first)["timeline"][2]):
        assert type(made) is dict and made == shared
        made["text"] = "edited copy"
    assert pickle.loads(pickle.dumps(shared)) == shared
    assert shared["text"] == "event 2" and sf.to_record(pm)["timeline"][2] is shared
    # A replaced event is written anew, in time order.
    pm.timeline[0] = replace(pm.timeline[0], at=t0 + timedelta(hours=1), text="late")
    fourth = sf.to_record(pm)
    assert [e["text"] for e in fourth["timeline"]] == [f"event {i}" for i in (1, 2, 3, 4)] + [
        "late"
    ]
    assert sf.summarize(first)["incident_at"] == "2026-11-20T09:00:00Z"
    assert sf.summarize(fourth)["incident_at"] == "2026-11-20T09:01:00Z"
    # The summary of an unchanged timeline is reused; one read from a file (plain dicts)
    # is compared, so a kind changed in place there is seen.
    read = json.loads(json.dumps(fourth))
    assert sf.summarize(read)["incident_at"] == "2026-11-20T09:01:00Z"
    read["timeline"][1]["kind"] = "start"
    assert sf.summarize(read)["incident_at"] == "2026-11-20T09:02:00Z"
