//! Progress display on stderr (indicatif hides it when stderr is not a terminal).

use indicatif::{ProgressBar, ProgressStyle};
use polyclust::mpc::{Observer, Progress};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A bar counting `len` units of work (`runs`, `solves`) with elapsed time,
/// an estimate of the time left, and a message.
pub(crate) fn counter_bar(len: usize, unit: &str) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{bar:30}} {{pos}}/{{len}} {unit} [{{elapsed_precise}}, {{eta}} left] {{msg}}"
        ))
        .expect("valid template"),
    );
    bar
}

/// A spinner on stderr that appears only once a run has lasted a second.
pub(crate) struct Spinner {
    start: Instant,
    bar: Mutex<Option<ProgressBar>>,
}

impl Spinner {
    pub(crate) fn new() -> Self {
        Self {
            start: Instant::now(),
            bar: Mutex::new(None),
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = self.bar.lock().expect("progress lock").take() {
            bar.finish_and_clear();
        }
    }
}

impl Observer for Spinner {
    fn progress(&self, p: Progress) {
        if self.start.elapsed() < Duration::from_secs(1) {
            return;
        }
        let mut guard = self.bar.lock().expect("progress lock");
        let bar = guard.get_or_insert_with(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                    .expect("valid template"),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        // A phase without iterations reports a NaN loss: its name alone.
        if p.loss.is_nan() {
            bar.set_message(p.stage.to_string());
        } else {
            bar.set_message(format!(
                "{}: iteration {}, loss {:.6}",
                p.stage, p.iteration, p.loss
            ));
        }
    }
}

/// A spinner for one long step that reports nothing while it works (reading
/// a large file): shown at once on a terminal, cleared when dropped.
pub(crate) struct Working(ProgressBar);

impl Working {
    pub(crate) fn new(message: String) -> Self {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                .expect("valid template"),
        );
        bar.set_message(message);
        bar.enable_steady_tick(Duration::from_millis(120));
        Self(bar)
    }
}

impl Drop for Working {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
