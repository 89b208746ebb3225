"""Assemble a System/370 program with GNU as and load it into a logged-on VM with STORE.

The program source uses ``tests/machine/corpus/s370.inc`` (``lowcore``, ``eoj``); its
image starts at location 0. :func:`store_commands` turns the image into CP STORE
commands, eight fullwords a line, leaving out all-zero lines.
"""

from __future__ import annotations

from pathlib import Path

from tests.tools import require_tool

WORDS_PER_LINE = 8


def assemble(source: str, name: str, directory: Path) -> bytes:
    """The flat image (from location 0) of ``source``."""
    require_tool("s390x-linux-gnu-as")
    from tests.machine.oracle.program import Program
    from tests.machine.oracle.program import assemble as assemble_program

    path = directory / f"{name}.s"
    path.write_text(source)
    return assemble_program(Program(name=name, source=path)).image


def store_commands(image: bytes) -> list[str]:
    """CP STORE commands that put ``image`` in storage at 0."""
    image = image.ljust((len(image) + 31) // 32 * 32, b"\0")
    lines = []
    for offset in range(0, len(image), 4 * WORDS_PER_LINE):
        chunk = image[offset : offset + 4 * WORDS_PER_LINE]
        if any(chunk):
            words = " ".join(chunk[i : i + 4].hex().upper() for i in range(0, len(chunk), 4))
            lines.append(f"STORE {offset:06X} {words}")
    return lines
