//! Differential test on real cluster pairs: for every pair of ground-truth
//! classes of hepta, lsun and wine, HiGHS, microlp and the exact enumeration
//! reach the same optimal objective (1e-6 relative), and each returned (w, b)
//! re-evaluated independently scores that objective.

mod common;

use polyclust::data::Registry;
use polyclust::hyperplane::{self, Backend, HyperplaneParams, HyperplaneProblem, SolveOptions};

#[test]
fn backends_agree_on_instance_pairs() {
    let Some(dir) = common::instances_dir() else {
        return;
    };
    let registry = Registry::open(&dir).unwrap();
    for name in ["hepta", "lsun", "wine"] {
        let ds = registry.load(name).unwrap();
        let (labels, classes) = ds.label_ids().unwrap();
        let members: Vec<Vec<usize>> = (0..classes.len())
            .map(|c| (0..ds.n()).filter(|&t| labels[t] == c).collect())
            .collect();
        for (m, beta) in [(1, 1), (3, 2)] {
            let params = HyperplaneParams::new().m(m).beta(beta).check().unwrap();
            for i in 0..classes.len() {
                for j in i + 1..classes.len() {
                    let problem =
                        HyperplaneProblem::new(ds.x.view(), &members[i], &members[j]).unwrap();
                    let outcomes: Vec<_> = Backend::ALL
                        .iter()
                        .map(|&backend| {
                            let options = SolveOptions {
                                backend,
                                time_limit: Some(120.0),
                                mip_gap: None,
                            };
                            hyperplane::solve(&problem, &params, &options).unwrap()
                        })
                        .collect();
                    let reference = outcomes[2].objective;
                    for o in &outcomes {
                        assert!(o.status.is_optimal(), "{name} {i}-{j} {:?}", o.backend);
                        let again =
                            hyperplane::objective(&problem, &o.hyperplane, params.epsilon());
                        assert!((again - o.objective).abs() <= 1e-9 * again.abs().max(1.0));
                        assert!(
                            (o.objective - reference).abs() <= 1e-6 * reference.abs().max(1.0),
                            "{name} pair {i}-{j} M={m} beta={beta}: {:?} {} vs enumerate {reference}",
                            o.backend,
                            o.objective
                        );
                        assert!(o.hyperplane.nonzeros() <= beta);
                        assert!(o
                            .hyperplane
                            .w
                            .iter()
                            .all(|w| w.fract() == 0.0 && w.abs() <= f64::from(m)));
                    }
                }
            }
        }
    }
}
