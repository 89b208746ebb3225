"""The RSCS virtual machine: configuration, the NJE listener, links, the reader queue, nodal
messages and commands (reference/nje-rscs.md sections 2.2-2.4, 12.6 and 13.2;
ARCHITECTURE.md "CMS and RSCS are guests").

RSCS reaches CP only through its guest interface: SMSG brings user commands, MSGNOH shows
messages without CP's header (``FROM NODEA(CAROL): text``), the reader holds the files
users spool to it (and the files it stores for the next hop), and ``send_file`` puts a
received file in the destination user's reader with its network origin. A file leaves
RSCS's reader only once the next hop has confirmed it (C0), and a received file is
confirmed only once it is a spool file.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque

from guests.rscs import messages
from guests.rscs.commands import Issuer, execute
from guests.rscs.config import (
    LinkDefinition,
    RSCSConfig,
    RSCSConfigError,
    apply_state,
    from_settings,
    settings_digest,
)
from guests.rscs.links import Link, LinkState, QueuedFile
from guests.rscs.nje import (
    FileReceived,
    LinkDownError,
    LinkOptions,
    MessageReceived,
    NJELink,
    NJELinkError,
    NodalMessage,
    command,
    system_message,
    user_message,
)
from guests.rscs.nje.control import NAK_NO_SUCH_LINK
from guests.rscs.routing import MAX_HOPS, route
from guests.rscs.spoolio import (
    JOB_USER,
    SYSTEM_USER,
    Destination,
    from_file_records,
    origin_of,
    outbound_file,
    parse_tag,
    received_destination,
    received_network_id,
    received_settings,
)
from server.cp.abi import GuestInterface, ReaderFile
from spool.model import DeviceType, OutputSettings
from spool.store import NetworkOrigin

log = logging.getLogger(__name__)
RECENT_FILES = 512  # network ids of files committed lately (a resent duplicate is dropped)


class RSCS:
    """One RSCS: its configuration, links and queues."""

    def __init__(self, guest: GuestInterface) -> None:
        self.guest = guest
        self.config = RSCSConfig(node=guest.node)
        self.digest = ""
        self.links: dict[str, Link] = {}
        self.listen_port = 0
        self.recent: deque[str] = deque(maxlen=RECENT_FILES)
        self._server: asyncio.Server | None = None

    @property
    def local_node(self) -> str:
        return self.config.node

    def console(self, text: str) -> None:
        log.info("RSCS %s: %s", self.local_node, text)
        self.guest.write(text)

    # ---- start-up --------------------------------------------------------------------------

    async def configure(self) -> None:
        settings = self.guest.settings
        self.digest = settings_digest(settings)
        try:
            self.config = from_settings(settings, self.guest.node)
        except (RSCSConfigError, ValueError) as error:
            self.console(messages.dmt("INI", 4, "E", f"CONFIGURATION ERROR: {error}"))
            self.config = RSCSConfig(node=self.guest.node.upper())
        state = await self.guest.load_state()
        apply_state(self.config, state, self.digest)
        self.recent.extend(state.get("recent", []))
        self.links = {name: self.new_link(d) for name, d in self.config.links.items()}

    def new_link(self, definition: LinkDefinition) -> Link:
        return Link(definition, self, self.guest.open_connection)

    async def listen(self) -> None:
        host, port = self.config.listen_host, self.config.listen_port
        if not port or not self.links:
            return  # a node with no links has nobody to listen for
        try:
            self._server = await self.guest.start_server(self.accept, host, port)
        except OSError as error:
            self.console(messages.listen_failed(host, port, error.strerror or str(error)))
            return
        self.listen_port = self._server.sockets[0].getsockname()[1]
        self.console(messages.listening(host, self.listen_port))

    async def detach_readers(self) -> None:
        """RSCS takes its files through the reader-file service (as DIAGNOSE X'14' does); a
        virtual reader device would stage each arriving file first and hide it from RSCS."""
        _, lines = await self.guest.cp("QUERY VIRTUAL")
        for line in lines:
            words = line.split()
            if len(words) > 1 and words[0] == "RDR":
                await self.guest.cp(f"DETACH {words[1]}")

    async def accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """A peer opened a connection: judge its OPEN and give the session to its link."""

        def judge(node: str) -> int:
            link = self.links.get(node.upper())
            return NAK_NO_SUCH_LINK if link is None else link.judge_open()

        tap = TraceTap(self)
        try:
            session = await NJELink.accept(
                reader, writer, self.local_node, judge, LinkOptions(trace=tap)
            )
        except NJELinkError as error:
            log.info("RSCS %s: incoming connection refused: %s", self.local_node, error)
            return
        link = tap.link = self.links.get(session.remote_node)
        if link is None or not link.started or link.state is LinkState.ACTIVE:
            await session.abort("link not available")
            return
        link.adopt(session)

    async def run(self) -> None:
        await self.configure()
        await self.guest.cp("SET SMSG ON")
        await self.detach_readers()
        await self.listen()
        for link in self.links.values():
            if link.definition.start:
                link.start()
        self.console(messages.ready(self.local_node, len(self.links)))
        tasks = [
            asyncio.create_task(self.smsg_loop(), name="rscs-smsg"),
            asyncio.create_task(self.reader_loop(), name="rscs-reader"),
            asyncio.create_task(self.console_loop(), name="rscs-console"),
        ]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            for link in self.links.values():
                with contextlib.suppress(Exception):
                    await link.force()
            if self._server is not None:
                self._server.close()

    # ---- commands ----------------------------------------------------------------------------

    async def smsg_loop(self) -> None:
        while True:
            sender, text = await self.guest.next_smsg()
            lines = await self.run_command(Issuer(sender.upper(), self.local_node), text)
            for line in lines:
                await self.tell_local(sender, line)

    async def console_loop(self) -> None:
        while True:
            text = await self.guest.read()
            issuer = Issuer(self.guest.userid, self.local_node, console=True)
            for line in await self.run_command(issuer, text):
                self.guest.write(line)

    async def run_command(self, issuer: Issuer, text: str) -> list[str]:
        try:
            return await execute(self, issuer, text)
        except Exception:  # one bad command must not end RSCS
            log.exception("RSCS command %r failed", text)
            return [messages.dmt("CMX", 9, "E", "COMMAND FAILED; ERROR LOGGED")]

    async def tell_local(self, user: str, text: str) -> bool:
        """Show ``text`` to a local user without CP's header; False if it could not."""
        code, _ = await self.guest.cp(one_line(f"MSGNOH {user} {text}"))
        return code == 0

    async def tell(self, node: str, user: str, text: str) -> None:
        """A system message for a user here or at another node (dropped if unroutable)."""
        if node == self.local_node:
            if user == self.guest.userid or not user:
                self.console(text)
            else:
                await self.tell_local(user, text)
            return
        await self.send_nmr(system_message(self.local_node, node, user, text))

    async def send_nmr(self, nmr: NodalMessage) -> str | None:
        """Send an NMR towards its node; the error line when it cannot go."""
        found = route(self.config, nmr.to_node)
        if found is None or found.link is None:
            return messages.node_unknown(nmr.to_node)
        link = self.links[found.link]
        if link.session is None or link.state is not LinkState.ACTIVE:
            return messages.link_inactive(link.name, nmr.to_node)
        try:
            await link.session.send_nmr(nmr)
        except LinkDownError:
            return messages.link_inactive(link.name, nmr.to_node)
        return None

    async def send_message(self, issuer: Issuer, node: str, user: str, text: str) -> list[str]:
        """MSG node user text from a local user or the console."""
        if node == self.local_node:
            if not await self.tell_local(user, f"FROM {node}({issuer.user}): {text}"):
                return [messages.user_not_logged_on(user, node)]
            return []
        error = await self.send_nmr(user_message(self.local_node, issuer.user, node, user, text))
        return [error] if error else []

    async def send_command(self, issuer: Issuer, node: str, link: str, text: str) -> list[str]:
        error = await self.send_nmr(command(self.local_node, issuer.user, node, text))
        return [error] if error else []

    # ---- configuration changes (saved: they win over the file until it changes) ------------

    async def save(self) -> None:
        self.config.links = {name: link.definition for name, link in self.links.items()}
        state = self.config.state(self.digest)
        state["recent"] = list(self.recent)
        await self.guest.save_state(state)

    async def define_link(self, definition: LinkDefinition) -> None:
        link = self.links.get(definition.name)
        if link is None:
            self.links[definition.name] = self.new_link(definition)
        else:
            link.definition = definition
        await self.save()
        if self._server is None:
            await self.listen()  # the first link: now there is someone to listen for

    async def delete_link(self, name: str) -> None:
        self.links.pop(name, None)
        self.config.routes = {n: via for n, via in self.config.routes.items() if via != name}
        if self.config.default_route == name:
            self.config.default_route = None
        await self.save()

    async def set_route(self, node: str, link: str | None) -> None:
        if node == "DEFAULT":
            self.config.default_route = link
        elif link is None:
            self.config.routes.pop(node, None)
        else:
            self.config.routes[node] = link
        await self.save()

    # ---- nodal messages received -----------------------------------------------------------

    async def message_received(self, link: Link, event: MessageReceived) -> None:
        nmr = event.nmr
        if nmr.to_node != self.local_node:
            back = route(self.config, nmr.to_node)
            if back is not None and back.link == link.name:  # never back where it came from
                error: str | None = messages.routing_loop(nmr.to_node, link.name)
            else:
                error = await self.send_nmr(nmr)  # forwarded unchanged
            if error and nmr.from_user and not nmr.text.startswith("*"):
                await self.tell(nmr.from_node, nmr.from_user, error)
            return
        if nmr.is_command:
            issuer = Issuer(nmr.from_user, nmr.from_node)
            for line in await self.run_command(issuer, nmr.text):
                await self.tell(nmr.from_node, nmr.from_user, line)
            return
        sender = f"{nmr.from_node}({nmr.from_user})" if nmr.from_user else nmr.from_node
        shown = f"FROM {sender}: {nmr.text}"
        user = nmr.to_user
        if not user or user in (SYSTEM_USER, self.guest.userid):
            self.console(shown)
        elif not await self.tell_local(user, shown) and nmr.from_user:
            error = messages.user_not_logged_on(user, self.local_node)
            await self.tell(nmr.from_node, nmr.from_user, error)

    # ---- files -----------------------------------------------------------------------------

    async def reader_loop(self) -> None:
        while True:
            reader_file = await self.guest.next_reader_file()
            if reader_file is None:
                await self.guest.wait_reader_file()
                continue
            try:
                await self.dispatch(reader_file)
            except Exception:
                spoolid = reader_file.spool_file.spoolid
                log.exception("RSCS: file %04d could not be handled", spoolid)
                await self.hold(reader_file)

    async def dispatch(self, reader_file: ReaderFile) -> None:
        """Route one file from the reader: deliver it here, queue it on a link, or return it."""
        spool_file = reader_file.spool_file
        dest = parse_tag(spool_file.tag)
        if dest is None:
            await self.return_file(reader_file, "TAG DOES NOT NAME A NODE AND USER")
            return
        if dest.hops > MAX_HOPS:
            await self.return_file(reader_file, f"MORE THAN {MAX_HOPS} HOPS (A ROUTING LOOP?)")
            return
        if dest.user == JOB_USER and spool_file.device is not DeviceType.PUN:
            await self.return_file(reader_file, "A JOB MUST BE A PUNCH FILE")
            return
        if dest.node == self.local_node:
            await self.deliver_reader_file(reader_file, dest)
            return
        found = route(self.config, dest.node)
        if found is None or found.link is None:
            await self.return_file(reader_file, messages.node_unknown(dest.node))
            return
        origin_node, origin_user = origin_of(spool_file, self.local_node)
        queued = QueuedFile(
            outbound_file(reader_file, dest, self.local_node), spool_file.spoolid,
            dest.node, dest.user, origin_node, origin_user, len(reader_file.records),
            priority=dest.priority,
        )  # fmt: skip
        self.links[found.link].enqueue(queued)

    async def deliver_reader_file(self, reader_file: ReaderFile, dest: Destination) -> None:
        """A file in RSCS's reader for a user of this node (a returned file, or a local tag)."""
        spool_file = reader_file.spool_file
        node, user = origin_of(spool_file, self.local_node)
        to = None if dest.user == SYSTEM_USER and not dest.returned else self.local_user(dest.user)
        if to is not None and not await self.user_exists(to) and not dest.returned:
            await self.return_file(reader_file, f"USER {to} NOT DEFINED AT {self.local_node}")
            return
        settings = OutputSettings(
            device=spool_file.device, spool_class=spool_file.spool_class, to=to,
            dist=spool_file.dist,
        )  # fmt: skip
        settings.name = spool_file.name
        origin = NetworkOrigin(node, user, spool_file.network_id)
        delivered = await self.guest.send_file(reader_file.records, settings, origin)
        await self.guest.finish_reader_file(reader_file)
        where = to or f"SYSTEM {spool_file.device.value}"
        text = messages.file_spooled(delivered.spoolid, spool_file.spoolid, where, node, user)
        if to is None:
            self.console(text)
        else:
            await self.tell_local(to, text)

    def local_user(self, user: str) -> str:
        """The user a file or message for ``user`` here goes to (SYSTEM, JOB: the operator)."""
        return self.config.operators[0] if user in (SYSTEM_USER, JOB_USER) else user

    async def user_exists(self, user: str) -> bool:
        """Whether ``user`` is in this system's directory, when CP can tell RSCS that."""
        check = getattr(self.guest, "user_exists", None)
        return True if check is None else bool(await check(user))

    async def return_file(self, reader_file: ReaderFile, reason: str) -> None:
        """Send an undeliverable file back to its origin (once; then hold it)."""
        spool_file = reader_file.spool_file
        dest = parse_tag(spool_file.tag)
        node, user = origin_of(spool_file, self.local_node)
        if dest is not None and dest.returned:
            self.console(messages.file_returned(spool_file.spoolid, reason + "; HELD"))
            await self.hold(reader_file)
            return
        settings = OutputSettings(
            device=spool_file.device, spool_class=spool_file.spool_class,
            to=self.guest.userid, tag=f"{node} {user} RETURNED", dist=spool_file.dist,
        )  # fmt: skip
        settings.name = spool_file.name
        origin = NetworkOrigin(node, user, spool_file.network_id)
        await self.guest.send_file(reader_file.records, settings, origin)
        await self.guest.finish_reader_file(reader_file)
        await self.tell(node, user, messages.file_returned(spool_file.spoolid, reason))

    async def hold(self, reader_file: ReaderFile) -> None:
        await self.guest.finish_reader_file(reader_file, keep=True)
        await self.guest.cp(f"CHANGE RDR {reader_file.spool_file.spoolid:04d} HOLD")

    async def file_sent(self, link: Link, queued: QueuedFile) -> None:
        """C0 from the next hop: the file is no longer ours."""
        reader_file = queued.file.key
        if isinstance(reader_file, ReaderFile):
            await self.guest.finish_reader_file(reader_file)
        text = messages.file_sent(queued.spoolid, queued.dest_node, queued.dest_user, link.name)
        self.console(text)
        if queued.origin_node == self.local_node and queued.origin_user != self.guest.userid:
            await self.tell_local(queued.origin_user, text)

    async def file_refused(self, link: Link, queued: QueuedFile, reason: str) -> None:
        if queued.purge:
            await self.purge_file(queued, f"FLUSHED ON LINK {link.name}")
            return
        reader_file = queued.file.key
        if isinstance(reader_file, ReaderFile):
            await self.return_file(reader_file, f"REFUSED BY LINK {link.name}: {reason}")

    async def purge_file(self, queued: QueuedFile, reason: str) -> None:
        """PURGE or FLUSH: the file is gone; its originator is told."""
        reader_file = queued.file.key
        if isinstance(reader_file, ReaderFile):
            await self.guest.finish_reader_file(reader_file)
        text = messages.file_purged(queued.spoolid, reason)
        self.console(text)
        await self.tell(queued.origin_node, queued.origin_user, text)

    async def file_received(self, link: Link, session: NJELink, event: FileReceived) -> None:
        """Commit a received file (here, or in our reader for the next hop), then C0."""
        file = event.file
        nid = received_network_id(file)
        if nid in self.recent:
            await session.confirm(file)  # sent again after a lost C0: already committed
            return
        dest_node, dest_user = received_destination(file)
        origin = NetworkOrigin(file.origin_node, file.origin_user, nid)
        records = from_file_records([*file.records], file.is_print)
        local: str | None = self.local_user(dest_user)
        if dest_node == self.local_node and dest_user == SYSTEM_USER:
            settings, local = received_settings(file, None), None  # this system's devices
        elif dest_node == self.local_node and await self.user_exists(local or ""):
            settings = received_settings(file, local)
        else:
            tag = f"{dest_node} {dest_user} HOP={file.hops + 1}"
            settings, local = received_settings(file, self.guest.userid, tag), ""
        spool_file = await self.guest.send_file(records, settings, origin)
        self.recent.append(nid)
        await self.save()
        await session.confirm(file)
        if local != "":
            where = local or f"SYSTEM {settings.device.value}"
            text = messages.file_spooled(
                spool_file.spoolid, file.njh.job_id, where, file.origin_node, file.origin_user
            )
            self.console(text)
            if local:
                await self.tell_local(local, text)


def one_line(text: str) -> str:
    """Text from users and other nodes made safe for one CP command line: CP would take a
    line end (X'15' NL, LF, CR) as the start of another command, run with RSCS's classes."""
    return "".join(ch if ch.isprintable() else " " for ch in text)


class TraceTap:
    """TRACE for a connection the listener took: its link is known only after the OPEN."""

    def __init__(self, rscs: RSCS) -> None:
        self.rscs = rscs
        self.link: Link | None = None

    def __call__(self, direction: str, data: bytes) -> None:
        if self.link is not None:
            self.link.trace(direction, data)


async def main(guest: GuestInterface) -> None:
    """IPL RSCS."""
    await RSCS(guest).run()
