"""Facts that depend on the moment: whether a counseling window is open now, in words (`{open.houterasu}`).

Computed only when a text asks for it, from the time the person wrote — never the server's clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime

from bot.handoff.windows import Window, is_open, next_opening, open_until

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class OpenNow(Mapping[str, str]):
    """window id → "open until 21:00" / "open 24 hours" / "opens Monday 9:00", in the person's language."""

    def __init__(self, windows: Mapping[str, Window], at: datetime, text: Callable[[str], str]) -> None:
        """`text(key)` gives a raw locale text; {until} and {when} are filled here."""
        self.windows, self.at, self.text = windows, at, text

    def __getitem__(self, window_id: str) -> str:
        window = self.windows[window_id]
        if is_open(window, self.at):
            until = open_until(window, self.at)
            if until is None:
                return self.text("windows.open_all_day")
            return self.text("windows.open_until").replace("{until}", until.strftime("%-H:%M"))
        opens = next_opening(window, self.at)
        if opens is None:
            return self.text("windows.closed")
        day = (self.text("windows.today") if opens.date() == self.at.date()
               else self.text(f"windows.day.{DAY_KEYS[opens.weekday()]}"))
        return self.text("windows.opens_at").replace("{when}", f"{day} {opens.strftime('%-H:%M')}")

    def __iter__(self) -> Iterator[str]:
        return iter(self.windows)

    def __len__(self) -> int:
        return len(self.windows)
