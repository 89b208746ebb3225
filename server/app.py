"""The composition root: ``vm370 serve`` builds the system and runs it.

It opens the database (creating the data directory and running migrations
on first use), loads the directory (a USER DIRECT given at this start, the
built-in default on a fresh database, else what is stored), registers the CP
commands, starts the terminal server and runs until SHUTDOWN or a signal.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import signal
import sys
from functools import partial

from directory.commands import load_default_if_empty, load_file
from directory.db import make_engine
from directory.store import DirectoryStore
from server.config import Config, ConfigError
from server.cp import commands as _commands  # noqa: F401  (registers every CP command)
from server.cp.hopper import CardHopper
from server.cp.realur import RealUnitRecord, UnitRecordConfigError, device_settings
from server.cp.system import System
from server.cp.tdisk import TdiskPool
from server.cp.timefmt import Clock
from server.dasd.fileio import SyncPolicy
from server.dasd.volumes import VolumeRegistry
from server.install import install_volumes
from server.terminal.server import start_terminal_server
from spool.model import SpoolLimits
from spool.store import SpoolStore

log = logging.getLogger("vm370")


async def prepare_directory(store: DirectoryStore, config: Config) -> bool:
    """Migrate and load the directory; False (after logging why) when it cannot be used."""
    if config.directory is None:
        if await load_default_if_empty(store):
            log.info("built-in default directory loaded")
        return True
    code, lines = await load_file(store, config.directory)
    for line in lines:
        (log.info if code == 0 else log.error)("%s", line)
    return code == 0


def register_guests(system: System, config: Config) -> None:
    """Python guests by IPL name: the built-in ones, then any the configuration adds."""
    import guests.cms.nucleus
    import guests.rscs

    system.register_guest("CMS", guests.cms.nucleus.main)
    system.register_guest("RSCS", guests.rscs.main)
    for name, target in config.guests.items():
        module_name, _, function = target.partition(":")
        try:
            main = getattr(importlib.import_module(module_name), function)
        except (ImportError, AttributeError) as error:
            raise ConfigError(f"guest {name}: cannot load {target}: {error}") from error
        system.register_guest(name, main)
        log.info("guest %s registered from %s", name, target)


async def autolog_at_start(system: System, store: DirectoryStore, config: Config) -> None:
    """Log on the service machines (RSCS by default) as CP does at its IPL."""
    for userid in config.autolog:
        entry = await store.get_user(userid)
        if entry is None or not entry.can_logon:
            log.warning("AUTOLOG %s: not in the directory (or NOLOG); not logged on", userid)
            continue
        if entry.ipl is not None and entry.ipl.target.upper() not in system.guests:
            log.warning(
                "AUTOLOG %s: IPL %s is not available; not logged on", userid, entry.ipl.target
            )
            continue
        await system.autolog(entry)


async def serve(config: Config) -> int:
    """Run the system until it shuts down; returns the process exit code."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    log.info("vm370 data directory: %s", config.data_dir)
    engine = make_engine(config.database)
    store = DirectoryStore(engine)
    if not await prepare_directory(store, config):
        await engine.dispose()
        return 2
    for line in await asyncio.to_thread(install_volumes, config.data_dir, await store.dump()):
        log.info("%s", line)
    limits = SpoolLimits(config.spool_user_records, config.spool_system_records)
    spool = SpoolStore(engine, limits=limits, node=config.node)
    await spool.migrate()
    system = System(
        store,
        clock=Clock(config.timezone),
        operator=config.operator,
        node=config.node,
        data_dir=config.data_dir,
        spool=spool,
    )
    system.volumes = VolumeRegistry(config.data_dir, sync=SyncPolicy(config.dasd_sync))
    system.tdisks = TdiskPool(system.volumes)
    system.install_volumes = partial(install_volumes, config.data_dir)  # DIAGNOSE X'3C'
    try:
        register_guests(system, config)
        ur_settings = device_settings(config.sections)
    except (ConfigError, UnitRecordConfigError) as error:
        log.error("%s", error)
        await engine.dispose()
        return 2
    listener = await start_terminal_server(
        system, config.host, config.port, config.prelogon_timeout
    )
    system.guest_settings = config.sections
    hopper = CardHopper(system, spool, config.data_dir / "hopper")
    hopper.running = not config.start_drained
    system.hopper = hopper
    hopper.start()
    system.real_ur = RealUnitRecord(system, spool, config.data_dir)
    system.real_ur.configure(ur_settings, drained=config.start_drained)
    system.real_ur.start_all()
    await autolog_at_start(system, store, config)
    log.info("VM/370 ONLINE at %s:%d, node %s", config.host, listener.port, config.node)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(
            signum, lambda: loop.create_task(system.shutdown(by="SYSTEM OPERATOR"))
        )
    await system.shutdown_requested.wait()
    hopper.stop()
    system.real_ur.stop_all()
    listener.close()
    await asyncio.sleep(0.2)  # let the goodbye lines reach the terminals
    await engine.dispose()
    log.info("vm370 stopped")
    return 0


def run(config: Config) -> int:
    logging.basicConfig(
        level=getattr(logging, config.log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        import uvloop
    except ImportError:
        return asyncio.run(serve(config))
    return uvloop.run(serve(config))
