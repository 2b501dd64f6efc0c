"""Saving in the background, so typing never waits for the disk.

One thread writes; a newer record replaces one still waiting, so the newest state always
wins and saves never land out of order. The outcome of each save is reported through a
callback (the UI turns it into the save indicator; a failure is never swallowed).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol

from pmtui.core.values import value


class Writer(Protocol):
    def save(self, record: dict[str, Any]) -> None: ...


@value(frozen=True)
class SaveResult:
    """What a save came to: the version written, or the error that stopped it."""

    version: int
    error: str | None = None

    def __init__(self, version: int, error: str | None = None) -> None:
        self.__dict__.update(version=version, error=error)

    @property
    def ok(self) -> bool:
        return self.error is None


class AutoSaver:
    """A single background writer with latest-wins coalescing."""

    def __init__(self, writer: Writer, on_result: Callable[[SaveResult], None]) -> None:
        self._writer = writer
        self._on_result = on_result
        self._cond = threading.Condition()
        self._pending: tuple[int, dict[str, Any]] | None = None
        self._busy = False
        self._closed = False
        self.saved_version = -1
        # The last exception raised by `on_result`, if any: kept rather than lost with
        # the thread, so later saves still run and a caller can see what went wrong.
        self.listener_error: str | None = None
        self._thread = threading.Thread(target=self._run, name="pmtui-autosave", daemon=True)
        self._thread.start()

    def submit(self, version: int, record: dict[str, Any]) -> None:
        with self._cond:
            if self._closed:
                raise RuntimeError("autosaver is closed")
            self._pending = (version, record)
            self._cond.notify_all()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything submitted is written; False on time-out."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pending is None and not self._busy, timeout)

    def close(self, timeout: float = 10.0) -> bool:
        done = self.flush(timeout)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout)
        return done

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._closed)
                if self._pending is None:
                    return
                version, record = self._pending
                self._pending = None
                self._busy = True
            try:
                self._writer.save(record)
                result = SaveResult(version)
            except Exception as error:  # any failure must reach the facilitator
                result = SaveResult(version, error=str(error) or type(error).__name__)
            if result.ok:
                with self._cond:
                    self.saved_version = max(self.saved_version, version)
            # The outcome is delivered before the save counts as done, so after `flush`
            # every listener has heard of every save.
            try:
                self._on_result(result)
            except Exception as error:  # the writer must outlive a broken listener
                self.listener_error = f"{type(error).__name__}: {error}"
            with self._cond:
                self._busy = False
                self._cond.notify_all()
