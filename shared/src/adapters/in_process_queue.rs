//! The import queue inside one process (the local server, the tests): messages go to a
//! channel whose receiver a worker loop drains (`functions::run_import_worker`).

use crate::ports::{Queue, QueueError};
use async_trait::async_trait;
use tokio::sync::mpsc;

pub struct InProcessQueue {
    sender: mpsc::UnboundedSender<String>,
}

impl InProcessQueue {
    /// The queue and the receiving end that a worker drains.
    pub fn new() -> (Self, mpsc::UnboundedReceiver<String>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        (Self { sender }, receiver)
    }
}

#[async_trait]
impl Queue for InProcessQueue {
    async fn send(&self, body: String) -> Result<(), QueueError> {
        self.sender
            .send(body)
            .map_err(|_| QueueError(anyhow::anyhow!("the import worker has stopped")))
    }
}
