"""The CMS assembler (ASSEMBLE): System/370 assembler language into object decks.

reference/cp-cms.md 10.2; OS/VS - VM/370 Assembler Language (GC33-4010).
``statements`` reads the fixed-format source, ``expressions`` and
``constants`` evaluate terms and DC/DS operands, ``instructions`` encodes
machine instructions from the table in ``opcodes``, ``core`` runs the two
passes and ``output`` writes the TEXT deck and the LISTING.
"""

from guests.cms.assembler.core import Assembly, assemble
from guests.cms.assembler.output import listing_lines, object_deck

__all__ = ["Assembly", "assemble", "listing_lines", "object_deck"]
