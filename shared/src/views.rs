//! The JSON shapes of the API contract, built from domain types.

use crate::domain::{
    Access, BusinessTransaction, Customer, CustomerKind, DeletionCounts, DeletionRecord, Delivery,
    Event, Specialist,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub fn ts(t: OffsetDateTime) -> String {
    crate::domain::rfc3339(t)
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AddressView {
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CustomerView {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
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
    pub mobile: Option<String>,
    pub language: String,
    pub address: Option<AddressView>,
    pub display_name: String,
    pub version: u64,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accesses: Option<Vec<AccessView>>,
}

impl CustomerView {
    pub fn new(c: &Customer) -> Self {
        let d = &c.data;
        let s = |t: &Option<crate::domain::Text>| t.as_ref().map(|t| t.to_string());
        let mut v = CustomerView {
            id: c.id.to_string(),
            kind: d.customer_type().as_str().into(),
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
            address: d.address.as_ref().map(|a| AddressView {
                street: a.street.to_string(),
                postal_code: a.postal_code.to_string(),
                city: a.city.to_string(),
                country: a.country.as_str().into(),
            }),
            display_name: d.display_name(),
            version: c.version,
            created_at: ts(c.created_at),
            updated_at: ts(c.updated_at),
            accesses: None,
        };
        match &d.kind {
            CustomerKind::Person(p) => {
                v.salutation = p.salutation.map(|x| x.as_str().into());
                v.title = s(&p.title);
                v.first_name = Some(p.first_name.to_string());
                v.last_name = Some(p.last_name.to_string());
                v.date_of_birth = p.date_of_birth.map(|d| d.to_string());
            }
            CustomerKind::Company(co) => {
                v.company_name = Some(co.company_name.to_string());
                v.legal_form = s(&co.legal_form);
                v.register_number = s(&co.register_number);
                v.vat_id = s(&co.vat_id);
                v.contact_first_name = Some(co.contact_first_name.to_string());
                v.contact_last_name = Some(co.contact_last_name.to_string());
            }
        }
        v
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CustomerSummary {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub display_name: String,
    pub email: String,
    pub created_at: String,
}

impl CustomerSummary {
    pub fn new(c: &Customer) -> Self {
        Self {
            id: c.id.to_string(),
            kind: c.data.customer_type().as_str().into(),
            display_name: c.data.display_name(),
            email: c.data.email.to_string(),
            created_at: ts(c.created_at),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    /// `pending`, `sent` or `failed`.
    pub email: String,
    /// Absent when no mobile number is stored.
    pub sms: Option<String>,
    pub at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AccessView {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub mobile: Option<String>,
    pub language: String,
    pub status: String,
    pub invited_at: String,
    pub activated_at: Option<String>,
    /// How the last invitation fared; absent once the access is active.
    pub delivery: Option<DeliveryView>,
    /// When the current link expires; null once active.
    pub invitation_expires_at: Option<String>,
}

pub fn delivery_view(d: &Delivery) -> DeliveryView {
    DeliveryView {
        email: d.email.as_str().into(),
        sms: d.sms.map(|s| s.as_str().into()),
        at: ts(d.at),
    }
}

impl AccessView {
    /// The access as it stands at `now`: an invitation past its expiry shows as `expired`.
    pub fn new(a: &Access, now: OffsetDateTime) -> Self {
        let invited = a.status == crate::domain::AccessStatus::Invited;
        let expired = invited && a.expires_at.is_some_and(|at| at <= now);
        Self {
            id: a.id.clone(),
            first_name: a.first_name.to_string(),
            last_name: a.last_name.to_string(),
            email: a.email.to_string(),
            mobile: a.mobile.as_ref().map(|m| m.to_string()),
            language: a.language.as_str().into(),
            status: if expired {
                "expired".into()
            } else {
                a.status.as_str().into()
            },
            invited_at: ts(a.invited_at),
            activated_at: a.activated_at.map(ts),
            delivery: match a.status {
                crate::domain::AccessStatus::Invited => a.delivery.as_ref().map(delivery_view),
                crate::domain::AccessStatus::Active => None,
            },
            invitation_expires_at: a.expires_at.filter(|_| invited).map(ts),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SpecialistView {
    pub id: String,
    pub name: String,
    pub email: String,
}

impl SpecialistView {
    pub fn new(s: &Specialist) -> Self {
        Self {
            id: s.id.clone(),
            name: s.name.to_string(),
            email: s.email.to_string(),
        }
    }

    /// A specialist who is no longer in the directory still shows, by id.
    pub fn unknown(id: &str) -> Self {
        Self {
            id: id.into(),
            name: id.into(),
            email: String::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TransactionRef {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ProcessorView {
    pub specialist: SpecialistView,
    pub transactions: Vec<TransactionRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AuthorisationsView {
    pub accesses: Vec<AccessView>,
    pub administrators: Vec<SpecialistView>,
    pub additional_processors: Vec<ProcessorView>,
    pub access_review: AccessReviewView,
}

/// The last confirmation of a customer's accesses and when the next one falls due.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AccessReviewView {
    pub reviewed_at: Option<String>,
    pub reviewed_by: Option<String>,
    pub due_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TransactionView {
    pub id: String,
    pub customer_id: String,
    pub title: String,
    pub status: String,
    pub created_at: String,
}

impl TransactionView {
    pub fn new(t: &BusinessTransaction) -> Self {
        Self {
            id: t.id.clone(),
            customer_id: t.customer_id.to_string(),
            title: t.title.to_string(),
            status: "open".into(),
            created_at: ts(t.created_at),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Items<T> {
    pub items: Vec<T>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CustomerPage {
    pub items: Vec<CustomerSummary>,
    pub next_cursor: Option<String>,
}

/// What deleting a customer removes (the deletion preview, and the counts of a record).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DeletionCountsView {
    pub accesses: u64,
    pub active_accesses: u64,
    pub administrators: u64,
    pub additional_processors: u64,
    pub transactions: u64,
}

impl DeletionCountsView {
    pub fn new(c: &DeletionCounts) -> Self {
        Self {
            accesses: c.accesses,
            active_accesses: c.active_accesses,
            administrators: c.administrators,
            additional_processors: c.additional_processors,
            transactions: c.transactions,
        }
    }
}

/// Who did something: `kind` is `specialist` for staff.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ActorView {
    pub kind: String,
    pub id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DeletionView {
    pub customer_id: String,
    pub deleted_at: String,
    pub actor: ActorView,
    pub counts: DeletionCountsView,
}

impl DeletionView {
    pub fn new(r: &DeletionRecord) -> Self {
        Self {
            customer_id: r.customer_id.to_string(),
            deleted_at: ts(r.deleted_at),
            actor: ActorView {
                kind: "specialist".into(),
                id: r.deleted_by.clone(),
            },
            counts: DeletionCountsView::new(&r.counts),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DeletionPage {
    pub items: Vec<DeletionView>,
    pub next_cursor: Option<String>,
}

/// What an event is about: `id` is the customer's, access's, specialist's or business
/// transaction's id.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SubjectView {
    pub kind: String,
    pub id: String,
}

/// One entry of a customer's history: ids and names, never a value.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    pub id: String,
    pub at: String,
    pub actor: ActorView,
    pub action: String,
    pub subject: SubjectView,
    pub fields: Vec<String>,
    /// The business transactions of an additional-processor event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_ids: Option<Vec<String>>,
    /// The route template of an emergency access (`customer.accessed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
}

impl EventView {
    pub fn new(e: &Event) -> Self {
        let kind = e.action.subject_kind();
        Self {
            id: e.id.clone(),
            at: ts(e.at),
            actor: ActorView {
                kind: e.actor.kind.as_str().into(),
                id: e.actor.id.clone(),
            },
            action: e.action.as_str().into(),
            subject: SubjectView {
                kind: kind.as_str().into(),
                id: e.subject.clone(),
            },
            fields: e.fields.clone(),
            transaction_ids: (kind == crate::domain::SubjectKind::Processor)
                .then(|| e.transaction_ids.clone()),
            route: e.route.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct HistoryPage {
    pub items: Vec<EventView>,
    pub next_cursor: Option<String>,
}

/// A customer as a list of responsibilities names it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CustomerRefView {
    pub id: String,
    pub display_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TransactionRefView {
    pub id: String,
    pub title: String,
}

/// One customer a specialist is responsible for, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ResponsibilityView {
    pub customer: CustomerRefView,
    pub administrator: bool,
    pub transactions: Vec<TransactionRefView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ResponsibilityPage {
    pub items: Vec<ResponsibilityView>,
    pub next_cursor: Option<String>,
}
