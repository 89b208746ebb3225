"""CMS, the Conversational Monitor System of VM/370 Release 6, as a guest written in Python.

``IPL CMS`` runs ``guests.cms.nucleus.main`` in the user's virtual machine; it
reaches CP only through ``server.cp.abi.GuestInterface`` (console reads and
writes, CP commands, DIAGNOSE). Layout:

- ``nucleus``: IPL, the command loop, command resolution, the ready message,
  and the EXEC 1 interpreter's host (reference/cp-cms.md 9.1-9.3);
- ``console``: output under CP SET EMSG, the console stack, immediate commands;
- ``diag``: the DIAGNOSE codes CMS issues and the DIAGNOSE X'18' block device;
- ``disks``: accessed disks by mode letter and the search order;
- ``plist``: command lines as 8-character token lists;
- ``commands``: the CMS commands (reference/cp-cms.md 10);
- ``fs``: the R6 file system; ``exec1``: the EXEC 1 interpreter.
"""
