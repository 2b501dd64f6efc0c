"""Export the minutes from inside a meeting, at any moment, and say where they went."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmtui.service.errors import ArchiveError

if TYPE_CHECKING:
    from pmtui.ui.meeting import MeetingScreen


def export_minutes(screen: MeetingScreen) -> None:
    """Write the minutes; when the coach has something to reword, list it first and write
    them only if the facilitator goes on (publishing is the team's call, not the coach's)."""
    findings = screen.session.findings()
    if not findings:
        write_minutes(screen)
        return
    from pmtui.ui.dialogs import ExportCheck

    def chosen(go_on: bool | None) -> None:
        if go_on:
            write_minutes(screen)

    screen.app.push_screen(ExportCheck(list(findings)), chosen)


def write_minutes(screen: MeetingScreen) -> None:
    """Write the minutes now and say where they went (or why they did not)."""
    try:
        path = screen.session.export_minutes()
    except ArchiveError as error:
        screen.notify(f"Minutes not exported: {error}", severity="error", timeout=10)
        return
    screen.notify(f"Minutes written to {path}", title="Exported", timeout=10)
