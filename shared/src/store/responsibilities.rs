//! The per-specialist index of responsibilities (docs/data-model.md): one item per specialist
//! and customer it is responsible for, carrying what the need-to-know overview sorts, searches
//! and shows, written in the same transactions as the grants, renames and deletions it
//! follows. A counter on the customer item (`respSeq`) orders every change of these items.

use super::*;
use crate::domain::{Customer, CustomerType};
use crate::ports::{Cond, Index, Item, Write};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// Partition of one specialist's responsibilities (and of its overview index partitions).
pub fn responsibility_pk(specialist: &str) -> String {
    format!("RESP#{specialist}")
}

/// Every responsibility of `specialist`, in the order of the customers' ids.
pub fn responsibilities_query(specialist: &str) -> crate::ports::Query {
    crate::ports::Query::partition(responsibility_pk(specialist), crate::ports::SortKey::All)
}

/// The item saying that `specialist` is responsible for `customer`: one GetItem tells.
pub fn responsibility_key(specialist: &str, customer: &CustomerId) -> Key {
    Key::new(responsibility_pk(specialist), customer_pk(customer))
}

/// The index and partition of one specialist's overview, of all types or of one.
pub fn responsibility_overview(specialist: &str, kind: Option<CustomerType>) -> (Index, String) {
    match kind {
        None => (Index::Gsi1, responsibility_pk(specialist)),
        Some(t) => (
            Index::Gsi2,
            format!("{}#{}", responsibility_pk(specialist), t.as_str()),
        ),
    }
}

/// Why a specialist is responsible for one customer: its administrator role and the business
/// transactions (id to title) it processes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reasons {
    pub administrator: bool,
    pub transactions: BTreeMap<String, String>,
}

/// Who is responsible for the customer whose grants `p` holds, and why.
pub fn reasons_of(p: &Partition) -> BTreeMap<String, Reasons> {
    let mut out: BTreeMap<String, Reasons> = BTreeMap::new();
    for a in &p.admins {
        out.entry(a.clone()).or_default().administrator = true;
    }
    for g in &p.processors {
        out.entry(g.specialist_id.clone())
            .or_default()
            .transactions
            .insert(g.transaction_id.clone(), g.transaction_title.to_string());
    }
    out
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TransactionRef {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponsibilityItem {
    pub pk: String,
    pub sk: String,
    pub specialist_id: String,
    pub customer_id: String,
    pub customer_type: String,
    pub display_name: String,
    pub email: String,
    pub created_at: String,
    pub administrator: bool,
    #[serde(default)]
    pub transactions: Vec<TransactionRef>,
    pub gsi1pk: String,
    pub gsi1sk: String,
    pub gsi2pk: String,
    pub gsi2sk: String,
}

/// The attributes of a responsibility that follow the customer's data.
fn summary(specialist: &str, c: &Customer) -> Item {
    let display_name = c.data.display_name();
    let sort = overview_sort_key(&display_name, c.id.as_str());
    let kind = c.data.customer_type();
    let (_, gsi2pk) = responsibility_overview(specialist, Some(kind));
    let created = c
        .created_at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    [
        ("customerType", json!(kind.as_str())),
        ("displayName", json!(display_name)),
        ("email", json!(c.data.email.to_string())),
        ("createdAt", json!(created)),
        ("gsi1pk", json!(responsibility_pk(specialist))),
        ("gsi1sk", json!(sort)),
        ("gsi2pk", json!(gsi2pk)),
        ("gsi2sk", json!(sort)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Puts the whole responsibility of `specialist` for `customer`; an administrator's is also
/// an entry of its own due list at `review_due` (`None` only for a customer stored before
/// reviews existed: the backfill gives it one).
pub fn put_responsibility(
    specialist: &str,
    customer: &Customer,
    reasons: &Reasons,
    review_due: Option<OffsetDateTime>,
) -> Write {
    let key = responsibility_key(specialist, &customer.id);
    let mut item = summary(specialist, customer);
    if let Some(due) = review_due.filter(|_| reasons.administrator) {
        item.extend(own_review_marks(specialist, &customer.id, due));
    }
    let transactions: Vec<TransactionRef> = reasons
        .transactions
        .iter()
        .map(|(id, title)| TransactionRef {
            id: id.clone(),
            title: title.clone(),
        })
        .collect();
    item.extend([
        ("pk".to_owned(), json!(key.pk)),
        ("sk".to_owned(), json!(key.sk)),
        ("specialistId".to_owned(), json!(specialist)),
        ("customerId".to_owned(), json!(customer.id.as_str())),
        ("administrator".to_owned(), json!(reasons.administrator)),
        ("transactions".to_owned(), json!(transactions)),
    ]);
    Write::put(item)
}

pub fn delete_responsibility(specialist: &str, customer: &CustomerId) -> Write {
    Write::delete(responsibility_key(specialist, customer))
}

/// The condition that nobody changed the customer's responsibilities since `seq` was read.
fn seq_unchanged(seq: i64) -> Cond {
    if seq == 0 {
        Cond::Absent("respSeq")
    } else {
        Cond::Eq("respSeq", json!(seq))
    }
}

/// Makes the write of the customer item in `writes` (or a new one) record the responsible
/// specialists and count one more change of them, under the condition that the count is
/// still `seq` and the customer is not being deleted. One write per item in a transaction:
/// a check or update of the customer item already there is extended, not repeated.
pub fn responsibilities_changed(
    writes: &mut Vec<Write>,
    id: &CustomerId,
    seq: i64,
    responsible: &[String],
) {
    let key = customer_key(id);
    let list = json!(responsible);
    let guard = seq_unchanged(seq);
    let alive = Cond::And(vec![Cond::Exists, Cond::Absent("deleting")]);
    let at = writes.iter().position(|w| w.key().as_ref() == Some(&key));
    let Some(at) = at else {
        writes.push(Write::Update {
            key,
            set: [("responsible".to_owned(), list)].into_iter().collect(),
            remove: Vec::new(),
            add: vec![("respSeq".to_owned(), 1)],
            cond: Some(Cond::And(vec![alive, guard])),
        });
        return;
    };
    let write = &mut writes[at];
    match write {
        Write::Put { item, .. } => {
            item.insert("responsible".into(), list);
            item.insert("respSeq".into(), json!(seq + 1));
        }
        Write::Update { set, add, cond, .. } => {
            set.insert("responsible".into(), list);
            add.push(("respSeq".into(), 1));
            let old = cond.take().unwrap_or(Cond::Exists);
            *cond = Some(Cond::And(vec![old, guard]));
        }
        Write::Check { cond, .. } => {
            let old = cond.clone();
            *write = Write::Update {
                key,
                set: [("responsible".to_owned(), list)].into_iter().collect(),
                remove: Vec::new(),
                add: vec![("respSeq".to_owned(), 1)],
                cond: Some(Cond::And(vec![old, guard])),
            };
        }
        Write::Delete { .. } => {}
    }
}

/// The change counter and the responsible specialists a customer item records.
pub fn responsibility_state(customer_item: &Item) -> (i64, Vec<String>) {
    let seq = customer_item
        .get("respSeq")
        .and_then(|v| v.as_i64())
        .unwrap_or(0);
    let list = customer_item
        .get("responsible")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    (seq, list)
}

/// A responsibility as the overview and the responsibilities list read it.
pub fn responsibility_from_item(item: &Item) -> Result<ResponsibilityItem, CorruptItem> {
    from_item(item)
}

/// Sort key of an emergency-access marker: after the customer's state, before its history
/// (`~A` < `~EV#`), so that neither the reads of its state nor a history page read it.
const ACCESS_MARKER_PREFIX: &str = "~A#";

/// At most one recorded emergency access per platform admin, customer and hour: the marker
/// of that hour, put only where absent; it expires a day after its hour.
pub fn emergency_access_marker(customer: &CustomerId, admin: &str, hour: i64) -> Write {
    let key = Key::new(
        customer_pk(customer),
        format!("{ACCESS_MARKER_PREFIX}{admin}#{hour}"),
    );
    let mut item = Item::new();
    item.insert("pk".into(), json!(key.pk));
    item.insert("sk".into(), json!(key.sk));
    item.insert("ttl".into(), json!((hour + 25) * 3600));
    Write::put_new(item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_emergency_access_marker_sorts_between_the_state_and_the_history() {
        let c = CustomerId::parse("cus_a").unwrap();
        let sk = emergency_access_marker(&c, "root", 1).key().unwrap().sk;
        assert!(
            sk.as_str() > STATE_END && sk.as_str() < HISTORY_PREFIX,
            "{sk}"
        );
    }

    #[test]
    fn a_change_of_responsibilities_extends_the_customer_check_already_in_the_transaction() {
        let c = CustomerId::parse("cus_a").unwrap();
        let mut writes = vec![customer_alive(&c)];
        responsibilities_changed(&mut writes, &c, 3, &["anna".into()]);
        assert_eq!(writes.len(), 1);
        assert!(matches!(&writes[0], Write::Update { add, .. } if add[0].0 == "respSeq"));
    }
}
