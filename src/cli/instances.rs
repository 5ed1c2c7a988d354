//! The registry's instances a `bench` command is asked for by name.

use anyhow::Result;
use polyclust::data::Registry;

/// The instances named on the command line, each once in the order given
/// (spaces around a name ignored); an unknown name is refused.
pub(crate) fn named(registry: &Registry, names: &[String]) -> Result<Vec<String>> {
    let mut kept: Vec<String> = Vec::new();
    for name in names {
        let name = name.trim();
        registry.info(name)?;
        if !kept.iter().any(|n| n == name) {
            kept.push(name.to_string());
        }
    }
    Ok(kept)
}
