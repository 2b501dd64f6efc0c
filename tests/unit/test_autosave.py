"""The background writer: newest record wins, order kept, failures reported."""

from __future__ import annotations

import threading
from typing import Any

from pmtui.service.autosave import AutoSaver, SaveResult


class SlowWriter:
    def __init__(self) -> None:
        self.saved: list[dict[str, Any]] = []
        self.gate = threading.Event()
        self.fail_next = False

    def save(self, record: dict[str, Any]) -> None:
        self.gate.wait(5)
        if self.fail_next:
            self.fail_next = False
            raise OSError(28, "No space left on device")
        self.saved.append(record)


def test_latest_record_wins_and_versions_never_go_back() -> None:
    writer = SlowWriter()
    results: list[SaveResult] = []
    saver = AutoSaver(writer, results.append)
    for version in range(1, 6):
        saver.submit(version, {"v": version})
    writer.gate.set()
    assert saver.flush(5)
    assert writer.saved[-1] == {"v": 5}
    seen = [r["v"] for r in writer.saved]
    assert seen == sorted(seen)
    # Coalescing: at most the first (already taken) and the newest are written.
    assert len(writer.saved) <= 2
    assert saver.saved_version == 5
    saver.close()


def test_failure_is_reported_not_swallowed() -> None:
    writer = SlowWriter()
    writer.gate.set()
    writer.fail_next = True
    results: list[SaveResult] = []
    saver = AutoSaver(writer, results.append)
    saver.submit(1, {"v": 1})
    assert saver.flush(5)
    saver.close()
    assert len(results) == 1
    assert not results[0].ok
    assert "No space left" in (results[0].error or "")
    assert saver.saved_version == -1


def test_close_writes_what_is_pending() -> None:
    writer = SlowWriter()
    saver = AutoSaver(writer, lambda result: None)
    saver.submit(7, {"v": 7})
    writer.gate.set()
    assert saver.close(5)
    assert writer.saved == [{"v": 7}]


def test_a_listener_that_raises_does_not_stop_later_saves() -> None:
    writer = SlowWriter()
    writer.gate.set()

    def broken(result: SaveResult) -> None:
        raise RuntimeError("the screen is gone")

    saver = AutoSaver(writer, broken)
    saver.submit(1, {"v": 1})
    assert saver.flush(5)
    saver.submit(2, {"v": 2})
    assert saver.flush(2), "the writer thread died with the listener"
    assert writer.saved[-1] == {"v": 2}
    assert saver.saved_version == 2
    assert "the screen is gone" in (saver.listener_error or "")
    assert saver.close(2)
