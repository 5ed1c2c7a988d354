//! The rows a boundary's sweep moves.

/// A row the boundary between clusters `i` and `j` can move: it wins every
/// duel of `i` but the one being moved (`can_be_i`), or every duel of `j`
/// but that one (`can_be_j`); on a side that cannot take it, it is
/// uncovered and falls back to `fallback`, its nearest active centre's
/// cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct SweepRow {
    /// The row (of the search's rows, or a position in a subsample).
    pub(super) row: usize,
    pub(super) can_be_i: bool,
    pub(super) can_be_j: bool,
    pub(super) fallback: usize,
}

impl SweepRow {
    /// The row's cluster on i's side of the boundary, and whether it is
    /// covered there.
    #[inline]
    pub(super) fn on_i_side(self, i: usize) -> (usize, bool) {
        if self.can_be_i {
            (i, true)
        } else {
            (self.fallback, false)
        }
    }

    /// The row's cluster on j's side of the boundary, and whether it is
    /// covered there.
    #[inline]
    pub(super) fn on_j_side(self, j: usize) -> (usize, bool) {
        if self.can_be_j {
            (j, true)
        } else {
            (self.fallback, false)
        }
    }
}

/// A boundary being swept: between cluster `i` (the side `w·z ≥ θ`) and
/// cluster `j`, over the rows it can move.
#[derive(Debug, Clone, Copy)]
pub(super) struct Boundary<'r> {
    pub(super) i: usize,
    pub(super) j: usize,
    pub(super) rows: &'r [SweepRow],
}
