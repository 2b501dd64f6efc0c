"""`pmtui sync`: a bare repository on local disk and three laptops cloned from it."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from pmtui.core import merge
from pmtui.core.clock import FakeClock
from pmtui.service.archive import Archive
from pmtui.service.settings import Settings
from pmtui.service.sync import Sync, SyncError

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
HOSTILE = "<<<<<<< HEAD\nx\n=======\ny\n>>>>>>> theirs"


class Laptop:
    def __init__(self, root: Path, name: str) -> None:
        settings = Settings.load(data=root / name, environ={"PMTUI_CONFIG": str(root / "cfg")})
        self.archive = Archive(settings, fsync=False)
        self.sync = Sync(self.archive)

    def edit(self, meeting_id: str, at: str, change: Any) -> None:
        record = self.archive.record(meeting_id)
        change(record)
        record["updated_at"] = at
        assert self.archive.put_record(record) is None

    def record(self, meeting_id: str) -> dict[str, Any]:
        return self.archive.record(meeting_id)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bare remote and three laptops synced from it, made once; each test copies it."""
    root = tmp_path_factory.mktemp("world")
    subprocess.run(["git", "init", "-q", "--bare", str(root / "team.git")], check=True)
    a, b, c = (Laptop(root, n) for n in "abc")
    a.archive.create("First meeting", 30, FakeClock(1_700_000_000))
    for laptop in (a, b, c):
        laptop.sync.init(str(root / "team.git"))
    return root


@pytest.fixture
def remote(tmp_path: Path, world: Path) -> Path:
    shutil.copytree(world, tmp_path, dirs_exist_ok=True, symlinks=True)
    for name in "abc":
        tree = tmp_path / name / "sync"
        subprocess.run(
            ["git", "-C", str(tree), "remote", "set-url", "origin", str(tmp_path / "team.git")],
            check=True,
        )
    return tmp_path / "team.git"


@pytest.fixture
def laptops(tmp_path: Path, remote: Path) -> list[Laptop]:
    return [Laptop(tmp_path, n) for n in "abc"]


def first_id(laptop: Laptop) -> str:
    return laptop.archive.ids()[0]


def add_note(text: str, note_id: str) -> Any:
    return lambda r: r["went_wrong"].append({"id": note_id, "text": text})


def test_init_clones_and_the_repository_reads_well(laptops: list[Laptop], remote: Path) -> None:
    a, b, c = laptops
    assert b.archive.ids() == a.archive.ids() == c.archive.ids()
    files = subprocess.run(
        ["git", "-C", str(remote), "ls-tree", "-r", "--name-only", "HEAD"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    meeting_id = first_id(a)
    assert sorted(files) == sorted(
        [
            ".gitattributes",
            ".gitignore",
            f"minutes/{meeting_id}.md",
            f"postmortems/{meeting_id}.json",
        ]
    )
    log = subprocess.run(
        ["git", "-C", str(remote), "log", "--format=%s", "HEAD"], capture_output=True, text=True
    ).stdout
    assert "Add: First meeting" in log
    with pytest.raises(SyncError, match="already syncs"):
        a.sync.init(str(remote))


def test_creating_and_editing_different_meetings(laptops: list[Laptop]) -> None:
    a, b, c = laptops
    m = first_id(a)
    new_id = b.archive.create("Second meeting", 30, FakeClock(1_700_000_100))
    a.edit(m, "2030-01-01T00:00:00Z", lambda r: r.update(summary="from a"))
    assert b.sync.sync().pushed
    result = a.sync.sync()
    assert result.pushed and result.received == 1
    c.sync.sync()
    for laptop in laptops:
        laptop.sync.sync()
        assert set(laptop.archive.ids()) == {m, new_id}
        assert laptop.record(m)["summary"] == "from a"
        assert not laptop.sync.status().conflicts


def test_different_items_and_the_same_field(laptops: list[Laptop]) -> None:
    a, b, c = laptops
    m = first_id(a)
    a.edit(m, "2030-01-01T00:00:01Z", add_note("a's note", "aaaa00000001"))
    b.edit(m, "2030-01-01T00:00:02Z", add_note("b's note", "bbbb00000001"))
    a.edit(m, "2030-01-01T00:00:03Z", lambda r: r.update(impact="a says"))
    b.edit(m, "2030-01-01T00:00:04Z", lambda r: r.update(impact="b says, later"))
    a.sync.sync()
    b.sync.sync()
    a.sync.sync()
    c.sync.sync()
    for laptop in laptops:
        record = laptop.record(m)
        assert {n["text"] for n in record["went_wrong"]} == {"a's note", "b's note"}
        assert record["impact"] == "b says, later"
        [conflict] = record["conflicts"]
        assert conflict["other"] == "a says"
        [(_, _, shown)] = laptop.sync.status().conflicts
        assert shown["id"] == conflict["id"]
    # Resolved on one laptop, it is resolved on all after a sync.
    from pmtui.service.sync import resolve_conflict

    assert "took the other" in resolve_conflict(c.archive, m, conflict["id"], take_other=True)
    c.sync.sync()
    a.sync.sync()
    assert a.record(m)["impact"] == "a says" and "conflicts" not in a.record(m)


def test_delete_against_edit_keeps_the_meeting_flagged(laptops: list[Laptop]) -> None:
    a, b, _ = laptops
    m = first_id(a)
    a.archive.delete(m)
    b.edit(m, "2030-01-01T00:00:05Z", lambda r: r.update(trigger="b's edit"))
    a.sync.sync()
    b.sync.sync()
    a.sync.sync()
    for laptop in (a, b):
        record = laptop.record(m)
        assert record["trigger"] == "b's edit"
        assert record["conflicts"][0]["kind"] == merge.DELETED


def test_an_offline_laptop_catches_up_after_several_rounds(
    laptops: list[Laptop], remote: Path, tmp_path: Path
) -> None:
    a, b, c = laptops
    m = first_id(a)
    away = tmp_path / "away.git"
    remote.rename(away)
    c.edit(m, "2030-01-01T00:00:00Z", add_note("written offline", "cccc00000001"))
    result = c.sync.sync()
    assert result.problem and "committed here" in result.problem and "\n" not in result.problem
    away.rename(remote)
    for n in range(3):
        a.edit(m, f"2030-01-01T00:0{n}:10Z", add_note(f"a round {n}", f"aaaa0000001{n}"))
        a.sync.sync()
        b.archive.create(f"b round {n}", 30, FakeClock(1_700_000_000 + n))
        b.sync.sync()
    assert c.sync.sync().pushed
    a.sync.sync()
    assert len(c.archive.ids()) == len(a.archive.ids()) == 4
    texts = {n["text"] for n in a.record(m)["went_wrong"]}
    assert {"written offline", "a round 0", "a round 2"} <= texts


def test_a_remote_that_refuses_the_push(laptops: list[Laptop], remote: Path) -> None:
    a, b, _ = laptops
    m = first_id(a)
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'postmortems are frozen today' >&2\nexit 1\n")
    hook.chmod(0o755)
    a.edit(m, "2030-01-01T00:00:00Z", lambda r: r.update(summary="kept"))
    result = a.sync.sync()
    assert not result.pushed
    assert "postmortems are frozen today" in result.problem and "committed here" in result.problem
    assert a.sync.status().ahead == 1
    hook.unlink()
    assert a.sync.sync().pushed
    b.sync.sync()
    assert b.record(m)["summary"] == "kept"


def test_hostile_text_never_confuses_the_merge(laptops: list[Laptop], remote: Path) -> None:
    a, b, _ = laptops
    m = first_id(a)
    a.edit(m, "2030-01-01T00:00:01Z", lambda r: r.update(title=HOSTILE))
    b.edit(m, "2030-01-01T00:00:02Z", add_note(HOSTILE, "bbbb00000009"))
    b.edit(m, "2030-01-01T00:00:03Z", lambda r: r.update(title="=======\n<<<<<<<"))
    a.sync.sync()
    b.sync.sync()
    a.sync.sync()
    for laptop in (a, b):
        record = laptop.record(m)
        assert record["title"] == "=======\n<<<<<<<"
        assert record["conflicts"][0]["other"] == HOSTILE
        assert record["went_wrong"][-1]["text"] == HOSTILE
        raw = (laptop.sync.tree / "postmortems" / f"{m}.json").read_text()
        assert json.loads(raw)["title"] == "=======\n<<<<<<<"
        assert not any(line.startswith(("<<<<<<<", ">>>>>>>")) for line in raw.splitlines())


def test_locks_and_caches_are_never_committed(laptops: list[Laptop], remote: Path) -> None:
    a = laptops[0]
    (a.sync.tree / "postmortems" / "x.lock").write_text("")
    (a.sync.tree / "stray.tmp").write_text("")
    a.archive.create("Another", 30, FakeClock(1_700_000_000))
    a.sync.sync()
    files = subprocess.run(
        ["git", "-C", str(remote), "ls-tree", "-r", "--name-only", "HEAD"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert ".lock" not in files and ".tmp" not in files and "index/" not in files


def test_git_missing_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = Laptop(tmp_path, "a").archive
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(SyncError, match="git is not installed"):
        Sync(archive)


KILLER = textwrap.dedent(
    """
    import sys
    from pmtui.service.archive import Archive
    from pmtui.service.settings import Settings
    from pmtui.service.sync import Sync
    settings = Settings.load(data=sys.argv[1], environ={"PMTUI_CONFIG": sys.argv[2]})
    print("ready", flush=True)
    Sync(Archive(settings, fsync=False)).sync()
    """
)


def kill_mid_sync(laptop: Laptop, cfg: Path, delay: float) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLER, str(laptop.archive.settings.data_dir), str(cfg)],
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.readline()
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_sync_killed_mid_way_is_completed_by_the_next(
    laptops: list[Laptop], tmp_path: Path, seed: int
) -> None:
    a, b, _ = laptops
    m = first_id(a)
    a.edit(m, "2030-01-01T00:00:01Z", add_note("from a", "aaaa00000001"))
    a.archive.create("only on a", 30, FakeClock(1_700_000_000))
    b.edit(m, "2030-01-01T00:00:02Z", add_note("from b", "bbbb00000001"))
    b.sync.sync()
    kill_mid_sync(a, tmp_path / "cfg", random.Random(seed).uniform(0.0, 0.4))
    assert a.record(m)["id"] == m  # openable
    a.archive.list()
    a.sync.sync()
    b.sync.sync()
    for laptop in (a, b):
        texts = {n["text"] for n in laptop.record(m)["went_wrong"]}
        assert {"from a", "from b"} <= texts
        assert len(laptop.archive.ids()) == 2
        assert laptop.sync.status().ahead == 0


def test_the_cli(tmp_path: Path, remote: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pmtui.cli import main

    a, b = str(tmp_path / "cli-a"), str(tmp_path / "cli-b")
    laptop = Laptop(tmp_path, "cli-a")
    m = laptop.archive.create("CLI meeting", 30, FakeClock(1_700_000_000))
    assert main(["--data", a, "sync", "init", str(remote)]) == 0
    assert main(["--data", b, "sync", "init", str(remote)]) == 0
    other = Laptop(tmp_path, "cli-b")
    laptop.edit(m, "2030-01-01T00:00:01Z", lambda r: r.update(severity="SEV-2"))
    other.edit(m, "2030-01-01T00:00:02Z", lambda r: r.update(severity="SEV-1"))
    assert main(["--data", a, "sync"]) == 0
    assert main(["--data", b, "sync"]) == 0
    capsys.readouterr()
    assert main(["--data", b, "sync", "status"]) == 0
    out = capsys.readouterr().out
    assert "conflict in" in out and "'SEV-1'" in out and "'SEV-2'" in out
    conflict = other.record(m)["conflicts"][0]["id"]
    assert main(["--data", b, "show", m[:8]]) == 0
    assert "sync conflict" in capsys.readouterr().out
    assert main(["--data", b, "sync", "resolve", m[:8], conflict[:6], "--take-other"]) == 0
    assert other.record(m)["severity"] == "SEV-2"
    assert main(["--data", b, "sync", "resolve", m[:8], "nope"]) == 2
    assert "no conflict" in capsys.readouterr().err
    assert main(["--data", str(tmp_path / "cli-c"), "sync"]) == 2
    assert "sync init" in capsys.readouterr().err


def test_sync_when_a_meeting_is_closed(
    laptops: list[Laptop], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmtui.service.sync import sync_after_close

    a, b, _ = laptops
    said: list[tuple[str, bool]] = []
    monkeypatch.delenv("PMTUI_SYNC_ON_CLOSE", raising=False)
    assert sync_after_close(a.archive, lambda line, ok: said.append((line, ok))) is None
    a.archive.settings.set_sync_on_close(True)
    assert a.archive.settings.sync_on_close()
    monkeypatch.setenv("PMTUI_SYNC_ON_CLOSE", "0")
    assert not a.archive.settings.sync_on_close()
    monkeypatch.setenv("PMTUI_SYNC_ON_CLOSE", "1")
    a.edit(first_id(a), "2030-01-01T00:00:01Z", lambda r: r.update(summary="auto"))
    thread = sync_after_close(a.archive, lambda line, ok: said.append((line, ok)))
    assert thread is not None
    thread.join(30)
    assert said and said[0][1] and "pushed" in said[0][0]
    b.sync.sync()
    assert b.record(first_id(a))["summary"] == "auto"


def git_push_file(remote: Path, work: Path, name: str, data: str) -> None:
    """Someone pushes a file with plain git (a hand edit, a bad merge elsewhere)."""
    subprocess.run(["git", "clone", "-q", str(remote), str(work)], check=True)
    (work / name).write_text(data)
    env = {**os.environ, "GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@x",
           "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@x"}  # fmt: skip
    subprocess.run(["git", "-C", str(work), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(work), "commit", "-qm", "by hand"], check=True, env=env)
    subprocess.run(["git", "-C", str(work), "push", "-q"], check=True)


def test_a_damaged_file_on_the_remote_never_reaches_or_deletes_a_meeting(
    laptops: list[Laptop], remote: Path, tmp_path: Path
) -> None:
    a, b, _ = laptops
    m = first_id(a)
    git_push_file(remote, tmp_path / "hand", f"postmortems/{m}.json", "<<<<<<< HEAD\n{\n")
    a.edit(m, "2030-01-01T00:00:01Z", lambda r: r.update(summary="mine"))
    result = a.sync.sync()
    assert any("not a meeting record" in line for line in result.damaged)
    assert a.record(m)["summary"] == "mine"
    result = b.sync.sync()
    assert b.record(m)["title"] == "First meeting"  # still there, still readable


def test_a_meeting_moved_aside_here_comes_back_from_the_repository(laptops: list[Laptop]) -> None:
    a, b, _ = laptops
    m = first_id(a)
    a.archive.move_aside(m)
    result = a.sync.sync()
    assert result.restored == ["First meeting"]
    assert a.record(m)["title"] == "First meeting"
    b.sync.sync()
    assert m in b.archive.ids()


def test_an_older_record_is_saved_with_ids_before_it_is_sent(laptops: list[Laptop]) -> None:
    a, b, _ = laptops
    old = {
        "pmtui": 1,
        "id": "0123456789abcdef0123456789abcdef",
        "title": "Old one",
        "went_wrong": ["backups untested"],
        "action_items": [{"title": "Test restores"}],
    }
    assert a.archive.put_record(old) is None
    a.sync.sync()
    stored = a.record(old["id"])
    assert all(isinstance(n["id"], str) for n in stored["went_wrong"] + stored["action_items"])
    b.sync.sync()
    assert b.record(old["id"])["went_wrong"] == stored["went_wrong"]


def test_a_meeting_open_in_another_pmtui_is_merged_later_never_overwritten(
    laptops: list[Laptop],
) -> None:
    a, b, _ = laptops
    m = first_id(a)
    b.edit(m, "2030-01-01T00:00:01Z", add_note("from b", "bbbb00000001"))
    b.sync.sync()
    session = a.archive.open_session(m, FakeClock(1_900_000_000))
    try:
        result = a.sync.sync()
        assert result.busy and "from b" not in str(a.record(m)["went_wrong"])
        with session.live.edit("note") as pm:
            pm.summary = "typed while syncing"
        session.save()
        session.flush(5)
    finally:
        assert session.close(5)
    a.sync.sync()
    record = a.record(m)
    assert record["summary"] == "typed while syncing"
    assert "from b" in str(record["went_wrong"])
    b.sync.sync()
    assert b.record(m)["summary"] == "typed while syncing"


def test_a_clone_says_how_many_meetings_it_brought(tmp_path: Path, remote: Path) -> None:
    result = Laptop(tmp_path, "d").sync.init(str(remote))
    assert result.received == 1 and "received changes to 1 meeting" in result.summary()


def test_drafts_stay_on_their_laptop_and_survive_a_sync(
    laptops: list[Laptop], remote: Path
) -> None:
    a, b, _ = laptops
    m = first_id(a)
    a.edit(m, "2030-01-01T00:00:00Z", lambda r: r.update(drafts={"event-text": "half typed"}))
    b.edit(m, "2030-01-02T00:00:00Z", lambda r: r.update(summary="from b"))
    assert b.sync.sync().pushed
    assert a.sync.sync().pushed
    # The other laptop's change arrived, the draft is still here, and never left.
    assert a.record(m)["summary"] == "from b"
    assert a.record(m)["drafts"] == {"event-text": "half typed"}
    shown = subprocess.run(
        ["git", "-C", str(remote), "show", f"HEAD:postmortems/{m}.json"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "half typed" not in shown and '"drafts"' not in shown
    b.sync.sync()
    assert "drafts" not in b.record(m)
