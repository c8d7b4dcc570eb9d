"""create_app(): the web side (webhook, console, simulator, metrics) on the parts bot.wiring builds."""

from __future__ import annotations

import logging

import redis
from flask import Flask, Response, jsonify
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.clock import Clock
from bot.line.webhook import MAX_BODY, init_webhook, webhook
from bot.logs import pick_format, setup_logging
from bot.settings import Settings, load_settings
from bot.store.connection import open_redis
from bot.stream.partitions import PartitionQueue
from bot.web.console import console, init_console
from bot.web.metrics import init_metrics
from bot.web.simulator import init_simulator, simulator
from bot.wiring import shared

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, r: redis.Redis | None = None, clock: Clock | None = None) -> Flask:
    """The Flask app; gunicorn calls it with no arguments, tests pass their own settings, Redis and clock."""
    if settings is None:
        settings = load_settings()
        setup_logging(pick_format(settings.log_format, service=True))
    if r is None:
        if not settings.redis_url:
            raise RuntimeError("REDIS_URL is not set: start through `kakehashi serve`, which provides one")
        r = open_redis(settings.redis_url, cluster=settings.redis_cluster)
    parts = shared(settings, r, clock)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    if settings.proxies:  # the client's own address (login limits) and scheme, as the proxies in front saw them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxies, x_proto=settings.proxies)  # type: ignore[method-assign]
    app.extensions["kakehashi.settings"] = settings
    app.extensions["kakehashi.redis"] = r
    app.extensions["kakehashi.clock"] = parts.clock
    app.extensions["kakehashi.inbox"] = parts.inbox
    app.extensions["kakehashi.desk"] = parts.desk
    app.extensions["kakehashi.counters"] = parts.counters
    init_webhook(app, settings.line_channel_secret)
    init_metrics(app, r, settings.partitions, parts.counters, parts.tickets)
    init_console(app, settings, r, parts.keyring, parts.desk)
    csrf = CSRFProtect(app)  # every form POST needs a token; LINE's webhook has its signature instead
    csrf.exempt(webhook)
    app.register_blueprint(webhook)
    app.register_blueprint(console, url_prefix="/console")
    if settings.simulator:  # on without LINE credentials (or with KAKEHASHI_SIMULATOR=1): a chat to try
        init_simulator(app, r, parts.inbox, parts.keyring, parts.clock)
        csrf.exempt(simulator)  # JSON-only calls, which a cross-site form cannot make
        app.register_blueprint(simulator, url_prefix="/simulator")

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @app.get("/readyz")
    def readyz() -> tuple[Response, int]:
        try:
            r.ping()
            workers = PartitionQueue.workers_alive(r)
        except redis.RedisError:
            return jsonify(status="redis unreachable"), 503
        if workers < 1:
            return jsonify(status="no workers", redis="ok", workers=0), 503
        return jsonify(status="ready", redis="ok", workers=workers), 200

    @app.errorhandler(413)
    def too_large(_: Exception) -> tuple[str, int]:
        return "body too large\n", 413

    return app
