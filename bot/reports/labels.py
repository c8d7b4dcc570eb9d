"""What the report's rows and columns are called, in Japanese and English (the console and the CLI print them;
CSV and JSON carry the ids beside them). Topic names come from the flows' own titles (bot/reports/topics.py)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.directory.places import prefecture
from bot.reports import vocabulary as v

TABLES = {
    "summary": ("月の合計", "The month in figures"),
    "days": ("日ごと", "By day"),
    "topics": ("相談の話題", "Topics"),
    v.DANGER: ("危険の検知（種類別）", "Danger detected, by kind"),
    v.HANDOFF: ("相談員への引き継ぎ", "Handoffs to a counselor"),
    v.WAIT: ("最初の返信までの時間", "Time to the first counselor reply"),
    v.OUTCOME: ("相談の結果（相談員の記録）", "Outcomes (as the counselor recorded them)"),
    v.REFERRAL: ("結果カードの主な紹介先", "Where result cards pointed first"),
    "places": ("お住まいの地域", "Where people live"),
    "hours": ("最初のメッセージの曜日と時刻", "First messages by weekday and hour"),
    v.LANGUAGE: ("言語", "Language"),
}

WORDS = {
    "count": ("件数", "count"), "total": ("合計", "total"),
    "friends_added": ("友だち追加", "friends added"), "friends_blocked": ("ブロック", "blocked"),
    "added": ("友だち追加", "added"), "blocked": ("ブロック", "blocked"),
    "first": ("最初のメッセージ", "first messages"), "started": ("相談開始", "started"),
    "finished": ("結果まで進んだ", "reached a result"), "danger": ("危険の検知", "danger detected"),
    "requested": ("引き継ぎ依頼", "handoffs requested"),
    "handoff_requested": ("引き継ぎ依頼", "handoffs requested"),
    "handoff_answered": ("相談員が返信", "answered by a counselor"),
    "handoff_timed_out": ("時間内に対応できず", "timed out"),
    "handoff_withdrawn": ("本人が取り消し・終了", "withdrawn by the person"),
    "answered": ("相談員が返信", "answered by a counselor"), "timed_out": ("時間内に対応できず", "timed out"),
    "withdrawn": ("本人が取り消し・終了", "withdrawn by the person"),
    "violence": ("暴力", "violence"), "threat": ("脅し", "threats"), "at_door": ("押しかけ・居場所", "at the door"),
    "confinement": ("監禁", "confinement"), "child": ("子どもの危険", "a child at risk"),
    "sexual_violence": ("性暴力", "sexual violence"), "suicide": ("自殺の危険", "suicidal words"),
    "houterasu": ("法テラス", "Houterasu"), "lawyer": ("弁護士", "a lawyer"),
    "dv_centre": ("DVセンター", "DV centre"), "police": ("警察", "police"), "resolved": ("解決", "resolved"),
    "no_response": ("応答なし", "no response"),
    "emergency": ("緊急の窓口（110・189など）", "emergency lines (110, 189…)"),
    "general": ("話題ごとの窓口", "the topic's usual windows"),
    "ja": ("日本語", "Japanese"), "en": ("英語", "English"),
    v.UNKNOWN_PLACE: ("不明（未回答）", "not said"), v.DECLINED_PLACE: ("答えたくない", "declined to say"),
    "mon": ("月", "Mon"), "tue": ("火", "Tue"), "wed": ("水", "Wed"), "thu": ("木", "Thu"), "fri": ("金", "Fri"),
    "sat": ("土", "Sat"), "sun": ("日", "Sun"),
}


def _wait(bucket: str) -> tuple[str, str]:
    if bucket == v.LONGER:
        return "24時間超", "over 24 h"
    minutes = int(bucket) // 60
    if minutes < 60:
        return f"{minutes}分以内", f"≤ {minutes} min"
    return f"{minutes // 60}時間以内", f"≤ {minutes // 60} h"


def title(table_id: str, lang: str) -> str:
    """A table's heading."""
    pair = TABLES.get(table_id, (table_id, table_id))
    return pair[0] if lang == "ja" else pair[1]


def label(word: str, lang: str, names: Mapping[str, tuple[str, str]] | None = None) -> str:
    """A row's or column's name; `names` adds the topics'. An id nobody named is shown as itself."""
    pair = (names or {}).get(word) or WORDS.get(word) or TABLES.get(word)
    known = prefecture(word) if pair is None else None
    if known is not None:
        return known.ja if lang == "ja" else known.en
    if pair is None and (word == v.LONGER or (word.isdecimal() and int(word) >= 60)):
        pair = _wait(word)
    if pair is None:
        return word
    return pair[0] if lang == "ja" else pair[1]
