"""Where the files that ship beside the code live: styles, templates, sample sessions.

In a built wheel they sit in `pmtui/_resources/`; in a checkout (editable install) they
are the top-level folders of the repo.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder `styles`, `templates` or `sample_sessions`, wherever pmtui is installed."""
    for candidate in (_PACKAGE / "_resources" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"pmtui is installed without its {name}/ folder")


def sample_sessions() -> list[Path]:
    return sorted(resource_dir("sample_sessions").glob("*.json"))
