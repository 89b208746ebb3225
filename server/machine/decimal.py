"""Packed and zoned decimal data and the decimal operations of the System/370.

Models IBM System/370 Principles of Operation (GA22-7000-10): chapter 8,
"Decimal Instructions" (ADD, SUBTRACT, ZERO AND ADD, COMPARE, MULTIPLY and
DIVIDE DECIMAL, SHIFT AND ROUND DECIMAL, EDIT, EDIT AND MARK); from chapter 7,
"General Instructions", CONVERT TO BINARY, CONVERT TO DECIMAL, MOVE WITH
OFFSET, PACK and UNPACK; and from chapter 6, "Interruptions", the data,
decimal-overflow, decimal-divide and fixed-point-divide exceptions as the
decimal operations raise them.

Everything here is pure: no CPU, no storage, no PSW. Arithmetic takes whole
operand fields (``bytes``) and returns the result field and condition code;
the instruction layer (``insn_decimal``) fetches, stores and raises the
program interruption. The byte-serial operations (PACK, UNPK, MVO, ED, EDMK)
instead take fetch and store callbacks indexed by byte offset within the
operand, because their results with overlapping operands are defined by the
order in which bytes are fetched and stored (right to left for PACK, UNPK
and MVO, left to right for editing).

Packed format: two decimal digits a byte, the rightmost four bits a sign.
Digit codes 0-9 are valid; sign codes A-F are valid, with B and D minus and
A, C, E, F plus. Results always carry the preferred signs C (plus) and D
(minus). Operands are 1 to 16 bytes (1 to 31 digits).

Exceptions found here raise ``DecimalCheck``, a ``ProgramCheck`` carrying the
program interruption code (so the CPU takes it as raised). The arithmetic is
checked completely before any result exists, so a caller that stores nothing
on ``DecimalCheck`` suppresses the instruction, which the manual allows for
every data exception (programming note 3 to "Data Exception" permits
termination only for invalid digits).
Decimal overflow is not raised: the operation completes, the condition code
is 3, and the caller takes the interruption if the program mask allows it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from server.machine.isa import ProgramCheck

# Program-interruption codes (chapter 6, "Program Interruption").
SPECIFICATION = 0x06
DATA = 0x07
FIXED_POINT_DIVIDE = 0x09
DECIMAL_OVERFLOW = 0x0A
DECIMAL_DIVIDE = 0x0B

PLUS = 0xC  # preferred plus sign code
MINUS = 0xD  # preferred minus sign code
ZONE = 0xF0  # EBCDIC zone of a zoned digit made by UNPK and ED

DIGIT_SELECTOR = 0x20
SIGNIFICANCE_STARTER = 0x21
FIELD_SEPARATOR = 0x22

MAX_LENGTH = 16  # bytes in the longest packed operand
MAX_FACTOR_LENGTH = 8  # longest multiplier or divisor (15 digits and sign)

Fetch = Callable[[int], int]
"""Fetch the byte at an offset within an operand (0 = leftmost byte)."""
Store = Callable[[int, int], None]
"""Store a byte at an offset within an operand."""


class DecimalCheck(ProgramCheck):
    """A program exception recognized while interpreting decimal data."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(code)
        self.args = (f"program interruption {code:02X}: {reason}",)
        self.reason = reason


class Result(NamedTuple):
    """A packed result field and the condition code the instruction sets."""

    field: bytes
    cc: int


class EditResult(NamedTuple):
    """How an edit ended: the condition code, and for EDIT AND MARK the offset
    in the result field of the last digit that turned significance on by being
    nonzero (None when no digit did)."""

    cc: int
    mark: int | None


# --- validation and conversion --------------------------------------------


def is_minus(sign: int) -> bool:
    """True for the minus sign codes B and D."""
    return sign == 0xB or sign == 0xD


def digit_count(length: int) -> int:
    """Digits in a packed field of `length` bytes."""
    return 2 * length - 1


def _invalid(field: bytes) -> DecimalCheck:
    """The data exception for a packed field found invalid."""
    sign = field[-1] & 0x0F
    if sign < 0xA:
        return DecimalCheck(DATA, f"invalid sign code {sign:X}")
    return DecimalCheck(DATA, "invalid digit code")


def decode(field: bytes) -> tuple[int, bool]:
    """The magnitude and minus flag of a packed field; data exception if any
    digit code is not 0-9 or the sign code is not A-F."""
    text = field.hex()
    sign = text[-1]
    digits = text[:-1]
    if sign < "a" or not digits.isdigit():  # hex() gives 0-9 a-f: digits test as digits
        raise _invalid(field)
    return int(digits), sign == "b" or sign == "d"


def value(field: bytes) -> int:
    """The signed value of a packed field (a minus zero reads as 0)."""
    text = field.hex()
    sign = text[-1]
    digits = text[:-1]
    if sign < "a" or not digits.isdigit():
        raise _invalid(field)
    return -int(digits) if sign == "b" or sign == "d" else int(digits)


def is_valid(field: bytes) -> bool:
    """True when every digit and the sign code of a packed field are valid."""
    try:
        decode(field)
    except DecimalCheck:
        return False
    return True


_LIMITS = [1] + [10 ** digit_count(length) for length in range(1, MAX_LENGTH + 1)]


def encode(magnitude: int, minus: bool, length: int) -> tuple[bytes, bool]:
    """A packed field of `length` bytes with the preferred sign, and whether
    nonzero leftmost digits had to be dropped to fit.  (The decimal digits
    read as hexadecimal are the packed digits; ``to_bytes`` pads with zeros.)"""
    limit = _LIMITS[length]
    if magnitude >= limit:
        return encode(magnitude % limit, minus, length)[0], True
    return int(f"{magnitude}{'d' if minus else 'c'}", 16).to_bytes(length, "big"), False


def packed(number: int, length: int) -> bytes:
    """`number` as a packed field of `length` bytes (truncated on the left)."""
    return encode(abs(number), number < 0, length)[0]


def _signed_result(number: int, length: int) -> Result:
    """Store a signed result: a zero is plus unless overflow lost its digits,
    when it keeps the sign of the true result (AP, SP, ZAP)."""
    field, lost = encode(abs(number), number < 0, length)
    if lost:
        return Result(field, 3)
    return Result(field, 0 if number == 0 else 1 if number < 0 else 2)


# --- decimal arithmetic (chapter 8) ---------------------------------------


def add(first: bytes, second: bytes) -> Result:
    """FA AP - Add Decimal."""
    return _signed_result(value(first) + value(second), len(first))


def subtract(first: bytes, second: bytes) -> Result:
    """FB SP - Subtract Decimal."""
    return _signed_result(value(first) - value(second), len(first))


def zero_and_add(length: int, second: bytes) -> Result:
    """F8 ZAP - Zero and Add: only the second operand is checked."""
    return _signed_result(value(second), length)


def compare(first: bytes, second: bytes) -> int:
    """F9 CP - Compare Decimal: the condition code (0 equal, 1 low, 2 high);
    a minus zero equals a plus zero."""
    difference = value(first) - value(second)
    return 0 if difference == 0 else 1 if difference < 0 else 2


def check_factor_lengths(length1: int, length2: int) -> None:
    """The specification exception of MP and DP: the second operand longer
    than 8 bytes, or not shorter than the first. Recognized before any
    operand is fetched."""
    if length2 > MAX_FACTOR_LENGTH or length2 >= length1:
        raise DecimalCheck(SPECIFICATION, f"L1={length1} L2={length2} for MP or DP")


def multiply(first: bytes, second: bytes) -> bytes:
    """FC MP - Multiply Decimal: the product field. The multiplicand must
    have at least as many leftmost bytes of zeros as the multiplier has bytes
    (data exception otherwise), so the product always fits. The sign follows
    algebra even for a zero product."""
    length1, length2 = len(first), len(second)
    check_factor_lengths(length1, length2)
    multiplicand, minus1 = decode(first)
    multiplier, minus2 = decode(second)
    if multiplicand >= _LIMITS[length1 - length2]:
        raise DecimalCheck(DATA, "multiplicand lacks leftmost zero bytes")
    return encode(multiplicand * multiplier, minus1 != minus2, length1)[0]


def divide(first: bytes, second: bytes) -> bytes:
    """FD DP - Divide Decimal: the first-operand field holding the quotient
    (leftmost L1-L2 bytes, sign by algebra even when zero) and the remainder
    (rightmost L2 bytes, sign of the dividend even when zero). A zero divisor
    or a quotient too long for its field is a decimal-divide exception, which
    suppresses the instruction."""
    length1, length2 = len(first), len(second)
    check_factor_lengths(length1, length2)
    dividend, minus1 = decode(first)
    divisor, minus2 = decode(second)
    if divisor == 0:
        raise DecimalCheck(DECIMAL_DIVIDE, "divisor is zero")
    quotient, remainder = divmod(dividend, divisor)
    if quotient >= _LIMITS[length1 - length2]:
        raise DecimalCheck(DECIMAL_DIVIDE, "quotient too long")
    quotient_field = encode(quotient, minus1 != minus2, length1 - length2)[0]
    return quotient_field + encode(remainder, minus1, length2)[0]


def shift_and_round(first: bytes, shift: int, rounding: int) -> Result:
    """F0 SRP - Shift and Round Decimal. `shift` is the second-operand
    address, whose rightmost six bits are a signed digit count (plus is
    left); `rounding` is the I3 field, added to the leftmost digit shifted
    out on a right shift. Both the operand and the rounding digit are
    checked even when unused. Overflow (cc 3) only on a left shift."""
    magnitude, minus = decode(first)
    if rounding > 9:
        raise DecimalCheck(DATA, f"invalid rounding digit {rounding:X}")
    amount = shift & 0x3F
    if amount < 32:
        shifted = magnitude * 10**amount
    else:
        places = 64 - amount
        shifted = (magnitude + rounding * 10 ** (places - 1)) // 10**places
    field, lost = encode(shifted, minus, len(first))
    if lost:
        return Result(field, 3)
    if shifted == 0:
        return Result(encode(0, False, len(first))[0], 0)
    return Result(field, 1 if minus else 2)


# --- conversion (chapter 7) ------------------------------------------------


def convert_to_binary(field: bytes) -> tuple[int, bool]:
    """4F CVB - Convert to Binary: the 32-bit register value (unsigned form)
    and whether the value was outside the 32-bit range, in which case the
    operation completes with the rightmost 32 bits and a fixed-point-divide
    exception is recognized."""
    number = value(field)
    out_of_range = not -(1 << 31) <= number < (1 << 31)
    return number & 0xFFFFFFFF, out_of_range


def convert_to_decimal(register: int) -> bytes:
    """4E CVD - Convert to Decimal: the 8-byte packed field of a register
    taken as a 32-bit signed integer."""
    register &= 0xFFFFFFFF
    number = register - (1 << 32) if register & 0x80000000 else register
    return packed(number, 8)


# --- byte-serial moves (chapter 7) ------------------------------------------


def _swap(byte: int) -> int:
    """The two halves of a byte exchanged (sign and digit)."""
    return ((byte << 4) | (byte >> 4)) & 0xFF


def pack(length1: int, length2: int, fetch2: Fetch, store1: Store) -> None:
    """F2 PACK - Pack. Right to left: the rightmost byte has its halves
    exchanged, then each result byte takes the numeric halves of the next two
    source bytes, zeros once the source is exhausted. Nothing is checked for
    validity; each result byte is stored as soon as its source bytes are
    fetched, which defines overlapping operands."""
    store1(length1 - 1, _swap(fetch2(length2 - 1)))
    source = length2 - 2
    for target in range(length1 - 2, -1, -1):
        low = fetch2(source) & 0x0F if source >= 0 else 0
        high = fetch2(source - 1) & 0x0F if source >= 1 else 0
        store1(target, (high << 4) | low)
        source -= 2


def unpack(length1: int, length2: int, fetch2: Fetch, store1: Store) -> None:
    """F3 UNPK - Unpack. Right to left: the rightmost byte has its halves
    exchanged, then every source digit becomes a zoned byte (zone F), zeros
    once the source is exhausted. Not checked for validity."""
    store1(length1 - 1, _swap(fetch2(length2 - 1)))
    source = length2 - 2
    target = length1 - 2
    while target >= 0:
        byte = fetch2(source) if source >= 0 else 0
        store1(target, ZONE | (byte & 0x0F))
        if target >= 1:
            store1(target - 1, ZONE | (byte >> 4))
        target -= 2
        source -= 1


def move_with_offset(length1: int, length2: int, fetch1: Fetch, fetch2: Fetch,
                     store1: Store) -> None:
    """F1 MVO - Move with Offset. The second operand is placed one digit to
    the left of the rightmost four bits of the first, which are kept; extra
    leftmost digits are dropped, missing ones are zeros. Right to left, not
    checked for validity."""
    byte = fetch2(length2 - 1)
    store1(length1 - 1, ((byte & 0x0F) << 4) | (fetch1(length1 - 1) & 0x0F))
    carried = byte >> 4
    source = length2 - 2
    for target in range(length1 - 2, -1, -1):
        byte = fetch2(source) if source >= 0 else 0
        store1(target, ((byte & 0x0F) << 4) | carried)
        carried = byte >> 4
        source -= 1


def pack_field(length1: int, second: bytes) -> bytes:
    """PACK of operands that do not overlap, at once: the same result as
    ``pack``. The numeric halves of the source are the odd hex digits."""
    text = second.hex()
    packed_text = text[1::2] + text[-2]
    return bytes.fromhex(packed_text.rjust(2 * length1, "0")[-2 * length1:])


def unpack_field(length1: int, second: bytes) -> bytes:
    """UNPK of operands that do not overlap, at once: the same result as
    ``unpack``."""
    text = second.hex()
    zoned = "f" + "f".join(text[:-2]) if len(text) > 2 else ""
    zoned_text = "f0" * length1 + zoned + text[-1] + text[-2]
    return bytes.fromhex(zoned_text[-2 * length1:])


def move_with_offset_field(first: bytes, second: bytes) -> bytes:
    """MVO of operands that do not overlap, at once: the same result as
    ``move_with_offset``."""
    length1 = len(first)
    text = (second.hex() + first.hex()[-1]).rjust(2 * length1, "0")
    return bytes.fromhex(text[-2 * length1:])


# --- editing (chapter 8) -----------------------------------------------------


class _Editor:
    """The state of one EDIT or EDIT AND MARK: the next source digit, the
    significance indicator and the condition-code state of the current field."""

    def __init__(self, fetch_source: Fetch) -> None:
        self.fetch_source = fetch_source
        self.source_offset = 0
        self.pending: int | None = None  # right digit of the last source byte
        self.significant = False
        self.nonzero = False  # a nonzero digit seen in the current field
        self.mark: int | None = None

    def next_digit(self) -> tuple[int, bool]:
        """The next source digit and whether its byte ended with a plus sign
        (which turns significance off after this digit)."""
        if self.pending is not None:
            digit, self.pending = self.pending, None
            return digit, False
        byte = self.fetch_source(self.source_offset)
        self.source_offset += 1
        digit, right = byte >> 4, byte & 0x0F
        if digit > 9:
            raise DecimalCheck(DATA, f"invalid source digit {digit:X} in edit")
        if right <= 9:
            self.pending = right
            return digit, False
        return digit, not is_minus(right)

    def select(self, offset: int, pattern: int, fill: int) -> int:
        """The result byte for a digit selector or significance starter."""
        digit, plus_sign = self.next_digit()
        if digit:
            self.nonzero = True
            if not self.significant:
                self.mark = offset
        result = ZONE | digit if digit or self.significant else fill
        if digit or pattern == SIGNIFICANCE_STARTER:
            self.significant = True
        if plus_sign:
            self.significant = False
        return result


def edit(length: int, fetch_pattern: Fetch, fetch_source: Fetch, store: Store) -> EditResult:
    """DE ED / DF EDMK - Edit (and Mark). The pattern (first operand, `length`
    bytes) is replaced left to right: digit selectors (20) and significance
    starters (21) by source digits or the fill byte (the leftmost pattern
    byte), field separators (22) by the fill byte, and message bytes by the
    fill byte while significance is off. Source bytes are fetched as needed;
    a left source digit that is not 0-9 is a data exception, raised after
    the result bytes before it have been stored (the operation is
    terminated). Condition code from the last field: 0 zero or empty, 1 less
    than zero, 2 greater than zero."""
    editor = _Editor(fetch_source)
    fill = fetch_pattern(0)
    for offset in range(length):
        pattern = fetch_pattern(offset)
        if pattern == DIGIT_SELECTOR or pattern == SIGNIFICANCE_STARTER:
            store(offset, editor.select(offset, pattern, fill))
        elif pattern == FIELD_SEPARATOR:
            store(offset, fill)
            editor.significant = False
            editor.nonzero = False
        elif not editor.significant:
            store(offset, fill)
        else:
            store(offset, pattern)
    if not editor.nonzero:
        return EditResult(0, editor.mark)
    return EditResult(1 if editor.significant else 2, editor.mark)
