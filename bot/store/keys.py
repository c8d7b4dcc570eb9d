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
