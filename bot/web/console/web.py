"""The console's blueprint and what every console request shares: who is logged in, the stores, headers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import redis
from flask import Blueprint, Flask, Response, abort, current_app, g, redirect, request, session, url_for
from werkzeug.wrappers import Response as BaseResponse

from bot.content.facts import load_facts, shown_values
from bot.desk.desk import Desk
from bot.desk.records import Ticket
from bot.organizations import Organization, Organizations
from bot.settings import Settings
from bot.store.keyring import Keyring
from bot.web.console.audit import Audit
from bot.web.console.canned import CannedReplies
from bot.web.console.display import init_display
from bot.web.console.logins import LIFETIME, Logins
from bot.web.console.operators import Operator, Operators
from bot.web.console.verifying import VerifyPool

console = Blueprint("console", __name__, template_folder="templates", static_folder="static")
PUBLIC = {"console.login", "console.static"}
POLLED = {"console.queue_part", "console.lines_part"}  # fetched by the page's script: answer 401, not a redirect
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; object-src 'none'; frame-ancestors 'none'; "
                               "base-uri 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # no ticket URL leaks out; same-origin, so CSRF's HTTPS referrer check works
    "Cache-Control": "no-store",  # what people told us must not linger in a shared computer's cache
}
HSTS = "max-age=31536000"  # a year; only sent when the cookies are Secure, i.e. the site is served over HTTPS


@dataclass(frozen=True)
class Console:
    desk: Desk
    operators: Operators
    logins: Logins
    audit: Audit
    canned: dict[str, CannedReplies]  # organization id → its list
    verifier: VerifyPool

    @property
    def organizations(self) -> Organizations:
        return self.desk.tickets.organizations


def init_console(app: Flask, settings: Settings, r: redis.Redis, keyring: Keyring, desk: Desk) -> None:
    """Session cookie settings and the console's stores; CSRF protection itself is app-wide (create_app)."""
    app.config.update(
        SECRET_KEY=keyring.console_secret,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.console_secure_cookie,
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=LIFETIME),
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as the login (12 h), not an hour into a long chat
    )
    facts = shown_values(load_facts(settings.flows_dir / "facts.yaml"))
    canned = {org.id: CannedReplies.of(r, settings.flows_dir, facts, org) for org in desk.tickets.organizations}
    app.extensions["kakehashi.console"] = Console(desk, Operators(r), Logins(r), Audit(r, desk.clock), canned,
                                                  VerifyPool())
    init_display(app, settings.zone)
    if settings.console_secure_cookie:  # HTTPS in front: tell browsers never to come over plain HTTP
        app.after_request(_strict_transport)


def _strict_transport(response: Response) -> Response:
    response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def ctx() -> Console:
    console_: Console = current_app.extensions["kakehashi.console"]
    return console_


def me() -> Operator:
    operator: Operator = g.operator
    return operator


def admin_only() -> None:
    if not me().admin:
        abort(403)


def org_of(operator: Operator) -> Organization:
    """An operator's organization (one removed from organizations.yaml since: the default one)."""
    organizations = ctx().organizations
    return organizations.get(organizations.resolve(operator.org))


def my_org() -> Organization:
    return org_of(me())


def acting_org() -> Organization:
    """The organization whose queue, audit log or canned replies this page is about: the operator's own, or
    for a system admin any one they choose (`?org=`)."""
    chosen = request.values.get("org", "")
    if me().system and ctx().organizations.known(chosen):
        return ctx().organizations.get(chosen)
    return my_org()


def may_see(ticket: Ticket) -> bool:
    """A ticket is its organization's: other organizations' counselors and admins do not see it."""
    return me().system or ticket.org == my_org().id


def record(action: str, ticket: str = "", org: str = "") -> None:
    """An audit line by the operator logged in, naming the organization it concerns (theirs by default)."""
    ctx().audit.record(me().name, action, ticket, org or my_org().id)


@console.before_request
def require_login() -> BaseResponse | tuple[str, int] | None:
    """Every page but the login form needs a live login of an operator who still exists."""
    name = ctx().logins.who(session.get("login", ""))
    g.operator = ctx().operators.get(name) if name else None
    if g.operator is not None or request.endpoint in PUBLIC:
        return None
    if request.endpoint in POLLED:
        return "login required\n", 401
    return redirect(url_for("console.login", next=request.full_path.rstrip("?")))


@console.after_request
def protect(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
