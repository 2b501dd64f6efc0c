"""Export the minutes from inside a meeting, at any moment, and say where they went."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pmtui.ui.meeting import MeetingScreen


def minutes_path(title: str, when: datetime, folder: Path | None = None) -> Path:
    """`<folder>/postmortem-<slug>-<YYYYMMDD-HHMM>.md`; the folder is $PMTUI_EXPORT_DIR or cwd."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48] or "meeting"
    folder = folder or Path(os.environ.get("PMTUI_EXPORT_DIR") or Path.cwd())
    return folder / f"postmortem-{slug}-{when:%Y%m%d-%H%M}.md"


def export_minutes(screen: MeetingScreen) -> None:
    """Write the minutes; when the coach has something to reword, list it first and write
    them only if the facilitator goes on (publishing is the team's call, not the coach's)."""
    screen._coach()
    if not screen.findings:
        write_minutes(screen)
        return
    from pmtui.ui.dialogs import ExportCheck

    def chosen(go_on: bool | None) -> None:
        if go_on:
            write_minutes(screen)

    screen.app.push_screen(ExportCheck(list(screen.findings)), chosen)


def write_minutes(screen: MeetingScreen) -> None:
    """Write the minutes now and say where they went (or why they did not)."""
    from pmtui.export import ExportError, render_markdown
    from pmtui.fileio import write_text_atomic

    live = screen.live
    now = datetime.fromtimestamp(live.clock.now(), UTC)
    live.record()  # brings the time spent per stage into the record
    try:
        text = render_markdown(live.pm, now=now)
        path = minutes_path(live.pm.title, now)
        write_text_atomic(path, text)
    except (ExportError, OSError) as error:
        screen.notify(f"Minutes not exported: {error}", severity="error", timeout=10)
        return
    screen.notify(f"Minutes written to {path}", title="Exported", timeout=10)
