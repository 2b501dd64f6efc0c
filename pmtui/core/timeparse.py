"""Times as people type them during a meeting, read in the session's time zone.

`14:32`, `14:32:10`, `2:32pm`, `2pm`, `2026-11-20 14:32`, ISO-8601 with an offset or `Z`,
`yesterday 14:32`, `today 2pm`, `+5m` / `+1h30m` / `+90s` after the previous event, `now`
and `-5m` (before now), a date alone (its midnight), and any of these followed by a zone:
`10:36Z`, `10:36 UTC`, `10:36 PST`, `10:36 +01:00`, `10:36 Europe/London` (any case). An
abbreviation is accepted only where it names one offset (`PST`, `CEST`); one that names
several (`CST`, `IST`, `BST`) is refused with the choices.
A time without a date takes the previous event's date; typing 23:58 and then 00:03 means
the next day. Wall times that a daylight-saving change skips or repeats are refused with
a message, never shifted silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from pmtui.core.timeutil import TimeError, check_year, localize, quoted, utc_and_local, zone

ROLLOVER_WINDOW = timedelta(hours=12)
_HINT = "try 14:32, 2:32pm, 10:36Z, 10:36 Europe/London, 2026-11-20 14:32, +5m, now"

# Abbreviations that name one offset wherever they are used.
_ABBREVIATIONS = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 60, "CET": 60, "CEST": 120,
    "EET": 120, "EEST": 180, "MSK": 180, "PKT": 300, "HKT": 480, "SGT": 480,
    "JST": 540, "KST": 540, "AEST": 600, "AEDT": 660, "ACST": 570, "ACDT": 630,
    "AWST": 480, "NZST": 720, "NZDT": 780, "EST": -300, "EDT": -240, "CDT": -300,
    "MST": -420, "MDT": -360, "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480,
    "HST": -600, "NST": -210, "NDT": -150, "BRT": -180, "ART": -180,
}  # fmt: skip
# Abbreviations in use for more than one offset: refused, with what they could mean.
_AMBIGUOUS = {
    "CST": "US Central -06:00, China +08:00, Cuba -05:00",
    "IST": "India +05:30, Ireland +01:00, Israel +02:00",
    "BST": "British Summer Time +01:00, Bangladesh +06:00",
    "AST": "Atlantic -04:00, Arabia +03:00",
    "ADT": "Atlantic -03:00, Arabia +04:00",
    "ECT": "Ecuador -05:00, Eastern Caribbean -04:00",
    "GST": "Gulf +04:00, South Georgia -02:00",
    "SST": "Samoa -11:00, Singapore +08:00",
}
_ZONE_SUFFIX = re.compile(
    r"^(?P<rest>.*\d(?:\s*[ap]\.?m\.?)?)\s*(?P<zone>Z)$"
    r"|^(?P<rest2>.*\S)\s+(?P<zone2>[A-Za-z][A-Za-z_/+\-0-9]*|[+-]\d{2}:?\d{2})$",
    re.IGNORECASE,
)
_DATE_ALONE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BEFORE_NOW = re.compile(
    r"^-\s*(?=\d)(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*m(?:in)?)?\s*(?:(?P<s>\d+)\s*s)?$",
    re.IGNORECASE,
)
_NOT_ZONES = frozenset({"am", "pm", "a.m.", "p.m.", "a.m", "p.m"})

_CLOCK = re.compile(
    r"^(?P<h>\d{1,2})(?::(?P<m>\d{2}))?(?::(?P<s>\d{2}))?\s*(?P<ampm>[ap])\.?\s*m?\.?$"
    r"|^(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?$",
    re.IGNORECASE,
)
_DAY_WORD = re.compile(r"^(?P<word>yesterday|today|tomorrow)\s+(?P<rest>.+)$", re.IGNORECASE)
_DATE_TIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[T\s]+(?P<time>[^+Z]+?)\s*(?P<offset>Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"^\+\s*(?=\d)(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*m(?:in)?)?\s*(?:(?P<s>\d+)\s*s)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ParsedTime:
    at: datetime  # UTC
    local: datetime  # the same instant in the session's zone
    note: str  # how a guess was made, e.g. "next day"; empty when nothing was guessed
    display: str  # e.g. "2026-11-20 14:32 UTC · 15:32 CET"


def _not_a_time(text: str) -> TimeError:
    return TimeError(f"{quoted(text)} is not a time I can read ({_HINT})")


def parse_clock(text: str) -> time | None:
    """`14:32`, `14:32:10`, `2:32pm`, `2pm` as a wall time; None if it is not one."""
    match = _CLOCK.match(text.strip())
    if match is None:
        return None
    if match.group("H") is not None:
        hour, minute = int(match.group("H")), int(match.group("M"))
        second = int(match.group("S") or 0)
        if hour > 23:
            return None
    else:
        hour, minute = int(match.group("h")), int(match.group("m") or 0)
        second = int(match.group("s") or 0)
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match.group("ampm").lower() == "p" else 0)
    if minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def parse_event_time(
    text: str, *, tz: str | tzinfo, previous: datetime | None, now: datetime
) -> ParsedTime:
    """Read what the facilitator typed as a UTC instant, or raise TimeError saying why."""
    zone_info = zone(tz) if isinstance(tz, str) else tz
    raw = text.strip()
    if not raw:
        raise TimeError("Type a time first (" + _HINT + ")")
    note = ""

    if raw.lower() == "now":
        return _result(now, zone_info, "now")
    if raw.startswith("-") and (before := _BEFORE_NOW.match(raw)) and any(before.groups()):
        try:
            delta = _delta(before)
            at = now - delta
        except (OverflowError, ValueError):
            raise TimeError(f"{quoted(text)} is too far before now") from None
        check_year(at, text)
        return _result(at, zone_info, f"{_span(delta)} before now")
    if _DATE_ALONE.match(raw):
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise TimeError(f"{quoted(text)} is not a date") from None
        return _result(_on_day(day, time(0, 0), zone_info), zone_info, "midnight: no time given")
    full = _DATE_TIME.match(raw)
    if full is None or parse_clock(full.group("time")) is None:
        with_zone = _with_zone(raw, tz=zone_info, previous=previous, now=now)
        if with_zone is not None:
            return with_zone

    if raw.startswith("+"):
        match = _RELATIVE.match(raw)
        if match is None or not any(match.group(k) for k in ("h", "m", "s")):
            raise _not_a_time(text)
        if previous is None:
            raise TimeError(f"{quoted(text)} counts from the previous event; there is none yet")
        try:
            delta = _delta(match)
            at = previous + delta
        except (OverflowError, ValueError):  # more days than a timedelta holds, or digits
            raise TimeError(f"{quoted(text)} is too far after the previous event") from None
        check_year(at, text)
        return _result(at, zone_info, f"{_span(delta)} after the previous event")

    day_word = _DAY_WORD.match(raw)
    if day_word:
        wall = parse_clock(day_word.group("rest"))
        if wall is None:
            raise _not_a_time(text)
        shift = {"yesterday": -1, "today": 0, "tomorrow": 1}[day_word.group("word").lower()]
        day = now.astimezone(zone_info).date() + timedelta(days=shift)
        return _result(_on_day(day, wall, zone_info), zone_info, "")

    if full:
        return _result(_full(raw, full, zone_info), zone_info, "")

    wall = parse_clock(raw)
    if wall is None:
        raise _not_a_time(text)
    if previous is not None:
        day = previous.astimezone(zone_info).date()
        note = "date of the previous event"
    else:
        day = now.astimezone(zone_info).date()
        note = "today"
    at = _on_day(day, wall, zone_info)
    if previous is not None and at < previous:
        tomorrow = _on_day(day + timedelta(days=1), wall, zone_info)
        if tomorrow - previous <= ROLLOVER_WINDOW:
            at, note = tomorrow, "next day"
    return _result(at, zone_info, note)


def _delta(match: re.Match[str]) -> timedelta:
    return timedelta(
        hours=int(match.group("h") or 0),
        minutes=int(match.group("m") or 0),
        seconds=int(match.group("s") or 0),
    )


def typed_zone(name: str) -> tzinfo | None:
    """The zone a facilitator typed after a time: `Z`, `UTC`, `PST`, `+01:00`,
    `Europe/London` (any case). None when it is not a zone; TimeError for an
    abbreviation that names several offsets (the message lists them)."""
    upper = name.strip().upper()
    if upper in _ABBREVIATIONS:
        return timezone(timedelta(minutes=_ABBREVIATIONS[upper]), upper)
    if upper in _AMBIGUOUS:
        raise TimeError(
            f"{quoted(name)} names more than one zone ({_AMBIGUOUS[upper]}); "
            "type an offset like +01:00 or a zone name like Europe/London"
        )
    offset = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", name.strip())
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        hours, minutes = int(offset.group(2)), int(offset.group(3))
        if hours > 14 or minutes > 59:
            return None
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        return zone(name)
    except TimeError:
        return None


def _with_zone(
    raw: str, *, tz: tzinfo, previous: datetime | None, now: datetime
) -> ParsedTime | None:
    """A time followed by a zone, read in that zone and shown in the session's; None
    when `raw` does not end in something that could be a zone."""
    suffix = _ZONE_SUFFIX.match(raw)
    if suffix is None:
        return None
    rest = suffix.group("rest") or suffix.group("rest2")
    name = suffix.group("zone") or suffix.group("zone2")
    if name.lower() in _NOT_ZONES or rest.lower() in ("yesterday", "today", "tomorrow"):
        return None
    given = typed_zone(name)
    if given is not None:
        parsed = parse_event_time(rest, tz=given, previous=previous, now=now)
        return _result(parsed.at, tz, parsed.note)
    try:  # the zone is the part not understood when the rest reads as a time
        parse_event_time(rest, tz=tz, previous=previous, now=now)
    except TimeError:
        return None
    raise TimeError(
        f"{quoted(name)} is not a time zone I know; use a zone name like Europe/London, "
        "an offset like +01:00, or UTC"
    )


def _full(raw: str, match: re.Match[str], zone_info: tzinfo) -> datetime:
    try:
        day = date.fromisoformat(match.group("date"))
    except ValueError:
        raise TimeError(f"{quoted(raw)}: {match.group('date')} is not a date") from None
    check_year(day, raw)
    wall = parse_clock(match.group("time"))
    if wall is None:
        raise _not_a_time(raw)
    offset = match.group("offset")
    if offset is None:
        return _on_day(day, wall, zone_info)
    import pendulum  # only here: its import is not free, and most input is a bare time

    iso = f"{day.isoformat()}T{wall.isoformat()}{'Z' if offset.upper() == 'Z' else offset}"
    try:
        parsed = pendulum.parse(iso, exact=True)
    except (ValueError, pendulum.parsing.exceptions.ParserError):
        raise _not_a_time(raw) from None
    if not isinstance(parsed, datetime):
        raise _not_a_time(raw)
    return parsed.astimezone(UTC)


def _on_day(day: date, wall: time, zone_info: tzinfo) -> datetime:
    return localize(datetime.combine(day, wall), zone_info).astimezone(UTC)


def _span(delta: timedelta) -> str:
    total = int(delta.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    parts.append(f"{seconds} s" if seconds else "")
    return " ".join(p for p in parts if p) or "0 s"


def _result(at: datetime, zone_info: tzinfo, note: str) -> ParsedTime:
    at = at.astimezone(UTC)
    return ParsedTime(
        at=at, local=at.astimezone(zone_info), note=note, display=utc_and_local(at, zone_info)
    )
