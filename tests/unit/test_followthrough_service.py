"""Follow-through across the archive: the ledger, changes through a meeting's lock,
status moves, search and stats, and the commands that print them."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pmtui.cli import main
from pmtui.core.clock import FakeClock
from pmtui.core.ledger import Change, Filters
from pmtui.core.models import ActionStatus, Status
from pmtui.service.archive import Archive
from pmtui.service.errors import ArchiveError
from pmtui.service.ledger import FollowThrough
from pmtui.service.settings import Settings
from tests.conftest import SAMPLES

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


@pytest.fixture
def archive(data_dir: Path) -> Archive:
    archive = Archive(Settings.load(), fsync=False)
    for path in SAMPLES:
        archive.import_file(path)
    return archive


def ft(archive: Archive) -> FollowThrough:
    return FollowThrough(archive, now=lambda: NOW)


def test_ledger_reads_the_archive_and_filters(archive: Archive) -> None:
    rows = ft(archive).ledger()
    assert len(rows) == 11 and all(r.overdue for r in rows)
    assert rows[0].days_overdue >= rows[-1].days_overdue
    assert {r.owner for r in ft(archive).ledger(Filters(owner="lukas"))} == {"Lukas Brandt"}
    assert len(ft(archive).ledger(Filters(include_closed=True))) == 21


def test_change_by_prefix_goes_through_the_lock(archive: Archive) -> None:
    service = ft(archive)
    row = service.ledger()[0]
    done = service.change(row.id[:6], Change("done"))
    assert done.item_id == row.id
    pm = archive.load(row.meeting_id)
    item = next(a for a in pm.action_items if a.id == row.id)
    assert item.status is ActionStatus.DONE and item.closed_on is not None
    assert len(service.ledger()) == 10  # the summary followed the change


def test_change_is_refused_while_the_meeting_is_open_elsewhere(archive: Archive) -> None:
    service = ft(archive)
    row = service.ledger()[0]
    before = archive.record(row.meeting_id)["action_items"]
    session = archive.open_session(row.meeting_id, FakeClock())
    try:
        assert not session.read_only
        with pytest.raises(ArchiveError, match="nothing changed"):
            service.change(row.id, Change("done"))
    finally:
        session.close(timeout=5)
    assert archive.record(row.meeting_id)["action_items"] == before


def test_ambiguous_or_unknown_prefixes_are_one_line(archive: Archive) -> None:
    with pytest.raises(ArchiveError, match="at least 3"):
        ft(archive).change("a", Change("done"))
    with pytest.raises(ArchiveError, match="no action item"):
        ft(archive).change("zzzzzz", Change("done"))


def test_status_moves_are_recorded(archive: Archive) -> None:
    meeting_id = archive.list()[0]["id"]
    service = ft(archive)
    service.set_status(meeting_id, Status.PUBLISHED, "Ana") if archive.load(
        meeting_id
    ).status is not Status.PUBLISHED else None
    service.set_status(meeting_id, Status.DRAFT, "Bo")
    pm = archive.load(meeting_id)
    assert pm.status is Status.DRAFT
    assert pm.history[-1].by == "Bo" and pm.history[-1].note == "reopened"


def test_search_and_stats_through_the_archive(archive: Archive) -> None:
    hits = ft(archive).search("regex")
    assert hits and all("Global 502" in h.meeting_title for h in hits)
    assert ft(archive).search("regex", severity="SEV-2") == []
    assert ft(archive).stats().total.held == 4


def test_an_unfiltered_search_names_a_damaged_meeting_instead_of_searching_it(
    archive: Archive,
) -> None:
    meeting_id = archive.list()[0]["id"]
    archive.meeting_file(meeting_id).write_text("{ not json")
    service = ft(archive)
    hits = service.search("the")
    assert hits and meeting_id not in {h.meeting_id for h in hits}
    assert any(meeting_id in problem for problem in service.problems)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_commands(archive: Archive, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "actions", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 11
    assert set(rows[0]) == {
        "id", "meeting_id", "meeting_title", "title", "owner", "due",
        "due_by_policy", "priority", "status", "days_overdue",
    }  # fmt: skip
    code, out = run(capsys, "actions", "--csv", "--overdue")
    import csv
    import io

    assert out.startswith("Summary,") and len(list(csv.reader(io.StringIO(out)))) == 12
    assert run(capsys, "check", "--overdue")[0] == 1
    code, out = run(capsys, "actions", "due", rows[0]["id"], "2099-01-01")
    assert code == 0 and "due 2099-01-01" in out
    assert run(capsys, "actions", "wontdo", rows[1]["id"])[0] == 2  # no --why
    code, out = run(capsys, "list", "--json")
    assert any(r["deadline"].startswith("publish due") for r in json.loads(out))
    code, out = run(capsys, "search", "regex", "--json")
    assert code == 0 and json.loads(out)[0]["match"].lower() == "regex"
    code, out = run(capsys, "stats", "--json", "--by", "severity")
    assert json.loads(out)["total"]["postmortems"] == 4
    code, out = run(capsys, "stats", "--csv")
    assert out.startswith("group,postmortems")
    code, out = run(capsys, "status", rows[0]["meeting_id"][:8], "in-review", "--by", "Ana")
    assert code in (0, 2)


def test_check_overdue_passes_on_an_empty_archive(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "check", "--overdue") == (0, "Nothing urgent is overdue.\n")


def test_a_damaged_policy_file_is_one_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = data_dir / "config"
    config.mkdir()
    (config / "policy.json").write_text('{"due_days": {"P0": "soon"}}')
    assert main(["actions"]) == 2
    assert "due_days.P0" in capsys.readouterr().err


def test_published_opens_read_only_until_reopened(data_dir: Path) -> None:
    archive = Archive(Settings.load(), fsync=False, published_read_only=True)
    pm = archive.import_file(SAMPLES[0])  # aws-s3: published
    session = archive.open_session(pm.id, FakeClock())
    assert session.read_only and "published" in (session.lock_message or "")
    session.close(timeout=5)
    ft(archive).set_status(pm.id, Status.DRAFT, "Ana")
    session = archive.open_session(pm.id, FakeClock())
    try:
        assert not session.read_only
    finally:
        session.close(timeout=5)
    assert archive.load(pm.id).history[-1].note == "reopened"


def test_an_old_record_is_saved_with_ids_so_the_ledger_ids_stay_valid(data_dir: Path) -> None:
    from pmtui.core import sessionfile
    from pmtui.store.store import Store

    archive = Archive(Settings.load(), fsync=False)
    record = sessionfile.to_record(sessionfile.parse_session(SAMPLES[0].read_bytes()))
    record["pmtui"] = 2  # as an older pmtui wrote it: no item ids
    for key in ("timeline", "went_right", "went_wrong", "got_lucky", "whys"):
        record[key] = []
    for item in record["action_items"]:
        del item["id"]
        item.pop("addresses", None)
    Store(data_dir, sessionfile.summarize, fsync=False).create(record)
    first = [r.id for r in ft(archive).ledger()]
    assert first and first == [r.id for r in ft(archive).ledger()]
    assert ft(archive).change(first[0], Change("done")).item_id == first[0]


def test_the_search_index_follows_changes_and_agrees_with_a_plain_scan(archive: Archive) -> None:
    from pmtui.core.search import search

    service = ft(archive)
    scanned = [
        (h.meeting_id, h.place, h.start)
        for s in archive.list()
        for h in search(archive.load(s["id"]), "replica")
    ]
    indexed = [(h.meeting_id, h.place, h.start) for h in service.search("replica")]
    assert sorted(indexed) == sorted(scanned) and indexed
    row = service.ledger()[0]
    service.change(row.id, Change("wontdo", why="Superseded by the zebrafish plan"))
    (hit,) = service.search("zebrafish")
    assert hit.place.endswith(", note") and hit.meeting_id == row.meeting_id
    archive.delete(row.meeting_id)
    assert service.search("zebrafish") == []
    index = archive.settings.data_dir / "index" / "search.sqlite"
    index.write_bytes(b"not a database")
    assert service.search("replica")  # a damaged cache is rebuilt


def test_meetings_that_all_changed_leave_the_search_index_in_one_pass(archive: Archive) -> None:
    """A copy or a clone of the archive changes every file's time: the index drops the
    old texts of all of them with one scan of its table, not one scan per meeting."""
    import os

    from pmtui.service.searchindex import SearchIndex

    ids = [s["id"] for s in archive.list()]
    index = SearchIndex(archive.settings.data_dir, archive.load)
    assert index.refresh() == len(ids)
    before = sorted((h.meeting_id, h.place) for h in index.search("replica"))
    assert before
    for meeting_id in ids:  # as `cp -r` or a clone leaves them: new times
        path = archive.settings.data_dir / "meetings" / f"{meeting_id}.json"
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 10**9))
    statements: list[str] = []
    index.db.set_trace_callback(statements.append)
    assert index.refresh() == len(ids)
    deletes = [s for s in statements if s.lstrip().lower().startswith("delete from texts")]
    assert len(deletes) == 1, deletes
    assert sorted((h.meeting_id, h.place) for h in index.search("replica")) == before
    index.close()


def test_stats_from_summaries_equal_stats_from_the_records(archive: Archive) -> None:
    from pmtui.core import stats

    service = ft(archive)
    records = [archive.load(s["id"]) for s in archive.list()]
    for by in stats.GROUPINGS:
        direct = stats.compute(records, service.policy, service.today, by=by)
        assert service.stats(by=by).as_dict() == direct.as_dict()


def test_ledger_rows_from_summaries_equal_rows_from_the_records(archive: Archive) -> None:
    from pmtui.core import ledger

    service = ft(archive)
    records = [archive.load(s["id"]) for s in archive.list()]
    for wanted in (Filters(), Filters(overdue=True), Filters(owner="a"), Filters(severity="1")):
        direct = ledger.rows(records, service.policy, service.today, wanted)
        assert [r.as_dict() for r in service.ledger(wanted)] == [r.as_dict() for r in direct]


def test_tags_from_the_command_line_feed_search_filters_and_recurrence(
    archive: Archive, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = (s["id"] for s in archive.list()[:2])
    assert run(capsys, "tag", first[:8], "Config Change", "deployment") == (
        0,
        "config change, deployment\n",
    )
    why = archive.load(second).whys[0].answers[0].id
    assert run(capsys, "tag", second[:8], "config change", "--why", why[:6])[0] == 0
    assert archive.load(second).whys[0].answers[0].tags == ["config change"]
    (found,) = ft(archive).recurring(archive.load(second))
    assert found.tag == "config change" and len(found.titles) == 1
    code, out = run(capsys, "actions", "--json", "--tag", "config change")
    assert code == 0 and {r["meeting_id"] for r in json.loads(out)} <= {first, second}
    assert run(capsys, "tag", first[:8], "deployment", "--remove")[1] == "config change\n"
    with pytest.raises(ArchiveError, match="names 0 whys"):
        ft(archive).tag(first, ["x"], why="zzzz")


def test_the_ledger_table_lines_up_wide_and_escaped_text(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rich.cells import cell_len

    from pmtui.core.models import ActionItem, Postmortem

    archive = Archive(Settings.load(), fsync=False)
    pm = Postmortem(title="決済の障害 \x1b[2J and more words to cut")
    pm.action_items = [
        ActionItem("Alert on 決済 errors", owner="Åsa 🚒"),
        ActionItem("Rotate\x07 keys", owner="Bo"),
        ActionItem("Plain title", owner=""),
    ]
    archive.add(pm)
    code, out = run(capsys, "actions")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out  # shown as escapes, never obeyed
    assert "\\x1b" in out and "\\x07" in out
    lines = out.splitlines()
    header, rows = lines[0], lines[1:4]

    def column(line: str, label: str) -> int:
        # The cell offset at which a column's text starts.
        return cell_len(line[: line.index(label)])

    due_at = column(header, "due")
    for line in rows:
        found = re.search(r"\d{4}-\d\d-\d\d", line)
        assert found is not None and column(line, found.group()) == due_at, line


def test_the_stats_table_lines_up_wide_and_escaped_tags(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rich.cells import cell_len

    from pmtui.core.models import Postmortem

    archive = Archive(Settings.load(), fsync=False)
    for tags in (["決済"], ["dns\x1b[2J"], ["plain"]):
        archive.add(Postmortem(title="t", tags=tags))
    code, out = run(capsys, "stats", "--by", "tag", "--no-chart")
    assert code == 0
    assert "\x1b" not in out and "\\x1b" in out  # shown as an escape, never obeyed
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("tag "))
    held_at = cell_len(header[: header.index("held")])
    rows = [line for line in lines if line.startswith(("決済", "dns\\x1b", "plain"))]
    assert len(rows) == 3
    for line in rows:
        # The first figure after the group name is the "held" count.
        found = re.search(r"  (\d+)  ", line)
        assert found is not None and cell_len(line[: found.start(1)]) == held_at, line


def test_the_trend_chart_is_drawn_the_same_on_every_run() -> None:
    """plotext picks and places axis labels in an order that changes with the hash seed:
    the chart chooses its ticks so the same figures draw the same chart every time."""
    import os
    import subprocess
    import sys

    program = """
from datetime import date
from pmtui.cli_followthrough import chart
from pmtui.core.stats import Group, Stats
groups = [Group(f"{2024 + n // 12}-{n % 12 + 1:02d}", held=n % 7, overdue=n % 3) for n in range(24)]
print(chart(Stats("month", groups, Group("all"), [])))
"""
    drawn = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", program], capture_output=True, text=True, env=env, check=True
        )
        drawn.add(run.stdout)
    assert len(drawn) == 1
    axis = next(iter(drawn)).rstrip().splitlines()[-1].split()
    assert axis == ["2024-01", "2024-05", "2024-09", "2025-01", "2025-05", "2025-09"]


def test_a_first_index_reports_progress_and_an_interrupted_one_goes_on_where_it_stopped(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmtui.service import searchindex

    monkeypatch.setattr(searchindex, "BATCH", 2)
    total = len(archive.ids())
    read: list[str] = []

    def load_until_interrupted(meeting_id: str) -> Any:
        if len(read) == 3:
            raise KeyboardInterrupt  # Ctrl+C while the fourth meeting is read
        read.append(meeting_id)
        return archive.load(meeting_id)

    index = searchindex.SearchIndex(archive.settings.data_dir, load_until_interrupted)
    with pytest.raises(KeyboardInterrupt):
        index.refresh()
    index.close()
    # The first batch of two was kept; the next run reads only the rest, and says so.
    heard: list[tuple[int, int]] = []
    index = searchindex.SearchIndex(archive.settings.data_dir, archive.load)
    assert index.refresh(lambda done, left: heard.append((done, left))) == total - 2
    left = total - 2
    assert heard == [(min(n, left), left) for n in range(2, left + 2, 2)]
    assert index.refresh() == 0
    index.close()
    hits = ft(archive).search("replica")
    assert hits and {h.meeting_id for h in hits} <= set(archive.ids())


def test_a_search_started_while_the_index_is_built_waits_and_finds_it_whole(
    archive: Archive,
) -> None:
    import threading

    from pmtui.service import searchindex

    started, release = threading.Event(), threading.Event()
    data = archive.settings.data_dir

    def slow_load(meeting_id: str) -> Any:
        started.set()
        release.wait(5)
        return archive.load(meeting_id)

    def build() -> None:  # each thread its own index: SQLite objects stay in one thread
        index = searchindex.SearchIndex(data, slow_load)
        index.refresh()
        index.close()

    answers: list[tuple[int, int]] = []

    def search() -> None:
        index = searchindex.SearchIndex(data, archive.load)
        answers.append((index.refresh(), len(index.search("replica"))))
        index.close()

    building = threading.Thread(target=build)
    building.start()
    assert started.wait(5)
    waiting = threading.Thread(target=search)
    waiting.start()
    waiting.join(0.3)
    assert waiting.is_alive() and answers == []  # it waits for the build under way
    release.set()
    building.join(5)
    waiting.join(5)
    # The build left nothing for it to read, and it found every hit.
    assert answers == [(0, len(ft(archive).search("replica")))]
    assert answers[0][1] > 0
