"""Dynamic address translation for EC-mode programs.

Models Principles of Operation (GA22-7000) chapter 3, "Dynamic Address
Translation": CR0 bits 8-9 give the page size (01 = 2K, 10 = 4K) and bits
11-12 the segment size (00 = 64K, 10 = 1M); CR1 holds the segment-table
length (bits 0-7, in units of 16 entries) and origin (bits 8-25).  A
segment-table entry holds the page-table length (bits 0-3, in sixteenths of
the largest table), the page-table origin (bits 8-28), the segment-protection
bit (29) and the invalid bit (31); a two-byte page-table entry holds the page
frame (bits 0-11 for 4K pages, 0-12 for 2K) and the invalid bit (bit 12 for
4K, bit 13 for 2K; bit 14 must be zero for 2K pages).

Translations are kept in ``cpu.tlb`` (virtual 2K block -> real 2K block
address) until PTLB or a control-register load clears it.  Segment- and
page-translation exceptions store the virtual address at X'90' and nullify.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from server.machine.isa import (
    ADDRESSING,
    PAGE_TRANSLATION,
    PROTECTION,
    SEGMENT_TRANSLATION,
    TRANSLATION_SPECIFICATION,
    ProgramCheck,
)
from server.machine.storage import U16, U32

if TYPE_CHECKING:
    from server.machine.cpu import CPU

PAGE_SIZE_BITS = 0x00C00000
PAGE_2K = 0x00400000
PAGE_4K = 0x00800000
SEGMENT_SIZE_BITS = 0x00380000
SEGMENT_64K = 0x00000000
SEGMENT_1M = 0x00100000
TRANSLATION_EXCEPTION_ADDRESS = 0x90


class TranslationFault(Exception):
    """A translation exception found by :func:`walk` (for LRA: cc and address)."""

    def __init__(self, code: int, cc: int, table_address: int) -> None:
        super().__init__(f"translation exception {code:02X}")
        self.code = code
        self.cc = cc
        self.table_address = table_address


def walk(cpu: CPU, virtual: int) -> tuple[int, bool]:
    """Translate through the tables: (real address, segment protected).

    Raises ProgramCheck for translation-specification and addressing
    exceptions, TranslationFault for segment and page translation exceptions.
    """
    cr0 = cpu.cr[0]
    page_bits = cr0 & PAGE_SIZE_BITS
    segment_bits = cr0 & SEGMENT_SIZE_BITS
    if page_bits not in (PAGE_2K, PAGE_4K) or segment_bits not in (SEGMENT_64K, SEGMENT_1M):
        raise ProgramCheck(TRANSLATION_SPECIFICATION)
    big_pages = page_bits == PAGE_4K
    cr1 = cpu.cr[1]
    segment_table = cr1 & 0x00FFFFC0
    if segment_bits == SEGMENT_1M:
        entry_address = segment_table + ((virtual & 0x00F00000) >> 18)
        page_index = (virtual & 0x000FF000) >> 11 if big_pages else (virtual & 0x000FF800) >> 10
        length_index = (virtual & 0x000F0000) >> 16
    else:
        if (virtual & 0x00F00000) >> 20 > cr1 >> 24:
            raise TranslationFault(SEGMENT_TRANSLATION, 3, segment_table)
        entry_address = segment_table + ((virtual & 0x00FF0000) >> 14)
        page_index = (virtual & 0x0000F000) >> 11 if big_pages else (virtual & 0x0000F800) >> 10
        length_index = (virtual & 0x0000F000) >> 12
    if entry_address + 4 > cpu.size:
        raise ProgramCheck(ADDRESSING)
    segment_entry: int = U32.unpack_from(cpu.mem, entry_address)[0]
    if segment_entry & 1:
        raise TranslationFault(SEGMENT_TRANSLATION, 1, entry_address)
    if segment_entry & 0x0F000000:
        raise ProgramCheck(TRANSLATION_SPECIFICATION)
    page_entry_address = (segment_entry & 0x00FFFFF8) + page_index
    if page_entry_address + 2 > cpu.size:
        raise ProgramCheck(ADDRESSING)
    if length_index > segment_entry >> 28:
        raise TranslationFault(PAGE_TRANSLATION, 3, page_entry_address)
    page_entry: int = U16.unpack_from(cpu.mem, page_entry_address)[0]
    if big_pages:
        if page_entry & 0x0008:
            raise TranslationFault(PAGE_TRANSLATION, 2, page_entry_address)
        real = (page_entry & 0xFFF0) << 8 | virtual & 0xFFF
    else:
        if page_entry & 0x0004:
            raise TranslationFault(PAGE_TRANSLATION, 2, page_entry_address)
        if page_entry & 0x0002:
            raise ProgramCheck(TRANSLATION_SPECIFICATION)
        real = (page_entry & 0xFFF8) << 8 | virtual & 0x7FF
    return real, bool(segment_entry & 0x4)


def translate(cpu: CPU, virtual: int, store: bool = False) -> int:
    """Real address of a virtual address, via the TLB; raises the architected exceptions."""
    block = virtual >> 11
    frame = cpu.tlb.get(block)
    if frame is not None and not (store and block in cpu.tlb_protected):
        return frame | virtual & 0x7FF
    try:
        real, protected = walk(cpu, virtual)
    except TranslationFault as fault:
        cpu.store_real(TRANSLATION_EXCEPTION_ADDRESS, (virtual & 0xFFFFFF).to_bytes(4, "big"))
        raise ProgramCheck(fault.code, nullify=True) from None
    if protected:
        if store:
            raise ProgramCheck(PROTECTION)
        cpu.tlb_protected.add(block)
    cpu.tlb[block] = real & ~0x7FF
    return real


def load_real_address(cpu: CPU, virtual: int) -> tuple[int, int]:
    """LRA: (condition code, real address or table-entry address); no TLB use."""
    try:
        real, _ = walk(cpu, virtual)
    except TranslationFault as fault:
        return fault.cc, fault.table_address
    return 0, real
