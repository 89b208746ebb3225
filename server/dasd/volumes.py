"""The volume registry: volume images in ``<data dir>/volumes/``, named by volser and type.

A volume is one image file ``VOLSER.DEVICE.ckd`` (plain Hercules ``CKD_P370``,
reference/dasd.md 2.2) or ``VOLSER.DEVICE.fba`` (plain FBA, 2.5), where DEVICE is
the model name of :mod:`.geometry` ("3350", "3330-11", "3370").  Creating a
volume writes an IBM standard volume label (dasd.md section 3), so the image is
an initialised pack; importing reads the volser from that label when none is
given.  Imports accept plain and compressed Hercules images (``CKD_P370``,
``CKD_C370``, ``FBA_C370``, plain FBA); exports write a plain image with every
track materialised, or a compressed CKD image.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from server.dasd.cckd import (
    CKD_COMPRESSED_MAGIC,
    FBA_COMPRESSED_MAGIC,
    FBA_GROUP_BLOCKS,
    CompressedImage,
    Compression,
    export_cckd,
    import_cckd,
    null_track,
)
from server.dasd.ckd import CKD_MAGIC, CkdImage, export_plain
from server.dasd.errors import DasdError, ImageFormatError, VolumeError
from server.dasd.fba import FbaImage, export_fba
from server.dasd.fileio import SyncPolicy
from server.dasd.geometry import (
    FBA_BLOCK_SIZE,
    FBA_DEVICES,
    CkdGeometry,
    FbaGeometry,
    ckd_geometry,
    device_geometry,
    fba_geometry,
    fba_geometry_for_image,
)
from server.dasd.label import ckd_label_track, fba_label_block, normalise_volser, read_volser
from server.dasd.minidisk import CkdMinidisk, FbaMinidisk

__all__ = ["Volume", "VolumeInfo", "VolumeRegistry"]

Volume = CkdImage | FbaImage
_SUFFIX = {False: "ckd", True: "fba"}


@dataclass(frozen=True)
class VolumeInfo:
    """What the registry knows of one volume without opening it."""

    volser: str
    device: str  # model name: "3350", "3330-11", "3370"
    path: Path
    is_fba: bool
    size: int  # cylinders (CKD) or blocks (FBA)
    allocated: int  # bytes of disk the sparse image occupies

    @property
    def unit(self) -> str:
        return "blocks" if self.is_fba else "cylinders"


def _geometry(device: str) -> CkdGeometry | FbaGeometry:
    geometry = device_geometry(device)
    if geometry is None:
        raise VolumeError(f"unknown DASD device type {device!r}")
    return geometry


def _volser(volser: str) -> str:
    try:
        return normalise_volser(volser)
    except ValueError as error:
        raise VolumeError(str(error)) from error


class VolumeRegistry:
    """The volumes of one data directory; opened images are shared per volser."""

    def __init__(self, data_dir: Path, *, sync: SyncPolicy = SyncPolicy.NONE) -> None:
        self.directory = Path(data_dir) / "volumes"
        self.sync = sync
        self._open: dict[str, Volume] = {}

    # -- naming ---------------------------------------------------------------

    def path_for(self, volser: str, geometry: CkdGeometry | FbaGeometry) -> Path:
        is_fba = isinstance(geometry, FbaGeometry)
        return self.directory / f"{volser}.{geometry.name}.{_SUFFIX[is_fba]}"

    def _describe(self, path: Path) -> VolumeInfo | None:
        parts = path.name.split(".")
        if len(parts) != 3 or parts[2] not in _SUFFIX.values() or parts[0].startswith("~"):
            return None
        geometry = device_geometry(parts[1])
        if geometry is None or isinstance(geometry, FbaGeometry) != (parts[2] == "fba"):
            return None
        status = path.stat()
        if isinstance(geometry, FbaGeometry):
            size = status.st_size // FBA_BLOCK_SIZE
        else:
            size = max(0, status.st_size - 512) // (geometry.heads * geometry.track_slot)
        return VolumeInfo(
            parts[0], geometry.name, path, parts[2] == "fba", size, status.st_blocks * 512
        )

    def list(self) -> list[VolumeInfo]:
        """Every volume, by volser."""
        if not self.directory.is_dir():
            return []
        found = (self._describe(path) for path in self.directory.iterdir() if path.is_file())
        return sorted((info for info in found if info), key=lambda info: info.volser)

    def find(self, volser: str) -> VolumeInfo | None:
        """The volume called ``volser``, if it exists."""
        wanted = _volser(volser)
        return next((info for info in self.list() if info.volser == wanted), None)

    def _require(self, volser: str) -> VolumeInfo:
        info = self.find(volser)
        if info is None:
            raise VolumeError(f"volume {volser.upper()} does not exist")
        return info

    # -- creating and opening -------------------------------------------------

    def create(self, volser: str, device: str, size: int | None = None) -> VolumeInfo:
        """Create an initialised (labelled) sparse volume; ``size`` in cylinders or blocks."""
        name = self._new_volser(volser)
        geometry = _geometry(device)
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.path_for(name, geometry)
        try:
            if isinstance(geometry, FbaGeometry):
                with FbaImage.create(path, geometry, size, sync=self.sync) as fba:
                    fba.write_blocks(1, fba_label_block(name))
            else:
                with CkdImage.create(path, geometry, size, sync=self.sync) as ckd:
                    ckd.write_track(0, 0, ckd_label_track(name))
        except ValueError as error:
            raise VolumeError(str(error)) from error
        except FileExistsError as error:
            raise VolumeError(f"{path} already exists") from error
        return self._require(name)

    def _new_volser(self, volser: str) -> str:
        name = _volser(volser)
        if self.find(name) is not None:
            raise VolumeError(f"volume {name} already exists")
        return name

    def open(self, volser: str) -> Volume:
        """The open image of ``volser``, shared by every caller of this registry (read-only
        when the file is not writable)."""
        info = self._require(volser)
        image = self._open.get(info.volser)
        if image is None:
            try:
                image = self._open_path(info, read_only=False)
            except PermissionError:  # a file the server may only read: a read-only volume
                image = self._open_path(info, read_only=True)
            self._open[info.volser] = image
        return image

    def _open_path(self, info: VolumeInfo, *, read_only: bool) -> Volume:
        geometry = _geometry(info.device)
        if isinstance(geometry, FbaGeometry):
            return FbaImage.open(info.path, geometry, read_only=read_only, sync=self.sync)
        return CkdImage.open(info.path, geometry=geometry, read_only=read_only, sync=self.sync)

    def minidisk(
        self, volser: str, start: int, count: int, *, read_only: bool = False
    ) -> CkdMinidisk | FbaMinidisk:
        """A minidisk view of an extent of ``volser``."""
        image = self.open(volser)
        if isinstance(image, FbaImage):
            return FbaMinidisk(image, start, count, read_only=read_only)
        return CkdMinidisk(image, start, count, read_only=read_only)

    def ckd_minidisk(
        self, volser: str, start: int, count: int, *, read_only: bool = False
    ) -> CkdMinidisk:
        """A cylinder extent of CKD volume ``volser``; VolumeError for an FBA volume."""
        minidisk = self.minidisk(volser, start, count, read_only=read_only)
        if not isinstance(minidisk, CkdMinidisk):
            raise VolumeError(f"volume {volser.upper()} is not a CKD volume")
        return minidisk

    def fba_minidisk(
        self, volser: str, start: int, count: int, *, read_only: bool = False
    ) -> FbaMinidisk:
        """A block extent of FBA volume ``volser``; VolumeError for a CKD volume."""
        minidisk = self.minidisk(volser, start, count, read_only=read_only)
        if not isinstance(minidisk, FbaMinidisk):
            raise VolumeError(f"volume {volser.upper()} is not an FBA volume")
        return minidisk

    def close(self) -> None:
        """Close every image this registry opened."""
        for image in self._open.values():
            image.close()
        self._open.clear()

    # -- import and export ----------------------------------------------------

    def import_image(
        self, source: Path, volser: str | None = None, device: str | None = None
    ) -> VolumeInfo:
        """Import a Hercules image as a new volume; the volser comes from its VOL1 label
        unless given.  ``device`` names the model of a plain FBA image (no header)."""
        if volser is not None:
            self._new_volser(volser)  # refuse a taken volser before converting anything
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = self.directory / f"~import-{os.getpid()}.tmp"
        temporary.unlink(missing_ok=True)
        try:
            image = _import_any(Path(source), temporary, device)
            with image:
                name = volser or read_volser(image)
                geometry = image.geometry
            if name is None:
                raise VolumeError(f"{source} has no VOL1 label: give the volser")
            name = self._new_volser(name)
            final = self.path_for(name, geometry)
            os.replace(temporary, final)
        except (ImageFormatError, DasdError, OSError) as error:
            raise VolumeError(str(error)) from error
        finally:
            temporary.unlink(missing_ok=True)
        return self._require(name)

    def export(
        self, volser: str, destination: Path, compression: Compression | None = None
    ) -> VolumeInfo:
        """Write ``volser`` to a new file: plain (every track materialised) or, given a
        ``compression``, a compressed CKD image."""
        info = self._require(volser)
        image = self._open.get(info.volser) or self._open_path(info, read_only=True)
        try:
            if isinstance(image, FbaImage):
                if compression is not None:
                    raise VolumeError("compressed export is for CKD volumes only")
                export_fba(image, Path(destination))
            elif compression is None:
                export_plain(image, Path(destination))
            else:
                export_cckd(image, Path(destination), compression)
        except FileExistsError as error:
            raise VolumeError(f"{destination} already exists") from error
        except OSError as error:
            Path(destination).unlink(missing_ok=True)  # no half-written export left behind
            raise VolumeError(str(error)) from error
        finally:
            if info.volser not in self._open:
                image.close()
        return info


def _import_any(source: Path, destination: Path, device: str | None) -> Volume:
    """Convert any supported image at ``source`` into a plain sparse one at ``destination``."""
    with open(source, "rb") as handle:
        magic = handle.read(8)
    if magic == CKD_MAGIC:
        return _import_plain_ckd(source, destination, device)
    if magic == CKD_COMPRESSED_MAGIC:
        return import_cckd(source, destination, _ckd_model(device))
    if magic == FBA_COMPRESSED_MAGIC:
        return _import_cfba(source, destination, device)
    if magic[:3] in (b"CKD", b"FBA"):
        raise ImageFormatError(
            f"{source}: {magic.decode('ascii', 'replace')} images are not supported"
        )
    return _import_plain_fba(source, destination, device)


def _ckd_model(device: str | None) -> CkdGeometry | None:
    if device is None:
        return None
    geometry = ckd_geometry(device)
    if geometry is None:
        raise ImageFormatError(f"{device} is not a CKD device type")
    return geometry


def _import_plain_ckd(source: Path, destination: Path, device: str | None) -> CkdImage:
    with CkdImage.open(source, read_only=True, geometry=_ckd_model(device)) as original:
        image = CkdImage.create(destination, original.geometry, original.cylinders)
        with _closed_on_error(image):
            for track in sorted(original.data_tracks()):
                cylinder, head = divmod(track, original.heads)
                if not original.is_written(cylinder, head):
                    continue
                data = original.read_track_image(cylinder, head)
                if data != null_track(cylinder, head, 1):
                    image.write_track_image(cylinder, head, data)
        return image


@contextmanager
def _closed_on_error(image: Volume) -> Iterator[None]:
    """Close a half-imported image when the import fails (the caller removes the file)."""
    try:
        yield
    except BaseException:
        image.close()
        raise


def _import_cfba(source: Path, destination: Path, device: str | None) -> FbaImage:
    with CompressedImage(source) as compressed:
        blocks = compressed.cylinders
        geometry = (
            (fba_geometry(device) if device else None)
            or fba_geometry_for_image(compressed.header.devtyp, blocks)
            or next((model for model in FBA_DEVICES if model.blocks == blocks), None)
        )
        if geometry is None:
            raise ImageFormatError(f"{source}: unknown FBA device type; give the device type")
        image = FbaImage.create(destination, geometry, blocks)
        with _closed_on_error(image):
            for group in range(compressed.tracks):
                data = compressed.group_blocks(group)
                first = group * FBA_GROUP_BLOCKS
                data = data[: (blocks - first) * FBA_BLOCK_SIZE]
                if data.count(0) != len(data):
                    image.write_blocks(first, data)
        return image


def _import_plain_fba(source: Path, destination: Path, device: str | None) -> FbaImage:
    size = source.stat().st_size
    if size == 0 or size % FBA_BLOCK_SIZE:
        raise ImageFormatError(f"{source}: not a Hercules CKD or FBA image")
    blocks = size // FBA_BLOCK_SIZE
    geometry = fba_geometry(device) if device else None
    if geometry is None:
        geometry = next((model for model in FBA_DEVICES if model.blocks == blocks), None)
    if geometry is None:
        raise ImageFormatError(
            f"{source}: a plain FBA image of {blocks} blocks; give the device type"
        )
    image = FbaImage.create(destination, geometry, blocks)
    chunk = 2048
    with _closed_on_error(image), open(source, "rb") as handle:
        for first in range(0, blocks, chunk):
            data = handle.read(chunk * FBA_BLOCK_SIZE)
            if data.count(0) != len(data):
                image.write_blocks(first, data)
    return image
