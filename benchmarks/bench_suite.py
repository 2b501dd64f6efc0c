"""The README's test command, timed: wall clock and CPU (user + system) of whole runs.

Run: python benchmarks/bench_suite.py [--runs N] [--baseline PATH] [-- PYTEST ARGS]

Each run is `.venv/bin/python -m pytest -q -n auto -p no:cacheprovider` in a checkout,
with its own venv, measured from outside: wall clock, and the CPU of pytest and every
process under it that was waited for (the xdist workers, the subprocesses the tests run).
With --baseline (another checkout with its own .venv, e.g. a worktree of main) the two
are alternated, baseline first, so both see the same machine. The environment is passed
on as it is (a machine that sets PYTHONDONTWRITEBYTECODE compiles the tests on every
run, as the README's command does there). Nothing is asserted: machines here are shared
and noisy; give every run when quoting figures. Arguments after `--` go to pytest (a
folder or a file, to time part of the suite).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = ["-m", "pytest", "-q", "-n", "auto", "-p", "no:cacheprovider"]


def one_run(checkout: Path, extra: list[str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system) and pytest's last line."""
    before = os.times()
    started = time.perf_counter()
    done = subprocess.run(
        [str(checkout / ".venv" / "bin" / "python"), *COMMAND, *extra],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    lines = [line for line in done.stdout.splitlines() if re.search(r"passed|failed", line)]
    return wall, cpu, lines[-1] if lines else f"exit {done.returncode}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="runs of each checkout")
    parser.add_argument("--baseline", type=Path, help="another checkout to alternate with")
    parser.add_argument("pytest_args", nargs="*", help="after --: passed on to pytest")
    args = parser.parse_args()
    checkouts = {"this": ROOT}
    if args.baseline:
        checkouts = {"baseline": args.baseline.resolve(), **checkouts}
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in checkouts}
    for index in range(args.runs):
        for name, checkout in checkouts.items():
            wall, cpu, last = one_run(checkout, args.pytest_args)
            figures[name].append((wall, cpu))
            print(f"run {index + 1} {name:8} wall {wall:6.1f} s  cpu {cpu:6.1f} s  {last}")
    for name, runs in figures.items():
        walls = [wall for wall, _ in runs]
        cpus = [cpu for _, cpu in runs]
        print(
            f"{name:8} median wall {statistics.median(walls):6.1f} s"
            f"  median cpu {statistics.median(cpus):6.1f} s  ({len(runs)} runs)"
        )


if __name__ == "__main__":
    main()
