//! The import queue on Amazon SQS: the `Queue` port for AWS.

use super::aws_errors::sdk_error;
use crate::ports::{Queue, QueueError};
use async_trait::async_trait;

pub struct SqsQueue {
    client: aws_sdk_sqs::Client,
    url: String,
}

impl SqsQueue {
    pub fn new(client: aws_sdk_sqs::Client, url: impl Into<String>) -> Self {
        Self {
            client,
            url: url.into(),
        }
    }
}

#[async_trait]
impl Queue for SqsQueue {
    async fn send(&self, body: String) -> Result<(), QueueError> {
        self.client
            .send_message()
            .queue_url(&self.url)
            .message_body(body)
            .send()
            .await
            .map_err(|e| QueueError(sdk_error("SQS SendMessage", e)))?;
        Ok(())
    }
}
