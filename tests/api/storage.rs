//! The storage port's behaviour, one suite run on the in-memory table and on DynamoDB
//! (moto), so that the fake cannot drift from the real thing: conditions, updates,
//! transactions, queries and paging, batches, and the round trips each call costs.

use crate::helpers::{Scan, memory_table};
use serde_json::{Value, json};
use shared::adapters::counting::RequestCounter;
use shared::ports::{Cond, Index, Item, Key, Query, SortKey, StoreError, Table, Write};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Runs one scenario on both stores, as `<name>::in_memory` and `<name>::on_dynamodb`; a
/// scenario that counts round trips names the counter as a third argument.
macro_rules! on_both_stores {
    ($name:ident, |$table:ident, $scan:ident| $body:block) => {
        on_both_stores!($name, |$table, $scan, _requests| $body);
    };
    ($name:ident, |$table:ident, $scan:ident, $requests:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[allow(unused_variables)]
            async fn scenario($table: Arc<dyn Table>, $scan: Scan, $requests: RequestCounter) $body

            #[tokio::test]
            async fn in_memory() {
                let (table, scan, requests) = memory_table();
                scenario(table, scan, requests).await;
            }

            #[tokio::test]
            async fn on_dynamodb() {
                let (table, scan, requests) = crate::moto::fresh_table().await;
                scenario(table, scan, requests).await;
            }
        }
    };
}

fn item(v: Value) -> Item {
    match v {
        Value::Object(map) => map,
        other => panic!("an item is a JSON object, not {other}"),
    }
}

fn set(v: Value) -> Item {
    item(v)
}

fn update(key: Key, set: Item, remove: &[&str], add: &[(&str, i64)], cond: Option<Cond>) -> Write {
    Write::Update {
        key,
        set,
        remove: remove.iter().map(|s| (*s).to_owned()).collect(),
        add: add.iter().map(|(a, n)| ((*a).to_owned(), *n)).collect(),
        cond,
    }
}

async fn get(t: &Arc<dyn Table>, pk: &str, sk: &str) -> Option<Item> {
    t.get(&Key::new(pk, sk)).await.expect("get")
}

#[track_caller]
fn assert_condition_failed(result: Result<(), StoreError>, index: usize) {
    match result {
        Err(StoreError::ConditionFailed { index: Some(i) }) if i == index => {}
        other => panic!("expected the condition of write {index} to fail, got {other:?}"),
    }
}

fn sks(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["sk"].as_str().expect("sk").to_owned())
        .collect()
}

/// Puts many items with a few transactions of 100 (fewer round trips than single puts).
async fn put_all(t: &Arc<dyn Table>, items: Vec<Item>) {
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        let chunk: Vec<Write> = items.by_ref().take(100).map(Write::put).collect();
        t.transact(chunk, None).await.expect("seeding items");
    }
}

// ---------------------------------------------------------------------------------------------
// Single writes and conditions
// ---------------------------------------------------------------------------------------------

on_both_stores!(
    a_conditional_put_creates_a_new_item_and_refuses_to_overwrite_an_existing_one,
    |t, scan| {
        t.write(Write::put_new(item(json!({"pk": "p", "sk": "1", "v": 1}))))
            .await
            .unwrap();
        assert_condition_failed(
            t.write(Write::put_new(item(json!({"pk": "p", "sk": "1", "v": 2}))))
                .await,
            0,
        );
        assert_eq!(
            get(&t, "p", "1").await.unwrap()["v"],
            json!(1),
            "the first put stays"
        );

        // An Exists condition is the opposite: it replaces only what is there.
        t.write(Write::Put {
            item: item(json!({"pk": "p", "sk": "1", "v": 3})),
            cond: Some(Cond::Exists),
        })
        .await
        .unwrap();
        assert_condition_failed(
            t.write(Write::Put {
                item: item(json!({"pk": "p", "sk": "2"})),
                cond: Some(Cond::Exists),
            })
            .await,
            0,
        );
        assert_eq!(
            get(&t, "p", "1").await.unwrap(),
            item(json!({"pk": "p", "sk": "1", "v": 3}))
        );
        assert_eq!(scan().await.len(), 1);
    }
);

on_both_stores!(an_item_reads_back_exactly_as_it_was_put, |t, scan| {
    let stored = item(json!({
        "pk": "p", "sk": "1",
        "text": "Grüße, 東京 & \"quotes\"", "empty": "",
        "zero": 0, "negative": -7, "large": 9_007_199_254_740_993_i64, "fraction": 1.5,
        "yes": true, "no": false, "nothing": null,
        "list": [1, "a", {"nested": false}], "emptyList": [],
        "map": {"k": "v", "inner": {"n": 2}}, "emptyMap": {},
        "ttl": 1_700_000_000
    }));
    t.write(Write::put(stored.clone())).await.unwrap();
    assert_eq!(get(&t, "p", "1").await.unwrap(), stored, "get");
    assert_eq!(
        t.batch_get(&[Key::new("p", "1")]).await.unwrap(),
        vec![stored.clone()],
        "batch_get"
    );
    let page = t.query(&Query::partition("p", SortKey::All)).await.unwrap();
    assert_eq!(page.items, vec![stored.clone()], "query");
    assert_eq!(scan().await, vec![stored], "scan");
});

on_both_stores!(
    a_version_conditioned_update_succeeds_when_the_version_matches,
    |t, scan| {
        t.write(Write::put(item(
            json!({"pk": "c", "sk": "#C", "version": 1, "name": "a"}),
        )))
        .await
        .unwrap();
        t.write(update(
            Key::new("c", "#C"),
            set(json!({"name": "b", "version": 2})),
            &[],
            &[],
            Some(Cond::Eq("version", json!(1))),
        ))
        .await
        .unwrap();
        assert_eq!(
            get(&t, "c", "#C").await.unwrap(),
            item(json!({"pk": "c", "sk": "#C", "version": 2, "name": "b"}))
        );
    }
);

on_both_stores!(
    a_version_conditioned_update_fails_when_the_version_is_stale,
    |t, scan| {
        t.write(Write::put(item(
            json!({"pk": "c", "sk": "#C", "version": 2, "name": "b"}),
        )))
        .await
        .unwrap();
        let stale = update(
            Key::new("c", "#C"),
            set(json!({"name": "lost", "version": 2})),
            &[],
            &[],
            Some(Cond::Eq("version", json!(1))),
        );
        assert_condition_failed(t.write(stale).await, 0);
        assert_eq!(
            get(&t, "c", "#C").await.unwrap(),
            item(json!({"pk": "c", "sk": "#C", "version": 2, "name": "b"})),
            "nothing changed"
        );

        // On a missing item the condition fails too, and the update creates nothing.
        let missing = update(
            Key::new("gone", "#C"),
            set(json!({"v": 1})),
            &[],
            &[],
            Some(Cond::Eq("version", json!(1))),
        );
        assert_condition_failed(t.write(missing).await, 0);
        assert_condition_failed(
            t.write(Write::update(Key::new("gone", "#C"), set(json!({"v": 1}))))
                .await,
            0,
        );
        assert_eq!(scan().await.len(), 1);
    }
);

on_both_stores!(
    an_absent_condition_holds_only_while_the_attribute_is_missing,
    |t, scan| {
        t.write(Write::put(item(
            json!({"pk": "c", "sk": "#C", "name": "a"}),
        )))
        .await
        .unwrap();
        let tombstone = || {
            update(
                Key::new("c", "#C"),
                set(json!({"deleting": true})),
                &[],
                &[],
                Some(Cond::Absent("deleting")),
            )
        };
        t.write(tombstone()).await.unwrap();
        assert_condition_failed(t.write(tombstone()).await, 0);
        assert_eq!(get(&t, "c", "#C").await.unwrap()["deleting"], json!(true));

        // A missing item has no attributes at all, so the condition holds and the update creates it.
        t.write(update(
            Key::new("new", "#C"),
            set(json!({"a": 1})),
            &[],
            &[],
            Some(Cond::Absent("deleting")),
        ))
        .await
        .unwrap();
        assert_eq!(
            get(&t, "new", "#C").await.unwrap(),
            item(json!({"pk": "new", "sk": "#C", "a": 1}))
        );
    }
);

on_both_stores!(
    lt_and_gt_conditions_compare_numbers_and_fail_on_missing_attributes,
    |t, scan| {
        t.write(Write::put(item(
            json!({"pk": "i", "sk": "INV", "attempts": 2, "status": "pending"}),
        )))
        .await
        .unwrap();
        let wrong_code = || {
            update(
                Key::new("i", "INV"),
                Item::new(),
                &[],
                &[("attempts", 1)],
                Some(Cond::Lt("attempts", 3)),
            )
        };
        t.write(wrong_code()).await.unwrap();
        assert_condition_failed(t.write(wrong_code()).await, 0);
        assert_eq!(get(&t, "i", "INV").await.unwrap()["attempts"], json!(3));

        let touch = |cond| {
            update(
                Key::new("i", "INV"),
                set(json!({"touched": true})),
                &[],
                &[],
                Some(cond),
            )
        };
        t.write(touch(Cond::Gt("attempts", 2))).await.unwrap();
        assert_condition_failed(t.write(touch(Cond::Gt("attempts", 3))).await, 0);
        assert_condition_failed(t.write(touch(Cond::Lt("attempts", -5))).await, 0);
        assert_condition_failed(t.write(touch(Cond::Lt("missing", 100))).await, 0);
        assert_condition_failed(t.write(touch(Cond::Gt("missing", -100))).await, 0);
        // A string attribute compared with a number is false on DynamoDB and on the memory
        // table, but moto 5.2 answers 500 (a Python TypeError), so it is not asserted here.
    }
);

on_both_stores!(
    and_and_or_conditions_combine_nested_conditions,
    |t, scan| {
        t.write(Write::put(item(
            json!({"pk": "i", "sk": "INV", "status": "claimed", "claimedAt": 100, "attempts": 0}),
        )))
        .await
        .unwrap();
        // The claim of the registration use case: pending, or claimed long enough ago.
        let claim = |now: i64| {
            Cond::And(vec![
                Cond::Or(vec![
                    Cond::Eq("status", json!("pending")),
                    Cond::And(vec![
                        Cond::Eq("status", json!("claimed")),
                        Cond::Lt("claimedAt", now - 60),
                    ]),
                ]),
                Cond::Lt("attempts", 5),
                Cond::Exists,
            ])
        };
        let write = |cond| {
            update(
                Key::new("i", "INV"),
                set(json!({"seen": true})),
                &[],
                &[],
                Some(cond),
            )
        };
        assert_condition_failed(t.write(write(claim(120))).await, 0);
        t.write(write(claim(200))).await.unwrap();
        t.write(write(Cond::Or(vec![
            Cond::Eq("status", json!("used")),
            Cond::Eq("status", json!("claimed")),
        ])))
        .await
        .unwrap();
        assert_condition_failed(
            t.write(write(Cond::Or(vec![
                Cond::Eq("status", json!("used")),
                Cond::Absent("status"),
            ])))
            .await,
            0,
        );
        assert_condition_failed(
            t.write(write(Cond::And(vec![
                Cond::Exists,
                Cond::Eq("attempts", json!(1)),
            ])))
            .await,
            0,
        );
        // The empty conjunction holds, the empty disjunction does not.
        t.write(write(Cond::And(vec![]))).await.unwrap();
        assert_condition_failed(t.write(write(Cond::Or(vec![]))).await, 0);
        assert_eq!(get(&t, "i", "INV").await.unwrap()["seen"], json!(true));
    }
);

on_both_stores!(
    an_update_sets_removes_and_adds_attributes_including_a_negative_add,
    |t, scan| {
        t.write(Write::put(item(
            json!({"pk": "c", "sk": "#C", "a": 1, "b": "x", "count": 5}),
        )))
        .await
        .unwrap();
        t.write(update(
            Key::new("c", "#C"),
            set(json!({"a": 2, "c": "new", "list": ["x", "y"]})),
            &["b", "neverThere"],
            &[("count", -3), ("fresh", -2)],
            Some(Cond::Exists),
        ))
        .await
        .unwrap();
        assert_eq!(
            get(&t, "c", "#C").await.unwrap(),
            item(
                json!({"pk": "c", "sk": "#C", "a": 2, "c": "new", "list": ["x", "y"], "count": 2, "fresh": -2})
            )
        );
    }
);

on_both_stores!(an_update_without_a_condition_creates_the_item, |t, scan| {
    t.write(update(
        Key::new("n", "1"),
        set(json!({"name": "x"})),
        &["gone"],
        &[("count", 1)],
        None,
    ))
    .await
    .unwrap();
    assert_eq!(
        get(&t, "n", "1").await.unwrap(),
        item(json!({"pk": "n", "sk": "1", "name": "x", "count": 1}))
    );
});

on_both_stores!(
    an_update_with_nothing_to_change_is_valid_and_creates_a_missing_item,
    |t, scan| {
        t.write(update(Key::new("n", "1"), Item::new(), &[], &[], None))
            .await
            .unwrap();
        assert_eq!(
            get(&t, "n", "1").await.unwrap(),
            item(json!({"pk": "n", "sk": "1"}))
        );
        t.write(Write::put(item(
            json!({"pk": "n", "sk": "2", "keep": "me"}),
        )))
        .await
        .unwrap();
        t.write(update(
            Key::new("n", "2"),
            Item::new(),
            &[],
            &[],
            Some(Cond::Exists),
        ))
        .await
        .unwrap();
        assert_eq!(
            get(&t, "n", "2").await.unwrap(),
            item(json!({"pk": "n", "sk": "2", "keep": "me"}))
        );
    }
);

on_both_stores!(
    a_conditional_delete_keeps_the_item_when_the_condition_fails,
    |t, scan| {
        t.write(Write::put(item(
            json!({"pk": "c", "sk": "#C", "version": 3}),
        )))
        .await
        .unwrap();
        let delete = |v: i64| Write::Delete {
            key: Key::new("c", "#C"),
            cond: Some(Cond::Eq("version", json!(v))),
        };
        assert_condition_failed(t.write(delete(2)).await, 0);
        assert!(get(&t, "c", "#C").await.is_some());
        t.write(delete(3)).await.unwrap();
        assert!(get(&t, "c", "#C").await.is_none());
        // Deleting what is not there is no error.
        t.write(Write::delete(Key::new("c", "#C"))).await.unwrap();
        assert_condition_failed(
            t.write(Write::Delete {
                key: Key::new("c", "#C"),
                cond: Some(Cond::Exists),
            })
            .await,
            0,
        );
    }
);

// ---------------------------------------------------------------------------------------------
// Transactions
// ---------------------------------------------------------------------------------------------

on_both_stores!(
    a_transaction_with_a_failing_condition_writes_nothing_and_names_the_failing_write,
    |t, scan| {
        t.write(Write::put(item(
            json!({"pk": "x", "sk": "1", "v": 1, "n": 0}),
        )))
        .await
        .unwrap();
        let before = scan().await;
        let result = t
            .transact(
                vec![
                    Write::put_new(item(json!({"pk": "y", "sk": "1"}))),
                    update(Key::new("z", "1"), Item::new(), &[], &[("n", 1)], None),
                    Write::Check {
                        key: Key::new("x", "1"),
                        cond: Cond::Eq("v", json!(2)),
                    },
                    Write::delete(Key::new("w", "1")),
                ],
                None,
            )
            .await;
        assert_condition_failed(result, 2);
        assert_eq!(scan().await, before, "nothing was written");

        // With several failing conditions, the first one is named.
        let result = t
            .transact(
                vec![
                    Write::put(item(json!({"pk": "y", "sk": "1"}))),
                    Write::put_new(item(json!({"pk": "x", "sk": "1"}))),
                    Write::Delete {
                        key: Key::new("w", "1"),
                        cond: Some(Cond::Exists),
                    },
                    update(
                        Key::new("u", "1"),
                        Item::new(),
                        &[],
                        &[("n", 1)],
                        Some(Cond::Exists),
                    ),
                ],
                None,
            )
            .await;
        assert_condition_failed(result, 1);
        assert_eq!(scan().await, before, "nothing was written");
    }
);

on_both_stores!(
    a_transaction_whose_checks_hold_applies_every_write,
    |t, scan| {
        t.write(Write::put(item(
            json!({"pk": "c", "sk": "#C", "adminCount": 1}),
        )))
        .await
        .unwrap();
        t.write(Write::put(item(json!({"pk": "old", "sk": "1"}))))
            .await
            .unwrap();
        t.transact(
            vec![
                Write::Check {
                    key: Key::new("c", "#C"),
                    cond: Cond::And(vec![Cond::Exists, Cond::Absent("deleting")]),
                },
                Write::put_new(item(json!({"pk": "c", "sk": "GRANT#ADMIN#ben"}))),
                update(
                    Key::new("c", "#STATS"),
                    Item::new(),
                    &[],
                    &[("grants", 1)],
                    None,
                ),
                Write::Delete {
                    key: Key::new("old", "1"),
                    cond: Some(Cond::Exists),
                },
            ],
            Some(uuid::Uuid::new_v4().to_string()),
        )
        .await
        .unwrap();
        assert!(get(&t, "c", "GRANT#ADMIN#ben").await.is_some());
        assert!(get(&t, "old", "1").await.is_none());
        assert_eq!(get(&t, "c", "#STATS").await.unwrap()["grants"], json!(1));
        assert_eq!(
            get(&t, "c", "#C").await.unwrap(),
            item(json!({"pk": "c", "sk": "#C", "adminCount": 1})),
            "a check writes nothing"
        );
    }
);

on_both_stores!(a_single_check_write_answers_like_a_condition, |t, scan| {
    t.write(Write::put(item(json!({"pk": "c", "sk": "#C", "v": 1}))))
        .await
        .unwrap();
    t.write(Write::Check {
        key: Key::new("c", "#C"),
        cond: Cond::Eq("v", json!(1)),
    })
    .await
    .unwrap();
    assert_condition_failed(
        t.write(Write::Check {
            key: Key::new("c", "#C"),
            cond: Cond::Eq("v", json!(2)),
        })
        .await,
        0,
    );
    assert_condition_failed(
        t.write(Write::Check {
            key: Key::new("d", "#C"),
            cond: Cond::Exists,
        })
        .await,
        0,
    );
    assert_eq!(scan().await.len(), 1);
});

on_both_stores!(
    a_transaction_touching_one_item_twice_is_refused,
    |t, scan| {
        let result = t
            .transact(
                vec![
                    Write::put(item(json!({"pk": "y", "sk": "1"}))),
                    Write::delete(Key::new("y", "1")),
                ],
                None,
            )
            .await;
        assert!(matches!(result, Err(StoreError::Other(_))), "{result:?}");
        assert!(scan().await.is_empty());
    }
);

// ---------------------------------------------------------------------------------------------
// Queries and paging
// ---------------------------------------------------------------------------------------------

on_both_stores!(
    a_table_query_selects_sort_keys_by_prefix_range_and_upper_bound_in_order,
    |t, scan| {
        let keys = ["B#2", "A#10", "C", "A#1", "B#1", "A#2"];
        for sk in keys {
            t.write(Write::put(item(json!({"pk": "P", "sk": sk, "data": sk}))))
                .await
                .unwrap();
        }
        t.write(Write::put(item(json!({"pk": "Q", "sk": "A#1"}))))
            .await
            .unwrap();
        t.write(Write::put(item(json!({"pk": "PP", "sk": "A#1"}))))
            .await
            .unwrap();

        let t = &t;
        let q = |sk| async move {
            let page = t.query(&Query::partition("P", sk)).await.unwrap();
            assert!(page.last_key.is_none(), "one page");
            sks(&page.items)
        };
        assert_eq!(
            q(SortKey::All).await,
            ["A#1", "A#10", "A#2", "B#1", "B#2", "C"]
        );
        assert_eq!(
            q(SortKey::BeginsWith("A#".into())).await,
            ["A#1", "A#10", "A#2"]
        );
        assert_eq!(q(SortKey::BeginsWith("A#1".into())).await, ["A#1", "A#10"]);
        assert_eq!(
            q(SortKey::BeginsWith(String::new())).await.len(),
            6,
            "every key starts with nothing"
        );
        assert_eq!(
            q(SortKey::Between("A#2".into(), "B#2".into())).await,
            ["A#2", "B#1", "B#2"]
        );
        assert_eq!(
            q(SortKey::Between("A#10".into(), "A#10".into())).await,
            ["A#10"]
        );
        assert_eq!(
            q(SortKey::AtMost("B#1".into())).await,
            ["A#1", "A#10", "A#2", "B#1"]
        );
        assert_eq!(q(SortKey::AtMost("A".into())).await, Vec::<String>::new());
        assert!(q(SortKey::BeginsWith("Z".into())).await.is_empty());

        let page = t.query(&Query::partition("P", SortKey::All)).await.unwrap();
        assert_eq!(
            page.items[0],
            item(json!({"pk": "P", "sk": "A#1", "data": "A#1"})),
            "whole items"
        );
    }
);

/// 23 customers over two type partitions with tied names, plus items the indexes must skip.
fn customers() -> Vec<Item> {
    let names = ["anna", "bert", "berta", "carl", "dora"];
    let mut items: Vec<Item> = (0..23)
        .map(|i| {
            let kind = if i % 2 == 0 { "person" } else { "company" };
            item(json!({
                "pk": format!("C#{i:02}"), "sk": "#CUSTOMER",
                "gsi1pk": "CUSTOMER", "gsi1sk": names[i % names.len()],
                "gsi2pk": format!("CUSTOMER#{kind}"), "gsi2sk": names[i % names.len()],
                "n": i
            }))
        })
        .collect();
    // Not in the indexes (no index keys), and in another index partition.
    items.push(item(
        json!({"pk": "C#00", "sk": "ACCESS#1", "name": "anna"}),
    ));
    items.push(item(json!({"pk": "X#1", "sk": "#X", "gsi1pk": "OTHER", "gsi1sk": "anna", "gsi2pk": "OTHER", "gsi2sk": "anna"})));
    items
}

/// Pages through a query with `start_after = last_key` and returns the pages.
async fn pages(t: &Arc<dyn Table>, query: Query) -> Vec<Vec<Item>> {
    let mut q = query;
    let mut pages = Vec::new();
    loop {
        let page = t.query(&q).await.unwrap();
        if let Some(limit) = q.limit {
            assert!(page.items.len() <= limit, "a page holds at most the limit");
        }
        pages.push(page.items);
        match page.last_key {
            Some(k) => q.start_after = Some(k),
            None => return pages,
        }
        assert!(pages.len() < 100, "paging does not end");
    }
}

/// Asserts that the items are exactly the expected customers, once each, in index order.
#[track_caller]
fn assert_index_order(items: &[Item], index: Index, expected_pks: BTreeSet<String>) {
    let pks: Vec<String> = items
        .iter()
        .map(|i| i["pk"].as_str().unwrap().to_owned())
        .collect();
    let unique: BTreeSet<String> = pks.iter().cloned().collect();
    assert_eq!(unique.len(), pks.len(), "no item twice: {pks:?}");
    assert_eq!(unique, expected_pks, "every item once");
    let sort: Vec<&str> = items
        .iter()
        .map(|i| i[index.sk_attr()].as_str().unwrap())
        .collect();
    assert!(
        sort.windows(2).all(|w| w[0] <= w[1]),
        "in index order: {sort:?}"
    );
}

fn expected(filter: impl Fn(&Item) -> bool) -> BTreeSet<String> {
    customers()
        .iter()
        .filter(|i| i.get("gsi1pk") == Some(&json!("CUSTOMER")))
        .filter(|i| filter(i))
        .map(|i| i["pk"].as_str().unwrap().to_owned())
        .collect()
}

fn index_query(index: Index, pk: &str, sk: SortKey, limit: usize) -> Query {
    Query {
        index: Some(index),
        pk: pk.into(),
        sk,
        start_after: None,
        limit: Some(limit),
    }
}

on_both_stores!(
    an_index_query_pages_through_every_item_exactly_once_in_sort_order,
    |t, scan, requests| {
        put_all(&t, customers()).await;

        let before = requests.get();
        let all = pages(&t, index_query(Index::Gsi1, "CUSTOMER", SortKey::All, 4)).await;
        assert_eq!(
            requests.get() - before,
            all.len() as u64,
            "one request per page"
        );
        assert_eq!(all.len(), 6, "23 items in pages of 4");
        let all: Vec<Item> = all.into_iter().flatten().collect();
        assert_index_order(&all, Index::Gsi1, expected(|_| true));
        assert_eq!(
            t.query_all(&index_query(Index::Gsi1, "CUSTOMER", SortKey::All, 4))
                .await
                .unwrap(),
            all
        );

        // "bert" and "berta": a prefix that ties and continues.
        let b = pages(
            &t,
            index_query(
                Index::Gsi1,
                "CUSTOMER",
                SortKey::BeginsWith("ber".into()),
                3,
            ),
        )
        .await;
        assert!(b.len() > 2, "several pages");
        let b: Vec<Item> = b.into_iter().flatten().collect();
        assert_index_order(
            &b,
            Index::Gsi1,
            expected(|i| i["gsi1sk"].as_str().unwrap().starts_with("ber")),
        );

        // Page sizes that do not divide the counts: DynamoDB may end a full last page with a
        // last key and an empty page after it (moto and the memory table do not).
        let people = pages(
            &t,
            index_query(Index::Gsi2, "CUSTOMER#person", SortKey::All, 5),
        )
        .await;
        assert_eq!(people.len(), 3, "12 people in pages of 5");
        let people: Vec<Item> = people.into_iter().flatten().collect();
        assert_index_order(
            &people,
            Index::Gsi2,
            expected(|i| i["gsi2pk"] == json!("CUSTOMER#person")),
        );

        let companies = pages(
            &t,
            index_query(
                Index::Gsi2,
                "CUSTOMER#company",
                SortKey::Between("b".into(), "carl".into()),
                2,
            ),
        )
        .await;
        let companies: Vec<Item> = companies.into_iter().flatten().collect();
        assert_index_order(
            &companies,
            Index::Gsi2,
            expected(|i| {
                let s = i["gsi2sk"].as_str().unwrap();
                i["gsi2pk"] == json!("CUSTOMER#company") && ("b"..="carl").contains(&s)
            }),
        );
    }
);

on_both_stores!(
    a_page_continues_after_a_whole_item_as_well_as_after_its_key,
    |t, scan| {
        put_all(&t, customers()).await;
        let first = t
            .query(&index_query(Index::Gsi1, "CUSTOMER", SortKey::All, 5))
            .await
            .unwrap();
        let after_key = Query {
            start_after: first.last_key.clone(),
            ..index_query(Index::Gsi1, "CUSTOMER", SortKey::All, 5)
        };
        let after_item = Query {
            start_after: first.items.last().cloned(),
            ..after_key.clone()
        };
        let by_key = t.query(&after_key).await.unwrap();
        assert_eq!(by_key.items.len(), 5);
        assert_eq!(t.query(&after_item).await.unwrap().items, by_key.items);
    }
);

on_both_stores!(an_item_without_index_keys_is_not_in_the_index, |t, scan| {
    put_all(&t, customers()).await;
    // What deleting a customer does first: its tombstone leaves the overview.
    t.write(update(
        Key::new("C#03", "#CUSTOMER"),
        set(json!({"deleting": true})),
        &["gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"],
        &[],
        Some(Cond::Exists),
    ))
    .await
    .unwrap();
    let all = t
        .query_all(&Query {
            index: Some(Index::Gsi1),
            ..Query::partition("CUSTOMER", SortKey::All)
        })
        .await
        .unwrap();
    assert_index_order(&all, Index::Gsi1, expected(|i| i["pk"] != json!("C#03")));
    let companies = t
        .query_all(&Query {
            index: Some(Index::Gsi2),
            ..Query::partition("CUSTOMER#company", SortKey::All)
        })
        .await
        .unwrap();
    assert_eq!(companies.len(), 10);
});

on_both_stores!(
    query_all_returns_every_item_when_the_results_exceed_one_page,
    |t, scan, requests| {
        let payload = "x".repeat(4000);
        let big: Vec<Item> = (0..300)
            .map(|i| item(json!({"pk": "BIG", "sk": format!("ITEM#{i:04}"), "payload": payload})))
            .collect();
        put_all(&t, big).await;

        let before = requests.get();
        let pages = pages(&t, Query::partition("BIG", SortKey::All)).await;
        assert!(
            pages.len() >= 2,
            "300 items of 4 KB exceed a page (1 MB): {} pages",
            pages.len()
        );
        assert_eq!(
            requests.get() - before,
            pages.len() as u64,
            "one request per page"
        );

        let before = requests.get();
        let all = t
            .query_all(&Query::partition("BIG", SortKey::All))
            .await
            .unwrap();
        assert_eq!(requests.get() - before, pages.len() as u64);
        let expected: Vec<String> = (0..300).map(|i| format!("ITEM#{i:04}")).collect();
        assert_eq!(sks(&all), expected, "every item once, in order");
        assert_eq!(
            all.into_iter()
                .flat_map(|i| i.get("payload").cloned())
                .filter(|p| p == &json!(payload))
                .count(),
            300
        );
    }
);

// ---------------------------------------------------------------------------------------------
// Batches
// ---------------------------------------------------------------------------------------------

on_both_stores!(
    a_batch_get_returns_the_present_items_and_skips_missing_keys,
    |t, scan| {
        let a = item(json!({"pk": "c", "sk": "#C", "name": "a"}));
        let b = item(json!({"pk": "c", "sk": "ACCESS#1", "email": "a@example.com"}));
        put_all(&t, vec![a.clone(), b.clone()]).await;
        let mut found = t
            .batch_get(&[
                Key::new("c", "ACCESS#1"),
                Key::new("c", "ACCESS#2"),
                Key::new("gone", "#C"),
                Key::new("c", "#C"),
            ])
            .await
            .unwrap();
        found.sort_by(|x, y| x["sk"].as_str().cmp(&y["sk"].as_str()));
        assert_eq!(found, vec![a, b]);
        assert!(
            t.batch_get(&[Key::new("gone", "#C")])
                .await
                .unwrap()
                .is_empty()
        );
        assert!(t.batch_get(&[]).await.unwrap().is_empty());
    }
);

on_both_stores!(
    a_batch_delete_of_300_items_leaves_none,
    |t, scan, requests| {
        let items: Vec<Item> = (0..300)
            .map(|i| item(json!({"pk": format!("C#{}", i % 7), "sk": format!("TX#{i:04}")})))
            .collect();
        let keys: Vec<Key> = items.iter().map(|i| Key::of(i).unwrap()).collect();
        put_all(&t, items).await;
        assert_eq!(scan().await.len(), 300);
        let before = requests.get();
        t.batch_delete(&keys).await.unwrap();
        assert_eq!(
            requests.get() - before,
            12,
            "300 deletes are 12 requests of 25"
        );
        assert!(scan().await.is_empty());
    }
);

on_both_stores!(
    a_batch_delete_accepts_a_key_twice_and_keys_of_missing_items,
    |t, scan, requests| {
        put_all(
            &t,
            vec![
                item(json!({"pk": "a", "sk": "1"})),
                item(json!({"pk": "b", "sk": "1"})),
            ],
        )
        .await;
        let before = requests.get();
        t.batch_delete(&[
            Key::new("a", "1"),
            Key::new("a", "1"),
            Key::new("b", "1"),
            Key::new("gone", "1"),
        ])
        .await
        .unwrap();
        assert_eq!(requests.get() - before, 1);
        assert!(scan().await.is_empty());
    }
);

// ---------------------------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------------------------

on_both_stores!(
    every_call_costs_one_request_per_page_and_a_batch_delete_one_per_25_keys,
    |t, scan, requests| {
        let mut expected = 0;
        let mut step = |what: &str, cost: u64| {
            expected += cost;
            assert_eq!(requests.get(), expected, "after {what}");
        };
        step("nothing", 0);
        t.get(&Key::new("a", "1")).await.unwrap();
        step("a get", 1);
        t.write(Write::put(item(json!({"pk": "a", "sk": "1", "v": 1}))))
            .await
            .unwrap();
        step("a put", 1);
        let _ = t
            .write(Write::put_new(item(json!({"pk": "a", "sk": "1"}))))
            .await
            .unwrap_err();
        step("a refused put", 1);
        t.write(update(
            Key::new("a", "1"),
            set(json!({"w": 2})),
            &["v"],
            &[("n", 1)],
            Some(Cond::Exists),
        ))
        .await
        .unwrap();
        step("an update", 1);
        t.write(Write::Check {
            key: Key::new("a", "1"),
            cond: Cond::Exists,
        })
        .await
        .unwrap();
        step("a check", 1);
        t.write(Write::delete(Key::new("a", "1"))).await.unwrap();
        step("a delete", 1);
        t.transact(
            vec![
                Write::put(item(json!({"pk": "b", "sk": "1"}))),
                Write::put(item(json!({"pk": "b", "sk": "2"}))),
            ],
            None,
        )
        .await
        .unwrap();
        step("a transaction", 1);
        let _ = t
            .transact(
                vec![Write::put_new(item(json!({"pk": "b", "sk": "1"})))],
                None,
            )
            .await
            .unwrap_err();
        step("a cancelled transaction", 1);
        let _ = t.transact(vec![], None).await.unwrap_err();
        step("an empty transaction (refused before sending)", 0);
        t.batch_get(&[Key::new("b", "1"), Key::new("b", "2"), Key::new("b", "3")])
            .await
            .unwrap();
        step("a batch get", 1);
        t.batch_get(&[]).await.unwrap();
        step("an empty batch get", 0);
        t.query(&Query::partition("b", SortKey::All)).await.unwrap();
        step("a one-page query", 1);
        put_all(
            &t,
            (0..10)
                .map(|i| item(json!({"pk": "q", "sk": format!("{i}")})))
                .collect(),
        )
        .await;
        step("a seeding transaction", 1);
        let all = t
            .query_all(&Query {
                limit: Some(3),
                ..Query::partition("q", SortKey::All)
            })
            .await
            .unwrap();
        assert_eq!(all.len(), 10);
        step("query_all of 10 items in pages of 3", 4);
        let keys: Vec<Key> = (0..60).map(|i| Key::new("q", format!("{i}"))).collect();
        t.batch_delete(&keys).await.unwrap();
        step("a batch delete of 60 keys", 3);
        t.batch_delete(&[]).await.unwrap();
        step("an empty batch delete", 0);
        assert_eq!(scan().await.len(), 2, "b/1 and b/2 remain");
        step("a scan (a test tool, not the port)", 0);
    }
);
