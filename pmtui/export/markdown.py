"""Markdown minutes from Jinja2 templates: the built-in ones in the top-level `templates/`
folder, or a user's own `.md.j2` file.

Every piece of user text reaches a template through one of three filters that make it
inert Markdown (`pmtui.export.filters`). Jinja2 is imported only when rendering, so it
costs nothing when pmtui starts.
"""

from __future__ import annotations

import re
import traceback
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from pmtui.core import timeutil
from pmtui.core.models import Postmortem
from pmtui.export.context import build
from pmtui.export.filters import md_block, md_cell, md_inline, show_bidi
from pmtui.export.public import public_copy

if TYPE_CHECKING:
    from jinja2 import Environment

BUILT_IN = {
    "minutes": "The meeting's minutes: who, agenda, timeline, lessons, Five Whys, actions",
    "google": "Google SRE book example: Summary, Impact, Root Causes ... Timeline",
    "atlassian": "Atlassian incident postmortem: Leadup, Fault ... Corrective actions",
    "pagerduty": "PagerDuty postmortem: Overview ... Responders, Messaging",
    "statuspage": "For Statuspage's postmortem field (use with --public): impact, cause, fixes",
}
DEFAULT = "minutes"
SUFFIX = ".md.j2"


class ExportError(ValueError):
    """A template that cannot be found, read or rendered; the message is one line."""


def list_templates() -> list[tuple[str, str]]:
    """The built-in templates as (name, one-line description), the default first."""
    return list(BUILT_IN.items())


_environments: dict[Path | None, Environment] = {}


def _environment(own_folder: Path | None) -> Environment:
    """One cached sandbox for the built-ins, and one per folder of users' templates.

    A user's template reaches the built-in macros as `{% import "pmtui/_macros.md.j2" as m %}`.
    """
    if own_folder not in _environments:
        from pmtui.export.sandbox import TemplateLoader, TemplateSandbox
        from pmtui.resources import resource_dir

        env = TemplateSandbox(TemplateLoader(resource_dir("templates"), own_folder))
        env.filters.update(
            md_inline=md_inline,
            md_cell=md_cell,
            md_block=md_block,
            duration=timeutil.human_duration,
            clock=timeutil.clock_face,
        )
        _environments[own_folder] = env
    return _environments[own_folder]


def _resolve(template: str | PathLike[str]) -> tuple[Path | None, str, str]:
    """(folder of a user's template or None, name to load, name to show in errors)."""
    if isinstance(template, str) and template in BUILT_IN:
        return None, template + SUFFIX, template + SUFFIX
    path = Path(template).expanduser()
    if not path.is_file():
        names = ", ".join(BUILT_IN)
        raise ExportError(f"{path}: no such template (built-in: {names}; or a {SUFFIX} file)")
    real = path.resolve()  # a link: the folder of the file it leads to
    return real.parent, real.name, str(path)


def _line_in(error: BaseException, filename: str) -> int | None:
    """The line of the template `filename` a rendering error happened on, if known."""
    line = None
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        if frame.f_code.co_filename == filename:
            line = lineno
    return line


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def render_markdown(
    pm: Postmortem,
    template: str | PathLike[str] = DEFAULT,
    *,
    public: bool = False,
    now: datetime | None = None,
) -> str:
    """The minutes as Markdown, from a built-in template's name or a `.md.j2` file.

    `public` writes the customer-facing version: no one's name, no ticket ids, no
    internal-only sections. `now` is the time stamped in the footer (default: now).
    Raises ExportError (one line, naming the file) for a missing or broken template.
    """
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError

    folder, name, shown = _resolve(template)
    env = _environment(folder)
    try:
        loaded = env.get_template(name)
    except TemplateSyntaxError as error:
        where = error.filename or shown
        raise ExportError(
            f"{where}: line {error.lineno}: {_one_line(error.message or '')}"
        ) from None
    except TemplateNotFound as error:
        raise ExportError(f"{shown}: template not found: {error.name}") from None
    except (TemplateError, OSError, UnicodeDecodeError) as error:
        raise ExportError(f"{shown}: cannot be read: {_one_line(str(error))}") from None
    context = build(public_copy(pm) if public else pm, now or datetime.now(UTC), public=public)
    try:
        text = loaded.render(context)
    except Exception as error:
        if folder is None and not isinstance(error, TemplateError):
            raise  # a bug in a built-in template: let it show whole
        filename = loaded.filename or shown
        line = _line_in(error, filename)
        at = f": line {line}" if line else ""
        kind = "" if isinstance(error, TemplateError) else f"{type(error).__name__}: "
        message = _one_line(str(error))
        if isinstance(error, TemplateSyntaxError) and error.filename != filename:
            inner = Path(error.filename or error.name or "?").name  # an included template's
            message = f"{inner}: line {error.lineno}: {_one_line(error.message or '')}"
        raise ExportError(f"{shown}{at}: {kind}{message}") from None
    return tidy(show_bidi(text))


def tidy(text: str) -> str:
    """No blank line at the start, at most one blank line in a row, one newline at the end."""
    text = re.sub(r"(?m)^[ \t]+$", "", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"
