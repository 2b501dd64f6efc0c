"""The environment the benchmarks run pmtui in: as an installed package runs.

pip compiles a package's bytecode on install, so a timed pmtui reads it cached. Some
machines set PYTHONDONTWRITEBYTECODE, which would make every timed run compile the
modules changed since the last write of their bytecode; it is left out here."""

from __future__ import annotations

import os


def installed_env(**extra: str) -> dict[str, str]:
    """This process's environment without PYTHONDONTWRITEBYTECODE, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env
