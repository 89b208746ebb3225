"""The stored CP directory: load, replace, and look up entries.

CP reads the directory at logon (reference cp-cms.md 4.2: a user's entry,
password and devices) and the DIRECT command swaps a whole new directory in,
keeping the old one when anything is wrong (cp-cms.md 7.1).  `DirectoryStore`
does both over an async SQLAlchemy engine: sessions are opened inside each
method, transactions are short, and `replace` is one transaction.
"""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from directory.db import (
    DedicateRow,
    LinkRow,
    MinidiskRow,
    OptionRow,
    SpecialRow,
    SpoolRow,
    UserRow,
    VolumeRow,
)
from directory.model import (
    ConsoleDevice,
    Dedicate,
    Directory,
    DirectoryVolume,
    IplSpec,
    LineEdit,
    Link,
    Minidisk,
    Special,
    SpoolDevice,
    UserEntry,
)
from directory.passwords import (
    ALL,
    NOLOG,
    hash_password,
    is_clear_password,
    is_hashed,
    verify_password,
)

__all__ = ["MIGRATIONS", "DirectoryStore", "alembic_config"]

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration for the directory migrations, without an ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url)
    return config


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


# --- dataclass <-> row --------------------------------------------------------------------------


def _user_row(entry: UserEntry, seq: int) -> UserRow:
    row = UserRow(
        userid=entry.userid,
        seq=seq,
        password=entry.password,
        storage=entry.storage,
        max_storage=entry.max_storage,
        classes=entry.classes,
        priority=entry.priority,
        line_end=entry.line_edit.line_end,
        line_delete=entry.line_edit.line_delete,
        char_delete=entry.line_edit.char_delete,
        escape=entry.line_edit.escape,
        account=entry.account,
        distcode=entry.distcode,
        cpuid=entry.cpuid,
        affinity=entry.affinity,
        ipl_target=entry.ipl.target if entry.ipl else None,
        ipl_parm=entry.ipl.parm if entry.ipl else None,
        console_address=entry.console.address if entry.console else None,
        console_device_type=entry.console.device_type if entry.console else None,
        console_class=entry.console.spool_class if entry.console else None,
    )
    _add_devices(row, entry)
    return row


def _add_devices(row: UserRow, entry: UserEntry) -> None:
    row.options = [OptionRow(option=option) for option in sorted(entry.options)]
    row.spool = [
        SpoolRow(
            address=device.address,
            seq=seq,
            device_type=device.device_type,
            kind=device.kind,
            spool_class=device.spool_class,
        )
        for seq, device in enumerate(entry.spool)
    ]
    row.links = [
        LinkRow(
            address=link.address,
            seq=seq,
            target_userid=link.userid,
            target_address=link.target_address,
            mode=link.mode,
        )
        for seq, link in enumerate(entry.links)
    ]
    row.mdisks = [_minidisk_row(disk, seq) for seq, disk in enumerate(entry.mdisks)]
    row.dedicates = [
        DedicateRow(address=device.address, seq=seq, real_address=device.real_address)
        for seq, device in enumerate(entry.dedicates)
    ]
    row.specials = [
        SpecialRow(
            address=device.address, seq=seq, device_type=device.device_type, mode=device.mode
        )
        for seq, device in enumerate(entry.specials)
    ]


def _minidisk_row(disk: Minidisk, seq: int) -> MinidiskRow:
    return MinidiskRow(
        address=disk.address,
        seq=seq,
        device_type=disk.device_type,
        start=disk.start,
        count=disk.count,
        volser=disk.volser,
        mode=disk.mode,
        read_password=disk.read_password,
        write_password=disk.write_password,
        multi_password=disk.multi_password,
    )


def _minidisk(row: MinidiskRow) -> Minidisk:
    return Minidisk(
        row.address,
        row.device_type,
        row.start,
        row.count,
        row.volser,
        row.mode,
        row.read_password,
        row.write_password,
        row.multi_password,
    )


def _console(row: UserRow) -> ConsoleDevice | None:
    if row.console_address is None or row.console_device_type is None:
        return None
    return ConsoleDevice(row.console_address, row.console_device_type, row.console_class)


def _user_entry(row: UserRow) -> UserEntry:
    return UserEntry(
        userid=row.userid,
        password=row.password,
        storage=row.storage,
        max_storage=row.max_storage,
        classes=row.classes,
        priority=row.priority,
        line_edit=LineEdit(row.line_end, row.line_delete, row.char_delete, row.escape),
        account=row.account,
        distcode=row.distcode,
        options={option.option for option in row.options},
        cpuid=row.cpuid,
        affinity=row.affinity,
        ipl=IplSpec(row.ipl_target, row.ipl_parm) if row.ipl_target is not None else None,
        console=_console(row),
        spool=[
            SpoolDevice(device.address, device.device_type, device.kind, device.spool_class)
            for device in row.spool
        ],
        links=[
            Link(link.target_userid, link.target_address, link.address, link.mode)
            for link in row.links
        ],
        mdisks=[_minidisk(disk) for disk in row.mdisks],
        dedicates=[Dedicate(device.address, device.real_address) for device in row.dedicates],
        specials=[
            Special(device.address, device.device_type, device.mode) for device in row.specials
        ],
    )


def _clear_passwords(directory: Directory) -> list[str]:
    """Entries whose passwords are not in stored form (never let them reach the database)."""
    bad: list[str] = []
    for entry in directory.users:
        disk_passwords = [
            password
            for disk in entry.mdisks
            for password in (disk.read_password, disk.write_password, disk.multi_password)
            if password is not None and password != ALL
        ]
        if not (entry.password == NOLOG or is_hashed(entry.password)) or not all(
            is_hashed(password) for password in disk_passwords
        ):
            bad.append(entry.userid)
    return bad


@functools.cache
def _decoy() -> str:
    """Verified against when there is no real password, so a miss costs a derivation too."""
    return hash_password("")


_CHILD_ROWS = (OptionRow, SpoolRow, LinkRow, MinidiskRow, DedicateRow, SpecialRow)


class DirectoryStore:
    """The CP directory in a database; every method opens and closes its own session."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def migrate(self) -> None:
        """Bring the schema to the newest migration (creates it in a fresh database)."""
        async with self.engine.begin() as connection:
            await connection.run_sync(_upgrade)

    async def is_empty(self) -> bool:
        """True when no user entry is stored (a fresh database)."""
        async with self._sessions() as session:
            count = await session.scalar(select(func.count()).select_from(UserRow))
        return not count

    async def replace(self, directory: Directory) -> None:
        """Replace the whole stored directory in one transaction.

        Raises ValueError, changing nothing, when a password is not in stored
        form (clear passwords must be hashed first: parse with a hasher).
        """
        if bad := _clear_passwords(directory):
            raise ValueError(f"clear passwords in entries {', '.join(bad)}")
        rows = [_user_row(entry, seq) for seq, entry in enumerate(directory.users)]
        async with self._sessions() as session, session.begin():
            for table in _CHILD_ROWS:
                await session.execute(delete(table))
            await session.execute(delete(UserRow))
            await session.execute(delete(VolumeRow))
            if (volume := directory.volume) is not None:
                session.add(
                    VolumeRow(
                        id=1,
                        address=volume.address,
                        device_type=volume.device_type,
                        volser=volume.volser,
                    )
                )
            session.add_all(rows)

    async def get_user(self, userid: str) -> UserEntry | None:
        """The entry for a userid (folded to upper case), or None."""
        async with self._sessions() as session:
            row = await session.get(UserRow, userid.upper())
            return None if row is None else _user_entry(row)

    async def authenticate(self, userid: str, clear: str) -> UserEntry | None:
        """The entry when userid and password are right and the entry may log on, else None.

        Unknown users, NOLOG entries and wrong passwords all cost one scrypt
        derivation (run in a worker thread), so timing tells none of them apart.
        """
        entry = await self.get_user(userid)
        stored = entry.password if entry is not None and entry.can_logon else _decoy()
        if not await asyncio.to_thread(verify_password, clear, stored):
            return None
        return entry if entry is not None and entry.can_logon else None

    async def userids(self) -> list[str]:
        """All userids, in directory order."""
        async with self._sessions() as session:
            result = await session.scalars(select(UserRow.userid).order_by(UserRow.seq))
            return list(result)

    async def dump(self) -> Directory:
        """The whole stored directory."""
        async with self._sessions() as session:
            volume_row = await session.get(VolumeRow, 1)
            users = await session.scalars(select(UserRow).order_by(UserRow.seq))
            entries = [_user_entry(row) for row in users]
        volume = None
        if volume_row is not None:
            volume = DirectoryVolume(volume_row.address, volume_row.device_type, volume_row.volser)
        return Directory(volume, entries)

    async def set_password(self, userid: str, clear: str) -> None:
        """Give a user a new logon password (NOLOG locks the entry).

        Raises LookupError for an unknown userid and ValueError for a password
        that is not 1-8 printable characters.  Hashing runs in a worker thread.
        """
        clear = clear.upper()
        if not is_clear_password(clear):
            raise ValueError("password must be 1-8 printable characters without blanks")
        stored = clear if clear == NOLOG else await asyncio.to_thread(hash_password, clear)
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(UserRow).where(UserRow.userid == userid.upper()).values(password=stored)
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]
                raise LookupError(f"userid {userid.upper()} is not in the directory")
