"""Action items as CSV for issue trackers (Jira's and GitHub's CSV importers).

One row per action item under the header `Summary,Description,Assignee,Due Date,
Priority,Labels,Status,Issue Type`; stdlib csv, minimal quoting, CRLF line ends. A
summary is one line (trackers refuse line breaks there, and Jira more than 255
characters); the action as typed, line breaks and all, is kept in the description.
"""

from __future__ import annotations

import csv
import io

from pmtui.core import whys as whytree
from pmtui.core.models import ActionItem, ActionStatus, Postmortem, Priority

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
ISSUE_TYPE = "Task"
MAX_SUMMARY = 255


def summary(title: str) -> str:
    """The action as one line of at most MAX_SUMMARY characters."""
    line = " ".join(title.split()) or "Postmortem action item"
    return line if len(line) <= MAX_SUMMARY else line[: MAX_SUMMARY - 1].rstrip() + "…"


def description(pm: Postmortem, item: ActionItem) -> str:
    incident = " ".join(pm.title.split()) or "an untitled incident"
    if pm.incident_id.strip():
        incident = f"{pm.incident_id.strip()}: {incident}"
    lines = [
        f"Action item from the postmortem of {incident}.",
        f"Type: {item.type.value}. Priority: {item.priority.value}.",
    ]
    if item.ticket.strip():
        lines.append(f"Ticket: {item.ticket.strip()}")
    if item.addresses:
        lines.append(f"Addresses: {whytree.text_of(pm, item.addresses)}")
    if summary(item.title) != item.title.strip():
        lines += ["", item.title.strip()]
    return "\n".join(lines)


def render_csv(pm: Postmortem) -> str:
    """The action items as CSV text; fields with commas, quotes or newlines are quoted."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(HEADER)
    for item in pm.action_items:
        writer.writerow(
            (
                summary(item.title),
                description(pm, item),
                " ".join(item.owner.split()),
                item.due.isoformat() if item.due else "",
                PRIORITY[item.priority],
                f"postmortem;{item.type.value}",
                STATUS[item.status],
                ISSUE_TYPE,
            )
        )
    return out.getvalue()
