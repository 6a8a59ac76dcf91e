//! The store owns the table's keys: no use case spells a key attribute, a key prefix or a range
//! end, and every key prefix of the store is listed here with the reads of a customer's
//! partition that see it, so that a new prefix cannot fall inside or outside a range read
//! unnoticed (`store::CustomerRange`, docs/data-model.md).

use crate::sources::{is_test, parse, rust_files, shown};
use proc_macro2::{TokenStream, TokenTree};
use shared::store::CustomerRange::{self, *};
use std::collections::BTreeMap;
use syn::visit::{self, Visit};

/// What in the use cases' code would spell a key.
fn spells_a_key(token: &str) -> bool {
    let name = token.trim_matches('"');
    if token.starts_with('"') {
        return matches!(name, "pk" | "sk");
    }
    let upper = name
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    let key_const = ["_PK", "_SK", "_PREFIX", "_END"]
        .iter()
        .any(|end| name.ends_with(end));
    (upper && key_const) || name.ends_with("_pk")
}

struct Spelled {
    found: Vec<String>,
}

impl Spelled {
    fn tokens(&mut self, tokens: TokenStream) {
        for tree in tokens {
            match tree {
                TokenTree::Group(g) => self.tokens(g.stream()),
                TokenTree::Ident(i) if spells_a_key(&i.to_string()) => {
                    self.found.push(i.to_string())
                }
                TokenTree::Literal(l) if spells_a_key(&l.to_string()) => {
                    self.found.push(l.to_string())
                }
                _ => {}
            }
        }
    }
}

impl<'ast> Visit<'ast> for Spelled {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !is_test(&m.attrs) {
            visit::visit_item_mod(self, m);
        }
    }
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if !is_test(&f.attrs) {
            visit::visit_item_fn(self, f);
        }
    }
    fn visit_lit_str(&mut self, l: &'ast syn::LitStr) {
        let token = format!("{:?}", l.value());
        if spells_a_key(&token) {
            self.found.push(token);
        }
    }
    fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
        if spells_a_key(&i.to_string()) {
            self.found.push(i.to_string());
        }
    }
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.tokens(m.tokens.clone());
    }
}

fn spelled_in(file: &syn::File) -> Vec<String> {
    let mut spelled = Spelled { found: Vec::new() };
    spelled.visit_file(file);
    spelled.found
}

#[test]
fn no_use_case_spells_a_key_attribute_a_key_prefix_or_a_range_end() {
    let files = rust_files("shared/src/usecases");
    assert!(files.len() >= 10, "read the use cases: {files:?}");
    let found: Vec<String> = files
        .iter()
        .flat_map(|path| {
            spelled_in(&parse(path))
                .into_iter()
                .map(move |s| format!("  {}: {s}", shown(path)))
        })
        .collect();
    assert!(
        found.is_empty(),
        "use cases spell keys; name the read or write in shared/src/store instead:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_finds_key_attributes_prefixes_range_ends_and_partition_keys_in_code_and_macros() {
    let file: syn::File = syn::parse_quote! {
        fn f(item: &Item) {
            let a = item.get("pk");
            let b = store::ADMIN_PREFIX;
            let c = format!("{}", store::VIEW_END);
            let d = store::customer_pk(id);
        }
        #[cfg(test)]
        mod tests { fn g() { let s = "sk"; } }
    };
    assert_eq!(
        spelled_in(&file),
        ["\"pk\"", "ADMIN_PREFIX", "VIEW_END", "customer_pk"]
    );
}

/// Where each key prefix and fixed sort key of the store lives, and for those of a customer's
/// partition, which of its range reads see it. A new constant fails the test below until it
/// is entered here, which is when its position among the ranges is decided.
const PREFIXES: &[(&str, Option<&[CustomerRange]>)] = &[
    ("CUSTOMER_SK", Some(&[Authorisations, State, Everything])),
    ("ACCESS_PREFIX", Some(&[Authorisations, State, Everything])),
    ("ADMIN_PREFIX", Some(&[Authorisations, State, Everything])),
    ("PROC_PREFIX", Some(&[Authorisations, State, Everything])),
    ("TX_PREFIX", Some(&[State, Everything, Transactions])),
    ("HISTORY_PREFIX", Some(&[Everything, History])),
    // A platform admin's emergency access of one hour: only deletion and export read it.
    ("ACCESS_MARKER_PREFIX", Some(&[Everything])),
    // Other partitions: the directory and its leavers, the overview index, identities and
    // their memberships, invitations, idempotency records, imports and deletion records.
    ("SPECIALISTS_PK", None),
    ("LEAVER_PREFIX", None),
    ("OVERVIEW_PK", None),
    ("IDENTITY_SK", None),
    ("MEMBERSHIP_PREFIX", None),
    ("INVITATION_PREFIX", None),
    ("IDEMPOTENCY_SK", None),
    ("IMPORT_SK", None),
    ("ROW_PREFIX", None),
    ("ERROR_PREFIX", None),
    ("DELETIONS_PK", None),
    // The partitions of the sparse due index (`gsi3`): pending reminders, reviews, and each
    // specialist's own reviews.
    ("REMINDERS_PK", None),
    ("REVIEWS_PK", None),
    ("OWN_REVIEWS_PREFIX", None),
    // The maintenance state: the backfill's cursor and whether it is done.
    ("MAINTENANCE_PK", None),
    ("BACKFILL_SK", None),
];

/// The string constants of the store whose names say they are keys or key prefixes.
fn key_constants() -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    for path in rust_files("shared/src/store") {
        for item in parse(&path).items {
            let syn::Item::Const(c) = item else { continue };
            let name = c.ident.to_string();
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(value),
                ..
            }) = c.expr.as_ref()
            else {
                continue;
            };
            if ["_PK", "_SK", "_PREFIX"].iter().any(|e| name.ends_with(e)) {
                found.insert(name, value.value());
            }
        }
    }
    found
}

#[test]
fn every_key_prefix_of_the_store_is_listed_with_the_reads_of_a_customer_that_see_it() {
    let constants = key_constants();
    let listed: Vec<&str> = PREFIXES.iter().map(|(name, _)| *name).collect();
    let defined: Vec<&str> = constants.keys().map(String::as_str).collect();
    let mut sorted = listed.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted, defined,
        "the key constants of shared/src/store and PREFIXES here name the same keys: enter a \
         new one with the ranges of a customer's partition that must see it"
    );
    for (name, expected) in PREFIXES {
        let Some(expected) = expected else { continue };
        // The fixed sort key itself, or one with this prefix.
        let value = &constants[*name];
        let sort_key = if name.ends_with("_SK") {
            value.clone()
        } else {
            format!("{value}01JZ")
        };
        let seen: Vec<CustomerRange> = CustomerRange::ALL
            .into_iter()
            .filter(|range| range.sort_key().matches(&sort_key))
            .collect();
        assert_eq!(&seen, expected, "the ranges that see {name} ({sort_key:?})");
    }
}
