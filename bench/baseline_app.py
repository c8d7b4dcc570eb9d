"""The bare baseline: Flask under gunicorn, verify LINE's signature, one Redis GET and SET, answer 200.

The least any webhook that remembers something must do; Kakehashi's acknowledgement is measured against it.
Configured from the environment: LINE_CHANNEL_SECRET, REDIS_URL.
"""

from __future__ import annotations

import os

import redis
from flask import Flask, Response, request
from linebot.v3.webhook import SignatureValidator


def create_app() -> Flask:
    app = Flask(__name__)
    validator = SignatureValidator(os.environ["LINE_CHANNEL_SECRET"])
    r = redis.Redis.from_url(os.environ["REDIS_URL"])

    @app.post("/callback")
    def callback() -> Response:
        body = request.get_data(as_text=True)
        if not validator.validate(body, request.headers.get("X-Line-Signature", "")):
            return Response("invalid signature\n", status=400)
        r.get("baseline:last")
        r.set("baseline:last", len(body))
        return Response("OK\n")

    return app
