//! Export of the MILP (1)–(12) in CPLEX LP and MPS (free or fixed) formats.
//!
//! The files are written from the same formulation that [`solve`](super::solve)
//! hands to HiGHS and microlp (see the `milp` module doc for the column and
//! row names: `w_pos_d`, `w_neg_d`, `y_d`, `s_d`, `b`, `xi_t`; rows `ci_t`,
//! `cj_t`, `norm`, `sgp_d`, `sgn_d`, `sup_d`, `card`), so an external solver
//! reading them solves exactly the model solved here.

use std::io::{self, Write};

use thiserror::Error;

use super::milp::{Formulation, Kind, Sense};
use super::params::{HyperplaneError, ValidHyperplaneParams};
use super::problem::HyperplaneProblem;

/// MPS flavour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MpsFormat {
    /// Free MPS: whitespace-separated fields, exact numbers.
    #[default]
    Free,
    /// Fixed MPS: fields in fixed columns, names of at most 8 characters,
    /// numbers rounded to fit 12 characters.
    Fixed,
}

/// A model that could not be written.
#[derive(Debug, Error)]
pub enum ExportError {
    /// Invalid problem or parameters.
    #[error(transparent)]
    Invalid(#[from] HyperplaneError),
    /// Writing failed.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// A name does not fit the 8 characters of fixed MPS.
    #[error("name {0:?} is longer than the 8 characters allowed by fixed MPS; use free MPS")]
    NameTooLong(String),
}

fn formulation(
    problem: &HyperplaneProblem,
    params: &ValidHyperplaneParams,
) -> Result<Formulation, ExportError> {
    problem.validate()?;
    if params.beta() > problem.dim() {
        return Err(HyperplaneError::BetaExceedsDimension {
            beta: params.beta(),
            d: problem.dim(),
        }
        .into());
    }
    Ok(Formulation::new(problem, params))
}

/// Shortest exact decimal form; exponent form for very small or large values.
fn num(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && !(1e-4..1e15).contains(&a) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// A number in at most 12 characters (fixed MPS), rounding if needed.
fn num12(v: f64) -> String {
    let s = num(v);
    if s.len() <= 12 {
        return s;
    }
    (0..=11)
        .rev()
        .map(|p| format!("{v:.p$e}"))
        .find(|s| s.len() <= 12)
        .unwrap_or_else(|| format!("{v:.0e}"))
}

fn header(
    w: &mut impl Write,
    comment: &str,
    problem: &HyperplaneProblem,
    params: &ValidHyperplaneParams,
) -> io::Result<()> {
    writeln!(
        w,
        "{comment} polyclust separating hyperplane, MPC paper equations (1)-(12)"
    )?;
    writeln!(
        w,
        "{comment} |Ci| = {}, |Cj| = {}, d = {}, M = {}, beta = {}, epsilon = {}, coefficients = {:?}",
        problem.ci.len(),
        problem.cj.len(),
        problem.dim(),
        params.m(),
        params.beta(),
        num(params.epsilon()),
        params.coefficients()
    )
}

/// Writes a linear expression, a few terms per line.
fn lp_terms(
    w: &mut impl Write,
    f: &Formulation,
    terms: impl Iterator<Item = (usize, f64)>,
) -> io::Result<()> {
    for (i, (j, a)) in terms.enumerate() {
        if i > 0 && i % 8 == 0 {
            write!(w, "\n  ")?;
        }
        let sign = if a < 0.0 { "-" } else { "+" };
        let name = &f.columns[j].name;
        if i == 0 && a >= 0.0 {
            if a == 1.0 {
                write!(w, " {name}")?;
            } else {
                write!(w, " {} {name}", num(a))?;
            }
        } else if a.abs() == 1.0 {
            write!(w, " {sign} {name}")?;
        } else {
            write!(w, " {sign} {} {name}", num(a.abs()))?;
        }
    }
    Ok(())
}

/// Writes the MILP (1)–(12) for `problem` in CPLEX LP format.
///
/// Sections: `Minimize` (1), `Subject To` (2), (3), (5)–(9), `Bounds`
/// (`0 <= w_pos_d <= M`, `b free`, `xi_t >= 0`), `Generals` (integer
/// coefficients, integer mode only) and `Binaries` (`y_d`, `s_d`).
/// `O(n·d)`.
pub fn write_lp<W: Write>(
    problem: &HyperplaneProblem,
    params: &ValidHyperplaneParams,
    mut writer: W,
) -> Result<(), ExportError> {
    let f = formulation(problem, params)?;
    let w = &mut writer;
    header(w, "\\", problem, params)?;
    writeln!(w, "Minimize")?;
    write!(w, " obj:")?;
    lp_terms(
        w,
        &f,
        f.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.cost != 0.0)
            .map(|(j, c)| (j, c.cost)),
    )?;
    writeln!(w)?;
    writeln!(w, "Subject To")?;
    for row in &f.rows {
        write!(w, " {}:", row.name)?;
        lp_terms(w, &f, row.terms.iter().copied())?;
        let op = match row.sense {
            Sense::Le => "<=",
            Sense::Ge => ">=",
        };
        writeln!(w, " {op} {}", num(row.rhs))?;
    }
    writeln!(w, "Bounds")?;
    for c in f.columns.iter().filter(|c| c.kind != Kind::Binary) {
        match (c.lower.is_finite(), c.upper.is_finite()) {
            (false, false) => writeln!(w, " {} free", c.name)?,
            (true, true) => writeln!(w, " {} <= {} <= {}", num(c.lower), c.name, num(c.upper))?,
            (true, false) => writeln!(w, " {} >= {}", c.name, num(c.lower))?,
            (false, true) => writeln!(w, " -inf <= {} <= {}", c.name, num(c.upper))?,
        }
    }
    for (section, kind) in [("Generals", Kind::Integer), ("Binaries", Kind::Binary)] {
        let names: Vec<&str> = f
            .columns
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.name.as_str())
            .collect();
        if !names.is_empty() {
            writeln!(w, "{section}")?;
            for chunk in names.chunks(8) {
                writeln!(w, " {}", chunk.join(" "))?;
            }
        }
    }
    writeln!(w, "End")?;
    writer.flush()?;
    Ok(())
}

/// Writes the MILP (1)–(12) for `problem` in MPS format (free or fixed).
///
/// Integer columns sit between `MARKER INTORG/INTEND` lines; binaries get
/// `BV` bounds, `b` an `FR` bound, integer coefficients `UP` bounds. Fixed
/// MPS rejects names longer than 8 characters ([`ExportError::NameTooLong`])
/// and rounds numbers to 12 characters. `O(n·d)`.
pub fn write_mps<W: Write>(
    problem: &HyperplaneProblem,
    params: &ValidHyperplaneParams,
    format: MpsFormat,
    mut writer: W,
) -> Result<(), ExportError> {
    let f = formulation(problem, params)?;
    if format == MpsFormat::Fixed {
        let long = f
            .columns
            .iter()
            .map(|c| &c.name)
            .chain(f.rows.iter().map(|r| &r.name))
            .find(|n| n.len() > 8);
        if let Some(name) = long {
            return Err(ExportError::NameTooLong(name.clone()));
        }
    }
    let number = |v: f64| match format {
        MpsFormat::Free => num(v),
        MpsFormat::Fixed => num12(v),
    };
    // One data line: up to six fields (code, name, name, value, name, value).
    let line = |w: &mut W, fields: [&str; 6]| -> io::Result<()> {
        let text = match format {
            MpsFormat::Free => {
                let parts: Vec<&str> = fields.iter().copied().filter(|s| !s.is_empty()).collect();
                let indent = if fields[0].is_empty() { "    " } else { " " };
                format!("{indent}{}", parts.join("  "))
            }
            MpsFormat::Fixed => format!(
                " {:<2} {:<8}  {:<8}  {:<12}   {:<8}  {:<12}",
                fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]
            ),
        };
        writeln!(w, "{}", text.trim_end())
    };

    let w = &mut writer;
    header(w, "*", problem, params)?;
    writeln!(w, "NAME          HYPERPLANE")?;
    writeln!(w, "ROWS")?;
    line(w, ["N", "obj", "", "", "", ""])?;
    for row in &f.rows {
        let code = match row.sense {
            Sense::Le => "L",
            Sense::Ge => "G",
        };
        line(w, [code, &row.name, "", "", "", ""])?;
    }

    // Column-wise view of the matrix, objective first.
    let mut by_column: Vec<Vec<(&str, f64)>> = f
        .columns
        .iter()
        .map(|c| {
            if c.cost != 0.0 {
                vec![("obj", c.cost)]
            } else {
                Vec::new()
            }
        })
        .collect();
    for row in &f.rows {
        for &(j, a) in &row.terms {
            by_column[j].push((row.name.as_str(), a));
        }
    }

    writeln!(w, "COLUMNS")?;
    let mut in_integer = false;
    let mut markers = 0;
    for (c, entries) in f.columns.iter().zip(&by_column) {
        let integer = c.kind != Kind::Continuous;
        if integer != in_integer {
            let (name, tag) = if integer {
                (format!("M{markers}"), "'INTORG'")
            } else {
                (format!("M{markers}"), "'INTEND'")
            };
            markers += 1;
            line(w, ["", &name, "'MARKER'", "", tag, ""])?;
            in_integer = integer;
        }
        for pair in entries.chunks(2) {
            let (r1, a1) = pair[0];
            let v1 = number(a1);
            match pair.get(1) {
                Some(&(r2, a2)) => line(w, ["", &c.name, r1, &v1, r2, &number(a2)])?,
                None => line(w, ["", &c.name, r1, &v1, "", ""])?,
            }
        }
    }
    if in_integer {
        line(
            w,
            ["", &format!("M{markers}"), "'MARKER'", "", "'INTEND'", ""],
        )?;
    }

    writeln!(w, "RHS")?;
    for row in f.rows.iter().filter(|r| r.rhs != 0.0) {
        line(w, ["", "RHS", &row.name, &number(row.rhs), "", ""])?;
    }

    writeln!(w, "BOUNDS")?;
    for c in &f.columns {
        match c.kind {
            Kind::Binary => line(w, ["BV", "BND", &c.name, "", "", ""])?,
            _ if !c.lower.is_finite() && !c.upper.is_finite() => {
                line(w, ["FR", "BND", &c.name, "", "", ""])?
            }
            _ => {
                if c.lower != 0.0 {
                    line(w, ["LO", "BND", &c.name, &number(c.lower), "", ""])?;
                }
                if c.upper.is_finite() {
                    line(w, ["UP", "BND", &c.name, &number(c.upper), "", ""])?;
                }
            }
        }
    }
    writeln!(w, "ENDATA")?;
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_exact_or_fit_twelve_characters() {
        assert_eq!(num(0.25), "0.25");
        assert_eq!(num(-3.0), "-3");
        assert_eq!(num(1e-20), "1e-20");
        let v = 0.123_456_789_012_345_67;
        assert_eq!(num(v).parse::<f64>().unwrap(), v);
        let s = num12(v);
        assert!(s.len() <= 12, "{s}");
        assert!((s.parse::<f64>().unwrap() - v).abs() < 1e-8);
        assert!(num12(-1.234_567_891e-7).len() <= 12);
    }
}
