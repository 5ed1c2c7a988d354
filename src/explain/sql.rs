//! The model as one SQL `CASE WHEN … END` expression over the original column
//! names, returning the cluster ids of the model's decision rule, so it embeds
//! as `SELECT <expr> FROM t` in the engine that holds the data.
//!
//! Arithmetic follows the library's evaluation order (scaling
//! `(v − min) / (max − min)`, scores `b + w₁z₁ + w₂z₂ …`, squared distances
//! summed left to right), and every operand is an IEEE double: numeric
//! columns are cast to the dialect's double type, and numbers are written in
//! shortest round-trip form, inside a cast to that type except in SQLite
//! (whose decimal literals are doubles already). PostgreSQL reads `0.1` and
//! even `1e-5` as NUMERIC and DuckDB and Spark read `0.1` as DECIMAL, and an
//! INTEGER or DECIMAL column minus such a literal stays decimal: exact
//! decimal arithmetic rounds differently from the library and puts rows that
//! lie on a threshold on the other side (`tests/sql_engines.rs` shows it in
//! PostgreSQL). With doubles throughout, an engine reproduces the library's
//! assignment on every row.
//!
//! One-hot categories compare the column with a string literal (`"job" =
//! 'admin'`, case-sensitive, no trimming), so categorical columns belong in
//! text columns holding the category exactly as the training file did.
//!
//! NULL is a missing cell, decided as `predict` decides a row with missing
//! cells: a column the model imputes reads `COALESCE(col, value)`; for the
//! others, a condition reading a NULL column holds (`(score >= 0 OR "col"
//! IS NULL)`) and the nearest-centre and outlier distances leave its terms
//! out (`CASE WHEN "col" IS NULL THEN 0 ELSE (x − c)² END`). A row without
//! NULLs gets the same cluster as before: the added tests are false there.
//!
//! A union model (`--pieces`) is the same `CASE`: one `WHEN` per piece, in
//! the model's order, each returning its cluster; the nearest-centre
//! fallback compares the pieces' centres and returns the nearest piece's
//! cluster.

use crate::data::{FeatureColumn, Imputed};
use crate::hyperplane::Side;
use crate::mpc::ExplanationFeature;
use crate::mpc::PolytopeModel;

pub use super::dialect::Dialect;

/// Writes one model's SQL in one dialect.
struct Writer<'a> {
    model: &'a PolytopeModel,
    dialect: Dialect,
}

impl Writer<'_> {
    fn float(&self, v: f64) -> String {
        self.dialect.float(v)
    }

    /// SQL for the scaled clustering feature `i`.
    fn x_expr(&self, i: usize) -> String {
        let d = self.dialect;
        let imputed = |source: &str| self.model.map.impute.get(source);
        match &self.model.map.columns[i] {
            FeatureColumn::Numeric { source, min, max } => {
                if max > min {
                    let mut value = d.cast_double(&d.quote_ident(source));
                    if let Some(Imputed::Number(v)) = imputed(source) {
                        value = format!("COALESCE({value}, {})", self.float(*v));
                    }
                    format!(
                        "(({value} - {}) / {})",
                        self.float(*min),
                        self.float(max - min)
                    )
                } else {
                    self.float(0.0)
                }
            }
            FeatureColumn::OneHot { source, value } => {
                let mut cell = d.quote_ident(source);
                if let Some(Imputed::Category(v)) = imputed(source) {
                    cell = format!("COALESCE({cell}, {})", d.text(v));
                }
                format!(
                    "(CASE WHEN {cell} = {} THEN {} ELSE {} END)",
                    d.text(value),
                    self.float(1.0),
                    self.float(0.0)
                )
            }
        }
    }

    /// The columns, not imputed, that feature `i` of x reads (a missing one
    /// leaves the feature missing).
    fn missing_source(&self, i: usize) -> Option<&str> {
        let source = self.model.map.columns[i].source();
        (!self.model.map.impute.contains_key(source)).then_some(source)
    }

    /// `"a" IS NULL OR "b" IS NULL` over the columns hyperplane `idx` reads
    /// that are not imputed, or `None`.
    fn null_guard(&self, idx: usize) -> Option<String> {
        let h = &self.model.hyperplanes[idx].hyperplane;
        let mut sources: Vec<&str> = Vec::new();
        for (j, w) in h.w.iter().enumerate() {
            if *w == 0.0 {
                continue;
            }
            for i in crate::predict::x_features(&self.model.space.features[j]) {
                if let Some(s) = self.missing_source(i) {
                    if !sources.contains(&s) {
                        sources.push(s);
                    }
                }
            }
        }
        (!sources.is_empty()).then(|| {
            sources
                .iter()
                .map(|s| format!("{} IS NULL", self.dialect.quote_ident(s)))
                .collect::<Vec<_>>()
                .join(" OR ")
        })
    }

    /// SQL for explanation feature `j`.
    fn z_expr(&self, j: usize) -> String {
        match &self.model.space.features[j] {
            ExplanationFeature::Base { index } => self.x_expr(*index),
            ExplanationFeature::Threshold { index, threshold } => format!(
                "(CASE WHEN {} >= {} THEN {} ELSE {} END)",
                self.x_expr(*index),
                self.float(*threshold),
                self.float(1.0),
                self.float(0.0)
            ),
            // Same order as the library: ((1 × (x₁ − c₁)) × (x₂ − c₂)) … / scale
            ExplanationFeature::Product {
                indices,
                centers,
                scale,
            } => format!(
                "(({} * {}) / {})",
                self.float(1.0),
                indices
                    .iter()
                    .zip(centers)
                    .map(|(&i, &c)| format!("({} - {})", self.x_expr(i), self.float(c)))
                    .collect::<Vec<_>>()
                    .join(" * "),
                self.float(*scale)
            ),
        }
    }

    /// Score `b + w·z` of hyperplane `idx`.
    fn score(&self, idx: usize) -> String {
        let h = &self.model.hyperplanes[idx].hyperplane;
        let mut s = self.float(h.b);
        for (j, w) in h.w.iter().enumerate() {
            if *w != 0.0 {
                s.push_str(&format!(" + {} * {}", self.float(*w), self.z_expr(j)));
            }
        }
        format!("({s})")
    }

    /// The decision rule, with outliers (when the model sets them apart)
    /// labelled [`crate::mpc::OUTLIER_LABEL`]: the cluster's squared distance
    /// to its outlier centre compared with the squared radius, summed in the
    /// library's order.
    fn rules(&self) -> String {
        let decision = self.decision();
        let Some(rule) = &self.model.outliers else {
            return decision;
        };
        let mut out = format!("CASE {decision}");
        for c in 0..self.model.k() {
            let r = rule.radii[c];
            out.push_str(&format!(
                "\n  WHEN {c} THEN CASE WHEN {} > {} THEN {} ELSE {c} END",
                self.squared_distance(&rule.centres[c]),
                self.float(r * r),
                crate::mpc::OUTLIER_LABEL
            ));
        }
        out.push_str("\nEND");
        out
    }

    /// Squared distance of a row's scaled features to `centre`, as the
    /// library sums it (left to right from 0).
    fn squared_distance(&self, centre: &[f64]) -> String {
        let terms: Vec<String> = centre
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let diff = format!("({} - {})", self.x_expr(i), self.float(*v));
                match self.missing_source(i) {
                    // A missing cell adds nothing, as `predict` sums the cells present.
                    Some(s) => format!(
                        "(CASE WHEN {} IS NULL THEN {} ELSE {diff} * {diff} END)",
                        self.dialect.quote_ident(s),
                        self.float(0.0)
                    ),
                    None => format!("{diff} * {diff}"),
                }
            })
            .collect();
        format!("({} + {})", self.float(0.0), terms.join(" + "))
    }

    /// The cluster of the first polytope that holds the row, else the
    /// nearest centre's.
    fn decision(&self) -> String {
        let mut out = String::from("CASE\n");
        for p in &self.model.polytopes {
            let cond = if p.halfspaces.is_empty() {
                "1 = 1".to_string()
            } else {
                p.halfspaces
                    .iter()
                    .map(|h| {
                        let op = match h.side {
                            Side::I => ">=",
                            Side::J => "<",
                        };
                        let cond = format!("{} {op} 0", self.score(h.hyperplane));
                        match self.null_guard(h.hyperplane) {
                            Some(guard) => format!("({cond} OR {guard})"),
                            None => cond,
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n    AND ")
            };
            out.push_str(&format!("  WHEN {cond}\n  THEN {}\n", p.cluster));
        }
        out.push_str(&format!("  ELSE {}\nEND", self.fallback()));
        out
    }

    /// Nearest centre as nested comparisons of squared distances (ties to the lowest id).
    fn fallback(&self) -> String {
        let centroids = &self.model.centroids;
        let k = centroids.len();
        if k <= 1 {
            return "0".into();
        }
        let dist = |c: usize| self.squared_distance(&centroids[c]);
        let mut out = String::from("CASE");
        for c in 0..k - 1 {
            let conds: Vec<String> = (c + 1..k)
                .map(|o| format!("{} <= {}", dist(c), dist(o)))
                .collect();
            let cluster = self.model.cluster_of_piece(c);
            out.push_str(&format!(" WHEN {} THEN {cluster}", conds.join(" AND ")));
        }
        out.push_str(&format!(" ELSE {} END", self.model.cluster_of_piece(k - 1)));
        out
    }
}

/// The whole model as one SQL expression in `dialect`, giving the cluster id
/// (an integer) of [`PolytopeModel::decide`]'s rule.
pub fn rules_sql(model: &PolytopeModel, dialect: Dialect) -> String {
    Writer { model, dialect }.rules()
}

/// `SELECT <keep_columns>, <rules> AS cluster FROM <table>`: every row of
/// `table` with its cluster. The kept columns are quoted as identifiers (an
/// empty list keeps every column, `*`); `table` is written as given, so it
/// may be a qualified name (`sales.customers`) or any FROM item the engine
/// takes (`read_parquet('customers/*.parquet')` in DuckDB), and names that
/// need quoting are quoted by the caller. The output column is
/// [`output_column`]`(model, keep_columns, None)`.
pub fn select_sql(
    model: &PolytopeModel,
    dialect: Dialect,
    table: &str,
    keep_columns: &[&str],
) -> String {
    let (column, _) = output_column(model, keep_columns, None)
        .expect("a free name is always found without a requested one");
    select_sql_as(model, dialect, table, keep_columns, &column)
}

/// [`select_sql`] with the output column named `column`.
pub fn select_sql_as(
    model: &PolytopeModel,
    dialect: Dialect,
    table: &str,
    keep_columns: &[&str],
    column: &str,
) -> String {
    let kept = if keep_columns.is_empty() {
        "*".to_string()
    } else {
        keep_columns
            .iter()
            .map(|c| dialect.quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "SELECT {kept},\n{} AS {}\nFROM {table}",
        rules_sql(model, dialect),
        dialect.quote_ident(column)
    )
}

/// The name of the output column of a SELECT: `requested`, refused when the
/// rows already have a column of that name (up to case: engines fold it);
/// else `cluster`, or `cluster_1`, `cluster_2`, … when the table the model
/// was fitted on, its columns or the kept ones already have it, with a
/// sentence that says so.
pub fn output_column(
    model: &PolytopeModel,
    keep_columns: &[&str],
    requested: Option<&str>,
) -> Result<(String, Option<String>), String> {
    let mut taken: Vec<String> = model.map.table_columns.clone();
    taken.extend(model.map.sources());
    taken.extend(keep_columns.iter().map(|c| c.to_string()));
    let clash = |name: &str| {
        taken
            .iter()
            .find(|t| t.to_lowercase() == name.to_lowercase())
    };
    if let Some(name) = requested {
        if name.is_empty() {
            return Err("`column` needs a name".into());
        }
        return match clash(name) {
            Some(t) => Err(format!(
                "`column {name}`: the rows already have a column '{t}' (engines do not tell names apart by case); choose another name"
            )),
            None => Ok((name.to_string(), None)),
        };
    }
    if clash("cluster").is_none() {
        return Ok(("cluster".into(), None));
    }
    let name = (1..)
        .map(|i| format!("cluster_{i}"))
        .find(|n| clash(n).is_none())
        .expect("some cluster_N is free");
    let note = format!(
        "the table has a column named cluster, so the cluster is output as {name} (`column` sets the name)"
    );
    Ok((name, Some(note)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::FeatureMap;
    use crate::hyperplane::{Coefficients, Hyperplane};
    use crate::mpc::{ExplanationSpace, HalfSpace, ModelSettings, PairHyperplane, Polytope};

    /// Two clusters over a numeric column, a categorical one and a numeric
    /// column whose name needs quoting, with a threshold and a product in Z.
    fn model() -> PolytopeModel {
        let columns = vec![
            FeatureColumn::Numeric {
                source: "x".into(),
                min: -2.5,
                max: 0.1,
            },
            FeatureColumn::OneHot {
                source: "who".into(),
                value: r"O'Brien \ co".into(),
            },
            FeatureColumn::Numeric {
                source: "we\"ird`name".into(),
                min: 1e-5,
                max: 3.0,
            },
        ];
        let mut space = ExplanationSpace::identity(3);
        space.features.push(ExplanationFeature::Threshold {
            index: 0,
            threshold: 0.30000000000000004,
        });
        space.features.push(ExplanationFeature::Product {
            indices: vec![0, 2],
            centers: vec![0.5, 0.25],
            scale: 0.0625,
        });
        let hyperplane = Hyperplane {
            w: vec![1.0, -2.0, 0.0, 3.0, 1.0],
            b: -0.1,
        };
        let halfspace = |side| HalfSpace {
            hyperplane: 0,
            side,
        };
        PolytopeModel {
            schema_version: crate::mpc::SCHEMA_VERSION,
            map: FeatureMap::new(columns, vec!["who".into()]),
            space,
            centroids: vec![vec![0.2, 1.0, 0.7], vec![0.8, 0.0, 0.1]],
            hyperplanes: vec![PairHyperplane {
                i: 0,
                j: 1,
                hyperplane,
            }],
            polytopes: vec![
                Polytope {
                    cluster: 0,
                    size: 1,
                    share: 0.5,
                    silhouette: None,
                    halfspaces: vec![halfspace(Side::I)],
                    piece: None,
                },
                Polytope {
                    cluster: 1,
                    size: 1,
                    share: 0.5,
                    silhouette: None,
                    halfspaces: vec![halfspace(Side::J)],
                    piece: None,
                },
            ],
            settings: ModelSettings {
                m: 3,
                beta: 3,
                coefficients: Coefficients::Integer,
                epsilon: 0.01,
                lambda: 0.0,
                min_cluster_size: 1,
            },
            outliers: None,
            pieces: Vec::new(),
        }
    }

    /// Numeric tokens outside quotes, each with the text before and after it.
    fn numbers(sql: &str) -> Vec<(String, String, String)> {
        let chars: Vec<char> = sql.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\'' || c == '"' || c == '`' {
                // Skip a quoted string or name; doubled or escaped quotes stay inside.
                i += 1;
                while i < chars.len() {
                    if chars[i] == '\\' && c == '\'' {
                        i += 2;
                        continue;
                    }
                    if chars[i] == c {
                        if chars.get(i + 1) == Some(&c) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
                continue;
            }
            let starts = c.is_ascii_digit()
                && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_'));
            if !starts {
                i += 1;
                continue;
            }
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || chars[i] == '.'
                    || chars[i] == 'e'
                    || (chars[i] == '-' && chars[i - 1] == 'e'))
            {
                i += 1;
            }
            let before: String = chars[start.saturating_sub(6)..start].iter().collect();
            let after: String = chars[i..(i + 30).min(chars.len())].iter().collect();
            out.push((before, chars[start..i].iter().collect(), after));
        }
        out
    }

    #[test]
    fn every_fractional_number_is_cast_to_double() {
        for dialect in Dialect::ALL {
            let sql = rules_sql(&model(), dialect);
            let found = numbers(&sql);
            assert!(found.len() > 20, "{dialect}: {sql}");
            for (before, token, after) in found {
                if !token.contains(['.', 'e']) {
                    // Integers: cluster ids and the zero a score is compared with.
                    assert!(token.parse::<usize>().is_ok(), "{dialect}: {token}");
                    continue;
                }
                if dialect == Dialect::Sqlite {
                    continue; // a decimal literal is a double in SQLite
                }
                assert!(
                    before.ends_with("CAST(") || before.ends_with("CAST(-"),
                    "{dialect}: [{before}] {token}{after}"
                );
                let cast = format!(" AS {})", dialect.double_type());
                assert!(after.starts_with(&cast), "{dialect}: {token}{after}");
                assert!(
                    token.contains('e'),
                    "{dialect}: {token} is not in exponent form"
                );
            }
        }
    }

    #[test]
    fn literals_round_trip() {
        let values = [
            0.1,
            -0.1,
            1e-5,
            0.30000000000000004,
            1.0,
            -0.0,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            123456789.125,
            2.0f64.powi(60),
        ];
        for dialect in Dialect::ALL {
            for v in values {
                let s = dialect.float(v);
                let digits = match dialect {
                    Dialect::Sqlite => s.as_str(),
                    _ => {
                        let end = format!(" AS {})", dialect.double_type());
                        s.strip_prefix("CAST(")
                            .and_then(|t| t.strip_suffix(&end))
                            .unwrap_or_else(|| panic!("{dialect}: {s}"))
                    }
                };
                let back: f64 = digits.parse().unwrap();
                assert_eq!(back.to_bits(), v.to_bits(), "{dialect}: {s}");
            }
        }
        assert_eq!(Dialect::Sqlite.float(2.0), "2.0");
        assert_eq!(Dialect::Sqlite.float(1e-5), "1e-5");
        assert_eq!(
            Dialect::Ansi.float(-0.25),
            "CAST(-2.5e-1 AS DOUBLE PRECISION)"
        );
        assert_eq!(Dialect::Spark.float(1e20), "CAST(1e20 AS DOUBLE)");
    }

    #[test]
    fn names_and_strings_are_quoted_per_dialect() {
        let m = model();
        for dialect in [
            Dialect::Ansi,
            Dialect::Sqlite,
            Dialect::Duckdb,
            Dialect::Postgres,
        ] {
            let sql = rules_sql(&m, dialect);
            let ty = dialect.double_type();
            assert!(sql.contains(&format!("CAST(\"x\" AS {ty})")), "{sql}");
            assert!(
                sql.contains(&format!("CAST(\"we\"\"ird`name\" AS {ty})")),
                "{sql}"
            );
            assert!(sql.contains(r#""who" = 'O''Brien \ co'"#), "{sql}");
        }
        let spark = rules_sql(&m, Dialect::Spark);
        assert!(spark.contains("CAST(`x` AS DOUBLE)"), "{spark}");
        assert!(spark.contains("CAST(`we\"ird``name` AS DOUBLE)"), "{spark}");
        assert!(spark.contains(r"`who` = 'O\'Brien \\ co'"), "{spark}");
        // Double quotes are string literals in Spark: only the one inside a name.
        assert_eq!(spark.matches('"').count(), spark.matches("we\"ird").count());
    }

    #[test]
    fn no_integer_arithmetic_on_columns() {
        // Every numeric column is cast before it is scaled, so an INTEGER or
        // DECIMAL column divides as a double.
        for dialect in Dialect::ALL {
            let sql = rules_sql(&model(), dialect);
            let bare = format!("({} - ", dialect.quote_ident("x"));
            assert!(!sql.contains(&bare), "{dialect}: {sql}");
        }
    }

    #[test]
    fn select_renders_kept_columns_table_and_cluster() {
        let m = model();
        let sql = select_sql(&m, Dialect::Duckdb, "sales.customers", &["id", "x"]);
        assert!(sql.starts_with("SELECT \"id\", \"x\",\nCASE\n"), "{sql}");
        assert!(
            sql.ends_with("\nEND AS \"cluster\"\nFROM sales.customers"),
            "{sql}"
        );
        assert!(sql.contains(&rules_sql(&m, Dialect::Duckdb)));
        let all = select_sql(&m, Dialect::Spark, "customers", &[]);
        assert!(all.starts_with("SELECT *,\nCASE"), "{all}");
        assert!(all.ends_with("END AS `cluster`\nFROM customers"), "{all}");
    }

    #[cfg(feature = "cli")]
    #[test]
    fn names_are_the_command_line_values() {
        use clap::ValueEnum;
        for d in Dialect::ALL {
            assert_eq!(Dialect::from_str(d.name(), false), Ok(d));
            assert_eq!(d.to_string(), d.name());
        }
        assert_eq!(Dialect::value_variants().len(), Dialect::ALL.len());
        assert_eq!(Dialect::default(), Dialect::Ansi);
    }
}
