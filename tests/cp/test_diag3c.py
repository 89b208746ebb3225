"""DIAGNOSE X'3C' (server/cp/diag3c.py): the guest hands CP a USER DIRECT; CP checks it
and, for class A-C without EDIT, makes it the directory in use; garbage never breaks CP."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.db import make_engine, sqlite_url
from directory.model import Directory
from directory.passwords import hash_password
from directory.store import DirectoryStore
from server.cp.diag3c import EDIT, DirectoryUpdate
from server.cp.diagnose import DiagnoseService
from server.machine import Machine

fast_hash = functools.partial(hash_password, log2_n=4)
SOURCE, BUFFER, ROOM = 0x1000, 0x8000, 0x4000

GOOD = """\
DIRECTORY 123 3350 VMSRES
USER MAINT CPCMS 1M 16M ABCDEG
 MDISK 191 3350 001 002 VMU001 MR
USER NEWBIE SECRET 1M 2M G
 MDISK 191 3350 010 002 VMU001 MR
"""

BAD = """\
DIRECTORY 123 3350 VMSRES
USER MAINT CPCMS 1M 16M ABCDEG
 MDISK 191 3350 001 002 VMU001 MR
USER NEWBIE SECRET 1M 2M G
 MDISK 19Z 3350 XYZ 002 VMU001 MR
"""


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[DirectoryStore]:
    engine = make_engine(sqlite_url(str(tmp_path / "vm370.db")))
    directory_store = DirectoryStore(engine)
    await directory_store.migrate()
    try:
        yield directory_store
    finally:
        await engine.dispose()


def service(store: DirectoryStore, classes: str, installed: list[Directory]) -> DiagnoseService:
    machine = Machine(storage_size=64 * 1024)
    user = SimpleNamespace(classes=classes, write=lambda *lines: None)
    vm: Any = SimpleNamespace(devices={}, userid="MAINT", user=user, machine=machine)
    diagnose = DiagnoseService(vm)

    def installer(directory: Directory) -> list[str]:
        installed.append(directory)
        return []

    diagnose.directory = DirectoryUpdate(store, installer, hasher=fast_hash)
    return diagnose


async def issue(diagnose: DiagnoseService, text: str | bytes, *, edit: bool) -> bool:
    """DIAGNOSE 2,4,X'3C' as a program would issue it, and CP's part after the slice."""
    machine: Machine = diagnose.vm.machine
    if isinstance(text, str):
        text = text.replace("\n", "\x85").encode("cp037", errors="replace")
    data = text
    machine.load(SOURCE, data)
    r = machine.cpu.r
    r[2], r[3], r[4], r[5] = SOURCE, BUFFER, len(data), (EDIT if edit else 0) << 24 | ROOM
    if not diagnose(machine, 2, 4, 0x3C):
        return False
    await diagnose.finish_deferred()
    return True


def response(diagnose: DiagnoseService) -> list[str]:
    machine: Machine = diagnose.vm.machine
    raw = machine.read(BUFFER, machine.cpu.r[5])
    return [line.decode("cp037") for line in raw.split(b"\x15")] if raw else []


async def userids(store: DirectoryStore) -> list[str]:
    return [user.userid for user in (await store.dump()).users]


async def test_update_replaces_the_directory_and_installs_volumes(store: DirectoryStore) -> None:
    installed: list[Directory] = []
    diagnose = service(store, "ABCDEG", installed)
    assert await issue(diagnose, GOOD, edit=False)
    assert diagnose.vm.machine.cpu.cc == 0
    assert diagnose.vm.machine.cpu.r[4] == 0
    assert await userids(store) == ["MAINT", "NEWBIE"]
    assert [user.userid for user in installed[0].users] == ["MAINT", "NEWBIE"]
    newbie = await store.get_user("NEWBIE")
    assert newbie is not None and newbie.password != "SECRET"  # stored hashed


async def test_edit_checks_and_changes_nothing(store: DirectoryStore) -> None:
    installed: list[Directory] = []
    diagnose = service(store, "G", installed)  # EDIT is open to every class
    assert await issue(diagnose, GOOD, edit=True)
    assert diagnose.vm.machine.cpu.cc == 0
    assert await userids(store) == [] and installed == []


async def test_errors_come_with_line_numbers_and_keep_the_old_directory(
    store: DirectoryStore,
) -> None:
    installed: list[Directory] = []
    diagnose = service(store, "A", installed)
    assert await issue(diagnose, GOOD, edit=False)
    for edit in (True, False):
        assert await issue(diagnose, BAD.replace("NEWBIE", "OTHER"), edit=edit)
        machine = diagnose.vm.machine
        assert machine.cpu.cc == 1
        assert machine.cpu.r[4] >= 1
        lines = response(diagnose)
        assert any(line.startswith("ERROR LINE 5:") for line in lines)
        assert " MDISK 19Z 3350 XYZ 002 VMU001 MR" in " ".join(lines)
        assert await userids(store) == ["MAINT", "NEWBIE"]
    assert len(installed) == 1


async def test_class_g_may_not_update(store: DirectoryStore) -> None:
    diagnose = service(store, "G", [])
    assert not await issue(diagnose, GOOD, edit=False)  # specification exception
    assert await userids(store) == []


async def test_operands_outside_storage_are_refused(store: DirectoryStore) -> None:
    diagnose = service(store, "A", [])
    machine = diagnose.vm.machine
    machine.cpu.r[2], machine.cpu.r[4] = 0xFFF000, 100
    assert not diagnose(machine, 2, 4, 0x3C)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.one_of(
        st.binary(max_size=600),
        st.lists(
            st.sampled_from(GOOD.splitlines() + BAD.splitlines() + ["USER", " LINK X", "*", ""])
            | st.text(max_size=40),
            max_size=12,
        ).map(lambda lines: "\n".join(lines)),
    ),
    edit=st.booleans(),
)
def test_garbage_never_breaks_cp(tmp_path_factory: Any, text: str | bytes, edit: bool) -> None:
    async def run() -> None:
        path = tmp_path_factory.mktemp("garbage") / "vm370.db"
        engine = make_engine(sqlite_url(str(path)))
        store = DirectoryStore(engine)
        await store.migrate()
        try:
            diagnose = service(store, "A", [])
            assert await issue(diagnose, text, edit=edit)
            machine = diagnose.vm.machine
            assert machine.cpu.cc in (0, 1)
            stored = await userids(store)
            if edit or machine.cpu.cc == 1:
                assert stored == []
        finally:
            await engine.dispose()

    asyncio.run(run())


@pytest.mark.parametrize("text", ["", "* nothing\n", GOOD.split("\n", 1)[1], GOOD.split("USER")[0]])
async def test_a_file_without_directory_or_users_is_refused(
    store: DirectoryStore, text: str
) -> None:
    diagnose = service(store, "A", [])
    assert await issue(diagnose, GOOD, edit=False)
    assert await issue(diagnose, text, edit=False)
    assert diagnose.vm.machine.cpu.cc == 1
    assert await userids(store) == ["MAINT", "NEWBIE"]
