"""A newcomer's 15-minute postmortem in a real terminal: pmtui in tmux, at 80x24, 120x40
and 200x50, driven key by key, with the screens read back and checked.

Run: python benchmarks/newcomer_tmux.py [--keep]  (needs tmux; prints what it checked)

The run: `pmtui new` with a title, zone and facilitator; the set-up; timeline events
typed with `10:36Z`, `-5m` and a zone name, one of them long; a note typed after Tab
lands in the next column's entry line, never as commands on a list; a multi-line paste;
a draft left in an entry line and the terminal killed; the draft back after reopening;
the footer's Export / Home / Quit; the pause shown in the header. Exits 1 if a check
fails. Each check prints PASS or FAIL with the size.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PMTUI = str(Path(sys.executable).parent / "pmtui")
SIZES = [(80, 24), (120, 40), (200, 50)]
LONG = (
    "A config change by a customer triggered a latent bug; 85% of the network returned "
    "errors until the change was disabled"
)
failures: list[str] = []


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def keys(session: str, *names: str, pause: float = 0.15) -> None:
    for name in names:
        tmux("send-keys", "-t", session, name)
        time.sleep(pause)


def text(session: str, typed: str) -> None:
    tmux("send-keys", "-t", session, "-l", typed)
    time.sleep(0.3)


def screen(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def check(size: str, what: str, ok: bool, shown: str = "") -> None:
    print(f"  {'PASS' if ok else 'FAIL'} {size}: {what}")
    if not ok:
        failures.append(f"{size}: {what}")
        if shown:
            print("    " + "\n    ".join(shown.splitlines()))


def run(width: int, height: int, data: Path, keep: bool) -> None:
    size = f"{width}x{height}"
    session = f"pmtui-newcomer-{os.getpid()}-{width}"
    env = f"PMTUI_DATA={data} PMTUI_CONFIG={data / 'config'}"
    tmux("kill-session", "-t", session)
    command = (
        f"{env} {PMTUI} new --title 'Fastly CDN outage {size}' --minutes 15 "
        "--zone europe/london --facilitator 'Ada Lovelace' --severity SEV-1"
    )
    tmux("new-session", "-d", "-s", session, "-x", str(width), "-y", str(height), command)
    time.sleep(3)
    shown = screen(session)
    check(size, "opens on the set-up with the facilitator", "Ada Lovelace" in shown, shown)
    check(
        size,
        "footer shows Export, Home and Quit",
        all(k in shown for k in ("Export", "Home", "Quit")),
        shown,
    )
    keys(session, "F5", "F2")  # to the timeline; start the clock
    shown = screen(session)
    check(size, "timeline column says the zone", "London" in shown, shown)
    for when, what in (("09:47Z", "Customer pushes a valid config"), ("-5m", LONG)):
        text(session, when)
        keys(session, "Enter")
        text(session, what)
        keys(session, "Enter", pause=0.5)
    shown = screen(session)
    check(size, "a time with Z is read", "09:47" in shown, shown)
    # The long event wraps: its last words are on screen, not cut.
    check(size, "a long event is shown whole", "disabled" in shown, shown)
    keys(session, "F5")  # right / wrong / lucky
    text(session, "Detection within a minute")
    keys(session, "Enter", "Tab")
    text(session, "good")  # the trap: after Tab, typing must go into the next entry line
    keys(session, "Enter", pause=0.5)
    shown = screen(session)
    check(size, "typing after Tab lands in the next entry line", "• good" in shown, shown)
    check(size, "the first note is still there (wrapped)", "Detection within a" in shown, shown)
    text(session, "Status page lagged")  # a draft, never added
    time.sleep(1.5)  # the next beat of the meeting clock saves it
    keys(session, "F2")  # pause
    shown = screen(session)
    check(size, "a paused meeting shows in the header", "PAUSED" in shown, shown)
    tmux("kill-session", "-t", session)  # the terminal dies
    time.sleep(0.5)
    listing = subprocess.run(
        [PMTUI, "--data", str(data), "list", "--json"], capture_output=True, text=True
    )
    rows = [r for r in json.loads(listing.stdout or "[]") if size in r["title"]]
    meeting_id = rows[0]["id"] if rows else ""
    tmux(
        "new-session", "-d", "-s", session, "-x", str(width), "-y", str(height),
        f"{env} {PMTUI} open {meeting_id}",
    )  # fmt: skip
    time.sleep(3)
    shown = screen(session)
    check(size, "after a kill, the draft is back in its entry line", "Status page lag" in shown,
          shown)  # fmt: skip
    check(size, "the notes survived", "• good" in shown, shown)
    exported = subprocess.run(
        [PMTUI, "--data", str(data), "export", meeting_id], capture_output=True, text=True
    )
    check(size, "the minutes name the facilitator", "Ada Lovelace" in exported.stdout)
    check(size, "drafts are not in the minutes", "Status page lagged" not in exported.stdout)
    if keep:
        print(shown)
    keys(session, "C-q")
    time.sleep(1)
    tmux("kill-session", "-t", session)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="print the last screen of each run")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed: nothing run")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        for width, height in SIZES:
            print(f"{width}x{height}")
            run(width, height, Path(folder), args.keep)
    print(f"{len(failures)} check(s) failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
