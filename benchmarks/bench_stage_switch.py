"""Stage key to the new stage on screen: a stage never shown before against one built.

Run: python benchmarks/bench_stage_switch.py [--rounds N]

The GitLab sample meeting at 120x40, driven by Pilot. Each round opens the meeting on its
set-up and walks the stages with F5 to the wrap-up (each stage's pane is built by the key:
the next one is not built while idle here), then back with F4 to the set-up (built), then
forward again with F5 (built). The clock starts when the
key reaches the app (posted as the terminal driver posts it) and stops when a frame
showing the new stage, with the cursor in it, has been painted. Prints medians per
stage and over all; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_keystroke import record_paints  # noqa: E402
from textual.app import App  # noqa: E402
from textual.events import Key  # noqa: E402
from textual.widgets import ContentSwitcher  # noqa: E402

from pmtui.core.clock import FakeClock  # noqa: E402
from pmtui.service.archive import Archive  # noqa: E402
from pmtui.service.files import read_session_file  # noqa: E402
from pmtui.service.settings import Settings  # noqa: E402
from pmtui.ui import meeting as meeting_module  # noqa: E402
from pmtui.ui.app import Start, make_app  # noqa: E402

SAMPLE = ROOT / "sample_sessions" / "gitlab-2017-database-outage.json"


def built(app: App[None]) -> set[str]:
    return {pane.id or "" for pane in app.screen.query(".stage-pane")}


async def time_key(app: App[None], key: str, painted: list[float]) -> tuple[str, float]:
    """The stage shown after `key`, and the milliseconds from the key to its frame."""
    switcher = app.screen.query_one(ContentSwitcher)
    before = switcher.current
    began = time.perf_counter()
    app.post_message(Key(key, None))
    while switcher.current == before:
        await asyncio.sleep(0)
    shown = time.perf_counter()
    while not painted or painted[-1] < shown:
        await asyncio.sleep(0.0005)
    return switcher.current or "", (painted[-1] - began) * 1000


async def one_round(folder: Path) -> list[tuple[str, bool, float]]:
    """(stage, built before the key, ms) for each key of one walk."""
    archive = Archive(Settings.load(data=folder, environ={}))
    t0 = 1_795_000_000.0
    meeting_id = archive.add(read_session_file(SAMPLE))
    app = make_app(archive, FakeClock(t0), start=Start(meeting_id=meeting_id), cursor_blink=False)
    painted = record_paints(app)
    times = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        stages = [s.key for s in screen.live.engine.agenda.stages]  # type: ignore[attr-defined]
        for key in ["f5"] * 5 + ["f4"] * 5 + ["f5"] * 5:
            await pilot.pause()
            ready = built(app)
            switcher = screen.query_one(ContentSwitcher)
            index = stages.index(switcher.current or "") + (1 if key == "f5" else -1)
            stage, ms = await time_key(app, key, painted)
            assert stage == stages[index], (stage, stages[index])
            times.append((stage, stage in ready, ms))
        await pilot.pause()
        await app.action_quit()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    # Nothing is built while idle here: the first visit of each stage builds its pane.
    meeting_module.PREBUILD_IDLE_S = 3600.0
    rows: list[tuple[str, bool, float]] = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as folder:
            rows += asyncio.run(one_round(Path(folder)))
    print(f"stage key -> new stage painted, GitLab sample at 120x40, {args.rounds} rounds")
    for was_built in (False, True):
        mine = [ms for _, b, ms in rows if b == was_built]
        if not mine:
            print(f"  {'built' if was_built else 'never shown'}: none (all panes built)")
            continue
        per = {}
        for stage, b, ms in rows:
            if b == was_built:
                per.setdefault(stage, []).append(ms)
        detail = ", ".join(f"{k} {statistics.median(v):.0f}" for k, v in per.items())
        mine.sort()
        print(
            f"  {'already built' if was_built else 'not yet built'}: "
            f"median {statistics.median(mine):.1f} ms, max {mine[-1]:.1f} ms, n={len(mine)} "
            f"({detail})"
        )


if __name__ == "__main__":
    main()
