//! Derives the password blocklist that the code embeds from the shipped list of the 100,000
//! most used passwords (`data/passwords/`): lower case, deduplicated, sorted, and only the
//! entries a password can still equal once the length rule has passed (see
//! `src/domain/password.rs`, whose tests check this filter against the whole list).

use std::fmt::Write as _;

/// `Password::MIN_CHARS`: shorter entries are refused by length before the list is asked.
/// Lower-casing never shortens a string, so an entry shorter than this in lower case can
/// never equal an accepted password in lower case.
const MIN_CHARS: usize = 15;
const SOURCE: &str = "data/passwords/ncsc-100k.txt";

fn main() {
    println!("cargo::rerun-if-changed={SOURCE}");
    println!("cargo::rerun-if-changed=build.rs");
    let list = std::fs::read_to_string(SOURCE).expect("the password list is shipped");
    let mut entries: Vec<String> = list
        .lines()
        .map(str::to_lowercase)
        .filter(|e| e.chars().count() >= MIN_CHARS)
        .collect();
    entries.sort();
    entries.dedup();
    let mut out = String::new();
    for e in &entries {
        writeln!(out, "{e}").expect("writing to a string");
    }
    let dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(format!("{dir}/password-blocklist.txt"), out).expect("OUT_DIR is writable");
}
