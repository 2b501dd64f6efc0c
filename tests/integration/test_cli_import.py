"""`pmtui import` of an incident's raw material, as a user runs it."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from pmtui.cli import main
from pmtui.core import sessionfile
from pmtui.store.store import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
EXPORT = FIXTURES / "slack-s3-2017"


def pmtui(data: Path, *args: str) -> int:
    return main(["--data", str(data), *args])


def test_slack_then_pagerduty_into_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = pmtui(
        tmp_path, "import", "--slack", str(EXPORT), "--channel", "inc-s3-outage", "--markers"
    )
    out, err = capsys.readouterr()
    assert code == 0
    meeting_id = out.strip()
    assert re.fullmatch(r"[0-9a-f]{32}", meeting_id)
    assert "8 events added; 5 participant(s) added" in err
    assert "suggested detection: 2017-02-28 17:39:00 UTC Avery Quill" in err
    assert (
        pmtui(
            tmp_path,
            "import",
            "--pagerduty",
            str(FIXTURES / "pagerduty-s3-2017.json"),
            "--into",
            meeting_id[:6],
        )
        == 0
    )
    assert "6 events added" in capsys.readouterr().err
    assert (
        pmtui(
            tmp_path,
            "import",
            "--slack",
            str(EXPORT),
            "--channel",
            "inc-s3-outage",
            "--into",
            meeting_id[:6],
        )
        == 0
    )
    assert "0 events added; 8 already there" in capsys.readouterr().err
    assert pmtui(tmp_path, "export", meeting_id, "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["timeline"]) == 14
    assert doc["metrics"]["time_to_detect_s"] == 120


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--slack", "{export}", "--channel", "inc-web"], 'no channel "inc-web"'),
        (["--slack", "{export}"], "which channel? (give --channel NAME)"),
        (["--slack", "{export}", "--channel", "inc-s3-outage", "--only", "starred"], "--only: "),
        (["--timeline", "{bad_csv}"], 'row 3: "25:61" is not a time'),
        (["--pagerduty", "{nothing}"], "no such file"),
        (["--slack", "{export}", "--channel", "x", "--timezone", "Mars/Base"], "--timezone: "),
        (["{export}", "--slack", "{export}"], "import one thing"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], problem: str
) -> None:
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("time,event\n2017-02-28 10:00,ok\n25:61,bad\n", encoding="utf-8")
    values = {"export": str(EXPORT), "bad_csv": str(bad_csv), "nothing": str(tmp_path / "no.json")}
    data = tmp_path / "data"
    assert pmtui(data, "import", *[a.format(**values) for a in args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and problem in err
    assert pmtui(data, "list", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_a_zip_with_a_climbing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("users.json", "[]")
        archive.writestr("../../../tmp/owned.json", "[]")
    assert pmtui(tmp_path / "data", "import", "--slack", str(evil), "--channel", "x") == 2
    assert capsys.readouterr().err == (
        f"pmtui: {evil}: ../../../tmp/owned.json: has a file that points outside the export\n"
    )


def test_show_wraps_text_under_its_column_and_escapes_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long = "rolled back the config push " * 6
    doc = {
        "pmtui": 3,
        "title": "t",
        "timeline": [
            {"at": "2026-11-19T14:32:00Z", "text": "Paged red"},
            {"at": "2026-11-19T14:40:00Z", "text": long},
        ],
    }
    session = tmp_path / "s.json"
    session.write_text(json.dumps(doc), encoding="utf-8")
    assert pmtui(tmp_path, "import", str(session)) == 0
    meeting_id = capsys.readouterr().out.strip()
    # Import refuses control characters; a record already stored (an older pmtui, a hand
    # edit) may still hold them, and show must not pass them to the terminal.
    store = Store(tmp_path, summarize=sessionfile.summarize)
    with store.open(meeting_id) as handle:
        record = dict(handle.record)
        record["timeline"] = [dict(e) for e in record["timeline"]]
        record["timeline"][0]["text"] = "Paged \x1b[31mred\x1b[0m \x07"
        handle.save(record)
    assert pmtui(tmp_path, "show", meeting_id) == 0
    out = capsys.readouterr().out
    # Rich may colour the rest (FORCE_COLOR); the event's own escapes never reach the terminal
    assert "\x07" not in out and "Paged \x1b" not in out
    assert "Paged \\x1b[31mred\\x1b[0m \\x07" in out
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if "14:40 UTC" in line)
    column = lines[first].index("rolled")
    following = lines[first + 1]
    assert following[:column].strip() == "" and following[column] != " "
    assert all(len(line) <= 80 for line in lines[first : first + 4])
