"""The command line, as a user runs it."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pmtui.cli import main
from pmtui.store.store import Store
from tests.conftest import SAMPLES

ROOT = Path(__file__).resolve().parents[2]
GITLAB = ROOT / "sample_sessions" / "gitlab-2017-database-outage.json"


def run(*args: str, data: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m pmtui` in a process of its own: for what only a real process shows (its
    stdin is not a terminal). It pays an interpreter and the imports; the rest of this file
    calls `main` in this process (`call`)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "pmtui", "--data", str(data), *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=60,
    )


def call(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    """`main(["--data", data, *args])` in this process, with what it printed: an exception
    that escapes `main` (a traceback for the user) fails the test right here."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--data", str(data), *args])
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def imported(data: Path, capsys: pytest.CaptureFixture[str], sample: Path = GITLAB) -> str:
    assert main(["--data", str(data), "import", str(sample)]) == 0
    meeting_id = capsys.readouterr().out.strip()
    assert re.fullmatch(r"[0-9a-f]{32}", meeting_id)
    return meeting_id


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert re.match(r"pmtui \d+\.\d+", capsys.readouterr().out)
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("import", "list", "show", "export", "delete", "new", "open", "demo"):
        assert command in out


def test_import_list_show_export_delete(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    meeting_id = imported(tmp_path, capsys)
    assert main(["--data", str(tmp_path), "list"]) == 0
    out = capsys.readouterr().out
    assert meeting_id[:8] in out and "GitLab" in out
    assert main(["--data", str(tmp_path), "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["id"] == meeting_id and rows[0]["open_actions"] == 2
    assert rows[0]["severity"] == "SEV-1" and rows[0]["status"] == "published"

    assert main(["--data", str(tmp_path), "show", meeting_id[:6]]) == 0
    out = capsys.readouterr().out
    assert "GitLab.com database deleted" in out
    assert "LVM snapshot" in out
    assert "time to detect 1 h" in out

    assert main(["--data", str(tmp_path), "export", meeting_id[:6], "--format", "json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    original = json.loads(GITLAB.read_text(encoding="utf-8"))
    assert exported["title"] == original["title"]
    assert exported["pmtui"] == 3
    assert [{k: v for k, v in e.items() if k != "id"} for e in exported["timeline"]] == original[
        "timeline"
    ]
    assert exported["metrics"]["time_to_detect_s"] == 3600

    target = tmp_path / "out.json"
    assert (
        main(["--data", str(tmp_path), "export", meeting_id, "--format", "json", "-o", str(target)])
        == 0
    )
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written["id"] == meeting_id
    # The store kept the ids made on the first import, and a re-import keeps them too.
    assert written["timeline"] == exported["timeline"]
    assert main(["--data", str(tmp_path / "other"), "import", str(target)]) == 0
    again_id = capsys.readouterr().out.strip()
    assert main(["--data", str(tmp_path / "other"), "export", again_id, "--format", "json"]) == 0
    again = json.loads(capsys.readouterr().out)
    for key in ("timeline", "went_right", "went_wrong", "got_lucky", "whys", "action_items"):
        assert again[key] == written[key]

    assert main(["--data", str(tmp_path), "delete", meeting_id, "--yes"]) == 0
    capsys.readouterr()
    assert Store(tmp_path).list() == []


def test_unknown_and_ambiguous_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    imported(tmp_path, capsys)
    imported(tmp_path, capsys, SAMPLES[1])
    assert main(["--data", str(tmp_path), "show", "zzzz"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pmtui: no meeting with an id starting") and err.count("\n") == 1
    assert main(["--data", str(tmp_path), "show", ""]) == 2
    capsys.readouterr()


def test_delete_without_yes_off_a_terminal(tmp_path: Path) -> None:
    first = call("import", str(GITLAB), data=tmp_path)
    assert first.returncode == 0
    # A real process: its stdin is a pipe, not a terminal, and nothing escapes as a traceback.
    result = run("delete", first.stdout.strip(), data=tmp_path, stdin="y\n")
    assert result.returncode == 2
    assert "needs --yes" in result.stderr and "Traceback" not in result.stderr
    assert call("list", "--json", data=tmp_path).stdout.count('"id"') == 1


BAD_FILES = {
    "notjson.json": (b"{ not json", "is not valid JSON"),
    "list.json": (b"[1, 2]", "must be a JSON object"),
    "notitle.json": (b'{"pmtui": 1}', "title: is missing or empty"),
    "version.json": (b'{"pmtui": 4, "title": "x"}', "format version 4 is not supported"),
    "badtime.json": (
        b'{"pmtui": 1, "title": "x", "timeline": [{"at": "25:99", "text": "t"}]}',
        'timeline[0].at: "25:99" is not a time',
    ),
    "badkind.json": (
        b'{"pmtui": 1, "title": "x", "timeline": '
        b'[{"at": "2026-01-01T10:00Z", "text": "t", "kind": "boom"}]}',
        'timeline[0].kind: "boom" is not one of',
    ),
    "badzone.json": (b'{"pmtui": 1, "title": "x", "timezone": "Nowhere/Land"}', "IANA"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_import_is_one_line_exit_2_and_changes_nothing(tmp_path: Path, name: str) -> None:
    content, expected = BAD_FILES[name]
    source = tmp_path / name
    source.write_bytes(content)
    data = tmp_path / "data"
    result = call("import", str(source), data=data)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert str(source) in result.stderr and expected in result.stderr
    assert result.stdout == ""
    assert not list((data / "meetings").glob("*.json")) if (data / "meetings").exists() else True


def test_missing_file_and_folder(tmp_path: Path) -> None:
    for target, expected in ((tmp_path / "nope.json", "no such file"), (tmp_path, "is a folder")):
        result = call("import", str(target), data=tmp_path / "data")
        assert result.returncode == 2 and expected in result.stderr
        assert "Traceback" not in result.stderr


def test_environment_variable_chooses_the_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PMTUI_DATA", str(tmp_path / "env-archive"))
    assert main(["import", str(GITLAB)]) == 0
    capsys.readouterr()
    assert len(Store(tmp_path / "env-archive").list()) == 1


def test_damaged_meeting_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import pmtui.cli as cli

    def no_tui(*_args: object, **_kwargs: object) -> int:
        raise AssertionError("a damaged meeting must not open")

    monkeypatch.setattr(cli, "run_tui", no_tui)
    good = imported(tmp_path, capsys)
    bad = imported(tmp_path, capsys, SAMPLES[1])
    path = tmp_path / "meetings" / f"{bad}.json"
    path.write_bytes(b"\x00garbage")
    (tmp_path / "index" / f"{bad}.json").unlink()
    result = call("list", data=tmp_path)
    assert result.returncode == 0
    assert good[:8] in result.stdout and bad[:8] not in result.stdout
    assert f"warning: {path} is damaged" in result.stderr
    shown = call("show", bad, data=tmp_path)
    assert shown.returncode == 2 and "damaged and was left untouched" in shown.stderr
    assert "Traceback" not in shown.stderr
    assert path.read_bytes() == b"\x00garbage"
    opened = call("open", bad, data=tmp_path)
    assert opened.returncode == 2 and "Traceback" not in opened.stderr
    # delete --yes moves it aside, named in the message, and destroys nothing.
    assert main(["--data", str(tmp_path), "delete", bad[:8], "--yes"]) == 0
    out = capsys.readouterr().out
    (moved,) = (tmp_path / "damaged").glob(f"{bad}.*.json")
    assert f"aside to {moved}" in out
    assert moved.read_bytes() == b"\x00garbage" and not path.exists()
    assert main(["--data", str(tmp_path), "list", "--json"]) == 0
    listed = capsys.readouterr()
    assert [row["id"] for row in json.loads(listed.out)] == [good]
    assert "damaged" not in listed.err


def test_new_refuses_a_bad_length(tmp_path: Path) -> None:
    result = call("new", "--minutes", "500", data=tmp_path)
    assert result.returncode == 2 and "5 to 180 minutes" in result.stderr


def test_check_gates_on_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = imported(tmp_path, capsys)
    assert main(["--data", str(tmp_path), "check", clean]) == 0
    assert "No blame-prone wording" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {"pmtui": 1, "title": "x", "trigger": "Human error: the operator forgot the flag."}
        )
    )
    assert main(["--data", str(tmp_path), "import", str(bad)]) == 0
    flagged = capsys.readouterr().out.strip()
    assert main(["--data", str(tmp_path), "check", flagged]) == 1
    out = capsys.readouterr().out
    assert 'Trigger: "Human error"' in out and 'Trigger: "forgot"' in out
    assert "2 finding(s)" in out
    rules = tmp_path / "rules.json"
    rules.write_text("{broken")
    assert main(["--data", str(tmp_path), "check", flagged, "--rules", str(rules)]) == 2
    assert "cannot be read as JSON" in capsys.readouterr().err


def test_new_on_a_full_disk_is_one_line_and_opens_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(store: Store, record: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Store, "create", full)
    assert main(["--data", str(tmp_path), "new", "--title", "Checkout errors"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left on device" in err
    assert "Traceback" not in err


def test_new_records_zone_facilitator_severity_and_incident(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import pmtui.cli as cli

    opened: list[object] = []
    monkeypatch.setattr(cli, "run_tui", lambda args, archive, start=None: opened.append(start) or 0)
    args = ["--data", str(tmp_path), "new", "--title", "CDN outage", "--zone", "europe/london"]
    args += ["--facilitator", "Ada", "--severity", "SEV-1", "--incident", "INC-42"]
    assert main(args) == 0
    assert main(["--data", str(tmp_path), "list", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert main(["--data", str(tmp_path), "export", row["id"], "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["title"], doc["timezone"], doc["severity"], doc["incident_id"]) == (
        "CDN outage",
        "Europe/London",
        "SEV-1",
        "INC-42",
    )
    assert doc["meeting"]["facilitator"] == "Ada"


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--title", ""], "--title cannot be empty"),
        (["--title", "   "], "--title cannot be empty"),
        (["--title", "x", "--zone", "Mars/Olympus"], "not a known IANA time zone"),
    ],
)
def test_new_refuses_what_it_cannot_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], says: str
) -> None:
    assert main(["--data", str(tmp_path), "new", *flags]) == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1
    assert main(["--data", str(tmp_path), "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []  # nothing created
