//! The layers of `shared/src` and which may depend on which (docs/architecture.md): every
//! `crate::`, `super::` and `self::` path of the non-test code, in `use` lines, in code and in
//! macro calls, is a dependency of its module on the top-level module it names.

use crate::sources::{is_test, parse, root, rust_files, shown};
use proc_macro2::{TokenStream, TokenTree};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use syn::visit::{self, Visit};

/// Each layer: its top-level modules of `shared/src` and the layers it may depend on, lowest
/// first. Within a layer modules may use each other, as long as no cycle forms.
const LAYERS: [(&str, &[&str], &[&str]); 8] = [
    ("domain", &["domain", "ids", "auth", "error"], &[]),
    ("ports", &["ports"], &["domain"]),
    (
        "store",
        &["store", "cursor", "fixtures"],
        &["domain", "ports"],
    ),
    ("context", &["config", "app"], &["domain", "ports"]),
    (
        "use cases",
        &["usecases", "messages", "views"],
        &["domain", "ports", "store", "context"],
    ),
    ("adapters", &["adapters"], &["domain", "ports", "store"]),
    ("http", &["http"], &["domain", "context", "use cases"]),
    (
        "functions",
        &["functions", "lambda", "logging"],
        &[
            "domain",
            "ports",
            "store",
            "context",
            "use cases",
            "adapters",
            "http",
        ],
    ),
];

/// What a function binary may use of the library: its definition and the Lambda start.
const BINARIES_MAY_USE: [&str; 2] = ["functions", "lambda"];

fn layer_of(module: &str) -> Option<&'static str> {
    LAYERS
        .iter()
        .find(|(_, modules, _)| modules.contains(&module))
        .map(|(layer, _, _)| *layer)
}

fn may_depend(from: &str, to: &str) -> bool {
    from == to
        || LAYERS
            .iter()
            .any(|(layer, _, allowed)| *layer == from && allowed.contains(&to))
}

/// One dependency: the file it is in, the module it leaves and the one it reaches, and the
/// path that says so.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Dependency {
    file: String,
    from: String,
    to: String,
    path: String,
}

/// The module path of a file of a crate's `src` (`usecases/customers.rs` is
/// `usecases::customers`; the crate roots `lib.rs` and `main.rs` are the crate itself).
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let file = parts.pop().unwrap_or_default();
    let stem = file.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_owned());
    }
    parts
}

/// Collects the paths that leave the top-level module the walk is in.
struct Paths {
    module: Vec<String>,
    found: Vec<(String, String)>,
}

impl Paths {
    /// Resolves `segments` (a path as written) against the module being walked and keeps it
    /// when it names another top-level module.
    fn consider(&mut self, segments: &[String]) {
        let Some(first) = segments.first() else {
            return;
        };
        let resolved: Vec<String> = match first.as_str() {
            "crate" => segments[1..].to_vec(),
            "self" => [&self.module[..], &segments[1..]].concat(),
            "super" => {
                let ups = segments.iter().take_while(|s| *s == "super").count();
                let Some(keep) = self.module.len().checked_sub(ups) else {
                    return;
                };
                [&self.module[..keep], &segments[ups..]].concat()
            }
            _ => return,
        };
        match (resolved.first(), self.module.first()) {
            (Some(to), Some(from)) if to != from => {
                self.found.push((to.clone(), segments.join("::")));
            }
            _ => {}
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => self.consider_with(prefix, n.ident.to_string()),
            syn::UseTree::Rename(r) => self.consider_with(prefix, r.ident.to_string()),
            syn::UseTree::Glob(_) => self.consider_with(prefix, "*".into()),
            syn::UseTree::Group(g) => {
                for tree in &g.items {
                    self.use_tree(prefix, tree);
                }
            }
        }
    }

    fn consider_with(&mut self, prefix: &[String], last: String) {
        let mut segments = prefix.to_vec();
        // `use crate::store::{self, ..}` names the module itself.
        if last != "self" {
            segments.push(last);
        }
        self.consider(&segments);
    }

    /// Macro arguments are tokens, not syntax: a path there is `crate`, `super` or `self`
    /// followed by `::`-separated names.
    fn tokens(&mut self, tokens: TokenStream) {
        let flat = flatten(tokens);
        let mut i = 0;
        while i < flat.len() {
            let starts = matches!(flat[i].as_str(), "crate" | "super" | "self")
                && (i < 2 || flat[i - 1] != ":" || flat[i - 2] != ":");
            if !starts {
                i += 1;
                continue;
            }
            let mut segments = vec![flat[i].clone()];
            i += 1;
            while i + 2 < flat.len() && flat[i] == ":" && flat[i + 1] == ":" {
                segments.push(flat[i + 2].clone());
                i += 3;
            }
            self.consider(&segments);
        }
    }
}

/// Tokens as text, groups opened, so that paths inside brackets are found too.
fn flatten(tokens: TokenStream) -> Vec<String> {
    let mut out = Vec::new();
    for token in tokens {
        match token {
            TokenTree::Group(g) => {
                out.push("(".into());
                out.extend(flatten(g.stream()));
                out.push(")".into());
            }
            TokenTree::Punct(p) => out.push(p.as_char().to_string()),
            other => out.push(other.to_string()),
        }
    }
    out
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if is_test(&m.attrs) {
            return;
        }
        self.module.push(m.ident.to_string());
        visit::visit_item_mod(self, m);
        self.module.pop();
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if !is_test(&f.attrs) {
            visit::visit_item_fn(self, f);
        }
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        if !is_test(&i.attrs) {
            visit::visit_item_impl(self, i);
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        if !is_test(&u.attrs) {
            self.use_tree(&mut Vec::new(), &u.tree);
        }
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        self.consider(&segments);
        visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.tokens(m.tokens.clone());
        visit::visit_macro(self, m);
    }
}

/// The paths in `file` that leave its top-level module, for a file at `module`.
fn paths_leaving(file: &syn::File, module: Vec<String>) -> Vec<(String, String)> {
    let mut paths = Paths {
        module,
        found: Vec::new(),
    };
    paths.visit_file(file);
    paths.found
}

/// Every dependency of one top-level module of `shared/src` on another, one per file and
/// module reached (the first path that reaches it).
fn dependencies() -> Vec<Dependency> {
    dependencies_in("shared/src")
}

/// The same for the crate whose sources are in `dir`.
fn dependencies_in(dir: &str) -> Vec<Dependency> {
    let src = root().join(dir);
    let mut found = BTreeMap::new();
    for path in rust_files(dir) {
        let module = module_of(path.strip_prefix(&src).unwrap());
        let Some(from) = module.first().cloned() else {
            continue;
        };
        for (to, written) in paths_leaving(&parse(&path), module) {
            found
                .entry((shown(&path), to.clone()))
                .or_insert(Dependency {
                    file: shown(&path),
                    from: from.clone(),
                    to,
                    path: written,
                });
        }
    }
    found.into_values().collect()
}

/// The top-level modules that `shared/src/lib.rs` declares.
fn declared_modules() -> BTreeSet<String> {
    parse(&root().join("shared/src/lib.rs"))
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(m) => Some(m.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// The elementary cycles of a directed graph, each once, starting at its smallest module.
fn cycles(edges: &BTreeSet<(String, String)>) -> Vec<Vec<String>> {
    let nodes: BTreeSet<&String> = edges.iter().flat_map(|(a, b)| [a, b]).collect();
    let mut found = Vec::new();
    for start in &nodes {
        let mut path = vec![(*start).clone()];
        walk(edges, start, &mut path, &mut found);
    }
    found
}

fn walk(
    edges: &BTreeSet<(String, String)>,
    start: &str,
    path: &mut Vec<String>,
    found: &mut Vec<Vec<String>>,
) {
    let here = path.last().unwrap().clone();
    for (_, next) in edges.iter().filter(|(a, _)| *a == here) {
        if next == start {
            let mut cycle = path.clone();
            cycle.push(next.clone());
            found.push(cycle);
        } else if next.as_str() > start && !path.contains(next) {
            path.push(next.clone());
            walk(edges, start, path, found);
            path.pop();
        }
    }
}

#[test]
fn every_module_of_the_library_belongs_to_one_layer() {
    let declared = declared_modules();
    let placed: BTreeSet<String> = LAYERS
        .iter()
        .flat_map(|(_, modules, _)| modules.iter().map(|m| m.to_string()))
        .collect();
    assert!(declared.len() >= 15, "read lib.rs: {declared:?}");
    assert_eq!(
        declared, placed,
        "shared/src/lib.rs and the layers of docs/architecture.md name the same modules"
    );
}

#[test]
fn the_library_depends_only_on_lower_layers() {
    let dependencies = dependencies();
    assert!(
        dependencies.len() >= 40,
        "read the sources: {dependencies:?}"
    );
    let forbidden: Vec<String> = dependencies
        .iter()
        .filter_map(|d| {
            let from = layer_of(&d.from).unwrap_or("none");
            let to = layer_of(&d.to).unwrap_or("none");
            (!may_depend(from, to)).then(|| {
                format!(
                    "  {}: {} ({from}) -> {} ({to}) by {}",
                    d.file, d.from, d.to, d.path
                )
            })
        })
        .collect();
    assert!(
        forbidden.is_empty(),
        "{} dependencies the layers forbid (docs/architecture.md):\n{}",
        forbidden.len(),
        forbidden.join("\n")
    );
}

/// The crates whose modules must form no cycle: the library, the local server and the bench.
const ACYCLIC: &[&str] = &["shared/src", "local-server/src", "bench/src"];

#[test]
fn the_modules_of_the_library_the_local_server_and_the_bench_form_no_cycle() {
    let mut found = Vec::new();
    for dir in ACYCLIC {
        let dependencies = dependencies_in(dir);
        assert!(dependencies.len() >= 3, "read {dir}: {dependencies:?}");
        let edges: BTreeSet<(String, String)> =
            dependencies.into_iter().map(|d| (d.from, d.to)).collect();
        found.extend(
            cycles(&edges)
                .iter()
                .map(|c| format!("  {dir}: {}", c.join(" -> "))),
        );
    }
    assert!(
        found.is_empty(),
        "{} module cycles:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_function_binaries_use_only_their_definition_and_the_lambda_start() {
    let mut files = 0;
    let mut forbidden = Vec::new();
    for path in rust_files("functions") {
        files += 1;
        let file = parse(&path);
        let mut paths = SharedPaths::default();
        paths.visit_file(&file);
        for used in paths.found {
            if !BINARIES_MAY_USE.contains(&used.as_str()) {
                forbidden.push(format!("  {}: shared::{used}", shown(&path)));
            }
        }
    }
    assert!(files >= 5, "read the function binaries: {files} files");
    assert!(
        forbidden.is_empty(),
        "a function binary wires `shared::functions` and `shared::lambda` only:\n{}",
        forbidden.join("\n")
    );
}

/// The modules of `shared` that `shared::` paths name.
#[derive(Default)]
struct SharedPaths {
    found: BTreeSet<String>,
}

impl<'ast> Visit<'ast> for SharedPaths {
    fn visit_path(&mut self, p: &'ast syn::Path) {
        let mut segments = p.segments.iter().map(|s| s.ident.to_string());
        if segments.next().as_deref() == Some("shared") {
            self.found.insert(segments.next().unwrap_or_default());
        }
        visit::visit_path(self, p);
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        if let syn::UseTree::Path(p) = &u.tree
            && p.ident == "shared"
        {
            let mut names = Vec::new();
            top_names(&p.tree, &mut names);
            self.found.extend(names);
        }
    }
}

fn top_names(tree: &syn::UseTree, names: &mut Vec<String>) {
    match tree {
        syn::UseTree::Path(p) => names.push(p.ident.to_string()),
        syn::UseTree::Name(n) => names.push(n.ident.to_string()),
        syn::UseTree::Rename(r) => names.push(r.ident.to_string()),
        syn::UseTree::Glob(_) => names.push("*".into()),
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| top_names(t, names)),
    }
}

#[test]
fn paths_in_use_lines_code_and_macros_are_resolved_to_their_top_level_module() {
    let src = r#"
        use crate::ports::{Item, Key};
        use super::sibling;
        use super::super::store::*;
        use self::inner::Thing;
        fn f() -> crate::error::Result<()> {
            tracing::info!(x = %crate::ids::new_id("c"));
            Ok(())
        }
        mod inner {
            use super::super::app::App;
            use crate::usecases::me;
        }
        #[cfg(test)]
        mod tests {
            use crate::adapters::memory::MemoryTable;
        }
    "#;
    let file = syn::parse_file(src).unwrap();
    let found: BTreeSet<String> = paths_leaving(&file, vec!["http".into(), "extract".into()])
        .into_iter()
        .map(|(to, _)| to)
        .collect();
    let expected = ["error", "ids", "ports", "store", "usecases"];
    assert_eq!(
        found,
        expected.iter().map(|s| s.to_string()).collect(),
        "`super::sibling`, `self::inner` and `super::super::app` (from `mod inner`) stay in \
         `http`; test modules do not count"
    );
}

#[test]
fn a_cycle_is_found_once_from_its_smallest_module() {
    let edges: BTreeSet<(String, String)> = [
        ("app", "config"),
        ("config", "functions"),
        ("functions", "app"),
        ("functions", "http"),
        ("http", "usecases"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(
        cycles(&edges),
        [["app", "config", "functions", "app"]],
        "one cycle, the acyclic edges left out"
    );
}

#[test]
fn a_layer_may_use_itself_and_the_layers_it_names_only() {
    assert!(may_depend("use cases", "use cases"));
    assert!(may_depend("use cases", "context"));
    assert!(may_depend("functions", "adapters"));
    assert!(
        !may_depend("context", "functions"),
        "config reads no router"
    );
    assert!(!may_depend("adapters", "use cases"));
    assert!(
        !may_depend("http", "store"),
        "http reaches storage through use cases"
    );
    assert!(!may_depend("domain", "ports"));
    assert_eq!(layer_of("config"), Some("context"));
    assert_eq!(layer_of("nowhere"), None);
}
