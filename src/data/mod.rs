//! Data loading and the paper's preprocessing (MPC paper §4), for the files
//! analysts have.
//!
//! A CSV file with a header row becomes a [`Dataset`] in named steps
//! ([`prepare`]):
//! 1. **reading** ([`RawTable::read`]): the delimiter is Excel's `sep=X`
//!    first line, or the first of `,` `;` tab `|` that reads the file as a
//!    table (`--delimiter` sets it); an empty header cell reads as
//!    `unnamed_N`;
//! 2. **roles**: the label column and the `--drop` and `--categorical`
//!    columns, each refused alike when the file lacks it, with the closest
//!    name;
//! 3. **screening** (`columns`): every other column is a feature, or left
//!    out with a notice (an unnamed index, an empty unnamed column, an
//!    identifier, dates and times unless `--dates as-number`), or refused
//!    with the flag that resolves it (an empty column, numbers with units
//!    or in hexadecimal, two ways of writing numbers, names equal up to
//!    case); money, percentages, thousands separators and a decimal comma
//!    are read as the numbers they mean (`numbers`);
//! 4. **missing cells** (`missing`): empty, `NA` or `?`; rows with one are
//!    dropped and reported, or kept with the cell imputed;
//! 5. **typing and fitting** (`encode`): a column is numeric when every kept
//!    cell is a number, otherwise categorical and one-hot encoded as
//!    `col=value` (at most [`LoadOptions::max_levels`] categories);
//!    `NaN`/`inf` cells are errors naming the row and column;
//! 6. every feature is min-max scaled to \[0, 1\]; the [`FeatureMap`] keeps
//!    the inverse so rules can be shown in original units, and how cells are
//!    read, so new rows are read alike.

mod columns;
mod dataset;
mod dates;
mod encode;
mod error;
mod features;
mod missing;
mod numbers;
mod options;
mod prepare;
mod records;
mod registry;
mod sniff;
mod stream;
mod synthetic;
mod table;
mod text;

pub use dataset::{encode_labels, Dataset};
pub use dates::DateKind;
pub use error::{ColumnRole, DataError, ManifestKind};
pub use features::{CellFormat, FeatureColumn, FeatureMap, Imputed};
pub use missing::MissingReport;
pub use numbers::DecimalMark;
pub use options::{DatePolicy, LoadOptions, MissingPolicy, MAX_LEVELS};
pub use prepare::prepare;
pub use registry::{
    public_instances, sha256_hex, FileSummary, InstanceCheck, InstanceInfo, Registry, INSTANCES_ENV,
};
pub(crate) use stream::{Chunk, CsvChunks, EncodeScan, RowEncoder};
pub use synthetic::{
    gaussian_blobs, generated_instances, generated_registry_files, quadrants, GeneratedInstance,
    GeneratorKind, GeneratorSpec, RowStream, SyntheticInstance, ValidGenerator, BLOBS_SPREAD,
    QUADRANTS_MARGIN,
};
pub use table::{Column, RawTable};
pub use text::{excerpt, flag_value, is_missing, name_list};

use std::path::Path;

/// Load and prepare a CSV file (see the module doc for the steps).
pub fn load_csv(path: &Path, options: &LoadOptions) -> Result<Dataset, DataError> {
    let table = RawTable::read(path)?;
    prepare(&table, options, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn one_hot_scaling_and_missing_rows() {
        let f = write("a,job,label\n1,x,0\n3,y,1\n,x,0\n2,?,1\n5,x,1\n");
        let ds = load_csv(f.path(), &LoadOptions::default()).unwrap();
        assert_eq!(ds.n(), 3);
        assert_eq!(ds.dropped_rows, 2);
        assert_eq!(ds.feature_names(), vec!["a", "job=x", "job=y"]);
        assert_eq!(ds.row_index, vec![0, 1, 4]);
        assert!((ds.x[[1, 0]] - 0.5).abs() < 1e-12);
        assert_eq!(ds.x[[1, 2]], 1.0);
        let col = &ds.map.columns[0];
        assert!((col.unscale(col.scale(3.0)) - 3.0).abs() < 1e-12);
    }

    #[test]
    fn nan_cell_names_row_and_column() {
        let f = write("a,b\n1,2\n3,NaN\n");
        let opts = LoadOptions {
            label_column: None,
            ..Default::default()
        };
        let err = load_csv(f.path(), &opts).unwrap_err().to_string();
        assert!(err.contains("row 2") && err.contains("'b'"), "{err}");
    }

    #[test]
    fn ragged_row_is_an_error() {
        let f = write("a,b\n1,2\n3\n");
        let opts = LoadOptions {
            label_column: None,
            ..Default::default()
        };
        let err = load_csv(f.path(), &opts).unwrap_err();
        assert!(matches!(err, DataError::Ragged { row: 2, .. }), "{err}");
    }

    #[test]
    fn numeric_labels_name_file_row_column_and_cell() {
        // The dropped third row still counts: the bad cell is data row 4.
        let f = write("a,b,Y\n1,2,0.5\n2,1,1e3\n,3,2\n3,3,abc\n");
        let opts = LoadOptions {
            label_column: Some("Y".into()),
            ..Default::default()
        };
        let mut ds = load_csv(f.path(), &opts).unwrap();
        let err = ds.numeric_labels("Y").unwrap_err().to_string();
        let file = f.path().display();
        assert_eq!(
            err,
            format!("data file {file}, row 4, column 'Y': value 'abc' is not a finite number")
        );
        let mut cell = |text: &str| {
            ds.labels.as_mut().unwrap()[2] = text.to_string();
            ds.numeric_labels("Y")
        };
        assert_eq!(cell("4").unwrap().to_vec(), vec![0.5, 1e3, 4.0]);
        assert!(matches!(
            cell("inf"),
            Err(DataError::NotNumeric { row: 4, .. })
        ));
        let long = cell(&"x".repeat(100)).unwrap_err().to_string();
        assert!(long.contains(&format!("'{}…'", "x".repeat(40))), "{long}");
    }

    #[test]
    fn constant_column_is_zero_and_reported() {
        let f = write("a,b\n1,7\n3,7\n");
        let opts = LoadOptions {
            label_column: None,
            ..Default::default()
        };
        let ds = load_csv(f.path(), &opts).unwrap();
        assert_eq!(ds.constant_features, vec!["b"]);
        assert_eq!(ds.x[[1, 1]], 0.0);
    }

    #[test]
    fn encoding_with_a_fitted_map_matches() {
        let f = write("a,c\n1,u\n3,v\n2,u\n");
        let opts = LoadOptions {
            label_column: None,
            ..Default::default()
        };
        let ds = load_csv(f.path(), &opts).unwrap();
        let table = RawTable::read(f.path()).unwrap();
        let again = prepare(&table, &opts, Some(&ds.map)).unwrap();
        assert_eq!(again.x, ds.x);
        let g = write("a,c\n1,w\n");
        let table = RawTable::read(g.path()).unwrap();
        let err = prepare(&table, &opts, Some(&ds.map)).unwrap_err();
        assert!(err.to_string().contains("'w'"));
    }

    fn no_label() -> LoadOptions {
        LoadOptions {
            label_column: None,
            ..Default::default()
        }
    }

    fn text(cells: &[&str]) -> Column {
        Column::Text(cells.iter().map(|c| c.to_string()).collect())
    }

    #[test]
    fn columns_are_prepared_as_the_same_csv_is() {
        let f = write("a,job,n\n1.5,x,1\n3,y,2\n2, x ,1\n");
        let from_file = load_csv(f.path(), &no_label()).unwrap();
        let table = RawTable::from_columns(
            "frame",
            vec![
                ("a".into(), Column::Numbers(vec![1.5, 3.0, 2.0])),
                ("job".into(), text(&["x", "y", " x "])),
                ("n".into(), text(&["1", "2", "1"])),
            ],
        )
        .unwrap();
        assert_eq!(table.n_rows(), 3);
        let from_columns = prepare(&table, &no_label(), None).unwrap();
        assert_eq!(from_columns.x, from_file.x);
        assert_eq!(from_columns.map, from_file.map);
        assert_eq!(from_columns.row_index, from_file.row_index);
        // New rows are encoded with the fitted map as a file's are.
        let again = prepare(&table, &no_label(), Some(&from_file.map)).unwrap();
        assert_eq!(again.x, from_file.x);
        // Missing text cells drop their rows, as in a file.
        let gaps = RawTable::from_columns(
            "frame",
            vec![
                ("a".into(), Column::Numbers(vec![1.0, 2.0, 3.0])),
                ("job".into(), text(&["x", "NA", "y"])),
            ],
        )
        .unwrap();
        let ds = prepare(&gaps, &no_label(), None).unwrap();
        assert_eq!((ds.row_index, ds.dropped_rows), (vec![0, 2], 1));
    }

    #[test]
    fn numbers_reach_the_features_exactly() {
        let values = vec![0.1, 1.0 / 3.0, 2f64.sqrt(), -7.25e-300, 1e300 / 7.0];
        let table = RawTable::from_columns(
            "frame",
            vec![
                ("v".into(), Column::Numbers(values.clone())),
                ("c".into(), Column::Numbers(vec![1.0, 2.5, 1.0, 2.5, 1.0])),
            ],
        )
        .unwrap();
        let options = LoadOptions {
            categorical: vec!["c".into()],
            ..no_label()
        };
        let ds = prepare(&table, &options, None).unwrap();
        let (min, max) = (-7.25e-300, 1e300 / 7.0);
        assert_eq!(
            ds.map.columns[0],
            FeatureColumn::Numeric {
                source: "v".into(),
                min,
                max
            }
        );
        for (t, v) in values.iter().enumerate() {
            assert_eq!(ds.x[[t, 0]].to_bits(), ((v - min) / (max - min)).to_bits());
        }
        // A column of numbers declared categorical reads them as text.
        assert_eq!(ds.feature_names(), vec!["v", "c=1", "c=2.5"]);
        let bad = RawTable::from_columns(
            "frame",
            vec![("v".into(), Column::Numbers(vec![1.0, f64::INFINITY]))],
        )
        .unwrap();
        let err = prepare(&bad, &no_label(), None).unwrap_err().to_string();
        assert!(err.contains("row 2") && err.contains("'inf'"), "{err}");
        // NaN is a missing cell.
        let gap = RawTable::from_columns(
            "frame",
            vec![("v".into(), Column::Numbers(vec![1.0, f64::NAN, 2.0]))],
        )
        .unwrap();
        let ds = prepare(&gap, &no_label(), None).unwrap();
        assert_eq!((ds.row_index, ds.dropped_rows), (vec![0, 2], 1));
    }

    #[test]
    fn columns_need_names_and_one_length() {
        let err = |columns: Vec<(String, Column)>| {
            RawTable::from_columns("frame", columns)
                .unwrap_err()
                .to_string()
        };
        let msg = err(vec![("a".into(), text(&["1"])), (" ".into(), text(&["2"]))]);
        assert!(msg.contains("column 2 of the header has no name"), "{msg}");
        let msg = err(vec![("a".into(), text(&["1"])), ("a".into(), text(&["2"]))]);
        assert!(msg.contains("'a' appears twice"), "{msg}");
        let msg = err(vec![
            ("a".into(), text(&["1", "2"])),
            ("b".into(), Column::Numbers(vec![1.0])),
        ]);
        assert_eq!(
            msg,
            "data file frame: column 'b' holds 1 values where column 'a' holds 2"
        );
        let empty = RawTable::from_columns("frame", vec![("a".into(), text(&[]))]).unwrap();
        let msg = prepare(&empty, &no_label(), None).unwrap_err().to_string();
        assert_eq!(msg, "data file frame has no usable data rows");
    }
}
