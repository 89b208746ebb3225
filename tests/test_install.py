"""Installation: the CMS minidisks of new volumes are formatted; existing volumes never are."""

from __future__ import annotations

from pathlib import Path

from directory.parser import parse_directory
from guests.cms.assembler.maclib import read_maclib
from guests.cms.fs.disk import CmsDisk
from server.dasd.volumes import VolumeRegistry
from server.install import MinidiskBlocks, install_volumes

DIRECT = """\
DIRECTORY 123 3350 SYSRES
USER MAINT PW 8M 8M ABCDEFG
 MDISK 190 3350 001 002 SYSRES R
 MDISK 19E 3350 003 001 SYSRES R
 MDISK 193 3350 004 001 SYSRES R
USER ALICE PW 4M 4M G
 MDISK 191 3350 001 003 USERVL W
 MDISK 192 3350 004 001 USERVL W
USER FB PW 4M 4M G
 MDISK 191 3370 100 200 FBAVOL W
"""


def access(data_dir: Path, volser: str, start: int, count: int) -> CmsDisk:
    registry = VolumeRegistry(data_dir)
    minidisk = registry.ckd_minidisk(volser, start, count)
    return CmsDisk.access(MinidiskBlocks(minidisk, 0x3350))


def test_new_volumes_get_formatted_cms_disks_once(tmp_path: Path) -> None:
    directory = parse_directory(DIRECT, hasher=None).directory
    lines = install_volumes(tmp_path, directory)
    assert "MAINT 190 formatted for CMS, label CMS190, 2 cylinders" in lines
    assert "MAINT 19E formatted for CMS, label CMS19E, 1 cylinders" in lines
    assert "ALICE 191 formatted for CMS, label CMS191, 3 cylinders" in lines
    formatted = [line for line in lines if "formatted" in line]
    assert not any(" 193 " in line or " 192 " in line for line in formatted)  # only 190/19E/191
    assert any(line.startswith("FB 191 not formatted for CMS") for line in lines)  # FBA
    system = access(tmp_path, "SYSRES", 1, 2)
    library = read_maclib(system.read("CMSLIB", "MACLIB"))
    assert library.find("WRTERM") is not None and library.find("FSREAD") is not None
    alice = access(tmp_path, "USERVL", 1, 3)
    assert alice.label == "CMS191" and alice.files() == []
    alice.write("KEEP", "DATA", [b"X" * 80])
    assert install_volumes(tmp_path, directory) == []  # existing volumes are left alone
    assert access(tmp_path, "USERVL", 1, 3).read("KEEP", "DATA") == [b"X" * 80]
    other = VolumeRegistry(tmp_path).ckd_minidisk("USERVL", 4, 1)
    assert not other.image.is_written(4, 0)  # 192 stays unformatted
