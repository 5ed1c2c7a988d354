//! The files analysts have, through the binary: spreadsheet, pandas and R
//! exports, European CSVs, money, percentages, identifiers, dates, sparse
//! and missing cells. Each case either reads what the file means (with a
//! notice where a column is left out or read in a format) or is refused
//! with one sentence naming the file, row, column and the flag that
//! resolves it, exit code 2.

mod common;

use common::{assert_clear_error, json_stdout, polyclust};
use serde_json::Value;
use std::path::Path;

/// Three well separated groups: (group, a, b).
fn groups(n: usize) -> Vec<(usize, f64, f64)> {
    (0..n)
        .map(|i| {
            let g = i % 3;
            let jitter = ((i * 37) % 100) as f64 / 100.0;
            (
                g,
                [10.0, 50.0, 90.0][g] + 5.0 * jitter,
                [1.0, 5.0, 9.0][g] + jitter,
            )
        })
        .collect()
}

/// A file of `n` rows: the header, then `row(i, group, a, b)` per row.
fn file(dir: &Path, name: &str, header: &str, row: impl Fn(usize, usize, f64, f64) -> String) {
    let mut text = format!("{header}\n");
    for (i, (g, a, b)) in groups(60).into_iter().enumerate() {
        text.push_str(&row(i, g, a, b));
        text.push('\n');
    }
    std::fs::write(dir.join(name), text).unwrap();
}

/// `kmeans --k 3 --json` on a file: the JSON.
fn kmeans(dir: &Path, name: &str, extra: &[&str]) -> Value {
    let mut args = vec!["kmeans", "--data", name, "--k", "3", "--json"];
    args.extend_from_slice(extra);
    json_stdout(&polyclust(&args, dir))
}

fn notices(v: &Value) -> String {
    v["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The clean reading every format below must give: two features, 60 rows,
/// ARI 1 against the groups.
fn assert_clean(v: &Value, d: u64) {
    assert_eq!(v["n"], 60, "{v}");
    assert_eq!(v["d"], d, "{v}");
    assert_eq!(v["ari"].as_f64(), Some(1.0), "{v}");
}

#[test]
fn money_percentages_and_separators_are_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    file(d, "dollars.csv", "price,qty,label", |_, g, a, b| {
        format!("\"${:.2}\",{b:.3},{g}", a * 1000.0)
    });
    file(d, "euros.csv", "price;qty;label", |_, g, a, b| {
        format!("{a:.2} €;{b:.3};{g}").replace('.', ",")
    });
    // Tenths of a percent as whole numbers, so both files say the same.
    let tenths = |a: f64| (a * 10.0).round() as u64;
    file(d, "pct.csv", "rate,qty,label", |_, g, a, b| {
        format!("{}.{}%,{b:.3},{g}", tenths(a) / 10, tenths(a) % 10)
    });
    file(d, "thousands.csv", "amount,qty,label", |_, g, a, b| {
        let whole = (a * 1000.0) as u64;
        format!("\"{},{:03}.50\",{b:.3},{g}", whole / 1000, whole % 1000)
    });
    file(d, "european.csv", "amount;qty;label", |_, g, a, b| {
        let whole = (a * 1000.0) as u64;
        let qty = format!("{b:.3}").replace('.', ",");
        format!("€{}.{:03},56;{qty};{g}", whole / 1000, whole % 1000)
    });
    file(d, "nbsp.csv", "amount;qty;label", |_, g, a, b| {
        let whole = (a * 1000.0) as u64;
        format!(
            "{}\u{a0}{:03};{};{g}",
            whole / 1000,
            whole % 1000,
            format!("{b:.3}").replace('.', ",")
        )
    });
    file(d, "thin.csv", "amount,qty,label", |_, g, a, b| {
        let whole = (a * 1000.0) as u64;
        format!("{}\u{2009}{:03},{b:.3},{g}", whole / 1000, whole % 1000)
    });
    file(d, "comma.csv", "a;b;label", |_, g, a, b| {
        format!("{a:.2};{b:.3};{g}").replace('.', ",")
    });
    for name in [
        "dollars.csv",
        "euros.csv",
        "pct.csv",
        "thousands.csv",
        "european.csv",
        "nbsp.csv",
        "thin.csv",
        "comma.csv",
    ] {
        let v = kmeans(d, name, &[]);
        assert_clean(&v, 2);
        if name != "comma.csv" {
            assert!(notices(&v).contains("read as numbers"), "{name}: {v}");
        }
    }
    // The numbers are the ones the cells mean: `score` of the groups is the
    // same whatever the format.
    let score = |name: &str| {
        json_stdout(&polyclust(&["score", "--data", name, "--json"], d))["silhouette"]
            .as_f64()
            .unwrap()
    };
    file(d, "plain.csv", "a,b,label", |_, g, a, b| {
        format!("{a:.2},{b:.3},{g}")
    });
    file(d, "plain_pct.csv", "a,b,label", |_, g, a, b| {
        format!("0.{:03},{b:.3},{g}", tenths(a))
    });
    assert_eq!(score("comma.csv"), score("plain.csv"));
    assert_eq!(score("euros.csv"), score("plain.csv"));
    assert_eq!(score("pct.csv"), score("plain_pct.csv"));
}

#[test]
fn delimiters_and_the_sep_line_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (name, sep) in [("tab.csv", "\t"), ("pipe.csv", "|"), ("semi.csv", ";")] {
        file(d, name, &["a", "b", "label"].join(sep), |_, g, a, b| {
            [format!("{a:.2}"), format!("{b:.3}"), g.to_string()].join(sep)
        });
        let v = kmeans(d, name, &[]);
        assert_clean(&v, 2);
        assert!(notices(&v).contains("read as separated by"), "{v}");
    }
    let mut text = String::from("sep=;\na;b;label\n");
    for (g, a, b) in groups(60) {
        text.push_str(&format!("{a:.2};{b:.3};{g}\n"));
    }
    std::fs::write(d.join("excel.csv"), text).unwrap();
    let v = kmeans(d, "excel.csv", &[]);
    assert_clean(&v, 2);
    assert!(notices(&v).contains("first line (sep=)"), "{v}");
    // --delimiter overrides the detection: a ';' file read with ',' is one
    // column per row, refused with the hint.
    let out = polyclust(
        &[
            "kmeans",
            "--data",
            "semi.csv",
            "--k",
            "3",
            "--delimiter",
            ",",
        ],
        d,
    );
    assert_clear_error(&out, &["semi.csv", "--delimiter"]);
}

#[test]
fn units_and_hexadecimal_are_refused_naming_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    file(d, "kg.csv", "weight,b,label", |_, g, a, b| {
        format!("{a:.0}kg,{b:.3},{g}")
    });
    file(d, "hex.csv", "code,b,label", |_, g, a, b| {
        format!("0x{:X},{b:.3},{g}", a as u64)
    });
    let out = polyclust(&["kmeans", "--data", "kg.csv", "--k", "3"], d);
    assert_clear_error(
        &out,
        &["kg.csv", "row 1", "'weight'", "a unit", "--drop weight"],
    );
    let out = polyclust(&["kmeans", "--data", "hex.csv", "--k", "3"], d);
    assert_clear_error(
        &out,
        &["hex.csv", "row 1", "'code'", "hexadecimal", "--drop code"],
    );
    // The flag it names resolves it.
    assert_clean(&kmeans(d, "kg.csv", &["--drop", "weight"]), 1);
}

#[test]
fn mixed_formats_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    file(d, "currencies.csv", "price,b,label", |i, g, a, b| {
        let c = if i == 7 { "€" } else { "$" };
        format!("{c}{a:.2},{b:.3},{g}")
    });
    let out = polyclust(&["kmeans", "--data", "currencies.csv", "--k", "3"], d);
    assert_clear_error(
        &out,
        &["currencies.csv", "'price'", "row 8", "--drop price"],
    );
    file(d, "marks.csv", "x,b,label", |i, g, a, b| {
        let cell = if i == 3 {
            format!("\"{a:.2}\"").replace('.', ",")
        } else {
            format!("{a:.2}")
        };
        format!("{cell},{b:.3},{g}")
    });
    let out = polyclust(&["kmeans", "--data", "marks.csv", "--k", "3"], d);
    assert_clear_error(&out, &["marks.csv", "'x'", "--decimal"]);
}

#[test]
fn identifiers_and_dates_are_left_out_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    file(d, "ids.csv", "customer,a,b,label", |i, g, a, b| {
        format!("C{i:04},{a:.2},{b:.3},{g}")
    });
    let v = kmeans(d, "ids.csv", &[]);
    assert_clean(&v, 2);
    assert!(
        notices(&v).contains("'customer' left out: an identifier"),
        "{v}"
    );
    file(d, "intid.csv", "customer_id,a,b,label", |i, g, a, b| {
        format!("{},{a:.2},{b:.3},{g}", 1000 + 7 * i)
    });
    let v = kmeans(d, "intid.csv", &[]);
    assert_clean(&v, 2);
    assert!(notices(&v).contains("'customer_id' left out"), "{v}");
    for (name, cell) in [
        ("iso.csv", "2024-01-{:02}"),
        ("dmy.csv", "{:02}/01/2024"),
        ("stamp.csv", "2024-01-{:02}T12:30:00Z"),
        ("time.csv", "{:02}:30"),
    ] {
        file(d, name, "when,a,b,label", |i, g, a, b| {
            let day = format!("{:02}", 1 + i % 23);
            let when = cell.replace("{:02}", &day);
            format!("{when},{a:.2},{b:.3},{g}")
        });
        let v = kmeans(d, name, &[]);
        assert_clean(&v, 2);
        assert!(notices(&v).contains("'when' left out"), "{name}: {v}");
        // On request, read as numbers.
        let v = kmeans(d, name, &["--dates", "as-number"]);
        assert_eq!(v["d"], 3, "{name}: {v}");
        assert!(notices(&v).contains("read as"), "{name}: {v}");
    }
}

#[test]
fn unnamed_index_and_empty_trailing_columns_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    file(d, "pandas.csv", ",a,b,label", |i, g, a, b| {
        format!("{i},{a:.2},{b:.3},{g}")
    });
    file(d, "r.csv", "\"\",\"a\",\"b\",\"label\"", |i, g, a, b| {
        format!("\"{}\",{a:.2},{b:.3},{g}", i + 1)
    });
    file(d, "excel.csv", "a,b,label,,", |_, g, a, b| {
        format!("{a:.2},{b:.3},{g},,")
    });
    file(d, "trailing.csv", "a,b,label,", |_, g, a, b| {
        format!("{a:.2},{b:.3},{g},")
    });
    for (name, says) in [
        ("pandas.csv", "row index"),
        ("r.csv", "row index"),
        ("excel.csv", "no name and no value"),
        ("trailing.csv", "no name and no value"),
    ] {
        let v = kmeans(d, name, &[]);
        assert_clean(&v, 2);
        assert!(notices(&v).contains(says), "{name}: {v}");
    }
    // An unnamed column with data elsewhere is refused with the way out.
    file(d, "middle.csv", "a,,b,label", |i, g, a, b| {
        format!("{a:.2},{},{b:.3},{g}", i % 4)
    });
    let out = polyclust(&["kmeans", "--data", "middle.csv", "--k", "3"], d);
    assert_clear_error(&out, &["middle.csv", "column 2", "--drop unnamed_2"]);
    assert_clean(&kmeans(d, "middle.csv", &["--drop", "unnamed_2"]), 2);
}

#[test]
fn categorical_levels_are_limited_and_encoded_in_linear_memory() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 60 stores on 4 000 rows: each store on many rows, so not an identifier.
    let mut text = String::from("x,store\n");
    for i in 0..4000 {
        text.push_str(&format!("{},S{}\n", (i % 97) as f64 / 97.0, i % 60));
    }
    std::fs::write(d.join("stores.csv"), &text).unwrap();
    let out = polyclust(
        &["kmeans", "--data", "stores.csv", "--no-label", "--k", "3"],
        d,
    );
    assert_clear_error(
        &out,
        &[
            "stores.csv",
            "'store'",
            "60 distinct values",
            "50 levels",
            "--drop store",
            "--max-levels 60",
        ],
    );
    let v = kmeans(d, "stores.csv", &["--no-label", "--max-levels", "60"]);
    assert_eq!(v["d"], 61, "{v}");
    // 2 000 levels on 4 000 rows, raised limit: encoded at once.
    let mut text = String::from("x,store\n");
    for i in 0..4000 {
        text.push_str(&format!("{},S{}\n", (i % 97) as f64 / 97.0, i % 2000));
    }
    std::fs::write(d.join("many.csv"), &text).unwrap();
    let v = kmeans(d, "many.csv", &["--no-label", "--max-levels", "2000"]);
    assert_eq!(v["d"], 2001, "{v}");
}

#[test]
fn named_columns_the_file_lacks_are_refused_alike() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    file(d, "f.csv", "a,b,Label", |_, g, a, b| {
        format!("{a:.2},{b:.3},{g}")
    });
    let out = polyclust(&["kmeans", "--data", "f.csv", "--k", "3"], d);
    assert_clear_error(
        &out,
        &[
            "f.csv",
            "no column 'label'",
            "--no-label",
            "--label-column Label",
        ],
    );
    for flag in ["--categorical", "--drop", "--label-column"] {
        let mut args = vec!["kmeans", "--data", "f.csv", "--k", "3", flag, "bb"];
        if flag != "--label-column" {
            args.extend(["--label-column", "Label"]);
        }
        let out = polyclust(&args, d);
        assert_clear_error(&out, &["f.csv", "no column 'bb'", flag, "did you mean 'b'"]);
    }
    // The hinted flags resolve it.
    assert_clean(&kmeans(d, "f.csv", &["--label-column", "Label"]), 2);
    assert_eq!(kmeans(d, "f.csv", &["--no-label"])["d"], 3);
}

#[test]
fn malformed_files_name_the_line_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("quote.csv"),
        "a,b,c,label\n1,2,3,0\n4,\"5,6,0\n7,8,9,1\n",
    )
    .unwrap();
    let out = polyclust(&["kmeans", "--data", "quote.csv", "--k", "2"], d);
    assert_clear_error(&out, &["quote.csv", "line 3", "quote", "not closed"]);
    file(d, "empty.csv", "a,b,notes,label", |_, g, a, b| {
        format!("{a:.2},{b:.3},,{g}")
    });
    let out = polyclust(&["kmeans", "--data", "empty.csv", "--k", "3"], d);
    assert_clear_error(
        &out,
        &[
            "empty.csv",
            "'notes'",
            "every cell is empty",
            "--drop notes",
        ],
    );
    file(d, "case.csv", "Age,age,label", |_, g, a, b| {
        format!("{a:.2},{b:.3},{g}")
    });
    let out = polyclust(&["kmeans", "--data", "case.csv", "--k", "3"], d);
    assert_clear_error(&out, &["case.csv", "'Age'", "'age'", "case", "--drop age"]);
    file(d, "cont.csv", "a,b,score", |_, _, a, b| {
        format!("{a:.2},{b:.3},{:.4}", a * b)
    });
    for command in [
        vec!["cluster", "--data", "cont.csv", "--labels-from", "score"],
        vec!["score", "--data", "cont.csv", "--labels-from", "score"],
    ] {
        let out = polyclust(&command, d);
        assert_clear_error(
            &out,
            &["cont.csv", "'score'", "60 distinct values", "continuous"],
        );
    }
}

#[test]
fn missing_cells_are_reported_and_never_erase_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 'c' missing on rows 5 and 11 (1-based data rows).
    file(d, "gaps.csv", "a,b,c,label", |i, g, a, b| {
        let c = if i == 4 || i == 10 {
            String::new()
        } else {
            format!("{}", g * 2)
        };
        format!("{a:.2},{b:.3},{c},{g}")
    });
    for command in ["kmeans", "score", "cluster"] {
        let mut args = vec![command, "--data", "gaps.csv", "--json"];
        if command != "score" {
            args.extend(["--k", "3"]);
        }
        let v = json_stdout(&polyclust(&args, d));
        assert_eq!(v["n"], 58, "{command}: {v}");
        assert_eq!(v["dropped_rows"], 2, "{command}: {v}");
        assert_eq!(
            v["missing"]["first_dropped_rows"],
            serde_json::json!([5, 11])
        );
        assert_eq!(v["missing"]["missing_by_column"]["c"], 2, "{command}: {v}");
        let plain: Vec<&str> = args.iter().copied().filter(|a| *a != "--json").collect();
        let text = polyclust(&plain, d);
        let stdout = String::from_utf8_lossy(&text.stdout);
        assert!(
            stdout
                .contains("2 of 60 rows dropped for a missing cell (rows 5, 11; missing in 'c' 2)"),
            "{command}: {stdout}"
        );
    }
    // Imputed: every row kept, the imputed count reported, and `predict`
    // imputes the values recorded in the model.
    let v = kmeans(d, "gaps.csv", &["--missing", "impute"]);
    assert_eq!(
        (v["n"].as_u64(), v["missing"]["imputed_cells"].as_u64()),
        (Some(60), Some(2))
    );
    let out = polyclust(
        &[
            "cluster",
            "--data",
            "gaps.csv",
            "--k",
            "3",
            "--missing",
            "impute",
            "--out",
            "imp",
        ],
        d,
    );
    assert!(out.status.success());
    let out = polyclust(
        &["predict", "--model", "imp/model.json", "--data", "gaps.csv"],
        d,
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        std::fs::read_to_string(d.join("imp/assignments.csv")).unwrap()
    );
    assert!(out.stderr.is_empty(), "no row decided on partial cells");
    // A column answered on 6 of 60 rows is refused, naming it.
    file(d, "sparse.csv", "a,b,notes,label", |i, g, a, b| {
        let note = if i % 10 == 0 { "x" } else { "" };
        format!("{a:.2},{b:.3},{note},{g}")
    });
    let out = polyclust(&["kmeans", "--data", "sparse.csv", "--k", "3"], d);
    assert_clear_error(&out, &["sparse.csv", "'notes'", "54 of 60", "--drop notes"]);
    // Missing labels drop no row from a clustering that does not need them.
    file(d, "unlabelled.csv", "a,b,label", |i, g, a, b| {
        let label = if i % 4 == 0 {
            String::new()
        } else {
            g.to_string()
        };
        format!("{a:.2},{b:.3},{label}")
    });
    for command in ["kmeans", "cluster"] {
        let v = json_stdout(&polyclust(
            &[command, "--data", "unlabelled.csv", "--k", "3", "--json"],
            d,
        ));
        assert_eq!(v["n"], 60, "{command}: {v}");
        assert_eq!(v["missing"]["unlabelled_rows"], 15, "{command}: {v}");
        assert_eq!(
            v["ari"].as_f64(),
            Some(1.0),
            "{command}: ARI on the labelled rows: {v}"
        );
    }
    // `score` scores the labelled rows.
    let v = json_stdout(&polyclust(
        &["score", "--data", "unlabelled.csv", "--json"],
        d,
    ));
    assert_eq!(
        (v["n"].as_u64(), v["dropped_rows"].as_u64()),
        (Some(45), Some(15))
    );
    assert_eq!(v["missing"]["missing_by_column"]["label"], 15);
}

/// `cluster --out fit` on a small file with a `cluster` column of its own.
fn fitted(d: &Path) {
    file(d, "own.csv", "a,b,cluster,label", |i, g, a, b| {
        format!("{a:.2},{b:.3},{},{g}", i % 2)
    });
    let out = polyclust(
        &[
            "cluster", "--data", "own.csv", "--k", "3", "--drop", "cluster", "--out", "fit",
        ],
        d,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn hand_edited_models_are_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fitted(d);
    let text = std::fs::read_to_string(d.join("fit/model.json")).unwrap();
    let model: Value = serde_json::from_str(&text).unwrap();
    assert!(model["digest"].is_string());
    let predict = |m: &Value| {
        std::fs::write(
            d.join("edited.json"),
            serde_json::to_string_pretty(m).unwrap(),
        )
        .unwrap();
        polyclust(
            &["predict", "--model", "edited.json", "--data", "own.csv"],
            d,
        )
    };
    assert!(predict(&model).status.success());
    let first_weight = |m: &mut Value| -> (usize, f64) {
        let w = m["hyperplanes"][0]["hyperplane"]["w"]
            .as_array_mut()
            .unwrap();
        let j = w.iter().position(|v| v.as_f64() != Some(0.0)).unwrap();
        (j, w[j].as_f64().unwrap())
    };
    // A negated coefficient: the stated sizes no longer belong to the rules.
    let mut edited = model.clone();
    let (j, w) = first_weight(&mut edited);
    edited["hyperplanes"][0]["hyperplane"]["w"][j] = serde_json::json!(-w);
    assert_clear_error(
        &predict(&edited),
        &["edited.json", "field digest", "edited after fitting"],
    );
    // Without the digest the edited rules are read (the way out it names).
    edited.as_object_mut().unwrap().remove("digest");
    assert!(predict(&edited).status.success());
    // Absurd values are refused with the field, digest or not.
    let mut huge = edited.clone();
    huge["hyperplanes"][0]["hyperplane"]["b"] = serde_json::json!(1e308);
    assert_clear_error(
        &predict(&huge),
        &["field hyperplanes[0].hyperplane.b", "beyond"],
    );
    let mut fraction = edited.clone();
    fraction["hyperplanes"][0]["hyperplane"]["w"][j] = serde_json::json!(0.5);
    assert_clear_error(
        &predict(&fraction),
        &[&format!("hyperplanes[0].hyperplane.w[{j}]"), "whole number"],
    );
    let mut constant = edited.clone();
    let min = constant["map"]["columns"][0]["min"].clone();
    constant["map"]["columns"][0]["max"] = min;
    assert_clear_error(
        &predict(&constant),
        &["field map.columns[0]", "constant column"],
    );
    let mut far = edited.clone();
    far["centroids"][0][0] = serde_json::json!(7.0);
    assert_clear_error(&predict(&far), &["field centroids[0]", "outside [0, 1]"]);
}

#[test]
fn the_sql_output_column_is_never_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fitted(d);
    let explain = |extra: &[&str]| {
        let mut args = vec![
            "explain",
            "--model",
            "fit/model.json",
            "--format",
            "sql",
            "--dialect",
            "sqlite",
            "--table",
            "t",
        ];
        args.extend_from_slice(extra);
        polyclust(&args, d)
    };
    let out = explain(&[]);
    assert!(out.status.success());
    let sql = String::from_utf8(out.stdout).unwrap();
    assert!(sql.contains("AS \"cluster_1\""), "{sql}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--column"));
    // The SELECT runs in SQLite over the training table, every name once.
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t (a REAL, b REAL, cluster INTEGER, label INTEGER); INSERT INTO t VALUES (10.5, 1.5, 0, 0), (NULL, 9.2, 1, 2);")
        .unwrap();
    let stmt = conn.prepare(&sql).unwrap();
    let names: Vec<&str> = stmt.column_names();
    assert_eq!(names, ["a", "b", "cluster", "label", "cluster_1"]);
    let out = explain(&["--column", "segment"]);
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("AS \"segment\""));
    let out = explain(&["--column", "Cluster"]);
    assert_clear_error(&out, &["--column Cluster", "'cluster'"]);
}
