//! The instance registry: a directory with `manifest.json` and CSV files,
//! named by the `POLYCLUST_INSTANCES` environment variable.

use super::{load_csv, DataError, Dataset, LoadOptions};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Environment variable naming the instance directory.
pub const INSTANCES_ENV: &str = "POLYCLUST_INSTANCES";

/// One entry of `manifest.json` (fields the project reads; others are ignored).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InstanceInfo {
    /// Instance name (`hepta`).
    pub name: String,
    /// CSV file name inside the directory.
    pub file: String,
    /// Benchmark suite (`fcps`, `uci`).
    #[serde(default)]
    pub suite: String,
    /// Rows in the file, before dropping missing cells.
    #[serde(default)]
    pub n_rows: usize,
    /// Feature columns in the file (label excluded).
    #[serde(default)]
    pub n_features: usize,
    /// Ground-truth column.
    #[serde(default = "default_label")]
    pub label_column: String,
    /// Columns to one-hot encode.
    #[serde(default)]
    pub categorical_columns: Vec<String>,
    /// Id columns to ignore.
    #[serde(default)]
    pub id_columns_to_drop: Vec<String>,
    /// Whether some cells are empty.
    #[serde(default)]
    pub has_missing: bool,
}

fn default_label() -> String {
    "label".into()
}

/// A directory of instances described by `manifest.json`.
#[derive(Debug, Clone)]
pub struct Registry {
    /// The directory.
    pub dir: PathBuf,
    /// Its instances, in manifest order.
    pub instances: Vec<InstanceInfo>,
}

impl Registry {
    /// Open the directory named by `POLYCLUST_INSTANCES`.
    pub fn from_env() -> Result<Self, DataError> {
        let dir = std::env::var_os(INSTANCES_ENV).ok_or_else(|| {
            DataError::Registry(format!(
                "{INSTANCES_ENV} is not set: point it at a directory holding manifest.json and the instance CSVs"
            ))
        })?;
        Self::open(Path::new(&dir))
    }

    /// Open a directory holding `manifest.json`.
    pub fn open(dir: &Path) -> Result<Self, DataError> {
        let manifest = dir.join("manifest.json");
        let text = std::fs::read_to_string(&manifest).map_err(|e| {
            DataError::Registry(format!(
                "cannot read instance manifest {}: {e}",
                manifest.display()
            ))
        })?;
        let instances: Vec<InstanceInfo> = serde_json::from_str(&text).map_err(|e| {
            DataError::Registry(format!(
                "instance manifest {} is not a list of instances: {e}",
                manifest.display()
            ))
        })?;
        Ok(Self {
            dir: dir.to_path_buf(),
            instances,
        })
    }

    /// Look up an instance by name.
    pub fn info(&self, name: &str) -> Result<&InstanceInfo, DataError> {
        self.instances
            .iter()
            .find(|i| i.name == name)
            .ok_or_else(|| {
                let names: Vec<&str> = self.instances.iter().map(|i| i.name.as_str()).collect();
                DataError::Registry(format!(
                    "no instance named '{name}' in {} (known: {})",
                    self.dir.display(),
                    names.join(", ")
                ))
            })
    }

    /// Load options implied by the manifest entry.
    pub fn load_options(info: &InstanceInfo) -> LoadOptions {
        LoadOptions {
            label_column: Some(info.label_column.clone()),
            drop: info.id_columns_to_drop.clone(),
            categorical: info.categorical_columns.clone(),
        }
    }

    /// Path of an instance's CSV.
    pub fn path(&self, info: &InstanceInfo) -> PathBuf {
        self.dir.join(&info.file)
    }

    /// Load and prepare an instance with the paper's protocol.
    pub fn load(&self, name: &str) -> Result<Dataset, DataError> {
        let info = self.info(name)?;
        let mut ds = load_csv(&self.path(info), &Self::load_options(info))?;
        ds.name = info.name.clone();
        Ok(ds)
    }
}
