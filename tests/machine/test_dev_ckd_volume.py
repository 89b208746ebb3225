"""The CKD and FBA devices over real volume images and minidisk views (server/dasd).

``server/machine`` never imports ``server/dasd``; the embedder joins them: a
``CkdMinidisk`` is a TrackStore and an ``FbaMinidisk`` a BlockStore as they are
(mypy checks the assignments below), and their errors carry sense bytes.
"""

from __future__ import annotations

from pathlib import Path

from server.dasd.ckd import CkdImage
from server.dasd.fba import FbaImage
from server.dasd.geometry import ckd_geometry, fba_geometry
from server.dasd.minidisk import CkdMinidisk, FbaMinidisk
from server.dasd.track import Track
from server.machine.devices.base import CC, CE_DE, SLI, UNIT_CHECK
from server.machine.devices.ckd import TrackStore
from server.machine.devices.fba import BlockStore, FbaDevice
from tests.machine.ckd_rig import Bench, Rig, Step, ccw, ident, seek_argument


def volume(tmp_path: Path) -> CkdImage:
    geometry = ckd_geometry("3350")
    assert geometry is not None
    return CkdImage.create(tmp_path / "VOL001.3350", geometry, cylinders=10)


def cms_read(record: int, head: int = 0) -> list[Step]:
    return [Step(0x07, seek_argument(0, head)), Step(0x23, b"\x00"),
            Step(0x31, ident(0, head, record)), Step(0x08, tic=2),
            Step(0x06, length=800, flags=SLI)]


def test_cms_search_loop_on_a_minidisk_of_a_volume_image(tmp_path: Path) -> None:
    with volume(tmp_path) as image:
        store: TrackStore = CkdMinidisk(image, start=4, count=3)
        rig = Rig(store)
        blocks = [(b"", bytes([n]) * 800) for n in range(1, 20)]
        assert rig.format_track(0, 0, blocks).unit == CE_DE
        # the records carry minidisk-relative cylinder 0; the home address is real cylinder 4
        raw = Track.parse(image.read_track_image(4, 0))
        assert raw.cylinder == 4 and raw.records[7].ident() == ident(0, 0, 7)
        outcome = rig.run(cms_read(7))
        assert outcome.unit == CE_DE and outcome.buffers[4] == bytes([7]) * 800
        outcome = rig.run([Step(0x07, seek_argument(0, 0)), Step(0x1A, length=5, flags=0)])
        assert outcome.buffers[1] == b"\0\0\0\0\0"  # the minidisk's own home address


def test_seek_outside_the_minidisk_is_rejected(tmp_path: Path) -> None:
    with volume(tmp_path) as image:
        rig = Rig(CkdMinidisk(image, start=4, count=3))
        outcome = rig.run([Step(0x07, seek_argument(3, 0), flags=0)])
        assert outcome.unit == CE_DE | UNIT_CHECK
        sense = rig.run([Step(0x04, length=24, flags=0)]).buffers[0]
        assert (sense[0], sense[7]) == (0x80, 0x04)


def test_write_through_a_read_only_link_is_refused(tmp_path: Path) -> None:
    with volume(tmp_path) as image:
        writer = Rig(CkdMinidisk(image, start=0, count=2))
        writer.format_track(1, 0, [(b"", b"A" * 800)])
        reader = Rig(CkdMinidisk(image, 0, 2, read_only=True))
        steps = cms_read(1)[:4] + [Step(0x05, b"B" * 800, flags=SLI)]
        steps[0] = Step(0x07, seek_argument(1, 0))
        steps[2] = Step(0x31, ident(1, 0, 1))
        outcome = reader.run(steps)
        assert outcome.unit == CE_DE | UNIT_CHECK
        sense = reader.run([Step(0x04, length=24, flags=0)]).buffers[0]
        assert sense[:2] == b"\x80\x02"
        assert Track.parse(image.read_track_image(1, 0)).records[1].data == b"A" * 800
        # the writer still sees its data and a second writer's update is seen at once
        steps[4] = Step(0x05, b"C" * 800, flags=SLI)
        assert writer.run(steps).unit == CE_DE
        read_back = reader.run(steps[:4] + [Step(0x06, length=800, flags=SLI)])
        assert read_back.buffers[4] == b"C" * 800


def test_fba_minidisk_is_a_block_store(tmp_path: Path) -> None:
    geometry = fba_geometry("3370")
    assert geometry is not None
    with FbaImage.create(tmp_path / "FBA001.3370", geometry, blocks=4000) as image:
        store: BlockStore = FbaMinidisk(image, start=1000, count=100)
        bench = Bench(FbaDevice(store), 0x300)
        bench.machine.load(0x3000, bytes([0xC0, 0, 0, 0]) + (0).to_bytes(4, "big")
                           + (0).to_bytes(4, "big") + (99).to_bytes(4, "big"))
        bench.machine.load(0x3100, bytes([0x01, 0]) + (1).to_bytes(2, "big")
                           + (5).to_bytes(4, "big"))
        bench.machine.load(0x4000, b"Z" * 512)
        csw = bench.run(ccw(0x63, 0x3000, CC, 16), ccw(0x43, 0x3100, CC, 8),
                        ccw(0x41, 0x4000, 0, 512))
        assert csw[4] == CE_DE
        assert image.read_blocks(1005) == b"Z" * 512
