//! No non-test function over 80 lines in the shipped code and the benchmark: free functions,
//! impl and trait methods, counted from `fn` to the closing brace.

use crate::sources::{is_test, parse, rust_files, shown};
use syn::visit::{self, Visit};

/// The project's limit on a function's length.
const MAX_LINES: usize = 80;

/// The directories whose functions the limit covers.
const DIRS: [&str; 4] = ["shared/src", "functions", "local-server/src", "bench"];

/// A function, where it is, and how long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub name: String,
    pub first: usize,
    pub last: usize,
}

impl Function {
    pub fn lines(&self) -> usize {
        self.last - self.first + 1
    }
}

/// Every non-test function with a body in `file`; impl and trait methods carry the type's or
/// trait's name (`Type::method`).
pub fn functions(file: &syn::File) -> Vec<Function> {
    let mut finder = Finder::default();
    finder.visit_file(file);
    finder.found
}

#[derive(Default)]
struct Finder {
    /// The impl or trait being walked, for method names.
    owner: Vec<String>,
    found: Vec<Function>,
}

impl Finder {
    fn record(&mut self, ident: &syn::Ident, fn_token: &syn::token::Fn, block: &syn::Block) {
        let name = match self.owner.last() {
            Some(owner) => format!("{owner}::{ident}"),
            None => ident.to_string(),
        };
        self.found.push(Function {
            name,
            first: fn_token.span.start().line,
            last: block.brace_token.span.close().end().line,
        });
    }
}

fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        syn::Type::Reference(r) => type_name(&r.elem),
        _ => "_".into(),
    }
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !is_test(&m.attrs) {
            visit::visit_item_mod(self, m);
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if is_test(&f.attrs) {
            return;
        }
        // A function inside a method is a free function of its own.
        let outer = std::mem::take(&mut self.owner);
        self.record(&f.sig.ident, &f.sig.fn_token, &f.block);
        visit::visit_item_fn(self, f);
        self.owner = outer;
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        if is_test(&i.attrs) {
            return;
        }
        self.owner.push(type_name(&i.self_ty));
        visit::visit_item_impl(self, i);
        self.owner.pop();
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if is_test(&f.attrs) {
            return;
        }
        self.record(&f.sig.ident, &f.sig.fn_token, &f.block);
        visit::visit_impl_item_fn(self, f);
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        if is_test(&t.attrs) {
            return;
        }
        self.owner.push(t.ident.to_string());
        visit::visit_item_trait(self, t);
        self.owner.pop();
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if is_test(&f.attrs) {
            return;
        }
        if let Some(block) = &f.default {
            self.record(&f.sig.ident, &f.sig.fn_token, block);
        }
        visit::visit_trait_item_fn(self, f);
    }
}

#[test]
fn no_non_test_function_is_over_80_lines() {
    let mut files = 0;
    let mut offenders = Vec::new();
    for dir in DIRS {
        for path in rust_files(dir) {
            files += 1;
            for f in functions(&parse(&path)) {
                if f.lines() > MAX_LINES {
                    offenders.push((f.lines(), shown(&path), f));
                }
            }
        }
    }
    assert!(files >= 50, "read the sources: {files} files");
    offenders.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let list: Vec<String> = offenders
        .iter()
        .map(|(lines, file, f)| {
            format!(
                "  {file}: {} has {lines} lines ({}-{})",
                f.name, f.first, f.last
            )
        })
        .collect();
    assert!(
        list.is_empty(),
        "{} functions over {MAX_LINES} lines; split them into steps with names:\n{}",
        list.len(),
        list.join("\n")
    );
}

#[test]
fn functions_are_measured_from_fn_to_the_closing_brace_and_test_code_is_left_out() {
    let body = |n: usize| "    let _ = 1;\n".repeat(n);
    let src = format!(
        "/// Doc.\n#[inline]\npub fn free() {{\n{}}}\n\
         struct S;\nimpl S {{\n    fn method(&self) {{\n{}    }}\n}}\n\
         trait T {{\n    fn declared(&self);\n    fn provided(&self) {{\n{}    }}\n}}\n\
         #[test]\nfn a_test() {{\n{}}}\n\
         #[cfg(test)]\nmod tests {{\n    fn helper() {{\n{}    }}\n}}\n",
        body(78),
        body(79),
        body(1),
        body(100),
        body(100)
    );
    let found = functions(&syn::parse_file(&src).unwrap());
    let summary: Vec<(&str, usize)> = found.iter().map(|f| (f.name.as_str(), f.lines())).collect();
    assert_eq!(
        summary,
        [("free", 80), ("S::method", 81), ("T::provided", 3)],
        "doc lines and attributes do not count; tests and declarations are not functions"
    );
    assert_eq!(found[0].first, 3, "the line of `fn`");
}
