"""`pmtui serve --join` in headless Chromium: a participant types a name, the join code
and a note in the browser; the facilitator's session merges the note into the record.
A wrong code first is refused on the page."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pmtui.core.clock import SystemClock
from pmtui.service.archive import Archive
from pmtui.service.settings import Settings
from tests.conftest import SAMPLES
from tests.integration.test_follow_browser import ANSI, browser, serving, wait_for

pytestmark = pytest.mark.slow
__all__ = ["browser"]  # the fixture, shared with the follow test


@pytest.fixture
def served_join(tmp_path: Path) -> Iterator[tuple[Archive, object, str]]:
    pytest.importorskip("textual_serve", reason="textual-serve is not installed")
    archive = Archive(Settings.load(data=tmp_path, environ={}))
    meeting_id = archive.import_file(SAMPLES[0]).id
    session = archive.open_session(meeting_id, SystemClock())  # the facilitator
    assert session.participation is not None
    session.participation.watch.poll_s = 0
    try:
        with serving(tmp_path, meeting_id, "--join") as url:
            yield archive, session, url
    finally:
        session.close()


def test_a_participant_writes_a_note_from_the_browser(browser, served_join) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _archive, session, url = served_join
    part = session.participation
    browser.get(url)

    def page_text() -> str:
        return ANSI.sub("", browser.execute_script("return window.__pmtuiText || ''"))

    def keys(*text: str) -> None:
        # xterm.js takes keys through a hidden text area
        browser.find_element(By.CSS_SELECTOR, "textarea.xterm-helper-textarea").send_keys(*text)
        time.sleep(0.3)

    assert wait_for(lambda: "Join code" in page_text()), page_text()[-2000:]
    keys("Browser Ben", Keys.ENTER)
    keys("WRONG9", Keys.ENTER)
    assert wait_for(lambda: "not this meeting's join code" in page_text()), page_text()[-2000:]
    keys(part.code, Keys.ENTER)
    assert wait_for(lambda: "votes left" in page_text()), page_text()[-2000:]
    keys("Sent from a browser tab", Keys.ENTER)

    def merged() -> bool:
        part.poll()
        pm = session.live.pm
        return any(n.text == "Sent from a browser tab" for n in pm.went_wrong)

    assert wait_for(merged, 30), page_text()[-2000:]
    assert "Browser Ben" not in str(session.record())  # anonymous unless names are on
