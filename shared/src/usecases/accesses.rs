//! Accesses of end users to a customer: create (invited at once), change, resend.

use super::{customer_for_change, find, identities, require_staff};
use crate::app::App;
use crate::auth::Caller;
use crate::config::Limits;
use crate::domain::AccessId;
use crate::domain::{
    Access, AccessStatus, Action, Collector, CustomerId, EmailAddress, Language, MobileNumber,
    NAME_MAX, Text, given, required,
};
use crate::error::{Error, Result};
use crate::ports::StoreError;
use crate::store::{self, AccessItem, OnCondition, from_item};
use crate::usecases::invitations::Sending;
use crate::usecases::limits::Sender;
use crate::usecases::{history, invitations, limits};
use crate::views::AccessView;
use serde::{Deserialize, Deserializer};

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
    Error::Conflict(
        crate::error::Conflict::EmailTaken,
        "This e-mail address already holds an access at this customer.".into(),
    )
}

/// The new access as the input describes it (still without an invitation), or every failing
/// field; the language defaults to the customer's.
fn parse_new(
    app: &App,
    cid: &CustomerId,
    input: NewAccessInput,
    default_language: Language,
    now: time::OffsetDateTime,
) -> Result<Access> {
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
    let limits = &app.settings.limits;
    let mobile = given(&input.mobile).and_then(|s| {
        let parsed = MobileNumber::parse(s).and_then(|m| limits::sms_country(limits, m));
        c.check("mobile", parsed)
    });
    let language = match given(&input.language) {
        Some(s) => c.check("language", Language::parse(s)),
        None => Some(default_language),
    };
    let (Some(first_name), Some(last_name), Some(email), Some(language)) =
        (first_name, last_name, email, language)
    else {
        return Err(Error::Validation(c.into_errors()));
    };
    c.finish().map_err(Error::Validation)?;

    Ok(Access {
        id: crate::ids::new_id("acc", now),
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
        mail_messages: Vec::new(),
        sends: Vec::new(),
        delivery: None,
        expires_at: None,
        remind_at: None,
        version: 1,
    })
}

pub async fn create(
    app: &App,
    caller: &Caller,
    customer: &CustomerId,
    input: NewAccessInput,
) -> Result<AccessView> {
    let staff = require_staff(caller)?;
    let cid = customer;
    let (customer, _) = customer_for_change(app, &staff, cid, &[]).await?;

    let now = app.now();
    let mut access = parse_new(app, cid, input, customer.data.language, now)?;
    let issued = invitations::issue(app, &mut access, now, Sending::First);
    let mut writes = vec![store::customer_alive(cid), store::new_access(&access)];
    // Position 2: the membership, which fails when the address holds an access here already.
    writes.extend(store::join_identity(&access));
    writes.push(issued.put());
    let actor = staff.actor();
    writes.push(history::record(
        app,
        cid,
        &actor,
        Action::AccessCreated,
        &access.id,
    ));
    let counted = limits::append(
        &mut writes,
        limits::for_invitation(app, Sender::Specialist(staff.id), &access, now),
    );
    app.table
        .transact(writes, None)
        .await
        .on_condition(|index| match index {
            Some(0) => Error::NotFound,
            Some(2) => email_taken(),
            index => counted
                .error_at(index)
                .unwrap_or_else(|| StoreError::ConditionFailed { index }.into()),
        })?;
    tracing::info!(customer_id = %cid, access_id = %access.id, "access created");
    invitations::send_and_record(app, &mut access, &issued, |_| Vec::new()).await;
    Ok(AccessView::new(&access, app.now()))
}

async fn load(
    app: &App,
    caller: &Caller,
    customer: &CustomerId,
    access_id: &AccessId,
) -> Result<Access> {
    let staff = require_staff(caller)?;
    let cid = customer;
    let access_id = access_id.as_str();
    let akey = store::access_key(cid, access_id);
    let (_, items) = customer_for_change(app, &staff, cid, std::slice::from_ref(&akey)).await?;
    let item = find(&items, &akey).ok_or(Error::NotFound)?;
    if store::is_removing(item) {
        // A removal started and will be finished by its retry: nothing to change any more.
        return Err(Error::NotFound);
    }
    Ok(from_item::<AccessItem>(item)?.into_domain()?)
}

/// An address that bounced or complained gets no further invitation until it is changed.
fn undeliverable(access: &Access) -> Option<Error> {
    let state = access.delivery.as_ref()?.email;
    state.blocks_reinvitation().then(|| {
        let what = if state == crate::domain::DeliveryState::Bounced {
            "bounced"
        } else {
            "was marked as spam"
        };
        Error::Conflict(
            crate::error::Conflict::Undeliverable,
            format!(
                "The invitation to this address {what}: check the address and change it, which sends a new invitation."
            ),
        )
    })
}

fn changed_meanwhile() -> Error {
    Error::Conflict(
        crate::error::Conflict::StaleVersion,
        "The access was changed at the same time. Reload and try again.".into(),
    )
}

/// The access as the patch would change it, or every failing field.
fn apply(current: &Access, patch: &AccessPatch, limits: &Limits) -> Result<Access> {
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
            Some(s) => {
                let parsed = MobileNumber::parse(s).and_then(|m| limits::sms_country(limits, m));
                c.check("mobile", parsed).or(next.mobile)
            }
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
            crate::domain::Reason::new(
                crate::domain::Code::CannotChange,
                "cannot be changed once the access is active: it is the end user's sign-in name",
            ),
        ));
    }
    c.finish().map_err(Error::Validation)?;
    Ok(next)
}

/// The writes that take an invited access away from its old address's identity. Where that
/// address has a sign-in and no other access, changing the address would have to delete the
/// sign-in outside this transaction: that is what removing the access does, so it is asked for.
async fn move_identity(app: &App, current: &Access) -> Result<Vec<crate::ports::Write>> {
    let read = identities::read_for(app, std::slice::from_ref(current)).await?;
    let departures = identities::plan(&read, std::slice::from_ref(current))?;
    if !departures.ending.is_empty() {
        return Err(Error::Conflict(
            crate::error::Conflict::SoleSignIn,
            "This address signs in with this access only. Remove the access and invite the new address instead.".into(),
        ));
    }
    Ok(departures.leaving_writes())
}

pub async fn patch(
    app: &App,
    caller: &Caller,
    customer: &CustomerId,
    access_id: &AccessId,
    patch: AccessPatch,
) -> Result<AccessView> {
    let current = load(app, caller, customer, access_id).await?;
    let mut next = apply(&current, &patch, &app.settings.limits)?;
    let fields = history::changed_fields(
        &AccessView::new(&current, app.now()),
        &AccessView::new(&next, app.now()),
        &[],
    );
    // A patch that changes nothing writes nothing and sends nothing: no event, the same
    // version (openapi.yaml).
    if fields.is_empty() {
        return Ok(AccessView::new(&current, app.now()));
    }
    let email_changed = next.email.normalized() != current.email.normalized();
    next.version = current.version + 1;
    let staff = require_staff(caller)?;
    let actor = staff.actor();
    let event = (Action::AccessUpdated, current.id.as_str());
    let mut writes = vec![
        store::replace_access(&next, current.version),
        history::record_update(app, &current.customer_id, &actor, event, &fields),
    ];
    let mut new_marker_at = None;
    if email_changed {
        writes.extend(move_identity(app, &current).await?);
        new_marker_at = Some(writes.len());
        writes.extend(store::join_identity(&next));
    }
    // A typo fixed before registration: the old link and code stop working, new ones go out.
    let reinvite = current.status == AccessStatus::Invited
        && (email_changed || next.email != current.email || next.mobile != current.mobile);
    if reinvite
        && !email_changed
        && let Some(refused) = undeliverable(&current)
    {
        return Err(refused);
    }
    // Resends and re-invitations after a fixed address share one limit per access.
    let max = app.settings.limits.resends_per_access;
    if reinvite && let Some(wait) = invitations::resend_wait(&current, app.now(), max) {
        return Err(invitations::Issued::too_often(wait));
    }
    let issued = if reinvite {
        if let Some(revoke) = invitations::revoke(app, &current) {
            writes.push(revoke);
        }
        let issued = invitations::issue(app, &mut next, app.now(), Sending::Resend);
        writes[0] = store::replace_access(&next, current.version);
        writes.push(issued.put());
        Some(issued)
    } else {
        None
    };
    let counters = match &issued {
        Some(_) => limits::for_invitation(app, Sender::Specialist(staff.id), &next, app.now()),
        None => Vec::new(),
    };
    let counted = limits::append(&mut writes, counters);
    app.table
        .transact(writes, None)
        .await
        .on_condition(|index| match index {
            Some(0) => changed_meanwhile(),
            i if i.is_some() && i == new_marker_at => email_taken(),
            index => counted
                .error_at(index)
                .unwrap_or_else(|| StoreError::ConditionFailed { index }.into()),
        })?;
    if let Some(issued) = issued {
        invitations::send_and_record(app, &mut next, &issued, |_| Vec::new()).await;
    }
    Ok(AccessView::new(&next, app.now()))
}

pub async fn resend(
    app: &App,
    caller: &Caller,
    customer: &CustomerId,
    access_id: &AccessId,
) -> Result<AccessView> {
    let current = load(app, caller, customer, access_id).await?;
    if current.status == AccessStatus::Active {
        return Err(Error::Conflict(
            crate::error::Conflict::AccessActive,
            "The access is already active; there is no invitation to resend.".into(),
        ));
    }
    if let Some(refused) = undeliverable(&current) {
        return Err(refused);
    }
    let now = app.now();
    let max = app.settings.limits.resends_per_access;
    if let Some(wait) = invitations::resend_wait(&current, now, max) {
        return Err(invitations::Issued::too_often(wait));
    }
    let mut next = current.clone();
    next.version = current.version + 1;
    let issued = invitations::issue(app, &mut next, now, Sending::Resend);
    let sender = require_staff(caller)?;
    let mut writes = vec![
        store::replace_access(&next, current.version),
        history::record(
            app,
            &current.customer_id,
            &sender.actor(),
            Action::AccessInvited,
            &current.id,
        ),
    ];
    writes.extend(invitations::revoke(app, &current));
    writes.push(issued.put());
    let sender = sender.id;
    let counted = limits::append(
        &mut writes,
        limits::for_invitation(app, Sender::Specialist(sender), &next, now),
    );
    app.table
        .transact(writes, None)
        .await
        .on_condition(|index| match index {
            Some(0) => changed_meanwhile(),
            index => counted
                .error_at(index)
                .unwrap_or_else(|| StoreError::ConditionFailed { index }.into()),
        })?;
    tracing::info!(access_id = %next.id, "invitation resent");
    invitations::send_and_record(app, &mut next, &issued, |_| Vec::new()).await;
    Ok(AccessView::new(&next, app.now()))
}
