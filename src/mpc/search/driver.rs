//! The driver of Algorithm 2: an explicit loop over a queue of moves that
//! owns the cap on accepted moves, the deadline, and the record of the run.

use super::context::{Context, SearchInputs};
use super::moves::{apply, propose, Move};
use super::score::Score;
use super::state::SearchState;
use crate::mpc::error::MpcError;
use crate::mpc::pair::{PairHyperplane, SolveStats};
use crate::mpc::progress::{Observer, Progress, RunStatus};
use ndarray::Array2;
use std::collections::HashMap;

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

/// The driver: the search's context, its state with that state's score,
/// the queue bookkeeping and the record.
struct Driver<'a> {
    context: Context<'a>,
    state: SearchState,
    /// The score of `state`.
    score: Score,
    /// Largest number of active clusters a split may reach.
    k_max: usize,
    /// Fewest active clusters a merge may leave.
    k_min: usize,
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
    history: Vec<f64>,
    stats: SolveStats,
}

impl Driver<'_> {
    /// The moves in queue order: shifts of every hyperplane, splits (while
    /// below K_max), covers of the clusters nearest to some uncovered row,
    /// then merges (while above K_min, and never below two clusters).
    fn queue(&self) -> Vec<Move> {
        let s = &self.state;
        let mut queue: Vec<Move> = s
            .hyperplanes
            .iter()
            .map(|h| Move::Shift { i: h.i, j: h.j })
            .collect();
        let active: Vec<usize> = (0..s.slots()).filter(|&c| s.active[c]).collect();
        if active.len() < self.k_max {
            queue.extend(active.iter().map(|&cluster| Move::Split { cluster }));
        }
        let mut stray_clusters: Vec<usize> = (0..self.context.n)
            .filter(|&t| !s.covered[t])
            .map(|t| s.labels()[t])
            .collect();
        stray_clusters.sort_unstable();
        stray_clusters.dedup();
        queue.extend(
            stray_clusters
                .into_iter()
                .map(|cluster| Move::Cover { cluster }),
        );
        if active.len() > self.k_min.max(2) {
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

    /// Examine one move: propose it, apply it to a copy of the state, and
    /// keep the copy only if its exact score beats the current one (the
    /// sweeps' prediction is checked: less violation of the bounds, or as
    /// much and a lower loss); otherwise the state stays as it was, whatever
    /// the move changed. Returns whether the move was accepted.
    fn step(&mut self, mv: Move) -> Result<bool, MpcError> {
        let Some(proposal) = propose(&self.context, &self.state, mv, self.score, &mut self.stats)?
        else {
            return Ok(false);
        };
        let mut next = self.state.clone();
        apply(&self.context, &mut next, proposal);
        let score = next.score(&self.context);
        if !score.beats(self.score) || next.partition.clusters() < self.context.min_clusters {
            return Ok(false);
        }
        // A split adds a slot.
        self.version.resize(next.slots(), 0);
        for (&old, &new) in self.state.labels().iter().zip(next.labels()) {
            if new != old {
                self.version[old] += 1;
                self.version[new] += 1;
            }
        }
        let (a, b) = mv.clusters();
        self.version[a] += 1;
        self.version[b] += 1;
        self.state = next;
        self.score = score;
        self.history.push(score.loss);
        Ok(true)
    }

    /// Accepted moves so far.
    fn accepted(&self) -> usize {
        self.history.len() - 1
    }

    /// Rows of the smallest cluster now (an emptied slot is no cluster:
    /// (15) lets it go unused).
    fn smallest_cluster(&self) -> usize {
        let s = &self.state;
        (0..s.slots())
            .filter(|&c| s.active[c])
            .map(|c| s.partition.sizes()[c])
            .filter(|&size| size > 0)
            .min()
            .unwrap_or(0)
    }

    /// The result, with the active slots renumbered 0..K.
    fn finish(self, status: RunStatus) -> SearchResult {
        let s = self.state;
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
        let d = self.context.x.ncols();
        let centroids = Array2::from_shape_fn((kept.len(), d), |(c, f)| kept[c][f]);
        // Every label is of an active slot: a merged-away slot holds no row.
        let rows = (0..self.context.n)
            .map(|t| {
                (
                    map[s.partition.labels()[t]].unwrap_or(usize::MAX),
                    s.partition.point_silhouette(t).unwrap_or(f64::NAN),
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

/// Run Algorithm 2 on `inputs` from the hyperplanes and centres of
/// Algorithm 1, until no move improves the loss, `params.max_moves` moves
/// were accepted, or the deadline passes.
pub fn search(
    inputs: &SearchInputs,
    hyperplanes: Vec<PairHyperplane>,
    centroids: &Array2<f64>,
    observer: &dyn Observer,
) -> Result<SearchResult, MpcError> {
    let params = inputs.params;
    let k = centroids.nrows();
    let context = Context::new(inputs);
    // The state is built once for the starting labels, in one O(n²) pass.
    let state = SearchState::new(&context, hyperplanes, centroids);
    let score = state.score(&context);
    let mut driver = Driver {
        context,
        state,
        score,
        k_max: params.k_max.unwrap_or(params.k).max(k),
        k_min: params.k_min.unwrap_or(params.k).min(k),
        version: vec![0; k],
        examined: HashMap::new(),
        cursor: 0,
        history: vec![score.loss],
        stats: SolveStats::default(),
    };
    let status = loop {
        let Some(mv) = driver.next_move() else {
            break RunStatus::Converged;
        };
        if inputs.deadline.expired() {
            break RunStatus::TimeLimit;
        }
        if driver.step(mv)? {
            observer.progress(Progress {
                stage: "coordinate descent",
                iteration: driver.accepted(),
                loss: driver.score.loss,
                smallest_cluster: driver.smallest_cluster(),
                violation: driver.score.violation,
            });
            if driver.accepted() >= params.max_moves {
                break RunStatus::IterationLimit;
            }
        }
    };
    Ok(driver.finish(status))
}
