"""The built wheel carries styles/, templates/ and sample_sessions/, and works installed.

A file left out of the wheel fails here: the installed pmtui runs from a clean virtual
environment, renders the app with the shipped stylesheet and the minutes with a template.
"""

from __future__ import annotations

import email.parser
import importlib.metadata
import os
import subprocess
import sys
import textwrap
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("styles", "templates", "sample_sessions")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # The build backend is installed with the test extras: no isolated environment.
    build = [sys.executable, "-m", "build", "--wheel", "--no-isolation"]
    subprocess.run(
        [*build, "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    (built,) = out.glob("pmtui-*.whl")
    return built


def declared_dependencies(wheel: Path) -> list[importlib.metadata.Distribution]:
    """The distributions the wheel's metadata asks for, and theirs, as this environment has
    them (no extras: what `pip install pmtui` would bring)."""
    with zipfile.ZipFile(wheel) as archive:
        (name,) = (n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(archive.read(name).decode())
    wanted = list(metadata.get_all("Requires-Dist") or [])
    found: dict[str, importlib.metadata.Distribution] = {}
    while wanted:
        requirement = Requirement(wanted.pop())
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        key = canonicalize_name(requirement.name)
        if key not in found:
            found[key] = importlib.metadata.distribution(requirement.name)
            wanted.extend(found[key].requires or [])
    return list(found.values())


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    env_dir = tmp_path_factory.mktemp("venv")
    # No pip of its own: the pip running these tests installs into it (`--python`), which
    # saves seeding a pip into the new environment. Nor does pip compile every module of
    # every dependency: the runs below compile what they import, once (see `installed_env`).
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    # The wheel alone: pip resolving and copying its dependencies from the package index
    # was two thirds of this module's CPU. They are the ones this environment has (and has
    # compiled), linked into a folder the new environment reads through a .pth file: only
    # the distributions the wheel's metadata declares, and theirs, so a dependency missing
    # from pyproject.toml still fails the runs below.
    subprocess.run(
        [*pip, "install", "-q", "--no-compile", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    )
    linked = env_dir / "dependencies"
    linked.mkdir()
    for distribution in declared_dependencies(wheel):
        top = {file.parts[0] for file in distribution.files or [] if file.parts[0] != ".."}
        for name in top - {"__pycache__"}:
            (linked / name).symlink_to(distribution.locate_file(name))
    (site_packages,) = env_dir.glob("lib/python*/site-packages")
    (site_packages / "pmtui-test-dependencies.pth").write_text(f"{linked}\n")
    yield env_dir


def shipped_files(folder: str) -> set[str]:
    return {
        p.relative_to(ROOT / folder).as_posix() for p in (ROOT / folder).rglob("*") if p.is_file()
    }


def test_wheel_lists_every_shipped_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in SHIPPED:
        files = shipped_files(folder)
        assert files, f"{folder}/ is empty in the repo"
        for name in files:
            assert f"pmtui/_resources/{folder}/{name}" in names


def installed_env() -> dict[str, str]:
    """This environment, minus what would point the installed pmtui at our source or data;
    and bytecode is written, as for a user, so each run does not compile Textual again."""
    drop = ("PYTHONPATH", "PMTUI_DATA", "PYTHONDONTWRITEBYTECODE")
    return {k: v for k, v in os.environ.items() if k not in drop}


def run_installed(env_dir: Path, *args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = installed_env()
    return subprocess.run(
        [str(env_dir / "bin" / "pmtui"), "--data", str(data), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=env_dir,
        timeout=120,
    )


def test_installed_pmtui_runs_with_its_template(installed: Path, tmp_path: Path) -> None:
    assert run_installed(installed, "--version", data=tmp_path).stdout.startswith("pmtui ")
    site = subprocess.run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "import pmtui.resources as r; print(r.resource_dir('sample_sessions'))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=installed,
        env=installed_env(),
    ).stdout.strip()
    assert site.startswith(str(installed)), "resources must come from the installed wheel"
    sample = Path(site) / "gitlab-2017-database-outage.json"
    imported = run_installed(installed, "import", str(sample), data=tmp_path)
    assert imported.returncode == 0, imported.stderr
    meeting_id = imported.stdout.strip()
    minutes = run_installed(installed, "export", meeting_id, "--template", "minutes", data=tmp_path)
    assert minutes.returncode == 0, minutes.stderr
    assert minutes.stdout.startswith("# GitLab.com database deleted")
    assert "## Five Whys" in minutes.stdout
    # The coach's rules are a data file inside the package: the installed check must run.
    checked = run_installed(installed, "check", meeting_id, data=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "No blame-prone wording" in checked.stdout


RENDER = textwrap.dedent(
    """
    import asyncio, sys, tempfile
    from pathlib import Path
    from pmtui.core.clock import FakeClock
    from pmtui.resources import resource_dir, sample_sessions
    from pmtui.service.archive import Archive
    from pmtui.service.settings import Settings
    from pmtui.ui.app import Start, make_app

    assert str(resource_dir("styles")).startswith(sys.prefix), resource_dir("styles")
    archive = Archive(Settings.load(data=Path(tempfile.mkdtemp())))
    meeting_id = archive.import_file(sample_sessions()[0]).id

    async def main():
        app = make_app(archive, FakeClock(), start=Start(meeting_id=meeting_id), cursor_blink=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            header = app.screen.query_one("#meeting-header")
            assert header.outer_size.height == 5, header.outer_size  # set by styles/pmtui.tcss
            print("rendered", type(app.screen).__name__)
            await app.action_quit()

    asyncio.run(main())
    """
)


def test_installed_app_renders_with_the_shipped_stylesheet(installed: Path) -> None:
    result = subprocess.run(
        [str(installed / "bin" / "python"), "-c", RENDER],
        capture_output=True,
        text=True,
        cwd=installed,
        env=installed_env(),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "rendered MeetingScreen" in result.stdout
