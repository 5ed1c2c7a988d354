//! The documentation holds together: every relative link of the README, the
//! changelog and the pages under `docs/` names a file that exists (and, with
//! `#anchor`, a heading of it), and the README's library example is the one
//! `examples/library.rs` compiles.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Markdown files whose links are checked.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md"), root().join("CHANGELOG.md")];
    let mut dirs = vec![root().join("docs")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read docs/") {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                pages.push(path);
            }
        }
    }
    pages.sort();
    pages
}

/// The text of a page outside fenced code blocks, with inline code removed.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut code = false;
        for c in line.chars() {
            if c == '`' {
                code = !code;
            } else if !code {
                out.push(c);
            }
        }
        out.push('\n');
    }
    out
}

/// The targets of the page's `[text](target)` and `![alt](target)` links.
fn links(text: &str) -> Vec<String> {
    let text = prose(text);
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        match after.find(')') {
            Some(end) => {
                let target = after[..end].split_whitespace().next().unwrap_or("");
                out.push(target.to_string());
                rest = &after[end..];
            }
            None => break,
        }
    }
    out
}

/// GitHub's anchor of a heading.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn anchors(page: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(page).unwrap();
    let mut fenced = false;
    let mut out = BTreeSet::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            out.insert(slug(line.trim_start_matches('#')));
        }
    }
    out
}

#[test]
fn relative_links_resolve() {
    let mut broken = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let dir = page.parent().unwrap();
        for target in links(&text) {
            if target.is_empty()
                || target.starts_with("http://")
                || target.starts_with("https://")
                || target.starts_with("mailto:")
            {
                continue;
            }
            let (file, anchor) = match target.split_once('#') {
                Some((file, anchor)) => (file, Some(anchor)),
                None => (target.as_str(), None),
            };
            let path = if file.is_empty() {
                page.clone()
            } else {
                dir.join(file)
            };
            let shown = page.strip_prefix(root()).unwrap().display().to_string();
            if !path.exists() {
                broken.push(format!("{shown}: {target} (no such file)"));
            } else if let Some(anchor) = anchor {
                if path.extension().is_some_and(|e| e == "md") && !anchors(&path).contains(anchor) {
                    broken.push(format!("{shown}: {target} (no such heading)"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn readme_library_example_is_the_compiled_one() {
    let example = std::fs::read_to_string(root().join("examples/library.rs")).unwrap();
    let begin = example
        .find("// README begin\n")
        .expect("README begin marker")
        + 16;
    let end = example
        .find("    // README end")
        .expect("README end marker");
    let body: Vec<&str> = example[begin..end]
        .lines()
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
        .collect();
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("```rust\n")
        .expect("the README has a Rust example")
        + 8;
    let stop = start + readme[start..].find("```").unwrap();
    let shown: Vec<&str> = readme[start..stop].lines().collect();
    assert_eq!(
        shown, body,
        "the README's Rust example differs from examples/library.rs (between the README markers)"
    );
}

#[test]
fn pages_are_found() {
    let pages = pages();
    for name in ["docs/cli.md", "docs/design.md", "docs/results.md"] {
        assert!(pages.contains(&root().join(name)), "{name} is checked");
    }
    assert!(links("see [a](b.md) and `[c](d)` ```").contains(&"b.md".to_string()));
    assert_eq!(
        slug("Outputs never cost a file"),
        "outputs-never-cost-a-file"
    );
    assert_eq!(
        slug("Two commands (Debian, Rust toolchain, root)"),
        "two-commands-debian-rust-toolchain-root"
    );
}

/// The cells of a Markdown table row, trimmed, bold marks removed.
fn cells(row: &str) -> Vec<String> {
    row.trim()
        .trim_matches('|')
        .split('|')
        .map(|c| c.trim().trim_matches('*').trim().to_string())
        .collect()
}

#[test]
fn readme_results_are_the_generated_means() {
    // The README's table: one row per method, some of the measures of the
    // "Every measure" table of docs/reference/results.md (`bench reference`),
    // whose mean rows it must repeat exactly.
    let generated = std::fs::read_to_string(root().join("docs/reference/results.md")).unwrap();
    let every = &generated[generated
        .find("## Every measure")
        .expect("Every measure table")..];
    let mut rows = every.lines().filter(|l| l.starts_with('|'));
    let header = cells(rows.next().unwrap());
    let means: Vec<Vec<String>> = rows
        .map(cells)
        .filter(|c| c.first().is_some_and(|c| c == "mean"))
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name);

    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let table: Vec<&str> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| method |"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(
        table.len() > 2,
        "the README has a `| method |` results table"
    );
    let shown = cells(table[0]);
    for row in &table[2..] {
        let row = cells(row);
        let method = &row[0];
        let mean = means
            .iter()
            .find(|m| &m[column("method").unwrap()] == method)
            .unwrap_or_else(|| panic!("no mean row for {method} in docs/reference/results.md"));
        for (name, value) in shown.iter().zip(&row).skip(1) {
            let at = column(name)
                .unwrap_or_else(|| panic!("docs/reference/results.md has no column {name}"));
            assert_eq!(
                value, &mean[at],
                "README: {method}, {name} differs from docs/reference/results.md"
            );
        }
    }
}
