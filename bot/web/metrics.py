"""GET /metrics (Prometheus text): the whole service's figures, read from Redis when scraped.

Queue depth and lag, the handoff queue and dead letters are read from Redis at scrape time; counters that
several processes add to live in Redis too (bot/store/counters.py). So any web process answers for the
whole service — scrape one address, not each process. Labels are fixed words and partition numbers:
nothing about a person.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import redis
from flask import Flask, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.desk.tickets import TicketStore
from bot.store import keys
from bot.store.counters import Counters
from bot.stream.partitions import GROUP, PartitionQueue

SEND_OUTCOMES = ("reply", "push", "retry", "failed")


def _counter(name: str, doc: str, value: int) -> CounterMetricFamily:
    return CounterMetricFamily(name, doc, value=value)


class ServiceCollector(Collector):
    def __init__(self, r: redis.Redis, partitions: int, counters: Counters, tickets: TicketStore) -> None:
        self.redis, self.partitions, self.counters, self.tickets = r, partitions, counters, tickets

    def collect(self) -> Iterator[Metric]:
        try:
            counts = self.counters.read()
            queues = self._queues()
            dead = int(self.redis.xlen(keys.DEADLETTERS))
            waiting, held, since = self.tickets.figures()
            workers = PartitionQueue.workers_alive(self.redis)
        except redis.RedisError:
            yield GaugeMetricFamily("kakehashi_redis_up", "1 when Redis answered this scrape", value=0)
            return
        yield GaugeMetricFamily("kakehashi_redis_up", "1 when Redis answered this scrape", value=1)
        yield from self._webhook(counts)
        yield from queues
        yield _counter("kakehashi_turns", "Conversation turns the engine ran", counts.get("turns", 0))
        sends = CounterMetricFamily("kakehashi_sends", "Requests to LINE by outcome: reply or push delivered, "
                                    "retry (5xx, 429, timeout; tried again), failed (refused or given up)",
                                    labels=["outcome"])
        for outcome in SEND_OUTCOMES:
            sends.add_metric([outcome], counts.get(f"sends:{outcome}", 0))
        yield sends
        yield _counter("kakehashi_line_monthly_quota", "Pushes LINE refused: the monthly message quota is used up",
                       counts.get("sends:quota", 0))
        yield _counter("kakehashi_dead_letters", "Events moved to the dead-letter stream", counts.get("deadletters", 0))
        yield GaugeMetricFamily("kakehashi_dead_letters_parked", "Events in the dead-letter stream now", value=dead)
        yield GaugeMetricFamily("kakehashi_handoff_waiting", "Tickets waiting for a counselor", value=waiting)
        yield GaugeMetricFamily("kakehashi_handoff_held", "Tickets a counselor holds", value=held)
        waited = max(0.0, self.tickets.clock() - since) if since else 0.0
        yield GaugeMetricFamily("kakehashi_handoff_oldest_wait_seconds", "How long the longest-waiting ticket "
                                "has waited (0 when none)", value=waited)
        yield GaugeMetricFamily("kakehashi_workers_alive", "Worker processes seen in the last 30 s", value=workers)

    @staticmethod
    def _webhook(counts: dict[str, int]) -> Iterator[Metric]:
        family = CounterMetricFamily("kakehashi_webhook_requests", "POST /callback answers by HTTP status",
                                     labels=["status"])
        for name, n in sorted(counts.items()):
            if name.startswith("webhook:"):
                family.add_metric([name.removeprefix("webhook:")], n)
        yield family
        skipped = CounterMetricFamily("kakehashi_webhook_events_skipped", "Webhook events acknowledged but not "
                                      "queued, by reason: stale (older than KAKEHASHI_EVENT_WINDOW), group (a group "
                                      "or room: left), unhandled, unparsable, not_an_object", labels=["reason"])
        for name, n in sorted(counts.items()):
            if name.startswith("skipped:"):
                skipped.add_metric([name.removeprefix("skipped:")], n)
        yield skipped

    def _queues(self) -> list[Metric]:
        """Per partition: entries in the stream, entries read but not acknowledged, the oldest one's age."""
        pipe = self.redis.pipeline(transaction=False)
        for p in range(self.partitions):
            pipe.xlen(keys.stream(p))
            pipe.xpending(keys.stream(p), GROUP)
            pipe.xrange(keys.stream(p), "-", "+", count=1)
        results: list[Any] = pipe.execute(raise_on_error=False)
        depth = GaugeMetricFamily("kakehashi_queue_depth", "Events in the partition's stream (new or in hand)",
                                  labels=["partition"])
        pending = GaugeMetricFamily("kakehashi_queue_pending", "Events a worker has read but not finished",
                                    labels=["partition"])
        lag = GaugeMetricFamily("kakehashi_queue_lag_seconds", "Age of the partition's oldest unfinished event",
                                labels=["partition"])
        now = time.time()  # stream entry ids carry Redis's own wall-clock time: compare with the same clock
        for p in range(self.partitions):
            length, summary, first = results[3 * p: 3 * p + 3]
            for result in (length, summary, first):
                if isinstance(result, redis.ResponseError) and "NOGROUP" not in str(result):
                    raise result
            depth.add_metric([str(p)], int(length) if isinstance(length, int) else 0)
            pending.add_metric([str(p)], summary["pending"] if isinstance(summary, dict) else 0)
            oldest = int(first[0][0].split("-")[0]) / 1000 if isinstance(first, list) and first else now
            lag.add_metric([str(p)], max(0.0, now - oldest))
        return [depth, pending, lag]


def init_metrics(app: Flask, r: redis.Redis, partitions: int, counters: Counters, tickets: TicketStore) -> None:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ServiceCollector(r, partitions, counters, tickets))

    @app.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
