"""The follow-through screens: search and trends from home, the tag picker on the
meeting and on a why, and the ledger and Follow-ups reading the archive off the UI
thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import DataTable, OptionList, Static

from pmtui.core import whys as whytree
from pmtui.core.clock import FakeClock
from pmtui.service.ledger import FollowThrough
from pmtui.ui.app import Start
from pmtui.ui.home import HomeScreen
from pmtui.ui.ledger import LedgerScreen
from pmtui.ui.search import SearchScreen
from pmtui.ui.stats import BarChart, StatsScreen
from pmtui.ui.tagpicker import TagPicker
from tests.ui.helpers import (
    ROOT,
    T0,
    app_for,
    archive_for,
    loaded,
    meeting,
    new_store,
    sample_meeting,
    settle,
    type_text,
)


def shown(app: object, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


# -- search ---------------------------------------------------------------------------


async def test_search_lists_hits_with_their_place_and_opens_the_meeting_there(
    tmp_path: Path,
) -> None:
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store)
    app = app_for(store, FakeClock(T0.timestamp()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await type_text(pilot, "replication")
        await pilot.press("enter")  # at once, without waiting for the pause in typing
        await loaded(pilot)
        screen = app.screen
        assert "hits in 1 meeting" in shown(app, "#search-status")
        places = [hit.place for hit in screen._hits]
        assert "Chain 1, why 3" in places
        hits = screen.query_one("#search-hits", OptionList)
        assert hits.option_count == len(places)
        entry = hits.get_option_at_index(places.index("Chain 1, why 3")).prompt
        assert "GitLab.com database deleted" in str(entry) and "Chain 1, why 3" in str(entry)
        await pilot.press("enter")  # the query again: to the hits
        assert app.focused is hits
        hits.highlighted = places.index("Chain 1, why 3")
        await pilot.press("enter")
        await settle(pilot)
        live = meeting(app).live
        assert live.pm.id == meeting_id
        assert live.engine.view(live.clock.now()).stage.key == "whys"


async def test_search_shows_its_hits_and_warns_of_a_meeting_it_could_not_read(
    tmp_path: Path,
) -> None:
    store = new_store(tmp_path)
    sample_meeting(store)
    damaged = sample_meeting(store)
    store.meeting_path(damaged).write_text("{ not json")
    app = app_for(store, FakeClock(T0.timestamp()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await type_text(pilot, "replication")
        await pilot.press("enter")
        await loaded(pilot)
        status = shown(app, "#search-status")
        assert "hits in 1 meeting" in status  # the readable one, searched
        assert "⚠" in status and damaged in status  # the other, named, not searched


async def test_search_waits_for_three_characters_and_says_so_calmly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pmtui.ui.search.DEBOUNCE_S", 0.01)
    store = new_store(tmp_path)
    sample_meeting(store)
    app = app_for(store, FakeClock(T0.timestamp()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await type_text(pilot, "re")
        await pilot.pause(0.05)
        assert "at least 3 characters" in shown(app, "#search-status")
        await type_text(pilot, "plica")  # the pause in typing runs it
        await pilot.pause(0.05)
        await loaded(pilot)
        assert "hits in 1 meeting" in shown(app, "#search-status")
        for query in ('zebra"fish', 'NEAR("a" OR *)', "’’’"):
            app.screen.query_one("#search-query").value = ""  # type: ignore[attr-defined]
            await type_text(pilot, query)
            await pilot.press("enter")
            await loaded(pilot)
            assert "Nothing found for" in shown(app, "#search-status"), query
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_one_search_at_a_time_and_the_last_query_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    go = threading.Event()
    asked: list[str] = []
    real = FollowThrough.search

    def waiting(self: FollowThrough, query: str, **options: object) -> object:
        asked.append(query)
        go.wait(10)
        return real(self, query, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(FollowThrough, "search", waiting)
    store = new_store(tmp_path)
    sample_meeting(store)
    app = app_for(store, FakeClock(T0.timestamp()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await type_text(pilot, "rep")
        await pilot.press("enter")
        await type_text(pilot, "lica")
        await pilot.press("enter")  # while the first search runs: it waits its turn
        await pilot.pause()
        assert asked == ["rep"]
        assert "searching for “replica”" in shown(app, "#search-status")
        go.set()
        await loaded(pilot)
        await loaded(pilot)
        assert asked == ["rep", "replica"]
        assert {h.text[h.start : h.end].lower() for h in app.screen._hits} == {"replica"}


# -- trends ---------------------------------------------------------------------------


async def test_trends_group_by_month_severity_and_tag(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    archive = archive_for(store)
    for name in ("aws-s3-2017-us-east-1", "cloudflare-2019-waf-regex"):
        pm = archive.import_file(ROOT / "sample_sessions" / f"{name}.json")
        FollowThrough(archive).tag(pm.id, ["config change"])
    sample_meeting(store)
    app = app_for(store, FakeClock(T0.timestamp()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await loaded(pilot)
        assert isinstance(app.screen, StatsScreen)
        table = app.screen.query_one("#stats-table", DataTable)
        assert table.row_count == 4  # three months, then all
        assert "3 postmortems" in shown(app, "#stats-title")
        assert "config change (2)" in shown(app, "#stats-tags")
        assert len(app.screen.query_one(BarChart).groups) == 3
        await pilot.press("g")
        await loaded(pilot)
        assert "by severity" in shown(app, "#stats-title")
        assert [table.get_row_at(i)[0].plain for i in range(table.row_count)] == ["SEV-1", "all"]
        await pilot.press("g")
        await loaded(pilot)
        keys = [table.get_row_at(i)[0].plain for i in range(table.row_count)]
        assert keys == ["(untagged)", "config change", "all"]
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_trends_of_an_empty_archive_say_so(tmp_path: Path) -> None:
    app = app_for(new_store(tmp_path), FakeClock(T0.timestamp()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await loaded(pilot)
        assert "no postmortems yet" in shown(app, "#stats-title")


# -- the tag picker -------------------------------------------------------------------


async def test_tag_picker_on_the_meeting_filters_toggles_and_undoes(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    app = app_for(store, FakeClock(T0.timestamp()), Start(new_title="Checkout", minutes=15))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = meeting(app)
        await pilot.press("ctrl+g")
        assert isinstance(app.screen, TagPicker)
        await type_text(pilot, "con")
        await pilot.press("enter")  # the first match, not a new tag "con"
        assert screen.live.pm.tags == ["config change"]
        await pilot.press("ctrl+u", "down", "space")  # an empty filter: space toggles
        assert screen.live.pm.tags == ["config change", "deployment"]
        await type_text(pilot, "feature flags")
        await pilot.press("enter")  # a free tag
        assert screen.live.pm.tags == ["config change", "deployment", "feature flags"]
        await pilot.press("escape")
        assert app.screen is screen
        await settle(pilot)
        line = str(screen.query_one("#setup .meeting-tags", Static).render())
        assert "config change · deployment · feature flags" in line
        assert archive_for(store).load(screen.live.pm.id).tags == screen.live.pm.tags
        await pilot.press("ctrl+z")
        assert screen.live.pm.tags == ["config change", "deployment"]


async def test_tag_picker_on_a_why(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=meeting_id))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = meeting(app)
        await pilot.press("f7", "3")
        await settle(pilot)
        tree = screen.query_one("#answers", OptionList)
        tree.focus()
        tree.highlighted = 0  # the problem: it has no tags of its own
        await pilot.press("ctrl+g")
        assert app.screen is screen
        tree.highlighted = 2
        await pilot.press("ctrl+g")
        assert isinstance(app.screen, TagPicker)
        await type_text(pilot, "database")
        await pilot.press("enter", "escape")
        await settle(pilot)
        why = whytree.find(screen.live.pm.whys[0], tree.paths[2])
        assert why.tags == ["database"] and screen.live.pm.tags == []
        await pilot.press("ctrl+z")
        assert whytree.find(screen.live.pm.whys[0], tree.paths[2]).tags == []


# -- the ledger and the Follow-ups stage read in a worker -----------------------------


@pytest.fixture
def slow_ledger(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """FollowThrough.ledger blocks until the test lets it go: the screen must not."""
    go = threading.Event()
    real = FollowThrough.ledger

    def waiting(self: FollowThrough, filters: object = None) -> object:
        go.wait(10)
        return real(self, filters)  # type: ignore[arg-type]

    monkeypatch.setattr(FollowThrough, "ledger", waiting)
    yield go
    go.set()


async def test_the_ledger_shows_at_once_and_fills_in(
    tmp_path: Path, slow_ledger: threading.Event
) -> None:
    store = new_store(tmp_path)
    sample_meeting(store)
    app = app_for(store, FakeClock(T0.timestamp()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, LedgerScreen)
        assert "loading…" in shown(app, "#ledger-title")
        await pilot.press("s")  # keys still work while it reads
        assert "loading…" in shown(app, "#ledger-title")
        slow_ledger.set()
        await loaded(pilot)
        assert "2 open items, 2 overdue · sorted by due" in shown(app, "#ledger-title")
        assert app.screen.query_one(DataTable).row_count == 2
        slow_ledger.clear()
        table = app.screen.query_one(DataTable)
        first = app.screen._rows[0]
        await pilot.press("d")
        await pilot.pause()
        assert "loading…" in shown(app, "#ledger-title")
        assert table.get_cell(first.id, "status").plain == "done"  # at once, before the read
        slow_ledger.set()
        await loaded(pilot)
        assert table.row_count == 1


async def test_the_follow_ups_stage_shows_at_once_and_fills_in(
    tmp_path: Path, slow_ledger: threading.Event
) -> None:
    store = new_store(tmp_path)
    sample_meeting(store)
    app = app_for(store, FakeClock(T0.timestamp()), Start(new_title="New outage", minutes=15))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        assert "loading" in shown(app, "#followups-hint")
        slow_ledger.set()
        await loaded(pilot)
        assert "2 open item(s) from earlier postmortems" in shown(app, "#followups-hint")
        assert app.screen.query_one("#followups-table", DataTable).row_count == 2


async def test_the_wrap_up_names_causes_earlier_postmortems_share(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    archive = archive_for(store)
    earlier = archive.import_file(ROOT / "sample_sessions" / "aws-s3-2017-us-east-1.json")
    FollowThrough(archive).tag(earlier.id, ["config change"])
    app = app_for(store, FakeClock(T0.timestamp()), Start(new_title="Flag flip", minutes=15))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g")
        await type_text(pilot, "config")
        await pilot.press("enter", "escape")
        await pilot.press("f7", "6")  # set-up, follow-ups, then five stages: the wrap-up
        await settle(pilot)
        await loaded(pilot)
        note = shown(app, "#wrapup-causes")
        assert "↻ config change: also in 1 earlier postmortem (S3 unavailable" in note


async def test_the_ledger_lists_at_most_its_limit_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pmtui.ui.ledger.SHOWN", 1)
    store = new_store(tmp_path)
    sample_meeting(store)
    app = app_for(store, FakeClock(T0.timestamp()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await loaded(pilot)
        assert "2 open items, 2 overdue · sorted by overdue · the first 1 listed" in shown(
            app, "#ledger-title"
        )
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("s")  # by due date: of every row read, not only those listed
        earliest = min(app.screen._read, key=lambda r: r.due)
        assert len(app.screen._read) == 2 and app.screen._rows == [earliest]


# -- the home screen reads the archive in a worker ------------------------------------


async def test_home_shows_at_once_reads_once_and_lists_the_most_recent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmtui.service.archive import Archive

    monkeypatch.setattr("pmtui.ui.home.SHOWN", 2)
    store = new_store(tmp_path)
    for _ in range(3):
        sample_meeting(store)
    go = threading.Event()
    reads = []
    real = Archive.list

    def waiting(self: Archive) -> list[dict[str, object]]:
        reads.append(1)
        go.wait(10)
        return real(self)

    monkeypatch.setattr(Archive, "list", waiting)
    app = app_for(store, FakeClock(T0.timestamp()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "reading the archive…" in shown(app, "#home-hint")
        go.set()
        await loaded(pilot)
        assert len(reads) == 1  # mounting and the first resume read it once, not twice
        assert app.screen.query_one(DataTable).row_count == 2
        assert "the 2 most recent of 3 meetings · / searches them all" in shown(app, "#home-hint")
        await app.action_quit()
