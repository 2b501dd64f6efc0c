"""Shared fixtures. No test ever touches the real user data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "sample_sessions").glob("*.json"))


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
