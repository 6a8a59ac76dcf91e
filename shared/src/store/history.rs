//! History events in the table: in their customer's partition, after every other item
//! (`~EV#…`), newest first in a Query's ascending order (docs/data-model.md).

use super::*;
use crate::domain::{Action, Actor, ActorKind, Event, parse_rfc3339, rfc3339};
use crate::ports::{Item, Write};
use serde::{Deserialize, Serialize};

/// Sort-key prefix of history events. `~` sorts after every other sort key of a customer's
/// partition, so the reads of its current state stop before the history.
pub const HISTORY_PREFIX: &str = "~EV#";
/// Upper bound of the sort keys of a customer's current state (everything but history).
pub const STATE_END: &str = "~";

/// The key of the event `id` of `customer`: the event id (a ULID, time-ordered and
/// increasing within one process) with every character mirrored in its alphabet, so that a
/// Query's ascending order is newest first, also among the events of one change.
pub fn event_key(customer: &CustomerId, id: &str) -> Key {
    const CROCKFORD: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
    let mirrored: String = id
        .bytes()
        .map(|b| match CROCKFORD.iter().position(|c| *c == b) {
            Some(i) => CROCKFORD[31 - i] as char,
            None => b as char,
        })
        .collect();
    Key::new(customer_pk(customer), format!("{HISTORY_PREFIX}{mirrored}"))
}

/// An event as stored: ids, names and a time, nothing personal.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventItem {
    pub pk: String,
    pub sk: String,
    pub id: String,
    pub at: String,
    pub actor_kind: String,
    pub actor_id: String,
    pub action: String,
    pub subject_id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transaction_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
}

impl EventItem {
    pub fn from_domain(customer: &CustomerId, e: &Event) -> Self {
        let key = event_key(customer, &e.id);
        Self {
            pk: key.pk,
            sk: key.sk,
            id: e.id.clone(),
            at: rfc3339(e.at),
            actor_kind: e.actor.kind.as_str().into(),
            actor_id: e.actor.id.clone(),
            action: e.action.as_str().into(),
            subject_id: e.subject.clone(),
            fields: e.fields.clone(),
            transaction_ids: e.transaction_ids.clone(),
            route: e.route.clone(),
        }
    }

    pub fn into_domain(self) -> Result<Event, CorruptItem> {
        let bad = |what: String| CorruptItem(format!("event {}: {what}", self.id));
        Ok(Event {
            at: parse_rfc3339(&self.at).ok_or_else(|| bad(format!("bad time {:?}", self.at)))?,
            actor: Actor {
                kind: ActorKind::parse(&self.actor_kind).map_err(bad)?,
                id: self.actor_id,
            },
            action: Action::parse(&self.action).map_err(bad)?,
            id: self.id,
            subject: self.subject_id,
            fields: self.fields,
            transaction_ids: self.transaction_ids,
            route: self.route,
        })
    }
}

pub fn event_from_item(item: &Item) -> Result<Event, CorruptItem> {
    from_item::<EventItem>(item)?.into_domain()
}

/// Puts one event; goes into the transaction of the change it records.
pub fn record_event(customer: &CustomerId, event: &Event) -> Write {
    Write::put_new(to_item(&EventItem::from_domain(customer, event)))
}

pub fn is_event(item: &Item) -> bool {
    sk_of(item).starts_with(HISTORY_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_later_event_sorts_first_and_after_the_customers_state() {
        let c = CustomerId::parse("cus_a").unwrap();
        let ids: Vec<String> = (0..100)
            .map(|i| {
                crate::ids::new_id(
                    "evt",
                    datetime!(2026-01-01 00:00 UTC) + time::Duration::milliseconds(i),
                )
            })
            .collect();
        let keys: Vec<String> = ids.iter().map(|id| event_key(&c, id).sk).collect();
        let mut newest_first = keys.clone();
        newest_first.sort();
        newest_first.reverse();
        assert_eq!(keys, newest_first);
        for state in [
            CUSTOMER_SK,
            "ACCESS#a",
            "GRANT#PROC#x#y",
            "TX#zzz",
            STATE_END,
        ] {
            assert!(state <= STATE_END && state < keys[0].as_str(), "{state}");
        }
    }

    #[test]
    fn an_event_round_trips_through_its_item() {
        let c = CustomerId::parse("cus_01jd8m3k4n5p6q7r8s9t0v1w2x").unwrap();
        let at = datetime!(2026-03-01 10:15:30.123456789 UTC);
        let event = Event::new(
            at,
            &Actor::specialist("anna"),
            Action::ProcessorAdded,
            "ben",
        )
        .with_transactions(vec!["trx_1".into()]);
        let item = to_item(&EventItem::from_domain(&c, &event));
        assert_eq!(event_from_item(&item).unwrap(), event);
        assert!(is_event(&item));
        let fields = Event::new(at, &Actor::delivery(), Action::AccessDelivery, "acc_1")
            .with_fields(&["email"]);
        let item = to_item(&EventItem::from_domain(&c, &fields));
        assert_eq!(item["fields"], serde_json::json!(["email"]));
        assert!(!item.contains_key("transactionIds"));
    }
}
