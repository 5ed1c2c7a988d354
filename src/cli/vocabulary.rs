//! The library names a setting in its messages as the setting (`` `drop
//! weight` ``, `` `backend highs` ``, `` `delimiter` ``); the command line
//! says the flag that sets it (`--drop weight`, `--backend highs`,
//! `--delimiter`). Messages reach the user through [`with_flags`].

/// The library's settings and the flags that set them.
const FLAGS: &[(&str, &str)] = &[
    ("backend", "--backend"),
    ("categorical", "--categorical"),
    ("clusters", "--clusters"),
    ("column", "--column"),
    ("dates", "--dates"),
    ("decimal", "--decimal"),
    ("delimiter", "--delimiter"),
    ("dims", "--dims"),
    ("drop", "--drop"),
    ("interactions", "--interactions"),
    ("label_column", "--label-column"),
    ("labels_from", "--labels-from"),
    ("max_levels", "--max-levels"),
    ("missing", "--missing"),
    ("target", "--target"),
];

/// Phrases the command line says its own way (checked before [`FLAGS`]).
const PHRASES: &[(&str, &str)] = &[("leave `label_column` unset", "pass --no-label")];

/// `message` with every setting the library names (`` `name value` ``, a
/// name of [`FLAGS`]) written as its flag (`--name value`); other text,
/// backquoted or not, is left as it is.
pub(crate) fn with_flags(message: &str) -> String {
    let mut text = message.to_string();
    for (library, cli) in PHRASES {
        text = text.replace(library, cli);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(open) = rest.find('`') {
        let Some(len) = rest[open + 1..].find('`') else {
            break;
        };
        let inner = &rest[open + 1..open + 1 + len];
        let (name, value) = inner.split_once(' ').unwrap_or((inner, ""));
        match FLAGS.iter().find(|(setting, _)| *setting == name) {
            Some((_, flag)) => {
                out.push_str(&rest[..open]);
                out.push_str(flag);
                if !value.is_empty() {
                    out.push(' ');
                    out.push_str(value);
                }
            }
            None => out.push_str(&rest[..open + 1 + len + 1]),
        }
        rest = &rest[open + 1 + len + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::with_flags;

    #[test]
    fn settings_become_flags_and_other_quotes_stay() {
        assert_eq!(
            with_flags("leave it out with `drop weight`, or raise `max_levels 60`"),
            "leave it out with --drop weight, or raise --max-levels 60"
        );
        assert_eq!(
            with_flags("(`delimiter` sets it); run `polyclust explain`"),
            "(--delimiter sets it); run `polyclust explain`"
        );
        assert_eq!(
            with_flags("leave `label_column` unset when the file has none"),
            "pass --no-label when the file has none"
        );
        assert_eq!(with_flags("an odd ` quote"), "an odd ` quote");
    }
}
