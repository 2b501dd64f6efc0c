"""Markers, their warnings and the metrics, in human form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from pmtui.core import sessionfile, timeutil
from pmtui.core.models import EventKind, Postmortem, TimelineEvent
from pmtui.core.timeline import date_changes, impact_duration_s, marker_warnings, metric_lines

T0 = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)


def record(*events: tuple[int, EventKind]) -> Postmortem:
    return Postmortem(
        title="x",
        timeline=[TimelineEvent(T0 + timedelta(minutes=m), f"at {m}", k) for m, k in events],
    )


def test_full_markers_give_metrics_in_human_form() -> None:
    pm = record(
        (0, EventKind.START),
        (3, EventKind.DETECTION),
        (47, EventKind.MITIGATION),
        (257, EventKind.RESOLUTION),
    )
    assert marker_warnings(pm) == []
    assert metric_lines(pm) == [
        ("Time to detect", "3 min"),
        ("Time to mitigate", "47 min"),
        ("Time to resolve", "4 h 17 min"),
        ("Impact duration", "4 h 17 min"),
    ]
    assert impact_duration_s(pm) == 257 * 60


def test_missing_markers_warn_and_show_na() -> None:
    pm = record((0, EventKind.START), (10, EventKind.EVENT))
    assert marker_warnings(pm) == [
        "No detection, mitigation, resolution markers: the metrics that need them show n/a"
    ]
    assert dict(metric_lines(pm))["Time to detect"] == "n/a"
    assert dict(metric_lines(pm))["Impact duration"] == "n/a"
    assert marker_warnings(record()) == []  # an empty timeline says nothing yet


def test_out_of_order_markers_warn_but_still_compute() -> None:
    pm = record(
        (10, EventKind.START),
        (5, EventKind.DETECTION),
        (20, EventKind.RESOLUTION),
        (30, EventKind.MITIGATION),
        (40, EventKind.START),
    )
    warnings = marker_warnings(pm)
    assert "The detection marker is before the start marker" in warnings
    assert "The resolution marker is before the mitigation marker" in warnings
    assert "2 start markers: metrics count from the first" in warnings
    assert dict(metric_lines(pm))["Time to detect"] == "-5 min"


def test_events_crossing_midnight_and_date_changes() -> None:
    pm = record((0, EventKind.START), (90, EventKind.DETECTION), (150, EventKind.RESOLUTION))
    events = pm.sorted_timeline()
    assert date_changes(events, timeutil.zone("UTC")) == [True, False, True]
    # In Tokyo (UTC+9) all three fall on the 21st, but the UTC date still changes.
    assert date_changes(events, timeutil.zone("Asia/Tokyo")) == [True, False, True]
    assert dict(metric_lines(pm))["Time to resolve"] == "2 h 30 min"


def test_non_utc_session_round_trips_and_metrics_agree() -> None:
    pm = sessionfile.from_document(
        {
            "pmtui": 1,
            "title": "x",
            "timezone": "America/Los_Angeles",
            "timeline": [
                {"at": "2026-11-20T23:50:00", "text": "impact", "kind": "start"},
                {"at": "2026-11-21T00:05:00", "text": "alert", "kind": "detection"},
                {"at": "2026-11-21T08:15:00Z", "text": "fixed", "kind": "resolution"},
            ],
        }
    )
    assert [e.at.isoformat() for e in pm.sorted_timeline()] == [
        "2026-11-21T07:50:00+00:00",
        "2026-11-21T08:05:00+00:00",
        "2026-11-21T08:15:00+00:00",
    ]
    assert sessionfile.to_document(pm)["metrics"]["time_to_detect_s"] == 15 * 60
    assert dict(metric_lines(pm))["Time to resolve"] == "25 min"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=25), min_size=1, max_size=12),
    st.integers(min_value=1, max_value=30),
)
def test_wrapping_plain_text_breaks_where_the_word_by_word_wrap_does(
    words: list[str], width: int
) -> None:
    """`pmtui show` wraps ASCII text by searching for the last space that fits; it must
    give the lines the general, word-by-word wrap gives (which counts terminal cells)."""
    from pmtui.show import _wrap, _wrap_cells

    text = " ".join(words)
    assert _wrap(text, width) == _wrap_cells(text, width, len)
    assert all(len(line) <= width for line in _wrap(text, width))
