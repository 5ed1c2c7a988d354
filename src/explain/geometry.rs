//! Geometry of a model's polytopes in the plane of two clustering features,
//! for drawing them (the CLI's `--plot`).

use crate::hyperplane::Side;
use crate::mpc::{ExplanationFeature, PolytopeModel};

/// Segment of the boundary of half-space `h` of `polytope` inside the unit box
/// and the polytope's other plotted half-spaces, in scaled coordinates of
/// columns `(a, b)`. `None` when the hyperplane uses other columns or the
/// segment is empty.
pub fn boundary_segment(
    model: &PolytopeModel,
    cluster: usize,
    h_idx: usize,
    a: usize,
    b: usize,
) -> Option<[(f64, f64); 2]> {
    // Coefficients of a hyperplane on (a, b), if it uses only those base columns.
    let planar = |hp: usize| -> Option<(f64, f64, f64)> {
        let h = &model.hyperplanes[hp].hyperplane;
        let (mut wa, mut wb) = (0.0, 0.0);
        for (j, w) in h.w.iter().enumerate() {
            if *w == 0.0 {
                continue;
            }
            match model.space.features[j] {
                ExplanationFeature::Base { index } if index == a => wa = *w,
                ExplanationFeature::Base { index } if index == b => wb = *w,
                _ => return None,
            }
        }
        Some((wa, wb, h.b))
    };
    let polytope = &model.polytopes[cluster];
    let target = polytope.halfspaces[h_idx];
    let (wa, wb, c) = planar(target.hyperplane)?;
    let norm2 = wa * wa + wb * wb;
    if norm2 == 0.0 {
        return None;
    }
    // p(t) = p0 + t·dir, with p0 the point of the line nearest the origin.
    let p0 = (-c * wa / norm2, -c * wb / norm2);
    let dir = (-wb, wa);
    let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
    // Constraint g(t) = g0 + t·g1 ≥ 0.
    let mut clip = |g0: f64, g1: f64| {
        if g1.abs() < 1e-15 {
            if g0 < -1e-12 {
                lo = f64::INFINITY;
            }
        } else if g1 > 0.0 {
            lo = lo.max(-g0 / g1);
        } else {
            hi = hi.min(-g0 / g1);
        }
    };
    for (coord, d) in [(p0.0, dir.0), (p0.1, dir.1)] {
        clip(coord, d); // coord ≥ 0
        clip(1.0 - coord, -d); // coord ≤ 1
    }
    for (o, other) in polytope.halfspaces.iter().enumerate() {
        if o == h_idx {
            continue;
        }
        if let Some((ga, gb, gc)) = planar(other.hyperplane) {
            let g0 = ga * p0.0 + gb * p0.1 + gc;
            let g1 = ga * dir.0 + gb * dir.1;
            match other.side {
                Side::I => clip(g0, g1),
                Side::J => clip(-g0, -g1),
            }
        }
    }
    (lo < hi).then_some([
        (p0.0 + lo * dir.0, p0.1 + lo * dir.1),
        (p0.0 + hi * dir.0, p0.1 + hi * dir.1),
    ])
}
