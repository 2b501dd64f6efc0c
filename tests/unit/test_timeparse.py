"""Times as the facilitator types them, read in the session's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmtui.core.timeparse import ParsedTime, parse_clock, parse_event_time
from pmtui.core.timeutil import TimeError, utc_and_local, zone

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # 16:00 CET, 07:00 PST, 20:30 IST
HINT = "(try 14:32, 2:32pm, 2026-11-20 14:32, +5m)"
PREV_DATE = "date taken from previous event"
TODAY = "today's date"
AMS, LA, KOL = "Europe/Amsterdam", "America/Los_Angeles", "Asia/Kolkata"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def parse(text: str, tz: str = "UTC", previous: datetime | None = None, now: datetime = NOW):
    return parse_event_time(text, tz=tz, previous=previous, now=now)


def check(parsed: ParsedTime, tz: str) -> None:
    """What every result holds, whatever was typed."""
    assert type(parsed.at) is datetime and parsed.at.tzinfo is UTC
    assert type(parsed.local) is datetime
    assert parsed.local == parsed.at
    assert parsed.local.utcoffset() == parsed.at.astimezone(zone(tz)).utcoffset()
    assert str(parsed.local.tzinfo) == tz
    assert parsed.display == utc_and_local(parsed.at, zone(tz))


# -- every form, in several zones, with and without a previous event -----------------------

# text, zone, previous event, expected instant (UTC), expected note
FORMS = [
    # Wall times, no previous event: today's date in the zone (from `now`).
    ("14:32", "UTC", None, utc(2026, 11, 20, 14, 32), TODAY),
    ("14:32:10", "UTC", None, utc(2026, 11, 20, 14, 32, 10), TODAY),
    ("  14:32  ", "UTC", None, utc(2026, 11, 20, 14, 32), TODAY),
    ("9:05", "UTC", None, utc(2026, 11, 20, 9, 5), TODAY),
    ("00:03", "UTC", None, utc(2026, 11, 20, 0, 3), TODAY),
    ("23:59:59", "UTC", None, utc(2026, 11, 20, 23, 59, 59), TODAY),
    ("2:32pm", "UTC", None, utc(2026, 11, 20, 14, 32), TODAY),
    ("2:32 PM", "UTC", None, utc(2026, 11, 20, 14, 32), TODAY),
    ("2:32  p.m.", "UTC", None, utc(2026, 11, 20, 14, 32), TODAY),
    ("2:32:10pm", "UTC", None, utc(2026, 11, 20, 14, 32, 10), TODAY),
    ("2pm", "UTC", None, utc(2026, 11, 20, 14, 0), TODAY),
    ("2 PM", "UTC", None, utc(2026, 11, 20, 14, 0), TODAY),
    ("1am", "UTC", None, utc(2026, 11, 20, 1, 0), TODAY),
    ("12am", "UTC", None, utc(2026, 11, 20, 0, 0), TODAY),
    ("12:30am", "UTC", None, utc(2026, 11, 20, 0, 30), TODAY),
    ("12pm", "UTC", None, utc(2026, 11, 20, 12, 0), TODAY),
    ("12:59 PM", "UTC", None, utc(2026, 11, 20, 12, 59), TODAY),
    ("11:59pm", "UTC", None, utc(2026, 11, 20, 23, 59), TODAY),
    ("14:32", AMS, None, utc(2026, 11, 20, 13, 32), TODAY),
    ("14:32", KOL, None, utc(2026, 11, 20, 9, 2), TODAY),
    ("14:32", LA, None, utc(2026, 11, 20, 22, 32), TODAY),
    # With a previous event: its date, in the session's zone.
    ("14:32", "UTC", utc(2026, 7, 4, 9, 0), utc(2026, 7, 4, 14, 32), PREV_DATE),
    ("14:32", AMS, utc(2026, 7, 4, 9, 0), utc(2026, 7, 4, 12, 32), PREV_DATE),  # CEST
    ("14:32", LA, utc(2026, 7, 4, 16, 0), utc(2026, 7, 4, 21, 32), PREV_DATE),  # PDT
    # 20:00 UTC is already the 21st in Kolkata (01:30 IST).
    ("02:00", KOL, utc(2026, 11, 20, 20, 0), utc(2026, 11, 20, 20, 30), PREV_DATE),
    ("2am", KOL, utc(2026, 11, 20, 20, 0), utc(2026, 11, 20, 20, 30), PREV_DATE),
    # 06:00 UTC is still the 19th in Los Angeles (22:00 PST).
    ("23:00", LA, utc(2026, 11, 20, 6, 0), utc(2026, 11, 20, 7, 0), PREV_DATE),
    # Earlier than the previous event, but not by a night: the same day.
    ("09:00", "UTC", utc(2026, 11, 20, 14, 0), utc(2026, 11, 20, 9, 0), PREV_DATE),
    ("01:00", KOL, utc(2026, 11, 20, 20, 0), utc(2026, 11, 20, 19, 30), PREV_DATE),
    ("23:59:10", "UTC", utc(2026, 11, 20, 23, 59, 30), utc(2026, 11, 20, 23, 59, 10), PREV_DATE),
    # Crossing midnight: 23:58, then 00:03 is the next day.
    ("00:03", "UTC", utc(2026, 11, 20, 23, 58), utc(2026, 11, 21, 0, 3), "next day"),
    ("12:03am", "UTC", utc(2026, 11, 20, 23, 58), utc(2026, 11, 21, 0, 3), "next day"),
    ("00:03", AMS, utc(2026, 11, 20, 22, 58), utc(2026, 11, 20, 23, 3), "next day"),
    ("00:03", KOL, utc(2026, 11, 20, 18, 28), utc(2026, 11, 20, 18, 33), "next day"),
    ("00:03", LA, utc(2026, 11, 21, 7, 58), utc(2026, 11, 21, 8, 3), "next day"),
    ("3am", "UTC", utc(2026, 12, 31, 22, 0), utc(2027, 1, 1, 3, 0), "next day"),
    # The rollover window: at most 12 hours after the previous event.
    ("11:00", "UTC", utc(2026, 11, 20, 23, 0), utc(2026, 11, 21, 11, 0), "next day"),
    ("10:59", "UTC", utc(2026, 11, 20, 23, 0), utc(2026, 11, 20, 10, 59), PREV_DATE),
    # A date and a time: read in the zone, previous event and rollover ignored.
    ("2026-11-20 14:32", "UTC", None, utc(2026, 11, 20, 14, 32), ""),
    ("2026-11-20   14:32", "UTC", None, utc(2026, 11, 20, 14, 32), ""),
    ("2026-11-20 14:32", AMS, utc(2025, 1, 1, 0, 0), utc(2026, 11, 20, 13, 32), ""),
    ("2026-11-20T14:32:10", AMS, None, utc(2026, 11, 20, 13, 32, 10), ""),
    ("2026-11-20 2:32pm", KOL, None, utc(2026, 11, 20, 9, 2), ""),
    ("2026-07-04 14:32", LA, None, utc(2026, 7, 4, 21, 32), ""),
    ("2026-11-20 00:03", "UTC", utc(2026, 11, 20, 23, 58), utc(2026, 11, 20, 0, 3), ""),
    # ISO-8601 with an offset or Z: taken as written, whatever the session's zone.
    ("2026-11-20T14:32:10Z", AMS, None, utc(2026, 11, 20, 14, 32, 10), ""),
    ("2026-11-20t14:32:10z", KOL, None, utc(2026, 11, 20, 14, 32, 10), ""),
    ("2026-11-20T14:32+05:30", "UTC", None, utc(2026, 11, 20, 9, 2), ""),
    ("2026-11-20T14:32:00+0530", LA, None, utc(2026, 11, 20, 9, 2), ""),
    ("2026-11-20 14:32 -08:00", AMS, None, utc(2026, 11, 20, 22, 32), ""),
    ("2026-11-20T14:32:10.250+01:00", "UTC", None, utc(2026, 11, 20, 13, 32, 10, 250000), ""),
    ("2026-11-20T14:32:10.123456789Z", "UTC", None, utc(2026, 11, 20, 14, 32, 10, 123456), ""),
    # Other ISO-8601 forms (compact, week date, ordinal date), read by pendulum.
    ("20261120T143210Z", AMS, None, utc(2026, 11, 20, 14, 32, 10), ""),
    ("20261120T1432", AMS, None, utc(2026, 11, 20, 13, 32), ""),
    ("2026-W47-5T14:32+01:00", "UTC", None, utc(2026, 11, 20, 13, 32), ""),
    ("2026-324T14:32Z", "UTC", None, utc(2026, 11, 20, 14, 32), ""),
    # A wall time with an offset: read at that offset, on the previous event's date there.
    ("14:32Z", AMS, None, utc(2026, 11, 20, 14, 32), TODAY),
    ("14:32 UTC", KOL, None, utc(2026, 11, 20, 14, 32), TODAY),
    ("14:32 -08:00", AMS, utc(2026, 11, 20, 20, 0), utc(2026, 11, 20, 22, 32), PREV_DATE),
    # The previous event is on the 21st in Amsterdam but the 20th in UTC.
    ("23:45 UTC", AMS, utc(2026, 11, 20, 23, 30), utc(2026, 11, 20, 23, 45), PREV_DATE),
    ("00:10Z", AMS, utc(2026, 11, 20, 23, 30), utc(2026, 11, 21, 0, 10), "next day"),
    # Day words: the days of `now` in the session's zone.
    ("yesterday 14:32", "UTC", None, utc(2026, 11, 19, 14, 32), ""),
    ("Yesterday 2pm", AMS, None, utc(2026, 11, 19, 13, 0), ""),
    ("YESTERDAY at 2:32 PM", KOL, None, utc(2026, 11, 19, 9, 2), ""),
    ("yesterday 23:30", LA, None, utc(2026, 11, 20, 7, 30), ""),
    ("today 14:32", "UTC", None, utc(2026, 11, 20, 14, 32), ""),
    ("today 09:00", "UTC", utc(2026, 1, 1, 0, 0), utc(2026, 11, 20, 9, 0), ""),
    ("Today   23:58", AMS, utc(2026, 11, 20, 23, 0), utc(2026, 11, 20, 22, 58), ""),
    ("today 14:32Z", AMS, None, utc(2026, 11, 20, 14, 32), ""),
    # Relative: after the previous event, in elapsed time.
    (
        "+5m",
        "UTC",
        utc(2026, 11, 20, 9, 0),
        utc(2026, 11, 20, 9, 5),
        "5 min after the previous event",
    ),
    (
        "+1h30m",
        AMS,
        utc(2026, 11, 20, 9, 0),
        utc(2026, 11, 20, 10, 30),
        "1 h 30 min after the previous event",
    ),
    (
        "+90s",
        KOL,
        utc(2026, 11, 20, 9, 0),
        utc(2026, 11, 20, 9, 1, 30),
        "1 min 30 s after the previous event",
    ),
    ("+2h", LA, utc(2026, 11, 20, 23, 0), utc(2026, 11, 21, 1, 0), "2 h after the previous event"),
    (
        "+ 1h 30m",
        "UTC",
        utc(2026, 11, 20, 9, 0),
        utc(2026, 11, 20, 10, 30),
        "1 h 30 min after the previous event",
    ),
    (
        "+5 min",
        "UTC",
        utc(2026, 11, 20, 9, 0),
        utc(2026, 11, 20, 9, 5),
        "5 min after the previous event",
    ),
    (
        "+1D",
        "UTC",
        utc(2026, 11, 20, 9, 0),
        utc(2026, 11, 21, 9, 0),
        "1 d after the previous event",
    ),
    (
        "+0m",
        "UTC",
        utc(2026, 11, 20, 9, 0),
        utc(2026, 11, 20, 9, 0),
        "0 s after the previous event",
    ),
    # Across the spring-forward gap: an hour of elapsed time, not of wall clock.
    ("+1h", AMS, utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1, 30), "1 h after the previous event"),
]


@pytest.mark.parametrize(("text", "tz", "previous", "expected", "note"), FORMS)
def test_forms(
    text: str, tz: str, previous: datetime | None, expected: datetime, note: str
) -> None:
    parsed = parse(text, tz, previous)
    assert parsed.at == expected
    assert parsed.note == note
    check(parsed, tz)


@pytest.mark.parametrize(
    ("now", "tz", "text", "expected"),
    [
        # 23:30 UTC on the 20th is already the 21st in Amsterdam and Kolkata...
        (utc(2026, 11, 20, 23, 30), AMS, "yesterday 10:00", utc(2026, 11, 20, 9, 0)),
        (utc(2026, 11, 20, 23, 30), KOL, "yesterday 10:00", utc(2026, 11, 20, 4, 30)),
        (utc(2026, 11, 20, 23, 30), AMS, "today 00:10", utc(2026, 11, 20, 23, 10)),
        (utc(2026, 11, 20, 23, 30), "UTC", "yesterday 10:00", utc(2026, 11, 19, 10, 0)),
        (utc(2026, 11, 20, 23, 30), AMS, "10:00", utc(2026, 11, 21, 9, 0)),
        # ...and 00:30 UTC on the 21st is still the 20th in Los Angeles.
        (utc(2026, 11, 21, 0, 30), LA, "yesterday 10:00", utc(2026, 11, 19, 18, 0)),
        (utc(2026, 11, 21, 0, 30), LA, "today 10:00", utc(2026, 11, 20, 18, 0)),
        (utc(2026, 11, 21, 0, 30), "UTC", "today 10:00", utc(2026, 11, 21, 10, 0)),
        # `now` in any zone is the same instant.
        (
            datetime(2026, 11, 21, 8, 30, tzinfo=timezone(timedelta(hours=9))),
            LA,
            "today 1pm",
            utc(2026, 11, 20, 21, 0),
        ),
    ],
)
def test_day_words_follow_now_in_the_session_zone(
    now: datetime, tz: str, text: str, expected: datetime
) -> None:
    parsed = parse(text, tz, None, now)
    assert parsed.at == expected
    check(parsed, tz)


def test_display_shows_utc_and_local() -> None:
    assert parse("2026-11-20 15:32", AMS).display == "2026-11-20 14:32 UTC · 15:32 CET"
    assert parse("2026-07-04 15:32", AMS).display == "2026-07-04 13:32 UTC · 15:32 CEST"
    late = parse("2026-11-20 00:30", AMS)
    assert late.display == "2026-11-19 23:30 UTC · 2026-11-20 00:30 CET"
    assert parse("14:32", "UTC").display == "2026-11-20 14:32 UTC"
    assert parse("14:32", KOL).display == "2026-11-20 09:02 UTC · 14:32 IST"
    assert parse("14:32", LA).display == "2026-11-20 22:32 UTC · 14:32 PST"


def test_zone_may_be_a_tzinfo() -> None:
    assert parse_event_time("14:32", tz=zone(AMS), previous=None, now=NOW).at == utc(
        2026, 11, 20, 13, 32
    )
    fixed = timezone(timedelta(hours=5, minutes=30))
    parsed = parse_event_time("14:32", tz=fixed, previous=None, now=NOW)
    assert parsed.at == utc(2026, 11, 20, 9, 2)
    assert parsed.local.utcoffset() == timedelta(hours=5, minutes=30)


def test_previous_event_in_any_zone_is_the_same_instant() -> None:
    previous = utc(2026, 11, 20, 22, 58).astimezone(zone(AMS))  # 23:58 CET
    parsed = parse("00:03", AMS, previous)
    assert (parsed.at, parsed.note) == (utc(2026, 11, 20, 23, 3), "next day")


# -- input that is refused -----------------------------------------------------------------


def test_unreadable_message_is_exact() -> None:
    with pytest.raises(TimeError) as caught:
        parse("25:99")
    assert str(caught.value) == f'"25:99" is not a time I can read {HINT}'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", '"" is not a time I can read'),
        ("   ", '"" is not a time I can read'),
        ("25:99", '"25:99" is not a time I can read'),
        (" 25:99 ", '"25:99" is not a time I can read'),
        ("14:61", '"14:61" is not a time I can read'),
        ("14:32:60", '"14:32:60" is not a time I can read'),
        ("24:00", '"24:00" is not a time I can read'),
        ("14", '"14" is not a time I can read'),
        ("1432", '"1432" is not a time I can read'),
        ("abc", '"abc" is not a time I can read'),
        ("14h32", '"14h32" is not a time I can read'),
        ("+5x", '"+5x" is not a time I can read'),
        ("+", '"+" is not a time I can read'),
        ("+m", '"+m" is not a time I can read'),
        ("+1h30", '"+1h30" is not a time I can read'),
        ("-5m", '"-5m" is not a time I can read'),
        ("13pm", '"13pm" is not a time I can read'),
        ("0am", '"0am" is not a time I can read'),
        ("14:32pm", '"14:32pm" is not a time I can read'),
        ("14:32 CET", '"14:32 CET" is not a time I can read'),
        ("14:32+25:00", '"14:32+25:00" is not a time I can read'),
        ("yesterday", '"yesterday" is not a time I can read'),
        ("yesterday 25:00", '"yesterday 25:00" is not a time I can read'),
        ("tomorrow 10:00", '"tomorrow 10:00" is not a time I can read'),
        ("2026-02-30 10:00", "there is no 2026-02-30"),
        ("2026-13-01 10:00", "there is no 2026-13-01"),
        ("2026-02-30T10:00Z", "there is no 2026-02-30"),
        ("2026-11-20 25:00", '"2026-11-20 25:00" is not a time I can read'),
        ("2026-11-20", '"2026-11-20" is a date without a time'),
        ("2026-11-20T", '"2026-11-20T" is not a time I can read'),
    ],
)
def test_bad_input_names_what_was_typed(text: str, message: str) -> None:
    with pytest.raises(TimeError) as caught:
        parse(text, "UTC", utc(2026, 11, 20, 9, 0))
    assert message in str(caught.value)


def test_relative_without_a_previous_event() -> None:
    for text in ("+5m", "+1h30m", "+90s", "+2h"):
        with pytest.raises(TimeError, match="nothing to count from") as caught:
            parse(text, AMS, None)
        assert f'"{text}"' in str(caught.value)


def test_unknown_zone() -> None:
    with pytest.raises(TimeError, match='"Mars/Base" is not a known IANA time zone'):
        parse("14:32", "Mars/Base")


def test_naive_instants_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="previous must be timezone-aware"):
        parse("14:32", "UTC", datetime(2026, 11, 20, 9, 0))
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        parse("14:32", "UTC", None, datetime(2026, 11, 20, 9, 0))


# -- daylight saving: skipped and repeated wall times --------------------------------------

GAP_AMS = "02:30 does not exist on 2026-03-29 in Europe/Amsterdam (clocks jumped forward)"
FOLD_AMS = (
    "02:30 happens twice on 2026-10-25 in Europe/Amsterdam (clocks went back); "
    "add an offset like +02:00 or +01:00"
)
GAP_LA = "02:30 does not exist on 2026-03-08 in America/Los_Angeles (clocks jumped forward)"
FOLD_LA = (
    "01:30 happens twice on 2026-11-01 in America/Los_Angeles (clocks went back); "
    "add an offset like -07:00 or -08:00"
)

# zone, text, previous event, now, message
DST = [
    # A bare time on the previous event's date.
    (AMS, "02:30", utc(2026, 3, 29, 0, 30), NOW, GAP_AMS),
    (AMS, "2:30am", utc(2026, 3, 29, 0, 30), NOW, GAP_AMS),
    (AMS, "02:30", utc(2026, 10, 24, 23, 30), NOW, FOLD_AMS),
    (LA, "02:30", utc(2026, 3, 8, 9, 0), NOW, GAP_LA),
    (LA, "01:30", utc(2026, 11, 1, 7, 0), NOW, FOLD_LA),
    (LA, "1:30 AM", utc(2026, 11, 1, 7, 0), NOW, FOLD_LA),
    # A bare time that rolls over into the next day's gap or fold.
    (AMS, "02:30", utc(2026, 3, 28, 22, 0), NOW, GAP_AMS),
    (AMS, "02:30", utc(2026, 10, 24, 21, 0), NOW, FOLD_AMS),
    (LA, "01:30", utc(2026, 11, 1, 5, 0), NOW, FOLD_LA),
    # A bare time with no previous event, on a `now` that falls on that day.
    (AMS, "02:30", None, utc(2026, 3, 29, 12, 0), GAP_AMS),
    (LA, "01:30", None, utc(2026, 11, 1, 20, 0), FOLD_LA),
    # A full date (the previous event does not matter).
    (AMS, "2026-03-29 02:30", None, NOW, GAP_AMS),
    (AMS, "2026-03-29T02:30", utc(2026, 11, 20, 9, 0), NOW, GAP_AMS),
    (AMS, "2026-10-25 02:30", None, NOW, FOLD_AMS),
    (LA, "2026-03-08 02:30", None, NOW, GAP_LA),
    (LA, "2026-11-01 01:30", None, NOW, FOLD_LA),
    (LA, "2026-11-01 1:30am", None, NOW, FOLD_LA),
    # Day words and the other ISO forms.
    (AMS, "yesterday 02:30", None, utc(2026, 3, 30, 12, 0), GAP_AMS),
    (LA, "today 01:30", None, utc(2026, 11, 1, 20, 0), FOLD_LA),
    (AMS, "20260329T0230", None, NOW, GAP_AMS),
    # Seconds are named when typed.
    (
        AMS,
        "2026-03-29 02:30:15",
        None,
        NOW,
        "02:30:15 does not exist on 2026-03-29 in Europe/Amsterdam",
    ),
    # The edges: 02:00 is skipped, 01:00 repeated.
    (AMS, "2026-03-29 02:00", None, NOW, "02:00 does not exist on 2026-03-29"),
    (LA, "2026-11-01 01:00", None, NOW, "01:00 happens twice on 2026-11-01"),
]


@pytest.mark.parametrize(("tz", "text", "previous", "now", "message"), DST)
def test_dst_gaps_and_folds_are_refused_not_shifted(
    tz: str, text: str, previous: datetime | None, now: datetime, message: str
) -> None:
    with pytest.raises(TimeError) as caught:
        parse(text, tz, previous, now)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("tz", "text", "expected"),
    [
        (AMS, "2026-03-29 01:59", utc(2026, 3, 29, 0, 59)),
        (AMS, "2026-03-29 03:00", utc(2026, 3, 29, 1, 0)),
        (AMS, "2026-10-25 01:59", utc(2026, 10, 24, 23, 59)),
        (AMS, "2026-10-25 03:00", utc(2026, 10, 25, 2, 0)),
        (LA, "2026-03-08 01:59", utc(2026, 3, 8, 9, 59)),
        (LA, "2026-03-08 03:00", utc(2026, 3, 8, 10, 0)),
        (LA, "2026-11-01 00:59", utc(2026, 11, 1, 7, 59)),
        (LA, "2026-11-01 02:00", utc(2026, 11, 1, 10, 0)),
    ],
)
def test_times_beside_a_transition_are_read(tz: str, text: str, expected: datetime) -> None:
    assert parse(text, tz).at == expected


def test_a_gap_on_the_day_not_meant_does_not_matter() -> None:
    # 11:00 CET on the 28th; 02:30 that morning is meant, not the skipped 02:30 of the 29th.
    parsed = parse("02:30", AMS, utc(2026, 3, 28, 10, 0))
    assert (parsed.at, parsed.note) == (utc(2026, 3, 28, 1, 30), PREV_DATE)


@pytest.mark.parametrize(
    ("tz", "first", "second", "names"),
    [
        (AMS, "2026-10-25T02:30+02:00", "2026-10-25T02:30+01:00", ("CEST", "CET")),
        (LA, "2026-11-01 01:30 -07:00", "2026-11-01 01:30 -08:00", ("PDT", "PST")),
    ],
)
def test_an_explicit_offset_settles_a_fold(
    tz: str, first: str, second: str, names: tuple[str, str]
) -> None:
    a, b = parse(first, tz), parse(second, tz)
    assert b.at - a.at == timedelta(hours=1)
    assert a.display.endswith(f" {names[0]}") and b.display.endswith(f" {names[1]}")
    assert a.local.hour == b.local.hour


def test_a_bare_time_with_an_offset_settles_a_fold() -> None:
    previous = utc(2026, 10, 24, 23, 30)  # 01:30 CEST on the 25th
    assert parse("02:30+02:00", AMS, previous).at == utc(2026, 10, 25, 0, 30)
    assert parse("02:30 +01:00", AMS, previous).at == utc(2026, 10, 25, 1, 30)
    assert parse("1:30am -08:00", LA, utc(2026, 11, 1, 8, 0)).at == utc(2026, 11, 1, 9, 30)


# -- parse_clock ---------------------------------------------------------------------------


def test_parse_clock() -> None:
    assert str(parse_clock("9:05")) == "09:05:00"
    assert str(parse_clock(" 12AM ")) == "00:00:00"
    assert str(parse_clock("12 p.m.")) == "12:00:00"
    assert parse_clock("9") is None  # a bare number is not a time
    assert parse_clock("24:00") is None
    assert parse_clock("14:32Z") is None  # has an offset: not a plain wall time


# -- properties ----------------------------------------------------------------------------

ZONES = st.sampled_from(["UTC", AMS, LA, KOL, "Australia/Lord_Howe", "America/St_Johns"])
INSTANTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
).map(lambda at: at.replace(microsecond=0))


@given(INSTANTS, ZONES)
def test_iso_with_offset_round_trips(at: datetime, tz: str) -> None:
    local = at.astimezone(zone(tz))
    assert parse(local.isoformat(), tz).at == at
    assert parse(local.isoformat(sep=" "), tz).at == at


@given(INSTANTS, ZONES)
def test_local_wall_time_round_trips_or_is_refused_as_a_fold(at: datetime, tz: str) -> None:
    local = at.astimezone(zone(tz))
    try:
        parsed = parse(f"{local:%Y-%m-%d %H:%M:%S}", tz)
    except TimeError as error:
        assert "happens twice" in str(error)
        assert local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()
    else:
        assert parsed.at == at


@given(INSTANTS, ZONES, st.integers(min_value=0, max_value=12 * 3600))
def test_a_bare_time_up_to_12_hours_later_is_read_as_that_time(
    previous: datetime, tz: str, seconds: int
) -> None:
    at = previous + timedelta(seconds=seconds)
    local = at.astimezone(zone(tz))
    try:
        parsed = parse(f"{local:%H:%M:%S}", tz, previous)
    except TimeError as error:
        assert "happens twice" in str(error)
    else:
        assert parsed.at == at
        same_day = local.date() == previous.astimezone(zone(tz)).date()
        assert parsed.note == (PREV_DATE if same_day else "next day")


@given(st.text(max_size=20))
def test_any_text_is_read_or_refused_with_a_time_error(text: str) -> None:
    try:
        parsed = parse(text, AMS, utc(2026, 11, 20, 9, 0))
    except TimeError:
        return
    check(parsed, AMS)
