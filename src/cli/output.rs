//! Everything the command line writes: standard output, files and output
//! directories. A failed write is an error naming what was being written;
//! a closed pipe on standard output ends the program quietly, as coreutils
//! and ripgrep do. Files and directories are written to a temporary sibling
//! and renamed into place, so a failing run leaves earlier results untouched.

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A write that failed.
#[derive(Debug)]
pub(crate) struct WriteError {
    /// `write`, or `create` for a directory.
    action: &'static str,
    what: String,
    source: io::Error,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot {} {}: {}", self.action, self.what, self.source)
    }
}

impl std::error::Error for WriteError {}

impl WriteError {
    pub(crate) fn new(what: impl Into<String>, source: io::Error) -> Self {
        Self {
            action: "write",
            what: what.into(),
            source,
        }
    }

    fn create_dir(dir: &Path, source: io::Error) -> Self {
        Self {
            action: "create",
            what: format!("output directory {}", dir.display()),
            source,
        }
    }
}

/// Whether an error (anywhere in its chain) is a write to a closed pipe.
pub(crate) fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<WriteError>()
            .is_some_and(|w| w.source.kind() == io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Write formatted text to standard output (used by `out!` and `outln!`).
pub(crate) fn stdout(args: fmt::Arguments, newline: bool) -> Result<(), WriteError> {
    let mut out = io::stdout().lock();
    out.write_fmt(args)
        .and_then(|()| {
            if newline {
                out.write_all(b"\n")
            } else {
                Ok(())
            }
        })
        .map_err(|e| WriteError::new("standard output", e))
}

/// Flush standard output (the last buffered line of a command).
pub(crate) fn flush_stdout() -> Result<(), WriteError> {
    io::stdout()
        .flush()
        .map_err(|e| WriteError::new("standard output", e))
}

/// A line on standard error. If standard error itself cannot be written
/// there is nobody left to tell, so the failure is ignored.
pub(crate) fn warn(message: &str) {
    let _ = writeln!(io::stderr().lock(), "{message}");
}

/// A temporary sibling of `path`, unique to this process.
fn sibling(path: &Path, tag: &str) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

/// Write `contents` to `path` through a temporary sibling renamed into
/// place: `path` holds either its old contents or the new ones, never a part.
/// A symbolic link is followed (its target is replaced, not the link), and
/// a path that is not a regular file (a device such as `/dev/stdout`, a
/// named pipe) is written directly: renaming would replace it.
pub(crate) fn write_file(path: &Path, contents: &[u8]) -> Result<(), WriteError> {
    let named = || path.display().to_string();
    let target = match std::fs::canonicalize(path) {
        Ok(real) => real,
        Err(_) => path.to_path_buf(),
    };
    if target.exists() && !target.is_file() {
        return std::fs::write(&target, contents).map_err(|e| WriteError::new(named(), e));
    }
    let path = target.as_path();
    let temp = sibling(path, "partial");
    let result = std::fs::write(&temp, contents).and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map_err(|e| WriteError::new(named(), e))
}

/// Replace the directory `dir` by one holding `files` (name, contents): the
/// files are written into a temporary sibling directory first, which then
/// takes `dir`'s place; an earlier `dir` is left untouched when any write
/// fails.
pub(crate) fn write_dir(dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<(), WriteError> {
    let staging = sibling(dir, "partial");
    let fail = |what: &Path, e: io::Error| {
        let _ = std::fs::remove_dir_all(&staging);
        WriteError::new(what.display().to_string(), e)
    };
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staging);
        WriteError::create_dir(dir, e)
    })?;
    for (name, contents) in files {
        std::fs::write(staging.join(name), contents).map_err(|e| fail(&dir.join(name), e))?;
    }
    if dir.exists() {
        // Keep what the directory holds besides our files.
        let entries = std::fs::read_dir(dir).map_err(|e| fail(dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| fail(dir, e))?;
            let name = entry.file_name();
            if !files.iter().any(|(f, _)| name == *f) {
                let to = staging.join(&name);
                std::fs::rename(entry.path(), &to).map_err(|e| fail(&entry.path(), e))?;
            }
        }
        let previous = sibling(dir, "previous");
        std::fs::rename(dir, &previous).map_err(|e| fail(dir, e))?;
        if let Err(e) = std::fs::rename(&staging, dir) {
            let _ = std::fs::rename(&previous, dir);
            return Err(fail(dir, e));
        }
        let _ = std::fs::remove_dir_all(&previous);
    } else {
        std::fs::rename(&staging, dir).map_err(|e| fail(dir, e))?;
    }
    Ok(())
}

/// Check up front that `dir` can be created and written, before any long
/// work whose results go there.
pub(crate) fn check_writable_dir(dir: &Path) -> Result<(), WriteError> {
    let existed = dir.exists();
    std::fs::create_dir_all(dir).map_err(|e| WriteError::create_dir(dir, e))?;
    let probe = sibling(&dir.join("probe"), "probe");
    let result = std::fs::write(&probe, b"").and_then(|()| std::fs::remove_file(&probe));
    if !existed {
        let _ = std::fs::remove_dir(dir);
    }
    result.map_err(|e| WriteError::new(dir.display().to_string(), e))
}

/// `print!` to standard output, returning a [`WriteError`] instead of
/// panicking.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::output::stdout(format_args!($($arg)*), false)?
    };
}

/// `println!` to standard output, returning a [`WriteError`] instead of
/// panicking.
macro_rules! outln {
    () => {
        $crate::cli::output::stdout(format_args!(""), true)?
    };
    ($($arg:tt)*) => {
        $crate::cli::output::stdout(format_args!($($arg)*), true)?
    };
}

pub(crate) use {out, outln};
