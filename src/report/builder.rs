//! The report of a model on data: what it is given (labels, a fit's
//! figures, a study of k), checked against the rows. The page it renders
//! (`Report::render`) is the page module's, which this file does not import.

use super::error::ReportError;
use super::inputs::{FitFigures, KStudyRow};
use crate::data::Dataset;
use crate::mpc::{MpcFit, PolytopeModel};

/// A report of a model on data encoded with its features.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    /// The model.
    pub(super) model: &'a PolytopeModel,
    /// Rows encoded with the model's features.
    pub(super) data: &'a Dataset,
    /// Reference classes of the rows and the column they were read from.
    pub(super) truth: Option<(&'a [usize], String)>,
    /// The fit's figures of these rows; computed when `None`.
    pub(super) fit: Option<FitFigures>,
    /// The best run of every k tried, in k order.
    pub(super) k_study: Vec<KStudyRow>,
}

impl<'a> Report<'a> {
    /// A report of `model` on `data`, whose features must be the model's
    /// (the training data, or data prepared with the model's feature map).
    pub fn new(model: &'a PolytopeModel, data: &'a Dataset) -> Result<Self, ReportError> {
        if data.map.columns.len() != model.map.columns.len() {
            return Err(ReportError::Features {
                data: data.d(),
                model: model.map.columns.len(),
                names: crate::data::name_list(&model.map.names()),
            });
        }
        Ok(Self {
            model,
            data,
            truth: None,
            fit: None,
            k_study: Vec::new(),
        })
    }

    /// Reference classes of the rows (ids `0..`), read from `column`: the
    /// report adds ARI and NCA against them.
    pub fn truth(mut self, labels: &'a [usize], column: &str) -> Result<Self, ReportError> {
        self.check_len("the labels", labels.len())?;
        self.truth = Some((labels, column.to_string()));
        Ok(self)
    }

    /// Take the segments, fidelity and silhouette from the fit that made the
    /// model on these rows.
    pub fn fit(self, fit: &MpcFit) -> Result<Self, ReportError> {
        let sample = crate::mpc::DEFAULT_SAMPLE_SIZE;
        self.figures(FitFigures::of(fit, sample))
    }

    /// Take given figures of these rows instead of computing them.
    pub fn figures(mut self, figures: FitFigures) -> Result<Self, ReportError> {
        self.check_len("the segments", figures.segments.len())?;
        self.fit = Some(figures);
        Ok(self)
    }

    /// The best run of every k tried (in k order): the page then charts
    /// the silhouette and the smallest cluster against k.
    pub fn k_study(mut self, rows: Vec<KStudyRow>) -> Self {
        self.k_study = rows;
        self
    }

    fn check_len(&self, what: &'static str, got: usize) -> Result<(), ReportError> {
        if got != self.data.n() {
            return Err(ReportError::Length {
                what,
                got,
                rows: self.data.n(),
            });
        }
        Ok(())
    }
}
