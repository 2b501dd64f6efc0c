"""The facilitator never loses or mangles text: no trap in any stage."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, OptionList

from pmtui.core import sessionfile
from pmtui.core.clock import FakeClock
from pmtui.ui.app import Start
from pmtui.ui.dialogs import PasteChoice
from tests.ui.helpers import (
    T0,
    app_for,
    burst,
    keys_of,
    meeting,
    new_store,
    sample_meeting,
    settle,
    type_text,
)

TYPING = "good dog, +1 -1 [x] e d k w s l r c b n a 42. \n"


def items(screen: object) -> dict[str, object]:
    """The record as exported (no drafts): what typing must not change."""
    doc = sessionfile.to_document(meeting_screen(screen).live.pm, with_metrics=False)
    return doc


def meeting_screen(screen: object):  # type: ignore[no-untyped-def]
    return screen


@pytest.mark.parametrize(
    ("stage", "widget", "entry"),
    [
        ("1", "#events", "event-text"),
        ("2", "#list-went_right", "input-went_right"),
        ("2", "#list-went_wrong", "input-went_wrong"),
        ("3", "#chains", "new-chain"),
        ("3", "#answers", "answer-input"),
        ("4", "#actions-table", "action-title"),
    ],
)
async def test_typing_on_a_focused_list_changes_nothing(
    tmp_path: Path, stage: str, widget: str, entry: str
) -> None:
    store = new_store(tmp_path)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=sample_meeting(store)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7", stage)
        await settle(pilot)
        screen = meeting(app)
        before = sessionfile.to_document(screen.live.pm, with_metrics=False)
        target = screen.query_one(widget)
        assert isinstance(target, OptionList | DataTable)
        screen.set_focus(target)
        await pilot.pause()
        # Letters, digits, space, punctuation, pressed as keys (not pasted), at a fast
        # typist's pace: keys that reach the list before it has handed over go to it too.
        await burst(pilot, *keys_of(TYPING.strip()))
        await settle(pilot)
        after = sessionfile.to_document(screen.live.pm, with_metrics=False)
        if entry == "event-text":
            # A digit goes to the time, letters to the text: both are entry lines.
            typed = screen.query_one("#event-time", Input).value
            typed += screen.query_one("#event-text", Input).value
            assert sorted(typed) == sorted(TYPING.strip())
        else:
            assert screen.query_one(f"#{entry}", Input).value == TYPING.strip()
        assert after == before  # nothing deleted, edited, moved or voted
        await app.action_quit()


async def test_tab_moves_between_the_places_one_types_in(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=sample_meeting(store)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7", "2")
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "input-went_right"
        await pilot.press("tab")
        assert app.focused.id == "input-went_wrong"
        await pilot.press("tab")
        assert app.focused.id == "input-got_lucky"
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused.id == "input-went_right"
        # From a list, Tab goes to the next place to type, never to another list.
        meeting(app).set_focus(meeting(app).query_one("#list-went_wrong"))
        await pilot.press("tab")
        assert app.focused.id == "input-went_wrong"
        await app.action_quit()


async def test_time_tab_then_words_go_to_the_event_and_the_kind_comes_after(
    tmp_path: Path,
) -> None:
    """Tab from the time goes to the text: with the kind between them, "Deploy began"
    typed after a Tab turned the kind (D, e) and was lost."""
    store = new_store(tmp_path)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=sample_meeting(store)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7", "1")
        await settle(pilot)
        screen = meeting(app)
        screen.set_focus(screen.query_one("#event-time", Input))
        await burst(pilot, *keys_of("14:32"), "tab", *keys_of("Deploy began"), "enter")
        await settle(pilot)
        added = [e for e in screen.live.pm.timeline if e.text == "Deploy began"]
        assert [e.kind.value for e in added] == ["event"]
        # The kind is the field after the text: Tab, a first letter, Enter adds.
        await burst(pilot, *keys_of("14:40"), "tab", *keys_of("Pages fire"), "tab", "d")
        await burst(pilot, "enter")
        await settle(pilot)
        added = [e for e in screen.live.pm.timeline if e.text == "Pages fire"]
        assert [e.kind.value for e in added] == ["detection"]
        assert app.focused is not None and app.focused.id == "event-time"
        await app.action_quit()


async def test_keys_typed_right_after_enter_wait_for_what_enter_did(tmp_path: Path) -> None:
    """Enter's work is done by the pane when the message reaches it; keys that came
    meanwhile went to the line: two quick notes became one, added twice, and a time's
    Enter followed by the event's words typed them into the time."""
    store = new_store(tmp_path)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=sample_meeting(store)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7", "2")
        await settle(pilot)
        screen = meeting(app)
        before = [n.text for n in screen.live.pm.went_right]
        await burst(pilot, *keys_of("alpha one"), "enter", *keys_of("beta two"), "enter")
        await settle(pilot)
        assert [n.text for n in screen.live.pm.went_right] == [*before, "alpha one", "beta two"]
        await pilot.press("f7", "1")
        await settle(pilot)
        screen.set_focus(screen.query_one("#event-time", Input))
        await burst(pilot, *keys_of("14:32"), "enter", *keys_of("Deploy began"), "enter")
        await settle(pilot)
        assert [e.text for e in screen.live.pm.timeline if e.text == "Deploy began"] == [
            "Deploy began"
        ]
        assert screen.query_one("#event-time", Input).value == ""
        await app.action_quit()


async def test_a_paste_of_several_lines_keeps_every_line(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=sample_meeting(store)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7", "2")
        await settle(pilot)
        screen = meeting(app)
        before = len(screen.live.pm.went_right)
        await type_text(
            pilot, "Failover worked\nPages reached the on-call\n\nStatus page was quick"
        )
        assert isinstance(app.screen, PasteChoice)
        await pilot.press("1")  # one note per line
        await settle(pilot)
        texts = [n.text for n in screen.live.pm.went_right[before:]]
        assert texts == ["Failover worked", "Pages reached the on-call", "Status page was quick"]
        # Or as one item, every line kept.
        await type_text(pilot, "first line\nsecond line")
        await pilot.press("2")
        await settle(pilot)
        assert screen.query_one("#input-went_right", Input).value == "first line second line"
        # Where one item per line cannot be (an event needs a time), the lines are joined.
        await pilot.press("f7", "1")
        await settle(pilot)
        screen.set_focus(screen.query_one("#event-text", Input))
        await type_text(pilot, "line one\nline two")
        assert screen.query_one("#event-text", Input).value == "line one line two"
        await app.action_quit()


async def test_a_draft_survives_a_killed_terminal(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store)
    clock = FakeClock(T0.timestamp())
    app = app_for(store, clock, Start(meeting_id=meeting_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = meeting(app)
        screen.set_focus(screen.query_one("#event-text", Input))
        await type_text(pilot, "Fastly config push reaches every POP")
        screen.tick()  # the next beat of the clock saves the draft
        await settle(pilot)
        # The process dies here: no quit, no Enter; the session just ends.
        assert screen.session.close()
    assert store.load(meeting_id)["drafts"]["event-text"].startswith("Fastly config push")
    again = app_for(store, clock, Start(meeting_id=meeting_id))
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = meeting(again)
        assert screen.query_one("#event-text", Input).value == (
            "Fastly config push reaches every POP"
        )
        # Added, it is no longer a draft, and never part of the minutes.
        assert "drafts" not in sessionfile.to_document(screen.live.pm)
        await again.action_quit()


async def test_the_focused_field_is_always_in_view(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=sample_meeting(store)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f7", "5")
        await settle(pilot)
        screen = meeting(app)
        for _ in range(6):  # Tab down to the last field, far below the fold at 80x24
            await pilot.press("tab")
        await pilot.pause()
        focused = app.focused
        assert focused is not None and focused.id == "field-status"
        await pilot.press("f4", "f5")  # away and back
        await settle(pilot)
        await pilot.pause()
        focused = app.focused
        assert focused is not None
        x, y = focused.region.offset
        under, _ = screen.get_widget_at(x + 1, y)
        assert under is focused or focused in under.ancestors_with_self
        await app.action_quit()


async def test_a_new_action_item_starts_from_the_defaults(tmp_path: Path) -> None:
    from textual.widgets import Select

    from pmtui.core.models import ActionType, Priority

    store = new_store(tmp_path)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=sample_meeting(store)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7", "4")
        await settle(pilot)
        screen = meeting(app)
        screen.query_one("#action-priority", Select).value = Priority.P0
        screen.query_one("#action-type", Select).value = ActionType.DETECT
        screen.set_focus(screen.query_one("#action-title", Input))
        await type_text(pilot, "Alert on config push errors")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.live.pm.action_items[-1].priority is Priority.P0
        assert screen.query_one("#action-priority", Select).value == Priority.P2
        assert screen.query_one("#action-type", Select).value == ActionType.PREVENT
        await app.action_quit()
