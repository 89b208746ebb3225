"""RSCS messages: ``DMTmmmnnns text`` (reference/cp-cms.md section 2, "RSCS DMT"; the module
names and numbers follow VM/370 RSCS's layout but are (unverified), as the texts are).
"""

from __future__ import annotations


def dmt(module: str, number: int, severity: str, text: str) -> str:
    return f"DMT{module}{number:03d}{severity} {text}"


def ready(node: str, links: int) -> str:
    return dmt("INI", 1, "I", f"RSCS READY; LOCAL NODE {node}, {links} LINK(S) DEFINED")


def listening(host: str, port: int) -> str:
    return dmt("INI", 2, "I", f"NJE LISTENER ON {host}:{port}")


def listen_failed(host: str, port: int, reason: str) -> str:
    return dmt("INI", 3, "E", f"NJE LISTENER ON {host}:{port} NOT STARTED: {reason}")


def link_active(link: str, buffer: int) -> str:
    return dmt("NJE", 70, "I", f"LINK {link} ACTIVE, BUFFER {buffer}")


def link_down(link: str, reason: str) -> str:
    return dmt("NJE", 71, "I", f"LINK {link} INACTIVE: {reason}")


def link_retry(link: str, seconds: float, reason: str) -> str:
    return dmt("NJE", 72, "I", f"LINK {link} CONNECT FAILED ({reason}); RETRY IN {seconds:g} S")


def link_started(link: str) -> str:
    return dmt("CMX", 73, "I", f"LINK {link} STARTED")


def link_drained(link: str) -> str:
    return dmt("CMX", 74, "I", f"LINK {link} DRAINED")


def link_not_defined(link: str) -> str:
    return dmt("CMX", 80, "E", f"LINK {link} NOT DEFINED")


def link_defined(link: str) -> str:
    return dmt("CMX", 81, "I", f"LINK {link} DEFINED")


def link_deleted(link: str) -> str:
    return dmt("CMX", 82, "I", f"LINK {link} DELETED")


def link_busy(link: str) -> str:
    return dmt("CMX", 83, "E", f"LINK {link} IS ACTIVE; DRAIN IT FIRST")


def node_unknown(node: str) -> str:
    return dmt("CMX", 90, "E", f"NODE {node} NOT DEFINED")


def link_inactive(link: str, node: str) -> str:
    return dmt("CMX", 91, "E", f"LINK {link} TO NODE {node} INACTIVE")


def user_not_logged_on(user: str, node: str) -> str:
    return dmt("MSG", 140, "E", f"USER {user} AT {node} NOT LOGGED ON OR NOT RECEIVING")


def invalid_command(word: str) -> str:
    return dmt("CMX", 1, "E", f"INVALID COMMAND {word}")


def invalid_operand(word: str) -> str:
    return dmt("CMX", 2, "E", f"INVALID OPERAND {word}")


def not_authorized(word: str) -> str:
    return dmt("CMX", 3, "E", f"COMMAND {word} NOT AUTHORIZED")


def route_set(node: str, link: str | None) -> str:
    return dmt("CMX", 95, "I", f"ROUTE {node} {'VIA LINK ' + link if link else 'DELETED'}")


def file_sent(spoolid: int, node: str, user: str, link: str) -> str:
    return dmt("NJE", 104, "I", f"FILE {spoolid:04d} SENT TO {node}({user}) ON LINK {link}")


def file_spooled(spoolid: int, origin_spoolid: int, user: str, node: str, origin: str) -> str:
    return dmt(
        "NJE", 105, "I",
        f"FILE {spoolid:04d} ({origin_spoolid:04d}) SPOOLED TO {user} -- ORG {node}({origin})",
    )  # fmt: skip


def file_returned(spoolid: int, reason: str) -> str:
    return dmt("AXS", 106, "E", f"FILE {spoolid:04d} RETURNED: {reason}")


def file_purged(spoolid: int, reason: str) -> str:
    return dmt("AXS", 108, "I", f"FILE {spoolid:04d} PURGED: {reason}")


def file_not_queued(spoolid: int, link: str) -> str:
    return dmt("CMX", 110, "E", f"FILE {spoolid:04d} NOT QUEUED ON LINK {link}")


def files_changed(count: int, verb: str, link: str) -> str:
    return dmt("CMX", 111, "I", f"{count} FILE(S) {verb} ON LINK {link}")


def link_held(link: str, hold: bool) -> str:
    return dmt("CMX", 75, "I", f"LINK {link} {'HELD' if hold else 'FREED'}")


def trace_set(link: str, on: bool) -> str:
    return dmt("CMX", 76, "I", f"TRACE {'ON' if on else 'OFF'} FOR LINK {link}")


def routing_loop(node: str, link: str) -> str:
    return dmt("CMX", 92, "E", f"ROUTE TO NODE {node} LEADS BACK OVER LINK {link}; NOT FORWARDED")
