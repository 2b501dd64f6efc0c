"""Markdown minutes from Jinja2 templates in the top-level `templates/` folder.

Every piece of user text reaches a template through one of three filters that make it
inert Markdown: `md_inline` (a phrase), `md_cell` (a table cell) and `md_block` (a
paragraph). Jinja2 is imported only when rendering, so it costs nothing at start-up.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmtui.core import metrics, timeutil
from pmtui.core.models import EventKind, Postmortem, TimelineEvent

if TYPE_CHECKING:
    from jinja2 import Environment

BUILT_IN = {
    "minutes": "The meeting's minutes: agenda, timeline, lessons, Five Whys, actions",
    "google": "Google SRE example postmortem: Summary, Impact, Root Causes, ... Timeline",
    "atlassian": "Atlassian incident postmortem: Leadup, Fault, ... Corrective actions",
    "pagerduty": "PagerDuty postmortem: Overview, Contributing Factors, Responders, ...",
}

# Characters that mean something inline in CommonMark / GitHub Markdown.
_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]|~])")
# What would start a block at the beginning of a line: headings, lists, quotes, fences,
# thematic breaks, numbered lists, tables.
_BLOCK_START = re.compile(r"^(\s*)([-+*=]|\d+[.)]|>|#|`{3,}|~{3,}|\|)")


class ExportError(ValueError):
    """A template that cannot be found or rendered; the message is one line."""


def md_inline(value: object) -> str:
    """User text as one inert line of Markdown: newlines folded, specials escaped."""
    text = " ".join(str(value or "").split())
    text = html.escape(text, quote=False)  # raw HTML is shown, never passed through
    return _INLINE_SPECIALS.sub(r"\\\1", text)


def md_cell(value: object) -> str:
    """User text fit for a table cell: one line, pipes escaped (md_inline does both)."""
    return md_inline(value)


def md_block(value: object) -> str:
    """User paragraphs: kept apart, each line unable to start a heading, list or quote."""
    paragraphs = re.split(r"\n\s*\n", str(value or "").strip())
    out = []
    for paragraph in paragraphs:
        lines = [md_inline(line) for line in paragraph.splitlines() if line.strip()]
        lines = [_escape_start(line) for line in lines]
        out.append("  \n".join(lines))
    return "\n\n".join(p for p in out if p)


def _escape_start(text: str) -> str:
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


_cache: dict[Path, Environment] = {}


def _environment(folder: Path) -> Environment:
    if folder not in _cache:
        from jinja2 import Environment, FileSystemLoader, StrictUndefined

        env = Environment(
            loader=FileSystemLoader(str(folder)),
            autoescape=False,  # Markdown, not HTML: the md_* filters do the escaping
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            undefined=StrictUndefined,
        )
        env.filters["md_inline"] = lambda v: _escape_start(md_inline(v))
        env.filters["md_cell"] = md_cell
        env.filters["md_block"] = md_block
        env.filters["duration"] = timeutil.human_duration
        env.filters["clock"] = timeutil.clock_face
        _cache[folder] = env
    return _cache[folder]


def list_templates() -> list[tuple[str, str]]:
    return sorted(BUILT_IN.items())


def _resolve(template: str) -> tuple[Path, str]:
    if template in BUILT_IN:
        from pmtui.resources import resource_dir

        return resource_dir("templates"), f"{template}.md.j2"
    path = Path(template).expanduser()
    if not path.is_file():
        names = ", ".join(BUILT_IN)
        raise ExportError(f"{template}: no such template (built-in: {names}; or a .md.j2 file)")
    return path.resolve().parent, path.name


def context(pm: Postmortem, now: datetime, *, public: bool = False) -> dict[str, Any]:
    """What the templates see: the record, prepared (times formatted, metrics computed)."""
    if public:
        from pmtui.export.public import public_copy

        pm = public_copy(pm)
    tz = timeutil.zone(pm.timezone)
    local = not timeutil.is_utc(tz)
    events = []
    for event in pm.sorted_timeline():
        at_local = event.at.astimezone(tz)
        events.append(
            {
                "utc": f"{event.at.astimezone(UTC):%Y-%m-%d %H:%M}",
                "local": f"{at_local:%Y-%m-%d %H:%M} {at_local.tzname()}" if local else "",
                "kind": event.kind.value,
                "text": event.text,
            }
        )
    m = metrics.compute(pm)
    agenda = pm.meeting.agenda
    start = pm.first_marker(EventKind.START)
    detection = pm.first_marker(EventKind.DETECTION)
    mitigation = pm.first_marker(EventKind.MITIGATION)
    ordered = pm.sorted_timeline()

    def between(first: TimelineEvent | None, last: TimelineEvent | None) -> list[Any]:
        """Events after `first` (or from the beginning) and before `last` (or to the end)."""
        return [
            events[i]
            for i, e in enumerate(ordered)
            if (first is None or e.at > first.at) and (last is None or e.at < last.at)
        ]

    return {
        "pm": pm,
        "public": public,
        "incident_day": f"{start.at:%Y-%m-%d}"
        if start
        else (f"{ordered[0].at:%Y-%m-%d}" if ordered else ""),
        "leadup": between(None, start) if start else [],
        "response": between(detection, mitigation) if detection else [],
        "impact_s": m.time_to_resolve_s,
        "root_causes": [(c.problem, c.answers[-1]) for c in pm.whys if c.answers],
        "generated": f"{now.astimezone(UTC):%Y-%m-%d %H:%M} UTC",
        "held": f"{pm.meeting.held_at:%Y-%m-%d %H:%M} UTC" if pm.meeting.held_at else "",
        "events": events,
        "local_column": local,
        "metrics": [
            ("Time to detect", m.time_to_detect_s),
            ("Time to mitigate", m.time_to_mitigate_s),
            ("Time to resolve", m.time_to_resolve_s),
            ("Impact duration (start to resolution)", m.time_to_resolve_s),
        ],
        "agenda": agenda,
        "agenda_planned": sum(s.planned_s for s in agenda),
        "agenda_spent": sum(s.spent_s for s in agenda),
    }


def render_markdown(
    pm: Postmortem,
    template: str = "minutes",
    *,
    public: bool = False,
    now: datetime | None = None,
) -> str:
    """The minutes as Markdown, from a built-in template name or a `.md.j2` file.

    `public` writes the customer-facing version: no names, no ticket ids, no internal-only
    sections.
    """
    from jinja2 import TemplateError, TemplateSyntaxError

    folder, name = _resolve(template)
    try:
        loaded = _environment(folder).get_template(name)
        text = loaded.render(context(pm, now or datetime.now(UTC), public=public))
    except TemplateSyntaxError as error:
        raise ExportError(f"{template}: line {error.lineno}: {error.message}") from None
    except TemplateError as error:
        raise ExportError(f"{template}: {error}") from None
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.rstrip("\n") + "\n"
