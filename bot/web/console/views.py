"""The queue and one ticket: read the summary and transcript, reply (the first reply claims), close.

Nothing here renders a ticket's user key or chat id; pages get the Ticket's readable parts only.
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
from bot.web.console.web import console, ctx, me

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


def _queue() -> dict[str, Any]:
    tickets = ctx().desk.tickets
    return {"waiting": tickets.waiting(), "held": tickets.held(), "closed": tickets.recently_closed(20),
            "now": ctx().desk.clock(), "me": me()}


def _ticket(ticket_id: str) -> Ticket:
    ticket = ctx().desk.tickets.get(ticket_id)
    if ticket is None:
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
    ctx().audit.record(me().name, "viewed", t.id)
    try:
        canned = ctx().canned.for_lang(t.summary.lang)
    except CannedError as exc:
        canned = []
        flash(f"定型文を読めません / Canned replies unavailable: {exc}", "error")
    return render_template("ticket.html", t=t, lines=ctx().desk.tickets.transcript(t), now=ctx().desk.clock(),
                           canned=canned, outcomes=[(o, OUTCOME_LABELS[o]) for o in OUTCOMES],
                           may_write=_may_write(t), may_close=t.status != CLOSED and (_may_write(t) or me().admin))


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
            ctx().audit.record(me().name, "claimed", ticket_id)
        ctx().audit.record(me().name, "replied", ticket_id)
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
        ctx().audit.record(me().name, "closed", ticket_id)
        result = "done"
    else:
        result = "closed"
    flash(CLOSE_MESSAGES[result][1], CLOSE_MESSAGES[result][0])
    return redirect(url_for("console.ticket", ticket_id=ticket_id))
