"""Instructions to the first frame: `pmtui demo` against the same-widgets Textual app.

Run: python benchmarks/startup_instructions.py [--programs same pmtui] [--base ../checkout]

Wall-clock medians of bench_startup.py swing by several percent on a shared machine; the
number of instructions a program executes does not. This runs the programs of
bench_startup.py under `valgrind --tool=cachegrind`, each stopped (os._exit) at its first
frame painted, with a fixed hash seed and bytecode cached as an installed package has it,
and prints the instructions each executed and pmtui's ratio to the same-widgets app (the
middle line of bench_startup.py; the target is 1.25x). Each program is run once untimed
first, so that changed modules are compiled before they are counted. `--base` counts the
same programs in another checkout too (its own .venv, else this Python), for a before and
after in one run. Nothing is asserted. Skips with a message where valgrind is missing.
Under valgrind each program takes about half a minute.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from runenv import installed_env

ROOT = Path(__file__).resolve().parent.parent

# What bench_startup's programs do at their first frame, and what they do here instead.
TIMED = "painted.append(time.perf_counter() - t0)"
STOP = "painted.append(1); import os; os._exit(0)"


def programs(root: Path) -> dict[str, str]:
    """bench_startup's programs as the checkout at `root` has them, stopping at the frame."""
    sys.path.insert(0, str(root / "benchmarks"))
    try:
        sys.modules.pop("bench_startup", None)
        import bench_startup
    finally:
        sys.path.pop(0)
    found = {
        "bare": bench_startup.BARE,
        "same": bench_startup.SAME_WIDGETS,
        "pmtui": bench_startup.PMTUI,
    }
    for name, program in found.items():
        if TIMED not in program:
            raise SystemExit(f"bench_startup's {name} program no longer times its first frame")
    return {name: program.replace(TIMED, STOP) for name, program in found.items()}


def python_of(root: Path) -> str:
    own = root / ".venv" / "bin" / "python"
    return str(own) if own.exists() else sys.executable


def instructions(root: Path, program: str) -> int:
    """Instructions `program` executes in the checkout at `root`, counted by cachegrind."""
    env = installed_env(PYTHONHASHSEED="0", PYTHONPATH=str(root))
    python = python_of(root)
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "first_frame.py"
        script.write_text(program, encoding="utf-8")
        # Once untimed: modules changed since their bytecode was written are compiled here.
        subprocess.run([python, str(script)], cwd=root, env=env, capture_output=True)
        out = subprocess.run(
            [
                "valgrind",
                "--tool=cachegrind",
                "--cache-sim=no",
                f"--cachegrind-out-file={folder}/cachegrind.out",
                python,
                str(script),
            ],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
        )
    found = re.search(r"I\s+refs:\s+([\d,]+)", out.stderr)
    if found is None:
        raise SystemExit(f"valgrind counted nothing; its last words:\n{out.stderr[-1500:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--programs", nargs="+", default=["same", "pmtui"])
    parser.add_argument("--base", type=Path, help="another checkout to count as well")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("skipped: valgrind is not installed (apt-get install valgrind)")
        return
    unknown = set(args.programs) - {"bare", "same", "pmtui"}
    if unknown:
        parser.error(f"no program {', '.join(sorted(unknown))}: bare, same, pmtui")
    roots = [ROOT] + ([args.base.resolve()] if args.base else [])
    print("instructions to the first frame (cachegrind, millions)")
    for root in roots:
        counted = {name: instructions(root, programs(root)[name]) for name in args.programs}
        line = "  ".join(f"{name} {count / 1e6:9.1f}M" for name, count in counted.items())
        if "same" in counted and "pmtui" in counted:
            line += f"  pmtui / same widgets {counted['pmtui'] / counted['same']:.3f}x (<= 1.25x)"
        print(f"  {root.name}: {line}")


if __name__ == "__main__":
    main()
