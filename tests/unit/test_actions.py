"""Due dates typed as people say them; warnings for items likely to linger."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pmtui.core.actions import action_warnings, parse_due, parse_since
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
    ("text", "expected"),
    [
        ("2026-01-01", date(2026, 1, 1)),
        (" Today ", WEDNESDAY),
        ("yesterday", date(2026, 11, 24)),
        ("last monday", date(2026, 11, 23)),
        ("last wednesday", date(2026, 11, 18)),  # before today, not today
        ("last thursday", date(2026, 11, 19)),
        ("last week", date(2026, 11, 16)),  # its Monday
        ("last month", date(2026, 10, 1)),
        ("last year", date(2025, 1, 1)),
        ("30 days ago", date(2026, 10, 26)),
        ("1 day ago", date(2026, 11, 24)),
        ("2 weeks ago", date(2026, 11, 11)),
        ("3 months ago", date(2026, 8, 25)),
        ("1 year ago", date(2025, 11, 25)),
        ("2y ago", date(2024, 11, 25)),
    ],
)
def test_since_dates_look_back(text: str, expected: date) -> None:
    assert parse_since(text, WEDNESDAY) == expected


def test_since_months_keep_to_the_calendar() -> None:
    assert parse_since("1 month ago", date(2027, 3, 31)) == date(2027, 2, 28)
    assert parse_since("last month", date(2027, 1, 15)) == date(2026, 12, 1)


@pytest.mark.parametrize(
    "text",
    ["", "soon", "2026-13-01", "in 2 weeks", "x days ago", "99999999 days ago", "9999 years ago"],
)
def test_unreadable_since_dates_name_what_was_typed(text: str) -> None:
    with pytest.raises(TimeError, match="is not a date I can read"):
        parse_since(text, WEDNESDAY)


@given(
    st.text(max_size=30) | st.from_regex(r"\A(in |\+)?\d{1,6000} ?(d|w|m|y|days|weeks)( ago)?\Z")
)
@example("in " + "9" * 5000 + " days")  # more digits than Python reads as a number
@example("in 99999999999 days")
@example("in 999999 months")
@example("+99999999w")
@example("9999999999 years ago")
@settings(max_examples=150, deadline=None)
def test_any_typed_date_is_a_date_or_one_refusal(text: str) -> None:
    for parse in (parse_due, parse_since):
        try:
            found = parse(text, WEDNESDAY)
        except TimeError as error:
            assert "\n" not in str(error)
        else:
            assert found is None or isinstance(found, date)


def test_a_refusal_repeats_a_long_input_cut_to_a_line() -> None:
    with pytest.raises(TimeError) as refused:
        parse_due("in " + "9" * 5000 + " days", WEDNESDAY)
    assert '"in 999' in str(refused.value) and "…" in str(refused.value)
    assert len(str(refused.value)) < 200


def test_a_since_date_after_today_is_refused() -> None:
    with pytest.raises(TimeError, match="after today"):
        parse_since("2027-01-01", WEDNESDAY)


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
