"""Times as the facilitator types them, read in the session's zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from pmtui.core.timeparse import parse_clock, parse_event_time
from pmtui.core.timeutil import TimeError

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# text, zone, previous event, expected UTC instant, expected note
CASES = [
    ("14:32", "UTC", None, utc(2026, 11, 20, 14, 32), "today"),
    ("14:32:10", "UTC", None, utc(2026, 11, 20, 14, 32, 10), "today"),
    ("2:32pm", "UTC", None, utc(2026, 11, 20, 14, 32), "today"),
    ("2:32 PM", "UTC", None, utc(2026, 11, 20, 14, 32), "today"),
    ("2pm", "UTC", None, utc(2026, 11, 20, 14, 0), "today"),
    ("12am", "UTC", None, utc(2026, 11, 20, 0, 0), "today"),
    ("12pm", "UTC", None, utc(2026, 11, 20, 12, 0), "today"),
    ("12:30 a.m.", "UTC", None, utc(2026, 11, 20, 0, 30), "today"),
    ("14:32", "Europe/Amsterdam", None, utc(2026, 11, 20, 13, 32), "today"),
    (
        "14:32",
        "America/Los_Angeles",
        utc(2026, 7, 4, 16, 0),
        utc(2026, 7, 4, 21, 32),
        "date of the previous event",
    ),
    ("14:32", "Asia/Kolkata", None, utc(2026, 11, 20, 9, 2), "today"),
    ("2026-11-20 14:32", "UTC", None, utc(2026, 11, 20, 14, 32), ""),
    ("2026-11-20T14:32:10", "Europe/Amsterdam", None, utc(2026, 11, 20, 13, 32, 10), ""),
    ("2026-11-20T14:32:10Z", "Europe/Amsterdam", None, utc(2026, 11, 20, 14, 32, 10), ""),
    ("2026-11-20T14:32+05:30", "UTC", None, utc(2026, 11, 20, 9, 2), ""),
    ("2026-11-20 14:32 -08:00", "Europe/Amsterdam", None, utc(2026, 11, 20, 22, 32), ""),
    ("yesterday 14:32", "UTC", None, utc(2026, 11, 19, 14, 32), ""),
    ("Yesterday 2pm", "Europe/Amsterdam", None, utc(2026, 11, 19, 13, 0), ""),
    ("today 09:00", "UTC", utc(2026, 1, 1, 0, 0), utc(2026, 11, 20, 9, 0), ""),
    (
        "+5m",
        "UTC",
        utc(2026, 11, 20, 9, 0),
        utc(2026, 11, 20, 9, 5),
        "5 min after the previous event",
    ),
    (
        "+1h30m",
        "UTC",
        utc(2026, 11, 20, 9, 0),
        utc(2026, 11, 20, 10, 30),
        "1 h 30 min after the previous event",
    ),
    (
        "+90s",
        "UTC",
        utc(2026, 11, 20, 9, 0),
        utc(2026, 11, 20, 9, 1, 30),
        "1 min 30 s after the previous event",
    ),
    (
        "+2h",
        "UTC",
        utc(2026, 11, 20, 23, 0),
        utc(2026, 11, 21, 1, 0),
        "2 h after the previous event",
    ),
    # 23:58 then 00:03: the next day.
    ("00:03", "UTC", utc(2026, 11, 20, 23, 58), utc(2026, 11, 21, 0, 3), "next day"),
    ("00:03", "Europe/Amsterdam", utc(2026, 11, 20, 22, 58), utc(2026, 11, 20, 23, 3), "next day"),
    # Earlier the same day, but far before the previous event: not a rollover.
    (
        "09:00",
        "UTC",
        utc(2026, 11, 20, 14, 0),
        utc(2026, 11, 20, 9, 0),
        "date of the previous event",
    ),
]


@pytest.mark.parametrize(("text", "zone", "previous", "expected", "note"), CASES)
def test_forms(
    text: str, zone: str, previous: datetime | None, expected: datetime, note: str
) -> None:
    parsed = parse_event_time(text, tz=zone, previous=previous, now=NOW)
    assert parsed.at == expected
    assert parsed.at.tzinfo is UTC
    assert parsed.note == note
    assert parsed.local.utcoffset() == parsed.at.astimezone(parsed.local.tzinfo).utcoffset()


def test_display_shows_utc_and_local() -> None:
    parsed = parse_event_time("2026-11-20 15:32", tz="Europe/Amsterdam", previous=None, now=NOW)
    assert parsed.display == "2026-11-20 14:32 UTC · 15:32 CET"
    late = parse_event_time("2026-11-20 00:30", tz="Europe/Amsterdam", previous=None, now=NOW)
    assert late.display == "2026-11-19 23:30 UTC · 2026-11-20 00:30 CET"
    plain = parse_event_time("14:32", tz="UTC", previous=None, now=NOW)
    assert plain.display == "2026-11-20 14:32 UTC"


def test_yesterday_is_the_zone_s_yesterday() -> None:
    # 23:30 UTC is already the 21st in Amsterdam: yesterday there is the 20th.
    now = utc(2026, 11, 20, 23, 30)
    parsed = parse_event_time("yesterday 10:00", tz="Europe/Amsterdam", previous=None, now=now)
    assert parsed.at == utc(2026, 11, 20, 9, 0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Type a time first"),
        ("25:99", '"25:99" is not a time I can read'),
        ("14:61", '"14:61" is not a time I can read'),
        ("abc", '"abc" is not a time I can read'),
        ("+5x", '"+5x" is not a time I can read'),
        ("+", '"+" is not a time I can read'),
        ("13pm", '"13pm" is not a time I can read'),
        ("2026-02-30 10:00", "2026-02-30 is not a date"),
        ("yesterday", '"yesterday" is not a time I can read'),
        ("yesterday 25:00", '"yesterday 25:00" is not a time I can read'),
    ],
)
def test_bad_input_names_what_was_typed(text: str, message: str) -> None:
    with pytest.raises(TimeError) as caught:
        parse_event_time(text, tz="UTC", previous=utc(2026, 11, 20, 9, 0), now=NOW)
    assert message in str(caught.value)


def test_relative_without_a_previous_event() -> None:
    with pytest.raises(TimeError, match="counts from the previous event; there is none"):
        parse_event_time("+5m", tz="UTC", previous=None, now=NOW)


def test_unknown_zone() -> None:
    with pytest.raises(TimeError, match='"Mars/Base" is not a known IANA time zone'):
        parse_event_time("14:32", tz="Mars/Base", previous=None, now=NOW)


# Daylight-saving transitions: a skipped wall time and a repeated one, in two zones,
# typed as a bare time (taking the previous event's date) and with a full date.
DST = [
    ("Europe/Amsterdam", utc(2026, 3, 29, 0, 30), "2026-03-29", "02:30", "does not exist"),
    ("Europe/Amsterdam", utc(2026, 10, 24, 23, 30), "2026-10-25", "02:30", "happens twice"),
    ("America/Los_Angeles", utc(2026, 3, 8, 9, 0), "2026-03-08", "02:30", "does not exist"),
    ("America/Los_Angeles", utc(2026, 11, 1, 7, 0), "2026-11-01", "01:30", "happens twice"),
]


@pytest.mark.parametrize(("zone", "previous", "day", "wall", "problem"), DST)
def test_dst_gaps_and_folds_are_flagged_not_shifted(
    zone: str, previous: datetime, day: str, wall: str, problem: str
) -> None:
    for text, before in ((wall, previous), (f"{day} {wall}", None)):
        with pytest.raises(TimeError) as caught:
            parse_event_time(text, tz=zone, previous=before, now=NOW)
        message = str(caught.value)
        assert problem in message and zone in message and day in message


def test_a_fold_message_names_both_offsets_and_an_offset_settles_it() -> None:
    with pytest.raises(TimeError, match=r"add an offset like \+02:00 or \+01:00"):
        parse_event_time("2026-10-25 02:30", tz="Europe/Amsterdam", previous=None, now=NOW)
    first = parse_event_time(
        "2026-10-25T02:30+02:00", tz="Europe/Amsterdam", previous=None, now=NOW
    )
    second = parse_event_time(
        "2026-10-25T02:30+01:00", tz="Europe/Amsterdam", previous=None, now=NOW
    )
    assert second.at - first.at == timedelta(hours=1)
    assert first.display.endswith("02:30 CEST") and second.display.endswith("02:30 CET")


def test_parse_clock() -> None:
    assert parse_clock("9:05") is not None
    assert parse_clock("9") is None  # a bare number is not a time
    assert parse_clock("24:00") is None


# -- now, before now, a date alone, and a zone after the time ------------------------------

PREVIOUS = utc(2026, 11, 20, 9, 0)
ZONED = [
    ("now", NOW, "now"),
    ("NOW", NOW, "now"),
    ("-5m", NOW - timedelta(minutes=5), "5 min before now"),
    ("-1h30m", NOW - timedelta(hours=1, minutes=30), "1 h 30 min before now"),
    ("10:36Z", utc(2026, 11, 20, 10, 36), "date of the previous event"),
    ("10:36 UTC", utc(2026, 11, 20, 10, 36), "date of the previous event"),
    ("10:36 utc", utc(2026, 11, 20, 10, 36), "date of the previous event"),
    ("10:36 PST", utc(2026, 11, 20, 18, 36), "date of the previous event"),
    ("10:36 CEST", utc(2026, 11, 20, 8, 36), "date of the previous event"),
    ("10:36 +01:00", utc(2026, 11, 20, 9, 36), "date of the previous event"),
    ("10:36 Europe/London", utc(2026, 11, 20, 10, 36), "date of the previous event"),
    ("10:36 europe/london", utc(2026, 11, 20, 10, 36), "date of the previous event"),
    ("10:36 America/New_York", utc(2026, 11, 20, 15, 36), "date of the previous event"),
    ("2:32 PM", utc(2026, 11, 20, 13, 32), "date of the previous event"),
    ("2026-11-20 14:32 Europe/Berlin", utc(2026, 11, 20, 13, 32), ""),
    ("yesterday 14:32 PST", utc(2026, 11, 19, 22, 32), ""),
    ("2026-11-21", utc(2026, 11, 20, 23, 0), "midnight: no time given"),
]


@pytest.mark.parametrize(("text", "expected", "note"), ZONED)
def test_now_offsets_zones_and_dates(text: str, expected: datetime, note: str) -> None:
    # The session is in Europe/Amsterdam; a zone typed after the time wins.
    parsed = parse_event_time(text, tz="Europe/Amsterdam", previous=PREVIOUS, now=NOW)
    assert parsed.at == expected
    assert parsed.note == note


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("10:36 CST", "more than one zone (US Central -06:00, China +08:00"),
        ("10:36 IST", "India +05:30"),
        ("10:36 BST", "British Summer Time"),
        ("10:36 Mars/Olympus", '"Mars/Olympus" is not a time zone I know'),
        ("10:36 XYZ", '"XYZ" is not a time zone I know'),
        ("2026-02-30", "is not a date"),
        ("banana", "is not a time I can read"),
        ("-", "is not a time I can read"),
    ],
)
def test_what_is_not_understood_is_named(text: str, says: str) -> None:
    with pytest.raises(TimeError, match=re.escape(says)):
        parse_event_time(text, tz="UTC", previous=PREVIOUS, now=NOW)


def test_zone_names_are_case_insensitive() -> None:
    from pmtui.core.timeutil import zone

    assert str(zone("europe/london")) == "Europe/London"
    assert str(zone("AMERICA/LOS_ANGELES")) == "America/Los_Angeles"
    with pytest.raises(TimeError):
        zone("europe/nowhere")
