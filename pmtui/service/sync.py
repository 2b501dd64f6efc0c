"""The team's archive in git: `pmtui sync init REMOTE`, `pmtui sync`, `pmtui sync status`.

The git working tree is a folder of its own, `sync/` in the data folder, that pmtui
exports meetings to and imports them from; the store's `meetings/` folder is never a git
tree (see the README for why). It holds, one pair per meeting:

    postmortems/<id>.json   the record, pretty sorted JSON as the store writes it
    minutes/<id>.md         the minutes from the default template, to read in a browser

plus the `.gitignore` and `.gitattributes` pmtui writes. pmtui's own bookkeeping lives
inside `.git/` (`pmtui-sync.json`, `pmtui-sync.lock`), so it is never committed.

A sync: (1) finish a previous sync's import if one was cut short; (2) export the meetings
changed here since the last sync and commit them, naming them; (3) fetch; (4) merge the
remote's commits meeting by meeting with `pmtui.core.merge` (git never merges a meeting
file, so no file ever holds conflict markers) and commit the merge; (5) write the merged
meetings into the store, each under its lock; (6) push. The step in flight is recorded
before the branch moves, so a sync killed at any instant (kill -9 included) leaves the
archive openable and the next sync completes it. No network, a refused login or a
rejected push leave the work committed here, with one line saying what happened.

git is driven as a command: never through a shell, always `git -C <tree>`, with a fixed
environment (no system config, C locale, no terminal prompts) and a timeout.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmtui.core import merge, sessionfile
from pmtui.service.archive import Archive
from pmtui.service.errors import ArchiveError
from pmtui.store.storage import dump_pretty, write_atomic

TREE = "sync"
RECORDS = "postmortems"
MINUTES = "minutes"
STATE = "pmtui-sync.json"
LOCK = "pmtui-sync.lock"
LOCAL_TIMEOUT_S = 120.0
NETWORK_TIMEOUT_S = 600.0
PUSH_ATTEMPTS = 3
LOCK_WAIT_S = 30.0
GITIGNORE = """\
# Written by pmtui: only postmortems/*.json and minutes/*.md belong in this repository.
*.lock
*.tmp
.*.tmp
index/
meetings/
drafts/
damaged/
exports/
"""
# Should someone merge by hand with git, a meeting file is never given conflict markers:
# git keeps one side whole and says there is a conflict; `pmtui sync` merges by ids.
GITATTRIBUTES = """\
postmortems/*.json -merge -text
minutes/*.md -merge
"""

Progress = Callable[[str], None]


class SyncError(ArchiveError):
    """A sync problem a user can cause or meet; str() is the one line to show."""


@dataclass
class SyncResult:
    """What a sync did, for the one or two lines the CLI and the TUI print."""

    committed: list[str] = field(default_factory=list)  # subjects of local commits made
    received: int = 0  # meetings changed here by the remote's commits
    conflicts: int = 0  # new conflicts found by this sync's merges
    pushed: bool = False
    problem: str | None = None  # offline, refused, rejected: the work is committed here
    busy: list[str] = field(default_factory=list)  # meetings left to import next time
    damaged: list[str] = field(default_factory=list)  # files in the repository left alone
    restored: list[str] = field(default_factory=list)  # meetings moved aside here, restored

    def summary(self) -> str:
        parts = []
        if self.committed:
            parts.append(f"committed {len(self.committed)} change(s)")
        if self.received:
            parts.append(f"received changes to {self.received} meeting(s)")
        if self.conflicts:
            parts.append(f"{self.conflicts} new conflict(s): see `pmtui sync status`")
        if self.pushed:
            parts.append("pushed")
        if not parts:
            parts.append("up to date")
        return "sync: " + ", ".join(parts)


@dataclass(frozen=True)
class SyncStatus:
    remote: str
    branch: str
    ahead: int
    behind: int
    changed_here: int  # meetings changed in the store since the last sync
    unfinished: bool  # a sync was cut short; the next one completes it
    conflicts: list[tuple[str, str, dict[str, Any]]]  # (meeting id, title, conflict)


# -- git ------------------------------------------------------------------------------------


def _git_env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GIT_") or k in ("GIT_SSH", "GIT_SSH_COMMAND", "GIT_ASKPASS")
    }
    env.update(
        {
            "GIT_CONFIG_NOSYSTEM": "1",
            "LC_ALL": "C",
            "LANG": "C",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_MERGE_AUTOEDIT": "no",
            "GIT_EDITOR": "true",
        }
    )
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    return env


# Options for every git run: nothing in the user's config changes what pmtui writes.
_OPTIONS = [
    "-c",
    "core.autocrlf=false",
    "-c",
    "core.quotepath=off",
    "-c",
    "commit.gpgsign=false",
    "-c",
    "gc.auto=0",
    "-c",
    "core.fsmonitor=false",
    # No hook from the user's config (a global core.hooksPath) runs on pmtui's commits/pushes.
    "-c",
    "core.hooksPath=/dev/null",
]


class Git:
    """`git -C tree ...` with pmtui's environment; GitFailed carries git's last line."""

    def __init__(self, tree: Path, progress: Progress | None = None) -> None:
        self.tree = tree
        self.progress = progress
        # The sync lock's descriptor, handed to every git run: a git left running by a
        # killed pmtui still holds the lock, so the next sync waits for it to end.
        self.hold: tuple[int, ...] = ()
        if shutil.which("git") is None:
            raise SyncError("git is not installed (pmtui sync drives the git command)")
        self.env = _git_env()

    def run(
        self,
        *args: str,
        check: bool = True,
        network: bool = False,
        input: bytes | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        command = ["git", "-C", os.fspath(self.tree), *_OPTIONS, *args]
        timeout = NETWORK_TIMEOUT_S if network else LOCAL_TIMEOUT_S
        try:
            if network and self.progress is not None:
                done = self._streamed(command, timeout, env)
            else:
                done = subprocess.run(
                    command,
                    input=input,
                    capture_output=True,
                    env=env or self.env,
                    timeout=timeout,
                    check=False,
                    pass_fds=self.hold,
                )
        except subprocess.TimeoutExpired:
            raise GitFailed(args[0], f"git {args[0]} took longer than {timeout:.0f} s") from None
        except FileNotFoundError:
            raise SyncError("git is not installed (pmtui sync drives the git command)") from None
        if check and done.returncode != 0:
            raise GitFailed(
                args[0],
                _last_line(done.stderr) or f"git {args[0]} failed",
                done.stderr.decode("utf-8", "replace"),
            )
        return done

    def _streamed(
        self, command: list[str], timeout: float, env: dict[str, str] | None
    ) -> subprocess.CompletedProcess[bytes]:
        """Run with git's progress lines passed on as they come."""
        assert self.progress is not None
        deadline = time.monotonic() + timeout
        with subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env or self.env,
            pass_fds=self.hold,
        ) as proc:
            assert proc.stderr is not None and proc.stdout is not None
            err = bytearray()
            line = bytearray()
            while True:
                chunk = proc.stderr.read1(4096)
                if not chunk:
                    break
                err.extend(chunk)
                for byte in chunk:
                    if byte in (10, 13):
                        text = line.decode("utf-8", "replace").strip()
                        if text:
                            self.progress(text)
                        line.clear()
                    else:
                        line.append(byte)
                if time.monotonic() > deadline:
                    proc.kill()
                    raise subprocess.TimeoutExpired(command, timeout)
            out = proc.stdout.read()
            code = proc.wait()
        return subprocess.CompletedProcess(command, code, out, bytes(err))

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.decode("utf-8", "replace").strip()

    def ok(self, *args: str) -> bool:
        return self.run(*args, check=False).returncode == 0

    def blobs(self, specs: list[tuple[str | None, str]]) -> dict[tuple[str | None, str], bytes]:
        """Many files of many commits in one `git cat-file --batch`; missing ones left out."""
        wanted = [(c, p) for c, p in specs if c is not None and "\n" not in p]
        if not wanted:
            return {}
        request = "".join(f"{c}:{p}\n" for c, p in wanted).encode("utf-8")
        out = self.run("cat-file", "--batch", input=request).stdout
        found: dict[tuple[str | None, str], bytes] = {}
        at = 0
        for spec in wanted:
            end = out.index(b"\n", at)
            header = out[at:end].split()
            at = end + 1
            if len(header) == 3 and header[1] == b"blob":
                size = int(header[2])
                found[spec] = out[at : at + size]
                at += size + 1
            elif len(header) == 3:  # a tree or other object: skip its body
                at += int(header[2]) + 1
        return found

    def blob(self, commit: str | None, path: str) -> bytes | None:
        if commit is None:
            return None
        done = self.run("cat-file", "blob", f"{commit}:{path}", check=False)
        return done.stdout if done.returncode == 0 else None


class GitFailed(SyncError):
    def __init__(self, command: str, line: str, stderr: str = "") -> None:
        self.command = command
        self.line = line
        self.stderr = stderr
        super().__init__(line)


def _last_line(stderr: bytes) -> str:
    lines = [
        line.strip()
        for line in stderr.decode("utf-8", "replace").replace("\r", "\n").splitlines()
        if line.strip() and not line.startswith("hint:")
    ]
    errors = [line for line in lines if line.lower().startswith(("fatal:", "error:", "remote:"))]
    chosen = (errors or lines or [""])[-1] if not any("pre-receive" in x for x in lines) else ""
    if not chosen:  # a hook's refusal: its own words are the reason
        said = [x[len("remote:") :].strip() for x in lines if x.startswith("remote:")]
        said = [x for x in said if x]
        chosen = f"the remote refused the push: {said[0]}" if said else "the remote refused"
    for prefix in ("fatal: ", "error: "):
        if chosen.startswith(prefix):
            chosen = chosen[len(prefix) :]
    return chosen


def _network_problem(error: GitFailed, remote: str) -> str:
    line = error.line
    low = line.lower()
    if "refused the push" in low or "pre-receive" in low or "hook declined" in low:
        what = line
    elif "authentication" in low or "permission denied" in low or "403" in low:
        what = f"the remote {remote} refused the login ({line})"
    elif "could not read from remote" in low or "does not appear to be a git" in low:
        what = f"cannot reach {remote} ({line})"
    elif "could not resolve host" in low or "network" in low or "timed out" in low:
        what = f"offline: cannot reach {remote} ({line})"
    else:
        what = f"{remote}: {line}"
    return f"{what}; your work is committed here and the next `pmtui sync` carries on"


# -- the sync -------------------------------------------------------------------------------


def _title_of(record: dict[str, Any] | None) -> str:
    if not record:
        return "?"
    title = record.get("title")
    text = title if isinstance(title, str) and title.strip() else "Untitled"
    return " ".join(text.split())[:72]


# Fields of a record that stay on this laptop: text typed but not yet added.
LOCAL_ONLY = ("drafts",)


def _record_bytes(record: dict[str, Any]) -> bytes:
    """A record as the repository holds it: without what stays on this laptop."""
    return dump_pretty({k: v for k, v in record.items() if k not in LOCAL_ONLY})


class _Bad:
    """A file in the repository that is not a meeting record (damaged, hand-edited)."""


BAD: Any = _Bad()
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _parse(data: bytes | None, meeting_id: str | None = None) -> Any:
    """The record in a file's bytes; None if there is no file; BAD if it is not one (or
    names another meeting than its file)."""
    if data is None:
        return None
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return BAD
    if not isinstance(value, dict) or not isinstance(value.get("id"), str):
        return BAD
    if meeting_id is not None and value["id"] != meeting_id:
        return BAD
    return value


_ITEM_LISTS = ("timeline", "went_right", "went_wrong", "got_lucky", "whys", "action_items")


def _lacks_ids(record: dict[str, Any]) -> bool:
    """Whether some item of the record has no id (a record of format version 1 or 2)."""
    for key in _ITEM_LISTS:
        items = record.get(key)
        if isinstance(items, list) and any(
            not (isinstance(i, dict) and isinstance(i.get("id"), str)) for i in items
        ):
            return True
    return False


def _usable(record: Any) -> bool:
    """Whether a record reads as a meeting (else it must not reach the store)."""
    if not isinstance(record, dict):
        return False
    try:
        sessionfile.from_record(record, source="sync")
    except sessionfile.SessionFileError:
        return False
    except Exception:  # whatever a hostile file holds must not stop the sync
        return False
    return True


def minutes_of(record: dict[str, Any]) -> bytes:
    """The default template's minutes for a record; stamped with its own time so the
    file changes only when the meeting does."""
    from pmtui.export.markdown import render_markdown

    try:
        pm = sessionfile.from_record(record, source=f"meeting {record.get('id')}")
        text = render_markdown(pm, now=pm.updated_at)
    except Exception as error:  # a record the exporter cannot render still syncs
        text = f"# {_title_of(record)}\n\n(minutes could not be written: {type(error).__name__})\n"
    return text.encode("utf-8")


def _describe(record: dict[str, Any] | None) -> str:
    """A few words of what a record holds, for a commit subject."""
    if not record:
        return ""
    items = record.get("action_items") or []
    done = sum(1 for a in items if isinstance(a, dict) and a.get("status") == "done")
    if items:
        return f" ({done} of {len(items)} actions done)"
    return ""


def commit_message(changes: list[tuple[str, dict[str, Any] | None]]) -> str:
    """Subject and body naming the meetings changed ("Update: <title> (...)")."""
    lines = [f"{verb}: {_title_of(rec)}{_describe(rec)}" for verb, rec in changes]
    if len(lines) == 1:
        return lines[0] + "\n"
    verbs = sorted({verb for verb, _ in changes})
    subject = f"{'/'.join(verbs)}: {len(lines)} meetings"
    return subject + "\n\n" + "\n".join(f"- {line}" for line in lines) + "\n"


class Sync:
    """The git sync of one archive."""

    def __init__(self, archive: Archive, *, progress: Progress | None = None) -> None:
        self.archive = archive
        self.tree = archive.settings.data_dir / TREE
        self.progress = progress
        self.git = Git(self.tree, progress)
        self._branch: str | None = None

    # -- state ----------------------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        return (self.tree / ".git").is_dir()

    def _state_path(self) -> Path:
        return self.tree / ".git" / STATE

    def _state(self) -> dict[str, Any]:
        try:
            value = json.loads(self._state_path().read_bytes())
        except (OSError, ValueError):
            return {}
        return value if isinstance(value, dict) else {}

    def _save_state(self, state: dict[str, Any]) -> None:
        write_atomic(self._state_path(), json.dumps(state, sort_keys=True).encode())

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        path = self.tree / ".git" / LOCK
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            deadline = time.monotonic() + LOCK_WAIT_S
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise SyncError("another pmtui sync is running on this archive") from None
                    time.sleep(0.1)
            self._clear_stale_git_locks()
            self.git.hold = (fd,)
            yield
        finally:
            self.git.hold = ()
            os.close(fd)

    def _clear_stale_git_locks(self) -> None:
        """git's own lock files left by a killed git: while we hold our lock no git of
        ours runs here, so they are stale (git would refuse to work until they go)."""
        git_dir = self.tree / ".git"
        for path in [git_dir / "index.lock", git_dir / "HEAD.lock", git_dir / "packed-refs.lock"]:
            path.unlink(missing_ok=True)
        refs = git_dir / "refs"
        if refs.is_dir():
            for path in refs.rglob("*.lock"):
                path.unlink(missing_ok=True)

    def _say(self, text: str) -> None:
        if self.progress is not None:
            self.progress(text)

    def _require(self) -> None:
        if not self.enabled:
            raise SyncError("this archive is not synced yet: run `pmtui sync init REMOTE` first")

    def remote(self) -> str:
        """The remote, as it may be shown: a password or token in its URL is left out."""
        url = self.git.out("remote", "get-url", "origin") if self.enabled else ""
        return re.sub(r"^([a-z+]+://)[^/@]*@", r"\1", url)

    def branch(self) -> str:
        if self._branch is None:
            self._branch = self.git.out("symbolic-ref", "--short", "HEAD")
        return self._branch

    def _identity(self) -> dict[str, str] | None:
        """An author for pmtui's commits when the user has set none."""
        name = self.git.run("config", "user.name", check=False).stdout.strip()
        email = self.git.run("config", "user.email", check=False).stdout.strip()
        if name and email:
            return None
        env = dict(self.git.env)
        user = "someone"
        with contextlib.suppress(Exception):
            user = getpass.getuser()
        host = socket.gethostname() or "localhost"
        env.setdefault("GIT_AUTHOR_NAME", f"{user} (pmtui)")
        env.setdefault("GIT_AUTHOR_EMAIL", f"{user}@{host}")
        env["GIT_COMMITTER_NAME"] = env["GIT_AUTHOR_NAME"]
        env["GIT_COMMITTER_EMAIL"] = env["GIT_AUTHOR_EMAIL"]
        return env

    # -- init -----------------------------------------------------------------------------

    def init(self, remote: str) -> SyncResult:
        """Make the archive track `remote`: clone it when it has postmortems, else push."""
        if self.enabled:
            raise SyncError(f"this archive already syncs with {self.remote()}")
        if not remote.strip() or remote.startswith("-"):
            raise SyncError("give the remote repository (a URL or a path)")
        if self.tree.exists() and any(self.tree.iterdir()):
            raise SyncError(f"{self.tree} is in the way: move it aside first")
        self._say(f"looking at {remote}")
        probe = Git(self.archive.settings.data_dir, self.progress)
        try:
            heads = probe.run("ls-remote", "--symref", remote, network=True)
        except GitFailed as error:
            raise SyncError(f"cannot use {remote}: {error.line}") from None
        text = heads.stdout.decode("utf-8", "replace")
        branches = [
            line.split("\t", 1)[1][len("refs/heads/") :]
            for line in text.splitlines()
            if not line.startswith("ref:") and "\trefs/heads/" in line
        ]
        named = [
            line[len("ref: refs/heads/") : -len("\tHEAD")]
            for line in text.splitlines()
            if line.startswith("ref: refs/heads/") and line.endswith("\tHEAD")
        ]
        if named and named[0] in branches:
            branch = named[0]
        elif branches:
            branch = "main" if "main" in branches else branches[0]
        else:
            branch = self._empty_remote_branch(probe, remote)
        has_history = bool(branches)
        staging = self.tree.with_name(f".{TREE}.{os.getpid()}.partial")
        shutil.rmtree(staging, ignore_errors=True)
        try:
            if has_history:
                self._say(f"cloning {remote}")
                probe.run(
                    "clone", "--progress", "--no-checkout", "-b", branch, "--", remote,
                    staging.name,
                    network=True,
                )  # fmt: skip
                staged = Git(staging, self.progress)
                staged.run("checkout", "-q", branch)
            else:
                staging.mkdir(parents=True)
                staged = Git(staging, self.progress)
                staged.run("init", "-q", "-b", branch)
                staged.run("remote", "add", "origin", remote)
            head = staged.run("rev-parse", "-q", "--verify", "HEAD", check=False)
            target = head.stdout.decode().strip() if head.returncode == 0 else None
            ids = self._ids_in(staged, target) if target else []
            state = {"pending": {"base": None, "target": target, "ids": ids}} if ids else {}
            (staging / ".git" / STATE).write_text(json.dumps(state, sort_keys=True))
            os.rename(staging, self.tree)  # the archive syncs from this instant
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return self.sync()

    @staticmethod
    def _empty_remote_branch(probe: Git, remote: str) -> str:
        """The branch to start an empty remote with: the one its HEAD names when it is a
        folder here (so a plain `git clone` of it checks the postmortems out), else main."""
        if Path(remote).expanduser().is_dir():
            done = probe.run(
                "--git-dir", str(Path(remote).expanduser()), "symbolic-ref", "--short", "HEAD",
                check=False,
            )  # fmt: skip
            name = done.stdout.decode("utf-8", "replace").strip()
            if done.returncode == 0 and name and not name.startswith("-"):
                return name
        return "main"

    def _ids_in(self, git: Git, commit: str) -> list[str]:
        names = git.out("ls-tree", "--name-only", commit, f"{RECORDS}/")
        found = (Path(n).name[:-5] for n in names.splitlines() if n.endswith(".json"))
        return sorted(i for i in found if _ID.match(i))

    # -- sync -----------------------------------------------------------------------------

    def sync(self) -> SyncResult:
        self._require()
        result = SyncResult()
        with self._locked():
            self._ensure_files()
            self._finish_import(result)
            self._export_and_commit(result)
            for attempt in range(PUSH_ATTEMPTS):
                if not self._fetch(result):
                    return result
                self._merge_remote(result)
                self._finish_import(result)
                if self._push(result, last=attempt == PUSH_ATTEMPTS - 1):
                    break
        return result

    def _ensure_files(self) -> None:
        for name, text in ((".gitignore", GITIGNORE), (".gitattributes", GITATTRIBUTES)):
            path = self.tree / name
            try:
                current = path.read_text(encoding="utf-8")
            except OSError:
                current = None
            if current != text:
                write_atomic(path, text.encode(), fsync=False)
        for folder in (RECORDS, MINUTES):
            (self.tree / folder).mkdir(exist_ok=True)

    def _tree_ids(self) -> set[str]:
        """The meetings in the working tree (a file named otherwise is left alone)."""
        found = (p.name[:-5] for p in (self.tree / RECORDS).glob("*.json"))
        return {i for i in found if _ID.match(i)}

    def _moved_aside(self, meeting_id: str) -> bool:
        damaged = self.archive.settings.data_dir / "damaged"
        return any(damaged.glob(f"{meeting_id}.*.json"))

    def _head(self) -> str | None:
        done = self.git.run("rev-parse", "-q", "--verify", "HEAD", check=False)
        return done.stdout.decode().strip() if done.returncode == 0 else None

    # -- export: the store into the working tree, one commit ------------------------------

    def _export_and_commit(self, result: SyncResult) -> None:
        state = self._state()
        pending = set((state.get("pending") or {}).get("ids") or [])
        stamps: dict[str, list[int]] = state.get("exported") or {}
        head = self._head()
        # Anything in the tree not committed is a cut-short sync's: HEAD is the truth.
        if head is not None:
            self.git.run("reset", "-q", "--hard", "HEAD")
        self.git.run("clean", "-q", "-f", "--", RECORDS, MINUTES)
        self._ensure_files()
        in_store = set(self.archive.ids())
        in_tree = self._tree_ids()
        changes: list[tuple[str, dict[str, Any] | None]] = []
        new_stamps: dict[str, list[int]] = {}
        ids = sorted(in_store | in_tree)
        for n, meeting_id in enumerate(ids):
            if n and n % 200 == 0:
                self._say(f"exporting: {n} of {len(ids)} meetings looked at")
            if meeting_id in pending:
                continue  # its merge is not in the store yet: nothing of ours to send
            record_path = self.tree / RECORDS / f"{meeting_id}.json"
            if meeting_id not in in_store:
                old = _parse(self._read(record_path), meeting_id)
                if self._moved_aside(meeting_id) and _usable(old):
                    # Its file here was damaged and moved aside: the repository's copy is
                    # good, so it comes back rather than being deleted for everyone.
                    if self.archive.put_record(old) is None:
                        result.restored.append(_title_of(old))
                    continue
                old = old if isinstance(old, dict) else None
                record_path.unlink(missing_ok=True)
                (self.tree / MINUTES / f"{meeting_id}.md").unlink(missing_ok=True)
                changes.append(("Delete", old))
                continue
            stamp = self.archive.file_stamp(meeting_id)
            if (
                stamp is not None
                and stamps.get(meeting_id) == list(stamp)
                and meeting_id in in_tree
            ):
                new_stamps[meeting_id] = list(stamp)
                continue
            try:
                record = self.archive.record(meeting_id)
            except ArchiveError:
                continue  # a damaged meeting stays here, unsent; `pmtui list` names it
            if _lacks_ids(record):
                # Written by an older pmtui: its items get ids each time it is read until
                # it is saved once. Save it with ids now, so merges by id hold.
                try:
                    record = sessionfile.to_record(sessionfile.from_record(record))
                except sessionfile.SessionFileError:
                    continue
                if self.archive.put_record(record) is not None:
                    continue  # open in another pmtui: sent at the next sync
                stamp = self.archive.file_stamp(meeting_id)
            data = _record_bytes(record)
            if stamp is not None:
                new_stamps[meeting_id] = list(stamp)
            if self._read(record_path) == data:
                continue
            changes.append(("Update" if meeting_id in in_tree else "Add", record))
            write_atomic(record_path, data, fsync=False)
            write_atomic(self.tree / MINUTES / f"{meeting_id}.md", minutes_of(record), fsync=False)
        self.git.run("add", "-A", "--", ".gitignore", ".gitattributes", RECORDS, MINUTES)
        staged = self.git.run("diff", "--cached", "--quiet", check=False).returncode != 0
        if staged or head is None:
            message = commit_message(changes) if changes else "pmtui: set up the archive\n"
            self._commit(message, allow_empty=head is None)
            result.committed.append(message.splitlines()[0])
        state = self._state()
        state["exported"] = new_stamps
        self._save_state(state)

    @staticmethod
    def _read(path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except OSError:
            return None

    def _commit(self, message: str, *, allow_empty: bool = False) -> None:
        extra = ["--allow-empty"] if allow_empty else []
        self.git.run(
            "commit", "-q", "--no-verify", *extra, "-F", "-",
            input=message.encode("utf-8"), env=self._identity(),
        )  # fmt: skip

    # -- fetch, merge, push ---------------------------------------------------------------

    def _fetch(self, result: SyncResult) -> bool:
        self._say("fetching")
        try:
            self.git.run("fetch", "--progress", "--prune", "origin", network=True)
        except GitFailed as error:
            result.problem = _network_problem(error, self.remote())
            return False
        return True

    def _remote_head(self) -> str | None:
        ref = f"refs/remotes/origin/{self.branch()}"
        done = self.git.run("rev-parse", "-q", "--verify", ref, check=False)
        return done.stdout.decode().strip() if done.returncode == 0 else None

    def _merge_remote(self, result: SyncResult) -> None:
        theirs = self._remote_head()
        ours = self._head()
        if theirs is None or ours is None or theirs == ours:
            return
        if self.git.ok("merge-base", "--is-ancestor", theirs, ours):
            return  # nothing new there
        base_out = self.git.run("merge-base", ours, theirs, check=False)
        base = base_out.stdout.decode().strip() or None if base_out.returncode == 0 else None
        theirs_changed = self._changed_ids(base, theirs)
        if self.git.ok("merge-base", "--is-ancestor", ours, theirs):
            target = theirs  # a fast-forward
            ids = theirs_changed
            self._advance(ours, target, ids, fast_forward=True)
            result.received += len(ids)
            return
        ours_changed = set(self._changed_ids(base, ours))
        self._say(f"merging {len(theirs_changed)} meeting(s) changed on the remote")
        touched: list[tuple[str, dict[str, Any] | None]] = []
        specs: list[tuple[str | None, str]] = []
        for meeting_id in theirs_changed:
            path = f"{RECORDS}/{meeting_id}.json"
            specs += [(theirs, path), (base, path), (ours, path)]
            specs.append((theirs, f"{MINUTES}/{meeting_id}.md"))
        blobs = self.git.blobs(specs)
        for meeting_id in theirs_changed:
            path = f"{RECORDS}/{meeting_id}.json"
            theirs_bytes = blobs.get((theirs, path))
            record_file = self.tree / path
            minutes_file = self.tree / MINUTES / f"{meeting_id}.md"
            theirs_record = _parse(theirs_bytes, meeting_id)
            ours_record = _parse(blobs.get((ours, path)), meeting_id)
            if theirs_record is BAD:
                # Not a meeting record: keep ours as it is, and say so.
                result.damaged.append(f"{path} on the remote is not a meeting record; kept ours")
                if ours_record is None or ours_record is BAD:
                    continue
                merged, minutes = ours_record, None
                theirs_bytes = _record_bytes(ours_record)
            elif meeting_id not in ours_changed:
                merged = theirs_record
                minutes = blobs.get((theirs, f"{MINUTES}/{meeting_id}.md"))
            else:
                base_record = _parse(blobs.get((base, path)), meeting_id)
                outcome = merge.merge_records(
                    None if base_record is BAD else base_record,
                    None if ours_record is BAD else ours_record,
                    theirs_record,
                )
                merged = outcome.record
                result.conflicts += len(outcome.conflicts)
                minutes = minutes_of(merged) if merged is not None else None
            if merged is None:
                record_file.unlink(missing_ok=True)
                minutes_file.unlink(missing_ok=True)
            else:
                data = theirs_bytes if meeting_id not in ours_changed else _record_bytes(merged)
                assert data is not None
                write_atomic(record_file, data, fsync=False)
                write_atomic(minutes_file, minutes or minutes_of(merged), fsync=False)
            touched.append(("Merge", merged or (ours_record or None)))
        self.git.run("add", "-A", "--", RECORDS, MINUTES)
        tree = self.git.out("write-tree")
        message = commit_message(touched) if touched else "Merge\n"
        message = "Merge " + message[len("Merge: ") :] if message.startswith("Merge: ") else message
        done = self.git.run(
            "commit-tree", tree, "-p", ours, "-p", theirs, "-F", "-",
            input=message.encode("utf-8"), env=self._identity(),
        )  # fmt: skip
        target = done.stdout.decode().strip()
        self._advance(ours, target, theirs_changed, fast_forward=False)
        result.received += len(theirs_changed)
        result.committed.append(message.splitlines()[0])

    def _changed_ids(self, old: str | None, new: str) -> list[str]:
        if old is None:
            return self._ids_in(self.git, new)
        names = self.git.out("diff", "--name-only", "--no-renames", old, new, "--", f"{RECORDS}/")
        found = (Path(n).name[:-5] for n in names.splitlines() if n.endswith(".json"))
        return sorted(i for i in found if _ID.match(i))

    def _advance(self, old: str, target: str, ids: list[str], *, fast_forward: bool) -> None:
        """Move the branch to `target`, having first recorded the import still to do."""
        state = self._state()
        pending = state.get("pending")
        if pending:  # an earlier import not finished: keep its base, widen its ids
            ids = sorted(set(ids) | set(pending.get("ids") or []))
            old = pending.get("base") or old
        state["pending"] = {"base": old, "target": target, "ids": ids}
        self._save_state(state)
        self.git.run("update-ref", "-m", "pmtui sync", "HEAD", target)
        if fast_forward:
            self.git.run("reset", "-q", "--hard", target)

    # -- import: the merged meetings into the store ---------------------------------------

    def _finish_import(self, result: SyncResult) -> None:
        state = self._state()
        pending = state.get("pending")
        if not pending:
            return
        base = pending.get("base")
        head = self._head()
        ids: list[str] = list(pending.get("ids") or [])
        if head != pending.get("target") and (head == base or head is None):
            # Killed before the branch moved: the merge never happened; forget it.
            state.pop("pending", None)
            self._save_state(state)
            return
        left: list[str] = []
        stamps = state.get("exported") or {}
        paths = [f"{RECORDS}/{meeting_id}.json" for meeting_id in ids]
        blobs = self.git.blobs([(c, p) for p in paths for c in (head, base)])
        applied = 0
        for n, meeting_id in enumerate(ids):
            if n and n % 200 == 0:
                self._say(f"importing: {n} of {len(ids)} meetings")
            path = f"{RECORDS}/{meeting_id}.json"
            theirs = _parse(blobs.get((head, path)), meeting_id)
            base_record = _parse(blobs.get((base, path)), meeting_id)
            if base_record is BAD:
                base_record = None
            if theirs is BAD or (theirs is not None and not _usable(theirs)):
                result.damaged.append(f"{path} is not a meeting record; left out of the archive")
                continue
            try:
                store_record: dict[str, Any] | None = self.archive.record(meeting_id)
            except ArchiveError:
                store_record = None
            if (
                store_record is not None
                and base_record is not None
                and _record_bytes(store_record) == _record_bytes(base_record)
            ):
                wanted = theirs  # unchanged here since: take the merge
            elif store_record is None and base_record is not None:
                wanted = merge.merge_records(base_record, None, theirs).record
            else:  # changed here while the sync was cut short: merge that too
                outcome = merge.merge_records(base_record, store_record, theirs)
                wanted = outcome.record
                result.conflicts += len(outcome.conflicts)
            if wanted is None:
                problem = self.archive.remove(meeting_id)
                applied += problem is None and store_record is not None
            elif store_record is not None and _record_bytes(store_record) == _record_bytes(wanted):
                problem = None
            else:
                problem = self.archive.put_record(wanted)
                applied += problem is None
            if problem is not None:
                left.append(meeting_id)
                result.busy.append(f"{_title_of(wanted or theirs)}: {problem}")
            stamps.pop(meeting_id, None)  # let the next export look at it again
        result.received = max(result.received, applied)
        state["exported"] = stamps
        if left:
            state["pending"] = {"base": base, "target": head, "ids": left}
        else:
            state.pop("pending", None)
        self._save_state(state)

    def _push(self, result: SyncResult, *, last: bool) -> bool:
        """Push; True when done or hopeless, False to fetch and merge again."""
        head = self._head()
        if head is None or head == self._remote_head():
            return True
        self._say("pushing")
        branch = self.branch()
        try:
            self.git.run("push", "--progress", "origin", f"HEAD:refs/heads/{branch}", network=True)
        except GitFailed as error:
            low = error.stderr.lower()
            behind = "fetch first" in low or "non-fast-forward" in low
            if not last and behind and "remote rejected" not in low:
                return False  # someone pushed meanwhile: merge theirs and try again
            result.problem = _network_problem(error, self.remote())
            return True
        self.git.run("update-ref", f"refs/remotes/origin/{branch}", head, check=False)
        self.git.run("branch", "-q", f"--set-upstream-to=origin/{branch}", check=False)
        result.pushed = True
        return True

    # -- status ---------------------------------------------------------------------------

    def status(self) -> SyncStatus:
        self._require()
        state = self._state()
        head = self._head()
        remote_head = self._remote_head()
        ahead = behind = 0
        if head and remote_head:
            counts = self.git.out("rev-list", "--left-right", "--count", f"{head}...{remote_head}")
            ahead, behind = (int(x) for x in counts.split())
        elif head:
            ahead = int(self.git.out("rev-list", "--count", head))
        stamps = state.get("exported") or {}
        ids = set(self.archive.ids())
        in_tree = self._tree_ids()
        changed = len(in_tree - ids)
        for meeting_id in ids:
            stamp = self.archive.file_stamp(meeting_id)
            if (
                meeting_id in in_tree
                and stamp is not None
                and stamps.get(meeting_id) == list(stamp)
            ):
                continue
            try:
                data = _record_bytes(self.archive.record(meeting_id))
            except ArchiveError:
                continue
            changed += data != self._read(self.tree / RECORDS / f"{meeting_id}.json")
        conflicts = []
        for meeting_id in sorted(ids):
            if not self.archive.may_hold(meeting_id, b'"conflicts"'):
                continue
            try:
                record = self.archive.record(meeting_id)
            except ArchiveError:
                continue
            for c in merge.open_conflicts(record):
                conflicts.append((meeting_id, _title_of(record), c))
        return SyncStatus(
            remote=self.remote(),
            branch=self.branch(),
            ahead=ahead,
            behind=behind,
            changed_here=changed,
            unfinished=bool(state.get("pending")),
            conflicts=conflicts,
        )


def resolve_conflict(
    archive: Archive, meeting_id: str, conflict: str, *, take_other: bool = False
) -> str:
    """Resolve one conflict of a meeting (not open elsewhere); what was done, one line."""
    record = archive.record(meeting_id)
    try:
        fixed = merge.resolve(record, conflict, take_other=take_other)
    except merge.ResolveError as error:
        raise SyncError(str(error)) from None
    problem = archive.put_record(fixed)
    if problem is not None:
        raise SyncError(problem)
    left = len(merge.open_conflicts(fixed))
    taken = "took the other value" if take_other else "kept the value it holds"
    return f"resolved: {taken}; {left} conflict(s) left in this meeting"


describe_conflict = merge.describe


def sync_after_close(
    archive: Archive, on_done: Callable[[str, bool], None]
) -> threading.Thread | None:
    """When the settings switch is on and the archive syncs: sync in a background thread
    (a meeting was just closed, so no one is typing into it); `on_done(line, ok)` is called
    from that thread. None when there is nothing to do. The thread is not a daemon: a pmtui
    quitting right after closing a meeting finishes the sync before it exits."""
    if not archive.settings.sync_on_close():
        return None
    try:
        sync = Sync(archive)
    except SyncError as error:
        on_done(str(error), False)
        return None
    if not sync.enabled:
        return None

    def run() -> None:
        try:
            result = sync.sync()
        except (SyncError, OSError) as error:
            on_done(f"sync failed: {error}", False)
            return
        if result.problem:
            on_done(result.problem, False)
        else:
            on_done(result.summary(), True)

    thread = threading.Thread(target=run, name="pmtui-sync", daemon=False)
    thread.start()
    return thread
