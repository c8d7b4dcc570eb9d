"""How the console shows times and codes: ages like "3分前", clock times in KAKEHASHI_TZ, labels in Japanese
with English (the console's staff read Japanese first; its strings live here and in the templates, not in
locales/, which hold what the public reads and what reviewers check)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask

OUTCOMES = {
    "houterasu": ("法テラス", "Houterasu"),
    "lawyer": ("弁護士", "Lawyer"),
    "dv_centre": ("DV相談支援センター", "DV support centre"),
    "police": ("警察", "Police"),
    "resolved": ("解決", "Resolved"),
    "no_response": ("応答なし", "No response"),
    "cancel": ("本人が取り消し", "Cancelled by the person"),
    "timeout": ("時間切れ", "Nobody answered in time"),
    "closed_chat": ("チャット終了", "Chat closed"),
}
DANGER = {
    "violence": ("暴力", "violence"),
    "threat": ("脅し", "threat"),
    "at_door": ("相手が近くに", "at the door"),
    "child": ("子どもの危険", "child at risk"),
    "suicide": ("自殺の危険", "suicide risk"),
    "sexual_violence": ("性暴力", "sexual violence"),
}
STATUS = {"queued": ("待機中", "waiting"), "with_counselor": ("対応中", "with a counselor"),
          "closed": ("終了", "closed")}
WHO = {"user": ("相談者", "person"), "counselor": ("相談員", "counselor"), "bot": ("ボット", "bot"),
       "note": ("引き継ぎメモ", "transfer note")}
LANGUAGE = {"ja": "日本語", "en": "English"}


def ago(then: float, now: float) -> str:
    seconds = max(0, int(now - then))
    if seconds < 60:
        return "たった今"
    if seconds < 3600:
        return f"{seconds // 60}分前"
    if seconds < 86400:
        return f"{seconds // 3600}時間{seconds % 3600 // 60}分前"
    return f"{seconds // 86400}日前"


def label(table: dict[str, tuple[str, str]], code: str) -> str:
    ja, en = table.get(code, (code, ""))
    return f"{ja} / {en}" if en else ja


def init_display(app: Flask, zone: ZoneInfo) -> None:
    """Template filters: `clock` for a time of day (with the date when not today), `ago`, and the labels."""

    def clock(at: float, now: float) -> str:
        when, today = datetime.fromtimestamp(at, zone), datetime.fromtimestamp(now, zone)
        return when.strftime("%H:%M") if when.date() == today.date() else when.strftime("%m/%d %H:%M")

    app.add_template_filter(clock, "clock")
    app.add_template_filter(ago, "ago")
    app.add_template_filter(lambda code: label(OUTCOMES, code), "outcome")
    app.add_template_filter(lambda code: label(DANGER, code), "danger")
    app.add_template_filter(lambda code: label(STATUS, code), "status")
    app.add_template_filter(lambda code: label(WHO, code), "who")
    app.add_template_filter(lambda code: LANGUAGE.get(code, code), "language")
