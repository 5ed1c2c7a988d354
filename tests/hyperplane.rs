//! Scenario tests for the separating-hyperplane problem (1)–(12): backends
//! agree with each other and with an independent brute force, parameters are
//! validated, time limits are a status, and the exported model is complete.

use ndarray::Array2;
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use polyclust::hyperplane::{
    direction_count, objective, solve, write_lp, write_mps, Backend, Coefficients, ExportError,
    Hyperplane, HyperplaneError, HyperplaneParams, HyperplaneProblem, MpsFormat, SolveError,
    SolveOptions, SolveStatus,
};

/// A seeded instance: `n_i` points around one random centre, `n_j` around
/// another, in `[0, 1]^d` (overlapping unless `spread` is small).
struct Instance {
    x: Array2<f64>,
    ci: Vec<usize>,
    cj: Vec<usize>,
}

impl Instance {
    fn blobs(seed: u64, d: usize, n_i: usize, n_j: usize, spread: f64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let centre_i: Vec<f64> = (0..d).map(|_| rng.random_range(0.2..0.8)).collect();
        let centre_j: Vec<f64> = (0..d).map(|_| rng.random_range(0.2..0.8)).collect();
        let n = n_i + n_j;
        let mut x = Array2::zeros((n, d));
        for t in 0..n {
            let c = if t < n_i { &centre_i } else { &centre_j };
            for f in 0..d {
                let v: f64 = c[f] + spread * rng.random_range(-1.0..1.0);
                x[[t, f]] = v.clamp(0.0, 1.0);
            }
        }
        // interleave the two clusters' rows so row order carries no signal
        let mut ci = Vec::new();
        let mut cj = Vec::new();
        let mut rows: Vec<usize> = (0..n).collect();
        for k in (1..n).rev() {
            rows.swap(k, rng.random_range(0..=k));
        }
        for (t, &row) in rows.iter().enumerate() {
            if t < n_i {
                ci.push(row);
            } else {
                cj.push(row);
            }
        }
        let mut permuted = Array2::zeros((n, d));
        for (t, &row) in rows.iter().enumerate() {
            permuted.row_mut(row).assign(&x.row(t));
        }
        Self {
            x: permuted,
            ci,
            cj,
        }
    }

    fn problem(&self) -> HyperplaneProblem<'_> {
        HyperplaneProblem::new(self.x.view(), &self.ci, &self.cj).unwrap()
    }
}

fn options(backend: Backend) -> SolveOptions {
    SolveOptions {
        backend,
        ..Default::default()
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// The objective by a plain loop over rows, written independently of the crate.
fn plain_objective(inst: &Instance, w: &[f64], b: f64, eps: f64) -> f64 {
    let score = |t: usize| b + (0..w.len()).map(|f| w[f] * inst.x[[t, f]]).sum::<f64>();
    let a: f64 = inst.ci.iter().map(|&t| (-score(t)).max(0.0)).sum();
    let c: f64 = inst.cj.iter().map(|&t| (score(t) + eps).max(0.0)).sum();
    a + c
}

/// Checks the constraints of (1)–(12) on a returned hyperplane.
fn assert_feasible(h: &Hyperplane, m: u32, beta: usize, coefficients: Coefficients) {
    assert!(h.nonzeros() <= beta, "{h:?}");
    let l1: f64 = h.w.iter().map(|w| w.abs()).sum();
    assert!(l1 >= 1.0 - 1e-6, "{h:?}");
    for &w in &h.w {
        match coefficients {
            Coefficients::Integer => {
                assert_eq!(w, w.round());
                assert!(w.abs() <= f64::from(m));
            }
            Coefficients::General => assert!(w.abs() <= 1.0 + 1e-9),
        }
    }
}

#[test]
fn backends_agree_on_random_instances() {
    let mut checked = 0;
    for seed in 0..30u64 {
        let mut rng = ChaCha8Rng::seed_from_u64(1000 + seed);
        let d = rng.random_range(2..=4);
        let n_i = rng.random_range(5..=30);
        let n_j = rng.random_range(5..=30);
        let m = rng.random_range(1..=3);
        let beta = rng.random_range(1..=2);
        let inst = Instance::blobs(seed, d, n_i, n_j, 0.3);
        let problem = inst.problem();
        let params = HyperplaneParams::new().m(m).beta(beta).check().unwrap();
        let outcomes: Vec<_> = Backend::ALL
            .iter()
            .map(|&b| solve(&problem, &params, &options(b)).unwrap())
            .collect();
        for o in &outcomes {
            assert_eq!(o.status, SolveStatus::Optimal, "{o:?}");
            assert_feasible(&o.hyperplane, m, beta, Coefficients::Integer);
            let again = plain_objective(&inst, &o.hyperplane.w, o.hyperplane.b, params.epsilon());
            assert!(close(again, o.objective), "{again} vs {o:?}");
            assert!(close(
                objective(&problem, &o.hyperplane, params.epsilon()),
                o.objective
            ));
            assert!(
                close(o.objective, outcomes[2].objective),
                "seed {seed}: {} {} vs enumerate {}",
                o.backend,
                o.objective,
                outcomes[2].objective
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 30);
}

/// Independent brute force: every integer w with at most β non-zeros and
/// every breakpoint b ∈ {−p_t, −p_t − ε}.
fn brute_force(inst: &Instance, m: i32, beta: usize, eps: f64) -> f64 {
    let d = inst.x.ncols();
    let mut best = f64::INFINITY;
    let mut w = vec![-m; d];
    loop {
        let nz = w.iter().filter(|v| **v != 0).count();
        if nz >= 1 && nz <= beta {
            let wf: Vec<f64> = w.iter().map(|&v| f64::from(v)).collect();
            for &t in inst.ci.iter().chain(&inst.cj) {
                let p: f64 = (0..d).map(|f| wf[f] * inst.x[[t, f]]).sum();
                for b in [-p, -p - eps] {
                    best = best.min(plain_objective(inst, &wf, b, eps));
                }
            }
        }
        // next vector in {−m..m}^d
        let mut k = 0;
        while k < d && w[k] == m {
            w[k] = -m;
            k += 1;
        }
        if k == d {
            return best;
        }
        w[k] += 1;
    }
}

#[test]
fn enumeration_matches_brute_force_on_tiny_instances() {
    for seed in 0..60u64 {
        let mut rng = ChaCha8Rng::seed_from_u64(7 + seed);
        let d = rng.random_range(1..=3);
        let n_i = rng.random_range(1..=3);
        let n_j = rng.random_range(1..=3);
        let m = rng.random_range(1..=3);
        let beta = rng.random_range(1..=d);
        let eps = [1e-3, 0.05, 0.3][seed as usize % 3];
        let inst = Instance::blobs(seed, d, n_i, n_j, 0.4);
        let problem = inst.problem();
        let params = HyperplaneParams::new()
            .m(m)
            .beta(beta)
            .epsilon(eps)
            .check()
            .unwrap();
        let expected = brute_force(&inst, m as i32, beta, eps);
        for backend in [Backend::Enumerate, Backend::Highs] {
            let got = solve(&problem, &params, &options(backend)).unwrap();
            assert!(
                close(got.objective, expected),
                "seed {seed} {backend}: {} vs brute force {expected}",
                got.objective
            );
        }
    }
}

#[test]
fn separable_data_costs_nothing() {
    let inst = Instance::blobs(3, 3, 20, 25, 0.05);
    // move the clusters apart along feature 1
    let mut x = inst.x.clone();
    for &t in &inst.ci {
        x[[t, 1]] = 0.9;
    }
    for &t in &inst.cj {
        x[[t, 1]] = 0.1;
    }
    let problem = HyperplaneProblem::new(x.view(), &inst.ci, &inst.cj).unwrap();
    let params = HyperplaneParams::new().m(3).beta(2).check().unwrap();
    for backend in Backend::ALL {
        let o = solve(&problem, &params, &options(backend)).unwrap();
        assert_eq!(o.objective, 0.0, "{o:?}");
        assert_eq!(o.misclassified, 0, "{o:?}");
        for &t in &inst.ci {
            assert!(o.hyperplane.score(x.row(t)) >= 0.0);
        }
        for &t in &inst.cj {
            assert!(o.hyperplane.score(x.row(t)) <= -params.epsilon());
        }
    }
}

#[test]
fn general_coefficients_agree_and_never_lose_to_integer_m1() {
    for seed in 0..6u64 {
        let inst = Instance::blobs(50 + seed, 3, 12, 14, 0.3);
        let problem = inst.problem();
        let general = HyperplaneParams::new()
            .beta(2)
            .coefficients(Coefficients::General)
            .check()
            .unwrap();
        let integer = HyperplaneParams::new().beta(2).check().unwrap();
        let h = solve(&problem, &general, &options(Backend::Highs)).unwrap();
        let m = solve(&problem, &general, &options(Backend::Microlp)).unwrap();
        let e = solve(&problem, &integer, &options(Backend::Enumerate)).unwrap();
        assert_feasible(&h.hyperplane, 1, 2, Coefficients::General);
        assert!(close(h.objective, m.objective), "{h:?} vs {m:?}");
        assert!(h.objective <= e.objective + 1e-6, "{h:?} vs {e:?}");
    }
}

#[test]
fn enumeration_handles_general_coefficients_only_with_one_nonzero() {
    let inst = Instance::blobs(1, 3, 15, 15, 0.3);
    let general = |beta| {
        HyperplaneParams::new()
            .m(3)
            .beta(beta)
            .coefficients(Coefficients::General)
            .check()
            .unwrap()
    };
    assert!(matches!(
        solve(&inst.problem(), &general(2), &options(Backend::Enumerate)),
        Err(SolveError::Unsupported { .. })
    ));
    let e = solve(&inst.problem(), &general(1), &options(Backend::Enumerate)).unwrap();
    let h = solve(&inst.problem(), &general(1), &options(Backend::Highs)).unwrap();
    assert!(close(e.objective, h.objective), "{e:?} vs {h:?}");
    assert_feasible(&e.hyperplane, 1, 1, Coefficients::General);
}

#[test]
fn enumeration_does_not_depend_on_thread_count() {
    let inst = Instance::blobs(11, 8, 150, 150, 0.35);
    let problem = inst.problem();
    let params = HyperplaneParams::new().m(3).beta(2).check().unwrap();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| solve(&problem, &params, &options(Backend::Enumerate)).unwrap())
    };
    let one = run(1);
    let three = run(3);
    assert_eq!(one.hyperplane, three.hyperplane);
    assert_eq!(one.objective, three.objective);
}

#[test]
fn solves_many_pairs_concurrently() {
    use rayon::prelude::*;
    let instances: Vec<Instance> = (0..8).map(|s| Instance::blobs(s, 3, 30, 30, 0.3)).collect();
    let params = HyperplaneParams::new().m(3).beta(2).check().unwrap();
    let parallel: Vec<f64> = instances
        .par_iter()
        .flat_map_iter(|inst| {
            [Backend::Enumerate, Backend::Highs].map(|b| {
                solve(&inst.problem(), &params, &options(b))
                    .unwrap()
                    .objective
            })
        })
        .collect();
    for pair in parallel.chunks(2) {
        assert!(close(pair[0], pair[1]), "{pair:?}");
    }
}

#[test]
fn milp_time_limit_is_a_status_not_an_error() {
    let params = HyperplaneParams::new().m(3).beta(2).check().unwrap();
    let cases = [
        (Backend::Highs, Instance::blobs(5, 12, 300, 300, 0.45)),
        (Backend::Microlp, Instance::blobs(6, 6, 100, 100, 0.45)),
    ];
    for (backend, inst) in &cases {
        let axis_params = HyperplaneParams::new().m(3).beta(1).check().unwrap();
        let axis = solve(&inst.problem(), &axis_params, &options(Backend::Enumerate)).unwrap();
        for limit in [1e-3, 0.05] {
            let o = solve(
                &inst.problem(),
                &params,
                &SolveOptions {
                    backend: *backend,
                    time_limit: Some(limit),
                    mip_gap: None,
                },
            )
            .unwrap();
            assert!(matches!(
                o.status,
                SolveStatus::Optimal | SolveStatus::TimeLimit { .. }
            ));
            if let SolveStatus::TimeLimit { gap: Some(gap) } = o.status {
                assert!(gap >= 0.0);
            }
            assert_feasible(&o.hyperplane, 3, 2, Coefficients::Integer);
            assert!(close(
                o.objective,
                objective(&inst.problem(), &o.hyperplane, params.epsilon())
            ));
            // never worse than the best axis-parallel hyperplane (the warm start)
            assert!(o.objective <= axis.objective + 1e-9, "{o:?} vs {axis:?}");
        }
    }
}

#[test]
fn highs_gap_limit_is_reported() {
    let inst = Instance::blobs(8, 6, 80, 80, 0.45);
    let params = HyperplaneParams::new().m(3).beta(2).check().unwrap();
    let exact = solve(&inst.problem(), &params, &options(Backend::Enumerate)).unwrap();
    let o = solve(
        &inst.problem(),
        &params,
        &SolveOptions {
            backend: Backend::Highs,
            time_limit: None,
            mip_gap: Some(0.5),
        },
    )
    .unwrap();
    match o.status {
        SolveStatus::Optimal => assert!(close(o.objective, exact.objective)),
        SolveStatus::GapLimit { gap } => {
            assert!(gap > 0.0 && gap <= 0.5 + 1e-9);
            assert!(o.objective >= exact.objective - 1e-9);
        }
        other => panic!("unexpected status {other:?}"),
    }
}

#[test]
fn params_reject_m_zero() {
    assert_eq!(
        HyperplaneParams::new().m(0).check(),
        Err(HyperplaneError::M(0))
    );
}

#[test]
fn params_reject_beta_zero() {
    assert_eq!(
        HyperplaneParams::new().beta(0).check(),
        Err(HyperplaneError::Beta(0))
    );
}

#[test]
fn params_reject_beta_above_dimension() {
    let inst = Instance::blobs(1, 2, 3, 3, 0.3);
    let params = HyperplaneParams::new().beta(3).check().unwrap();
    for backend in Backend::ALL {
        assert_eq!(
            solve(&inst.problem(), &params, &options(backend)),
            Err(SolveError::Invalid(HyperplaneError::BetaExceedsDimension {
                beta: 3,
                d: 2
            }))
        );
    }
}

#[test]
fn params_reject_non_positive_epsilon() {
    assert!(matches!(
        HyperplaneParams::new().epsilon(0.0).check(),
        Err(HyperplaneError::Epsilon(_))
    ));
}

#[test]
fn problem_rejects_empty_ci() {
    let x = Array2::<f64>::zeros((3, 2));
    assert_eq!(
        HyperplaneProblem::new(x.view(), &[], &[0, 1]).unwrap_err(),
        HyperplaneError::EmptyCi
    );
    let params = HyperplaneParams::new().check().unwrap();
    let raw = HyperplaneProblem {
        x: x.view(),
        ci: &[],
        cj: &[0],
    };
    assert_eq!(
        solve(&raw, &params, &options(Backend::Enumerate)),
        Err(SolveError::Invalid(HyperplaneError::EmptyCi))
    );
}

#[test]
fn problem_rejects_empty_cj() {
    let x = Array2::<f64>::zeros((3, 2));
    assert_eq!(
        HyperplaneProblem::new(x.view(), &[0, 1], &[]).unwrap_err(),
        HyperplaneError::EmptyCj
    );
}

#[test]
fn direction_count_of_a_spam_sized_problem() {
    assert_eq!(direction_count(57, 3, 2), 57 * 6 + 57 * 56 / 2 * 36);
    assert_eq!(direction_count(3, 3, 2), 3 * 6 + 3 * 36);
}

fn tiny() -> Instance {
    Instance::blobs(2, 3, 3, 2, 0.3)
}

#[test]
fn lp_export_holds_the_whole_model() {
    let inst = tiny();
    let params = HyperplaneParams::new().m(2).beta(2).check().unwrap();
    let mut out = Vec::new();
    write_lp(&inst.problem(), &params, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let section = |name: &str, next: &str| -> Vec<String> {
        let start = text.find(&format!("\n{name}\n")).unwrap() + name.len() + 2;
        let end = text[start..].find(&format!("\n{next}\n")).unwrap() + start;
        text[start..end].lines().map(str::to_string).collect()
    };
    let (n, d) = (5, 3);
    // objective (1): one xi per point
    let obj = section("Minimize", "Subject To").join(" ");
    assert_eq!(obj.matches("xi_").count(), n);
    // constraints (2), (3), (5)-(9): n + 3d + 2 rows, each with a name
    let rows: Vec<String> = section("Subject To", "Bounds")
        .into_iter()
        .filter(|l| l.starts_with(' ') && l.contains(':'))
        .collect();
    assert_eq!(rows.len(), n + 3 * d + 2);
    assert_eq!(rows.iter().filter(|r| r.contains(">=")).count(), 3 + 1);
    assert!(rows
        .iter()
        .any(|r| r.starts_with(" card:") && r.ends_with("<= 2")));
    assert!(rows
        .iter()
        .any(|r| r.starts_with(" norm:") && r.ends_with(">= 1")));
    let cj_row = rows
        .iter()
        .find(|r| r.starts_with(&format!(" cj_{}:", inst.cj[0])))
        .unwrap();
    assert!(cj_row.ends_with("<= -0.001"), "{cj_row}");
    let bounds = section("Bounds", "Generals");
    assert!(bounds.contains(&" 0 <= w_pos_0 <= 2".to_string()));
    assert!(bounds.contains(&" 0 <= w_neg_2 <= 2".to_string()));
    assert!(bounds.contains(&" b free".to_string()));
    assert!(bounds.contains(&format!(" xi_{} >= 0", inst.ci[0])));
    let generals = section("Generals", "Binaries").join(" ");
    assert_eq!(generals.split_whitespace().count(), 2 * d);
    let binaries = section("Binaries", "End").join(" ");
    assert_eq!(binaries.split_whitespace().count(), 2 * d);
    assert!(binaries.contains("y_1") && binaries.contains("s_2"));
    assert!(text.ends_with("End\n"));
}

#[test]
fn mps_export_free_and_fixed() {
    let inst = tiny();
    let params = HyperplaneParams::new().m(2).beta(2).check().unwrap();
    for format in [MpsFormat::Free, MpsFormat::Fixed] {
        let mut out = Vec::new();
        write_mps(&inst.problem(), &params, format, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let rows = text
            .lines()
            .skip_while(|l| *l != "ROWS")
            .skip(1)
            .take_while(|l| *l != "COLUMNS")
            .count();
        assert_eq!(rows, 1 + 5 + 3 * 3 + 2);
        assert!(text.contains("'INTORG'") && text.contains("'INTEND'"));
        assert_eq!(text.lines().filter(|l| l.starts_with(" BV")).count(), 6);
        assert_eq!(text.lines().filter(|l| l.starts_with(" UP")).count(), 6);
        assert_eq!(text.lines().filter(|l| l.starts_with(" FR")).count(), 1);
        assert!(text.ends_with("ENDATA\n"));
        if format == MpsFormat::Fixed {
            assert!(text
                .lines()
                .filter(|l| !l.starts_with('*'))
                .all(|l| l.len() <= 61));
        }
    }
    // fixed MPS cannot hold long names
    let wide = Instance::blobs(2, 101, 2, 2, 0.3);
    let err = write_mps(&wide.problem(), &params, MpsFormat::Fixed, &mut Vec::new()).unwrap_err();
    assert!(matches!(err, ExportError::NameTooLong(_)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Enumeration is never beaten by any feasible integer hyperplane.
    #[test]
    fn enumeration_beats_random_feasible_hyperplanes(
        seed in 0u64..10_000,
        d in 1usize..4,
        n_i in 1usize..12,
        n_j in 1usize..12,
        m in 1u32..4,
        raw_w in proptest::collection::vec(-3i32..=3, 3),
        b in -4.0f64..4.0,
    ) {
        let inst = Instance::blobs(seed, d, n_i, n_j, 0.4);
        let beta = d.min(2);
        let params = HyperplaneParams::new().m(m).beta(beta).check().unwrap();
        let mut w: Vec<f64> = raw_w[..d]
            .iter()
            .map(|&v| f64::from(v.clamp(-(m as i32), m as i32)))
            .collect();
        // keep at most beta non-zeros and at least one
        let mut nz = 0;
        for v in w.iter_mut() {
            if *v != 0.0 {
                nz += 1;
                if nz > beta {
                    *v = 0.0;
                }
            }
        }
        if nz == 0 {
            w[0] = 1.0;
        }
        let best = solve(&inst.problem(), &params, &options(Backend::Enumerate)).unwrap();
        let random = plain_objective(&inst, &w, b, params.epsilon());
        prop_assert!(best.objective <= random + 1e-9);
    }
}
