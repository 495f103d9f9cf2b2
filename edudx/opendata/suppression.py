"""Small-cell suppression of a published count table, with complementary suppression and an
audit that proves no hidden count can be worked out from what is published.

A table is counts by row (e.g. ward) × column (e.g. grade) published with its row totals, column
totals and grand total. A count in 1…threshold-1 is hidden (primary suppression: it could point
to a handful of children). Hiding it alone is not enough: the row total minus the other counts of
the row gives it back, so further cells are hidden (complementary suppression) until every hidden
count can take more than one value consistent with everything published.

The audit treats the reader as someone who knows every published figure, that every table line
adds up, and that a hidden count is at least 1 (a zero is published as 0). For each hidden count
it finds the smallest and largest value it can take by linear programming (SciPy's HiGHS). Each
variable sits in exactly two line equations with coefficients ±1 that split into two groups, so
the constraint matrix is totally unimodular: the programme's bounds are whole numbers and equal
the bounds over whole-number tables, so "min < max" proves that the count cannot be derived.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from scipy.optimize import linprog

# A cell of the table with its margins: (row, column), where row == n_rows is the column-totals
# line and column == n_cols is the row-totals line; (n_rows, n_cols) is the grand total.
Cell = tuple[int, int]


@dataclass
class CountTable:
    """Counts by row × column; the margins are computed, never typed."""

    rows: list[str]
    cols: list[str]
    counts: list[list[int]]

    def __post_init__(self) -> None:
        if len(self.counts) != len(self.rows) or any(len(r) != len(self.cols) for r in self.counts):
            raise ValueError("counts do not match the row and column labels")
        if any(v < 0 for r in self.counts for v in r):
            raise ValueError("a count is negative")

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.cols)

    def value(self, cell: Cell) -> int:
        r, c = cell
        n, m = self.shape
        if r < n and c < m:
            return self.counts[r][c]
        if r < n:
            return sum(self.counts[r])
        if c < m:
            return sum(row[c] for row in self.counts)
        return sum(sum(row) for row in self.counts)

    def cells(self) -> Iterator[Cell]:
        n, m = self.shape
        for r in range(n + 1):
            for c in range(m + 1):
                yield (r, c)

    def lines(self) -> list[list[Cell]]:
        """Every equation of the table as its cells, the total last: each row with its row total,
        each column with its column total, the row totals with the grand total, the column totals
        with the grand total."""
        n, m = self.shape
        out = [[(r, c) for c in range(m + 1)] for r in range(n + 1)]
        out += [[(r, c) for r in range(n + 1)] for c in range(m + 1)]
        return out


@dataclass
class Suppressed:
    table: CountTable
    threshold: int
    primary: set[Cell] = field(default_factory=set)
    complementary: set[Cell] = field(default_factory=set)

    @property
    def hidden(self) -> set[Cell]:
        return self.primary | self.complementary

    def published(self, cell: Cell) -> int | None:
        """The figure as published: None where it is hidden."""
        return None if cell in self.hidden else self.table.value(cell)


def is_small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def suppress(table: CountTable, threshold: int, protection: int = 1) -> Suppressed:
    """Hide every count in 1…threshold-1 and as few other cells as this greedy rule needs: a line
    with one hidden cell hides its smallest other non-zero cell (a count before a total); then
    while a small count's range as the audit finds it is narrower than `protection` (1: it cannot
    be pinned to one value), hide one more cell in one of its lines."""
    out = Suppressed(table, threshold)
    out.primary = {cell for cell in table.cells() if is_small(table.value(cell), threshold)}
    if not out.primary:
        return out
    while True:
        _close_lines(out)
        bounds = audit(out, cells=out.primary)
        weak = sorted(c for c, (lo, hi) in bounds.items() if hi - lo < protection)
        if not weak:
            return out
        # One more cell beside each weak count, then audit again (an audit per added cell would
        # cost minutes on a city table).
        widened = [_widen(out, cell) for cell in weak]
        if not any(widened):  # nothing left to hide beside them: hide the whole table
            out.complementary |= {c for c in table.cells() if table.value(c) > 0} - out.primary
            return out


def _candidates(out: Suppressed, line: Sequence[Cell]) -> list[Cell]:
    hidden = out.hidden
    free = [c for c in line if c not in hidden and out.table.value(c) > 0]
    # Counts before totals, then the smallest: a reader loses the least.
    n, m = out.table.shape
    return sorted(free, key=lambda c: (c[0] == n or c[1] == m, out.table.value(c), c))


def _close_lines(out: Suppressed) -> None:
    changed = True
    while changed:
        changed = False
        for line in out.table.lines():
            if sum(1 for c in line if c in out.hidden) == 1:
                pick = _candidates(out, line)
                if pick:
                    out.complementary.add(pick[0])
                    changed = True


def _widen(out: Suppressed, cell: Cell) -> bool:
    lines = [line for line in out.table.lines() if cell in line]
    options = [c for line in lines for c in _candidates(out, line)]
    if not options:
        return False
    # Prefer a cell that leaves room to move: a count of 2 or more before a count of 1.
    options.sort(key=lambda c: (out.table.value(c) < 2, out.table.value(c), c))
    out.complementary.add(options[0])
    return True


def audit(out: Suppressed, cells: set[Cell] | None = None) -> dict[Cell, tuple[int, int]]:
    """For every hidden cell (or those of `cells`), the least and greatest value consistent with
    what is published (hidden cells at least 1, every line adding up)."""
    hidden = sorted(out.hidden)
    if not hidden:
        return {}
    index = {cell: i for i, cell in enumerate(hidden)}
    rows: list[list[float]] = []
    rhs: list[float] = []
    for line in out.table.lines():
        *parts, total = line
        coeffs = [0.0] * len(hidden)
        known = 0
        for cell, sign in [*((p, 1) for p in parts), (total, -1)]:
            if cell in index:
                coeffs[index[cell]] += sign
            else:
                known += sign * out.table.value(cell)
        if any(coeffs):
            rows.append(coeffs)
            rhs.append(-known)
    bounds = [(1, None)] * len(hidden)
    result: dict[Cell, tuple[int, int]] = {}
    for cell, i in index.items():
        if cells is not None and cell not in cells:
            continue
        c = [0.0] * len(hidden)
        lo = _solve(c, i, 1.0, rows, rhs, bounds)
        hi = _solve(c, i, -1.0, rows, rhs, bounds)
        result[cell] = (lo, hi)
    return result


def _solve(
    c: list[float], i: int, sign: float, rows: list[list[float]], rhs: list[float], bounds: list
) -> int:
    objective = list(c)
    objective[i] = sign
    res = linprog(objective, A_eq=rows or None, b_eq=rhs or None, bounds=bounds, method="highs")
    if res.status == 3:  # unbounded above: the count can be anything
        return 10**12
    if res.status != 0:
        raise ValueError(f"suppression audit: the published table is inconsistent ({res.message})")
    return round(sign * res.fun)
