"""Small numbers hidden, and hidden so that no total gives them away.

A count from 1 to 4 is shown as "<5" (primary suppression): so few people could be recognised by someone who
knows them. A zero is shown: it describes nobody. Then every line of the table that adds up to a shown total
— a row with its row total, a column with its column total, the totals' own row and column — must not have
exactly one hidden entry, or subtracting the rest from the total would reveal it. Where one has, the smallest
other count in that line is hidden too ("x", complementary suppression), preferring cells to totals and
counts to zeros; hiding that one may leave another line with a single hidden entry, so this repeats until no
line has. The totals are computed from the true counts before anything is hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

THRESHOLD = 5
SMALL = "<5"  # a count under the threshold
HIDDEN = "x"  # a larger count hidden so that a small one cannot be worked out

Position = tuple[int, int]


@dataclass(frozen=True)
class Shown:
    """What may be printed: every cell, and the totals asked for, as text."""

    cells: tuple[tuple[str, ...], ...]
    row_totals: tuple[str, ...] = ()
    column_totals: tuple[str, ...] = ()
    grand_total: str | None = None


def suppress(cells: Sequence[Sequence[int]], *, row_totals: bool = False, column_totals: bool = False,
             grand_total: bool = False) -> Shown:
    """The table as it may be shown (see the module's docstring). `cells` are rows of counts, all of one width;
    `grand_total` alone: the table shows only the sum of all its cells (or it is shown elsewhere)."""
    rows, cols = len(cells), len(cells[0]) if cells else 0
    value: dict[Position, int] = {(r, c): int(cells[r][c]) for r in range(rows) for c in range(cols)}
    if row_totals:
        value.update({(r, cols): sum(cells[r]) for r in range(rows)})
    if column_totals:
        value.update({(rows, c): sum(cells[r][c] for r in range(rows)) for c in range(cols)})
    grand_total = grand_total or (row_totals and column_totals)
    if grand_total:
        value[rows, cols] = sum(map(sum, cells))
    marks = {at: SMALL for at, n in value.items() if 0 < n < THRESHOLD}
    lines = _lines(rows, cols, row_totals, column_totals, grand_total)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for at in line if at in marks) == 1:
                extra = _complement(line, value, marks, rows, cols)
                if extra is not None:
                    marks[extra] = HIDDEN
                    changed = True

    def text(at: Position) -> str:
        return marks.get(at) or str(value[at])

    return Shown(
        cells=tuple(tuple(text((r, c)) for c in range(cols)) for r in range(rows)),
        row_totals=tuple(text((r, cols)) for r in range(rows)) if row_totals else (),
        column_totals=tuple(text((rows, c)) for c in range(cols)) if column_totals else (),
        grand_total=text((rows, cols)) if grand_total else None,
    )


def _lines(rows: int, cols: int, row_totals: bool, column_totals: bool, grand: bool) -> list[list[Position]]:
    """Each set of entries that adds up: parts, then their total last."""
    if grand and not (row_totals or column_totals):
        return [[*((r, c) for r in range(rows) for c in range(cols)), (rows, cols)]]
    lines = []
    if row_totals:
        lines += [[*((r, c) for c in range(cols)), (r, cols)] for r in range(rows)]
    if column_totals:
        lines += [[*((r, c) for r in range(rows)), (rows, c)] for c in range(cols)]
    if row_totals and column_totals:
        lines.append([*((rows, c) for c in range(cols)), (rows, cols)])
        lines.append([*((r, cols) for r in range(rows)), (rows, cols)])
    return lines


def _complement(line: list[Position], value: dict[Position, int], marks: dict[Position, str],
                rows: int, cols: int) -> Position | None:
    """The entry to hide beside the line's one hidden entry: a cell before a total, a count before a zero,
    then the smallest, then the first."""
    open_ = [at for at in line if at not in marks]
    if not open_:
        return None
    return min(open_, key=lambda at: (at[0] == rows or at[1] == cols, value[at] == 0, value[at], at))


def percentile(counts: Sequence[int], q: float) -> int | None:
    """The index of the bucket holding the q-th quantile of a histogram's counts (None when it is empty)."""
    total = sum(counts)
    if total == 0:
        return None
    running = 0
    for index, n in enumerate(counts):
        running += n
        if running >= q * total:
            return index
    return len(counts) - 1
