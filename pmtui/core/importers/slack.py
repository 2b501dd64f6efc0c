"""A Slack workspace export, one channel of it, as timeline entries.

The export (a ZIP or its unpacked folder) holds `users.json`, `channels.json` (and
`groups.json` for private channels) and one folder per channel with one `YYYY-MM-DD.json`
per day, each a list of messages. The application layer reads the files; this module is
given their parsed JSON. A message's `ts` is its time (epoch seconds, UTC) and its id.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from pmtui.core.importers import (
    Batch,
    Entry,
    ImportFormatError,
    clean,
    items_of,
    kind_name,
    shown,
    text_of,
)

# Joins, leaves, topic changes and the like: the channel's housekeeping, not the incident.
SYSTEM_SUBTYPES = frozenset(
    {
        "channel_join",
        "channel_leave",
        "channel_topic",
        "channel_purpose",
        "channel_name",
        "channel_archive",
        "channel_unarchive",
        "group_join",
        "group_leave",
        "group_topic",
        "group_purpose",
        "group_name",
        "group_archive",
        "group_unarchive",
        "bot_add",
        "bot_remove",
        "pinned_item",
        "unpinned_item",
        "reminder_add",
        "channel_convert_to_private",
        "channel_convert_to_public",
        "sh_room_created",
        "huddle_thread",
    }
)
_TS = re.compile(r"^\d{1,12}(?:\.\d{1,6})?$")
# Slack writes times from its start (2013); allow a margin, refuse what cannot be a message.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
_MARKUP = re.compile(r"<([^<>\n]{1,2000})>")
_SHORTCODE = re.compile(r":([a-z0-9_+'-]{1,60}):")
# The shortcodes an incident channel uses most, as the characters Slack shows for them.
EMOJI = {
    "fire": "🔥",
    "rotating_light": "🚨",
    "warning": "⚠️",
    "white_check_mark": "✅",
    "heavy_check_mark": "✔️",
    "x": "❌",
    "eyes": "👀",
    "+1": "👍",
    "thumbsup": "👍",
    "-1": "👎",
    "thumbsdown": "👎",
    "tada": "🎉",
    "pray": "🙏",
    "sweat_smile": "😅",
    "scream": "😱",
    "joy": "😂",
    "smile": "😄",
    "slightly_smiling_face": "🙂",
    "thinking_face": "🤔",
    "red_circle": "🔴",
    "large_green_circle": "🟢",
    "green_heart": "💚",
    "heart": "❤️",
    "rocket": "🚀",
    "bug": "🐛",
    "boom": "💥",
    "ok_hand": "👌",
    "point_up": "☝️",
    "hourglass": "⌛",
    "hourglass_flowing_sand": "⏳",
    "stopwatch": "⏱️",
    "chart_with_upwards_trend": "📈",
    "chart_with_downwards_trend": "📉",
    "construction": "🚧",
    "sos": "🆘",
    "ack": "👀",
}


@dataclass(frozen=True)
class Channel:
    id: str
    name: str


@dataclass(frozen=True)
class Options:
    """Which messages to take."""

    since: datetime | None = None
    until: datetime | None = None
    only: str = ""  # "", "pinned" or "reacted:EMOJI"
    include_system: bool = False  # joins, leaves, topic changes
    include_bots: bool = False


def parse_only(value: str) -> str:
    """Check an `--only` filter: `pinned` or `reacted:EMOJI`; raise ValueError if not."""
    value = value.strip()
    if value in ("", "pinned"):
        return value
    if value.startswith("reacted:") and value[len("reacted:") :].strip(": "):
        return "reacted:" + value[len("reacted:") :].strip(": ")
    raise ValueError(f"{shown(value)} is not a filter (pinned or reacted:EMOJI)")


def read_users(data: Any, source: str = "users.json") -> dict[str, str]:
    """User id -> the name people know them by."""
    if not isinstance(data, list):
        raise ImportFormatError(f"must be a list of users, not {kind_name(data)}", source=source)
    names = {}
    for user in data:
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            continue
        name = person_name(user, user.get("profile"))
        if name:
            names[user["id"]] = name
    return names


def person_name(user: dict[str, Any], profile: Any) -> str:
    profile = profile if isinstance(profile, dict) else {}
    for value in (
        user.get("real_name"),
        profile.get("real_name"),
        profile.get("display_name"),
        user.get("name"),
        profile.get("name"),
    ):
        if isinstance(value, str) and value.strip():
            return clean(value)
    return ""


def read_channels(data: Any, source: str = "channels.json") -> list[Channel]:
    if not isinstance(data, list):
        raise ImportFormatError(f"must be a list of channels, not {kind_name(data)}", source=source)
    out = []
    for item in data:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            out.append(Channel(text_of(item.get("id")), item["name"]))
    return out


def find_channel(channels: list[Channel], wanted: str, source: str) -> Channel:
    """The channel called `wanted` (with or without #), or with that id."""
    name = wanted.strip().lstrip("#")
    for channel in channels:
        if channel.name == name or (channel.id and channel.id == name):
            return channel
    for channel in channels:
        if channel.name.casefold() == name.casefold():
            return channel
    known = ", ".join(sorted(c.name for c in channels)[:12]) or "none"
    raise ImportFormatError(f"no channel {shown(name)} (channels: {known})", source=source)


def message_time(ts: Any) -> datetime:
    """A message's `ts` as a UTC instant; ImportFormatError when it is not one."""
    if not isinstance(ts, str) or not _TS.match(ts):
        raise ImportFormatError(f"ts {shown(ts)} is not a Slack timestamp")
    seconds, _, fraction = ts.partition(".")
    micro = int((fraction + "000000")[:6]) if fraction else 0
    try:
        at = datetime.fromtimestamp(int(seconds), UTC).replace(microsecond=micro)
    except (OverflowError, OSError, ValueError):
        at = LATEST
    if not EARLIEST <= at < LATEST:
        raise ImportFormatError(f"ts {shown(ts)} is not a possible time for a message")
    return at


class Markup:
    """Slack's markup made readable, names looked up in the export."""

    def __init__(self, users: dict[str, str], channels: Iterable[Channel]) -> None:
        self.users = users
        self.channels = {c.id: c.name for c in channels if c.id}

    def __call__(self, text: str) -> str:
        text = _MARKUP.sub(self._link, text)
        text = _SHORTCODE.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)
        return html.unescape(text) if "&" in text else text

    def _link(self, match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            user = target[1:]
            return "@" + (self.users.get(user) or label or user)
        if target.startswith("#"):
            return "#" + (label or self.channels.get(target[1:]) or target[1:])
        if target.startswith("!"):
            command = target[1:]
            if label:
                return label
            word = command.split("^", 1)[0]
            return "@" + word if word in ("here", "channel", "everyone") else word
        if target.startswith("mailto:"):
            return label or target[len("mailto:") :]
        return label or target


def read_messages(
    days: Iterable[tuple[str, Any]],
    *,
    channel: Channel,
    users: dict[str, str],
    channels: list[Channel],
    options: Options,
    progress: Callable[[int], None] | None = None,
) -> Batch:
    """Entries from a channel's day files, given as (file name, parsed JSON) in any order.

    Edits (`message_changed`) change the message they edit; deletions take it out; thread
    replies keep their own times; joins, topic changes and bots are counted and skipped
    unless asked for. Refuses a day that is not a list, or a message with no usable `ts`,
    naming the file and the message."""
    markup = Markup(users, channels)
    batch = Batch(title=f"#{channel.name}")
    messages: dict[str, Entry] = {}
    keep: dict[str, bool] = {}
    speakers: dict[str, None] = {}
    for n, (name, data) in enumerate(days, 1):
        if not isinstance(data, list):
            raise ImportFormatError(
                f"must be a list of messages, not {kind_name(data)}", source=name
            )
        for i, message in enumerate(data):
            try:
                _one(message, markup, options, messages, keep, speakers, batch)
            except ImportFormatError as error:
                raise ImportFormatError(
                    error.problem, source=name, entry=f"message {i + 1}"
                ) from None
        if progress is not None:
            progress(n)
    batch.entries = [entry for ts, entry in messages.items() if keep[ts]]
    batch.sort()
    batch.participants = list(speakers)
    return batch


def _one(
    message: Any,
    markup: Markup,
    options: Options,
    messages: dict[str, Entry],
    keep: dict[str, bool],
    speakers: dict[str, None],
    batch: Batch,
) -> None:
    if not isinstance(message, dict):
        raise ImportFormatError(f"must be an object, not {kind_name(message)}")
    subtype = text_of(message.get("subtype"))
    if subtype == "message_changed":
        edited = message.get("message")
        if isinstance(edited, dict):
            ts = edited.get("ts")
            if isinstance(ts, str) and ts in messages:
                messages[ts] = replace(
                    messages[ts], text=_text(edited, markup, messages[ts].author)
                )
                return
            if "ts" not in edited:
                edited = {**edited, "ts": message.get("ts")}
            message, subtype = edited, text_of(edited.get("subtype"))
        else:
            batch.skip("edits of messages not in the window")
            return
    if subtype == "message_deleted":
        gone = text_of(message.get("deleted_ts"))
        if gone in keep:
            keep[gone] = False
        return
    if "ts" not in message:
        raise ImportFormatError("has no ts")
    at = message_time(message.get("ts"))
    ts = message["ts"]
    if subtype in SYSTEM_SUBTYPES and not options.include_system:
        batch.skip("joins, leaves and topic changes")
        return
    bot = subtype == "bot_message" or (bool(message.get("bot_id")) and not message.get("user"))
    if bot and not options.include_bots:
        batch.skip("bot messages")
        return
    if (options.since and at < options.since) or (options.until and at > options.until):
        batch.skip("outside the window")
        return
    if not _chosen(message, options.only):
        batch.skip(f"not {options.only}")
        return
    author = _author(message, markup.users)
    text = _text(message, markup, author)
    if not text.strip():
        batch.skip("empty messages")
        return
    thread_ts = message.get("thread_ts")
    thread = isinstance(thread_ts, str) and thread_ts != ts
    notes = []
    if message.get("pinned_to"):
        notes.append("📌")
    for reaction in items_of(message.get("reactions")):
        if isinstance(reaction, dict) and isinstance(reaction.get("name"), str):
            count = reaction.get("count")
            symbol = EMOJI.get(reaction["name"], f":{reaction['name']}:")
            notes.append(f"{symbol}{count}" if isinstance(count, int) and count > 1 else symbol)
    source = f"slack:{ts}"
    messages[ts] = Entry(
        at=at, text=text, source=source, author=author, thread=thread, note=" ".join(notes)
    )
    keep[ts] = True
    if author and not bot:
        speakers[author] = None


def _chosen(message: dict[str, Any], only: str) -> bool:
    if not only:
        return True
    if only == "pinned":
        return bool(message.get("pinned_to") or message.get("pinned_info"))
    wanted = only.split(":", 1)[1]
    reactions = items_of(message.get("reactions"))
    return any(isinstance(r, dict) and r.get("name") == wanted for r in reactions)


def _author(message: dict[str, Any], users: dict[str, str]) -> str:
    user = message.get("user")
    if isinstance(user, str) and user in users:
        return users[user]
    name = person_name({}, message.get("user_profile"))
    if name:
        return name
    for key in ("username", "bot_profile"):
        value = message.get(key)
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, str) and value.strip():
            return clean(value)
    return user if isinstance(user, str) else ""


def _text(message: dict[str, Any], markup: Markup, author: str) -> str:
    """`Author: text`, markup made readable, files and attachments named."""
    body = markup(text_of(message.get("text")))
    extra = []
    for item in items_of(message.get("files")):
        if isinstance(item, dict):
            title = text_of(item.get("title")) or text_of(item.get("name")) or "a file"
            extra.append(f"[file: {clean(title)}]")
    if not body.strip():
        for attachment in items_of(message.get("attachments")):
            if isinstance(attachment, dict):
                found = text_of(attachment.get("fallback")) or text_of(attachment.get("text"))
                if found:
                    extra.insert(0, markup(found))
                    break
    text = clean(" ".join([body, *extra]))
    if not text:
        return ""
    return f"{author}: {text}" if author else text
