"""Admins only: the audit log, and the canned replies' edited copy."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from bot.web.console.canned import CannedError
from bot.web.console.web import admin_only, console, ctx, me


@console.get("/audit")
def audit() -> str:
    admin_only()
    ticket = request.args.get("ticket", "")
    return render_template("audit.html", entries=ctx().audit.recent(ticket=ticket), ticket=ticket,
                           now=ctx().desk.clock())


@console.route("/canned", methods=["GET", "POST"])
def canned() -> Response | str | tuple[str, int]:
    admin_only()
    source, edited = ctx().canned.source()
    if request.method == "GET":
        return render_template("canned.html", source=source, edited=edited)
    if request.form.get("action") == "reset":
        ctx().canned.reset()
        ctx().audit.record(me().name, "canned_changed")
        flash("レビュー済みのファイルに戻しました。 / Back to the reviewed file (flows/canned.yaml).", "ok")
        return redirect(url_for("console.canned"))
    source = request.form.get("source", "").replace("\r\n", "\n")
    try:
        ctx().canned.save(source)
    except CannedError as exc:
        flash(f"保存していません / Not saved: {exc}", "error")
        return render_template("canned.html", source=source, edited=edited), 400
    ctx().audit.record(me().name, "canned_changed")
    flash("保存しました。 / Saved.", "ok")
    return redirect(url_for("console.canned"))
