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
    raise TimeError(f"{quoted(text)} is not a due date I can read ({_HINT})")


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
