//! The backfill of version 3's indexes (`usecases::backfill`, part of the scheduled run): for
//! customers stored by version 2 (no responsibility items, no `responsible`, `respSeq` or
//! `reviewDueAt`), one scheduled run rebuilds each specialist's responsibilities and the review
//! due list from the grants, exactly as version 3 writes them; once done, a run costs one
//! GetItem more, whatever the number of customers; a run stopped by its deadline or failing at
//! any store call goes on in the next run and ends in the same state; a version 3 change of a
//! version 2 customer before the backfill leaves nobody unindexed, and a rename indexes it
//! whole.

use crate::faults::FaultyTable;
use crate::helpers::*;
use crate::need_to_know_on_both_stores;
use serde_json::{Value, json};
use shared::config::AccessModel;
use shared::ports::{Item, Key, Write};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CARL: Who = Who::Specialist("carl");
const DORA: Who = Who::Specialist("dora");

/// The customers of the scenarios, by who is responsible for which.
struct World {
    /// anna's, administered by ben too, with carl processing one transaction.
    shared: String,
    /// ben's alone.
    bens: String,
    /// anna's, with ben processing one transaction.
    processed: String,
    /// Further customers of anna's alone (to cross the backfill's page of 25).
    more: Vec<String>,
}

impl World {
    fn all(&self) -> BTreeSet<String> {
        let mut all: BTreeSet<String> = self.more.iter().cloned().collect();
        all.extend([
            self.shared.clone(),
            self.bens.clone(),
            self.processed.clone(),
        ]);
        all
    }

    /// The customers each specialist is responsible for.
    fn expected(&self) -> Vec<(Who, BTreeSet<String>)> {
        let mut annas: BTreeSet<String> = self.more.iter().cloned().collect();
        annas.extend([self.shared.clone(), self.processed.clone()]);
        let set = |ids: &[&String]| ids.iter().map(|s| s.to_string()).collect();
        vec![
            (ANNA, annas),
            (BEN, set(&[&self.shared, &self.bens, &self.processed])),
            (CARL, set(&[&self.shared])),
            (DORA, BTreeSet::new()),
        ]
    }
}

fn named(last: &str, email: &str) -> Value {
    let mut p = person(email);
    p["lastName"] = json!(last);
    p["mobile"] = Value::Null;
    p
}

async fn create(app: &TestApp, who: &Who, last: &str) -> String {
    let email = format!("{}@example.com", last.to_lowercase());
    let c = app.create_customer(who, named(last, &email)).await;
    c["id"].as_str().unwrap().to_owned()
}

async fn transaction(app: &TestApp, customer: &str) -> String {
    let path = format!("/customers/{customer}/transactions");
    let t = app.post(&ANNA, &path, json!({"title": "ESt"})).await;
    t.expect(201)["id"].as_str().unwrap().to_owned()
}

/// The customers, created through the API by version 3 (so indexed), with `more` further ones.
async fn world(app: &TestApp, more: usize) -> World {
    let shared = create(app, &ANNA, "Adler").await;
    let bens = create(app, &BEN, "Becker").await;
    let processed = create(app, &ANNA, "Claasen").await;
    app.add_administrators(&ANNA, &shared, &["ben"])
        .await
        .expect(200);
    let t = transaction(app, &shared).await;
    app.add_processors(&ANNA, &shared, &["carl"], &[&t])
        .await
        .expect(200);
    let t = transaction(app, &processed).await;
    app.add_processors(&ANNA, &processed, &["ben"], &[&t])
        .await
        .expect(200);
    let mut ids = Vec::new();
    for i in 0..more {
        ids.push(create(app, &ANNA, &format!("Zeile{i:02}")).await);
    }
    World {
        shared,
        bens,
        processed,
        more: ids,
    }
}

fn pk(item: &Item) -> &str {
    item["pk"].as_str().unwrap_or_default()
}

fn is_customer(item: &Item) -> bool {
    item["sk"] == "#CUSTOMER"
}

/// The attributes of a customer item that the backfill writes (`respSeq` aside: it counts).
const INDEXED: [&str; 4] = ["responsible", "reviewDueAt", "gsi3pk", "gsi3sk"];

/// Makes the table look as version 2 stored it: no responsibility items, and no
/// `responsible`, `respSeq`, `reviewDueAt` or due index entry on the customer items.
async fn as_version_2(app: &TestApp) {
    for item in app.scan().await {
        let key = Key::of(&item).unwrap();
        if pk(&item).starts_with("RESP#") {
            app.table.write(Write::delete(key)).await.unwrap();
        } else if is_customer(&item) {
            let mut remove: Vec<String> = INDEXED.map(String::from).to_vec();
            remove.push("respSeq".into());
            let update = Write::Update {
                key,
                set: Item::new(),
                remove,
                add: Vec::new(),
                cond: None,
            };
            app.table.write(update).await.unwrap();
        }
    }
}

/// What the index consists of: every responsibility item whole, and the indexed attributes of
/// every customer item.
async fn index_of(app: &TestApp) -> BTreeMap<String, Value> {
    let mut index = BTreeMap::new();
    for item in app.scan().await {
        if pk(&item).starts_with("RESP#") {
            let key = format!("{}|{}", pk(&item), item["sk"].as_str().unwrap());
            index.insert(key, json!(item));
        } else if is_customer(&item) {
            let kept: Item = INDEXED
                .iter()
                .filter_map(|a| item.get(*a).map(|v| (a.to_string(), v.clone())))
                .collect();
            index.insert(pk(&item).to_owned(), json!(kept));
        }
    }
    index
}

async fn run(app: &TestApp) -> Value {
    shared::functions::run_scheduled(&app.app).await.unwrap()
}

/// The customers in a specialist's overview (need-to-know: its own).
async fn overview(app: &TestApp, who: &Who) -> BTreeSet<String> {
    let page = app.get(who, "/customers?limit=100").await.expect(200);
    ids_in(&page["items"], "id")
}

/// The customers of `GET /specialists/{id}/responsibilities`.
async fn responsibilities(app: &TestApp, who: &Who) -> BTreeSet<String> {
    let Who::Specialist(id) = who else {
        panic!("a specialist")
    };
    let path = format!("/specialists/{id}/responsibilities?limit=100");
    let page = app.get(&ROOT, &path).await.expect(200);
    let customers: Vec<Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["customer"].clone())
        .collect();
    ids_in(&json!(customers), "id")
}

fn ids_in(items: &Value, field: &str) -> BTreeSet<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[field].as_str().unwrap().to_owned())
        .collect()
}

/// Every specialist sees exactly its customers, in its overview and its responsibilities.
async fn everyone_sees_their_own(app: &TestApp, world: &World) {
    for (who, expected) in world.expected() {
        assert_eq!(overview(app, &who).await, expected, "overview of {who:?}");
        assert_eq!(
            responsibilities(app, &who).await,
            expected,
            "responsibilities of {who:?}"
        );
    }
}

need_to_know_on_both_stores!(
    one_scheduled_run_indexes_version_2_customers_for_their_specialists_and_the_review_list,
    |app| {
        // 28 customers: more than one page of the walk.
        let world = world(&app, 25).await;
        let built_by_version_3 = index_of(&app).await;
        as_version_2(&app).await;
        assert!(overview(&app, &ANNA).await.is_empty(), "unindexed");
        let answer = run(&app).await;
        assert_eq!(
            answer,
            json!({"reminders": 0, "backfilled": 28, "backfillDone": true})
        );
        assert_eq!(index_of(&app).await, built_by_version_3);
        everyone_sees_their_own(&app, &world).await;
        // Their first reviews fall due a review period after creation, as version 3's do.
        app.clock.advance(Duration::from_secs(340 * 86_400));
        let due = app.get(&ROOT, "/access-reviews?limit=100").await;
        let due = due.expect(200);
        let due: BTreeSet<String> = due["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["customer"]["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(due, world.all());
    }
);

need_to_know_on_both_stores!(
    once_done_a_scheduled_run_rebuilds_nothing_and_reads_one_item_more_whatever_the_customers,
    |app| {
        world(&app, 0).await;
        as_version_2(&app).await;
        run(&app).await;
        let before = app.requests();
        let answer = run(&app).await;
        assert_eq!(
            answer,
            json!({"reminders": 0, "backfilled": 0, "backfillDone": true})
        );
        // The reminders' index Query, and the backfill's GetItem of its state.
        assert_eq!(app.requests() - before, 2);
        for i in 0..5 {
            create(&app, &ANNA, &format!("Neu{i}")).await;
        }
        let before = app.requests();
        assert_eq!(run(&app).await["backfilled"], 0);
        assert_eq!(app.requests() - before, 2, "the same with more customers");
    }
);

need_to_know_on_both_stores!(
    a_backfill_stopped_by_its_deadline_goes_on_in_the_next_runs_and_ends_in_the_same_state,
    |app| {
        // 28 customers: more than one page of the walk.
        let world = world(&app, 25).await;
        let built_by_version_3 = index_of(&app).await;
        as_version_2(&app).await;
        let mut runs = 0;
        loop {
            // A deadline already passed: each run does one customer, then saves its cursor.
            let answer = shared::functions::run_scheduled_until(&app.app, Some(Instant::now()))
                .await
                .unwrap();
            runs += 1;
            assert_eq!(answer["backfilled"], 1, "run {runs}: {answer}");
            if answer["backfillDone"] == true {
                break;
            }
            assert!(runs < 40, "the backfill does not end");
        }
        assert_eq!(runs, 28, "one customer per run, none twice, none left out");
        assert_eq!(index_of(&app).await, built_by_version_3);
        everyone_sees_their_own(&app, &world).await;
    }
);

/// Store calls of one scheduled run over the three customers of `world(_, 0)`: the
/// reminders' Query; the state's GetItem, the page's Query, per customer a Query and a
/// transaction, the state's UpdateItem.
const CALLS: i64 = 10;

/// A version 2 table, a scheduled run whose store call `k` fails, then a run without faults:
/// the index is the one version 3 built. Whether the faulty run failed.
async fn run_failing_at(store: Store, k: i64) -> bool {
    let app = spawn_app_in(store, AccessModel::NeedToKnow).await;
    world(&app, 0).await;
    let built_by_version_3 = index_of(&app).await;
    as_version_2(&app).await;
    let mut failing = app.app.clone();
    failing.table = Arc::new(FaultyTable::failing_at(app.table.clone(), k));
    let failed = shared::functions::run_scheduled(&failing).await.is_err();
    let answer = run(&app).await;
    assert_eq!(answer["backfillDone"], true, "fault at store call {k}");
    assert_eq!(
        index_of(&app).await,
        built_by_version_3,
        "fault at store call {k}"
    );
    failed
}

crate::both_stores!(
    a_backfill_that_fails_at_any_store_call_and_runs_again_ends_in_the_complete_index,
    |app| {
        let mut failures = 0;
        for k in 0..=CALLS {
            if run_failing_at(app.store, k).await {
                failures += 1;
            }
        }
        // Every call fails the run; the one after the last fails nothing.
        assert_eq!(failures, CALLS);
    }
);

need_to_know_on_both_stores!(
    a_version_3_change_of_a_version_2_customer_before_the_backfill_leaves_nobody_unindexed,
    |app| {
        let world = world(&app, 0).await;
        as_version_2(&app).await;
        // A platform admin adds dora to the shared customer: version 3 indexes dora (the
        // only one whose reasons changed), and records the list, but not anna, ben or carl.
        app.add_administrators(&ROOT, &world.shared, &["dora"])
            .await
            .expect(200);
        assert_eq!(
            overview(&app, &DORA).await,
            BTreeSet::from([world.shared.clone()])
        );
        assert!(!overview(&app, &ANNA).await.contains(&world.shared));
        let answer = run(&app).await;
        assert_eq!(answer["backfilled"], 3);
        let mut expected = world.expected();
        expected[3].1.insert(world.shared.clone());
        for (who, expected) in expected {
            assert_eq!(overview(&app, &who).await, expected, "overview of {who:?}");
            assert_eq!(responsibilities(&app, &who).await, expected, "{who:?}");
        }
    }
);

need_to_know_on_both_stores!(
    a_customer_being_deleted_is_passed_over_and_a_removed_responsibility_is_deleted,
    |app| {
        let world = world(&app, 0).await;
        as_version_2(&app).await;
        // A delete that has set its mark while the (eventually consistent) overview index
        // still lists the customer.
        let key = Key::new(format!("C#{}", world.bens), "#CUSTOMER");
        let mark = Write::Update {
            key,
            set: [("deleting".to_owned(), json!(true))].into_iter().collect(),
            remove: Vec::new(),
            add: Vec::new(),
            cond: None,
        };
        app.table.write(mark).await.unwrap();
        // A stale responsibility: dora in the list of the processed customer, without grants.
        let key = Key::new(format!("C#{}", world.processed), "#CUSTOMER");
        let stale = Write::Update {
            key,
            set: [("responsible".to_owned(), json!(["dora"]))]
                .into_iter()
                .collect(),
            remove: Vec::new(),
            add: vec![("respSeq".to_owned(), 1)],
            cond: None,
        };
        app.table.write(stale).await.unwrap();
        let mut item = Item::new();
        item.insert("pk".into(), json!("RESP#dora"));
        item.insert("sk".into(), json!(format!("C#{}", world.processed)));
        app.table.write(Write::put(item)).await.unwrap();
        let answer = run(&app).await;
        assert_eq!(answer["backfilled"], 2);
        let index = index_of(&app).await;
        assert!(
            !index
                .keys()
                .any(|k| k.contains(&world.bens) && k.starts_with("RESP#")),
            "{index:#?}"
        );
        assert!(!index.contains_key(&format!("RESP#dora|C#{}", world.processed)));
        let responsible = &index[&format!("C#{}", world.processed)]["responsible"];
        assert_eq!(responsible, &json!(["anna", "ben"]));
    }
);

need_to_know_on_both_stores!(
    a_rename_of_a_version_2_customer_indexes_it_whole_before_the_backfill_reaches_it,
    |app| {
        let world = world(&app, 0).await;
        as_version_2(&app).await;
        // The walk follows names: renamed to sort first, the customer would slip behind a
        // cursor already past it. The rename rebuilds its index from its grants instead.
        // (A platform admin renames it: under need-to-know, anna cannot reach it yet.)
        let path = format!("/customers/{}", world.shared);
        let mut edit = app.get(&ROOT, &path).await.expect(200);
        edit["lastName"] = json!("Aaron");
        app.put(&ROOT, &path, edit).await.expect(200);
        for who in [ANNA, BEN] {
            assert!(
                overview(&app, &who).await.contains(&world.shared),
                "{who:?}"
            );
        }
        assert!(responsibilities(&app, &CARL).await.contains(&world.shared));
        // Its first review is due, in its administrators' own lists; the others' are not yet
        // indexed (the backfill has not run).
        app.clock.advance(Duration::from_secs(340 * 86_400));
        for who in [ANNA, BEN] {
            let due = app.get(&who, "/access-reviews").await.expect(200);
            let customers: Vec<&str> = due["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["customer"]["id"].as_str().unwrap())
                .collect();
            assert_eq!(customers, [world.shared.as_str()], "{who:?}");
        }
    }
);
