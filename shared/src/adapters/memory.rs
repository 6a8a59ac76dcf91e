//! In-memory table with DynamoDB's semantics: conditions, all-or-nothing transactions that
//! refuse two writes on one item, sparse indexes and cursor paging. The local server's
//! embedded store and the fast test double.

use crate::ports::{Cond, Item, Key, Page, Query, StoreError, Table, Write};
use async_trait::async_trait;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;

#[derive(Default)]
pub struct MemoryTable {
    items: Mutex<BTreeMap<Key, Item>>,
}

/// DynamoDB's limit on one page of a query.
const PAGE_BYTES: usize = 1024 * 1024;

impl MemoryTable {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every item, for tests that look for leftovers (a table scan).
    pub fn scan(&self) -> Vec<Item> {
        self.lock().values().cloned().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<Key, Item>> {
        // A panic while holding the lock cannot leave a half-applied write: writes are applied
        // only after every check has passed. So a poisoned lock still guards consistent data.
        self.items.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn num(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_f64().map(|f| f as i64))
}

pub(crate) fn holds(cond: &Cond, item: Option<&Item>) -> bool {
    match cond {
        Cond::NotExists => item.is_none(),
        Cond::Exists => item.is_some(),
        Cond::Eq(attr, v) => {
            item.and_then(|i| i.get(*attr))
                .is_some_and(|a| match (num(a), num(v)) {
                    (Some(x), Some(y)) => x == y,
                    _ => a == v,
                })
        }
        Cond::Absent(attr) => item.is_none_or(|i| !i.contains_key(*attr)),
        Cond::Lt(attr, n) => item
            .and_then(|i| i.get(*attr))
            .and_then(num)
            .is_some_and(|a| a < *n),
        Cond::Gt(attr, n) => item
            .and_then(|i| i.get(*attr))
            .and_then(num)
            .is_some_and(|a| a > *n),
        Cond::And(cs) => cs.iter().all(|c| holds(c, item)),
        Cond::Or(cs) => cs.iter().any(|c| holds(c, item)),
    }
}

fn apply(items: &mut BTreeMap<Key, Item>, write: Write) {
    match write {
        Write::Put { item, .. } => {
            if let Some(k) = Key::of(&item) {
                items.insert(k, item);
            }
        }
        Write::Update {
            key,
            set,
            remove,
            add,
            ..
        } => {
            let entry = items.entry(key.clone()).or_insert_with(|| {
                let mut i = Item::new();
                i.insert("pk".into(), Value::String(key.pk.clone()));
                i.insert("sk".into(), Value::String(key.sk.clone()));
                i
            });
            for (k, v) in set {
                entry.insert(k, v);
            }
            for k in remove {
                entry.remove(&k);
            }
            for (k, n) in add {
                let current = entry.get(&k).and_then(num).unwrap_or(0);
                entry.insert(k, Value::from(current + n));
            }
        }
        Write::Delete { key, .. } => {
            items.remove(&key);
        }
        Write::Check { .. } => {}
    }
}

fn cond_of(write: &Write) -> Option<&Cond> {
    match write {
        Write::Put { cond, .. } | Write::Update { cond, .. } | Write::Delete { cond, .. } => {
            cond.as_ref()
        }
        Write::Check { cond, .. } => Some(cond),
    }
}

fn str_attr<'a>(item: &'a Item, attr: &str) -> Option<&'a str> {
    item.get(attr).and_then(Value::as_str)
}

fn approximate_size(item: &Item) -> usize {
    serde_json::to_string(item).map(|s| s.len()).unwrap_or(0)
}

#[async_trait]
impl Table for MemoryTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        Ok(self.lock().get(key).cloned())
    }

    async fn batch_get(&self, keys: &[Key]) -> Result<Vec<Item>, StoreError> {
        // DynamoDB refuses an empty batch, so its adapter sends nothing: no round trip.
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        assert!(keys.len() <= 100, "BatchGetItem takes at most 100 keys");
        let unique: HashSet<&Key> = keys.iter().collect();
        assert_eq!(
            unique.len(),
            keys.len(),
            "BatchGetItem refuses duplicate keys"
        );
        let items = self.lock();
        Ok(keys.iter().filter_map(|k| items.get(k).cloned()).collect())
    }

    async fn query(&self, query: &Query) -> Result<Page, StoreError> {
        let items = self.lock();
        // (sort value, pk, sk) in index order.
        let mut rows: Vec<(String, &Key, &Item)> = match query.index {
            None => items
                .range(Key::new(query.pk.clone(), String::new())..)
                .take_while(|(k, _)| k.pk == query.pk)
                .filter(|(k, _)| query.sk.matches(&k.sk))
                .map(|(k, i)| (k.sk.clone(), k, i))
                .collect(),
            Some(index) => items
                .iter()
                .filter(|(_, i)| str_attr(i, index.pk_attr()) == Some(query.pk.as_str()))
                .filter_map(|(k, i)| {
                    let s = str_attr(i, index.sk_attr())?;
                    query.sk.matches(s).then(|| (s.to_owned(), k, i))
                })
                .collect(),
        };
        rows.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        if let Some(start) = &query.start_after {
            let start_key = Key::of(start)
                .ok_or_else(|| StoreError::Other(anyhow::anyhow!("start key without pk and sk")))?;
            let start_sort = match query.index {
                None => start_key.sk.clone(),
                Some(index) => str_attr(start, index.sk_attr())
                    .unwrap_or_default()
                    .to_owned(),
            };
            rows.retain(|(s, k, _)| (s, *k) > (&start_sort, &start_key));
        }
        let limit = query.limit.unwrap_or(usize::MAX);
        let mut out = Vec::new();
        let mut bytes = 0;
        let mut last_key = None;
        for (_, key, item) in &rows {
            if out.len() == limit || bytes >= PAGE_BYTES {
                break;
            }
            bytes += approximate_size(item);
            out.push((*item).clone());
            let mut k = Item::new();
            k.insert("pk".into(), Value::String(key.pk.clone()));
            k.insert("sk".into(), Value::String(key.sk.clone()));
            if let Some(index) = query.index {
                for attr in [index.pk_attr(), index.sk_attr()] {
                    if let Some(v) = item.get(attr) {
                        k.insert(attr.into(), v.clone());
                    }
                }
            }
            last_key = Some(k);
        }
        let more = out.len() < rows.len();
        Ok(Page {
            items: out,
            last_key: if more { last_key } else { None },
        })
    }

    async fn write(&self, write: Write) -> Result<(), StoreError> {
        let mut items = self.lock();
        if let Some(cond) = cond_of(&write) {
            let key = write
                .key()
                .ok_or_else(|| StoreError::Other(anyhow::anyhow!("no key")))?;
            if !holds(cond, items.get(&key)) {
                return Err(StoreError::ConditionFailed { index: Some(0) });
            }
        }
        apply(&mut items, write);
        Ok(())
    }

    async fn transact(&self, writes: Vec<Write>, _token: Option<String>) -> Result<(), StoreError> {
        // Refused before sending, as by the DynamoDB adapter; two writes on one item are
        // refused by DynamoDB itself, after a round trip.
        if writes.is_empty() || writes.len() > 100 {
            return Err(StoreError::Other(anyhow::anyhow!(
                "a transaction takes 1 to 100 writes, not {}",
                writes.len()
            )));
        }
        let mut seen = HashSet::new();
        for w in &writes {
            let key = w
                .key()
                .ok_or_else(|| StoreError::Other(anyhow::anyhow!("no key")))?;
            if !seen.insert(key.clone()) {
                return Err(StoreError::Other(anyhow::anyhow!(
                    "a transaction touches {key:?} twice, which DynamoDB refuses"
                )));
            }
        }
        let mut items = self.lock();
        for (i, w) in writes.iter().enumerate() {
            if let (Some(cond), Some(key)) = (cond_of(w), w.key())
                && !holds(cond, items.get(&key))
            {
                return Err(StoreError::ConditionFailed { index: Some(i) });
            }
        }
        for w in writes {
            apply(&mut items, w);
        }
        Ok(())
    }

    async fn batch_delete(&self, keys: &[Key]) -> Result<(), StoreError> {
        let mut items = self.lock();
        for k in keys {
            items.remove(k);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(v: Value) -> Item {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn conditions_evaluate_like_dynamodb() {
        let i = item(json!({"pk": "a", "sk": "b", "version": 3, "status": "pending"}));
        assert!(holds(&Cond::Exists, Some(&i)));
        assert!(!holds(&Cond::NotExists, Some(&i)));
        assert!(holds(&Cond::Eq("version", json!(3)), Some(&i)));
        assert!(!holds(&Cond::Eq("version", json!(2)), Some(&i)));
        assert!(!holds(&Cond::Eq("missing", json!(2)), Some(&i)));
        assert!(holds(&Cond::Lt("version", 5), Some(&i)));
        assert!(!holds(&Cond::Gt("version", 5), Some(&i)));
        assert!(holds(&Cond::Absent("missing"), Some(&i)));
        assert!(holds(
            &Cond::Or(vec![
                Cond::Eq("status", json!("used")),
                Cond::Eq("status", json!("pending"))
            ]),
            Some(&i)
        ));
        assert!(!holds(&Cond::Eq("version", json!(3)), None));
    }

    #[tokio::test]
    async fn a_transaction_with_one_failing_condition_writes_nothing() {
        let t = MemoryTable::new();
        t.write(Write::put(item(json!({"pk": "x", "sk": "1"}))))
            .await
            .unwrap();
        let err = t
            .transact(
                vec![
                    Write::put_new(item(json!({"pk": "y", "sk": "1"}))),
                    Write::put_new(item(json!({"pk": "x", "sk": "1"}))),
                ],
                None,
            )
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            StoreError::ConditionFailed { index: Some(1) }
        ));
        assert!(t.get(&Key::new("y", "1")).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn a_transaction_touching_one_item_twice_is_refused() {
        let t = MemoryTable::new();
        let err = t
            .transact(
                vec![
                    Write::put(item(json!({"pk": "y", "sk": "1"}))),
                    Write::delete(Key::new("y", "1")),
                ],
                None,
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Other(_)));
    }
}
