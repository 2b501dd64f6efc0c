"""Where pmtui keeps things, looked up once: folders, files and their environment variables.

| what | option / variable | default |
| --- | --- | --- |
| meetings | `--data DIR` / `PMTUI_DATA` | the user data folder (`~/.local/share/pmtui` on Linux) |
| settings | `PMTUI_CONFIG` | the user config folder (`~/.config/pmtui` on Linux) |
| keymap | `PMTUI_KEYMAP` | `keymap.json` in the config folder |
| coach rules | `--rules FILE` / `PMTUI_COACH_RULES` | `coach.json` in the config folder |
| exported minutes | `PMTUI_EXPORT_DIR` | `exports/` in the data folder |
| auto sync | `PMTUI_SYNC_ON_CLOSE` / `pmtui sync auto` | off; `sync.json` in the config folder |
| follow-through policy and tags | `PMTUI_POLICY` | `policy.json` in the config folder |

Every OS uses the same convention (platformdirs' user data and config folders for an app
named `pmtui` with no vendor folder), so a file named in the README is where it says.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from pmtui.core import coach
from pmtui.core.values import value

if TYPE_CHECKING:
    from pmtui.core import policy

APP = "pmtui"


def _folder(environ: Mapping[str, str], variable: str, default: str) -> Path:
    value = environ.get(variable)
    if value:
        return Path(value).expanduser()
    import platformdirs

    found: str = getattr(platformdirs, default)(APP, appauthor=False)
    return Path(found)


@value(frozen=True)
class Settings:
    """Where pmtui keeps things: each folder and file, looked up once."""

    data_dir: Path
    config_dir: Path
    keymap_file: Path
    coach_rules_file: Path
    export_dir: Path
    # Whether the rules file was named (option or variable): then a missing file is a
    # problem to report, not the quiet absence of a team's own rules.
    coach_rules_named: bool = False
    policy_file: Path | None = None

    def __init__(
        self,
        data_dir: Path,
        config_dir: Path,
        keymap_file: Path,
        coach_rules_file: Path,
        export_dir: Path,
        coach_rules_named: bool = False,
        policy_file: Path | None = None,
    ) -> None:
        self.__dict__.update(
            data_dir=data_dir,
            config_dir=config_dir,
            keymap_file=keymap_file,
            coach_rules_file=coach_rules_file,
            export_dir=export_dir,
            coach_rules_named=coach_rules_named,
            policy_file=policy_file,
        )

    @classmethod
    def load(
        cls,
        *,
        data: str | os.PathLike[str] | None = None,
        rules: str | os.PathLike[str] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Settings:
        """The settings for this run: command-line options first, then the environment,
        then the defaults."""
        env = os.environ if environ is None else environ
        data_dir = Path(data).expanduser() if data else _folder(env, "PMTUI_DATA", "user_data_dir")
        config_dir = _folder(env, "PMTUI_CONFIG", "user_config_dir")

        def file(variable: str, default: str) -> Path:
            value = env.get(variable)
            return Path(value).expanduser() if value else config_dir / default

        rules_file = Path(rules).expanduser() if rules else file("PMTUI_COACH_RULES", "coach.json")
        named = bool(rules or env.get("PMTUI_COACH_RULES"))
        export = env.get("PMTUI_EXPORT_DIR")
        return cls(
            data_dir=data_dir,
            config_dir=config_dir,
            keymap_file=file("PMTUI_KEYMAP", "keymap.json"),
            coach_rules_file=rules_file,
            export_dir=Path(export).expanduser() if export else data_dir / "exports",
            coach_rules_named=named,
            policy_file=file("PMTUI_POLICY", "policy.json"),
        )

    @property
    def sync_file(self) -> Path:
        return self.config_dir / "sync.json"

    def sync_on_close(self, environ: Mapping[str, str] | None = None) -> bool:
        """Whether `pmtui sync` runs by itself when a meeting is closed: the variable
        PMTUI_SYNC_ON_CLOSE (1/0) wins over `sync.json` ({"on_close": true}); default off."""
        env = os.environ if environ is None else environ
        value = env.get("PMTUI_SYNC_ON_CLOSE", "").strip().lower()
        if value:
            return value in ("1", "true", "yes", "on")
        try:
            data = json.loads(self.sync_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return False
        return isinstance(data, dict) and data.get("on_close") is True

    def set_sync_on_close(self, on: bool) -> None:
        """Write the switch into `sync.json` (OSError if the config folder is not writable)."""
        self.config_dir.mkdir(parents=True, exist_ok=True)
        self.sync_file.write_text(json.dumps({"on_close": on}) + "\n", encoding="utf-8")

    def policy(self) -> policy.Policy:
        """The team's follow-through policy: the defaults, changed by the policy file.

        A missing file is the defaults; a damaged one is a `policy.PolicyError` (one
        line), because a deadline silently computed from defaults would mislead."""
        from pmtui.core import policy  # the follow-through needs it; a meeting does not

        path = self.policy_file
        if path is None or not path.exists():
            return policy.Policy()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise policy.PolicyError(f"{path}: cannot be read as JSON ({error})") from None
        return policy.from_data(data, str(path))

    def keymap(self) -> tuple[dict[str, str], str | None]:
        """The user's keymap (`{"meeting.next": "f5,ctrl+n"}`) and a problem to show, if any.

        A missing file is no keymap; a damaged one is ignored with a message."""
        path = self.keymap_file
        if not path.is_file():
            return {}, None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            return {}, f"{path}: keymap ignored ({error})"
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            return {}, f'{path}: keymap ignored (expected {{"binding.id": "key,key"}})'
        return data, None

    def coach_rules(self, *, strict: bool = False) -> tuple[list[coach.Rule], str | None]:
        """The built-in coach rules plus the team's own file, and a problem, if any.

        A damaged rules file falls back to the built-in rules with a message; `strict`
        raises `coach.RulesError` instead (for `pmtui check --rules FILE`)."""
        path = self.coach_rules_file
        if not self.coach_rules_named and not path.exists():
            return coach.load_rules(), None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return coach.load_rules(data, str(path)), None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            problem = f"{path}: cannot be read as JSON ({error})"
            if strict:
                raise coach.RulesError(problem) from None
        except coach.RulesError as error:
            if strict:
                raise
            problem = str(error)
        return coach.load_rules(), f"{problem}; using the built-in rules"
