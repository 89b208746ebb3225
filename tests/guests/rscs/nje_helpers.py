"""Helpers for the NJE tests: hex byte strings and two protocol machines wired together."""

from __future__ import annotations

from guests.rscs.nje.events import LinkEvent
from guests.rscs.nje.protocol import LinkOptions, NJEProtocol


def hexbytes(text: str) -> bytes:
    """Bytes from spaced hex pairs; ``|`` and line breaks are ignored (as in the reference)."""
    return bytes.fromhex(text.replace("|", " ").replace("\n", " "))


class Pair:
    """A primary (NODEA) and a secondary (NODEB) protocol joined by an in-memory wire."""

    def __init__(
        self, options_a: LinkOptions | None = None, options_b: LinkOptions | None = None
    ) -> None:
        self.a = NJEProtocol("NODEA", "NODEB", primary=True, options=options_a)
        self.b = NJEProtocol("NODEB", "NODEA", primary=False, options=options_b)
        self.events_a: list[LinkEvent] = []
        self.events_b: list[LinkEvent] = []
        self.wire_a_to_b: list[bytes] = []
        self.wire_b_to_a: list[bytes] = []

    def start(self) -> None:
        self.b.start()
        self.a.start()
        self.run()

    def run(self, rounds: int = 10_000) -> None:
        """Move bytes both ways until neither side has anything to say."""
        for _ in range(rounds):
            to_b, to_a = self.a.data_to_send(), self.b.data_to_send()
            if to_b:
                self.wire_a_to_b.append(to_b)
                self.b.receive_data(to_b)
            if to_a:
                self.wire_b_to_a.append(to_a)
                self.a.receive_data(to_a)
            self.events_a += self.a.events()
            self.events_b += self.b.events()
            if not to_a and not to_b:
                return
        raise AssertionError("the link did not go quiet")
