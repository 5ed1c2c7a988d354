//! Output paths that cannot cost the user a file.
//!
//! polyclust writes its outputs without removing, moving or overwriting
//! anything that is not its own earlier output of the same path:
//! - the files a command reads (`--data`, `--model`, the instance registry)
//!   are registered as inputs, and no output may be one of them or, for an
//!   output directory, hold one of them;
//! - an output directory is never the working directory or one of its
//!   ancestors, and is written file by file: polyclust's own files are
//!   replaced (each through a temporary sibling renamed into place), every
//!   other file is left where it is, and a symbolic link to a directory is
//!   followed, never replaced;
//! - an existing file is replaced only when it is recognisably polyclust's
//!   output of that kind (its first line is the one polyclust writes there,
//!   or an output directory's marker lists it);
//! - temporary files are named `.NAME.polyclust-partial-PID`, removed on
//!   every exit path the process can catch (errors, Ctrl-C, SIGTERM,
//!   SIGHUP), and those a killed run left behind are removed by the next
//!   write of the same path once their process is gone.

use anyhow::{bail, Result};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Inputs of this process (canonical paths), and whether each is a directory.
fn inputs() -> &'static Mutex<Vec<(PathBuf, bool)>> {
    static INPUTS: OnceLock<Mutex<Vec<(PathBuf, bool)>>> = OnceLock::new();
    INPUTS.get_or_init(|| Mutex::new(Vec::new()))
}

/// Temporary files this process has open (removed on a caught signal).
fn temporaries() -> &'static Mutex<Vec<PathBuf>> {
    static TEMPS: OnceLock<Mutex<Vec<PathBuf>>> = OnceLock::new();
    TEMPS.get_or_init(|| Mutex::new(Vec::new()))
}

/// Remove this process's temporary files when it is interrupted (Ctrl-C,
/// SIGTERM, SIGHUP), then exit with 130 as a shell does for Ctrl-C.
pub(crate) fn install_interrupt_cleanup() {
    // A second installation (tests calling main twice) is harmless to skip.
    let _ = ctrlc::set_handler(|| {
        if let Ok(temps) = temporaries().lock() {
            for path in temps.iter() {
                let _ = std::fs::remove_file(path);
            }
        }
        std::process::exit(130);
    });
}

/// Register a file (or directory) this command reads: no output may replace it.
pub(crate) fn protect_input(path: &Path) {
    if let Ok(canonical) = std::fs::canonicalize(path) {
        let is_dir = canonical.is_dir();
        if let Ok(mut list) = inputs().lock() {
            list.push((canonical, is_dir));
        }
    }
}

/// `path` made absolute with every existing part's symbolic links resolved
/// and `.`/`..` applied, also where its last parts do not exist yet.
pub(crate) fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut resolved = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved.push(component.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                resolved.push(name);
                if let Ok(canonical) = std::fs::canonicalize(&resolved) {
                    resolved = canonical;
                }
            }
        }
    }
    resolved
}

/// The registered input that `target` (resolved) is or lies in, if any.
fn input_at(target: &Path) -> Option<PathBuf> {
    let list = inputs().lock().ok()?;
    list.iter()
        .find(|(p, is_dir)| p == target || (*is_dir && target.starts_with(p)))
        .map(|(p, _)| p.clone())
}

/// The registered input that lies inside the directory `dir` (resolved), if any.
fn input_inside(dir: &Path) -> Option<PathBuf> {
    let list = inputs().lock().ok()?;
    list.iter()
        .find(|(p, _)| p.starts_with(dir))
        .map(|(p, _)| p.clone())
}

/// A temporary sibling of `target`, unique to this process and recognisable
/// as polyclust's: `.NAME.polyclust-partial-PID`.
pub(crate) fn temporary_for(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.polyclust-partial-{}", std::process::id()))
}

/// A temporary file registered for removal on a caught signal and on drop
/// (unless [`Temporary::keep`] was called after it was renamed into place).
pub(crate) struct Temporary {
    path: PathBuf,
    armed: bool,
}

impl Temporary {
    /// Register the temporary sibling of `target`, first removing the
    /// leftovers of killed runs that wrote `target`.
    pub(crate) fn for_target(target: &Path) -> Self {
        remove_stale_temporaries(target);
        let path = temporary_for(target);
        if let Ok(mut temps) = temporaries().lock() {
            temps.push(path.clone());
        }
        Self { path, armed: true }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Rename the temporary file onto `target`; it is no longer ours to remove.
    pub(crate) fn rename_onto(mut self, target: &Path) -> io::Result<()> {
        std::fs::rename(&self.path, target)?;
        self.armed = false;
        Ok(())
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if self.armed {
            let _ = std::fs::remove_file(&self.path);
        }
        if let Ok(mut temps) = temporaries().lock() {
            temps.retain(|p| p != &self.path);
        }
    }
}

/// Whether process `pid` is still running (Linux `/proc`; elsewhere every
/// process counts as running, so nothing is removed).
fn process_alive(pid: u32) -> bool {
    if !Path::new("/proc/self").exists() {
        return true;
    }
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Remove the temporary siblings of `target` left by killed runs: this
/// release's `.NAME.polyclust-partial-PID` and earlier releases'
/// `.NAME.partial-PID`, whose process is gone.
fn remove_stale_temporaries(target: &Path) {
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let name = name.to_string_lossy();
    let prefixes = [
        format!(".{name}.polyclust-partial-"),
        format!(".{name}.partial-"),
    ];
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        let pid = prefixes
            .iter()
            .find_map(|p| file.strip_prefix(p.as_str()))
            .and_then(|rest| rest.parse::<u32>().ok());
        if let Some(pid) = pid {
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if is_file && pid != std::process::id() && !process_alive(pid) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// What polyclust's output of a path begins with: the first line it writes
/// there (an SVG's opening tag up to its first space).
pub(crate) fn signature_of(contents: &[u8]) -> String {
    let first = contents.split(|&b| b == b'\n').next().unwrap_or_default();
    let first = String::from_utf8_lossy(first).into_owned();
    if first.starts_with("<svg ") {
        "<svg ".to_string()
    } else {
        first
    }
}

/// Whether the existing file at `path` begins with `signature` (its first line).
fn begins_with(path: &Path, signature: &str) -> bool {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::with_capacity(signature.len() + 1);
    if file
        .take(signature.len() as u64 + 1)
        .read_to_end(&mut head)
        .is_err()
    {
        return false;
    }
    if signature.ends_with(' ') {
        return head.starts_with(signature.as_bytes());
    }
    head.strip_prefix(signature.as_bytes())
        .is_some_and(|rest| rest.is_empty() || rest[0] == b'\n' || rest[0] == b'\r')
}

/// Where an output file is written: the resolved target and whether it is
/// a regular file (or absent) that a renamed temporary may replace; devices
/// and pipes (`/dev/stdout`) are written directly.
pub(crate) struct FileTarget {
    pub(crate) path: PathBuf,
    pub(crate) replace: bool,
}

/// Check the output file `path` of `flag` before anything is written: not
/// one of the command's inputs, not a directory, and, when it exists, a
/// file polyclust wrote there (its first line is `signature`).
pub(crate) fn check_output_file(flag: &str, path: &Path, signature: &str) -> Result<FileTarget> {
    let shown = path.display();
    let target = resolve(path);
    if let Some(input) = input_at(&target) {
        bail!(
            "{flag} {shown} is a file this command reads ({}); name another output file",
            input.display()
        );
    }
    if target.is_dir() {
        bail!("{flag} {shown} is a directory; name a file, such as {flag} {shown}/out.csv");
    }
    let replace = !target.exists() || target.is_file();
    if target.is_file() && !begins_with(&target, signature) {
        bail!(
            "{flag} {shown} exists and is not a polyclust output of this kind (its first line is not \"{}\"), so it is left alone; remove it first or name a new file",
            signature.trim_end()
        );
    }
    Ok(FileTarget {
        path: target,
        replace,
    })
}

/// The name of the marker file in every output directory polyclust writes:
/// it lists the files that are polyclust's there, and it is the lock that
/// serialises concurrent runs writing the same directory.
pub(crate) const MARKER: &str = ".polyclust-output";

/// Names listed in the marker of `dir`.
fn marked(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join(MARKER))
        .map(|text| {
            text.lines()
                .filter_map(|l| l.strip_prefix("file: "))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// An output directory checked before the work whose results go there.
pub(crate) struct OutputDir {
    /// As the user named it (for messages).
    shown: String,
    /// Resolved: symbolic links followed, so a link is never replaced.
    path: PathBuf,
}

/// How to tell that a file in a directory without a marker is an earlier
/// release's output: its name and a test of its path.
pub(crate) type Recognise<'a> = &'a dyn Fn(&str, &Path) -> bool;

impl OutputDir {
    /// Check the output directory `dir` of `flag` that will hold the files
    /// `names`: not the working directory or an ancestor of it, not holding
    /// an input, not a file, and no file of those names there that
    /// polyclust did not write (per the marker, or `earlier` for the
    /// directories of releases before the marker).
    pub(crate) fn check(
        flag: &str,
        dir: &Path,
        names: &[&str],
        earlier: Recognise<'_>,
    ) -> Result<Self> {
        let shown = dir.display().to_string();
        let path = resolve(dir);
        let cwd = std::env::current_dir()
            .ok()
            .and_then(|c| std::fs::canonicalize(c).ok());
        if cwd.as_ref().is_some_and(|c| c.starts_with(&path)) {
            bail!(
                "{flag} {shown} is the working directory or one of its parents, which holds other files; name a new directory, such as {flag} results"
            );
        }
        if let Some(input) = input_inside(&path) {
            bail!(
                "{flag} {shown} holds {}, which this command reads; name a new directory, such as {flag} results",
                input.display()
            );
        }
        if path.exists() && !path.is_dir() {
            bail!("{flag} {shown} exists and is not a directory; name a directory");
        }
        if path.is_dir() {
            let marked = marked(&path);
            for name in names {
                let file = path.join(name);
                let present = std::fs::symlink_metadata(&file).is_ok();
                if !present || marked.iter().any(|m| m == name) {
                    continue;
                }
                let regular = std::fs::symlink_metadata(&file).is_ok_and(|m| m.is_file());
                if !regular || !earlier(name, &file) {
                    bail!(
                        "{flag} {shown} already holds a {name} that polyclust did not write, so it is left alone; name a new directory or move that file"
                    );
                }
            }
        }
        let dir = Self { shown, path };
        dir.probe()?;
        Ok(dir)
    }

    /// Check that the directory can be created and written, leaving nothing
    /// behind: a directory this created is removed again.
    fn probe(&self) -> Result<(), super::output::WriteError> {
        use super::output::WriteError;
        let existed = self.path.exists();
        std::fs::create_dir_all(&self.path)
            .map_err(|e| WriteError::create_dir_named(&self.shown, e))?;
        let temp = Temporary::for_target(&self.path.join("probe"));
        let result = std::fs::write(temp.path(), b"");
        drop(temp);
        if !existed {
            let _ = std::fs::remove_dir(&self.path);
        }
        result.map_err(|e| WriteError::new(self.shown.clone(), e))
    }

    /// The directory as resolved (a symbolic link followed).
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Write `files` (name, contents) into the directory: each through a
    /// temporary file, all written before any is renamed into place, under
    /// the marker's lock so that concurrent runs leave one run's complete
    /// set. Files of other names are not touched.
    pub(crate) fn write(&self, files: &[(&str, Vec<u8>)]) -> Result<(), super::output::WriteError> {
        use super::output::WriteError;
        let created = !self.path.exists();
        let marker_path = self.path.join(MARKER);
        // Another run's probe may remove the directory it just created
        // between our creating it and opening the marker; once the marker
        // is there the directory is not empty and stays.
        let mut attempts = 0;
        let lock = loop {
            std::fs::create_dir_all(&self.path)
                .map_err(|e| WriteError::create_dir_named(&self.shown, e))?;
            match std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&marker_path)
            {
                Ok(file) => break file,
                Err(e) if e.kind() == io::ErrorKind::NotFound && attempts < 10 => attempts += 1,
                Err(e) => return Err(WriteError::new(marker_path.display().to_string(), e)),
            }
        };
        lock.lock()
            .map_err(|e| WriteError::new(marker_path.display().to_string(), e))?;
        let result = (|| {
            let mut staged = Vec::with_capacity(files.len());
            for (name, contents) in files {
                let target = self.path.join(name);
                let temp = Temporary::for_target(&target);
                std::fs::write(temp.path(), contents)
                    .map_err(|e| WriteError::new(target.display().to_string(), e))?;
                staged.push((temp, target));
            }
            let mut listed = marked(&self.path);
            for (name, _) in files {
                if !listed.iter().any(|m| m == name) {
                    listed.push(name.to_string());
                }
            }
            let mut marker = String::from(
                "This directory holds polyclust's output. polyclust replaces the files\nlisted below when it writes here again and leaves every other file alone.\n",
            );
            for name in &listed {
                marker.push_str(&format!("file: {name}\n"));
            }
            for (temp, target) in staged {
                temp.rename_onto(&target)
                    .map_err(|e| WriteError::new(target.display().to_string(), e))?;
            }
            // Written in place, not renamed: the lock held on this file is
            // the one other runs wait on.
            std::fs::write(&marker_path, marker)
                .map_err(|e| WriteError::new(marker_path.display().to_string(), e))?;
            Ok(())
        })();
        let _ = lock.unlock();
        if result.is_err() && created {
            // Only what this run put there: its marker, then the directory if empty.
            let _ = std::fs::remove_file(&marker_path);
            let _ = std::fs::remove_dir(&self.path);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_applies_parent_components_of_missing_parts() {
        let dir = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(dir.path()).unwrap();
        assert_eq!(resolve(&base.join("new/..")), base);
        assert_eq!(resolve(&base.join("a/b/../c")), base.join("a/c"));
    }

    #[test]
    fn signatures_are_first_lines_and_svg_tags() {
        assert_eq!(signature_of(b"row,cluster\n0,1\n"), "row,cluster");
        assert_eq!(signature_of(b"<svg width=\"8\">\n"), "<svg ");
    }

    #[test]
    fn a_file_begins_with_its_signature_only_as_a_whole_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        std::fs::write(&p, "row,cluster\n0,1\n").unwrap();
        assert!(begins_with(&p, "row,cluster"));
        std::fs::write(&p, "row,cluster,extra\n").unwrap();
        assert!(!begins_with(&p, "row,cluster"));
        std::fs::write(&p, "<svg width=\"1\"></svg>").unwrap();
        assert!(begins_with(&p, "<svg "));
    }
}
