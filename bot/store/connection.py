"""Open the Redis connection: the server at REDIS_URL, or the embedded one under the data dir."""

from __future__ import annotations

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from bot.settings import Settings
from bot.store.embedded import EmbeddedRedis


def open_redis(url: str, *, cluster: bool = False) -> redis.Redis:
    """A client with timeouts and a short retry, so a Redis restart (or a cluster failover) is ridden out.

    With `cluster`, `url` names any one node; the client finds the others and follows slots as they move.
    """
    retry = Retry(ExponentialBackoff(cap=0.5, base=0.02), retries=3)
    timeouts = {"socket_timeout": 5, "socket_connect_timeout": 2, "max_connections": 200}
    if cluster:
        # Retries happen per command across the cluster (a refreshed slot map, another node), not per connection.
        return redis.RedisCluster.from_url(url, decode_responses=True, retry=retry,  # type: ignore[return-value]
                                           **timeouts)
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        retry=retry,
        retry_on_error=[redis.ConnectionError, redis.TimeoutError],
        health_check_interval=15,
        **timeouts,
    )


def ensure_redis_url(settings: Settings) -> tuple[Settings, EmbeddedRedis | None]:
    """Return settings that name a reachable Redis, starting the embedded one when REDIS_URL is unset."""
    if settings.redis_url:
        return settings, None
    embedded = EmbeddedRedis(settings.data_dir).start()
    return settings.with_(redis_url=embedded.url), embedded
