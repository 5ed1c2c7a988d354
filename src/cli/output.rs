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

/// The process's peak resident memory in bytes (`VmHWM` of
/// `/proc/self/status`; `None` where there is no such file).
pub(crate) fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
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
    let (target, replace) = write_target(path);
    if !replace {
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

/// Where [`write_file`] writes `path`: symbolic links followed, and whether
/// the target is a regular file (or absent) that a renamed sibling may replace.
fn write_target(path: &Path) -> (PathBuf, bool) {
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let replace = !target.exists() || target.is_file();
    (target, replace)
}

/// A long output written while it is produced (`predict`, `generate`):
/// standard output, or a file written as [`write_file`] writes one (to a
/// temporary sibling that [`Stream::finish`] renames into place, so a run
/// that fails leaves the earlier file untouched). On standard output the
/// first `hold` bytes are held back until they are complete or `hold` is
/// passed, so a run that fails before then prints nothing; dropping the
/// stream without [`Stream::finish`] discards what was held and removes the
/// temporary file.
pub(crate) struct Stream {
    sink: Option<Sink>,
    what: String,
    held: Vec<u8>,
    hold: usize,
}

enum Sink {
    Stdout(io::BufWriter<io::Stdout>),
    /// A file; `rename` is the temporary file and the target it replaces.
    File(io::BufWriter<std::fs::File>, Option<(PathBuf, PathBuf)>),
}

impl Stream {
    /// Standard output (`path` = `None`) or the file `path`.
    pub(crate) fn open(path: Option<&Path>, hold: usize) -> Result<Self, WriteError> {
        let (sink, what) = match path {
            None => (
                Sink::Stdout(io::BufWriter::with_capacity(1 << 16, io::stdout())),
                "standard output".to_string(),
            ),
            Some(path) => {
                let what = path.display().to_string();
                let (target, replace) = write_target(path);
                let (open, rename) = if replace {
                    let temp = sibling(&target, "partial");
                    (temp.clone(), Some((temp, target)))
                } else {
                    (target, None)
                };
                let file =
                    std::fs::File::create(&open).map_err(|e| WriteError::new(what.clone(), e))?;
                (
                    Sink::File(io::BufWriter::with_capacity(1 << 16, file), rename),
                    what,
                )
            }
        };
        let hold = if matches!(sink, Sink::Stdout(_)) {
            hold
        } else {
            0
        };
        Ok(Self {
            sink: Some(sink),
            what,
            held: Vec::new(),
            hold,
        })
    }

    /// What is written, as an error names it.
    pub(crate) fn what(&self) -> &str {
        &self.what
    }

    fn sink(&mut self) -> io::Result<&mut dyn Write> {
        match self.sink.as_mut() {
            Some(Sink::Stdout(w)) => Ok(w),
            Some(Sink::File(w, _)) => Ok(w),
            None => Err(io::Error::other("the output was already closed")),
        }
    }

    /// Write what is held, flush, and put a file in place.
    pub(crate) fn finish(mut self) -> Result<(), WriteError> {
        let result = (|| {
            let held = std::mem::take(&mut self.held);
            self.sink()?.write_all(&held)?;
            self.sink()?.flush()?;
            if let Some(Sink::File(w, rename)) = self.sink.take() {
                w.into_inner().map_err(io::IntoInnerError::into_error)?;
                if let Some((temp, target)) = rename {
                    if let Err(e) = std::fs::rename(&temp, &target) {
                        let _ = std::fs::remove_file(&temp);
                        return Err(e);
                    }
                }
            }
            Ok(())
        })();
        result.map_err(|e| WriteError::new(self.what.clone(), e))
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.hold > 0 {
            self.held.extend_from_slice(buf);
            if self.held.len() >= self.hold {
                self.hold = 0;
                let held = std::mem::take(&mut self.held);
                self.sink()?.write_all(&held)?;
            }
            return Ok(buf.len());
        }
        self.sink()?.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        // Held bytes stay held: a flush does not make a partial output final.
        self.sink()?.flush()
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        match self.sink.take() {
            // Not finished: the buffered rest is not written.
            Some(Sink::Stdout(w)) => drop(w.into_parts()),
            Some(Sink::File(w, rename)) => {
                drop(w.into_parts());
                if let Some((temp, _)) = rename {
                    let _ = std::fs::remove_file(temp);
                }
            }
            None => {}
        }
    }
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
