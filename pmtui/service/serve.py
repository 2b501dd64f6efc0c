"""`pmtui serve`: the follow view of a meeting, in a browser, with textual-serve.

Each browser tab gets its own `pmtui follow` process, which is the read-only follower:
serving never adds a writer. It binds the loopback address unless told otherwise, since
whoever reaches the port reads the meeting.
"""

from __future__ import annotations

import ipaddress
import shlex
import socket
import sys
from pathlib import Path

from pmtui.service.errors import ArchiveError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
MISSING = (
    "pmtui serve needs textual-serve, which is not installed: "
    "pip install 'pmtui[serve]' (or pip install textual-serve)"
)


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def follow_command(
    meeting_id: str, data_dir: Path, *, presenter: bool = False, join: bool = False
) -> str:
    """The shell command each browser tab runs: this Python, this pmtui, this archive.
    `join`: each tab is a participant (`pmtui join`, which asks a name and the code)."""
    verb = "join" if join else "follow"
    words = [sys.executable, "-m", "pmtui", "--data", str(data_dir), verb, meeting_id]
    if presenter and not join:
        words.append("--presenter")
    return shlex.join(words)


def url(host: str, port: int) -> str:
    """The address to print and to hand the browser (for 0.0.0.0: this machine's name)."""
    try:
        if ipaddress.ip_address(host.strip("[]")).is_unspecified:
            host = socket.getfqdn()
    except ValueError:
        pass
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}"


def serve(
    meeting_id: str,
    data_dir: Path,
    title: str,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    presenter: bool = False,
    join: bool = False,
) -> None:
    """Serve the meeting's follow view until interrupted. ArchiveError when textual-serve
    is missing or the port is not a port."""
    try:
        from textual_serve.server import Server
    except ImportError:
        raise ArchiveError(MISSING) from None
    if not 0 < port < 65536:
        raise ArchiveError(f"{port} is not a port number (1-65535)")
    command = follow_command(meeting_id, data_dir, presenter=presenter, join=join)
    server = Server(
        command, host=host, port=port, title=f"pmtui · {title}", public_url=url(host, port)
    )
    server.serve()
