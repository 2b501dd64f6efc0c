"""Action items as CSV for Jira's and GitHub's importers."""

from __future__ import annotations

import csv
import io
from datetime import date

from pmtui.core.models import ActionItem, ActionStatus, ActionType, Postmortem, Priority
from pmtui.export import render_csv


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
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == [
        "Summary",
        "Description",
        "Assignee",
        "Due Date",
        "Priority",
        "Labels",
        "Status",
        "Issue Type",
    ]
    first, second = rows[1], rows[2]
    assert first[0] == 'Add a guard, "really"\nwith a second line'
    assert first[2:] == ["Ana Lima", "2026-12-04", "Highest", "postmortem;prevent", "To Do", "Task"]
    assert 'INC-7: Checkout "errors", then more' in first[1] and "OPS-1" in first[1]
    assert second[3:7] == ["", "Low", "postmortem;other", "Won't Do"]
    assert len(rows) == 3
