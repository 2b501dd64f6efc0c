"""Action items that get done: due dates as people say them, and warnings for weak items."""

from __future__ import annotations

import re
from datetime import date, timedelta

from pmtui.core.models import ActionItem, ActionStatus
from pmtui.core.timeutil import TimeError, quoted

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_HINT = "try 2026-12-01, friday, next friday, in 2 weeks, eow, eom"
_RELATIVE = re.compile(r"^(?:in\s+|\+)(\d+)\s*(d|days?|w|weeks?|m|months?)$")
# Verbs that start a task with no end; the item is fine if it also says what done is.
VAGUE = (
    "investigate",
    "look into",
    "improve",
    "consider",
    "explore",
    "think about",
    "review",
    "discuss",
    "revisit",
    "check on",
)
_MEASURABLE = re.compile(r"\d|\b(?:so that|until|by|to below|to under|under|below|above)\b")


def parse_due(text: str, today: date) -> date | None:
    """A due date from what was typed; None for an empty one; TimeError if unreadable.

    `friday` is the next Friday on or after today, `next friday` the Friday of next week
    (weeks start on Monday), `eow` this week's Friday, `eom` the month's last day,
    `in 2 weeks` / `+10d` / `in 1 month` count from today.
    """
    raw = " ".join(text.strip().lower().split())
    if not raw:
        return None
    try:
        found = _due(raw, today)
    except (OverflowError, ValueError):  # "in 99999999 weeks": past the calendar's end
        found = None
    if found is None:
        raise TimeError(f"{quoted(text)} is not a due date I can read ({_HINT})")
    return found


def _due(raw: str, today: date) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    if raw in ("today", "tomorrow"):
        return today + timedelta(days=0 if raw == "today" else 1)
    if raw == "eow":
        return today + timedelta(days=(4 - today.weekday()) % 7)
    if raw == "eom":
        following = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        return following - timedelta(days=1)
    if raw == "next week":
        return today + timedelta(days=7 - today.weekday())
    words = raw.split()
    if words[-1] in WEEKDAYS and len(words) <= 2 and words[0] in (words[-1], "this", "next"):
        target = WEEKDAYS.index(words[-1])
        if words[0] == "next":
            next_monday = today + timedelta(days=7 - today.weekday())
            return next_monday + timedelta(days=target)
        return today + timedelta(days=(target - today.weekday()) % 7)
    match = _RELATIVE.match(raw)
    if match:
        count, unit = int(match.group(1)), match.group(2)[0]
        if unit == "d":
            return today + timedelta(days=count)
        if unit == "w":
            return today + timedelta(weeks=count)
        import pendulum  # calendar months: 31 January + 1 month is 28/29 February

        return pendulum.Date(today.year, today.month, today.day).add(months=count)
    return None


_SINCE_HINT = "try 2026-01-01, yesterday, last monday, 30 days ago, 2 weeks ago, 3 months ago"
_AGO = re.compile(r"^(\d+)\s*(d|days?|w|weeks?|m|months?|y|years?)\s+ago$")


def parse_since(text: str, today: date) -> date:
    """The first day of a period looking back ("--since"), as people say it: a date,
    `today`, `yesterday`, `last monday` (the latest Monday before today), `last week` /
    `last month` / `last year` (the first day of the one before this one), `30 days ago`,
    `2 weeks ago`, `3 months ago` (calendar months), `1 year ago`. TimeError if unreadable
    or after today."""
    raw = " ".join(text.strip().lower().split())
    try:
        found = _since(raw, today) if raw else None
    except (OverflowError, ValueError):  # "99999999 years ago": before the calendar's start
        found = None
    if found is None:
        raise TimeError(f"{quoted(text)} is not a date I can read ({_SINCE_HINT})")
    if found > today:
        raise TimeError(f"{quoted(text)} is after today ({today.isoformat()}): nothing to show")
    return found


def _since(raw: str, today: date) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    if raw in ("today", "yesterday"):
        return today - timedelta(days=0 if raw == "today" else 1)
    if raw == "last week":
        return today - timedelta(days=today.weekday() + 7)
    if raw == "last month":
        return (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    if raw == "last year":
        return date(today.year - 1, 1, 1)
    words = raw.split()
    if len(words) == 2 and words[0] == "last" and words[1] in WEEKDAYS:
        back = (today.weekday() - WEEKDAYS.index(words[1])) % 7 or 7
        return today - timedelta(days=back)
    match = _AGO.match(raw)
    if not match:
        return None
    count, unit = int(match.group(1)), match.group(2)[0]
    if unit in "dw":
        return today - timedelta(days=count * (7 if unit == "w" else 1))
    months = count * (12 if unit == "y" else 1)
    if months >= today.year * 12:
        return None
    import pendulum  # calendar months: 31 March - 1 month is 28/29 February

    return pendulum.Date(today.year, today.month, today.day).subtract(months=months)


def action_warnings(item: ActionItem) -> list[str]:
    """What makes an open item likely to linger: no owner, no date, no measurable end."""
    if item.status is not ActionStatus.OPEN:
        return []
    warnings = []
    if not item.owner.strip():
        warnings.append("no owner")
    if item.due is None:
        warnings.append("no due date")
    title = " ".join(item.title.lower().split())
    verb = next((v for v in VAGUE if title.startswith(v)), None)
    if verb and not _MEASURABLE.search(title):
        warnings.append(f"“{verb}” has no measurable end: say what done looks like")
    return warnings
