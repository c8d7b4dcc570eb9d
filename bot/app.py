"""create_app(): the one place that wires the web side (DESIGN §2)."""

from __future__ import annotations

import logging

import redis
from flask import Flask, Response, jsonify
from flask_wtf.csrf import CSRFProtect
from linebot.v3.webhook import SignatureValidator
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.console import console, init_console
from bot.handoff.desk import Desk
from bot.handoff.tickets import TicketStore
from bot.keyring import resolve_keyring
from bot.line.webhook import MAX_BODY, webhook
from bot.logs import pick_format, setup_logging
from bot.metrics import init_metrics
from bot.settings import Settings, load_settings
from bot.simulator import init_simulator, simulator
from bot.store.connection import open_redis
from bot.store.counters import Counters
from bot.store.inbox import Inbox
from bot.store.queue import PartitionQueue

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, r: redis.Redis | None = None) -> Flask:
    """The Flask app; gunicorn calls it with no arguments, tests pass their own settings and Redis."""
    if settings is None:
        settings = load_settings()
        setup_logging(pick_format(settings.log_format, service=True))
    if r is None:
        if not settings.redis_url:
            raise RuntimeError("REDIS_URL is not set: start through `kakehashi serve`, which provides one")
        r = open_redis(settings.redis_url, cluster=settings.redis_cluster)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    if settings.proxies:  # the client's own address (login limits) and scheme, as the proxies in front saw them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxies, x_proto=settings.proxies)  # type: ignore[method-assign]
    app.extensions["kakehashi.settings"] = settings
    app.extensions["kakehashi.redis"] = r
    keyring = resolve_keyring(settings)
    inbox = Inbox(r, settings.partitions, keyring, seen_ttl=settings.event_window)  # the webhook's replay window
    app.extensions["kakehashi.inbox"] = inbox
    app.extensions["kakehashi.validator"] = (
        SignatureValidator(settings.line_channel_secret) if settings.line_channel_secret else None
    )
    tickets = TicketStore(r, keyring, settings.ticket_retention_days * 86400)
    desk = Desk(tickets, inbox)
    app.extensions["kakehashi.desk"] = desk
    counters = Counters(r)
    app.extensions["kakehashi.counters"] = counters
    init_metrics(app, r, settings.partitions, counters, tickets)
    init_console(app, settings, r, keyring, desk)
    csrf = CSRFProtect(app)  # every form POST needs a token; LINE's webhook has its signature instead
    csrf.exempt(webhook)
    app.register_blueprint(webhook)
    app.register_blueprint(console, url_prefix="/console")
    if settings.simulator:  # on without LINE credentials (or with KAKEHASHI_SIMULATOR=1): a chat to try
        init_simulator(app, r, inbox, keyring)
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
