"""Settings fail fast, naming the variable; secrets have no defaults."""

from __future__ import annotations

import pytest

from bot.keyring import Keyring, SealError, resolve_keyring
from bot.settings import SettingsError, load_settings


def test_defaults_have_no_secrets() -> None:
    s = load_settings({})
    assert s.line_channel_secret is None and s.line_channel_access_token is None and s.data_key is None
    assert s.port == 8000 and s.web_concurrency == 2 and s.session_ttl == 7 * 24 * 3600
    assert s.tz == "Asia/Tokyo" and s.redis_url is None and s.simulator is True


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "0"}, "PORT"),
        ({"WEB_CONCURRENCY": "-1"}, "WEB_CONCURRENCY"),
        ({"KAKEHASHI_SESSION_TTL": "5"}, "KAKEHASHI_SESSION_TTL"),
        ({"KAKEHASHI_TZ": "Mars/Olympus"}, "KAKEHASHI_TZ"),
        ({"REDIS_URL": "http://localhost"}, "REDIS_URL"),
        ({"LINE_API_BASE_URL": "ftp://x"}, "LINE_API_BASE_URL"),
        ({"KAKEHASHI_DATA_KEY": "short"}, "KAKEHASHI_DATA_KEY"),
        ({"KAKEHASHI_REDIS_CLUSTER": "maybe"}, "KAKEHASHI_REDIS_CLUSTER"),
        ({"KAKEHASHI_REDIS_CLUSTER": "1"}, "KAKEHASHI_REDIS_CLUSTER"),  # a cluster, but where?
        ({"KAKEHASHI_REDIS_CLUSTER": "1", "REDIS_URL": "unix:///tmp/r.sock"}, "KAKEHASHI_REDIS_CLUSTER"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings(env)


def test_credentials_turn_the_simulator_off_unless_asked() -> None:
    creds = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t"}
    assert load_settings(creds).simulator is False
    assert load_settings({**creds, "KAKEHASHI_SIMULATOR": "1"}).simulator is True


def test_data_key_is_generated_once_for_the_embedded_default(tmp_path) -> None:  # noqa: ANN001
    s = load_settings({"KAKEHASHI_DATA_DIR": str(tmp_path)})
    first = resolve_keyring(s)
    assert len(first.keys[0]) == 32 and resolve_keyring(s) == first
    assert (tmp_path / "data.key").stat().st_mode & 0o777 == 0o600


def test_data_key_is_required_with_a_shared_redis() -> None:
    with pytest.raises(SettingsError, match="KAKEHASHI_DATA_KEY"):
        resolve_keyring(load_settings({"REDIS_URL": "redis://127.0.0.1:6379/0"}))


def test_rotation_seals_with_the_new_key_opens_old_records_and_keeps_pseudonyms() -> None:
    old, new = Keyring((b"o" * 32,)), Keyring((b"n" * 32, b"o" * 32))
    record = old.seal("離婚したい")
    assert new.open(record) == "離婚したい"
    assert new.seal("x").split(":")[0] != record.split(":")[0]
    assert new.user_key("U123") == old.user_key("U123")
    with pytest.raises(SealError):
        Keyring((b"n" * 32,)).open(record)
    with pytest.raises(SealError):
        old.open(record[:-4] + "AAAA")
