//! The project's Rust sources as the structure checks read them: files under a directory,
//! parsed with `syn`, and which items are test code.

use std::path::{Path, PathBuf};
use syn::punctuated::Punctuated;
use syn::{Attribute, Meta, Token};

/// The workspace root (this package lives in `tests/`), read when the tests run (cargo sets
/// `CARGO_MANIFEST_DIR` for them): a binary built from another checkout that shares the target
/// directory, and that cargo judged fresh, still reads this checkout.
pub fn root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .parent()
        .expect("the tests package sits in the workspace")
        .to_path_buf()
}

/// Every `.rs` file under `dir` (relative to the root), sorted, build output left out.
pub fn rust_files(dir: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    collect(&root().join(dir), &mut files);
    files.sort();
    files
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy();
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') && name != "node_modules" {
                collect(&path, files);
            }
        } else if name.ends_with(".rs") {
            files.push(path);
        }
    }
}

/// The path relative to the root, with `/` separators, for messages.
pub fn shown(path: &Path) -> String {
    let relative = path.strip_prefix(root()).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

pub fn parse(path: &Path) -> syn::File {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", shown(path)));
    syn::parse_file(&text).unwrap_or_else(|e| {
        let at = e.span().start();
        panic!("parsing {}:{}:{}: {e}", shown(path), at.line, at.column)
    })
}

/// Whether attributes mark an item as test code: `#[cfg(test)]` (also inside `all(..)`), or a
/// test function (`#[test]`, `#[tokio::test]`, any attribute whose last segment is `test`).
pub fn is_test(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let path = attr.path();
        if path.is_ident("cfg") {
            attr.parse_args::<Meta>()
                .is_ok_and(|meta| only_under_test(&meta))
        } else {
            path.segments.last().is_some_and(|s| s.ident == "test")
        }
    })
}

/// Whether a `cfg` predicate holds only when compiling tests.
fn only_under_test(meta: &Meta) -> bool {
    match meta {
        Meta::Path(path) => path.is_ident("test"),
        Meta::List(list) if list.path.is_ident("all") => list
            .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            .is_ok_and(|all| all.iter().any(only_under_test)),
        _ => false,
    }
}

#[test]
fn test_attributes_are_told_apart_from_others() {
    let item = |src: &str| -> Vec<Attribute> {
        syn::parse_str::<syn::ItemFn>(&format!("{src}\nfn f() {{}}"))
            .unwrap()
            .attrs
    };
    assert!(is_test(&item("#[test]")));
    assert!(is_test(&item("#[tokio::test]")));
    assert!(is_test(&item("#[cfg(test)]")));
    assert!(is_test(&item("#[cfg(all(test, feature = \"x\"))]")));
    assert!(!is_test(&item("#[cfg(not(test))]")));
    assert!(!is_test(&item("#[cfg(any(test, feature = \"x\"))]")));
    assert!(!is_test(&item("#[cfg(feature = \"event-fixtures\")]")));
    assert!(!is_test(&item("#[inline] /// Docs.")));
}
