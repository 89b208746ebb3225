"""Saved state of guests written in Python (RSCS's run-time DEFINE/ROUTE changes, ...).

One JSON document per userid and guest name in ``<data dir>/guests/``,
replaced whole (write to a temporary file, fsync, rename), so a crash
leaves either the old or the new state.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any


class GuestStateStore:
    """Where guests keep what must survive a restart."""

    def __init__(self, data_dir: Path | None) -> None:
        self.folder = data_dir / "guests" if data_dir is not None else None
        self.memory: dict[str, dict[str, Any]] = {}

    def _path(self, userid: str, name: str) -> Path | None:
        if self.folder is None:
            return None
        return self.folder / f"{userid.upper()}.{name.upper()}.json"

    async def load(self, userid: str, name: str) -> dict[str, Any]:
        path = self._path(userid, name)
        if path is None:
            return dict(self.memory.get(f"{userid}.{name}", {}))
        return await asyncio.to_thread(_read, path)

    async def save(self, userid: str, name: str, state: dict[str, Any]) -> None:
        text = json.dumps(state, sort_keys=True, indent=1)
        path = self._path(userid, name)
        if path is None:
            self.memory[f"{userid}.{name}"] = json.loads(text)
            return
        await asyncio.to_thread(_write, path, text)


def _read(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)
