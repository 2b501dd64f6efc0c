"""Action items as CSV for issue trackers (Jira's and GitHub's CSV importers)."""

from __future__ import annotations

import csv
import io

from pmtui.core.models import ActionStatus, Postmortem, Priority

HEADER = (
    "Summary",
    "Description",
    "Assignee",
    "Due Date",
    "Priority",
    "Labels",
    "Status",
    "Issue Type",
)
PRIORITY = {Priority.P0: "Highest", Priority.P1: "High", Priority.P2: "Medium", Priority.P3: "Low"}
STATUS = {ActionStatus.OPEN: "To Do", ActionStatus.DONE: "Done", ActionStatus.WONT_DO: "Won't Do"}


def render_csv(pm: Postmortem) -> str:
    """One row per action item; fields with commas, quotes or newlines are quoted."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(HEADER)
    incident = f"{pm.incident_id}: {pm.title}" if pm.incident_id else pm.title
    for item in pm.action_items:
        description = f"Follow-up of the postmortem of {incident} ({item.type.value})."
        if item.ticket:
            description += f" Related: {item.ticket}."
        writer.writerow(
            (
                item.title,
                description,
                item.owner,
                item.due.isoformat() if item.due else "",
                PRIORITY[item.priority],
                f"postmortem;{item.type.value}",
                STATUS[item.status],
                "Task",
            )
        )
    return out.getvalue()
