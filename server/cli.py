"""The ``vm370`` command: ``serve`` runs the system; ``directory`` manages the CP directory.

Every subcommand finds the data directory and settings the same way
(``server.config``), so the host tools work on the data of a running server.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from server.config import Config, ConfigError, load_config


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="TOML config file (default: vm370.toml in the data dir)")
    parser.add_argument("--data-dir", dest="data_dir", help="data directory")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vm370", description="VM/370 re-created in Python.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the system in the foreground")
    _common(serve)
    serve.add_argument("--host", help="listen address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="telnet/TN3270 port (default 3270)")
    serve.add_argument("--directory", help="USER DIRECT file to load at this start")
    serve.add_argument("--node", help="this system's node name")
    directory = commands.add_parser("directory", help="check, load or dump the CP directory")
    actions = directory.add_subparsers(dest="action", required=True)
    for name, text in (
        ("check", "validate a USER DIRECT file"),
        ("load", "load a USER DIRECT file into the database"),
        ("dump", "write the stored directory as USER DIRECT ('-' for stdout)"),
    ):
        action = actions.add_parser(name, help=text)
        _common(action)
        action.add_argument("file")
    password = actions.add_parser("password", help="set a user's logon password")
    _common(password)
    password.add_argument("userid")
    from server.volume_cli import add_volume_parser

    add_volume_parser(commands, _common)
    from server.spool_cli import add_spool_parser

    add_spool_parser(commands, _common)
    from server.savesys_cli import add_savesys_parser

    add_savesys_parser(commands, _common)
    from server.card_cli import add_card_parser

    add_card_parser(commands, _common)
    return parser


def _config(arguments: argparse.Namespace) -> Config:
    values: dict[str, Any] = {
        key: getattr(arguments, key, None)
        for key in ("data_dir", "host", "port", "directory", "node")
    }
    return load_config(values, arguments.config)


def _directory(arguments: argparse.Namespace, config: Config) -> int:
    from directory import commands

    if arguments.action == "check":
        code, lines = commands.check_file(arguments.file)
        for line in lines:
            print(line)
        return code
    config.data_dir.mkdir(parents=True, exist_ok=True)
    if arguments.action == "password":
        clear = _new_password(arguments.userid.upper())
        return _print(
            asyncio.run(_with_store(config, commands.set_password, arguments.userid, clear))
        )
    if arguments.action == "dump":
        return _print(asyncio.run(_with_store(config, commands.dump_file, arguments.file)))
    code = _print(asyncio.run(_with_store(config, commands.load_file, arguments.file)))
    if code == 0:  # the MDISKs' volumes exist as soon as the directory names them
        from directory.parser import parse_directory
        from server.install import install_volumes

        text = Path(arguments.file).read_text(encoding="utf-8", errors="replace")
        for line in install_volumes(config.data_dir, parse_directory(text, hasher=None).directory):
            print(line)
    return code


def _new_password(userid: str) -> str:
    """The new password: typed twice at a terminal, or one line on standard input."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    first = getpass.getpass(f"New password for {userid}: ")
    if getpass.getpass("Again: ") != first:
        print("vm370: the two passwords differ; nothing changed", file=sys.stderr)
        raise SystemExit(1)
    return first


async def _with_store(config: Config, action: Any, *operands: str) -> tuple[int, list[str]]:
    from directory.db import make_engine
    from directory.store import DirectoryStore

    engine = make_engine(config.database)
    try:
        result: tuple[int, list[str]] = await action(DirectoryStore(engine), *operands)
        return result
    finally:
        await engine.dispose()


def _print(result: tuple[int, list[str]]) -> int:
    code, lines = result
    stream = sys.stdout if code == 0 else sys.stderr
    for line in lines:
        print(line, file=stream)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    try:
        config = _config(arguments)
    except ConfigError as error:
        print(f"vm370: {error}", file=sys.stderr)
        return 2
    if arguments.command == "serve":
        from server.app import run

        return run(config)
    if arguments.command == "volume":
        from server.volume_cli import run_volume

        return run_volume(arguments, config)
    if arguments.command == "card":
        from server.card_cli import run_card

        return run_card(arguments, config)
    if arguments.command == "savesys":
        from server.savesys_cli import run_savesys

        return run_savesys(arguments, config)
    if arguments.command == "spool":
        from server.spool_cli import run_spool

        return run_spool(arguments, config)
    return _directory(arguments, config)
