"""The follow-through commands: `pmtui actions`, `status`, `search`, `stats` and
`check --overdue`. Parsing and printing only; the work is pmtui.service.ledger's."""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import sys
from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from pmtui.core.controls import for_terminal, json_for_terminal
from pmtui.core.timeutil import TimeError

if TYPE_CHECKING:
    from pmtui.service.ledger import FollowThrough

VERBS = ("done", "wontdo", "due", "assign", "reopen")


def add_parsers(commands: Any) -> None:
    p = commands.add_parser(
        "actions",
        help="the action-item ledger across every meeting; or change one: "
        "done ID | wontdo ID --why TEXT | due ID DATE | assign ID OWNER | reopen ID",
    )
    p.add_argument("words", nargs="*", metavar="VERB ID [VALUE]", help="a change to one item")
    p.add_argument("--overdue", action="store_true", help="only overdue items")
    p.add_argument("--owner", default="", help="only items owned by NAME")
    p.add_argument("--tag", default="", help="only items of meetings with this tag")
    p.add_argument("--severity", default="", help="only items of meetings of this severity")
    p.add_argument("--meeting", default="", metavar="ID", help="only items of this meeting")
    p.add_argument("--all", action="store_true", help="done and won't-do items too")
    p.add_argument("--why", default="", help="wontdo: why it will not be done")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--csv", action="store_true", help="print the tracker CSV")

    p = commands.add_parser(
        "status", help="move a postmortem: draft, in-review, published (recorded)"
    )
    p.add_argument("id", help="meeting id (a unique prefix is enough)")
    p.add_argument("status", help="draft, in-review or published")
    p.add_argument("--by", required=True, metavar="NAME", help="who moves it")

    p = commands.add_parser("tag", help="tag a meeting (or one of its whys) with causes")
    p.add_argument("id", help="meeting id (a unique prefix is enough)")
    p.add_argument("tags", nargs="*", help='tags, e.g. "config change" deployment')
    p.add_argument("--why", default="", metavar="ID", help="tag this why (an id prefix)")
    p.add_argument("--remove", action="store_true", help="remove the tags instead")
    p.add_argument("--list", action="store_true", help="print the vocabulary")

    p = commands.add_parser("search", help="search every text of every meeting")
    p.add_argument("text", help="what to find (case does not matter)")
    p.add_argument("--tag", default="", help="only meetings with this tag")
    p.add_argument("--severity", default="", help="only meetings of this severity")
    p.add_argument("--since", default="", metavar="DATE", help="only incidents since DATE")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = commands.add_parser("stats", help="trends: postmortems, time to detect/resolve, actions")
    p.add_argument("--since", default="", metavar="DATE", help="only incidents since DATE")
    p.add_argument("--by", default="month", choices=["month", "severity", "tag"])
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--csv", action="store_true", help="print CSV")
    p.add_argument("--no-chart", action="store_true", help="the table only")


def follow_through(args: argparse.Namespace) -> FollowThrough:
    from pmtui.cli import open_archive
    from pmtui.service.ledger import FollowThrough

    return FollowThrough(open_archive(args))


def _day(text: str, ft: FollowThrough, *, since: bool = False) -> date | None:
    """A date as people say it, counted from the team's today: a due date ("next
    friday"), or with `since` a date looking back ("3 months ago"). One line if not."""
    from pmtui.cli import CliError
    from pmtui.core.actions import parse_due, parse_since

    try:
        return (parse_since if since else parse_due)(text, ft.today)
    except TimeError as error:
        raise CliError(str(error)) from None


def _warn(ft: FollowThrough) -> None:
    for problem in ft.problems:
        print(f"pmtui: warning: {for_terminal(problem)}", file=sys.stderr)


def cmd_actions(args: argparse.Namespace) -> int:
    from pmtui.cli import CliError
    from pmtui.core.ledger import Filters

    ft = follow_through(args)
    if args.words:
        return _change(args, ft)
    if args.why:
        raise CliError("--why goes with `pmtui actions wontdo ID`")
    meeting = ft.archive.resolve(args.meeting) if args.meeting else ""
    filters = Filters(
        overdue=args.overdue,
        owner=args.owner,
        tag=args.tag,
        severity=args.severity,
        meeting_id=meeting,
        include_closed=args.all,
    )
    rows = ft.ledger(filters)
    _warn(ft)
    if args.json:
        print(json_for_terminal([r.as_dict() for r in rows], indent=2))
    elif args.csv:
        sys.stdout.write(_csv(rows, ft))
    else:
        _print_ledger(rows, ft)
    return 0


def _change(args: argparse.Namespace, ft: FollowThrough) -> int:
    from pmtui.cli import CliError
    from pmtui.core.ledger import Change

    verb, *rest = args.words
    if verb not in VERBS:
        raise CliError(f"{verb!r}: say done, wontdo, due, assign or reopen (or nothing, to list)")
    needs = 2 if verb in ("due", "assign") else 1
    if len(rest) < needs:
        value = {"due": " DATE", "assign": " OWNER"}.get(verb, "")
        raise CliError(f"usage: pmtui actions {verb} ID{value}")
    if verb not in ("due", "assign") and len(rest) > 1:
        raise CliError(f"`pmtui actions {verb}` takes one id")
    prefix, value = rest[0], " ".join(rest[1:])
    if verb == "wontdo" and not args.why.strip():
        raise CliError("say why it will not be done: --why TEXT")
    if verb == "due":
        change = Change("due", due=_day(value, ft))
    elif verb == "assign":
        change = Change("assign", owner=value)
    else:
        change = Change(verb, why=args.why)
    done = ft.change(prefix, change)
    print(for_terminal(done.describe()))
    return 0


def _csv(rows: list[Any], ft: FollowThrough) -> str:
    from pmtui.export.tracker import render_items_csv

    return render_items_csv(ft.item_of(r) for r in rows)


def _print_ledger(rows: list[Any], ft: FollowThrough) -> None:
    if not rows:
        print("No action items match.")
        return
    from pmtui import columns

    header = ("id", "meeting", "title", "owner", "due", "prio", "status", "overdue")
    # Column by column (see pmtui/columns.py); escaped before measured: an escape is
    # wider than the character it shows.
    table = [
        columns.one_line([r.id[:8] for r in rows]),
        columns.cut([r.meeting_title for r in rows], 24),
        columns.cut([r.title for r in rows], 40),
        columns.cut([r.owner or "—" for r in rows], 16),
        [r.due.isoformat() + (" (by policy)" if r.due_by_policy else "") for r in rows],
        columns.one_line([r.priority for r in rows]),
        columns.one_line([r.status for r in rows]),
        [f"{r.days_overdue}d" if r.days_overdue else "" for r in rows],
    ]
    table = [[name, *column] for name, column in zip(header, table, strict=True)]
    last = len(header) - 1
    padded = [columns.pad(column, columns.width(column), "  ") for column in table[:last]]
    out = ["".join(line).rstrip() for line in zip(*padded, table[last], strict=True)]
    overdue = sum(1 for r in rows if r.overdue)
    out.append(
        f"{len(rows)} item(s), {overdue} overdue "
        f"(today {ft.today.isoformat()}, {ft.policy.timezone})"
    )
    sys.stdout.write("\n".join(out) + "\n")


def _cut(text: str, width: int) -> str:
    """One line of user text, escaped, cut to `width` characters."""
    from pmtui import columns

    return columns.cut([text], width)[0]


def cmd_status(args: argparse.Namespace) -> int:
    from pmtui.cli import CliError
    from pmtui.core.review import parse_status

    try:
        to = parse_status(args.status)
    except ValueError as error:
        raise CliError(str(error)) from None
    ft = follow_through(args)
    pm, what = ft.set_status(ft.archive.resolve(args.id), to, args.by)
    print(for_terminal(f"{pm.title}: {what}"))
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    from pmtui.cli import CliError
    from pmtui.core.tags import vocabulary

    ft = follow_through(args)
    known = vocabulary(ft.policy.tags)
    if args.list:
        print("\n".join(known))
        return 0
    if not args.tags:
        raise CliError("name the tags (see `pmtui tag ID --list` for the vocabulary)")
    now = ft.tag(ft.archive.resolve(args.id), args.tags, remove=args.remove, why=args.why)
    free = [t for t in now if t not in known]
    print(for_terminal(", ".join(now) or "no tags"))
    if free and not args.remove:
        print(
            for_terminal(f"pmtui: free tags (not in the vocabulary): {', '.join(free)}"),
            file=sys.stderr,
        )
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from pmtui.cli import CliError

    if not args.text.strip():
        raise CliError("search for some text")
    ft = follow_through(args)
    since = _day(args.since, ft, since=True) if args.since else None
    with _indexing_progress() as progress:
        hits = ft.search(
            args.text, tag=args.tag, severity=args.severity, since=since, progress=progress
        )
    _warn(ft)
    if args.json:
        print(json_for_terminal([h.as_dict() for h in hits], indent=2))
        return 0
    if not hits:
        print("No matches.")
        return 1
    # Plain writes, not Rich: thousands of hits print in milliseconds. The hit is shown
    # in reverse video on a terminal, between » « otherwise.
    tty = sys.stdout.isatty()
    mark = ("\x1b[7;1m", "\x1b[0m") if tty else ("»", "«")
    lines = []
    for hit in hits:
        before, found, after = (for_terminal(part) for part in hit.snippet())
        title = _cut(hit.meeting_title, 40)
        lines.append(
            f"{hit.meeting_id[:8]}  {title}  {hit.place}: {before}{mark[0]}{found}{mark[1]}{after}"
        )
    sys.stdout.write("\n".join(lines) + "\n")
    meetings = len({h.meeting_id for h in hits})
    print(f"{len(hits)} match(es) in {meetings} meeting(s)")
    return 0


@contextlib.contextmanager
def _indexing_progress() -> Iterator[Callable[[int, int], None]]:
    """A progress bar for the search index's first build, shown once there is progress
    to show (an index already up to date never loads the bar)."""
    with contextlib.ExitStack() as stack:
        shown: list[Callable[[str, int, int], None]] = []

        def report(done: int, total: int) -> None:
            if not shown:
                from pmtui.cli import progress_bar

                shown.append(stack.enter_context(progress_bar()))
            shown[0]("meetings into the search index", done, total)

        yield report


def cmd_stats(args: argparse.Namespace) -> int:
    from pmtui.core.stats import duration

    ft = follow_through(args)
    since = _day(args.since, ft, since=True) if args.since else None
    figures = ft.stats(by=args.by, since=since)
    _warn(ft)
    if args.json:
        print(json_for_terminal(figures.as_dict(), indent=2))
        return 0
    rows = [g.as_dict() for g in [*figures.groups, figures.total]]
    if args.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        keys = list(rows[0]) if rows else []
        writer.writerow(keys)
        for row in rows:
            writer.writerow([";".join(v) if isinstance(v, list) else v for v in row.values()])
        sys.stdout.write(buffer.getvalue())
        return 0
    header = (
        args.by,
        "held",
        "detect",
        "mitigate",
        "resolve",
        "opened",
        "closed",
        "overdue",
        "top tags",
    )
    cells = [
        (
            r["group"],
            str(r["postmortems"]),
            duration(r["median_detect_s"]),
            duration(r["median_mitigate_s"]),
            duration(r["median_resolve_s"]),
            str(r["actions_opened"]),
            str(r["actions_closed"]),
            str(r["actions_overdue"]),
            ", ".join(r["top_tags"]),
        )
        for r in rows
    ]
    from pmtui import columns

    # Escaped before measured, and measured in terminal cells (a tag may be wide text).
    table = [columns.one_line(list(column)) for column in zip(header, *cells, strict=True)]
    last = len(header) - 1
    padded = [columns.pad(column, columns.width(column), "  ") for column in table[:last]]
    print("medians are from impact start to the first detection / mitigation / resolution")
    for line in zip(*padded, table[last], strict=True):
        print("".join(line).rstrip())
    if figures.recurring_tags:
        shown = ", ".join(f"{t} ({n})" for t, n in figures.recurring_tags[:8])
        print(f"recurring tags: {for_terminal(shown)}")
    if not args.no_chart and figures.groups:
        print(chart(figures))
    return 0


def chart(figures: Any, width: int = 80) -> str:
    """Postmortems held and action items overdue per group, as a terminal bar chart."""
    import plotext

    labels = [g.key for g in figures.groups][-24:]
    held = [g.held for g in figures.groups][-24:]
    late = [g.overdue for g in figures.groups][-24:]
    plotext.clf()
    plotext.plot_size(width, 18)
    plotext.theme("clear")
    plotext.multiple_bar(labels, [held, late], labels=["postmortems", "overdue actions"])
    # Ticks chosen here, with a clear gap between labels: left to itself, plotext picks
    # which labels to show, and moves labels that nearly touch, differently from one run
    # to the next (the same archive drew a different axis each time).
    room = max(1, (width - 8) // (max(map(len, labels)) + 4))
    step = -(-len(labels) // room)
    plotext.xticks(list(range(1, len(labels) + 1))[::step], labels[::step])
    plotext.title(f"by {figures.by}")
    drawn = str(plotext.build())
    return drawn if sys.stdout.isatty() else plotext.uncolorize(drawn)


def cmd_check_overdue(args: argparse.Namespace) -> int:
    ft = follow_through(args)
    items, late = ft.overdue()
    _warn(ft)
    for r in items:
        print(
            for_terminal(
                f"{r.priority} {r.id[:8]} {r.title!r} ({r.meeting_title}): "
                f"{r.days_overdue} day(s) overdue, owner {r.owner or 'none'}"
            )
        )
    for summary, found in late:
        print(
            for_terminal(
                f"postmortem {summary['id'][:8]} {summary.get('title', '')!r}: {found.describe()}"
            )
        )
    if not items and not late:
        print("Nothing urgent is overdue.")
        return 0
    print(f"{len(items)} P0/P1 item(s) and {len(late)} postmortem(s) past due")
    return 1


def with_deadlines(archive: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`pmtui list` rows with each postmortem's next deadline ("meeting due 2 days ago")."""
    from pmtui.service.ledger import FollowThrough

    ft = FollowThrough(archive)
    today = ft.today
    out = []
    for row in rows:
        found = ft.deadline_of(row, today)
        out.append({**row, "deadline": found.describe() if found else ""})
    return out
