"""Two real pmtui processes in tmux: a facilitator and a follower of the same meeting.

The follower is started first; the facilitator still opens the meeting read-write, starts
the clock and adds an event, and the follower shows both. Then the facilitator is killed
and the follower says so."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pmtui.core import sessionfile
from pmtui.service.files import read_session_file
from pmtui.store.store import Store
from tests.conftest import SAMPLES

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], check=True, capture_output=True, text=True, timeout=10
    ).stdout


def wait_for(what: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Generous: the follower runs at a lower CPU priority, and a machine busy with other
    work can keep it waiting for seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if what():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def sessions() -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, timeout=10)


def test_a_follower_in_another_process_follows_and_sees_the_crash(
    tmp_path: Path, sessions: list[str]
) -> None:
    store = Store(tmp_path, summarize=sessionfile.summarize)
    record = sessionfile.to_record(read_session_file(SAMPLES[0]))
    record["status"] = "draft"  # a published postmortem opens read-only until reopened
    meeting_id = store.create(record)
    pmtui = f"{sys.executable} -m pmtui --data {tmp_path}"
    env = {**os.environ, "TERM": "xterm-256color"}
    tag = f"pmtui-follow-test-{os.getpid()}"
    follower, facilitator = f"{tag}-f", f"{tag}-m"

    def screen(name: str) -> str:
        return tmux("capture-pane", "-p", "-t", name)

    sessions.append(follower)
    subprocess.run(
        ["tmux", "new", "-d", "-s", follower, "-x", "120", "-y", "40",
         f"{pmtui} follow {meeting_id}; sleep 60"],
        check=True, env=env, timeout=10,
    )  # fmt: skip
    assert wait_for(lambda: "FOLLOWING" in screen(follower)), screen(follower)
    assert "waiting for the facilitator" in screen(follower)

    sessions.append(facilitator)
    subprocess.run(
        ["tmux", "new", "-d", "-s", facilitator, "-x", "120", "-y", "40",
         f"{pmtui} open {meeting_id}"],
        check=True, env=env, timeout=10,
    )  # fmt: skip
    assert wait_for(lambda: "Start/Pause" in screen(facilitator)), screen(facilitator)
    assert "READ-ONLY" not in screen(facilitator)  # the follower did not take the lock
    assert wait_for(lambda: "facilitator: pid" in screen(follower)), screen(follower)

    tmux("send-keys", "-t", facilitator, "F5")  # past the set-up, onto the timeline
    # Typing waits for the timeline to be on screen, as a person would: on a busy machine
    # keys sent at once would reach the set-up's fields.
    assert wait_for(lambda: "Time to detect" in screen(facilitator)), screen(facilitator)
    time.sleep(0.5)
    tmux("send-keys", "-t", facilitator, "F2")
    for key in ("+", "1", "m", "Enter"):
        tmux("send-keys", "-t", facilitator, key)
        time.sleep(0.1)
    tmux("send-keys", "-t", facilitator, "-l", "Seen in the other terminal")
    tmux("send-keys", "-t", facilitator, "Enter")
    assert wait_for(lambda: "Seen in the other terminal" in screen(follower)), screen(follower)
    assert "on plan" in screen(follower)  # the clock runs

    lock = tmp_path / "meetings" / f"{meeting_id}.lock"
    pid = json.loads(lock.read_text())["pid"]
    os.kill(pid, signal.SIGKILL)
    ok = wait_for(lambda: "ended without closing" in screen(follower))
    if not ok:  # say whether the process was still there (a zombie, a reused pid)
        ps = ["ps", "-o", "pid,ppid,stat,ni,cmd", "-p", str(pid)]
        state = subprocess.run(ps, capture_output=True, text=True, timeout=10).stdout
        pytest.fail(f"no crash reported for pid {pid}:\n{state}\n{screen(follower)}")
    assert "Seen in the other terminal" in screen(follower)
