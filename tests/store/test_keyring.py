"""Records are sealed with AES-GCM under a key id; what was sealed with Fernet before still opens."""

from __future__ import annotations

import base64

import pytest
from cryptography.fernet import Fernet

from bot.store.keyring import Keyring, SealError, key_id

OLD, NEW = b"o" * 32, b"n" * 32


def fernet_record(key: bytes, text: str) -> str:
    """A record as the keyring sealed it before AES-GCM: `<key id>:<Fernet token>`."""
    return f"{key_id(key)}:{Fernet(base64.urlsafe_b64encode(key)).encrypt(text.encode()).decode()}"


def test_records_are_sealed_with_aes_gcm_under_the_first_keys_id() -> None:
    ring = Keyring((NEW, OLD))
    sealed = ring.seal("離婚したい")
    kid, _, body = sealed.partition(".")
    assert kid == key_id(NEW) and "離婚" not in sealed
    assert len(base64.urlsafe_b64decode(body)) == 12 + len("離婚したい".encode()) + 16  # nonce, text, tag
    assert ring.open(sealed) == "離婚したい" and ring.seal("離婚したい") != sealed  # a fresh nonce each time


def test_records_sealed_with_fernet_still_open_after_the_switch_and_a_rotation() -> None:
    stored = fernet_record(OLD, "面会交流")
    assert Keyring((OLD,)).open(stored) == "面会交流"
    assert Keyring((NEW, OLD)).open(stored) == "面会交流"
    with pytest.raises(SealError, match="no key"):
        Keyring((NEW,)).open(stored)


def test_a_tampered_or_relabelled_record_does_not_open() -> None:
    ring = Keyring((NEW, OLD))
    sealed = ring.seal("秘密")
    kid, _, body = sealed.partition(".")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(SealError, match="does not open"):
        ring.open(f"{kid}.{base64.urlsafe_b64encode(bytes(raw)).decode()}")
    with pytest.raises(SealError, match="does not open"):
        ring.open(f"{key_id(OLD)}.{body}")  # moved under another key id of the same ring
    with pytest.raises(SealError):
        ring.open(f"{kid}.not base64!")
    with pytest.raises(SealError):
        ring.open(f"{kid}.AAAA")  # too short for a nonce and a tag
