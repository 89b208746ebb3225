"""scrypt password hashing: stored form, verification, case folding."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from directory.passwords import (
    hash_password,
    is_clear_password,
    is_hashed,
    verify_password,
)

clear_passwords = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=8
)


def test_default_cost_hash_verifies() -> None:
    stored = hash_password("CPCMS")
    assert stored.startswith("SCRYPT:14:8:1:")
    assert verify_password("CPCMS", stored)
    assert not verify_password("CPCMX", stored)


def test_stored_form_is_one_upper_case_token_longer_than_a_clear_password() -> None:
    stored = hash_password("secret", log2_n=4)
    assert " " not in stored
    assert stored == stored.upper()
    assert len(stored) > 8
    assert is_hashed(stored)
    assert not is_clear_password(stored)


def test_salt_differs_per_hash() -> None:
    assert hash_password("MAINT", log2_n=4) != hash_password("MAINT", log2_n=4)


def test_passwords_are_case_insensitive() -> None:
    stored = hash_password("maint", log2_n=4)
    assert verify_password("MAINT", stored)
    assert verify_password("Maint", stored)


def test_nolog_and_clear_forms_never_verify() -> None:
    assert not verify_password("NOLOG", "NOLOG")
    assert not verify_password("ALL", "ALL")
    assert not verify_password("SECRET", "SECRET")
    assert not verify_password("", "")


def test_tampered_or_malformed_hashes_do_not_verify() -> None:
    stored = hash_password("SECRET", log2_n=4)
    flipped = stored[:-1] + ("0" if stored[-1] != "0" else "1")
    assert not verify_password("SECRET", flipped)
    assert not is_hashed(stored.lower())
    assert not is_hashed(stored + "0")  # odd number of key digits
    assert not is_hashed("SCRYPT:30:8:1:" + "00" * 16 + ":" + "00" * 32)


@given(clear_passwords, clear_passwords)
@settings(max_examples=40, deadline=None)
def test_hash_verifies_only_its_own_password(clear: str, other: str) -> None:
    stored = hash_password(clear, log2_n=2)
    assert is_hashed(stored)
    assert verify_password(clear.lower(), stored)
    assert verify_password(other, stored) == (other.upper() == clear.upper())


@given(st.text(max_size=200), st.text(max_size=20))
def test_verify_never_raises_and_needs_the_stored_form(stored: str, clear: str) -> None:
    assert verify_password(clear, stored) is False or is_hashed(stored)
