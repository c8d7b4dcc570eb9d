"""Admins only: the audit log, and the canned replies' edited copy."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from bot.web.console.canned import CannedError
from bot.web.console.web import acting_org, admin_only, console, ctx, me, record


@console.get("/audit")
def audit() -> str:
    admin_only()
    ticket, org = request.args.get("ticket", ""), acting_org()
    every = me().system and not request.args.get("org")  # a system admin reads every organization's lines
    entries = ctx().audit.recent(ticket=ticket, org=None if every else org.id)
    return render_template("audit.html", entries=entries, ticket=ticket, now=ctx().desk.clock(),
                           org=None if every else org)


@console.route("/canned", methods=["GET", "POST"])
def canned() -> Response | str | tuple[str, int]:
    admin_only()
    org = acting_org()
    replies = ctx().canned[org.id]
    source, edited = replies.source()
    back = url_for("console.canned", org=org.id) if me().system else url_for("console.canned")
    if request.method == "GET":
        return render_template("canned.html", source=source, edited=edited, org=org)
    if request.form.get("action") == "reset":
        replies.reset()
        record("canned_changed", org=org.id)
        flash(f"レビュー済みのファイルに戻しました。 / Back to the reviewed file (flows/{org.canned}).", "ok")
        return redirect(back)
    source = request.form.get("source", "").replace("\r\n", "\n")
    try:
        replies.save(source)
    except CannedError as exc:
        flash(f"保存していません / Not saved: {exc}", "error")
        return render_template("canned.html", source=source, edited=edited, org=org), 400
    record("canned_changed", org=org.id)
    flash("保存しました。 / Saved.", "ok")
    return redirect(back)
