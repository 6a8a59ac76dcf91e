//! The specialist directory: who can be made administrator or additional processor.

use super::{platform_admin_only, require_staff, responsibilities};
use crate::app::App;
use crate::auth::Caller;
use crate::domain::{Collector, EmailAddress, Specialist, SpecialistId, Text, required};
use crate::error::{Conflict, Error, Result};
use crate::ports::Write;
use crate::store::{self, OnCondition, SpecialistItem, from_item, to_item};
use crate::views::{Items, SpecialistView};
use serde::Deserialize;

pub async fn list(app: &App, caller: &Caller) -> Result<Items<SpecialistView>> {
    require_staff(caller)?;
    let items = app.table.query_all(&store::specialists_query()).await?;
    let mut out = Vec::with_capacity(items.len());
    for item in &items {
        out.push(SpecialistView::new(
            &from_item::<SpecialistItem>(item)?.into_domain()?,
        ));
    }
    out.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    Ok(Items { items: out })
}

#[derive(Debug, Deserialize)]
pub struct SpecialistInput {
    pub name: Option<String>,
    pub email: Option<String>,
}

pub fn parse(id: &str, input: &SpecialistInput) -> Result<Specialist> {
    let mut c = Collector::default();
    let name = c.check(
        "name",
        required(&input.name).and_then(|s| Text::parse_name(s, 100)),
    );
    let email = c.check(
        "email",
        required(&input.email).and_then(EmailAddress::parse),
    );
    match (name, email) {
        (Some(name), Some(email)) => Ok(Specialist {
            id: id.to_owned(),
            name,
            email,
        }),
        _ => Err(Error::Validation(c.into_errors())),
    }
}

/// Creates or updates a directory entry (platform admins). `id` is the specialist's `sub`; a
/// specialist who had left may create customers again.
pub async fn put(
    app: &App,
    caller: &Caller,
    id: &str,
    input: SpecialistInput,
) -> Result<SpecialistView> {
    let staff = require_staff(caller)?;
    if !staff.platform_admin {
        return Err(Error::Forbidden(
            "Only platform admins manage the specialist directory.",
        ));
    }
    if !crate::ids::plausible(id) {
        return Err(Error::field(
            "id",
            crate::domain::Reason::new(
                crate::domain::Code::InvalidId,
                "must be 1 to 64 letters, digits, '-' or '_'",
            ),
        ));
    }
    let s = parse(id, &input)?;
    // Entered again after leaving: may create customers again.
    let writes = vec![
        Write::put(to_item(&SpecialistItem::from_domain(&s))),
        store::rejoined_directory(id),
    ];
    app.table.transact(writes, None).await?;
    Ok(SpecialistView::new(&s))
}

/// The seeded specialist directory of the local server, the tests and the benchmark, one list so
/// that all three meet the same people: `(id, name, e-mail, platform admin)`. `anna` and `ben`
/// are the contract's seeded specialists and `root` its platform admin; `carl`, `dora` and
/// `erin` are further specialists to choose as administrators and processors.
const SEEDED: &[(&str, &str, &str, bool)] = &[
    ("anna", "Anna Albers", "anna@kanzlei.example.com", false),
    ("ben", "Ben Brandt", "ben@kanzlei.example.com", false),
    ("carl", "Carl Claussen", "carl@kanzlei.example.com", false),
    ("dora", "Dora Diehl", "dora@kanzlei.example.com", false),
    ("erin", "Erin Ebert", "erin@kanzlei.example.com", false),
    ("root", "Rita Root", "root@kanzlei.example.com", true),
];

/// The seeded directory, each specialist with whether it is a platform admin.
pub fn seeded_directory() -> Vec<(Specialist, bool)> {
    SEEDED
        .iter()
        .map(|&(id, name, email, admin)| {
            let specialist = Specialist {
                id: id.into(),
                name: Text::parse(name, 100).expect("a seeded name parses"),
                email: EmailAddress::parse(email).expect("a seeded address parses"),
            };
            (specialist, admin)
        })
        .collect()
}

/// The seeded specialists, platform admins among them.
pub fn seeded_specialists() -> Vec<Specialist> {
    seeded_directory().into_iter().map(|(s, _)| s).collect()
}

/// Seeds the directory (local server, tests).
pub async fn seed(app: &App, entries: &[Specialist]) -> Result<()> {
    for s in entries {
        app.table
            .write(Write::put(to_item(&SpecialistItem::from_domain(s))))
            .await?;
    }
    Ok(())
}

/// `DELETE /specialists/{id}`: platform admins, not for themselves (409); 409 while the
/// specialist is responsible for any customer (one Query of its index, one item), 404 for an
/// unknown one. The entry's deletion and the mark that the specialist left are one write.
pub async fn delete(app: &App, caller: &Caller, id: &SpecialistId) -> Result<()> {
    let admin = platform_admin_only(
        caller,
        "Only platform admins may manage the specialist directory.",
    )?;
    let id = id.as_str();
    if id == admin {
        // So that the directory never loses the last platform admin who could restore it.
        return Err(Error::Conflict(
            Conflict::OwnEntry,
            "A platform admin cannot remove itself from the directory.".into(),
        ));
    }
    if !responsibilities::customers_of(app, id, 1).await?.is_empty() {
        return Err(Error::Conflict(
            Conflict::StillResponsible,
            "The specialist is still responsible for customers: hand them over first.".into(),
        ));
    }
    // With the entry goes every right to create: the mark of the leaver is checked by each
    // creation of a customer (a token not yet expired, an import started before).
    let writes = vec![
        Write::Delete {
            key: store::specialist_key(id),
            cond: Some(crate::ports::Cond::Exists),
        },
        store::left_directory(id, &admin, app.now()),
    ];
    app.table
        .transact(writes, None)
        .await
        .on_condition(|_| Error::NotFound)?;
    tracing::info!("specialist left the directory");
    Ok(())
}
