"""Logging in and out of the console, with a lock after repeated failures."""

from __future__ import annotations

from flask import g, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from bot.web.console.web import console, ctx, me

FAILED = "ユーザー名またはパスワードが違います。 / Wrong user name or password."
LOCKED = ("失敗が続いたため、しばらくログインできません。15分後にもう一度どうぞ。 / "
          "Too many failed attempts: try again in 15 minutes.")


def _next_page(raw: str) -> str:
    """Only a page of this console: a login link must not be a way to send someone elsewhere."""
    if raw.startswith("/console/") and not raw.startswith("//") and "\\" not in raw:
        return raw
    return url_for("console.queue")


@console.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    next_page = _next_page(request.values.get("next", ""))
    if request.method == "GET":
        return redirect(next_page) if g.operator else render_template("login.html", next=next_page)
    name = request.form.get("username", "").strip().lower()
    password = request.form.get("password", "")
    c = ctx()
    if c.logins.locked(name):
        return render_template("login.html", next=next_page, error=LOCKED, username=name), 429
    operator = c.operators.verify(name, password)
    if operator is None:
        c.logins.failed(name)
        # the name only when it is an operator's: a password typed into the name field must not be kept
        c.audit.record(name if c.operators.get(name) else "?", "login_failed")
        status = 429 if c.logins.locked(name) else 401
        return render_template("login.html", next=next_page, error=LOCKED if status == 429 else FAILED,
                               username=name), status
    session.clear()
    session.permanent = True
    session["login"] = c.logins.start(operator.name)
    c.audit.record(operator.name, "login")
    return redirect(next_page)


@console.post("/logout")
def logout() -> Response:
    ctx().logins.end(session.get("login", ""))
    ctx().audit.record(me().name, "logout")
    session.clear()
    return redirect(url_for("console.login"))
