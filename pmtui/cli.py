"""The `pmtui` command: parses arguments and hands the work to the application layer
(pmtui.service) or the UI.

Heavy modules (Rich, Textual) are imported inside the commands that need them, so that
`pmtui --version` and scripted commands start fast.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pmtui import __version__
from pmtui.core import sessionfile
from pmtui.service.errors import ArchiveError
from pmtui.service.files import write_text_atomic
from pmtui.service.settings import Settings

if TYPE_CHECKING:
    from pmtui.service.archive import Archive
    from pmtui.ui.app import Start

EXIT_USAGE = 2


class CliError(Exception):
    """An error a user can cause: printed as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pmtui",
        description="Run a blameless incident postmortem meeting from the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"pmtui {__version__}")
    parser.add_argument(
        "--data",
        metavar="DIR",
        help="folder holding the meetings (default: $PMTUI_DATA, else the user data folder)",
    )
    parser.add_argument(
        "--high-contrast", action="store_true", help="start with the high-contrast theme"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = commands.add_parser("new", help="start a new postmortem meeting")
    p.add_argument("--title", help="the incident's title (can be set in the set-up too)")
    p.add_argument("--minutes", type=int, default=30, help="meeting length in minutes (default 30)")
    p.add_argument("--zone", default="", help="time zone times are typed in (e.g. Europe/London)")
    p.add_argument("--facilitator", default="", help="who runs the meeting")
    p.add_argument("--severity", default="", help="the incident's severity (e.g. SEV-2)")
    p.add_argument("--incident", default="", help="the incident's id (e.g. INC-1234)")

    p = commands.add_parser("open", help="open a meeting to run or continue it")
    p.add_argument("id", help="meeting id (a unique prefix is enough)")

    commands.add_parser(
        "demo", help="open a sample meeting in a throw-away archive (your meetings are untouched)"
    )

    p = commands.add_parser("import", help="import a session file; prints the new meeting's id")
    p.add_argument("file", help="a session file (JSON, format version 1)")

    p = commands.add_parser("list", help="list the meetings in the archive")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p = commands.add_parser("show", help="print a meeting's record in the terminal")
    p.add_argument("id", help="meeting id (a unique prefix is enough)")

    p = commands.add_parser("export", help="export a meeting")
    p.add_argument("id", help="meeting id (a unique prefix is enough)")
    p.add_argument(
        "--format",
        choices=["markdown", "json", "csv"],
        default="markdown",
        help="markdown minutes (default), the session as json, or the action items as csv",
    )
    p.add_argument(
        "--public",
        action="store_true",
        help="customer-facing minutes: no names, no ticket ids, no internal-only sections",
    )
    p.add_argument(
        "--template",
        default="minutes",
        metavar="NAME|FILE",
        help="Markdown template: a built-in name (see `pmtui templates`) or a .md.j2 file",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")

    commands.add_parser("templates", help="list the built-in Markdown templates")

    p = commands.add_parser(
        "check", help="flag blame-prone wording; exits 1 when there is any (for CI gates)"
    )
    p.add_argument("id", help="meeting id (a unique prefix is enough)")
    p.add_argument(
        "--rules",
        metavar="FILE",
        help="your own rules (same shape as pmtui/data/coach_rules.json), added to the built-in",
    )

    p = commands.add_parser("delete", help="delete a meeting")
    p.add_argument("id", help="meeting id (a unique prefix is enough)")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    return parser


def settings(args: argparse.Namespace) -> Settings:
    return Settings.load(data=args.data, rules=getattr(args, "rules", None))


def open_archive(args: argparse.Namespace) -> Archive:
    from pmtui.service.archive import Archive

    return Archive(settings(args))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = COMMANDS[args.command or "home"]
    try:
        return handler(args)
    except (CliError, sessionfile.SessionFileError, ArchiveError) as error:
        print(f"pmtui: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"pmtui: {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_USAGE


def cmd_import(args: argparse.Namespace) -> int:
    pm = open_archive(args).import_file(args.file)
    print(pm.id)
    return 0


def _report_problems(archive: Archive) -> None:
    for problem in archive.problems():
        print(f"pmtui: warning: {problem}", file=sys.stderr)


def cmd_list(args: argparse.Namespace) -> int:
    archive = open_archive(args)
    rows = archive.list()
    _report_problems(archive)
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    from pmtui.show import meetings_table, print_renderable

    print_renderable(meetings_table(rows), wrap=False)
    return 0


def _load(args: argparse.Namespace) -> sessionfile.Postmortem:
    archive = open_archive(args)
    return archive.load(archive.resolve(args.id))


def cmd_show(args: argparse.Namespace) -> int:
    pm = _load(args)
    from pmtui.show import print_renderable, record_view

    print_renderable(record_view(pm))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    pm = _load(args)
    if args.public and args.format != "markdown":
        raise CliError("--public applies to Markdown minutes only")
    if args.format == "json":
        text = sessionfile.dumps(sessionfile.to_document(pm))
    elif args.format == "csv":
        from pmtui.export import render_csv

        text = render_csv(pm)
    else:
        from pmtui.export import ExportError, render_markdown

        try:
            text = render_markdown(pm, args.template, public=args.public)
        except ExportError as error:
            raise CliError(str(error)) from None
    write_output(text, args.output)
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    from pmtui.export import list_templates

    for name, description in list_templates():
        print(f"{name:12} {description}")
    return 0


def write_output(text: str, output: str | None) -> None:
    """Write to stdout, or to a file replaced whole (never half-written)."""
    if output in (None, "-"):
        sys.stdout.write(text)
        return
    target = Path(output).expanduser()
    try:
        write_text_atomic(target, text)
    except OSError as error:
        raise CliError(f"cannot write {output}: {error.strerror or error}") from None
    print(f"wrote {target}", file=sys.stderr)


def cmd_delete(args: argparse.Namespace) -> int:
    archive = open_archive(args)
    meeting_id = archive.resolve(args.id)
    title = archive.record(meeting_id).get("title", "")
    if not args.yes:
        if not sys.stdin.isatty():
            raise CliError("delete needs --yes when not run from a terminal")
        answer = input(f"Delete meeting {title!r} ({meeting_id[:8]})? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing deleted.")
            return 1
    archive.delete(meeting_id)
    print(f"Deleted {meeting_id[:8]} {title}")
    return 0


def run_tui(args: argparse.Namespace, archive: Archive, start: Start | None = None) -> int:
    from pmtui.ui.app import make_app

    keymap, problem = archive.settings.keymap()
    if problem:
        print(f"pmtui: warning: {problem}", file=sys.stderr)
    rules, problem = archive.settings.coach_rules()
    if problem:
        print(f"pmtui: warning: {problem}", file=sys.stderr)
    app = make_app(
        archive,
        start=start,
        high_contrast=args.high_contrast,
        keymap=keymap,
        coach_rules=rules,
    )
    # What is loaded by now (modules, classes, the app) lives as long as the process.
    # Frozen, the garbage collector stops walking it: without this a full collection
    # of some 60,000 start-up objects lands just before the first frame, and later
    # ones would pause the meeting screen while someone types.
    gc.freeze()
    app.run()
    return app.return_code or 0


def cmd_home(args: argparse.Namespace) -> int:
    return run_tui(args, open_archive(args))


def cmd_new(args: argparse.Namespace) -> int:
    from pmtui.core.agenda import scaled
    from pmtui.ui.app import Start

    try:
        scaled(args.minutes)
    except ValueError as error:
        raise CliError(str(error)) from None
    from pmtui.core.clock import SystemClock

    if args.title is not None and not args.title.strip():
        raise CliError("--title cannot be empty (leave it out to set the title in the set-up)")
    title = args.title.strip() if args.title else "Untitled postmortem"
    archive = open_archive(args)
    # Created before the screen opens, so a full disk or a read-only folder (or an
    # unknown zone) is one line here rather than a notice on a screen.
    meeting_id = archive.create(
        title,
        args.minutes,
        SystemClock(),
        zone=args.zone,
        facilitator=args.facilitator,
        severity=args.severity,
        incident=args.incident,
    )
    return run_tui(args, archive, Start(meeting_id=meeting_id))


def cmd_open(args: argparse.Namespace) -> int:
    from pmtui.ui.app import Start

    archive = open_archive(args)
    meeting_id = archive.resolve(args.id)
    archive.load(meeting_id)  # a damaged record is a message here, before the screen
    return run_tui(args, archive, Start(meeting_id=meeting_id))


def cmd_demo(args: argparse.Namespace) -> int:
    """A sample meeting in a temporary archive, removed afterwards."""
    from pmtui.service.archive import demo_archive
    from pmtui.ui.app import Start

    with demo_archive(settings(args)) as (archive, meeting_id):
        return run_tui(args, archive, Start(meeting_id=meeting_id))


def cmd_check(args: argparse.Namespace) -> int:
    from pmtui.core import coach

    pm = _load(args)
    try:
        rules, _ = settings(args).coach_rules(strict=True)
    except coach.RulesError as error:
        raise CliError(str(error)) from None
    findings = coach.check(pm, rules)
    for finding in findings:
        print(finding.describe())
    if not findings:
        print(f"No blame-prone wording found in {pm.title!r}.")
        return 0
    print(
        f"{len(findings)} finding(s) in {pm.title!r}: the record should speak of systems "
        "and conditions, not of people's faults."
    )
    return 1


COMMANDS = {
    "home": cmd_home,
    "new": cmd_new,
    "open": cmd_open,
    "demo": cmd_demo,
    "import": cmd_import,
    "list": cmd_list,
    "show": cmd_show,
    "export": cmd_export,
    "delete": cmd_delete,
    "templates": cmd_templates,
    "check": cmd_check,
}
