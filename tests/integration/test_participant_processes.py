"""Participants as real processes writing their inboxes at once, read by the facilitator's
session: no note lost or doubled, votes never over the limit, a writer killed mid-line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pmtui.cli import main
from pmtui.core import contrib
from pmtui.core.clock import FakeClock
from pmtui.service.archive import Archive
from pmtui.service.settings import Settings

WRITER = """
import sys, time
from pathlib import Path
from pmtui.service.inbox import InboxWriter
path, meeting, name, code, notes, votes, half = sys.argv[1:8]
w = InboxWriter(Path(path), meeting, name, code)
for i in range(int(notes)):
    w.note("went_wrong", f"{name} note {i}")
for target in votes.split(",") if votes else []:
    w.vote(target)
if half == "1":
    import os
    from pmtui.core import contrib
    line = contrib.sign(
        contrib.Entry(w.seq + 1, w.name, "note", column="got_lucky", text="never finished"),
        contrib.participant_key(code, meeting, w.name),
    )
    os.write(w._fd, line[: len(line) // 2])
    print("half", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def facilitator(tmp_path: Path):
    data = tmp_path / "data"
    archive = Archive(Settings.load(data=data), fsync=True)
    clock = FakeClock(1_700_000_000.0)
    meeting_id = archive.create("Outage", 30, clock)
    session = archive.open_session(meeting_id, clock)
    part = session.participation
    assert part is not None
    part.watch.poll_s = 0
    yield data, session, part, archive.meeting_file(meeting_id)
    session.close()


def spawn(path: Path, session, name: str, notes: int, votes: list[str], half: bool = False):
    args = [str(path), session.meeting_id, name, session.participation.code, str(notes)]
    args += [",".join(votes), "1" if half else "0"]
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, *args], stdout=subprocess.PIPE, text=True
    )


@pytest.mark.slow
def test_many_participants_at_once(facilitator) -> None:
    _data, session, part, path = facilitator
    targets = [session.live.add_lesson("went_wrong", f"seed {i}") for i in range(2)]
    part.set_votes(3)
    names = [f"Person {i}" for i in range(8)]
    # each tries 5 votes: 3 are allowed
    procs = [
        spawn(path, session, n, 15, [targets[i % 2]] * 3 + [targets[0]] * 2)
        for i, n in enumerate(names)
    ]
    while any(p.poll() is None for p in procs):
        part.poll()  # the facilitator reads while they write
        time.sleep(0.01)
    assert all(p.returncode == 0 for p in procs)
    merged = part.poll()
    assert not [w for w in part.warnings if "limit" not in w]
    texts = [n.text for n in session.live.pm.went_wrong]
    assert len(texts) == len(set(texts)) == 2 + 8 * 15
    board = part.board
    for name in names:
        who = contrib.pseudonym(part.code, session.meeting_id, name)
        assert sum(board.used[who].values()) == 3
    assert sum(n.votes for n in session.live.pm.went_wrong) == 8 * 3
    assert merged is not None
    # what the facilitator saved reads back the same
    assert session.flush()
    again = Archive(Settings.load(data=_data)).load(session.meeting_id)
    assert len(again.went_wrong) == 2 + 8 * 15


@pytest.mark.slow
def test_a_participant_killed_mid_line(facilitator) -> None:
    _data, session, part, path = facilitator
    proc = spawn(path, session, "Ana", 4, [], half=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "half"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert part.poll().notes == 4  # the half line waits for a newline that never comes
    again = spawn(path, session, "Ana", 1, [])  # Ana joins again: a new line starts
    assert again.wait(30) == 0
    merged = part.poll()
    assert merged.notes == 1 and len(merged.warnings) == 1
    texts = [n.text for n in session.live.pm.went_wrong]
    assert texts == [*(f"Ana note {i}" for i in range(4)), "Ana note 0"]
    assert "never finished" not in str(session.record())


def test_join_code_on_the_command_line(facilitator, capsys: pytest.CaptureFixture[str]) -> None:
    data, session, part, _path = facilitator
    code = main(
        ["--data", str(data), "join", session.meeting_id[:8], "--as", "Ana", "--code", "WRONG9"]
    )
    assert code == 2
    assert "not this meeting's join code" in capsys.readouterr().err
    assert (
        main(
            [
                "--data",
                str(data),
                "join",
                session.meeting_id[:8],
                "--as",
                "\x1b[2J",
                "--code",
                part.code,
            ]
        )
        == 2
    )
    assert "control characters" in capsys.readouterr().err


def test_join_before_the_facilitator_opened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    archive = Archive(Settings.load(data=data), fsync=False)
    meeting_id = archive.create("Outage", 30, FakeClock(1_700_000_000.0))
    assert (
        main(["--data", str(data), "join", meeting_id[:8], "--as", "Ana", "--code", "ABCDEF"]) != 0
    )
    assert "facilitator opens it first" in capsys.readouterr().err
