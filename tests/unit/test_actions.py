"""Due dates typed as people say them; warnings for items likely to linger."""

from __future__ import annotations

from datetime import date

import pytest

from pmtui.core.actions import action_warnings, parse_due
from pmtui.core.models import ActionItem, ActionStatus
from pmtui.core.timeutil import TimeError

WEDNESDAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("2026-12-01", date(2026, 12, 1)),
        ("today", WEDNESDAY),
        ("tomorrow", date(2026, 11, 26)),
        ("friday", date(2026, 11, 27)),
        ("Friday", date(2026, 11, 27)),
        ("this friday", date(2026, 11, 27)),
        ("wednesday", WEDNESDAY),  # on or after today
        ("monday", date(2026, 11, 30)),
        ("next friday", date(2026, 12, 4)),
        ("next monday", date(2026, 11, 30)),
        ("eow", date(2026, 11, 27)),
        ("eom", date(2026, 11, 30)),
        ("next week", date(2026, 11, 30)),
        ("in 2 weeks", date(2026, 12, 9)),
        ("in 10 days", date(2026, 12, 5)),
        ("+3d", date(2026, 11, 28)),
        ("+2w", date(2026, 12, 9)),
        ("in 1 month", date(2026, 12, 25)),
    ],
)
def test_due_dates(text: str, expected: date | None) -> None:
    assert parse_due(text, WEDNESDAY) == expected


def test_month_arithmetic_keeps_to_the_calendar() -> None:
    assert parse_due("in 1 month", date(2027, 1, 31)) == date(2027, 2, 28)
    assert parse_due("eom", date(2028, 2, 10)) == date(2028, 2, 29)
    assert parse_due("eow", date(2026, 11, 29)) == date(2026, 12, 4)  # Sunday: next Friday


@pytest.mark.parametrize("text", ["soon", "next fortnight", "2026-13-01", "in x weeks", "+3y"])
def test_unreadable_due_dates_name_what_was_typed(text: str) -> None:
    with pytest.raises(TimeError, match="is not a due date I can read"):
        parse_due(text, WEDNESDAY)


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (
            ActionItem("Add a confirmation prompt to the cleanup script", "Ana", date(2026, 12, 1)),
            [],
        ),
        (ActionItem("Add a confirmation prompt"), ["no owner", "no due date"]),
        (
            ActionItem("Investigate the slow restore", "Ana", date(2026, 12, 1)),
            ["“investigate” has no measurable end: say what done looks like"],
        ),
        (ActionItem("Improve restore time to under 30 minutes", "Ana", date(2026, 12, 1)), []),
        (ActionItem("Look into alerting", status=ActionStatus.DONE), []),
        (
            ActionItem("Review the runbook so that on-call can follow it", "Bo", date(2027, 1, 1)),
            [],
        ),
    ],
)
def test_action_warnings(item: ActionItem, expected: list[str]) -> None:
    assert action_warnings(item) == expected
