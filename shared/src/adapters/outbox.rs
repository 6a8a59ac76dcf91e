//! The local outbox: e-mails and SMS that would have gone out through SES and SNS are kept in
//! memory (for `GET /dev/outbox`) and, when a folder is given, written one file per message.

use crate::ports::{
    Clock, DeliveryError, EmailMessage, Mailer, SmsMessage, SmsSender, SystemClock,
};
use async_trait::async_trait;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OutboxEntry {
    /// `email` or `sms`.
    pub channel: String,
    pub to: String,
    pub subject: Option<String>,
    pub body: String,
    pub sent_at: String,
    /// The id a mail service would report this e-mail by (e-mail only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

pub struct Outbox {
    entries: Mutex<Vec<OutboxEntry>>,
    folder: Option<PathBuf>,
    /// `sentAt` follows the application's clock, also the local server's settable one.
    clock: Arc<dyn Clock>,
}

impl Default for Outbox {
    fn default() -> Self {
        Self {
            entries: Mutex::default(),
            folder: None,
            clock: Arc::new(SystemClock),
        }
    }
}

impl Outbox {
    pub fn new(folder: Option<PathBuf>) -> std::io::Result<Self> {
        if let Some(f) = &folder {
            std::fs::create_dir_all(f)?;
        }
        Ok(Self {
            folder,
            ..Self::default()
        })
    }

    /// The same outbox, stamping `sentAt` from `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    fn now(&self) -> String {
        crate::domain::rfc3339(self.clock.now())
    }

    pub fn entries(&self) -> Vec<OutboxEntry> {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn keep(&self, entry: OutboxEntry, extension: &str) -> Result<(), DeliveryError> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(folder) = &self.folder {
            let name = format!(
                "{:04}-{}-{}.{extension}",
                entries.len() + 1,
                entry.channel,
                entry.to.replace(['@', '+', '/'], "_")
            );
            let content = match &entry.subject {
                Some(s) => format!("To: {}\nSubject: {s}\n\n{}", entry.to, entry.body),
                None => format!("To: {}\n\n{}", entry.to, entry.body),
            };
            std::fs::write(folder.join(name), content).map_err(|e| DeliveryError(e.into()))?;
        }
        entries.push(entry);
        Ok(())
    }
}

#[async_trait]
impl Mailer for Outbox {
    async fn send(&self, m: &EmailMessage) -> Result<String, DeliveryError> {
        let id = format!("outbox-{}", uuid::Uuid::new_v4());
        self.keep(
            OutboxEntry {
                channel: "email".into(),
                to: m.to.to_string(),
                subject: Some(m.subject.clone()),
                body: m.text.clone(),
                sent_at: self.now(),
                message_id: Some(id.clone()),
            },
            "txt",
        )?;
        Ok(id)
    }
}

#[async_trait]
impl SmsSender for Outbox {
    async fn send(&self, m: &SmsMessage) -> Result<(), DeliveryError> {
        self.keep(
            OutboxEntry {
                channel: "sms".into(),
                to: m.to.to_string(),
                subject: None,
                body: m.text.clone(),
                sent_at: self.now(),
                message_id: None,
            },
            "sms.txt",
        )
    }
}
