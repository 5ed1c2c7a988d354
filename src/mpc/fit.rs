//! One MPC run: Algorithm 1, Algorithm 2 from its result (from one start or
//! two), the model built from the polytopes and the fit's silhouette.

use super::build::{finalize, Training};
use super::deadline::Deadline;
use super::error::MpcError;
use super::fitted::{better, MpcFit};
use super::init;
use super::params::{CoarseStart, Objective, ValidMpcParams};
use super::progress::{Observer, Progress, RunStatus};
use super::rows::centres;
use super::sample::SearchRows;
use super::search::{self, SearchInputs};
use super::space::ExplanationSpace;
use crate::data::FeatureMap;
use crate::kmeans::KMeansResult;
use crate::metrics::{self, ClusterQuality, Distances};
use ndarray::{Array2, ArrayView2};
use std::collections::HashMap;

/// Fit MPC on the scaled clustering matrix `x` with explanation space `space`.
pub fn fit(
    x: ArrayView2<f64>,
    map: &FeatureMap,
    space: ExplanationSpace,
    params: &ValidMpcParams,
    observer: &dyn Observer,
) -> Result<MpcFit, MpcError> {
    fit_with(x, map, space, params, observer, &FitOptions::default())
}

/// What a fit may share with other fits beyond its parameters: the protocol
/// computes one distance matrix for all its runs, ends them all at its
/// overall budget, and ranks them by silhouettes from that matrix.
#[derive(Debug, Clone, Copy, Default)]
pub struct FitOptions<'a> {
    distances: Option<&'a Distances>,
    budget: Option<&'a Deadline>,
    scoring: Scoring,
}

impl<'a> FitOptions<'a> {
    /// Reuse `distances` of the rows Algorithm 2 scores (every row of the
    /// fit's `x`, or the search's sample of them; a matrix of other rows
    /// is not used).
    pub fn distances(mut self, distances: &'a Distances) -> Self {
        self.distances = Some(distances);
        self
    }

    /// End no later than `budget` as well as the run's own time limit.
    pub fn budget(mut self, budget: &'a Deadline) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Compute the silhouette as `scoring` says.
    pub(crate) fn scoring(mut self, scoring: Scoring) -> Self {
        self.scoring = scoring;
        self
    }
}

/// As [`fit`], sharing what `options` holds (a distance matrix, a budget).
pub fn fit_with(
    x: ArrayView2<f64>,
    map: &FeatureMap,
    space: ExplanationSpace,
    params: &ValidMpcParams,
    observer: &dyn Observer,
    options: &FitOptions,
) -> Result<MpcFit, MpcError> {
    let deadline = Deadline::within(options.budget, params.time_limit);
    let x = x.as_standard_layout().to_owned();
    let z = space.transform(x.view());
    // Clusters of any shape, when the rows fall into k groups that do not
    // touch; otherwise one polytope per cluster, as without pieces.
    if params.pieces > 1 {
        let union = super::union::fit_union(x.view(), z.view(), map, &space, params, &deadline)?;
        if let Some(fit) = union {
            return Ok(fit);
        }
    }
    // Above the sample size, Algorithm 2 scores the silhouette on a fixed
    // sample of the rows (see [`SearchRows`]).
    let rows = SearchRows::choose(x.nrows(), params.sample_size);
    let (xs, zs) = rows.select(x.view(), z.view());
    // The silhouette's search reads the rows' distances; the k-means
    // cost's reads the rows.
    let owned;
    let dist = match options.distances {
        _ if params.objective != Objective::Silhouette => None,
        Some(d) if d.n() == xs.nrows() => Some(d),
        _ if params.local_search => {
            // Not ready by the deadline: the run ends without a search.
            owned = Distances::new_until(xs.view(), &|| deadline.expired());
            owned.as_ref()
        }
        _ => None,
    };
    let (own_start, coarse_start) = params.coarse_start.starts(params.m, params.beta);
    let coarse = if coarse_start {
        let p = (**params)
            .clone()
            .m(1)
            .beta(1)
            .coarse_start(CoarseStart::Never);
        Some(p.check(x.view(), z.ncols())?)
    } else {
        None
    };
    // Both starts begin from the same k-means (line 2 of Algorithm 1
    // depends only on k, the seed and the restarts): it is computed once.
    let start = init::initial_kmeans(x.view(), params, observer, &deadline)?;
    let inputs = FitInputs {
        rows: Rows {
            x: x.view(),
            z: z.view(),
            xs: xs.view(),
            zs: zs.view(),
            sampled: rows.is_sampled(),
        },
        map,
        space: &space,
        params,
        start: &start,
        observer,
        distances: dist,
        deadline: &deadline,
        scoring: options.scoring,
    };
    let run = |coarse: Option<&ValidMpcParams>| inputs.run_from(coarse);
    // The two starts are independent: on the rayon pool they use both cores
    // of a single run. Each is deterministic and the choice between them is
    // fixed (own start first), so the result does not depend on threads.
    // `starts` always asks for at least one start.
    let mut fit = match (own_start, coarse.as_ref()) {
        (true, Some(c)) => {
            let (own, from_coarse) = rayon::join(|| run(None), || run(Some(c)));
            let (mut own, mut from_coarse) = (own?, from_coarse?);
            // The silhouettes of the starts are estimates from the search's
            // distance matrix: the exact value decides when they are close
            // (and there is time for it: O(n²·d)).
            let close = match (own.silhouette, from_coarse.silhouette) {
                (Some(a), Some(b)) => {
                    params.objective == Objective::Silhouette
                        && (a - b).abs() < Distances::ESTIMATE_MARGIN
                }
                _ => false,
            };
            if close && !rows.is_sampled() && !deadline.expired() {
                own.make_silhouette_exact(x.view(), &deadline);
                from_coarse.make_silhouette_exact(x.view(), &deadline);
            }
            if better(&from_coarse, &own) {
                from_coarse
            } else {
                own
            }
        }
        (_, c) => run(c)?,
    };
    // Past the deadline the silhouette stays the estimate the run made;
    // deferred, it is the caller's to complete.
    if !deadline.expired() && options.scoring != Scoring::Deferred {
        if rows.is_sampled() {
            observer.progress(Progress::phase("estimating the silhouette"));
            fit.estimate_silhouette(x.view(), params, &deadline)?;
        } else if options.scoring == Scoring::Exact {
            fit.make_silhouette_exact(x.view(), &deadline);
        }
    }
    // A deadline that passed before the run returned cut one of its steps
    // short (at the least its silhouette, left an estimate): the status
    // says so, whichever step it was.
    if deadline.expired() {
        fit.mark_time_limit();
    }
    fit.seconds = deadline.elapsed();
    Ok(fit)
}

/// How a fit's silhouette is computed up to the sample size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Scoring {
    /// Exactly, in double precision from the rows (O(n²·d)).
    #[default]
    Exact,
    /// From the search's distance matrix when it is held (O(n²), within
    /// about 1e-5 of exact; `silhouette_exact` false): the
    /// protocol ranks its runs by it and makes the runs that can win exact
    /// ([`MpcFit::make_silhouette_exact`]).
    SearchDistances,
    /// Not at all: the run's clusters do not depend on it (the k-means
    /// cost's runs), and the protocol computes it for the runs it compares
    /// across k and for the run it keeps ([`MpcFit::complete_silhouette`]).
    Deferred,
}

/// The rows of a run: every row (`x`, `z`), and the rows Algorithm 2 scores
/// the silhouette on (`xs`, `zs`: every row, or a fixed sample).
#[derive(Clone, Copy)]
struct Rows<'a> {
    x: ArrayView2<'a, f64>,
    z: ArrayView2<'a, f64>,
    xs: ArrayView2<'a, f64>,
    zs: ArrayView2<'a, f64>,
    sampled: bool,
}

/// What the starts of one fit share: its rows, the settings, the k-means
/// of line 2 of Algorithm 1, and the distances and deadline of the run.
struct FitInputs<'a> {
    rows: Rows<'a>,
    map: &'a FeatureMap,
    space: &'a ExplanationSpace,
    params: &'a ValidMpcParams,
    start: &'a KMeansResult,
    observer: &'a dyn Observer,
    distances: Option<&'a Distances>,
    deadline: &'a Deadline,
    scoring: Scoring,
}

impl FitInputs<'_> {
    /// One run from one start: Algorithm 1 and Algorithm 2 in `params`, or, with
    /// `coarse`, both in the axis-parallel `coarse` setting first and then
    /// Algorithm 2 again in `params` from that result (see [`CoarseStart`]).
    fn run_from(&self, coarse: Option<&ValidMpcParams>) -> Result<MpcFit, MpcError> {
        let FitInputs {
            rows,
            map,
            space,
            params,
            observer,
            distances: dist,
            deadline,
            ..
        } = *self;
        let (x, z) = (rows.x, rows.z);
        let init = init::initialize_from(
            x,
            z,
            coarse.unwrap_or(params),
            self.start.clone(),
            observer,
            deadline,
        )?;
        let mut solves = init.solves.clone();
        let mut hyperplanes = init.hyperplanes;
        let mut centroids = init.centroids;
        let mut search_status = None;
        let mut search_history = Vec::new();
        let mut searched_rows = None;
        if params.local_search {
            // On a sample, the cardinality bounds are the sample's share of them.
            let on_rows = |p: &ValidMpcParams| {
                if rows.sampled {
                    p.on_sample(rows.xs.nrows(), x.nrows())
                } else {
                    p.clone()
                }
            };
            let stages: Vec<ValidMpcParams> = match coarse {
                Some(c) => vec![on_rows(c), on_rows(params)],
                None => vec![on_rows(params)],
            };
            for stage in &stages {
                // A search past the deadline would make no move, after an
                // O(n²) start.
                if deadline.expired() {
                    break;
                }
                let found = search::search(
                    &SearchInputs {
                        x: rows.xs.view(),
                        z: rows.zs.view(),
                        dist,
                        params: stage,
                        deadline: *deadline,
                    },
                    hyperplanes,
                    &centroids,
                    observer,
                )?;
                solves += &found.solves;
                hyperplanes = found.hyperplanes;
                centroids = found.centroids;
                search_status = Some(found.status);
                // A later stage starts where the previous one ended; its first
                // entry repeats that loss.
                let skip = usize::from(!search_history.is_empty());
                search_history.extend(found.history.into_iter().skip(skip));
                searched_rows = Some(found.rows);
            }
        }
        // A run the deadline cut short says so, whichever loop it was in.
        let mut init_status = init.status;
        if deadline.expired() {
            match search_status.as_mut() {
                Some(status) => *status = RunStatus::TimeLimit,
                None => init_status = RunStatus::TimeLimit,
            }
        }
        observer.progress(Progress::phase("building the model"));
        let model = finalize(
            &Training { x, z, map, params },
            space.clone(),
            hyperplanes,
            &centroids,
            None,
        );
        let (labels, inside) = model.assign_with(x, z);
        let uncovered = inside.iter().filter(|i| !**i).count();
        let fidelity = 1.0 - uncovered as f64 / labels.len() as f64;
        // From the search's distance matrix the silhouette costs O(n²) instead
        // of O(n²·d), from distances held to 16 bits: an estimate that chooses between the
        // starts; the chosen fit's is then made exact.
        // The search's last state scored these very labels when the model
        // assigns every row as the search left it: O(n·K).
        // The same clusters under other ids (the model numbers its clusters
        // afresh) have the same silhouettes.
        let searched = searched_rows.filter(|r| {
            !rows.sampled
                && r.len() == labels.len()
                && same_partition(r.iter().map(|s| s.0), &labels, model.k())
        });
        let (quality, silhouette_exact) = match dist {
            // Sampled, without the search's distances (the k-means cost), or
            // deferred: the sizes on every row, the silhouette completed
            // later.
            None if rows.sampled || self.scoring == Scoring::Deferred => {
                let mut sizes = vec![0; model.k()];
                labels.iter().for_each(|&l| sizes[l] += 1);
                let quality = metrics::ClusterQuality {
                    silhouette: None,
                    sizes,
                    cluster_silhouettes: vec![None; model.k()],
                };
                (quality, false)
            }
            Some(d) if searched.is_some() && d.has_matrix() => {
                let samples = searched
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| r.1)
                    .collect();
                (
                    metrics::cluster_quality_from_samples(samples, &labels, model.k()),
                    false,
                )
            }
            Some(d) if d.n() == labels.len() && d.has_matrix() => {
                (metrics::cluster_quality_with(d, &labels, model.k()), false)
            }
            // Sampled: the quality of the search's rows (every size counted on
            // all rows), until the fit's estimate replaces it.
            Some(d) if rows.sampled => {
                let sample_labels = model.assign_with(rows.xs, rows.zs).0;
                let mut quality = metrics::cluster_quality_with(d, &sample_labels, model.k());
                quality.sizes = vec![0; model.k()];
                labels.iter().for_each(|&l| quality.sizes[l] += 1);
                (quality, false)
            }
            _ if deadline.expired() => (quality_past_deadline(x, &labels, model.k()), false),
            // Exact, unless the deadline passes first (the k-means cost's
            // runs hold no distance matrix to read it from).
            _ => {
                match metrics::cluster_quality_until(x, &labels, model.k(), &|| deadline.expired())
                {
                    Some(quality) => (quality, true),
                    None => (quality_past_deadline(x, &labels, model.k()), false),
                }
            }
        };
        let mut model = model;
        model.record_quality(&quality, params.min_cluster_rows(), labels.len());
        let kmeans_cost = metrics::KMeansState::new(x, &labels, model.k()).cost();
        Ok(MpcFit {
            model,
            labels,
            uncovered,
            fidelity,
            silhouette: quality.silhouette,
            objective: params.objective,
            kmeans_cost,
            silhouette_exact,
            silhouette_se: None,
            sizes: quality.sizes,
            cluster_silhouettes: quality.cluster_silhouettes,
            min_cluster_size: params.min_cluster_rows(),
            outliers: None,
            init_status,
            init_history: init.history,
            search_status,
            search_history,
            solves,
            coarse_start: coarse.is_some(),
            seconds: deadline.elapsed(),
        })
    }
}

/// Rows on which the silhouette of a run past its deadline is estimated
/// when the search's distances were not ready: the exact value, O(n²·d),
/// would outlast the limit by far, and a sample of this many rows costs a
/// million distances.
const PAST_DEADLINE_ROWS: usize = 1_000;

/// The quality of `labels` (ids below `k`) on a seeded sample of at most
/// [`PAST_DEADLINE_ROWS`] rows of `x`, the sizes counted on every row.
fn quality_past_deadline(x: ArrayView2<f64>, labels: &[usize], k: usize) -> ClusterQuality {
    let sample = SearchRows::choose(x.nrows(), PAST_DEADLINE_ROWS);
    let mut quality = metrics::cluster_quality(sample.of(x).view(), &sample.pick(labels), k);
    quality.sizes = vec![0; k];
    labels.iter().for_each(|&l| quality.sizes[l] += 1);
    quality
}

/// Whether `searched` labels (ids below `k` or any, each row's) split the
/// rows into the same clusters as `labels` (ids below `k`): a one-to-one
/// correspondence between the ids.
fn same_partition(searched: impl Iterator<Item = usize>, labels: &[usize], k: usize) -> bool {
    let mut to_label: HashMap<usize, usize> = HashMap::new();
    let mut from_label: Vec<Option<usize>> = vec![None; k];
    let mut count = 0;
    for (s, &l) in searched.zip(labels) {
        count += 1;
        let Some(slot) = from_label.get_mut(l) else {
            return false;
        };
        if *to_label.entry(s).or_insert(l) != l || *slot.get_or_insert(s) != s {
            return false;
        }
    }
    count == labels.len()
}

/// Explain a given clustering (customer segments, classes): solve the
/// separating-hyperplane problem (1)–(12) for every pair of the given
/// clusters and build the polytope model, without changing the clustering.
/// `labels` are ids in `0..K`. The fit's `fidelity` is the share of rows
/// inside the polytope of their *given* cluster; its `labels` are the model's
/// decisions (which `predict` and the SQL rules reproduce).
pub fn explain_labels(
    x: ArrayView2<f64>,
    map: &FeatureMap,
    space: ExplanationSpace,
    labels: &[usize],
    params: &ValidMpcParams,
) -> Result<MpcFit, MpcError> {
    let deadline = Deadline::after(params.time_limit);
    let x = x.as_standard_layout().to_owned();
    let z = space.transform(x.view());
    let k = labels.iter().max().map_or(0, |m| m + 1);
    let centroids = centres(x.view(), labels, &Array2::zeros((k, x.ncols())));
    let (hyperplanes, solves) = init::solve_pairs(z.view(), labels, k, params, &deadline)?;
    // Rows no polytope holds are covered in the cluster they were given.
    let model = finalize(
        &Training {
            x: x.view(),
            z: z.view(),
            map,
            params,
        },
        space,
        hyperplanes,
        &centroids,
        Some(labels),
    );
    let (decided, _) = model.assign_with(x.view(), z.view());
    let fidelity = if model.k() == k {
        model.fidelity(x.view(), labels)
    } else {
        0.0
    };
    let uncovered = ((1.0 - fidelity) * labels.len() as f64).round() as usize;
    // The given clusters are explained as they are: no floor applies.
    let quality = metrics::cluster_quality(x.view(), &decided, model.k());
    let mut model = model;
    model.record_quality(&quality, 1, decided.len());
    let kmeans_cost = metrics::KMeansState::new(x.view(), &decided, model.k()).cost();
    Ok(MpcFit {
        model,
        labels: decided,
        uncovered,
        fidelity,
        silhouette: quality.silhouette,
        objective: params.objective,
        kmeans_cost,
        silhouette_exact: true,
        silhouette_se: Some(0.0),
        sizes: quality.sizes,
        cluster_silhouettes: quality.cluster_silhouettes,
        min_cluster_size: 1,
        outliers: None,
        init_status: RunStatus::Converged,
        init_history: Vec::new(),
        search_status: None,
        search_history: Vec::new(),
        solves,
        coarse_start: false,
        seconds: deadline.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::same_partition;

    /// Renumbered clusters are the same partition; a row in another
    /// cluster, two clusters merged or one split are not.
    #[test]
    fn same_partition_is_a_renumbering() {
        let labels = [0, 0, 1, 2, 1, 2];
        let renumbered = [5, 5, 0, 1, 0, 1];
        assert!(same_partition(renumbered.into_iter(), &labels, 3));
        assert!(same_partition(labels.into_iter(), &labels, 3));
        let moved = [5, 0, 0, 1, 0, 1];
        assert!(!same_partition(moved.into_iter(), &labels, 3));
        let merged = [5, 5, 0, 0, 0, 0];
        assert!(!same_partition(merged.into_iter(), &labels, 3));
        let split = [5, 4, 0, 1, 0, 1];
        assert!(!same_partition(split.into_iter(), &labels, 3));
        assert!(!same_partition(renumbered[..5].iter().copied(), &labels, 3));
        assert!(!same_partition(
            renumbered.into_iter(),
            &[0, 0, 1, 2, 1, 3],
            3
        ));
    }
}
