//! One clock: no shipped code reads the time of day except through the `Clock` port
//! (`shared/src/ports.rs`), so that the local server's settable clock and the tests' clock
//! move everything that depends on time (expiry, reminders, reviews, limit windows, ids,
//! tokens). A new `SystemTime::now()`, `Utc::now()` or `OffsetDateTime::now_utc()` outside the
//! places listed here fails.
//!
//! The benchmark (`bench/`) is not read: it measures the product from outside, and the data
//! it writes around the product's calls carries the machine's time on purpose. Monotonic
//! `Instant::now()` measures durations, not the time of day, and is allowed everywhere.

use crate::sources::{is_test, parse, rust_files, shown};
use quote::ToTokens;

/// The directories of the shipped code.
const DIRS: [&str; 3] = ["shared/src", "functions", "local-server/src"];

/// The only files that may read the wall clock, and why.
const ALLOWED: [(&str, &str); 2] = [
    (
        "shared/src/ports.rs",
        "the clock's home: SystemClock and the local server's SettableClock",
    ),
    (
        "shared/src/lambda.rs",
        "the Lambda runtime's invocation deadline is a wall-clock instant; the time left is that \
         deadline minus the machine's clock, whatever the product's clock says",
    ),
];

/// Ways to read the time of day, as they appear in tokens without spaces.
const READINGS: [&str; 5] = [
    "SystemTime::now",
    "Utc::now",
    "Local::now",
    "now_utc(",
    "now_local(",
];

/// The readings of the wall clock in the non-test items of `items`.
fn readings(items: &[syn::Item], found: &mut Vec<String>) {
    for item in items {
        let attrs = match item {
            syn::Item::Fn(f) => &f.attrs,
            syn::Item::Mod(m) => &m.attrs,
            syn::Item::Impl(i) => &i.attrs,
            _ => &Vec::new(),
        };
        if is_test(attrs) {
            continue;
        }
        if let syn::Item::Mod(m) = item
            && let Some((_, inner)) = &m.content
        {
            readings(inner, found);
            continue;
        }
        let text: String = item
            .to_token_stream()
            .to_string()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        found.extend(
            READINGS
                .iter()
                .filter(|r| text.contains(*r))
                .map(|r| r.to_string()),
        );
    }
}

#[test]
fn no_shipped_code_reads_the_time_of_day_except_through_the_clock() {
    let mut offenders = Vec::new();
    for dir in DIRS {
        for path in rust_files(dir) {
            let name = shown(&path);
            if ALLOWED.iter().any(|(allowed, _)| *allowed == name) {
                continue;
            }
            let mut found = Vec::new();
            readings(&parse(&path).items, &mut found);
            offenders.extend(found.into_iter().map(|r| format!("{name}: {r}")));
        }
    }
    assert!(
        offenders.is_empty(),
        "read the time from the Clock port (App::now) instead: {offenders:#?}"
    );
}

#[test]
fn a_reading_of_the_wall_clock_is_found_and_one_in_test_code_is_not() {
    let file: syn::File = syn::parse_str(
        "fn a() { let t = time::OffsetDateTime::now_utc(); }
         fn b() { let s = std::time::SystemTime::now(); }
         fn c() { let i = std::time::Instant::now(); }
         #[cfg(test)] mod tests { fn d() { chrono::Utc::now(); } }",
    )
    .unwrap();
    let mut found = Vec::new();
    readings(&file.items, &mut found);
    assert_eq!(found, ["now_utc(", "SystemTime::now"]);
}

#[test]
fn the_allowed_places_exist() {
    for (file, _) in ALLOWED {
        assert!(
            crate::sources::root().join(file).is_file(),
            "{file} is listed as allowed but does not exist"
        );
    }
}
