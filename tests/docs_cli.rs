//! `docs/cli.md` ends with the reference of every command: the `--help` of
//! each subcommand, as the binary prints it. This test fails when that part
//! of the file differs from what the binary prints, so the reference cannot
//! drift from the flags. Regenerate it with
//! `POLYCLUST_UPDATE_DOCS=1 cargo test --test docs_cli`.

use std::path::Path;
use std::process::Command;

/// The line after which `docs/cli.md` is generated.
const MARKER: &str = "<!-- Generated from `polyclust <command> --help` by tests/docs_cli.rs: do not edit below this line. -->";

fn help(path: &[String]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_polyclust"))
        .args(path)
        .arg("--help")
        .env("NO_COLOR", "1")
        .output()
        .expect("run polyclust --help");
    assert!(
        out.status.success(),
        "polyclust {} --help failed: {}",
        path.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("help is UTF-8")
}

/// The subcommands a help text lists under `Commands:`, without `help`.
fn subcommands(help: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut inside = false;
    for line in help.lines() {
        if line == "Commands:" {
            inside = true;
            continue;
        }
        if !inside {
            continue;
        }
        if line.is_empty() || !line.starts_with("  ") {
            break;
        }
        // A name sits at an indent of two; a wrapped description deeper.
        if line.as_bytes()[2] != b' ' {
            let name = line.split_whitespace().next().unwrap();
            if name != "help" {
                names.push(name.to_string());
            }
        }
    }
    names
}

fn reference(path: Vec<String>, out: &mut String) {
    let text = help(&path);
    let title = if path.is_empty() {
        "polyclust".to_string()
    } else {
        format!("polyclust {}", path.join(" "))
    };
    // `### polyclust`, `### polyclust cluster`, `#### polyclust bench paper`.
    let level = "#".repeat(2 + path.len().max(1));
    out.push_str(&format!("\n{level} `{title}`\n\n"));
    out.push_str("```text\n");
    out.push_str(text.trim_end());
    out.push_str("\n```\n");
    for name in subcommands(&text) {
        let mut sub = path.clone();
        sub.push(name);
        reference(sub, out);
    }
}

#[test]
fn cli_reference_matches_the_binary() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cli.md");
    let text = std::fs::read_to_string(&file).expect("read docs/cli.md");
    let at = text
        .find(MARKER)
        .expect("docs/cli.md holds the generated-reference marker");
    let head = &text[..at + MARKER.len()];
    let mut generated = String::new();
    reference(Vec::new(), &mut generated);
    let expected = format!("{head}\n{generated}");
    if std::env::var_os("POLYCLUST_UPDATE_DOCS").is_some() {
        std::fs::write(&file, &expected).expect("write docs/cli.md");
        return;
    }
    assert!(
        text == expected,
        "docs/cli.md is stale: the command line's --help changed. Regenerate it with \
         `POLYCLUST_UPDATE_DOCS=1 cargo test --test docs_cli` and commit the result"
    );
}
