"""Logon and minidisk passwords, kept only as scrypt hashes.

VM/370 Release 6 kept directory passwords in clear (Planning and System
Generation Guide, "The Directory Program"; reference cp-cms.md 7.3).  vm370
never stores a clear password: USER DIRECT import hashes clear passwords, and
the directory writer puts the stored form back, which import accepts as is.

Stored forms:

* ``NOLOG`` for a USER password: the entry can never log on.
* ``ALL`` for an MDISK password: anyone may link in that mode without one.
* ``SCRYPT:<log2 N>:<r>:<p>:<salt hex>:<key hex>`` with upper-case hex digits.
  It is one blank-free token, survives the upper-case folding of directory
  cards, and is always longer than 8 characters, so it is never mistaken for a
  clear password (1-8 characters).

VM passwords are case-insensitive: the clear text is folded to upper case
before hashing and before verifying.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re

__all__ = [
    "ALL",
    "NOLOG",
    "SCHEME",
    "hash_password",
    "is_clear_password",
    "is_hashed",
    "verify_password",
]

NOLOG = "NOLOG"
ALL = "ALL"
SCHEME = "SCRYPT"

DEFAULT_LOG2_N = 14
_R = 8
_P = 1
_SALT_BYTES = 16
_KEY_BYTES = 32
_MAXMEM = 256 * 1024 * 1024

_HASHED = re.compile(
    r"SCRYPT:(?P<n>[1-9]|1[0-9]|20):(?P<r>[1-9]|1[0-6]):(?P<p>[1-4])"
    r":(?P<salt>(?:[0-9A-F]{2}){8,32}):(?P<key>(?:[0-9A-F]{2}){16,64})"
)
_CLEAR = re.compile(r"[!-~]{1,8}")


def is_hashed(token: str) -> bool:
    """True when token is a stored scrypt hash in vm370's text form."""
    return _HASHED.fullmatch(token) is not None


def is_clear_password(token: str) -> bool:
    """True when token can be a clear VM password: 1-8 printable, blank-free ASCII."""
    return _CLEAR.fullmatch(token) is not None


def _derive(clear: str, salt: bytes, log2_n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(
        clear.upper().encode("ascii", "replace"),
        salt=salt,
        n=1 << log2_n,
        r=r,
        p=p,
        maxmem=_MAXMEM,
        dklen=length,
    )


def hash_password(clear: str, *, log2_n: int = DEFAULT_LOG2_N) -> str:
    """Hash a clear password (folded to upper case) with a fresh random salt."""
    if not 1 <= log2_n <= 20:
        raise ValueError("log2_n must be 1-20")
    salt = os.urandom(_SALT_BYTES)
    key = _derive(clear, salt, log2_n, _R, _P, _KEY_BYTES)
    return f"{SCHEME}:{log2_n}:{_R}:{_P}:{salt.hex().upper()}:{key.hex().upper()}"


def verify_password(clear: str, stored: str) -> bool:
    """Check a typed password against a stored hash; NOLOG and clear forms never verify.

    The comparison is constant-time.  This costs one scrypt derivation (tens of
    milliseconds at the default cost): call it from a worker thread in a server.
    """
    match = _HASHED.fullmatch(stored)
    if match is None:
        return False
    expected = bytes.fromhex(match["key"])
    try:
        actual = _derive(
            clear,
            bytes.fromhex(match["salt"]),
            int(match["n"]),
            int(match["r"]),
            int(match["p"]),
            len(expected),
        )
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(actual, expected)
