"""`pmtui export`: --public gates on the coach, --force writes anyway, errors write nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pmtui.cli import main

BLAMEFUL = {
    "pmtui": 1,
    "title": "Checkout outage",
    "participants": [{"name": "Zoë Quinn", "role": "incident commander"}],
    "trigger": "Human error: the team forgot the flag.",
    "went_wrong": ["The deploy went out since he forgot the check"],
    "got_lucky": ["Zoë was careless and still lucky"],
}
CLEAN = {
    "pmtui": 1,
    "title": "Checkout outage",
    "participants": [{"name": "Zoë Quinn"}],
    "summary": "Zoë Quinn saw the cache fill.",
}


def imported(data: Path, capsys: pytest.CaptureFixture[str], document: dict[str, object]) -> str:
    session = data / "session.json"
    session.write_text(json.dumps(document), encoding="utf-8")
    assert main(["--data", str(data), "import", str(session)]) == 0
    return capsys.readouterr().out.strip()


def export(data: Path, meeting_id: str, *args: str) -> int:
    return main(["--data", str(data), "export", meeting_id, *args])


def test_public_with_findings_exits_1_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meeting_id = imported(tmp_path, capsys, BLAMEFUL)
    target = tmp_path / "status-page.md"
    assert export(tmp_path, meeting_id, "--public", "-o", str(target)) == 1
    out, err = capsys.readouterr()
    assert not target.exists() and out == ""
    lines = err.splitlines()
    # Places named as the screen names them (see coach.place).
    assert 'Trigger: "Human error"' in lines[0] and 'Trigger: "forgot"' in lines[1]
    assert 'What went wrong, note 1: "forgot"' in lines[2]
    assert "careless" not in err  # where we got lucky does not go public
    assert lines[3].startswith("pmtui: 3 finding(s) in text that goes public; nothing written")
    # On stdout, nothing either.
    assert export(tmp_path, meeting_id, "--public") == 1
    assert capsys.readouterr().out == ""


def test_force_writes_with_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    meeting_id = imported(tmp_path, capsys, BLAMEFUL)
    target = tmp_path / "status-page.md"
    assert export(tmp_path, meeting_id, "--public", "--force", "-o", str(target)) == 0
    err = capsys.readouterr().err
    assert "pmtui: warning: written with 3 finding(s) in text that goes public" in err
    text = target.read_text(encoding="utf-8")
    assert "Human error" in text and "Zoë" not in text and "Quinn" not in text


def test_public_without_findings_writes_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meeting_id = imported(tmp_path, capsys, CLEAN)
    assert export(tmp_path, meeting_id, "--public") == 0
    out, err = capsys.readouterr()
    assert "The team saw the cache fill." in out and err == ""
    # The internal minutes are not the coach's to hold back (`pmtui check` gates those).
    blameful = imported(tmp_path, capsys, BLAMEFUL)
    assert export(tmp_path, blameful) == 0


def test_force_needs_public(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    meeting_id = imported(tmp_path, capsys, CLEAN)
    assert export(tmp_path, meeting_id, "--force") == 2
    assert capsys.readouterr().err == "pmtui: --force applies to --public only\n"


def test_a_refused_template_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meeting_id = imported(tmp_path, capsys, CLEAN)
    own = tmp_path / "own.md.j2"
    own.write_text("# {{ title }}\n{{ cycler.__init__.__globals__.os }}\n", encoding="utf-8")
    target = tmp_path / "minutes.md"
    for public in ([], ["--public"]):
        code = export(tmp_path, meeting_id, "--template", str(own), "-o", str(target), *public)
        assert code == 2
        assert not target.exists()
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "own.md.j2: line 2:" in err


def test_bad_coach_rules_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting_id = imported(tmp_path, capsys, CLEAN)
    rules = tmp_path / "rules.json"
    rules.write_text("{broken", encoding="utf-8")
    monkeypatch.setenv("PMTUI_COACH_RULES", str(rules))
    assert export(tmp_path, meeting_id, "--public") == 2
    assert "cannot be read as JSON" in capsys.readouterr().err
