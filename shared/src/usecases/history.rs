//! A customer's history: the events that every change writes in its own transaction, and
//! `GET /customers/{id}/history`, newest first, for its administrators and platform admins.

use super::{paging, require_staff};
use crate::app::App;
use crate::auth::Caller;
use crate::domain::{Action, Actor, Collector, CustomerId, Event};
use crate::error::{Error, Result};
use crate::ports::{Query, Write};
use crate::store;
use crate::store::CustomerRange;
use crate::views::{EventView, HistoryPage};
use serde_json::Value;
use std::collections::BTreeMap;

pub const DEFAULT_LIMIT: usize = 25;

/// The write of one event, for the transaction of the change it records.
pub fn record(
    app: &App,
    customer: &CustomerId,
    actor: &Actor,
    action: Action,
    subject: &str,
) -> Write {
    store::record_event(customer, &Event::new(app.now(), actor, action, subject))
}

/// The write of an update's event, naming the changed fields (never their values).
pub fn record_update<S: AsRef<str>>(
    app: &App,
    customer: &CustomerId,
    actor: &Actor,
    (action, subject): (Action, &str),
    fields: &[S],
) -> Write {
    let event = Event::new(app.now(), actor, action, subject).with_fields(fields);
    store::record_event(customer, &event)
}

/// The write of an additional-processor event: the specialist, and the business
/// transactions it gained or lost.
pub fn record_processor(
    app: &App,
    customer: &CustomerId,
    actor: &Actor,
    (action, specialist): (Action, &str),
    transaction_ids: Vec<String>,
) -> Write {
    let event = Event::new(app.now(), actor, action, specialist).with_transactions(transaction_ids);
    store::record_event(customer, &event)
}

/// The JSON names of the fields whose values differ between two views of one subject
/// (nested objects by path, `address.city`), except `ignore`: what an update event names.
pub fn changed_fields<T: serde::Serialize>(before: &T, after: &T, ignore: &[&str]) -> Vec<String> {
    let (mut b, mut a) = (BTreeMap::new(), BTreeMap::new());
    flatten(
        "",
        &serde_json::to_value(before).unwrap_or_default(),
        &mut b,
    );
    flatten("", &serde_json::to_value(after).unwrap_or_default(), &mut a);
    let mut names: Vec<String> = b.keys().chain(a.keys()).cloned().collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|n| !ignore.contains(&n.as_str()) && b.get(n) != a.get(n))
        .collect()
}

/// The leaves of a JSON value by path; a null is no leaf.
fn flatten(path: &str, value: &Value, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(map) => {
            for (name, v) in map {
                let path = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                flatten(&path, v, out);
            }
        }
        Value::Null => {}
        leaf => {
            out.insert(path.to_owned(), leaf.clone());
        }
    }
}

/// The query string of `GET /customers/{id}/history`, as sent.
#[derive(Debug, Default, serde::Deserialize)]
pub struct HistoryQuery {
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

/// One page of the customer's history, newest first: the access check, then one Query of
/// the partition's events, one more than asked (which tells whether a next page exists).
pub async fn list(
    app: &App,
    caller: &Caller,
    id: &CustomerId,
    query: &HistoryQuery,
) -> Result<HistoryPage> {
    let staff = require_staff(caller)?;
    let mut c = Collector::default();
    let limit = paging::limit(&mut c, query.limit.as_deref(), DEFAULT_LIMIT);
    c.finish().map_err(Error::Validation)?;
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    // A cursor is bound to the history of one customer.
    let scope = format!("history:{id}");
    let start_after = paging::start_after(app, &scope, query.cursor.as_deref())?;
    let why = "Only the customer's administrators may read its history.";
    super::customer_for_admin(app, &staff, id, &[], why).await?;
    let page = app
        .table
        .query(&Query {
            start_after,
            limit: Some(limit + 1),
            ..store::customer_query(id, CustomerRange::History)
        })
        .await?;
    let mut items = page.items;
    let next_cursor = paging::cut(app, &scope, &mut items, limit);
    let items = items
        .iter()
        .map(|item| Ok(EventView::new(&store::event_from_item(item)?)))
        .collect::<Result<_>>()?;
    Ok(HistoryPage { items, next_cursor })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changed_fields_are_named_by_path_and_values_never_appear() {
        let before = json!({"firstName": "Anna", "address": {"city": "Köln", "street": "A"},
                            "mobile": null, "version": 1});
        let after = json!({"firstName": "Anna", "address": {"city": "Bonn", "street": "A"},
                           "mobile": "+4915112345678", "version": 2});
        let fields = changed_fields(&before, &after, &["version"]);
        assert_eq!(fields, ["address.city", "mobile"]);
        let removed = changed_fields(&after, &json!({"firstName": "Anna"}), &["version"]);
        assert_eq!(removed, ["address.city", "address.street", "mobile"]);
    }
}
