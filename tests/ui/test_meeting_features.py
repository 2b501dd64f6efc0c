"""The meeting's other promises: help, export, bell, loud save failures, home, palette."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Input, Label, OptionList, Static

from pmtui.core.clock import FakeClock
from pmtui.service.settings import Settings
from pmtui.store.store import MeetingHandle
from pmtui.ui.app import HIGH_CONTRAST, Start
from pmtui.ui.dialogs import ExportCheck, ExportDialog, HelpScreen
from pmtui.ui.home import HomeScreen
from tests.ui.helpers import (
    T0,
    app_for,
    loaded,
    meeting,
    new_store,
    sample_meeting,
    settle,
    type_text,
)


async def test_help_lists_the_keys_of_the_screen(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=sample_meeting(store)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=120, file=io.StringIO())
        for static in app.screen.query(Static):
            console.print(static.content)
        text = console.file.getvalue()  # type: ignore[attr-defined]
        for words in ("Start/Pause", "+1 min", "◀ Back", "Next ▶", "Skip", "Export", "Undo"):
            assert words in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await app.action_quit()


async def test_help_shows_the_users_keys_for_stage_lists(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    keymap = {"lessons.delete": "ctrl+k", "timeline.delete": "ctrl+k"}
    app = app_for(
        store, FakeClock(T0.timestamp()), Start(meeting_id=sample_meeting(store)), keymap=keymap
    )
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press("f7", "2")  # right / wrong / lucky; the focus is on an entry line
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=120, file=io.StringIO())
        for static in app.screen.query(Static):
            console.print(static.content)
        lines = console.file.getvalue().splitlines()  # type: ignore[attr-defined]
        deletes = [line for line in lines if line.strip().endswith("Delete")]
        assert deletes and all("^k" in line for line in deletes), deletes
        assert not any(line.split()[0] == "d" for line in deletes), deletes
        await pilot.press("escape")
        await app.action_quit()


async def test_home_screen_shows_damage_when_nothing_could_be_read(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    damaged = store.meetings / "0123456789abcdef0123456789abcdef.json"
    damaged.write_text("{not json", encoding="utf-8")
    app = app_for(store, FakeClock(T0.timestamp()))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert isinstance(app.screen, HomeScreen)
        hint = str(app.screen.query_one("#home-hint", Static).content)
        assert "No meetings yet" not in hint
        assert "damaged" in hint and damaged.name in hint
        await app.action_quit()
    assert damaged.read_text(encoding="utf-8") == "{not json"


async def test_a_disk_error_creating_a_meeting_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmtui.store.store import Store

    def full(store: Store, record: object) -> str:
        raise OSError(28, "No space left on device")

    store = new_store(tmp_path)
    monkeypatch.setattr(Store, "create", full)
    app = app_for(store, FakeClock(T0.timestamp()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one(Input).value = "Search outage"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("No space left" in str(n.message) for n in app._notifications)
        await app.action_quit()


async def test_export_from_the_meeting_writes_minutes_and_says_where(
    tmp_path: Path, isolated_data: Path
) -> None:
    store = new_store(tmp_path)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=sample_meeting(store)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f9")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)  # which template, and where they go
        shown = str(dialog.query_one("#export-destination", Static).render())
        assert str(isolated_data / "exports") in shown
        await pilot.press("enter")
        await pilot.pause()
        (written,) = (isolated_data / "exports").glob("postmortem-*.md")
        assert written.read_text(encoding="utf-8").startswith("# GitLab.com database deleted")
        assert any(str(written) in str(n.message) for n in app._notifications)
        await app.action_quit()


async def test_overrun_rings_once_notifies_and_the_bell_can_be_muted(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    clock = FakeClock(T0.timestamp())
    app = app_for(store, clock, Start(meeting_id=sample_meeting(store)))
    rings: list[int] = []
    async with app.run_test(size=(120, 40)) as pilot:
        app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
        await pilot.pause()
        screen = meeting(app)
        await pilot.press("f2")
        clock.advance(6 * 60 + 1)  # the 30-minute preset gives the timeline 6 minutes
        screen.tick()
        screen.tick()
        await pilot.pause()
        assert rings == [1]
        assert any("over its timebox" in str(n.message) for n in app._notifications)
        assert screen.query_one("#countdown").has_class("-overrun")
        await pilot.press("f5", "f8")  # next stage; mute
        clock.advance(6 * 60 + 1)
        screen.tick()
        await pilot.pause()
        assert rings == [1]
        await app.action_quit()


async def test_a_failed_save_is_shown_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = new_store(tmp_path)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=sample_meeting(store)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = meeting(app)

        def broken(handle: MeetingHandle, record: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(MeetingHandle, "save", broken)
        await type_text(pilot, "10:00")
        await pilot.press("enter")
        await type_text(pilot, "an event that cannot be saved")
        await pilot.press("enter")
        await settle(pilot)
        assert "NOT SAVED" in str(screen._save_state())
        assert any(
            n.severity == "error" and "No space left" in str(n.message) for n in app._notifications
        )
        assert any(e.text == "an event that cannot be saved" for e in screen.live.pm.timeline)
        # Quitting does not pretend: the app stays open because the save did not land.
        await app.action_quit()
        assert app.is_running
        monkeypatch.undo()  # the disk is back
        await app.action_quit()


async def test_home_screen_lists_creates_and_imports(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    sample_meeting(store)
    app = app_for(store, FakeClock(T0.timestamp()))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#meetings").row_count == 1  # type: ignore[attr-defined]
        await pilot.press("i")
        await pilot.pause()
        await type_text(pilot, str(tmp_path / "missing.json"))
        await pilot.press("enter")
        await pilot.pause()
        assert any("no such file" in str(n.message) for n in app._notifications)
        assert len(store.list()) == 1
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "Search outage")
        await pilot.press("enter")
        await pilot.pause()
        screen = meeting(app)
        assert screen.live.pm.title == "Search outage"
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert {row["title"] for row in store.list()} >= {"Search outage"}
        await app.action_quit()


async def test_palette_offers_every_meeting_action_and_high_contrast(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=sample_meeting(store)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        commands = list(app.get_system_commands(app.screen))
        titles = {c.title for c in commands}
        for title in (
            "Pause or resume the meeting clock",
            "Give this stage one more minute",
            "Back to the previous stage",
            "Next stage",
            "Skip this stage",
            "Go to a stage",
            "Export the minutes",
            "Undo the last edit",
            "Save and quit",
            "Set the time zone",
            "Edit participants and roles",
            "Set the severity, incident id or title",
            "High-contrast theme",
        ):
            assert title in titles
        assert "Quit" not in titles  # Textual's quit-at-once: ours saves first
        assert all(c.help for c in commands)  # every command says what it does
        # What people type finds the command (the palette matches words in the name).
        for words in ("next stage", "pause", "zone", "participants", "severity", "title"):
            assert any(words in t.lower() for t in titles), words
        app.action_toggle_contrast()
        assert app.theme == HIGH_CONTRAST.name
        # A stage's own action, run from the palette, acts on that stage's list.
        await pilot.press("f7", "2")
        await settle(pilot)
        screen = meeting(app)
        screen.set_focus(screen.query_one("#list-went_right", OptionList))
        await pilot.pause()
        by_title = {c.title: c for c in app.get_system_commands(screen)}
        await by_title["Vote for this note"].callback()  # type: ignore[misc]
        await settle(pilot)
        assert screen.live.pm.went_right[0].votes == 1
        await app.action_quit()


def test_keymap_file(tmp_path: Path) -> None:
    good = tmp_path / "keymap.json"
    good.write_text(json.dumps({"meeting.next": "f5,ctrl+n"}))
    settings = Settings.load(data=tmp_path, environ={"PMTUI_KEYMAP": str(good)})
    assert settings.keymap() == ({"meeting.next": "f5,ctrl+n"}, None)
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    keymap, problem = Settings.load(data=tmp_path, environ={"PMTUI_KEYMAP": str(bad)}).keymap()
    assert keymap == {} and problem and "keymap ignored" in problem
    # The default place is keymap.json in the config folder.
    assert Settings.load(environ={"PMTUI_CONFIG": str(tmp_path)}).keymap_file == good


@pytest.mark.parametrize("keys", ["ctrl+n"])
async def test_keymap_rebinds_a_meeting_key(tmp_path: Path, keys: str) -> None:
    store = new_store(tmp_path)
    clock = FakeClock(T0.timestamp())
    app = app_for(
        store, clock, Start(meeting_id=sample_meeting(store)), keymap={"meeting.next": keys}
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press(keys)
        await pilot.pause()
        assert meeting(app).live.engine.view(clock.now()).stage.key == "lessons"
        await app.action_quit()


async def test_enter_on_the_home_screen_opens_the_meeting_once_for_editing(
    tmp_path: Path,
) -> None:
    store = new_store(tmp_path)
    sample_meeting(store)
    app = app_for(store, FakeClock(T0.timestamp()))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("enter")
        await pilot.pause()
        screen = meeting(app)
        assert not screen.read_only
        assert sum(1 for s in app.screen_stack if type(s).__name__ == "MeetingScreen") == 1
        await app.action_quit()


async def test_the_coach_counts_in_the_header_and_speaks_up_before_export(
    tmp_path: Path, isolated_data: Path
) -> None:
    store = new_store(tmp_path)
    clock = FakeClock(T0.timestamp())
    app = app_for(store, clock, Start(new_title="Coached", minutes=15))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = meeting(app)
        await pilot.press("f5", "f5")  # past the set-up and the timeline
        await pilot.pause()
        await type_text(pilot, "It was human error")
        await pilot.press("enter")
        screen.tick()
        await pilot.pause()
        assert "⚑ 1 to reword" in str(screen.query_one("#header-state").render())
        await pilot.press("f9")
        await pilot.pause()
        check = app.screen
        assert isinstance(check, ExportCheck)
        console = Console(width=100, file=io.StringIO())
        for static in check.query(Static):
            console.print(static.content)
        listed = console.file.getvalue()  # type: ignore[attr-defined]
        assert "What went right, note 1" in listed and "human error" in listed
        assert "1 phrase to reword" in listed
        assert not list((isolated_data / "exports").glob("*.md"))  # not before the answer
        await pilot.press("escape")  # back to reword
        await pilot.pause()
        assert app.screen is screen
        assert not list((isolated_data / "exports").glob("*.md"))
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press("enter")  # the team's call: written all the same
        await pilot.pause()
        await pilot.press("enter")  # the default template
        await pilot.pause()
        assert app.screen is screen
        assert list((isolated_data / "exports").glob("*.md"))
        await app.action_quit()


async def test_dot_voting_on_notes(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    clock = FakeClock(T0.timestamp())
    app = app_for(store, clock, Start(new_title="Votes", minutes=15))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = meeting(app)
        await pilot.press("f7", "2")  # a new meeting opens at its set-up
        await pilot.pause()
        screen.query_one("#input-went_wrong").focus()
        await pilot.pause()
        for note in ("Paging was slow", "Runbook was stale"):
            await type_text(pilot, note)
            await pilot.press("enter")
        notes = screen.query_one("#list-went_wrong")
        notes.focus()
        await pilot.pause()
        notes.highlighted = 1  # type: ignore[attr-defined]
        await pilot.press("ctrl+up", "ctrl+up", "ctrl+down", "ctrl+up", "ctrl+s")
        await settle(pilot)
        notes = screen.live.pm.went_wrong
        assert [(n.text, n.votes) for n in notes] == [
            ("Runbook was stale", 2),
            ("Paging was slow", 0),
        ]
        meeting_id = screen.live.pm.id
        await app.action_quit()
    saved = store.load(meeting_id)["went_wrong"]
    assert saved == [
        {"id": notes[0].id, "text": "Runbook was stale", "votes": 2},
        {"id": notes[1].id, "text": "Paging was slow"},
    ]


async def test_a_vote_shows_on_the_one_note_voted_for(tmp_path: Path) -> None:
    """Votes belonged to a note's text: one + showed on every note that read the same."""
    store = new_store(tmp_path)
    app = app_for(store, FakeClock(T0.timestamp()), Start(new_title="Votes", minutes=15))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = meeting(app)
        await pilot.press("f7", "2")  # a new meeting opens at its set-up
        await pilot.pause()
        screen.query_one("#input-went_wrong").focus()
        await pilot.pause()
        for _ in range(2):
            await type_text(pilot, "Alerts were noisy")
            await pilot.press("enter")
        notes = screen.query_one("#list-went_wrong", OptionList)
        notes.focus()
        await pilot.pause()
        notes.highlighted = 1
        await pilot.press("ctrl+up")
        await settle(pilot)
        shown = [str(notes.get_option_at_index(i).prompt) for i in range(2)]
        assert shown == ["• Alerts were noisy", "• Alerts were noisy  ●1"]
        assert [n.votes for n in screen.live.pm.went_wrong] == [0, 1]
        await app.action_quit()


async def test_findings_show_in_the_stage_that_holds_the_text(tmp_path: Path) -> None:
    from pmtui.core import sessionfile

    store = new_store(tmp_path)
    record = sessionfile.from_document(
        {
            "pmtui": 1,
            "title": "x",
            "went_wrong": ["The operator forgot the flag"],
            "summary": "A human error, they said.",
        }
    )
    meeting_id = store.create(sessionfile.to_record(record))
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=meeting_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")  # from the set-up, where it opens
        screen = meeting(app)
        timeline_line = screen.query_one("#timeline .coach-line", Static)
        assert not timeline_line.display  # nothing to reword in the timeline
        await pilot.press("f5")
        await pilot.pause()
        line = screen.query_one("#lessons .coach-line", Static)
        assert line.display and "What went wrong, note 1, “forgot”" in str(line.render())
        # The flagged note itself carries the mark; the clean one does not.
        notes = screen.query_one("#list-went_wrong", OptionList)
        assert str(notes.get_option_at_index(0).prompt).endswith("⚑")
        await pilot.press("f7", "5")
        await pilot.pause()
        wrap = screen.query_one("#wrapup .coach-line", Static)
        assert wrap.display and "Summary, “human error”" in str(wrap.render())
        assert "⚑" in str(screen.query_one("#label-summary", Label).render())
        assert "⚑" not in str(screen.query_one("#label-impact", Label).render())
        await app.action_quit()


async def test_branch_mark_and_link_whys_from_the_keyboard(tmp_path: Path) -> None:
    """A chain branches with b, a why becomes a root cause with r, an action item is linked
    to it with l, and the wrap-up lists the root causes nothing addresses yet."""
    from pmtui.core import sessionfile
    from pmtui.core import whys as whytree
    from pmtui.core.models import Cause
    from pmtui.ui.dialogs import WhyPicker

    store = new_store(tmp_path)
    meeting_id = store.create(
        sessionfile.to_record(sessionfile.from_document({"pmtui": 1, "title": "Checkout down"}))
    )
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=meeting_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f7", "3")
        await settle(pilot)
        await type_text(pilot, "Checkout failed")
        await pilot.press("enter")
        for answer in ("Bad config everywhere", "Canary covered one region"):
            await type_text(pilot, answer)
            await pilot.press("enter")
        await settle(pilot)
        # In the tree: up to why 2, b for another answer to why 1, type it.
        app.screen.set_focus(app.screen.query_one("#answers"))
        await pilot.press("ctrl+n")
        await type_text(pilot, "Linter skipped anchors")
        await pilot.press("enter")
        await settle(pilot)
        # Mark it a root cause.
        app.screen.set_focus(app.screen.query_one("#answers"))
        await pilot.press("ctrl+r")
        await settle(pilot)
        # Stage 4: add an action item, link it to the canary why.
        await pilot.press("f7", "4")
        await settle(pilot)
        await type_text(pilot, "Widen the canary to three regions")
        await pilot.press("enter")
        await settle(pilot)
        warnings = str(app.screen.query_one("#action-warnings", Static).content)
        assert warnings == "⚠ item 1: no owner, no due date"
        live = meeting(app).live
        app.screen.set_focus(app.screen.query_one("#actions-table"))
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, WhyPicker)
        assert app.screen.heading == (
            "Action item 1, “Widen the canary to three regions”: which why does it address?"
        )
        # The open root cause comes first; the canary answer is further down.
        shown = [whytree.text_of(live.pm, why_id) for why_id in app.screen.choices]
        assert shown[0] == "Linter skipped anchors"
        await pilot.press(*["down"] * shown.index("Canary covered one region"))
        await pilot.press("enter")
        await settle(pilot)
        # Editing the item in the form keeps its link.
        app.screen.set_focus(app.screen.query_one("#actions-table"))
        await pilot.press("ctrl+e", "end")
        await type_text(pilot, " now")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f7", "5")
        await settle(pilot)
        causes = str(app.screen.query_one("#wrapup-causes", Static).content)
        assert "Root causes with no action item (1)" in causes
        assert "Linter skipped anchors" in causes
        await app.action_quit()

    pm = sessionfile.from_record(store.load(meeting_id))
    rows = whytree.rows(pm.whys[0])
    assert [(r.label, r.why.text, r.why.cause) for r in rows] == [
        ("1", "Bad config everywhere", Cause.NONE),
        ("1.1", "Canary covered one region", Cause.NONE),
        ("1.2", "Linter skipped anchors", Cause.ROOT),
    ]
    (item,) = pm.action_items
    assert item.title == "Widen the canary to three regions now"
    assert item.addresses == rows[1].why.id


async def test_text_that_looks_like_markup_is_shown_as_typed(tmp_path: Path) -> None:
    """Rich reads `[/]` and `[bold]` in a plain string as markup: `[/]` alone crashed the
    timeline table. Every place that shows what people typed must show it as typed."""
    from textual.widgets import DataTable

    from pmtui.core import sessionfile

    store = new_store(tmp_path)
    typed = "log said [/] and [bold]x[/bold]"
    document = {
        "pmtui": 1,
        "title": "Markup [/] title",
        "incident_id": "[/]",
        "timeline": [{"at": "2026-11-20T10:00:00Z", "text": typed}],
        "went_right": ["[/] note"],
        "whys": [{"problem": "[/] problem", "answers": ["[red]why"]}],
        "action_items": [{"title": "[/] act", "owner": "[b]o", "ticket": "[/]"}],
        "participants": [{"name": "[/]", "role": "[b]"}],
        "summary": "[/]",
    }
    meeting_id = store.create(sessionfile.to_record(sessionfile.from_document(document)))
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=meeting_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")  # from the set-up, where it opens
        await settle(pilot)
        events = app.screen.query_one("#events", DataTable)
        assert str(events.get_cell_at((0, 2))) == typed
        for stage in "2345":
            await pilot.press("f7", stage)
            await settle(pilot)
        actions = app.screen.query_one("#actions-table", DataTable)
        assert str(actions.get_cell_at((0, 0))).endswith("[/] act")
        app.notify("Linked to: [/] why")  # what people typed goes into notifications too
        await pilot.press("f10")
        await loaded(pilot)
        assert isinstance(app.screen, HomeScreen)
        home = app.screen.query_one(DataTable)
        assert str(home.get_cell_at((0, 0))) == "Markup [/] title"
        await app.action_quit()


async def test_keys_on_lists_and_tables_act_on_the_item_by_its_id(tmp_path: Path) -> None:
    """Each list or table asks its pane by message; the pane acts on the item's id, and an
    edit, a move or an undo leaves every id where it was."""
    from textual.widgets import DataTable

    from pmtui.core.models import ActionStatus

    store = new_store(tmp_path)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=sample_meeting(store)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = meeting(app)
        live = screen.live
        # Timeline: k changes the kind of the event under the cursor, d deletes it.
        screen.set_focus(screen.query_one("#events", DataTable))
        await pilot.pause()
        first = live.events()[0]
        await pilot.press("ctrl+k")
        await settle(pilot)
        assert live.events()[0].id == first.id and live.events()[0].kind != first.kind
        await pilot.press("d", "ctrl+z")
        await settle(pilot)
        assert live.events()[0].id == first.id

        # Lessons: Ctrl+→ moves the note, with its id and votes, to the next column.
        await pilot.press("f7", "2")
        await settle(pilot)
        note = live.pm.went_right[0]
        screen.set_focus(screen.query_one("#list-went_right", OptionList))
        await pilot.pause()
        await pilot.press("ctrl+up", "ctrl+right")
        await settle(pilot)
        assert live.pm.went_wrong[-1].id == note.id and live.pm.went_wrong[-1].votes == 1
        await pilot.press("ctrl+e", "end", "!", "enter")
        await settle(pilot)
        assert live.pm.went_wrong[-1].text == note.text + "!"
        assert live.pm.went_wrong[-1].id == note.id

        # Action items: x toggles the status of the highlighted item, d deletes it.
        await pilot.press("f7", "4")
        await settle(pilot)
        item = live.pm.action_items[0]
        screen.set_focus(screen.query_one("#actions-table", DataTable))
        await pilot.pause()
        await pilot.press("ctrl+x")
        await settle(pilot)
        assert live.pm.action_items[0].id == item.id
        assert live.pm.action_items[0].status != item.status
        assert ActionStatus.DONE in (item.status, live.pm.action_items[0].status)
        await pilot.press("delete")
        await settle(pilot)
        assert item.id not in [a.id for a in live.pm.action_items]
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert live.pm.action_items[0].id == item.id

        # Five Whys: d on the chain list deletes the highlighted chain; undo brings it back.
        await pilot.press("f7", "3")
        await settle(pilot)
        chains = [c.id for c in live.pm.whys]
        screen.set_focus(screen.query_one("#chains", OptionList))
        await pilot.pause()
        await pilot.press("delete")
        await settle(pilot)
        assert len(live.pm.whys) == len(chains) - 1
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert [c.id for c in live.pm.whys] == chains
        await app.action_quit()


async def test_escape_cancels_every_dialog(tmp_path: Path) -> None:
    from pmtui.ui.dialogs import Dialog, ImportDialog, NewMeetingDialog

    app = app_for(new_store(tmp_path), FakeClock(T0.timestamp()))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for dialog in (ImportDialog(), NewMeetingDialog()):
            assert isinstance(dialog, Dialog) and dialog.heading
            results: list[object] = []
            await app.push_screen(dialog, results.append)
            await pilot.pause()
            assert dialog.query_one(".dialog-title", Label).content == dialog.heading
            await pilot.press("escape")
            await pilot.pause()
            assert results == [None]
            assert isinstance(app.screen, HomeScreen)
        await app.action_quit()
