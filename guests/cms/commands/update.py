"""UPDATE: apply update files to a source file (reference cp-cms.md 10.27).

``Update fn1 [ASSEMBLE|ft1 [A1|fm1 [fn2 [ft2 [fm2]]]]] [(options)]`` (R6 CMS
Command and Macro Reference, "UPDATE"; Service Routines Program Logic,
DMSUPD). The control statements are applied by ``guests.cms.updater``;
this module finds the files and writes the results:

* NOCTL (default): the update file ``fn1 UPDATE A1`` (or fn2 ft2 fm2).
* CTL (implies INC): the control file ``fn1 CNTRL A1`` whose first record is
  ``level MACS [libraries]`` and whose other records are ``level filetype``
  (``UPDT`` may be left off the filetype), read from the bottom up; each
  update found is applied to the result of the one before; missing ones are
  passed over. A filetype ``AUXxxxxx`` (or ``level xxxxx AUX``) names an
  auxiliary control file ``fn1 AUXxxxxx`` that lists update (PTF) filetypes,
  one a record, also read from the bottom up; a missing one is 180W. Further
  filetypes on an AUX record are preferred files: when one of them exists the
  AUX record is passed over. ``fn1 UPDATES`` gets an entry for each update
  applied; with none found the output is still written and 181E ends with
  return code 40.
* Output ``$fn1 ft1`` (the first seven characters of fn1), or with REP
  ``fn1 ft1`` itself when no warning was issued, on the input file's disk if
  it is read/write, else on A; the update log ``fn1 UPDLOG`` beside it, or
  printed on the virtual printer with PRINT.
* ``DMSUPD178I UPDATING 'fn ft fm' WITH 'fn ft fm'`` for each update file;
  with TERM each warning is typed with ``FILE 'fn ft fm', REC #n = card``,
  with NOTERM it goes to the log only. After warnings, ``DMSUPD177I WARNING
  MESSAGES ISSUED (SEVERITY=nn).`` is typed with NOTERM, and with REP (then
  with ``'REP' OPTION IGNORED.``); the return code is the severity.
* STK (with CTL only) stacks ``* level`` (the newest update applied, else the
  MACS level) and ``* libraries``.
* STOR and NOSTOR choose where R6 kept the file while updating; this CMS
  always updates in storage, with the same result.

Message numbers and texts are R6's (DMSUPD001E, 002E, 003E, 065E, 066E,
070E, 174W-186W, 207W, 210W, 177I, 178I, 179E, 181E, 183E from the Service
Routines Program Logic manual, Diagrams 7-6 to 7-11; the rest of 180W's text
and 187E's are best estimates, as are the UPDLOG and UPDATES layouts and
178I naming the source file only for the first update).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from guests.cms.commands import command
from guests.cms.commands.common import (
    CommandError,
    conflicting,
    decode,
    encode,
    file_not_found,
    invalid_option,
    invalid_parameter,
    parse_mode,
    read_write_disk,
)
from guests.cms.commands.unitrec import PRINTER_ADDRESS, print_records
from guests.cms.disks import AccessedDisk
from guests.cms.fs import FstEntry
from guests.cms.plist import Call
from guests.cms.updater import CARD, Outcome, Settings, Warning, apply_update

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

#: Option -> (its group, the default of the group).
PAIRS = (
    ("REP", "NOREP"), ("SEQ8", "NOSEQ8"), ("INC", "NOINC"), ("CTL", "NOCTL"),
    ("STK", "NOSTK"), ("TERM", "NOTERM"), ("DISK", "PRINT"), ("STOR", "NOSTOR"),
)  # fmt: skip
DEFAULTS = {"NOREP", "SEQ8", "NOINC", "NOCTL", "NOSTK", "TERM", "DISK", "STOR"}
Fileid = tuple[str, str, str]


@dataclass(frozen=True)
class Options:
    chosen: frozenset[str]

    def __getattr__(self, name: str) -> bool:
        return name.upper() in self.chosen


@dataclass
class Update:
    """One update file to apply: its control-file level and where it is."""

    level: str
    accessed: AccessedDisk
    entry: FstEntry


@dataclass
class Plan:
    """The updates in the order they are applied, and what STK stacks."""

    updates: list[Update] = field(default_factory=list)
    macs_level: str = ""
    libraries: list[str] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)


def parse_options(words: list[str]) -> Options:
    """003E unknown, 065E twice, 066E conflicting, 187E STK without CTL."""
    given: list[str] = []
    for word in words:
        if not any(word in pair for pair in PAIRS):
            raise invalid_option(word)
        if word in given:
            raise CommandError(65, f"'{word}' OPTION SPECIFIED TWICE")
        for pair in PAIRS:
            other = pair[1] if word == pair[0] else pair[0] if word == pair[1] else None
            if other is not None and other in given:
                raise conflicting(other, word)
        given.append(word)
    if "CTL" in given and "NOINC" in given:
        raise conflicting("CTL", "NOINC")
    chosen = set(given)
    for pair in PAIRS:
        if not chosen & set(pair):
            chosen |= set(pair) & DEFAULTS
    if "CTL" in chosen:
        chosen = (chosen - {"NOINC"}) | {"INC"}
    if "STK" in chosen and "CTL" not in chosen:
        raise CommandError(187, "OPTION 'STK' INVALID WITHOUT 'CTL'")
    return Options(frozenset(chosen))


def fileids(operands: list[str], ctl: bool) -> tuple[Fileid, Fileid]:
    if not operands:
        raise CommandError(1, "NO FILENAME SPECIFIED")
    if len(operands) > 6:
        raise invalid_parameter(operands[6])
    for mode in operands[2:3] + operands[5:6]:
        parse_mode(mode, star=False)
    given = operands + [""] * (6 - len(operands))
    fn1 = given[0]
    source = (fn1, given[1] or "ASSEMBLE", given[2] or "A1")
    update = (given[3] or fn1, given[4] or ("CNTRL" if ctl else "UPDATE"), given[5] or "A1")
    return source, update


def locate(cms: Cms, fileid: Fileid) -> tuple[AccessedDisk, FstEntry] | None:
    fn, ft, fm = fileid
    return cms.disks.find(fn, ft, fm)


def require(cms: Cms, fileid: Fileid) -> tuple[AccessedDisk, FstEntry]:
    found = locate(cms, fileid)
    if found is None:
        raise file_not_found(" ".join(fileid))
    return found


def read_text(found: tuple[AccessedDisk, FstEntry]) -> list[str]:
    accessed, entry = found
    return [decode(record) for record in accessed.disk.read(entry.fn, entry.ft)]


def _control_error(number: int, text: str) -> CommandError:
    return CommandError(number, text, rc=32)


def _update_files(cms: Cms, fn: str, level: str, filetype: str) -> Update | None:
    names = [filetype] if filetype.startswith("UPDT") else [f"UPDT{filetype}", filetype]
    for name in names:
        found = locate(cms, (fn, name[:8], "*"))
        if found is not None:
            return Update(level, *found)
    return None


def _aux(cms: Cms, fn: str, level: str, filetypes: list[str], plan: Plan) -> None:
    """An auxiliary control file's updates, bottom up; passed over for a preferred file."""
    if any(locate(cms, (fn, preferred, "*")) for preferred in filetypes[1:]):
        return
    found = locate(cms, (fn, filetypes[0], "*"))
    if found is None:
        return
    for record in reversed(read_text(found)):
        words = record[:CARD].split()
        if words and not words[0].startswith("*"):
            update = _update_files(cms, fn, level, words[0])
            if update is not None:
                plan.updates.append(update)
            else:
                text = f"MISSING PTF FILE '{fn} {words[0][:8]} *'"
                plan.warnings.append(Warning(180, 12, text))


def _entry(cms: Cms, fn: str, words: list[str], plan: Plan) -> None:
    level, filetype = words[0], words[1]
    if len(words) > 2 and words[2] == "AUX":
        _aux(cms, fn, level, [f"AUX{filetype}"[:8]], plan)
    elif filetype.startswith("AUX") and filetype != "AUXPTF" and level != "PTF":
        _aux(cms, fn, level, words[1:], plan)
    else:
        update = _update_files(cms, fn, level, filetype)
        if update is not None:
            plan.updates.append(update)


def control_plan(cms: Cms, fn: str, control: Fileid) -> Plan:
    """The updates a control file names, in the order they are applied (bottom up)."""
    records = [record[:CARD].split() for record in read_text(require(cms, control))]
    records = [words for words in records if words and not words[0].startswith("*")]
    where = f"'{' '.join(control)}'"
    if not records or len(records[0]) < 2 or records[0][1] != "MACS":
        raise _control_error(179, f"MISSING OR DUPLICATE 'MACS' CARD IN CONTROL FILE {where}")
    plan = Plan(macs_level=records[0][0], libraries=records[0][2:10])
    for words in reversed(records[1:]):
        if len(words) < 2:
            raise _control_error(183, "INVALID CONTROL FILE CONTROL CARD")
        if words[1] == "MACS":
            raise _control_error(179, f"MISSING OR DUPLICATE 'MACS' CARD IN CONTROL FILE {where}")
        _entry(cms, fn, words, plan)
    return plan


def _fileid(entry: FstEntry) -> str:
    return f"{entry.fn} {entry.ft} {entry.mode}"


def _type_warnings(cms: Cms, warnings: list[Warning], where: str) -> None:
    """TERM: each warning, then the update file's card it is about."""
    for warning in warnings:
        cms.console.type(warning.message)
        if warning.card:
            cms.console.type(f"FILE '{where}', REC #{warning.card} = {warning.statement}")


def _output_disk(cms: Cms, accessed: AccessedDisk) -> AccessedDisk:
    """The input file's disk when it is read/write, else A (037E/069E if A cannot be)."""
    return accessed if not accessed.read_only else read_write_disk(cms, "A")


def _cards(lines: list[str]) -> list[bytes]:
    return [encode(line[:CARD].ljust(CARD)) for line in lines]


def _apply_all(
    cms: Cms, source: list[str], plan: Plan, options: Options, fn1: str, input_id: str
) -> tuple[Outcome, list[str]]:
    """Each update in turn on the result of the one before; the last outcome, the log."""
    outcome = Outcome(source)
    log: list[str] = []
    warnings = list(plan.warnings)
    for index, update in enumerate(plan.updates):
        where = _fileid(update.entry)
        prefix = f"'{input_id}' " if index == 0 else ""
        cms.console.error("UPD", 178, "I", f"UPDATING {prefix}WITH '{where}'")
        log.append(f"UPDATING {prefix}WITH '{where}'")
        deck = read_text((update.accessed, update.entry))
        settings = Settings(
            seq8=options.seq8, inc=options.inc, label=fn1[:3], update_id=update.entry.ft
        )
        outcome = apply_update(outcome.records, deck, settings)
        if options.term:
            _type_warnings(cms, outcome.warnings, where)
        log += outcome.log
        warnings += outcome.warnings
    outcome.warnings = warnings
    if options.term:
        _type_warnings(cms, plan.warnings, "")
    return outcome, [*log, *(warning.message for warning in plan.warnings)]


async def _write_log(cms: Cms, target: AccessedDisk, fn1: str, log: list[str],
                     options: Options) -> None:
    if options.print:
        print_records(cms, _cards(log), carriage=False)
        await cms.guest.cp(f"CLOSE {PRINTER_ADDRESS:03X} NAME {fn1} UPDLOG", capture=True)
    elif log:
        target.disk.write(fn1, "UPDLOG", _cards(log), recfm="F", lrecl=CARD)
    elif target.disk.find(fn1, "UPDLOG") is not None:  # an old log is not this run's
        target.disk.erase(fn1, "UPDLOG")


def _stack(cms: Cms, plan: Plan) -> None:
    level = plan.updates[-1].level if plan.updates else plan.macs_level
    cms.stack_line(f"* {level}", lifo=False)
    cms.stack_line(f"* {' '.join(plan.libraries)}", lifo=False)


@command("UPDATE", 1, "UPD")
async def update(cms: Cms, call: Call) -> int:
    options = parse_options(call.options)
    source_id, update_id = fileids(call.operands, options.ctl)
    fn1 = source_id[0]
    found = require(cms, source_id)
    source = read_text(found)
    if options.ctl:
        plan = control_plan(cms, fn1, update_id)
        if options.stk:
            _stack(cms, plan)
    else:
        plan = Plan(updates=[Update("", *require(cms, update_id))])
    target = _output_disk(cms, found[0])
    outcome, log = _apply_all(cms, source, plan, options, fn1, _fileid(found[1]))
    await cms.checkpoint()
    severity = outcome.severity
    name = fn1 if options.rep and severity == 0 else f"${fn1[:7]}"
    target.disk.write(name, found[1].ft, _cards(outcome.records), recfm="F", lrecl=CARD)
    await _write_log(cms, target, fn1, log, options)
    if options.ctl and plan.updates:
        applied = [f"{u.level:<5} {_fileid(u.entry)}" for u in plan.updates]
        target.disk.write(fn1, "UPDATES", _cards(applied), recfm="F", lrecl=CARD)
    if options.ctl and not plan.updates:
        raise CommandError(181, "NO UPDATE FILES WERE FOUND", rc=40)
    if severity and (options.noterm or options.rep):
        ignored = " 'REP' OPTION IGNORED." if options.rep else ""
        cms.console.error(
            "UPD", 177, "I", f"WARNING MESSAGES ISSUED (SEVERITY={severity:02d}).{ignored}"
        )
    return severity
