"""The `pmtui` command: parses arguments and hands work to the core, the store or the UI.

Heavy modules (Rich, Textual) are imported inside the commands that need them, so that
`pmtui --version` and scripted commands start fast.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pmtui import __version__
from pmtui.core import sessionfile
from pmtui.core.controls import for_terminal, json_for_terminal
from pmtui.fileio import write_text_atomic
from pmtui.store.storage import StoreError

if TYPE_CHECKING:
    from pmtui.store.store import Store
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
    p.add_argument("--title", default="", help="the incident's title")
    p.add_argument("--minutes", type=int, default=30, help="meeting length in minutes (default 30)")

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


def data_dir(option: str | None) -> Path:
    if option:
        return Path(option).expanduser()
    from pmtui.store.store import default_data_dir

    return default_data_dir()


def open_store(option: str | None) -> Store:
    from pmtui.store.store import Store

    return Store(data_dir(option), summarize=sessionfile.summarize)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = COMMANDS[args.command or "home"]
    try:
        return handler(args)
    except (CliError, sessionfile.SessionFileError, StoreError) as error:
        print(f"pmtui: {for_terminal(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"pmtui: {for_terminal(f'{where}{error.strerror or error}')}", file=sys.stderr)
        return EXIT_USAGE


def cmd_import(args: argparse.Namespace) -> int:
    pm = sessionfile.read_session_file(args.file)
    store = open_store(args.data)
    meeting_id = store.create(sessionfile.to_record(pm))
    print(meeting_id)
    return 0


def _report_problems(store: Store) -> None:
    for problem in store.problems():
        print(f"pmtui: warning: {for_terminal(str(problem))}", file=sys.stderr)


def cmd_list(args: argparse.Namespace) -> int:
    store = open_store(args.data)
    rows = store.list()
    _report_problems(store)
    if args.json:
        print(json_for_terminal(rows, indent=2))
        return 0
    from pmtui.show import meetings_table, print_renderable

    print_renderable(meetings_table(rows), wrap=False)
    return 0


def _load(args: argparse.Namespace) -> tuple[Store, sessionfile.Postmortem]:
    store = open_store(args.data)
    meeting_id = store.resolve(args.id)
    record = store.load(meeting_id)
    return store, sessionfile.from_record(record, source=f"meeting {meeting_id}")


def cmd_show(args: argparse.Namespace) -> int:
    _, pm = _load(args)
    from pmtui.show import print_renderable, record_view

    print_renderable(record_view(pm))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    _, pm = _load(args)
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
    store = open_store(args.data)
    meeting_id = store.resolve(args.id)
    title = store.load(meeting_id).get("title", "")
    if not args.yes:
        if not sys.stdin.isatty():
            raise CliError("delete needs --yes when not run from a terminal")
        answer = input(f"Delete meeting {title!r} ({meeting_id[:8]})? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing deleted.")
            return 1
    store.delete(meeting_id)
    print(f"Deleted {meeting_id[:8]} {for_terminal(str(title))}")
    return 0


def run_tui(args: argparse.Namespace, store: Store, start: Start | None = None) -> int:
    from pmtui.core import coach
    from pmtui.ui.app import load_keymap, make_app

    keymap, problem = load_keymap()
    if problem:
        print(f"pmtui: warning: {problem}", file=sys.stderr)
    try:
        rules = coach.load_rules(coach_rules_file(None))
    except coach.RulesError as error:
        print(f"pmtui: warning: {error}; using the built-in rules", file=sys.stderr)
        rules = coach.load_rules()
    app = make_app(
        store,
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
    return run_tui(args, open_store(args.data))


def cmd_new(args: argparse.Namespace) -> int:
    from pmtui.core.agenda import scaled
    from pmtui.ui.app import Start

    try:
        scaled(args.minutes)
    except ValueError as error:
        raise CliError(str(error)) from None
    title = args.title.strip() or "Untitled postmortem"
    return run_tui(args, open_store(args.data), Start(new_title=title, minutes=args.minutes))


def cmd_open(args: argparse.Namespace) -> int:
    from pmtui.ui.app import Start

    store = open_store(args.data)
    meeting_id = store.resolve(args.id)
    sessionfile.from_record(store.load(meeting_id), source=f"meeting {meeting_id}")
    return run_tui(args, store, Start(meeting_id=meeting_id))


DEMO_SAMPLE = "gitlab-2017-database-outage.json"


def cmd_demo(args: argparse.Namespace) -> int:
    """A sample meeting in a temporary archive, removed afterwards."""
    import shutil
    import tempfile

    from pmtui.resources import sample_sessions
    from pmtui.store.store import Store
    from pmtui.ui.app import Start

    samples = sample_sessions()
    if not samples:
        raise CliError("this pmtui was installed without its sample sessions")
    chosen = next((p for p in samples if p.name == DEMO_SAMPLE), samples[0])
    folder = tempfile.mkdtemp(prefix="pmtui-demo-")
    try:
        # The archive is thrown away on exit: flushing its writes to the disk buys nothing.
        store = Store(Path(folder), summarize=sessionfile.summarize, fsync=False)
        meeting_id = store.create(sessionfile.to_record(sessionfile.read_session_file(chosen)))
        return run_tui(args, store, Start(meeting_id=meeting_id))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def coach_rules_file(option: str | None) -> Path | None:
    """--rules, else $PMTUI_COACH_RULES, else coach.json in the user config folder."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get("PMTUI_COACH_RULES")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    default = Path(user_config_dir("pmtui", appauthor=False)) / "coach.json"
    return default if default.is_file() else None


def cmd_check(args: argparse.Namespace) -> int:
    from pmtui.core import coach

    _, pm = _load(args)
    try:
        rules = coach.load_rules(coach_rules_file(args.rules))
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
