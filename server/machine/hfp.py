"""System/370 hexadecimal floating-point arithmetic on Python integers.

Models the arithmetic of *IBM System/370 Principles of Operation* (GA22-7000),
chapter "Floating-Point Instructions": the short (32-bit), long (64-bit) and
extended (128-bit) formats; add and subtract, normalized and unnormalized,
with one guard digit; compare; multiply with prenormalized operands; divide;
halve; load rounded; and the sign-control loads.  Results are truncated,
except by LOAD ROUNDED.

Every function is pure: operands and results are the format's bits as one
``int`` (an extended operand is the high-order doubleword shifted left 64
bits, or-ed with the low-order doubleword).  Functions that can raise an
arithmetic exception take the 4-bit PSW program mask (fixed-point overflow
8, decimal overflow 4, exponent underflow 2, significance 1) because the
result itself depends on it, and return an :class:`HfpResult` naming the
program-interruption code to signal after the result is stored.  The
instruction layer (``insn_float``) does the register and storage access.

Exceptions and their results (all complete the operation, except
floating-point divide, which suppresses it):

- exponent overflow (0C): characteristic above 127; always signalled, the
  characteristic is made 128 smaller, sign and fraction are correct;
- exponent underflow (0D): characteristic below 0 with a nonzero fraction;
  with mask bit 2 on, signalled with the characteristic made 128 larger,
  otherwise the result is a true zero;
- significance (0E): a zero sum fraction in add/subtract; with mask bit 1 on,
  signalled with a zero fraction, plus sign and the intermediate
  characteristic, otherwise the result is a true zero;
- floating-point divide (0F): a divisor with a zero fraction; the first
  operand is returned unchanged.

For an extended result the low-order doubleword carries the high-order sign
and a characteristic 14 smaller (modulo 128) unless the result is a true
zero; a significance result keeps it even with characteristic 0.

The results agree with Hercules 3.13 on every case of the differential
corpus, including tens of thousands of seeded random operands
(``tests/machine/test_hfp.py``).
"""

from __future__ import annotations

from typing import NamedTuple

# Fraction lengths in hexadecimal digits.
SHORT = 6
LONG = 14
EXTENDED = 28

# Program-interruption codes.
EXPONENT_OVERFLOW = 0x0C
EXPONENT_UNDERFLOW = 0x0D
SIGNIFICANCE = 0x0E
FLOATING_POINT_DIVIDE = 0x0F

# Program-mask bits (PSW bits 38 and 39 as the low bits of the 4-bit mask).
MASK_EXPONENT_UNDERFLOW = 0x2
MASK_SIGNIFICANCE = 0x1

_LOW_56 = (1 << 56) - 1


class HfpResult(NamedTuple):
    """A result in the format's bits, its condition code and the exception to signal.

    ``cc`` is the condition code the add/subtract and load-and-test family set
    (0 zero fraction, 1 negative, 2 positive); instructions that leave the
    code unchanged ignore it.  ``code`` is 0 or the program-interruption code.
    """

    value: int
    cc: int
    code: int


_new = tuple.__new__
_TRUE_ZERO = HfpResult(0, 0, 0)


def _result(value: int, cc: int, code: int) -> HfpResult:
    # tuple.__new__ skips the NamedTuple's Python-level __new__ (about twice as fast).
    return _new(HfpResult, (value, cc, code))


def sign_bit(digits: int) -> int:
    """The sign bit of a value in the format with this many fraction digits."""
    return 1 << _width(digits) - 1


def _width(digits: int) -> int:
    return 128 if digits == EXTENDED else 8 + 4 * digits


def unpack(value: int, digits: int) -> tuple[int, int, int]:
    """Split a value into (sign, characteristic, fraction).

    For the extended format the low-order sign and characteristic are
    ignored, as the architecture requires of operands.
    """
    if digits == EXTENDED:
        high = value >> 64
        return high >> 63, (high >> 56) & 0x7F, (high & _LOW_56) << 56 | (value & _LOW_56)
    shift = 4 * digits
    return value >> shift + 7, (value >> shift) & 0x7F, value & ((1 << shift) - 1)


def pack(sign: int, characteristic: int, fraction: int, digits: int) -> int:
    """Join sign, characteristic (0..127) and fraction into the format's bits."""
    if digits == EXTENDED:
        high = sign << 63 | characteristic << 56 | fraction >> 56
        if not high and not fraction:
            return 0
        low_characteristic = (characteristic - 14) & 0x7F
        return high << 64 | sign << 63 | low_characteristic << 56 | (fraction & _LOW_56)
    return (sign << 7 | characteristic) << 4 * digits | fraction


def condition_code(value: int, digits: int) -> int:
    """0 for a zero fraction, 1 for a negative and 2 for a positive value."""
    sign, _, fraction = unpack(value, digits)
    if not fraction:
        return 0
    return 1 if sign else 2


def _normalize(characteristic: int, fraction: int, digits: int) -> tuple[int, int]:
    """Shift a nonzero fraction left until its leading digit is nonzero."""
    shift = (4 * digits - fraction.bit_length()) >> 2
    return characteristic - shift, fraction << 4 * shift


def _finish(sign: int, characteristic: int, fraction: int, digits: int, mask: int) -> HfpResult:
    """Apply exponent overflow and underflow to a result with a nonzero fraction."""
    code = 0
    if characteristic > 127:
        code = EXPONENT_OVERFLOW
        characteristic &= 0x7F
    elif characteristic < 0:
        if not mask & MASK_EXPONENT_UNDERFLOW:
            return _TRUE_ZERO
        code = EXPONENT_UNDERFLOW
        characteristic &= 0x7F
    if digits == EXTENDED:
        value = pack(sign, characteristic, fraction, digits)
    else:
        value = (sign << 7 | characteristic) << 4 * digits | fraction
    return _result(value, 1 if sign else 2, code)


def _significance(characteristic: int, digits: int, mask: int) -> HfpResult:
    """A zero sum fraction: true zero, or the interruption with the characteristic kept."""
    if not mask & MASK_SIGNIFICANCE:
        return _TRUE_ZERO
    if digits == EXTENDED:
        # Not a true zero even with characteristic 0: the low-order part still
        # carries a characteristic 14 smaller (0 gives 0x72, as on Hercules).
        low = (characteristic - 14) & 0x7F
        return _result(characteristic << 120 | low << 56, 0, SIGNIFICANCE)
    return _result(characteristic << 4 * digits, 0, SIGNIFICANCE)


def _aligned_sum(first: int, second: int, digits: int) -> tuple[int, int]:
    """Align two operands with one guard digit and add them algebraically.

    Returns the common characteristic and the signed sum of the fractions,
    each extended by the guard digit.  Digits shifted out beyond the guard
    digit are lost.
    """
    if digits == EXTENDED:
        sign1, char1, frac1 = unpack(first, digits)
        sign2, char2, frac2 = unpack(second, digits)
    else:
        shift = 4 * digits
        sign1, char1, frac1 = first >> shift + 7, first >> shift & 0x7F, first & (1 << shift) - 1
        sign2, char2 = second >> shift + 7, second >> shift & 0x7F
        frac2 = second & (1 << shift) - 1
    frac1 <<= 4
    frac2 <<= 4
    if char1 < char2:
        frac1 >>= 4 * (char2 - char1)
        char1 = char2
    elif char2 < char1:
        frac2 >>= 4 * (char1 - char2)
    if sign1:
        return char1, frac2 - frac1 if not sign2 else -frac1 - frac2
    return char1, frac1 - frac2 if sign2 else frac1 + frac2


def add(first: int, second: int, digits: int, mask: int, normalize: bool = True) -> HfpResult:
    """ADD NORMALIZED (AER, AE, ADR, AD, AXR) or, unnormalized, ADD UNNORMALIZED."""
    characteristic, total = _aligned_sum(first, second, digits)
    sign = 0
    if total < 0:
        sign, total = 1, -total
    shift = 4 * digits
    if total >> shift + 4:
        # Carry out of the leading digit: shift right one digit.
        total >>= 4
        characteristic += 1
    if normalize:
        if not total:
            return _significance(characteristic, digits, mask)
        if not total >> shift:
            characteristic, total = _normalize(characteristic, total, digits + 1)
    elif not total >> 4:
        return _significance(characteristic, digits, mask)
    if 0 <= characteristic <= 127 and digits != EXTENDED:
        # The common case, without exceptions, packed here to save calls.
        return _new(HfpResult, (((sign << 7 | characteristic) << shift | total >> 4), 2 - sign, 0))
    return _finish(sign, characteristic, total >> 4, digits, mask)


def subtract(first: int, second: int, digits: int, mask: int, normalize: bool = True) -> HfpResult:
    """SUBTRACT NORMALIZED or UNNORMALIZED: add with the second operand's sign inverted."""
    return add(first, second ^ sign_bit(digits), digits, mask, normalize)


def compare(first: int, second: int, digits: int) -> int:
    """COMPARE (CER, CE, CDR, CD): condition code 0 equal, 1 first low, 2 first high.

    Follows normalized subtraction, guard digit included; no exception is
    ever recognized, and zero fractions compare equal whatever their sign
    and characteristic.
    """
    _, difference = _aligned_sum(first, second ^ sign_bit(digits), digits)
    if not difference:
        return 0
    return 1 if difference < 0 else 2


def _prenormalized(value: int, digits: int) -> tuple[int, int, int]:
    """(sign, characteristic, fraction) with a nonzero fraction normalized; 0 for a zero one."""
    if digits == EXTENDED:
        sign, characteristic, fraction = unpack(value, digits)
    else:
        shift = 4 * digits
        sign, characteristic = value >> shift + 7, value >> shift & 0x7F
        fraction = value & (1 << shift) - 1
    if fraction and not fraction >> 4 * digits - 4:
        characteristic, fraction = _normalize(characteristic, fraction, digits)
    return sign, characteristic, fraction


def multiply(first: int, second: int, digits: int, result_digits: int, mask: int) -> HfpResult:
    """MULTIPLY: MER/ME (6 to 14 digits), MDR/MD (14), MXDR/MXD (14 to 28), MXR (28).

    Operands are prenormalized; the product fraction is normalized and
    truncated to the result length.  A zero operand fraction gives a true
    zero; no significance exception exists.
    """
    sign1, char1, frac1 = _prenormalized(first, digits)
    sign2, char2, frac2 = _prenormalized(second, digits)
    if not frac1 or not frac2:
        return _TRUE_ZERO
    product = frac1 * frac2
    characteristic = char1 + char2 - 64
    product_digits = 2 * digits
    if not product >> 4 * (product_digits - 1):
        product <<= 4
        characteristic -= 1
    excess = product_digits - result_digits
    fraction = product >> 4 * excess if excess >= 0 else product << -4 * excess
    sign = sign1 ^ sign2
    if 0 <= characteristic <= 127 and result_digits != EXTENDED:
        value = (sign << 7 | characteristic) << 4 * result_digits | fraction
        return _new(HfpResult, (value, 2 - sign, 0))
    return _finish(sign, characteristic, fraction, result_digits, mask)


def divide(first: int, second: int, digits: int, mask: int) -> HfpResult:
    """DIVIDE (DER, DE, DDR, DD): prenormalized operands, truncated quotient.

    A divisor with a zero fraction is a floating-point-divide exception and
    the first operand is returned unchanged (the operation is suppressed);
    a dividend with a zero fraction gives a true zero.
    """
    sign2, char2, frac2 = _prenormalized(second, digits)
    if not frac2:
        return _result(first, 0, FLOATING_POINT_DIVIDE)
    sign1, char1, frac1 = _prenormalized(first, digits)
    if not frac1:
        return _TRUE_ZERO
    characteristic = char1 - char2 + 64
    if frac1 >= frac2:
        characteristic += 1
        quotient = (frac1 << 4 * (digits - 1)) // frac2
    else:
        quotient = (frac1 << 4 * digits) // frac2
    return _finish(sign1 ^ sign2, characteristic, quotient, digits, mask)


def halve(value: int, digits: int, mask: int) -> HfpResult:
    """HALVE (HER, HDR): the fraction shifted right one bit, then normalized.

    The bit shifted out enters the guard digit and takes part in the
    postnormalization.  A zero fraction gives a true zero; exponent
    underflow is possible, significance is not.
    """
    sign, characteristic, fraction = unpack(value, digits)
    if not fraction:
        return _TRUE_ZERO
    characteristic, guarded = _normalize(characteristic, fraction << 3, digits + 1)
    return _finish(sign, characteristic, guarded >> 4, digits, mask)


def load_rounded(value: int, digits: int) -> HfpResult:
    """LOAD ROUNDED: LRER (long to short, ``digits=LONG``) or LRDR (extended to long).

    One is added at the leftmost bit dropped, the fraction is truncated to
    the shorter format, and a carry out shifts it right one digit.  The sign
    is kept and no normalization occurs; exponent overflow is the only
    exception.
    """
    result_digits = SHORT if digits == LONG else LONG
    dropped = 4 * (digits - result_digits)
    sign, characteristic, fraction = unpack(value, digits)
    fraction = (fraction + (1 << dropped - 1)) >> dropped
    if fraction >> 4 * result_digits:
        fraction >>= 4
        characteristic += 1
    code = 0
    if characteristic > 127:
        code = EXPONENT_OVERFLOW
        characteristic &= 0x7F
    result = pack(sign, characteristic, fraction, result_digits)
    return _result(result, condition_code(result, result_digits), code)


def load_and_test(value: int, digits: int) -> HfpResult:
    """LOAD AND TEST (LTER, LTDR): the operand unchanged and its condition code."""
    return _result(value, condition_code(value, digits), 0)


def load_complement(value: int, digits: int) -> HfpResult:
    """LOAD COMPLEMENT (LCER, LCDR): the sign inverted, even for a zero fraction."""
    return load_and_test(value ^ sign_bit(digits), digits)


def load_positive(value: int, digits: int) -> HfpResult:
    """LOAD POSITIVE (LPER, LPDR): the sign made plus."""
    return load_and_test(value & ~sign_bit(digits), digits)


def load_negative(value: int, digits: int) -> HfpResult:
    """LOAD NEGATIVE (LNER, LNDR): the sign made minus, even for a zero fraction."""
    return load_and_test(value | sign_bit(digits), digits)
