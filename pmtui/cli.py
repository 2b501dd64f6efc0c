"""The `pmtui` command: parses arguments and hands the work to the application layer
(pmtui.service) or the UI.

Heavy modules (Rich, Textual) are imported inside the commands that need them, so that
`pmtui --version` and scripted commands start fast.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmtui import __version__
from pmtui.core import sessionfile
from pmtui.core.controls import for_terminal, json_for_terminal
from pmtui.service.errors import ArchiveError
from pmtui.service.files import write_text_atomic
from pmtui.service.settings import Settings

if TYPE_CHECKING:
    from rich.progress import TaskID

    from pmtui.service.archive import Archive
    from pmtui.ui.app import Start

EXIT_USAGE = 2


class CliError(Exception):
    """An error a user can cause: printed as one line, exit status 2."""


# Built once per process and command: parsing leaves a parser as it was, and building the
# whole one costs 20-50 ms (the test suite calls `main` about a thousand times).
@functools.cache
def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line. `only`: build that command alone, which is all `main` needs to
    parse a line naming it (help and errors about the command name need them all)."""
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
    commands: Any = parser.add_subparsers(dest="command", metavar="COMMAND")
    if only is not None:
        commands = _OnlyOne(commands, only)

    p = commands.add_parser("new", help="start a new postmortem meeting")
    p.add_argument("--title", help="the incident's title (can be set in the set-up too)")
    p.add_argument("--minutes", type=int, default=30, help="meeting length in minutes (default 30)")
    p.add_argument("--zone", default="", help="time zone times are typed in (e.g. Europe/London)")
    p.add_argument("--facilitator", default="", help="who runs the meeting")
    p.add_argument("--severity", default="", help="the incident's severity (e.g. SEV-2)")
    p.add_argument("--incident", default="", help="the incident's id (e.g. INC-1234)")

    p = commands.add_parser("open", help="open a meeting to run or continue it")
    p.add_argument("id", help="meeting id (a unique prefix is enough)")

    p = commands.add_parser(
        "follow", help="follow a meeting someone else runs: live, read-only, in this terminal"
    )
    p.add_argument("id", help="meeting id (a unique prefix is enough)")
    p.add_argument(
        "--presenter", action="store_true", help="start on the presenter screen (for a room)"
    )

    p = commands.add_parser(
        "serve", help="publish a meeting's follow view to web browsers (needs textual-serve)"
    )
    p.add_argument("id", help="meeting id (a unique prefix is enough)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--presenter", action="store_true", help="browsers open on the presenter screen")

    p.add_argument(
        "--join",
        action="store_true",
        help="browsers join as participants (each tab asks a name and the join code)",
    )

    p = commands.add_parser(
        "join", help="join a meeting as a participant: write notes and vote from this terminal"
    )
    p.add_argument("id", help="meeting id (a unique prefix is enough)")
    p.add_argument("--as", dest="name", metavar="NAME", help="your name (asked when not given)")
    p.add_argument(
        "--code", help="the join code the facilitator's screen shows (asked when not given)"
    )

    commands.add_parser(
        "demo", help="open a sample meeting in a throw-away archive (your meetings are untouched)"
    )

    p = commands.add_parser(
        "import",
        help="import a session file, or a Slack / PagerDuty / Statuspage export or a plain "
        "timeline; prints the meeting's id",
    )
    _import_arguments(p)

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
        "--force",
        action="store_true",
        help="with --public, which exits 1 without writing when the coach finds blame-prone "
        "wording in the public text: write all the same, with a warning",
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
    p.add_argument("id", nargs="?", help="meeting id (a unique prefix is enough)")
    p.add_argument(
        "--overdue",
        action="store_true",
        help="instead: exit 1 when any P0/P1 action item or any postmortem is past due",
    )
    p.add_argument(
        "--rules",
        metavar="FILE",
        help="your own rules (same shape as pmtui/data/coach_rules.json), added to the built-in",
    )

    p = commands.add_parser("delete", help="delete a meeting")
    p.add_argument("id", help="meeting id (a unique prefix is enough)")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = commands.add_parser(
        "sync", help="sync the archive with the team's git repository (commit, merge, push)"
    )
    sync = p.add_subparsers(dest="sync_command", metavar="ACTION")
    q = sync.add_parser("init", help="track a git remote: clone it, or push to it if empty")
    q.add_argument("remote", help="a git URL or a path to a (bare) repository")
    sync.add_parser("status", help="what is ahead, behind or in conflict")
    q = sync.add_parser("auto", help="sync by itself whenever a meeting is closed (on/off)")
    q.add_argument("switch", choices=["on", "off"])
    q = sync.add_parser("resolve", help="resolve a merge conflict of a meeting")
    q.add_argument("id", help="meeting id (a unique prefix is enough)")
    q.add_argument("conflict", help="the conflict's id (see `pmtui sync status`)")
    q.add_argument(
        "--take-other",
        action="store_true",
        help="take the other side's value instead of keeping the one the meeting holds",
    )

    if only is None or only in FOLLOW_THROUGH:  # the TUI's start-up never loads them
        from pmtui import cli_followthrough

        cli_followthrough.add_parsers(commands)
    return parser


FOLLOW_THROUGH = ("actions", "status", "search", "tag", "stats")


def _follow_through(name: str) -> Callable[[argparse.Namespace], int]:
    """The follow-through command `name`, its module imported when it runs."""

    def run(args: argparse.Namespace) -> int:
        from pmtui import cli_followthrough

        handler: Callable[[argparse.Namespace], int] = getattr(cli_followthrough, f"cmd_{name}")
        return handler(args)

    return run


class _OnlyOne:
    """Adds one of the commands. Each parser and argument argparse makes looks for its
    translations on disk: building every command is some 10 ms of a TUI's start-up."""

    def __init__(self, commands: Any, name: str) -> None:
        self._commands = commands
        self._name = name

    def add_parser(self, name: str, **options: Any) -> Any:
        if name == self._name:
            return self._commands.add_parser(name, **options)
        return _Unused()


class _Unused:
    """Takes the arguments of a command that is not being parsed, and drops them."""

    def __getattr__(self, _name: str) -> Callable[..., _Unused]:
        return lambda *_args, **_options: self


def _command_named(argv: Sequence[str]) -> str | None:
    """The command a plain command line names (`pmtui [--data DIR] [--high-contrast]
    COMMAND ...`), or None where it takes argparse to tell."""
    i = 0
    while i < len(argv):
        if argv[i] == "--data":
            i += 2
        elif argv[i] == "--high-contrast" or argv[i].startswith("--data="):
            i += 1
        else:
            return argv[i] if argv[i] in COMMANDS else None
    return None


def _import_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", help="a session file (JSON, format version 1 to 3)")
    sources = p.add_argument_group("the incident's raw material (one of)")
    sources.add_argument("--slack", metavar="EXPORT", help="a Slack export: the ZIP or its folder")
    sources.add_argument(
        "--pagerduty", metavar="FILE", help="a PagerDuty incident's log entries (JSON)"
    )
    sources.add_argument("--statuspage", metavar="FILE", help="a Statuspage incident (JSON)")
    sources.add_argument(
        "--timeline", metavar="FILE", help="a plain timeline: CSV or a Markdown table"
    )
    p.add_argument("--channel", metavar="NAME", help="Slack: the channel to import")
    p.add_argument("--since", metavar="T", default="", help="Slack: from this time")
    p.add_argument("--until", metavar="T", default="", help="Slack: up to this time")
    p.add_argument(
        "--only", metavar="pinned|reacted:EMOJI", default="", help="Slack: only these messages"
    )
    p.add_argument("--with-joins", action="store_true", help="Slack: keep joins, leaves, topics")
    p.add_argument("--with-bots", action="store_true", help="Slack: keep bot messages")
    p.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        default="",
        help="plain timeline: the date of rows before the first with one",
    )
    p.add_argument(
        "--markers",
        action="store_true",
        help="suggest start/detection/mitigation/resolution markers from the words",
    )
    p.add_argument("--accept-markers", action="store_true", help="apply the suggested markers")
    p.add_argument("--into", metavar="ID", help="add to this meeting instead of a new one")
    p.add_argument("--title", default="", help="a new meeting's title")
    p.add_argument("--timezone", default="UTC", help="a new meeting's time zone (IANA name)")


def settings(args: argparse.Namespace) -> Settings:
    return Settings.load(data=args.data, rules=getattr(args, "rules", None))


def open_archive(args: argparse.Namespace) -> Archive:
    from pmtui.service.archive import Archive

    # A published postmortem opens read-only until reopened with `pmtui status`.
    return Archive(settings(args), published_read_only=True)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    named = _command_named(argv)
    args = build_parser(only=named).parse_args(argv)
    if named is not None and args.command != named:  # read otherwise: the full parser reads it
        args = build_parser().parse_args(argv)
    handler = COMMANDS[args.command or "home"]
    try:
        return handler(args)
    except (CliError, sessionfile.SessionFileError, ArchiveError) as error:
        print(f"pmtui: {for_terminal(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `pmtui list | head`: the reader has all it wanted. Quietly stop, and keep Python
        # from complaining again when it flushes stdout at exit.
        with contextlib.suppress(OSError, AttributeError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 141
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"pmtui: {for_terminal(f'{where}{error.strerror or error}')}", file=sys.stderr)
        return EXIT_USAGE


def cmd_import(args: argparse.Namespace) -> int:
    from pmtui.service import importing

    chosen = [k for k in ("slack", "pagerduty", "statuspage", "timeline") if getattr(args, k)]
    if len(chosen) + bool(args.file) != 1:
        raise CliError(
            "import one thing: a session FILE, or --slack, --pagerduty, --statuspage or --timeline"
        )
    if not chosen:
        pm = open_archive(args).import_file(args.file)
        print(pm.id)
        return 0
    kind = chosen[0]
    source = importing.Source(
        kind="table" if kind == "timeline" else kind,
        path=Path(getattr(args, kind)),
        channel=args.channel or "",
        since=args.since,
        until=args.until,
        only=args.only,
        include_system=args.with_joins,
        include_bots=args.with_bots,
        day=args.date,
        markers=args.markers or args.accept_markers,
    )
    archive = open_archive(args)
    with progress_bar() as progress:
        if args.into:
            outcome = importing.into_meeting(
                archive,
                archive.resolve(args.into),
                source,
                accept=args.accept_markers,
                progress=progress,
            )
        else:
            outcome = importing.into_new(
                archive,
                source,
                title=args.title,
                tz_name=args.timezone,
                accept=args.accept_markers,
                progress=progress,
            )
    print(outcome.meeting_id)
    print(f"pmtui: {importing.summary(outcome)}", file=sys.stderr)
    if outcome.suggestions and not args.accept_markers:
        for entry in outcome.suggestions:
            when = f"{entry.at:%Y-%m-%d %H:%M:%S} UTC"
            print(f"pmtui: suggested {entry.suggested}: {when} {entry.text[:80]}", file=sys.stderr)
        print(
            "pmtui: accept them with --accept-markers, or mark events with k on the timeline",
            file=sys.stderr,
        )
    return 0


@contextlib.contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A Rich progress bar on stderr (on a terminal) while files are read."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    bar = Progress(
        TextColumn("reading {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    tasks: dict[str, TaskID] = {}

    def update(what: str, done: int, total: int) -> None:
        if what not in tasks:
            tasks[what] = bar.add_task(what, total=total or None)
        bar.update(tasks[what], completed=done, total=total or None)

    with bar:
        yield update


def _report_problems(archive: Archive) -> None:
    for problem in archive.problems():
        print(f"pmtui: warning: {for_terminal(str(problem))}", file=sys.stderr)


def cmd_list(args: argparse.Namespace) -> int:
    archive = open_archive(args)
    rows = archive.list()
    _report_problems(archive)
    from pmtui import cli_followthrough

    rows = cli_followthrough.with_deadlines(archive, rows)
    if args.json:
        print(json_for_terminal(rows, indent=2))
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
    if args.force and not args.public:
        raise CliError("--force applies to --public only")
    findings = []
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
        if args.public:
            from pmtui.core import coach
            from pmtui.export import public_findings

            try:
                findings = public_findings(pm, settings(args).coach_rules(strict=True)[0])
            except coach.RulesError as error:
                raise CliError(str(error)) from None
            for finding in findings:
                print(finding.describe(), file=sys.stderr)
            if findings and not args.force:
                print(
                    f"pmtui: {len(findings)} finding(s) in text that goes public; nothing "
                    "written. Reword them (see `pmtui check`), or pass --force.",
                    file=sys.stderr,
                )
                return 1
    write_output(text, args.output)
    if findings:
        print(
            f"pmtui: warning: written with {len(findings)} finding(s) in text that goes public",
            file=sys.stderr,
        )
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    from pmtui.export import list_templates

    for name, description in list_templates():
        print(f"{name:12} {description}")
    return 0


def write_output(text: str, output: str | None) -> None:
    """Write to stdout, or to a file replaced whole (never half-written)."""
    if output in (None, "-"):
        # On a terminal the text is read, not kept: show what a terminal would obey.
        sys.stdout.write(for_terminal(text, multiline=True) if sys.stdout.isatty() else text)
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
    short = meeting_id[:8]
    try:
        title, damage = str(archive.record(meeting_id).get("title", "")), None
    except ArchiveError as error:
        # A damaged meeting is moved aside, never destroyed: someone may still mend it.
        title, damage = "", str(error)
    if damage is None:
        question = f"Delete meeting {for_terminal(repr(title))} ({short})? [y/N] "
    else:
        print(f"pmtui: {for_terminal(damage)}", file=sys.stderr)
        question = f"Move the damaged meeting {short} aside (into damaged/)? [y/N] "
    if not args.yes:
        if not sys.stdin.isatty():
            raise CliError("delete needs --yes when not run from a terminal")
        if input(question).strip().lower() not in ("y", "yes"):
            print("Nothing deleted.")
            return 1
    if damage is not None:
        moved = archive.move_aside(meeting_id)
        print(f"Moved damaged meeting {short} aside to {for_terminal(str(moved))}")
        return 0
    archive.delete(meeting_id)
    print(f"Deleted {short} {for_terminal(title)}")
    return 0


def run_tui(args: argparse.Namespace, archive: Archive, start: Start | None = None) -> int:
    # No collection until the first frame: tens of thousands of objects that live as long
    # as the process (modules, classes, styles, the screen's widgets) would be walked
    # again and again by the collector on the way to it. They are frozen below.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run_app(args, archive, start, collecting)
    finally:
        if collecting:
            gc.enable()


def _run_app(
    args: argparse.Namespace, archive: Archive, start: Start | None, collecting: bool
) -> int:
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
    if collecting:
        app.after_first_frame = _collect_again
    app.run()
    return app.return_code or 0


def _collect_again() -> None:
    """Once the first frame is up: what the screen holds by then lives as long as the
    meeting does, so it is frozen too (full collections walking it paused keystrokes for
    130-230 ms), and the collector runs again for what comes after."""
    gc.freeze()
    gc.enable()


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
    from pmtui.core.clock import SystemClock
    from pmtui.ui.app import Start

    archive = open_archive(args)
    meeting_id = archive.resolve(args.id)
    # Opened here, before the screen: a damaged record is one line and exit status 2, and
    # the record is read once (a meeting of 10,000 events takes a while to read).
    rules, _ = archive.settings.coach_rules()  # a problem with them is told by run_tui
    session = archive.open_session(
        meeting_id, SystemClock(), coach_rules=rules, participants=False
    )  # participants join once the screen is up (see MeetingScreen._open_participation)
    return run_tui(args, archive, Start(meeting_id=meeting_id, session=session))


def cmd_follow(args: argparse.Namespace) -> int:
    from pmtui.service.follow import yield_to_the_facilitator
    from pmtui.ui.app import Start

    archive = open_archive(args)
    meeting_id = archive.resolve(args.id)
    archive.load(meeting_id)  # a damaged record is a message here, before the screen
    yield_to_the_facilitator()
    return run_tui(
        args, archive, Start(meeting_id=meeting_id, follow=True, presenter=args.presenter)
    )


def cmd_serve(args: argparse.Namespace) -> int:
    from pmtui.service import serve

    archive = open_archive(args)
    meeting_id = archive.resolve(args.id)
    pm = archive.load(meeting_id)
    if not serve.is_loopback(args.host):
        print(
            f"pmtui: warning: listening on {args.host}: anyone who can reach port "
            f"{args.port} there can read this meeting",
            file=sys.stderr,
        )
    verb = "Participants join" if args.join else "Following"
    print(f"{verb} {pm.title!r} at {serve.url(args.host, args.port)} (Ctrl+C stops)")
    sys.stdout.flush()
    serve.serve(
        meeting_id,
        archive.settings.data_dir,
        pm.title,
        host=args.host,
        port=args.port,
        presenter=args.presenter,
        join=args.join,
    )
    return 0


def cmd_join(args: argparse.Namespace) -> int:
    """A participant: the follow view plus entry lines and dot votes (see service.inbox)."""
    from pmtui.core.contrib import ContribError, check_name
    from pmtui.service.follow import yield_to_the_facilitator
    from pmtui.service.inbox import check_code
    from pmtui.ui.app import Start

    archive = open_archive(args)
    meeting_id = archive.resolve(args.id)
    archive.load(meeting_id)  # a damaged record is a message here, before the screen
    path = archive.meeting_file(meeting_id)
    name = None
    if args.name is not None:
        try:
            name = check_name(args.name)
        except ContribError as error:
            print(f"pmtui: {error}", file=sys.stderr)
            return 2
    if args.code is not None and not check_code(path, args.code):
        print("pmtui: that is not this meeting's join code", file=sys.stderr)
        return 2
    yield_to_the_facilitator()
    return run_tui(
        args,
        archive,
        Start(meeting_id=meeting_id, follow=True, join=True, name=name, code=args.code),
    )


def cmd_demo(args: argparse.Namespace) -> int:
    """A sample meeting in a temporary archive, removed afterwards."""
    from pmtui.service.archive import demo_archive
    from pmtui.ui.app import Start

    with demo_archive(settings(args)) as (archive, meeting_id):
        return run_tui(args, archive, Start(meeting_id=meeting_id))


def cmd_check(args: argparse.Namespace) -> int:
    from pmtui.core import coach

    if args.overdue:
        if args.id or args.rules:
            raise CliError("check --overdue looks at the whole archive: give no id or --rules")
        from pmtui import cli_followthrough

        return cli_followthrough.cmd_check_overdue(args)
    if not args.id:
        raise CliError("check needs a meeting id (or --overdue)")
    pm = _load(args)
    try:
        rules, _ = settings(args).coach_rules(strict=True)
    except coach.RulesError as error:
        raise CliError(str(error)) from None
    findings = coach.check(pm, rules)
    for finding in findings:
        print(for_terminal(finding.describe()))
    if not findings:
        print(f"No blame-prone wording found in {pm.title!r}.")
        return 0
    print(
        f"{len(findings)} finding(s) in {pm.title!r}: the record should speak of systems "
        "and conditions, not of people's faults."
    )
    return 1


def cmd_sync(args: argparse.Namespace) -> int:
    from pmtui.service.sync import Sync, describe_conflict, resolve_conflict

    archive = open_archive(args)
    action = getattr(args, "sync_command", None)
    if action == "auto":
        archive.settings.set_sync_on_close(args.switch == "on")
        state = "on" if archive.settings.sync_on_close() else "off"
        print(f"sync when a meeting is closed: {state}")
        return 0
    if action == "resolve":
        meeting_id = archive.resolve(args.id)
        print(
            for_terminal(
                resolve_conflict(archive, meeting_id, args.conflict, take_other=args.take_other)
            )
        )
        return 0
    tty = sys.stderr.isatty()

    def progress(line: str) -> None:
        if tty:
            print(f"\r\x1b[K{for_terminal(line)[:100]}", end="", file=sys.stderr, flush=True)

    sync = Sync(archive, progress=progress)
    if action == "status":
        status = sync.status()
        print(for_terminal(f"remote {status.remote} (branch {status.branch})"))
        print(f"{status.ahead} commit(s) ahead, {status.behind} behind (as of the last fetch)")
        print(f"{status.changed_here} meeting(s) changed here since the last sync")
        if status.unfinished:
            print("a sync was cut short: `pmtui sync` completes it")
        if not status.conflicts:
            print("no conflicts")
        for meeting_id, title, conflict in status.conflicts:
            line = f"conflict in {meeting_id[:8]} {title}: {describe_conflict(conflict)}"
            print(for_terminal(line))
        return 0
    try:
        result = sync.init(args.remote) if action == "init" else sync.sync()
    except KeyboardInterrupt:
        if tty:
            print(file=sys.stderr)
        print("pmtui: sync stopped; run `pmtui sync` again to finish it", file=sys.stderr)
        return 130
    if tty:
        print("\r\x1b[K", end="", file=sys.stderr, flush=True)
    print(for_terminal(result.summary()))
    for line in result.busy:
        print(f"pmtui: not yet applied: {for_terminal(line)}", file=sys.stderr)
    for line in result.damaged:
        print(f"pmtui: warning: {for_terminal(line)}", file=sys.stderr)
    for title in result.restored:
        print(f"pmtui: restored from the repository: {for_terminal(title)}", file=sys.stderr)
    if result.problem:
        print(f"pmtui: {for_terminal(result.problem)}", file=sys.stderr)
        return 2
    return 0


COMMANDS = {
    "home": cmd_home,
    "new": cmd_new,
    "open": cmd_open,
    "demo": cmd_demo,
    "follow": cmd_follow,
    "serve": cmd_serve,
    "join": cmd_join,
    "import": cmd_import,
    "list": cmd_list,
    "show": cmd_show,
    "export": cmd_export,
    "delete": cmd_delete,
    "templates": cmd_templates,
    "check": cmd_check,
    "sync": cmd_sync,
    "actions": _follow_through("actions"),
    "status": _follow_through("status"),
    "search": _follow_through("search"),
    "tag": _follow_through("tag"),
    "stats": _follow_through("stats"),
}
