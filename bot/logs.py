"""Logging set-up: one line per record, ids only — never message text, names or raw user ids."""

from __future__ import annotations

import logging
import os


def setup_logging() -> None:
    level = os.environ.get("KAKEHASHI_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for noisy in ("urllib3", "werkzeug", "transitions"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
