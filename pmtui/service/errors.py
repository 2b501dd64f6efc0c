"""The one kind of error the application layer raises for the UI and the CLI."""

from __future__ import annotations


class ArchiveError(Exception):
    """Something a user can cause or meet (a damaged file, a full disk, a meeting open
    elsewhere, a bad template); str() is the one line they see."""
