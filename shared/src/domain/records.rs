//! Accesses, invitations, specialists and business transactions.

use super::{CustomerId, EmailAddress, Language, MobileNumber, Text, TokenHash};
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessStatus {
    Invited,
    Active,
}

impl AccessStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::Active => "active",
        }
    }
}

/// Whether the last invitation reached the delivery service, and what the mail service
/// reported about the e-mail afterwards (`Delivered`, `Bounced`, `Complained`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    /// Stored, not yet handed over (or the function stopped in between).
    Pending,
    Sent,
    Failed,
    /// The receiving mail server accepted it.
    Delivered,
    /// It bounced for good (a permanent bounce): the address does not take mail.
    Bounced,
    /// The recipient marked it as spam.
    Complained,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Delivered => "delivered",
            Self::Bounced => "bounced",
            Self::Complained => "complained",
        }
    }

    /// An address that bounced or complained is not invited again until it is changed:
    /// every further message would count against the sender's reputation.
    pub fn blocks_reinvitation(self) -> bool {
        matches!(self, Self::Bounced | Self::Complained)
    }
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "pending" => Ok(Self::Pending),
            "sent" => Ok(Self::Sent),
            "failed" => Ok(Self::Failed),
            "delivered" => Ok(Self::Delivered),
            "bounced" => Ok(Self::Bounced),
            "complained" => Ok(Self::Complained),
            other => Err(format!("unknown delivery state {other:?}")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub email: DeliveryState,
    /// `None` when no mobile number is stored.
    pub sms: Option<DeliveryState>,
    pub at: OffsetDateTime,
    /// The mail service's id of the invitation e-mail, by which its later reports are
    /// matched to this invitation (and not to an earlier one).
    pub message_id: Option<String>,
}

/// An end user's login to a customer.
#[derive(Debug, Clone, PartialEq)]
pub struct Access {
    pub id: String,
    pub customer_id: CustomerId,
    pub first_name: Text,
    pub last_name: Text,
    pub email: EmailAddress,
    pub mobile: Option<MobileNumber>,
    pub language: Language,
    pub status: AccessStatus,
    pub invited_at: OffsetDateTime,
    pub activated_at: Option<OffsetDateTime>,
    /// The sign-in subject once registered.
    pub identity: Option<String>,
    /// Hash of the token of the invitation that currently works.
    pub invitation: Option<TokenHash>,
    /// Every invitation ever issued for this access, so that deleting the access removes them.
    pub invitations: Vec<TokenHash>,
    /// The mail service's ids of every invitation e-mail sent for this access, so that
    /// deleting the access removes their `MAIL#` pointers too.
    pub mail_messages: Vec<String>,
    /// Unix times of the invitations sent in the last 24 hours (rate limit).
    pub sends: Vec<i64>,
    pub delivery: Option<Delivery>,
    /// When the current invitation's link expires (`None` once active, and on accesses stored
    /// before expiries were recorded on them).
    pub expires_at: Option<OffsetDateTime>,
    /// When the current invitation's one automatic reminder falls due; `None` when none is
    /// pending (sent already, turned off, or the access is active).
    pub remind_at: Option<OffsetDateTime>,
    pub version: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationStatus {
    Pending,
    /// A completion is in progress (since the given unix time).
    Claimed(i64),
    Used,
    Revoked,
}

/// A registration link (and SMS code) as stored: only hashes of the secrets.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    pub token_hash: TokenHash,
    pub customer_id: CustomerId,
    pub access_id: String,
    /// (salt, hash) of the SMS code, when one was sent.
    pub code: Option<(String, String)>,
    pub expires_at: OffsetDateTime,
    pub attempts: u32,
    pub status: InvitationStatus,
    pub email: EmailAddress,
    pub language: Language,
}

/// Wrong codes that lock an invitation until it is resent.
pub const MAX_CODE_ATTEMPTS: u32 = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Specialist {
    /// The `sub` of the specialist's token.
    pub id: String,
    pub name: Text,
    pub email: EmailAddress,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessTransaction {
    pub id: String,
    pub customer_id: CustomerId,
    pub title: Text,
    pub created_at: OffsetDateTime,
}

/// A specialist entered as additional processor of one business transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessorGrant {
    pub specialist_id: String,
    pub transaction_id: String,
    pub transaction_title: Text,
}
