//! The search's tuning constants, in one place. Each of them changes which
//! boundaries Algorithm 2 finds, not only how fast it finds them, so each
//! says what it trades and, where a run measured it, what the run showed.
//! A change here is checked on the paper's suites at fixed seeds
//! (`polyclust bench paper`), as the measurements below were.

/// Weight μ of the share of uncovered rows in the loss
/// `−silhouette + μ·uncovered/n`: a row no polytope holds costs 1/n of
/// loss, so coverage is restored before silhouette is traded.
pub const UNCOVERED_WEIGHT: f64 = 1.0;

/// Smallest loss decrease accepted: smaller gains are not worth a pass of
/// the queue (a silhouette change below 1e-4, invisible in the three
/// decimals results are read at, while each accepted move re-queues every
/// move of its two clusters). Measured with `polyclust bench speed` against
/// 1e-5: the same best silhouettes to four decimals but for atom (MPC-1
/// 0.6029 → 0.6028, MPC-2 0.6155 → 0.6158), runs up to a fifth shorter
/// (framingham MPC-1 0.178 → 0.140 s, engytime 0.205 → 0.169 s).
pub(super) const MIN_GAIN: f64 = 1e-4;

/// Above this many rows, directions are ranked on a subsample first
/// ([`sample_size`] rows): a ranking sweep moves every sweep row at O(n)
/// each, so on every row of a large instance it would cost O(n²) per
/// direction, hundreds of directions per boundary.
pub(super) const SAMPLE_ABOVE: usize = 500;

/// Size of the ranking subsample above [`SAMPLE_ABOVE`] rows: a third of
/// the rows, between 300 (enough rows of every cluster to order directions
/// by) and 600 (a subsample's sweep costs its square).
pub(super) fn sample_size(n: usize) -> usize {
    (n / 3).clamp(300, 600)
}

/// Candidate intercepts scored per direction when ranking directions (on the
/// subsample, or on every row when there is none): the ranking only orders
/// directions and brackets θ, which the exact window sweeps then refine.
pub(super) const RANKING_POSITIONS: usize = 32;

/// Directions up to which the ranking sweeps every one on the fine grid;
/// above it a screening sweep picks [`SCREEN_KEEP`] of them first. Few
/// directions (MPC-1 below 32 features) are all ranked: screening 33 of them
/// measured lower on zoo (MPC-1, 10 seeds: 0.4105 against 0.413).
pub(super) const SCREEN_ABOVE: usize = 64;

/// Candidate intercepts per direction of the screening sweep that, when the
/// ranking runs on every row, picks the [`SCREEN_KEEP`] directions ranked on
/// [`RANKING_POSITIONS`] (measured on the paper's suites at 2 seeds: the same
/// silhouettes, wine's MPC-2 run 3.6× faster).
pub(super) const SCREEN_POSITIONS: usize = 8;

/// Directions kept by the screening sweep for the ranking on the fine grid
/// (with [`SCREEN_POSITIONS`], the pair measured above): the screening only
/// has to keep the directions the fine grid would rank first among them.
pub(super) const SCREEN_KEEP: usize = 24;

/// Rows from which the screening sweeps run on a subsample of every other
/// row (`Sample::for_screening`) when the ranking runs on every row: a
/// screening sweep moves every sweep row (O(n) each) and sorts them, so on
/// half the rows it costs about a quarter (wine MPC-2 over k = 2..10: 29.1
/// → 17.9 G instructions, with the shared end positions left out).
pub(super) const SCREEN_SAMPLE_FROM: usize = 120;

/// Sweep rows the screening subsample needs to hold to screen a boundary
/// (with fewer, the screening runs on every row): a boundary with a handful
/// of rows on the subsample leaves too few positions to order directions by.
pub(super) const SCREEN_SAMPLE_ROWS: usize = 16;

/// Directions kept for exact sweeps after ranking on the subsample: each is
/// a window sweep on every row, a move of O(n) per row that changes side,
/// and the subsample's order is trusted beyond the first few.
pub(super) const EXACT_DIRECTIONS: usize = 3;

/// A direction whose best loss on the subsample is worse than the current
/// direction's by more than this is not refined on every row: a window
/// sweep on every row costs a move of O(n) per row that changes side, and
/// such a direction (the current one reversed, say) does not beat the
/// current boundary there. Differences between directions on one sample
/// are far less noisy than the sample's silhouette itself.
pub(super) const RANK_MARGIN: f64 = 0.02;

/// Subsample ranks on either side of a subsample's best position that the
/// exact sweep re-scores on every row. On every row the window reaches the
/// neighbouring grid positions instead; on the subsample, whose ranks are
/// coarse already, reaching the neighbouring grid positions lowered spam's
/// k = 5 silhouette from 0.7595 to 0.7346.
pub(super) const WINDOW_RANKS: usize = 3;

/// Candidate intercepts scored (at most) in the window of an exact sweep:
/// every position of a window scores O(n·|affected clusters|), and the
/// window already brackets the ranking's best θ.
pub(super) const WINDOW_POSITIONS: usize = 16;

/// Ranks on either side of the current intercept scored exactly (current
/// direction): the current hyperplane's neighbourhood is always re-scored,
/// so a small exact improvement the ranking's grid cannot see is still
/// found.
pub(super) const LOCAL_POSITIONS: usize = 12;
