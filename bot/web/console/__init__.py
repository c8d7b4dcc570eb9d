"""The counselors' web console: login, the queue, tickets, canned replies, the audit log, the monthly report."""

from bot.web.console import admin, auth, reports, views  # noqa: F401 - their routes join the blueprint on import
from bot.web.console.web import console, init_console

__all__ = ["console", "init_console"]
