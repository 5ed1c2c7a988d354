//! Where the data come from and how they are read; `instances` and `generate`.

use clap::{Args, Subcommand};
use polyclust::data::{GeneratorKind, GeneratorSpec};
use std::path::PathBuf;

/// `instances` actions.
#[derive(Debug, Subcommand)]
pub enum InstancesAction {
    /// List the instances: name, n, d, suite.
    List {
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Check every instance file: present, with the manifest's row count and
    /// sha256, and for a public instance also polyclust's own manifest entry.
    /// One line per instance; exit code 2 when any fails.
    Verify,
    /// Write the generated instances shipped in instances/generated/ (CSVs and
    /// manifest.json) into a directory.
    Generate {
        /// Directory to write (created when missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

/// Where the data come from (exactly one source).
#[derive(Debug, Clone, Args)]
#[group(required = true, multiple = false, id = "source")]
pub struct Source {
    /// An instance from the POLYCLUST_INSTANCES directory.
    #[arg(long, value_name = "NAME")]
    pub instance: Option<String>,
    /// A CSV file with a header row.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// A built-in generated instance (no download).
    #[arg(long, value_name = "NAME")]
    pub generate: Option<GeneratorKind>,
}

/// How to read the data.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Data source.
    #[command(flatten)]
    pub source: Source,
    /// Column holding the ground-truth label (kept out of the features).
    #[arg(long, value_name = "COL", default_value = "label")]
    pub label_column: String,
    /// The file has no label column.
    #[arg(long, conflicts_with = "label_column")]
    pub no_label: bool,
    /// Columns to ignore (ids); repeatable.
    #[arg(long, value_name = "COL")]
    pub drop: Vec<String>,
    /// Columns to one-hot encode even where their values are numbers;
    /// repeatable.
    #[arg(long, value_name = "COL")]
    pub categorical: Vec<String>,
    /// The character between cells: , ; tab | or any one character
    /// (default: Excel's `sep=` line, else detected).
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// The decimal mark of numbers: . or , (default: detected from the cells).
    #[arg(long, value_name = "MARK", value_parser = parse_decimal)]
    pub decimal: Option<polyclust::data::DecimalMark>,
    /// Rows with a missing cell (empty, NA or ?): drop them (reported), or
    /// keep them with the cell read as its column's median or most frequent
    /// category (recorded in the model, so `predict` reads them alike).
    #[arg(long, value_name = "HOW", default_value = "drop")]
    pub missing: polyclust::data::MissingPolicy,
    /// Columns of dates or times: left out (exclude), or read as days since
    /// 1970-01-01 and hours since midnight (as-number).
    #[arg(long, value_name = "HOW", default_value = "exclude")]
    pub dates: polyclust::data::DatePolicy,
    /// The most categories a categorical column may have.
    #[arg(long, value_name = "N", default_value_t = polyclust::data::MAX_LEVELS)]
    pub max_levels: usize,
    /// Seed of the generated instance.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub generate_seed: u64,
    /// Shape of the generated instance.
    #[command(flatten)]
    pub shape: ShapeArgs,
}

/// `--delimiter`: one character, or `tab`.
fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if text.len() == 1 && text.is_ascii() && text != "\"" => Ok(text.as_bytes()[0]),
        _ => Err(format!(
            "'{text}' is not one character: give , ; | tab or another single ASCII character"
        )),
    }
}

/// `--decimal`: `.` or `,`.
fn parse_decimal(text: &str) -> Result<polyclust::data::DecimalMark, String> {
    polyclust::data::DecimalMark::from_flag(text)
        .ok_or_else(|| format!("'{text}' is not a decimal mark: give . or ,"))
}

/// The shape of a generated instance.
#[derive(Debug, Clone, Args)]
pub struct ShapeArgs {
    /// Rows of the generated instance (default: blobs 600, quadrants 800).
    #[arg(long, value_name = "N")]
    pub rows: Option<usize>,
    /// Dimensions of generated blobs (default 3).
    #[arg(long, value_name = "D")]
    pub dims: Option<usize>,
    /// Clusters of generated blobs (default 5).
    #[arg(long, value_name = "K")]
    pub clusters: Option<usize>,
}

impl ShapeArgs {
    /// The generator `kind` in this shape.
    pub fn spec(&self, kind: GeneratorKind, seed: u64) -> GeneratorSpec {
        GeneratorSpec {
            rows: self.rows,
            dims: self.dims,
            clusters: self.clusters,
            ..GeneratorSpec::new(kind, seed)
        }
    }

    /// Whether any shape argument was given.
    pub fn given(&self) -> bool {
        self.rows.is_some() || self.dims.is_some() || self.clusters.is_some()
    }
}

/// `generate` arguments.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Which generator.
    #[arg(value_name = "NAME")]
    pub kind: GeneratorKind,
    /// Shape.
    #[command(flatten)]
    pub shape: ShapeArgs,
    /// Seed (the same instance as `--generate NAME --generate-seed S`).
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// CSV file to write (default: standard output).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}
