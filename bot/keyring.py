"""The data key: from KAKEHASHI_DATA_KEY, or generated once into the data dir for the embedded default."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from bot.settings import Settings, SettingsError


def resolve_data_key(settings: Settings) -> bytes:
    """Why generate: a first run must work with no setup, yet a key must never be a constant in code."""
    if settings.data_key:
        return base64.urlsafe_b64decode(settings.data_key)
    if settings.redis_url:
        raise SettingsError("KAKEHASHI_DATA_KEY is required when REDIS_URL is set (generate one: see README)")
    path = Path(settings.data_dir) / "data.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    return base64.urlsafe_b64decode(path.read_text().strip())


def user_key_secret(data_key: bytes) -> bytes:
    """A sub-key for hashing chat ids, so the data key itself is used for one purpose only."""
    return hmac.new(data_key, b"kakehashi:user-key", hashlib.sha256).digest()


def user_key(data_key: bytes, chat_id: str) -> str:
    from bot.store.keys import user_key as hashed

    return hashed(user_key_secret(data_key), chat_id)
