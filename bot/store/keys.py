"""Redis key names, in one place.

Everything of one user shares the hash tag `{<user-key>}` so it lands in one cluster slot; the user key is
an HMAC of the LINE chat id, never the id itself. Stream partitions carry their own tag `{p<n>}` so they
spread over the slots (and the masters: tests/test_cluster.py checks the default count reaches all three of a
3-master cluster). Keys every process shares (dead letters, live workers, the doorbell) have a tag each.
"""

from __future__ import annotations

import hashlib
import hmac


def user_key(secret: bytes, chat_id: str) -> str:
    """A stable pseudonym for a chat: the same id always maps to the same key, the key reveals nothing."""
    return hmac.new(secret, chat_id.encode(), hashlib.sha256).hexdigest()[:32]


def partition_of(user: str, partitions: int) -> int:
    return int(user[:8], 16) % partitions


def session(user: str) -> str:
    return f"kh:{{{user}}}:session"


def turn(user: str, event_id: str) -> str:
    """What the bot decided to send for one event: written with the session, read again on a retry."""
    return f"kh:{{{user}}}:turn:{event_id}"


def stream(partition: int) -> str:
    return f"kh:{{p{partition}}}:events"


def seen(partition: int, event_id: str) -> str:
    return f"kh:{{p{partition}}}:seen:{event_id}"


def lease(partition: int) -> str:
    return f"kh:{{p{partition}}}:lease"


def attempts(partition: int) -> str:
    return f"kh:{{p{partition}}}:attempts"


DEADLETTERS = "kh:{deadletters}:events"
WORKERS = "kh:{workers}:alive"
DOORBELL = "kh:{doorbell}:partitions"  # partitions with new work, for idle workers blocked on it


def user_prefix(user: str) -> str:
    """What every key of one person starts with (erasing their data deletes everything under it)."""
    return f"kh:{{{user}}}:"


def outbox(user: str) -> str:
    """A local chat's (terminal, simulator) answers, waiting to be read."""
    return f"kh:{{{user}}}:outbox"


def ticket(user: str, ticket_id: str) -> str:
    return f"kh:{{{user}}}:ticket:{ticket_id}"


def transcript(user: str, ticket_id: str) -> str:
    return f"kh:{{{user}}}:ticket:{ticket_id}:log"


def tickets_of(user: str) -> str:
    return f"kh:{{{user}}}:tickets"


# The counselors' queues: one per organization, each indexing its tickets under the organization's own tag
# `{handoff:<org>}` (one slot per organization, so one organization's index changes in one transaction).
INDEXES = ("waiting", "held", "expiring", "closed")
# waiting: ticket → priority and age, the queue counselors see; held: ticket → when a counselor claimed it;
# expiring: queued ticket → when, nobody having taken it, the person is told; closed: ticket → when it closed


def handoff_index(org: str, index: str) -> str:
    if index not in INDEXES:
        raise ValueError(f"unknown handoff index {index!r}")
    return f"kh:{{handoff:{org}}}:{index}"


HANDOFF_OWNERS = "kh:{handoff}:owners"  # ticket → user key (a pseudonym; never shown in the console)
LEGACY_HANDOFF = tuple(f"kh:{{handoff}}:{index}" for index in INDEXES)  # the one queue before organizations

# The console: accounts, logins, attempts, canned replies and the audit log, under one tag.
CONSOLE_OPERATORS = "kh:{console}:operators"
CONSOLE_AUDIT = "kh:{console}:audit"
CONSOLE_CANNED = "kh:{console}:canned"  # the default organization's edited copy (from before organizations)


def console_canned(org: str) -> str:
    """An organization's edited copy of its canned replies."""
    return f"kh:{{console}}:canned:{org}"


def console_login(login_id: str) -> str:
    return f"kh:{{console}}:login:{login_id}"


def login_failures(name: str) -> str:
    """Hashed: what someone typed as a name is not stored as it was typed."""
    return "kh:{console}:failures:" + hashlib.sha256(name.strip().lower().encode()).hexdigest()[:32]


def login_failures_from(address: str) -> str:
    return "kh:{console}:failures-from:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def simulator_limit(what: str, address: str) -> str:
    """How many `what` (visitors, events) one client address made in the current window."""
    return f"kh:{{simulator}}:{what}:" + hashlib.sha256(address.encode()).hexdigest()[:32]


COUNTS = "kh:{metrics}:counts"  # every process's counters, added together


def report_day(org: str, day: str) -> str:
    """One organization's report counts for one day (YYYY-MM-DD in KAKEHASHI_TZ): a hash of
    `metric:detail:place` → count. One tag per organization: its month is read from one slot."""
    return f"kh:{{report:{org}}}:day:{day}"
def reminders(user: str) -> str:
    """A person's reminders: id → what to send and to whom (sealed). Under their tag: erasing them erases these."""
    return f"kh:{{{user}}}:reminders"


# Every person's reminders by due time (members "<user key>:<reminder id>", nothing else): one sorted set under
# its own tag, so finding what is due is one range query on one slot, whatever the cluster's size.
REMINDERS_DUE = "kh:{reminders}:due"
