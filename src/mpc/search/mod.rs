//! Algorithm 2 of the MPC paper: silhouette coordinate descent over the
//! polytopes.
//!
//! The state ([`state`]) is a set of pairwise hyperplanes; every row belongs
//! to the winner of its pairwise tournament, and a row no cluster wins
//! (uncovered) goes to the nearest centre. The loss is
//! `−silhouette + μ·uncovered/n` (μ = [`UNCOVERED_WEIGHT`]), so coverage is
//! restored before silhouette is traded. The [`moves`], accepted only when
//! the exact loss drops by more than [`MIN_GAIN`]:
//! - **boundary shift** of `H_ij`: a new direction within (M, β) and a new
//!   intercept; only rows that can be won by i or j change label;
//! - **split** of cluster c (while K < K_max): a new hyperplane inside c, the
//!   two halves inheriting c's hyperplanes against every other cluster;
//! - **merge** of clusters a and b: `H_ab` removed, and the merged cluster
//!   separated from each other cluster m by `H_am` when `H_am = H_bm`,
//!   otherwise by a new solve of (1)–(12);
//! - **cover** of cluster c while some uncovered row is nearest to c: c's
//!   hyperplanes re-solved by (1)–(12) for the current labels, the uncovered
//!   rows counted as c's.
//!
//! Shifts and splits are scored by the [`sweep`] engine. The driver
//! ([`search`]) is an explicit loop over a queue of moves: it owns the cap on
//! accepted moves ([`crate::mpc::MpcParams::max_moves`]) and the run's
//! [`Deadline`], whose remaining time bounds every hyperplane solve. After an
//! accepted move the moves of the clusters it changed are queued again; the
//! search ends when no move is left, or at the move cap or the deadline (a
//! status, not an error).

mod moves;
mod sides;
mod state;
mod sweep;

use super::init::{PairHyperplane, SolveStats};
use super::params::ValidMpcParams;
use super::{Deadline, MpcError, Observer, Progress, RunStatus};
use crate::metrics::{Distances, SilhouetteState};
use moves::Move;
use ndarray::{Array2, ArrayView2};
use state::{induced_labels, Score, Search};
use std::collections::HashMap;
use sweep::Sample;

/// Weight μ of the share of uncovered rows in the loss.
pub const UNCOVERED_WEIGHT: f64 = 1.0;

/// Smallest loss decrease accepted: smaller gains are not worth a pass of
/// the queue (a silhouette change below 1e-4, invisible in the three
/// decimals results are read at, while each accepted move re-queues every
/// move of its two clusters). Measured with `polyclust bench speed` against
/// 1e-5: the same best silhouettes to four decimals but for atom (MPC-1
/// 0.6029 → 0.6028, MPC-2 0.6155 → 0.6158), runs up to a fifth shorter
/// (framingham MPC-1 0.178 → 0.140 s, engytime 0.205 → 0.169 s).
const MIN_GAIN: f64 = 1e-4;

/// Result of Algorithm 2.
#[derive(Debug, Clone)]
pub struct SearchResult {
    /// Hyperplanes between the remaining clusters (slots renumbered 0..K).
    pub hyperplanes: Vec<PairHyperplane>,
    /// Fallback centres, K × d.
    pub centroids: Array2<f64>,
    /// Loss after each accepted move (first entry: the starting loss).
    pub history: Vec<f64>,
    /// Why the search stopped.
    pub status: RunStatus,
    /// Hyperplane solves made by merges and covers.
    pub solves: SolveStats,
    /// The cluster (0..K) of every searched row at the end, and its
    /// silhouette from the search's distances: the model's quality costs
    /// O(n·K) instead of O(n²) when the model assigns the rows the same way.
    pub rows: Vec<(usize, f64)>,
}

/// The driver's state: the polytopes, the queue bookkeeping and the record.
struct Driver<'a> {
    search: Search<'a>,
    /// Largest number of active clusters a split may reach.
    k_max: usize,
    /// Per slot, a counter bumped whenever the slot's members or hyperplanes
    /// change.
    version: Vec<u64>,
    /// The versions of a move's clusters when it was last examined: a move
    /// is examined again only after one of its clusters changed. This is the
    /// queue reset of Algorithm 2 restricted to the moves an accepted move
    /// can affect directly.
    examined: HashMap<Move, (u64, u64)>,
    /// Where the next scan of the queue starts.
    cursor: usize,
    score: Score,
    history: Vec<f64>,
    stats: SolveStats,
}

impl<'a> Driver<'a> {
    /// The moves in queue order: shifts of every hyperplane, splits (while
    /// below K_max), covers of the clusters nearest to some uncovered row,
    /// then merges (with more than two clusters).
    fn queue(&self) -> Vec<Move> {
        let s = &self.search;
        let mut queue: Vec<Move> = s
            .hyperplanes
            .iter()
            .map(|h| Move::Shift { i: h.i, j: h.j })
            .collect();
        let active: Vec<usize> = (0..s.k()).filter(|&c| s.active[c]).collect();
        if active.len() < self.k_max {
            queue.extend(active.iter().map(|&cluster| Move::Split { cluster }));
        }
        let mut stray_clusters: Vec<usize> = (0..s.n)
            .filter(|&t| !s.covered[t])
            .map(|t| s.state.labels()[t])
            .collect();
        stray_clusters.sort_unstable();
        stray_clusters.dedup();
        queue.extend(
            stray_clusters
                .into_iter()
                .map(|cluster| Move::Cover { cluster }),
        );
        if active.len() > 2 {
            for (pos, &a) in active.iter().enumerate() {
                for &b in &active[pos + 1..] {
                    queue.push(Move::Merge { a, b });
                }
            }
        }
        queue
    }

    fn versions(&self, mv: Move) -> (u64, u64) {
        let (a, b) = mv.clusters();
        (self.version[a], self.version[b])
    }

    /// The next move whose clusters changed since it was last examined,
    /// scanning the queue from the cursor; marked as examined.
    fn next_move(&mut self) -> Option<Move> {
        let queue = self.queue();
        let dirty = |mv: &Move| self.examined.get(mv) != Some(&self.versions(*mv));
        let offset = (0..queue.len()).find(|o| dirty(&queue[(self.cursor + o) % queue.len()]))?;
        let mv = queue[(self.cursor + offset) % queue.len()];
        self.cursor += offset + 1;
        self.examined.insert(mv, self.versions(mv));
        Some(mv)
    }

    /// Examine one move: propose it, apply it, and keep it only if the exact
    /// score of the relabelled rows beats the current one (the sweeps'
    /// prediction is checked: less violation of the bounds, or as much and a
    /// lower loss); otherwise roll back. Returns whether the move was
    /// accepted.
    fn step(&mut self, mv: Move) -> Result<bool, MpcError> {
        let Some(proposal) = self.search.propose(mv, self.score, &mut self.stats)? else {
            return Ok(false);
        };
        let s = &mut self.search;
        let before_labels = s.state.labels().to_vec();
        let snapshot = (
            s.hyperplanes.clone(),
            s.active.clone(),
            s.centroids.clone(),
            s.state.clone(),
            s.covered.clone(),
        );
        s.apply(proposal);
        // A split adds a slot.
        self.version.resize(self.search.k(), 0);
        let new = self.search.score();
        if !new.beats(self.score) {
            let s = &mut self.search;
            (s.hyperplanes, s.active, s.centroids, s.state, s.covered) = snapshot;
            self.version.truncate(self.search.k());
            return Ok(false);
        }
        for (t, &old) in before_labels.iter().enumerate() {
            let new = self.search.state.labels()[t];
            if new != old {
                self.version[old] += 1;
                self.version[new] += 1;
            }
        }
        let (a, b) = mv.clusters();
        self.version[a] += 1;
        self.version[b] += 1;
        self.score = new;
        self.history.push(new.loss);
        Ok(true)
    }

    /// Accepted moves so far.
    fn accepted(&self) -> usize {
        self.history.len() - 1
    }

    /// The result, with the active slots renumbered 0..K.
    fn finish(self, status: RunStatus) -> SearchResult {
        let s = self.search;
        let map: Vec<Option<usize>> = {
            let mut next = 0;
            s.active
                .iter()
                .map(|&a| {
                    a.then(|| {
                        next += 1;
                        next - 1
                    })
                })
                .collect()
        };
        let hyperplanes = s
            .hyperplanes
            .into_iter()
            .filter_map(|h| {
                let (i, j) = (map[h.i]?, map[h.j]?);
                Some(PairHyperplane {
                    i,
                    j,
                    hyperplane: h.hyperplane,
                })
            })
            .collect();
        let kept: Vec<&Vec<f64>> = s
            .centroids
            .iter()
            .zip(&s.active)
            .filter(|(_, a)| **a)
            .map(|(c, _)| c)
            .collect();
        let d = s.x.ncols();
        let centroids = Array2::from_shape_fn((kept.len(), d), |(c, f)| kept[c][f]);
        // Every label is of an active slot: a merged-away slot holds no row.
        let rows = (0..s.n)
            .map(|t| {
                (
                    map[s.state.labels()[t]].unwrap_or(usize::MAX),
                    s.state.point(t),
                )
            })
            .collect();
        SearchResult {
            hyperplanes,
            centroids,
            history: self.history,
            status,
            solves: self.stats,
            rows,
        }
    }
}

/// Run Algorithm 2 from the hyperplanes and centres of Algorithm 1, until no
/// move improves the loss, `params.max_moves` moves were accepted, or the
/// deadline passes.
#[allow(clippy::too_many_arguments)]
pub fn search(
    x: ArrayView2<'_, f64>,
    z: ArrayView2<'_, f64>,
    dist: &Distances,
    hyperplanes: Vec<PairHyperplane>,
    centroids: &Array2<f64>,
    params: &ValidMpcParams,
    observer: &dyn Observer,
    deadline: &Deadline,
) -> Result<SearchResult, MpcError> {
    let n = x.nrows();
    let k = centroids.nrows();
    let sample = Sample::new(x);
    let screen_sample = Sample::for_screening(x);
    let active = vec![true; k];
    let centroids: Vec<Vec<f64>> = centroids.rows().into_iter().map(|r| r.to_vec()).collect();
    // The state is built once for the starting labels, in one O(n²) pass.
    let (labels, covered) = induced_labels(x, z, &hyperplanes, &active, &centroids);
    // Views are invariant in their lifetime: shorten them to the sample's.
    let search = Search {
        x: x.reborrow(),
        z: z.reborrow(),
        dist,
        params,
        hyperplanes,
        active,
        centroids,
        state: SilhouetteState::new(dist, &labels, k),
        covered,
        n,
        sample: sample.as_ref(),
        screen_sample: screen_sample.as_ref(),
        deadline: *deadline,
        sides: std::sync::Mutex::new(None),
    };
    let score = search.score();
    let mut driver = Driver {
        search,
        k_max: params.k_max.unwrap_or(params.k).max(k),
        version: vec![0; k],
        examined: HashMap::new(),
        cursor: 0,
        score,
        history: vec![score.loss],
        stats: SolveStats::default(),
    };
    let status = loop {
        let Some(mv) = driver.next_move() else {
            break RunStatus::Converged;
        };
        if deadline.expired() {
            break RunStatus::TimeLimit;
        }
        if driver.step(mv)? {
            let s = &driver.search;
            observer.progress(Progress {
                stage: "coordinate descent",
                iteration: driver.accepted(),
                loss: driver.score.loss,
                // An emptied slot is no cluster: (15) lets it go unused.
                smallest_cluster: (0..s.k())
                    .filter(|&c| s.active[c])
                    .map(|c| s.state.sizes()[c])
                    .filter(|&size| size > 0)
                    .min()
                    .unwrap_or(0),
                violation: driver.score.violation,
            });
            if driver.accepted() >= params.max_moves {
                break RunStatus::IterationLimit;
            }
        }
    };
    Ok(driver.finish(status))
}
