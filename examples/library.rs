//! The library example of the README: one clustering job on generated data,
//! its rules as text and as SQL. `cargo test` builds it, and
//! `tests/docs_links.rs` checks that the README shows the lines between the
//! two `README` markers below, so the README's example always compiles.
//!
//! Run it with `cargo run --release --example library`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // README begin
    use polyclust::{data, explain, ClusterSpec};

    // Five Gaussian blobs in three dimensions; `data::load_csv` reads a file.
    let ds = data::gaussian_blobs(600, 3, 5, 0.3, 1).into_dataset();

    // The job `polyclust cluster --k 5` runs, with its defaults.
    let outcome = ClusterSpec::new(5).run(&ds, Default::default(), Default::default())?;
    let fit = outcome.fit();
    println!("fidelity {}, silhouette {:?}", fit.fidelity, fit.silhouette);
    println!("{}", explain::rules_text(&fit.model));
    let sql = explain::rules_sql(&fit.model, explain::Dialect::Sqlite);
    println!("{sql}");
    // README end
    Ok(())
}
