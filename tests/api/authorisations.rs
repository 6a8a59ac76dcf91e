//! Authorisations and business transactions: determine administrators and additional
//! processors, remove any selection at once (all or nothing), visibility, and the cascade
//! when a customer goes, on both stores.

use crate::both_stores;
use crate::helpers::*;
use serde_json::{Value, json};

async fn customer(app: &TestApp, email: &str) -> String {
    let mut p = person(email);
    p["mobile"] = Value::Null;
    app.create_customer(&ANNA, p).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn transaction(app: &TestApp, id: &str, title: &str) -> String {
    app.post(
        &ANNA,
        &format!("/customers/{id}/transactions"),
        json!({"title": title}),
    )
    .await
    .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn ids(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| x[key].as_str().unwrap().to_owned())
        .collect()
}

both_stores!(
    the_authorisations_show_accesses_administrators_and_processors_at_a_glance,
    |app| {
        let id = customer(&app, "glance@example.com").await;
        let t = transaction(&app, &id, "Jahresabschluss 2025").await;
        let u = transaction(&app, &id, "Lohnbuchhaltung").await;
        let admins = app
            .add_administrators(&ANNA, &id, &["ben", "ben", "anna"])
            .await
            .expect(200);
        assert_eq!(
            ids(&admins["administrators"], "id"),
            ["anna", "ben"],
            "sorted by name, no duplicates, no error for an existing one"
        );
        let view = app
            .add_processors(&ANNA, &id, &["carl", "dora"], &[&t, &u])
            .await
            .expect(200);
        assert_eq!(view["additionalProcessors"].as_array().unwrap().len(), 2);
        assert_eq!(
            view["additionalProcessors"][0]["specialist"]["name"],
            "Carl Claussen"
        );
        assert_eq!(
            ids(&view["additionalProcessors"][0]["transactions"], "title"),
            ["Jahresabschluss 2025", "Lohnbuchhaltung"]
        );
        let read = app.authorisations(&BEN, &id).await.expect(200);
        assert_eq!(read, view, "the answer is the view");
        assert_eq!(read["accesses"][0]["status"], "invited");
        // Renaming a specialist shows at once: names come from the directory.
        app.put(
            &ROOT,
            "/specialists/carl",
            json!({"name": "Carl C. Claussen", "email": "carl@kanzlei.example.com"}),
        )
        .await
        .expect(200);
        let read = app.authorisations(&BEN, &id).await.expect(200);
        assert_eq!(
            read["additionalProcessors"][0]["specialist"]["name"],
            "Carl C. Claussen"
        );
    }
);

both_stores!(
    unknown_specialists_and_foreign_transactions_are_refused_naming_the_entry,
    |app| {
        let id = customer(&app, "unknown@example.com").await;
        let other = customer(&app, "other@example.com").await;
        let foreign = transaction(&app, &other, "Fremd").await;
        let own = transaction(&app, &id, "Eigen").await;
        let res = app.add_administrators(&ANNA, &id, &["ben", "nobody"]).await;
        assert_eq!(res.status, 422);
        assert_eq!(res.field_errors(), vec!["specialistIds[1]"]);
        let res = app
            .add_processors(&ANNA, &id, &["carl"], &[&own, &foreign])
            .await;
        assert_eq!(res.field_errors(), vec!["transactionIds[1]"]);
        let res = app
            .post(
                &ANNA,
                &format!("/customers/{id}/additional-processors"),
                json!({"specialistIds": []}),
            )
            .await;
        assert_eq!(res.field_errors(), vec!["specialistIds", "transactionIds"]);
        let view = app.authorisations(&ANNA, &id).await.expect(200);
        assert_eq!(
            ids(&view["administrators"], "id"),
            ["anna"],
            "nothing changed"
        );
        assert!(view["additionalProcessors"].as_array().unwrap().is_empty());
    }
);

both_stores!(
    removing_a_selection_is_all_or_nothing_and_keeps_the_last_administrator,
    |app| {
        let id = customer(&app, "remove@example.com").await;
        let t = transaction(&app, &id, "T").await;
        let u = transaction(&app, &id, "U").await;
        app.add_administrators(&ANNA, &id, &["ben"])
            .await
            .expect(200);
        app.add_processors(&ANNA, &id, &["carl"], &[&t, &u])
            .await
            .expect(200);
        let access = app
            .post(
                &ANNA,
                &format!("/customers/{id}/accesses"),
                json!({"firstName": "Max", "lastName": "M", "email": "max@example.com"}),
            )
            .await
            .expect(201);
        let remove = format!("/customers/{id}/authorisations/remove");
        // The last administrator cannot go, and then nothing of the selection goes.
        let res = app
            .post(
                &ANNA,
                &remove,
                json!({"accessIds": [access["id"]], "administratorIds": ["anna", "ben"]}),
            )
            .await;
        assert_eq!(res.status, 409);
        assert_eq!(res.body["type"], "/problems/last-administrator");
        let view = app.authorisations(&ANNA, &id).await.expect(200);
        assert_eq!(view["accesses"].as_array().unwrap().len(), 2);
        assert_eq!(view["administrators"].as_array().unwrap().len(), 2);
        // An unknown entry refuses the whole selection too.
        let res = app
            .post(
                &ANNA,
                &remove,
                json!({"accessIds": [access["id"], "acc_nope"]}),
            )
            .await;
        assert_eq!(res.field_errors(), vec!["accessIds[1]"]);
        assert_eq!(
            app.post(&ANNA, &remove, json!({})).await.status,
            422,
            "an empty selection"
        );
        // Accesses, an administrator and all of a processor's grants at once.
        let view = app
        .post(&ANNA, &remove, json!({"accessIds": [access["id"]], "administratorIds": ["ben"], "additionalProcessors": [{"specialistId": "carl"}]}))
        .await
        .expect(200);
        assert_eq!(view["accesses"].as_array().unwrap().len(), 1);
        assert_eq!(ids(&view["administrators"], "id"), ["anna"]);
        assert!(view["additionalProcessors"].as_array().unwrap().is_empty());
        assert_eq!(app.authorisations(&ANNA, &id).await.expect(200), view);
        // The removed access can no longer register.
        let token = app.token_for("max@example.com");
        let res = app.inspect(&token).await;
        assert!(matches!(res.status.as_u16(), 404 | 410), "{}", res.status);
        // One grant only, by transaction.
        app.add_processors(&ANNA, &id, &["carl"], &[&t, &u])
            .await
            .expect(200);
        let view = app
            .post(
                &ANNA,
                &remove,
                json!({"additionalProcessors": [{"specialistId": "carl", "transactionId": t}]}),
            )
            .await
            .expect(200);
        assert_eq!(
            ids(&view["additionalProcessors"][0]["transactions"], "id"),
            [u]
        );
    }
);

both_stores!(removing_an_active_access_ends_its_sign_in, |app| {
    let id = customer(&app, "active@example.com").await;
    let subject = app.register("active@example.com", None).await;
    app.get(&Who::EndUser(subject.clone()), "/me")
        .await
        .expect(200);
    let view = app.authorisations(&ANNA, &id).await.expect(200);
    let access = view["accesses"][0]["id"].clone();
    app.post(
        &ANNA,
        &format!("/customers/{id}/authorisations/remove"),
        json!({"accessIds": [access]}),
    )
    .await
    .expect(200);
    assert!(
        app.identity
            .check("active@example.com", "ein-sicheres-Passwort")
            .is_none(),
        "the sign-in is gone"
    );
    assert_eq!(
        app.get(&Who::EndUser(subject), "/me").await.status,
        401,
        "an old token opens nothing: its sign-in is gone"
    );
    // The address is free for a new access.
    app.post(
        &ANNA,
        &format!("/customers/{id}/accesses"),
        json!({"firstName": "E", "lastName": "M", "email": "active@example.com"}),
    )
    .await
    .expect(201);
});

both_stores!(
    parallel_removals_of_the_last_two_administrators_let_one_succeed,
    |app| {
        let id = customer(&app, "two@example.com").await;
        app.add_administrators(&ANNA, &id, &["ben"])
            .await
            .expect(200);
        let remove = format!("/customers/{id}/authorisations/remove");
        let app = &app;
        let a = async {
            app.post(&ROOT, &remove, json!({"administratorIds": ["anna"]}))
                .await
                .status
                .as_u16()
        };
        let b = async {
            app.post(&ROOT, &remove, json!({"administratorIds": ["ben"]}))
                .await
                .status
                .as_u16()
        };
        let (a, b) = futures::join!(a, b);
        let statuses = [a, b];
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s == 409).count(),
            1,
            "{statuses:?}"
        );
        let view = app.authorisations(&ANNA, &id).await.expect(200);
        assert_eq!(view["administrators"].as_array().unwrap().len(), 1);
    }
);

both_stores!(
    parallel_additions_of_processors_to_one_customer_never_answer_as_if_it_were_gone,
    |app| {
        let id = customer(&app, "parallel-processors@example.com").await;
        let t = transaction(&app, &id, "T").await;
        let path = format!("/customers/{id}/additional-processors");
        let app = &app;
        let add = |specialist: &'static str| {
            let body = json!({"specialistIds": [specialist], "transactionIds": [t.clone()]});
            let path = path.clone();
            async move { app.post(&ANNA, &path, body).await.status.as_u16() }
        };
        let (a, b) = futures::join!(add("ben"), add("carl"));
        // Both succeed, or the later one finds the grants changed: 409, which a retry fixes;
        // never the 404 of a customer that does not exist.
        for status in [a, b] {
            assert!(status == 200 || status == 409, "{a} {b}");
        }
        assert!(a == 200 || b == 200, "{a} {b}");
    }
);

both_stores!(transactions_are_visible_by_role, |app| {
    let id = customer(&app, "visible@example.com").await;
    let t = transaction(&app, &id, "T").await;
    let u = transaction(&app, &id, "U").await;
    app.add_processors(&ANNA, &id, &["carl"], &[&t])
        .await
        .expect(200);
    let list = |who: Who| {
        let path = format!("/customers/{id}/transactions");
        let app = &app;
        async move { ids(&app.get(&who, &path).await.expect(200)["items"], "id") }
    };
    assert_eq!(
        list(ANNA).await,
        [t.clone(), u.clone()],
        "administrators see all, oldest first"
    );
    assert_eq!(list(ROOT).await, [t.clone(), u.clone()]);
    assert_eq!(
        list(CARL).await,
        std::slice::from_ref(&t),
        "a processor sees the assigned ones"
    );
    assert!(list(BEN).await.is_empty(), "other specialists see none");
    assert_eq!(
        app.get(&CARL, &format!("/customers/{id}/transactions/{t}"))
            .await
            .expect(200)["title"],
        "T"
    );
    assert_eq!(
        app.get(&CARL, &format!("/customers/{id}/transactions/{u}"))
            .await
            .status,
        404
    );
    assert_eq!(
        app.delete(&CARL, &format!("/customers/{id}/transactions/{t}"))
            .await
            .status,
        403
    );
    let end_user = app.register("visible@example.com", None).await;
    assert_eq!(
        ids(
            &app.get(&Who::EndUser(end_user.clone()), "/me/transactions")
                .await
                .expect(200)["items"],
            "id"
        ),
        [t.clone(), u.clone()]
    );
    assert_eq!(
        app.delete(&ANNA, &format!("/customers/{id}/transactions/{t}"))
            .await
            .status,
        204
    );
    assert_eq!(
        app.get(&ANNA, &format!("/customers/{id}/transactions/{t}"))
            .await
            .status,
        404
    );
    let view = app.authorisations(&ANNA, &id).await.expect(200);
    assert!(
        view["additionalProcessors"].as_array().unwrap().is_empty(),
        "its grants went with it"
    );
    assert_eq!(
        app.post(
            &ANNA,
            &format!("/customers/{id}/transactions"),
            json!({"title": " "})
        )
        .await
        .field_errors(),
        vec!["title"]
    );
});

both_stores!(
    deleting_a_customer_with_300_transactions_and_active_accesses_leaves_nothing,
    |app| {
        let id = customer(&app, "big@example.com").await;
        let first = app.register("big@example.com", None).await;
        for i in 0..3 {
            let email = format!("acc{i}@example.com");
            app.post(
                &ANNA,
                &format!("/customers/{id}/accesses"),
                json!({"firstName": "A", "lastName": format!("Nr{i}"), "email": email}),
            )
            .await
            .expect(201);
            if i < 2 {
                app.register(&email, None).await;
            }
        }
        let mut txs = Vec::new();
        for i in 0..300 {
            txs.push(transaction(&app, &id, &format!("Vorgang {i}")).await);
        }
        app.add_administrators(&ANNA, &id, &["ben"])
            .await
            .expect(200);
        app.add_processors(&ANNA, &id, &["carl", "dora"], &txs[..40])
            .await
            .expect(200);
        assert_eq!(app.identity.count(), 3);
        let keep = customer(&app, "keep@example.com").await;
        let before = app.scan().await.len();
        assert!(before > 400, "{before}");
        assert_eq!(
            app.delete(&ANNA, &format!("/customers/{id}")).await.status,
            204
        );
        let left: Vec<_> = app
            .scan()
            .await
            .into_iter()
            // The deletion record names the customer by its id only (tests/api/deletions.rs).
            .filter(|i| i["pk"] != "DELETIONS")
            .filter(|i| {
                serde_json::to_string(i).unwrap().contains(&id)
                    || i["pk"].as_str().unwrap().starts_with("INV#")
                        && i["customerId"] == id.as_str()
            })
            .collect();
        assert!(left.is_empty(), "left over: {left:?}");
        assert_eq!(
            app.identity.count(),
            0,
            "no end user of the customer can sign in"
        );
        assert_eq!(app.get(&Who::EndUser(first), "/me").await.status, 401);
        app.get(&ANNA, &format!("/customers/{keep}"))
            .await
            .expect(200);
    }
);
