//! Customers: create, overview, read, edit, delete, on both stores.

use crate::both_stores;
use crate::helpers::*;
use futures::future::join_all;
use http::Method;
use serde_json::{Value, json};

both_stores!(
    creating_a_person_invites_its_first_access_by_email_and_sms,
    |app| {
        let res = app
            .post(&ANNA, "/customers", person("erika@example.com"))
            .await;
        let location = res.headers["location"].to_str().unwrap().to_owned();
        let body = res.expect(201);
        assert_eq!(
            location,
            format!("/customers/{}", body["id"].as_str().unwrap())
        );
        assert_eq!(body["type"], "person");
        assert_eq!(body["displayName"], "Mustermann, Erika");
        assert_eq!(body["mobile"], "+491701234567", "normalised to E.164");
        assert_eq!(body["version"], 1);
        let access = &body["accesses"][0];
        assert_eq!(access["status"], "invited");
        assert_eq!(access["email"], "erika@example.com");
        assert_eq!(access["firstName"], "Erika");
        assert_eq!(access["delivery"]["email"], "sent");
        assert_eq!(access["delivery"]["sms"], "sent");
        let outbox = app.outbox();
        assert_eq!(outbox.len(), 2);
        assert!(
            outbox[0]
                .body
                .contains("https://portal.example.com/register#token=")
        );
        assert_eq!(outbox[1].to, "+491701234567");
        assert_eq!(app.code_for("+491701234567").len(), 9);
    }
);

both_stores!(
    creating_a_company_invites_its_contact_person_by_email_only,
    |app| {
        let body = app
            .create_customer(&ANNA, company("info@muster.example.com"))
            .await;
        assert_eq!(body["displayName"], "Muster GmbH");
        assert_eq!(body["companyName"], "Muster GmbH");
        assert!(body.get("firstName").is_none());
        let access = &body["accesses"][0];
        assert_eq!(access["firstName"], "Max");
        assert_eq!(access["lastName"], "Muster");
        assert_eq!(access["language"], "en");
        assert_eq!(access["delivery"]["sms"], Value::Null);
        assert_eq!(app.outbox().len(), 1, "no mobile, no SMS");
        assert!(
            app.outbox()[0]
                .subject
                .as_deref()
                .unwrap()
                .contains("registration")
        );
    }
);

both_stores!(
    a_customer_without_mandatory_fields_is_refused_naming_each_field,
    |app| {
        let cases = [
            (
                json!({"type": "person", "email": "e@example.com"}),
                vec!["firstName", "lastName"],
            ),
            (
                json!({"type": "person", "firstName": "  ", "lastName": "M", "email": ""}),
                vec!["firstName", "email"],
            ),
            (
                json!({"type": "company", "email": "e@example.com"}),
                vec!["companyName", "contactFirstName", "contactLastName"],
            ),
            (
                json!({"firstName": "E", "lastName": "M", "email": "e@example.com"}),
                vec!["type"],
            ),
            (
                json!({"type": "person", "firstName": "E", "lastName": "M", "email": "e@", "mobile": "12", "dateOfBirth": "2999-01-01"}),
                vec!["dateOfBirth", "email", "mobile"],
            ),
            (
                json!({"type": "person", "firstName": "E", "lastName": "M", "email": "e@example.com", "address": {"street": "Hauptstr. 1", "country": "XX"}}),
                vec!["address.postalCode", "address.city", "address.country"],
            ),
        ];
        for (body, fields) in cases {
            let res = app.post(&ANNA, "/customers", body.clone()).await;
            assert_eq!(res.status, 422, "{body}");
            assert_eq!(res.field_errors(), fields, "{body}");
        }
        assert!(
            app.get(&ANNA, "/customers").await.expect(200)["items"]
                .as_array()
                .unwrap()
                .is_empty(),
            "nothing half-written"
        );
        assert!(app.outbox().is_empty());
    }
);

both_stores!(
    malformed_bodies_are_bad_requests_and_huge_ones_too_large,
    |app| {
        let res = app
            .post(
                &ANNA,
                "/customers",
                json!({"type": "robot", "email": "e@example.com"}),
            )
            .await;
        assert_eq!(res.status, 400, "unknown type");
        let res = app
            .post(
                &ANNA,
                "/customers",
                json!({"type": "person", "firstName": 5}),
            )
            .await;
        assert_eq!(res.status, 400, "wrong JSON type");
        assert_eq!(res.field_errors(), vec!["firstName"]);
        let res = app
            .send_raw(
                &ANNA,
                Method::POST,
                "/customers",
                b"{not json".to_vec(),
                &[],
            )
            .await;
        assert_eq!(res.status, 400);
        let mut big = person("big@example.com");
        big["title"] = json!("x".repeat(70 * 1024));
        let res = app.post(&ANNA, "/customers", big).await;
        assert_eq!(res.status, 413);
    }
);

both_stores!(
    the_same_idempotency_key_with_the_same_body_creates_one_customer,
    |app| {
        let body = person("idem@example.com");
        let first = app
            .post_with_key(&ANNA, "/customers", "k-1", body.clone())
            .await
            .expect(201);
        let again = app
            .post_with_key(&ANNA, "/customers", "k-1", body.clone())
            .await
            .expect(201);
        assert_eq!(first, again, "the first answer, again");
        let list = app.get(&ANNA, "/customers").await.expect(200);
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
        assert_eq!(app.outbox().len(), 2, "one invitation only");
        let mut other = body.clone();
        other["firstName"] = json!("Erik");
        let res = app.post_with_key(&ANNA, "/customers", "k-1", other).await;
        assert_eq!(res.status, 422);
        assert_eq!(res.field_errors(), vec!["Idempotency-Key"]);
    }
);

both_stores!(
    parallel_creates_with_one_idempotency_key_make_one_customer,
    |app| {
        let body = person("race@example.com");
        let sends = (0..6).map(|_| app.post_with_key(&ANNA, "/customers", "race", body.clone()));
        let answers = join_all(sends).await;
        let ids: std::collections::BTreeSet<String> = answers
            .into_iter()
            .filter(|r| r.status == 201)
            .map(|r| r.body["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids.len(), 1);
        assert_eq!(
            app.get(&ANNA, "/customers").await.expect(200)["items"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
);

both_stores!(
    an_email_address_holds_one_access_per_customer_and_may_hold_more_at_other_customers,
    |app| {
        let first = app.create_customer(&ANNA, person("once@example.com")).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        // The managing director of a second client company: the same person, another customer.
        app.post(&BEN, "/customers", company("ONCE@example.com"))
            .await
            .expect(201);
        let twice = app
            .post(
                &ANNA,
                &format!("/customers/{first}/accesses"),
                json!({"firstName": "Erika", "lastName": "Zweitzugang", "email": "Once@Example.com"}),
            )
            .await;
        assert_eq!(twice.status, 409, "twice at one customer: {:#}", twice.body);
        assert_eq!(twice.body["type"], "/problems/email-taken");
        assert_eq!(
            app.authorisations(&ANNA, &first).await.expect(200)["accesses"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
);

both_stores!(
    the_overview_sorts_by_name_case_insensitively_and_filters,
    |app| {
        for (last, kind) in [
            ("zander", "person"),
            ("Özdemir", "person"),
            ("Albers", "person"),
            ("bauer", "person"),
        ] {
            let mut p = person(&format!(
                "{}@example.com",
                last.to_lowercase().replace('ö', "oe")
            ));
            p["lastName"] = json!(last);
            p["mobile"] = Value::Null;
            assert_eq!(kind, "person");
            app.create_customer(&ANNA, p).await;
        }
        app.create_customer(&ANNA, company("gmbh@example.com"))
            .await;
        let names = |v: Value| -> Vec<String> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["displayName"].as_str().unwrap().to_owned())
                .collect()
        };
        let all = app.get(&ANNA, "/customers").await.expect(200);
        assert_eq!(
            names(all),
            [
                "Albers, Erika",
                "bauer, Erika",
                "Muster GmbH",
                "Özdemir, Erika",
                "zander, Erika"
            ]
        );
        let b = app.get(&ANNA, "/customers?q=B").await.expect(200);
        assert_eq!(names(b), ["bauer, Erika"]);
        let oe = app.get(&ANNA, "/customers?q=%C3%B6z").await.expect(200);
        assert_eq!(names(oe), ["Özdemir, Erika"]);
        let companies = app.get(&ANNA, "/customers?type=company").await.expect(200);
        assert_eq!(names(companies), ["Muster GmbH"]);
        let summary = &app.get(&ANNA, "/customers?type=company").await.expect(200)["items"][0];
        let keys: Vec<&str> = summary
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["createdAt", "displayName", "email", "id", "type"]);
    }
);

both_stores!(
    the_overview_pages_with_an_opaque_cursor_that_cannot_be_tampered_with,
    |app| {
        for i in 0..7 {
            let mut p = person(&format!("p{i}@example.com"));
            p["lastName"] = json!(format!("Name{i}"));
            p["mobile"] = Value::Null;
            app.create_customer(&ANNA, p).await;
        }
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let path = match &cursor {
                None => "/customers?limit=3".to_owned(),
                Some(c) => format!("/customers?limit=3&cursor={c}"),
            };
            let page = app.get(&ANNA, &path).await.expect(200);
            pages += 1;
            for i in page["items"].as_array().unwrap() {
                seen.push(i["displayName"].as_str().unwrap().to_owned());
            }
            match page["nextCursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(pages, 3);
        assert_eq!(
            seen,
            (0..7)
                .map(|i| format!("Name{i}, Erika"))
                .collect::<Vec<_>>()
        );
        let first = app.get(&ANNA, "/customers?limit=3").await.expect(200);
        let c = first["nextCursor"].as_str().unwrap();
        let tampered = format!("A{}", &c[1..]);
        assert_eq!(
            app.get(&ANNA, &format!("/customers?limit=3&cursor={tampered}"))
                .await
                .status,
            400
        );
        assert_eq!(
            app.get(&ANNA, &format!("/customers?limit=3&q=x&cursor={c}"))
                .await
                .status,
            400,
            "a cursor of another query"
        );
        for bad in ["0", "101", "x"] {
            let res = app.get(&ANNA, &format!("/customers?limit={bad}")).await;
            assert_eq!(res.status, 422, "limit={bad}");
            assert_eq!(res.field_errors(), vec!["limit"]);
        }
        assert_eq!(app.get(&ANNA, "/customers?type=robot").await.status, 422);
    }
);

both_stores!(
    reading_a_customer_needs_a_specialist_and_an_existing_id,
    |app| {
        let c = app.create_customer(&ANNA, person("read@example.com")).await;
        let path = format!("/customers/{}", c["id"].as_str().unwrap());
        let read = app.get(&BEN, &path).await.expect(200);
        assert_eq!(read["email"], "read@example.com");
        assert!(read.get("accesses").is_none());
        assert_eq!(read["address"]["country"], "DE");
        assert_eq!(app.get(&Who::Anonymous, &path).await.status, 401);
        assert_eq!(
            app.get(&Who::EndUser("someone".into()), &path).await.status,
            403
        );
        assert_eq!(app.get(&ANNA, "/customers/cus_unknown").await.status, 404);
        assert_eq!(app.get(&ANNA, "/customers/not%20an%20id").await.status, 404);
        assert_eq!(app.get(&Who::Anonymous, "/customers").await.status, 401);
        assert_eq!(
            app.get(&Who::EndUser("x".into()), "/customers")
                .await
                .status,
            403
        );
    }
);

both_stores!(
    editing_a_customer_bumps_its_version_and_detects_stale_edits,
    |app| {
        let c = app.create_customer(&ANNA, person("edit@example.com")).await;
        let path = format!("/customers/{}", c["id"].as_str().unwrap());
        let mut edit = app.get(&ANNA, &path).await.expect(200);
        edit["lastName"] = json!("Musterfrau");
        edit["mobile"] = Value::Null;
        edit["title"] = json!("");
        let saved = app.put(&ANNA, &path, edit.clone()).await.expect(200);
        assert_eq!(saved["version"], 2);
        assert_eq!(saved["displayName"], "Musterfrau, Erika");
        assert_eq!(saved["mobile"], Value::Null);
        assert!(
            saved.get("title").is_none(),
            "a cleared optional field is gone"
        );
        assert_eq!(app.get(&ANNA, &path).await.expect(200), saved);
        let stale = app.put(&ANNA, &path, edit.clone()).await;
        assert_eq!(stale.status, 409, "version 1 is stale now");
        assert_eq!(stale.body["type"], "/problems/stale-version");
        let mut retype = saved.clone();
        retype["type"] = json!("company");
        retype["companyName"] = json!("X");
        retype["contactFirstName"] = json!("X");
        retype["contactLastName"] = json!("Y");
        let res = app.put(&ANNA, &path, retype).await;
        assert_eq!(res.status, 422);
        assert_eq!(res.field_errors(), vec!["type"]);
        let mut no_version = saved.clone();
        no_version.as_object_mut().unwrap().remove("version");
        assert_eq!(
            app.put(&ANNA, &path, no_version).await.field_errors(),
            vec!["version"]
        );
        assert_eq!(
            app.put(&BEN, &path, saved.clone()).await.status,
            403,
            "not an administrator"
        );
        let mut by_admin = saved.clone();
        by_admin["firstName"] = json!("Erika Maria");
        assert_eq!(
            app.put(&ROOT, &path, by_admin).await.expect(200)["version"],
            3,
            "platform admin"
        );
        let listed = app.get(&ANNA, "/customers?q=musterf").await.expect(200);
        assert_eq!(
            listed["items"].as_array().unwrap().len(),
            1,
            "the overview follows the new name"
        );
    }
);

both_stores!(a_version_is_any_json_number_without_a_fraction, |app| {
    // Found by schemathesis: `1.0` is an `integer` to JSON Schema (and JSON has no other
    // way to tell), so it is the version 1, not a wrong JSON type.
    let c = app
        .create_customer(&ANNA, person("version@example.com"))
        .await;
    let path = format!("/customers/{}", c["id"].as_str().unwrap());
    let mut edit = app.get(&ANNA, &path).await.expect(200);
    edit["lastName"] = json!("Musterfrau");
    edit["version"] = json!(1.0);
    assert_eq!(
        app.put(&ANNA, &path, edit.clone()).await.expect(200)["version"],
        2
    );
    edit["version"] = json!(1.0);
    assert_eq!(app.put(&ANNA, &path, edit.clone()).await.status, 409);
    for wrong in [json!(2.5), json!(-2), json!(-2.0), json!(1e20), json!("2")] {
        edit["version"] = wrong.clone();
        let res = app.put(&ANNA, &path, edit.clone()).await;
        assert_eq!(res.status, 400, "{wrong}");
        assert_eq!(res.field_errors(), vec!["version"], "{wrong}");
    }
    edit["version"] = Value::Null;
    let res = app.put(&ANNA, &path, edit).await;
    assert_eq!(res.status, 422, "null is a missing version");
    assert_eq!(res.field_errors(), vec!["version"]);
});

both_stores!(parallel_edits_with_one_version_let_exactly_one_win, |app| {
    let c = app
        .create_customer(&ANNA, person("race-put@example.com"))
        .await;
    let path = format!("/customers/{}", c["id"].as_str().unwrap());
    let base = app.get(&ANNA, &path).await.expect(200);
    let app = &app;
    let puts = (0..8).map(|i| {
        let mut b = base.clone();
        b["firstName"] = json!(format!("Erika{i}"));
        let path = path.clone();
        async move { app.put(&ANNA, &path, b).await.status.as_u16() }
    });
    let statuses = join_all(puts).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
});

both_stores!(the_creator_becomes_the_first_administrator, |app| {
    let c = app.create_customer(&BEN, person("admin@example.com")).await;
    let view = app
        .get(
            &ANNA,
            &format!("/customers/{}/authorisations", c["id"].as_str().unwrap()),
        )
        .await
        .expect(200);
    assert_eq!(
        view["administrators"],
        json!([{"id": "ben", "name": "Ben Brandt", "email": "ben@kanzlei.example.com"}])
    );
});

both_stores!(deleting_a_customer_removes_everything_it_owns, |app| {
    let c = app.create_customer(&ANNA, person("gone@example.com")).await;
    let id = c["id"].as_str().unwrap().to_owned();
    let path = format!("/customers/{id}");
    let before = app.scan().await.len();
    assert!(before > 4);
    assert_eq!(
        app.delete(&BEN, &path).await.status,
        403,
        "only administrators delete"
    );
    assert_eq!(app.delete(&ANNA, &path).await.status, 204);
    assert_eq!(app.get(&ANNA, &path).await.status, 404);
    assert_eq!(app.delete(&ANNA, &path).await.status, 404);
    assert!(
        app.get(&ANNA, "/customers").await.expect(200)["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let left: Vec<_> = app
        .scan()
        .await
        .into_iter()
        .filter(|i| i["pk"].as_str().unwrap() != "SPECIALISTS")
        // The abuse-limit counters belong to the specialist and the day, not the customer;
        // they hold no personal data and expire by themselves.
        .filter(|i| !i["pk"].as_str().unwrap().starts_with("LIMIT#"))
        // The deletion record holds no personal data (tests/api/deletions.rs) and stays.
        .filter(|i| i["pk"] != "DELETIONS")
        .collect();
    assert!(left.is_empty(), "left over: {left:?}");
    // The address is free again.
    app.create_customer(&ANNA, person("gone@example.com")).await;
});

both_stores!(an_idempotency_key_is_remembered_for_24_hours_only, |app| {
    let first = app
        .post_with_key(&ANNA, "/customers", "daily", person("day1@example.com"))
        .await
        .expect(201);
    app.clock.advance(std::time::Duration::from_secs(23 * 3600));
    let again = app
        .post_with_key(&ANNA, "/customers", "daily", person("day1@example.com"))
        .await
        .expect(201);
    assert_eq!(
        first["id"], again["id"],
        "within 24 hours: the first answer"
    );
    app.clock.advance(std::time::Duration::from_secs(2 * 3600));
    let later = app
        .post_with_key(&ANNA, "/customers", "daily", person("day2@example.com"))
        .await
        .expect(201);
    assert_ne!(
        first["id"], later["id"],
        "after 24 hours the key is free again"
    );
});
