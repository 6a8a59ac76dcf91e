//! Accesses of end users to a customer: create (invited at once), change, resend.

use super::{
    customer_alive, customer_for_change, customer_id, find, plausible_id, staff, store_error,
};
use crate::app::App;
use crate::auth::Caller;
use crate::domain::{
    Access, AccessStatus, Collector, EmailAddress, Language, MobileNumber, NAME_MAX, Text, given,
    required,
};
use crate::error::{Error, Result};
use crate::ports::{Cond, StoreError, Write};
use crate::store::{self, AccessItem, PointerItem, from_item, to_item};
use crate::usecases::invitations;
use crate::views::AccessView;
use serde::{Deserialize, Deserializer};
use serde_json::json;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAccessInput {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub language: Option<String>,
}

/// Absent means "unchanged"; `null` (or blank) clears an optional field.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessPatch {
    #[serde(default, deserialize_with = "present")]
    pub first_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub last_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub mobile: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub language: Option<Option<String>>,
}

fn email_taken() -> Error {
    Error::Conflict("This e-mail address already belongs to an access.".into())
}

pub async fn create(
    app: &App,
    caller: &Caller,
    customer: &str,
    input: NewAccessInput,
) -> Result<AccessView> {
    let staff = staff(caller)?;
    let cid = customer_id(customer)?;
    let (customer, _) = customer_for_change(app, &staff, &cid, &[]).await?;

    let mut c = Collector::default();
    let first_name = c.check(
        "firstName",
        required(&input.first_name).and_then(|s| Text::parse_name(s, NAME_MAX)),
    );
    let last_name = c.check(
        "lastName",
        required(&input.last_name).and_then(|s| Text::parse_name(s, NAME_MAX)),
    );
    let email = c.check(
        "email",
        required(&input.email).and_then(EmailAddress::parse),
    );
    let mobile = given(&input.mobile).and_then(|s| c.check("mobile", MobileNumber::parse(s)));
    let language = match given(&input.language) {
        Some(s) => c.check("language", Language::parse(s)),
        None => Some(customer.data.language),
    };
    let (Some(first_name), Some(last_name), Some(email), Some(language)) =
        (first_name, last_name, email, language)
    else {
        return Err(Error::Validation(c.into_errors()));
    };
    c.finish().map_err(Error::Validation)?;

    let now = app.now();
    let mut access = Access {
        id: crate::ids::new_id("acc"),
        customer_id: cid.clone(),
        first_name,
        last_name,
        email,
        mobile,
        language,
        status: AccessStatus::Invited,
        invited_at: now,
        activated_at: None,
        identity: None,
        invitation: None,
        invitations: Vec::new(),
        sends: Vec::new(),
        delivery: None,
        version: 1,
    };
    let issued = invitations::issue(app, &mut access, now);
    let writes = vec![
        customer_alive(&cid),
        Write::put_new(to_item(&AccessItem::from_domain(&access))),
        Write::put_new(to_item(&PointerItem::new(
            store::email_key(&access.email.normalized()),
            &cid,
            Some(&access.id),
        ))),
        issued.put(),
    ];
    match app.table.transact(writes, None).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed { index: Some(0) }) => return Err(Error::NotFound),
        Err(StoreError::ConditionFailed { index: Some(2) }) => return Err(email_taken()),
        Err(e) => return Err(store_error(e)),
    }
    tracing::info!(customer_id = %cid, access_id = %access.id, "access created");
    invitations::send_and_record(app, &mut access, &issued, |_| Vec::new()).await;
    Ok(AccessView::new(&access))
}

async fn load(app: &App, caller: &Caller, customer: &str, access_id: &str) -> Result<Access> {
    let staff = staff(caller)?;
    let cid = customer_id(customer)?;
    let access_id = plausible_id(access_id)?;
    let akey = store::access_key(&cid, access_id);
    let (_, items) = customer_for_change(app, &staff, &cid, std::slice::from_ref(&akey)).await?;
    let item = find(&items, &akey).ok_or(Error::NotFound)?;
    if item.get("removing").is_some() {
        // A removal started and will be finished by its retry: nothing to change any more.
        return Err(Error::NotFound);
    }
    Ok(from_item::<AccessItem>(item)?.into_domain()?)
}

fn access_write(access: &Access, expected_version: u64) -> Write {
    Write::Put {
        item: to_item(&AccessItem::from_domain(access)),
        cond: Some(Cond::Eq("version", json!(expected_version))),
    }
}

/// Resends and re-invitations after a fixed address share one limit per access
/// (`invitations::limit_reached`).
fn too_often() -> Error {
    Error::TooManyRequests(
        "This invitation was sent too often in the last 24 hours. Please try again later.",
    )
}

fn changed_meanwhile() -> Error {
    Error::Conflict("The access was changed at the same time. Reload and try again.".into())
}

pub async fn patch(
    app: &App,
    caller: &Caller,
    customer: &str,
    access_id: &str,
    patch: AccessPatch,
) -> Result<AccessView> {
    let current = load(app, caller, customer, access_id).await?;
    let mut next = current.clone();
    let mut c = Collector::default();
    let text = |c: &mut Collector, field: &str, v: &Option<String>| {
        c.check(
            field,
            required(v).and_then(|s| Text::parse_name(s, NAME_MAX)),
        )
    };
    if let Some(v) = &patch.first_name
        && let Some(t) = text(&mut c, "firstName", v)
    {
        next.first_name = t;
    }
    if let Some(v) = &patch.last_name
        && let Some(t) = text(&mut c, "lastName", v)
    {
        next.last_name = t;
    }
    if let Some(v) = &patch.email
        && let Some(e) = c.check("email", required(v).and_then(EmailAddress::parse))
    {
        next.email = e;
    }
    if let Some(v) = &patch.mobile {
        next.mobile = match given(v) {
            None => None,
            Some(s) => c.check("mobile", MobileNumber::parse(s)).or(next.mobile),
        };
    }
    if let Some(v) = &patch.language
        && let Some(l) = c.check("language", required(v).and_then(Language::parse))
    {
        next.language = l;
    }
    let email_changed = next.email.normalized() != current.email.normalized();
    if email_changed && current.status == AccessStatus::Active {
        c.push(crate::domain::FieldError::new(
            "email",
            "cannot be changed once the access is active: it is the end user's sign-in name",
        ));
    }
    c.finish().map_err(Error::Validation)?;

    next.version = current.version + 1;
    let mut writes = vec![access_write(&next, current.version)];
    let mut new_marker_at = None;
    if email_changed {
        writes.push(Write::Delete {
            key: store::email_key(&current.email.normalized()),
            cond: None,
        });
        new_marker_at = Some(writes.len());
        writes.push(Write::put_new(to_item(&PointerItem::new(
            store::email_key(&next.email.normalized()),
            &next.customer_id,
            Some(&next.id),
        ))));
    }
    // A typo fixed before registration: the old link and code stop working, new ones go out.
    let reinvite = current.status == AccessStatus::Invited
        && (email_changed || next.email != current.email || next.mobile != current.mobile);
    if reinvite && invitations::limit_reached(&current, app.now()) {
        return Err(too_often());
    }
    let issued = if reinvite {
        if let Some(revoke) = invitations::revoke(app, &current) {
            writes.push(revoke);
        }
        let issued = invitations::issue(app, &mut next, app.now());
        writes[0] = access_write(&next, current.version);
        writes.push(issued.put());
        Some(issued)
    } else {
        None
    };
    match app.table.transact(writes, None).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed { index: Some(0) }) => return Err(changed_meanwhile()),
        Err(StoreError::ConditionFailed { index: Some(i) }) if Some(i) == new_marker_at => {
            return Err(email_taken());
        }
        Err(e) => return Err(store_error(e)),
    }
    if let Some(issued) = issued {
        invitations::send_and_record(app, &mut next, &issued, |_| Vec::new()).await;
    }
    Ok(AccessView::new(&next))
}

pub async fn resend(
    app: &App,
    caller: &Caller,
    customer: &str,
    access_id: &str,
) -> Result<AccessView> {
    let current = load(app, caller, customer, access_id).await?;
    if current.status == AccessStatus::Active {
        return Err(Error::Conflict(
            "The access is already active; there is no invitation to resend.".into(),
        ));
    }
    let now = app.now();
    if invitations::limit_reached(&current, now) {
        return Err(too_often());
    }
    let mut next = current.clone();
    next.version = current.version + 1;
    let issued = invitations::issue(app, &mut next, now);
    let mut writes = vec![access_write(&next, current.version)];
    writes.extend(invitations::revoke(app, &current));
    writes.push(issued.put());
    match app.table.transact(writes, None).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed { index: Some(0) }) => return Err(changed_meanwhile()),
        Err(e) => return Err(store_error(e)),
    }
    tracing::info!(access_id = %next.id, "invitation resent");
    invitations::send_and_record(app, &mut next, &issued, |_| Vec::new()).await;
    Ok(AccessView::new(&next))
}
