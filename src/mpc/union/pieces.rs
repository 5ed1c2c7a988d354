//! Pieces of the clusters and the hyperplanes between them: each cluster
//! starts as one piece; a piece whose rows the hyperplanes decide for
//! another cluster (or hold in no piece) is split in two by 2-means, and
//! only the new pieces' hyperplanes are solved, until every row is decided
//! for its own cluster or no cluster may take another piece.

use super::super::deadline::Deadline;
use super::super::error::MpcError;
use super::super::pair::{solve_between, PairHyperplane, SolveStats};
use super::super::params::ValidMpcParams;
use super::super::tournament::tournament;
use crate::hyperplane::Hyperplane;
use crate::kmeans;
use ndarray::{ArrayView2, Axis};
use rayon::prelude::*;
use std::collections::HashMap;

/// One piece: its cluster and its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// Cluster the piece belongs to.
    pub cluster: usize,
    /// Its rows, ascending.
    pub rows: Vec<usize>,
}

/// The pieces of every cluster with the hyperplanes between pieces of
/// different clusters (pieces of one cluster need no boundary).
#[derive(Debug, Clone)]
pub struct Pieces {
    /// Pieces `0..k` are the clusters' first pieces, in cluster order.
    pub pieces: Vec<Piece>,
    /// One hyperplane per pair of pieces of different clusters, `i < j`,
    /// in pair order.
    pub hyperplanes: Vec<PairHyperplane>,
    /// Solver statistics.
    pub solves: SolveStats,
}

impl Pieces {
    /// The piece of every row.
    pub fn labels(&self, n: usize) -> Vec<usize> {
        let mut labels = vec![0; n];
        for (p, piece) in self.pieces.iter().enumerate() {
            piece.rows.iter().for_each(|&t| labels[t] = p);
        }
        labels
    }
}

/// Split `clusters` (a label per row, `0..k`) into pieces, at most
/// `max_pieces` per cluster, and solve the hyperplanes between pieces of
/// different clusters (problem (1)–(12) with the run's M, β, backend).
pub fn refine(
    z: ArrayView2<f64>,
    x: ArrayView2<f64>,
    clusters: &[usize],
    k: usize,
    params: &ValidMpcParams,
    deadline: &Deadline,
) -> Result<Pieces, MpcError> {
    let n = clusters.len();
    let mut pieces: Vec<Piece> = (0..k)
        .map(|c| Piece {
            cluster: c,
            rows: (0..n).filter(|&t| clusters[t] == c).collect(),
        })
        .collect();
    let mut solved: HashMap<(usize, usize), Hyperplane> = HashMap::new();
    let mut solves = SolveStats::default();
    let options = params.solve_options(deadline);
    loop {
        let missing: Vec<(usize, usize)> = (0..pieces.len())
            .flat_map(|i| (i + 1..pieces.len()).map(move |j| (i, j)))
            .filter(|&(i, j)| pieces[i].cluster != pieces[j].cluster)
            .filter(|pair| !solved.contains_key(pair))
            .collect();
        let outcomes: Vec<Result<_, MpcError>> = missing
            .par_iter()
            .map(|&(i, j)| {
                let outcome = solve_between(
                    z.view(),
                    &pieces[i].rows,
                    &pieces[j].rows,
                    params,
                    &options,
                    deadline,
                )?;
                Ok(((i, j), outcome))
            })
            .collect();
        for r in outcomes {
            let (pair, outcome) = r?;
            solves.record(&outcome);
            solved.insert(pair, outcome.hyperplane);
        }
        let mut pairs: Vec<(usize, usize)> = solved.keys().copied().collect();
        pairs.sort_unstable();
        let hyperplanes: Vec<PairHyperplane> = pairs
            .iter()
            .map(|&(i, j)| PairHyperplane {
                i,
                j,
                hyperplane: solved[&(i, j)].clone(),
            })
            .collect();
        let blame = blame(z, &pieces, &hyperplanes);
        let count = |c: usize| pieces.iter().filter(|p| p.cluster == c).count();
        let worst = (0..pieces.len())
            .filter(|&p| blame[p] > 0 && pieces[p].rows.len() >= 2)
            .filter(|&p| count(pieces[p].cluster) < params.pieces)
            .max_by_key(|&p| (blame[p], std::cmp::Reverse(p)));
        let Some(p) = worst.filter(|_| !deadline.expired()) else {
            return Ok(Pieces {
                pieces,
                hyperplanes,
                solves,
            });
        };
        let Some((kept, moved)) = split(x, &pieces[p].rows, params.seed) else {
            return Ok(Pieces {
                pieces,
                hyperplanes,
                solves,
            });
        };
        solved.retain(|&(i, j), _| i != p && j != p);
        let cluster = pieces[p].cluster;
        pieces[p].rows = kept;
        pieces.push(Piece {
            cluster,
            rows: moved,
        });
    }
}

/// For every piece, how many rows its hyperplanes decide wrongly: a row
/// that the tournament gives to another cluster's piece counts against its
/// own piece and the winner; a row no piece wins, against its own piece.
fn blame(z: ArrayView2<f64>, pieces: &[Piece], hyperplanes: &[PairHyperplane]) -> Vec<usize> {
    let mut blame = vec![0; pieces.len()];
    for (p, piece) in pieces.iter().enumerate() {
        for &t in &piece.rows {
            match tournament(hyperplanes, pieces.len(), z.row(t)) {
                Some(q) if pieces[q].cluster == piece.cluster => {}
                Some(q) => {
                    blame[p] += 1;
                    blame[q] += 1;
                }
                None => blame[p] += 1,
            }
        }
    }
    blame
}

/// Split `rows` in two by 2-means on `x` (seeded): `None` when one side
/// would be empty.
fn split(x: ArrayView2<f64>, rows: &[usize], seed: u64) -> Option<(Vec<usize>, Vec<usize>)> {
    let sub = x.select(Axis(0), rows);
    let params = kmeans::KMeansParams::new(2)
        .restarts(3)
        .seed(seed)
        .check(sub.view())
        .ok()?;
    let result = kmeans::fit(sub.view(), &params);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for (&t, &l) in rows.iter().zip(&result.labels) {
        if l == result.labels[0] {
            a.push(t);
        } else {
            b.push(t);
        }
    }
    (!a.is_empty() && !b.is_empty()).then_some((a, b))
}
