"""The timeline table reuses rendered cells: what it shows must match a fresh render."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from pmtui.core.clock import FakeClock
from pmtui.ui.app import Start
from tests.ui.helpers import T0, app_for, meeting, new_store, sample_meeting, settle, type_text


def _lines(table: DataTable[object]) -> list[str]:
    return [
        "".join(f"{segment.text}{segment.style!r}" for segment in table.render_line(y))
        for y in range(table.size.height)
    ]


def _matches_fresh_render(table: DataTable[object]) -> bool:
    shown = _lines(table)
    table._clear_caches()
    return shown == _lines(table)


async def test_reused_cells_match_a_fresh_render(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=sample_meeting(store)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = meeting(app).query_one("#events", DataTable)
        assert _matches_fresh_render(table)
        steps: list[list[str]] = [
            ["type:+1m", "enter", "type:an added event", "enter"],  # a row at the end
            ["shift+tab"],
            ["up", "up", "k"],  # a kind changed in place
            ["d"],  # a row deleted
            ["ctrl+z"],  # and back
            ["e", "ctrl+u", "type:edited text", "enter"],  # a text changed in place
        ]
        for keys in steps:
            for key in keys:
                if key.startswith("type:"):
                    await type_text(pilot, key.removeprefix("type:"))
                else:
                    await pilot.press(key)
            await settle(pilot)
            assert _matches_fresh_render(table), keys
        app.action_toggle_contrast()
        await settle(pilot)
        assert _matches_fresh_render(table)
        await app.action_quit()
