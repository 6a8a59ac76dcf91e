//! A customer's history: who changed which subject of it, when, and which fields; ids, action
//! names and field names only, never a value (GoBD traceability without copying the data).

use time::OffsetDateTime;

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub kind: ActorKind,
    /// The specialist's id, the end user's sign-in subject, or the part of the system.
    pub id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    Specialist,
    EndUser,
    System,
}

impl Actor {
    pub fn specialist(id: &str) -> Self {
        Self {
            kind: ActorKind::Specialist,
            id: id.to_owned(),
        }
    }

    /// An end user, named by the subject of its sign-in (the identity's id in its tokens).
    pub fn end_user(subject: &str) -> Self {
        Self {
            kind: ActorKind::EndUser,
            id: subject.to_owned(),
        }
    }

    /// The scheduled work that sends an invitation's one reminder.
    pub fn reminder() -> Self {
        Self {
            kind: ActorKind::System,
            id: "reminder".to_owned(),
        }
    }

    /// The mail and SMS services' reports on the invitations sent.
    pub fn delivery() -> Self {
        Self {
            kind: ActorKind::System,
            id: "delivery".to_owned(),
        }
    }
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Specialist => "specialist",
            ActorKind::EndUser => "end-user",
            ActorKind::System => "system",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        [Self::Specialist, Self::EndUser, Self::System]
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| format!("unknown actor kind {raw:?}"))
    }
}

/// What happened, as the contract names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    CustomerCreated,
    CustomerUpdated,
    AccessCreated,
    AccessUpdated,
    AccessInvited,
    AccessActivated,
    AccessRemoved,
    AccessDelivery,
    AdministratorAdded,
    AdministratorRemoved,
    ProcessorAdded,
    ProcessorRemoved,
    TransactionCreated,
    TransactionDeleted,
    /// (v3) An administrator confirmed the customer's accesses.
    AccessReviewed,
    /// A platform admin's emergency access to a customer it is not responsible for.
    CustomerAccessed,
}

const ACTIONS: [Action; 16] = [
    Action::CustomerCreated,
    Action::CustomerUpdated,
    Action::AccessCreated,
    Action::AccessUpdated,
    Action::AccessInvited,
    Action::AccessActivated,
    Action::AccessRemoved,
    Action::AccessDelivery,
    Action::AdministratorAdded,
    Action::AdministratorRemoved,
    Action::ProcessorAdded,
    Action::ProcessorRemoved,
    Action::TransactionCreated,
    Action::TransactionDeleted,
    Action::AccessReviewed,
    Action::CustomerAccessed,
];

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::CustomerCreated => "customer.created",
            Action::CustomerUpdated => "customer.updated",
            Action::AccessCreated => "access.created",
            Action::AccessUpdated => "access.updated",
            Action::AccessInvited => "access.invited",
            Action::AccessActivated => "access.activated",
            Action::AccessRemoved => "access.removed",
            Action::AccessDelivery => "access.delivery",
            Action::AdministratorAdded => "administrator.added",
            Action::AdministratorRemoved => "administrator.removed",
            Action::ProcessorAdded => "additional-processor.added",
            Action::ProcessorRemoved => "additional-processor.removed",
            Action::TransactionCreated => "transaction.created",
            Action::TransactionDeleted => "transaction.deleted",
            Action::AccessReviewed => "access.reviewed",
            Action::CustomerAccessed => "customer.accessed",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        ACTIONS
            .into_iter()
            .find(|a| a.as_str() == raw)
            .ok_or_else(|| format!("unknown action {raw:?}"))
    }

    /// The kind of subject this action is about.
    pub fn subject_kind(self) -> SubjectKind {
        match self {
            Action::CustomerCreated
            | Action::CustomerUpdated
            | Action::AccessReviewed
            | Action::CustomerAccessed => SubjectKind::Customer,
            Action::AdministratorAdded | Action::AdministratorRemoved => SubjectKind::Administrator,
            Action::ProcessorAdded | Action::ProcessorRemoved => SubjectKind::Processor,
            Action::TransactionCreated | Action::TransactionDeleted => SubjectKind::Transaction,
            _ => SubjectKind::Access,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectKind {
    Customer,
    Access,
    Administrator,
    Processor,
    Transaction,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Customer => "customer",
            SubjectKind::Access => "access",
            SubjectKind::Administrator => "administrator",
            SubjectKind::Processor => "additional-processor",
            SubjectKind::Transaction => "transaction",
        }
    }
}

/// One entry of a customer's history. `fields` names the changed fields of an update (JSON
/// names of the API); `transaction_ids` lists the business transactions of an
/// additional-processor event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: String,
    pub at: OffsetDateTime,
    pub actor: Actor,
    pub action: Action,
    /// The subject's id: customer, access, specialist or business transaction.
    pub subject: String,
    pub fields: Vec<String>,
    pub transaction_ids: Vec<String>,
    /// The route template of an emergency access (`customer.accessed`).
    pub route: Option<String>,
}

impl Event {
    pub fn new(at: OffsetDateTime, actor: &Actor, action: Action, subject: &str) -> Self {
        Self {
            id: crate::ids::new_id("evt", at),
            at,
            actor: actor.clone(),
            action,
            subject: subject.to_owned(),
            fields: Vec::new(),
            transaction_ids: Vec::new(),
            route: None,
        }
    }

    pub fn with_fields<S: AsRef<str>>(mut self, fields: &[S]) -> Self {
        self.fields = fields.iter().map(|f| f.as_ref().to_owned()).collect();
        self
    }

    pub fn with_route(mut self, route: &str) -> Self {
        self.route = Some(route.to_owned());
        self
    }

    pub fn with_transactions(mut self, ids: Vec<String>) -> Self {
        self.transaction_ids = ids;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_from_its_name() {
        for a in ACTIONS {
            assert_eq!(Action::parse(a.as_str()), Ok(a));
        }
        assert!(Action::parse("customer.deleted").is_err());
    }

    #[test]
    fn processor_events_are_about_the_specialist() {
        assert_eq!(
            Action::ProcessorRemoved.subject_kind().as_str(),
            "additional-processor"
        );
        assert_eq!(Action::AccessDelivery.subject_kind(), SubjectKind::Access);
    }
}
