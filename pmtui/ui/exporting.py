"""Export the minutes from inside a meeting, at any moment, and say where they went."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmtui.service.errors import ArchiveError

if TYPE_CHECKING:
    from pmtui.ui.meeting import MeetingScreen


def export_minutes(screen: MeetingScreen) -> None:
    """Write the minutes; when the coach has something to reword, list it first and write
    them only if the facilitator goes on (publishing is the team's call, not the coach's).
    Then ask which template, showing where they will be written."""
    findings = screen.session.findings()
    if not findings:
        choose_template(screen)
        return
    from pmtui.ui.dialogs import ExportCheck

    def chosen(go_on: bool | None) -> None:
        if go_on:
            choose_template(screen)

    screen.app.push_screen(ExportCheck(list(findings)), chosen)


def choose_template(screen: MeetingScreen) -> None:
    from pmtui.export.markdown import list_templates
    from pmtui.ui.dialogs import ExportDialog

    def chosen(template: str | None) -> None:
        if template is not None:
            write_minutes(screen, template)

    dialog = ExportDialog(screen.live.pm.title, str(screen.session.export_dir), list_templates())
    screen.app.push_screen(dialog, chosen)


def write_minutes(screen: MeetingScreen, template: str = "minutes") -> None:
    """Write the minutes now and say where they went, in full (or why they did not)."""
    try:
        path = screen.session.export_minutes(template)
    except ArchiveError as error:
        screen.notify(f"Minutes not exported: {error}", severity="error", timeout=10)
        return
    screen.notify(f"Minutes written to {path}", title="Exported", timeout=10)
