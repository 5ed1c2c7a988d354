//! Everything the command line writes: standard output, files and output
//! directories. A failed write is an error naming what was being written;
//! a closed pipe on standard output ends the program quietly, as coreutils
//! and ripgrep do. Files are written to a temporary sibling and renamed into
//! place, so a failing run leaves earlier results untouched; which paths may
//! be written at all is [`super::safe_output`]'s to decide.

use super::safe_output::{self, Temporary};
use super::write_error::WriteError;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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
            .is_some_and(|w| w.kind() == io::ErrorKind::BrokenPipe)
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

/// Write `contents` to the output file `path` of `flag` through a temporary
/// sibling renamed into place: `path` holds either its old contents or the
/// new ones, never a part. The path is checked first
/// ([`safe_output::check_output_file`]): never an input, and an existing
/// file only when polyclust wrote it. A symbolic link is followed (its
/// target is replaced, not the link), and a path that is not a regular file
/// (a device such as `/dev/stdout`, a named pipe) is written directly.
pub(crate) fn write_file(flag: &str, path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    let target = safe_output::check_output_file(flag, path, &safe_output::signature_of(contents))?;
    let named = || path.display().to_string();
    if !target.replace {
        return Ok(std::fs::write(&target.path, contents).map_err(|e| WriteError::new(named(), e))?);
    }
    let temp = Temporary::for_target(&target.path);
    std::fs::write(temp.path(), contents)
        .and_then(|()| temp.rename_onto(&target.path))
        .map_err(|e| WriteError::new(named(), e))?;
    Ok(())
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
    File(io::BufWriter<std::fs::File>, Option<(Temporary, PathBuf)>),
}

impl Stream {
    /// Standard output (`path` = `None`) or the output file `path` of
    /// `flag`, whose first line will be `signature` (an existing file is
    /// replaced only when it begins so: polyclust wrote it).
    pub(crate) fn open(
        flag: &str,
        path: Option<&Path>,
        signature: &str,
        hold: usize,
    ) -> anyhow::Result<Self> {
        let (sink, what) = match path {
            None => (
                Sink::Stdout(io::BufWriter::with_capacity(1 << 16, io::stdout())),
                "standard output".to_string(),
            ),
            Some(path) => {
                let what = path.display().to_string();
                let target = safe_output::check_output_file(flag, path, signature)?;
                let (file, rename) = if target.replace {
                    let temp = Temporary::for_target(&target.path);
                    let file = std::fs::File::create(temp.path())
                        .map_err(|e| WriteError::new(what.clone(), e))?;
                    (file, Some((temp, target.path)))
                } else {
                    let file = std::fs::File::create(&target.path)
                        .map_err(|e| WriteError::new(what.clone(), e))?;
                    (file, None)
                };
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
                    // On failure the temporary file is removed as it drops.
                    temp.rename_onto(&target)?;
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
            // The temporary file, if any, is removed as it drops.
            Some(Sink::File(w, rename)) => {
                drop(w.into_parts());
                drop(rename);
            }
            None => {}
        }
    }
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
