//! The paper's protocol (MPC paper §4.1) as one loop, shared by MPC
//! ([`crate::mpc::protocol`]) and its k-means++ baseline
//! (`kmeans_protocol` of the command line's `bench`): every k of a range, several seeds
//! per k, the best run kept.
//!
//! The runs are independent; they may execute side by side (rayon), but the
//! best is chosen in (k, seed) order with ties kept by the first run, so the
//! result depends only on the data, the settings and the seeds, never on the
//! thread count.

use crate::params::ParamsError;
use rayon::prelude::*;
use std::ops::RangeInclusive;

/// The (k, seed) runs of a protocol: every k of `ks`, seeds
/// `seed .. seed + restarts` for each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolGrid {
    /// Values of k (the paper: 2..=10).
    pub ks: RangeInclusive<usize>,
    /// Seeds per k (the paper: 100).
    pub restarts: usize,
    /// First seed.
    pub seed: u64,
}

impl ProtocolGrid {
    /// The runs, k major, in the order the best is chosen in.
    pub fn runs(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.ks
            .clone()
            .flat_map(move |k| (0..self.restarts as u64).map(move |r| (k, self.seed + r)))
    }
}

/// Every run of a grid, and which was best.
#[derive(Debug, Clone)]
pub struct GridOutcome<T> {
    /// The runs' results, in (k, seed) order.
    pub runs: Vec<T>,
    /// Index of the best run in `runs`.
    pub best: usize,
}

/// Run the protocol: `prepare` turns each (k, seed) of `grid` into a run's
/// settings (a k the data cannot hold is skipped; if none is left, the first
/// such error is returned), `run` executes one (in parallel when
/// `in_parallel`), and the best run by `better` (strictly better replaces,
/// so ties keep the first in (k, seed) order) is marked.
pub fn run_grid<P, T, E>(
    grid: &ProtocolGrid,
    prepare: impl Fn(usize, u64) -> Result<P, ParamsError>,
    run: impl Fn(&P) -> Result<T, E> + Sync,
    better: impl Fn(&T, &T) -> bool,
    in_parallel: bool,
) -> Result<GridOutcome<T>, E>
where
    P: Sync,
    T: Send,
    E: Send + From<ParamsError>,
{
    if grid.restarts == 0 {
        return Err(ParamsError::new("restarts", "0; at least one seed per k is needed").into());
    }
    let mut first_error = None;
    let mut settings = Vec::new();
    for (k, seed) in grid.runs() {
        match prepare(k, seed) {
            Ok(p) => settings.push(p),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    let results: Vec<Result<T, E>> = if in_parallel {
        settings.par_iter().map(&run).collect()
    } else {
        settings.iter().map(&run).collect()
    };
    let mut runs = Vec::with_capacity(results.len());
    let mut best: Option<usize> = None;
    for result in results {
        let value = result?;
        if best.is_none_or(|b| better(&value, &runs[b])) {
            best = Some(runs.len());
        }
        runs.push(value);
    }
    match best {
        Some(best) => Ok(GridOutcome { runs, best }),
        None => Err(first_error
            .unwrap_or_else(|| ParamsError::new("k-range", "the range holds no k"))
            .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_runs_k_major_and_keeps_the_first_best() {
        let grid = ProtocolGrid {
            ks: 2..=4,
            restarts: 2,
            seed: 10,
        };
        let order: Vec<(usize, u64)> = grid.runs().collect();
        assert_eq!(
            order,
            [(2, 10), (2, 11), (3, 10), (3, 11), (4, 10), (4, 11)]
        );
        for parallel in [false, true] {
            // Score: k only, so (3, 10) and (3, 11) tie and the first wins.
            let out: GridOutcome<(usize, u64)> = run_grid(
                &grid,
                |k, seed| {
                    if k == 4 {
                        Err(ParamsError::new("k", "too large"))
                    } else {
                        Ok((k, seed))
                    }
                },
                |&p| Ok::<_, ParamsError>(p),
                |a, b| a.0 > b.0,
                parallel,
            )
            .unwrap();
            assert_eq!(out.runs.len(), 4);
            assert_eq!(out.runs[out.best], (3, 10));
        }
        let none = run_grid(
            &grid,
            |_, _| Err::<(), _>(ParamsError::new("k", "too large")),
            |_| Ok::<(), ParamsError>(()),
            |_, _| false,
            false,
        );
        assert_eq!(none.unwrap_err().field, "k");
    }
}
