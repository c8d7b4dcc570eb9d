"""The queue and one ticket: read the summary and transcript, reply (the first reply claims), close, or
transfer it to another organization.

A counselor sees their organization's queue and tickets only: another organization's ticket is 404 for
them, as if it did not exist. Nothing here renders a ticket's user key or chat id; pages get the Ticket's
readable parts only.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from bot.desk.desk import MAX_MESSAGE, Sent
from bot.desk.records import OUTCOMES, Ticket
from bot.engine.replies import CLOSED, QUEUED, WITH_COUNSELOR
from bot.web.console.canned import CannedError
from bot.web.console.display import OUTCOMES as OUTCOME_LABELS
from bot.web.console.web import acting_org, console, ctx, may_see, me, record

SENT_MESSAGES = {
    Sent.SENT: ("ok", "送信しました。 / Sent."),
    Sent.TAKEN: ("error", "他の相談員が対応中です。送信していません。 / Taken by another counselor: not sent."),
    Sent.CLOSED: ("error", "この相談は終了しています。送信していません。 / This ticket is closed: not sent."),
    Sent.EMPTY: ("error", "メッセージが空です。 / The message is empty."),
}
TOO_LONG = (f"メッセージは{MAX_MESSAGE}文字までです。短くするか分けて送ってください。送信していません。 / "
            f"A message may have at most {MAX_MESSAGE} characters: shorten or split it. Not sent.")
CLOSE_MESSAGES = {
    "done": ("ok", "終了しました。相談者はボットの案内に戻ります。 / Closed: the person is back with the bot."),
    "no_outcome": ("error", "結果を選んでください。 / Choose an outcome."),
    "taken": ("error", "他の相談員が対応中です。終了していません。 / Taken by another counselor: not closed."),
    "closed": ("error", "この相談はすでに終了しています。 / This ticket had already ended."),
}
TRANSFERRED = ("ok", "{org} に引き継ぎました。 / Transferred to {org}.")
TRANSFER_TAKEN = ("error", "他の相談員が対応中です。引き継いでいません。 / "
                           "Taken by another counselor: not transferred.")
NOT_TRANSFERRED = ("error", "引き継げませんでした（終了済み、または同じ団体です）。 / "
                            "Not transferred: the ticket has ended, or it is that organization's already.")


def _queue() -> dict[str, Any]:
    tickets, org = ctx().desk.tickets, acting_org()
    return {"waiting": tickets.waiting(org.id), "held": tickets.held(org.id),
            "closed": tickets.recently_closed(20, org.id), "now": ctx().desk.clock(), "me": me(), "org": org,
            "organizations": list(ctx().organizations) if me().system else []}


def _ticket(ticket_id: str) -> Ticket:
    ticket = ctx().desk.tickets.get(ticket_id)
    if ticket is None or not may_see(ticket):
        abort(404)
    return ticket


def _may_write(ticket: Ticket) -> bool:
    """Waiting tickets are anyone's to take; a held one is its counselor's (an admin may close it too)."""
    return ticket.status == QUEUED or (ticket.status == WITH_COUNSELOR and ticket.counselor == me().name)


@console.get("/")
def queue() -> str:
    return render_template("queue.html", **_queue())


@console.get("/queue")
def queue_part() -> str:
    return render_template("_queue.html", **_queue())


@console.get("/t/<ticket_id>")
def ticket(ticket_id: str) -> str:
    t = _ticket(ticket_id)
    record("viewed", t.id, t.org)
    try:
        canned = ctx().canned[t.org].for_lang(t.summary.lang)
    except CannedError as exc:
        canned = []
        flash(f"定型文を読めません / Canned replies unavailable: {exc}", "error")
    return render_template("ticket.html", t=t, lines=ctx().desk.tickets.transcript(t), now=ctx().desk.clock(),
                           canned=canned, outcomes=[(o, OUTCOME_LABELS[o]) for o in OUTCOMES],
                           may_write=_may_write(t), may_close=t.status != CLOSED and (_may_write(t) or me().admin),
                           org=ctx().organizations.get(t.org),
                           transfer_to=[o for o in ctx().organizations if o.id != t.org] if t.status != CLOSED else [])


@console.get("/t/<ticket_id>/lines")
def lines_part(ticket_id: str) -> str:
    t = _ticket(ticket_id)
    return render_template("_lines.html", t=t, lines=ctx().desk.tickets.transcript(t), now=ctx().desk.clock())


@console.post("/t/<ticket_id>/reply")
def reply(ticket_id: str) -> Response:
    before = _ticket(ticket_id)
    text = request.form.get("text", "")
    if len(text.strip()) > MAX_MESSAGE:  # the page's box stops at the limit; a longer one is never cut and "sent"
        flash(TOO_LONG, "error")
        return redirect(url_for("console.ticket", ticket_id=ticket_id))
    result = ctx().desk.reply(ticket_id, me().name, text)
    if result is Sent.SENT:
        if before.status == QUEUED:  # SENT means it is ours now: this reply was the claim
            record("claimed", ticket_id, before.org)
        record("replied", ticket_id, before.org)
    flash(SENT_MESSAGES[result][1], SENT_MESSAGES[result][0])
    return redirect(url_for("console.ticket", ticket_id=ticket_id))


@console.post("/t/<ticket_id>/close")
def close(ticket_id: str) -> Response:
    t = _ticket(ticket_id)
    outcome = request.form.get("outcome", "")
    if outcome not in OUTCOMES:
        result = "no_outcome"
    elif t.status == WITH_COUNSELOR and t.counselor != me().name and not me().admin:
        result = "taken"
    elif ctx().desk.close(ticket_id, outcome):
        record("closed", ticket_id, t.org)
        result = "done"
    else:
        result = "closed"
    flash(CLOSE_MESSAGES[result][1], CLOSE_MESSAGES[result][0])
    return redirect(url_for("console.ticket", ticket_id=ticket_id))


@console.post("/t/<ticket_id>/transfer")
def transfer(ticket_id: str) -> Response:
    """To another organization's queue, with a note for its counselors; the ticket then leaves this page's
    reach for a counselor of the first organization (a system admin stays on it)."""
    t = _ticket(ticket_id)
    to_org = request.form.get("org", "")
    if t.status == WITH_COUNSELOR and t.counselor != me().name and not me().admin:
        flash(TRANSFER_TAKEN[1], TRANSFER_TAKEN[0])
        return redirect(url_for("console.ticket", ticket_id=ticket_id))
    if not ctx().desk.transfer(ticket_id, to_org, request.form.get("note", ""), me().name):  # also: unknown org
        flash(NOT_TRANSFERRED[1], NOT_TRANSFERRED[0])
        return redirect(url_for("console.ticket", ticket_id=ticket_id))
    record("transferred", ticket_id, t.org)
    record("transferred_in", ticket_id, to_org)
    label = ctx().organizations.get(to_org).label()
    flash(TRANSFERRED[1].format(org=label), TRANSFERRED[0])
    moved = ctx().desk.tickets.get(ticket_id)
    if moved is not None and may_see(moved):
        return redirect(url_for("console.ticket", ticket_id=ticket_id))
    return redirect(url_for("console.queue"))
