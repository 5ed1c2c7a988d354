//! The whole page: its sections made and arranged for the template
//! (`report.html`), and the template rendered (`Report::render`).

use super::cards::{self, Card, OutlierCard};
use super::chart::Chart;
use super::context::Context;
use super::k_study::{self, KStudy};
use super::profiles;
use super::scatter::{self, Scatter};
use super::sizes::{self, SizeRow};
use super::summary::{self, Figure};
use crate::explain;
use crate::mpc::PolytopeModel;
use crate::report::builder::Report;
use crate::report::error::ReportError;
use crate::report::format::count;
use crate::report::options::ReportOptions;
use crate::report::template;
use serde::Serialize;

const TEMPLATE: &str = include_str!("../report.html");

/// Everything the template shows.
#[derive(Serialize)]
struct Page {
    title: String,
    name: String,
    version: &'static str,
    n: String,
    k: usize,
    lede_outliers: Option<String>,
    figures: Vec<Figure>,
    features_used: Vec<String>,
    command: Option<String>,
    sizes: Chart,
    size_rows: Vec<SizeRow>,
    cards: Vec<Card>,
    outliers: Option<OutlierCard>,
    scatter: Option<Scatter>,
    scatter_note: Option<String>,
    k_study: Option<KStudy>,
    sql: String,
    dialect: &'static str,
    scaled_units: Vec<String>,
    charts: usize,
    outlier_rows: usize,
    has_extensions: bool,
    has_truth: bool,
}

impl Report<'_> {
    /// The page.
    pub fn render(&self, options: &ReportOptions) -> Result<String, ReportError> {
        let page = build(self, options)?;
        template::render(
            "report.html",
            TEMPLATE,
            minijinja::Value::from(minijinja::value::Serde(&page)),
        )
    }
}

/// The page's sections, made in the page's order.
fn build(report: &Report, options: &ReportOptions) -> Result<Page, ReportError> {
    let ctx = Context::new(report, options);
    let (model, ds, k) = (ctx.model, ctx.ds, ctx.k);
    let mut profiles = profiles::profiles(&ctx, options).into_iter();
    let cards = cards::cluster_cards(&ctx, &mut profiles);
    let outlier_card = cards::outlier_card(&ctx, &mut profiles);
    let truth = report.truth.as_ref().map(|(t, c)| (*t, c.as_str()));
    let figures = summary::summary_figures(&ctx, truth);
    let (sizes, size_rows) = sizes::sizes(&ctx)?;
    let (scatter, scatter_note) = scatter::scatter(&ctx, options)?;
    let k_study = k_study::k_study(&report.k_study, k)?;
    let charts = 1 + usize::from(scatter.is_some()) + 2 * usize::from(k_study.is_some());
    let outliers = ctx.outliers();
    Ok(Page {
        title: format!("{}: {k} clusters", ds.name),
        name: ds.name.clone(),
        version: env!("CARGO_PKG_VERSION"),
        n: count(ctx.n),
        k,
        lede_outliers: (outliers > 0).then(|| count(outliers)),
        figures,
        features_used: summary::features_used(&ctx),
        command: options.command.clone(),
        sizes,
        size_rows,
        cards,
        outliers: outlier_card,
        scatter,
        scatter_note,
        k_study,
        sql: sql(model, options),
        dialect: options.dialect.name(),
        scaled_units: explain::scaling_notes(model),
        charts,
        outlier_rows: outliers,
        has_extensions: !model.extensions().is_empty(),
        has_truth: report.truth.is_some(),
    })
}

/// The rules as SQL in the options' dialect, escaped as element text
/// (`&`, `<`, `>`) only: the SQL's many quotes and slashes stay one byte
/// each, and its bytes are most of a wide model's page.
fn sql(model: &PolytopeModel, options: &ReportOptions) -> String {
    explain::rules_sql(model, options.dialect)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
