"""Small-count suppression that cannot be undone by subtraction.

Primary suppression hides every count below the threshold (zero included). That is not enough
where counts add up to a total that is shown or can be worked out: one hidden cell in a row
whose total and other cells are visible is just a subtraction away. So the published numbers
and the sums that tie them together are written as linear equations, and while any hidden
value is still determined by them, another visible cell in one of its equations is hidden too
(complementary suppression). "Determined" is decided exactly: a hidden value is determined
when it is the same in every solution of the equations, that is when its coordinate is zero in
every vector of the null space of the equations restricted to the hidden cells.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence

Cell = Hashable
MAX_TRIALS = 25  # visible cells tried as a partner before giving up on one hidden cell
# An equation says that sum(coefficient * cell) is known to whoever reads the numbers.
Equation = Sequence[tuple[int, Cell]]


def determined(hidden: Collection[Cell], equations: Sequence[Equation]) -> set[Cell]:
    """The hidden cells whose value follows from the equations and the visible cells.

    The cells may come in any order: putting the columns in another order puts the row space
    in the same other order, and a cell's unit vector lies in it either way. Only the rounding
    changes, some 1e-16 against the tolerances of 1e-9 below."""
    # Imported here: only admins' statistics need it, and every process would carry it.
    import numpy as np

    if not hidden:
        return set()
    column = {cell: i for i, cell in enumerate(hidden)}
    rows = []
    for equation in equations:
        row = np.zeros(len(hidden))
        for coefficient, cell in equation:
            if cell in column:
                row[column[cell]] += coefficient
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    # Economy SVD: the first `rank` rows of vt are an orthonormal basis of the row space. A
    # hidden value is determined exactly when its unit vector lies in that row space, that is
    # when its projection onto the basis has length one.
    _, singular, vt = np.linalg.svd(matrix, full_matrices=False)
    rank = int((singular > 1e-9 * max(1.0, singular[0])).sum())
    projection = (vt[:rank] ** 2).sum(axis=0)
    return {cell for cell, i in column.items() if projection[i] > 1 - 1e-9}


def suppress(
    values: Mapping[Cell, int],
    equations: Sequence[Equation],
    min_count: int,
    fixed: Mapping[Cell, bool] | None = None,
) -> set[Cell]:
    """The cells to hide: every one below `min_count`, then as many more as it takes so that
    no hidden value follows from the visible ones through `equations`.

    `fixed` holds cells already published (True: hidden, False: shown): they keep their
    state, so a new period is decided around what readers already have."""
    fixed = fixed or {}
    hidden = {cell for cell, value in values.items() if value < min_count and cell not in fixed}
    hidden |= {cell for cell, was_hidden in fixed.items() if was_hidden}
    movable = {cell for cell in values if cell not in fixed}
    stuck: set[Cell] = set()  # pinned by the equations alone: no visible cell can help
    while True:
        pinned = determined(hidden, equations) - stuck
        if not pinned:
            return hidden
        cell = min(pinned, key=repr)
        partner = _partner(cell, values, equations, hidden, movable)
        if partner is None:
            stuck.add(cell)
        else:
            hidden.add(partner)  # then recompute: one more hidden cell may free several
            stuck.clear()  # and a cell stuck before may have a way out now


def _partner(
    cell: Cell,
    values: Mapping[Cell, int],
    equations: Sequence[Equation],
    hidden: set[Cell],
    movable: set[Cell],
) -> Cell | None:
    """A visible cell to hide so that `cell` is no longer determined: the smallest one sharing
    an equation with it if that is enough, else the smallest one anywhere that is, else the
    smallest neighbour (more will follow). None when it has no visible neighbour left."""
    visible = sorted(
        {other for eq in equations for _, other in eq if other not in hidden and other in movable},
        key=lambda c: (values[c], repr(c)),
    )
    near = {other for eq in equations if any(c == cell for _, c in eq) for _, other in eq}
    nearby = [c for c in visible if c in near]
    for pool in (nearby, visible):
        for candidate in pool[:MAX_TRIALS]:
            if cell not in determined(hidden | {candidate}, equations):
                return candidate
    # No single cell is enough: hide the smallest neighbour and look again next round.
    return nearby[0] if nearby else None
