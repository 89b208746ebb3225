"""RSCS, the Remote Spooling Communications Subsystem: a guest in the RSCS virtual machine
that moves files, messages and commands between vm370 nodes and other NJE systems over TCP
(reference/nje-rscs.md; issue "RSCS").

``main`` is what ``IPL RSCS`` runs (:mod:`guests.rscs.service`); ``nje`` is the link driver.
"""

from guests.rscs.service import main

__all__ = ["main"]
