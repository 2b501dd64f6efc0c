"""The application layer's imports: files, ZIPs (read in memory, within limits), and
merging into a meeting through its lock."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from pmtui.core.clock import FakeClock
from pmtui.core.models import EventKind
from pmtui.service import exportfiles, importing
from pmtui.service.archive import Archive
from pmtui.service.importing import ImportProblem, Source
from pmtui.service.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
EXPORT = FIXTURES / "slack-s3-2017"


def archive_in(folder: Path) -> Archive:
    return Archive(Settings.load(data=folder / "data", environ={}), fsync=False)


def zipped(target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(EXPORT.rglob("*.json")):
            archive.write(path, prefix + path.relative_to(EXPORT).as_posix())
    return target


def slack_source(path: Path, **more: object) -> Source:
    return Source("slack", path, channel="inc-s3-outage", **more)  # type: ignore[arg-type]


@pytest.mark.parametrize("prefix", ["", "slack-s3-2017/"])
def test_a_zip_reads_like_its_folder(tmp_path: Path, prefix: str) -> None:
    folder = importing.read_source(slack_source(EXPORT))
    archive = importing.read_source(slack_source(zipped(tmp_path / "export.zip", prefix)))
    assert [e.text for e in archive.entries] == [e.text for e in folder.entries]
    assert len(folder.entries) == 8


def test_progress_counts_the_day_files(tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    importing.read_source(slack_source(EXPORT), progress=lambda *p: seen.append(p))
    assert seen == [("#inc-s3-outage", 0, 2), ("#inc-s3-outage", 1, 2), ("#inc-s3-outage", 2, 2)]


def test_since_and_until_are_read_in_the_meetings_zone() -> None:
    source = slack_source(EXPORT, since="2017-02-28 11:00", until="2017-02-28 15:00:30")
    batch = importing.read_source(source, tz_name="America/Los_Angeles")
    assert len(batch.entries) == 3
    with pytest.raises(ImportProblem, match="--since: "):
        importing.read_source(slack_source(EXPORT, since="half past"))


def test_new_meeting_then_a_second_import_adds_nothing(tmp_path: Path) -> None:
    archive = archive_in(tmp_path)
    outcome = importing.into_new(archive, slack_source(EXPORT), tz_name="Europe/Berlin")
    pm = archive.load(outcome.meeting_id)
    assert pm.title == "#inc-s3-outage" and pm.timezone == "Europe/Berlin"
    assert len(pm.timeline) == 8 and len(pm.participants) == 5
    again = importing.into_meeting(archive, outcome.meeting_id, slack_source(EXPORT))
    assert (again.added, again.known, again.participants_added) == (0, 8, 0)
    pd = Source("pagerduty", FIXTURES / "pagerduty-s3-2017.json")
    merged = importing.into_meeting(archive, outcome.meeting_id, pd)
    assert merged.added == 6
    pm = archive.load(outcome.meeting_id)
    assert len(pm.timeline) == 14
    assert pm.first_marker(EventKind.START).text == "PagerDuty: Triggered through the API"
    assert [e.at for e in pm.timeline] == sorted(e.at for e in pm.timeline)
    assert "importing" not in importing.summary(merged)


def test_markers_suggested_and_accepted_only_when_asked(tmp_path: Path) -> None:
    archive = archive_in(tmp_path)
    shown = importing.into_new(archive, slack_source(EXPORT, markers=True))
    assert len(shown.suggestions) == 3
    assert all(e.kind is EventKind.EVENT for e in archive.load(shown.meeting_id).timeline)
    taken = importing.into_new(archive, slack_source(EXPORT, markers=True), accept=True)
    kinds = {e.kind for e in archive.load(taken.meeting_id).timeline}
    assert {EventKind.DETECTION, EventKind.MITIGATION, EventKind.RESOLUTION} <= kinds


def test_a_plain_timeline_into_a_meeting_takes_its_date(tmp_path: Path) -> None:
    archive = archive_in(tmp_path)
    made = importing.into_new(archive, Source("statuspage", FIXTURES / "statuspage-s3-2017.json"))
    table = tmp_path / "later.csv"
    table.write_text("time,event\n22:10,Backlog drained\n", encoding="utf-8")
    outcome = importing.into_meeting(archive, made.meeting_id, Source("table", table))
    assert outcome.added == 1
    added = [e for e in archive.load(made.meeting_id).timeline if e.text == "Backlog drained"]
    assert added[0].at.isoformat() == "2017-02-28T22:10:00+00:00"


def test_an_import_into_a_meeting_open_elsewhere_is_refused(tmp_path: Path) -> None:
    archive = archive_in(tmp_path)
    made = importing.into_new(archive, Source("statuspage", FIXTURES / "statuspage-s3-2017.json"))
    session = archive.open_session(made.meeting_id, FakeClock())
    try:
        other = archive_in(tmp_path)
        # the same process holds the lock; a second open is read-only
        with pytest.raises(ImportProblem, match="is open elsewhere"):
            importing.into_meeting(other, made.meeting_id, slack_source(EXPORT))
    finally:
        session.close()
    assert len(archive.load(made.meeting_id).timeline) == 4


def test_ctrl_c_while_reading_writes_nothing(tmp_path: Path) -> None:
    archive = archive_in(tmp_path)

    def interrupt(what: str, done: int, total: int) -> None:
        if done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        importing.into_new(archive, slack_source(EXPORT), progress=interrupt)
    assert archive.list() == []


def test_detect_tells_the_sources_apart(tmp_path: Path) -> None:
    assert importing.detect(EXPORT) == "slack"
    assert importing.detect(FIXTURES / "pagerduty-s3-2017.json") == "pagerduty"
    assert importing.detect(FIXTURES / "statuspage-s3-2017.json") == "statuspage"
    assert importing.detect(FIXTURES / "timeline-s3-2017.md") == "table"


# -- hostile and broken input -------------------------------------------------------------


def refused(source: Source, tmp_path: Path) -> str:
    archive = archive_in(tmp_path)
    with pytest.raises(ImportProblem) as error:
        importing.into_new(archive, source)
    assert archive.list() == []
    message = str(error.value)
    assert "\n" not in message
    return message


def test_a_missing_channel_names_the_export(tmp_path: Path) -> None:
    message = refused(Source("slack", EXPORT, channel="inc-web"), tmp_path)
    assert message.startswith(str(EXPORT)) and 'no channel "inc-web"' in message
    assert "inc-s3-outage" in message


def test_not_an_export(tmp_path: Path) -> None:
    (tmp_path / "notes.zip").write_text("hello", encoding="utf-8")
    assert "is neither a Slack export ZIP" in refused(
        slack_source(tmp_path / "notes.zip"), tmp_path
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "is not a Slack export" in refused(slack_source(empty), tmp_path)
    assert "no such file" in refused(slack_source(tmp_path / "gone.zip"), tmp_path)
    pd = tmp_path / "pd.json"
    pd.write_text("{not json", encoding="utf-8")
    assert refused(Source("pagerduty", pd), tmp_path).startswith(f"{pd}: is not valid JSON")


def test_a_day_file_with_a_message_without_ts_names_file_and_message(tmp_path: Path) -> None:
    target = zipped(tmp_path / "export.zip")
    with zipfile.ZipFile(target, "a") as archive:
        archive.writestr("inc-s3-outage/2017-03-02.json", '[{"type": "message", "text": "hi"}]')
    message = refused(slack_source(target), tmp_path)
    assert message == f"{target}: inc-s3-outage/2017-03-02.json: message 1: has no ts"


def test_a_huge_export_is_refused_by_its_size_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.zip"
    with open(big, "wb") as file:
        file.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing on disk
    read: list[Path] = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or b"")
    message = refused(slack_source(big), tmp_path)
    assert message == f"{big}: is 200 MB; an import reads at most 100 MB"
    assert read == []
    log = tmp_path / "big.json"
    with open(log, "wb") as file:
        file.truncate(200 * 1024 * 1024)
    assert "is 200 MB" in refused(Source("pagerduty", log), tmp_path)


def test_a_zip_bomb_is_refused_without_inflating_it(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(EXPORT / "users.json", "users.json")
        archive.write(EXPORT / "channels.json", "channels.json")
        archive.writestr("inc-s3-outage/2017-02-28.json", b"[" + b" " * (40 * 1024 * 1024) + b"]")
    message = refused(slack_source(bomb), tmp_path)
    member = "inc-s3-outage/2017-02-28.json"
    assert message == f"{bomb}: {member}: is compressed beyond any real export (a ZIP bomb?)"


def test_a_zip_member_larger_than_it_says_is_refused(tmp_path: Path) -> None:
    liar = tmp_path / "liar.zip"
    zipped(liar)
    data = bytearray(liar.read_bytes())
    # Shrink the declared size of the users.json entry in the central directory.
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        assert archive.getinfo("users.json").file_size > 10
    start = data.find(b"users.json", data.find(b"PK\x01\x02"))
    header = data.rfind(b"PK\x01\x02", 0, start)
    data[header + 24 : header + 28] = (10).to_bytes(4, "little")
    liar.write_bytes(bytes(data))
    message = refused(slack_source(liar), tmp_path)
    assert message.startswith(f"{liar}: users.json: ")


@pytest.mark.parametrize("name", ["../../etc/passwd", "/abs/users.json", "a/../../x.json"])
def test_a_zip_path_that_climbs_out_is_refused_and_nothing_is_extracted(
    tmp_path: Path, name: str
) -> None:
    evil = zipped(tmp_path / "evil.zip")
    with zipfile.ZipFile(evil, "a") as archive:
        archive.writestr(zipfile.ZipInfo(name), "[]")
    before = sorted(p.name for p in tmp_path.iterdir())
    message = refused(slack_source(evil), tmp_path)
    assert message == f"{evil}: {name}: has a file that points outside the export"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "data") == before


def test_limits_are_checked_on_what_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exportfiles, "MAX_READ_BYTES", 3000)
    message = refused(slack_source(zipped(tmp_path / "e.zip")), tmp_path)
    # refused on the declared sizes of the channel's files, before any of them is read
    assert message.endswith(
        "#inc-s3-outage is over 0 MB to read; narrow it with --since and --until"
    )
