"""Shared fixtures. No test ever touches the real user data folder."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import textual.constants

# Scrolling to the focused field and the like complete at once instead of animating for a
# fifth of a second: Pilot waits for every animation after every key, and what a test
# checks is where the screen ends up. The snapshot plugin has imported Textual already, so
# its constant is set too; subprocesses read the variable.
os.environ["TEXTUAL_ANIMATIONS"] = "none"
textual.constants.TEXTUAL_ANIMATIONS = "none"

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "sample_sessions").glob("*.json"))


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: twice as many test processes as there are cores for this process. Many
    tests spend much of their time waiting, not computing (Pilot idles 20 ms slices after
    every key; other tests wait on a second pmtui process, a browser, a file watch or a
    lock), so a core is shared by two processes, one computing while the other waits.
    On a 2-core machine the README's command took about 105 s with four processes against
    about 137 s with two (the README gives each run). PYTEST_XDIST_AUTO_NUM_WORKERS still
    decides when set, as in xdist itself."""
    del config
    chosen = os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS", "")
    if chosen.isdigit() and int(chosen) > 0:
        return int(chosen)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 2 * (cores or 1)


# The slowest tests, started first: with `pytest -n auto` the workers then finish
# together, on short tests, instead of one waiting while the other runs a long one last.
# (A test in none of these only runs later; it is never left out.)
FIRST = (
    "tests/integration/test_wheel.py",
    "tests/integration/test_follow_browser.py",
    "tests/integration/test_join_browser.py",
    "tests/integration/test_import_fuzz.py::test_import_answers",
    "tests/integration/test_follow_processes.py",
    "tests/ui/test_meeting_flow.py::test_a_whole_meeting",
    "tests/integration/test_sync.py",
    "tests/ui/",
    "tests/integration/",
)


def _rank(item: pytest.Item) -> int:
    for rank, prefix in enumerate(FIRST):
        if item.nodeid.startswith(prefix):
            return rank
    return len(FIRST)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_rank)  # stable: the order within a rank is the collection order


# Garbage collection in a test process. A Pilot test builds a whole app (a hundred thousand
# objects, many in reference cycles), and Textual keeps what it rendered in caches that
# outlive the app: by the middle of a run a worker holds 300,000 objects, and each full
# collection walked all of them again (in one run of the suite, 81 s of its 239 s of CPU
# went to the collector). So: young collections less often, and after each test that ran
# a while, one full collection that frees what the test left, then what survives it
# (modules, caches, the collected tests) is frozen, so later collections walk only what
# later tests make. Frozen objects are still freed when nothing refers to them; only a
# cycle among them that becomes garbage later stays (a cache entry evicted later, say):
# the larger worker's peak memory went from 243 MB to about 255 MB. No test checks when
# the collector runs.
GC_THRESHOLDS = (10_000, 50, 50)
COLLECT_AFTER_CPU_S = 0.05
gc.set_threshold(*GC_THRESHOLDS)


# Where the suite's CPU goes: with PMTUI_TEST_CPU=FILE, every test process appends one line
# per test (its CPU, and that of the subprocesses it waited for) and one for the process as
# a whole; the run ends with the top tests and the totals per file. Off by default.
CPU_LOG = os.environ.get("PMTUI_TEST_CPU")


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


def _log_cpu(line: str) -> None:
    if CPU_LOG:
        with open(CPU_LOG, "a", encoding="utf-8") as log:
            log.write(line + "\n")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    started = time.process_time()
    children = _children_cpu()
    yield  # set-up, the test, teardown
    spent = time.process_time() - started
    _log_cpu(f"test\t{item.nodeid}\t{spent:.3f}\t{_children_cpu() - children:.3f}")
    if spent >= COLLECT_AFTER_CPU_S:
        started = time.process_time()
        gc.collect()
        gc.freeze()
        _process_cpu["collector"] += time.process_time() - started


# CPU of this process when its tests were collected, and in the collections above.
_process_cpu = {"collected": 0.0, "collector": 0.0}


def pytest_collection_finish(session: pytest.Session) -> None:
    _process_cpu["collected"] = time.process_time()


def pytest_sessionfinish(session: pytest.Session) -> None:
    figures = [time.process_time(), _children_cpu(), *_process_cpu.values()]
    _log_cpu("\t".join(["process", str(os.getpid()), *(f"{f:.3f}" for f in figures)]))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not CPU_LOG or hasattr(terminalreporter.config, "workerinput"):
        return
    tests: dict[str, float] = {}
    write = terminalreporter.write_line
    with open(CPU_LOG, encoding="utf-8") as log:
        for line in log:
            kind, name, own, children, *more = line.rstrip("\n").split("\t")
            if kind == "test":
                tests[name] = float(own) + float(children)
            else:  # the controller's children are the workers: their CPU is counted there
                collected, collector = map(float, more)
                write(
                    f"process {name}: {float(own):.1f} s CPU, {float(children):.1f} s in"
                    f" subprocesses; {collected:.1f} s by the end of collection,"
                    f" {collector:.1f} s collecting garbage between tests"
                )
    write(f"CPU in tests (with their subprocesses): {sum(tests.values()):.1f} s")
    for name, cpu in sorted(tests.items(), key=lambda pair: -pair[1])[:40]:
        write(f"{cpu:7.2f} s  {name}")
    files: dict[str, float] = {}
    for name, cpu in tests.items():
        files[name.split("::")[0]] = files.get(name.split("::")[0], 0.0) + cpu
    for name, cpu in sorted(files.items(), key=lambda pair: -pair[1]):
        write(f"{cpu:7.2f} s  {name}")


@pytest.fixture(autouse=True)
def isolated_data(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    folder = tmp_path_factory.mktemp("pmtui-data")
    monkeypatch.setenv("PMTUI_DATA", str(folder))
    monkeypatch.setenv("PMTUI_CONFIG", str(folder / "config"))
    monkeypatch.setenv("PMTUI_KEYMAP", str(folder / "no-keymap.json"))
    monkeypatch.setenv("PMTUI_EXPORT_DIR", str(folder / "exports"))
    (folder / "exports").mkdir()
    return folder


@pytest.fixture
def data_dir(isolated_data: Path) -> Path:
    return isolated_data
