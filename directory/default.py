"""The built-in default directory, loaded into an empty database.

An R6-like system (reference cp-cms.md 7.4): MAINT and OPERATOR with the
privilege classes of section 3, RSCS with vm370's ``OPTION NETWORK``
(ARCHITECTURE.md, "How a virtual machine runs") and class B for MSGNOH, and
general users that IPL CMS.  The source is ``default.direct`` beside this
module, in USER DIRECT syntax with the well-known clear passwords.
"""

from __future__ import annotations

import copy
import functools
from importlib import resources

from directory.model import Directory
from directory.parser import parse_directory

__all__ = ["default_directory", "default_directory_text"]


def default_directory_text() -> str:
    """The default USER DIRECT source (clear passwords)."""
    return resources.files("directory").joinpath("default.direct").read_text(encoding="utf-8")


@functools.cache
def _parsed() -> Directory:
    return parse_directory(default_directory_text()).directory


def default_directory() -> Directory:
    """The default directory with hashed passwords (hashed once per process)."""
    return copy.deepcopy(_parsed())
