"""Instants in UTC, wall times in the session's zone, and the ISO form we write."""

from __future__ import annotations

import functools
import re
import zoneinfo
from datetime import UTC, date, datetime, timedelta, tzinfo

from pmtui.core.controls import json_for_terminal

_DATE_ONLY = re.compile(r"^\s*\d{4}-?\d{2}-?\d{2}\s*$")
# A zone name as the IANA database spells them: no dots, so no `..` and no file suffix,
# no leading slash, nothing that could name a file outside the database.
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+-]{1,64}(?:/[A-Za-z0-9_+-]{1,64}){0,3}")
# Times and dates a postmortem can be about. Far enough inside datetime's years 1-9999
# that converting to any zone or adding a day never overflows; anything outside is a typo.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2999


QUOTED_MAX = 80  # characters of user input a one-line message repeats


def quoted(text: object) -> str:
    """User input as it appears in a message: in double quotes, escapes visible, and cut
    (with an ellipsis) when longer than a message line has room for."""
    if isinstance(text, str) and len(text) > QUOTED_MAX:
        text = text[: QUOTED_MAX - 1] + "…"
    return json_for_terminal(text)


class TimeError(ValueError):
    """A time a user wrote that cannot be read; the message says why, for that user."""


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The IANA zone called `name` (in any letter case), or TimeError naming it.

    Only a name shaped like a zone name reaches the zone database, and its errors (a
    folder such as `America`, a file that is not a zone) never show a path."""
    if isinstance(name, str) and _ZONE_NAME.fullmatch(name):
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            pass
        canonical = _zone_names().get(name.lower())
        if canonical is not None:
            return zoneinfo.ZoneInfo(canonical)
        inside = sorted(
            z for z in _zone_names().values() if z.lower().startswith(name.lower() + "/")
        )
        if inside:
            raise TimeError(f"{quoted(name)} is a region, not a time zone (e.g. {inside[0]})")
    raise TimeError(f"{quoted(name)} is not a known IANA time zone (e.g. Europe/Berlin)")


@functools.cache
def _zone_names() -> dict[str, str]:
    """Every zone name by its lower-case spelling (read once: it walks the database)."""
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def check_year(value: date, text: object) -> None:
    """Refuse a date or time outside the years a postmortem can be about."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise TimeError(f"{quoted(text)} is outside the years {EARLIEST_YEAR} to {LATEST_YEAR}")


def localize(naive: datetime, tz: tzinfo) -> datetime:
    """Read a wall-clock time in `tz`; refuse one that does not exist or exists twice."""
    check_year(naive, f"{naive:%Y-%m-%d %H:%M}")
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    offsets = (first.utcoffset(), second.utcoffset())
    if offsets[0] != offsets[1]:
        # The wall time sits in a transition: skipped (gap) or repeated (fold).
        wall = f"{naive:%H:%M} on {naive:%Y-%m-%d}"
        back = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if back != naive:
            raise TimeError(f"{wall} does not exist in {tz} (clocks jumped forward)")
        shown = " or ".join(_offset(o) for o in offsets if o is not None)
        raise TimeError(
            f"{wall} happens twice in {tz} (clocks went back); add an offset like {shown}"
        )
    return first


def _offset(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


def parse_iso(text: str, tz: tzinfo) -> datetime:
    """An ISO-8601 date and time as a UTC instant; without an offset it is read in `tz`."""
    if not isinstance(text, str) or not text.strip():
        raise TimeError(f"{quoted(text)} is not a time")
    if _DATE_ONLY.match(text):
        raise TimeError(f"{quoted(text)} is a date without a time")
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise TimeError(f"{quoted(text)} is not a time") from None
    check_year(parsed, text)
    if parsed.tzinfo is None:
        parsed = localize(parsed, tz)
    at = parsed.astimezone(UTC)
    check_year(at, text)
    return at


@functools.lru_cache(maxsize=4096)
def format_utc(at: datetime) -> str:
    """The form we write: `2017-02-28T17:37:00Z` (microseconds only when present).
    Remembered: every save writes every timeline event's time again."""
    at = at.astimezone(UTC)
    spec = "seconds" if at.microsecond == 0 else "microseconds"
    return at.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def parse_date(text: str) -> date | None:
    """A due date, `YYYY-MM-DD`, or None for an empty one."""
    if text is None or text == "":
        return None
    if not isinstance(text, str):
        raise TimeError(f"{quoted(text)} is not a date (YYYY-MM-DD)")
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise TimeError(f"{quoted(text)} is not a date (YYYY-MM-DD)") from None
    check_year(day, text)
    return day


def human_duration(seconds: float | None) -> str:
    """A duration as people say it: `45 s`, `3 min`, `4 h 17 min`, `2 d 3 h`."""
    if seconds is None:
        return "n/a"
    sign = "-" if seconds < 0 else ""
    total = int(abs(seconds))
    if total < 60:
        return f"{sign}{total} s"
    minutes, _ = divmod(total, 60)
    if minutes < 60:
        return f"{sign}{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{sign}{hours} h" + (f" {minutes} min" if minutes else "")
    days, hours = divmod(hours, 24)
    return f"{sign}{days} d" + (f" {hours} h" if hours else "")


def clock_face(seconds: float) -> str:
    """A countdown as `MM:SS` (or `H:MM:SS` past an hour), sign kept."""
    sign = "-" if seconds < 0 else ""
    total = int(abs(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes:02d}:{secs:02d}"


def is_utc(tz: tzinfo) -> bool:
    return tz is UTC or str(tz) in ("UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Zulu", "Zulu")


def utc_and_local(at: datetime, tz: tzinfo) -> str:
    """`2017-02-28 17:37 UTC · 09:37 PST`; the local part only where the zone is not UTC."""
    utc = at.astimezone(UTC)
    text = f"{utc:%Y-%m-%d %H:%M} UTC"
    if is_utc(tz):
        return text
    local = at.astimezone(tz)
    day = "" if local.date() == utc.date() else f"{local:%Y-%m-%d} "
    return f"{text} · {day}{local:%H:%M} {local.tzname()}"
