"""Session files that once ended in a traceback, or were taken when they should not be."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pmtui.core import controls, jsondoc, timeparse, timeutil
from pmtui.core import sessionfile as sf
from pmtui.service.files import read_session_file
from tests.conftest import SAMPLES

GITLAB = next(p for p in SAMPLES if p.name.startswith("gitlab"))


def doc(**fields: Any) -> dict[str, Any]:
    return {"pmtui": 1, "title": "Checkout errors"} | fields


def read(tmp_path: Path, raw: bytes) -> sf.Postmortem:
    source = tmp_path / "in.json"
    source.write_bytes(raw)
    return read_session_file(source)


def refused(tmp_path: Path, raw: bytes) -> str:
    with pytest.raises(sf.SessionFileError) as caught:
        read(tmp_path, raw)
    message = str(caught.value)
    assert message.startswith(str(tmp_path / "in.json") + ": ")
    assert "\n" not in message
    return message


def encoded(document: Any) -> bytes:
    return json.dumps(document).encode()


EXTREME_TIMES = [
    "0001-01-01T00:00+01:00",
    "0001-01-01T00:00",
    "0001-01-01T00:00Z",
    "9999-12-31T23:59-01:00",
    "9999-12-31T23:59",
    "1899-12-31T23:59Z",
    "3000-01-01T00:00Z",
    "2999-12-31T23:00-05:00",  # year 3000 in UTC
]


@pytest.mark.parametrize("at", EXTREME_TIMES)
@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Pacific/Kiritimati"])
def test_times_outside_the_years_a_postmortem_can_be_about(
    tmp_path: Path, at: str, zone: str
) -> None:
    cases = {
        "timeline[0].at": doc(timezone=zone, timeline=[{"at": at, "text": "t"}]),
        "meeting.held_at": doc(timezone=zone, meeting={"held_at": at}),
    }
    for path, document in cases.items():
        message = refused(tmp_path, encoded(document))
        assert f"{path}: {json.dumps(at)} is outside the years 1900 to 2999" in message


@pytest.mark.parametrize("due", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_due_dates_outside_those_years(tmp_path: Path, due: str) -> None:
    message = refused(tmp_path, encoded(doc(action_items=[{"title": "t", "due": due}])))
    assert "action_items[0].due: " in message and "outside the years" in message


def test_created_at_of_a_record_at_the_edge_of_the_calendar() -> None:
    record = sf.to_record(sf.from_document(doc()))
    record["created_at"] = "0001-01-01T00:00+01:00"
    with pytest.raises(sf.SessionFileError, match=r"created_at: .* outside the years"):
        sf.from_record(record, source="meeting x")


def test_the_edges_of_the_accepted_years_still_read(tmp_path: Path) -> None:
    pm = read(
        tmp_path,
        encoded(
            doc(
                timeline=[{"at": "1900-01-01T00:00Z", "text": "a"}],
                meeting={"held_at": "2999-12-31T23:59Z"},
            )
        ),
    )
    assert pm.timeline[0].at == datetime(1900, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            b'{"pmtui": ' + b"9" * 5000 + b', "title": "x"}',
            "pmtui: the number 99999999… (5000 digits)",
        ),
        (
            b'{"pmtui": 1, "title": "x", "went_right": [{"text": "a", "votes": -'
            + b"1" * 5000
            + b"}]}",
            "went_right[0].votes: the number",
        ),
        (
            b'{"pmtui": 1, "title": "x", "meeting": {"agenda": [{"stage": "a", '
            b'"spent_s": 9007199254740993}]}}',
            "meeting.agenda[0].spent_s: the number is too large",
        ),
        (b'{"pmtui": NaN, "title": "x"}', "pmtui: NaN is not a JSON value"),
        (b'{"pmtui": Infinity, "title": "x"}', "pmtui: Infinity is not a JSON value"),
        (
            b'{"pmtui": 1, "title": "x", "meeting": {"agenda": [{"stage": "a", '
            b'"planned_s": -Infinity}]}}',
            "meeting.agenda[0].planned_s: -Infinity is not a JSON value",
        ),
        (
            b'{"pmtui": 1, "title": "x", "went_right": [{"text": "a", "votes": 1e999}]}',
            "went_right[0].votes: the number 1e999 is too large",
        ),
        (b'{"pmtui": 1, "title": "x", "metrics": {"m": NaN}}', "metrics.m: NaN"),
        (b'{"pmtui": 1, "title": "\\ud800"}', "title: holds a lone surrogate U+D800"),
        (
            b'{"pmtui": 1, "title": "x", "timeline": [{"\\udc80": 1}]}',
            'timeline[0]["\\udc80"]: the key holds a lone surrogate',
        ),
        (
            b'{"pmtui": 1, "title": "x", "whys": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
            "is nested too deeply",
        ),
    ],
)
def test_what_json_loads_takes_but_a_session_file_may_not_hold(
    tmp_path: Path, raw: bytes, expected: str
) -> None:
    assert expected in refused(tmp_path, raw)


@pytest.mark.parametrize("byte", range(0x80, 0x100))
def test_every_latin1_letter_is_refused(tmp_path: Path, byte: int) -> None:
    raw = b'{"pmtui": 1, "title": "caf' + bytes([byte]) + b' au lait"}'
    assert "is not UTF-8 text (byte 0x" in refused(tmp_path, raw)


def test_latin1_that_happens_to_be_utf8_is_at_worst_a_c1_control(tmp_path: Path) -> None:
    # Two Latin-1 letters can spell one UTF-8 character ("Ã©" is "é"): that text reads,
    # as it would in any UTF-8 reader, but one that spells a C1 control is refused.
    assert read(tmp_path, '{"pmtui": 1, "title": "Ã©"}'.encode("latin-1")).title == "é"
    assert "U+0085" in refused(tmp_path, '{"pmtui": 1, "title": "Â\x85"}'.encode("latin-1"))


def test_a_bom_is_fine_and_a_utf16_file_is_not(tmp_path: Path) -> None:
    text = GITLAB.read_text(encoding="utf-8")
    assert read(tmp_path, b"\xef\xbb\xbf" + text.encode()).title
    assert "is not UTF-8 text" in refused(tmp_path, text.encode("utf-16"))


@pytest.mark.parametrize("code", [*range(0x20), 0x7F, *range(0x80, 0xA0)])
def test_control_characters_are_refused_except_tab_and_line_ends(tmp_path: Path, code: int) -> None:
    raw = encoded(doc(title=f"a{chr(code)}b"))
    if chr(code) in "\t\n\r":
        assert read(tmp_path, raw).title == f"a{chr(code)}b"
    else:
        assert f"title: holds a control character U+{code:04X}" in refused(tmp_path, raw)


@pytest.mark.parametrize(
    "char", [*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))]
)
def test_bidi_controls_are_read_and_escaped_on_display(tmp_path: Path, char: str) -> None:
    title = f"עברית {char}abc"
    assert read(tmp_path, encoded(doc(title=title))).title == title
    assert char not in controls.for_terminal(title)


@pytest.mark.parametrize(
    "name",
    [
        "America",
        "Etc",
        "America/",
        "America/Argentina",
        "../../../etc/passwd",
        "Europe/../Europe/Berlin",
        "/etc/localtime",
        "/usr/share/zoneinfo/Europe/Berlin",
        "Europe/Ber\x00lin",
        "a" * 10_000,
        "Europe/" + "a" * 300,
        "",
        " ",
        "__init__.py",
        "__init__",
        "zone.tab",
        "tzdata.zi",
        "Europe\\Berlin",
        "\ud800",
    ],
)
def test_a_name_that_is_not_a_zone_is_a_clean_time_error(name: str) -> None:
    with pytest.raises(timeutil.TimeError) as caught:
        timeutil.zone(name)
    message = str(caught.value)
    assert message.startswith(timeutil.quoted(name)) and "\x00" not in message
    rest = message.removeprefix(timeutil.quoted(name))
    assert "site-packages" not in rest and "zoneinfo/" not in rest and "/" + "usr" not in rest


def test_a_region_says_so() -> None:
    with pytest.raises(timeutil.TimeError, match=r'"America" is a region, not a time zone'):
        timeutil.zone("America")


@pytest.mark.parametrize(
    ("typed", "key"),
    [("europe/london", "Europe/London"), ("AMERICA/NEW_YORK", "America/New_York"), ("utc", "UTC")],
)
def test_zone_names_in_any_letter_case(tmp_path: Path, typed: str, key: str) -> None:
    assert timeutil.zone(typed).key == key
    assert read(tmp_path, encoded(doc(timezone=typed))).timezone == key


def test_an_import_with_a_folder_as_its_zone_prints_no_path(tmp_path: Path) -> None:
    message = refused(tmp_path, encoded(doc(timezone="America")))
    assert message.endswith('timezone: "America" is a region, not a time zone (e.g. America/Adak)')


@pytest.mark.parametrize(
    ("typed", "zone", "problem"),
    [
        ("+99999999999999h", "UTC", "too far after the previous event"),
        ("+" + "9" * 5000 + "m", "UTC", "too far after the previous event"),
        ("+9000000h", "UTC", "is outside the years"),
        ("9999-12-31 23:59", "America/New_York", "is outside the years"),
        ("0001-01-01 00:00", "Europe/Berlin", "is outside the years"),
        ("0001-01-01 00:00+01:00", "UTC", "is outside the years"),
        ("2026-03-29 02:30", "Europe/Berlin", "does not exist"),
        ("2026-11-01 01:30", "America/New_York", "happens twice"),
        ("2026-02-30 10:00", "UTC", "is not a date"),
        ("2026-02-01 25:00", "UTC", "is not a time"),
    ],
)
def test_typed_times_at_the_edges_are_time_errors(typed: str, zone: str, problem: str) -> None:
    previous = datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(timeutil.TimeError, match=problem):
        timeparse.parse_event_time(typed, tz=zone, previous=previous, now=previous)


def test_escapes_for_the_terminal() -> None:
    evil = "a\x1b[2J\x1b]0;pwned\x07b\x9b31m\u202e\u2066\u2028\ud800\tc\r\nd"
    line = controls.for_terminal(evil)
    assert line == ("a\\x1b[2J\\x1b]0;pwned\\x07b\\x9b31m\\u202e\\u2066\\u2028\\ud800\\tc\\r\\nd")
    assert controls.for_terminal(evil, multiline=True).endswith("\\ud800\tc\nd")
    as_json = controls.json_for_terminal({"t": evil})
    assert as_json.isascii() or not any(0x7F <= ord(c) <= 0x9F for c in as_json)
    assert "\x1b" not in as_json and "\u202e" not in as_json and "\ud800" not in as_json
    assert json.loads(as_json) == {"t": evil}
    assert json.loads(controls.json_for_terminal("é")) == "é"  # ordinary text stays as is
    # DEL is ASCII, and json.dumps leaves it as it is: escaped all the same.
    assert controls.json_for_terminal("a\x7fb") == '"a\\u007fb"'
    assert controls.first_file_control("plain\x7f") == "control character U+007F"
    assert controls.first_file_control("tab\tand\nnewline") is None


def test_problems_walks_any_depth_and_keys() -> None:
    deep: Any = "\x07"
    for _ in range(5000):
        deep = [deep]
    found = jsondoc.problems({"a b": deep, "n": float("nan"), "big": 10**5000})
    paths = [path for path, _ in found]
    assert paths[0] == '["a b"]' + "[0]" * 5000
    assert paths[1:] == ["n", "big"]


def test_every_sample_still_reads(tmp_path: Path) -> None:
    for sample in SAMPLES:
        assert read_session_file(sample).title


def test_a_device_without_a_size_is_read_only_up_to_the_limit() -> None:
    zero = Path("/dev/zero")
    if not zero.exists():
        pytest.skip("no /dev/zero here")
    with pytest.raises(sf.SessionFileError, match=r"/dev/zero: is larger than 10 MB"):
        read_session_file(zero)


def test_a_zone_typed_in_the_meeting_is_kept_as_the_database_spells_it() -> None:
    from pmtui.core.clock import FakeClock
    from pmtui.core.live import EditError, LiveMeeting

    live = LiveMeeting.new("Checkout errors", 30, FakeClock(1_800_000_000))
    assert live.set_field("timezone", "europe/london")
    assert live.pm.timezone == "Europe/London"
    assert not live.set_field("timezone", "EUROPE/LONDON")
    for name in ("America", "Etc", "../UTC", "Europe/Ber\x00lin"):
        with pytest.raises(EditError) as caught:
            live.set_field("timezone", name)
        assert "site-packages" not in str(caught.value)
