"""System configuration: command line, then ``VM370_*`` environment, then the
TOML config file, then defaults.

The data directory (``--data-dir``, ``VM370_DATA_DIR``, or
``${XDG_DATA_HOME:-~/.local/share}/vm370``) holds the SQLite database, the
volume images and, by default, the config file ``vm370.toml``. Every host
subcommand finds it the same way, so ``vm370 directory load`` works on the
same data as a running ``vm370 serve``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

ENV_PREFIX = "VM370_"


class ConfigError(Exception):
    """The configuration file or an option value is wrong."""


@dataclass
class Config:
    """Every setting of a vm370 system (documented in README.md and deploy/vm370.toml)."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 3270
    directory: Path | None = None
    node: str = "VM370"
    timezone: str | None = None
    database_url: str | None = None
    operator: str = "OPERATOR"
    prelogon_timeout: float = 300.0
    log_level: str = "INFO"
    dasd_sync: str = "none"  # "write": fsync volume images after every write
    spool_user_records: int | None = None  # spool records one user may originate
    spool_system_records: int | None = None  # spool records the whole system holds
    start_drained: bool = False  # real printers/punches/reader DRAINED at start (START ... DRAIN)
    guests: dict[str, str] = field(default_factory=dict)  # IPL name -> "module:function"
    autolog: list[str] = field(default_factory=lambda: ["RSCS"])  # logged on at start-up
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)  # e.g. [rscs]

    @property
    def database(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'vm370.db'}"


KEYS = {field.name for field in fields(Config)}


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "vm370"


def _guests(value: Any) -> dict[str, str]:
    """``{"ECHO": "pkg.mod:main"}`` from TOML, or ``ECHO=pkg.mod:main,...`` from the environment."""
    if isinstance(value, str):
        pairs = [item.split("=", 1) for item in value.split(",") if item.strip()]
        if any(len(pair) != 2 for pair in pairs):
            raise ValueError(value)
        value = {name.strip(): target.strip() for name, target in pairs}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and ":" in v for k, v in value.items()
    ):
        raise ValueError(value)
    return {k.upper(): v for k, v in value.items()}


def _convert(name: str, value: Any) -> Any:
    try:
        if name == "guests":
            return _guests(value)
        if name == "autolog":
            items = value.split(",") if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise ValueError(value)
            return [item.strip().upper() for item in items if item.strip()]
        if name == "port":
            port = int(value)
            if not 0 <= port <= 65535:
                raise ValueError(value)
            return port
        if name == "prelogon_timeout":
            return float(value)
        if name in ("spool_user_records", "spool_system_records"):
            limit = int(value)
            if limit < 1:
                raise ValueError(value)
            return limit
        if name in ("data_dir", "directory"):
            return Path(str(value)).expanduser()
        if name == "sections":
            return value
        if name == "start_drained":
            if isinstance(value, bool):
                return value
            if str(value).lower() not in ("0", "1", "true", "false", "yes", "no"):
                raise ValueError(value)
            return str(value).lower() in ("1", "true", "yes")
        if name in ("node", "operator"):
            return str(value).upper()
        if name == "dasd_sync":
            if str(value).lower() not in ("none", "write"):
                raise ValueError(value)
            return str(value).lower()
    except (TypeError, ValueError) as error:
        raise ConfigError(f"invalid value for {name}: {value!r}") from error
    return str(value)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            table = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from error
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror}") from error
    system = table.get("system", {})
    merged = {k: v for k, v in table.items() if not isinstance(v, dict) or k == "guests"}
    sections = {
        k.lower(): v
        for k, v in table.items()
        if isinstance(v, dict) and k not in ("system", "guests")
    }
    merged.update(system if isinstance(system, dict) else {})
    unknown = sorted(set(merged) - KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s): {', '.join(unknown)}")
    if sections:
        merged["sections"] = sections
    return merged


def _environment() -> dict[str, str]:
    found = {}
    for key in KEYS:
        value = os.environ.get(ENV_PREFIX + key.upper())
        if value is not None and value != "":
            found[key] = value
    return found


def load_config(cli: dict[str, Any], config_file: str | None = None) -> Config:
    """Combine ``cli`` (None values are absent) with environment, file and defaults."""
    given = {k: v for k, v in cli.items() if v is not None and k in KEYS}
    environment = _environment()
    config_name = config_file or os.environ.get(ENV_PREFIX + "CONFIG")
    data_dir = given.get("data_dir") or environment.get("data_dir")
    file_values: dict[str, Any] = {}
    if config_name:
        file_values = _read_toml(Path(config_name).expanduser())
    else:
        probe = Path(str(data_dir)).expanduser() if data_dir else default_data_dir()
        if (probe / "vm370.toml").exists():
            file_values = _read_toml(probe / "vm370.toml")
    merged: dict[str, Any] = {"data_dir": default_data_dir()}
    for layer in (file_values, environment, given):
        for key, value in layer.items():
            merged[key] = _convert(key, value)
    return Config(**merged)
