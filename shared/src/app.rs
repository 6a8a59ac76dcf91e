//! The application context shared by every handler: the ports and the settings.

use crate::config::Settings;
use crate::ports::{Clock, Identity, Mailer, Queue, SmsSender, Table};
use std::sync::Arc;

#[derive(Clone)]
pub struct App {
    pub table: Arc<dyn Table>,
    pub mailer: Arc<dyn Mailer>,
    pub sms: Arc<dyn SmsSender>,
    pub identity: Arc<dyn Identity>,
    /// Where queued imports go to be worked off.
    pub queue: Arc<dyn Queue>,
    pub clock: Arc<dyn Clock>,
    pub settings: Settings,
}

impl App {
    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }
}
