"""Logging in and out of the console, with a lock after repeated failures.

An attempt is reserved before its password is checked (bot/web/console/logins.py), and the check itself runs
in a small bounded pool (bot/web/console/verifying.py), so neither parallel guesses nor a burst of logins can
get past the lock or take the CPU the webhook needs.
"""

from __future__ import annotations

import re

from flask import g, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from bot.web.console.verifying import Busy
from bot.web.console.web import console, ctx, org_of, record

FAILED = "ユーザー名またはパスワードが違います。 / Wrong user name or password."
LOCKED = ("失敗が続いたため、しばらくログインできません。15分後にもう一度どうぞ。 / "
          "Too many failed attempts: try again in 15 minutes.")
BUSY = ("ただいま混み合っています。数秒後にもう一度どうぞ。 / "
        "The server is busy: try again in a few seconds.")
BUSY_RETRY_S = 2
_PAGE = re.compile(r"/console/[A-Za-z0-9._~/?&=%+-]*")  # printable, no spaces, CR/LF or backslashes


def _next_page(raw: str) -> str:
    """Only a page of this console: a login link must not be a way to send someone elsewhere (nor carry a
    line break into the Location header)."""
    if _PAGE.fullmatch(raw) and not raw.startswith("//"):
        return raw
    return url_for("console.queue")


def _page(next_page: str, status: int, error: str, name: str) -> tuple[str, int]:
    return render_template("login.html", next=next_page, error=error, username=name), status


@console.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    next_page = _next_page(request.values.get("next", ""))
    if request.method == "GET":
        return redirect(next_page) if g.operator else render_template("login.html", next=next_page)
    name = request.form.get("username", "").strip().lower()
    password = request.form.get("password", "")
    address = request.remote_addr or "?"
    c = ctx()
    if not c.logins.reserve(name, address):
        return _page(next_page, 429, LOCKED, name)
    try:
        operator = c.verifier.run(lambda: c.operators.verify(name, password))
    except Busy:
        c.logins.release(name, address)  # not checked, so not held against the name
        page, status = _page(next_page, 503, BUSY, name)
        return Response(page, status, {"Retry-After": str(BUSY_RETRY_S)}, mimetype="text/html")
    if operator is None:
        # the name only when it is an operator's: a password typed into the name field must not be kept
        known = c.operators.get(name)
        c.audit.record(known.name if known else "?", "login_failed", org=org_of(known).id if known else "")
        return _page(next_page, 429, LOCKED, name) if c.logins.locked(name) else _page(next_page, 401, FAILED, name)
    session.clear()
    session.permanent = True
    session["login"] = c.logins.start(operator.name, address)
    c.audit.record(operator.name, "login", org=org_of(operator).id)
    return redirect(next_page)


@console.post("/logout")
def logout() -> Response:
    ctx().logins.end(session.get("login", ""))
    record("logout")
    session.clear()
    return redirect(url_for("console.login"))
