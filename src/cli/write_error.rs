//! The error of a write that failed, naming what was being written. Its own
//! file so that [`super::output`] and [`super::safe_output`], which both
//! write, import it one way.

use std::fmt;
use std::io;

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

    pub(crate) fn create_dir_named(dir: &str, source: io::Error) -> Self {
        Self {
            action: "create",
            what: format!("output directory {dir}"),
            source,
        }
    }

    /// The kind of the I/O error that made the write fail.
    pub(crate) fn kind(&self) -> io::ErrorKind {
        self.source.kind()
    }
}
