"""The report's words: what is counted, under which names, in which Redis hash fields.

One day's counts of one organization are a hash (bot/store/keys.report_day) whose fields are
`metric:detail:place` — e.g. `started:visitation:13`: a conversation about 親子交流 started by someone who said
they live in 東京都. Nothing in a field names a person: metrics and details are fixed vocabularies (a flow id,
a danger category, an hour), the place a prefecture code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

FRIENDS = "friends"  # detail: added (follow) | blocked (unfollow)
FIRST = "first"  # first messages of a conversation; detail: the hour (0–23) they were written
LANGUAGE = "language"  # the language of first messages; detail: ja | en
STARTED = "started"  # conversations started; detail: the topic's flow id
FINISHED = "finished"  # conversations that reached a result card; detail: the flow id
DANGER = "danger"  # danger detections; detail: the category (bot/language/danger.py)
HANDOFF = "handoff"  # detail: one of HANDOFF_STEPS
WAIT = "wait"  # time from a ticket's opening to the first counselor reply; detail: a bucket of WAIT_BUCKETS
OUTCOME = "outcome"  # what the counselor recorded when closing a ticket; detail: bot/desk/records.OUTCOMES
REFERRAL = "referral"  # where a result card pointed first; detail: one of REFERRALS (observe.referral_of)

# What a result card recommends first, from what the conversation showed (bot/engine/referral.py): the emergency
# lines (danger now, a child at risk, sexual violence, suicidal words), DV windows, 法テラス (the means test
# says likely eligible, or a DV victim's consultation), a lawyer (the means test says unlikely), else the
# topic's usual windows.
REFERRALS = ("emergency", "dv_centre", "houterasu", "lawyer", "general")

HANDOFF_STEPS = ("requested", "answered", "timed_out", "withdrawn")
# Upper bounds (seconds) of the reply-wait histogram's buckets; the last is everything longer. Fixed, so that
# every day's hash adds up with every other's and percentiles come from counts alone.
WAIT_BUCKETS = (60, 5 * 60, 10 * 60, 15 * 60, 30 * 60, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 24 * 3600)
LONGER = "more"

UNKNOWN_PLACE, DECLINED_PLACE = "unknown", "declined"  # Session.place "" and "-"
PREFECTURES = tuple(f"{n:02d}" for n in range(1, 48))  # JIS X 0401 codes
DEFAULT_ORG = "default"
ORG_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")  # no braces or colons: it sits inside a key's hash tag
RETENTION_S = 400 * 86400  # about 13 months: last year's same month can still be compared


def wait_bucket(seconds: float) -> str:
    """The bucket a reply wait falls in: its upper bound in seconds, or LONGER."""
    return next((str(bound) for bound in WAIT_BUCKETS if seconds <= bound), LONGER)


def wait_buckets() -> Sequence[str]:
    return (*(str(b) for b in WAIT_BUCKETS), LONGER)


def place_of(place: str) -> str:
    """Session.place as a report dimension: a prefecture code, or unknown / declined."""
    if place in PREFECTURES:
        return place
    return DECLINED_PLACE if place == "-" else UNKNOWN_PLACE


def field(metric: str, detail: str, place: str) -> str:
    return f"{metric}:{detail}:{place}"


def parse_field(name: str) -> tuple[str, str, str] | None:
    parts = name.split(":")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None
