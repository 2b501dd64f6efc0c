"""`pmtui serve` in a real browser: headless Chromium, driven by Selenium, on loopback.

xterm.js paints the terminal on a canvas, so the page's text is read where the page gets
it: a script installed before the page loads keeps what the page's websocket receives
(the follower's screen, as terminal output). The title must arrive, and then an event the
facilitator adds while the page is open."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pmtui.core.clock import SystemClock
from pmtui.core.models import EventKind
from pmtui.service.archive import Archive
from pmtui.service.settings import Settings
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
HEADLESS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Loopback only: the page asks for a web font elsewhere; no name resolves but ours.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--window-size=1400,1000",
)
# Keep what the page's websockets receive, as text.
KEEP_WEBSOCKET_TEXT = """
window.__pmtuiText = "";
const Plain = window.WebSocket;
window.WebSocket = function (url, protocols) {
  const socket = protocols === undefined ? new Plain(url) : new Plain(url, protocols);
  socket.addEventListener("message", (event) => {
    const data = event.data;
    window.__pmtuiText += typeof data === "string" ? data : new TextDecoder().decode(data);
  });
  return socket;
};
window.WebSocket.prototype = Plain.prototype;
"""
ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(what: Callable[[], bool], timeout: float = 30.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if what():
            return True
        time.sleep(0.05)
    return False


@contextlib.contextmanager
def serving(data: Path, meeting_id: str, *options: str) -> Iterator[str]:
    """`pmtui serve` on a free loopback port, until the block ends; its URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "pmtui", "--data", str(data), "serve", meeting_id,
         "--port", str(port), *options],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True,
    )  # fmt: skip
    try:
        first = server.stdout.readline() if server.stdout else ""
        assert f"http://127.0.0.1:{port}" in first, first

        def listening() -> bool:
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", port)) == 0

        assert wait_for(listening, 15)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, 15)  # the server and the follower processes it started
        server.wait(10)


@pytest.fixture
def browser() -> Iterator[object]:
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    if CHROMIUM is None or DRIVER is None:
        pytest.skip("chromium and chromium-driver are not installed (.ci/run installs them)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="pmtui-chromium-")
    for flag in (*HEADLESS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": KEEP_WEBSOCKET_TEXT}
        )
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Archive, str, str]]:
    pytest.importorskip("textual_serve", reason="textual-serve is not installed")
    archive = Archive(Settings.load(data=tmp_path, environ={}))
    meeting_id = archive.import_file(SAMPLES[0]).id
    with serving(tmp_path, meeting_id) as url:
        yield archive, meeting_id, url


def test_the_meeting_and_a_new_event_appear_in_the_browser(browser, served) -> None:  # type: ignore[no-untyped-def]
    archive, meeting_id, url = served
    browser.get(url)

    def page_text() -> str:
        return ANSI.sub("", browser.execute_script("return window.__pmtuiText || ''"))

    assert wait_for(lambda: "FOLLOWING" in page_text()), page_text()[-2000:]
    assert archive.load(meeting_id).title in page_text()
    session = archive.open_session(meeting_id, SystemClock())
    try:
        session.live.control("next")  # onto the timeline (the follower shows that stage)
        session.live.add_event(
            datetime(2017, 2, 1, 21, 0, tzinfo=UTC),
            "Added while the browser watched",
            EventKind.EVENT,
        )
        session.flush()
        assert wait_for(lambda: "Added while the browser watched" in page_text()), page_text()[
            -2000:
        ]
    finally:
        session.close()
