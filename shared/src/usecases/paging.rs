//! Paged lists: the rule of the `limit` parameter, and cursors that are signed and bound to
//! the one query they continue (`crate::cursor`), so that a forged or foreign one is 400.

use crate::app::App;
use crate::domain::{Collector, FieldError};
use crate::error::{Error, Result};
use crate::ports::Item;

/// The largest page any list serves.
pub const MAX_LIMIT: usize = 100;

/// `limit` as sent (surrounding blanks ignored, blank means `default`): a whole number from 1
/// to [`MAX_LIMIT`], or a field error in `c`.
pub fn limit(c: &mut Collector, raw: Option<&str>, default: usize) -> Option<usize> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(default),
        Some(raw) => c.check(
            "limit",
            raw.parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    crate::domain::Reason::new(
                        crate::domain::Code::OutOfRange,
                        format!("must be a whole number from 1 to {MAX_LIMIT}"),
                    )
                    .min(1)
                    .max(MAX_LIMIT)
                }),
        ),
    }
}

/// Where the page that `cursor` asks for starts: `None` for the first page (no or an empty
/// cursor), 400 for a cursor that was not issued for `scope`.
pub fn start_after(app: &App, scope: &str, cursor: Option<&str>) -> Result<Option<Item>> {
    match cursor.filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(c) => crate::cursor::decode(&app.settings.cursor_key, scope, c)
            .map(Some)
            .ok_or_else(|| Error::BadRequest {
                detail: "The cursor is not valid for this query.".into(),
                errors: vec![FieldError::new(
                    "cursor",
                    crate::domain::Reason::new(crate::domain::Code::InvalidCursor, "is not valid"),
                )],
            }),
    }
}

/// The cursor of the page after the one that ends with the item whose key is `last_key`.
pub fn cursor_after(app: &App, scope: &str, last_key: &Item) -> String {
    crate::cursor::encode(&app.settings.cursor_key, scope, last_key)
}

/// Cuts a page read with one item more than `limit` down to `limit`, and gives the cursor of
/// the next page when that extra item existed (keyed by the table's `pk` and `sk`).
pub fn cut(app: &App, scope: &str, items: &mut Vec<Item>, limit: usize) -> Option<String> {
    if items.len() <= limit {
        return None;
    }
    items.truncate(limit);
    let key = items.last().and_then(crate::store::table_page_key)?;
    Some(cursor_after(app, scope, &key))
}

/// `cut` for a page of an index query: the next page's cursor carries the index's keys too.
pub fn cut_index(
    app: &App,
    scope: &str,
    items: &mut Vec<Item>,
    limit: usize,
    index: crate::ports::Index,
) -> Option<String> {
    if items.len() <= limit {
        return None;
    }
    items.truncate(limit);
    let last = items.last()?;
    Some(cursor_after(
        app,
        scope,
        &crate::store::page_key(last, index),
    ))
}
