//! End-user identities: one e-mail address with accesses at several customers (at most one
//! each) and one sign-in. How accesses leave their identities, and how a sign-in ends with
//! the identity's last access (docs/data-model.md, "Identities").

use crate::app::App;
use crate::domain::{Access, CustomerId, EmailAddress};
use crate::error::{Error, Result};
use crate::ports::{Item, Key, Write};
use crate::store::{self, IdentityItem, MembershipItem, from_item};

/// What is known of an identity: the accesses it holds and its sign-in, if it registered.
#[derive(Debug, Clone, PartialEq)]
pub struct Known {
    pub access_count: i64,
    pub subject: Option<String>,
}

/// The identity of `email`, if any access holds it (strongly consistent).
pub async fn find(app: &App, email: &EmailAddress) -> Result<Option<Known>> {
    let key = store::identity_key(&email.normalized());
    let Some(item) = app.table.get(&key).await? else {
        return Ok(None);
    };
    Ok(Some(known(&from_item::<IdentityItem>(&item)?)))
}

fn known(item: &IdentityItem) -> Known {
    Known {
        access_count: item.access_count,
        subject: item.subject.clone(),
    }
}

/// Whether the address already has a sign-in (the invitation then says to use it).
pub async fn has_sign_in(app: &App, email: &EmailAddress) -> Result<bool> {
    Ok(find(app, email).await?.is_some_and(|k| k.subject.is_some()))
}

/// The keys to read before accesses leave: each one's identity record and membership.
pub fn keys_for(accesses: &[Access]) -> Vec<Key> {
    accesses
        .iter()
        .flat_map(|a| {
            let email = a.email.normalized();
            [
                store::identity_key(&email),
                store::membership_key(&email, &a.customer_id),
            ]
        })
        .collect()
}

/// Reads [`keys_for`].
pub async fn read_for(app: &App, accesses: &[Access]) -> Result<Vec<Item>> {
    Ok(app.table.batch_get_all(&keys_for(accesses)).await?)
}

/// The customer and access of each membership of the identity of `normalized_email` (one
/// Query of its partition), in key order.
pub async fn memberships(app: &App, normalized_email: &str) -> Result<Vec<(CustomerId, String)>> {
    let members = app
        .table
        .query_all(&store::memberships_query(normalized_email))
        .await?;
    let mut found = Vec::with_capacity(members.len());
    for m in &members {
        let m = from_item::<MembershipItem>(m)?;
        if let Ok(cid) = CustomerId::parse(&m.customer_id) {
            found.push((cid, m.access_id));
        }
    }
    Ok(found)
}

/// How a set of accesses leaves their identities.
#[derive(Debug, Default)]
pub struct Departures {
    /// Per access that is its identity's last while the identity has a sign-in: the writes
    /// that end the identity. They commit before the sign-in is deleted.
    pub ending: Vec<(String, Vec<Write>)>,
    /// Sign-ins to delete once `ending` committed, by their subject (also those that an
    /// interrupted earlier attempt left behind). Never by e-mail address: a sign-in is the
    /// subject the identity recorded, whatever address Cognito holds for it now.
    pub sign_ins: Vec<String>,
    /// Addresses whose sign-in an interrupted removal may have left behind where no subject
    /// is known any more (an invited access's identity ended): the sign-in named by the
    /// address is deleted only if no identity records its subject.
    pub leftovers: Vec<EmailAddress>,
    /// Per access whose identity keeps its sign-in or never had one: the writes that leave it,
    /// atomic with the access's own removal.
    pub leaving: Vec<(String, Vec<Write>)>,
}

impl Departures {
    /// Every write of `leaving`, for one transaction with the removal.
    pub fn leaving_writes(&self) -> Vec<Write> {
        self.leaving.iter().flat_map(|(_, w)| w.clone()).collect()
    }
}

/// Decides, from the items [`read_for`] returned, how each access leaves. An access whose
/// membership is gone left already (an interrupted removal): the sign-in it was activated
/// with is deleted again unless its identity still records it (other accesses keep it).
pub fn plan(items: &[Item], accesses: &[Access]) -> Result<Departures> {
    let find = |key: &Key| items.iter().find(|i| Key::of(i).as_ref() == Some(key));
    let mut d = Departures::default();
    for a in accesses {
        let email = a.email.normalized();
        let record = find(&store::identity_key(&email))
            .map(from_item::<IdentityItem>)
            .transpose()?;
        let member = find(&store::membership_key(&email, &a.customer_id))
            .map(from_item::<MembershipItem>)
            .transpose()?
            .filter(|m| m.access_id == a.id);
        let id = a.id.clone();
        match (member, record) {
            (None, record) => match &a.identity {
                Some(subject)
                    if record
                        .as_ref()
                        .is_none_or(|r| r.subject.as_ref() != Some(subject)) =>
                {
                    d.sign_ins.push(subject.clone());
                }
                None if record.as_ref().is_none_or(|r| r.subject.is_none()) => {
                    d.leftovers.push(a.email.clone());
                }
                _ => {}
            },
            (Some(_), None) => return Err(Error::Unavailable(missing_identity())),
            (Some(_), Some(r)) if r.access_count > 1 => {
                d.leaving.push((id, store::leave_identity(a).to_vec()));
            }
            (Some(_), Some(r)) => match &r.subject {
                None => d.leaving.push((id, store::close_identity(a).to_vec())),
                Some(subject) => {
                    d.ending
                        .push((id, store::end_identity(a, subject).to_vec()));
                    d.sign_ins.push(subject.clone());
                }
            },
        }
    }
    Ok(d)
}

fn missing_identity() -> anyhow::Error {
    anyhow::anyhow!("a membership without its identity record")
}

/// Commits the identities' write groups in as few transactions as fit, in order.
pub async fn commit_groups(app: &App, groups: Vec<Vec<Write>>) -> Result<()> {
    super::commit_groups(app, groups, || {
        Error::Conflict(
            crate::error::Conflict::StaleVersion,
            "The accesses of this address were changed at the same time. Try again.".into(),
        )
    })
    .await
}

/// Deletes the sign-ins that [`plan`] found ending (after their identities were ended), and
/// the leftovers that no identity records.
pub async fn delete_sign_ins(app: &App, d: &Departures) -> Result<()> {
    let unavailable = |e: crate::ports::IdentityError| Error::Unavailable(e.into());
    let mut subjects = d.sign_ins.clone();
    for email in &d.leftovers {
        let Some(subject) = app.identity.find(email).await.map_err(unavailable)? else {
            continue;
        };
        // A sign-in that an identity records points back to it: that one is not a leftover.
        if app
            .table
            .get(&store::sign_in_key(&subject))
            .await?
            .is_none()
        {
            subjects.push(subject);
        }
    }
    for subject in &subjects {
        app.identity.delete(subject).await.map_err(unavailable)?;
    }
    Ok(())
}
