"""Dockerfile and compose.yaml stay true to the code: commands that exist, settings the code reads, Redis with
an append-only file on a volume. (No Docker engine here: `docker compose config` and the build run elsewhere.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = (ROOT / "bot" / "settings.py").read_text()


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_runs_web_worker_and_a_persistent_redis() -> None:
    services = compose()["services"]
    assert set(services) == {"web", "worker", "redis"}
    redis = services["redis"]
    assert redis["image"].startswith("redis:7")
    assert redis["command"][redis["command"].index("--appendonly") + 1] == "yes"
    volume, mount = redis["volumes"][0].split(":")
    assert mount == "/data" and volume in compose()["volumes"]
    assert services["web"]["command"] == ["kakehashi", "serve"] and services["web"]["ports"] == ["8000:8000"]
    assert services["worker"]["command"] == ["kakehashi", "worker"]
    for name in ("web", "worker"):
        env = services[name]["environment"]
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert {"LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "KAKEHASHI_DATA_KEY"} <= set(env)
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", ["web", "worker"])
def test_every_variable_compose_sets_is_one_the_code_reads(name: str) -> None:
    for variable in compose()["services"][name]["environment"]:
        assert f'"{variable}"' in SETTINGS, variable


@pytest.mark.parametrize("service", ["web", "worker"])
def test_compose_commands_exist(service: str) -> None:
    command = compose()["services"][service]["command"]
    with pytest.raises(SystemExit) as done:
        main([*command[1:], "--help"])
    assert done.value.code == 0


def test_dockerfile_slim_non_root_healthcheck_and_serve() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", text, re.M)
    user = re.search(r"^USER (\S+)$", text, re.M)
    assert user and user.group(1) not in ("root", "0")
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert re.search(r'^CMD \["kakehashi", "serve"\]$', text, re.M)
    copied = set(re.findall(r"^COPY (\S+) ", text, re.M))
    assert {"bot", "flows", "locales"} <= copied  # everything read at run time, built into the wheel
    assert "pip wheel" in text and "-e ." not in text  # the image is what a pip user gets, not a source checkout
    for variable in re.findall(r"(\b[A-Z_]+)=", text.split("ENV", 1)[1].splitlines()[0]):
        assert variable.startswith("PYTHON") or f'"{variable}"' in SETTINGS, variable
