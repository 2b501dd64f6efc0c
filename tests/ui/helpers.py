"""Helpers for driving the app with Pilot."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual import events
from textual.keys import KEY_NAME_REPLACEMENTS, REPLACED_KEYS, key_to_character
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from pmtui.core import sessionfile
from pmtui.core.agenda import scaled
from pmtui.core.clock import FakeClock
from pmtui.core.engine import MeetingEngine
from pmtui.core.live import LiveMeeting
from pmtui.service.archive import Archive
from pmtui.service.files import read_session_file
from pmtui.service.settings import Settings
from pmtui.store.store import Store
from pmtui.ui.app import PmtuiApp, Start, make_app
from pmtui.ui.meeting import MeetingScreen

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_sessions" / "gitlab-2017-database-outage.json"


def new_store(folder: Path) -> Store:
    return Store(folder, summarize=sessionfile.summarize)


def archive_for(store: Store) -> Archive:
    """The application layer over the same folder as `store` (tests check the disk with
    the store itself)."""
    return Archive(Settings.load(data=store.root))


def app_for(store: Store, clock: FakeClock, start: Start | None = None, **options: Any) -> PmtuiApp:
    return make_app(archive_for(store), clock, start=start, cursor_blink=False, **options)


def sample_meeting(store: Store, *, at_setup: bool = False) -> str:
    """The GitLab sample in the store, on its timeline (past the set-up) unless asked."""
    pm = read_session_file(SAMPLE)
    live = LiveMeeting(pm, MeetingEngine(scaled(30)), FakeClock(T0.timestamp()))
    if not at_setup:
        live.control("next")
    return store.create(live.record())


async def past_setup(pilot: Pilot[None]) -> None:
    """From a new meeting's set-up to its timeline (F5, before the clock starts)."""
    await pilot.press("f5")
    await pilot.pause()


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Put `text` where the cursor is, as a paste: a text field takes it whole, the way a
    facilitator's paste arrives, in one message instead of one key press a character
    (each press waits for the app to go idle). Elsewhere the characters are pressed as
    keys, since there they are commands."""
    focused = pilot.app.focused
    if isinstance(focused, Input | TextArea) and len(text) > 1:
        # As a terminal delivers a paste: to the app, which hands it to the focused widget.
        pilot.app.post_message(events.Paste(text))
        await pilot.pause()
    else:
        await pilot.press(*text)


async def burst(pilot: Pilot[None], *keys: str) -> None:
    """Keys as a fast typist's terminal sends them: all at once, then one wait for the
    app to go idle (`pilot.press` waits after every key, so nothing ever queues). Keys
    are named as for `pilot.press`; `keys_of` names the keys of a text."""
    for key in keys:
        # The character as Pilot gives it: "plus" is looked up as "plus_sign".
        character = key_to_character(REPLACED_KEYS.get(key, key))
        pilot.app.post_message(events.Key(key, character))
    await pilot.pause()
    await pilot.pause()


def keys_of(text: str) -> list[str]:
    """The key names that type `text`, as a terminal names them (`,` is comma)."""
    return [c if c.isalnum() else _key_name(c) for c in text]


def _key_name(character: str) -> str:
    name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    return KEY_NAME_REPLACEMENTS.get(name, name)


def meeting(app: PmtuiApp) -> MeetingScreen:
    screen = app.screen
    assert isinstance(screen, MeetingScreen), type(screen)
    return screen


async def settle(pilot: Pilot[None]) -> None:
    """Let queued messages run and background saves land."""
    await pilot.pause()
    screen = pilot.app.screen
    if isinstance(screen, MeetingScreen):
        screen.session.flush(5)
    await pilot.pause()


async def loaded(pilot: Pilot[None]) -> None:
    """Let the screen's worker threads (a ledger, a search, trends) finish and show."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
