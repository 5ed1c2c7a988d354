//! The template engine: minijinja with trimmed blocks, auto-escaping every
//! value of an `.html` template but those the template marks `safe` (the
//! charts' SVG, which plotters wrote, and the SQL, escaped beforehand).

use super::error::ReportError;

fn environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
        .expect("the default delimiters are valid");
    env.set_syntax(syntax);
    env
}

fn template_error(e: minijinja::Error) -> ReportError {
    ReportError::Template(e.to_string())
}

/// The template `source`, registered as `name` (whose extension decides
/// the escaping), rendered with `context`.
pub(super) fn render(
    name: &'static str,
    source: &'static str,
    context: minijinja::Value,
) -> Result<String, ReportError> {
    let mut env = environment();
    env.add_template(name, source).map_err(template_error)?;
    env.get_template(name)
        .and_then(|t| t.render(context))
        .map_err(template_error)
}
