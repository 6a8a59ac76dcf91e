//! Item structs as stored, and their conversion to and from domain types. Stored values are
//! parsed again on the way out, so a damaged item is an error, never a wrong answer.

use super::*;
use crate::domain::{
    Access, AccessStatus, AddressInput, BusinessTransaction, Customer, CustomerInput, CustomerKind,
    Delivery, DeliveryState, EmailAddress, Invitation, InvitationStatus, Language, MobileNumber,
    ProcessorGrant, Specialist, Text, fold_for_sorting, parse_rfc3339, rfc3339,
};
use crate::ports::Item;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use time::OffsetDateTime;

#[derive(Debug, thiserror::Error)]
#[error("stored item cannot be read: {0}")]
pub struct CorruptItem(pub String);

impl From<CorruptItem> for crate::error::Error {
    fn from(e: CorruptItem) -> Self {
        crate::error::Error::internal(e)
    }
}

pub fn to_item<T: Serialize>(value: &T) -> Item {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(map)) => map,
        // Item structs are plain structs of strings, numbers and lists.
        _ => unreachable!("item structs serialise to objects"),
    }
}

pub fn from_item<T: DeserializeOwned>(item: &Item) -> Result<T, CorruptItem> {
    serde_json::from_value(serde_json::Value::Object(item.clone()))
        .map_err(|e| CorruptItem(format!("{e} in item {:?}", Key::of(item))))
}

pub fn sk_of(item: &Item) -> &str {
    item.get("sk").and_then(|v| v.as_str()).unwrap_or_default()
}

fn parse_time(s: &str) -> Result<OffsetDateTime, CorruptItem> {
    parse_rfc3339(s).ok_or_else(|| CorruptItem(format!("bad time {s:?}")))
}

fn text(s: &str) -> Result<Text, CorruptItem> {
    Text::parse_stored(s, 1000).map_err(|e| CorruptItem(format!("text: {e}")))
}

// -------------------------------------------------------------------------------------------
// Customer
// -------------------------------------------------------------------------------------------

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerItem {
    pub pk: String,
    pub sk: String,
    pub id: String,
    pub customer_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salutation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_form: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub register_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vat_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_last_name: Option<String>,
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    pub language: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    pub display_name: String,
    pub version: u64,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gsi1pk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gsi1sk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gsi2pk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gsi2sk: Option<String>,
    /// Set while the customer is being deleted: every read treats it as gone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleting: bool,
    /// Who started the deletion: they may finish it, also once the grants are gone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_by: Option<String>,
    /// Partition key of the stored first answer of the create, deleted with the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_pk: Option<String>,
    /// Administrators, kept as a count so that a condition can protect the last one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_count: Option<i64>,
}

/// Attributes of the customer item that hold customer data and may be absent; an update
/// removes the ones the new data no longer has.
pub const CUSTOMER_OPTIONAL_ATTRS: &[&str] = &[
    "salutation",
    "title",
    "firstName",
    "lastName",
    "dateOfBirth",
    "companyName",
    "legalForm",
    "registerNumber",
    "vatId",
    "contactFirstName",
    "contactLastName",
    "mobile",
    "street",
    "postalCode",
    "city",
    "country",
];

/// Sort key in the overview indexes: folded display name, then the id to make it unique.
pub fn overview_sort_key(display_name: &str, id: &str) -> String {
    format!("{}#{id}", fold_for_sorting(display_name))
}

impl CustomerItem {
    pub fn from_domain(c: &Customer) -> Self {
        let d = &c.data;
        let display_name = d.display_name();
        let sort = overview_sort_key(&display_name, c.id.as_str());
        let s = |t: &Option<Text>| t.as_ref().map(|t| t.to_string());
        let mut item = CustomerItem {
            pk: customer_pk(&c.id),
            sk: CUSTOMER_SK.into(),
            id: c.id.as_str().into(),
            customer_type: d.customer_type().as_str().into(),
            salutation: None,
            title: None,
            first_name: None,
            last_name: None,
            date_of_birth: None,
            company_name: None,
            legal_form: None,
            register_number: None,
            vat_id: None,
            contact_first_name: None,
            contact_last_name: None,
            email: d.email.to_string(),
            mobile: d.mobile.as_ref().map(|m| m.to_string()),
            language: d.language.as_str().into(),
            street: d.address.as_ref().map(|a| a.street.to_string()),
            postal_code: d.address.as_ref().map(|a| a.postal_code.to_string()),
            city: d.address.as_ref().map(|a| a.city.to_string()),
            country: d.address.as_ref().map(|a| a.country.as_str().to_owned()),
            display_name,
            version: c.version,
            created_at: rfc3339(c.created_at),
            updated_at: rfc3339(c.updated_at),
            gsi1pk: Some(OVERVIEW_PK.into()),
            gsi1sk: Some(sort.clone()),
            gsi2pk: Some(format!("{OVERVIEW_PK}#{}", d.customer_type().as_str())),
            gsi2sk: Some(sort),
            deleting: false,
            deleted_by: None,
            idempotency_pk: None,
            admin_count: None,
        };
        match &d.kind {
            CustomerKind::Person(p) => {
                item.salutation = p.salutation.map(|x| x.as_str().to_owned());
                item.title = s(&p.title);
                item.first_name = Some(p.first_name.to_string());
                item.last_name = Some(p.last_name.to_string());
                item.date_of_birth = p.date_of_birth.map(|d| d.to_string());
            }
            CustomerKind::Company(co) => {
                item.company_name = Some(co.company_name.to_string());
                item.legal_form = s(&co.legal_form);
                item.register_number = s(&co.register_number);
                item.vat_id = s(&co.vat_id);
                item.contact_first_name = Some(co.contact_first_name.to_string());
                item.contact_last_name = Some(co.contact_last_name.to_string());
            }
        }
        item
    }

    pub fn into_domain(self) -> Result<Customer, CorruptItem> {
        // Stored numbers were parsed on the way in; reading them needs no numbering plan.
        let mobile = match &self.mobile {
            Some(m) => Some(
                MobileNumber::from_stored(m)
                    .map_err(|e| CorruptItem(format!("customer {}: {e}", self.id)))?,
            ),
            None => None,
        };
        let input = CustomerInput {
            kind: Some(self.customer_type),
            salutation: self.salutation,
            title: self.title,
            first_name: self.first_name,
            last_name: self.last_name,
            date_of_birth: self.date_of_birth,
            company_name: self.company_name,
            legal_form: self.legal_form,
            register_number: self.register_number,
            vat_id: self.vat_id,
            contact_first_name: self.contact_first_name,
            contact_last_name: self.contact_last_name,
            email: Some(self.email),
            mobile: None,
            language: Some(self.language),
            address: Some(AddressInput {
                street: self.street,
                postal_code: self.postal_code,
                city: self.city,
                country: self.country,
            }),
            version: None,
        };
        // A stored date of birth was in the past when it was stored.
        let mut data = input
            .parse(time::Date::MAX)
            .map_err(|e| CorruptItem(format!("customer {}: {e:?}", self.id)))?;
        data.mobile = mobile;
        Ok(Customer {
            id: crate::domain::CustomerId::parse(&self.id)
                .map_err(|_| CorruptItem(format!("customer id {:?}", self.id)))?,
            data,
            version: self.version,
            created_at: parse_time(&self.created_at)?,
            updated_at: parse_time(&self.updated_at)?,
        })
    }
}

/// Reads a customer item; one that is being deleted counts as absent.
pub fn customer_from_item(item: &Item) -> Result<Option<Customer>, CorruptItem> {
    let c: CustomerItem = from_item(item)?;
    if c.deleting {
        return Ok(None);
    }
    c.into_domain().map(Some)
}

// -------------------------------------------------------------------------------------------
// Access
// -------------------------------------------------------------------------------------------

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessItem {
    pub pk: String,
    pub sk: String,
    pub id: String,
    pub customer_id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    pub language: String,
    pub status: String,
    pub invited_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activated_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitation: Option<String>,
    #[serde(default)]
    pub invitations: Vec<String>,
    #[serde(default)]
    pub sends: Vec<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mail_messages: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_sms: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_at: Option<String>,
    /// The mail service's id of the current invitation e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_message_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation_expires_at: Option<String>,
    /// When the reminder falls due; with it the keys of the pending-reminder index (`due`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi3pk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi3sk: Option<String>,
    pub version: u64,
}

impl AccessItem {
    pub fn from_domain(a: &Access) -> Self {
        Self {
            pk: customer_pk(&a.customer_id),
            sk: format!("{ACCESS_PREFIX}{}", a.id),
            id: a.id.clone(),
            customer_id: a.customer_id.to_string(),
            first_name: a.first_name.to_string(),
            last_name: a.last_name.to_string(),
            email: a.email.to_string(),
            mobile: a.mobile.as_ref().map(|m| m.to_string()),
            language: a.language.as_str().into(),
            status: a.status.as_str().into(),
            invited_at: rfc3339(a.invited_at),
            activated_at: a.activated_at.map(rfc3339),
            identity: a.identity.clone(),
            invitation: a.invitation.as_ref().map(|h| h.as_str().to_owned()),
            invitations: a
                .invitations
                .iter()
                .map(|h| h.as_str().to_owned())
                .collect(),
            sends: a.sends.clone(),
            mail_messages: a.mail_messages.clone(),
            delivery_email: a.delivery.as_ref().map(|d| d.email.as_str().to_owned()),
            delivery_sms: a
                .delivery
                .as_ref()
                .and_then(|d| d.sms)
                .map(|s| s.as_str().to_owned()),
            delivery_at: a.delivery.as_ref().map(|d| rfc3339(d.at)),
            delivery_message_id: a.delivery.as_ref().and_then(|d| d.message_id.clone()),
            invitation_expires_at: a.expires_at.map(rfc3339),
            remind_at: a.remind_at.map(rfc3339),
            gsi3pk: a.remind_at.map(|_| super::REMINDERS_PK.to_owned()),
            gsi3sk: a
                .remind_at
                .map(|at| super::reminder_sort_key(at, &a.customer_id, &a.id)),
            version: a.version,
        }
    }

    pub fn into_domain(self) -> Result<Access, CorruptItem> {
        let bad = |what: &str| CorruptItem(format!("access {}: {what}", self.id));
        Ok(Access {
            customer_id: crate::domain::CustomerId::parse(&self.customer_id)
                .map_err(|_| bad("customer id"))?,
            first_name: text(&self.first_name)?,
            last_name: text(&self.last_name)?,
            email: EmailAddress::parse(&self.email).map_err(|_| bad("email"))?,
            mobile: match &self.mobile {
                Some(m) => Some(MobileNumber::from_stored(m).map_err(|_| bad("mobile"))?),
                None => None,
            },
            language: Language::parse(&self.language).map_err(|_| bad("language"))?,
            status: match self.status.as_str() {
                "active" => AccessStatus::Active,
                "invited" => AccessStatus::Invited,
                _ => return Err(bad("status")),
            },
            invited_at: parse_time(&self.invited_at)?,
            activated_at: self.activated_at.as_deref().map(parse_time).transpose()?,
            identity: self.identity,
            invitation: self.invitation.map(TokenHash::from_stored),
            invitations: self
                .invitations
                .into_iter()
                .map(TokenHash::from_stored)
                .collect(),
            sends: self.sends,
            mail_messages: self.mail_messages,
            delivery: match (&self.delivery_email, &self.delivery_at) {
                (Some(e), Some(at)) => Some(Delivery {
                    email: DeliveryState::parse(e).map_err(|e| bad(&e))?,
                    sms: match self.delivery_sms.as_deref() {
                        Some(s) => Some(DeliveryState::parse(s).map_err(|e| bad(&e))?),
                        None => None,
                    },
                    at: parse_time(at)?,
                    message_id: self.delivery_message_id.clone(),
                }),
                _ => None,
            },
            expires_at: self
                .invitation_expires_at
                .as_deref()
                .map(parse_time)
                .transpose()?,
            remind_at: self.remind_at.as_deref().map(parse_time).transpose()?,
            version: self.version,
            id: self.id,
        })
    }
}

// -------------------------------------------------------------------------------------------
// Invitation
// -------------------------------------------------------------------------------------------

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitationItem {
    pub pk: String,
    pub sk: String,
    pub customer_id: String,
    pub access_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_salt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_hash: Option<String>,
    /// Unix seconds, so that conditions can compare it.
    pub expires_at: i64,
    pub attempts: u32,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimed_at: Option<i64>,
    pub email: String,
    pub language: String,
    /// DynamoDB removes the item by itself 30 days after it expired.
    pub ttl: i64,
}

pub const INVITATION_RETENTION_SECS: i64 = 30 * 24 * 3600;

impl InvitationItem {
    pub fn from_domain(i: &Invitation) -> Self {
        let key = invitation_key(&i.token_hash);
        let (status, claimed_at) = match i.status {
            InvitationStatus::Pending => ("pending", None),
            InvitationStatus::Claimed(t) => ("claimed", Some(t)),
            InvitationStatus::Used => ("used", None),
            InvitationStatus::Revoked => ("revoked", None),
        };
        let expires = i.expires_at.unix_timestamp();
        Self {
            pk: key.pk,
            sk: key.sk,
            customer_id: i.customer_id.to_string(),
            access_id: i.access_id.clone(),
            code_salt: i.code.as_ref().map(|c| c.0.clone()),
            code_hash: i.code.as_ref().map(|c| c.1.clone()),
            expires_at: expires,
            attempts: i.attempts,
            status: status.into(),
            claimed_at,
            email: i.email.to_string(),
            language: i.language.as_str().into(),
            ttl: expires + INVITATION_RETENTION_SECS,
        }
    }

    pub fn into_domain(self) -> Result<Invitation, CorruptItem> {
        let bad = |what: &str| CorruptItem(format!("invitation: {what}"));
        let hash = self
            .pk
            .strip_prefix(INVITATION_PREFIX)
            .ok_or_else(|| bad("key"))?
            .to_owned();
        Ok(Invitation {
            token_hash: TokenHash::from_stored(hash),
            customer_id: crate::domain::CustomerId::parse(&self.customer_id)
                .map_err(|_| bad("customer id"))?,
            access_id: self.access_id,
            code: self.code_salt.zip(self.code_hash),
            expires_at: OffsetDateTime::from_unix_timestamp(self.expires_at)
                .map_err(|_| bad("expiry"))?,
            attempts: self.attempts,
            status: match (self.status.as_str(), self.claimed_at) {
                ("pending", _) => InvitationStatus::Pending,
                ("claimed", Some(t)) => InvitationStatus::Claimed(t),
                ("used", _) => InvitationStatus::Used,
                ("revoked", _) => InvitationStatus::Revoked,
                _ => return Err(bad("status")),
            },
            email: EmailAddress::parse(&self.email).map_err(|_| bad("email"))?,
            language: Language::parse(&self.language).map_err(|_| bad("language"))?,
        })
    }
}

// -------------------------------------------------------------------------------------------
// Markers: one item per unique value or per pointer that must be read strongly consistently
// -------------------------------------------------------------------------------------------

/// An end-user identity (`IDENTITY#{e-mail}` / `#IDENTITY`): how many accesses it holds
/// (one membership item each) and, once it registered, its sign-in's subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityItem {
    pub pk: String,
    pub sk: String,
    pub email: String,
    #[serde(default)]
    pub access_count: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

/// An identity's access at one customer (`IDENTITY#{e-mail}` / `C#{customerId}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MembershipItem {
    pub pk: String,
    pub sk: String,
    pub customer_id: String,
    pub access_id: String,
}

/// From an invitation e-mail's message id to its access (`MAIL#{messageId}` / `MAIL`),
/// removed by DynamoDB's TTL once no more reports are expected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MailMessageItem {
    pub pk: String,
    pub sk: String,
    pub customer_id: String,
    pub access_id: String,
    pub ttl: i64,
}

/// From a sign-in's subject to its identity (`SIGNIN#{subject}` / `SIGNIN`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInItem {
    pub pk: String,
    pub sk: String,
    pub email: String,
}

/// The first answer to a `POST /customers` with an `Idempotency-Key`, kept for 24 hours.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdempotencyItem {
    pub pk: String,
    pub sk: String,
    pub customer_id: String,
    /// SHA-256 of the request body, to refuse the same key with another body.
    pub request_hash: String,
    /// The response body as JSON text.
    pub response: String,
    pub ttl: i64,
}

impl IdempotencyItem {
    /// DynamoDB's TTL removes expired records lazily: an expired one counts as absent.
    pub fn live(item: &Item, now: OffsetDateTime) -> bool {
        item.get("ttl")
            .and_then(|t| t.as_i64())
            .is_some_and(|t| t > now.unix_timestamp())
    }
}

// -------------------------------------------------------------------------------------------
// Specialists, grants, business transactions
// -------------------------------------------------------------------------------------------

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecialistItem {
    pub pk: String,
    pub sk: String,
    pub id: String,
    pub name: String,
    pub email: String,
}

impl SpecialistItem {
    pub fn from_domain(s: &Specialist) -> Self {
        let key = specialist_key(&s.id);
        Self {
            pk: key.pk,
            sk: key.sk,
            id: s.id.clone(),
            name: s.name.to_string(),
            email: s.email.to_string(),
        }
    }

    pub fn into_domain(self) -> Result<Specialist, CorruptItem> {
        Ok(Specialist {
            name: text(&self.name)?,
            email: EmailAddress::parse(&self.email)
                .map_err(|_| CorruptItem(format!("specialist {} email", self.id)))?,
            id: self.id,
        })
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantItem {
    pub pk: String,
    pub sk: String,
    pub specialist_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_title: Option<String>,
    pub granted_at: String,
}

impl GrantItem {
    pub fn admin(
        customer: &crate::domain::CustomerId,
        specialist_id: &str,
        at: OffsetDateTime,
    ) -> Self {
        let key = admin_key(customer, specialist_id);
        Self {
            pk: key.pk,
            sk: key.sk,
            specialist_id: specialist_id.into(),
            transaction_id: None,
            transaction_title: None,
            granted_at: rfc3339(at),
        }
    }

    pub fn processor(
        customer: &crate::domain::CustomerId,
        grant: &ProcessorGrant,
        at: OffsetDateTime,
    ) -> Self {
        let key = processor_key(customer, &grant.specialist_id, &grant.transaction_id);
        Self {
            pk: key.pk,
            sk: key.sk,
            specialist_id: grant.specialist_id.clone(),
            transaction_id: Some(grant.transaction_id.clone()),
            transaction_title: Some(grant.transaction_title.to_string()),
            granted_at: rfc3339(at),
        }
    }

    pub fn into_processor(self) -> Result<ProcessorGrant, CorruptItem> {
        Ok(ProcessorGrant {
            specialist_id: self.specialist_id,
            transaction_id: self
                .transaction_id
                .ok_or_else(|| CorruptItem("processor grant without transaction".into()))?,
            transaction_title: text(self.transaction_title.as_deref().unwrap_or("?"))?,
        })
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionItem {
    pub pk: String,
    pub sk: String,
    pub id: String,
    pub customer_id: String,
    pub title: String,
    pub created_at: String,
}

impl TransactionItem {
    pub fn from_domain(t: &BusinessTransaction) -> Self {
        let key = transaction_key(&t.customer_id, &t.id);
        Self {
            pk: key.pk,
            sk: key.sk,
            id: t.id.clone(),
            customer_id: t.customer_id.to_string(),
            title: t.title.to_string(),
            created_at: rfc3339(t.created_at),
        }
    }

    pub fn into_domain(self) -> Result<BusinessTransaction, CorruptItem> {
        Ok(BusinessTransaction {
            customer_id: crate::domain::CustomerId::parse(&self.customer_id)
                .map_err(|_| CorruptItem("transaction customer".into()))?,
            title: text(&self.title)?,
            created_at: parse_time(&self.created_at)?,
            id: self.id,
        })
    }
}

// -------------------------------------------------------------------------------------------
// A customer's partition, read in one query
// -------------------------------------------------------------------------------------------

/// What a query over a customer's partition found, sorted out by item kind.
#[derive(Debug, Default, Clone)]
pub struct Partition {
    pub customer: Option<Customer>,
    /// The customer item exists but is being deleted.
    pub deleting: bool,
    /// Who started the deletion, if one started.
    pub deleted_by: Option<String>,
    /// Key of the stored first answer of the create, if it was made with an idempotency key.
    pub idempotency: Option<Key>,
    pub accesses: Vec<Access>,
    pub admins: Vec<String>,
    pub processors: Vec<ProcessorGrant>,
    pub transactions: Vec<BusinessTransaction>,
    /// The customer's access review (kept on the customer item).
    pub review: ReviewState,
    /// Keys of every item read, for the cascade delete.
    pub keys: Vec<Key>,
    /// How often the customer's responsibilities changed (`respSeq`): the condition of the
    /// next change of them.
    pub resp_seq: i64,
    /// The specialists the customer item records as responsible (`responsible`): whose
    /// responsibility items exist.
    pub responsible: Vec<String>,
}

impl Partition {
    pub fn from_items(items: &[Item]) -> Result<Self, CorruptItem> {
        let mut p = Partition::default();
        for item in items {
            if let Some(k) = Key::of(item) {
                p.keys.push(k);
            }
            let sk = sk_of(item);
            if sk == CUSTOMER_SK {
                let c: CustomerItem = from_item(item)?;
                p.deleting = c.deleting;
                p.deleted_by = c.deleted_by.clone();
                p.idempotency = c.idempotency_pk.as_deref().map(idempotency_key_of_pk);
                p.review = review_of(item)?;
                (p.resp_seq, p.responsible) = responsibility_state(item);
                if !c.deleting {
                    p.customer = Some(c.into_domain()?);
                }
            } else if sk.starts_with(ACCESS_PREFIX) {
                p.accesses
                    .push(from_item::<AccessItem>(item)?.into_domain()?);
            } else if let Some(id) = sk.strip_prefix(ADMIN_PREFIX) {
                p.admins.push(id.to_owned());
            } else if sk.starts_with(PROC_PREFIX) {
                p.processors
                    .push(from_item::<GrantItem>(item)?.into_processor()?);
            } else if sk.starts_with(TX_PREFIX) {
                p.transactions
                    .push(from_item::<TransactionItem>(item)?.into_domain()?);
            }
        }
        Ok(p)
    }

    pub fn is_admin(&self, specialist_id: &str) -> bool {
        self.admins.iter().any(|a| a == specialist_id)
    }
}
