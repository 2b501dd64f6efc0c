"""ruff keeps the code clean and formatted (its version is pinned in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_check_and_format() -> None:
    for args in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_no_merge_conflict_markers_are_left() -> None:
    """A merge left half-done shows as these lines; no file of the repo may hold one."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False
    ).stdout.split(b"\0")
    files = [ROOT / name.decode() for name in listed if name] or list(ROOT.glob("**/*.md"))
    markers = ("<" * 7 + " ", "=" * 7 + "\n", ">" * 7 + " ")
    found = []
    for path in files:
        if path.suffix not in {".py", ".md", ".j2", ".tcss", ".json", ".toml", ".sh", ""}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(text.splitlines(keepends=True), 1):
            if line.startswith(markers):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    assert found == [], found
