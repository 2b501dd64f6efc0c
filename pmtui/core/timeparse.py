"""Times as a facilitator types them during a meeting, read in the session's time zone.

Accepted (spaces and letter case do not matter):

* a wall time: `14:32`, `14:32:10`, `2:32pm`, `2:32 PM`, `2pm`, `12am`, `12:30 a.m.`;
* a date and a time: `2026-11-20 14:32`, `2026-11-20T14:32:10`, `2026-11-20 2:32pm`;
* a day word and a time: `today 14:32`, `yesterday 2pm` (the days of `now` in the zone);
* `+5m`, `+1h30m`, `+90s`, `+2h`, `+1d`: that long after the previous event;
* ISO-8601 with an offset or `Z` (`2026-11-20T14:32:10+01:00`), and the other ISO-8601
  date-time forms (`20261120T1432Z`, week and ordinal dates) through pendulum.

Any wall time may carry an offset (`02:30+01:00`, `14:32Z`, `14:32 UTC`); it is then read at
that offset, which is how a wall time repeated by a daylight-saving change is settled.

A time without a date takes the previous event's date, or today's date without one. If that
lands before the previous event and the same wall time a day later is at most 12 hours after
it, the next day is meant: typing 23:58 and then 00:03 crosses midnight.

A wall time that a daylight-saving change skips or repeats is refused with a message saying
so; it is never shifted silently. Nothing here reads the clock: `now` is passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from pmtui.core.timeutil import TimeError, quoted, utc_and_local, zone

ROLLOVER_WINDOW = timedelta(hours=12)
HINT = "try 14:32, 2:32pm, 2026-11-20 14:32, +5m"

NOTE_PREVIOUS_DATE = "date taken from previous event"
NOTE_TODAY = "today's date"
NOTE_NEXT_DAY = "next day"

# A wall time: 24-hour clock, or 12-hour clock with am/pm; then an optional offset.
_CLOCK = re.compile(
    r"""
    (?P<hour>\d{1,2})
    (?: :(?P<minute>\d{2}) (?: :(?P<second>\d{2}) (?:[.,](?P<fraction>\d{1,6}))? )? )?
    (?: \s*(?P<ampm>[ap])\.?\s*m\.? )?
    (?: \s*(?P<offset> z | utc | gmt | [+-]\d{2}(?::?\d{2})? ) )?
    """,
    re.IGNORECASE | re.VERBOSE,
)
_DAY_WORD = re.compile(r"(?P<word>yesterday|today)\s+(?:at\s+)?(?P<rest>.+)", re.IGNORECASE)
_DATED = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?:t\s*|\s+(?:at\s+)?)(?P<rest>.+)",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"""
    \+\s*
    (?: (?P<days>\d{1,4})\s*d(?:ays?)? \s* )?
    (?: (?P<hours>\d{1,5})\s*(?:h|hrs?|hours?) \s* )?
    (?: (?P<minutes>\d{1,6})\s*m(?:ins?|inutes?)? \s* )?
    (?: (?P<seconds>\d{1,7})\s*s(?:ecs?|econds?)? )?
    """,
    re.IGNORECASE | re.VERBOSE,
)
_LOOKS_ISO = re.compile(r"\d{4}-?(?:\d{2}|W\d{2}|\d{3})", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedTime:
    """What a typed time resolved to."""

    at: datetime  # the instant, aware, in UTC
    local: datetime  # the same instant in the session's zone
    note: str  # how a missing part was filled in, e.g. "next day"; "" when nothing was
    display: str  # e.g. "2026-11-20 14:32 UTC · 15:32 CET"


@dataclass(frozen=True)
class _Clock:
    wall: time
    offset: tzinfo | None  # a fixed offset typed with the time, or None


def parse_event_time(
    text: str, *, tz: str | tzinfo, previous: datetime | None, now: datetime
) -> ParsedTime:
    """Read a typed event time as a UTC instant, or raise TimeError saying why not.

    `tz` is the session's zone, `previous` the event the new one follows (if any) and
    `now` the current instant; both must be aware.
    """
    zone_info = zone(tz) if isinstance(tz, str) else tz
    _require_aware(now, "now")
    if previous is not None:
        _require_aware(previous, "previous")
        previous = previous.astimezone(UTC)
    raw = " ".join(str(text).split())
    if not raw:
        raise _unreadable(text)

    if raw.startswith("+"):
        return _finish(*_relative(text, raw, previous), zone_info)

    day_word = _DAY_WORD.fullmatch(raw)
    if day_word is not None:
        clock = _clock(day_word.group("rest"))
        if clock is None:
            raise _unreadable(text)
        frame = clock.offset or zone_info
        shift = -1 if day_word.group("word").lower() == "yesterday" else 0
        day = now.astimezone(frame).date() + timedelta(days=shift)
        return _finish(_on(day, clock, zone_info), "", zone_info)

    dated = _DATED.fullmatch(raw)
    if dated is not None:
        clock = _clock(dated.group("rest"))
        if clock is not None:
            day = _calendar_day(text, dated)
            return _finish(_on(day, clock, zone_info), "", zone_info)

    clock = _clock(raw)
    if clock is not None:
        return _finish(*_bare(clock, zone_info, previous, now), zone_info)

    if _LOOKS_ISO.match(raw):
        return _finish(_iso(text, raw, zone_info), "", zone_info)
    raise _unreadable(text)


def parse_clock(text: str) -> time | None:
    """A typed wall time (`14:32`, `2:32pm`, `2pm`) without an offset, or None."""
    clock = _clock(" ".join(text.split()))
    return clock.wall if clock is not None and clock.offset is None else None


# -- the forms ------------------------------------------------------------------------------


def _relative(text: str, raw: str, previous: datetime | None) -> tuple[datetime, str]:
    match = _RELATIVE.fullmatch(raw)
    parts = ("days", "hours", "minutes", "seconds")
    if match is None or all(match.group(p) is None for p in parts):
        raise _unreadable(text)
    if previous is None:
        raise TimeError(
            f"{quoted(text.strip())} counts from the previous event, but there is none yet: "
            "nothing to count from (type a time like 14:32 first)"
        )
    delta = timedelta(**{p: int(match.group(p) or 0) for p in parts})
    try:
        at = previous + delta
    except OverflowError:
        raise TimeError(f"{quoted(text.strip())} is too far after the previous event") from None
    return at, f"{_span(delta)} after the previous event"


def _bare(
    clock: _Clock, zone_info: tzinfo, previous: datetime | None, now: datetime
) -> tuple[datetime, str]:
    """A wall time on the previous event's day (or today), crossing midnight if meant."""
    frame = clock.offset or zone_info
    if previous is None:
        return _on(now.astimezone(frame).date(), clock, zone_info), NOTE_TODAY
    day = previous.astimezone(frame).date()
    # Decide the day on the plain reading first: a wall time in a gap or a fold on the day
    # not chosen must not stop the one that is.
    same_day = datetime.combine(day, clock.wall, tzinfo=frame).astimezone(UTC)
    if same_day < previous:
        next_day = datetime.combine(day + timedelta(days=1), clock.wall, tzinfo=frame)
        if next_day.astimezone(UTC) - previous <= ROLLOVER_WINDOW:
            return _on(day + timedelta(days=1), clock, zone_info), NOTE_NEXT_DAY
    return _on(day, clock, zone_info), NOTE_PREVIOUS_DATE


def _calendar_day(text: str, match: re.Match[str]) -> date:
    year, month, day = (int(match.group(g)) for g in ("year", "month", "day"))
    try:
        return date(year, month, day)
    except ValueError:
        shown = f"{match.group('year')}-{match.group('month')}-{match.group('day')}"
        raise TimeError(
            f"{quoted(text.strip())} is not a time I can read (there is no {shown}; {HINT})"
        ) from None


def _iso(text: str, raw: str, zone_info: tzinfo) -> datetime:
    """The ISO-8601 forms the human parser leaves alone: compact, week and ordinal dates."""
    import pendulum  # imported here: it is slow to load, and rarely needed

    try:
        parsed = pendulum.parse(raw, exact=True, tz=None)
    except (ValueError, OverflowError):
        raise _unreadable(text) from None
    if isinstance(parsed, datetime):
        # A plain datetime, not pendulum's subclass, so results compare and print alike.
        naive = datetime(*parsed.timetuple()[:6], parsed.microsecond)
        offset = parsed.utcoffset()
        if offset is None:
            return _wall_in_zone(naive, zone_info)
        return (naive - offset).replace(tzinfo=UTC)
    if isinstance(parsed, date):
        raise TimeError(
            f"{quoted(text.strip())} is a date without a time (add one: {parsed.isoformat()} 14:32)"
        )
    raise _unreadable(text)


# -- pieces ---------------------------------------------------------------------------------


def _clock(text: str) -> _Clock | None:
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        return None
    hour = int(match.group("hour"))
    minute = int(match.group("minute") or 0)
    second = int(match.group("second") or 0)
    micro = int((match.group("fraction") or "0").ljust(6, "0"))
    ampm = match.group("ampm")
    if ampm is None:
        if match.group("minute") is None or hour > 23:
            return None  # a bare number is not a time; 24:00 is not one either
    else:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm.lower() == "p" else 0)
    if minute > 59 or second > 59:
        return None
    offset = _offset(match.group("offset"))
    if match.group("offset") is not None and offset is None:
        return None
    return _Clock(time(hour, minute, second, micro), offset)


def _offset(text: str | None) -> tzinfo | None:
    if text is None:
        return None
    if text.lower() in ("z", "utc", "gmt"):
        return UTC
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        return None
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _on(day: date, clock: _Clock, zone_info: tzinfo) -> datetime:
    """A wall time on a day: at its typed offset, else in the session's zone."""
    if clock.offset is not None:
        return datetime.combine(day, clock.wall, tzinfo=clock.offset).astimezone(UTC)
    return _wall_in_zone(datetime.combine(day, clock.wall), zone_info)


def _wall_in_zone(naive: datetime, zone_info: tzinfo) -> datetime:
    """The UTC instant of a wall time in a zone; TimeError in a daylight-saving gap or fold."""
    first = naive.replace(tzinfo=zone_info, fold=0)
    second = naive.replace(tzinfo=zone_info, fold=1)
    before, after = first.utcoffset(), second.utcoffset()
    if before == after or before is None or after is None:
        return first.astimezone(UTC)
    wall = f"{naive:%H:%M:%S}" if naive.second or naive.microsecond else f"{naive:%H:%M}"
    where = f"on {naive:%Y-%m-%d} in {_zone_name(zone_info)}"
    if first.astimezone(UTC).astimezone(zone_info).replace(tzinfo=None) != naive:
        raise TimeError(f"{wall} does not exist {where} (clocks jumped forward)")
    raise TimeError(
        f"{wall} happens twice {where} (clocks went back); "
        f"add an offset like {_offset_text(before)} or {_offset_text(after)}"
    )


def _zone_name(zone_info: tzinfo) -> str:
    key = getattr(zone_info, "key", None)
    return key if isinstance(key, str) else str(zone_info)


def _offset_text(delta: timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    hours, rest = divmod(abs(minutes), 60)
    return f"{'-' if minutes < 0 else '+'}{hours:02d}:{rest:02d}"


def _span(delta: timedelta) -> str:
    total = int(delta.total_seconds())
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    units = ((days, "d"), (hours, "h"), (minutes, "min"), (seconds, "s"))
    return " ".join(f"{n} {unit}" for n, unit in units if n) or "0 s"


def _require_aware(at: datetime, name: str) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


def _unreadable(text: str) -> TimeError:
    return TimeError(f"{quoted(str(text).strip())} is not a time I can read ({HINT})")


def _finish(at: datetime, note: str, zone_info: tzinfo) -> ParsedTime:
    at = at.astimezone(UTC)
    return ParsedTime(
        at=at, local=at.astimezone(zone_info), note=note, display=utc_and_local(at, zone_info)
    )
