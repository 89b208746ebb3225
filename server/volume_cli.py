"""``vm370 volume``: create, import, list and export DASD volume images.

The host-side tool for the volume registry (:mod:`server.dasd.volumes`): it
finds the data directory as every other subcommand does (``server.config``), so
it works on the volumes of a running system.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from server.config import Config
from server.dasd.cckd import Compression
from server.dasd.errors import VolumeError
from server.dasd.volumes import VolumeInfo, VolumeRegistry

__all__ = ["add_volume_parser", "run_volume"]

_COMPRESSION = {"zlib": Compression.ZLIB, "bzip2": Compression.BZIP2, "none": Compression.NONE}


def add_volume_parser(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Add ``volume`` and its actions to the ``vm370`` subcommands."""
    volume = commands.add_parser("volume", help="create, import, list or export DASD volumes")
    actions = volume.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create an initialised (labelled) volume")
    create.add_argument("volser")
    create.add_argument("devtype", help="2314, 3330, 3330-11, 3340, 3350, 3375, 3380, 3310, 3370")
    create.add_argument("--size", type=int, help="cylinders (CKD) or blocks (FBA)")
    imported = actions.add_parser("import", help="import a Hercules CKD, CCKD, FBA or CFBA image")
    imported.add_argument("file")
    imported.add_argument("--volser", help="volume serial (default: from the VOL1 label)")
    imported.add_argument("--devtype", help="device type of a plain FBA image")
    actions.add_parser("list", help="list the volumes")
    export = actions.add_parser("export", help="write a volume to a Hercules image file")
    export.add_argument("volser")
    export.add_argument("file")
    export.add_argument(
        "--compress",
        choices=sorted(_COMPRESSION),
        help="write a compressed CKD (CCKD) image instead of a plain one",
    )
    for action in (create, imported, export, actions.choices["list"]):
        common(action)


def _size(info: VolumeInfo) -> str:
    return f"{info.size} {info.unit}"


def _allocated(info: VolumeInfo) -> str:
    value = float(info.allocated)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return ""


def list_lines(registry: VolumeRegistry) -> list[str]:
    """The ``volume list`` table."""
    volumes = registry.list()
    if not volumes:
        return [f"no volumes in {registry.directory}"]
    lines = [f"{'VOLSER':<7} {'DEVICE':<8} {'SIZE':<18} {'ON DISK':>10}  FILE"]
    for info in volumes:
        lines.append(
            f"{info.volser:<7} {info.device:<8} {_size(info):<18} "
            f"{_allocated(info):>10}  {info.path.name}"
        )
    return lines


def _act(arguments: argparse.Namespace, registry: VolumeRegistry) -> list[str]:
    if arguments.action == "list":
        return list_lines(registry)
    if arguments.action == "create":
        info = registry.create(arguments.volser, arguments.devtype, arguments.size)
        return [f"volume {info.volser} created: {info.device}, {_size(info)}, {info.path}"]
    if arguments.action == "import":
        info = registry.import_image(Path(arguments.file), arguments.volser, arguments.devtype)
        return [f"volume {info.volser} imported: {info.device}, {_size(info)}, {info.path}"]
    compression = _COMPRESSION[arguments.compress] if arguments.compress else None
    info = registry.export(arguments.volser, Path(arguments.file), compression)
    return [f"volume {info.volser} exported to {arguments.file}"]


def run_volume(arguments: argparse.Namespace, config: Config) -> int:
    """Run one ``vm370 volume`` action; 0 on success, 1 (with a message) on failure."""
    registry = VolumeRegistry(config.data_dir)
    try:
        lines = _act(arguments, registry)
    except VolumeError as error:
        print(f"vm370: {error}", file=sys.stderr)
        return 1
    finally:
        registry.close()
    for line in lines:
        print(line)
    return 0
