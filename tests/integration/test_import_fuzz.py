"""Mutated sample sessions: `pmtui import` answers 0 or 2 and never raises.

Each of 200 examples takes a sample session, puts other values at one to three of its field
paths (other types, dates at the edge of the calendar or impossible, wall times in a
daylight-saving gap or fold, NaN and Infinity, huge numbers, deep nesting, control and
bidi characters, lone surrogates, names that are not zones) and writes it as UTF-8, with
a BOM, as Latin-1, with a stray byte or cut short. A refused file is one line naming it
and leaves the store empty; an accepted one is in the store, and `list` and `show` print
it without a character a terminal would obey.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pmtui.cli import main
from tests.conftest import SAMPLES

DOCS = [json.loads(path.read_text(encoding="utf-8")) for path in SAMPLES]
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class Raw:
    """JSON text put into the file as it is: what json.dumps will not write."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Raw({self.text[:40]!r}{'…' if len(self.text) > 40 else ''})"


def field_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += field_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += field_paths(item, (*prefix, i))
    return found


def replaced(doc: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    out = copy.copy(doc)
    out[path[0]] = replaced(doc[path[0]], path[1:], new) if path[1:] else new
    return out


TIMES = [
    "0001-01-01T00:00+01:00",
    "0001-01-01T00:00:00-14:00",
    "0001-01-01T00:00",
    "0001-01-01T00:00Z",
    "9999-12-31T23:59-01:00",
    "9999-12-31T23:59:59.999999+14:00",
    "9999-12-31T23:59",
    "1899-12-31T23:59:59Z",
    "1900-01-01T00:00+00:01",
    "2999-12-31T23:59-12:00",
    "2026-02-30T10:00Z",
    "2026-02-29T10:00Z",
    "2024-02-29T10:00Z",
    "2026-01-01T25:00Z",
    "2026-01-01T24:00Z",
    "2026-01-01T23:60Z",
    "2026-01-01T10:00+25:00",
    "2026-13-01T10:00Z",
    "0000-01-01T00:00Z",
    "10000-01-01T00:00Z",
    "2026-01-01",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "",
    "  ",
    "now",
]
# Wall times a daylight-saving change skips (gap) or repeats (fold), with their zone.
DST = [
    ("Europe/Berlin", "2026-03-29T02:30"),
    ("Europe/Berlin", "2026-10-25T02:30"),
    ("Europe/Berlin", "2026-10-25T02:30+01:00"),
    ("America/New_York", "2026-03-08T02:30"),
    ("America/New_York", "2026-11-01T01:30"),
    ("America/New_York", "2026-11-01T01:30-04:00"),
]
RAW = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1e999",
    "1e-400",
    "-0",
    "9007199254740993",
    "9" * 5000,
    "-" + "1" * 5000,
    "[" * 10_000 + "]" * 10_000,
    '{"a":' * 10_000 + "1" + "}" * 10_000,
    "[" * 400 + "]" * 400,
]
ZONES = [
    "America",
    "Etc",
    "Europe/",
    "../../etc/passwd",
    "/etc/localtime",
    "Europe/Ber\x00lin",
    "a" * 5000,
    "europe/london",
    "Europe/Berlin",
    "America/New_York",
    "__init__.py",
    "zone.tab",
]
ODD = [
    *map(chr, range(0x20)),
    "\x7f",
    "\x85",
    "\x9b",
    "\x9d",
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
    "\u2028",
    "\ufeff",
    "\ud800",
    "\udfff",
    "\ud83d\ude00",
    "\x1b[2J",
    "\x1b]0;pwned\x07",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
odd_text = st.builds(
    lambda before, odd, after: before + odd + after,
    st.text(max_size=4),
    st.sampled_from(ODD),
    st.text(max_size=4),
)
# For a field that holds text, half the time other text: more files get through import
# to the store, and to `list` and `show`.
texts = st.one_of(st.text(max_size=8), odd_text, st.sampled_from(TIMES), st.sampled_from(ZONES))
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.text(max_size=4), scalars, max_size=3),
    st.sampled_from(TIMES),
    st.sampled_from(ZONES),
    st.sampled_from(RAW).map(Raw),
    odd_text,
    st.dictionaries(st.sampled_from(ODD), scalars, min_size=1, max_size=1),
)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    doc = draw(st.sampled_from(DOCS))
    paths = field_paths(doc)
    done = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        if isinstance(doc, dict) and draw(st.integers(min_value=0, max_value=5)) == 0:
            zone, wall = draw(st.sampled_from(DST))
            timed = [p for p in field_paths(doc) if p and p[-1] in ("at", "held_at")]
            path = draw(st.sampled_from(timed)) if timed else ("meeting",)
            doc = replaced(replaced(doc, ("timezone",), zone), path, wall)
            done.append(f"{zone} {path}={wall}")
            continue
        path = draw(st.sampled_from(paths))
        current = doc
        for step in path:
            current = current[step]
        new = draw(texts if isinstance(current, str) and draw(st.booleans()) else values)
        doc = replaced(doc, path, new)
        paths = field_paths(doc)
        done.append(f"{path}={new!r:.60}")
    raws: list[str] = []

    def placeholder(value: Any) -> Any:
        if isinstance(value, Raw):
            raws.append(value.text)
            return f"@@raw{len(raws) - 1}@@"
        if isinstance(value, dict):
            return {k: placeholder(v) for k, v in value.items()}
        if isinstance(value, list):
            return [placeholder(v) for v in value]
        return value

    text = json.dumps(placeholder(doc), ensure_ascii=draw(st.booleans()), indent=1)
    for i, raw in enumerate(raws):
        text = text.replace(f'"@@raw{i}@@"', raw)
    # Mostly as written: a file broken at the byte level never reaches the fields.
    form = draw(st.sampled_from(["utf-8"] * 6 + ["bom", "latin-1", "stray byte", "cut"]))
    data = text.encode("utf-8", "surrogatepass")
    if form == "bom":
        data = b"\xef\xbb\xbf" + data
    elif form == "latin-1":
        data = text.encode("latin-1", "replace")
    elif form == "stray byte":
        at = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:at] + bytes([draw(st.integers(0x80, 0xFF))]) + data[at:]
    elif form == "cut":
        data = data[: draw(st.integers(min_value=0, max_value=len(data)))]
    done.append(form)
    return data, done


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@settings(
    max_examples=200,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated())
def test_import_answers_0_or_2_and_a_refusal_changes_nothing(
    case: tuple[bytes, list[str]],
) -> None:
    data, _ = case
    with tempfile.TemporaryDirectory(prefix="pmtui-fuzz-") as folder:
        source = Path(folder) / "session.json"
        source.write_bytes(data)
        archive = Path(folder) / "data"
        code, out, err = run("--data", str(archive), "import", str(source))
        assert code in (0, 2)
        event(f"exit {code}")  # --hypothesis-show-statistics shows the share of each
        stored = list(archive.rglob("*.json")) if archive.exists() else []
        if code == 2:
            assert out == "" and stored == []
            assert err.startswith(f"pmtui: {source}: ") and err.count("\n") == 1
            return
        meeting_id = out.strip()
        assert (archive / "meetings" / f"{meeting_id}.json").is_file()
        for args in (["list"], ["list", "--json"], ["show", meeting_id]):
            code, out, err = run("--data", str(archive), *args)
            assert code == 0, err
            assert UNSAFE.search(out + err) is None


def _sample_with(**fields: Any) -> bytes:
    return json.dumps(DOCS[0] | fields).encode()


# The reported ones, each through `pmtui import`: (file bytes, the field path named).
REPORTED = {
    "year 1 with an offset": (
        _sample_with(timeline=[{"at": "0001-01-01T00:00+01:00", "text": "t"}]),
        "timeline[0].at",
    ),
    "9999 with an offset": (
        _sample_with(meeting={"held_at": "9999-12-31T23:59-01:00"}),
        "meeting.held_at",
    ),
    "due in year 1": (
        _sample_with(action_items=[{"title": "t", "due": "0001-01-01"}]),
        "action_items[0].due",
    ),
    "5,000 digits": (b'{"pmtui": ' + b"1" * 5000 + b"}", "pmtui"),
    "lone surrogate": (_sample_with(title="\ud800"), "title"),
    "NaN version": (b'{"pmtui": NaN, "title": "x"}', "pmtui"),
    "NaN where import ignores it": (
        b'{"pmtui": 1, "title": "x", "metrics": {"time_to_detect_s": NaN}}',
        "metrics.time_to_detect_s",
    ),
    "Infinity seconds": (
        b'{"pmtui": 1, "title": "x", "meeting": {"agenda": [{"stage": "s", "spent_s": Infinity}]}}',
        "meeting.agenda[0].spent_s",
    ),
    "Latin-1": (
        json.dumps(DOCS[0] | {"title": "café"}, ensure_ascii=False).encode("latin-1"),
        "UTF-8",
    ),
    "zone America": (_sample_with(timezone="America"), "timezone"),
    "zone Etc": (_sample_with(timezone="Etc"), "timezone"),
    "escape in the title": (_sample_with(title="\x1b[2J\x1b]0;pwned\x07"), "title"),
    "10,000 levels": (
        b'{"pmtui": 1, "title": "x", "whys": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
        "nested",
    ),
}


@pytest.mark.parametrize("name", sorted(REPORTED))
def test_each_reported_file_is_one_line_and_exit_2(name: str, tmp_path: Path) -> None:
    data, named = REPORTED[name]
    source = tmp_path / "session.json"
    source.write_bytes(data)
    code, out, err = run("--data", str(tmp_path / "data"), "import", str(source))
    assert (code, out) == (2, "")
    assert err.startswith(f"pmtui: {source}: ") and err.count("\n") == 1 and named in err
    assert "site-packages" not in err and UNSAFE.search(err) is None
    assert not list((tmp_path / "data").rglob("*.json"))  # the archive may exist, empty


def test_a_bom_is_fine(tmp_path: Path) -> None:
    source = tmp_path / "session.json"
    source.write_bytes(b"\xef\xbb\xbf" + _sample_with())
    code, _, _ = run("--data", str(tmp_path / "data"), "import", str(source))
    assert code == 0 and len(list((tmp_path / "data" / "meetings").glob("*.json"))) == 1
