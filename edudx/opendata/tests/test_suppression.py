"""Small-cell suppression: no published count is under the threshold, and no hidden count can be
worked out from the published ones — checked by enumerating every table consistent with what is
published (small tables), not only by the audit the code itself runs."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from edudx.opendata.suppression import CountTable, audit, suppress

T = 10


def consistent_values(s) -> dict:
    """Every value each hidden cell takes over all whole-number tables (hidden cells ≥ 1) that
    publish exactly the same figures: brute force over the hidden inner cells, margins derived."""
    table = s.table
    n, m = table.shape
    hidden_inner = [c for c in s.hidden if c[0] < n and c[1] < m]
    grand = table.value((n, m))
    # A reader who does not see the grand total does not know how large a cell may be.
    top = grand + 2 if (n, m) in s.hidden else grand
    seen: dict = {c: set() for c in s.hidden}
    for values in itertools.product(range(1, top + 1), repeat=len(hidden_inner)):
        counts = [row[:] for row in table.counts]
        for (r, c), v in zip(hidden_inner, values, strict=True):
            counts[r][c] = v
        candidate = CountTable(table.rows, table.cols, counts)
        if all(candidate.value(c) == table.value(c) for c in table.cells() if c not in s.hidden) and all(
            candidate.value(c) >= 1 for c in s.hidden
        ):
            for c in s.hidden:
                seen[c].add(candidate.value(c))
    return seen


def test_a_lone_small_count_takes_a_partner_in_its_row_and_column():
    table = CountTable(["A", "B", "C"], ["1", "2", "3"], [[3, 20, 30], [15, 25, 40], [12, 11, 50]])
    s = suppress(table, T)
    assert s.primary == {(0, 0)}
    assert s.published((0, 0)) is None
    # Its row and its column each hide a second cell, and the four make a rectangle.
    assert sum(1 for c in s.hidden if c[0] == 0) >= 2 and sum(1 for c in s.hidden if c[1] == 0) >= 2
    lo, hi = audit(s)[(0, 0)]
    assert lo < hi  # the reader sees a range, not the 3


def test_totals_that_are_small_are_hidden_too():
    table = CountTable(["A", "B"], ["1", "2"], [[2, 3], [40, 50]])
    s = suppress(table, T)
    assert (0, 2) in s.hidden  # A's total, 5
    for cell in table.cells():
        value = s.published(cell)
        assert value is None or value == 0 or value >= T


def test_a_table_without_small_counts_is_published_whole():
    table = CountTable(["A", "B"], ["1", "2"], [[20, 0], [12, 30]])
    s = suppress(table, T)
    assert s.hidden == set()


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=3).flatmap(
        lambda n: st.integers(min_value=1, max_value=3).flatmap(
            lambda m: st.lists(
                st.lists(st.sampled_from([0, 1, 2, 3, 7, 9, 10, 12, 25]), min_size=m, max_size=m),
                min_size=n,
                max_size=n,
            )
        )
    )
)
def test_no_hidden_count_can_be_derived(counts):
    rows = [f"r{i}" for i in range(len(counts))]
    cols = [f"c{j}" for j in range(len(counts[0]))]
    table = CountTable(rows, cols, counts)
    s = suppress(table, T, protection=3)
    bounds = audit(s)
    for cell in s.primary:
        lo, hi = bounds[cell]
        assert hi - lo >= 3, (counts, cell, bounds[cell])  # the range a reader derives is wide
    for cell in table.cells():
        value = s.published(cell)
        assert value is None or value == 0 or value >= T, (counts, cell, value)
    hidden_inner = [c for c in s.hidden if c[0] < len(rows) and c[1] < len(cols)]
    if not hidden_inner or (table.value((len(rows), len(cols))) + 2) ** len(hidden_inner) > 200_000:
        return  # brute force out of reach; the audit still ran inside suppress()
    seen = consistent_values(s)
    for cell in s.primary:
        assert len(seen[cell]) >= 2, (counts, cell, seen[cell])
    # With the grand total published, the audit's bounds are exactly the brute-force range (the
    # constraint matrix is totally unimodular).
    if (len(rows), len(cols)) not in s.hidden:
        for cell, (lo, hi) in bounds.items():
            assert (lo, hi) == (min(seen[cell]), max(seen[cell])), (counts, cell)
