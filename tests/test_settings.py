"""Settings fail fast, naming the variable; secrets have no defaults."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.settings import SettingsError, load_settings
from bot.store.keyring import Keyring, SealError, resolve_keyring
from tests.instants import JST


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
        ({"KAKEHASHI_CONTENT_DIR": "/nonexistent"}, "KAKEHASHI_CONTENT_DIR"),
        ({"KAKEHASHI_PINNED_NOW": "2026-11-28T23:30"}, "KAKEHASHI_PINNED_NOW"),  # no offset: which zone?
        ({"KAKEHASHI_PINNED_NOW": "Saturday night"}, "KAKEHASHI_PINNED_NOW"),
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


def test_a_pinned_clock_can_never_reach_production() -> None:
    """Tests and demos pin the clock; with LINE credentials aimed at the real LINE it refuses to start."""
    night = {"KAKEHASHI_PINNED_NOW": "2026-11-28T23:30+09:00"}
    assert load_settings(night).pinned_now == datetime(2026, 11, 28, 23, 30, tzinfo=JST)
    real = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t"}
    with pytest.raises(SettingsError, match="KAKEHASHI_PINNED_NOW is for tests and demos"):
        load_settings({**night, **real})
    with pytest.raises(SettingsError, match="KAKEHASHI_PINNED_NOW"):
        load_settings({**night, **real, "LINE_API_BASE_URL": "https://line.example.org"})
    assert load_settings({**night, **real, "LINE_API_BASE_URL": "http://127.0.0.1:9999"}).pinned_now is not None
    assert load_settings(real).pinned_now is None


def test_serve_stays_on_this_machine_without_line() -> None:
    """No LINE: nothing outside needs to reach it, and the simulator has no login."""
    assert load_settings({}).host == "127.0.0.1"
    assert load_settings({"HOST": "0.0.0.0"}).host == "0.0.0.0"
    creds = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t"}
    assert load_settings(creds).host == "0.0.0.0" and load_settings({**creds, "HOST": "10.0.0.5"}).host == "10.0.0.5"


def test_content_comes_from_the_package_or_an_organizations_copy(tmp_path) -> None:  # noqa: ANN001
    shipped = load_settings({})
    assert (shipped.flows_dir / "facts.yaml").is_file() and (shipped.locales_dir / "ja.yaml").is_file()
    (tmp_path / "flows").mkdir()
    (tmp_path / "locales").mkdir()
    own = load_settings({"KAKEHASHI_CONTENT_DIR": str(tmp_path)})
    assert own.flows_dir == tmp_path / "flows" and own.locales_dir == tmp_path / "locales"
