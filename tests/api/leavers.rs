//! A specialist who has left the directory creates no customer (beyond contract v3, which only
//! says it can no longer be chosen): a request with a token it still holds is 403, and each row
//! of an import it started that was not yet created fails with `row_refused`, to be downloaded
//! and imported by someone else. Entered into the directory again, it creates again.

use crate::both_stores;
use crate::helpers::*;
use serde_json::json;

const ERIN: Who = Who::Specialist("erin");

both_stores!(
    a_specialist_who_left_the_directory_creates_no_customer_by_request_or_by_its_pending_import,
    |app| {
        let csv = "type;email;lastName;firstName\n\
                   person;lea.eins@example.com;Eins;Lea\n\
                   person;lea.zwei@example.com;Zwei;Lea\n";
        let queued = app.post_import(&ERIN, csv, false).await.expect(202);
        app.delete(&ROOT, "/specialists/erin").await.expect(204);

        let refused = app
            .post(&ERIN, "/customers", person("lea.drei@example.com"))
            .await;
        assert_eq!(refused.status, 403, "{:#}", refused.body);
        assert!(
            refused.body["detail"]
                .as_str()
                .unwrap()
                .contains("left the specialist directory"),
            "{:#}",
            refused.body
        );
        app.work_imports().await;
        let path = format!("/imports/{}", queued["id"].as_str().unwrap());
        let job = app.get(&ROOT, &path).await.expect(200);
        assert_eq!(
            (&job["status"], &job["created"], &job["failed"]),
            (&json!("done"), &json!(0), &json!(2)),
            "{job:#}"
        );
        for (e, row) in job["errors"].as_array().unwrap().iter().zip([1, 2]) {
            assert_eq!(
                (&e["row"], &e["field"], &e["code"]),
                (&json!(row), &json!("row"), &json!("row_refused")),
                "{e}"
            );
            assert!(
                e["message"]
                    .as_str()
                    .unwrap()
                    .contains("left the directory")
            );
        }
        let failed = job["failedRows"].as_str().unwrap();
        assert!(failed.contains("lea.eins@example.com") && failed.contains("lea.zwei@example.com"));
        let overview = app.get(&ROOT, "/customers?q=lea").await.expect(200);
        assert_eq!(overview["items"], json!([]), "nothing was created");
        assert!(
            app.outbox().iter().all(|m| !m.to.contains("lea.")),
            "and nobody was invited"
        );

        let entry = json!({"name": "Erin Ebert", "email": "erin@kanzlei.example.com"});
        app.put(&ROOT, "/specialists/erin", entry).await.expect(200);
        app.post(&ERIN, "/customers", person("lea.drei@example.com"))
            .await
            .expect(201);
    }
);

both_stores!(leaving_the_directory_stops_only_the_leaver, |app| {
    app.delete(&ROOT, "/specialists/erin").await.expect(204);
    app.post(&ANNA, "/customers", person("anna.kundin@example.com"))
        .await
        .expect(201);
    let again = app.delete(&ROOT, "/specialists/erin").await;
    assert_eq!(again.status, 404, "already gone: {:#}", again.body);
});
