"""Small cells hidden so that no total gives them away: the pure function, by example and by property."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.reports.suppress import HIDDEN, SMALL, percentile, suppress


def test_counts_under_five_are_shown_as_under_five_and_zeros_as_zero() -> None:
    shown = suppress([[0], [1], [4], [5], [12]])
    assert shown.cells == (("0",), ("<5",), ("<5",), ("5",), ("12",))
    assert shown.row_totals == () and shown.column_totals == () and shown.grand_total is None


def test_one_small_cell_beside_a_shown_total_hides_the_next_smallest_count_too() -> None:
    shown = suppress([[3], [7], [20], [0]], column_totals=True)
    assert shown.cells == (("<5",), ("x",), ("20",), ("0",))  # 30 - 20 - 0 would have given 3 away
    assert shown.column_totals == ("30",)


def test_two_small_cells_protect_each_other_and_a_small_total_is_itself_hidden() -> None:
    assert suppress([[2], [3], [9]], column_totals=True).cells == (("<5",), ("<5",), ("9",))
    assert suppress([[2], [0]], column_totals=True).column_totals == ("<5",)


def test_hiding_a_complement_in_a_row_spreads_to_its_column_until_every_line_is_safe() -> None:
    shown = suppress([[2, 9, 8], [6, 7, 10]], row_totals=True, column_totals=True)
    # Row 1: 2 is small, so 8 goes too; column 3 then has one hidden entry: 10 goes; row 2: 6 goes; column 1 is
    # then 2 and 6, both hidden.
    assert shown.cells == (("<5", "9", "x"), ("x", "7", "x"))
    assert shown.row_totals == ("19", "23") and shown.column_totals == ("8", "16", "18")
    assert shown.grand_total == "42"


def test_a_table_whose_only_total_is_its_sum_needs_two_hidden_cells() -> None:
    shown = suppress([[0, 3], [40, 0]], grand_total=True)
    assert shown.cells == (("0", "<5"), ("x", "0")) and shown.grand_total == "43"


def lines(rows: int, cols: int, row_totals: bool, column_totals: bool) -> list[list[tuple[int, int]]]:
    out = []
    if row_totals:
        out += [[(r, c) for c in range(cols + 1)] for r in range(rows)]
    if column_totals:
        out += [[(r, c) for r in range(rows + 1)] for c in range(cols)]
    if row_totals and column_totals:
        out += [[(rows, c) for c in range(cols + 1)], [(r, cols) for r in range(rows + 1)]]
    return out


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 6).flatmap(lambda cols: st.lists(st.lists(st.integers(0, 12), min_size=cols, max_size=cols),
                                                       min_size=1, max_size=6)),
       st.booleans(), st.booleans())
def test_no_line_that_adds_up_ever_has_exactly_one_hidden_entry(cells: list[list[int]], rows_t: bool,
                                                                cols_t: bool) -> None:
    shown = suppress(cells, row_totals=rows_t, column_totals=cols_t)
    rows, cols = len(cells), len(cells[0])
    grid = {(r, c): shown.cells[r][c] for r in range(rows) for c in range(cols)}
    grid.update({(r, cols): t for r, t in enumerate(shown.row_totals)})
    grid.update({(rows, c): t for c, t in enumerate(shown.column_totals)})
    if shown.grand_total is not None:
        grid[rows, cols] = shown.grand_total
    for r in range(rows):
        for c in range(cols):
            n, text = cells[r][c], grid[r, c]
            assert text == SMALL if 0 < n < 5 else text in (str(n), HIDDEN)
    for line in lines(rows, cols, rows_t, cols_t):
        assert sum(grid[at] in (SMALL, HIDDEN) for at in line) != 1, (cells, line, grid)


def test_percentiles_come_from_the_buckets_counts() -> None:
    assert percentile([0, 3, 1, 0, 1], 0.5) == 1 and percentile([0, 3, 1, 0, 1], 0.9) == 4
    assert percentile([0, 0], 0.5) is None
