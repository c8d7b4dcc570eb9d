"""Which counseling windows to offer, and in which order: a pure function of the person's situation and the time.

The order is the advice. A person in danger sees the lines for that danger before anything else, open or
not (most are 24 hours); then the windows for their problem; then, if DV came up, the DV windows; last the
windows whose free service their means probably rule out. Within each group a window that answers now
comes before one whose hours we do not know, before one that is closed; then the order of windows.yaml.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from bot.directory.windows import EMERGENCIES, Window, is_open

EMERGENCY, FITS, DV_RELATED, MEANS_UNLIKELY = range(4)


def group(window: Window, problem: str | None, urgencies: Collection[str], means_ok: bool | None) -> int | None:
    """Where a window stands for this person (EMERGENCY … MEANS_UNLIKELY); None when it does not fit at all.

    `problem` is a flow id (None: no particular problem, so windows for everyday questions fit); `urgencies`
    are the situations seen (windows.URGENCIES); `means_ok` is the means test's answer, None if not taken.
    """
    if set(urgencies) & set(EMERGENCIES) & set(window.urgencies):
        return EMERGENCY
    fits = problem in window.serves if problem is not None else "normal" in window.urgencies
    if fits:
        return MEANS_UNLIKELY if means_ok is False and "means_test" in window.eligibility else FITS
    if "dv" in urgencies and "dv" in window.urgencies:
        return DV_RELATED
    return None


def _openness(window: Window, at: datetime) -> int:
    return {True: 0, None: 1, False: 2}[is_open(window, at)]


def recommend(windows: Iterable[Window], problem: str | None, urgencies: Collection[str], means_ok: bool | None,
              at: datetime) -> list[Window]:
    """The windows that fit, best first (see the module docstring); `windows` in windows.yaml order."""
    ranked = []
    for index, window in enumerate(windows):
        where = group(window, problem, urgencies, means_ok)
        if where is not None:
            ranked.append(((where, _openness(window, at), index), window))
    return [window for _, window in sorted(ranked, key=lambda pair: pair[0])]
