//! The library's modules depend on each other one way: the graph of source
//! files, with an edge from a file to every file whose module it names
//! (`use crate::…`, `use super::…`, `use self::…`, a child module's path, a
//! qualified path `crate::a::b::Item` in code) and from a module to every
//! child it declares (`mod child;`), has no cycle.
//!
//! A path names the file of the deepest module it reaches (`a/b.rs` or
//! `a/b/mod.rs`): an item re-exported by a parent `mod.rs` and imported
//! through it makes the child depend on its parent, which depends on the
//! child by declaring it. So shared types live in leaf modules, `mod.rs`
//! files declare and re-export, and a child imports its siblings by their
//! defining path. Comments, string literals and items under `#[cfg(test)]`
//! are not read: tests may use anything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A crate of this package: its root file and the files that belong to it.
struct Crate {
    /// Path of the root file, relative to the package.
    root: &'static str,
    /// Whether a top-level entry of `src/` (a directory or a file without
    /// its `.rs`) belongs to the crate.
    holds: fn(&str) -> bool,
    /// Circles reported but not yet failed, each as the modules (with
    /// everything under them, `a::b` for `src/a/b`) its files lie in. A
    /// circle that reaches a file outside them fails at once.
    not_yet_one_way: &'static [&'static [&'static str]],
}

/// The library: `src/lib.rs` and every module under it. The binary
/// (`src/main.rs`, `src/cli/**`) is a crate of its own.
const LIBRARY: Crate = Crate {
    root: "src/lib.rs",
    holds: |top| top != "cli",
    not_yet_one_way: &[],
};

/// The binary: `src/main.rs` and the command line under `src/cli`.
const BINARY: Crate = Crate {
    root: "src/main.rs",
    holds: |top| top == "cli",
    not_yet_one_way: &[],
};

/// The source files of a crate, by module path (`[]` is the root).
fn modules(src: &Path, krate: &Crate) -> BTreeMap<Vec<String>, PathBuf> {
    let mut out = BTreeMap::new();
    out.insert(Vec::new(), src.parent().unwrap().join(krate.root));
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a readable directory") {
            let path = entry.expect("a directory entry").path();
            let relative: Vec<String> = path
                .strip_prefix(src)
                .unwrap()
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let top = relative[0].strip_suffix(".rs").unwrap_or(&relative[0]);
            if !(krate.holds)(top) {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Some(stem) = relative.last().unwrap().strip_suffix(".rs") else {
                continue;
            };
            let mut module = relative[..relative.len() - 1].to_vec();
            match (module.is_empty(), stem) {
                (true, "lib" | "main") => continue,
                (false, "mod") => {}
                _ => module.push(stem.to_string()),
            }
            out.insert(module, path);
        }
    }
    out
}

/// `text` with comments, string and character literals blanked out (their
/// bytes replaced by spaces, newlines kept).
fn strip_comments_and_literals(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(b.len(), |e| i + e);
                blank(&mut out, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                // Block comments nest.
                let (mut depth, mut j) = (0usize, i);
                while j < b.len() {
                    if b[j..].starts_with(b"/*") {
                        depth += 1;
                        j += 2;
                    } else if b[j..].starts_with(b"*/") {
                        depth -= 1;
                        j += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        j += 1;
                    }
                }
                blank(&mut out, i, j);
                i = j;
            }
            b'r' if (i == 0 || !is_ident(b[i - 1]))
                && matches!(b.get(i + 1), Some(b'"') | Some(b'#')) =>
            {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                let start = i + 2 + hashes;
                let end = b[start..]
                    .windows(close.len())
                    .position(|w| w == close.as_slice())
                    .map_or(b.len(), |p| start + p + close.len());
                blank(&mut out, i, end);
                i = end;
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                blank(&mut out, i, j + 1);
                i = j + 1;
            }
            b'\'' => {
                // A character literal ('x', '\n', '\u{..}'), or a lifetime.
                let end = if b.get(i + 1) == Some(&b'\\') {
                    b[i + 2..]
                        .iter()
                        .position(|&c| c == b'\'')
                        .map(|p| i + 2 + p + 1)
                } else {
                    let width = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                    (b.get(i + 1 + width) == Some(&b'\'')).then_some(i + 2 + width)
                };
                match end {
                    Some(end) => {
                        blank(&mut out, i, end);
                        i = end;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    String::from_utf8(out).expect("blanking keeps UTF-8")
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// `code` (comments and literals stripped) without the items under
/// `#[cfg(test)]`: from the attribute to the end of the item's `;` or of its
/// brace block.
fn strip_test_items(code: &str) -> String {
    let mut out = code.to_string();
    let mut from = 0;
    while let Some(found) = out[from..].find("#[cfg(test)]") {
        let start = from + found;
        let b = out.as_bytes();
        let mut j = start + "#[cfg(test)]".len();
        let mut depth = 0usize;
        while j < b.len() {
            match b[j] {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        j += 1;
                        break;
                    }
                }
                b';' if depth == 0 => {
                    j += 1;
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        let blanked: String = out[start..j]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        out.replace_range(start..j, &blanked);
        from = j;
    }
    out
}

/// Every path of a use tree (`a::{b, c::{d, e as f}, self}`), as segments;
/// `self` inside braces names the prefix itself, `*` and aliases are dropped.
fn expand_use_tree(tree: &str) -> Vec<Vec<String>> {
    fn split_top(s: &str) -> Vec<&str> {
        let (mut parts, mut depth, mut last) = (Vec::new(), 0, 0);
        for (i, c) in s.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(&s[last..i]);
                    last = i + 1;
                }
                _ => {}
            }
        }
        parts.push(&s[last..]);
        parts
    }
    let mut out = Vec::new();
    for part in split_top(tree) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        match part.find('{') {
            Some(open) => {
                let prefix: String = part[..open].split_whitespace().collect();
                let prefix: Vec<String> = prefix
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect();
                let inner = &part[open + 1..part.rfind('}').expect("a closed group")];
                for rest in expand_use_tree(inner) {
                    let mut path = prefix.clone();
                    if rest != ["self"] {
                        path.extend(rest);
                    }
                    out.push(path);
                }
            }
            None => {
                // `a::b as c`: the words before `as`.
                let path: String = part.split_whitespace().take_while(|w| *w != "as").collect();
                let path: Vec<String> = path
                    .split("::")
                    .filter(|s| !s.is_empty() && *s != "*")
                    .map(String::from)
                    .collect();
                out.push(path);
            }
        }
    }
    out
}

/// A path a file names, with the inline modules (`mod name { … }`) it is
/// written in, innermost last: `super::` and `self::` are relative to them.
struct Named {
    inline: Vec<String>,
    path: Vec<String>,
}

/// The paths a file names: its `use` trees, and the qualified paths that
/// begin with `crate::`, `super::` or `self::` in its code. Returns the
/// paths and the child modules it declares with `mod name;`.
fn paths_and_children(code: &str) -> (Vec<Named>, Vec<String>) {
    let b = code.as_bytes();
    let mut paths = Vec::new();
    let mut children = Vec::new();
    // The inline modules open at the current position, with the brace
    // depth outside each.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let word_at = |i: usize, word: &str| {
        b[i..].starts_with(word.as_bytes())
            && (i == 0 || !is_ident(b[i - 1]))
            && b.get(i + word.len()).is_none_or(|&c| !is_ident(c))
    };
    let ident_after = |mut i: usize| {
        while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        let start = i;
        while b.get(i).is_some_and(|&c| is_ident(c)) {
            i += 1;
        }
        (&code[start..i], i)
    };
    let next_non_space = |mut i: usize| {
        while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        b.get(i).copied()
    };
    let names = |inline: &[(String, usize)]| inline.iter().map(|(n, _)| n.clone()).collect();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if inline.last().is_some_and(|(_, outside)| *outside == depth) {
                    inline.pop();
                }
            }
            _ if word_at(i, "mod") => {
                let (name, after) = ident_after(i + 3);
                match next_non_space(after) {
                    Some(b';') if inline.is_empty() => children.push(name.to_string()),
                    Some(b'{') => inline.push((name.to_string(), depth)),
                    _ => {}
                }
                i = after;
                continue;
            }
            _ if word_at(i, "use") => {
                // A `use` declaration, with any visibility, to its `;`.
                let end = code[i..].find(';').map_or(code.len(), |e| i + e);
                for path in expand_use_tree(&code[i + 3..end]) {
                    paths.push(Named {
                        inline: names(&inline),
                        path,
                    });
                }
                i = end;
                continue;
            }
            _ if ["crate::", "super::", "self::"]
                .iter()
                .any(|head| b[i..].starts_with(head.as_bytes()))
                && (i == 0 || !(is_ident(b[i - 1]) || b[i - 1] == b':')) =>
            {
                let end = code[i..]
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .map_or(code.len(), |e| i + e);
                paths.push(Named {
                    inline: names(&inline),
                    path: code[i..end]
                        .split("::")
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect(),
                });
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    (paths, children)
}

/// The file a path names from module `from`: the deepest module on the path
/// that has a file. `None` for paths outside the crate.
fn resolve<'m>(
    path: &[String],
    from: &[String],
    children: &BTreeSet<String>,
    modules: &'m BTreeMap<Vec<String>, PathBuf>,
) -> Option<&'m Vec<String>> {
    let (mut base, rest): (Vec<String>, &[String]) = match path.first()?.as_str() {
        "crate" => (Vec::new(), &path[1..]),
        "self" => (from.to_vec(), &path[1..]),
        "super" => {
            let mut base = from.to_vec();
            let mut rest = path;
            while rest.first().map(String::as_str) == Some("super") {
                base.pop();
                rest = &rest[1..];
            }
            (base, rest)
        }
        // A child module named by its bare path (`use build::finalize`).
        first if children.contains(first) => (from.to_vec(), path),
        _ => return None,
    };
    let mut deepest = base.clone();
    for segment in rest {
        base.push(segment.clone());
        if modules.contains_key(&base) {
            deepest = base.clone();
        } else {
            break;
        }
    }
    modules.get_key_value(&deepest).map(|(k, _)| k)
}

/// The dependency graph of a crate's files, by module path.
fn graph(krate: &Crate) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src, krate);
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(file).expect("a readable source file");
        let code = strip_test_items(&strip_comments_and_literals(&text));
        let (paths, children) = paths_and_children(&code);
        let declared: BTreeSet<String> = children.iter().cloned().collect();
        let out = edges.entry(module.clone()).or_default();
        for child in &children {
            let mut path = module.clone();
            path.push(child.clone());
            if modules.contains_key(&path) {
                out.insert(path);
            }
        }
        for Named { inline, path } in &paths {
            // A bare child path names a child of the file's own module.
            let children = if inline.is_empty() {
                &declared
            } else {
                &BTreeSet::new()
            };
            let from: Vec<String> = module.iter().chain(inline).cloned().collect();
            if let Some(target) = resolve(path, &from, children, &modules) {
                if target != module {
                    out.insert(target.clone());
                }
            }
        }
    }
    edges
}

/// The source file of a module, for messages.
fn file_of(module: &[String], files: &BTreeMap<Vec<String>, PathBuf>) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    files[module]
        .strip_prefix(root)
        .unwrap_or(&files[module])
        .display()
        .to_string()
}

/// The strongly connected components of more than one module, each with a
/// shortest cycle through its first module.
fn cycles(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Component> {
    let reaches = |from: &Vec<String>| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(n) = stack.pop() {
            for next in edges.get(&n).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reach: BTreeMap<&Vec<String>, BTreeSet<Vec<String>>> =
        edges.keys().map(|n| (n, reaches(n))).collect();
    let mut done: BTreeSet<Vec<String>> = BTreeSet::new();
    let mut out = Vec::new();
    for n in edges.keys() {
        if done.contains(n) || !reach[n].contains(n) {
            continue;
        }
        let members: BTreeSet<Vec<String>> = reach[n]
            .iter()
            .filter(|m| reach[m].contains(n))
            .cloned()
            .collect();
        done.extend(members.iter().cloned());
        // A shortest cycle through n: breadth first back to n.
        let mut parent: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([n.clone()]);
        let mut cycle = Vec::new();
        'search: while let Some(m) = queue.pop_front() {
            for next in &edges[&m] {
                if next == n {
                    cycle.push(m.clone());
                    while let Some(p) = parent.get(cycle.last().unwrap()) {
                        cycle.push(p.clone());
                    }
                    if cycle.last() != Some(n) {
                        cycle.push(n.clone());
                    }
                    cycle.reverse();
                    break 'search;
                }
                if members.contains(next) && next != n && !parent.contains_key(next) {
                    parent.insert(next.clone(), m.clone());
                    queue.push_back(next.clone());
                }
            }
        }
        out.push(Component { members, cycle });
    }
    out
}

/// Modules that depend on each other in a circle.
struct Component {
    members: BTreeSet<Vec<String>>,
    cycle: Vec<Vec<String>>,
}

/// Whether every file of a circle lies in the modules of one entry of
/// `krate.not_yet_one_way`.
fn tolerated(krate: &Crate, component: &Component) -> bool {
    krate.not_yet_one_way.iter().any(|entry| {
        component.members.iter().all(|member| {
            entry.iter().any(|prefix| {
                let prefix: Vec<&str> = prefix.split("::").collect();
                member.len() >= prefix.len() && member.iter().zip(&prefix).all(|(a, b)| a == b)
            })
        })
    })
}

/// Panics with every circle of `krate`'s files but the tolerated ones.
fn assert_no_cycle(krate: &Crate) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = modules(&src, krate);
    let edges = graph(krate);
    assert!(edges.len() > 5, "the crate's files were found");
    let (tolerated, found): (Vec<Component>, Vec<Component>) = cycles(&edges)
        .into_iter()
        .partition(|c| tolerated(krate, c));
    for component in &tolerated {
        let names: Vec<String> = component
            .members
            .iter()
            .map(|m| file_of(m, &files))
            .collect();
        eprintln!("import circle not yet removed: {}", names.join(", "));
    }
    let described: Vec<String> = found
        .iter()
        .map(|component| {
            let mut cycle: Vec<String> =
                component.cycle.iter().map(|m| file_of(m, &files)).collect();
            cycle.push(file_of(&component.cycle[0], &files));
            let inner: Vec<String> = component
                .members
                .iter()
                .flat_map(|from| {
                    edges[from]
                        .iter()
                        .filter(|to| component.members.contains(*to))
                        .map(move |to| (from, to))
                })
                .map(|(from, to)| {
                    format!("    {} → {}", file_of(from, &files), file_of(to, &files))
                })
                .collect();
            format!("{}\n  its edges:\n{}", cycle.join(" → "), inner.join("\n"))
        })
        .collect();
    assert!(
        found.is_empty(),
        "{} group(s) of files import each other in a circle:\n{}",
        found.len(),
        described.join("\n")
    );
}

#[test]
fn library_imports_have_no_cycle() {
    assert_no_cycle(&LIBRARY);
}

#[test]
fn binary_imports_have_no_cycle() {
    assert_no_cycle(&BINARY);
}

/// A circle is found, with its members, and a file that only imports into
/// it is not one of them.
#[test]
fn cycles_are_found() {
    let m = |name: &str| vec![name.to_string()];
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    edges.insert(m("a"), [m("b")].into());
    edges.insert(m("b"), [m("c")].into());
    edges.insert(m("c"), [m("a")].into());
    edges.insert(m("d"), [m("a")].into());
    let found = cycles(&edges);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].members, [m("a"), m("b"), m("c")].into());
    assert_eq!(found[0].cycle, vec![m("a"), m("b"), m("c")]);
    edges.insert(m("c"), BTreeSet::new());
    assert!(cycles(&edges).is_empty());
}

/// The scanner reads what it must: use trees, qualified paths, child
/// declarations; it skips comments, literals and test items.
#[test]
fn scanner_reads_paths_and_skips_the_rest() {
    let code = strip_test_items(&strip_comments_and_literals(
        r##"
        //! Doc naming crate::a::b.
        use super::{x::Y, z, self};
        pub(crate) use crate::m::{n::{O, P as Q}, r};
        mod child;
        mod inline { use super::*; fn g() { self::h(); } }
        fn f() { let s = "crate::fake"; let c = '"'; crate::q::r(); super::s::T::new(); }
        /* crate::hidden */
        #[cfg(test)]
        mod tests { use crate::test_only; }
        "##,
    ));
    let (paths, children) = paths_and_children(&code);
    let paths: BTreeSet<String> = paths
        .iter()
        .map(|p| {
            let path = p.path.join("::");
            match p.inline.is_empty() {
                true => path,
                false => format!("{} in {}", path, p.inline.join("::")),
            }
        })
        .collect();
    let want: BTreeSet<String> = [
        "super::x::Y",
        "super::z",
        "super",
        "crate::m::n::O",
        "crate::m::n::P",
        "crate::m::r",
        "crate::q::r",
        "super::s::T::new",
        "super in inline",
        "self::h in inline",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(paths, want);
    assert_eq!(children, vec!["child".to_string()]);
}
