//! The instance registry: a directory with `manifest.json` and CSV files,
//! named by the `POLYCLUST_INSTANCES` environment variable.
//!
//! The registry does not trust its files: an instance is read only when its
//! CSV has the manifest's number of data rows and, when the entry gives one,
//! its SHA-256. The project's own manifest of the 17 public instances
//! (`instances/manifest.json`) is compiled in, so a user's download can be
//! checked against it ([`Registry::verify`]).

use super::dataset::Dataset;
use super::error::{DataError, ManifestKind};
use super::options::LoadOptions;
use super::prepare::prepare;
use super::table::{read_bytes, RawTable};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

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
    /// Data rows in the file, before dropping missing cells; the file must have
    /// exactly this many.
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
    /// SHA-256 of the CSV file, lowercase hex; when given, the file must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// The project's manifest of the public benchmark instances
/// (`instances/manifest.json`, compiled in), in manifest order.
pub fn public_instances() -> &'static [InstanceInfo] {
    static MANIFEST: OnceLock<Vec<InstanceInfo>> = OnceLock::new();
    MANIFEST.get_or_init(|| {
        parse_manifest(
            include_str!("../../instances/manifest.json"),
            Path::new("instances/manifest.json"),
        )
        .expect("instances/manifest.json is valid (checked by a unit test)")
    })
}

/// SHA-256 of some bytes, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Parse a manifest: a JSON list of instances with unique names.
fn parse_manifest(text: &str, manifest: &Path) -> Result<Vec<InstanceInfo>, DataError> {
    let instances: Vec<InstanceInfo> = serde_json::from_str(text).map_err(|e| {
        DataError::Registry(format!(
            "instance manifest {} is not a list of instances: {e}",
            manifest.display()
        ))
    })?;
    for (i, info) in instances.iter().enumerate() {
        if instances[..i].iter().any(|other| other.name == info.name) {
            return Err(DataError::DuplicateInstance {
                manifest: manifest.to_path_buf(),
                name: info.name.clone(),
            });
        }
    }
    Ok(instances)
}

/// Data rows and checksum of an instance file that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSummary {
    /// Data rows (blank lines excluded).
    pub rows: usize,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

/// What [`Registry::verify`] found for one instance of a directory.
#[derive(Debug)]
pub struct InstanceCheck {
    /// Instance name.
    pub name: String,
    /// Path of its CSV.
    pub path: PathBuf,
    /// Whether the project's manifest lists the name, so the file was checked
    /// against that entry too.
    pub public: bool,
    /// The file's rows and checksum, or the first disagreement.
    pub result: Result<FileSummary, DataError>,
}

/// Read an instance file and check it against manifest entries: the number of
/// data rows, then the checksum. A file that does not parse but has the wrong
/// checksum is reported by its checksum, the likelier cause.
fn read_checked(
    path: &Path,
    entries: &[(&InstanceInfo, ManifestKind)],
) -> Result<(RawTable, FileSummary), DataError> {
    let bytes = read_bytes(path)?;
    let sha256 = sha256_hex(&bytes);
    let checksum = |(info, manifest): &(&InstanceInfo, ManifestKind)| match &info.sha256 {
        Some(expected) if !expected.eq_ignore_ascii_case(&sha256) => Err(DataError::Checksum {
            path: path.to_path_buf(),
            found: sha256.clone(),
            expected: expected.clone(),
            manifest: *manifest,
        }),
        _ => Ok(()),
    };
    let table = match RawTable::parse(path, &bytes) {
        Ok(t) => t,
        Err(e) => {
            entries.iter().try_for_each(checksum)?;
            return Err(e);
        }
    };
    for entry @ (info, manifest) in entries {
        if table.rows.len() != info.n_rows {
            return Err(DataError::RowCount {
                path: path.to_path_buf(),
                found: table.rows.len(),
                expected: info.n_rows,
                manifest: *manifest,
            });
        }
        checksum(entry)?;
    }
    let rows = table.rows.len();
    Ok((table, FileSummary { rows, sha256 }))
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
        let instances = parse_manifest(&text, &manifest)?;
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
            ..LoadOptions::default()
        }
    }

    /// Path of an instance's CSV.
    pub fn path(&self, info: &InstanceInfo) -> PathBuf {
        self.dir.join(&info.file)
    }

    /// Read an instance's CSV after checking it against its manifest entry
    /// (row count, and checksum when the entry has one).
    pub fn read_table(&self, info: &InstanceInfo) -> Result<RawTable, DataError> {
        read_checked(&self.path(info), &[(info, ManifestKind::Directory)]).map(|(t, _)| t)
    }

    /// Load and prepare an instance with the paper's protocol, after checking
    /// its file against the manifest.
    pub fn load(&self, name: &str) -> Result<Dataset, DataError> {
        let info = self.info(name)?;
        let mut ds = prepare(&self.read_table(info)?, &Self::load_options(info), None)?;
        ds.name = info.name.clone();
        Ok(ds)
    }

    /// Check every instance of the directory, in manifest order: the file is
    /// present and its row count and checksum agree with the directory's
    /// manifest and, for a name the project's manifest lists, with that entry too.
    pub fn verify(&self) -> Vec<InstanceCheck> {
        self.instances
            .iter()
            .map(|info| {
                let path = self.path(info);
                let public = public_instances().iter().find(|p| p.name == info.name);
                let mut entries = vec![(info, ManifestKind::Directory)];
                entries.extend(public.map(|p| (p, ManifestKind::Project)));
                InstanceCheck {
                    name: info.name.clone(),
                    result: read_checked(&path, &entries).map(|(_, summary)| summary),
                    path,
                    public: public.is_some(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A registry directory with one instance `tiny` of `rows` data rows whose
    /// manifest entry says `n_rows` rows and checksum `sha` (`None`: the file's own).
    fn registry(rows: usize, n_rows: usize, sha: Option<&str>) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let mut csv = String::from("a,label\n");
        for r in 0..rows {
            csv.push_str(&format!("{r},{}\n", r % 2));
        }
        std::fs::write(dir.path().join("tiny.csv"), &csv).unwrap();
        let sha = sha.map_or_else(|| sha256_hex(csv.as_bytes()), str::to_string);
        let manifest = format!(
            r#"[{{"name": "tiny", "file": "tiny.csv", "n_rows": {n_rows}, "sha256": "{sha}"}}]"#
        );
        std::fs::write(dir.path().join("manifest.json"), manifest).unwrap();
        dir
    }

    #[test]
    fn a_file_that_matches_its_entry_loads() {
        let dir = registry(6, 6, None);
        let ds = Registry::open(dir.path()).unwrap().load("tiny").unwrap();
        assert_eq!(ds.n(), 6);
        assert_eq!(ds.name, "tiny");
    }

    #[test]
    fn row_count_mismatch_names_file_and_counts() {
        let dir = registry(4, 6, None);
        let err = Registry::open(dir.path())
            .unwrap()
            .load("tiny")
            .unwrap_err();
        assert!(
            matches!(
                err,
                DataError::RowCount {
                    found: 4,
                    expected: 6,
                    manifest: ManifestKind::Directory,
                    ..
                }
            ),
            "{err}"
        );
        let msg = err.to_string();
        assert!(
            msg.contains("tiny.csv has 4 data rows but its manifest says 6; the file is truncated"),
            "{msg}"
        );
    }

    #[test]
    fn checksum_mismatch_names_file_and_both_sums() {
        let wrong = "0".repeat(64);
        let dir = registry(6, 6, Some(&wrong));
        let err = Registry::open(dir.path())
            .unwrap()
            .load("tiny")
            .unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, DataError::Checksum { .. }), "{msg}");
        assert!(
            msg.contains("tiny.csv has sha256 ") && msg.contains(&wrong),
            "{msg}"
        );
    }

    #[test]
    fn duplicate_names_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let entry = r#"{"name": "a", "file": "a.csv", "n_rows": 1}"#;
        std::fs::write(
            dir.path().join("manifest.json"),
            format!("[{entry}, {entry}]"),
        )
        .unwrap();
        let err = Registry::open(dir.path()).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, DataError::DuplicateInstance { .. }), "{msg}");
        assert!(
            msg.contains("manifest.json lists the instance 'a' twice"),
            "{msg}"
        );
    }

    #[test]
    fn verify_reports_each_instance() {
        let dir = registry(6, 6, None);
        std::fs::remove_file(dir.path().join("tiny.csv")).unwrap();
        let checks = Registry::open(dir.path()).unwrap().verify();
        assert_eq!(checks.len(), 1);
        assert!(!checks[0].public);
        let err = checks[0].result.as_ref().unwrap_err();
        assert!(matches!(err, DataError::Io { .. }), "{err}");
    }

    #[test]
    fn the_public_manifest_lists_the_17_instances_with_their_metadata() {
        let public = public_instances();
        assert_eq!(public.len(), 17);
        assert_eq!(public.iter().filter(|i| i.suite == "fcps").count(), 9);
        for info in public {
            let sha = info.sha256.as_deref().unwrap_or_default();
            assert!(
                sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()),
                "{}",
                info.name
            );
            assert!(info.n_rows > 0 && info.n_features > 0, "{}", info.name);
        }
        let raw: Vec<serde_json::Value> =
            serde_json::from_str(include_str!("../../instances/manifest.json")).unwrap();
        for entry in raw {
            for field in ["source_repo", "source_path", "license_note", "paper_n_d"] {
                assert!(!entry[field].is_null(), "{}: no {field}", entry["name"]);
            }
        }
    }

    #[test]
    fn sha256_of_a_known_text() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
