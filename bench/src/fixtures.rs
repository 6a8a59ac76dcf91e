//! The data the benchmark's events need: the events' fixtures (`shared::fixtures`, as the
//! events test seeds them) plus the specialist directory.

use anyhow::Result;
use shared::domain::*;
use shared::ports::{Table, Write};
use shared::store::{SpecialistItem, to_item};
use time::OffsetDateTime;

pub fn specialists() -> Vec<Specialist> {
    [
        ("anna", "Anna Albers", "anna@kanzlei.example.com"),
        ("ben", "Ben Brandt", "ben@kanzlei.example.com"),
        ("carl", "Carl Claussen", "carl@kanzlei.example.com"),
        ("root", "Rita Root", "root@kanzlei.example.com"),
    ]
    .into_iter()
    .map(|(id, name, email)| Specialist {
        id: id.into(),
        name: Text::parse(name, 100).expect("valid name"),
        email: EmailAddress::parse(email).expect("valid address"),
    })
    .collect()
}

/// Writes (or overwrites) the fixtures and the directory in one transaction. Every start of a
/// function then meets the same data.
pub async fn seed(table: &dyn Table) -> Result<()> {
    let mut writes = shared::fixtures::writes(OffsetDateTime::now_utc());
    for s in specialists() {
        writes.push(Write::put(to_item(&SpecialistItem::from_domain(&s))));
    }
    table
        .transact(writes, None)
        .await
        .map_err(|e| anyhow::anyhow!("seeding the fixtures: {e:#}"))?;
    Ok(())
}
