"""Host-side directory commands: ``vm370 directory check|load|dump|password``.

The host's counterpart of the CMS DIRECT command (reference cp-cms.md 7.1):
``check`` is DIRECT's EDIT option (validate, change nothing), ``load``
replaces the stored directory only when the whole file is valid, ``dump``
writes the stored directory back out as USER DIRECT (hashed passwords), and
``password`` sets one user's logon password.  Each returns an exit code
(0 done, 1 invalid input, 2 cannot read or write, or no such user) and the
lines to print; the CLI owns argument parsing and printing.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from directory.default import default_directory
from directory.errors import DirectoryError, Issue
from directory.parser import Hasher, parse_directory
from directory.passwords import hash_password
from directory.store import DirectoryStore
from directory.writer import write_directory

__all__ = [
    "check_file",
    "dump_file",
    "load_default_if_empty",
    "load_file",
    "set_password",
]

Outcome = tuple[int, list[str]]


def _issue_lines(source: str, issue: Issue, severity: str) -> list[str]:
    where = f"{source}:{issue.line}" if issue.line else source
    lines = [f"{where}: {severity}: {issue.message}"]
    if issue.statement:
        lines.append(f"    {issue.statement}")
    return lines


def _report(source: str, errors: list[Issue], warnings: list[Issue]) -> list[str]:
    findings = [(issue, "error") for issue in errors] + [(issue, "warning") for issue in warnings]
    findings.sort(key=lambda finding: finding[0].line)
    lines: list[str] = []
    for issue, severity in findings:
        lines += _issue_lines(source, issue, severity)
    return lines


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _read(path: str | Path) -> str | Outcome:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        return 2, [f"{path}: cannot read: {error.strerror or error}"]


def check_file(path: str | Path) -> Outcome:
    """Validate a USER DIRECT: every error and warning with its line number."""
    text = _read(path)
    if not isinstance(text, str):
        return text
    try:
        result = parse_directory(text, hasher=None)
    except DirectoryError as error:
        lines = _report(str(path), error.errors, error.warnings)
        summary = (
            f"{_plural(len(error.errors), 'error')}, {_plural(len(error.warnings), 'warning')}"
        )
        return 1, [*lines, f"{path}: {summary}; not valid"]
    lines = _report(str(path), [], result.warnings)
    users = _plural(len(result.directory.users), "user")
    return 0, [*lines, f"{path}: {users}, {_plural(len(result.warnings), 'warning')}; valid"]


async def load_file(
    store: DirectoryStore, path: str | Path, *, hasher: Hasher = hash_password
) -> Outcome:
    """Replace the stored directory with a USER DIRECT file; a bad file changes nothing."""
    text = _read(path)
    if not isinstance(text, str):
        return text
    try:
        # Hashing the clear passwords takes a while: keep it off the event loop.
        result = await asyncio.to_thread(parse_directory, text, hasher=hasher)
    except DirectoryError as error:
        lines = _report(str(path), error.errors, error.warnings)
        return 1, [*lines, f"{path}: {_plural(len(error.errors), 'error')}; nothing loaded"]
    await store.migrate()
    await store.replace(result.directory)
    lines = _report(str(path), [], result.warnings)
    return 0, [*lines, f"{path}: loaded {_plural(len(result.directory.users), 'user')}"]


def _write_private(path: Path, text: str) -> None:
    """Write a file readable by its owner only, replacing it whole (it holds hashes)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


async def dump_file(store: DirectoryStore, path: str | Path) -> Outcome:
    """Write the stored directory as USER DIRECT; path ``-`` returns the text as lines."""
    await store.migrate()
    directory = await store.dump()
    text = write_directory(directory)
    if str(path) == "-":
        return 0, text.splitlines()
    try:
        _write_private(Path(path), text)
    except OSError as error:
        return 2, [f"{path}: cannot write: {error.strerror or error}"]
    return 0, [f"{path}: wrote {_plural(len(directory.users), 'user')}"]


async def set_password(store: DirectoryStore, userid: str, clear: str) -> Outcome:
    """Set a user's logon password (NOLOG locks the entry)."""
    await store.migrate()
    try:
        await store.set_password(userid, clear)
    except ValueError as error:
        return 1, [str(error)]
    except LookupError as error:
        return 2, [str(error.args[0])]
    return 0, [f"password of {userid.upper()} changed"]


async def load_default_if_empty(store: DirectoryStore) -> bool:
    """Migrate, and load the built-in default directory into an empty database."""
    await store.migrate()
    if not await store.is_empty():
        return False
    await store.replace(await asyncio.to_thread(default_directory))
    return True
