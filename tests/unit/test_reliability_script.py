"""The reliability suite (benchmarks/reliability.py) still runs: a few kill -9 trials
and the disk-full run, in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_reliability_script_runs_clean() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "reliability.py"), "--trials", "3", "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    counts = [line for line in result.stdout.splitlines() if "violations:" in line]
    assert counts and all(line.endswith("violations: 0") for line in counts), result.stdout
