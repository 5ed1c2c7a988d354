//! SQL dialects: how each engine family spells identifiers, string
//! literals and IEEE doubles (see [`super::sql`] for why every number is a
//! double).
//!
//! ```
//! use polyclust::explain::Dialect;
//!
//! assert_eq!(Dialect::Ansi.quote_ident(r#"a "b""#), r#""a ""b""""#);
//! assert_eq!(Dialect::Spark.quote_ident("a`b"), "`a``b`");
//! assert_eq!(Dialect::Postgres.float(1e-5), "CAST(1e-5 AS DOUBLE PRECISION)");
//! assert_eq!(Dialect::Duckdb.float(0.1), "CAST(1e-1 AS DOUBLE)");
//! assert_eq!(Dialect::Sqlite.float(0.1), "0.1");
//! assert_eq!(Dialect::Spark.text("O'Brien"), r"'O\'Brien'");
//! ```

/// The SQL engine family the rules are written for. Each dialect's SQL runs
/// unchanged in its engines; [`Dialect::Ansi`] runs in SQLite, DuckDB and
/// PostgreSQL alike, Spark SQL needs [`Dialect::Spark`] (double quotes are
/// string literals there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Dialect {
    /// Standard SQL: "double-quoted" names, CAST(… AS DOUBLE PRECISION); runs in SQLite, DuckDB and PostgreSQL.
    #[default]
    Ansi,
    /// SQLite: "double-quoted" names, bare literals, columns CAST(… AS REAL) (SQLite only: REAL is a 4-byte float in DuckDB).
    Sqlite,
    /// DuckDB: "double-quoted" names, CAST(… AS DOUBLE).
    Duckdb,
    /// PostgreSQL: "double-quoted" names, CAST(… AS DOUBLE PRECISION).
    Postgres,
    /// Spark SQL: `backquoted` names, backslash escapes in strings, CAST(… AS DOUBLE).
    Spark,
}

impl Dialect {
    /// Every dialect.
    pub const ALL: [Dialect; 5] = [
        Dialect::Ansi,
        Dialect::Sqlite,
        Dialect::Duckdb,
        Dialect::Postgres,
        Dialect::Spark,
    ];

    /// Name as on the command line (`ansi`, `sqlite`, …).
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Ansi => "ansi",
            Dialect::Sqlite => "sqlite",
            Dialect::Duckdb => "duckdb",
            Dialect::Postgres => "postgres",
            Dialect::Spark => "spark",
        }
    }

    /// The double-precision type as the dialect spells it.
    pub fn double_type(self) -> &'static str {
        match self {
            Dialect::Ansi | Dialect::Postgres => "DOUBLE PRECISION",
            Dialect::Sqlite => "REAL",
            Dialect::Duckdb | Dialect::Spark => "DOUBLE",
        }
    }

    /// A quoted identifier: `"name"` with `""` for a quote inside, or in
    /// Spark `` `name` `` with ``` `` ``` for a backquote inside.
    pub fn quote_ident(self, name: &str) -> String {
        match self {
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A string literal: `'value'` with `''` for a quote inside; Spark
    /// unescapes backslash sequences in literals (its default, unless
    /// `spark.sql.parser.escapedStringLiterals` is set), so there a quote
    /// is `\'` and a backslash `\\`.
    pub fn text(self, value: &str) -> String {
        match self {
            Dialect::Spark => format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'")),
            _ => format!("'{}'", value.replace('\'', "''")),
        }
    }

    /// A double literal that the engine reads back as the same IEEE double.
    /// SQLite reads any decimal literal as a double; elsewhere the shortest
    /// round-trip digits in exponent form (a double already in DuckDB and
    /// Spark, NUMERIC in PostgreSQL) are cast to the double type. The value
    /// must be finite.
    pub fn float(self, v: f64) -> String {
        debug_assert!(v.is_finite(), "SQL literals are finite: {v}");
        match self {
            Dialect::Sqlite => {
                let s = format!("{v:?}");
                if s.contains('.') || s.contains('e') {
                    s
                } else {
                    format!("{s}.0")
                }
            }
            _ => self.cast_double(&format!("{v:e}")),
        }
    }

    /// `CAST(expr AS <double type>)`.
    pub(crate) fn cast_double(self, expr: &str) -> String {
        format!("CAST({expr} AS {})", self.double_type())
    }
}

impl std::fmt::Display for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
