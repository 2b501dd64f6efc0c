"""Action items as CSV for issue trackers (Jira's and GitHub's CSV importers).

One row per action item under the header `Summary,Description,Assignee,Due Date,
Priority,Labels,Status,Issue Type`; stdlib csv, minimal quoting, CRLF line ends. A
summary is one line (trackers refuse line breaks there, and Jira more than 255
characters); the action as typed, line breaks and all, is kept in the description.

No cell can run in a spreadsheet: one that would start with `=`, `+`, `-`, `@`, a tab or a
carriage return (after any spaces or zero-width characters) gets a `'` in front, as
OWASP advises against CSV injection. Bidi controls are shown as `<U+XXXX>`, and names and
ids lose zero-width characters.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from pmtui.core import whys as whytree
from pmtui.core.models import ActionItem, ActionStatus, Postmortem, Priority
from pmtui.export.filters import drop_zero_width, show_bidi

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
_FORMULA = re.compile(r"[\t\r]|[\s\u200b-\u200d\u2060\ufeff]*[=+\-@]")


def cell(text: str) -> str:
    """Text for one cell: inert in a spreadsheet, with no hidden direction change."""
    text = show_bidi(text)
    return "'" + text if _FORMULA.match(text) else text


def summary(title: str) -> str:
    """The action as one line of at most MAX_SUMMARY characters."""
    line = " ".join(title.split()) or "Postmortem action item"
    return line if len(line) <= MAX_SUMMARY else line[: MAX_SUMMARY - 1].rstrip() + "…"


def description(pm: Postmortem, item: ActionItem) -> str:
    incident = " ".join(pm.title.split()) or "an untitled incident"
    if incident_id := drop_zero_width(pm.incident_id).strip():
        incident = f"{incident_id}: {incident}"
    lines = [
        f"Action item from the postmortem of {incident}.",
        f"Type: {item.type.value}. Priority: {item.priority.value}.",
    ]
    if ticket := drop_zero_width(item.ticket).strip():
        lines.append(f"Ticket: {ticket}")
    if item.addresses:
        lines.append(f"Addresses: {whytree.text_of(pm, item.addresses)}")
    if summary(item.title) != item.title.strip():
        lines += ["", item.title.strip()]
    return "\n".join(lines)


def render_csv(pm: Postmortem) -> str:
    """The action items as CSV text; fields with commas, quotes or newlines are quoted."""
    return render_items_csv((pm, item) for item in pm.action_items)


def render_items_csv(pairs: Iterable[tuple[Postmortem, ActionItem]]) -> str:
    """Action items of any meetings (the ledger's) as the same tracker CSV."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(HEADER)
    for pm, item in pairs:
        row = (
            summary(item.title),
            description(pm, item),
            " ".join(drop_zero_width(item.owner).split()),
            item.due.isoformat() if item.due else "",
            PRIORITY[item.priority],
            f"postmortem;{item.type.value}",
            STATUS[item.status],
            ISSUE_TYPE,
        )
        writer.writerow([cell(value) for value in row])
    return out.getvalue()
