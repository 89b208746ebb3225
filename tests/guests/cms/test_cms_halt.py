"""HX (reference/cp-cms.md 9.8): the halted command ends and every FILEDEF goes, PERM too."""

from __future__ import annotations

import asyncio

from tests.guests.cms.cmsfake import ATTENTION, put_file, session, standard_disks

LOOP_EXEC = ["&CONTROL OFF", "-TOP", "&GOTO -TOP"]


def test_hx_clears_every_filedef() -> None:
    disks = standard_disks()
    put_file(disks, 0x191, "LOOP", "EXEC", LOOP_EXEC, recfm="V")
    lines = ["filedef keep terminal (perm", "filedef gone disk x y a", "filedef",
             "loop", ATTENTION, "HX", "filedef"]  # fmt: skip
    output = asyncio.run(asyncio.wait_for(session(disks, *lines), 20))
    text = "\n".join(output)
    before, after = text.split("> HX")
    assert "KEEP" in before and "GONE" in before
    assert "NO USER DEFINED FILEDEF'S IN EFFECT" in after
    assert "KEEP" not in after


def test_filedef_perm_survives_without_hx() -> None:
    disks = standard_disks()
    output = asyncio.run(session(disks, "filedef keep terminal (perm", "filedef * clear",
                                 "filedef"))  # fmt: skip
    last = len(output) - output[::-1].index("> filedef")
    assert any("KEEP" in line for line in output[last:])
