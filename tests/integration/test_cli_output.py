"""What the CLI prints of user text carries no character a terminal would obey.

Import now refuses control characters, but a meeting may hold them from before, or
from another way in; these meetings are written to the store directly.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from pmtui.cli import main
from pmtui.core import sessionfile as sf
from pmtui.core.models import Note
from pmtui.service.files import read_session_file
from pmtui.store.store import Store
from tests.conftest import SAMPLES

GITLAB = next(p for p in SAMPLES if p.name.startswith("gitlab"))
EVIL = "a\x1b[2Jb\x1b]0;pwned\x07c\x9b31md\x9d0;x\x9ce\u202eevil\u2066f\u2028g\x7f"
# ESC, BEL, DEL, the C1 block, bidi embeddings/overrides/isolates, line separators.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def stored(data: Path, **fields: str) -> str:
    pm = read_session_file(GITLAB)
    for name, value in fields.items():
        setattr(pm, name, value)
    pm.went_wrong.append(Note(f"line one {EVIL}\nline two"))
    pm.timeline[0] = replace(pm.timeline[0], text=f"event {EVIL}")
    pm.action_items[0].title = f"item {EVIL}"
    pm.action_items[0].owner = "[link=https://example.com]owner[/link]"
    return Store(data, summarize=sf.summarize).create(sf.to_record(pm))


def assert_safe(text: str) -> None:
    assert UNSAFE.search(text) is None, repr(UNSAFE.search(text))


def test_list_show_and_check_escape_controls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meeting_id = stored(tmp_path, title=f"title {EVIL}", owner=EVIL, severity=EVIL)
    for args in (["list"], ["show", meeting_id], ["check", meeting_id]):
        assert main(["--data", str(tmp_path), *args]) in (0, 1)
        out, err = capsys.readouterr()
        assert_safe(out + err)
        assert "\\x1b[2J" in out and "\\x07" in out
    assert main(["--data", str(tmp_path), "show", meeting_id]) == 0
    out = capsys.readouterr().out
    assert "\\u202e" in out and "\\x9b" in out
    assert "line one" in out and "\nline two" in out  # a multi-line field keeps its lines


def test_list_json_is_json_with_every_unsafe_character_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stored(tmp_path, title=f"title {EVIL}")
    assert main(["--data", str(tmp_path), "list", "--json"]) == 0
    out = capsys.readouterr().out
    assert_safe(out)
    assert json.loads(out)[0]["title"] == f"title {EVIL}"


def test_export_json_escapes_them_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    meeting_id = stored(tmp_path, title=f"title {EVIL}")
    assert main(["--data", str(tmp_path), "export", meeting_id, "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert_safe(out)
    assert json.loads(out)["title"] == f"title {EVIL}"


def test_show_prints_markup_in_user_text_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # as on a terminal: Rich writes its styles
    monkeypatch.delenv("NO_COLOR", raising=False)
    meeting_id = stored(tmp_path, title=f"title {EVIL}", owner="[link=https://x.test]o[/link]")
    assert main(["--data", str(tmp_path), "show", meeting_id]) == 0
    out = capsys.readouterr().out
    assert "\x1b]" not in out and "\x1b[2J" not in out and "\x07" not in out  # no OSC, no CSI J
    assert "[link=https://x.test]o[/link]" in out


def test_delete_prompt_and_confirmation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = stored(tmp_path, title=f"title {EVIL}")
    second = stored(tmp_path, title=f"other {EVIL}")
    prompts: list[str] = []

    def answer(prompt: str) -> str:
        prompts.append(prompt)
        return "y"

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", answer)
    assert main(["--data", str(tmp_path), "delete", first]) == 0
    assert main(["--data", str(tmp_path), "delete", second, "--yes"]) == 0
    out, err = capsys.readouterr()
    assert len(prompts) == 1 and "\\x1b" in prompts[0]
    assert_safe(prompts[0] + out + err)
    assert out.count("Deleted ") == 2 and "\\x1b]0;pwned\\x07" in out


def test_error_lines_escape_what_the_user_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "zone\x1b[2J.json"
    source.write_text(json.dumps({"pmtui": 1, "title": "x", "timezone": "Mars\u202e\x9b"}))
    assert main(["--data", str(tmp_path / "data"), "import", str(source)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert_safe(err)
    assert "zone\\x1b[2J.json" in err


def test_an_export_shows_bidi_controls_on_a_pipe_and_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    title = "עברית \u202eabc\u2069"  # bidi controls are accepted in a file
    source = tmp_path / "rtl.json"
    source.write_text(json.dumps({"pmtui": 1, "title": title}), encoding="utf-8")
    assert main(["--data", str(tmp_path), "import", str(source)]) == 0
    meeting_id = capsys.readouterr().out.strip()
    # Minutes never carry a bidi control: it is shown, so the text reads as it is.
    assert main(["--data", str(tmp_path), "export", meeting_id]) == 0
    piped = capsys.readouterr().out
    assert "עברית <U+202E>abc<U+2069>" in piped and "\u202e" not in piped
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert main(["--data", str(tmp_path), "export", meeting_id]) == 0
    out = capsys.readouterr().out
    assert_safe(out)
    assert "עברית <U+202E>abc<U+2069>" in out


def test_a_reader_that_stops_early_ends_the_command_quietly(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`pmtui list | head`: the pipe closes; no "Broken pipe" message, exit 141 as a shell's."""
    stored(data_dir)

    class ClosedPipe:
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("sys.stdout", ClosedPipe())
    assert main(["list"]) == 141
    assert capsys.readouterr().err == ""
