//! The layout by concept (docs/ARCHITECTURE.md), checked on the source: the web crate's
//! foundation (state, http, error, pages) imports no concept; concepts import neither the
//! router nor the desk; and the concept folders import each other without a circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const FOUNDATION: [&str; 4] = ["state", "http", "error", "pages"];
const TOP: [&str; 3] = ["app", "console", "api"];

/// Top-level module of every `crate::x` path in the web crate, per top-level module.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/web/src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&root).unwrap();
        let first = rel.components().next().unwrap().as_os_str().to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        let text = std::fs::read_to_string(&f).unwrap();
        let deps = graph.entry(module.clone()).or_default();
        for (i, _) in text.match_indices("crate::") {
            let name: String = text[i + 7..].chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
            if !name.is_empty() && name != module {
                deps.insert(name);
            }
        }
    }
    graph
}

#[test]
fn concepts_form_layers_without_a_circle() {
    let g = imports();
    assert!(g.len() >= 12, "the walk found the modules: {:?}", g.keys());
    let is_concept = |m: &str| !FOUNDATION.contains(&m) && !TOP.contains(&m) && m != "lib";
    for (m, deps) in &g {
        if FOUNDATION.contains(&m.as_str()) {
            let bad: Vec<_> = deps.iter().filter(|d| !FOUNDATION.contains(&d.as_str())).collect();
            assert!(bad.is_empty(), "foundation module {m} imports {bad:?}");
        } else if is_concept(m) {
            let bad: Vec<_> = deps.iter().filter(|d| TOP.contains(&d.as_str())).collect();
            assert!(bad.is_empty(), "concept {m} imports the top {bad:?}");
        }
    }
    // Depth-first search for a circle among the concepts.
    fn visit<'a>(
        m: &'a str,
        g: &'a BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
        is_concept: &dyn Fn(&str) -> bool,
    ) {
        if done.contains(m) {
            return;
        }
        assert!(!path.contains(&m), "import circle: {} -> {m}", path.join(" -> "));
        path.push(m);
        for d in g.get(m).into_iter().flatten().filter(|d| is_concept(d)) {
            visit(d, g, path, done, is_concept);
        }
        path.pop();
        done.insert(m);
    }
    let mut done = BTreeSet::new();
    for m in g.keys().filter(|m| is_concept(m)) {
        visit(m, &g, &mut Vec::new(), &mut done, &is_concept);
    }
    assert!(done.len() >= 8, "concepts checked: {done:?}");
}
