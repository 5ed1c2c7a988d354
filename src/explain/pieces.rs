//! The rules of a union model (`--pieces`, [`crate::mpc::union`]): each
//! cluster an OR of its pieces, each piece an AND of its conditions.

use crate::mpc::{HalfSpace, PolytopeModel};

/// One block per cluster: its rows, then its pieces in decision order, the
/// first under `piece p`, the others under `or piece p`; a piece that covers
/// training rows no other piece holds (checked after every cluster's other
/// pieces) says so. `text` writes one condition.
pub(crate) fn union_blocks(model: &PolytopeModel, text: impl Fn(&HalfSpace) -> String) -> String {
    let mut out = String::new();
    let own = model.piece_count();
    for c in 0..model.k() {
        let head = &model.polytopes[c];
        let quality = match head.silhouette {
            Some(s) if head.share > 0.0 => {
                format!(
                    ", {:.1}% of the rows, silhouette {s:.3}",
                    100.0 * head.share
                )
            }
            _ => String::new(),
        };
        let pieces: Vec<_> = model
            .polytopes
            .iter()
            .enumerate()
            .filter(|(_, p)| p.cluster == c)
            .collect();
        out.push_str(&format!(
            "\nCluster {c} ({} rows{quality}): {} piece{}\n",
            head.size,
            pieces.len(),
            if pieces.len() == 1 { "" } else { "s, any of" }
        ));
        for (n, (index, p)) in pieces.iter().enumerate() {
            let piece = p.piece.unwrap_or(c);
            let or = if n == 0 { "" } else { "or " };
            let late = if *index >= own {
                format!(
                    ", extended: {} training rows no piece above holds, checked after every other piece",
                    p.size
                )
            } else {
                String::new()
            };
            out.push_str(&format!("  {or}piece {piece}{late}\n"));
            if p.halfspaces.is_empty() {
                out.push_str("    every row\n");
            }
            for h in &p.halfspaces {
                out.push_str(&format!("    {}\n", text(h)));
            }
        }
    }
    out
}
